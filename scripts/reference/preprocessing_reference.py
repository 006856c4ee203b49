"""Reference values for petrad's discretisation, normalisation, resegmentation and cropping
tests, made with PyRadiomics 3.1.4 (pyradiomics-bhklab), SimpleITK 2.5.7 and numpy 2.4.6.

    pip install pyradiomics-bhklab==3.1.4
    python scripts/reference/preprocessing_reference.py

Prints the values that the tests in Tests/PetradImageTests embed (with this script named).
"""
import numpy as np
import SimpleITK as sitk
from radiomics import imageoperations

import resampling_reference as R


def show(label, value):
    if isinstance(value, (list, tuple, np.ndarray)):
        value = "[" + ", ".join(repr(float(v)) for v in value) + "]"
    print(f"{label}: {value}")


# Discretisation.
narrow = np.array([2.00 + 0.05 * k for k in range(10)])
edges = imageoperations.getBinEdges(narrow, binWidth=0.5)
show("narrow edges", edges)
show("narrow levels", np.digitize(narrow, edges))

ramp = np.array([k * 5 / 64 for k in range(64)])
edges = imageoperations.getBinEdges(ramp, binWidth=0.25)
show("ramp edge count", len(edges))
show("ramp edges", edges)
show("ramp max level", np.digitize(ramp, edges).max())

signed = np.array([-37.0, -12.5, 0.0, 3.0, 49.999, 50.0, 88.0])
edges = imageoperations.getBinEdges(signed, binWidth=25)
show("signed edges", edges)
show("signed levels", np.digitize(signed, edges))

third = np.array([0.1 * k for k in range(1, 31)])
edges = imageoperations.getBinEdges(third, binWidth=0.1)
show("tenth edges", edges)
show("tenth levels", np.digitize(third, edges))

counted = np.array([3.2, -1.7, 8.9, 0.0, 5.5, 8.9, 2.25])
edges = imageoperations.getBinEdges(counted, binCount=5)
show("count edges", edges)
show("count levels", np.digitize(counted, edges))
flat = np.array([4.0, 4.0, 4.0])
edges = imageoperations.getBinEdges(flat, binCount=8)
show("flat count edges", edges)
show("flat count levels", np.digitize(flat, edges))
edges = imageoperations.getBinEdges(flat, binWidth=2)
show("flat width edges", edges)

# Normalisation of the resampling tests' image (int16).
image = R.make(R.image_values(), (0.9, 1.3, 2.1), (-10.5, 3.25, 7.0), R.IDENTITY)
for kwargs in [dict(), dict(normalizeScale=100, removeOutliers=1.5)]:
    a = sitk.GetArrayFromImage(imageoperations.normalizeImage(image, **kwargs)).ravel()
    show(f"normalize {kwargs} first", a[:4])
    show(f"normalize {kwargs} min max", [a.min(), a.max()])

# Resegmentation with the ellipsoid mask.
mask = R.make(R.mask_values("ellipsoid"), (0.9, 1.3, 2.1), (-10.5, 3.25, 7.0), R.IDENTITY)
for rng, mode in [([30, -10], "absolute"), ([0.5], "relative"), ([-1, 1], "sigma")]:
    m = imageoperations.resegmentMask(image, mask, resegmentRange=rng, resegmentMode=mode)
    kept = np.flatnonzero(sitk.GetArrayFromImage(m).ravel())
    print(f"resegment {rng} {mode}: {len(kept)} voxels, indices {list(map(int, kept))}")

# Cropping with padDistance.
border = R.make(R.mask_values("border"), (0.9, 1.3, 2.1), (-10.5, 3.25, 7.0), R.PERMUTED)
permuted = R.make(R.image_values(), (0.9, 1.3, 2.1), (-10.5, 3.25, 7.0), R.PERMUTED)
bb, _ = imageoperations.checkMask(permuted, border)
ci, cm = imageoperations.cropToTumorMask(permuted, border, bb, padDistance=2)
print("crop bb", list(bb), "size", ci.GetSize(), "origin", ci.GetOrigin())
show("crop first row", sitk.GetArrayFromImage(ci).ravel()[:6])

# binCount on a real ROI (pass the shared data folder as the first argument).
import sys

if len(sys.argv) > 1:
    folder = sys.argv[1] + "/pyradiomics-testcases"
    im = sitk.GetArrayFromImage(sitk.ReadImage(folder + "/brain1_image.nrrd"))
    ma = sitk.GetArrayFromImage(sitk.ReadImage(folder + "/brain1_label.nrrd")) == 1
    roi = im[ma].astype(np.float64)
    edges = imageoperations.getBinEdges(roi, binCount=32)
    show("brain1 binCount 32 edges", edges)
    print("brain1 binCount 32 counts", list(map(int, np.bincount(np.digitize(roi, edges)))))

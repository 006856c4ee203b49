#!/usr/bin/env python3
"""Writes Tests/Fixtures/DICOM/dro_region1_raster.txt: the voxel-centre raster of ROI region_1
of the IBSI-SUV DRO RTSTRUCT (all 17 DROs carry the same contours), made independently of
petrad with matplotlib's point-in-polygon test on the PET grid, for petrad's test that its
RTSTRUCT rasteriser gives the same mask.

Rule: a voxel is in the ROI when its centre is strictly inside the contour of its slice
(even-odd over the slice's contours); a centre lying on the contour itself is left out, as
MIRP's ray casting leaves it out (the published STS masks come from MIRP). Centres on the
contour are found by their distance to its edges (< 1e-9 mm) and listed as comments.

Also writes, as comments, how this raster compares with the series' NIfTI mask
(DRO_mask.nii.gz, the non-zero region of the image).

Usage: python dro_rtstruct_raster.py EXTRACTED_DRO_DIR MASK.nii.gz OUTPUT.txt
(EXTRACTED_DRO_DIR from shared/data/pet/suv-dro/extract.sh). Needs pydicom, numpy,
matplotlib, nibabel."""
import sys
import numpy as np
import nibabel as nib
import pydicom
from matplotlib.path import Path

root, mask_path, out_path = sys.argv[1:4]
rs = pydicom.dcmread(f'{root}/DRO_0_0/RS/RS_dro_0_0.dcm')
pt = pydicom.dcmread(f'{root}/DRO_0_0/PT/pet_dro_0_0_slice_000.dcm')
rows, cols = int(pt.Rows), int(pt.Columns)
dr, dc = (float(v) for v in pt.PixelSpacing)            # row spacing, column spacing
origin = np.array([float(v) for v in pt.ImagePositionPatient])
assert [float(v) for v in pt.ImageOrientationPatient] == [1, 0, 0, 0, 1, 0]

# Voxel centres of one slice in patient x, y (mm): column i at x0 + i dc, row j at y0 + j dr.
jj, ii = np.meshgrid(np.arange(rows), np.arange(cols), indexing='ij')
centres = np.stack([origin[0] + ii.ravel() * dc, origin[1] + jj.ravel() * dr], axis=1)


def on_edges(points, polygon, tolerance=1e-9):
    a = polygon
    b = np.roll(polygon, -1, axis=0)
    hit = np.zeros(len(points), bool)
    for p, q in zip(a, b):
        d = q - p
        t = np.clip(((points - p) @ d) / (d @ d), 0, 1)
        nearest = p + t[:, None] * d
        hit |= np.hypot(*(points - nearest).T) < tolerance
    return hit


slices = {}
boundary = []
for roi in rs.ROIContourSequence:
    for contour in roi.ContourSequence:
        data = np.array(contour.ContourData, float).reshape(-1, 3)
        k = int(round((data[0, 2] - origin[2]) / float(pt.SliceThickness)))
        polygon = data[:, :2]
        inside = Path(polygon).contains_points(centres)
        on = on_edges(centres, polygon)
        for n in np.nonzero(on)[0]:
            boundary.append((k, int(jj.ravel()[n]), int(ii.ravel()[n])))
        inside &= ~on
        plane = slices.setdefault(k, np.zeros(rows * cols, bool))
        plane ^= inside                                   # even-odd across contours
reference = np.zeros((len(slices) and max(slices) + 1, rows, cols), bool)
for k, plane in slices.items():
    reference[k] = plane.reshape(rows, cols)

nifti = np.asarray(nib.load(mask_path).dataobj) != 0      # [column, row, slice]
nifti = np.transpose(nifti, (2, 1, 0))                    # [slice, row, column]
contoured = sorted(slices)
in_nifti = int(nifti[contoured].sum())
ours = int(reference.sum())
outside = int((reference & ~nifti[:reference.shape[0]]).sum())

with open(out_path, 'w') as out:
    out.write('# IBSI-SUV DRO RTSTRUCT region_1 rasterised on the PET grid (256x256x20, 4 mm):\n')
    out.write('# voxel centre strictly inside the contour, even-odd; made by\n')
    out.write('# scripts/reference/dro_rtstruct_raster.py (matplotlib Path.contains_points).\n')
    out.write(f'# voxels {ours}; contoured slices {contoured[0]}-{contoured[-1]};\n')
    out.write(f'# NIfTI mask voxels on those slices {in_nifti}; raster voxels outside it '
              f'{outside}\n')
    for k, j, i in boundary:
        out.write(f'# centre on the contour, left out: slice {k} row {j} column {i}\n')
    out.write('# slice row first_column last_column (runs of inside voxels)\n')
    for k in range(reference.shape[0]):
        for j in range(rows):
            line = reference[k, j]
            if not line.any():
                continue
            edges = np.diff(np.concatenate([[0], line.astype(int), [0]]))
            starts = np.nonzero(edges == 1)[0]
            ends = np.nonzero(edges == -1)[0] - 1
            for s, e in zip(starts, ends):
                out.write(f'{k} {j} {s} {e}\n')
print(out_path, ours, in_nifti, outside, boundary)

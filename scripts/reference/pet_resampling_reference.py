"""Reference values for petrad's PET resampling test: the study's setting (4 x 4 x 5 mm,
sitkBSpline, padDistance 5) applied by PyRadiomics 3.1.4 (pyradiomics-bhklab; SimpleITK 2.5.7)
to the first IBSI soft-tissue-sarcoma FDG-PET cases in ../shared/data/pet/ibsi-sts-validation.

    pip install pyradiomics-bhklab==3.1.4
    python scripts/reference/pet_resampling_reference.py /path/to/shared/data

Prints one line per case; Tests/PetradImageTests/PETResamplingTests.swift embeds them.
"""
import sys

import numpy as np
import SimpleITK as sitk
from radiomics import imageoperations

root = sys.argv[1] + "/pet/ibsi-sts-validation"
for case in ["STS_001", "STS_002", "STS_003", "STS_004", "STS_005"]:
    image = sitk.ReadImage(f"{root}/{case}/pet_image.nii.gz")
    mask = imageoperations.getMask(sitk.ReadImage(f"{root}/{case}/pet_mask.nii.gz"), label=1)
    ri, rm = imageoperations.resampleImage(image, mask, resampledPixelSpacing=[4, 4, 5],
                                           interpolator=sitk.sitkBSpline, padDistance=5)
    a = sitk.GetArrayFromImage(ri).astype(np.float64)
    m = sitk.GetArrayFromImage(rm) == 1
    print(f'("{case}", {ri.GetSize()}, {tuple(ri.GetOrigin())}, {ri.GetPixelIDTypeAsString()!r}, '
          f"{float(a.sum())!r}, {float(a.min())!r}, {float(a.max())!r}, {int(m.sum())}, "
          f"{float(a[m].sum())!r}),")

"""Reference values for TextureEdgeCaseTests.testIsolatedVoxelAndAbsentLevelAsPyRadiomicsNGTDMAndGLDM,
made with PyRadiomics 3.1.4 (pyradiomics-bhklab), SimpleITK 2.5.7, numpy 2.4.6:

    python scripts/reference/texture_isolated_voxel.py

Prints the NGTDM and GLDM values and the binned levels of the middle slice.
"""
import numpy as np, SimpleITK as sitk, radiomics
from radiomics import ngtdm, gldm
radiomics.setVerbosity(60)
# 6x5x1 ROI (z, y, x) = (1, 5, 6): a 2x3 block of values and one isolated voxel.
img = np.zeros((3, 5, 6), dtype=np.float64)
msk = np.zeros((3, 5, 6), dtype=np.uint32)
block = [[10, 40, 70], [40, 70, 100]]
for y in range(2):
    for x in range(3):
        img[1, y, x] = block[y][x]; msk[1, y, x] = 1
img[1, 4, 5] = 100; msk[1, 4, 5] = 1
image = sitk.GetImageFromArray(img); mask = sitk.GetImageFromArray(msk)
for cls in [ngtdm.RadiomicsNGTDM, gldm.RadiomicsGLDM]:
    ex = cls(image, mask, binWidth=25, label=1)
    ex.enableAllFeatures()
    v = ex.execute()
    for k in sorted(v): print(cls.__name__, k, repr(float(v[k])))
# levels after binning
from radiomics import imageoperations
m, _ = imageoperations.binImage(img, msk.astype(bool), binWidth=25)
print(m[1])

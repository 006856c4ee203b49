#!/usr/bin/env python3
"""Turns the raw whole-body PET of ../shared/data/pet/mirp-sts-raw (DICOM, Bq/mL) into NIfTI for
the benchmark: image = stored value x RescaleSlope + RescaleIntercept per slice (left in Bq/mL,
float32), slices sorted along z, z spacing = (last z - first z) / (slices - 1) (the series'
spacing varies 3.19-3.29 mm; both tools read the same file, so this does not bias the timing);
mask = RTSTRUCT ROI GTV_Mass rasterised with the voxel-centre, even-odd rule the data folder's
README describes (its expected count: 5095 voxels on 31 slices).
Used only because `petrad convert` (DICOM) is not available yet in this branch.
Usage: prepare_raw_pet.py DATA_FOLDER OUT_FOLDER   (writes raw_pet.nii.gz, raw_gtv.nii.gz)"""
import glob, os, sys
import numpy as np, pydicom, SimpleITK as sitk

def inside(px, py, polygon):
    """Even-odd test of points (px, py) against a closed polygon (N x 2)."""
    result = np.zeros(px.shape, bool)
    x, y = polygon[:, 0], polygon[:, 1]
    for i in range(len(polygon)):
        x0, y0, x1, y1 = x[i - 1], y[i - 1], x[i], y[i]
        if y0 == y1:
            continue
        crosses = (y0 > py) != (y1 > py)
        xcross = x0 + (py - y0) * (x1 - x0) / (y1 - y0)
        result ^= crosses & (px < xcross)
    return result

def main(data, out):
    series = os.path.join(data, 'STS_001', 'FDG_PET')
    slices = sorted((pydicom.dcmread(f) for f in glob.glob(os.path.join(series, 'image', '*.dcm'))),
                    key=lambda d: float(d.ImagePositionPatient[2]))
    z = np.array([float(d.ImagePositionPatient[2]) for d in slices])
    volume = np.stack([d.pixel_array.astype(np.float64) * float(d.RescaleSlope)
                       + float(d.RescaleIntercept) for d in slices]).astype(np.float32)
    first = slices[0]
    ox, oy = map(float, first.ImagePositionPatient[:2])
    row_spacing, col_spacing = map(float, first.PixelSpacing)
    mask = np.zeros(volume.shape, np.uint8)
    structure = pydicom.dcmread(glob.glob(os.path.join(series, 'mask', '*.dcm'))[0])
    roi = next(r.ROINumber for r in structure.StructureSetROISequence if r.ROIName == 'GTV_Mass')
    contours = next(c for c in structure.ROIContourSequence if c.ReferencedROINumber == roi)
    cols, rows = np.meshgrid(ox + col_spacing * np.arange(first.Columns),
                             oy + row_spacing * np.arange(first.Rows))
    planes = {}
    for contour in contours.ContourSequence:
        points = np.array(contour.ContourData, float).reshape(-1, 3)
        k = int(np.argmin(abs(z - points[0, 2])))
        planes[k] = planes.get(k, np.zeros(cols.shape, bool)) ^ inside(cols, rows, points[:, :2])
    for k, plane in planes.items():
        mask[k][plane] = 1
    spacing = (col_spacing, row_spacing, float((z[-1] - z[0]) / (len(z) - 1)))
    for array, name in ((volume, 'raw_pet.nii.gz'), (mask, 'raw_gtv.nii.gz')):
        image = sitk.GetImageFromArray(array)
        image.SetSpacing(spacing)
        image.SetOrigin((ox, oy, float(z[0])))
        sitk.WriteImage(image, os.path.join(out, name))
    values = volume[mask == 1]
    print(f'raw PET {volume.shape[::-1]} voxels, GTV_Mass {int(mask.sum())} voxels on '
          f'{len(planes)} slices, {values.min():.2f}..{values.max():.2f} Bq/mL '
          f'(~{int(values.max() // 25 - values.min() // 25) + 1} bins of 25)')

if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])

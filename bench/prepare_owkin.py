#!/usr/bin/env python3
"""Turns the owkin NSCLC CT crops into NIfTI pairs and a cases table both tools read.

The cohort (Owkin's "Predicting lung cancer survival time" challenge data) stores each patient
as one NumPy archive, images/patient_NNN.npz, holding the CT crop as `scan` and the tumour
segmentation as `mask` (z, y, x arrays). The archives carry no voxel spacing: the crops are
written with 1 mm spacing (SPACING overrides, "x,y,z" in mm), and since both tools read the
same files the timing is not biased by it. A folder that already has cases.csv is left alone.
Usage: prepare_owkin.py COHORT_FOLDER OUT_FOLDER   (prints the cases table's path)"""
import glob, os, sys
import numpy as np, SimpleITK as sitk

def main(cohort, out):
    existing = os.path.join(cohort, 'cases.csv')
    if os.path.exists(existing):
        print(existing)
        return
    archives = sorted(glob.glob(os.path.join(cohort, '**', '*.npz'), recursive=True))
    if not archives:
        sys.exit(f'prepare_owkin.py: {cohort} has neither cases.csv nor .npz archives')
    spacing = [float(v) for v in os.environ.get('SPACING', '1,1,1').split(',')]
    os.makedirs(out, exist_ok=True)
    rows = ['PatientID,Image,Mask']
    for path in archives:
        patient = os.path.splitext(os.path.basename(path))[0]
        with np.load(path) as archive:
            if 'scan' not in archive or 'mask' not in archive:
                sys.exit(f'prepare_owkin.py: {path} lacks the arrays scan and mask '
                         f'(has {", ".join(archive.files)})')
            scan, mask = archive['scan'], archive['mask']
        if scan.shape != mask.shape:
            sys.exit(f'prepare_owkin.py: {path}: scan {scan.shape} and mask {mask.shape} differ')
        files = []
        for name, array in (('image', scan.astype(np.int16)), ('mask', (mask != 0).astype(np.uint8))):
            volume = sitk.GetImageFromArray(array)
            volume.SetSpacing(spacing)
            files.append(os.path.join(out, f'{patient}_{name}.nii.gz'))
            sitk.WriteImage(volume, files[-1])
        rows.append(f'{patient},{files[0]},{files[1]}')
    table = os.path.join(out, 'cases.csv')
    with open(table, 'w') as f:
        f.write('\n'.join(rows) + '\n')
    print(table)

if __name__ == '__main__':
    main(*sys.argv[1:3])

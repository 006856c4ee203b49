#!/usr/bin/env python3
"""Writes Tests/Fixtures/EnhancedPET/enhanced_pet_dro_<id>.dcm: a crop of an IBSI-SUV DRO classic
PET series (one file per slice) converted to one multi-frame Legacy Converted Enhanced PET Image
(SOP class 1.2.840.10008.5.1.4.1.1.128.1) by highdicom, for petrad's test that such a file
gives the same SUV volume as the classic series it came from.

The crop keeps every slice and rows 120-127, columns 88-99 (both the 3600 Bq/ml body and the
720 Bq/ml insert in DRO_3_4). Each frame's position goes to PlanePositionSequence, its rescale
to PixelValueTransformationSequence and its acquisition date-time to FrameContentSequence;
attributes that differ per slice and have no functional group (FrameReferenceTime,
AcquisitionTime, DecayFactor, ...) go to UnassignedPerFrameConvertedAttributesSequence. The
frames are written in reverse slice order, so the reader must sort them by position.

DRO_1_0 tests per-frame RescaleSlope (4.0 and 3.0); DRO_3_4 tests per-frame acquisition times
(DecayCorrection NONE).

enhanced_pet_sopclass_130.dcm is the DRO_3_4 file relabelled as Enhanced PET Image Storage
(1.2.840.10008.5.1.4.1.1.130) without Units, as that IOD has none: not a complete Enhanced PET
object (its decay attributes are not added), only for the test that such a file's frames are
read and its SUV conversion is refused with an error naming the SOP class.

Usage: python make_enhanced_pet_fixture.py EXTRACTED_DRO_DIR OUTPUT_DIR
(EXTRACTED_DRO_DIR from shared/data/pet/suv-dro/extract.sh). Needs pydicom 3, highdicom 0.28."""
import glob
import sys

import numpy as np
import pydicom
from highdicom.legacy import LegacyConvertedEnhancedPETImage
from pydicom.uid import ExplicitVRLittleEndian

root, out_dir = sys.argv[1:3]
ROWS, COLUMNS = slice(120, 128), slice(88, 100)

for dro in ['1_0', '3_4']:
    datasets = []
    for path in sorted(glob.glob(f'{root}/DRO_{dro}/PT/*.dcm')):
        ds = pydicom.dcmread(path)
        pixels = ds.pixel_array[ROWS, COLUMNS].astype(np.int16)
        # The crop's first voxel moves the position: x + column * dc, y + row * dr.
        dr, dc = (float(v) for v in ds.PixelSpacing)
        x, y, z = (float(v) for v in ds.ImagePositionPatient)
        ds.ImagePositionPatient = [x + COLUMNS.start * dc, y + ROWS.start * dr, z]
        ds.Rows, ds.Columns = pixels.shape
        ds.PixelData = pixels.tobytes()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        datasets.append(ds)
    datasets.reverse()
    enhanced = LegacyConvertedEnhancedPETImage(
        datasets,
        series_instance_uid=f'1.2.826.0.1.3680043.8.498.77.{dro.replace("_", "")}.1',
        series_number=1,
        sop_instance_uid=f'1.2.826.0.1.3680043.8.498.77.{dro.replace("_", "")}.2',
        instance_number=1,
        transfer_syntax_uid=ExplicitVRLittleEndian)
    out = f'{out_dir}/enhanced_pet_dro_{dro}.dcm'
    enhanced.save_as(out, enforce_file_format=True)
    print(out, enhanced.NumberOfFrames, enhanced.Rows, enhanced.Columns)

enhanced = pydicom.dcmread(f'{out_dir}/enhanced_pet_dro_3_4.dcm')
ENHANCED_PET = '1.2.840.10008.5.1.4.1.1.130'
enhanced.SOPClassUID = ENHANCED_PET
enhanced.file_meta.MediaStorageSOPClassUID = ENHANCED_PET
del enhanced.SharedFunctionalGroupsSequence[0].UnassignedSharedConvertedAttributesSequence[0].Units
enhanced.SeriesInstanceUID = '1.2.826.0.1.3680043.8.498.77.130.1'
enhanced.SOPInstanceUID = '1.2.826.0.1.3680043.8.498.77.130.2'
enhanced.file_meta.MediaStorageSOPInstanceUID = enhanced.SOPInstanceUID
enhanced.save_as(f'{out_dir}/enhanced_pet_sopclass_130.dcm', enforce_file_format=True)

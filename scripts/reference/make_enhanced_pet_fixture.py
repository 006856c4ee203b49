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

enhanced_pet130_dro_<id>.dcm (DRO_0_0, DRO_3_4) recode the same crops as Enhanced PET Image
Storage (1.2.840.10008.5.1.4.1.1.130): no Unassigned...ConvertedAttributes sequences; Units and
DecayCorrection replaced by RescaleType BQML (Pixel Value Transformation) and DecayCorrected
(0018,9758) with, for YES, DecayCorrectionDateTime (0018,9701) = the classic series' decay
reference (DRO_0_0: SeriesDateTime, not later than its acquisition); the
RadiopharmaceuticalInformationSequence at the top level; acquisition time and duration per
frame in FrameContentSequence only. Only the attributes petrad's SUV conversion reads are
recoded: not a complete Enhanced PET object.

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

for dro in ['0_0', '1_0', '3_4']:
    uid = f'1.2.826.0.1.3680043.8.498.77.{int(dro.replace("_", "")) + 100}'
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
        series_instance_uid=f'{uid}.1',
        series_number=1,
        sop_instance_uid=f'{uid}.2',
        instance_number=1,
        transfer_syntax_uid=ExplicitVRLittleEndian)
    out = f'{out_dir}/enhanced_pet_dro_{dro}.dcm'
    enhanced.save_as(out, enforce_file_format=True)
    print(out, enhanced.NumberOfFrames, enhanced.Rows, enhanced.Columns)

ENHANCED_PET = '1.2.840.10008.5.1.4.1.1.130'
for dro in ['0_0', '3_4']:
    uid = f'1.2.826.0.1.3680043.8.498.77.130.{int(dro.replace("_", "")) + 100}'
    enhanced = pydicom.dcmread(f'{out_dir}/enhanced_pet_dro_{dro}.dcm')
    shared = enhanced.SharedFunctionalGroupsSequence[0]
    unassigned = shared.UnassignedSharedConvertedAttributesSequence[0]
    assert unassigned.Units == 'BQML'
    decay = unassigned.DecayCorrection
    enhanced.RadiopharmaceuticalInformationSequence = \
        unassigned.RadiopharmaceuticalInformationSequence
    del shared.UnassignedSharedConvertedAttributesSequence
    for item in enhanced.PerFrameFunctionalGroupsSequence:
        del item.UnassignedPerFrameConvertedAttributesSequence
        if 'PixelValueTransformationSequence' in item:
            item.PixelValueTransformationSequence[0].RescaleType = 'BQML'
    if 'PixelValueTransformationSequence' in shared:
        shared.PixelValueTransformationSequence[0].RescaleType = 'BQML'
    if decay == 'START':
        assert float(enhanced.SeriesTime) <= min(
            float(item.FrameContentSequence[0].FrameAcquisitionDateTime[8:])
            for item in enhanced.PerFrameFunctionalGroupsSequence)
        enhanced.DecayCorrected = 'YES'
        enhanced.DecayCorrectionDateTime = enhanced.SeriesDate + enhanced.SeriesTime
    else:
        assert decay == 'NONE'
        enhanced.DecayCorrected = 'NO'
    enhanced.SOPClassUID = ENHANCED_PET
    enhanced.file_meta.MediaStorageSOPClassUID = ENHANCED_PET
    enhanced.SeriesInstanceUID = f'{uid}.1'
    enhanced.SOPInstanceUID = f'{uid}.2'
    enhanced.file_meta.MediaStorageSOPInstanceUID = enhanced.SOPInstanceUID
    out = f'{out_dir}/enhanced_pet130_dro_{dro}.dcm'
    enhanced.save_as(out, enforce_file_format=True)
    print(out, decay, enhanced.DecayCorrected)

#!/usr/bin/env python3
"""Writes Tests/Fixtures/DICOM/pet_rle.dcm, one tiny PET slice compressed with RLE Lossless
(pydicom 3.0, its own RLE encoder), for petrad's test that compressed transfer syntaxes are
decoded through GDCM. 3 rows x 4 columns, int16 stored values -300, -1, 0, 1, ..., 9 (row
by row), RescaleSlope 2.5, RescaleIntercept 10. Usage: python make_rle_fixture.py OUTPUT.dcm"""
import sys
import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, RLELossless

PET_CLASS = '1.2.840.10008.5.1.4.1.1.128'
meta = FileMetaDataset()
meta.MediaStorageSOPClassUID = PET_CLASS
meta.MediaStorageSOPInstanceUID = '1.2.826.0.1.3680043.8.498.78.1'
meta.TransferSyntaxUID = ExplicitVRLittleEndian
ds = Dataset()
ds.file_meta = meta
ds.SOPClassUID = PET_CLASS
ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
ds.Modality = 'PT'
ds.SeriesInstanceUID = '1.2.826.0.1.3680043.8.498.78.2'
ds.FrameOfReferenceUID = '1.2.826.0.1.3680043.8.498.78.3'
ds.ImagePositionPatient = [0, 0, 0]
ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
ds.PixelSpacing = [2, 2]
ds.SamplesPerPixel = 1
ds.PhotometricInterpretation = 'MONOCHROME2'
ds.Rows, ds.Columns = 3, 4
ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
ds.RescaleSlope, ds.RescaleIntercept = 2.5, 10
values = np.array([-300, -1] + list(range(0, 10)), dtype=np.int16).reshape(3, 4)
ds.PixelData = values.tobytes()
ds.compress(RLELossless, values)
ds.save_as(sys.argv[1], enforce_file_format=True)

#!/usr/bin/env python3
"""Writes Tests/Fixtures/DICOM/seg_small.dcm, a tiny binary DICOM SEG for petrad's SEG reader
test (pydicom 3.0). Grid: 4 columns x 3 rows x 3 slices, axial, ImagePositionPatient
(10, 20, 0 / 2 / 4), PixelSpacing 2\\1 (row spacing 2 mm, column spacing 1 mm).
Segment 1 "tumour": slice z=0 pixel (column 1, row 0) and slice z=2 pixels (column 3, row 2)
and (column 0, row 1). Segment 2 "node": slice z=4 pixel (column 2, row 1).
Frames are stored out of slice order (segment 2 first); 12 pixels per frame, so 1-bit
packing runs across frame boundaries. Usage: python make_seg_fixture.py OUTPUT.dcm"""
import sys
import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian
from pydicom.pixels import pack_bits

SEG_CLASS = '1.2.840.10008.5.1.4.1.1.66.4'
meta = FileMetaDataset()
meta.MediaStorageSOPClassUID = SEG_CLASS
meta.MediaStorageSOPInstanceUID = '1.2.826.0.1.3680043.8.498.77.1'
meta.TransferSyntaxUID = ExplicitVRLittleEndian
ds = Dataset()
ds.file_meta = meta
ds.SOPClassUID = SEG_CLASS
ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
ds.Modality = 'SEG'
ds.SeriesInstanceUID = '1.2.826.0.1.3680043.8.498.77.2'
ds.FrameOfReferenceUID = '1.2.826.0.1.3680043.8.498.77.3'
ds.SegmentationType = 'BINARY'
ds.SamplesPerPixel = 1
ds.PhotometricInterpretation = 'MONOCHROME2'
ds.Rows, ds.Columns = 3, 4
ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 1, 1, 0, 0

def segment(number, label):
    s = Dataset(); s.SegmentNumber = number; s.SegmentLabel = label
    s.SegmentAlgorithmType = 'MANUAL'
    return s
ds.SegmentSequence = Sequence([segment(1, 'tumour'), segment(2, 'node')])

shared = Dataset()
orientation = Dataset(); orientation.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
measures = Dataset(); measures.PixelSpacing = [2, 1]; measures.SliceThickness = 2
shared.PlaneOrientationSequence = Sequence([orientation])
shared.PixelMeasuresSequence = Sequence([measures])
ds.SharedFunctionalGroupsSequence = Sequence([shared])

# (segment, z, [(column, row), ...])
frames = [(2, 4.0, [(2, 1)]), (1, 0.0, [(1, 0)]), (1, 2.0, [(3, 2), (0, 1)])]
per_frame, pixels = [], []
for number, z, points in frames:
    group = Dataset()
    position = Dataset(); position.ImagePositionPatient = [10, 20, z]
    ident = Dataset(); ident.ReferencedSegmentNumber = number
    group.PlanePositionSequence = Sequence([position])
    group.SegmentIdentificationSequence = Sequence([ident])
    per_frame.append(group)
    frame = np.zeros((3, 4), np.uint8)
    for column, row in points:
        frame[row, column] = 1
    pixels.append(frame)
ds.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
ds.NumberOfFrames = len(frames)
ds.PixelData = pack_bits(np.stack(pixels))
ds.save_as(sys.argv[1], enforce_file_format=True)

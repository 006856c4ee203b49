#!/usr/bin/env python3
"""Builds the fuzzing seed corpus in fuzz/corpus/<reader>/ from small real files.

Real files come from ../shared/data (PETRAD_DATA overrides the folder): PyRadiomics test-case
labels (gzip NRRD), STS PET masks and the IBSI digital phantom (.nii.gz). From them the script
also writes raw (uncompressed) variants, so that both decoding paths are seeded. DICOM seeds
are real slices (STS_001, IBSI-SUV DRO) made 8 x 8, one of them deflated, and the DICOM test
fixtures. YAML parameter files and CSVs are written here from short texts in the petrad formats. Nothing is committed:
fuzz/corpus/ is ignored by git. Only the Python standard library is used.
"""
import gzip
import os
import shutil
import struct
import sys
import tarfile
import zlib

here = os.path.dirname(os.path.abspath(__file__))
data = os.environ.get("PETRAD_DATA",
                      os.path.join(here, "..", "..", "..", "shared", "data"))
if not os.path.isdir(data):
    data = os.path.join(here, "..", "..", "shared", "data")
corpus = os.path.join(here, "corpus")


def folder(name):
    path = os.path.join(corpus, name)
    os.makedirs(path, exist_ok=True)
    return path


def put(reader, name, content):
    with open(os.path.join(folder(reader), name), "wb") as f:
        f.write(content if isinstance(content, bytes) else content.encode())


def small(path, limit):
    return os.path.isfile(path) and os.path.getsize(path) <= limit


# NRRD: the gzip-encoded labels as they are, and each re-encoded raw (same header, encoding raw).
testcases = os.path.join(data, "pyradiomics-testcases")
if os.path.isdir(testcases):
    for name in sorted(os.listdir(testcases)):
        path = os.path.join(testcases, name)
        if name.endswith(".nrrd") and "label" in name and small(path, 4096):
            raw = open(path, "rb").read()
            put("nrrd", name, raw)
            head, _, body = raw.partition(b"\n\n")
            try:
                voxels = gzip.decompress(body)
            except OSError:
                continue
            if len(voxels) <= 1 << 14:
                head = head.replace(b"encoding: gzip", b"encoding: raw")
                put("nrrd", "raw_" + name, head + b"\n\n" + voxels)
put("nrrd", "ascii.nrrd", "NRRD0004\ntype: short\ndimension: 3\nsizes: 2 2 2\n"
    "space: left-posterior-superior\nspace directions: (1,0,0) (0,1,0) (0,0,2.5)\n"
    "space origin: (-10,20.5,3)\nencoding: ascii\n\n1 2 3 4 5 6 7 8\n")
put("nrrd", "float_big.nrrd", b"NRRD0005\ntype: float\ndimension: 2\nsizes: 2 1\n"
    b"endian: big\nspacings: 0.5 2\nencoding: raw\n\n\x3f\x80\x00\x00\x40\x00\x00\x00")

# NIfTI: the smallest STS masks and the IBSI phantom as .nii.gz, and the same decompressed.
candidates = []
for part in ("mask/mask.nii.gz", "image/phantom.nii.gz"):
    path = os.path.join(data, "ibsi", "digital_phantom", "nifti", part)
    if small(path, 4096):
        candidates.append(("ibsi_" + os.path.basename(path), path))
sts = os.path.join(data, "pet", "ibsi-sts-validation")
if os.path.isdir(sts):
    for patient in sorted(os.listdir(sts)):
        path = os.path.join(sts, patient, "pet_mask.nii.gz")
        if small(path, 1024):
            candidates.append((patient + "_mask.nii.gz", path))
for name, path in candidates[:8]:
    raw = open(path, "rb").read()
    put("nifti", name, raw)
    plain = gzip.decompress(raw)
    if len(plain) <= 1 << 14:
        put("nifti", name[:-3], plain)

# YAML and PyRadiomics parameter files (the same seeds serve both readers).
params = {
    "study.yaml": "# the study's settings\nimageType:\n  Original: {}\nfeatureClass:\n"
                  "  shape:\n  firstorder:\nsetting:\n  binWidth: 25\n  label: 1\n"
                  "  interpolator: 'sitkBSpline'\n  resampledPixelSpacing: [4, 4, 5]\n"
                  "  padDistance: 10\n  geometryTolerance: 0.0001\n  correctMask: true\n",
    "suv.yaml": "setting:\n  binWidth: 0.25\n  normalize: false\n  removeOutliers: null\n"
                "  resegmentRange: [0, 30]\n  resegmentMode: absolute\n  force2D: false\n"
                "  force2Ddimension: 0\n  minimumROIDimensions: 2\n  minimumROISize: 5\n"
                "  voxelArrayShift: 0\nfeatureClass:\n  firstorder: [Mean, Entropy, "
                "Uniformity]\n  shape: ['VoxelVolume']\nimageType: {Original: {}}\n",
    "bincount.yaml": "setting: {binCount: 32, preCrop: True, normalizeScale: 100, "
                     "normalize: yes}\nfeatureClass: {firstorder: []}\n",
    "flow.yaml": "---\na: [1, 2.5, -3e4, .inf, ~]\nb:\n  - c: 'quoted'\n    d: \"x\\ty\"\n"
                 "  - |\n    block\n    text\n...\n",
}
for name, text in params.items():
    put("yaml", name, text)
    put("params", name, text)

# CSV: batch files, survival and clinical tables in the shapes petrad reads.
put("csv", "batch.csv", "Image,Mask,Label,PatientID\nimg/a.nii.gz,msk/a.nrrd,1,STS_001\n"
    "\"b,1.nrrd\",b_label.nrrd,,\"say \"\"hi\"\"\"\n")
put("csv", "survival.csv", "\ufefftime,status,age\r\n306,2,74\r\n455,2,68\r\n1010,1,NA\r\n"
    "5.5,1,-Inf\r\n")
survival = os.path.join(data, "survival", "lung", "data.csv")
if os.path.isfile(survival):
    lines = open(survival, "rb").read().split(b"\n")[:40]
    put("csv", "lung_head.csv", b"\n".join(lines) + b"\n")

# DICOM: real files made small. The STS_001 PET slice (Implicit VR Little Endian) and a DRO
# slice (Explicit VR Little Endian) keep their real headers, with Rows = Columns = 8 and the
# pixel data cut to match; the DRO slice also deflated (Deflated Explicit VR Little Endian).
# The test fixtures add RLE (encapsulated fragments) and SEG (nested sequences, 1-bit frames).
def shrink(raw, explicit, side=8):
    """Rows and Columns set to `side`, the pixel data (the last element) cut to side^2 int16."""
    for element, value in ((b"\x28\x00\x10\x00", side), (b"\x28\x00\x11\x00", side)):
        marker = element + (b"US\x02\x00" if explicit else b"\x02\x00\x00\x00")
        at = raw.find(marker)
        if at < 0:
            return None
        at += len(marker)
        raw = raw[:at] + struct.pack("<H", value) + raw[at + 2:]
    at = raw.rfind(b"\xe0\x7f\x10\x00")
    if at < 0:
        return None
    header = 12 if explicit else 8
    pixels = bytes(range(2 * side * side))
    return raw[:at + header - 4] + struct.pack("<I", len(pixels)) + pixels


def deflated(raw):
    """The same file with its data set deflated and the transfer syntax changed to match."""
    position, meta = 132, b""
    while raw[position:position + 2] == b"\x02\x00":
        vr = raw[position + 4:position + 6]
        if vr in (b"OB", b"OW", b"UN", b"SQ", b"UT", b"UC", b"UR"):
            length, head = struct.unpack("<I", raw[position + 8:position + 12])[0], 12
        else:
            length, head = struct.unpack("<H", raw[position + 6:position + 8])[0], 8
        element = raw[position:position + head + length]
        if raw[position + 2:position + 4] == b"\x10\x00":
            uid = b"1.2.840.10008.1.2.1.99\x00"
            element = raw[position:position + 6] + struct.pack("<H", len(uid)) + uid
        if raw[position + 2:position + 4] != b"\x00\x00":
            meta += element
        position += head + length
    group = b"\x02\x00\x00\x00UL\x04\x00" + struct.pack("<I", len(meta))
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = packer.compress(raw[position:]) + packer.flush()
    return raw[:132] + group + meta + body


sts_slice = os.path.join(data, "pet", "mirp-sts-raw", "STS_001", "FDG_PET", "image", "1-001.dcm")
if os.path.isfile(sts_slice):
    small_sts = shrink(open(sts_slice, "rb").read(), explicit=False)
    if small_sts:
        put("dicom", "sts_001_slice1_8x8.dcm", small_sts)
dro = os.path.join(data, "pet", "suv-dro", "dicom", "DRO_0_0.tar.gz")
if os.path.isfile(dro):
    with tarfile.open(dro) as archive:
        member = archive.extractfile("DRO_0_0/PT/pet_dro_0_0_slice_000.dcm")
        small_dro = shrink(member.read(), explicit=True) if member else None
    if small_dro:
        put("dicom", "dro_0_0_slice0_8x8.dcm", small_dro)
        put("dicom", "dro_0_0_slice0_8x8_deflated.dcm", deflated(small_dro))
fixtures = os.path.join(here, "..", "Tests", "Fixtures", "DICOM")
for name in ("pet_rle.dcm", "seg_small.dcm"):
    path = os.path.join(fixtures, name)
    if os.path.isfile(path):
        put("dicom", name, open(path, "rb").read())
folder("dicom")

for reader in sorted(os.listdir(corpus)):
    print(f"{reader}: {len(os.listdir(os.path.join(corpus, reader)))} seed files")

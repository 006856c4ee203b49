#!/usr/bin/env python3
"""Builds the fuzzing seed corpus in fuzz/corpus/<reader>/ from small real files.

Real files come from ../shared/data (PETRAD_DATA overrides the folder): PyRadiomics test-case
labels (gzip NRRD), STS PET masks and the IBSI digital phantom (.nii.gz). From them the script
also writes raw (uncompressed) variants, so that both decoding paths are seeded; DICOM seeds are
three slices of the STS_001 raw PET series. YAML parameter
files and CSVs are written here from short texts in the petrad formats. Nothing is committed:
fuzz/corpus/ is ignored by git. Only the Python standard library is used.
"""
import gzip
import os
import shutil
import sys

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

# DICOM: three PET slices of the STS_001 raw series.
dicom_found = 0
for root in (os.path.join(data, "pet", "mirp-sts-raw"),):
    for base, _, names in sorted(os.walk(root)):
        for name in sorted(names):
            path = os.path.join(base, name)
            if dicom_found < 3 and small(path, 1 << 16):
                with open(path, "rb") as f:
                    head = f.read(132)
                if head[128:132] == b"DICM":
                    put("dicom", "%d_%s" % (dicom_found, name), open(path, "rb").read())
                    dicom_found += 1
folder("dicom")

for reader in sorted(os.listdir(corpus)):
    print(f"{reader}: {len(os.listdir(os.path.join(corpus, reader)))} seed files")

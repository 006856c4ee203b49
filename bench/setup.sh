#!/usr/bin/env bash
# Prepares everything the benchmarks in bench/ compare petrad with, and builds petrad (release).
#   - a Python venv (default bench/.venv, or $BENCH_VENV) with PyRadiomics 3.1.4
#     (`pyradiomics-bhklab` on PyPI, import name `radiomics`), SimpleITK, numpy and pydicom
#     (pydicom only to turn the raw DICOM PET case into NIfTI, bench/prepare_raw_pet.py);
#   - R with glmnet and survival from Debian (r-base-core r-cran-glmnet r-cran-survival);
#   - GNU time (/usr/bin/time -v gives each run's peak memory, "Maximum resident set size").
# Whatever cannot be installed is named on stderr; the benchmarks that need it then skip.
# Usage: bench/setup.sh            (SKIP_BUILD=1 skips the petrad build)
set -uo pipefail
cd "$(dirname "$0")/.."
venv="${BENCH_VENV:-bench/.venv}"
missing=()

sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
debian=(time r-base-core r-cran-glmnet r-cran-survival)
need=()
for package in "${debian[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || need+=("$package")
done
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  echo "setup: installing Debian packages: ${need[*]}" >&2
  $sudo_cmd apt-get update -qq >&2 || true
  for package in "${need[@]}"; do
    if apt-cache show "$package" >/dev/null 2>&1; then
      DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$package" >&2 \
        || missing+=("$package (apt-get install failed)")
    else
      missing+=("$package (not in this system's apt sources)")
    fi
  done
fi
[ -x /usr/bin/time ] || missing+=("/usr/bin/time (GNU time)")
if command -v Rscript >/dev/null; then
  Rscript -e 'suppressPackageStartupMessages({library(glmnet); library(survival)})' \
    >/dev/null 2>&1 || missing+=("R packages glmnet/survival")
else
  missing+=("R (Rscript)")
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "setup: creating Python venv $venv" >&2
  python3 -m venv "$venv" || missing+=("python3 venv")
fi
if [ -x "$venv/bin/python" ]; then
  if ! "$venv/bin/python" -c 'import radiomics, SimpleITK, numpy, pydicom' >/dev/null 2>&1; then
    "$venv/bin/pip" install -q pyradiomics-bhklab==3.1.4 SimpleITK numpy pydicom >&2 \
      || missing+=("pip install pyradiomics-bhklab==3.1.4 SimpleITK numpy pydicom")
  fi
  "$venv/bin/python" -c 'import radiomics, SimpleITK, numpy
print("setup: PyRadiomics", radiomics.__version__, "SimpleITK", SimpleITK.Version_VersionString(),
      "numpy", numpy.__version__)' >&2 || missing+=("PyRadiomics in $venv")
fi

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "setup: building petrad (release)" >&2
  { swift build -c release --static-swift-stdlib --product petrad >&2 \
      && swift build -c release --static-swift-stdlib --product PetradGDCM >&2; } \
    || missing+=("petrad release build")
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: NOT available (benchmarks needing these will skip):" >&2
  printf '  - %s\n' "${missing[@]}" >&2
else
  echo "setup: everything available" >&2
fi

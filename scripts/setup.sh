#!/usr/bin/env bash
# Installs the Debian packages petrad needs (only those missing) and builds petrad optimised.
# Usage: scripts/setup.sh             (prints the path of the built petrad binary on its last line)
#        scripts/setup.sh --deps-only (only the Debian packages; used by scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(pkg-config zlib1g-dev libdeflate-dev libyaml-dev libcairo2-dev libgdcm-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >&2
fi

[ "${1:-}" = "--deps-only" ] && exit 0

echo "setup: building petrad (release)" >&2
# The Swift runtime and Foundation linked into the executable: it starts in 5 ms instead of
# 11 ms, with 10 MB less memory (swift build --static-swift-stdlib).
swift build -c release --static-swift-stdlib --product petrad >&2
# GDCM's part, loaded beside the executable the first time DICOM is read.
swift build -c release --static-swift-stdlib --product PetradGDCM >&2
echo "$(swift build -c release --show-bin-path)/petrad"

#!/usr/bin/env bash
# Sets up petrad (Debian packages if missing, optimised build), then runs the bundled FDG-PET
# soft-tissue sarcoma study (studies/sts-fdg-pet.yaml, data in data/sts) and prints where the
# report is. Rerunning reuses the extraction cache in the output folder.
# Usage: scripts/study.sh [OUT_DIR] [more petrad study options]   (default OUT_DIR: out/sts-fdg-pet)
set -euo pipefail
cd "$(dirname "$0")/.."
petrad="$(scripts/setup.sh | tail -n 1)"
out="${1:-out/sts-fdg-pet}"
[ $# -gt 0 ] && shift
status=0
"$petrad" study studies/sts-fdg-pet.yaml --out "$out" "$@" || status=$?
if [ "$status" -eq 0 ]; then
  echo
  echo "Report: $(cd "$out" && pwd)/report.html"
  echo "Tables and figures as CSV/JSON/PNG/SVG/PDF: $(cd "$out" && pwd)/"
fi
exit "$status"

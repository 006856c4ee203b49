#!/usr/bin/env bash
# Fuzzes petrad's readers with libFuzzer (AddressSanitizer on). See docs/robustness.md.
#
#   scripts/fuzz.sh --short          build, then fuzz each reader for 12 s (72 s in all)
#   scripts/fuzz.sh --long [RUNS]    build, then RUNS executions per reader (default 1000000)
#   scripts/fuzz.sh --seconds S      build, then S seconds per reader
#   READERS="nrrd nifti" scripts/fuzz.sh ...   only these readers
#
# The fuzzers live in the separate package fuzz/ (built into fuzz/.build, never into .build).
# The seed corpus is made by fuzz/make_corpus.py from small files in ../shared/data and grows
# in fuzz/corpus/<reader>/ (ignored by git). A crash, leak, out-of-memory or hang leaves its
# input in fuzz/artifacts/ and makes this script exit 1; logs are in fuzz/logs/.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:---short}"
case "$mode" in
  --short) limit=(-max_total_time=12) ;;
  --seconds) limit=(-max_total_time="${2:?seconds}") ;;
  --long) limit=(-runs="${2:-1000000}") ;;
  *) echo "usage: scripts/fuzz.sh --short | --long [RUNS] | --seconds S" >&2; exit 2 ;;
esac

echo "fuzz: building the fuzzers (release, -sanitize=fuzzer,address)" >&2
swift build --package-path fuzz -c release -Xswiftc -sanitize=fuzzer,address \
  -Xswiftc -use-ld=lld >&2
bin="$(swift build --package-path fuzz -c release --show-bin-path)"
if command -v python3 >/dev/null; then
  python3 fuzz/make_corpus.py >&2
else
  echo "fuzz: python3 not found; fuzzing from the corpus already in fuzz/corpus (or none)" >&2
fi
mkdir -p fuzz/artifacts fuzz/logs fuzz/corpus/{nrrd,nifti,yaml,csv,params,dicom}

declare -A executable=([nrrd]=FuzzNRRD [nifti]=FuzzNIfTI [yaml]=FuzzYAML [csv]=FuzzCSV
                       [params]=FuzzParams [dicom]=FuzzDICOM)
status=0
for reader in ${READERS:-nrrd nifti yaml csv params dicom}; do
  log="fuzz/logs/$reader.log"
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb / -malloc_limit_mb: a header
  # that makes the reader allocate more than 2 GiB is an out-of-memory failure.
  if "$bin/${executable[$reader]}" "fuzz/corpus/$reader" "${limit[@]}" -timeout=10 \
       -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="fuzz/artifacts/$reader-" >"$log" 2>&1; then
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')"
    echo "fuzz: $reader ok, $runs executions ($(grep -c . <(ls "fuzz/corpus/$reader")) inputs" \
      "in corpus)"
  else
    status=1
    echo "fuzz: $reader FAILED; see $log and fuzz/artifacts/$reader-*" >&2
    grep -E "ERROR|SUMMARY|artifact" "$log" | head -5 >&2 || true
  fi
done
exit $status

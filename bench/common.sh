# Sourced by the bench/*.sh scripts: locations and helpers shared by every benchmark.
#   PETRAD_SHARED_DATA  data root (default: ../shared/data next to the repo, else /work/shared/data)
#   BENCH_VENV          Python venv made by bench/setup.sh (default bench/.venv)
#   BENCH_OUT           where inputs made on the fly and results go (default bench/out)
#   RUNS                counted runs per command (each script has its own default)
#   WARMUP              uncounted warm-up rounds before the counted runs (default 1)
#   PETRAD              a petrad binary to time (default: build this checkout's, release)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${PETRAD_SHARED_DATA:-$(cd "$repo/.." && pwd)/shared/data}"
[ -d "$data/pet" ] || data="/work/shared/data"
venv="${BENCH_VENV:-$repo/bench/.venv}"
out="${BENCH_OUT:-$repo/bench/out}"
mkdir -p "$out"
python="$venv/bin/python"
pyradiomics="$venv/bin/pyradiomics"

need_pyradiomics() {
  if [ ! -x "$pyradiomics" ]; then
    echo "skip: PyRadiomics not installed in $venv (run bench/setup.sh)" >&2
    exit 0
  fi
}

# The petrad binary: $PETRAD if set, else this checkout's, built once (release).
petrad_binary() {
  if [ -n "${PETRAD:-}" ]; then echo "$PETRAD"; return; fi
  (cd "$repo" && swift build -c release --static-swift-stdlib --product petrad >/dev/null 2>&1 \
     && swift build -c release --static-swift-stdlib --product PetradGDCM >/dev/null 2>&1) \
    || { echo "petrad release build failed (see scripts/setup.sh)" >&2; exit 1; }
  echo "$(cd "$repo" && swift build -c release --show-bin-path)/petrad"
}

# compare TITLE RUNS NAME=CMD ... : the interleaved comparison, appended to $out/results.md.
compare() {
  local title="$1" runs="$2"; shift 2
  local slug; slug="$(echo "$title" | tr -c 'A-Za-z0-9\n' '_' | cut -c1-40)"
  python3 "$repo/bench/compare.py" --title "$title" --runs "$runs" --warmup "${WARMUP:-1}" \
    --json "$out/$slug.json" "$@" | tee -a "$out/results.md"
}

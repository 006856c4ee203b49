#!/usr/bin/env bash
# Checks that a petrad report opens in headless Chromium with no console messages and no
# external resources, and writes a screenshot.
# Usage: scripts/check-report.sh REPORT.html [SCREENSHOT.png] [HEIGHT]
set -euo pipefail
report="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shot="${2:-/tmp/petrad-report.png}"
height="${3:-2400}"
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
[ -n "$browser" ] || { echo "check-report: no chromium found (apt-get install chromium)" >&2; exit 2; }

# Self-contained: every src/href that loads something is a data: URI or an in-page anchor.
if grep -oE '(src|href)="[^"#][^"]*"' "$report" | grep -v '="data:' | head -5 | grep -q .; then
  echo "check-report: external resources in $report:" >&2
  grep -oE '(src|href)="[^"#][^"]*"' "$report" | grep -v '="data:' | head -5 >&2
  exit 1
fi

log="$(mktemp)"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr \
  --v=0 --window-size=1200,"$height" --screenshot="$shot" "file://$report" 2>"$log" >/dev/null
if grep -E 'CONSOLE|Uncaught' "$log" >/dev/null; then
  echo "check-report: console messages while loading $report:" >&2
  grep -E 'CONSOLE|Uncaught' "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
[ -s "$shot" ] || { echo "check-report: no screenshot written" >&2; exit 1; }
echo "check-report: $report opened in $(basename "$browser") with no console messages; screenshot $shot"

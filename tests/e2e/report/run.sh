#!/usr/bin/env bash
# End-to-end test of `specgate report`: the release binary writes the design
# review page of the bundled example, a real browser (Debian's headless
# Chromium) opens it and runs its script, and check_dom.py reads the DOM the
# browser produced: the gate checklist, the finding counts and the
# requirement × endpoint matrix, each compared with what `specgate check`
# and `specgate inventory` say. Also writes a screenshot
# (.cache/e2e/artifacts/report/report.png). Exit code = verdict.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
bin="${SPECGATE_BIN:-$repo/target/release/specgate}"
art="$repo/.cache/e2e/artifacts/report"
log() { printf '[report-e2e] %s\n' "$*"; }

if [ ! -x "$bin" ]; then
  log "$bin is missing; building it"
  (cd "$repo" && cargo build --release)
fi
if [ ! -x /usr/bin/chromium ]; then
  [ "$(id -u)" = 0 ] || { log "FATAL: chromium is missing and installing it needs root"; exit 1; }
  log "apt-get install chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
fi
mkdir -p "$art"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$repo/examples/clinic" "$work/clinic"
"$bin" report "$work/clinic" --out "$work/report.html"
"$bin" check "$work/clinic" --format json > "$work/check.json" || true
"$bin" inventory "$work/clinic" --format json > "$work/inventory.json"
chrome=(/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage
        --user-data-dir="$work/profile" --no-first-run)
# No network: a page that fetched anything would show it in the DOM checks
# (nothing external is referenced) and fail here.
timeout 120 "${chrome[@]}" --virtual-time-budget=2000 --dump-dom "file://$work/report.html" \
  > "$work/dom.html" 2> "$art/chromium.log"
timeout 120 "${chrome[@]}" --window-size=1280,1800 --screenshot="$art/report.png" \
  "file://$work/report.html" >> "$art/chromium.log" 2>&1
cp "$work/report.html" "$art/report.html"
python3 "$here/check_dom.py" "$work/dom.html" "$work/check.json" "$work/inventory.json"
log "passed; screenshot: $art/report.png"

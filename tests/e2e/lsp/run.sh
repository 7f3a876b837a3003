#!/usr/bin/env bash
# End-to-end test of `specgate lsp`: the release binary over stdio, driven by
# a real client library (pytest-lsp, from PyPI). Installs its own
# dependencies into .cache/e2e-lsp-venv (once; later runs reuse it).
# Exit code = verdict.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
venv="$repo/.cache/e2e-lsp-venv"
req="pytest-lsp==1.0.1"
bin="${SPECGATE_BIN:-$repo/target/release/specgate}"

if [ ! -x "$bin" ]; then
  echo "e2e/lsp: $bin is missing; building it"
  (cd "$repo" && cargo build --release)
fi
if [ ! -f "$venv/.installed" ] || [ "$(cat "$venv/.installed")" != "$req" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$req"
  echo "$req" > "$venv/.installed"
fi
cd "$here"
SPECGATE_BIN="$bin" exec "$venv/bin/python" -m pytest -p no:cacheprovider -q "$@" test_lsp.py

#!/usr/bin/env bash
# End-to-end test of editors/neovim in a real Neovim 0.11 (headless), on a copy
# of tests/fixtures/e2e. Installs Neovim into .cache/e2e/neovim (idempotent).
#   SPECGATE_BIN=path/to/specgate tests/e2e/neovim/run.sh   (default target/release/specgate)
# Exit code: 0 when every check passed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
CACHE=${E2E_CACHE:-$ROOT/.cache/e2e}
ARTIFACTS=${E2E_ARTIFACTS:-$CACHE/artifacts/neovim}
BIN=${SPECGATE_BIN:-$ROOT/target/release/specgate}
t0=$(date +%s)

bash "$ROOT/tests/e2e/neovim/setup.sh"
NVIM=$CACHE/neovim/venv/bin/nvim

case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || { echo "[neovim-e2e] FATAL: no specgate binary at $BIN (cargo build --release, or set SPECGATE_BIN)" >&2; exit 1; }
"$BIN" --version || true
if ! "$BIN" --help 2>&1 | grep -qw lsp; then
  echo "[neovim-e2e] FATAL: $BIN has no 'lsp' subcommand" >&2; exit 1
fi

rm -rf "$ARTIFACTS" && mkdir -p "$ARTIFACTS"
WS=$(mktemp -d "${TMPDIR:-/tmp}/specgate-nvim-e2e.XXXXXX")
trap 'rm -rf "$WS"' EXIT
cp -R "$ROOT/tests/fixtures/e2e/." "$WS/"
WS=$(cd "$WS" && pwd -P)

# Fresh state and no user config: --clean; logs into the artifacts folder.
export XDG_STATE_HOME=$ARTIFACTS/state XDG_CACHE_HOME=$ARTIFACTS/cache
set +e
"$NVIM" --headless --clean -l "$ROOT/tests/e2e/neovim/test.lua" "$ROOT" "$WS" "$BIN" 2>&1 | tee "$ARTIFACTS/test.log"
rc=${PIPESTATUS[0]}
set -e
[ -f "$ARTIFACTS/state/nvim/lsp.log" ] && cp "$ARTIFACTS/state/nvim/lsp.log" "$ARTIFACTS/lsp.log"
echo "[neovim-e2e] exit $rc after $(( $(date +%s) - t0 )) s; log: $ARTIFACTS/test.log"
exit "$rc"

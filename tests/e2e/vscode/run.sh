#!/usr/bin/env bash
# End-to-end test of editors/vscode in the real VS Code workbench (code-server
# 4.100.3) driven by playwright-core in Debian's headless Chromium.
#   SPECGATE_BIN=path/to/specgate tests/e2e/vscode/run.sh   (default target/release/specgate)
# Installs what it needs into .cache/e2e/vscode (idempotent), builds and
# packages the extension (.vsix with the server binary bundled), installs it
# into a fresh code-server, opens a copy of tests/fixtures/e2e and runs test.js.
# Screenshots and logs: .cache/e2e/artifacts/vscode (E2E_ARTIFACTS).
# E2E_UPDATE_SCREENSHOT=1 also copies quickfix.png to editors/vscode/images/.
# Exit code: 0 when every check passed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
CACHE=${E2E_CACHE:-$ROOT/.cache/e2e}
ARTIFACTS=${E2E_ARTIFACTS:-$CACHE/artifacts/vscode}
BIN=${SPECGATE_BIN:-$ROOT/target/release/specgate}
# A free loopback port unless given (other code-servers may run on this machine).
PORT=${E2E_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
EXT=$ROOT/editors/vscode
t0=$(date +%s)
log() { printf '[vscode-e2e] %s\n' "$*"; }
die() { printf '[vscode-e2e] FATAL: %s\n' "$*" >&2; exit 1; }

bash "$ROOT/tests/e2e/vscode/setup.sh"
CS=$CACHE/vscode/cs/node_modules/.bin/code-server

case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || die "no specgate binary at $BIN (cargo build --release, or set SPECGATE_BIN)"
"$BIN" --help 2>&1 | grep -qw lsp || die "$BIN has no 'lsp' subcommand"

# Build and package the extension, bundling the server binary.
rm -rf "$ARTIFACTS" && mkdir -p "$ARTIFACTS"
if [ ! -f "$EXT/node_modules/.package-lock.json" ] || [ "$EXT/package-lock.json" -nt "$EXT/node_modules/.package-lock.json" ]; then
  log "npm ci in editors/vscode"
  (cd "$EXT" && npm ci --no-audit --no-fund)
fi
(cd "$EXT" && npx tsc --noEmit -p .) || die "TypeScript errors in editors/vscode"
VSIX=$ARTIFACTS/specgate.vsix
(cd "$EXT" && node scripts/package.mjs --server "$BIN" --out "$VSIX") > "$ARTIFACTS/package.log" 2>&1 \
  || { cat "$ARTIFACTS/package.log"; die "packaging the extension failed"; }
log "packaged $(du -h "$VSIX" | cut -f1) $VSIX"

# A fresh code-server: its own user data, extensions and config folders.
RUN=$CACHE/vscode/run
rm -rf "$RUN" && mkdir -p "$RUN/ud/User" "$RUN/exts"
export XDG_CONFIG_HOME=$RUN/xdg/config XDG_DATA_HOME=$RUN/xdg/data
cat > "$RUN/ud/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "chat.commandCenter.enabled": false,
  "security.workspace.trust.enabled": false,
  "git.enabled": false,
  "editor.minimap.enabled": false,
  "window.commandCenter": false,
  "specgate.trace.server": "messages"
}
JSON
DIRS=(--user-data-dir "$RUN/ud" --extensions-dir "$RUN/exts")
"$CS" "${DIRS[@]}" --install-extension "$VSIX" > "$ARTIFACTS/install.log" 2>&1 \
  || { cat "$ARTIFACTS/install.log"; die "code-server --install-extension failed"; }
"$CS" "${DIRS[@]}" --list-extensions --show-versions | grep -q '^specgate.specgate@' \
  || die "the extension is not installed"
[ -x "$RUN"/exts/specgate.specgate-*/bin/linux-x64/specgate ] || die "the installed extension has no bundled server"

WS=$(mktemp -d "${TMPDIR:-/tmp}/specgate-vscode-e2e.XXXXXX")
cp -R "$ROOT/tests/fixtures/e2e/." "$WS/"
WS=$(cd "$WS" && pwd -P)

# code-server in its own process group, stopped by that id.
setsid "$CS" "${DIRS[@]}" --bind-addr "127.0.0.1:$PORT" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --ignore-last-opened \
  > "$ARTIFACTS/code-server.log" 2>&1 &
CSPID=$!
cleanup() {
  kill -- -"$CSPID" 2>/dev/null || true
  wait "$CSPID" 2>/dev/null || true
  rm -rf "$WS"
}
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$CSPID" 2>/dev/null || { cat "$ARTIFACTS/code-server.log"; die "code-server exited"; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || die "code-server is not answering on port $PORT"

set +e
E2E_USER_SETTINGS=$RUN/ud/User/settings.json NODE_PATH=$CACHE/vscode/tools/node_modules node "$ROOT/tests/e2e/vscode/test.js" \
  "http://127.0.0.1:$PORT/?folder=$WS" "$WS" "$ARTIFACTS" 2>&1 | tee "$ARTIFACTS/test.log"
rc=${PIPESTATUS[0]}
set -e
# The extension host's log has the Specgate output channel (LSP trace).
find "$RUN/ud/logs" -name '*Specgate*' -exec cp {} "$ARTIFACTS/" \; 2>/dev/null || true
if [ "$rc" != 0 ]; then
  for f in "$ARTIFACTS"/*Specgate*.log; do
    [ -f "$f" ] && { log "last lines of the Specgate output channel ($f):"; grep -v '^\[Trace\|^Params\|^Result\|^ *$' "$f" | tail -15; }
  done
fi
if [ "${E2E_UPDATE_SCREENSHOT:-0}" = 1 ] && [ -f "$ARTIFACTS/quickfix.png" ]; then
  cp "$ARTIFACTS/quickfix.png" "$EXT/images/quickfix.png"
  log "updated editors/vscode/images/quickfix.png"
fi
log "exit $rc after $(( $(date +%s) - t0 )) s; artifacts: $ARTIFACTS"
exit "$rc"

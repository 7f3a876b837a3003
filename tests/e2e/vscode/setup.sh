#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs, into .cache/e2e/vscode at
# the repository root: Debian packages (chromium, ripgrep, native build deps),
# code-server (the real VS Code workbench, from npm) and playwright-core.
# Idempotent: each step is skipped when its stamp says it is done.
# Fails loudly on any missing tool. Debian 12, Node 20, run as root.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
CACHE=${E2E_CACHE:-$ROOT/.cache/e2e}/vscode
CS_VERSION=4.100.3          # the last code-server that runs on Node 20
PW_VERSION=1.65.1           # playwright-core (no browser download; Debian's chromium)
mkdir -p "$CACHE"
log() { printf '[vscode-setup %(%H:%M:%S)T] %s\n' -1 "$*"; }
die() { printf '[vscode-setup] FATAL: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "node is not installed (need Node 20)"
command -v npm >/dev/null || die "npm is not installed"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" = 20 ] || die "code-server $CS_VERSION needs Node 20, found $(node --version)"

# 1. Debian packages.
APT_PKGS=(build-essential python3 pkg-config libkrb5-dev libsecret-1-dev libx11-dev
          libxkbfile-dev ripgrep chromium fonts-dejavu-core curl ca-certificates)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "need root to apt-get install: ${missing[*]}"
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium missing after apt-get install chromium"
command -v rg >/dev/null || die "rg (ripgrep) missing"

# 2. code-server. @vscode/ripgrep's postinstall would download rg from the
#    internet; it first looks for a cached tarball under $TMPDIR, which we seed
#    with Debian's rg. node-pty's postinstall runs `npx node-gyp` (needs yes).
CS=$CACHE/cs/node_modules/.bin/code-server
if [ ! -f "$CACHE/cs/.stamp-$CS_VERSION" ] || [ ! -x "$CS" ]; then
  log "npm install code-server@$CS_VERSION (compiles native modules, ~2-4 min)"
  export TMPDIR=$CACHE/tmp
  stage=$CACHE/rg-stage
  rm -rf "$stage" && mkdir -p "$stage" "$TMPDIR" && cp "$(command -v rg)" "$stage/rg"
  for v in 1.15.9 1.15.10 1.15.11 1.15.13 1.15.14; do
    mkdir -p "$TMPDIR/vscode-ripgrep-cache-$v"
    tar czf "$TMPDIR/vscode-ripgrep-cache-$v/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$stage" rg
  done
  mkdir -p "$CACHE/cs"
  [ -f "$CACHE/cs/package.json" ] || echo '{"private":true}' > "$CACHE/cs/package.json"
  # npm 11 runs no dependency install scripts unless allowed, and no longer
  # knows --unsafe-perm; code-server's postinstall (which checks
  # npm_config_unsafe_perm as root) runs nested `npm install`s whose native
  # modules must build: allow scripts for this one pinned install, by env so
  # that the nested installs inherit it.
  (cd "$CACHE/cs" && npm_config_yes=true npm_config_unsafe_perm=true \
      npm_config_dangerously_allow_all_scripts=true \
      npm install --no-audit --no-fund "code-server@$CS_VERSION")
  touch "$CACHE/cs/.stamp-$CS_VERSION"
fi
VS=$CACHE/cs/node_modules/code-server/lib/vscode
for f in node_modules/@vscode/ripgrep/bin/rg node_modules/node-pty/build/Release/pty.node \
         node_modules/@vscode/spdlog/build/Release/spdlog.node node_modules.asar; do
  [ -e "$VS/$f" ] || { rm -f "$CACHE/cs/.stamp-$CS_VERSION";
    die "code-server install incomplete: $VS/$f missing (its postinstall did not run); run again to reinstall"; }
done
export XDG_CONFIG_HOME=$CACHE/xdg/config XDG_DATA_HOME=$CACHE/xdg/data  # keep ~ clean
CS_REPORTED=$("$CS" --version 2>/dev/null | grep -m1 -E "^[0-9]+\.") || die "code-server does not start"

# 3. playwright-core, to drive Debian's chromium (it downloads no browser).
#    (@vscode/vsce is a devDependency of editors/vscode, installed there by npm ci.)
if [ ! -f "$CACHE/tools/.stamp-$PW_VERSION" ]; then
  log "npm install playwright-core@$PW_VERSION"
  mkdir -p "$CACHE/tools"
  [ -f "$CACHE/tools/package.json" ] || echo '{"private":true}' > "$CACHE/tools/package.json"
  (cd "$CACHE/tools" && npm install --no-audit --no-fund "playwright-core@$PW_VERSION")
  touch "$CACHE/tools/.stamp-$PW_VERSION"
fi
[ -f "$CACHE/tools/node_modules/playwright-core/package.json" ] || die "playwright-core missing in $CACHE/tools"
log "ready: code-server $CS_REPORTED, $(/usr/bin/chromium --version 2>/dev/null)"

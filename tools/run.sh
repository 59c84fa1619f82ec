#!/usr/bin/env bash
# Installs CXY Apply (first run only) and starts it: on FILE when given, else on a sample draft.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
if [ $# -gt 0 ]; then
  exec .venv/bin/cxy-apply "$@"
else
  exec .venv/bin/cxy-apply --sample
fi

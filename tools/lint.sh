#!/usr/bin/env bash
# The checks run on every change, before the tests (.ci/run): ruff lint and format, mypy strict on
# forms/ and checked on desktop/ (configuration in pyproject.toml), and the CI workflow check where
# it exists. Runs them all, then fails if any failed, so one run shows every finding.
#   bash tools/setup.sh --test && bash tools/lint.sh
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${CXY_VENV:-.venv}/bin  # CXY_VENV: another environment with the test extra (a worktree sharing one)
failed=()
step() {
  echo "lint: $*"
  "$@" || failed+=("$*")
}
step "$bin/ruff" check --output-format concise .
step "$bin/ruff" format --check .
step "$bin/mypy" --strict forms
step "$bin/mypy" desktop
[ -f tools/check_workflows.sh ] && step env PYTHON="$bin/python" bash tools/check_workflows.sh
if [ ${#failed[@]} -gt 0 ]; then
  printf 'lint: FAILED: %s\n' "${failed[@]}"
  exit 1
fi
echo "lint: all clean"

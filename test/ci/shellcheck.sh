#!/usr/bin/env bash
# Runs shellcheck -x over every shell script under assets/, tools/, test/ and .ci/
# (npm run shellcheck). Exits non-zero on any finding.
set -euo pipefail

# From the repository root, so "# shellcheck source=assets/lib/lab.sh" resolves.
cd "$(dirname "$0")/../.."

command -v shellcheck >/dev/null 2>&1 || { echo "shellcheck is not installed (apt-get install shellcheck)" >&2; exit 1; }

# *.sh files, plus .ci/run (a bash script without the suffix).
mapfile -t files < <({ find assets tools test .ci -type f -name '*.sh' 2>/dev/null; [ -f .ci/run ] && echo .ci/run; echo tools/rehearsal/machine/amazon-ssm-agent; } | sort -u)

echo "$(shellcheck --version | awk '/^version:/{print "shellcheck " $2}'): ${#files[@]} files"
bad=0
for f in "${files[@]}"; do
  if shellcheck -x "$f"; then
    echo "ok   $f"
  else
    echo "FAIL $f"
    bad=$((bad + 1))
  fi
done
echo "shellcheck: $((${#files[@]} - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]

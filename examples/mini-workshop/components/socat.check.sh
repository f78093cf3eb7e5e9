#!/usr/bin/env bash
# socat check: socat is installed and runs.
set -euo pipefail
# shellcheck source=/dev/null
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

command -v socat >/dev/null 2>&1 || fail "socat is missing; run ${CNLAB_HOME}/components/socat.sh again and read its output"
version=$(socat -V 2>/dev/null | sed -n 's/^socat version \([^ ]*\).*/\1/p')
pass "socat ${version:-(unknown version)} is installed"

#!/usr/bin/env bash
# socat: install socat from the distribution's packages (idempotent).
set -euo pipefail
# shellcheck source=/dev/null
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

section "socat"
apt_install socat

#!/usr/bin/env bash
# Step 1 reset: remove the mini-web container (safe to run twice).
set -euo pipefail
# shellcheck source=/dev/null
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

remove_containers mini-web
say "step 1 reset: mini-web removed"

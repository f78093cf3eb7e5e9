#!/usr/bin/env bash
# Step 2 reset: nothing to undo (pings leave nothing behind).
set -euo pipefail
# shellcheck source=/dev/null
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

say "step 2 reset: nothing to remove"

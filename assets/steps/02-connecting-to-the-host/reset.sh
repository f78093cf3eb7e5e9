#!/usr/bin/env bash
# Step 2 reset: remove the containers step 2 started (their DNAT rules and docker-proxy processes go with them).
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

section "Step 2 reset"
say "removing s2-sidecar, s2-web, s2-any, s2-local, s2-host and s2-none"
remove_containers s2-sidecar s2-web s2-any s2-local s2-host s2-none
say "done"

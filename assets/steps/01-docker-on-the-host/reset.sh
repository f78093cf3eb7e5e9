#!/usr/bin/env bash
# Step 1 reset: remove the containers step 1 started (docker0 and Docker's rules stay: they belong to Docker).
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

section "Step 1 reset"
say "removing s1-web and s1-client (their veth pairs disappear with their namespaces)"
remove_containers s1-web s1-client
say "done"

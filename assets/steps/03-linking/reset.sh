#!/usr/bin/env bash
# Step 3 reset: remove step 3's containers, networks and compose file.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

section "Step 3 reset"
# Everything step 3 creates, Compose's containers and network included,
# carries the label container-networks-lab.step=03.
say "removing the containers labelled $CNLAB_LABEL=03 (the hand-made veth goes with their namespaces)"
say "removing the networks labelled $CNLAB_LABEL=03 (s3-net, s3_default)"
remove_labelled 03
# A run stopped half-way may have left the veth pair in the host's namespace.
ip link del s3veth-left 2>/dev/null || true
say "forgetting how to put the hand-made cable back after a Docker restart"
forget_cables 03
rm -rf "/var/lib/container-networks/03-linking"
say "done"

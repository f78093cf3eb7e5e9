#!/usr/bin/env bash
# Step 6 reset: remove this host's step 6 containers and the Open vSwitch bridge br-tun with its tunnels.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

section "Step 6 reset"
say "removing s6-web and s6-client"
remove_containers s6-web s6-client
if ovs-vsctl br-exists br-tun 2>/dev/null; then
  say "removing the Open vSwitch bridge br-tun (its tunnel ports and the old container ports go with it)"
  ovs-vsctl del-br br-tun
fi
# With the tunnel ports gone: the kernel's tunnel modules as the step found them.
restore_modules 06
say "done (run the reset on every host of the topology)"

#!/usr/bin/env bash
# Step 5 reset: remove the step's containers, the bridges br1 and ovsbr1, its DOCKER-USER rule and any namespace link pipework left in /var/run/netns.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

section "Step 5 reset"
pids=$(running_container_pids s5-app01 s5-app02)
say "removing s5-app01 and s5-app02 (the container ends of their cables go with their namespaces, and so do the host ends)"
remove_containers s5-app01 s5-app02
say "forgetting how to put their cables back after a Docker restart"
forget_cables 05
if ovs-vsctl br-exists ovsbr1 2>/dev/null; then
  say "removing the Open vSwitch bridge ovsbr1 (and the port records of the old cables)"
  ovs-vsctl del-br ovsbr1
fi
if ip link show br1 >/dev/null 2>&1; then
  say "removing the Linux bridge br1 (and the host's 192.168.2.254 on it)"
  ip link del br1
fi
while iptables -C DOCKER-USER -i br1 -o br1 -j ACCEPT 2>/dev/null; do
  say "removing the rule 'DOCKER-USER -i br1 -o br1 -j ACCEPT'"
  iptables -D DOCKER-USER -i br1 -o br1 -j ACCEPT
done
# pipework links /var/run/netns/<pid> to the container's namespace while it
# works and removes the link at the end; a pipework stopped half-way leaves it.
# shellcheck disable=SC2086 # one process id per word
remove_netns_links $pids
say "done"

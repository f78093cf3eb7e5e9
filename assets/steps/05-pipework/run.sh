#!/usr/bin/env bash
# Step 5 run: cable two --network none containers to a Linux bridge (br1) and an Open vSwitch bridge (ovsbr1) with pipework.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

HELLO=$(lab_image hello)
OVS_BRIDGE=ovsbr1

# Start clean: remove what an earlier run of this step left behind.
old_pids=$(running_container_pids s5-app01 s5-app02)
remove_containers s5-app01 s5-app02
forget_cables 05
if ovs-vsctl br-exists "$OVS_BRIDGE" 2>/dev/null; then ovs-vsctl del-br "$OVS_BRIDGE"; fi
if ip link show br1 >/dev/null 2>&1; then ip link del br1; fi
while iptables -D DOCKER-USER -i br1 -o br1 -j ACCEPT 2>/dev/null; do :; done
# shellcheck disable=SC2086 # one process id per word
remove_netns_links $old_pids

# The 2015 demo's subnet is used again by step 7 (Docker network s7-lab on br-s7).
if [ -n "$(ip -o -4 addr show to 192.168.2.0/24)" ]; then
  ip -o -4 addr show to 192.168.2.0/24
  fail "another interface of this host already has an address in 192.168.2.0/24 (above), probably step 7's br-s7: reset that step first (sudo $CNLAB_HOME/steps/07-layer-4-7-services/reset.sh), then run this one again."
fi

section "1. Two containers with no network at all"
say "--network none: Docker gives the container a network namespace with only a loopback interface, and leaves the cabling to us"
say "--restart unless-stopped: Docker starts them again after a restart of the daemon (step 4 restarts it)"
show docker run -d --name s5-app01 --hostname app01 --network none --restart unless-stopped --label "$CNLAB_LABEL=05" "$HELLO"
show docker run -d --name s5-app02 --hostname app02 --network none --restart unless-stopped --label "$CNLAB_LABEL=05" "$HELLO"
pid1=$(container_pid s5-app01)
pid2=$(container_pid s5-app02)
say "s5-app01 runs as process $pid1 on the host; its network namespace (the hello image has no tools, so use the host's ip inside it):"
show nsenter --target "$pid1" --net ip -br addr

section "2. pipework: a cable from each container to the Linux bridge br1 (the 2015 demo's addressing)"
say "pipework BRIDGE CONTAINER ADDRESS/PREFIX makes a veth pair, plugs one end into the bridge (creating it if needed),"
say "moves the other end into the container's namespace as eth1, gives it the address and brings it up"
pipework_attach br1 eth1 s5-app01 192.168.2.2/24
pipework_attach br1 eth1 s5-app02 192.168.2.3/24
say "while it works, pipework links the container's namespace as /var/run/netns/<pid> (so that 'ip netns exec <pid>' finds it)"
if [ -e "/var/run/netns/$pid1" ] || [ -e "/var/run/netns/$pid2" ]; then
  show ls -l /var/run/netns
  say "a link is left behind: this pipework does not remove its links (reset.sh does)"
else
  say "and removes the link when done: there is no /var/run/netns/$pid1 or /var/run/netns/$pid2"
fi
say "br1 is an ordinary Linux bridge with two ports, the host ends of the two cables:"
show bridge link show master br1
say "inside s5-app01: eth1 with 192.168.2.2/24, and a connected route; no default route (nothing beyond br1)"
show nsenter --target "$pid1" --net ip -br addr show eth1
show nsenter --target "$pid1" --net ip route

section "3. The host joins br1 at 192.168.2.254"
show ip addr add 192.168.2.254/24 dev br1
show ip route get 192.168.2.2
show curl -s --max-time 5 http://192.168.2.2:8080/
show curl -s --max-time 5 http://192.168.2.3:8080/

section "4. Container to container across br1, and the host firewall in between"
say "frames between two ports of a Linux bridge are switched, not routed; but with the br_netfilter module loaded"
say "they also pass through iptables' FORWARD chain, whose policy Docker sets to DROP"
show iptables -S FORWARD
if [ -r /proc/sys/net/bridge/bridge-nf-call-iptables ]; then
  show sysctl net.bridge.bridge-nf-call-iptables
else
  say "br_netfilter is not loaded now (Docker 27.3+ loads it only when a setting needs it), so bridged frames skip iptables"
fi
say "app01 -> app02 before any rule of ours (3 s at most):"
if show nsenter --target "$pid1" --net curl -s --max-time 3 http://192.168.2.3:8080/; then
  if ! iptables -S FORWARD | grep -- '^-P FORWARD DROP' >/dev/null; then
    say "it passed: FORWARD's policy is ACCEPT on this host (ip_forward was on before Docker started); on a fresh host Docker sets DROP and the frames are dropped"
  else
    say "it passed: bridged frames skip iptables here (br_netfilter off); once something loads it (icc=false, another tool) the FORWARD DROP drops them"
  fi
else
  say "it timed out: FORWARD dropped the bridged frames (moby#48492, pipework#211)"
fi
say "the fix: accept br1-to-br1 traffic in DOCKER-USER, the chain Docker keeps for our own rules and never rewrites"
if ! iptables -C DOCKER-USER -i br1 -o br1 -j ACCEPT 2>/dev/null; then
  show iptables -I DOCKER-USER -i br1 -o br1 -j ACCEPT
fi
show iptables -S DOCKER-USER
show nsenter --target "$pid1" --net curl -s --max-time 5 http://192.168.2.3:8080/
show nsenter --target "$pid2" --net curl -s --max-time 5 http://192.168.2.2:8080/

section "5. The same on Open vSwitch: bridge $OVS_BRIDGE, a second cable (eth2) for each container"
say "a bridge name starting with 'ovs' makes pipework use Open vSwitch; create it first to choose its datapath ($CNLAB_OVS_DATAPATH)"
show ovs-vsctl --may-exist add-br "$OVS_BRIDGE" -- set bridge "$OVS_BRIDGE" datapath_type="$CNLAB_OVS_DATAPATH"
pipework_attach "$OVS_BRIDGE" eth2 s5-app01 192.168.3.2/24
pipework_attach "$OVS_BRIDGE" eth2 s5-app02 192.168.3.3/24
if [ "$CNLAB_OVS_DATAPATH" = netdev ]; then
  say "userspace datapath: let the containers fill in their own TCP checksums on eth2 (see lab.sh)"
fi
show ovs-vsctl show
say "the host joins $OVS_BRIDGE through the bridge's own internal port, at 192.168.3.254"
show ip addr add 192.168.3.254/24 dev "$OVS_BRIDGE"
show ip link set "$OVS_BRIDGE" up
show curl -s --max-time 5 http://192.168.3.2:8080/
show nsenter --target "$pid1" --net curl -s --max-time 5 http://192.168.3.3:8080/
say "Open vSwitch is not a Linux bridge: br_netfilter never sees its frames, so it needs no DOCKER-USER rule"
say "what the switch learned (MAC address table) and counted (per port):"
show ovs-appctl fdb/show "$OVS_BRIDGE"
show ovs-ofctl dump-ports "$OVS_BRIDGE"
say "each container now has two cables: lo, eth1 on br1, eth2 on $OVS_BRIDGE"
show nsenter --target "$pid1" --net ip -br addr
say "pipework works on the container's namespace of the moment: if the container restarts (with Docker, for instance),"
say "its new namespace has no cables. The lab remembers how to put them back after a Docker restart (step 4 restarts Docker)."
remember_cables 05 \
  "recable_pipework br1 eth1 s5-app01 192.168.2.2/24" \
  "recable_pipework br1 eth1 s5-app02 192.168.2.3/24" \
  "recable_pipework $OVS_BRIDGE eth2 s5-app01 192.168.3.2/24" \
  "recable_pipework $OVS_BRIDGE eth2 s5-app02 192.168.3.3/24"

section "Done"
say "s5-app01 and s5-app02 are left running on br1 (192.168.2.0/24) and $OVS_BRIDGE (192.168.3.0/24)"
say "try: tcpdump -ni br1 while curling 192.168.2.3:8080 from s5-app01, or 'ovs-ofctl dump-flows $OVS_BRIDGE'"

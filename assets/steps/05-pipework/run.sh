#!/usr/bin/env bash
# Step 5 run: cable two --network none containers to a Linux bridge (br1) and an Open vSwitch bridge (ovsbr1) with pipework.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

HELLO=$(lab_image hello)
OVS_BRIDGE=ovsbr1

# pipework_attach BRIDGE IFACE CONTAINER ADDRESS/PREFIX: run pipework, or, where
# it is missing (a rehearsal machine; a host whose pipework download failed,
# "degraded"), say so and do the same plumbing by hand.
pipework_attach() {
  local bridge=$1 iface=$2 container=$3 address=$4 pid host_if guest_if why
  local -a args=("$bridge")
  [ "$iface" = eth1 ] || args+=(-i "$iface")
  args+=("$container" "$address")
  if [ -x "$CNLAB_PIPEWORK" ]; then
    show "$CNLAB_PIPEWORK" "${args[@]}" \
      || fail "pipework ${args[*]} failed (output above). If it says 'Could not locate cgroup mount point', this pipework predates cgroup v2 support: install a newer pipework at $CNLAB_PIPEWORK, or cable the container by hand as the guide shows."
    return 0
  fi
  if [ "${CNLAB_REHEARSAL:-}" = 1 ]; then
    not_rehearsed "pipework ${args[*]}"
    say "(rehearsal stand-in: pipework is not on this machine, so here is the same plumbing by hand)"
  elif why=$(degraded_reason pipework); then
    say "pipework is unavailable on this host: $why."
    say "So here is what 'pipework ${args[*]}' does, by hand. (Your organiser can install it later: sudo bash $CNLAB_HOME/components/pipework.sh)"
  else
    fail "pipework is not installed at $CNLAB_PIPEWORK: rerun the host's pipework component (sudo bash $CNLAB_HOME/components/pipework.sh) or set CNLAB_PIPEWORK to where it is."
  fi
  pid=$(docker inspect --format '{{.State.Pid}}' "$container")
  # pipework's own names: v<iface>pl<pid> on the host, v<iface>pg<pid> for the container.
  host_if="v${iface}pl${pid}"
  guest_if="v${iface}pg${pid}"
  if ! ip link show "$bridge" >/dev/null 2>&1; then
    case "$bridge" in
      ovs*) show ovs-vsctl add-br "$bridge" ;;
      *) show ip link add dev "$bridge" type bridge; show ip link set "$bridge" up ;;
    esac
  fi
  show ip link add name "$host_if" type veth peer name "$guest_if"
  case "$bridge" in
    ovs*) show ovs-vsctl add-port "$bridge" "$host_if" ;;
    *) show ip link set "$host_if" master "$bridge" ;;
  esac
  show ip link set "$host_if" up
  show ip link set "$guest_if" netns "$pid"
  show nsenter --target "$pid" --net ip link set "$guest_if" name "$iface"
  show nsenter --target "$pid" --net ip addr add "$address" dev "$iface"
  show nsenter --target "$pid" --net ip link set "$iface" up
}

# Start clean: remove what an earlier run of this step left behind.
remove_containers s5-app01 s5-app02
if ovs-vsctl br-exists "$OVS_BRIDGE" 2>/dev/null; then ovs-vsctl del-br "$OVS_BRIDGE"; fi
if ip link show br1 >/dev/null 2>&1; then ip link del br1; fi
while iptables -D DOCKER-USER -i br1 -o br1 -j ACCEPT 2>/dev/null; do :; done

# The 2015 demo's subnet is used again by step 7 (Docker network s7-lab on br-s7).
if [ -n "$(ip -o -4 addr show to 192.168.2.0/24)" ]; then
  ip -o -4 addr show to 192.168.2.0/24
  fail "another interface of this host already has an address in 192.168.2.0/24 (above), probably step 7's br-s7: reset that step first (sudo $CNLAB_HOME/steps/07-layer-4-7-services/reset.sh), then run this one again."
fi

section "1. Two containers with no network at all"
say "--network none: Docker gives the container a network namespace with only a loopback interface, and leaves the cabling to us"
show docker run -d --name s5-app01 --hostname app01 --network none --label "$CNLAB_LABEL=05" "$HELLO"
show docker run -d --name s5-app02 --hostname app02 --network none --label "$CNLAB_LABEL=05" "$HELLO"
pid1=$(docker inspect --format '{{.State.Pid}}' s5-app01)
pid2=$(docker inspect --format '{{.State.Pid}}' s5-app02)
say "s5-app01 runs as process $pid1 on the host; its network namespace (the hello image has no tools, so use the host's ip inside it):"
show nsenter --target "$pid1" --net ip -br addr

section "2. pipework: a cable from each container to the Linux bridge br1 (the 2015 demo's addressing)"
say "pipework BRIDGE CONTAINER ADDRESS/PREFIX makes a veth pair, plugs one end into the bridge (creating it if needed),"
say "moves the other end into the container's namespace as eth1, gives it the address and brings it up"
pipework_attach br1 eth1 s5-app01 192.168.2.2/24
pipework_attach br1 eth1 s5-app02 192.168.2.3/24
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
userspace_datapath_fixup s5-app01 eth2
userspace_datapath_fixup s5-app02 eth2
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

section "Done"
say "s5-app01 and s5-app02 are left running on br1 (192.168.2.0/24) and $OVS_BRIDGE (192.168.3.0/24)"
say "try: tcpdump -ni br1 while curling 192.168.2.3:8080 from s5-app01, or 'ovs-ofctl dump-flows $OVS_BRIDGE'"

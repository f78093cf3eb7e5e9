#!/usr/bin/env bash
# Step 6 run: join this host's containers to the other hosts' over Open vSwitch tunnels (one per peer), then look at the packets and the MTU.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

HOSTS=${HOSTS:-}
TUNNEL_TYPE=${TUNNEL_TYPE:-gre}
BRIDGE=br-tun
# The tunnel key: GRE key, VXLAN or Geneve network identifier (VNI). Both ends must agree.
TUNNEL_KEY=5
# Kernel modules the tunnel ports may load, in an order in which each can be
# unloaded after the ones before it.
TUNNEL_MODULES=(vport_gre vport_vxlan vport_geneve ip_gre vxlan geneve ip_tunnel gre udp_tunnel ip6_udp_tunnel)

case "$TUNNEL_TYPE" in
  gre) overhead=42; overhead_text="20 outer IPv4 + 4 GRE + 4 key + 14 inner Ethernet"; capture="ip proto 47" ;;
  vxlan) overhead=50; overhead_text="20 outer IPv4 + 8 UDP + 8 VXLAN + 14 inner Ethernet"; capture="udp port 4789" ;;
  geneve) overhead=50; overhead_text="20 outer IPv4 + 8 UDP + 8 Geneve + 14 inner Ethernet"; capture="udp port 6081" ;;
  *) fail "TUNNEL_TYPE '$TUNNEL_TYPE' is not one of gre, vxlan, geneve." ;;
esac
[ -n "$HOSTS" ] || fail "HOSTS is empty: this step needs the private IPv4 addresses of all multi-host hosts, in host order, comma-separated. The lab command fills it in; by hand, take the stack output MultiHostAddresses and run: sudo HOSTS=10.40.0.11,10.40.0.12 TUNNEL_TYPE=$TUNNEL_TYPE $CNLAB_HOME/steps/06-across-hosts/run.sh (same value on every host)."

# Which host am I? The position of one of my own addresses in HOSTS (1, 2, ...).
IFS=, read -r -a hosts <<<"$HOSTS"
index=$(host_number "$HOSTS")
[ "$index" -gt 0 ] || fail "none of this host's addresses ($(ip -o -4 addr show | awk '{print $4}' | paste -sd ' ')) is in HOSTS=$HOSTS: pass the private addresses of the multi-host hosts (stack output MultiHostAddresses)."
self=${hosts[$((index - 1))]}
underlay=$(ip -o -4 addr show | awk -v a="$self" 'index($4, a "/") == 1 && !found++ {print $2}')
underlay_mtu=$(ip -o link show dev "$underlay" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')
web_ip() { printf '192.168.2.%d' $((10 + $1)); }
client_ip() { printf '192.168.2.%d' $((20 + $1)); }
# A fixed MAC address per container (02: = locally administered, then the IPv4
# address in hex), so the other hosts' ARP caches stay right when this step runs again.
mac_of() { printf '02:00:c0:a8:02:%02x' "${1##*.}"; }

# Start clean: remove what an earlier run of this step left behind.
remove_containers s6-web s6-client
if ovs-vsctl br-exists "$BRIDGE" 2>/dev/null; then ovs-vsctl del-br "$BRIDGE"; fi
# Before the first tunnel port: which tunnel modules the kernel has loaded now
# (with the kernel datapath Open vSwitch loads what a tunnel type needs;
# reset.sh unloads only what this step loaded).
note_modules 06 "${TUNNEL_MODULES[@]}"

section "1. The underlay: this host is host $index of ${#hosts[@]}"
say "HOSTS=$HOSTS; this host's own address among them is $self, on interface $underlay (MTU $underlay_mtu)"
show ip -br addr show dev "$underlay"
say "the tunnels run between these addresses; the containers' 192.168.2.0/24 never appears on the underlay outside a tunnel"

section "2. One Open vSwitch bridge, $BRIDGE, with a $TUNNEL_TYPE tunnel port to every other host"
show ovs-vsctl add-br "$BRIDGE" -- set bridge "$BRIDGE" datapath_type="$CNLAB_OVS_DATAPATH"
say "protected=true: a frame that came in by one tunnel is never sent out by another (split horizon; a full mesh would loop otherwise)"
for j in $(seq 1 "${#hosts[@]}"); do
  [ "$j" -ne "$index" ] || continue
  port="$TUNNEL_TYPE$j"
  show ovs-vsctl add-port "$BRIDGE" "$port" -- set interface "$port" type="$TUNNEL_TYPE" \
    options:remote_ip="${hosts[$((j - 1))]}" options:key="$TUNNEL_KEY" -- set port "$port" protected=true
done
say "the underlay NIC $underlay is NOT a port of $BRIDGE: tunnel packets leave through the host's own routing, like any packet to ${hosts[*]}"

section "3. Containers on $BRIDGE: web$index at $(web_ip "$index"), client$index at $(client_ip "$index")"
show docker run -d --name s6-web --hostname "web$index" --network none --label "$CNLAB_LABEL=06" "$(lab_image hello)"
show docker run -d --name s6-client --hostname "client$index" --network none --label "$CNLAB_LABEL=06" "$(lab_image client)"
say "ovs-docker (from Open vSwitch) does what pipework did in step 5, for Open vSwitch: a veth pair, one end a port of the bridge, the other eth1 in the container"
say "--mtu=$underlay_mtu: the containers believe they may send frames as large as the underlay's; section 7 shows why that is a mistake"
say "--macaddress: a fixed MAC per address, so the other hosts' ARP caches stay right when the step runs again"
show ovs-docker add-port "$BRIDGE" eth1 s6-web --ipaddress="$(web_ip "$index")/24" \
  --macaddress="$(mac_of "$(web_ip "$index")")" --mtu="$underlay_mtu"
show ovs-docker add-port "$BRIDGE" eth1 s6-client --ipaddress="$(client_ip "$index")/24" \
  --macaddress="$(mac_of "$(client_ip "$index")")" --mtu="$underlay_mtu"
for c in s6-web s6-client; do
  # The bridge's end of the cable must carry frames that large too.
  port=$(ovs-vsctl --data=bare --no-headings --columns=name find interface \
    "external_ids:container_id=$c" external_ids:container_iface=eth1)
  ovs-vsctl set interface "$port" mtu_request="$underlay_mtu"
  userspace_datapath_fixup "$c" eth1
done
if [ "$CNLAB_OVS_DATAPATH" = netdev ]; then
  say "userspace datapath: the containers fill in their own TCP checksums on eth1 (see lab.sh)"
fi
show ovs-vsctl show
show docker exec s6-client ip -br addr show eth1

section "4. Across the tunnels: client$index -> every host's web"
# The other hosts run this step at about the same time: give them a few seconds.
deadline=$((SECONDS + 20))
reachable=()
problems=()
for j in $(seq 1 "${#hosts[@]}"); do
  url="http://$(web_ip "$j"):8080/"
  until docker exec s6-client curl -s -o /dev/null --max-time 2 "$url" || [ "$SECONDS" -ge "$deadline" ]; do
    sleep 1
  done
  if show docker exec s6-client curl -s --max-time 3 "$url"; then
    [ "$j" -eq "$index" ] || reachable+=("$j")
  elif [ "$j" -eq "$index" ]; then
    fail "client$index gets no answer from web$index on this very host: the bridge $BRIDGE or the containers' ports are broken; look at 'ovs-vsctl show' and 'docker exec s6-client ip addr show eth1'."
  else
    say "no answer from web$j: run this step on host $j (${hosts[$((j - 1))]}) too, with TUNNEL_TYPE=$TUNNEL_TYPE"
    problems+=("web$j (host $j, ${hosts[$((j - 1))]}) did not answer through the $TUNNEL_TYPE tunnel: run the step there too, with the same HOSTS and TUNNEL_TYPE.")
  fi
done

section "5. What crossed each port"
show ovs-ofctl --names dump-ports "$BRIDGE"
for j in $(seq 1 "${#hosts[@]}"); do
  [ "$j" -ne "$index" ] || continue
  show ovs-vsctl --columns=name,type,options,statistics list interface "$TUNNEL_TYPE$j"
done

if [ "${#hosts[@]}" -lt 2 ]; then
  section "6. and 7. skipped: HOSTS names only this host, so there is no tunnel to look at"
  exit 0
fi
if [ "${#reachable[@]}" -eq 0 ]; then
  section "6. and 7. skipped: no other host's web answers"
  fail "no other host's web answered through the $TUNNEL_TYPE tunnels within 20 s. Run this step on every host of HOSTS=$HOSTS with TUNNEL_TYPE=$TUNNEL_TYPE (the lab command does all at once), then run it here again to see the packets and the MTU lesson; if they all ran, look at 'ovs-vsctl show' and 'tcpdump -ni $underlay $capture' (the security group must let the tunnel through)."
fi
peer=${reachable[0]}
peer_web=$(web_ip "$peer")

section "6. The encapsulated packets on the underlay ($underlay)"
say "while client$index pings web$peer: outside, host to host ($self -> ${hosts[$((peer - 1))]}); inside, container to container"
capture_if=$underlay
if ovs-vsctl br-exists "$underlay" 2>/dev/null; then
  # The address sits on an Open vSwitch bridge's own port: the tunnel
  # packets leave by that bridge's other port, the real NIC.
  capture_if=$(ovs-vsctl list-ports "$underlay" | head -n 1)
  say "$underlay is itself an Open vSwitch bridge; its NIC is $capture_if, so capture there"
fi
capture_file=$(mktemp)
printf '\n$ %s\n' "tcpdump -ni $capture_if -c 4 -v '$capture'    (in the background, during the ping)"
timeout 10 tcpdump -ni "$capture_if" -c 4 -v "$capture" >"$capture_file" 2>&1 &
tcpdump_pid=$!
sleep 1
if ! show docker exec s6-client ping -c 3 -i 0.3 "$peer_web"; then
  problems+=("web$peer answered HTTP through the tunnel but not ping: ICMP may be blocked between the hosts (security group, DOCKER-USER)")
fi
wait "$tcpdump_pid" || true
cat "$capture_file"
rm -f "$capture_file"

section "7. The MTU lesson: $TUNNEL_TYPE adds $overhead bytes ($overhead_text)"
max_inner=$((underlay_mtu - overhead))
say "the underlay carries packets of at most $underlay_mtu bytes; inside a tunnel that leaves $max_inner for the container's IP packet"
say "ping -s N sends an IP packet of N + 28 bytes (20 IP + 8 ICMP); -M do sets Don't Fragment"
say "first a packet that fits: $((max_inner - 28)) + 28 = $max_inner bytes inside, $underlay_mtu outside"
fits=no
if show docker exec s6-client ping -M "do" -c 2 -W 2 -s $((max_inner - 28)) "$peer_web"; then
  fits=yes
fi
say "then one that does not: $((underlay_mtu - 28)) + 28 = $underlay_mtu bytes inside, $((underlay_mtu + overhead)) outside"
too_big=lost
if show docker exec s6-client ping -M "do" -c 2 -W 2 -s $((underlay_mtu - 28)) "$peer_web"; then
  too_big=passed
fi
case "$fits/$too_big" in
  yes/lost)
    say "the packet that fits passed and the full-size one was lost without a word: the container believed its MTU of $underlay_mtu,"
    say "the encapsulated packet did not fit the underlay (a 'black hole'). That is the MTU problem of every tunnel." ;;
  yes/passed)
    say "both passed: this path carries more than $underlay_mtu bytes (or fragments the outer packet), so it shows no MTU problem here" ;;
  no/*)
    problems+=("even a ping that fits the tunnel was lost, so this is not about the MTU: ICMP may be blocked (security group, DOCKER-USER) or the path is broken")
    say "even the packet that fits was lost: that is not the MTU; look at 'ovs-ofctl --names dump-ports $BRIDGE' and tcpdump on $capture_if" ;;
esac
say "the fix: give the containers' interfaces the underlay MTU minus the overhead, $max_inner"
client_pid=$(container_pid s6-client)
show nsenter --target "$client_pid" --net ip link set eth1 mtu "$max_inner"
say "now the full-size ping with Don't Fragment cannot even leave the container:"
refused=$(docker exec s6-client ping -M "do" -c 1 -W 2 -s $((underlay_mtu - 28)) "$peer_web" 2>&1 || true)
printf '\n$ docker exec s6-client ping -M do -c 1 -W 2 -s %s %s\n%s\n' $((underlay_mtu - 28)) "$peer_web" "$refused"
if [[ "$refused" == *"too long"* ]]; then
  say "'Message too long': the sender learns the limit at once, and TCP sizes its segments to fit"
else
  say "no 'Message too long' here: look at 'docker exec s6-client ip link show eth1'"
fi

if [ "${#problems[@]}" -gt 0 ]; then
  fail "${problems[*]}"
fi

section "Done"
say "s6-web and s6-client stay up on $BRIDGE; try: docker exec s6-client curl http://$peer_web:8080/"
say "and 'tcpdump -ni $capture_if $capture' while you do"

#!/usr/bin/env bash
# Step 1 run: look at what Docker adds to a Linux host, then start a container and follow its cable.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

# Start clean: remove what an earlier run of this step left behind.
remove_containers s1-web s1-client

section "1. The docker0 bridge: a virtual switch with an address, the containers' default gateway"
show ip link show docker0
say "state DOWN / NO-CARRIER until the first container plugs in: a switch with no cables"
show ip -4 addr show docker0
say "Docker's own view of that network (called 'bridge'): its subnet and gateway"
show_sh "docker network inspect bridge | jq '.[0].IPAM.Config'"
say "no containers yet, so no ports on the switch:"
show bridge link show master docker0

section "2. IP forwarding: the host routes between docker0 and its real interfaces"
show sysctl net.ipv4.ip_forward

section "3. NAT table: containers leave the host behind the host's own address"
say "MASQUERADE = source NAT to the outgoing interface's address, for the docker0 subnet leaving by any other interface"
show iptables -t nat -S POSTROUTING
say "the DOCKER chain is where published ports become DNAT rules (step 2); PREROUTING and OUTPUT jump to it"
show iptables -t nat -S PREROUTING
show iptables -t nat -S DOCKER
if iptables -t nat -S DOCKER | grep -- '-i docker0 -j RETURN' >/dev/null; then
  say "'-i docker0 -j RETURN': packets coming from the containers themselves are never DNATed here;"
  say "a container that calls a published port of this host reaches it through docker-proxy (the userland proxy, on by default)"
fi

section "4. Filter table: the FORWARD chain"
show iptables -S FORWARD
if iptables -S FORWARD | grep -- '^-P FORWARD DROP' >/dev/null; then
  say "policy DROP: Docker set it (since 1.13) when it turned on ip_forward, so the host forwards only what Docker's rules allow"
else
  say "policy ACCEPT here: ip_forward was already on before Docker started, so Docker left the policy alone (on a fresh host Docker sets DROP)"
fi
if iptables -S DOCKER-FORWARD >/dev/null 2>&1; then
  say "this Docker (28 or later) sends forwarded traffic to DOCKER-FORWARD, which calls DOCKER-CT (replies), DOCKER-ISOLATION-STAGE-1 (network to network) and DOCKER-BRIDGE (to DOCKER, per bridge)"
else
  say "this Docker (27 or earlier) puts its rules in FORWARD itself: DOCKER-ISOLATION-STAGE-1 (network to network), a conntrack rule for replies, then DOCKER per bridge"
fi
say "your own rules go in DOCKER-USER, which FORWARD consults first and Docker never rewrites"
show iptables -S DOCKER-USER

section "5. A container: its own network namespace, cabled to docker0 by a veth pair"
say "--restart unless-stopped: Docker starts the container again after a restart of the daemon (step 4 restarts it)"
show docker run -d --name s1-web --restart unless-stopped --label "$CNLAB_LABEL=01" "$(lab_image hello)"
web_pid=$(container_pid s1-web)
web_ip=$(container_ip s1-web)
say "s1-web has process id $web_pid on the host and address $web_ip"
say "the hello image has no shell and no tools, so bring the host's ip command into the container's network namespace:"
show nsenter --target "$web_pid" --net ip addr
show nsenter --target "$web_pid" --net ip route
say "eth0@ifN inside means: my veth peer is interface number N in the host's namespace"
show nsenter --target "$web_pid" --net ip -o link show eth0
peer=$(nsenter --target "$web_pid" --net ip -o link show eth0 | sed -n 's/^[0-9]*: eth0@if\([0-9]*\):.*/\1/p')
say "so look for interface $peer on the host: a veth whose master is docker0"
show ip -o link show master docker0
show bridge link show master docker0

section "6. The same, from inside a container that has tools"
show docker run -d --name s1-client --restart unless-stopped --label "$CNLAB_LABEL=01" "$(lab_image client)"
say "iflink = the index of the other end of my cable (read inside the container, where /sys shows its own interfaces)"
show docker exec s1-client cat /sys/class/net/eth0/iflink
show docker exec s1-client ip -br addr
say "container to container on the same bridge: switched at layer 2, no routing and no NAT"
show docker exec s1-client curl -s --max-time 5 "http://$web_ip:8080/"
say "and the host reaches the container directly too, through docker0"
show curl -s --max-time 5 "http://$web_ip:8080/"

section "Done"
say "s1-web and s1-client are left running: try 'docker exec s1-client ip route' or 'tcpdump -ni docker0'"

#!/usr/bin/env bash
# Step 1 check: docker0 is up with an address, NAT and forwarding are on, and s1-web is cabled to docker0.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

ip link show docker0 >/dev/null 2>&1 \
  || fail "there is no docker0 bridge: is the Docker daemon running? Try 'systemctl status docker'."
bridge_net=$(network_ipv4 bridge Subnet)
ip -4 -o addr show docker0 | grep ' inet ' >/dev/null \
  || fail "docker0 has no IPv4 address: restart Docker ('systemctl restart docker') and look at 'ip addr show docker0'."
iptables -t nat -S POSTROUTING | grep -- "-s $bridge_net" | grep -- '-j MASQUERADE' >/dev/null \
  || fail "no MASQUERADE rule for $bridge_net in the nat POSTROUTING chain: Docker may run with iptables disabled; restart Docker and look at 'iptables -t nat -S POSTROUTING'."
[ "$(sysctl -n net.ipv4.ip_forward)" = 1 ] \
  || fail "net.ipv4.ip_forward is 0: containers cannot reach beyond the host; restart Docker, which turns it on."

container_running s1-web \
  || fail "the container s1-web is not running: run the step first (sudo $CNLAB_HOME/steps/01-docker-on-the-host/run.sh); if it ran, 'docker ps -a' and 'docker logs s1-web' say why it stopped."
pid=$(container_pid s1-web)
# The container's eth0 is shown as eth0@ifN: N is its veth peer's index on the host.
peer=$(nsenter --target "$pid" --net ip -o link show eth0 | sed -n 's/^[0-9]*: eth0@if\([0-9]*\):.*/\1/p')
[ -n "$peer" ] || fail "s1-web has no veth eth0: look at 'nsenter --target $pid --net ip link'."
ip -o link show master docker0 | grep "^$peer: " >/dev/null \
  || fail "the host end of s1-web's veth (interface $peer) is not attached to docker0: look at 'ip -o link show master docker0'; rerun the step."

# Up: switched on (the UP flag) and passing traffic (state UP, which a bridge
# reaches once a port is up: s1-web's veth).
link=$(ip -o link show docker0)
flags=$(sed -n 's/^[0-9]*: [^ ]* <\([^>]*\)>.*/\1/p' <<<"$link")
[[ ",$flags," == *,UP,* ]] \
  || fail "docker0 is switched off (flags <$flags>): try 'ip link set docker0 up', or restart Docker."
[[ "$link" == *" state UP "* ]] \
  || fail "docker0 is switched on but not passing traffic (state $(sed -n 's/.* state \([A-Z]*\) .*/\1/p' <<<"$link")), although s1-web's veth is one of its ports: look at 'ip -o link show master docker0'."

pass "docker0 is up (state UP) with an address on $bridge_net, MASQUERADE and ip_forward are on, and s1-web's veth (host interface $peer) is a port of docker0"

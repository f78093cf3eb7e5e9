#!/usr/bin/env bash
# Step 4 check: the daemon settings took effect, and each network isolates or connects as configured.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

daemon_json=$CNLAB_DOCKER_DAEMON_JSON
run_hint="run the step first (sudo $CNLAB_HOME/steps/04-networking-options/run.sh)"
for name in s4-default s4-pool s4-fixed s4-quiet1 s4-quiet2 s4-inside1 s4-inside2; do
  [ "$(docker inspect --format '{{.State.Running}}' "$name" 2>/dev/null)" = true ] \
    || fail "the container $name is not running: $run_hint."
done
ip_of() { docker inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1"; }

# 1. Daemon settings.
[ "$(jq -r '.bip // empty' "$daemon_json" 2>/dev/null)" = 192.168.44.1/24 ] \
  || fail "$daemon_json does not set bip 192.168.44.1/24: $run_hint."
ip -4 addr show docker0 | grep 'inet 192.168.44.1/24 ' >/dev/null \
  || fail "docker0 does not have 192.168.44.1/24 although $daemon_json sets it: restart Docker ('systemctl restart docker') and rerun the step."
docker exec s4-default ip link show eth0 | grep ' mtu 1450 ' >/dev/null \
  || fail "s4-default's eth0 does not have MTU 1450 (daemon setting mtu): look at 'docker exec s4-default ip link show eth0'; rerun the step."

# 2. Own subnet, gateway and pool.
[ "$(ip_of s4-fixed)" = 192.168.4.10 ] \
  || fail "s4-fixed should have the fixed address 192.168.4.10 but has $(ip_of s4-fixed): rerun the step."
pool_ip=$(ip_of s4-pool)
case "$pool_ip" in
  192.168.4.1[3-9][0-9]|192.168.4.12[89]|192.168.4.2[0-5][0-9]) ;;
  *) fail "s4-pool should have an address from --ip-range 192.168.4.128/25 but has $pool_ip: look at 'docker network inspect s4-custom'." ;;
esac
docker exec s4-fixed ip route | grep '^default via 192.168.4.254 ' >/dev/null \
  || fail "s4-fixed's default route is not via the gateway 192.168.4.254: look at 'docker exec s4-fixed ip route'."
docker exec s4-fixed curl -sf --max-time 5 http://s4-pool:8080/ | grep Hello >/dev/null \
  || fail "s4-fixed gets no answer from s4-pool on the network s4-custom: try 'docker exec s4-fixed curl -v http://s4-pool:8080/'."

# 3. icc=false: containers on s4-noicc must not reach each other.
if docker exec s4-quiet2 curl -sf --max-time 2 "http://$(ip_of s4-quiet1):8080/" >/dev/null 2>&1; then
  fail "s4-quiet2 reaches s4-quiet1 although s4-noicc has enable_icc=false: is br_netfilter loaded and /proc/sys/net/bridge/bridge-nf-call-iptables 1? Try 'modprobe br_netfilter' and rerun the step."
fi

# 4. --internal: no NAT and DROP rules for leaving; the containers still talk to each other.
internal_net=$(docker network inspect s4-internal --format '{{range .IPAM.Config}}{{.Subnet}}{{end}}')
if iptables -t nat -S POSTROUTING | grep -- "-s $internal_net " | grep MASQUERADE >/dev/null; then
  fail "the internal network $internal_net has a MASQUERADE rule: was s4-internal created with --internal? Rerun the step."
fi
iptables -S | grep -- 's4-internal' | grep -- '-j DROP' >/dev/null \
  || fail "no iptables DROP rule for the bridge s4-internal: was s4-internal created with --internal? Look at 'iptables -S | grep s4-internal'."
docker exec s4-inside2 curl -sf --max-time 5 http://s4-inside1:8080/ | grep Hello >/dev/null \
  || fail "s4-inside2 gets no answer from s4-inside1 on the internal network: try 'docker exec s4-inside2 curl -v http://s4-inside1:8080/'."

pass "docker0 has bip 192.168.44.1/24 and containers MTU 1450; s4-custom hands out $pool_ip from its pool with gateway .254; s4-noicc isolates its containers; s4-internal has no NAT and drops traffic leaving it, while its containers talk to each other"

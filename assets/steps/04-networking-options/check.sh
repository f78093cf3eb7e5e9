#!/usr/bin/env bash
# Step 4 check: the daemon settings took effect, and each network isolates or connects as configured (each isolation shown against a request that does get through).
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

daemon_json=$CNLAB_DOCKER_DAEMON_JSON
run_hint="run the step first (sudo $CNLAB_HOME/steps/04-networking-options/run.sh)"
for name in s4-default s4-pool s4-fixed s4-quiet1 s4-quiet2 s4-inside1 s4-inside2; do
  container_running "$name" || fail "the container $name is not running: $run_hint."
done
host_ip=$(host_address)
# answers CONTAINER URL: CONTAINER (or the host, for CONTAINER "host") gets the hello page from URL.
answers() {
  if [ "$1" = host ]; then
    curl -sf --max-time 3 "$2" 2>/dev/null | grep Hello >/dev/null
  else
    docker exec "$1" curl -sf --max-time 3 "$2" 2>/dev/null | grep Hello >/dev/null
  fi
}

# 1. Daemon settings.
[ "$(jq -r '.bip // empty' "$daemon_json" 2>/dev/null)" = 192.168.44.1/24 ] \
  || fail "$daemon_json does not set bip 192.168.44.1/24: $run_hint."
ip -4 addr show docker0 | grep 'inet 192.168.44.1/24 ' >/dev/null \
  || fail "docker0 does not have 192.168.44.1/24 although $daemon_json sets it: restart Docker ('systemctl restart docker') and rerun the step."
docker exec s4-default ip link show eth0 | grep ' mtu 1450 ' >/dev/null \
  || fail "s4-default's eth0 does not have MTU 1450 (daemon setting mtu): look at 'docker exec s4-default ip link show eth0'; rerun the step."

# 2. Own subnet, gateway and pool.
[ "$(container_ip s4-fixed)" = 192.168.4.10 ] \
  || fail "s4-fixed should have the fixed address 192.168.4.10 but has $(container_ip s4-fixed): rerun the step."
pool_ip=$(container_ip s4-pool)
case "$pool_ip" in
  192.168.4.1[3-9][0-9]|192.168.4.12[89]|192.168.4.2[0-5][0-9]) ;;
  *) fail "s4-pool should have an address from --ip-range 192.168.4.128/25 but has $pool_ip: look at 'docker network inspect s4-custom'." ;;
esac
docker exec s4-fixed ip route | grep '^default via 192.168.4.254 ' >/dev/null \
  || fail "s4-fixed's default route is not via the gateway 192.168.4.254: look at 'docker exec s4-fixed ip route'."
retry 3 answers s4-fixed http://s4-pool:8080/ \
  || fail "s4-fixed gets no answer from s4-pool on the network s4-custom: try 'docker exec s4-fixed curl -v http://s4-pool:8080/'."

# The service outside the other networks: s4-pool's port published on the host.
outside=http://$host_ip:8004/
retry 3 answers host "$outside" \
  || fail "s4-pool does not answer on its published port $outside: look at 'docker port s4-pool'; rerun the step."

# 3. icc=false: first what must work (so that a failure below means isolation,
# not a dead server or a broken client), then what must not.
quiet1=http://$(container_ip s4-quiet1):8080/
retry 3 answers host "$quiet1" \
  || fail "s4-quiet1 does not answer the host at $quiet1, so its isolation cannot be tested: look at 'docker logs s4-quiet1'."
retry 3 answers s4-quiet2 "$outside" \
  || fail "s4-quiet2 cannot reach $outside (outside its network), so its isolation cannot be tested: look at 'docker exec s4-quiet2 ip route'."
if answers s4-quiet2 "$quiet1"; then
  fail "s4-quiet2 reaches s4-quiet1 although s4-noicc has enable_icc=false: is br_netfilter loaded and /proc/sys/net/bridge/bridge-nf-call-iptables 1? Try 'modprobe br_netfilter' and rerun the step."
fi

# 4. --internal: the same request to the outside service from a normal network
# (the default bridge) and from the internal one.
internal_net=$(network_ipv4 s4-internal Subnet)
if iptables -t nat -S POSTROUTING | grep -- "-s $internal_net " | grep MASQUERADE >/dev/null; then
  fail "the internal network $internal_net has a MASQUERADE rule: was s4-internal created with --internal? Rerun the step."
fi
retry 3 answers s4-default "$outside" \
  || fail "s4-default (default bridge) cannot reach $outside, so the internal network's isolation cannot be compared: look at 'docker exec s4-default ip route'."
if answers s4-inside2 "$outside"; then
  fail "s4-inside2 reaches $outside from the internal network s4-internal: was it created with --internal? Look at 'iptables -S | grep s4-internal'."
fi
retry 3 answers s4-inside2 http://s4-inside1:8080/ \
  || fail "s4-inside2 gets no answer from s4-inside1 on the internal network: try 'docker exec s4-inside2 curl -v http://s4-inside1:8080/'."

pass "docker0 has bip 192.168.44.1/24 and containers MTU 1450; s4-custom hands out $pool_ip from its pool with gateway .254; on s4-noicc, s4-quiet2 cannot reach s4-quiet1 although s4-quiet1 answers the host and s4-quiet2 reaches $outside; from s4-internal, $outside cannot be reached while the default bridge reaches it, and s4-inside2 reaches s4-inside1"

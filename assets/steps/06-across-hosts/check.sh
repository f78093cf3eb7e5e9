#!/usr/bin/env bash
# Step 6 check: this host's client reaches the web container of every host in HOSTS (its own and each peer's, through the tunnels).
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

HOSTS=${HOSTS:-}
RUN="sudo HOSTS=... TUNNEL_TYPE=... $CNLAB_HOME/steps/06-across-hosts/run.sh"
[ -n "$HOSTS" ] || fail "HOSTS is empty: pass the private IPv4 addresses of the multi-host hosts, comma-separated, in host order (stack output MultiHostAddresses), e.g. sudo HOSTS=10.40.0.11,10.40.0.12 $CNLAB_HOME/steps/06-across-hosts/check.sh."
IFS=, read -r -a hosts <<<"$HOSTS"
index=$(host_number "$HOSTS")
[ "$index" -gt 0 ] || fail "none of this host's addresses is in HOSTS=$HOSTS: pass the multi-host hosts' private addresses (stack output MultiHostAddresses)."

ovs-vsctl br-exists br-tun 2>/dev/null || fail "there is no Open vSwitch bridge br-tun on this host (host $index): run the step first ($RUN)."
for c in s6-web s6-client; do
  container_running "$c" \
    || fail "the container $c is not running on this host (host $index): run the step first ($RUN)."
done
types=$(ovs-vsctl --data=bare --no-headings --columns=type list interface | grep -E '^(gre|vxlan|geneve)$' | sort -u | paste -sd/ || true)

# answers ADDRESS NAME: the hello app at ADDRESS, asked from this host's client, names NAME.
# shellcheck disable=SC2317 # called through retry
answers() {
  docker exec s6-client curl -s --max-time 3 "http://$1:8080/" 2>/dev/null | grep ": $2 (" >/dev/null
}

for j in $(seq 1 "${#hosts[@]}"); do
  web=192.168.2.$((10 + j))
  if ! retry 3 answers "$web" "web$j"; then
    if [ "$j" -eq "$index" ]; then
      fail "this host's own web ($web) does not answer s6-client on br-tun: look at 'ovs-vsctl show' and 'docker exec s6-client ip addr show eth1'; run the step again ($RUN)."
    fi
    peer=${hosts[$((j - 1))]}
    fail "no answer from host $j's web ($web) through the ${types:-missing} tunnel to $peer: has the step run on host $j with the same TUNNEL_TYPE? Look at 'ovs-vsctl show', 'ovs-ofctl dump-ports br-tun' and 'tcpdump -ni <NIC> host $peer'; the security group must let the tunnel through (GRE: IP protocol 47, VXLAN: UDP 4789, Geneve: UDP 6081)."
  fi
done

pass "client$index (this host, ${hosts[$((index - 1))]}) reaches the web container of all ${#hosts[@]} hosts (192.168.2.11-$((10 + ${#hosts[@]}))) over ${types:-no} tunnels on br-tun"

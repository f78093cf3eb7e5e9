#!/usr/bin/env bash
# Step 2 check: every other host in HOSTS answers a ping.
set -euo pipefail
# shellcheck source=/dev/null
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

HOSTS=${HOSTS:-}
[ -n "$HOSTS" ] || fail "HOSTS is empty: pass the hosts' private addresses (the stack output MultiHostAddresses)"

own=$(ip -4 -o addr show | awk '{print $4}' | cut -d/ -f1)
IFS=, read -r -a peers <<<"$HOSTS"
reached=0
for peer in "${peers[@]}"; do
  grep -qxF "$peer" <<<"$own" && continue
  ping -c 1 -W 2 "$peer" >/dev/null 2>&1 \
    || fail "$peer does not answer pings: are both hosts in the same security group? Look at 'ip route get $peer'"
  reached=$((reached + 1))
done
[ "$reached" -gt 0 ] || fail "HOSTS ($HOSTS) lists no host but this one"
pass "all $reached other host(s) answer pings"

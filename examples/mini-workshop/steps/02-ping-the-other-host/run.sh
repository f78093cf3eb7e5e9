#!/usr/bin/env bash
# Step 2 run: ping every other host listed in HOSTS.
set -euo pipefail
# shellcheck source=/dev/null
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

HOSTS=${HOSTS:-}
COUNT=${COUNT:-3}
[ -n "$HOSTS" ] || fail "HOSTS is empty: pass the hosts' private addresses (the stack output MultiHostAddresses)"

own=$(ip -4 -o addr show | awk '{print $4}' | cut -d/ -f1)
section "Pinging the other hosts"
IFS=, read -r -a peers <<<"$HOSTS"
for peer in "${peers[@]}"; do
  if grep -qxF "$peer" <<<"$own"; then
    say "$peer is this host"
    continue
  fi
  show ip route get "$peer"
  show ping -c "$COUNT" "$peer"
done

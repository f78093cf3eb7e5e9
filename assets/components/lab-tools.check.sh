#!/usr/bin/env bash
# lab-tools check: every host tool the labs call is on the PATH.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

missing=()
for tool in ip bridge brctl iptables tcpdump ping arping uuidgen jq curl conntrack openssl ethtool; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  fail "missing tools: ${missing[*]}; run ${CNLAB_HOME}/components/lab-tools.sh again and read its apt-get output"
fi
[ -s /etc/ssl/certs/ca-certificates.crt ] ||
  fail "no CA bundle at /etc/ssl/certs/ca-certificates.crt; try: apt-get install --reinstall ca-certificates"
pass "lab tools present (ip, bridge, brctl, iptables, tcpdump, ping, arping, uuidgen, jq, curl, conntrack, openssl, ethtool)"

#!/usr/bin/env bash
# Step 2 check: the published port answers, its DNAT rule is present, and the 'none' container has only loopback.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

run_hint="run the step first (sudo $CNLAB_HOME/steps/02-connecting-to-the-host/run.sh)"
for name in s2-web s2-host s2-none; do
  [ "$(docker inspect --format '{{.State.Running}}' "$name" 2>/dev/null)" = true ] \
    || fail "the container $name is not running (restarting Docker, as step 4 does, stops containers): $run_hint."
done
# The host's own address: the first global IPv4 address not on a Docker bridge.
host_ip=$(ip -4 -o addr show scope global | grep -Ev ': (docker0|br-[0-9a-f]{12}|s[0-9]-[a-z0-9-]+) ' \
  | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
web_ip=$(docker inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' s2-web)

iptables -t nat -S DOCKER | grep -- '--dport 8002 ' | grep -- "-j DNAT --to-destination $web_ip:8080" >/dev/null \
  || fail "no DNAT rule from port 8002 to $web_ip:8080 in 'iptables -t nat -S DOCKER': was s2-web started with -p 8002:8080? Rerun the step."
curl -sf --max-time 5 "http://$host_ip:8002/" | grep 'Hello' >/dev/null \
  || fail "nothing answers on $host_ip:8002 (the published port of s2-web): look at 'docker port s2-web' and 'iptables -t nat -S DOCKER'."
curl -sf --max-time 5 http://127.0.0.1:8092/ | grep 'Hello' >/dev/null \
  || fail "nothing answers on 127.0.0.1:8092 (s2-host, in the host network): look at 'docker logs s2-host'."
# Once the kernel has loaded a tunnel module (GRE, for instance, after step 6),
# every new namespace also gets that module's idle fallback device (gre0@NONE,
# gretap0@NONE, ...): those are not network connections, so they do not count.
links=$(docker exec s2-none ip -o link show | awk -F': ' '$2 !~ /@NONE$/ { print $2 }' | tr '\n' ' ')
[ "$links" = "lo " ] \
  || fail "s2-none should have only lo, but has: $links; was it started with --network none? Rerun the step."

pass "s2-web answers on $host_ip:8002 through the DNAT rule to $web_ip:8080, s2-host answers on the host's port 8092, and s2-none has only lo"

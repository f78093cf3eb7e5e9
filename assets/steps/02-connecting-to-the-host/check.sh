#!/usr/bin/env bash
# Step 2 check: the published port is reached through its DNAT rule (conntrack shows the translation), the 127.0.0.1-only port answers only there, s2-host answers on the host's port, and s2-none has only loopback.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

run_hint="run the step first (sudo $CNLAB_HOME/steps/02-connecting-to-the-host/run.sh)"
for name in s2-web s2-local s2-host s2-none; do
  container_running "$name" \
    || fail "the container $name is not running: $run_hint; if it ran, 'docker ps -a' and 'docker logs $name' say why it stopped."
done
command -v conntrack >/dev/null 2>&1 \
  || fail "the conntrack tool is missing (package conntrack): run the host's lab-tools component again (sudo bash $CNLAB_HOME/components/lab-tools.sh)."
host_ip=$(host_address)
web_ip=$(container_ip s2-web)

iptables -t nat -S DOCKER | grep -- '--dport 8002 ' | grep -- "-j DNAT --to-destination $web_ip:8080" >/dev/null \
  || fail "no DNAT rule from port 8002 to $web_ip:8080 in 'iptables -t nat -S DOCKER': was s2-web started with -p 8002:8080? Rerun the step."
# docker-proxy listens on port 8002 too and would answer without the DNAT rule,
# so an answer alone proves nothing: the kernel's connection table must show
# this very connection (found by its source port) translated to the container.
answer=$(curl -s --max-time 5 -o /dev/null -w '%{http_code} %{local_port}' "http://$host_ip:8002/" || true)
code=${answer% *}
port=${answer#* }
[ "$code" = 200 ] \
  || fail "no answer on $host_ip:8002 (the published port of s2-web; HTTP status '$code'): look at 'docker port s2-web' and 'iptables -t nat -S DOCKER'."
entry=$(conntrack -L -p tcp --orig-src "$host_ip" --orig-dst "$host_ip" --sport "$port" --dport 8002 2>/dev/null || true)
[[ "$entry" == *"src=$web_ip dst=$host_ip sport=8080 dport=$port "* ]] \
  || fail "the request from $host_ip:$port to $host_ip:8002 was answered, but not through the DNAT rule (its conntrack entry shows no reply from $web_ip:8080: '${entry:-none}'): docker-proxy answered instead; look at 'iptables -t nat -S OUTPUT' (it must jump to DOCKER)."

curl -sf --max-time 5 http://127.0.0.1:8012/ | grep 'Hello' >/dev/null \
  || fail "nothing answers on 127.0.0.1:8012 (s2-local, published with -p 127.0.0.1:8012:8080): look at 'docker port s2-local'."
if curl -s --max-time 3 -o /dev/null "http://$host_ip:8012/"; then
  fail "s2-local answers on $host_ip:8012 although it is published on 127.0.0.1 only: look at 'docker port s2-local' and 'iptables -t nat -S DOCKER'."
fi
curl -sf --max-time 5 http://127.0.0.1:8092/ | grep 'Hello' >/dev/null \
  || fail "nothing answers on 127.0.0.1:8092 (s2-host, in the host network): look at 'docker logs s2-host'."
# Once the kernel has loaded a tunnel module (GRE, for instance), every new
# namespace also gets that module's idle fallback device (gre0@NONE,
# gretap0@NONE, ...): those are not network connections, so they do not count.
links=$(docker exec s2-none ip -o link show | awk -F': ' '$2 !~ /@NONE$/ { print $2 }' | tr '\n' ' ')
[ "$links" = "lo " ] \
  || fail "s2-none should have only lo, but has: $links; was it started with --network none? Rerun the step."

pass "a request to $host_ip:8002 was translated by the DNAT rule to s2-web at $web_ip:8080 (conntrack shows the reply from $web_ip:8080), s2-local answers on 127.0.0.1:8012 and not on $host_ip:8012, s2-host answers on the host's port 8092, and s2-none has only lo"

#!/usr/bin/env bash
# Step 3 check: each way of linking works: the hand-made veth, --link, the user-defined network's DNS, Compose.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

compose_file=/var/lib/container-networks/03-linking/compose.yaml
run_hint="run the step first (sudo $CNLAB_HOME/steps/03-linking/run.sh)"
for name in s3-left s3-right s3-app1 s3-linked s3-app2 s3-client; do
  container_running "$name" \
    || fail "the container $name is not running: $run_hint; if it ran, 'docker ps -a' and 'docker logs $name' say why it stopped."
done

docker exec s3-left ping -c 1 -W 2 192.168.3.2 >/dev/null \
  || fail "s3-left cannot ping s3-right (192.168.3.2) over the hand-made veth: look at 'docker exec s3-left ip -br addr' and 'docker exec s3-right ip -br addr'; rerun the step."
docker exec s3-linked curl -sf --max-time 5 http://app:8080/ | grep Hello >/dev/null \
  || fail "s3-linked gets no answer from http://app:8080/ (the --link alias of s3-app1): look at 'docker exec s3-linked cat /etc/hosts'."
docker exec s3-client curl -sf --max-time 5 http://s3-app2:8080/ | grep Hello >/dev/null \
  || fail "s3-client gets no answer from http://s3-app2:8080/ on the network s3-net: try 'docker exec s3-client dig s3-app2'."

docker compose version >/dev/null 2>&1 \
  || fail "'docker compose' is missing: the host's docker-engine component installs the Compose v2 plugin; look at 'docker compose version'."
[ -f "$compose_file" ] || fail "$compose_file is missing: $run_hint."
for service in web1 web2; do
  docker compose -f "$compose_file" exec -T client curl -sf --max-time 5 "http://$service:8080/" 2>/dev/null | grep Hello >/dev/null \
    || fail "the Compose service client gets no answer from http://$service:8080/: look at 'docker compose -f $compose_file ps'; rerun the step."
done

pass "the hand-made veth (192.168.3.1 <-> .2), --link (app -> s3-app1), DNS on s3-net (s3-app2) and Compose (web1, web2) all answer"

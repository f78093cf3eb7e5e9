#!/usr/bin/env bash
# Step 1 run: start the hello web server in a container and publish it on HOST_PORT.
set -euo pipefail
# shellcheck source=/dev/null
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

HOST_PORT=${HOST_PORT:-8081}

section "A web container published on port $HOST_PORT"
remove_containers mini-web
show docker run -d --name mini-web --label "$CNLAB_LABEL=01-hello-on-each-host" \
  -p "$HOST_PORT:8080" "$(lab_image hello)"
show docker port mini-web
retry 10 curl -fsS "http://127.0.0.1:$HOST_PORT/" >/dev/null
show curl -sS "http://127.0.0.1:$HOST_PORT/"

#!/usr/bin/env bash
# Step 1 check: mini-web runs and answers on the host's HOST_PORT.
set -euo pipefail
# shellcheck source=/dev/null
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

HOST_PORT=${HOST_PORT:-8081}

[ "$(docker inspect --format '{{.State.Running}}' mini-web 2>/dev/null)" = true ] \
  || fail "the container mini-web is not running: run the step first (sudo $CNLAB_HOME/steps/01-hello-on-each-host/run.sh)"
answer=$(curl -fsS --max-time 5 "http://127.0.0.1:$HOST_PORT/" 2>/dev/null) \
  || fail "nothing answers on port $HOST_PORT: look at 'docker port mini-web' (run and check need the same HOST_PORT)"
pass "mini-web answers on port $HOST_PORT: $answer"

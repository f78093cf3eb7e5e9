#!/usr/bin/env bash
# Step 7 check: HTTPS answers through nginx -> Varnish -> HAProxy, new URLs alternate between app01 and app02, a repeated URL is a cache hit, and Suricata alerts on a crafted request.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

IDS_DIR=/var/lib/container-networks/07/suricata
RUN="sudo $CNLAB_HOME/steps/07-layer-4-7-services/run.sh"

# fetch URL: the response headers of an HTTPS request to URL.
fetch() {
  curl -sk -D - -o /dev/null --max-time 5 "$1" | tr -d '\r'
}
# field HEADERS NAME: the value of header NAME in HEADERS.
field() {
  awk -v h="$2" 'BEGIN { h = tolower(h) } index(tolower($0), h ": ") == 1 { print substr($0, length(h) + 3) }' <<<"$1"
}

for c in s7-app01 s7-app02 s7-haproxy s7-varnish s7-nginx s7-suricata; do
  container_running "$c" \
    || fail "the container $c is not running: run the step first ($RUN); if it stopped, 'docker logs $c' says why."
done

# hello_page: the chain answers with the hello page (services that Docker has
# just started again, after a restart of the daemon, take a few seconds).
# shellcheck disable=SC2317 # called through retry
hello_page() {
  body=$(curl -sk --max-time 5 https://127.0.0.1/ || true)
  [[ "$body" == *"Hello ONUG"* ]]
}
body=""
retry 15 hello_page \
  || fail "no hello page at https://127.0.0.1/ after 15 s (got: '${body:0:80}'): follow the chain: 'docker logs s7-nginx' (TLS, port 443), 'docker logs s7-varnish', 'docker logs s7-haproxy', then 'curl http://192.168.2.2:8080/'."

# Load balancing: URLs never asked before pass the cache and reach HAProxy.
tag=$RANDOM$RANDOM
served=()
for i in 1 2 3 4; do
  served+=("$(field "$(fetch "https://127.0.0.1/check-rr-$tag-$i")" X-Served-By)")
done
seen=" ${served[*]} "
[[ "$seen" == *" app01 "* && "$seen" == *" app02 "* ]] \
  || fail "four new URLs were answered by '${served[*]}', not by both app01 and app02: look at HAProxy's health checks ('curl -s \"http://192.168.2.10:8404/stats;csv\" | cut -d, -f1,2,18') and 'docker ps -a --filter name=s7-app'."

# Caching: the same URL twice; the second answer must come from Varnish.
url="https://127.0.0.1/check-cache-$tag"
fetch "$url" >/dev/null
second=$(fetch "$url")
ids=$(field "$second" X-Varnish)
age=$(field "$second" Age)
[[ "$ids" == *" "* || "${age:-0}" -gt 0 ]] \
  || fail "the second request of $url was not a cache hit (X-Varnish: '$ids', Age: '$age'): is Varnish in the chain ('docker logs s7-varnish'), and does the app send Cache-Control ('curl -si http://192.168.2.2:8080/')?"

# Intrusion detection: a crafted request, then its alert in eve.json. The
# request is sent again every few seconds until the alert is there: a
# Suricata that Docker has just started again may not capture yet.
# shellcheck disable=SC2317 # called through retry
alerted() {
  curl -sk -o /dev/null --max-time 5 "https://127.0.0.1/onug-attack?check=$tag" || true
  sleep 2
  grep -s '"event_type":"alert"' "$IDS_DIR/eve.json" | grep "onug-attack?check=$tag" >/dev/null
}
retry 10 alerted \
  || fail "no Suricata alert for the crafted request /onug-attack?check=$tag in $IDS_DIR/eve.json after 30 s: look at 'docker logs s7-suricata' and $IDS_DIR/suricata.log (is it capturing on br-s7?)."

pass "HTTPS through nginx -> Varnish -> HAProxy answers, new URLs went to ${served[*]}, the repeated URL was a cache hit (X-Varnish: $ids), and Suricata logged the crafted request in $IDS_DIR/eve.json"

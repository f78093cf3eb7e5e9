#!/usr/bin/env bash
# Step 7 run: the 2015 demo's chain modernised (nginx TLS -> HAProxy -> app01/app02), with Varnish (cache) added between nginx and HAProxy and Suricata watching.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

NET=s7-lab
BRIDGE=br-s7
STATE=/var/lib/container-networks/07
TLS_DIR=$STATE/tls
IDS_DIR=$STATE/suricata
CONTAINERS=(s7-suricata s7-nginx s7-varnish s7-haproxy s7-app01 s7-app02)
# docker run options every container of this step gets: Docker starts them
# again after a restart of the daemon (step 4 restarts it).
common=(-d --restart unless-stopped --label "$CNLAB_LABEL=07")

# fetch URL: the response headers of an HTTPS request to URL.
fetch() {
  curl -sk -D - -o /dev/null --max-time 5 "$1" | tr -d '\r'
}
# field HEADERS NAME: the value of header NAME in HEADERS.
field() {
  awk -v h="$2" 'BEGIN { h = tolower(h) } index(tolower($0), h ": ") == 1 { print substr($0, length(h) + 3) }' <<<"$1"
}
# haproxy_state SERVER: UP or DOWN, from HAProxy's statistics (CSV: column 18 is the status).
haproxy_state() {
  curl -s --max-time 3 "http://192.168.2.10:8404/stats;csv" | awk -F, -v s="$1" '$1 == "apps" && $2 == s {print $18}'
}
server_is() { [ "$(haproxy_state "$1")" = "$2" ]; }

# Start clean: remove what an earlier run of this step left behind.
remove_containers "${CONTAINERS[@]}"
remove_networks "$NET"
rm -rf "$STATE"

# The 2015 demo's subnet is used by step 5 too (br1, with the host at 192.168.2.254).
if [ -n "$(ip -o -4 addr show to 192.168.2.0/24)" ]; then
  ip -o -4 addr show to 192.168.2.0/24
  fail "another interface of this host already has an address in 192.168.2.0/24 (above), probably step 5's br1: reset that step first (sudo $CNLAB_HOME/steps/05-pipework/reset.sh), then run this one again."
fi

section "1. A user-defined network for the demo's addressing: 192.168.2.0/24 on bridge $BRIDGE"
say "in 2015 pipework gave app01 and app02 their fixed addresses (step 5); today a user-defined network does, with --ip"
show docker network create --subnet 192.168.2.0/24 --gateway 192.168.2.1 \
  -o com.docker.network.bridge.name="$BRIDGE" --label "$CNLAB_LABEL=07" "$NET"
show docker run "${common[@]}" --name s7-app01 --hostname app01 --network "$NET" --ip 192.168.2.2 "$(lab_image hello)"
show docker run "${common[@]}" --name s7-app02 --hostname app02 --network "$NET" --ip 192.168.2.3 "$(lab_image hello)"

section "2. HAProxy (192.168.2.10): round robin over app01 and app02, with health checks"
say "its configuration, baked into the image (also on this host in $CNLAB_HOME/images/haproxy/):"
show docker run --rm --entrypoint grep "$(lab_image haproxy)" -E '^ *(balance|option httpchk|http-check|default-server|server|timeout) ' /etc/haproxy/haproxy.cfg
say "--network-alias haproxy: Docker's DNS answers 'haproxy' on $NET, the name Varnish's configuration uses"
show docker run "${common[@]}" --name s7-haproxy --network "$NET" --ip 192.168.2.10 --network-alias haproxy "$(lab_image haproxy)"

section "3. Varnish (192.168.2.11): a cache in front of HAProxy (an addition: the 2015 demo had no cache)"
show docker run --rm --entrypoint sed "$(lab_image varnish)" -n '/^vcl/p;/^backend/,/^}/p' /etc/varnish/default.vcl
show docker run "${common[@]}" --name s7-varnish --network "$NET" --ip 192.168.2.11 --network-alias varnish "$(lab_image varnish)"

section "4. nginx (192.168.2.12): TLS on port 443 of the host, in front of Varnish"
say "a self-signed certificate, made on the host and mounted read-only into the container"
show mkdir -p "$TLS_DIR"
show openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=cnlab-step7 \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
  -keyout "$TLS_DIR/server.key" -out "$TLS_DIR/server.crt"
show docker run --rm --entrypoint grep "$(lab_image nginx)" -E 'listen|ssl_|proxy_pass' /etc/nginx/conf.d/tls-proxy.conf
show docker run "${common[@]}" --name s7-nginx --network "$NET" --ip 192.168.2.12 --network-alias nginx \
  -p 443:443 -v "$TLS_DIR:/etc/nginx/tls:ro" "$(lab_image nginx)"

section "5. Suricata: an intrusion detection system watching $BRIDGE"
say "--network host: it must see the host's interfaces to sniff the bridge; capture needs net_admin and net_raw, sys_nice lets it set thread priorities"
say "its one local rule:"
show docker run --rm --entrypoint cat "$(lab_image suricata)" /etc/suricata/rules/local.rules
show mkdir -p "$IDS_DIR"
show docker run "${common[@]}" --name s7-suricata --network host \
  --cap-add net_admin --cap-add net_raw --cap-add sys_nice \
  -v "$IDS_DIR:/var/log/suricata" "$(lab_image suricata)" --af-packet="$BRIDGE"
say "waiting for Suricata to start capturing (a few seconds)"
retry 40 grep -qsi 'engine started' "$IDS_DIR/suricata.log" \
  || fail "Suricata did not start: look at 'docker logs s7-suricata' and $IDS_DIR/suricata.log."
grep -i 'engine started' "$IDS_DIR/suricata.log"

section "6. Through the whole chain: HTTPS -> nginx -> Varnish -> HAProxy -> app"
retry 20 curl -skf -o /dev/null --max-time 3 https://127.0.0.1/healthz \
  || fail "no HTTPS answer at https://127.0.0.1/: look at 'docker logs s7-nginx', 'docker logs s7-varnish', 'docker logs s7-haproxy'."
say "-k: accept our self-signed certificate; -D -: print the response headers"
show curl -sk -D - https://127.0.0.1/
say "X-Served-By: the app; X-Haproxy-Server: HAProxy's server; X-Varnish, Age, X-Cache: Varnish; Server: nginx"
show_sh "echo | openssl s_client -connect 127.0.0.1:443 2>/dev/null | grep -E '^(subject=|New, )'"

section "7. Load balancing: every new URL passes Varnish, and HAProxy takes app01 and app02 in turn"
for i in 1 2 3 4; do
  u="https://127.0.0.1/rr?n=$i-$RANDOM"
  printf '$ curl -sk %s    -> X-Served-By: %s\n' "$u" "$(field "$(fetch "$u")" X-Served-By)"
done
say "HAProxy's view (statistics page on port 8404; column 18 is the status):"
show_sh "curl -s 'http://192.168.2.10:8404/stats;csv' | cut -d, -f1,2,18 | grep -E '^#|^apps'"

section "8. Health checks: stop app02, HAProxy notices and sends everything to app01"
show docker stop -t 1 s7-app02
say "waiting for 2 failed checks (every 2 s)"
retry 20 server_is app02 DOWN || say "app02 is not marked DOWN yet"
show_sh "curl -s 'http://192.168.2.10:8404/stats;csv' | cut -d, -f1,2,18 | grep -E '^apps'"
for i in 1 2 3; do
  u="https://127.0.0.1/down?n=$i-$RANDOM"
  printf '$ curl -sk %s    -> X-Served-By: %s\n' "$u" "$(field "$(fetch "$u")" X-Served-By)"
done
show docker start s7-app02
retry 20 server_is app02 UP || say "app02 is not marked UP yet"
show_sh "curl -s 'http://192.168.2.10:8404/stats;csv' | cut -d, -f1,2,18 | grep -E '^apps'"

section "9. Caching: the same URL twice; the second answer comes from Varnish"
url="https://127.0.0.1/cached-$RANDOM"
for i in 1 2; do
  h=$(fetch "$url")
  printf '$ curl -sk %s    -> X-Cache: %s, Age: %s, X-Varnish: %s, X-Served-By: %s\n' "$url" \
    "$(field "$h" X-Cache)" "$(field "$h" Age)" "$(field "$h" X-Varnish)" "$(field "$h" X-Served-By)"
  sleep 1
done
say "a hit carries two ids in X-Varnish (this request's and the one that filled the cache); Age counts its seconds in the cache"

section "10. Intrusion detection: a crafted request"
say "nginx decrypts it, so on $BRIDGE (nginx -> Varnish) the URI is in clear text for Suricata"
show curl -sk -o /dev/null -w 'HTTP %{http_code}\n' https://127.0.0.1/onug-attack
say "waiting for the alert in $IDS_DIR/eve.json"
if retry 20 grep -q '"event_type":"alert"' "$IDS_DIR/eve.json"; then
  show tail -n 1 "$IDS_DIR/fast.log"
  show_sh "grep '\"event_type\":\"alert\"' $IDS_DIR/eve.json | tail -n 1 | jq '{timestamp, src_ip, dest_ip, dest_port, alert: .alert.signature, url: .http.url}'"
else
  say "no alert yet: look at 'docker logs s7-suricata' and $IDS_DIR/suricata.log"
fi

section "Done"
say "the chain stays up: curl -sk https://127.0.0.1/ ; HAProxy's statistics: http://192.168.2.10:8404/stats ; alerts: $IDS_DIR/fast.log"

#!/usr/bin/env bash
# Step 2 run: publish container ports on the host (-p, -P, -p 127.0.0.1:...) and try the other network modes (host, none, container:NAME).
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

CONTAINERS=(s2-sidecar s2-web s2-any s2-local s2-host s2-none)
# Start clean: remove what an earlier run of this step left behind.
remove_containers "${CONTAINERS[@]}"

host_ip=$(host_address)
# docker run options of the containers this step leaves running: Docker starts
# them again after a restart of the daemon (step 4 restarts it).
keep=(-d --restart unless-stopped --label "$CNLAB_LABEL=02")

section "1. Publish a port: -p HOST_PORT:CONTAINER_PORT"
show docker run "${keep[@]}" --name s2-web -p 8002:8080 "$(lab_image hello)"
web_ip=$(container_ip s2-web)
show docker port s2-web
say "Docker wrote a DNAT rule: traffic to port 8002 of any host address goes to $web_ip:8080"
show iptables -t nat -S DOCKER
say "and a filter rule that lets that translated traffic through FORWARD to the container:"
show iptables -S DOCKER
if iptables -S DOCKER | grep -- '! -i docker0 -o docker0 -j DROP' >/dev/null; then
  say "the last rule, '! -i docker0 -o docker0 -j DROP', is Docker 28's: anything else arriving from outside docker0 for a"
  say "container is dropped, so a port that is not published cannot be reached from another machine even with a route to $web_ip"
else
  say "no DROP rule in this chain: up to Docker 27 what is not accepted here falls through to FORWARD's policy"
  say "(DROP when Docker set it; Docker 28 adds '! -i docker0 -o docker0 -j DROP' at the end of this chain)"
fi
say "from the host to its own address $host_ip: the nat OUTPUT chain jumps to DOCKER, and the DNAT rule translates it"
show_when_ready 10 curl -s --max-time 5 "http://$host_ip:8002/"
say "the kernel's connection table (conntrack) keeps each translation: original destination $host_ip:8002, reply from $web_ip:8080"
show_sh "conntrack -L -p tcp --orig-dst $host_ip --dport 8002 2>/dev/null | tail -n 2"
say "traffic to 127.0.0.1 never reaches the DNAT rule (OUTPUT skips 127.0.0.0/8): the docker-proxy process relays it"
show ss -ltnp "sport = :8002"
show curl -s --max-time 5 http://127.0.0.1:8002/

section "2. Publish all exposed ports on random host ports: -P"
say "the image declares EXPOSE 8080; -P maps it to a free high port"
show docker run "${keep[@]}" --name s2-any -P "$(lab_image hello)"
show docker port s2-any 8080/tcp
any_port=$(docker port s2-any 8080/tcp | sed -n '1s/.*://p')
show_when_ready 10 curl -s --max-time 5 "http://$host_ip:$any_port/"

section "3. Publish on one host address only: -p 127.0.0.1:8012:8080"
say "the host part of -p limits where the port is open: here only the host itself can reach it"
show docker run "${keep[@]}" --name s2-local -p 127.0.0.1:8012:8080 "$(lab_image hello)"
show docker port s2-local
show ss -ltn "sport = :8012"
show_when_ready 10 curl -s --max-time 5 http://127.0.0.1:8012/
say "the same port on the host's own address $host_ip is closed:"
if ! show curl -sS --max-time 3 "http://$host_ip:8012/"; then
  say "refused: nothing listens on $host_ip:8012, and the DNAT rule matches only -d 127.0.0.1"
fi
show_sh "iptables -t nat -S DOCKER | grep -- '--dport 8012'"

section "4. --network host: no namespace of its own, the host's interfaces and ports"
show docker run --rm --network host "$(lab_image client)" ip -br addr
say "a server in the host network listens on the host's port itself: no DNAT, no docker-proxy"
show docker run "${keep[@]}" --name s2-host --network host -e HELLO_PORT=8092 "$(lab_image hello)"
show_when_ready 10 curl -s --max-time 5 http://127.0.0.1:8092/
show ss -ltnp "sport = :8092"

section "5. --network none: a namespace with only loopback"
show docker run "${keep[@]}" --name s2-none --network none "$(lab_image client)"
show docker exec s2-none ip -br addr
show docker exec s2-none ip route
say "no route: nothing leaves this container (step 3 cables such containers by hand)"

section "6. --network container:NAME: share another container's namespace"
show docker run "${keep[@]}" --name s2-sidecar --network container:s2-web "$(lab_image client)"
say "same interfaces, same address as s2-web: one network stack, two containers (the pattern of a Kubernetes pod)"
show docker exec s2-sidecar ip -br addr
say "so the sidecar reaches s2-web's server on localhost"
show docker exec s2-sidecar curl -s --max-time 5 http://127.0.0.1:8080/
show docker exec s2-sidecar ss -ltn

section "Done"
say "${CONTAINERS[*]} are left running: try 'iptables -t nat -L DOCKER -n -v' to see the DNAT counters grow"

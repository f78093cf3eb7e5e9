#!/usr/bin/env bash
# Step 2 run: publish container ports on the host (-p, -P) and try the other network modes (host, none, container:NAME).
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

# Start clean: remove what an earlier run of this step left behind.
remove_containers s2-sidecar s2-web s2-any s2-host s2-none

# The host's own address on its real network: the first global IPv4 address
# that is not on a Docker bridge (docker0, br-<id>, or a lab step's named bridge).
host_ip=$(ip -4 -o addr show scope global | grep -Ev ': (docker0|br-[0-9a-f]{12}|s[0-9]-[a-z0-9-]+) ' \
  | awk '{ sub(/\/.*/, "", $4); print $4; exit }')

section "1. Publish a port: -p HOST_PORT:CONTAINER_PORT"
show docker run -d --name s2-web --label "$CNLAB_LABEL=02" -p 8002:8080 "$(lab_image hello)"
web_ip=$(docker inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' s2-web)
show docker port s2-web
say "Docker wrote a DNAT rule: traffic to port 8002 of any host address goes to $web_ip:8080"
show iptables -t nat -S DOCKER
say "and a filter rule that lets that traffic through FORWARD to the container"
show iptables -S DOCKER
say "from outside the host (here: from the host to its own address $host_ip) the DNAT rule answers"
show retry 10 curl -s --max-time 5 "http://$host_ip:8002/"
say "traffic to 127.0.0.1 never crosses PREROUTING/DNAT: the docker-proxy process relays it"
show ss -ltnp "sport = :8002"
show curl -s --max-time 5 http://127.0.0.1:8002/

section "2. Publish all exposed ports on random host ports: -P"
say "the image declares EXPOSE 8080; -P maps it to a free high port"
show docker run -d --name s2-any --label "$CNLAB_LABEL=02" -P "$(lab_image hello)"
show docker port s2-any 8080/tcp
any_port=$(docker port s2-any 8080/tcp | sed -n '1s/.*://p')
show retry 10 curl -s --max-time 5 "http://$host_ip:$any_port/"

section "3. --network host: no namespace of its own, the host's interfaces and ports"
show docker run --rm --network host "$(lab_image client)" ip -br addr
say "a server in the host network listens on the host's port itself: no DNAT, no docker-proxy"
show docker run -d --name s2-host --label "$CNLAB_LABEL=02" --network host -e HELLO_PORT=8092 "$(lab_image hello)"
show retry 10 curl -s --max-time 5 http://127.0.0.1:8092/
show ss -ltnp "sport = :8092"

section "4. --network none: a namespace with only loopback"
show docker run -d --name s2-none --label "$CNLAB_LABEL=02" --network none "$(lab_image client)"
show docker exec s2-none ip -br addr
show docker exec s2-none ip route
say "no route: nothing leaves this container (step 3 cables such containers by hand)"

section "5. --network container:NAME: share another container's namespace"
show docker run -d --name s2-sidecar --label "$CNLAB_LABEL=02" --network container:s2-web "$(lab_image client)"
say "same interfaces, same address as s2-web: one network stack, two containers (the pattern of a Kubernetes pod)"
show docker exec s2-sidecar ip -br addr
say "so the sidecar reaches s2-web's server on localhost"
show docker exec s2-sidecar curl -s --max-time 5 http://127.0.0.1:8080/
show docker exec s2-sidecar ss -ltn

section "Done"
say "s2-web, s2-any, s2-host, s2-none and s2-sidecar are left running: try 'iptables -t nat -L DOCKER -n -v' to see the DNAT counters grow"

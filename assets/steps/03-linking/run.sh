#!/usr/bin/env bash
# Step 3 run: connect containers to each other four ways: a veth cable by hand, legacy --link, a user-defined network, Compose.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

# The step's working folder.
work=/var/lib/container-networks/03-linking
compose_file=$work/compose.yaml

# Start clean: remove what an earlier run of this step left behind (the
# same as reset.sh: containers and networks carrying this step's label).
remove_labelled 03
forget_cables 03
ip link del s3veth-left 2>/dev/null || true
rm -f "$compose_file"
mkdir -p "$work"

# docker run options of the containers this step leaves running: Docker starts
# them again after a restart of the daemon (step 4 restarts it).
keep=(-d --restart unless-stopped --label "$CNLAB_LABEL=03")

section "1. By hand: two containers with no network, and a veth cable between them"
show docker run "${keep[@]}" --name s3-left --network none "$(lab_image client)"
show docker run "${keep[@]}" --name s3-right --network none "$(lab_image client)"
left_pid=$(container_pid s3-left)
right_pid=$(container_pid s3-right)
say "a veth pair is a virtual patch cable: whatever enters one end leaves the other"
show ip link add s3veth-left type veth peer name s3veth-right
say "both ends are still in the host's namespace; each names its peer after the @"
show ip link show s3veth-left
say "plug one end into each container's network namespace (process $left_pid is s3-left, $right_pid is s3-right)"
show ip link set s3veth-left netns "$left_pid"
show ip link set s3veth-right netns "$right_pid"
say "the cable has left the host's namespace; now address both ends and bring them up"
show nsenter --target "$left_pid" --net ip addr add 192.168.3.1/24 dev s3veth-left
show nsenter --target "$left_pid" --net ip link set s3veth-left up
show nsenter --target "$right_pid" --net ip addr add 192.168.3.2/24 dev s3veth-right
show nsenter --target "$right_pid" --net ip link set s3veth-right up
show docker exec s3-left ip -br addr
show_when_ready 5 docker exec s3-left ping -c 2 -W 2 192.168.3.2
say "the ARP entry s3-right learned for its peer: a point-to-point layer 2 link, no bridge, no Docker"
show docker exec s3-right ip neigh
say "Docker knows nothing of this cable: if the containers restart (with Docker, for instance) they get new namespaces"
say "and the cable is gone. The lab remembers how to put it back after a Docker restart (step 4 restarts Docker)."
remember_cables 03 "recable_veth s3-left s3veth-left 192.168.3.1/24 s3-right s3veth-right 192.168.3.2/24"

section "2. Legacy --link on the default bridge"
show docker run "${keep[@]}" --name s3-app1 "$(lab_image hello)"
say "the default bridge has no DNS: another container cannot find s3-app1 by name"
if ! show docker run --rm --label "$CNLAB_LABEL=03" "$(lab_image client)" getent hosts s3-app1; then
  say "not found (getent printed nothing)"
fi
say "--link s3-app1:app writes the name into the new container's /etc/hosts (and, up to Docker 28, environment variables)"
warnings=$(mktemp)
show docker run "${keep[@]}" --name s3-linked --link s3-app1:app "$(lab_image client)" 2>"$warnings"
if [ -s "$warnings" ]; then
  say "the Docker daemon warned:"
  cat "$warnings"
else
  say "this Docker ($(docker_server_version)) printed no warning, yet --link is a legacy feature:"
  say "the docs advise user-defined networks; Docker 28.4 deprecated its environment variables and 29 stops setting them"
fi
rm -f "$warnings"
show docker exec s3-linked cat /etc/hosts
show docker exec s3-linked env
if ! docker exec s3-linked env | grep '^APP_' >/dev/null; then
  say "no APP_* variables: this Docker no longer sets them"
fi
show docker exec s3-linked curl -s --max-time 5 http://app:8080/

section "3. A user-defined network: Docker's DNS answers for container names"
show docker network create --label "$CNLAB_LABEL=03" s3-net
show docker run "${keep[@]}" --name s3-app2 --network s3-net "$(lab_image hello)"
show docker run "${keep[@]}" --name s3-client --network s3-net "$(lab_image client)"
say "the resolver is 127.0.0.11: Docker's embedded DNS server, inside every container on a user-defined network"
show docker exec s3-client cat /etc/resolv.conf
show docker exec s3-client dig +short s3-app2
show docker exec s3-client curl -s --max-time 5 http://s3-app2:8080/

section "4. Compose: the same, described in a file"
if ! docker compose version >/dev/null 2>&1; then
  fail "'docker compose' is missing: the host's docker-engine component installs the Compose v2 plugin; look at 'docker compose version', or run the component again (sudo bash $CNLAB_HOME/components/docker-engine.sh)."
fi
show docker compose version
# No 'version:' key: Compose v2 ignores it (it is obsolete). 'name:' sets the
# project name, the prefix of every container and network it creates.
cat >"$compose_file" <<YAML
name: s3
services:
  web1:
    image: $(lab_image hello)
    pull_policy: never
    restart: unless-stopped
    labels:
      $CNLAB_LABEL: "03"
  web2:
    image: $(lab_image hello)
    pull_policy: never
    restart: unless-stopped
    labels:
      $CNLAB_LABEL: "03"
  client:
    image: $(lab_image client)
    pull_policy: never
    depends_on: [web1, web2]
    restart: unless-stopped
    labels:
      $CNLAB_LABEL: "03"
networks:
  default:
    labels:
      $CNLAB_LABEL: "03"
YAML
show cat "$compose_file"
say "Compose creates a network for the project (s3_default) and starts the three services on it"
show docker compose -f "$compose_file" up -d
show docker compose -f "$compose_file" ps
say "each service name is a DNS name on the project network"
show docker compose -f "$compose_file" exec -T client curl -s --max-time 5 http://web1:8080/
show docker compose -f "$compose_file" exec -T client curl -s --max-time 5 http://web2:8080/

section "Done"
say "all of step 3's containers are left running; the compose file is $compose_file"

#!/usr/bin/env bash
# docker-engine check: the Docker daemon answers, Compose v2 works, docker0 and Docker's NAT rules exist.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

command -v docker >/dev/null 2>&1 ||
  fail "no docker command; run ${CNLAB_HOME}/components/docker-engine.sh again"
docker info >/dev/null 2>&1 ||
  fail "the Docker daemon does not answer; try: systemctl status docker (or start dockerd), then docker info"
server=$(docker_server_version)
compose=$(docker compose version --short 2>/dev/null) ||
  fail "no Compose v2 plugin (docker compose); run ${CNLAB_HOME}/components/docker-engine.sh again"
case "$compose" in
  v1.* | 1.*) fail "docker compose is Compose v1 ($compose); the labs need v2" ;;
esac
ip link show docker0 >/dev/null 2>&1 ||
  fail "no docker0 bridge; Docker's default bridge network is missing: check docker network ls and the dockerd log"
iptables -t nat -S DOCKER >/dev/null 2>&1 ||
  fail "no DOCKER chain in the nat table; dockerd runs without iptables? check its settings (--iptables)"
[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ] ||
  fail "IP forwarding is off; Docker turns it on at start: restart dockerd"
holds=$(apt-mark showhold)
for pkg in "${CNLAB_DOCKER_PACKAGES[@]}"; do
  if pkg_installed "$pkg"; then
    grep -qx "$pkg" <<<"$holds" ||
      fail "$pkg is not held: unattended-upgrades could upgrade and restart it during the workshop; run ${CNLAB_HOME}/components/docker-engine.sh again"
  fi
done
pass "Docker $server answers, Compose $compose, docker0 bridge, nat DOCKER chain, IP forwarding on, Docker's packages held"

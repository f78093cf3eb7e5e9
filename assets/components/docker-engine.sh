#!/usr/bin/env bash
# docker-engine: install Docker from the distribution, with Compose v2, and make sure dockerd runs.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

# ID (debian, ubuntu) and PRETTY_NAME of this host.
# shellcheck source=/dev/null
. /etc/os-release

# install_docker_cli: the docker command. Debian 13 and later ship it in its own
# package, docker-cli, which docker.io only recommends (and we install
# without recommends); older releases and Ubuntu 24.04 have it in docker.io.
install_docker_cli() {
  if command -v docker >/dev/null 2>&1; then
    return 0
  fi
  if apt-cache show docker-cli >/dev/null 2>&1; then
    say "docker.io came without the docker command: installing docker-cli"
    apt_install docker-cli
  fi
  command -v docker >/dev/null 2>&1 || {
    echo "docker.io is installed but there is no docker command, and this distribution has no docker-cli package; find the package that holds /usr/bin/docker (apt-file search bin/docker)" >&2
    return 1
  }
}

# install_compose_v2: Compose v2, the docker compose plugin.
install_compose_v2() {
  if docker compose version >/dev/null 2>&1; then
    say "Compose v2 already there: $(docker compose version)"
    return 0
  fi
  case "$ID" in
    ubuntu) apt_install docker-compose-v2 ;;
    *) apt_install docker-compose ;; # Debian 13 and later: the Go v2 plugin
  esac
  docker compose version >/dev/null 2>&1 || {
    echo "the Compose package is installed but 'docker compose' does not work (is it Compose v1?)" >&2
    return 1
  }
}

# start_docker: start the engine now and at every boot, and wait until it answers.
start_docker() {
  say "systemctl enable --now docker"
  systemctl enable --now docker
  say "waiting for the Docker daemon to answer"
  retry 60 docker info >/dev/null 2>&1 || {
    echo "dockerd did not answer within 60 s; last lines of its journal:" >&2
    journalctl -u docker -n 20 --no-pager >&2 || true
    return 1
  }
}

section "docker-engine: Docker from $PRETTY_NAME"
apt_install docker.io
install_docker_cli
install_compose_v2
start_docker
# Docker, its runtime and Compose stay as installed while the lab runs.
hold_packages docker "${CNLAB_DOCKER_PACKAGES[@]}"
say "Docker $(docker_server_version), $(docker compose version)"

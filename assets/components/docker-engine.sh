#!/usr/bin/env bash
# docker-engine: install Docker from the distribution, with Compose v2, and make sure dockerd runs.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

# ID (ubuntu, debian) and VERSION_CODENAME (noble, bookworm, ...) of this host.
# shellcheck source=/dev/null
. /etc/os-release

DOCKERD_LOG=/var/log/container-networks-dockerd.log

# Debian 12 ships only Compose v1 (docker-compose 1.29, Python). Debian 13
# "trixie" has docker-compose 2.26, the Go v2 plugin, which needs nothing but
# libc6. We add trixie as a package source but pin it low (priority 50), so
# apt never takes anything else from it, and pin docker-compose alone to 500.
add_trixie_for_compose() {
  local list=/etc/apt/sources.list.d/cnlab-trixie.sources
  local pref=/etc/apt/preferences.d/cnlab-trixie
  if [ ! -f "$list" ] || [ ! -f "$pref" ]; then
    say "adding Debian trixie as a low-priority source, for docker-compose only ($list)"
    cat >"$pref" <<'PIN'
# container-networks-lab: take only docker-compose (Compose v2) from trixie.
Package: *
Pin: release n=trixie
Pin-Priority: 50

Package: docker-compose
Pin: release n=trixie
Pin-Priority: 500
PIN
    cat >"$list" <<'SRC'
# container-networks-lab: Compose v2 for Debian 12 (see preferences.d/cnlab-trixie).
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    # the new source needs a fresh package list
    rm -f /var/lib/container-networks/apt-updated
  fi
}

install_compose_v2() {
  if docker compose version >/dev/null 2>&1; then
    say "Compose v2 already there: $(docker compose version)"
    return 0
  fi
  case "$ID:${VERSION_CODENAME:-}" in
    ubuntu:*)
      apt_install docker-compose-v2
      ;;
    debian:bookworm)
      add_trixie_for_compose
      apt_install docker-compose
      # an older docker-compose (v1, from bookworm) may already be installed:
      # ask for the trixie one explicitly, which replaces it.
      if ! docker compose version >/dev/null 2>&1; then
        say "installing docker-compose from trixie"
        DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 \
          apt-get -o DPkg::Lock::Timeout=300 install -y -q \
          --no-install-recommends docker-compose/trixie
      fi
      ;;
    *)
      apt_install docker-compose
      ;;
  esac
}

start_docker() {
  if has_systemd; then
    # enable: start again after a reboot; --now: start it if it is not running
    say "systemctl enable --now docker"
    systemctl enable --now docker
  elif docker info >/dev/null 2>&1; then
    say "dockerd already running: leaving it alone"
  else
    say "no systemd here: starting dockerd in the background (log: $DOCKERD_LOG)"
    # setsid: its own session, so it outlives this script
    setsid dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
  fi
  say "waiting for the Docker daemon to answer"
  retry 60 docker info >/dev/null 2>&1 || {
    echo "dockerd did not answer within 60 s; last lines of its log:" >&2
    tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || journalctl -u docker -n 20 --no-pager >&2 || true
    return 1
  }
}

section "docker-engine: Docker from $PRETTY_NAME"
apt_install docker.io
install_compose_v2
start_docker
# Docker, its runtime and Compose stay as installed while the lab runs.
hold_packages docker docker.io docker-cli containerd runc docker-compose docker-compose-v2
say "Docker $(docker_server_version), $(docker compose version)"

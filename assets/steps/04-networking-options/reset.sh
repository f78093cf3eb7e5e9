#!/usr/bin/env bash
# Step 4 reset: remove step 4's containers and networks, and restore the original daemon settings.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

daemon_json=$CNLAB_DOCKER_DAEMON_JSON
backup=$daemon_json.step04-backup

section "Step 4 reset"
say "removing the containers and networks labelled $CNLAB_LABEL=04"
old=$(docker ps -aq --filter "label=$CNLAB_LABEL=04")
if [ -n "$old" ]; then
  # shellcheck disable=SC2086 # one id per word
  docker rm -f $old >/dev/null
fi
old=$(docker network ls -q --filter "label=$CNLAB_LABEL=04")
if [ -n "$old" ]; then
  # shellcheck disable=SC2086 # one id per word
  docker network rm $old >/dev/null
fi

if [ -e "$backup" ]; then
  # An empty backup means there was no daemon.json before step 4.
  if [ -s "$backup" ]; then
    if ! cmp -s "$backup" "$daemon_json"; then
      say "restoring $daemon_json from $backup"
      cp -p "$backup" "$daemon_json"
      changed=1
    fi
  elif [ -e "$daemon_json" ]; then
    say "removing $daemon_json (there was none before step 4)"
    rm -f "$daemon_json"
    changed=1
  fi
  if [ "${changed:-0}" = 1 ]; then
    # systemd refuses more than a few docker restarts a minute; forget earlier ones.
    if has_systemd; then systemctl reset-failed docker.service 2>/dev/null || true; fi
    restart_docker
  fi
  rm -f "$backup"
  show ip -4 addr show docker0
else
  say "no $backup: the daemon settings were not changed by step 4"
fi
say "done"

#!/usr/bin/env bash
# Step 4 reset: remove step 4's containers and networks, and restore the original daemon settings.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

daemon_json=$CNLAB_DOCKER_DAEMON_JSON
backup=$daemon_json.step04-backup
docker0_backup=$daemon_json.step04-docker0

# put_back_original: daemon.json as it was before step 4 (an empty backup
# means there was no file).
put_back_original() {
  if [ -s "$backup" ]; then
    cp -p "$backup" "$daemon_json"
  else
    rm -f "$daemon_json"
  fi
}

# same_as_original: true when daemon.json is already as it was before step 4.
same_as_original() {
  if [ -s "$backup" ]; then
    cmp -s "$backup" "$daemon_json"
  else
    [ ! -e "$daemon_json" ]
  fi
}

# docker_restart: restart_docker, after making systemd forget earlier
# restarts (it refuses more than a few a minute).
docker_restart() {
  if has_systemd; then systemctl reset-failed docker.service 2>/dev/null || true; fi
  restart_docker
}

section "Step 4 reset"
say "removing the containers and networks labelled $CNLAB_LABEL=04"
remove_labelled 04

if [ ! -e "$backup" ]; then
  say "no $backup: the daemon settings were not changed by step 4"
  say "done"
  exit 0
fi

say "restoring $daemon_json as it was before step 4"
[ -s "$backup" ] && original=$(cat "$backup") || original='{}'
was=$(cat "$docker0_backup" 2>/dev/null || true)
now=$(ip -4 -o addr show docker0 | awk '{ print $4; exit }')
if [ -n "$was" ] && [ "$was" != "$now" ] && ! jq -e 'has("bip")' <<<"$original" >/dev/null; then
  # Docker keeps the default bridge's subnet in its own network store, so
  # dropping bip alone would leave docker0 on the step's subnet: go back to
  # the old address with an explicit bip first.
  say "docker0 was $was before step 4; Docker remembers its last subnet, so it first restarts with bip $was"
  jq --arg bip "$was" '. + {bip: $bip}' <<<"$original" >"$daemon_json"
  docker_restart
  put_back_original
  docker_restart
elif ! same_as_original; then
  put_back_original
  docker_restart
fi
rm -f "$backup" "$docker0_backup"
show ip -4 addr show docker0
say "done"

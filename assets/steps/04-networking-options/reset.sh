#!/usr/bin/env bash
# Step 4 reset: restore the original daemon settings (first, so Docker can start even if the step's settings broke it), remove step 4's containers and networks, and unload the kernel modules the step made Docker load.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

daemon_json=$CNLAB_DOCKER_DAEMON_JSON
backup=$daemon_json.step04-backup
docker0_backup=$daemon_json.step04-docker0

section "Step 4 reset"
restart=no
if [ -e "$backup" ]; then
  # Before anything that needs the Docker engine: the file Docker reads at
  # start, so that a restart below starts it with the original settings.
  say "restoring $daemon_json as it was before step 4"
  [ -s "$backup" ] && original=$(cat "$backup") || original='{}'
  was=$(cat "$docker0_backup" 2>/dev/null || true)
  now=$(ip -4 -o addr show docker0 2>/dev/null | awk '{ print $4; exit }')
  second_pass=no
  if [ -n "$was" ] && [ "$was" != "$now" ] && ! jq -e 'has("bip")' <<<"$original" >/dev/null; then
    # Without bip, Docker keeps the address docker0 already has: go back to
    # the old address with an explicit bip first, then drop it.
    say "docker0 was $was before step 4; Docker keeps docker0's current address when bip is not set, so it first restarts with bip $was"
    jq --arg bip "$was" '. + {bip: $bip}' <<<"$original" >"$daemon_json"
    restart=yes
    second_pass=yes
  elif [ -s "$backup" ]; then
    cmp -s "$backup" "$daemon_json" || { cp -p "$backup" "$daemon_json"; restart=yes; }
  elif [ -e "$daemon_json" ]; then
    rm -f "$daemon_json"
    restart=yes
  fi
else
  say "no $backup: the daemon settings were not changed by step 4"
fi

if ! docker info >/dev/null 2>&1; then
  say "the Docker daemon does not answer: starting it with the restored settings"
  restart_docker
  restart=no
fi

say "removing the containers and networks labelled $CNLAB_LABEL=04"
remove_labelled 04

if [ "$restart" = yes ]; then
  restart_docker
fi
if [ "${second_pass:-no}" = yes ]; then
  if [ -s "$backup" ]; then cp -p "$backup" "$daemon_json"; else rm -f "$daemon_json"; fi
  restart_docker
fi
rm -f "$backup" "$docker0_backup"
show ip -4 addr show docker0

# After Docker has let go of the step's networks: the kernel as the step found it.
restore_modules 04
say "done"

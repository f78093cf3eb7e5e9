#!/usr/bin/env bash
# expiry-notice: tell the people logged in to this host when the lab ends: the login banner shows the
# expiry time, and every terminal gets a warning 30 and 10 minutes before it.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

# Where the expiry comes from: the host's own tag `expires-at`, read from the
# instance metadata (the instance allows its tags there). `lab extend` moves
# the tag, so the warnings follow it. CNLAB_EXPIRY_ROOT installs into another
# root folder (tests do).
ROOT=${CNLAB_EXPIRY_ROOT:-}
TOOL=$ROOT/usr/local/sbin/cnlab-expiry

section "expiry-notice: login banner and warnings before the lab expires"
mkdir -p "${TOOL%/*}" "$ROOT/etc/update-motd.d" "$ROOT/etc/profile.d" "$ROOT/etc/systemd/system" "$ROOT/var/lib/container-networks"

# The tool: `cnlab-expiry banner` prints the expiry line, `cnlab-expiry warn`
# (every minute) writes a warning to every terminal once 30, then 10, minutes
# are left, once per threshold and expiry time (after an extension it warns again).
cat >"$TOOL" <<'TOOL'
#!/usr/bin/env bash
# cnlab-expiry: when this lab host expires (its expires-at tag), for people logged in to it.
set -euo pipefail
STATE=${CNLAB_EXPIRY_STATE:-/var/lib/container-networks/expiry-warned}
TERMINALS=${CNLAB_EXPIRY_TERMINALS:-/dev/pts}

# expires_at: the tag expires-at (yyyy-mm-ddThh:mm:ssZ) from the instance metadata (IMDSv2).
expires_at() {
  local token
  if [ -n "${CNLAB_EXPIRES_AT:-}" ]; then echo "$CNLAB_EXPIRES_AT"; return; fi
  token=$(curl -fsS -m 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token) || return 1
  curl -fsS -m 2 -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/tags/instance/expires-at
}

# minutes_left EXPIRES: whole minutes until EXPIRES (negative once it passed).
minutes_left() {
  local now=${CNLAB_NOW:-$(date -u +%s)}
  echo $(( ($(date -u -d "$1" +%s) - now) / 60 ))
}

# tell MESSAGE: write MESSAGE to every terminal (SSH and Session Manager sessions alike).
tell() {
  local tty
  for tty in "$TERMINALS"/[0-9]*; do
    [ -c "$tty" ] || [ -n "${CNLAB_EXPIRY_TERMINALS:-}" ] || continue
    timeout 2 sh -c 'printf "\r\n%s\r\n" "$1" >>"$2"' tell "$1" "$tty" 2>/dev/null || true
  done
}

at=$(expires_at 2>/dev/null) || at=''
case "${1:-banner}" in
  banner)
    if [ -z "$at" ] || [ "$at" = never ]; then exit 0; fi
    left=$(minutes_left "$at")
    if [ "$left" -lt 0 ]; then
      echo "*** This lab host's time ended at ${at/T/ } (UTC). Ask your organiser for more time (npx lab extend). ***"
    else
      echo "*** This lab host expires at ${at/T/ } (UTC), in $((left / 60))h$(printf '%02d' $((left % 60)))m: it is stopped then. Save your notes before. ***"
    fi
    ;;
  warn)
    if [ -z "$at" ] || [ "$at" = never ]; then exit 0; fi
    left=$(minutes_left "$at")
    for threshold in 30 10; do
      if [ "$left" -ge 0 ] && [ "$left" -le "$threshold" ] && ! grep -qx "$at $threshold" "$STATE" 2>/dev/null; then
        tell "*** LAB ENDING: this host expires in $left minute(s), at ${at/T/ } (UTC): it is stopped then. Save your work now. ***"
        echo "$at $threshold" >>"$STATE"
        break
      fi
    done
    ;;
  *) echo "usage: cnlab-expiry [banner|warn]" >&2; exit 2 ;;
esac
TOOL
chmod 0755 "$TOOL"
say "installed $TOOL"

# The banner: at SSH logins (motd), and in every login and interactive bash (Session Manager shells, sudo -i).
printf '#!/bin/sh\n/usr/local/sbin/cnlab-expiry banner 2>/dev/null || true\n' >"$ROOT/etc/update-motd.d/50-cnlab-expiry"
chmod 0755 "$ROOT/etc/update-motd.d/50-cnlab-expiry"
printf '# container-networks-lab: when this host expires\n[ -x /usr/local/sbin/cnlab-expiry ] && /usr/local/sbin/cnlab-expiry banner 2>/dev/null\ntrue\n' \
  >"$ROOT/etc/profile.d/cnlab-expiry.sh"
if ! grep -q cnlab-expiry "$ROOT/etc/bash.bashrc" 2>/dev/null; then
  cat >>"$ROOT/etc/bash.bashrc" <<'BASHRC'

# container-networks-lab: when this host expires (interactive shells only)
[ -x /usr/local/sbin/cnlab-expiry ] && [ -n "${PS1:-}" ] && /usr/local/sbin/cnlab-expiry banner 2>/dev/null
BASHRC
fi

# The warnings: a timer that looks every minute.
cat >"$ROOT/etc/systemd/system/cnlab-expiry-warn.service" <<'UNIT'
[Unit]
Description=Warn the people logged in to this lab host before it expires (container-networks-lab)
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/cnlab-expiry warn
UNIT
cat >"$ROOT/etc/systemd/system/cnlab-expiry-warn.timer" <<'UNIT'
[Unit]
Description=Look every minute whether this lab host expires soon (container-networks-lab)
[Timer]
OnBootSec=1min
OnUnitActiveSec=1min
[Install]
WantedBy=timers.target
UNIT
if [ -z "$ROOT" ] && has_systemd; then
  systemctl daemon-reload
  systemctl enable --now cnlab-expiry-warn.timer
  say "cnlab-expiry-warn.timer: every minute"
fi

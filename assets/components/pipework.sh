#!/usr/bin/env bash
# pipework: install jpetazzo's pipework script at a pinned commit, checked against a pinned SHA-256.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

# Pipework is one shell script; it needs iproute2, the docker CLI, arping
# (lab-tools) and ovs-vsctl for Open vSwitch bridges (open-vswitch).
#
# The pin. Both values were taken from a stored copy of the repository
# jpetazzo/pipework (file "pipework" at this commit), NOT from a download:
# GitHub is unreachable from the machine this was written on. The SHA-256 was
# computed from that stored text and must be confirmed on the first real
# deploy (a mismatch stops provisioning with both hashes printed).
# Caution: this commit predates pipework's cgroup-v2 workaround (2022, PR #249);
# the pipework check runs pipework once for real and says so if that bites.
# Override both with CNLAB_PIPEWORK_COMMIT and CNLAB_PIPEWORK_SHA256.
PIPEWORK_COMMIT=${CNLAB_PIPEWORK_COMMIT:-000ed6afa926d254cba9a7cc6045e349529a7fc2}
PIPEWORK_SHA256=${CNLAB_PIPEWORK_SHA256:-b829cb4c4c4b1d393db22d322ca281552cb6f300f2705b8e84db0064bc422c48}
PIPEWORK_URL=https://raw.githubusercontent.com/jpetazzo/pipework/$PIPEWORK_COMMIT/pipework
# What was installed, for the check (sha256sum -c format).
RECORD=/var/lib/container-networks/pipework.sha256

section "pipework: $CNLAB_PIPEWORK at commit ${PIPEWORK_COMMIT:0:12}"

# download_pipework FILE: one try at fetching the pinned pipework into FILE.
download_pipework() {
  curl -fsSL --connect-timeout 10 --max-time 60 -o "$1" "$PIPEWORK_URL"
}

# degrade WHY: pipework is needed by step 5 only. Rather than fail the whole
# host (and with it the six other steps) the host becomes ready without it,
# "degraded: pipework" (lab hosts and the readiness signal say so), and step 5
# says pipework is unavailable and does its cabling by hand.
degrade() {
  mark_degraded pipework "$1; step 5 does its cabling by hand"
  exit 0
}

if [ -f "$CNLAB_PIPEWORK" ] && [ "$(sha256sum <"$CNLAB_PIPEWORK" | cut -d' ' -f1)" = "$PIPEWORK_SHA256" ]; then
  say "already installed, SHA-256 matches the pin"
else
  tmp=$(mktemp)
  trap 'rm -f "$tmp"' EXIT
  if [ -n "${CNLAB_PIPEWORK_SOURCE:-}" ]; then
    say "taking pipework from the local file $CNLAB_PIPEWORK_SOURCE"
    cp "$CNLAB_PIPEWORK_SOURCE" "$tmp"
  else
    say "downloading $PIPEWORK_URL"
    # GitHub may be slow or out of reach on a busy morning: try again, waiting
    # longer each time (once on a rehearsal machine, which never reaches GitHub).
    tries=5
    if [ "${CNLAB_REHEARSAL:-}" = 1 ]; then tries=1; fi
    if ! retry_backoff "$tries" 10 download_pipework "$tmp"; then
      if [ "${CNLAB_REHEARSAL:-}" = 1 ]; then
        not_rehearsed "pipework download: curl $PIPEWORK_URL (GitHub is unreachable from this machine)"
      fi
      degrade "its download from GitHub failed $tries time(s) ($PIPEWORK_URL)"
    fi
  fi
  got=$(sha256sum <"$tmp" | cut -d' ' -f1)
  if [ "$got" != "$PIPEWORK_SHA256" ]; then
    echo "pipework SHA-256 mismatch: expected $PIPEWORK_SHA256, got $got; not installing it" >&2
    degrade "the downloaded file's SHA-256 is $got, not the pinned $PIPEWORK_SHA256 (not installed)"
  fi
  install -D -m 0755 "$tmp" "$CNLAB_PIPEWORK"
  say "installed $CNLAB_PIPEWORK (SHA-256 $got)"
fi
mkdir -p "${RECORD%/*}"
printf '%s  %s\n' "$PIPEWORK_SHA256" "$CNLAB_PIPEWORK" >"$RECORD"

# Pipework at this commit looks for a cgroup-v1 hierarchy with "devices" in
# its mount options before it asks Docker for the container's process, and
# stops with "Could not locate cgroup mount point" where there is none: hosts
# with only cgroup v2 (Ubuntu 24.04, Debian 12). An empty named v1 hierarchy
# satisfies that search; pipework finds no group of the container's name in
# it and asks `docker inspect`, as it always does for Docker containers.
COMPAT_MOUNT=/run/pipework-cgroup
has_devices_hierarchy() {
  awk '$3 == "cgroup" && $4 ~ /(^|[,=])devices(,|$)/ { found = 1 } END { exit !found }' /proc/mounts
}
if has_devices_hierarchy; then
  say "a cgroup hierarchy pipework can search exists already"
else
  say "cgroup v2 only: mounting an empty named hierarchy at $COMPAT_MOUNT for pipework"
  mkdir -p "$COMPAT_MOUNT"
  mount -t cgroup -o none,name=devices cgroup "$COMPAT_MOUNT"
  if has_systemd; then
    # /run is emptied at boot: mount it again whenever the host starts.
    cat >/etc/systemd/system/pipework-cgroup.service <<UNIT
[Unit]
Description=Empty named cgroup-v1 hierarchy that pipework searches (container-networks-lab)
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'mkdir -p $COMPAT_MOUNT && (mountpoint -q $COMPAT_MOUNT || mount -t cgroup -o none,name=devices cgroup $COMPAT_MOUNT)'
[Install]
WantedBy=multi-user.target
UNIT
    systemctl daemon-reload
    systemctl enable pipework-cgroup.service >/dev/null 2>&1
  fi
fi

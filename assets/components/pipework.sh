#!/usr/bin/env bash
# pipework: install jpetazzo's pipework script at a pinned commit, checked against a pinned SHA-256.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

# Pipework is one shell script; it needs iproute2, the docker CLI, arping
# (lab-tools) and ovs-vsctl for Open vSwitch bridges (open-vswitch).
#
# The pin: upstream's newest commit (2024-11-04, "Fix MTU detection when PCI
# Virtual Functions are present"). Both values were taken from a stored copy of
# the repository jpetazzo/pipework (git show <commit>:pipework | sha256sum),
# NOT from a download: GitHub is unreachable from the machine this was written
# on, so the hash must be confirmed on the first real deploy (a mismatch stops
# provisioning with both hashes printed). At this commit pipework looks a
# container up with `docker inspect` whenever the kernel knows cgroup2 (no
# cgroup-v1 mount is needed), and it removes the /var/run/netns/<pid> link it
# makes for `ip netns exec`. Override both with CNLAB_PIPEWORK_COMMIT and
# CNLAB_PIPEWORK_SHA256.
PIPEWORK_COMMIT=${CNLAB_PIPEWORK_COMMIT:-9ba97f1735022fb5f811d9c2a304dda33fae1ad1}
PIPEWORK_SHA256=${CNLAB_PIPEWORK_SHA256:-cae1e9b01b58877a030b89015ec8e7a3a7319c55d6ff8723de23a481c17d310d}
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

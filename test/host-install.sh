#!/usr/bin/env bash
# host-install.sh: the real install rehearsal. Lays out the files a lab host
# gets from cfn-init in a temporary CNLAB_HOME and runs provision.sh for real on
# this machine (apt-get installs, daemons start, every component check runs).
#
#   bash test/host-install.sh                       files from assets/ (design.md table)
#   bash test/host-install.sh --from-template cdk.out/STACK.template.json
#                                                   files from the synthesized template
#
# Runs as root. A Docker daemon or Open vSwitch that already runs is left alone.
# Environment: CNLAB_OVS_DATAPATH (default netdev: no openvswitch kernel module
# here), CNLAB_PIPEWORK_SOURCE (a local pipework file, still hash-checked).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
CNLAB_INSTALL_PREFIX=/opt/container-networks    # where cfn-init puts the files on a host
DEFAULT_ORDER=(lab-tools docker-engine open-vswitch pipework lab-images)
LOG=${CNLAB_HOST_INSTALL_LOG:-/tmp/cnlab-host-install.log}

template=
while [ $# -gt 0 ]; do
  case "$1" in
    --from-template) template=${2:?--from-template needs a template file}; shift 2 ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

header() { printf '\n##### host-install: %s\n' "$*"; }

[ "$(id -u)" = 0 ] || { echo "host-install must run as root (it installs packages)" >&2; exit 1; }

root=$(mktemp -d /tmp/cnlab-host-install.XXXXXX)
trap 'rm -rf "$root"' EXIT
home=$root$CNLAB_INSTALL_PREFIX

header "lay out the host files under $root"
if [ -n "$template" ]; then
  # The files exactly as the template carries them, at their host paths under $root.
  node "$REPO/test/host/extract-init-files.js" "$template" "$root"
  [ -f "$home/provision.sh" ] || { echo "the template has no $CNLAB_INSTALL_PREFIX/provision.sh" >&2; exit 1; }
  [ -f "$home/components/order" ] || { echo "the template has no components/order" >&2; exit 1; }
else
  # The design.md table, from the repository.
  mkdir -p "$home/lib" "$home/components"
  cp "$REPO/assets/lib/lab.sh" "$home/lib/"
  cp "$REPO/assets/host/provision.sh" "$home/"
  cp "$REPO"/assets/components/*.sh "$home/components/"
  [ -d "$REPO/assets/images" ] && cp -r "$REPO/assets/images" "$home/images"
  [ -d "$REPO/assets/steps" ] && cp -r "$REPO/assets/steps" "$home/steps"
  : >"$home/components/order"
  for name in "${DEFAULT_ORDER[@]}"; do
    [ -f "$home/components/$name.sh" ] && echo "$name" >>"$home/components/order"
  done
  (cd "$root" && find . -type f | sort | sed 's|^\.|  |')
fi
echo "components/order: $(tr '\n' ' ' <"$home/components/order")"

# The lab images build FROM debian:trixie-slim, and no registry is reachable
# from CI: make that base locally first (the component would docker pull it).
header "base image for the lab images"
bash "$REPO/test/support/make-base-image.sh"

# The host's own dockerd writes its pid here (dockerd of emulated hosts use
# other pid files); it must be the same process after the rehearsal.
dockerd_pid() { cat /var/run/docker.pid 2>/dev/null || true; }
dockerd_before=$(dockerd_pid)

header "provision.sh (CNLAB_REHEARSAL=1, OVS datapath ${CNLAB_OVS_DATAPATH:-netdev}); log: $LOG"
rc=0
# DOCKER_HOST and OVS_RUNDIR would point the components at an emulated host:
# this rehearsal installs on the machine itself.
env -u DOCKER_HOST -u OVS_RUNDIR \
  CNLAB_HOME="$home" CNLAB_REHEARSAL=1 \
  CNLAB_OVS_DATAPATH="${CNLAB_OVS_DATAPATH:-netdev}" \
  CNLAB_FAILED_STEP_FILE="$root/failed-step" \
  bash "$home/provision.sh" 2>&1 | tee "$LOG" || rc=$?

problems=()
[ "$rc" -eq 0 ] || problems+=("provision.sh exited $rc, failed at: $(cat "$root/failed-step" 2>/dev/null || echo '?')")
[ "$rc" -ne 0 ] || [ -f /var/lib/container-networks/ready ] || problems+=("no /var/lib/container-networks/ready")
dockerd_after=$(dockerd_pid)
if [ -n "$dockerd_before" ] && [ "$dockerd_before" != "$dockerd_after" ]; then
  problems+=("the running dockerd (pid $dockerd_before) was restarted or stopped (now: ${dockerd_after:-none})")
fi

header "summary"
grep -E '^\[provision\] .*: (OK|FAILED)' "$LOG" || true
grep -E '^(PASS|FAIL):' "$LOG" || true
if grep -q '^NOT REHEARSED:' "$LOG"; then
  echo
  echo "Not rehearsed on this machine (done for real only on a lab host):"
  grep '^NOT REHEARSED:' "$LOG" | sort -u | sed 's/^/  /'
fi
passed=$(grep -c '^PASS:' "$LOG" || true)
failed=$(grep -c '^FAIL:' "$LOG" || true)
not_rehearsed=$(grep '^NOT REHEARSED:' "$LOG" | sort -u | grep -c . || true)
for p in "${problems[@]}"; do
  echo "PROBLEM: $p"
done
echo
echo "host-install: $passed passed, $failed failed, $not_rehearsed skipped (not rehearsed, listed above)"
[ "${#problems[@]}" -eq 0 ] && [ "$failed" -eq 0 ]

#!/usr/bin/env bash
# pipework check: pipework is installed as pinned, its helpers exist, and it cables a test container (and removes its namespace link).
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

RECORD=/var/lib/container-networks/pipework.sha256
TEST_CONTAINER=cnlab-pipework-check
TEST_BRIDGE=brcnlabcheck   # pipework creates a Linux bridge for names starting with br
TEST_ADDRESS=192.0.2.10    # TEST-NET-1: documentation addresses, never routed

for tool in ip docker arping ovs-vsctl; do
  command -v "$tool" >/dev/null 2>&1 || fail "pipework needs $tool, which is missing; run the lab-tools, docker-engine and open-vswitch components"
done
# A host degraded for pipework (its download failed, or did not match the pin;
# the host is ready for the other steps) has no pipework: everything else is
# checked, then a DEGRADED: line says so, never a PASS: line.
installed=no
degraded=$(degraded_reason pipework) || degraded=''
if [ -x "$CNLAB_PIPEWORK" ]; then
  installed=yes
  sha256sum -c --status "$RECORD" 2>/dev/null ||
    fail "$CNLAB_PIPEWORK does not match the pinned SHA-256 (record: $RECORD); run ${CNLAB_HOME}/components/pipework.sh again"
elif [ -z "$degraded" ]; then
  fail "no pipework at $CNLAB_PIPEWORK; run ${CNLAB_HOME}/components/pipework.sh again and read its output"
fi

# without_pipework WHAT: the end of the check on a host without pipework.
without_pipework() {
  if [ "${CNLAB_REHEARSAL:-}" = 1 ]; then
    # GitHub is unreachable from a rehearsal machine: pipework's command was not rehearsed.
    not_rehearsed "$CNLAB_PIPEWORK $TEST_BRIDGE -i eth1 $TEST_CONTAINER $TEST_ADDRESS/24 (pipework is not installed: its download was not rehearsed)"
  fi
  printf 'DEGRADED: pipework is not installed: %s (checked instead: %s)\n' "$degraded" "$1"
  exit 0
}

# Cable one throw-away container the way the labs do: a container without a
# network, then pipework gives it eth1 on a new bridge.
image=$(lab_image client)
if ! docker image inspect "$image" >/dev/null 2>&1; then
  if [ "$installed" = no ]; then
    without_pipework "its helpers (ip, docker, arping, ovs-vsctl) are present; with no $image image, no test container was started"
  fi
  pass "pipework installed as pinned (not exercised: no $image image to test with)"
fi
cleanup() {
  remove_containers "$TEST_CONTAINER"
  ip link del "$TEST_BRIDGE" >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
docker run -d --name "$TEST_CONTAINER" --network none "$image" sleep 300 >/dev/null ||
  fail "could not start a test container from $image; check docker info and the lab-images component"
pid=$(container_pid "$TEST_CONTAINER")
if [ "$installed" = no ]; then
  without_pipework "its helpers (ip, docker, arping, ovs-vsctl) are present and a --network none test container starts"
fi
out=$("$CNLAB_PIPEWORK" "$TEST_BRIDGE" -i eth1 "$TEST_CONTAINER" "$TEST_ADDRESS/24" 2>&1) ||
  fail "pipework failed: $out"
docker exec "$TEST_CONTAINER" ip -4 addr show eth1 2>/dev/null | grep "inet $TEST_ADDRESS/24" >/dev/null ||
  fail "pipework ran but the test container has no $TEST_ADDRESS/24 on eth1"
if [ -e "/var/run/netns/$pid" ]; then
  rm -f "/var/run/netns/$pid"
  fail "pipework left its namespace link /var/run/netns/$pid behind (the pinned commit removes it): is $CNLAB_PIPEWORK the pinned version?"
fi
pass "pipework installed as pinned gave a test container eth1 $TEST_ADDRESS/24 on bridge $TEST_BRIDGE and removed its link /var/run/netns/$pid"

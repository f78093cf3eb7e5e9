#!/usr/bin/env bash
# pipework check: pipework is installed as pinned, its helpers exist, and it can plumb a test container.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

RECORD=/var/lib/container-networks/pipework.sha256
TEST_CONTAINER=cnlab-pipework-check
TEST_BRIDGE=brcnlabcheck   # pipework creates a Linux bridge for names starting with br
TEST_ADDRESS=192.0.2.10    # TEST-NET-1: documentation addresses, never routed

# A host degraded for pipework (its download failed; the host is ready for the
# other steps): there is no pipework to check. Said, never counted as PASS.
if reason=$(degraded_reason pipework); then
  printf 'DEGRADED: pipework is not installed: %s\n' "$reason"
  exit 0
fi

if [ ! -x "$CNLAB_PIPEWORK" ]; then
  if [ "${CNLAB_REHEARSAL:-}" = 1 ]; then
    # No PASS line: what was not exercised is never counted as passed.
    not_rehearsed "pipework check ($CNLAB_PIPEWORK was not installed: GitHub unreachable; steps use their by-hand plumbing)"
    exit 0
  fi
  fail "no pipework at $CNLAB_PIPEWORK; run ${CNLAB_HOME}/components/pipework.sh again and read its output"
fi
sha256sum -c --status "$RECORD" 2>/dev/null ||
  fail "$CNLAB_PIPEWORK does not match the pinned SHA-256 (record: $RECORD); run ${CNLAB_HOME}/components/pipework.sh again"
for tool in ip docker arping ovs-vsctl; do
  command -v "$tool" >/dev/null 2>&1 || fail "pipework needs $tool, which is missing; run the lab-tools, docker-engine and open-vswitch components"
done

# Plumb one throw-away container the way the labs do: a container without a
# network, then pipework gives it eth1 on a new bridge.
image=$(lab_image client)
if ! docker image inspect "$image" >/dev/null 2>&1; then
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
if ! out=$("$CNLAB_PIPEWORK" "$TEST_BRIDGE" -i eth1 "$TEST_CONTAINER" "$TEST_ADDRESS/24" 2>&1); then
  case "$out" in
    *"cgroup mount point"*)
      fail "pipework could not find the container: this pipework ($out) looks for cgroup v1 mounts and this host has only cgroup v2; pin a newer pipework commit (CNLAB_PIPEWORK_COMMIT/CNLAB_PIPEWORK_SHA256)" ;;
    *) fail "pipework failed: $out" ;;
  esac
fi
docker exec "$TEST_CONTAINER" ip -4 addr show eth1 2>/dev/null | grep "inet $TEST_ADDRESS/24" >/dev/null ||
  fail "pipework ran but the test container has no $TEST_ADDRESS/24 on eth1"
pass "pipework installed as pinned and gave a test container eth1 $TEST_ADDRESS/24 on bridge $TEST_BRIDGE"

#!/usr/bin/env bash
# provision.sh: install this host's software components in order, then run each component's check.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

# Output: one line per phase, e.g.
#   [provision] docker-engine install: OK (14 s)
#   [provision] pipework install: DEGRADED (151 s): its download from GitHub failed 5 time(s) ...
# On failure the phase name ("docker-engine install", "open-vswitch check")
# goes to $CNLAB_FAILED_STEP_FILE, for user data to put in the cfn-signal
# reason, and the script exits non-zero. A component that could not do its
# part but lets the host be ready without it (lab.sh: mark_degraded) makes
# its phases DEGRADED, not OK; the host is still ready. Safe to run again at any time.

STATE_DIR=/var/lib/container-networks
FAILED_STEP_FILE=${CNLAB_FAILED_STEP_FILE:-$STATE_DIR/failed-step}
READY_FILE=$STATE_DIR/ready
ORDER_FILE=$CNLAB_HOME/components/order

mkdir -p "$STATE_DIR" "$(dirname "$FAILED_STEP_FILE")"
rm -f "$READY_FILE" "$FAILED_STEP_FILE" "$CNLAB_DEGRADED_FILE"

log() {
  printf '[provision] %s\n' "$*"
}

# phase NAME SCRIPT: run one component script; stop everything if it fails.
# A check passes only with exit 0 and a line starting "PASS:", or, for a
# component that marked the host degraded (lab.sh: mark_degraded), a line
# starting "DEGRADED:". A degraded phase is logged DEGRADED with the reason; a
# phase whose output has "NOT REHEARSED:" lines (only on a rehearsal machine,
# where a tool cannot be downloaded) says how many. Neither is logged OK.
phase() {
  local name=$1 script=$2 start=$SECONDS rc=0 output not_rehearsed why='' extra=''
  output=$(mktemp)
  log "$name: start"
  bash "$script" 2>&1 | tee "$output" || rc=$?
  why=$(degraded_reason "${name%% *}") || why=''
  if [ "$rc" -eq 0 ] && [[ "$name" == *" check" ]] && ! grep -q '^PASS:' "$output" &&
    ! { [ -n "$why" ] && grep -q '^DEGRADED:' "$output"; }; then
    log "$name: exit 0 but no line starting PASS:"
    rc=1
  fi
  not_rehearsed=$(grep -c '^NOT REHEARSED:' "$output" || true)
  rm -f "$output"
  if [ "$rc" -ne 0 ]; then
    log "$name: FAILED (exit $rc after $((SECONDS - start)) s)"
    printf '%s\n' "$name" >"$FAILED_STEP_FILE"
    exit 1
  fi
  if [ "$not_rehearsed" -gt 0 ]; then
    extra=", with $not_rehearsed part(s) NOT REHEARSED (above)"
  fi
  if [ -n "$why" ]; then
    log "$name: DEGRADED$extra ($((SECONDS - start)) s): $why"
  elif [ -n "$extra" ]; then
    log "$name: done$extra ($((SECONDS - start)) s)"
  else
    log "$name: OK ($((SECONDS - start)) s)"
  fi
}

if [ ! -f "$ORDER_FILE" ]; then
  log "no component list at $ORDER_FILE"
  printf 'read components/order\n' >"$FAILED_STEP_FILE"
  exit 1
fi

# The component names, one a line, in install order (blank lines and # comments skipped).
components=()
while IFS= read -r line || [ -n "$line" ]; do
  line=${line%%#*}
  line=${line//[[:space:]]/}
  [ -n "$line" ] && components+=("$line")
done <"$ORDER_FILE"
log "components: ${components[*]}"

total_start=$SECONDS
for name in "${components[@]}"; do
  script=$CNLAB_HOME/components/$name.sh
  if [ ! -f "$script" ]; then
    log "$name install: FAILED (no $script)"
    printf '%s install\n' "$name" >"$FAILED_STEP_FILE"
    exit 1
  fi
  phase "$name install" "$script"
done
for name in "${components[@]}"; do
  check=$CNLAB_HOME/components/$name.check.sh
  if [ -f "$check" ]; then
    phase "$name check" "$check"
  else
    log "$name check: none"
  fi
done

date -u +%Y-%m-%dT%H:%M:%SZ >"$READY_FILE"
log "all components installed and checked in $((SECONDS - total_start)) s; wrote $READY_FILE"
if [ -s "$CNLAB_DEGRADED_FILE" ]; then
  log "ready, but degraded (see $CNLAB_DEGRADED_FILE): $(paste -sd ';' "$CNLAB_DEGRADED_FILE")"
fi

#!/usr/bin/env bash
# expiry-notice check: the tool, the login banner and the warning timer are in place; says what expiry it reads.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

[ -x /usr/local/sbin/cnlab-expiry ] ||
  fail "no /usr/local/sbin/cnlab-expiry; run ${CNLAB_HOME}/components/expiry-notice.sh again"
if [ ! -x /etc/update-motd.d/50-cnlab-expiry ] || [ ! -f /etc/profile.d/cnlab-expiry.sh ]; then
  fail "the login banner is not installed (/etc/update-motd.d/50-cnlab-expiry, /etc/profile.d/cnlab-expiry.sh); run ${CNLAB_HOME}/components/expiry-notice.sh again"
fi
if has_systemd; then
  systemctl is-enabled --quiet cnlab-expiry-warn.timer ||
    fail "the warning timer cnlab-expiry-warn.timer is not enabled; try: systemctl enable --now cnlab-expiry-warn.timer"
fi
# The expiry comes from the instance metadata; a host without it (no tag, no expiry) is fine.
if banner=$(/usr/local/sbin/cnlab-expiry banner) && [ -n "$banner" ]; then
  pass "expiry banner and warnings in place; the banner says: $banner"
fi
if [ "${CNLAB_REHEARSAL:-}" = 1 ]; then
  not_rehearsed "reading the expires-at tag from the instance metadata (a rehearsal machine has none)"
fi
pass "expiry banner and warnings in place (no expiry tag readable now: nothing to warn about)"

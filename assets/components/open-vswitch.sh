#!/usr/bin/env bash
# open-vswitch: install Open vSwitch (and ovs-docker) and make sure its two daemons run.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

# Open vSwitch is two daemons: ovsdb-server keeps the configuration (bridges,
# ports, tunnels) and ovs-vswitchd forwards packets. ovs-vsctl talks to the
# first; openvswitch-common also brings /usr/bin/ovs-docker.
ovs_running() {
  ovs-vsctl --timeout=5 show >/dev/null 2>&1 &&
    ovs-appctl --timeout=5 -t ovs-vswitchd version >/dev/null 2>&1
}

section "open-vswitch: Open vSwitch switch and ovs-docker"
apt_install openvswitch-switch openvswitch-common

say "systemctl enable --now openvswitch-switch"
systemctl enable --now openvswitch-switch

say "waiting for ovsdb-server and ovs-vswitchd to answer"
retry 30 ovs_running || {
  echo "Open vSwitch did not answer within 30 s; see /var/log/openvswitch/*.log" >&2
  exit 1
}
# Open vSwitch stays as installed while the lab runs.
hold_packages openvswitch openvswitch-switch openvswitch-common
say "$(ovs-vsctl --version | head -n 1), datapaths: $(ovs-vsctl get Open_vSwitch . datapath_types)"

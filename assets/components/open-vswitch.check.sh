#!/usr/bin/env bash
# open-vswitch check: both daemons answer, ovs-docker is there, and a test bridge gets a working datapath with a GRE, a VXLAN and a Geneve port (what step 6 needs).
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

TEST_BRIDGE=cnlab-check0

ovs-vsctl --timeout=5 show >/dev/null 2>&1 ||
  fail "ovsdb-server does not answer; try: systemctl restart openvswitch-switch (or ovs-ctl start), then ovs-vsctl show"
ovs-appctl --timeout=5 -t ovs-vswitchd version >/dev/null 2>&1 ||
  fail "ovs-vswitchd does not answer; see /var/log/openvswitch/ovs-vswitchd.log and restart openvswitch-switch"
command -v ovs-docker >/dev/null 2>&1 ||
  fail "no ovs-docker; try: apt-get install openvswitch-common"
command -v uuidgen >/dev/null 2>&1 ||
  fail "no uuidgen (ovs-docker needs it); try: apt-get install uuid-runtime"

# A bridge on the datapath the labs use (system = kernel module, netdev =
# userspace). ovs-vswitchd gives its local port a number (ofport) only when
# the datapath works, so -1 or an error means the labs' bridges would fail too.
trap 'ovs-vsctl --timeout=5 --if-exists del-br "$TEST_BRIDGE" >/dev/null 2>&1 || true' EXIT
ovs-vsctl --timeout=10 --may-exist add-br "$TEST_BRIDGE" \
  -- set bridge "$TEST_BRIDGE" datapath_type="$CNLAB_OVS_DATAPATH" ||
  fail "could not add the test bridge $TEST_BRIDGE; see /var/log/openvswitch/ovs-vswitchd.log"
ofport=-1
for _ in 1 2 3 4 5; do
  ofport=$(ovs-vsctl --timeout=5 get interface "$TEST_BRIDGE" ofport 2>/dev/null || echo -1)
  [ "$ofport" != -1 ] && [ "$ofport" != "[]" ] && break
  sleep 1
done
if [ "$ofport" = -1 ] || [ "$ofport" = "[]" ]; then
  error=$(ovs-vsctl --timeout=5 get interface "$TEST_BRIDGE" error 2>/dev/null || true)
  [ "$error" = "[]" ] && error=""
  fail "a bridge with datapath_type=$CNLAB_OVS_DATAPATH does not work (${error:-no ofport}); on a kernel without the openvswitch module use CNLAB_OVS_DATAPATH=netdev"
fi

# Step 6's tunnels, tried here so that a kernel without a tunnel module fails
# the host at boot rather than an attendee at step 6. With the kernel datapath
# Open vSwitch builds each tunnel port on the kernel's own tunnel device, so
# the module must be loadable; they stay loaded, as step 6 will need them.
# (The userspace datapath does the encapsulation itself and needs none.)
if [ "$CNLAB_OVS_DATAPATH" = system ]; then
  for module in ip_gre vxlan geneve; do
    case "$(module_state "$module")" in
      loaded | builtin | none) ;;
      *) modprobe "$module" 2>/dev/null ||
        fail "the kernel module $module cannot be loaded (modprobe $module), so step 6's $module tunnels would fail: install this kernel's extra modules (Ubuntu: linux-modules-extra-\$(uname -r))" ;;
    esac
  done
fi
for type in gre vxlan geneve; do
  ovs-vsctl --timeout=10 add-port "$TEST_BRIDGE" "cnlab-$type" -- set interface "cnlab-$type" type="$type" \
    options:remote_ip=192.0.2.1 options:key=5 ||
    fail "could not add a $type tunnel port to the test bridge; see /var/log/openvswitch/ovs-vswitchd.log"
done
sleep 1
for type in gre vxlan geneve; do
  tunnel_ofport=$(ovs-vsctl --timeout=5 get interface "cnlab-$type" ofport 2>/dev/null || echo -1)
  error=$(ovs-vsctl --timeout=5 get interface "cnlab-$type" error 2>/dev/null || true)
  if [ "$tunnel_ofport" = -1 ] || [ "$tunnel_ofport" = "[]" ] || { [ -n "$error" ] && [ "$error" != "[]" ]; }; then
    fail "a $type tunnel port does not work on a datapath_type=$CNLAB_OVS_DATAPATH bridge (${error:-no ofport}): is the kernel's $type module available? See /var/log/openvswitch/ovs-vswitchd.log"
  fi
done
pass "$(ovs-vsctl --version | head -n 1 | awk '{print $NF}') running, ovs-docker present, a $CNLAB_OVS_DATAPATH bridge works with GRE, VXLAN and Geneve tunnel ports"

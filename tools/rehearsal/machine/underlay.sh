#!/usr/bin/env bash
# underlay.sh: run on a multi-host rehearsal machine once it is ready.
# Open vSwitch's userspace datapath (this kernel has no openvswitch module)
# sends tunnel packets (GRE, VXLAN, Geneve) only through an Open vSwitch bridge
# that holds the local address; the kernel datapath of EC2 hosts needs no such
# bridge. So the machine's address moves from eth0 to the bridge br-underlay,
# which takes eth0 as its port. Safe to run again.
set -euo pipefail

if ovs-vsctl --timeout=5 br-exists br-underlay; then
  echo "br-underlay exists already"
  exit 0
fi
address=$(ip -o -4 addr show dev eth0 | awk '{print $4}')
gateway=$(ip route show default | awk '{print $3; exit}')
mtu=$(cat /sys/class/net/eth0/mtu)
ovs-vsctl --timeout=10 add-br br-underlay -- set bridge br-underlay datapath_type=netdev \
  -- add-port br-underlay eth0 \
  -- set interface br-underlay "mtu_request=$mtu"
# eth0 now only carries frames for Open vSwitch: it must not answer ARP itself.
sysctl -qw net.ipv4.conf.eth0.arp_ignore=8
ip addr del "$address" dev eth0
ip link set br-underlay up
ip addr add "$address" dev br-underlay
ip route replace default via "$gateway" dev br-underlay
echo "underlay: $address (MTU $mtu) on br-underlay, eth0 its port, default route via $gateway"

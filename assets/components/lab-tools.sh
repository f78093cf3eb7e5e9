#!/usr/bin/env bash
# lab-tools: install the host tools the labs use to look at and change the network.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

# What each package gives the labs:
#   iproute2        ip, bridge, ss (addresses, routes, veth pairs, namespaces)
#   bridge-utils    brctl (the 2015 way to look at a Linux bridge)
#   iptables        Docker's NAT and filter rules
#   tcpdump         watching packets on docker0, veth and tunnel ports
#   iputils-ping, iputils-arping   reachability; arping is used by pipework
#   uuid-runtime    uuidgen, needed by ovs-docker
#   jq              reading docker inspect output
#   curl, ca-certificates, openssl   HTTP(S) tests and TLS certificates
#   conntrack       the NAT connection table behind published ports
#   ethtool         a NIC's offload settings (checksum offload and tunnels)
LAB_TOOLS=(iproute2 bridge-utils iptables tcpdump iputils-ping iputils-arping
  uuid-runtime jq curl conntrack ca-certificates openssl ethtool)

section "lab-tools: host network tools"
apt_install "${LAB_TOOLS[@]}"

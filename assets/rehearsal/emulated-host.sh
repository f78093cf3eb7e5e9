#!/usr/bin/env bash
# emulated-host.sh: a lab host emulated on one Linux machine, for rehearsing the
# labs without AWS. Each emulated host is a network namespace with
#   - its own Docker engine (own docker0, own iptables rules, own containers),
#   - its own Open vSwitch (ovsdb-server + ovs-vswitchd, userspace datapath),
#   - an "eth0" plugged into the bridge cnlab-vpc, which plays the VPC subnet.
# The host address sits on an Open vSwitch bridge (br-underlay) that holds
# eth0, because the userspace datapath sends tunnel packets through the
# bridge that owns the local address (the kernel datapath on EC2 needs no
# such bridge).
#
# Usage:
#   emulated-host.sh up NAME ADDRESS/PREFIX   create and start a host (idempotent)
#   emulated-host.sh down NAME                stop and remove a host (idempotent)
#   emulated-host.sh env NAME                 print the settings lab scripts need
#   emulated-host.sh exec NAME COMMAND...     run a command on the host, with those settings
#   emulated-host.sh load-images NAME IMAGE...  copy images from this machine's engine
#   emulated-host.sh restart-docker NAME      restart the host's Docker engine
#   emulated-host.sh list                     the hosts that are up
set -euo pipefail

VPC_BRIDGE=cnlab-vpc
RUN_ROOT=/run/cnlab
STATE_ROOT=/var/lib/cnlab/hosts

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
}

check_name() {
  case "$1" in
    ''|*[!a-z0-9]*) echo "emulated-host: host name '$1' is not allowed: use lower case letters and digits" >&2; exit 2 ;;
  esac
  if [ "${#1}" -gt 8 ]; then
    echo "emulated-host: host name '$1' is too long: at most 8 characters" >&2
    exit 2
  fi
}

netns_of() { printf 'cnlab-%s' "$1"; }
run_dir() { printf '%s/%s' "$RUN_ROOT" "$1"; }
state_dir() { printf '%s/%s' "$STATE_ROOT" "$1"; }

# in_host NAME COMMAND...: run COMMAND in the host's network namespace only.
# (nsenter keeps /sys and the cgroup mounts, which dockerd needs.)
in_host() {
  local name=$1
  shift
  nsenter --net="/var/run/netns/$(netns_of "$name")" "$@"
}

# host_env NAME: the settings that point docker, ovs-vsctl and the lab
# scripts at this host's own daemons.
host_env() {
  local name=$1 run
  run=$(run_dir "$name")
  cat <<EOF
DOCKER_HOST=unix://$run/docker.sock
OVS_RUNDIR=$run/ovs
OVS_DBDIR=$(state_dir "$name")/ovs
OVS_LOGDIR=$run/ovs
CNLAB_OVS_DATAPATH=netdev
CNLAB_DOCKER_DAEMON_JSON=$run/daemon.json
CNLAB_DOCKER_RESTART=bash $(readlink -f "$0") restart-docker $name
CNLAB_REHEARSAL=1
CNLAB_EMULATED_HOST=$name
EOF
}

ensure_vpc_bridge() {
  if ! ip link show "$VPC_BRIDGE" >/dev/null 2>&1; then
    ip link add "$VPC_BRIDGE" type bridge
  fi
  ip link set "$VPC_BRIDGE" up
  # This machine passes bridged frames through iptables (br_netfilter), and
  # its own Docker engine sets the FORWARD policy to DROP: let the emulated
  # VPC's frames through, as a VPC subnet would.
  if ! iptables -C FORWARD -i "$VPC_BRIDGE" -o "$VPC_BRIDGE" -j ACCEPT 2>/dev/null; then
    iptables -I FORWARD 1 -i "$VPC_BRIDGE" -o "$VPC_BRIDGE" -j ACCEPT
  fi
}

start_ovs() {
  local name=$1 run state
  run=$(run_dir "$name")/ovs
  state=$(state_dir "$name")/ovs
  mkdir -p "$run" "$state"
  if [ -f "$run/ovs-vswitchd.pid" ] && kill -0 "$(cat "$run/ovs-vswitchd.pid")" 2>/dev/null; then
    return 0
  fi
  if [ ! -f "$state/conf.db" ]; then
    ovsdb-tool create "$state/conf.db" /usr/share/openvswitch/vswitch.ovsschema
  fi
  # Daemons find their run folder (pid files, control sockets) through OVS_RUNDIR,
  # and so do ovs-vsctl and ovs-appctl in the lab scripts.
  OVS_RUNDIR=$run in_host "$name" ovsdb-server "$state/conf.db" \
    --remote="punix:$run/db.sock" --pidfile \
    --log-file="$run/ovsdb-server.log" -vconsole:off --detach 2>/dev/null
  OVS_RUNDIR=$run ovs-vsctl --no-wait init
  OVS_RUNDIR=$run in_host "$name" ovs-vswitchd "unix:$run/db.sock" \
    --pidfile \
    --log-file="$run/ovs-vswitchd.log" -vconsole:off --detach 2>/dev/null
}

start_docker() {
  local name=$1 run state
  run=$(run_dir "$name")
  state=$(state_dir "$name")
  mkdir -p "$run" "$state/docker"
  [ -f "$run/daemon.json" ] || echo '{}' >"$run/daemon.json"
  if [ -f "$run/docker.pid" ] && kill -0 "$(cat "$run/docker.pid")" 2>/dev/null; then
    return 0
  fi
  in_host "$name" setsid dockerd \
    --data-root "$state/docker" --exec-root "$run/docker-exec" \
    -H "unix://$run/docker.sock" --pidfile "$run/docker.pid" \
    --config-file "$run/daemon.json" >"$run/dockerd.log" 2>&1 </dev/null &
  local n=0
  until DOCKER_HOST="unix://$run/docker.sock" docker info >/dev/null 2>&1; do
    n=$((n + 1))
    if [ "$n" -gt 60 ]; then
      echo "emulated-host: the Docker engine of $name did not start; see $run/dockerd.log" >&2
      tail -n 20 "$run/dockerd.log" >&2
      exit 1
    fi
    sleep 0.5
  done
}

stop_docker() {
  local name=$1 run pid n=0
  run=$(run_dir "$name")
  [ -f "$run/docker.pid" ] || return 0
  pid=$(cat "$run/docker.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do
      n=$((n + 1))
      [ "$n" -lt 60 ] || { kill -9 "$pid" 2>/dev/null || true; break; }
      sleep 0.5
    done
  fi
  rm -f "$run/docker.pid"
}

cmd_up() {
  local name=$1 address=$2 ns veth
  check_name "$name"
  case "$address" in
    */*) ;;
    *) echo "emulated-host: address '$address' needs a prefix length, e.g. 10.99.0.11/24" >&2; exit 2 ;;
  esac
  ns=$(netns_of "$name")
  veth="cnv-$name"
  ensure_vpc_bridge
  [ -e "/var/run/netns/$ns" ] || ip netns add "$ns"
  in_host "$name" ip link set lo up
  if ! ip link show "$veth" >/dev/null 2>&1; then
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip link set "$veth" master "$VPC_BRIDGE" up
  fi
  start_ovs "$name"
  local -a vsctl=(env "OVS_RUNDIR=$(run_dir "$name")/ovs" ovs-vsctl)
  "${vsctl[@]}" --may-exist add-br br-underlay -- set bridge br-underlay datapath_type=netdev
  "${vsctl[@]}" --may-exist add-port br-underlay eth0
  # eth0 only carries frames for Open vSwitch; the address lives on
  # br-underlay, so eth0 itself must not answer ARP for it.
  in_host "$name" sysctl -qw net.ipv4.conf.eth0.arp_ignore=1 net.ipv6.conf.eth0.disable_ipv6=1
  in_host "$name" ip link set eth0 up
  in_host "$name" ip link set br-underlay up
  if ! in_host "$name" ip -o addr show dev br-underlay | grep -q " ${address%/*}/"; then
    in_host "$name" ip addr add "$address" dev br-underlay
  fi
  start_docker "$name"
  echo "emulated host $name is up at $address (namespace $ns)"
}

cmd_down() {
  local name=$1 ns run pidfile
  check_name "$name"
  ns=$(netns_of "$name")
  run=$(run_dir "$name")
  if [ -S "$run/docker.sock" ]; then
    # Containers first, so their network plumbing goes with them.
    local ids
    ids=$(DOCKER_HOST="unix://$run/docker.sock" docker ps -aq 2>/dev/null || true)
    if [ -n "$ids" ]; then
      # shellcheck disable=SC2086 # one id per word
      DOCKER_HOST="unix://$run/docker.sock" docker rm -f $ids >/dev/null 2>&1 || true
    fi
  fi
  stop_docker "$name"
  for pidfile in "$run/ovs/ovs-vswitchd.pid" "$run/ovs/ovsdb-server.pid"; do
    if [ -f "$pidfile" ]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
      rm -f "$pidfile"
    fi
  done
  ip link del "cnv-$name" 2>/dev/null || true
  if [ -e "/var/run/netns/$ns" ]; then
    ip netns del "$ns"
  fi
  # dockerd leaves a namespace mount under its exec root; lift any mount
  # left below the host's folder before removing it.
  local mount
  awk -v root="$run/" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r mount; do umount -l "$mount" 2>/dev/null || true; done
  rm -rf "$run" "$(state_dir "$name")/ovs"
  echo "emulated host $name is down"
}

cmd_exec() {
  local name=$1
  shift
  check_name "$name"
  local -a settings
  mapfile -t settings < <(host_env "$name")
  # Only the network namespace changes (as for dockerd itself): "ip netns
  # exec" would also remount /sys and hide the cgroup mounts, and a step that
  # restarts Docker could then not start it again.
  in_host "$name" env "${settings[@]}" "$@"
}

cmd_load_images() {
  local name=$1 image wanted have
  shift
  check_name "$name"
  local sock
  sock="unix://$(run_dir "$name")/docker.sock"
  for image in "$@"; do
    wanted=$(docker image inspect --format '{{.Id}}' "$image")
    have=$(DOCKER_HOST=$sock docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
    if [ "$wanted" != "$have" ]; then
      docker save "$image" | DOCKER_HOST=$sock docker load -q
    fi
  done
}

cmd_restart_docker() {
  local name=$1
  check_name "$name"
  stop_docker "$name"
  start_docker "$name"
}

[ "$#" -ge 1 ] || usage
command=$1
shift
case "$command" in
  up) [ "$#" -eq 2 ] || usage; cmd_up "$@" ;;
  down) [ "$#" -eq 1 ] || usage; cmd_down "$1" ;;
  env) [ "$#" -eq 1 ] || usage; check_name "$1"; host_env "$1" ;;
  exec) [ "$#" -ge 2 ] || usage; cmd_exec "$@" ;;
  load-images) [ "$#" -ge 2 ] || usage; cmd_load_images "$@" ;;
  restart-docker) [ "$#" -eq 1 ] || usage; cmd_restart_docker "$1" ;;
  list) ip netns list | sed -n 's/^cnlab-\([a-z0-9]*\).*/\1/p' ;;
  *) usage ;;
esac

#!/usr/bin/env bash
# machine.sh: rehearsal machines. A rehearsal machine is a lab host on this
# computer: a system container (systemd as PID 1) with its own root filesystem
# made from a Debian release with debootstrap, its own network namespace on a
# bridge that plays the VPC subnet, and its own Docker data on a folder of this
# computer (not overlay on overlay). It boots from a lab host's user data,
# run by cloud-init, exactly as an EC2 instance does.
#
# Usage:
#   machine.sh image RELEASE          build (or reuse) the image cnlab-machine:RELEASE
#   machine.sh network                create (or reuse) the emulated VPC network
#   machine.sh boot NAME RELEASE ADDRESS
#                                     start a machine from its prepared folder
#                                     /var/lib/cnlab/machines/NAME (see below)
#   machine.sh exec NAME COMMAND...   run a command on a machine (as root)
#   machine.sh keep-packages NAME RELEASE
#                                     add the packages a machine downloaded to the
#                                     release's package cache, for the next machines
#   machine.sh destroy NAME           remove a machine and its folder
#   machine.sh list                   the machines that exist
#
# The folder of a machine, prepared by the rehearsal before boot:
#   seed/user-data, seed/meta-data    cloud-init's NoCloud seed: the user data
#   rehearsal/template.json           the stack's template, read by cfn-init's stand-in
#   preload/*.tar                     images to find in the machine's Docker at
#                                     first start (docker save format)
#   files/...                         files to put on its disk before it boots
#                                     (files/usr/local/bin/x -> /usr/local/bin/x)
# and, once it runs: docker/ and containerd/ (its Docker data), and
# rehearsal/signal.json and rehearsal/wait-condition.json, what cfn-signal's stand-in
# was told (the creation policy's signal; the wait condition's, with the reason).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
MIRROR=${CNLAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
STATE_ROOT=/var/lib/cnlab/machines
APT_CACHE_ROOT=/var/cache/cnlab/apt
CONTAINER_PREFIX=cnlab-m-
MACHINE_LABEL=org.container-networks-lab.machine
NETWORK=cnlab-vpc
NETWORK_BRIDGE=cnlab-vpc0
NETWORK_SUBNET=10.99.0.0/24
NETWORK_GATEWAY=10.99.0.1
NETWORK_MTU=9001 # as between instances of a VPC

say() { printf -- '--> %s\n' "$*"; }
die() {
  echo "machine.sh: $*" >&2
  exit 1
}
usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
  exit 2
}

check_name() {
  case "$1" in
    '' | *[!a-z0-9]*) die "machine name '$1' is not allowed: use lower case letters and digits" ;;
  esac
}
check_release() {
  case "$1" in
    trixie | forky | sid | unstable) ;;
    *) die "release '$1' is not supported: trixie (Debian 13) or unstable" ;;
  esac
}
container_of() { printf '%s%s' "$CONTAINER_PREFIX" "$1"; }
folder_of() { printf '%s/%s' "$STATE_ROOT" "$1"; }

# base_image RELEASE: cnlab-machine-base:RELEASE, a debootstrapped Debian with
# systemd. Made once and kept (the apt-get layer of `image` brings it up to date).
base_image() {
  local release=$1 rootfs log
  if docker image inspect "cnlab-machine-base:$release" >/dev/null 2>&1; then
    say "cnlab-machine-base:$release exists"
    return 0
  fi
  command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install debootstrap"
  rootfs=$(mktemp -d /var/tmp/cnlab-rootfs.XXXXXX)
  log=/var/log/cnlab-debootstrap-$release.log
  say "debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus $release ($MIRROR; log $log)"
  if ! debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus "$release" "$rootfs" "$MIRROR" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    rm -rf "$rootfs"
    die "debootstrap of $release failed"
  fi
  if [ "$release" = unstable ] || [ "$release" = sid ]; then
    # This mirror's Release file for unstable is past its Valid-Until date;
    # apt refuses it unless told not to check.
    echo 'Acquire::Check-Valid-Until "false";' >"$rootfs/etc/apt/apt.conf.d/80cnlab-mirror"
  fi
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
  tar -C "$rootfs" --numeric-owner -c . | docker import - "cnlab-machine-base:$release" >/dev/null
  rm -rf "$rootfs"
  say "cnlab-machine-base:$release made"
}

cmd_image() {
  local release=$1
  check_release "$release"
  base_image "$release"
  say "docker build -t cnlab-machine:$release $HERE"
  docker build -q --build-arg "RELEASE=$release" -t "cnlab-machine:$release" "$HERE" >/dev/null
  say "cnlab-machine:$release ready"
}

cmd_network() {
  if docker network inspect "$NETWORK" >/dev/null 2>&1; then
    return 0
  fi
  docker network create --driver bridge --subnet "$NETWORK_SUBNET" --gateway "$NETWORK_GATEWAY" \
    -o "com.docker.network.bridge.name=$NETWORK_BRIDGE" \
    -o "com.docker.network.driver.mtu=$NETWORK_MTU" \
    --label "$MACHINE_LABEL=network" "$NETWORK" >/dev/null
  say "network $NETWORK ($NETWORK_SUBNET, gateway $NETWORK_GATEWAY, MTU $NETWORK_MTU) made"
}

# stop_preload_engine PID RUN: stops a throw-away engine of preload (unshare
# execs dockerd, so PID is the engine's) and removes its run folder.
stop_preload_engine() {
  local engine=$1 run=$2
  kill "$engine" 2>/dev/null || true
  wait "$engine" 2>/dev/null || true
  rm -rf "$run"
}

# preload DATA_ROOT TAR...: load images into a Docker data folder before the
# machine's own Docker first starts there, with a throw-away engine of this
# computer (no network, no iptables, in a network namespace of its own). The
# folder then holds only images.
preload() {
  local data_root=$1 run n=0 tarball engine
  shift
  [ "$#" -gt 0 ] || return 0
  run=$(mktemp -d /run/cnlab-preload.XXXXXX)
  # A network namespace of its own: an engine started with --bridge=none in
  # this computer's namespace would take this computer's docker0 away.
  unshare --net dockerd --data-root "$data_root" --exec-root "$run/exec" --pidfile "$run/dockerd.pid" \
    -H "unix://$run/docker.sock" --bridge=none --iptables=false --ip-masq=false \
    --ip-forward=false --storage-driver overlay2 >"$run/dockerd.log" 2>&1 </dev/null &
  engine=$!
  # Whatever ends the script from here (die, a failed docker load under set -e)
  # stops the engine first: it must not outlive the boot that started it.
  # shellcheck disable=SC2064 # expanded now, on purpose: this call's engine and folder
  trap "stop_preload_engine $engine '$run'" EXIT
  until DOCKER_HOST="unix://$run/docker.sock" docker info >/dev/null 2>&1; do
    n=$((n + 1))
    [ "$n" -lt 100 ] || { tail -n 20 "$run/dockerd.log" >&2; die "the preload engine did not start"; }
    sleep 0.2
  done
  for tarball in "$@"; do
    DOCKER_HOST="unix://$run/docker.sock" docker load -q -i "$tarball" | sed 's/^/    /'
  done
  trap - EXIT
  stop_preload_engine "$engine" "$run"
  # Only the images stay; the machine's engine makes its own networks and state.
  rm -rf "$data_root"/{network,buildkit,containers,runtimes,tmp,swarm,plugins,engine-id}
}

cmd_boot() {
  local name=$1 release=$2 address=$3 folder container apt_cache
  check_name "$name"
  check_release "$release"
  folder=$(folder_of "$name")
  container=$(container_of "$name")
  [ -f "$folder/seed/user-data" ] || die "$folder/seed/user-data is missing: prepare the machine first"
  [ -f "$folder/rehearsal/template.json" ] || die "$folder/rehearsal/template.json is missing"
  docker rm -f "$container" >/dev/null 2>&1 || true
  rm -rf "$folder/docker" "$folder/containerd" "$folder/rehearsal/signal.json" "$folder/rehearsal/wait-condition.json"
  mkdir -p "$folder/docker" "$folder/containerd"
  shopt -s nullglob
  local tarballs=("$folder"/preload/*.tar)
  shopt -u nullglob
  if [ "${#tarballs[@]}" -gt 0 ]; then
    say "$name: preloading ${#tarballs[@]} image archive(s) into its Docker data"
    preload "$folder/docker" "${tarballs[@]}"
  fi
  # Packages are downloaded once per release for all machines: each machine's
  # apt cache starts with the packages others downloaded before (apt checks
  # every cached package against the release's signed index before using it),
  # and keep-packages puts its own downloads there after its boot.
  apt_cache=$folder/apt-archives
  mkdir -p "$apt_cache/partial" "$APT_CACHE_ROOT/$release"
  find "$APT_CACHE_ROOT/$release" -maxdepth 1 -name '*.deb' -exec cp -al -t "$apt_cache" {} +
  cmd_network
  # IP forwarding starts off, as on an EC2 instance: the machine's Docker then
  # switches it on itself and sets the FORWARD policy to DROP, as it does there.
  # --privileged fails on this kind of computer (its bounding set lacks
  # CAP_SYS_RESOURCE): every other capability, no seccomp or AppArmor filter,
  # all devices, /dev/net/tun for Open vSwitch's userspace datapath, and a
  # cgroup namespace of its own (pid1.sh makes it pure cgroup v2).
  docker create --name "$container" --hostname "$name" --label "$MACHINE_LABEL=$name" \
    --network "$NETWORK" --ip "$address" --sysctl net.ipv4.ip_forward=0 \
    --cap-add ALL --cap-drop SYS_RESOURCE \
    --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
    --security-opt systempaths=unconfined \
    --device-cgroup-rule 'a *:* rwm' --device /dev/net/tun --cgroupns=private \
    --tmpfs /run --tmpfs /run/lock \
    -v "$folder/seed:/var/lib/cloud/seed/nocloud:ro" \
    -v "$folder/rehearsal:/var/lib/cnlab-rehearsal" \
    -v "$folder/docker:/var/lib/docker" \
    -v "$folder/containerd:/var/lib/containerd" \
    -v "$apt_cache:/var/cache/apt/archives" \
    "cnlab-machine:$release" >/dev/null
  if [ -d "$folder/files" ] && [ -n "$(ls -A "$folder/files")" ]; then
    say "$name: files on its disk before boot: $(cd "$folder/files" && find . -type f | sed 's|^\.||' | tr '\n' ' ')"
    docker cp "$folder/files/." "$container:/"
  fi
  docker start "$container" >/dev/null
  say "$name booting ($release, $address, container $container)"
}

cmd_keep_packages() {
  local name=$1 release=$2
  check_name "$name"
  check_release "$release"
  mkdir -p "$APT_CACHE_ROOT/$release"
  find "$(folder_of "$name")/apt-archives" -maxdepth 1 -name '*.deb' -exec cp -aln -t "$APT_CACHE_ROOT/$release" {} + 2>/dev/null || true
}

cmd_exec() {
  local name=$1
  shift
  check_name "$name"
  docker exec -i "$(container_of "$name")" "$@"
}

cmd_destroy() {
  local name=$1
  check_name "$name"
  docker rm -f "$(container_of "$name")" >/dev/null 2>&1 || true
  rm -rf "$(folder_of "$name")"
}

cmd_list() {
  docker ps -a --filter "label=$MACHINE_LABEL" --format '{{.Names}}' | sed -n "s/^$CONTAINER_PREFIX//p" | sort
}

[ "$#" -ge 1 ] || usage
command=$1
shift
case "$command" in
  image) [ "$#" -eq 1 ] || usage; cmd_image "$1" ;;
  network) [ "$#" -eq 0 ] || usage; cmd_network ;;
  boot) [ "$#" -eq 3 ] || usage; cmd_boot "$@" ;;
  exec) [ "$#" -ge 2 ] || usage; cmd_exec "$@" ;;
  keep-packages) [ "$#" -eq 2 ] || usage; cmd_keep_packages "$@" ;;
  destroy) [ "$#" -eq 1 ] || usage; cmd_destroy "$1" ;;
  list) [ "$#" -eq 0 ] || usage; cmd_list ;;
  *) usage ;;
esac

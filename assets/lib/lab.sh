# shellcheck shell=bash
# lab.sh: the small helpers every lab script uses.
#
# Each SSM document carries a copy of this file in front of the step's own
# script, so a document is complete on its own. On a lab host the same file
# sits at /opt/container-networks/lib/lab.sh and the step scripts there load
# it, so running a step by hand behaves exactly like running its document.
#
# Settings (environment variables), with what a real EC2 lab host uses:
#   CNLAB_HOME           where the lab files live        (/opt/container-networks)
#   CNLAB_OVS_DATAPATH   Open vSwitch datapath: system = the kernel module,
#                        netdev = userspace (for kernels without openvswitch) (system)
#   CNLAB_DOCKER_DAEMON_JSON  the Docker daemon's settings file (/etc/docker/daemon.json)
#   CNLAB_DOCKER_RESTART a command that restarts the Docker daemon
#                        (systemctl restart docker)
#   CNLAB_PIPEWORK       the pipework script              (/usr/local/bin/pipework)
#   DOCKER_HOST, OVS_RUNDIR  followed by docker and ovs-vsctl as usual.

# A host whose kernel differs from an EC2 lab host's says so in this file (a
# rehearsal machine, whose kernel has no openvswitch module, sets
# CNLAB_OVS_DATAPATH=netdev there). EC2 lab hosts have no such file.
CNLAB_HOST_SETTINGS=/etc/container-networks/host.env
if [ -r "$CNLAB_HOST_SETTINGS" ]; then
  # shellcheck source=/dev/null
  . "$CNLAB_HOST_SETTINGS"
fi

: "${CNLAB_HOME:=/opt/container-networks}"
: "${CNLAB_OVS_DATAPATH:=system}"
: "${CNLAB_DOCKER_DAEMON_JSON:=/etc/docker/daemon.json}"
: "${CNLAB_DOCKER_RESTART:=systemctl restart docker}"
: "${CNLAB_PIPEWORK:=/usr/local/bin/pipework}"
export CNLAB_HOME CNLAB_OVS_DATAPATH CNLAB_DOCKER_DAEMON_JSON CNLAB_DOCKER_RESTART CNLAB_PIPEWORK

# The lab images, built on every host from assets/images/<name>/ during provisioning.
CNLAB_IMAGE_PREFIX=cnlab
# Label put on everything a step creates, so its reset can find it.
CNLAB_LABEL="container-networks-lab.step"
# Where the lab scripts keep notes between a step's run and its reset.
CNLAB_STATE=/var/lib/container-networks
export CNLAB_IMAGE_PREFIX CNLAB_LABEL CNLAB_STATE

# section TITLE: a heading between the parts of a step's output.
section() {
  printf '\n=== %s ===\n' "$*"
}

# say TEXT: a line of explanation for the attendee.
say() {
  printf -- '--> %s\n' "$*"
}

# show COMMAND [ARGS...]: print the command, then run it. Every teaching
# command goes through show, so the output reads like a terminal session.
show() {
  printf '\n$ %s\n' "$*"
  "$@"
}

# show_sh 'COMMAND | FILTER': like show, for a short pipeline.
show_sh() {
  printf '\n$ %s\n' "$1"
  bash -c "$1"
}

# show_when_ready TRIES COMMAND...: wait quietly until COMMAND succeeds (at
# most TRIES tries, a second apart: a service takes a moment to start
# listening), then show it as the attendee would type it, and run it.
show_when_ready() {
  local tries=$1
  shift
  retry "$tries" "$@" >/dev/null 2>&1 || true
  show "$@"
}

# pass TEXT: the check's verdict when all is well (exit 0).
pass() {
  printf 'PASS: %s\n' "$*"
  exit 0
}

# fail TEXT: the check's verdict when something is wrong (exit 1). TEXT says
# what is wrong and what to try.
fail() {
  printf 'FAIL: %s\n' "$*"
  exit 1
}

# lab_image NAME: the full name of a lab image, e.g. lab_image hello -> cnlab/hello.
lab_image() {
  printf '%s/%s' "$CNLAB_IMAGE_PREFIX" "$1"
}

# not_rehearsed WHAT: say that a command could not run on this machine (used
# only where a tool is missing on a rehearsal machine, never on a lab host).
not_rehearsed() {
  printf 'NOT REHEARSED: %s\n' "$*"
}

# retry TIMES COMMAND...: run COMMAND until it succeeds, at most TIMES times,
# one second apart (services take a moment to start listening).
retry() {
  retry_every 1 "$@"
}

# retry_backoff TIMES FIRST_WAIT COMMAND...: run COMMAND until it succeeds, at
# most TIMES times. The wait between tries starts at FIRST_WAIT seconds and
# doubles (5 minutes at most), plus a random part of up to half of it, so that
# hundreds of hosts that failed together (a package mirror or Docker Hub busy
# on a workshop morning) do not all try again in the same second. For
# downloads: apt, docker pull and build, pipework.
retry_backoff() {
  local times=$1 wait=$2 n=1 pause
  shift 2
  until "$@"; do
    if [ "$n" -ge "$times" ]; then
      say "failed $n times, giving up: $*"
      return 1
    fi
    pause=$((wait + RANDOM % (wait / 2 + 1)))
    say "try $n of $times failed; next try in ${pause} s: $*"
    sleep "$pause"
    n=$((n + 1))
    wait=$((wait * 2 > 300 ? 300 : wait * 2))
  done
}

# retry_every SECONDS TIMES COMMAND...: like retry, with SECONDS between tries.
retry_every() {
  local pause=$1 times=$2 n=1
  shift 2
  until "$@"; do
    if [ "$n" -ge "$times" ]; then
      return 1
    fi
    n=$((n + 1))
    sleep "$pause"
  done
}

# Reading Docker's state. Docker's --format option takes Go templates, which
# are written with double curly braces; Systems Manager reads double braces in
# a document as a reference to a document parameter, so the lab scripts read
# the JSON that `docker inspect` prints with jq instead.

# container_running NAME: true when the container NAME exists and runs.
container_running() {
  [ "$(docker inspect "$1" 2>/dev/null | jq -r '.[0].State.Running')" = true ]
}

# container_pid NAME: the host's process id of the container's first process.
container_pid() {
  docker inspect "$1" | jq -r '.[0].State.Pid'
}

# container_ip NAME: the container's IPv4 address (on its first network).
container_ip() {
  docker inspect "$1" | jq -r '[.[0].NetworkSettings.Networks[].IPAddress | select(. != "")][0] // empty'
}

# network_ipv4 NETWORK FIELD: a Docker network's IPv4 Subnet or Gateway.
network_ipv4() {
  docker network inspect "$1" \
    | jq -r --arg field "$2" '[.[0].IPAM.Config[] | select((.Subnet // "") | test(":") | not) | .[$field] // empty][0] // empty'
}

# docker_server_version: the Docker daemon's version (from `docker version`).
docker_server_version() {
  docker version 2>/dev/null | awk '/^Server/ { server = 1 } server && $1 == "Version:" { print $2; exit }'
}

# host_address: this host's own IPv4 address on its network: the address of
# the interface that holds the default route, else the first global address
# that is not on a bridge made by Docker or by a lab step.
host_address() {
  local dev address=""
  dev=$(ip -4 route show default | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
  if [ -n "$dev" ]; then
    address=$(ip -4 -o addr show dev "$dev" scope global | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
  fi
  if [ -z "$address" ]; then
    address=$(ip -4 -o addr show scope global \
      | grep -Ev ': (docker0|br-[0-9a-f]{12}|br-s7|br-tun|br1|ovsbr1|s[0-9]-[a-z0-9-]+) ' \
      | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
  fi
  printf '%s' "$address"
}

# Kernel modules. A step that makes the kernel load a module (Docker loads
# br_netfilter for icc=false; Open vSwitch loads the tunnel modules) notes
# which were loaded before it ran; its reset unloads only those the step
# loaded, so the host's kernel is as the step found it.

# module_state MODULE: loaded, absent, builtin (part of the kernel: cannot be
# unloaded), or none (this kernel has no loadable modules: no /proc/modules).
module_state() {
  local name=${1//-/_} builtin
  if [ ! -e /proc/modules ]; then
    echo none
  elif awk -v m="$name" '$1 == m { found = 1 } END { exit !found }' /proc/modules; then
    echo loaded
  else
    builtin=/lib/modules/$(uname -r)/modules.builtin
    if [ -r "$builtin" ] && sed 's#.*/##; s#\.ko$##; s#-#_#g' "$builtin" | grep -qx "$name"; then
      echo builtin
    else
      echo absent
    fi
  fi
}

# note_modules STEP MODULE...: write down which of these modules are loaded
# now, before STEP changes anything. A second run keeps the first note.
note_modules() {
  local step=$1 note=$CNLAB_STATE/modules-before-$1 module
  shift
  [ -e "$note" ] && return 0
  mkdir -p "$CNLAB_STATE"
  for module in "$@"; do
    printf '%s %s\n' "$module" "$(module_state "$module")"
  done >"$note"
}

# noted_module_state STEP MODULE: MODULE's state as note_modules wrote it down
# before STEP's run (loaded, absent, builtin or none); nothing without a note.
noted_module_state() {
  local note=$CNLAB_STATE/modules-before-$1
  [ -r "$note" ] || return 0
  awk -v m="$2" '$1 == m { print $2; exit }' "$note"
}

# restore_modules STEP: unload, in the order noted, the modules that were
# absent before STEP's run and are loaded now; say what stays and why.
restore_modules() {
  local step=$1 note=$CNLAB_STATE/modules-before-$1 module was now
  local -a unloaded=() kept=() builtin=() stuck=()
  if [ ! -e "$note" ]; then
    say "kernel modules: no note from step $step's run, so nothing to unload"
    return 0
  fi
  while read -r module was; do
    now=$(module_state "$module")
    case "$was/$now" in
      none/*)
        say "kernel modules: this kernel cannot load or unload modules (no /proc/modules; what it has is built in), so there is nothing to unload"
        break ;;
      absent/loaded)
        if rmmod "$module" 2>/dev/null; then unloaded+=("$module"); else stuck+=("$module"); fi ;;
      loaded/loaded) kept+=("$module") ;;
      builtin/* | */builtin) builtin+=("$module") ;;
    esac
  done <"$note"
  [ "${#unloaded[@]}" -eq 0 ] || say "kernel modules: unloaded ${unloaded[*]} (loaded during step $step)"
  [ "${#kept[@]}" -eq 0 ] || say "kernel modules: ${kept[*]} stay loaded (they were loaded before step $step)"
  [ "${#builtin[@]}" -eq 0 ] || say "kernel modules: ${builtin[*]} are built into this kernel and cannot be unloaded"
  [ "${#stuck[@]}" -eq 0 ] || say "kernel modules: ${stuck[*]} were loaded during step $step but are in use and stay loaded ('lsmod' shows what uses them)"
  rm -f "$note"
}

# running_container_pids NAME...: the host's process ids of those of these
# containers that run, one a line: read them before removing the containers,
# for remove_netns_links.
running_container_pids() {
  local name
  for name in "$@"; do
    if container_running "$name"; then
      container_pid "$name" || return 1
    fi
  done
}

# remove_netns_links [PID...]: remove the /var/run/netns/<pid> links that
# pipework makes (so that `ip netns exec <pid>` reaches a container) for these
# process ids, and any such link whose process is gone. Only symbolic links
# named after a process id and pointing at /proc/<that id>/ns/net are touched:
# `ip netns add` makes files, never such links.
remove_netns_links() {
  local link pid
  for link in /var/run/netns/*; do
    [ -L "$link" ] || continue
    pid=${link##*/}
    if ! [[ "$pid" =~ ^[0-9]+$ ]] || [ "$(readlink "$link")" != "/proc/$pid/ns/net" ]; then
      continue
    fi
    if [ ! -e "/proc/$pid" ] || [[ " $* " == *" $pid "* ]]; then
      say "removing the namespace link $link (pipework made it for process $pid)"
      rm -f "$link"
    fi
  done
}

# wanted_lab_images: the names of the lab images this host builds, one a
# line: those its user data listed in /var/lib/container-networks/lab-images
# (the images of the steps of its topology), else every folder under images/.
wanted_lab_images() {
  local list=/var/lib/container-networks/lab-images dir
  if [ -s "$list" ] && [ -n "$(tr -d '[:space:]' <"$list")" ]; then
    tr -s '[:space:]' '\n' <"$list" | sed '/^$/d'
    return 0
  fi
  for dir in "$CNLAB_HOME"/images/*/; do
    [ -f "$dir/Dockerfile" ] && basename "$dir"
  done
  return 0
}

# remove_containers NAME...: remove containers if they exist (quietly).
remove_containers() {
  local name
  for name in "$@"; do
    if docker container inspect "$name" >/dev/null 2>&1; then
      docker rm -f "$name" >/dev/null
    fi
  done
}

# remove_networks NAME...: remove Docker networks if they exist (quietly).
remove_networks() {
  local name
  for name in "$@"; do
    if docker network inspect "$name" >/dev/null 2>&1; then
      docker network rm "$name" >/dev/null
    fi
  done
}

# restart_docker: restart the Docker daemon and wait until it answers.
#
# Every running container stops with the daemon. Docker starts again those
# that have a restart policy (the lab steps give one to every container they
# leave running), each in a new network namespace: what Docker plumbed comes
# back by itself, but a cable made by hand into the old namespace (steps 3
# and 5) is gone with it. Such a step leaves a note in $CNLAB_STATE/recable/
# (its reset removes it), and the cables are put back here.
restart_docker() {
  local -a coming_back=()
  local name hook missing=()
  mapfile -t coming_back < <(containers_with_restart_policy)
  say "restarting the Docker daemon ($CNLAB_DOCKER_RESTART)"
  # systemd refuses to start a unit restarted several times in a row within a
  # short while; forget earlier restarts so a step can be run again at once.
  if has_systemd; then
    systemctl reset-failed docker >/dev/null 2>&1 || true
  fi
  sh -c "$CNLAB_DOCKER_RESTART"
  if ! retry 30 docker info >/dev/null 2>&1; then
    say "the Docker daemon does not answer 30 s after its restart: look at 'systemctl status docker' and 'journalctl -u docker'"
    return 1
  fi
  if [ "${#coming_back[@]}" -gt 0 ]; then
    say "containers with a restart policy that Docker starts again: ${coming_back[*]}"
    if ! retry 3 all_running "${coming_back[@]}"; then
      for name in "${coming_back[@]}"; do
        container_running "$name" || missing+=("$name")
      done
    fi
    if [ "${#missing[@]}" -gt 0 ]; then
      # Docker starts them all at once and does not try again: a container
      # that shares another's namespace (--network container:NAME) fails when
      # it comes up first.
      say "not running yet: ${missing[*]}; starting them again"
      docker start "${missing[@]}" >/dev/null 2>&1 || true
      retry 20 all_running "${missing[@]}" \
        || say "still not running: look at 'docker ps -a' and 'docker logs NAME' for ${missing[*]}"
    fi
  fi
  for hook in "$CNLAB_STATE"/recable/*.sh; do
    [ -f "$hook" ] || continue
    say "putting back hand-made cables that died with the old namespaces ($hook)"
    # Inside an `if` bash ignores set -e, so the hook stops at its first
    # failure by itself: each line ends in `|| exit 1` (remember_cables), and
    # the recable_ functions return 1 at their first failing command.
    # shellcheck source=/dev/null
    if ! (. "$hook"); then
      say "could not put back every cable of $hook: run that step's run.sh again"
    fi
  done
}

# all_running NAME...: true when every one of these containers runs.
all_running() {
  local name
  for name in "$@"; do
    container_running "$name" || return 1
  done
}

# containers_with_restart_policy: the names of the running containers that
# Docker starts again after a restart of the daemon.
containers_with_restart_policy() {
  local ids
  ids=$(docker ps -q)
  [ -n "$ids" ] || return 0
  # shellcheck disable=SC2086 # one id per word
  docker inspect $ids | jq -r '.[] | select((.HostConfig.RestartPolicy.Name // "no") | IN("", "no") | not) | .Name | ltrimstr("/")'
}

# remember_cables STEP LINE...: lines of lab.sh calls that put back STEP's
# hand-made cables after a restart of Docker (see restart_docker); forget_cables
# STEP drops them (its reset does). The first line that fails ends the others.
remember_cables() {
  local step=$1
  shift
  mkdir -p "$CNLAB_STATE/recable"
  {
    printf '%s\n' "# written by step $step's run.sh, removed by its reset.sh"
    printf '%s || exit 1\n' "$@"
  } >"$CNLAB_STATE/recable/$step.sh"
}
forget_cables() {
  rm -f "$CNLAB_STATE/recable/$1.sh"
}

# recable_veth C1 IF1 ADDRESS1 C2 IF2 ADDRESS2: a veth pair between two
# running containers, IF1 with ADDRESS1 in C1 and IF2 with ADDRESS2 in C2
# (step 3's cable by hand); nothing to do when C1 still has IF1. Returns 1 at
# its first failing command (restart_docker runs it inside an `if`, where
# set -e does not stop it).
recable_veth() {
  local pid1 pid2
  pid1=$(container_pid "$1") || return 1
  pid2=$(container_pid "$4") || return 1
  if nsenter --target "$pid1" --net ip link show "$2" >/dev/null 2>&1; then
    return 0
  fi
  ip link del "$2" 2>/dev/null || true
  show ip link add "$2" type veth peer name "$5" || return 1
  show ip link set "$2" netns "$pid1" || return 1
  show ip link set "$5" netns "$pid2" || return 1
  show nsenter --target "$pid1" --net ip addr add "$3" dev "$2" || return 1
  show nsenter --target "$pid1" --net ip link set "$2" up || return 1
  show nsenter --target "$pid2" --net ip addr add "$6" dev "$5" || return 1
  show nsenter --target "$pid2" --net ip link set "$5" up || return 1
}

# recable_pipework BRIDGE IFACE CONTAINER ADDRESS/PREFIX: pipework_attach
# again, unless the container still has IFACE. On an Open vSwitch bridge the
# port records of cables that died with the old namespace go first. Returns 1
# at its first failing command, as recable_veth does.
recable_pipework() {
  local bridge=$1 iface=$2 container=$3 port
  if nsenter --target "$(container_pid "$container")" --net ip link show "$iface" >/dev/null 2>&1; then
    return 0
  fi
  if ovs-vsctl br-exists "$bridge" 2>/dev/null; then
    for port in $(ovs-vsctl list-ports "$bridge"); do
      ip link show "$port" >/dev/null 2>&1 || ovs-vsctl del-port "$bridge" "$port" || return 1
    done
  fi
  pipework_attach "$@" || return 1
  # The host may still know the address with the old cable's MAC address:
  # forget it, so that its next packet asks again (ARP).
  ip neigh flush to "${4%/*}" 2>/dev/null || true
}

# pipework_attach BRIDGE IFACE CONTAINER ADDRESS/PREFIX: cable CONTAINER to
# BRIDGE with pipework (IFACE inside the container). Where pipework is missing
# because its download failed (the host is "degraded: pipework") the same
# plumbing is done by hand, saying why; on a rehearsal machine, where pipework
# cannot be downloaded, the pipework command is reported as NOT REHEARSED.
# On an Open vSwitch bridge the cable then gets userspace_datapath_fixup
# (which does nothing with the kernel datapath).
# Returns 1 at the first failing command (recable_pipework runs it where set -e
# does not stop it).
pipework_attach() {
  local bridge=$1 iface=$2 container=$3 address=$4
  local -a args=("$bridge")
  [ "$iface" = eth1 ] || args+=(-i "$iface")
  args+=("$container" "$address")
  if [ -x "$CNLAB_PIPEWORK" ]; then
    show "$CNLAB_PIPEWORK" "${args[@]}" \
      || fail "pipework ${args[*]} failed (output above): look at 'docker inspect $container' and 'ip link show $bridge'."
  else
    pipework_by_hand "$bridge" "$iface" "$container" "$address" "pipework ${args[*]}" || return 1
  fi
  if ovs-vsctl br-exists "$bridge" 2>/dev/null; then
    userspace_datapath_fixup "$container" "$iface" || return 1
  fi
}

# pipework_by_hand BRIDGE IFACE CONTAINER ADDRESS/PREFIX COMMAND: what the
# pipework COMMAND does, by hand, where pipework is missing (see
# pipework_attach). Returns 1 at the first failing command.
pipework_by_hand() {
  local bridge=$1 iface=$2 container=$3 address=$4 command=$5 pid host_if guest_if why
  why=$(degraded_reason pipework) || why=''
  if [ -z "$why" ] && [ "${CNLAB_REHEARSAL:-}" != 1 ]; then
    fail "pipework is not installed at $CNLAB_PIPEWORK: run the host's pipework component again (sudo bash $CNLAB_HOME/components/pipework.sh) or set CNLAB_PIPEWORK to where it is."
  fi
  if [ -n "$why" ]; then
    say "pipework is unavailable on this host: $why."
    say "So here is what '$command' does, by hand. (Your organiser can install it later: sudo bash $CNLAB_HOME/components/pipework.sh)"
  fi
  if [ "${CNLAB_REHEARSAL:-}" = 1 ]; then
    not_rehearsed "$command"
    say "(rehearsal stand-in: pipework is not on this machine, so here is the same plumbing by hand)"
  fi
  pid=$(container_pid "$container") || return 1
  # pipework's own names: v<iface>pl<pid> on the host, v<iface>pg<pid> for the container.
  host_if="v${iface}pl${pid}"
  guest_if="v${iface}pg${pid}"
  if ! ip link show "$bridge" >/dev/null 2>&1; then
    case "$bridge" in
      ovs*) show ovs-vsctl add-br "$bridge" || return 1 ;;
      *)
        show ip link add dev "$bridge" type bridge || return 1
        show ip link set "$bridge" up || return 1 ;;
    esac
  fi
  show ip link add name "$host_if" type veth peer name "$guest_if" || return 1
  case "$bridge" in
    ovs*) show ovs-vsctl add-port "$bridge" "$host_if" || return 1 ;;
    *) show ip link set "$host_if" master "$bridge" || return 1 ;;
  esac
  show ip link set "$host_if" up || return 1
  show ip link set "$guest_if" netns "$pid" || return 1
  show nsenter --target "$pid" --net ip link set "$guest_if" name "$iface" || return 1
  show nsenter --target "$pid" --net ip addr add "$address" dev "$iface" || return 1
  show nsenter --target "$pid" --net ip link set "$iface" up || return 1
  # As pipework does: an unsolicited ARP reply tells the neighbours (the host
  # among them) the new cable's MAC address for this IP address.
  show nsenter --target "$pid" --net arping -c 1 -A -I "$iface" "${address%/*}" || true
}

# has_systemd: true when systemd manages services here (lab hosts; not CI).
has_systemd() {
  [ -d /run/systemd/system ]
}

# pkg_installed PACKAGE: true when the package PACKAGE is installed.
pkg_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep 'ok installed' >/dev/null
}

# apt_install PACKAGE...: install the packages that are missing (apt-get
# update first, at most once an hour; waits for a busy dpkg lock).
apt_install() {
  local pkg missing=() stamp=${CNLAB_APT_STAMP:-/var/lib/container-networks/apt-updated}
  for pkg in "$@"; do
    pkg_installed "$pkg" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    say "already installed: $*"
    return 0
  fi
  if [ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
    say "apt-get update"
    # A busy or failing mirror, or (at first boot) apt's own timers holding
    # the package lists (DPkg::Lock::Timeout covers only the dpkg lock): try
    # again, waiting longer each time (about 10 minutes in all). Error-Mode=any:
    # without it apt-get update exits 0 when it could not reach the mirror.
    retry_backoff 7 10 apt-get -o DPkg::Lock::Timeout=300 -o APT::Update::Error-Mode=any update -q
    mkdir -p "${stamp%/*}" && touch "$stamp"
  fi
  say "installing: ${missing[*]}"
  # NEEDRESTART_SUSPEND: Ubuntu's needrestart must not restart services mid-install.
  # A download that fails half way is tried again (what was fetched stays in apt's cache).
  retry_backoff 4 15 env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 \
    apt-get -o DPkg::Lock::Timeout=300 install -y -q \
    --no-install-recommends "${missing[@]}"
}

# Degraded: a component that could not do its part (only third-party
# downloads: pipework from GitHub) lets the host be ready without it, and says
# so in this file, one line "<component>: <why>" each. `lab hosts` and the
# readiness signal show it; the steps that need the component say it is
# unavailable.
: "${CNLAB_DEGRADED_FILE:=/var/lib/container-networks/degraded}"
export CNLAB_DEGRADED_FILE

# mark_degraded COMPONENT WHY: record that COMPONENT is missing on this host, and why.
mark_degraded() {
  mkdir -p "${CNLAB_DEGRADED_FILE%/*}"
  printf '%s: %s\n' "$1" "$2" >>"$CNLAB_DEGRADED_FILE"
  say "DEGRADED: $1: $2"
}

# degraded_reason COMPONENT: print why COMPONENT is missing; false when it is not.
degraded_reason() {
  [ -f "$CNLAB_DEGRADED_FILE" ] || return 1
  awk -v name="$1: " 'index($0, name) == 1 { print substr($0, length(name) + 1); found = 1 } END { exit !found }' "$CNLAB_DEGRADED_FILE"
}

# Docker, its runtime and Compose: the packages the docker-engine component
# holds (those of them that are installed) and its check finds held.
# shellcheck disable=SC2034 # used by components/docker-engine.sh and its check
CNLAB_DOCKER_PACKAGES=(docker.io docker-cli containerd runc docker-compose docker-compose-v2)

# hold_packages NAME PACKAGE...: keep the installed ones of these packages as
# they are while the lab runs, so that nothing upgrades or restarts Docker or
# Open vSwitch behind an attendee's back: apt-mark hold (apt upgrade and
# unattended-upgrades leave held packages alone), unattended-upgrades' own
# blacklist, and needrestart (which restarts services after a library
# upgrade, by default on Ubuntu 24.04) told not to restart the lab's daemons.
# NAME names the blacklist file; `apt-mark unhold PACKAGE...` undoes the hold.
hold_packages() {
  local name=$1 pkg
  local -a held=()
  shift
  for pkg in "$@"; do
    if pkg_installed "$pkg"; then
      held+=("$pkg")
    fi
  done
  [ "${#held[@]}" -gt 0 ] || return 0
  apt-mark hold "${held[@]}" >/dev/null
  say "held at their installed versions (apt-mark hold): ${held[*]}"
  mkdir -p /etc/apt/apt.conf.d
  {
    echo "// container-networks-lab: never upgrade these during a workshop (see $CNLAB_HOME/lib/lab.sh, hold_packages)"
    echo 'Unattended-Upgrade::Package-Blacklist {'
    printf '  "%s";\n' "${held[@]}"
    echo '};'
  } >"/etc/apt/apt.conf.d/51cnlab-hold-$name"
  mkdir -p /etc/needrestart/conf.d
  cat >/etc/needrestart/conf.d/51cnlab-lab-services.conf <<'CONF'
# container-networks-lab: never restart the lab's daemons after a library upgrade during a workshop
$nrconf{override_rc}->{qr(^docker)} = 0;
$nrconf{override_rc}->{qr(^containerd)} = 0;
$nrconf{override_rc}->{qr(^openvswitch)} = 0;
$nrconf{override_rc}->{qr(^ovs)} = 0;
CONF
}

# userspace_datapath_fixup CONTAINER IFACE: only with the userspace datapath
# (CNLAB_OVS_DATAPATH=netdev, used where the kernel has no openvswitch
# module). Open vSwitch then reads the container's frames before the kernel
# has filled in their TCP/UDP checksums and would forward them with wrong
# ones, so the container is told to compute checksums itself. EC2 hosts use
# the kernel datapath and skip this.
userspace_datapath_fixup() {
  local container=$1 iface=$2 pid
  if [ "$CNLAB_OVS_DATAPATH" = netdev ]; then
    pid=$(container_pid "$container") || return 1
    nsenter --target "$pid" --net ethtool -K "$iface" tx off >/dev/null
  fi
}

# remove_labelled STEP: remove the containers, then the networks, labelled as
# made by step STEP (e.g. 03): what an earlier run of that step left behind.
remove_labelled() {
  local step=$1 ids
  ids=$(docker ps -aq --filter "label=$CNLAB_LABEL=$step")
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086 # one id per word
    docker rm -f $ids >/dev/null
  fi
  ids=$(docker network ls -q --filter "label=$CNLAB_LABEL=$step")
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086 # one id per word
    docker network rm $ids >/dev/null
  fi
}

# host_number ADDRESSES: this host's position (1, 2, ...) in a comma-separated
# list of IPv4 addresses, found by matching the host's own addresses; 0 when
# none of them is in the list.
host_number() {
  local -a addresses
  local mine i number=0
  IFS=, read -r -a addresses <<<"$1"
  mine=$(ip -o -4 addr show | awk '{print $4}')
  for i in "${!addresses[@]}"; do
    if grep -qx "${addresses[$i]}/[0-9]*" <<<"$mine"; then
      number=$((i + 1))
    fi
  done
  echo "$number"
}

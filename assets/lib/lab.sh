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
export CNLAB_IMAGE_PREFIX CNLAB_LABEL

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
restart_docker() {
  say "restarting the Docker daemon ($CNLAB_DOCKER_RESTART)"
  # systemd refuses to start a unit restarted several times in a row within a
  # short while; forget earlier restarts so a step can be run again at once.
  if has_systemd; then
    systemctl reset-failed docker >/dev/null 2>&1 || true
  fi
  sh -c "$CNLAB_DOCKER_RESTART"
  retry 30 docker info >/dev/null 2>&1
}

# has_systemd: true when systemd manages services here (lab hosts; not CI).
has_systemd() {
  [ -d /run/systemd/system ]
}

# apt_install PACKAGE...: install the packages that are missing (apt-get
# update first, at most once an hour; waits for a busy dpkg lock).
apt_install() {
  local pkg missing=() stamp=/var/lib/container-networks/apt-updated
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep 'ok installed' >/dev/null || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    say "already installed: $*"
    return 0
  fi
  if [ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
    say "apt-get update"
    # A busy or failing mirror, or (at first boot) apt's own timers holding
    # the package lists (DPkg::Lock::Timeout covers only the dpkg lock): try
    # again, waiting longer each time (about 10 minutes in all).
    retry_backoff 7 10 apt-get -o DPkg::Lock::Timeout=300 update -q
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

# userspace_datapath_fixup CONTAINER IFACE: only with the userspace datapath
# (CNLAB_OVS_DATAPATH=netdev, used where the kernel has no openvswitch
# module). Open vSwitch then reads the container's frames before the kernel
# has filled in their TCP/UDP checksums and would forward them with wrong
# ones, so the container is told to compute checksums itself. EC2 hosts use
# the kernel datapath and skip this.
userspace_datapath_fixup() {
  local container=$1 iface=$2 pid
  if [ "$CNLAB_OVS_DATAPATH" = netdev ]; then
    pid=$(docker inspect --format '{{.State.Pid}}' "$container")
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

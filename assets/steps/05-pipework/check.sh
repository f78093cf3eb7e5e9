#!/usr/bin/env bash
# Step 5 check: both apps answer on br1 and ovsbr1, from the host and from each other.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

RUN="sudo $CNLAB_HOME/steps/05-pipework/run.sh"

# answers PID URL NAME: the hello app at URL names NAME, asked from the network
# namespace of process PID (empty PID: from the host).
answers() {
  local pid=$1 url=$2 name=$3 body
  if [ -n "$pid" ]; then
    body=$(nsenter --target "$pid" --net curl -s --max-time 5 "$url" 2>/dev/null) || return 1
  else
    body=$(curl -s --max-time 5 "$url" 2>/dev/null) || return 1
  fi
  case "$body" in *": $name ("*) return 0 ;; *) return 1 ;; esac
}

for app in s5-app01 s5-app02; do
  container_running "$app" || fail "the container $app is not running: run the step first ($RUN)."
done
pid1=$(container_pid s5-app01)
pid2=$(container_pid s5-app02)

ip link show br1 >/dev/null 2>&1 || fail "there is no bridge br1: run the step again ($RUN)."
[[ "$(nsenter --target "$pid1" --net ip -o -4 addr show eth1 2>/dev/null)" == *" 192.168.2.2/24 "* ]] \
  || fail "s5-app01 has no eth1 with 192.168.2.2/24: look at 'nsenter --target $pid1 --net ip addr'; run the step again ($RUN)."
answers "" http://192.168.2.2:8080/ app01 \
  || fail "the host gets no answer from app01 at 192.168.2.2:8080 over br1: is 192.168.2.254/24 on br1 ('ip addr show br1') and is s5-app01's cable a port of br1 ('bridge link show master br1')?"
answers "" http://192.168.2.3:8080/ app02 \
  || fail "the host gets no answer from app02 at 192.168.2.3:8080 over br1: look at 'bridge link show master br1' and 'nsenter --target $pid2 --net ip addr'."
answers "$pid1" http://192.168.2.3:8080/ app02 \
  || fail "app01 cannot reach app02 (192.168.2.3:8080) across br1: is the DOCKER-USER rule there ('iptables -S DOCKER-USER'; add it with 'iptables -I DOCKER-USER -i br1 -o br1 -j ACCEPT')?"
answers "$pid2" http://192.168.2.2:8080/ app01 \
  || fail "app02 cannot reach app01 (192.168.2.2:8080) across br1: look at 'iptables -S DOCKER-USER' and 'bridge link show master br1'."

ovs-vsctl br-exists ovsbr1 2>/dev/null || fail "there is no Open vSwitch bridge ovsbr1: run the step again ($RUN)."
answers "" http://192.168.3.2:8080/ app01 \
  || fail "the host gets no answer from app01 at 192.168.3.2:8080 over ovsbr1: look at 'ovs-vsctl show' and 'ip addr show ovsbr1' (it needs 192.168.3.254/24 and state UP)."
answers "" http://192.168.3.3:8080/ app02 \
  || fail "the host gets no answer from app02 at 192.168.3.3:8080 over ovsbr1: look at 'ovs-vsctl show' and 'ovs-ofctl dump-ports ovsbr1'."
answers "$pid1" http://192.168.3.3:8080/ app02 \
  || fail "app01 cannot reach app02 (192.168.3.3:8080) across ovsbr1: look at 'ovs-appctl fdb/show ovsbr1' and 'ovs-ofctl dump-ports ovsbr1'."
answers "$pid2" http://192.168.3.2:8080/ app01 \
  || fail "app02 cannot reach app01 (192.168.3.2:8080) across ovsbr1: look at 'ovs-appctl fdb/show ovsbr1'."

pass "app01 (192.168.2.2, 192.168.3.2) and app02 (192.168.2.3, 192.168.3.3) answer from the host and from each other, over the Linux bridge br1 and the Open vSwitch bridge ovsbr1"

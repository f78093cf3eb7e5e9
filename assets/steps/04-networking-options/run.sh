#!/usr/bin/env bash
# Step 4 run: change daemon-wide settings (bip, mtu), then build networks with their own subnet, with inter-container traffic off, and internal only.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

daemon_json=$CNLAB_DOCKER_DAEMON_JSON
# The original daemon.json, kept until reset.sh puts it back (empty when there was none).
backup=$daemon_json.step04-backup
# docker0's address before step 4, for reset.sh.
docker0_backup=$daemon_json.step04-docker0
bip=192.168.44.1/24
mtu=1450
host_ip=$(host_address)

# Start clean: remove the containers and networks an earlier run left behind.
remove_labelled 04
# Before anything changes: which of the kernel modules this step may make
# Docker load are loaded now (reset.sh unloads only what the step loaded).
note_modules 04 br_netfilter

section "1. Daemon-wide settings: the default bridge's address (bip) and the containers' MTU"
if [ ! -e "$backup" ]; then
  say "saving the original settings as $backup (reset.sh restores them)"
  if [ -f "$daemon_json" ]; then cp -p "$daemon_json" "$backup"; else : >"$backup"; fi
  ip -4 -o addr show docker0 | awk '{ print $4; exit }' >"$docker0_backup"
fi
original=$(cat "$backup")
[ -n "$original" ] || original='{}'
desired=$(jq --arg bip "$bip" --argjson mtu "$mtu" '. + {bip: $bip, mtu: $mtu}' <<<"$original")
if [ "$(cat "$daemon_json" 2>/dev/null)" != "$desired" ] || ! ip -4 addr show docker0 | grep "inet $bip " >/dev/null; then
  mkdir -p "$(dirname "$daemon_json")"
  printf '%s\n' "$desired" >"$daemon_json"
  say "Docker reads daemon.json only when it starts, so it restarts now. Every running container stops with it;"
  say "the other steps' containers have a restart policy (--restart unless-stopped), so Docker starts them again,"
  say "with new namespaces and, on docker0, addresses from $bip"
  restart_docker
else
  say "daemon.json already holds these settings and Docker runs with them: no restart needed"
fi
show cat "$daemon_json"
show ip -4 addr show docker0
show_sh "docker network inspect bridge | jq '.[0] | {IPAM: .IPAM.Config, Options}'"
show docker run -d --name s4-default --label "$CNLAB_LABEL=04" "$(lab_image client)"
say "a container on the default bridge: an address from $bip, and eth0 with MTU $mtu"
show docker exec s4-default ip addr show eth0
show docker exec s4-default ip route

section "2. A network with its own subnet, gateway and address pool"
say "--ip-range: Docker hands out addresses only from 192.168.4.128/25; the rest of the subnet is free for fixed addresses (--ip)"
say "com.docker.network.bridge.name gives the Linux bridge a readable name instead of br-<id>"
show docker network create --label "$CNLAB_LABEL=04" --subnet 192.168.4.0/24 --gateway 192.168.4.254 \
  --ip-range 192.168.4.128/25 -o com.docker.network.bridge.name=s4-custom s4-custom
show ip -4 addr show s4-custom
say "s4-pool also publishes port 8004 on the host: sections 3 and 4 use it as a service outside their networks"
show docker run -d --name s4-pool --label "$CNLAB_LABEL=04" --network s4-custom -p 8004:8080 "$(lab_image hello)"
show docker run -d --name s4-fixed --label "$CNLAB_LABEL=04" --network s4-custom --ip 192.168.4.10 "$(lab_image client)"
show_sh "docker inspect s4-pool s4-fixed | jq -r '.[] | .Name + \" \" + ([.NetworkSettings.Networks[].IPAddress] | join(\" \"))'"
say "the gateway is .254, the host's address on the s4-custom bridge"
show docker exec s4-fixed ip route
show_when_ready 5 docker exec s4-fixed curl -s --max-time 5 http://s4-pool:8080/

section "3. A network with inter-container traffic off (enable_icc=false)"
show docker network create --label "$CNLAB_LABEL=04" -o com.docker.network.bridge.enable_icc=false \
  -o com.docker.network.bridge.name=s4-noicc s4-noicc
show docker run -d --name s4-quiet1 --label "$CNLAB_LABEL=04" --network s4-noicc "$(lab_image hello)"
show docker run -d --name s4-quiet2 --label "$CNLAB_LABEL=04" --network s4-noicc "$(lab_image client)"
say "the name still resolves, but the traffic is dropped"
show docker exec s4-quiet2 dig +short s4-quiet1
if ! show docker exec s4-quiet2 curl -sS --max-time 3 http://s4-quiet1:8080/; then
  say "no answer: isolated, as intended"
fi
say "yet s4-quiet1 serves (the host reaches it), and s4-quiet2 reaches what is outside its network (s4-pool's published port):"
show_when_ready 5 curl -s --max-time 5 "http://$(container_ip s4-quiet1):8080/"
show_when_ready 5 docker exec s4-quiet2 curl -s --max-time 5 "http://$host_ip:8004/"
say "Docker's filter rules for this bridge: note the DROP for traffic entering and leaving s4-noicc (container to container)"
show_sh "iptables -S | grep -- s4-noicc"
say "that rule works only because bridged frames pass through iptables: br_netfilter, with bridge-nf-call-iptables = 1"
say "(two ports of one bridge talk at layer 2; without br_netfilter, iptables never sees those frames and icc=false does nothing)"
case "$(module_state br_netfilter)" in
  loaded)
    if [ "$(noted_module_state 04 br_netfilter)" = absent ]; then
      say "br_netfilter was not loaded before this step: Docker (27.3 and later) loaded it just now, for this network (reset.sh unloads it again)"
    else
      say "br_netfilter was loaded before this step (Docker up to 27.2 loads it whenever it starts)"
    fi ;;
  builtin | none) say "br_netfilter is built into this host's kernel: bridged frames can always be sent through iptables" ;;
  *) say "br_netfilter is not loaded: look at 'docker info' warnings and 'modprobe br_netfilter'" ;;
esac
if [ -r /proc/sys/net/bridge/bridge-nf-call-iptables ]; then
  show cat /proc/sys/net/bridge/bridge-nf-call-iptables
fi
say "the host (the gateway) is still reachable from an isolated container"
gateway=$(network_ipv4 s4-noicc Gateway)
show docker exec s4-quiet2 ping -c 1 -W 2 "$gateway"

section "4. An internal network: no route out, no NAT"
show docker network create --label "$CNLAB_LABEL=04" --internal -o com.docker.network.bridge.name=s4-internal s4-internal
show docker run -d --name s4-inside1 --label "$CNLAB_LABEL=04" --network s4-internal "$(lab_image hello)"
show docker run -d --name s4-inside2 --label "$CNLAB_LABEL=04" --network s4-internal "$(lab_image client)"
say "since Docker 25 the containers get no default route; Docker 20.10 to 24 still install one, and iptables drops what uses it"
show docker exec s4-inside2 ip route
say "Docker's filter rules for this bridge: DROP whatever tries to leave it or enter it from elsewhere"
show_sh "iptables -S | grep -- s4-internal"
internal_net=$(network_ipv4 s4-internal Subnet)
say "no MASQUERADE rule for $internal_net (compare the other subnets)"
show iptables -t nat -S POSTROUTING
say "the same request to a service outside the network (s4-pool's port 8004 on the host's address $host_ip), from two networks:"
show_when_ready 5 docker exec s4-default curl -s --max-time 5 "http://$host_ip:8004/"
if ! show docker exec s4-inside2 curl -sS --max-time 3 "http://$host_ip:8004/"; then
  say "from s4-internal it fails: nothing leaves an internal network"
fi
say "but the containers on it still talk to each other"
show_when_ready 5 docker exec s4-inside2 curl -s --max-time 5 http://s4-inside1:8080/

section "Done"
say "the step's containers are left running; the changed daemon settings stay until reset.sh restores $daemon_json"

#!/usr/bin/env bash
# Step 7 reset: remove the step's containers, its network s7-lab (and bridge br-s7), the certificate and Suricata's logs.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

section "Step 7 reset"
say "removing the containers (Suricata, nginx, Varnish, HAProxy, app01, app02); port 443 is unpublished with nginx"
remove_containers s7-suricata s7-nginx s7-varnish s7-haproxy s7-app01 s7-app02
say "removing the network s7-lab (Docker deletes its bridge br-s7)"
remove_networks s7-lab
say "removing /var/lib/container-networks/07 (certificate, key, Suricata's eve.json and fast.log)"
rm -rf /var/lib/container-networks/07
say "done"

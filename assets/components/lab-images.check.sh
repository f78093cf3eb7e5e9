#!/usr/bin/env bash
# lab-images check: every lab image this host builds is there, and a lab image starts.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

mapfile -t names < <(wanted_lab_images)
missing=()
for name in "${names[@]}"; do
  docker image inspect "$(lab_image "$name")" >/dev/null 2>&1 || missing+=("$(lab_image "$name")")
done
[ "${#names[@]}" -gt 0 ] || fail "no lab images to check: no image folders under $CNLAB_HOME/images; were the lab files written (cfn-init)?"
[ "${#missing[@]}" -eq 0 ] ||
  fail "missing images: ${missing[*]}; run ${CNLAB_HOME}/components/lab-images.sh and read /var/log/container-networks/images/*.log"

# Start one container to prove the images run (the client, when there is one).
if docker image inspect "$(lab_image client)" >/dev/null 2>&1; then
  docker run --rm --network none "$(lab_image client)" ip -V >/dev/null 2>&1 ||
    fail "a container from $(lab_image client) does not start; check docker info and the daemon log"
fi
pass "lab images present: ${names[*]}"

#!/usr/bin/env bash
# lab-images: build this host's lab images cnlab/<name> from images/<name>/ on the base debian:trixie-slim.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

BASE_IMAGE=debian:trixie-slim
# Full build output goes to one log per image; the console gets one line each.
LOG_DIR=/var/log/container-networks/images
# Each image carries the SHA-256 of the files it was built from: an image
# built from the same files is current and is not built again.
CONTEXT_LABEL=org.container-networks-lab.context-sha256

# context_hash DIR: one SHA-256 over the names and contents of a build context's files.
context_hash() {
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

section "lab-images: build the lab images on $BASE_IMAGE"
if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  say "base image $BASE_IMAGE already present"
else
  say "docker pull $BASE_IMAGE"
  # Docker Hub rate-limits and times out on a busy morning: try again, waiting longer each time.
  retry_backoff 5 10 docker pull "$BASE_IMAGE"
fi

# build_image IMAGE HASH DIR LOG: one build, its output appended to LOG.
build_image() {
  printf '=== docker build at %s ===\n' "$(date -u +%H:%M:%S)" >>"$4"
  docker build --label "$CONTEXT_LABEL=$2" -t "$1" "$3" >>"$4" 2>&1
}

mkdir -p "$LOG_DIR"
built=0
mapfile -t names < <(wanted_lab_images)
say "this host's steps use: ${names[*]:-no lab image}"
for name in "${names[@]}"; do
  dir=$CNLAB_HOME/images/$name
  if [ ! -f "$dir/Dockerfile" ]; then
    echo "there is no build context $dir/Dockerfile for the lab image $name" >&2
    exit 1
  fi
  image=$(lab_image "$name")
  log=$LOG_DIR/$name.log
  start=$SECONDS
  hash=$(context_hash "$dir")
  if [ "$(docker image inspect "$image" 2>/dev/null | jq -r --arg label "$CONTEXT_LABEL" '.[0].Config.Labels[$label] // empty')" = "$hash" ]; then
    say "$image is current (built from the same files): not built again"
    built=$((built + 1))
    continue
  fi
  say "building $image from $dir (log: $log)"
  : >"$log"
  # Unchanged layers come from Docker's build cache, so a try after a failed
  # download (apt inside the build) starts where the last one stopped.
  if ! retry_backoff 3 20 build_image "$image" "$hash" "$dir" "$log"; then
    echo "building $image failed; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  say "built $image in $((SECONDS - start)) s ($(docker image inspect "$image" | jq -r '.[0].Size' | awk '{printf "%.0f MB", $1/1e6}'))"
  built=$((built + 1))
done
say "$built lab image(s) ready"

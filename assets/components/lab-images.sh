#!/usr/bin/env bash
# lab-images: build every lab image cnlab/<name> from images/<name>/ on the base debian:trixie-slim.
set -euo pipefail
# shellcheck source=assets/lib/lab.sh
. "${CNLAB_HOME:-/opt/container-networks}/lib/lab.sh"

BASE_IMAGE=debian:trixie-slim
# Full build output goes to one log per image; the console gets one line each.
LOG_DIR=/var/log/container-networks/images

section "lab-images: build the lab images on $BASE_IMAGE"
if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  say "base image $BASE_IMAGE already present"
else
  say "docker pull $BASE_IMAGE"
  docker pull "$BASE_IMAGE"
fi

mkdir -p "$LOG_DIR"
built=0
for dir in "$CNLAB_HOME"/images/*/; do
  [ -f "$dir/Dockerfile" ] || continue
  name=$(basename "$dir")
  image=$(lab_image "$name")
  log=$LOG_DIR/$name.log
  start=$SECONDS
  say "building $image from $dir (log: $log)"
  # Re-running is cheap: unchanged layers come from Docker's build cache.
  if ! docker build -t "$image" "$dir" >"$log" 2>&1; then
    echo "building $image failed; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  say "built $image in $((SECONDS - start)) s ($(docker image inspect "$image" | jq -r '.[0].Size' | awk '{printf "%.0f MB", $1/1e6}'))"
  built=$((built + 1))
done
say "$built lab image(s) ready"

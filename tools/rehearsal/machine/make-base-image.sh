#!/usr/bin/env bash
# make-base-image.sh: make the lab images' base, debian:trixie-slim, locally when it is absent
# (no container registry is reachable from CI): debootstrap a minimal trixie, then docker import.
set -euo pipefail

IMAGE=${CNLAB_BASE_IMAGE:-debian:trixie-slim}  # another tag only for testing this script
ROOTFS=${CNLAB_BASE_ROOTFS:-/var/cache/cnlab/trixie}  # cached between runs
MIRROR=${CNLAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}

say() { printf -- '--> %s\n' "$*"; }

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  say "$IMAGE already present: nothing to do"
  exit 0
fi

command -v debootstrap >/dev/null 2>&1 || {
  say "installing debootstrap"
  apt-get -o DPkg::Lock::Timeout=300 update -q
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q debootstrap
}

# debootstrap writes this file last, so its presence means a complete tree.
if [ -x "$ROOTFS/usr/bin/apt-get" ] && [ -f "$ROOTFS/etc/os-release" ] && [ ! -d "$ROOTFS/debootstrap" ]; then
  say "reusing the cached trixie tree in $ROOTFS"
else
  say "debootstrap --variant=minbase trixie $ROOTFS ($MIRROR)"
  rm -rf "$ROOTFS"
  mkdir -p "$ROOTFS"
  start=$SECONDS
  debootstrap --variant=minbase trixie "$ROOTFS" "$MIRROR" >/var/log/cnlab-debootstrap.log 2>&1 || {
    tail -n 30 /var/log/cnlab-debootstrap.log >&2
    exit 1
  }
  say "debootstrap done in $((SECONDS - start)) s"
  # Shrink it like the official slim image: no package lists, caches, docs or logs.
  rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin \
    "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/usr/share/doc/* \
    "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* "$ROOTFS"/var/log/*.log
fi

say "docker import: $ROOTFS -> $IMAGE"
tar -C "$ROOTFS" --numeric-owner -c . |
  docker import --change 'CMD ["bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$IMAGE" >/dev/null
say "$IMAGE ready ($(docker image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"

#!/bin/sh
# pid1.sh: PID 1 of a rehearsal machine (a system container). It gives systemd
# what an EC2 host's kernel gives it, then becomes systemd (/sbin/init):
#   - /sys writable (Docker mounts it read-only);
#   - a pure cgroup v2 hierarchy. The CI machine's kernel runs cgroups in
#     "hybrid" mode (v1 controllers plus an empty v2 tree), and systemd 257+
#     refuses to boot on v1. So: mount the v2 tree, move this process into a
#     child group, enter a new cgroup namespace rooted there, and mount the v2
#     tree again: systemd then sees a v2-only hierarchy of its own.
set -eu

mount -o remount,rw /sys
umount -R /sys/fs/cgroup 2>/dev/null || true
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
mkdir -p /sys/fs/cgroup/machine
echo $$ >/sys/fs/cgroup/machine/cgroup.procs
umount /sys/fs/cgroup
# unshare without --fork keeps this process (PID 1); exec hands it to systemd.
exec unshare --cgroup sh -c 'mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup && exec /sbin/init'

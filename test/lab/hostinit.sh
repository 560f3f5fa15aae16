#!/bin/sh
# One lab host's private world, its tailscaled, then its sshd. Started by lab.ts as
#   ip netns exec hwlab-H unshare --mount --uts --propagation private hostinit.sh H LABDIR
# ip netns exec, unshare (without --fork) and the final exec all replace the
# process in place, so the PID lab.ts gets back is sshd's (pitfall P12).
set -eu
H=$1
L=$2
D=$L/hosts/$H

hostname "$H"
# ip netns exec remounted /sys for the netns and lost /sys/fs/cgroup (P3).
mount -t cgroup2 -o ro "hwlab-$H-cgroup" /sys/fs/cgroup 2>/dev/null || true
# Everything the wizard may touch gets a per-host upper layer over the real tree.
for d in etc var opt root home; do
  mount -t overlay "hwlab-$H-$d" -o "lowerdir=/$d,upperdir=$D/upper/$d,workdir=$D/work/$d" "/$d"
done
# The simulated tools are one more read-only layer over the real /usr, so they
# are real files in /usr/bin (sudo resets PATH, P6).
mount -t overlay "hwlab-$H-usr" -o "lowerdir=$L/usr:/usr,upperdir=$D/upper/usr,workdir=$D/work/usr" /usr
# The copied /run/netns mounts would pin every lab netns while sshd lives (P4).
umount -l /run/netns 2>/dev/null || true
mount -t tmpfs -o mode=755,nosuid,nodev "hwlab-$H-run" /run
mkdir -p /run/sshd /run/hwlab-cluster
mount --bind "$L/cluster" /run/hwlab-cluster
umount -l "$L/hosts" 2>/dev/null || true
# Nothing that is not overlaid may reach the machine: / read-only in this mount
# namespace, and private tmpfs for /dev/shm and (last, it hides the lab dir) /tmp (P8).
mount -o remount,bind,ro /
mount -t tmpfs -o mode=1777,nosuid,nodev "hwlab-$H-shm" /dev/shm
mount -t tmpfs -o mode=1777,nosuid,nodev "hwlab-$H-tmp" /tmp
# The host's real tailscaled (its TUN, state and socket its own); `lab up` logs it in.
/usr/lib/hwlab/tailscaled-start
exec /usr/sbin/sshd -D -e

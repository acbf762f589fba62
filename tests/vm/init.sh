#!/bin/busybox sh
# /init of the test VM: host / over 9p (read-only) under a tmpfs overlay, cgroup2, run the command, power off.
# Copied into the initramfs by run.sh; its /etc/berth-vm.conf sets the command (set -- ...), CWD and ROOT.
/bin/busybox mkdir -p /proc /sys /dev /usr/bin /usr/sbin /sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
echo 1 >/proc/sys/kernel/printk 2>/dev/null
stamp() { echo "berth-vm-time: $* $(cut -d' ' -f1 /proc/uptime)"; } # for the serial log only
stamp init

say() { echo "berth-vm: $*"; }
fail() {
	say "$*"
	echo "BERTH-VM-EXIT 125 $(cut -d' ' -f1 /proc/uptime)"
	poweroff -f
	sleep 10
}

# Modules in dependency order; a missing file means built in.
for m in $(cat /modules.order); do
	[ -f "/modules/$m.ko" ] || continue
	insmod "/modules/$m.ko" || say "insmod $m failed"
done

stamp modules
mkdir -p /host /state /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 host /host ||
	mount -t 9p -o trans=virtio,version=9p2000.L,ro host /host || fail "cannot mount the host over 9p"
mount -t tmpfs -o mode=0755 state /state
mkdir -p /state/upper /state/work
mount -t cgroup2 cgroup2 /sys/fs/cgroup || fail "cannot mount cgroup2"
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
	echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || say "cannot enable controller $c"
done

. /etc/berth-vm.conf
# The host as a writable root: read-only 9p lower, tmpfs upper (writes vanish at power off).
if [ "$ROOT" = ro ]; then
	mount --bind /host /newroot
	mode=ro
elif mount -t overlay -o lowerdir=/host,upperdir=/state/upper,workdir=/state/work overlay /newroot; then
	mode=overlay
else
	say "overlay over 9p failed: read-only host root with tmpfs on /tmp /run /var/tmp"
	mount --bind /host /newroot
	mode=ro
fi
r=/newroot
mount -t proc proc $r/proc
mount -t sysfs sysfs $r/sys
mount -t cgroup2 cgroup2 $r/sys/fs/cgroup
mount -t devtmpfs devtmpfs $r/dev
mkdir -p $r/dev/pts $r/dev/shm 2>/dev/null
mount -t devpts -o newinstance,ptmxmode=0666 devpts $r/dev/pts && ln -sf pts/ptmx $r/dev/ptmx 2>/dev/null
mount -t tmpfs -o mode=1777 shm $r/dev/shm
# what udev would add: bash's process substitution needs /dev/fd
ln -sf /proc/self/fd $r/dev/fd
ln -sf /proc/self/fd/0 $r/dev/stdin
ln -sf /proc/self/fd/1 $r/dev/stdout
ln -sf /proc/self/fd/2 $r/dev/stderr
# A fresh /run as after a boot (no stale host state); writable scratch dirs when the root is read-only.
mount -t tmpfs -o mode=0755 run $r/run
if [ $mode = ro ]; then
	mount -t tmpfs -o mode=1777 tmp $r/tmp
	mount -t tmpfs -o mode=1777 vartmp $r/var/tmp
fi
# Paths written as /host/... on the host command line still resolve inside the chroot.
[ -e $r/host ] || ln -s / $r/host 2>/dev/null || mount --bind $r $r/host 2>/dev/null
[ -e $r/etc/mtab ] || ln -s ../proc/self/mounts $r/etc/mtab 2>/dev/null

stamp mounts
ulimit -n 1048576 2>/dev/null || say "cannot raise RLIMIT_NOFILE"
echo "BERTH-VM-BEGIN $(cut -d' ' -f1 /proc/uptime)"
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb \
	chroot $r /bin/sh -c 'cd "$0" 2>/dev/null || cd /; exec "$@"' "$CWD" "$@" </dev/null
rc=$?
echo "BERTH-VM-EXIT $rc $(cut -d' ' -f1 /proc/uptime)"
sync
poweroff -f
sleep 10

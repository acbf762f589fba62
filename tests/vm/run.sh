#!/usr/bin/env bash
# Boot Debian's kernel under QEMU (software emulation) with pure cgroup v2 and run one command there.
#
# usage: run.sh [-t SECONDS] [COMMAND...]
#   The host / is the VM's root: read-only over virtio-9p with a tmpfs overlay on top (writes are lost at
#   power off); /host/... names the same files. cgroup2 is on /sys/fs/cgroup with every controller
#   enabled in the root cgroup.subtree_control. COMMAND runs in the host's current directory; default:
#   cat /sys/fs/cgroup/cgroup.controllers. Exits with COMMAND's status (124: VM timed out, 125: VM failed).
#   -t SECONDS  kill the VM after this long (default ${BERTH_VM_TIMEOUT:-300}).
# Environment: BERTH_VM_CACHE (default /var/tmp/berth-vm), BERTH_VM_LOG (serial log, default
# $BERTH_VM_CACHE/serial.log), BERTH_VM_MEM (MiB, default 1024), BERTH_VM_SMP (default 2),
# BERTH_VM_ROOT=ro (host root read-only with tmpfs on /tmp /run /var/tmp, no /host; default overlay).
set -euo pipefail
export LC_ALL=C

prog=${0##*/}
here=$(cd "$(dirname "$0")" && pwd)
cache=${BERTH_VM_CACHE:-/var/tmp/berth-vm}
timeout_s=${BERTH_VM_TIMEOUT:-300}
die() {
	echo "$prog: $*" >&2
	exit 125
}
usage() {
	sed -n '4,12s/^# \{0,1\}//p' "$0"
	exit "${1:-0}"
}
while [ $# -gt 0 ]; do
	case $1 in
	-t) [ $# -ge 2 ] || die "-t needs a value"; timeout_s=$2; shift 2 ;;
	-h | --help) usage 0 ;;
	--) shift; break ;;
	*) break ;;
	esac
done
case $timeout_s in '' | *[!0-9]*) die "-t: not a number of seconds: $timeout_s" ;; esac
root_mode=${BERTH_VM_ROOT:-overlay}
case $root_mode in overlay | ro) ;; *) die "BERTH_VM_ROOT must be overlay or ro: $root_mode" ;; esac
[ $# -gt 0 ] || set -- cat /sys/fs/cgroup/cgroup.controllers

BERTH_VM_CACHE=$cache "$here/setup.sh" || die "setup.sh failed"
kdir=$cache/kernel
rel=$(cat "$kdir/release")
mods=$kdir/root/lib/modules/$rel
log=${BERTH_VM_LOG:-$cache/serial.log}

work=$(mktemp -d "$cache/run.XXXXXX")
trap 'rm -rf "$work"' EXIT
ird=$work/initramfs
mkdir -p "$ird/bin" "$ird/etc" "$ird/modules"
cp /bin/busybox "$ird/bin/busybox"
install -m 0755 "$here/init.sh" "$ird/init"

# virtio and 9p in the order that was seen to work, then networking and overlayfs for the tests.
order="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci netfs fscache 9pnet
	9pnet_virtio 9p veth llc stp bridge overlay"
: >"$ird/modules.order"
for m in $order; do
	echo "$m" >>"$ird/modules.order"
	path=$(sed -n "s@^\(.*/$m\.ko\):.*@\1@p" "$mods/modules.dep" | head -n 1)
	[ -n "$path" ] || continue # built into the kernel
	cp "$mods/$path" "$ird/modules/$m.ko"
done

# The command line as shell words that busybox sh reads back exactly.
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
{
	printf 'set --'
	for a in "$@"; do printf ' %s' "$(quote "$a")"; done
	printf '\nCWD=%s\n' "$(quote "$PWD")"
	printf 'ROOT=%s\n' "$(quote "$root_mode")"
} >"$ird/etc/berth-vm.conf"

(cd "$ird" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$work/initrd.gz" ||
	die "cannot build the initramfs"

# Stream the serial console: keep all of it in the log, show COMMAND's output live, time the markers.
stream() {
	local line shown=0
	: >"$log"
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%$'\r'}
		printf '%s\n' "$line" >>"$log"
		case $line in
		*BERTH-VM-BEGIN*) echo "$EPOCHREALTIME" >"$work/t.begin"; shown=1 ;;
		*BERTH-VM-EXIT*)
			echo "$EPOCHREALTIME" >"$work/t.exit"
			[ $shown = 0 ] || [ -z "${line%%BERTH-VM-EXIT*}" ] || printf '%s\n' "${line%%BERTH-VM-EXIT*}"
			shown=0 ;;
		*) [ $shown = 0 ] || printf '%s\n' "$line" ;;
		esac
	done
}
kernel=$kdir/vmlinuz
[ -s "$kdir/vmlinux" ] && kernel=$kdir/vmlinux # uncompressed, booted through PVH
start=$EPOCHREALTIME
set +e
timeout -k 10 "$timeout_s" qemu-system-x86_64 -accel tcg,thread=multi -cpu max -m "${BERTH_VM_MEM:-1024}" \
	-smp "${BERTH_VM_SMP:-2}" -nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$kernel" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 quiet loglevel=1 panic=-1 rdinit=/init" \
	-virtfs local,path=/,mount_tag=host,security_model=passthrough,readonly=on,multidevs=remap \
	</dev/null 2>&1 | stream
qrc=${PIPESTATUS[0]}
set -e
end=$EPOCHREALTIME
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
total=$(secs "$start" "$end")

# Status line: drop terminal escapes, take the marker wherever it sits on its line.
exitline=$(sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1b[a-z]//g' "$log" |
	sed -n 's/.*\(BERTH-VM-EXIT [0-9]* [0-9.]*\)$/\1/p' | tail -n 1)
if [ -z "$exitline" ]; then
	if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
		echo "$prog: VM killed after the ${timeout_s}s timeout (${total}s); serial log: $log" >&2
		exit 124
	fi
	echo "$prog: VM ended (qemu status $qrc) without reporting COMMAND's status; serial log: $log" >&2
	tail -n 20 "$log" >&2
	exit 125
fi
read -r _ rc _ <<<"$exitline"
t_begin=$(cat "$work/t.begin" 2>/dev/null || echo "$end")
t_exit=$(cat "$work/t.exit" 2>/dev/null || echo "$end")
boot=$(secs "$start" "$t_begin")
run=$(secs "$t_begin" "$t_exit")
grep -a '^berth-vm: ' "$log" >&2 || true
echo "$prog: boot ${boot}s, run ${run}s, total ${total}s (wall clock); status $rc; serial log: $log" >&2
exit "$rc"

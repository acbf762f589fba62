#!/usr/bin/env bash
# Prepare the pure cgroup v2 test VM: host tools from Debian and Debian's stock kernel with its modules.
#
# usage: setup.sh   (idempotent, as root; quiet unless something fails)
# Result: ${BERTH_VM_CACHE:-/var/tmp/berth-vm}/kernel/{vmlinuz,vmlinux,release,root/lib/modules/<release>}.
set -euo pipefail

prog=${0##*/}
cache=${BERTH_VM_CACHE:-/var/tmp/berth-vm}
log=$cache/setup.log
die() {
	echo "$prog: $*" >&2
	[ -s "$log" ] && tail -n 20 "$log" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root"
mkdir -p "$cache"
: >"$log"

# Tools: binary name -> Debian package.
need=()
for pair in qemu-system-x86_64:qemu-system-x86 depmod:kmod cpio:cpio gzip:gzip dpkg-deb:dpkg; do
	command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
[ -x /bin/busybox ] && /bin/busybox --list >/dev/null 2>&1 && ! ldd /bin/busybox >/dev/null 2>&1 ||
	need+=(busybox-static)
if [ ${#need[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update >>"$log" 2>&1 || die "apt-get update failed"
	apt-get install -y --no-install-recommends "${need[@]}" >>"$log" 2>&1 ||
		die "apt-get install ${need[*]} failed"
fi

# Kernel: the package linux-image-amd64 depends on (linux-image-6.1.0-N-amd64 on Debian 12).
kdir=$cache/kernel
if [ ! -s "$kdir/release" ] || [ ! -s "$kdir/vmlinuz" ]; then
	pkg=$(apt-cache depends linux-image-amd64 2>>"$log" | sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' |
		head -n 1)
	if [ -z "$pkg" ]; then
		apt-get update >>"$log" 2>&1 || die "apt-get update failed"
		pkg=$(apt-cache depends linux-image-amd64 2>>"$log" |
			sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n 1)
	fi
	[ -n "$pkg" ] || die "cannot find the kernel package linux-image-amd64 depends on"
	dl=$cache/dl
	rm -rf "$dl" "$kdir.tmp"
	mkdir -p "$dl" "$kdir.tmp/root"
	(cd "$dl" && apt-get download "$pkg" >>"$log" 2>&1) || die "apt-get download $pkg failed"
	debs=("$dl"/*.deb)
	deb=${debs[0]}
	[ -f "$deb" ] || die "apt-get download $pkg left no .deb in $dl"
	dpkg -x "$deb" "$kdir.tmp/root" >>"$log" 2>&1 || die "dpkg -x $deb failed"
	rels=("$kdir.tmp/root/lib/modules"/*)
	rel=${rels[0]##*/}
	[ -d "${rels[0]}" ] || die "$deb has no lib/modules/<release>"
	[ -f "$kdir.tmp/root/boot/vmlinuz-$rel" ] || die "$deb has no boot/vmlinuz-$rel"
	depmod -b "$kdir.tmp/root" "$rel" >>"$log" 2>&1 || die "depmod -b $kdir.tmp/root $rel failed"
	ln -s "root/boot/vmlinuz-$rel" "$kdir.tmp/vmlinuz"
	echo "$rel" >"$kdir.tmp/release"
	rm -rf "$kdir" "$dl"
	mv "$kdir.tmp" "$kdir"
fi
rel=$(cat "$kdir/release")
[ -f "$kdir/root/lib/modules/$rel/modules.dep" ] || {
	depmod -b "$kdir/root" "$rel" >>"$log" 2>&1 || die "depmod -b $kdir/root $rel failed"
}

# The kernel as an uncompressed ELF: qemu boots it through PVH and skips the decompressor, ~6 s under TCG.
extract() { # $1 = magic bytes (printf format), $2 = decompressor reading stdin
	local off
	# shellcheck disable=SC2059 # $1 holds \x escapes for printf
	off=$(LC_ALL=C grep -abo -m 1 "$(printf "$1")" "$kdir/vmlinuz" | head -n 1 | cut -d: -f1)
	[ -n "$off" ] || return 1
	tail -c "+$((off + 1))" "$kdir/vmlinuz" | $2 >"$kdir/vmlinux.tmp" 2>>"$log" || true
	[ "$(head -c 4 "$kdir/vmlinux.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]
}
if [ ! -s "$kdir/vmlinux" ]; then
	if extract '\xfd7zXZ' 'xz -dc --single-stream' || extract '\x28\xb5\x2f\xfd' 'zstd -dcq' ||
		extract '\x1f\x8b\x08' 'gzip -dcq'; then
		mv "$kdir/vmlinux.tmp" "$kdir/vmlinux"
	else
		rm -f "$kdir/vmlinux.tmp"
		echo "$prog: cannot uncompress $kdir/vmlinuz: the VM boots it compressed (slower)" >&2
		: >"$kdir/vmlinux"
	fi
fi
exit 0

#!/usr/bin/env bats
# mounts[] and root.*: bind/rbind, tmpfs, the kernel filesystems, option classes, propagation,
# recursive options, idmapped mounts, root.readonly, rootfsPropagation, destination creation.

load helpers

setup() {
	setup_bundle
	HOSTDIR=$BATS_TEST_TMPDIR/hostdir
	mkdir -p "$HOSTDIR"
	echo from-host >"$HOSTDIR/file"
}

# Append one mount: mnt_add '{destination: "/x", type: "tmpfs", source: "tmpfs"}'
mnt_add() {
	cfg ".mounts += [$1]"
}

# Append a bind mount of HOSTDIR at DEST with OPTIONS (a JSON array).
bind_add() {
	cfg --arg s "${3:-$HOSTDIR}" --arg d "$1" --argjson o "$2" \
		'.mounts += [{destination: $d, type: "bind", source: $s, options: $o}]'
}

# Shell snippets for inside the container. mi_opts DEST: per-mount options; mi_fstype DEST; mi_opt DEST:
# the optional fields (shared:N, master:N); mi_super DEST: the superblock options.
MI='mi() { awk -v d="$1" -v f="$2" '\''$5 == d { for (i = 7; $i != "-"; i++) o = o " " $i;
	if (f == "opts") print $6; else if (f == "optional") print o; else if (f == "fstype") print $(i + 1);
	else print $(i + 3) }'\'' /proc/self/mountinfo | tail -n 1; };'

# Run the runtime in a private mount namespace where HOSTDIR/sub is a tmpfs holding a file.
run_with_submount() {
	mkdir -p "$HOSTDIR/sub"
	run unshare -m --propagation private sh -c '
		mount -t tmpfs -o size=1m h4sub "$1/sub" && echo in-sub >"$1/sub/f" || exit 99
		shift; exec "$@"' sh "$HOSTDIR" "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
}

# --- bind -------------------------------------------------------------------------------------------

@test "mounts: bind -> a host dir is visible and writable, the destination is created" {
	cfg '.root.readonly = true'
	bind_add /h4/bind '["bind", "rw"]'
	run run_ctr sh -c 'cat /h4/bind/file && echo from-ctr >/h4/bind/new'
	[ "$status" -eq 0 ]
	[ "$output" = "from-host" ]
	[ "$(cat "$HOSTDIR/new")" = "from-ctr" ]
	[ -d "$BUNDLE/rootfs/h4/bind" ]
}

@test "mounts: bind of a single file onto a new file path" {
	bind_add /etc/h4-file '["bind"]' "$HOSTDIR/file"
	run run_ctr sh -c 'cat /etc/h4-file; [ -f /etc/h4-file ] && echo is-file'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "from-host" ]
	[ "${lines[1]}" = "is-file" ]
	[ -f "$BUNDLE/rootfs/etc/h4-file" ]
}

@test "mounts: a relative bind source is relative to the bundle" {
	mkdir -p "$BUNDLE/h4rel"
	echo rel-content >"$BUNDLE/h4rel/f"
	bind_add /h4/rel '["bind"]' h4rel
	run run_ctr cat /h4/rel/f
	[ "$status" -eq 0 ]
	[ "$output" = "rel-content" ]
}

@test "mounts: bind without type (runtime-spec 1.1 style, options only)" {
	cfg --arg s "$HOSTDIR" '.mounts += [{destination: "/h4/notype", source: $s, options: ["bind"]}]'
	run run_ctr cat /h4/notype/file
	[ "$status" -eq 0 ]
	[ "$output" = "from-host" ]
}

@test "mounts: a missing bind source fails and is named" {
	bind_add /h4/missing '["bind"]' "$BATS_TEST_TMPDIR/h4-no-such-dir"
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *h4-no-such-dir* ]]
}

@test "mounts: bind (not recursive) does not carry a submount" {
	bind_add /h4/b '["bind"]'
	set_args sh -c 'cat /h4/b/file; ls -A /h4/b/sub | wc -l'
	run_with_submount
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "from-host" ]
	[ "${lines[1]}" = "0" ]
}

@test "mounts: rbind carries a submount" {
	bind_add /h4/rb '["rbind"]'
	set_args sh -c 'cat /h4/rb/sub/f'
	run_with_submount
	[ "$status" -eq 0 ]
	[ "$output" = "in-sub" ]
}

@test "mounts: ro on an rbind leaves the submount writable (ro is not recursive)" {
	bind_add /h4/rb '["rbind", "ro"]'
	set_args sh -c 'touch /h4/rb/x 2>&1; touch /h4/rb/sub/x && echo sub-writable'
	run_with_submount
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"Read-only file system"* ]]
	[ "${lines[1]}" = "sub-writable" ]
}

@test "mounts: rro makes the submount read-only too" {
	bind_add /h4/rro '["rbind", "rro"]'
	set_args sh -c 'touch /h4/rro/x 2>&1; touch /h4/rro/sub/x 2>&1; cat /h4/rro/sub/f'
	run_with_submount
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"Read-only file system"* ]]
	[[ "${lines[1]}" == *"Read-only file system"* ]]
	[ "${lines[2]}" = "in-sub" ]
}

@test "mounts: rnosuid applies nosuid to the submount too" {
	bind_add /h4/rns '["rbind", "rnosuid"]'
	set_args sh -c "$MI"' mi /h4/rns opts; mi /h4/rns/sub opts'
	run_with_submount
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *nosuid* ]]
	[[ "${lines[1]}" == *nosuid* ]]
}

# --- tmpfs ------------------------------------------------------------------------------------------

@test "mounts: tmpfs with size and mode" {
	mnt_add '{destination: "/h4/tmp", type: "tmpfs", source: "tmpfs", options: ["size=1m", "mode=0710"]}'
	run run_ctr sh -c "$MI"' stat -c %a /h4/tmp; df -k /h4/tmp | awk "NR == 2 { print \$2 }"; mi /h4/tmp fstype'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "710" ]
	[ "${lines[1]}" = "1024" ]
	[ "${lines[2]}" = "tmpfs" ]
}

@test "mounts: nested destinations are created, later mounts go on top of earlier ones" {
	mnt_add '{destination: "/h4/a/b/c", type: "tmpfs", source: "tmpfs"}'
	bind_add /h4/a/b/c/inner '["bind"]'
	run run_ctr sh -c "$MI"' mi /h4/a/b/c fstype; cat /h4/a/b/c/inner/file'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "tmpfs" ]
	[ "${lines[1]}" = "from-host" ]
	[ -d "$BUNDLE/rootfs/h4/a/b/c" ]
	# The inner directory was created on the tmpfs, not in the rootfs.
	[ ! -e "$BUNDLE/rootfs/h4/a/b/c/inner" ]
}

# --- kernel filesystems -----------------------------------------------------------------------------

@test "mounts: proc at /proc" {
	run run_ctr sh -c "$MI"' mi /proc fstype; cat /proc/self/comm'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "proc" ]
	[ "${lines[1]}" = "cat" ]
}

@test "mounts: sysfs at /sys, read-only when ro" {
	run run_ctr sh -c "$MI"' mi /sys fstype; mi /sys opts; ls /sys/kernel >/dev/null && echo listed'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "sysfs" ]
	[[ ",${lines[1]}," == *,ro,* ]]
	[ "${lines[2]}" = "listed" ]
}

@test "mounts: devpts at /dev/pts with newinstance options" {
	run run_ctr sh -c "$MI"' mi /dev/pts fstype; mi /dev/pts super'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "devpts" ]
	[[ "${lines[1]}" == *ptmxmode=666* ]]
	[[ "${lines[1]}" == *mode=620* ]]
	[[ "${lines[1]}" == *gid=5* ]]
}

@test "mounts: mqueue at /dev/mqueue" {
	run run_ctr sh -c "$MI"' mi /dev/mqueue fstype; mi /dev/mqueue opts'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "mqueue" ]
	[[ "${lines[1]}" == *nosuid* && "${lines[1]}" == *nodev* && "${lines[1]}" == *noexec* ]]
}

@test "mounts: a second proc mount elsewhere" {
	mnt_add '{destination: "/h4/proc2", type: "proc", source: "proc"}'
	run run_ctr sh -c "$MI"' mi /h4/proc2 fstype; cat /h4/proc2/1/comm'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "proc" ]
	[ -n "${lines[1]}" ]
}

@test "mounts: cgroup at /sys/fs/cgroup, read-only when ro" {
	cfg 'del(.mounts[] | select(.destination == "/sys/fs/cgroup"))
		| .mounts += [{destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
			options: ["nosuid", "noexec", "nodev", "relatime", "ro"]}]'
	run run_ctr sh -c 'ls /sys/fs/cgroup | wc -l
		for d in /sys/fs/cgroup /sys/fs/cgroup/*/; do
			mkdir "$d/h4x" 2>/dev/null && { echo "WROTE $d"; rmdir "$d/h4x"; }
		done
		awk '\''index($5, "/sys/fs/cgroup") == 1 { for (i = 7; $i != "-"; i++);
			if ($(i + 1) ~ /^cgroup2?$/) print "cg", $6 }'\'' /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" -gt 0 ]
	[[ "$output" != *WROTE* ]]
	# Every cgroup filesystem mounted there is read-only.
	local l n=0
	for l in "${lines[@]}"; do
		[[ "$l" == "cg "* ]] || continue
		n=$((n + 1))
		[[ "$l" == "cg ro,"* ]]
	done
	[ "$n" -ge 1 ]
}

# --- option classes ---------------------------------------------------------------------------------

@test "mounts: ro bind -> writing fails, mountinfo says ro" {
	bind_add /h4/ro '["bind", "ro"]'
	run run_ctr sh -c "$MI"' mi /h4/ro opts; touch /h4/ro/x'
	[ "$status" -ne 0 ]
	[[ "${lines[0]}" == ro,* ]]
	[[ "$output" == *"Read-only file system"* ]]
	[ ! -e "$HOSTDIR/x" ]
}

@test "mounts: rw tmpfs under a read-only root is writable" {
	cfg '.root.readonly = true'
	mnt_add '{destination: "/h4/rw", type: "tmpfs", source: "tmpfs", options: ["rw"]}'
	run run_ctr sh -c "$MI"' mi /h4/rw opts; touch /h4/rw/x && echo wrote'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == rw,* ]]
	[ "${lines[1]}" = "wrote" ]
}

@test "mounts: nosuid, nodev, noexec appear in mountinfo" {
	mnt_add '{destination: "/h4/n", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "noexec"]}'
	run run_ctr sh -c "$MI"' mi /h4/n opts'
	[ "$status" -eq 0 ]
	[[ ",$output," == *,nosuid,* ]]
	[[ ",$output," == *,nodev,* ]]
	[[ ",$output," == *,noexec,* ]]
}

@test "mounts: noexec really prevents exec, exec allows it" {
	mnt_add '{destination: "/h4/noexec", type: "tmpfs", source: "tmpfs", options: ["noexec"]}'
	mnt_add '{destination: "/h4/exec", type: "tmpfs", source: "tmpfs", options: ["exec"]}'
	run run_ctr sh -c 'cp /bin/busybox /h4/exec/true && /h4/exec/true && echo exec-ok
		cp /bin/busybox /h4/noexec/true && /h4/noexec/true 2>&1'
	[ "${lines[0]}" = "exec-ok" ]
	[[ "$output" == *"Permission denied"* ]]
}

@test "mounts: nodev really prevents opening a device node" {
	mnt_add '{destination: "/h4/nodev", type: "tmpfs", source: "tmpfs", options: ["nodev"]}'
	cfg '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
		| .process.capabilities.permitted += ["CAP_MKNOD"]'
	run run_ctr sh -c 'mknod /h4/nodev/null c 1 3 && head -c 1 /h4/nodev/null 2>&1'
	[[ "$output" == *"Permission denied"* ]]
}

# --- propagation ------------------------------------------------------------------------------------

@test "mounts: propagation private -> no shared or master field" {
	mnt_add '{destination: "/h4/p", type: "tmpfs", source: "tmpfs", options: ["private"]}'
	run run_ctr sh -c "$MI"' echo "[$(mi /h4/p optional)]"; mi /h4/p fstype'
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "tmpfs" ]
	[[ "${lines[0]}" != *shared:* ]]
	[[ "${lines[0]}" != *master:* ]]
}

@test "mounts: propagation shared -> shared:N" {
	mnt_add '{destination: "/h4/s", type: "tmpfs", source: "tmpfs", options: ["shared"]}'
	run run_ctr sh -c "$MI"' mi /h4/s optional'
	[ "$status" -eq 0 ]
	[[ "$output" == *shared:[0-9]* ]]
}

@test "mounts: propagation slave of a shared host mount -> master:N" {
	bind_add /h4/sl '["bind", "slave"]'
	set_args sh -c "$MI"' mi /h4/sl optional'
	run unshare -m --propagation private sh -c '
		mount --bind "$1" "$1" && mount --make-shared "$1" || exit 99
		shift; exec "$@"' sh "$HOSTDIR" "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[[ "$output" == *master:[0-9]* ]]
	[[ "$output" != *shared:* ]]
}

@test "mounts: a mount made on the host after start propagates into an rslave bind" {
	mkdir -p "$HOSTDIR/late"
	bind_add /h4/live '["rbind", "rslave"]'
	set_args sh -c 'for i in $(seq 50); do [ -e /h4/live/late/f ] && { cat /h4/live/late/f; exit 0; }
		sleep 0.1; done; echo not-propagated'
	run unshare -m --propagation private sh -c '
		mount --bind "$1" "$1" && mount --make-shared "$1" || exit 99
		(sleep 0.5; mount -t tmpfs late "$1/late" && echo late-mount >"$1/late/f") &
		shift; "$@"; rc=$?; wait; exit $rc' sh "$HOSTDIR" "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$output" = "late-mount" ]
}

@test "linux.rootfsPropagation: private -> / has no shared or master field" {
	cfg '.linux.rootfsPropagation = "private"'
	run run_ctr sh -c "$MI"' echo "[$(mi / optional)]"'
	[ "$status" -eq 0 ]
	[[ "$output" != *shared:* ]]
	[[ "$output" != *master:* ]]
}

@test "linux.rootfsPropagation: shared -> / is shared:N (runc 1.1 leaves / unshared)" {
	cfg '.linux.rootfsPropagation = "shared"'
	run run_ctr sh -c "$MI"' mi / optional'
	[ "$status" -eq 0 ]
	[[ "$output" == *shared:[0-9]* ]]
}

# --- idmapped mounts --------------------------------------------------------------------------------

# Mapping semantics as in runc and crun: {containerID: C, hostID: H} makes a file stored with id C show
# as H through the mount (the container has no user namespace here).
idmap_add() {
	cfg --arg s "$HOSTDIR" --argjson c "$1" --argjson h "$2" '.mounts += [{destination: "/h4/idmap",
		type: "bind", source: $s, options: ["bind", "idmap"],
		uidMappings: [{containerID: $c, hostID: $h, size: 1}],
		gidMappings: [{containerID: $c, hostID: $h, size: 1}]}]'
}

@test "mounts: idmap {containerID 0, hostID 1000} -> a root-owned file shows as 1000 (berth-only)" {
	chown 0:0 "$HOSTDIR/file"
	echo other >"$HOSTDIR/u1000"
	chown 1000:1000 "$HOSTDIR/u1000"
	idmap_add 0 1000
	run run_ctr sh -c 'stat -c %u:%g /h4/idmap/file /h4/idmap/u1000; cat /h4/idmap/file'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1000:1000" ]
	# An id outside the mapping is unmapped: the overflow ids.
	[ "${lines[1]}" = "$(cat /proc/sys/kernel/overflowuid):$(cat /proc/sys/kernel/overflowgid)" ]
	[ "${lines[2]}" = "from-host" ]
	# The host view is unchanged.
	[ "$(stat -c %u:%g "$HOSTDIR/file")" = "0:0" ]
}

@test "mounts: idmap {containerID 1000, hostID 0} -> a file owned by host uid 1000 shows as 0 (berth-only)" {
	chown 1000:1000 "$HOSTDIR/file"
	idmap_add 1000 0
	run run_ctr sh -c 'stat -c %u:%g /h4/idmap/file; cat /h4/idmap/file'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0:0" ]
	[ "${lines[1]}" = "from-host" ]
	[ "$(stat -c %u:%g "$HOSTDIR/file")" = "1000:1000" ]
}

# --- root -------------------------------------------------------------------------------------------

@test "root.readonly: true -> touch / fails with Read-only file system" {
	cfg '.root.readonly = true'
	run run_ctr sh -c 'touch /h4-ro-test'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	[ ! -e "$BUNDLE/rootfs/h4-ro-test" ]
}

@test "root.readonly: false -> the rootfs is writable" {
	cfg '.root.readonly = false'
	run run_ctr sh -c 'touch /h4-rw-test && echo ok'
	[ "$status" -eq 0 ]
	[ "$output" = "ok" ]
	[ -e "$BUNDLE/rootfs/h4-rw-test" ]
}

@test "root.readonly: the mounts below a read-only root keep their own mode" {
	cfg '.root.readonly = true'
	run run_ctr sh -c 'touch /dev/shm/x && echo shm-ok; touch /tmp/x 2>&1'
	[ "${lines[0]}" = "shm-ok" ]
	[[ "${lines[1]}" == *"Read-only file system"* ]]
}

@test "root.path: an absolute root.path works" {
	cfg --arg r "$BUNDLE/rootfs" '.root.path = $r'
	run run_ctr cat /etc/hostname
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$BUNDLE/rootfs/etc/hostname")" ]
}

@test "root.path: the process sees the rootfs as /" {
	echo h4-marker >"$BUNDLE/rootfs/h4-marker"
	run run_ctr sh -c 'cat /h4-marker; ls /'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "h4-marker" ]
	[[ "$output" != *bundle* ]]
	[[ "$output" != *config.json* ]]
}

@test "mounts: lxcfs-style binds onto /proc/cpuinfo, /proc/meminfo, /proc/uptime and /proc/loadavg work" {
	local f
	for f in cpuinfo meminfo uptime loadavg; do echo "fake $f" >"$BATS_TEST_TMPDIR/$f"; done
	cfg --arg d "$BATS_TEST_TMPDIR" '.mounts += [
		{destination: "/proc/cpuinfo", type: "bind", source: "\($d)/cpuinfo", options: ["bind", "ro"]},
		{destination: "/proc/meminfo", type: "bind", source: "\($d)/meminfo", options: ["bind", "ro"]},
		{destination: "/proc/uptime", type: "bind", source: "\($d)/uptime", options: ["bind", "ro"]},
		{destination: "/proc/loadavg", source: "\($d)/loadavg", options: ["rbind"]}]'
	run run_ctr cat /proc/cpuinfo /proc/meminfo /proc/uptime /proc/loadavg
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "fake cpuinfo"$'\n'"fake meminfo"$'\n'"fake uptime"$'\n'"fake loadavg" ]
}

# Run the runtime in a private mount namespace where the rootfs is a shared mount point of its own.
run_with_shared_rootfs() {
	run unshare -m --propagation private sh -c '
		mount --bind "$1" "$1" && mount --make-shared "$1" || exit 99
		shift; exec "$@"' sh "$BUNDLE/rootfs" "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
}

@test "linux.rootfsPropagation: slave of a shared rootfs -> / is master:N, not shared" {
	cfg '.linux.rootfsPropagation = "slave"'
	set_args sh -c "$MI"' mi / optional'
	run_with_shared_rootfs
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *master:[0-9]* ]]
	[[ "$output" != *shared:* ]]
}

@test "linux.rootfsPropagation: unbindable -> / is unbindable, the mounts below work" {
	cfg '.linux.rootfsPropagation = "unbindable"'
	set_args sh -c "$MI"' mi / optional; mi /proc fstype; echo x >/dev/shm/w && cat /dev/shm/w'
	run_with_shared_rootfs
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *unbindable* ]]
	[[ "${lines[0]}" != *shared:* ]]
	[ "${lines[1]}" = proc ]
	[ "${lines[2]}" = x ]
	cfg '.linux.rootfsPropagation = "runbindable"'
	run run_ctr sh -c "$MI"' mi / optional; mi /dev optional'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *unbindable* ]]
	[[ "${lines[1]}" == *unbindable* ]]
}

@test "linux.rootfsPropagation: rshared on a shared host mount leaks no mount to the host" {
	cfg '.linux.rootfsPropagation = "rshared"'
	set_args sleep 100
	run unshare -m --propagation private sh -c '
		mount --bind "$1" "$1" && mount --make-shared "$1" || exit 99
		"$2" --root "$3" create --bundle "$1" "$4" </dev/null >/dev/null 2>&1 3>&- || exit 98
		awk -v d="$1/rootfs" '\''index($5, d) == 1 { print "LEAK " $5 }'\'' /proc/self/mountinfo
		"$2" --root "$3" delete --force "$4"' sh "$BUNDLE" "$BERTH" "$ROOT" "$CID"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *LEAK* ]]
}

# --- destinations -----------------------------------------------------------------------------------

@test "mounts: a destination that is a dangling symlink gets what it points to created inside the root" {
	ln -s /h5/data/dir "$BUNDLE/rootfs/h5-abs"
	ln -s h5-data2/sub/f "$BUNDLE/rootfs/h5-rel"
	mnt_add '{destination: "/h5-abs", type: "tmpfs", source: "tmpfs"}'
	bind_add /h5-rel '["bind"]' "$HOSTDIR/file"
	run run_ctr sh -c 'stat -f -c %T /h5/data/dir; cat /h5-data2/sub/f; cat /h5-rel; readlink /h5-abs'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = tmpfs ]
	[ "${lines[1]}" = from-host ]
	[ "${lines[2]}" = from-host ]
	[ "${lines[3]}" = /h5/data/dir ]
	[ -d "$BUNDLE/rootfs/h5/data/dir" ]
	[ -f "$BUNDLE/rootfs/h5-data2/sub/f" ]
}

@test "mounts: a tmpfs without mode= keeps the mode of the directory it covers (as runc)" {
	mkdir -p "$BUNDLE/rootfs/h5m/private" "$BUNDLE/rootfs/h5m/sticky"
	chmod 0700 "$BUNDLE/rootfs/h5m/private"
	chmod 1750 "$BUNDLE/rootfs/h5m/sticky"
	mnt_add '{destination: "/h5m/private", type: "tmpfs", source: "tmpfs", options: ["size=1m"]},
		{destination: "/h5m/sticky", type: "tmpfs", source: "tmpfs"},
		{destination: "/h5m/given", type: "tmpfs", source: "tmpfs", options: ["mode=0710"]},
		{destination: "/h5m/new", type: "tmpfs", source: "tmpfs"}'
	mkdir -p "$BUNDLE/rootfs/h5m/given"
	run run_ctr sh -c 'for d in private sticky given new; do stat -c "$d %a" /h5m/$d; stat -f -c %T /h5m/$d; done'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "private 700" ]
	[ "${lines[1]}" = tmpfs ]
	[ "${lines[2]}" = "sticky 1750" ]
	[ "${lines[4]}" = "given 710" ]
	[ "${lines[6]}" = "new 1777" ]
}

@test "mounts: tmpcopyup keeps an explicit mode=, a new directory gets tmpfs's 1777 (podman --tmpfs)" {
	mkdir -p "$BUNDLE/rootfs/h5c/given"
	echo image >"$BUNDLE/rootfs/h5c/given/f"
	chmod 0700 "$BUNDLE/rootfs/h5c/given"
	mnt_add '{destination: "/h5c/given", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup", "mode=0750"]},
		{destination: "/h5c/new", type: "tmpfs", source: "tmpfs", options: ["rw", "noexec", "nosuid", "nodev", "tmpcopyup"]}'
	run run_ctr sh -c 'stat -c "%a" /h5c/given /h5c/new; cat /h5c/given/f; stat -f -c %T /h5c/new'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 750 ]
	[ "${lines[1]}" = 1777 ]
	[ "${lines[2]}" = image ]
	[ "${lines[3]}" = tmpfs ]
}

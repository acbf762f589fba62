#!/usr/bin/env bats
# /dev: the default devices and links, linux.devices, and linux.maskedPaths / linux.readonlyPaths.

load helpers

setup() {
	setup_bundle
}

# Add a linux.devices entry (a jq object); allow it in the device cgroup only when the config has one
# (runc's default spec denies all), since the bundles otherwise carry no linux.resources.
dev_add() {
	cfg ".linux.devices += [$1]"
	cfg 'if .linux.resources.devices then .linux.resources.devices += [{allow: true, access: "rwm"}] else . end'
}

# Check one default device: default_dev NAME MAJOR MINOR (stat %t:%T is hex, all are < 10 here).
default_dev() {
	run run_ctr stat -c '%F %t:%T %a %u:%g' "/dev/$1"
	[ "$status" -eq 0 ]
	[ "$output" = "character special file $2:$3 666 0:0" ]
}

# A user namespace mapping container 0..65535 to host 100000.., path made searchable for it.
userns_cfg() {
	cfg 'del(.linux.namespaces[] | select(.type == "user")) | .linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| del(.mounts[] | select(.destination == "/sys/fs/cgroup"))'
	local d=$BUNDLE
	while [ "$d" != / ] && [ "$d" != /tmp ]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
}

# --- default devices --------------------------------------------------------------------------------

@test "devices: /dev/null is 1:3 and 0666" {
	default_dev null 1 3
}

@test "devices: /dev/zero is 1:5 and 0666" {
	default_dev zero 1 5
}

@test "devices: /dev/full is 1:7 and 0666" {
	default_dev full 1 7
}

@test "devices: /dev/random is 1:8 and 0666" {
	default_dev random 1 8
}

@test "devices: /dev/urandom is 1:9 and 0666" {
	default_dev urandom 1 9
}

@test "devices: /dev/tty is 5:0 and 0666" {
	default_dev tty 5 0
}

@test "devices: the default devices work (read zero/urandom, write null, full is full)" {
	run run_ctr sh -c 'head -c 4 /dev/zero | wc -c; head -c 4 /dev/urandom | wc -c
		echo x >/dev/null && echo null-ok; echo x 2>&1 >/dev/full'
	[ "${lines[0]}" = "4" ]
	[ "${lines[1]}" = "4" ]
	[ "${lines[2]}" = "null-ok" ]
	[[ "${lines[3]}" == *"No space left on device"* ]]
}

@test "devices: a non-root user can use the default devices" {
	cfg '.process.user = {uid: 1000, gid: 1000}'
	run run_ctr sh -c 'head -c 3 /dev/zero | wc -c; echo x >/dev/null && echo null-ok'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "3" ]
	[ "${lines[1]}" = "null-ok" ]
}

@test "devices: /dev/ptmx is a symlink to pts/ptmx" {
	run run_ctr readlink /dev/ptmx
	[ "$status" -eq 0 ]
	[ "$output" = "pts/ptmx" ]
}

@test "devices: /dev/pts is a devpts directory with a usable ptmx" {
	run run_ctr sh -c 'stat -c %F /dev/pts; stat -c %t:%T /dev/pts/ptmx
		awk '\''$5 == "/dev/pts" { for (i = 7; $i != "-"; i++); print $(i + 1) }'\'' /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "directory" ]
	[ "${lines[1]}" = "5:2" ]
	[ "${lines[2]}" = "devpts" ]
}

@test "devices: /dev/shm is a writable tmpfs" {
	run run_ctr sh -c 'awk '\''$5 == "/dev/shm" { for (i = 7; $i != "-"; i++); print $(i + 1) }'\'' \
		/proc/self/mountinfo; echo x >/dev/shm/h4 && echo wrote'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "tmpfs" ]
	[ "${lines[1]}" = "wrote" ]
}

@test "devices: /dev/mqueue is an mqueue mount" {
	run run_ctr sh -c 'awk '\''$5 == "/dev/mqueue" { for (i = 7; $i != "-"; i++); print $(i + 1) }'\'' \
		/proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "$output" = "mqueue" ]
}

@test "devices: /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr links" {
	run run_ctr sh -c 'for l in fd stdin stdout stderr; do echo "$l=$(readlink /dev/$l)"; done'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fd=/proc/self/fd" ]
	[ "${lines[1]}" = "stdin=/proc/self/fd/0" ]
	[ "${lines[2]}" = "stdout=/proc/self/fd/1" ]
	[ "${lines[3]}" = "stderr=/proc/self/fd/2" ]
}

@test "devices: /dev/stdout works through the link" {
	run run_ctr sh -c 'echo via-link >/dev/stdout'
	[ "$status" -eq 0 ]
	[ "$output" = "via-link" ]
}

@test "devices: no host device leaks into /dev" {
	run run_ctr sh -c 'ls /dev'
	[ "$status" -eq 0 ]
	local d
	for d in kmsg mem port vda sda loop0 nvme0 fuse kvm; do
		[[ " $(echo $output) " != *" $d "* ]]
	done
}

# --- linux.devices ----------------------------------------------------------------------------------

@test "linux.devices: a char device with type, numbers, mode and owner" {
	dev_add '{path: "/dev/h4dev", type: "c", major: 1, minor: 5, fileMode: 416, uid: 1, gid: 2}'
	# The owner can read it (root might lack CAP_DAC_OVERRIDE in the default caps).
	cfg '.process.user = {uid: 1, gid: 2}'
	run run_ctr sh -c 'stat -c "%F %t:%T %a %u %g" /dev/h4dev; head -c 2 /dev/h4dev | wc -c'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "character special file 1:5 640 1 2" ]
	[ "${lines[1]}" = "2" ]
}

@test "linux.devices: a block device" {
	dev_add '{path: "/dev/h4blk", type: "b", major: 7, minor: 200, fileMode: 384, uid: 0, gid: 0}'
	run run_ctr stat -c '%F %t:%T %a' /dev/h4blk
	[ "$status" -eq 0 ]
	[ "$output" = "block special file 7:c8 600" ]
}

@test "linux.devices: a fifo (type p)" {
	dev_add '{path: "/dev/h4fifo", type: "p", fileMode: 420}'
	run run_ctr sh -c 'stat -c "%F %a" /dev/h4fifo; (echo through-fifo >/dev/h4fifo &); cat /dev/h4fifo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fifo 644" ]
	[ "${lines[1]}" = "through-fifo" ]
}

@test "linux.devices: type u is an unbuffered char device" {
	dev_add '{path: "/dev/h4u", type: "u", major: 1, minor: 3, fileMode: 438}'
	run run_ctr stat -c '%F %t:%T' /dev/h4u
	[ "$status" -eq 0 ]
	[ "$output" = "character special file 1:3" ]
}

@test "linux.devices: a device in a new subdirectory of /dev" {
	dev_add '{path: "/dev/h4/sub/null", type: "c", major: 1, minor: 3, fileMode: 438}'
	run run_ctr sh -c 'stat -c "%F %t:%T" /dev/h4/sub/null; echo x >/dev/h4/sub/null && echo ok'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "character special file 1:3" ]
	[ "${lines[1]}" = "ok" ]
}

@test "linux.devices: a device that replaces a default one keeps the config's numbers" {
	dev_add '{path: "/dev/h4null2", type: "c", major: 1, minor: 3, fileMode: 438}'
	dev_add '{path: "/dev/h4zero2", type: "c", major: 1, minor: 5, fileMode: 438}'
	run run_ctr sh -c 'stat -c %t:%T /dev/h4null2 /dev/h4zero2'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1:3" ]
	[ "${lines[1]}" = "1:5" ]
}

@test "devices: in a user namespace the devices are usable" {
	# mknod is refused in a user namespace, so a runtime binds host nodes: use one the host has.
	[ -c /dev/net/tun ] || skip "the host has no /dev/net/tun"
	userns_cfg
	dev_add '{path: "/dev/net/tun", type: "c", major: 10, minor: 200, fileMode: 438}'
	run run_ctr sh -c 'cat /dev/zero | head -c1 | wc -c; echo x >/dev/null && echo null-ok
		stat -c "%F %t:%T" /dev/net/tun; id -u'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1" ]
	[ "${lines[1]}" = "null-ok" ]
	[ "${lines[2]}" = "character special file a:c8" ]
	[ "${lines[3]}" = "0" ]
}

@test "devices: in a user namespace a node the host lacks is made with its numbers, mode and owner" {
	local host_null
	host_null=$(stat -c '%t:%T %a %u:%g' /dev/null)
	[ ! -e /dev/h6-fuse-like ] || skip "/dev/h6-fuse-like exists on the host"
	userns_cfg
	dev_add '{path: "/dev/h6-fuse-like", type: "c", major: 10, minor: 229, fileMode: 432, uid: 1234, gid: 1235}'
	dev_add '{path: "/dev/h6/mydev", type: "c", major: 1, minor: 3, fileMode: 384, uid: 1234, gid: 1234}'
	cfg '.process.user = {uid: 1234, gid: 1234}'
	run run_ctr sh -c 'stat -c "%F %t:%T %a %u:%g" /dev/h6-fuse-like /dev/h6/mydev /dev/null
		echo x >/dev/h6/mydev && echo write-ok; grep -E " /dev/h6/mydev " /proc/self/mountinfo'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "character special file a:e5 660 1234:1235" ]
	[ "${lines[1]}" = "character special file 1:3 600 1234:1234" ]
	[ "${lines[2]}" = "character special file 1:3 666 0:0" ]
	[ "${lines[3]}" = write-ok ]
	[[ "${lines[4]}" == *nosuid*noexec* ]]
	[ ! -e /dev/h6-fuse-like ]
	[ "$(stat -c '%t:%T %a %u:%g' /dev/null)" = "$host_null" ]
}

@test "devices: in a user namespace a device's owner never reaches the host's node of that path" {
	local node=/dev/h6-hostnode-$$
	# owned by the container's root, so a chown from inside would be allowed to reach it
	mknod -m 0600 "$node" c 1 3
	chown 100000:100000 "$node"
	userns_cfg
	dev_add "{path: \"$node\", type: \"c\", major: 1, minor: 3, fileMode: 438, uid: 1234, gid: 1234}"
	run run_ctr stat -c '%a %u:%g' "$node"
	local after
	after=$(stat -c '%a %u:%g' "$node")
	rm -f "$node"
	echo "$output / host: $after"
	[ "$status" -eq 0 ]
	[ "$output" = "666 1234:1234" ]
	[ "$after" = "600 100000:100000" ]
}

# --- maskedPaths ------------------------------------------------------------------------------------

@test "linux.maskedPaths: a masked file reads empty and is char device 1:3" {
	echo top-secret >"$BUNDLE/rootfs/etc/h4secret"
	cfg '.linux.maskedPaths += ["/etc/h4secret"]'
	run run_ctr sh -c 'stat -c "%F %t:%T" /etc/h4secret; cat /etc/h4secret | wc -c'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "character special file 1:3" ]
	[ "${lines[1]}" = "0" ]
	[[ "$output" != *top-secret* ]]
}

@test "linux.maskedPaths: a masked directory is empty and cannot be written" {
	mkdir -p "$BUNDLE/rootfs/h4secretdir"
	echo top-secret >"$BUNDLE/rootfs/h4secretdir/f"
	cfg '.root.readonly = false | .linux.maskedPaths += ["/h4secretdir"]'
	run run_ctr sh -c '[ -d /h4secretdir ] && echo is-dir; ls -A /h4secretdir | wc -l; touch /h4secretdir/x'
	[ "$status" -ne 0 ]
	[ "${lines[0]}" = "is-dir" ]
	[ "${lines[1]}" = "0" ]
	[[ "$output" != *top-secret* ]]
	[ ! -e "$BUNDLE/rootfs/h4secretdir/x" ]
}

@test "linux.maskedPaths: a default masked proc file (/proc/keys) is masked" {
	[ -e /proc/keys ] || skip "this kernel has no /proc/keys"
	cfg '.linux.maskedPaths = ((.linux.maskedPaths // []) - ["/proc/keys"] + ["/proc/keys"])'
	run run_ctr sh -c 'stat -c "%t:%T" /proc/keys; cat /proc/keys | wc -c'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1:3" ]
	[ "${lines[1]}" = "0" ]
}

@test "linux.maskedPaths: a path that does not exist is ignored" {
	cfg '.linux.maskedPaths += ["/h4/does/not/exist"]'
	run run_ctr echo ran
	[ "$status" -eq 0 ]
	[ "$output" = "ran" ]
}

# --- readonlyPaths ----------------------------------------------------------------------------------

@test "linux.readonlyPaths: writing under a read-only path fails, elsewhere works" {
	mkdir -p "$BUNDLE/rootfs/h4ro"
	echo keep >"$BUNDLE/rootfs/h4ro/f"
	cfg '.root.readonly = false | .linux.readonlyPaths += ["/h4ro"]'
	run run_ctr sh -c 'cat /h4ro/f; touch /h4ro/x 2>&1; touch /tmp/h4rw && echo tmp-ok'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "keep" ]
	[[ "${lines[1]}" == *"Read-only file system"* ]]
	[ "${lines[2]}" = "tmp-ok" ]
	[ ! -e "$BUNDLE/rootfs/h4ro/x" ]
}

@test "linux.readonlyPaths: a read-only file cannot be written" {
	echo keep >"$BUNDLE/rootfs/etc/h4rofile"
	cfg '.root.readonly = false | .linux.readonlyPaths += ["/etc/h4rofile"]'
	run run_ctr sh -c 'echo changed >/etc/h4rofile; cat /etc/h4rofile'
	[ "${lines[-1]}" = "keep" ]
	[[ "$output" == *"Read-only file system"* ]]
	[ "$(cat "$BUNDLE/rootfs/etc/h4rofile")" = "keep" ]
}

@test "linux.readonlyPaths: /proc/sys is read-only" {
	cfg '.linux.readonlyPaths = ((.linux.readonlyPaths // []) - ["/proc/sys"] + ["/proc/sys"])'
	run run_ctr sh -c 'cat /proc/sys/kernel/hostname >/dev/null && echo readable
		echo h4 2>&1 >/proc/sys/kernel/hostname'
	[ "${lines[0]}" = "readable" ]
	[[ "$output" == *"Read-only file system"* ]]
}

@test "linux.readonlyPaths: a path that does not exist is ignored" {
	cfg '.linux.readonlyPaths += ["/h4/does/not/exist"]'
	run run_ctr echo ran
	[ "$status" -eq 0 ]
	[ "$output" = "ran" ]
}

#!/usr/bin/env bats
# linux.namespaces: each type new, absent (host's), and joined by path; user mappings; time offsets.

load helpers

setup() {
	setup_bundle
}

# Drop a namespace type from the config (the container then shares the host's).
ns_drop() {
	cfg --arg t "$1" 'del(.linux.namespaces[] | select(.type == $t))'
}

# Add a namespace type (replacing an entry of the same type), optionally with a path to join.
ns_add() {
	ns_drop "$1"
	if [ $# -gt 1 ]; then
		cfg --arg t "$1" --arg p "$2" '.linux.namespaces += [{type: $t, path: $p}]'
	else
		cfg --arg t "$1" '.linux.namespaces += [{type: $t}]'
	fi
}

# The namespace link of our own (host) process: host_ns net -> net:[4026531840]
host_ns() {
	readlink "/proc/$$/ns/$1"
}

# The container's namespace link for one type, in $output.
ctr_ns() {
	run run_ctr readlink "/proc/self/ns/$1"
	[ "$status" -eq 0 ]
	[[ "$output" == "$1:["* ]]
}

# A user namespace mapping container 0..65535 to host 100000..165535. The rootfs stays owned by host
# root (nobody inside): /tmp is 1777, so the container can still write there.
userns_cfg() {
	ns_add user
	cfg '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .root.readonly = false
		| del(.mounts[] | select(.destination == "/sys/fs/cgroup"))'
	# The mapped root needs search permission on the path to the bundle.
	local d=$BUNDLE
	while [ "$d" != / ] && [ "$d" != /tmp ]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
}

# Start a first, long-running container "${CID}a" from the current config; sets FIRST_PID.
start_first() {
	set_args sleep 1000
	timeout 20 "$BERTH" --root "$ROOT" run -d --bundle "$BUNDLE" "${CID}a" </dev/null >/dev/null 2>&1
	FIRST_PID=$(rt state "${CID}a" | jq -r .pid)
	[ -n "$FIRST_PID" ] && [ "$FIRST_PID" -gt 0 ]
	kill -0 "$FIRST_PID"
}

# --- new namespaces ---------------------------------------------------------------------------------

@test "namespaces: pid -> the process is pid 1" {
	ns_add pid
	run run_ctr sh -c 'echo $$; readlink /proc/self/ns/pid'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1" ]
	[ "${lines[1]}" != "$(host_ns pid)" ]
}

@test "namespaces: pid -> only the container's processes are visible" {
	ns_add pid
	run run_ctr sh -c 'ls -d /proc/[0-9]* | wc -l'
	[ "$status" -eq 0 ]
	# sh, ls and wc at most: the host has many more.
	[ "$output" -le 3 ]
}

@test "namespaces: network -> only lo, and lo is up" {
	ns_add network
	run run_ctr sh -c 'ls /sys/class/net; cat /sys/class/net/lo/flags'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "lo" ]
	[ "${#lines[@]}" -eq 2 ]
	# IFF_UP is bit 0 of the flags.
	[ $((${lines[1]} & 1)) -eq 1 ]
}

@test "namespaces: network -> a new net namespace, and ip sees only lo UP" {
	ns_add network
	run run_ctr sh -c 'readlink /proc/self/ns/net; ip -o link'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" != "$(host_ns net)" ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == *" lo: "*UP* ]]
}

@test "namespaces: ipc -> a new ipc namespace with its own SysV state" {
	ns_add ipc
	ctr_ns ipc
	[ "$output" != "$(host_ns ipc)" ]
	run run_ctr sh -c 'cat /proc/sysvipc/shm | wc -l'
	[ "$status" -eq 0 ]
	# Only the header line: no segments of the host.
	[ "$output" = "1" ]
}

@test "namespaces: uts -> hostname set inside, host hostname unchanged" {
	local before
	before=$(hostname)
	ns_add uts
	cfg '.hostname = "h4-uts"'
	run run_ctr sh -c 'hostname; readlink /proc/self/ns/uts'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "h4-uts" ]
	[ "${lines[1]}" != "$(host_ns uts)" ]
	[ "$(hostname)" = "$before" ]
}

@test "namespaces: mount -> a new mount namespace, container mounts are not on the host" {
	ns_add mount
	run run_ctr sh -c 'readlink /proc/self/ns/mnt; grep -c " /proc " /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" != "$(host_ns mnt)" ]
	[ "${lines[1]}" -ge 1 ]
	run grep -c " $BUNDLE/rootfs" /proc/self/mountinfo
	[ "$output" = "0" ]
}

@test "namespaces: cgroup -> /proc/self/cgroup shows / paths" {
	ns_add cgroup
	run run_ctr sh -c 'readlink /proc/self/ns/cgroup; cat /proc/self/cgroup'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" != "$(host_ns cgroup)" ]
	[ "${#lines[@]}" -ge 2 ]
	local l
	for l in "${lines[@]:1}"; do
		[ "${l##*:}" = "/" ]
	done
}

@test "namespaces: user -> uid_map and gid_map hold the mappings, id -u is 0" {
	userns_cfg
	run run_ctr sh -c 'cat /proc/self/uid_map; cat /proc/self/gid_map; id -u; id -g'
	[ "$status" -eq 0 ]
	[ "$(echo "${lines[0]}" | xargs)" = "0 100000 65536" ]
	[ "$(echo "${lines[1]}" | xargs)" = "0 100000 65536" ]
	[ "${lines[2]}" = "0" ]
	[ "${lines[3]}" = "0" ]
}

@test "namespaces: user -> files created inside are owned by the mapped host ids" {
	userns_cfg
	cfg '.process.capabilities.bounding += ["CAP_CHOWN"] | .process.capabilities.effective += ["CAP_CHOWN"]
		| .process.capabilities.permitted += ["CAP_CHOWN"]'
	rm -f "$BUNDLE/rootfs/tmp/h4-owned"
	run run_ctr sh -c 'touch /tmp/h4-owned && chown 5:7 /tmp/h4-owned && touch /tmp/h4-root'
	[ "$status" -eq 0 ]
	[ "$(stat -c %u:%g "$BUNDLE/rootfs/tmp/h4-owned")" = "100005:100007" ]
	[ "$(stat -c %u:%g "$BUNDLE/rootfs/tmp/h4-root")" = "100000:100000" ]
}

@test "namespaces: user -> unmapped host root shows as the overflow uid" {
	userns_cfg
	run run_ctr stat -c %u /bin/busybox
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat /proc/sys/kernel/overflowuid)" ]
}

@test "namespaces: user -> a non-root user inside maps too" {
	userns_cfg
	cfg '.process.user = {uid: 1000, gid: 1000}'
	rm -f "$BUNDLE/rootfs/tmp/h4-u1000"
	run run_ctr sh -c 'id -u; touch /tmp/h4-u1000'
	[ "$status" -eq 0 ]
	[ "$output" = "1000" ]
	[ "$(stat -c %u "$BUNDLE/rootfs/tmp/h4-u1000")" = "101000" ]
}

@test "namespaces: time -> timens_offsets hold the monotonic and boottime offsets (berth-only)" {
	ns_add time
	cfg '.linux.timeOffsets = {monotonic: {secs: 86400, nanosecs: 0}, boottime: {secs: 172800, nanosecs: 5}}'
	run run_ctr sh -c 'cat /proc/self/timens_offsets; readlink /proc/self/ns/time'
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | awk '$1 == "monotonic" { print $2, $3 }')" = "86400 0" ]
	[ "$(echo "$output" | awk '$1 == "boottime" { print $2, $3 }')" = "172800 5" ]
	[ "${lines[2]}" != "$(host_ns time)" ]
}

@test "namespaces: time -> uptime inside is shifted by the boottime offset (berth-only)" {
	ns_add time
	cfg '.linux.timeOffsets = {boottime: {secs: 1000000, nanosecs: 0}}'
	local host_up
	host_up=$(cut -d. -f1 /proc/uptime)
	run run_ctr cut -d. -f1 /proc/uptime
	[ "$status" -eq 0 ]
	[ "$output" -ge $((host_up + 1000000)) ]
	[ "$output" -le $((host_up + 1000000 + 60)) ]
}

# --- host namespaces (type absent) ------------------------------------------------------------------

@test "namespaces: absent network -> the host's net namespace" {
	ns_drop network
	ctr_ns net
	[ "$output" = "$(host_ns net)" ]
}

@test "namespaces: absent ipc -> the host's ipc namespace" {
	ns_drop ipc
	ctr_ns ipc
	[ "$output" = "$(host_ns ipc)" ]
}

@test "namespaces: absent uts -> the host's uts namespace and hostname" {
	ns_drop uts
	cfg 'del(.hostname)'
	run run_ctr sh -c 'readlink /proc/self/ns/uts; hostname'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(host_ns uts)" ]
	[ "${lines[1]}" = "$(hostname)" ]
}

@test "namespaces: absent pid -> the host's pid namespace, pid is not 1" {
	ns_drop pid
	run run_ctr sh -c 'readlink /proc/self/ns/pid; echo $$'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(host_ns pid)" ]
	[ "${lines[1]}" -gt 1 ]
}

@test "namespaces: absent cgroup -> the host's cgroup namespace" {
	ns_drop cgroup
	ctr_ns cgroup
	[ "$output" = "$(host_ns cgroup)" ]
}

@test "namespaces: absent user -> the host's user namespace" {
	ns_drop user
	ctr_ns user
	[ "$output" = "$(host_ns user)" ]
}

# --- joining by path --------------------------------------------------------------------------------

@test "namespaces: join network by path -> same net namespace as the first container" {
	ns_add network
	start_first
	ns_add network "/proc/$FIRST_PID/ns/net"
	ctr_ns net
	[ "$output" = "$(readlink /proc/$FIRST_PID/ns/net)" ]
	[ "$output" != "$(host_ns net)" ]
}

@test "namespaces: join ipc by path -> same ipc namespace" {
	ns_add ipc
	start_first
	ns_add ipc "/proc/$FIRST_PID/ns/ipc"
	ctr_ns ipc
	[ "$output" = "$(readlink /proc/$FIRST_PID/ns/ipc)" ]
	[ "$output" != "$(host_ns ipc)" ]
}

@test "namespaces: join uts by path -> same uts namespace and the first one's hostname" {
	ns_add uts
	cfg '.hostname = "h4-first"'
	start_first
	ns_add uts "/proc/$FIRST_PID/ns/uts"
	cfg 'del(.hostname)'
	run run_ctr sh -c 'readlink /proc/self/ns/uts; hostname'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(readlink /proc/$FIRST_PID/ns/uts)" ]
	[ "${lines[1]}" = "h4-first" ]
}

@test "namespaces: join pid by path -> the first container's init is pid 1" {
	ns_add pid
	start_first
	ns_add pid "/proc/$FIRST_PID/ns/pid"
	run run_ctr sh -c 'readlink /proc/self/ns/pid; echo $$; cat /proc/1/cmdline | tr "\0" " "'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(readlink /proc/$FIRST_PID/ns/pid)" ]
	[ "${lines[1]}" -gt 1 ]
	[[ "${lines[2]}" == "sleep 1000"* ]]
}

@test "namespaces: join user by path -> same user namespace and mappings" {
	userns_cfg
	start_first
	ns_add user "/proc/$FIRST_PID/ns/user"
	run run_ctr sh -c 'readlink /proc/self/ns/user; cat /proc/self/uid_map; id -u'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(readlink /proc/$FIRST_PID/ns/user)" ]
	[ "${lines[0]}" != "$(host_ns user)" ]
	[ "$(echo "${lines[1]}" | xargs)" = "0 100000 65536" ]
	[ "${lines[2]}" = "0" ]
}

@test "namespaces: join cgroup by path -> same cgroup namespace" {
	ns_add cgroup
	start_first
	ns_add cgroup "/proc/$FIRST_PID/ns/cgroup"
	ctr_ns cgroup
	[ "$output" = "$(readlink /proc/$FIRST_PID/ns/cgroup)" ]
}

@test "namespaces: a path that is not a namespace of that type is refused" {
	ns_add network "/proc/$$/ns/ipc"
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *"/proc/$$/ns/ipc"* || "$output" == *network* || "$output" == *net* ]]
}

@test "namespaces: a missing namespace path is refused and named" {
	ns_add network /proc/h4-no-such/ns/net
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *"/proc/h4-no-such/ns/net"* ]]
}

# --- the mount namespace joined by path, or inherited -----------------------------------------------

@test "namespaces: join mount by path -> the rootfs is set up in that namespace, nothing on the host" {
	mkdir -p "$BUNDLE/rootfs/h7joined"
	unshare -m --propagation private sh -c 'mount -t tmpfs h7 "$1" && echo in-joined-ns >"$1/marker" &&
		exec sleep 1000' sh "$BUNDLE/rootfs/h7joined" </dev/null >/dev/null 2>&1 3>&- &
	local holder=$! i
	for ((i = 0; i < 50; i++)); do
		[ "$(readlink /proc/$holder/ns/mnt)" != "$(host_ns mnt)" ] && [ "$(readlink /proc/$holder/exe)" = /usr/bin/sleep ] && break
		sleep 0.05
	done
	ns_add mount "/proc/$holder/ns/mnt"
	run run_ctr sh -c 'readlink /proc/self/ns/mnt; cat /h7joined/marker; grep -c " /proc " /proc/self/mountinfo'
	local want
	want=$(readlink /proc/$holder/ns/mnt)
	kill "$holder"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$want" ]
	[ "${lines[1]}" = in-joined-ns ]
	[ "${lines[2]}" -ge 1 ]
	[ -z "$(host_mounts_here)" ]
}

@test "namespaces: joining the host's own mount namespace by path is refused" {
	ns_add mount /proc/self/ns/mnt
	run run_ctr true
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"the mount namespace /proc/self/ns/mnt is the host's own"* ]]
}

# No mount namespace, and nothing in the config that would need one.
no_mount_ns_cfg() {
	ns_drop mount
	cfg 'del(.mounts) | del(.linux.maskedPaths) | del(.linux.readonlyPaths) | .root.readonly = false
		| del(.linux.rootfsPropagation) | del(.linux.devices)'
}

@test "namespaces: absent mount -> the host's mount namespace, the root entered by chroot, nothing mounted" {
	echo h7-inside >"$BUNDLE/rootfs/etc/h7-marker"
	no_mount_ns_cfg
	set_args sh -c 'cat /etc/h7-marker; ls /proc | wc -l; sleep 1000'
	create_ctr
	local pid
	pid=$(rt state "$CID" | jq -r .pid)
	[ "$(readlink /proc/$pid/ns/mnt)" = "$(host_ns mnt)" ]
	[ "$(readlink /proc/$pid/root)" = "$BUNDLE/rootfs" ]
	[ -z "$(host_mounts_here)" ]
	run rt exec "$CID" cat /etc/h7-marker
	[ "$status" -eq 0 ]
	[ "$output" = h7-inside ]
	rt start "$CID"
	for ((i = 0; i < 50; i++)); do
		[ -s "$BATS_TEST_TMPDIR/ctr.out" ] && [ "$(wc -l <"$BATS_TEST_TMPDIR/ctr.out")" -ge 2 ] && break
		sleep 0.05
	done
	run cat "$BATS_TEST_TMPDIR/ctr.out"
	[ "${lines[0]}" = h7-inside ]
	[ "${lines[1]}" = 0 ]
	[ -z "$(host_mounts_here)" ]
}

@test "namespaces: absent mount -> what would mount on the host is refused, naming it" {
	ns_drop mount
	run run_ctr true
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"mounts[0] (/proc): needs a mount namespace of the container's own"* ]]
	no_mount_ns_cfg
	cfg '.linux.maskedPaths = ["/proc/kcore"]'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.maskedPaths: needs a mount namespace"* ]]
	cfg 'del(.linux.maskedPaths) | .root.readonly = true'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *"root.readonly: needs a mount namespace"* ]]
	[ -z "$(host_mounts_here)" ]
}

#!/usr/bin/env bats
# berth exec: each flag's effect seen from inside, the joined namespaces, errors, and the CVE-2019-5736
# and CVE-2024-21626 regressions.

load helpers

setup_file() {
	RECVTTY=$(build_helper recvtty)
	export RECVTTY
}

setup() {
	setup_bundle sleep 1000
	RECVTTY_PID=
}

teardown() {
	[ -z "$RECVTTY_PID" ] || kill "$RECVTTY_PID" 2>/dev/null || true
	teardown_containers
}

# A running container whose init sleeps.
start_ctr() {
	run_detached "$@"
}

init_pid() {
	rt state "$CID" | jq -r .pid
}

@test "exec: runs the command in the container and returns its output" {
	start_ctr
	run rt exec "$CID" sh -c 'echo hello; hostname'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = "$(jq -r .hostname "$BUNDLE/config.json")" ]
}

@test "exec: the exit status is the process's" {
	start_ctr
	run rt exec "$CID" sh -c 'exit 42'
	[ "$status" -eq 42 ]
}

@test "exec: a process killed by signal N gives 128+N" {
	start_ctr
	run rt exec "$CID" sh -c 'kill -KILL $$'
	[ "$status" -eq 137 ]
	run rt exec "$CID" sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
}

@test "exec: joins every namespace of the init (same /proc/self/ns inodes)" {
	cfg '.linux.namespaces += [{type: "cgroup"}, {type: "time"}] | .linux.namespaces |= unique_by(.type)'
	start_ctr
	local pid ns
	pid=$(init_pid)
	for ns in pid mnt net ipc uts cgroup time; do
		run rt exec "$CID" readlink "/proc/self/ns/$ns"
		[ "$status" -eq 0 ]
		[ "$output" = "$(readlink "/proc/$pid/ns/$ns")" ] || { echo "$ns: $output"; return 1; }
	done
	# in the container's pid namespace: the init is pid 1 there
	run rt exec "$CID" cat /proc/1/cmdline
	[ "$output" = "$(printf 'sleep\0001000')" ] || [ "$(echo "$output" | tr -d '\0')" = sleep1000 ]
}

@test "exec: a container without its own pid namespace" {
	cfg 'del(.linux.namespaces[] | select(.type == "pid"))'
	start_ctr
	run rt exec "$CID" sh -c 'readlink /proc/self/ns/pid; readlink /proc/self/ns/mnt'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(readlink /proc/self/ns/pid)" ]
	[ "${lines[1]}" = "$(readlink "/proc/$(init_pid)/ns/mnt")" ]
}

@test "exec: joins a user namespace" {
	cfg '.linux.namespaces += [{type: "user"}] | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	cfg '.root.readonly = false | del(.mounts[] | select(.destination == "/sys/fs/cgroup"))'
	local d=$BUNDLE
	while [ "$d" != / ] && [ "$d" != /tmp ]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
	start_ctr
	run rt exec "$CID" sh -c 'readlink /proc/self/ns/user; cat /proc/self/uid_map; id -u'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(readlink "/proc/$(init_pid)/ns/user")" ]
	[[ "${lines[1]}" =~ 100000 ]]
	[ "${lines[2]}" = 0 ]
}

@test "exec: signals to berth are forwarded to the process" {
	start_ctr
	"$BERTH" --root "$ROOT" exec "$CID" sh -c 'trap "exit 7" TERM; touch /dev/shm/ready; while :; do sleep 0.1; done' \
		</dev/null >/dev/null 2>&1 &
	local pid=$! i rc=0
	for ((i = 0; i < 50; i++)); do
		rt exec "$CID" test -e /dev/shm/ready 2>/dev/null && break
		sleep 0.1
	done
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	[ "$rc" -eq 7 ]
}

@test "exec --cwd: the process starts there; default is process.cwd" {
	cfg '.process.cwd = "/etc"'
	start_ctr
	run rt exec "$CID" pwd
	[ "$output" = /etc ]
	run rt exec --cwd /tmp "$CID" pwd
	[ "$output" = /tmp ]
	run rt exec --cwd relative "$CID" pwd
	[ "$status" -ne 0 ]
	[[ "$output" =~ "must be an absolute path" ]]
}

@test "exec --env: overrides and adds; the container's env is the default" {
	cfg '.process.env += ["FOO=from-config", "KEEP=yes"]'
	start_ctr
	run rt exec -e FOO=bar --env NEW=1 "$CID" env
	[ "$status" -eq 0 ]
	echo "$output" | grep -qx FOO=bar
	echo "$output" | grep -qx NEW=1
	echo "$output" | grep -qx KEEP=yes
	echo "$output" | grep -q '^PATH='
	! echo "$output" | grep -qx FOO=from-config
}

@test "exec --user and --additional-gids" {
	start_ctr
	run rt exec --user 1000:1001 -g 20 --additional-gids 30 "$CID" sh -c 'id -u; id -g; grep ^Groups /proc/self/status'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1001 ]
	[[ "${lines[2]}" =~ 20 ]]
	[[ "${lines[2]}" =~ 30 ]]
	run rt exec -u 1234 "$CID" id -u
	[ "$output" = 1234 ]
	run rt exec -u nobody "$CID" id -u
	[ "$status" -ne 0 ]
	[[ "$output" =~ "not a numeric id" ]]
}

@test "exec --cap: the capability is added to CapEff; the container's are the default" {
	start_ctr
	run rt exec "$CID" sh -c 'grep ^CapEff /proc/self/status'
	local base=${output##*:}
	base=${base//[[:space:]]/}
	(( (0x$base & (1 << 12)) == 0 ))
	run rt exec --cap CAP_NET_ADMIN -c CAP_SYS_TIME "$CID" sh -c 'grep ^CapEff /proc/self/status'
	local eff=${output##*:}
	eff=${eff//[[:space:]]/}
	(( (0x$eff & (1 << 12)) != 0 ))
	(( (0x$eff & (1 << 25)) != 0 ))
	run rt exec --cap CAP_NOPE "$CID" true
	[ "$status" -ne 0 ]
	[[ "$output" =~ "unknown capability" ]]
}

@test "exec --no-new-privs sets NoNewPrivs" {
	cfg '.process.noNewPrivileges = false'
	start_ctr
	run rt exec "$CID" grep NoNewPrivs /proc/self/status
	[[ "$output" =~ 0 ]]
	run rt exec --no-new-privs "$CID" grep NoNewPrivs /proc/self/status
	[[ "$output" =~ 1 ]]
}

@test "exec: rlimits of the container apply" {
	cfg '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 123, hard: 456}]'
	start_ctr
	run rt exec "$CID" sh -c 'ulimit -n; ulimit -Hn'
	[ "${lines[0]}" = 123 ]
	[ "${lines[1]}" = 456 ]
}

@test "exec: process.execCPUAffinity.final is the process's CPU set" {
	[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
	cfg '.process.execCPUAffinity = {initial: "0-1", final: "1"}'
	start_ctr
	run rt exec "$CID" grep Cpus_allowed_list /proc/self/status
	[ "$status" -eq 0 ]
	[[ "$output" =~ [[:space:]]1$ ]]
}

@test "exec --detach --pid-file: returns at once, the pid is the process in the container" {
	start_ctr
	local pidfile=$BATS_TEST_TMPDIR/exec.pid
	SECONDS=0
	rt exec -d --pid-file "$pidfile" "$CID" sleep 30 </dev/null >/dev/null 2>&1
	[ "$SECONDS" -lt 5 ]
	local pid
	pid=$(cat "$pidfile")
	[ -n "$pid" ]
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'sleep 30'
	[ "$(readlink "/proc/$pid/ns/pid")" = "$(readlink "/proc/$(init_pid)/ns/pid")" ]
	kill -9 "$pid"
}

@test "exec --preserve-fds: fd 3 reaches the process, fd 4 does not" {
	start_ctr
	echo preserved >"$BATS_TEST_TMPDIR/in"
	run rt exec --preserve-fds 1 "$CID" sh -c 'cat <&3; [ -e /proc/$$/fd/4 ] && echo leaked 4; true' \
		3<"$BATS_TEST_TMPDIR/in" 4</dev/null
	[ "$status" -eq 0 ]
	[ "$output" = preserved ]
}

@test "exec --process: a runtime-spec process.json" {
	start_ctr
	cat >"$BATS_TEST_TMPDIR/process.json" <<-'EOF'
	{"args": ["sh", "-c", "echo $MSG; pwd; id -u"], "env": ["MSG=from-json", "PATH=/bin:/usr/bin"],
	 "cwd": "/tmp", "user": {"uid": 7, "gid": 7}}
	EOF
	run rt exec --process "$BATS_TEST_TMPDIR/process.json" "$CID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = from-json ]
	[ "${lines[1]}" = /tmp ]
	[ "${lines[2]}" = 7 ]
	echo '{"args": []}' >"$BATS_TEST_TMPDIR/bad.json"
	run rt exec -p "$BATS_TEST_TMPDIR/bad.json" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" =~ bad.json ]]
}

@test "exec -t --console-socket: the process gets a pty, the master goes to the socket" {
	start_ctr
	start_recvtty
	run timeout 20 "$BERTH" --root "$ROOT" exec -t --console-socket "$SOCK" "$CID" \
		sh -c 'tty; test -t 0 && test -t 1 && echo all-tty' </dev/null
	[ "$status" -eq 0 ]
	wait "$RECVTTY_PID" || true
	RECVTTY_PID=
	grep -q '^/dev/pts/' "$TTY_OUT"
	grep -q all-tty "$TTY_OUT"
}

@test "exec -t without a console socket proxies the terminal" {
	command -v script >/dev/null || skip "no script(1)"
	start_ctr
	run timeout 20 script -qec "$BERTH --root $ROOT exec -t $CID sh -c 'tty; exit 5'" /dev/null </dev/null
	[ "$status" -eq 5 ]
	[[ "$output" =~ /dev/pts/ ]]
	run rt exec -t -d "$CID" true
	[ "$status" -ne 0 ]
	[[ "$output" =~ "console-socket" ]]
}

@test "exec into a --no-pivot container: the process's root is the container's" {
	touch "$BUNDLE/rootfs/marker-in-rootfs"
	start_ctr --no-pivot
	run rt exec "$CID" sh -c 'ls /marker-in-rootfs && readlink /proc/self/root && ls /proc/1/root/marker-in-rootfs'
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = / ]
}

@test "exec: the container's linux.seccomp applies to the process (with and without noNewPrivileges)" {
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
	start_ctr
	run rt exec "$CID" sh -c 'mkdir /tmp/x && echo made'
	[ "$status" -ne 0 ]
	[[ "$output" =~ "Operation not permitted" ]]
	run rt exec --no-new-privs -u 1000 "$CID" sh -c 'mkdir /tmp/y && echo made'
	[ "$status" -ne 0 ]
	[[ "$output" =~ "Operation not permitted" ]]
	run rt exec "$CID" sh -c 'grep ^Seccomp: /proc/self/status'
	[[ "$output" =~ 2 ]]
}

@test "exec into a created (not started) container" {
	create_ctr
	run rt exec "$CID" sh -c 'echo in-created; cat /proc/1/cmdline | tr "\0" " "'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = in-created ]
	[ "$(rt state "$CID" | jq -r .status)" = created ]
}

@test "exec errors: missing container, stopped container, missing binary" {
	run "$BERTH" --root "$ROOT" exec nosuch true
	[ "$status" -ne 0 ]
	[[ "$output" =~ "does not exist" ]]

	start_ctr
	run rt exec "$CID" /no/such/binary
	[ "$status" -ne 0 ]
	[[ "$output" =~ /no/such/binary ]]
	run rt exec "$CID" nosuchcommand
	[ "$status" -ne 0 ]
	[[ "$output" =~ "executable file not found" ]]
	run rt exec "$CID"
	[ "$status" -ne 0 ]

	rt kill "$CID" KILL
	wait_status stopped
	run rt exec "$CID" true
	[ "$status" -ne 0 ]
	[[ "$output" =~ "stopped" ]]
}

@test "CVE-2024-21626: the process's cwd and every fd it holds are inside the container" {
	start_ctr
	# a host directory as berth's cwd and extra open host fds must not leak
	cd "$BATS_TEST_TMPDIR"
	run rt exec "$CID" sh -c 'readlink /proc/self/cwd; ls -l /proc/self/fd/ | sed 1d' 5<"$BUNDLE/config.json" 7>/dev/null
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = / ]
	! echo "$output" | grep -q config.json || false
	! echo "$output" | grep -qE ' (5|7) -> ' || false
	! echo "$output" | grep -q "$BATS_TEST_TMPDIR" || false
	run rt exec --cwd /.. "$CID" readlink /proc/self/cwd
	[ "$output" = / ]
	# a symlink cwd pointing out of the root resolves inside it
	ln -s ../../../../../../../.. "$BUNDLE/rootfs/tmp/up" 2>/dev/null || true
	run rt exec --cwd /tmp/up "$CID" readlink /proc/self/cwd
	[ "$output" = / ]
}

@test "CVE-2019-5736: a container that grabs /proc/PID/exe of berth exec cannot overwrite berth" {
	# The probe holds CAP_SYS_PTRACE, so berth's non-dumpable exec child does not hide it: it opens
	# /proc/PID/exe of every process it sees (berth mid-join included) and keeps trying to write
	# through it. It must see berth (the sealed copy) and never write. On kernels where exec of
	# /proc/self/exe reaches across mount namespaces, the #!/proc/self/exe /bin/sh is the same attack.
	install_helper exe_writer
	cfg '.root.readonly = false |
		.process.capabilities.bounding += ["CAP_SYS_PTRACE"] |
		.process.capabilities.effective += ["CAP_SYS_PTRACE"] |
		.process.capabilities.permitted += ["CAP_SYS_PTRACE"]'
	set_args /bin/exe_writer /probe.out 6
	local copy=$BATS_TEST_TMPDIR/berth-copy before after i
	cp "$BERTH" "$copy"
	before=$(sha256sum <"$copy")
	BERTH=$copy run_detached
	rm -f "$BUNDLE/rootfs/bin/sh"
	printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/bin/sh"
	chmod 755 "$BUNDLE/rootfs/bin/sh"
	for ((i = 0; i < 40; i++)); do
		"$copy" --root "$ROOT" exec "$CID" /bin/sh </dev/null >/dev/null 2>&1 || true
		"$copy" --root "$ROOT" exec "$CID" /bin/exe_writer /dev/null 0 </dev/null >/dev/null 2>&1 || true
	done
	for ((i = 0; i < 100; i++)); do
		grep -q '^done' "$BUNDLE/rootfs/probe.out" 2>/dev/null && break
		sleep 0.1
	done
	grep -q '^done' "$BUNDLE/rootfs/probe.out"
	grep -q '^SAW .*berth' "$BUNDLE/rootfs/probe.out" || { cat "$BUNDLE/rootfs/probe.out"; false; }
	! grep '^WROTE' "$BUNDLE/rootfs/probe.out" || false
	after=$(sha256sum <"$copy")
	[ "$before" = "$after" ]
}

@test "exec: berth runs from a sealed memfd (CVE-2019-5736 mitigation)" {
	start_ctr
	# the exec'd process's parent chain is gone by then; check through a detached berth's own child
	run rt exec "$CID" sh -c 'cat /proc/self/status >/dev/null; echo ok'
	[ "$output" = ok ]
	# a sanitizer build: LeakSanitizer cannot work under ptrace
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		run strace -f -e trace=memfd_create,execveat -o "$BATS_TEST_TMPDIR/trace" "$BERTH" --root "$ROOT" exec "$CID" true
	if [ "$status" -eq 127 ]; then skip "no strace"; fi
	grep -q 'memfd_create("berth", MFD_CLOEXEC|MFD_ALLOW_SEALING)' "$BATS_TEST_TMPDIR/trace"
	grep -q 'execveat(.*AT_EMPTY_PATH) = 0' "$BATS_TEST_TMPDIR/trace"
}

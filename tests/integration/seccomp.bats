#!/usr/bin/env bats
# linux.seccomp: the default profile of `berth spec`, each action and operator seen from inside
# (through the sysc helper), the listener, the compiled-program cache.

load helpers

setup_file() {
	LISTENER=$(build_helper seccomp_listener)
	export LISTENER
}

setup() {
	setup_bundle
	install_helper sysc
	LISTENER_PID=
}

teardown() {
	[ -z "$LISTENER_PID" ] || kill "$LISTENER_PID" 2>/dev/null || true
	teardown_containers
}

# A profile allowing everything but one rule on NAME: only_rule NAME ACTION [EXTRA-JSON]
only_rule() {
	cfg --arg n "$1" --arg a "$2" --argjson x "${3:-{\}}" \
		'.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
			syscalls: [{names: [$n], action: $a} + $x]}'
}

@test "seccomp: berth spec writes the default profile and the container runs under it" {
	run jq -r '.linux.seccomp | .defaultAction, .defaultErrnoRet, (.architectures | join(","))' \
		"$BUNDLE/config.json"
	[ "${lines[0]}" = SCMP_ACT_ERRNO ]
	[ "${lines[1]}" = 1 ]
	[ "${lines[2]}" = SCMP_ARCH_X86_64,SCMP_ARCH_X86,SCMP_ARCH_X32 ]
	run run_ctr sh -c 'grep ^Seccomp: /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Seccomp:	2"* ]]
}

@test "seccomp: no linux.seccomp, no filter" {
	cfg 'del(.linux.seccomp)'
	run run_ctr sh -c 'grep ^Seccomp: /proc/self/status'
	[ "$status" -eq 0 ]
	[[ "$output" == *"Seccomp:	0"* ]]
	[ ! -e "$ROOT/.seccomp-cache" ]
}

@test "seccomp: the default profile refuses unshare, keyctl, kexec_load, open_by_handle_at, mount, ptrace" {
	run run_ctr sh -c 'sysc unshare 0x10000000; sysc keyctl 0; sysc add_key 0; sysc kexec_load 0 0 0 0;
		sysc open_by_handle_at 0 0 0; sysc mount 0 0 0 0 0; sysc ptrace-parent; sysc bpf 0 0 0;
		sysc setns 0 0; sysc personality 0x0400000; sysc clone 0x10000000 0 0 0 0'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 11 ]
	for l in "${lines[@]}"; do [ "$l" = "errno 1" ]; done
}

@test "seccomp: the default profile answers clone3 with ENOSYS, so libc falls back to clone" {
	run run_ctr sh -c 'sysc 435 0 0; sh -c "echo forked"'
	[ "${lines[0]}" = "errno 38" ]
	[ "${lines[1]}" = forked ]
}

@test "seccomp: busybox unshare -U and mount fail under the default profile, even with CAP_SYS_ADMIN" {
	cfg '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
	run run_ctr sh -c 'unshare -U true && echo unshare-ok
		mount -t tmpfs none /tmp && echo mount-ok; echo done'
	[ "$status" -eq 0 ]
	[[ "$output" != *unshare-ok* ]]
	[[ "$output" != *mount-ok* ]]
	[[ "$output" == *done* ]]
	# the same container without the profile can mount: the refusal is the filter's
	cfg 'del(.linux.seccomp)'
	run run_ctr sh -c 'mount -t tmpfs none /tmp && echo mount-ok'
	[[ "$output" == *mount-ok* ]]
}

@test "seccomp: the default profile lets ordinary programs work" {
	run run_ctr sh -c 'ls / >/dev/null && cat /proc/self/status >/dev/null && ps >/dev/null &&
		wget --help >/dev/null 2>&1; echo wget=$?; sh -c "echo child" & wait
		sysc personality 0xffffffff
		sysc getppid; sleep 0.01 && echo slept'
	[ "$status" -eq 0 ]
	[[ "$output" == *child* ]]
	[[ "$output" == *slept* ]]
	[[ "$output" != *"errno"* ]]
	[[ "$output" != *"wget=127"* ]]
}

@test "seccomp: a server and wget talk over loopback under the default profile" {
	run run_ctr sh -c 'httpd -p 127.0.0.1:8080 -h /etc && sleep 0.2 &&
		wget -q -O - http://127.0.0.1:8080/hostname'
	[ "$status" -eq 0 ]
	[ "$output" = berth ]
}

@test "seccomp: the default profile without noNewPrivileges (loaded before the user switch)" {
	cfg '.process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000}'
	run run_ctr sh -c 'id -u; grep ^NoNewPrivs: /proc/self/status; sysc keyctl 0; sysc getppid'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[[ "${lines[1]}" == *"	0" ]]
	[ "${lines[2]}" = "errno 1" ]
	[[ "${lines[3]}" == "ok "* ]]
}

@test "seccomp: SCMP_ACT_ERRNO returns errnoRet, EPERM without it" {
	only_rule getppid SCMP_ACT_ERRNO '{"errnoRet": 42}'
	run run_ctr sysc getppid
	[ "$output" = "errno 42" ]
	only_rule getppid SCMP_ACT_ERRNO
	run run_ctr sysc getppid
	[ "$output" = "errno 1" ]
}

@test "seccomp: defaultErrnoRet applies to the default action" {
	cfg '.linux.seccomp.defaultErrnoRet = 42'
	run run_ctr sh -c 'sysc kexec_load 0 0 0 0; sysc getppid'
	[ "${lines[0]}" = "errno 42" ]
	[[ "${lines[1]}" == "ok "* ]]
}

@test "seccomp: SCMP_ACT_KILL, KILL_PROCESS, KILL_THREAD end the process with SIGSYS (run exits 159)" {
	for a in SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD; do
		only_rule getppid "$a"
		run run_ctr sysc getppid
		echo "$a: $status $output"
		[ "$status" -eq 159 ]
		[ -z "$output" ]
	done
}

@test "seccomp: SCMP_ACT_TRAP sends SIGSYS" {
	# sh itself calls getppid: trap a call it never makes
	only_rule setns SCMP_ACT_TRAP
	run run_ctr sh -c 'sysc setns 0 0; echo "status $?"'
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "status 159" ]
}

@test "seccomp: SCMP_ACT_TRACE without a tracer fails with ENOSYS, LOG and ALLOW allow" {
	only_rule getppid SCMP_ACT_TRACE '{"errnoRet": 5}'
	run run_ctr sysc getppid
	[ "$output" = "errno 38" ]
	only_rule getppid SCMP_ACT_LOG
	run run_ctr sysc getppid
	[[ "$output" == "ok "* ]]
	only_rule getppid SCMP_ACT_ALLOW
	run run_ctr sysc getppid
	[[ "$output" == "ok "* ]]
}

@test "seccomp: SCMP_ACT_LOG writes an audit record (type 1326, action log) for the call" {
	dmesg >/dev/null 2>&1 || skip "the kernel log is not readable here"
	local before after
	before=$(dmesg | grep -c 'type=1326.*comm="sysc".*syscall=110 .*code=0x7ffc0000')
	only_rule getppid SCMP_ACT_LOG
	run run_ctr sysc getppid
	[[ "$output" == "ok "* ]]
	after=$(dmesg | grep -c 'type=1326.*comm="sysc".*syscall=110 .*code=0x7ffc0000')
	[ "$after" -gt "$before" ]
}

@test "seccomp: SCMP_ACT_ALLOW under a deny-by-default profile" {
	# allow exactly what sh and sysc need; getppid allowed, getpid refused with 7
	cfg '.linux.seccomp.defaultErrnoRet = 7 | .linux.seccomp.syscalls[0].names -= ["getpid"]'
	run run_ctr sh -c 'sysc getppid; sysc getpid'
	[[ "${lines[0]}" == "ok "* ]]
	[ "${lines[1]}" = "errno 7" ]
}

# dup(fd) for fds 3 5 7 19 35 under a rule on argument 0; prints the fds that got errno 42
op_hits() {
	cfg --arg op "$1" --argjson v "$2" --argjson v2 "${3:-0}" \
		'.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		syscalls: [{names: ["dup"], action: "SCMP_ACT_ERRNO", errnoRet: 42,
		args: [{index: 0, value: $v, valueTwo: $v2, op: $op}]}]}'
	run_ctr sh -c 'for fd in 3 5 7 19 35; do
		[ "$(sysc dup $fd)" = "errno 42" ] && printf "%s " $fd; done; echo'
}

@test "seccomp: each argument operator" {
	run op_hits SCMP_CMP_EQ 5; [ "$output" = "5 " ]
	run op_hits SCMP_CMP_NE 5; [ "$output" = "3 7 19 35 " ]
	run op_hits SCMP_CMP_LT 5; [ "$output" = "3 " ]
	run op_hits SCMP_CMP_LE 5; [ "$output" = "3 5 " ]
	run op_hits SCMP_CMP_GT 5; [ "$output" = "7 19 35 " ]
	run op_hits SCMP_CMP_GE 5; [ "$output" = "5 7 19 35 " ]
	run op_hits SCMP_CMP_MASKED_EQ 240 16; [ "$output" = "19 " ]
}

@test "seccomp: an unknown syscall name is skipped, an unknown action or operator fails naming the path" {
	cfg '.linux.seccomp.syscalls += [{names: ["no_such_call"], action: "SCMP_ACT_KILL"}]'
	run run_ctr sysc getppid
	[ "$status" -eq 0 ]
	[[ "$output" == "ok "* ]]
	only_rule getppid SCMP_ACT_FOO
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.seccomp.syscalls[0].action: unknown action '*SCMP_ACT_FOO* ]]
	only_rule dup SCMP_ACT_ERRNO '{"args": [{"index": 0, "value": 1, "op": "SCMP_CMP_XX"}]}'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.seccomp.syscalls[0].args[0].op: unknown operator '*SCMP_CMP_XX* ]]
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_Z80"]}'
	run run_ctr true
	[[ "$output" == *'linux.seccomp.architectures[0]: unknown architecture '*SCMP_ARCH_Z80* ]]
	cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_X"]}'
	run run_ctr true
	[[ "$output" == *'linux.seccomp.flags[0]: unknown flag '*SECCOMP_FILTER_FLAG_X* ]]
}

@test "seccomp: flags are honoured" {
	cfg '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
		"SECCOMP_FILTER_FLAG_SPEC_ALLOW"]'
	run run_ctr sh -c 'sysc keyctl 0; sysc getppid'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "errno 1" ]
	[[ "${lines[1]}" == "ok "* ]]
}

start_listener() {
	SOCK=$BATS_TEST_TMPDIR/agent.sock
	OUT=$BATS_TEST_TMPDIR/agent.json
	"$LISTENER" "$SOCK" "$OUT" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/agent.err" 3>&- &
	LISTENER_PID=$!
	for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.05; done
	cfg --arg s "$SOCK" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerPath: $s,
		listenerMetadata: "agent-meta", syscalls: [{names: ["getppid"], action: "SCMP_ACT_NOTIFY"}]}'
}

wait_out() {
	for _ in $(seq 50); do [ -s "$OUT" ] && return 0; sleep 0.05; done
	return 1
}

@test "seccomp: the listener gets the notify fd, the state and the metadata" {
	start_listener
	set_args sh -c 'sysc getppid; sysc getpid'
	create_ctr
	pid=$(rt state "$CID" | jq .pid)
	rt start "$CID"
	wait_out
	run jq -r '.ociVersion, (.fds | join(",")), .pid, .metadata, .state.pid, .state.id' "$OUT"
	echo "$output"
	[ "${lines[0]}" = 1.3.0 ]
	[ "${lines[1]}" = seccompFd ]
	[ "${lines[2]}" = "$pid" ]
	[ "${lines[3]}" = agent-meta ]
	[ "${lines[4]}" = "$pid" ]
	[ "${lines[5]}" = "$CID" ]
	for _ in $(seq 50); do [ "$(rt state "$CID" | jq -r .status)" = stopped ] && break; sleep 0.05; done
	# the agent answered the notified call with EXDEV; the rest ran as usual
	run cat "$BATS_TEST_TMPDIR/ctr.out"
	[ "${lines[0]}" = "errno 18" ]
	[[ "${lines[1]}" == "ok "* ]]
}

@test "seccomp: the listener without noNewPrivileges is told at create" {
	start_listener
	cfg '.process.noNewPrivileges = false'
	set_args sysc getppid
	create_ctr
	pid=$(rt state "$CID" | jq .pid)
	wait_out
	[ "$(jq .pid "$OUT")" = "$pid" ]
	[ "$(jq -r .state.status "$OUT")" = creating ]
	rt start "$CID"
	for _ in $(seq 50); do [ "$(rt state "$CID" | jq -r .status)" = stopped ] && break; sleep 0.05; done
	[ "$(cat "$BATS_TEST_TMPDIR/ctr.out")" = "errno 18" ]
}

@test "seccomp: a listenerPath nobody listens on fails the create" {
	cfg --arg s "$BATS_TEST_TMPDIR/nobody.sock" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
		listenerPath: $s, syscalls: [{names: ["getppid"], action: "SCMP_ACT_NOTIFY"}]}'
	run run_ctr true
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.seccomp.listenerPath: connect $BATS_TEST_TMPDIR/nobody.sock"* ]]
}

@test "seccomp: the compiled program is cached; a corrupt cache file is rewritten" {
	run run_ctr sysc keyctl 0
	[ "$output" = "errno 1" ]
	files=("$ROOT"/.seccomp-cache/*.bpf)
	[ "${#files[@]}" -eq 1 ]
	[ -s "${files[0]}" ]
	good=$(sha256sum <"${files[0]}")
	printf 'garbage' | dd of="${files[0]}" bs=1 seek=200 conv=notrunc 2>/dev/null
	[ "$(sha256sum <"${files[0]}")" != "$good" ]
	run run_ctr sysc keyctl 0
	[ "$output" = "errno 1" ]
	[ "$(sha256sum <"${files[0]}")" = "$good" ]
	# a foreign file under the key's name is ignored as well
	head -c 4096 /dev/urandom >"${files[0]}"
	run run_ctr sysc keyctl 0
	[ "$output" = "errno 1" ]
	[ "$(sha256sum <"${files[0]}")" = "$good" ]
}

# Docker 17.06's default profile as dockerd hands it to the runtime for the default capabilities:
# it predates close_range, openat2, clone3, rseq, faccessat2, statx. seccomp_profile FILE NNP
seccomp_profile() {
	cfg --slurpfile p "$1" --argjson nnp "$2" '.linux.seccomp = $p[0] | .process.noNewPrivileges = $nnp'
}

# Only what busybox sh, sleep and the sysc helper need, plus the process setup any runtime does
# after loading the filter (user switch, capabilities, the exec fifo, execve).
minimal_profile() {
	jq -n --argjson nnp "$1" '{defaultAction: "SCMP_ACT_ERRNO", architectures: ["SCMP_ARCH_X86_64"],
		syscalls: [{action: "SCMP_ACT_ALLOW", names: [
			"setgroups", "setresgid", "setresuid", "capget", "capset", "prctl", "openat", "read",
			"write", "close", "newfstatat", "access", "execve", "exit", "exit_group", "arch_prctl",
			"brk", "mmap", "munmap", "mprotect", "madvise", "set_tid_address", "set_robust_list",
			"prlimit64", "readlink", "getrandom", "getuid", "geteuid", "getpid", "getppid", "getcwd",
			"uname", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "clone", "wait4", "futex",
			"fcntl", "ioctl", "dup2", "nanosleep", "clock_nanosleep"]}]}' >"$BATS_TEST_TMPDIR/minimal.json"
	seccomp_profile "$BATS_TEST_TMPDIR/minimal.json" "$1"
}

# Under the profile in config.json: create + start, exec, run; each process sees clone3 answered
# with ENOSYS and starts a thread (libc falls back to clone).
check_profile_runs() {
	local i
	set_args sh -c 'sysc 435 0 0; sysc thread; echo started; exec sleep 100'
	create_ctr
	rt start "$CID"
	for ((i = 0; i < 50; i++)); do
		grep -q started "$BATS_TEST_TMPDIR/ctr.out" && break
		sleep 0.1
	done
	run cat "$BATS_TEST_TMPDIR/ctr.out"
	echo "create+start: $output"
	[ "${lines[0]}" = "errno 38" ]
	[ "${lines[1]}" = "thread ok" ]
	[ "${lines[2]}" = started ]
	run rt exec "$CID" sh -c 'sysc 435 0 0; sysc thread; echo exec-ok'
	echo "exec: $output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "errno 38" ]
	[ "${lines[1]}" = "thread ok" ]
	[ "${lines[2]}" = exec-ok ]
	rt delete --force "$CID"
	run run_ctr sh -c 'sysc 435 0 0; sysc thread; echo run-ok'
	echo "run: $output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "errno 38" ]
	[ "${lines[1]}" = "thread ok" ]
	[ "${lines[2]}" = run-ok ]
}

@test "seccomp: Docker 17's default profile without noNewPrivileges: create+start, exec, run" {
	seccomp_profile "$TESTS_TOP/tests/integration/seccomp-docker17.json" false
	check_profile_runs
}

@test "seccomp: Docker 17's default profile with noNewPrivileges: create+start, exec, run" {
	seccomp_profile "$TESTS_TOP/tests/integration/seccomp-docker17.json" true
	check_profile_runs
}

@test "seccomp: a minimal allow-list without noNewPrivileges, as a non-root user" {
	# an ASan build makes its own syscalls (sigaltstack) in the init after the filter: a minimal list refuses them
	[ -z "${ASAN_OPTIONS:-}" ] || skip "the sanitizer runtime needs syscalls a minimal allow-list refuses"
	minimal_profile false
	cfg '.process.user = {uid: 1000, gid: 1000}'
	check_profile_runs
}

@test "seccomp: a minimal allow-list with noNewPrivileges" {
	# an ASan build makes its own syscalls (sigaltstack) in the init after the filter: a minimal list refuses them
	[ -z "${ASAN_OPTIONS:-}" ] || skip "the sanitizer runtime needs syscalls a minimal allow-list refuses"
	minimal_profile true
	check_profile_runs
}

@test "seccomp: syscalls above the highest one a profile names get ENOSYS, the rest the default action" {
	# an ASan build makes its own syscalls (sigaltstack) in the init after the filter: a minimal list refuses them
	[ -z "${ASAN_OPTIONS:-}" ] || skip "the sanitizer runtime needs syscalls a minimal allow-list refuses"
	minimal_profile true
	cfg '.linux.seccomp.defaultErrnoRet = 13 |
		.linux.seccomp.syscalls += [{names: ["close_range"], action: "SCMP_ACT_ERRNO", errnoRet: 42}]'
	# close_range (436) is named; openat2 (437) and 1000 are above it; mount (165) is below
	run run_ctr sh -c 'sysc 436 3 3 0; sysc 437 0 0 0 0; sysc 1000; sysc mount 0 0 0 0 0'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "errno 42" ]
	[ "${lines[1]}" = "errno 38" ]
	[ "${lines[2]}" = "errno 38" ]
	[ "${lines[3]}" = "errno 13" ]
}

@test "seccomp: a profile repeating its rules 100 times compiles in well under a second, same filter" {
	cfg '.linux.seccomp.syscalls as $s | .linux.seccomp.syscalls = [range(100) as $i | $s[]]'
	local t0 t1
	t0=$(date +%s%N)
	set_args sh -c 'sysc unshare 0x10000000; sysc 435 0 0; sysc getppid; sysc mount 0 0 0 0 0'
	run timeout 60 "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
	t1=$(date +%s%N)
	echo "$output; $(((t1 - t0) / 1000000)) ms"
	[ "$status" -eq 0 ]
	[ $(((t1 - t0) / 1000000)) -lt 1000 ]
	[ "${lines[0]}" = "errno 1" ]
	[ "${lines[1]}" = "errno 38" ]
	[[ "${lines[2]}" == "ok "* ]]
	[ "${lines[3]}" = "errno 1" ]
}

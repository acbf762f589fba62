#!/usr/bin/env bats
# Crash safety: berth killed (SIGKILL) at any moment of a command; afterwards `delete --force` (or the
# next command) leaves nothing behind: state dir, cgroup in any hierarchy, process.

load helpers

setup() {
	MARK=$((100000 + RANDOM))
	setup_bundle sleep "$MARK"
}

teardown() {
	teardown_containers
	local id m
	for id in $(ls "$ROOT/.images/containers" 2>/dev/null); do
		"$BERTH" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
	done
	for m in $(host_mounts_here | sort -r); do umount -l "$m" 2>/dev/null || true; done
}

need_strace() {
	command -v strace >/dev/null || skip "no strace"
}

# berth ARGS... killed (SIGKILL) MS milliseconds after it started.
kill_after() {
	local ms=$1 pid
	shift
	"$BERTH" --root "$ROOT" "$@" </dev/null >/dev/null 2>&1 3>&- &
	pid=$!
	[ "$ms" -gt 0 ] && sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# The delays of a sweep: 0 to 30 ms in 2 ms steps, past the end of a create on this machine.
DELAYS=$(seq 0 2 30)

# berth ARGS... killed by strace at the Nth call of SYSCALL in berth's own process (not its
# children); 137 when it was killed there, berth's own status when it finished first.
kill_at() {
	local sys=$1 n=$2 rc=0
	shift 2
	# a sanitizer build: LeakSanitizer cannot work under ptrace
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -qq -o /dev/null -e trace="$sys" -e inject="$sys:signal=KILL:when=$n" \
		"$BERTH" --root "$ROOT" "$@" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/berth.err" 3>&- || rc=$?
	return $rc
}

# What a container id holds on the host: its state dir, a .tmp-* dir, its cgroup in any hierarchy
# (v1, name=systemd, unified), a process whose command line names our state root (the init is a
# clone of berth). Prints each, one per line.
leftovers() {
	local id=$1
	[ -e "$ROOT/$id" ] && echo "state dir $ROOT/$id"
	find "$ROOT" -maxdepth 1 -name '.tmp-*' -printf 'temp dir %p\n' 2>/dev/null
	# berth's default cgroup path is /berth/<id> in each hierarchy
	ls -d /sys/fs/cgroup/*/berth/"$id" /sys/fs/cgroup/berth/"$id" 2>/dev/null | sed 's/^/cgroup /'
	pgrep -af -- "--root $ROOT " | sed 's/^/process /'
	pgrep -afx "sleep $MARK" | sed 's/^/container process /'
	host_mounts_here | sed 's/^/mount /'
	[ -e "$ROOT/.images/containers/$id" ] && echo "run --image dir $ROOT/.images/containers/$id"
	return 0
}

# After a kill: the container (if its dir exists) is listed, delete --force removes it all, and the
# id can be used again.
check_clean_after_kill() {
	local id=$1 what=$2 left
	if [ -e "$ROOT/$id" ]; then
		rt list -q | grep -qx -- "$id" || { echo "$what: $id not listed"; ls -la "$ROOT/$id"; return 1; }
	fi
	rt delete --force "$id" || { echo "$what: delete --force failed"; return 1; }
	left=$(leftovers "$id")
	[ -z "$left" ] || { echo "$what: left after delete --force:"; echo "$left"; return 1; }
}

# Kill create at the 1st, 1+STEP-th, ... call of each SYSCALL until a create runs to its end.
kill_create_at_each() {
	local step=$1 sys n rc
	shift
	for sys in "$@"; do
		for ((n = 1; n < 400; n += step)); do
			rc=0
			kill_at "$sys" "$n" create --bundle "$BUNDLE" "$CID" || rc=$?
			check_clean_after_kill "$CID" "create killed at $sys #$n (status $rc)"
			[ "$rc" -eq 137 ] || break # create ran to its end: no call left to kill at
		done
		[ "$rc" -eq 0 ] || { echo "create under strace failed:"; cat "$BATS_TEST_TMPDIR/berth.err"; false; }
	done
}

@test "crash: create killed at every mkdirat, renameat2 and write: delete --force leaves nothing" {
	need_strace
	kill_create_at_each 1 mkdirat renameat2 write
}

@test "crash: create killed at every third openat: delete --force leaves nothing" {
	need_strace
	# most of them read config.json, /proc and libraries: every third is enough
	kill_create_at_each 3 openat
}

@test "crash: a state dir an older berth left with only its lock is listed and removed by delete --force" {
	mkdir -p "$ROOT/$CID"
	: >"$ROOT/$CID/lock"
	: >"$ROOT/$CID/state.json.tmp"
	run rt list -q
	[ "$status" -eq 0 ]
	[[ "$output" == *"$CID"* ]]
	run rt state "$CID"
	[ "$status" -ne 0 ]
	rt delete --force "$CID"
	[ ! -e "$ROOT/$CID" ]
	create_ctr
	rt delete --force "$CID"
}

@test "crash: a create killed while it holds the lock shows as stopped, and a plain delete removes it" {
	need_strace
	# stopped at its first cgroup write: the state dir is in place, the lock held
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -qq -o /dev/null -e trace=mkdirat -e inject=mkdirat:signal=STOP:when=3 \
		"$BERTH" --root "$ROOT" create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 3>&- &
	local i pid tracer=$!
	for ((i = 0; i < 100; i++)); do
		[ -e "$ROOT/$CID/state.json" ] && break
		sleep 0.05
	done
	pid=$(pgrep -f -- "--root $ROOT create" | grep -v "^$tracer\$" | head -n 1)
	[ -n "$pid" ]
	run rt list --format json
	[ "$(jq -r '.[0].status' <<<"$output")" = creating ]
	kill -KILL "$pid"
	wait "$tracer" || true
	run rt list --format json
	[ "$(jq -r '.[0].status' <<<"$output")" = stopped ]
	[ "$(rt state "$CID" | jq -r .status)" = stopped ]
	rt delete "$CID"
	[ -z "$(leftovers "$CID")" ]
}

@test "crash: create, run and delete killed at a sweep of delays: delete --force leaves nothing" {
	local ms
	for ms in $DELAYS; do
		kill_after "$ms" create --bundle "$BUNDLE" "$CID"
		check_clean_after_kill "$CID" "create killed after $ms ms"
	done
	# `run` of a short process: the kills also land in its own delete at the end
	set_args true
	for ms in $DELAYS; do
		kill_after "$ms" run --bundle "$BUNDLE" "$CID"
		check_clean_after_kill "$CID" "run killed after $ms ms"
	done
	set_args sleep "$MARK"
	for ms in $DELAYS; do
		create_ctr
		kill_after "$ms" delete --force "$CID"
		check_clean_after_kill "$CID" "delete killed after $ms ms"
	done
}

@test "crash: delete killed at every unlinkat, renameat2, rmdir and kill: delete --force leaves nothing" {
	need_strace
	local sys n rc
	for sys in unlinkat renameat2 rmdir kill; do
		for ((n = 1; n < 200; n++)); do
			create_ctr
			rt start "$CID"
			rc=0
			kill_at "$sys" "$n" delete --force "$CID" || rc=$?
			check_clean_after_kill "$CID" "delete killed at $sys #$n (status $rc)"
			[ "$rc" -eq 137 ] || break
		done
	done
}

@test "crash: run --image killed at a sweep of delays: delete --force leaves nothing" {
	BERTH=$BERTH "$TESTS_TOP/tests/data/mkimage.sh" "$BATS_TEST_TMPDIR/a.tar" busybox >/dev/null
	rt image load "$BATS_TEST_TMPDIR/a.tar" >/dev/null
	local ms
	for ms in $DELAYS; do
		kill_after "$ms" run --network none --image busybox:test --name "$CID" -- sleep "$MARK"
		check_clean_after_kill "$CID" "run --image killed after $ms ms"
	done
}

@test "crash: image load killed at a sweep of delays: the next store command leaves no temporary" {
	BERTH=$BERTH "$TESTS_TOP/tests/data/mkimage.sh" "$BATS_TEST_TMPDIR/a.tar" busybox >/dev/null
	local ms left
	for ms in $DELAYS; do
		kill_after "$ms" image load "$BATS_TEST_TMPDIR/a.tar"
		rt image ls >/dev/null
		left=$(find "$ROOT" -name '.tmp*' 2>/dev/null; host_mounts_here)
		[ -z "$left" ] || { echo "image load killed after $ms ms, then image ls: left"; echo "$left"; false; }
		rt image rm busybox:test >/dev/null 2>&1 || true
	done
}

#!/usr/bin/env bats
# The container lifecycle: create, start, state, kill, delete, run, list and the create/run flags.

load helpers

setup() {
	setup_bundle
	MARK=$((300000 + RANDOM))
}

# dev:inode of a file, following symlinks
devino() {
	stat -L -c %d:%i "$1"
}

state_field() {
	rt state "$CID" | jq -r ".$1"
}

# The host pids whose command line is exactly "$*".
pids_of() {
	pgrep -fx "$*" || true
}

# Wait (up to 5 s) until PID is gone or a zombie.
pid_gone() {
	local i st
	for ((i = 0; i < 50; i++)); do
		st=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || true
		[ -z "$st" ] || [ "$st" = Z ] && return 0
		sleep 0.1
	done
	echo "pid $1 is still alive ($st)" >&2
	return 1
}

# Wait until FILE contains TEXT: wait_for_text FILE TEXT [tries]
wait_for_text() {
	local i
	for ((i = 0; i < ${3:-50}; i++)); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "'$2' never appeared in $1: $(cat "$1" 2>/dev/null)" >&2
	return 1
}

@test "lifecycle: create gives a created container whose init exists and has not exec'd yet" {
	set_args sleep "$MARK"
	create_ctr
	run rt state "$CID"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = created ]
	[ "$(jq -r .id <<<"$output")" = "$CID" ]
	local pid
	pid=$(jq -r .pid <<<"$output")
	[ "$pid" -gt 0 ]
	kill -0 "$pid"
	# not the container's program yet: neither its binary nor its arguments
	[ "$(devino /proc/"$pid"/exe)" != "$(devino "$BUNDLE/rootfs/bin/busybox")" ]
	[[ "$(tr "\0" " " <"/proc/$pid/cmdline")" != *"$MARK"* ]]
	[ -z "$(pids_of sleep "$MARK")" ]
	[ -f "$ROOT/$CID/state.json" ]
	[ -p "$ROOT/$CID/exec.fifo" ]
}

@test "lifecycle: the waiting init holds none of the caller's fds, so create | cat returns" {
	set_args sleep "$MARK"
	local f=$BATS_TEST_TMPDIR/callers-file
	(
		exec 7>"$f"
		create_ctr
	)
	local pid
	pid=$(state_field pid)
	run ls -l "/proc/$pid/fd"
	[ "$status" -eq 0 ]
	[[ "$output" != *callers-file* ]]
	# a pipe the caller holds on fd 5 (not stdio) must reach EOF while the container waits
	CID=$CID-pipe
	BERTH=$BERTH ROOT=$ROOT BUNDLE=$BUNDLE CID=$CID BATS_TEST_TMPDIR=$BATS_TEST_TMPDIR run timeout 10 \
		bash -c "$(declare -f create_ctr _detached); { create_ctr 5>&1; } | cat >/dev/null 2>&1"
	[ "$status" -eq 0 ]
	[ "$(state_field status)" = created ]
}

@test "lifecycle: start runs the process, state becomes running, then stopped when it ends" {
	set_args sleep "$MARK"
	create_ctr
	run rt start "$CID"
	[ "$status" -eq 0 ]
	wait_status running
	local pid
	pid=$(state_field pid)
	[ "$(devino /proc/"$pid"/exe)" = "$(devino "$BUNDLE/rootfs/bin/busybox")" ]
	[ "$(pids_of sleep "$MARK")" = "$pid" ]
	[ ! -e "$ROOT/$CID/exec.fifo" ]
	rt kill "$CID" KILL
	wait_status stopped
	[ -z "$(pids_of sleep "$MARK")" ]
}

@test "lifecycle: a process that exits by itself leaves the container stopped" {
	set_args sh -c 'exit 0'
	create_ctr
	rt start "$CID"
	wait_status stopped
	run rt list --quiet
	[ "$output" = "$CID" ]
}

@test "lifecycle: state prints the runtime-spec state JSON" {
	cfg '.annotations = {"org.example.h6": "yes"}'
	create_ctr
	run rt state "$CID"
	[ "$status" -eq 0 ]
	jq -e --arg id "$CID" --arg b "$BUNDLE" '
		(.ociVersion | type == "string") and .id == $id and .status == "created" and .pid > 0
		and .bundle == $b and (.created | type == "string") and .rootfs == $b + "/rootfs"
		and .annotations["org.example.h6"] == "yes"' <<<"$output"
}

@test "lifecycle: delete removes the container from list and its state dir" {
	create_ctr
	[ -d "$ROOT/$CID" ]
	local pid
	pid=$(state_field pid)
	run rt delete "$CID"
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/$CID" ]
	run rt list --quiet
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run rt state "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
	# the waiting init went with it
	pid_gone "$pid"
}

@test "lifecycle: deleting a stopped container works without --force" {
	set_args true
	create_ctr
	rt start "$CID"
	wait_status stopped
	run rt delete "$CID"
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/$CID" ]
}

@test "lifecycle: a second start fails" {
	set_args sleep "$MARK"
	create_ctr
	rt start "$CID"
	wait_status running
	run rt start "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"running"* ]]
	[ "$(state_field status)" = running ]
	[ "$(pids_of sleep "$MARK" | wc -l)" -eq 1 ]
}

@test "lifecycle: start of a stopped container fails" {
	set_args true
	create_ctr
	rt start "$CID"
	wait_status stopped
	run rt start "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"stopped"* ]]
}

@test "lifecycle: create of an existing id fails and leaves the first one alone" {
	create_ctr
	local pid
	pid=$(state_field pid)
	run create_ctr
	[ "$status" -eq 1 ]
	[[ "$output" == *"already exists"* ]]
	[ "$(state_field status)" = created ]
	[ "$(state_field pid)" = "$pid" ]
}

@test "lifecycle: commands on a missing container fail with does not exist" {
	for c in start state delete kill; do
		run rt "$c" "missing-$CID"
		[ "$status" -eq 1 ]
		[[ "$output" == *"does not exist"* ]] || { echo "$c: $output"; false; }
	done
}

@test "lifecycle: delete of a running container fails without --force and works with it" {
	set_args sleep "$MARK"
	create_ctr
	rt start "$CID"
	wait_status running
	local pid
	pid=$(state_field pid)
	run rt delete "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"running"* ]]
	[ -d "$ROOT/$CID" ]
	kill -0 "$pid"
	run rt delete --force "$CID"
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/$CID" ]
	local i
	for ((i = 0; i < 50; i++)); do
		[ -z "$(pids_of sleep "$MARK")" ] && break
		sleep 0.1
	done
	[ -z "$(pids_of sleep "$MARK")" ]
}

@test "lifecycle: delete --force of a created container works" {
	create_ctr
	local pid
	pid=$(state_field pid)
	run rt delete -f "$CID"
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/$CID" ]
	pid_gone "$pid"
}

@test "lifecycle: kill of a stopped container fails" {
	set_args true
	create_ctr
	rt start "$CID"
	wait_status stopped
	run rt kill "$CID" KILL
	[ "$status" -eq 1 ]
	[[ "$output" == *"stopped"* || "$output" == *"not running"* ]]
}

@test "lifecycle: kill with KILL, SIGKILL and 9 stops the container" {
	local sig
	for sig in KILL SIGKILL 9; do
		CID=$CID-$sig
		set_args sleep "$MARK"
		create_ctr
		rt start "$CID"
		wait_status running
		run rt kill "$CID" "$sig"
		[ "$status" -eq 0 ]
		wait_status stopped
		[ -z "$(pids_of sleep "$MARK")" ]
		rt delete "$CID"
	done
}

@test "lifecycle: kill with TERM, SIGTERM, 15 and no signal delivers SIGTERM" {
	local sig
	set_args sh -c 'trap "echo got-TERM; exit 7" TERM; echo ready; while :; do sleep 0.1; done'
	for sig in TERM SIGTERM 15 ""; do
		CID=$CID-x$sig
		create_ctr
		rt start "$CID"
		wait_for_text "$BATS_TEST_TMPDIR/ctr.out" ready
		if [ -n "$sig" ]; then run rt kill "$CID" "$sig"; else run rt kill "$CID"; fi
		[ "$status" -eq 0 ]
		wait_status stopped
		grep -q got-TERM "$BATS_TEST_TMPDIR/ctr.out"
		rt delete "$CID"
	done
}

@test "lifecycle: kill with another signal delivers that one (USR1, 10)" {
	local sig
	set_args sh -c 'trap "echo got-USR1; exit 0" USR1; trap "echo got-TERM; exit 0" TERM; echo ready;
		while :; do sleep 0.1; done'
	for sig in USR1 10; do
		CID=$CID-x$sig
		create_ctr
		rt start "$CID"
		wait_for_text "$BATS_TEST_TMPDIR/ctr.out" ready
		rt kill "$CID" "$sig"
		wait_status stopped
		grep -q got-USR1 "$BATS_TEST_TMPDIR/ctr.out"
		[ -z "$(grep got-TERM "$BATS_TEST_TMPDIR/ctr.out")" ]
		rt delete "$CID"
	done
}

@test "lifecycle: kill with an unknown signal fails and names it" {
	set_args sleep "$MARK"
	create_ctr
	rt start "$CID"
	wait_status running
	run rt kill "$CID" NOSUCHSIG
	[ "$status" -eq 1 ]
	[[ "$output" == *"NOSUCHSIG"* ]]
	[ "$(state_field status)" = running ]
}

@test "lifecycle: kill --all signals every process, plain kill only the init" {
	set_args sh -c "trap 'echo got-TERM' TERM; sleep $MARK & sleep $MARK & echo ready;
		while :; do sleep 0.1; done"
	create_ctr
	rt start "$CID"
	wait_for_text "$BATS_TEST_TMPDIR/ctr.out" ready
	[ "$(pids_of sleep "$MARK" | wc -l)" -eq 2 ]
	run rt kill "$CID" TERM
	[ "$status" -eq 0 ]
	wait_for_text "$BATS_TEST_TMPDIR/ctr.out" got-TERM
	[ "$(pids_of sleep "$MARK" | wc -l)" -eq 2 ]
	run rt kill --all "$CID" TERM
	[ "$status" -eq 0 ]
	local i
	for ((i = 0; i < 50; i++)); do
		[ -z "$(pids_of sleep "$MARK")" ] && break
		sleep 0.1
	done
	[ -z "$(pids_of sleep "$MARK")" ]
	# the init trapped TERM and lives on
	[ "$(state_field status)" = running ]
	run rt kill -a "$CID" KILL
	[ "$status" -eq 0 ]
	wait_status stopped
}

@test "lifecycle: kill --all of a stopped container kills what its init left in its cgroup (runc 1.1)" {
	# Without its own PID namespace the init's children outlive it; containerd's shim sends kill --all
	# after every exit, and runc signals them through the cgroup.
	cfg 'del(.linux.namespaces[] | select(.type == "pid"))'
	set_args sh -c "sleep $MARK & exit 0"
	create_ctr
	rt start "$CID"
	wait_status stopped
	[ "$(pids_of sleep "$MARK" | wc -l)" -eq 1 ]
	run rt kill --all "$CID" KILL
	[ "$status" -eq 0 ]
	local i
	for ((i = 0; i < 50; i++)); do
		[ -z "$(pids_of sleep "$MARK")" ] && break
		sleep 0.1
	done
	[ -z "$(pids_of sleep "$MARK")" ]
	# a plain kill of a stopped container still fails
	run rt kill "$CID" KILL
	[ "$status" -eq 1 ]
}

@test "lifecycle: run exits with the container's exit status" {
	run run_ctr sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run run_ctr sh -c 'echo out; exit 0'
	[ "$status" -eq 0 ]
	[ "$output" = out ]
}

@test "lifecycle: run of a process killed by a signal exits with 128+N" {
	# outside a pid namespace, so the shell is not an init that ignores its own signals
	cfg '.linux.namespaces |= map(select(.type != "pid"))'
	run run_ctr sh -c 'kill -TERM $$; sleep 5'
	[ "$status" -eq 143 ]
}

@test "lifecycle: run killed from outside with KILL exits 137" {
	set_args sleep "$MARK"
	"$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 3>&- &
	local runner=$! rc=0
	wait_status running
	rt kill "$CID" KILL
	wait "$runner" || rc=$?
	[ "$rc" -eq 137 ]
	# run without --keep deleted the container
	[ ! -e "$ROOT/$CID" ]
}

@test "lifecycle: run deletes the container unless --keep" {
	run run_ctr true
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/$CID" ]
	run rt run --keep --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$(state_field status)" = stopped ]
	run rt list --quiet
	[ "$output" = "$CID" ]
	run rt delete "$CID"
	[ "$status" -eq 0 ]
}

@test "lifecycle: run --detach returns at once with the container running" {
	set_args sleep "$MARK"
	local t0=$SECONDS
	run_detached
	[ $((SECONDS - t0)) -lt 5 ]
	[ "$(state_field status)" = running ]
	[ "$(pids_of sleep "$MARK")" = "$(state_field pid)" ]
	run run_detached
	[ "$status" -eq 1 ]
	rt kill "$CID" KILL
	wait_status stopped
	# detached runs are not deleted by the runtime when they end
	[ -d "$ROOT/$CID" ]
}

@test "lifecycle: list prints a table with a header and a row per container" {
	create_ctr
	local pid
	pid=$(state_field pid)
	run rt list
	[ "$status" -eq 0 ]
	local header="ID PID STATUS BUNDLE CREATED OWNER"
	[ "$(head -n1 <<<"$output" | awk '{ print $1, $2, $3, $4, $5, $6 }')" = "$header" ]
	local row
	row=$(awk -v id="$CID" '$1 == id' <<<"$output")
	[ -n "$row" ]
	[ "$(awk '{ print $2 }' <<<"$row")" = "$pid" ]
	[ "$(awk '{ print $3 }' <<<"$row")" = created ]
	[ "$(awk '{ print $4 }' <<<"$row")" = "$BUNDLE" ]
	[ "$(awk '{ print $NF }' <<<"$row")" = root ]
}

@test "lifecycle: list --format json is an array with id, status, pid and bundle" {
	run rt list --format json
	[ "$status" -eq 0 ]
	jq -e '. == null or (type == "array" and length == 0)' <<<"${output:-[]}"
	create_ctr
	local pid
	pid=$(state_field pid)
	run rt list --format json
	[ "$status" -eq 0 ]
	jq -e --arg id "$CID" --arg b "$BUNDLE" --argjson pid "$pid" '
		type == "array" and length == 1 and .[0].id == $id and .[0].status == "created"
		and .[0].pid == $pid and .[0].bundle == $b' <<<"$output"
	run rt list -f json
	[ "$status" -eq 0 ]
	jq -e 'length == 1' <<<"$output"
}

@test "lifecycle: list --quiet prints the ids only" {
	local first=$CID
	create_ctr
	CID=$first-two
	create_ctr
	run rt list --quiet
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output")" = "$(printf '%s\n%s\n' "$first" "$first-two" | sort)" ]
	run rt list -q
	[ "$(wc -l <<<"$output")" -eq 2 ]
}

@test "lifecycle: --pid-file holds the init pid, the same as state's" {
	local pidfile=$BATS_TEST_TMPDIR/init.pid
	create_ctr --pid-file "$pidfile"
	[ -s "$pidfile" ]
	[ "$(cat "$pidfile")" = "$(state_field pid)" ]
	kill -0 "$(cat "$pidfile")"
	# run --detach writes it too
	CID=$CID-d
	set_args sleep "$MARK"
	run_detached --pid-file "$pidfile.2"
	[ "$(cat "$pidfile.2")" = "$(state_field pid)" ]
	[ "$(pids_of sleep "$MARK")" = "$(cat "$pidfile.2")" ]
}

# Open fds 3 and 4 on FILE, then run the rest: with_fds FILE cmd...
with_fds() {
	exec 3<"$1" 4<"$1"
	shift
	"$@"
}

@test "lifecycle: --preserve-fds 2 passes fds 3 and 4, without it they are closed" {
	install_helper fds
	local f=$BATS_TEST_TMPDIR/passed
	echo passed-content >"$f"
	set_args sh -c 'fds | cut -d" " -f1 | tr "\n" " "; echo; cat <&3; cat <&4'
	run with_fds "$f" rt run --preserve-fds 2 --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0 1 2 3 4 " ]
	[ "${lines[1]}" = passed-content ]
	[ "${lines[2]}" = passed-content ]
	set_args sh -c 'fds | cut -d" " -f1 | tr "\n" " "; echo'
	run with_fds "$f" rt run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0 1 2 " ]
}

@test "lifecycle: --console-socket receives the pty of a terminal container" {
	local cs sock=$BATS_TEST_TMPDIR/console.sock out=$BATS_TEST_TMPDIR/console.out
	cs=$(build_helper consock)
	"$cs" "$sock" >"$out" 3>&- &
	local receiver=$! i
	for ((i = 0; i < 50; i++)); do [ -S "$sock" ] && break; sleep 0.1; done
	cfg '.process.terminal = true'
	set_args sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo all-tty; echo done'
	create_ctr --console-socket "$sock"
	rt start "$CID"
	wait_status stopped
	for ((i = 0; i < 50; i++)); do kill -0 "$receiver" 2>/dev/null || break; sleep 0.1; done
	kill "$receiver" 2>/dev/null || true
	run tr -d '\r' <"$out"
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *"all-tty"* ]]
	[[ "$output" == *"done"* ]]
}

@test "lifecycle: a terminal container without a console socket fails to create" {
	cfg '.process.terminal = true'
	run create_ctr
	[ "$status" -eq 1 ]
	[[ "$output" == *"console"* ]]
	[ ! -e "$ROOT/$CID" ]
}

@test "lifecycle: --no-pivot runs the container with the rootfs as /" {
	echo in-rootfs >"$BUNDLE/rootfs/h6-marker"
	touch "$BATS_TEST_TMPDIR/host-only"
	set_args sh -c "cat /h6-marker; [ -e '$BATS_TEST_TMPDIR/host-only' ] && echo host-visible;
		ls /bin/busybox"
	run rt run --no-pivot --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = in-rootfs ]
	[[ "$output" != *host-visible* ]]
	[[ "$output" == *"/bin/busybox"* ]]
}

@test "lifecycle: a new session keyring by default, the caller's with --no-new-keyring" {
	install_helper keyring
	local host
	host=$("$(build_helper keyring)" | cut -d' ' -f1)
	[ "$host" -gt 0 ]
	cfg 'del(.linux.seccomp)' # the default profile refuses keyctl
	set_args keyring
	run run_ctr
	[ "$status" -eq 0 ]
	local inside=${output%% *}
	[ "$inside" -gt 0 ]
	[ "$inside" != "$host" ]
	[[ "$output" == *keyring* ]]
	run rt run --no-new-keyring --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "${output%% *}" = "$host" ]
}

@test "lifecycle: concurrent creates of one id: exactly one wins, the rest say already exists" {
	local i ok=0 exists=0 pids=()
	for i in 1 2 3 4 5; do
		timeout 10 "$BERTH" --root "$ROOT" create --bundle "$BUNDLE" "$CID" \
			</dev/null >"$BATS_TEST_TMPDIR/c$i.out" 2>"$BATS_TEST_TMPDIR/c$i.err" 3>&- &
		pids+=($!)
	done
	for i in 1 2 3 4 5; do
		if wait "${pids[i - 1]}"; then
			ok=$((ok + 1))
		elif grep -q "exists" "$BATS_TEST_TMPDIR/c$i.err"; then
			exists=$((exists + 1))
		else
			cat "$BATS_TEST_TMPDIR/c$i.err"
		fi
	done
	echo "ok=$ok exists=$exists"
	[ "$ok" -eq 1 ]
	[ "$exists" -eq 4 ]
	[ "$(state_field status)" = created ]
	kill -0 "$(state_field pid)"
	run rt list --quiet
	[ "$output" = "$CID" ]
	rt start "$CID"
	wait_status stopped
	run rt delete "$CID"
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/$CID" ]
}

@test "lifecycle: kill of a created container stops it, delete then works" {
	set_args sleep "$MARK"
	create_ctr
	local pid
	pid=$(state_field pid)
	run rt kill "$CID" KILL
	[ "$status" -eq 0 ]
	wait_status stopped
	pid_gone "$pid"
	[ -z "$(pids_of sleep "$MARK")" ]
	run rt start "$CID"
	[ "$status" -eq 1 ]
	[ -z "$(pids_of sleep "$MARK")" ]
	run rt delete "$CID"
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/$CID" ]
}

@test "lifecycle: concurrent starts of one container: exactly one wins, the process runs once" {
	set_args sleep "$MARK"
	create_ctr
	local i ok=0 pids=()
	for i in 1 2 3 4 5; do
		timeout 10 "$BERTH" --root "$ROOT" start "$CID" \
			</dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/s$i.err" 3>&- &
		pids+=($!)
	done
	for i in 1 2 3 4 5; do
		if wait "${pids[i - 1]}"; then ok=$((ok + 1)); fi
	done
	[ "$ok" -eq 1 ]
	wait_status running
	[ "$(pids_of sleep "$MARK" | wc -l)" -eq 1 ]
	[ "$(pids_of sleep "$MARK")" = "$(state_field pid)" ]
}

@test "lifecycle: run forwards SIGTERM and SIGUSR1 to the container's process" {
	local ready=$BATS_TEST_TMPDIR/ready
	mkdir "$ready"
	cfg --arg d "$ready" '.mounts += [{"destination": "/ready", "type": "bind", "source": $d, "options": ["rbind"]}]'
	set_args sh -c 'trap "echo usr1 >/ready/got" USR1; trap "exit 7" TERM; touch /ready/up;
		while :; do sleep 0.1; done'
	"$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 3>&- &
	local pid=$! i rc=0
	for ((i = 0; i < 50; i++)); do
		[ -e "$ready/up" ] && break
		sleep 0.1
	done
	kill -USR1 "$pid"
	for ((i = 0; i < 50; i++)); do
		[ -e "$ready/got" ] && break
		sleep 0.1
	done
	[ "$(cat "$ready/got")" = usr1 ]
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	[ "$rc" -eq 7 ]
}

@test "lifecycle: start under a reaping parent (as conmon): a process that exits at once is started, 100 of 100" {
	local reaper rc=0
	reaper=$(build_helper reaper -static)
	cfg 'del(.linux.seccomp)'
	# two reapers sharing one CPU: the init runs and is reaped before `start` looks at it
	taskset -c 0 "$reaper" 100 "$BERTH" "$ROOT" "$BUNDLE" "$CID-a" >"$BATS_TEST_TMPDIR/a.out" &
	local a=$!
	taskset -c 0 "$reaper" 100 "$BERTH" "$ROOT" "$BUNDLE" "$CID-b" >"$BATS_TEST_TMPDIR/b.out" || rc=$?
	wait "$a" || rc=$?
	cat "$BATS_TEST_TMPDIR/a.out" "$BATS_TEST_TMPDIR/b.out"
	[ "$rc" -eq 0 ]
	grep -qx "failures 0 of 100" "$BATS_TEST_TMPDIR/a.out"
	grep -qx "failures 0 of 100" "$BATS_TEST_TMPDIR/b.out"
	[ -z "$(ls "$ROOT")" ]
}

@test "lifecycle: process is optional at create, required at start; delete leaves nothing running" {
	cfg 'del(.process)'
	create_ctr
	[ "$(state_field status)" = created ]
	local pid
	pid=$(state_field pid)
	run rt start "$CID"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"process: required to start"* ]]
	[ "$(state_field status)" = created ]
	rt delete "$CID"
	pid_gone "$pid"
	[ ! -e "$ROOT/$CID" ]
	run rt run --bundle "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"process: required to start"* ]]
	[ ! -e "$ROOT/$CID" ]
}

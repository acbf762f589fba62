#!/usr/bin/env bats
# hooks.*: every kind runs at its moment, in its namespaces, with the state on stdin, its args, env and
# timeout; failures fail the operation (poststart: start fails and the container stops; poststop only
# warns).

load helpers

setup() {
	setup_bundle
	OUT=$BATS_TEST_TMPDIR/hookout
	mkdir -p "$OUT"
	chmod 777 "$OUT"
	HOOK=$BATS_TEST_TMPDIR/hook.sh
	# hook KIND OUTDIR: records stdin, args, env, hostname and mount namespace; appends KIND to order.
	cat >"$HOOK" <<-'EOF'
	#!/bin/sh
	kind=$1
	out=$2
	cat >"$out/$kind.state"
	echo "$@" >"$out/$kind.args"
	env >"$out/$kind.env"
	hostname >"$out/$kind.hostname"
	readlink /proc/self/ns/mnt >"$out/$kind.mntns"
	readlink /proc/self/ns/uts >"$out/$kind.utsns"
	[ -e /h4-rootfs-marker ] && echo yes >"$out/$kind.inroot"
	echo "$kind" >>"$out/order"
	exit 0
	EOF
	chmod 755 "$HOOK"
	# The same script inside the rootfs for startContainer, writing to /h4out (a bind of OUT).
	cp "$HOOK" "$BUNDLE/rootfs/h4hook.sh"
	echo marker >"$BUNDLE/rootfs/h4-rootfs-marker"
	cfg --arg o "$OUT" '.mounts += [{destination: "/h4out", type: "bind", source: $o, options: ["bind", "rw"]}]
		| .hostname = "h4-hooks"'
	HOOK_ENV='["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "H4_HOOKVAR=hook value"]'
}

# hook_add KIND [PATH [EXTRA_JQ_FIELDS]]: append a hook running the recording script.
hook_add() {
	local kind=$1 path=${2:-$HOOK} extra=${3:-}
	local out=$OUT
	[ "$kind" = startContainer ] && out=/h4out
	[ "$kind" = startContainer ] && [ -z "${2:-}" ] && path=/h4hook.sh
	cfg --arg k "$kind" --arg p "$path" --arg o "$out" --argjson e "$HOOK_ENV" \
		".hooks[\$k] += [{path: \$p, args: [\"hook\", \$k, \$o], env: \$e $extra}]"
}

# A hook that runs an arbitrary shell command: hook_cmd KIND 'exit 3' [EXTRA_JQ_FIELDS]
hook_cmd() {
	local kind=$1 cmd=$2 extra=${3:-}
	cfg --arg k "$kind" --arg c "$cmd" --argjson e "$HOOK_ENV" \
		".hooks[\$k] += [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \$c], env: \$e $extra}]"
}

# Check the recorded state of KIND: check_state KIND STATUS_REGEX
check_state() {
	local f=$OUT/$1.state
	[ -s "$f" ] || { echo "no state recorded for $1" >&2; return 1; }
	jq -e --arg id "$CID" --arg b "$BUNDLE" --arg st "$2" \
		'.id == $id and .bundle == $b and (.status | test("^(" + $st + ")$"))
			and (.ociVersion | type) == "string"' \
		"$f" >/dev/null || { echo "bad state for $1: $(cat "$f")" >&2; return 1; }
}

# --- each kind --------------------------------------------------------------------------------------

@test "hooks.prestart: runs with the state on stdin, its args and env" {
	hook_add prestart
	run run_ctr true
	[ "$status" -eq 0 ]
	check_state prestart creating
	[ "$(jq .pid "$OUT/prestart.state")" -gt 0 ]
	[ "$(cat "$OUT/prestart.args")" = "prestart $OUT" ]
	grep -qx "H4_HOOKVAR=hook value" "$OUT/prestart.env"
}

@test "hooks.createRuntime: runs in the runtime namespace with the init's pid" {
	hook_add createRuntime
	set_args sleep 100
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
	check_state createRuntime creating
	[ "$(jq .pid "$OUT/createRuntime.state")" = "$(rt state "$CID" | jq .pid)" ]
	[ "$(cat "$OUT/createRuntime.hostname")" = "$(hostname)" ]
	[ "$(cat "$OUT/createRuntime.mntns")" = "$(readlink /proc/$$/ns/mnt)" ]
	[ ! -e "$OUT/createRuntime.inroot" ]
}

@test "hooks.createContainer: runs in the container namespaces (container hostname; runc 1.1 sets it later)" {
	hook_add createContainer
	run run_ctr true
	[ "$status" -eq 0 ]
	check_state createContainer creating
	[ "$(jq .pid "$OUT/createContainer.state")" -gt 0 ]
	[ "$(cat "$OUT/createContainer.mntns")" != "$(readlink /proc/$$/ns/mnt)" ]
	[ "$(cat "$OUT/createContainer.utsns")" != "$(readlink /proc/$$/ns/uts)" ]
	[ "$(cat "$OUT/createContainer.hostname")" = "h4-hooks" ]
}

@test "hooks.startContainer: runs inside the container, path resolved in the rootfs" {
	hook_add startContainer
	run run_ctr true
	[ "$status" -eq 0 ]
	check_state startContainer 'created|running'
	[ "$(cat "$OUT/startContainer.args")" = "startContainer /h4out" ]
	[ "$(cat "$OUT/startContainer.hostname")" = "h4-hooks" ]
	[ "$(cat "$OUT/startContainer.inroot")" = "yes" ]
	grep -qx "H4_HOOKVAR=hook value" "$OUT/startContainer.env"
}

@test "hooks.poststart: runs after the process started, in the host" {
	hook_add poststart
	run run_ctr true
	[ "$status" -eq 0 ]
	check_state poststart 'created|running'
	[ "$(jq .pid "$OUT/poststart.state")" -gt 0 ]
	[ "$(cat "$OUT/poststart.hostname")" = "$(hostname)" ]
	[ ! -e "$OUT/poststart.inroot" ]
}

@test "hooks.poststop: runs when run deletes the container, status stopped" {
	hook_add poststop
	run run_ctr true
	[ "$status" -eq 0 ]
	check_state poststop stopped
	[ "$(cat "$OUT/poststop.args")" = "poststop $OUT" ]
	[ "$(cat "$OUT/poststop.hostname")" = "$(hostname)" ]
}

@test "hooks.poststop: runs at delete, not when the process exits" {
	hook_add poststop
	set_args true
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
	rt start "$CID" </dev/null
	wait_status stopped
	[ ! -e "$OUT/poststop.state" ]
	rt delete "$CID"
	check_state poststop stopped
}

@test "hooks: every kind runs once, in the lifecycle order (runc 1.1 races poststart, startContainer)" {
	local k
	for k in createRuntime createContainer startContainer poststart poststop prestart; do
		hook_add $k
	done
	run run_ctr sh -c 'echo process >>/h4out/order'
	[ "$status" -eq 0 ]
	run cat "$OUT/order"
	echo "$output"
	[ "${#lines[@]}" -eq 7 ]
	# prestart is the deprecated twin of createRuntime: both before createContainer.
	local first="${lines[0]} ${lines[1]}"
	[[ "$first" == "prestart createRuntime" || "$first" == "createRuntime prestart" ]]
	[ "${lines[2]}" = "createContainer" ]
	[ "${lines[3]}" = "startContainer" ]
	# poststart may run before or after the process writes, but before poststop.
	[[ "${lines[4]} ${lines[5]}" == "process poststart" || "${lines[4]} ${lines[5]}" == "poststart process" ]]
	[ "${lines[6]}" = "poststop" ]
}

@test "hooks: several hooks of one kind run in their order" {
	hook_cmd prestart "echo one >>$OUT/seq"
	hook_cmd prestart "echo two >>$OUT/seq"
	hook_cmd prestart "echo three >>$OUT/seq"
	run run_ctr true
	[ "$status" -eq 0 ]
	[ "$(cat "$OUT/seq" | xargs)" = "one two three" ]
}

@test "hooks: env is exactly the hook's env, the caller's does not leak" {
	export H4_HOST_ONLY=leak
	hook_add createRuntime
	run run_ctr true
	[ "$status" -eq 0 ]
	grep -qx "H4_HOOKVAR=hook value" "$OUT/createRuntime.env"
	run grep -c H4_HOST_ONLY "$OUT/createRuntime.env"
	[ "$output" = "0" ]
}

@test "hooks: args[0] is argv[0], the rest are the arguments" {
	local script='tr "\0" "|" </proc/$$/cmdline >"$0/argv"'
	cfg --arg o "$OUT" --arg s "$script" \
		'.hooks.createRuntime = [{path: "/bin/sh", args: ["h4-argv0", "-c", $s, $o, "x y"]}]'
	run run_ctr true
	[ "$status" -eq 0 ]
	run cat "$OUT/argv"
	[[ "$output" == "h4-argv0|-c|"* ]]
	[[ "$output" == *"|$OUT|x y|" ]]
}

# --- failures ---------------------------------------------------------------------------------------

@test "hooks: a slow hook is killed at its timeout and fails create" {
	cfg '.hooks.createRuntime = [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]'
	local start=$SECONDS
	run rt create --bundle "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[ $((SECONDS - start)) -lt 15 ]
	[[ "$output" == *timeout* || "$output" == *"timed out"* ]]
	[ ! -e "$ROOT/$CID" ]
}

@test "hooks: a failing prestart hook fails create and leaves no state dir" {
	hook_cmd prestart 'exit 3'
	run rt create --bundle "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[ ! -e "$ROOT/$CID" ]
	run rt state "$CID"
	[ "$status" -ne 0 ]
}

@test "hooks: a failing createRuntime hook fails create and leaves no state dir" {
	hook_cmd createRuntime 'exit 3'
	run rt create --bundle "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[ ! -e "$ROOT/$CID" ]
	[ -z "$(host_mounts_here)" ]
}

@test "hooks: a failing createContainer hook fails create and leaves no state dir" {
	hook_cmd createContainer 'exit 3'
	run rt create --bundle "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[ ! -e "$ROOT/$CID" ]
}

@test "hooks: a failing startContainer hook stops the container before its process runs" {
	cfg '.hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c", "exit 3"]}]'
	set_args sh -c 'echo ran >/h4out/ran'
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
	# runtime-spec: the runtime MUST generate an error (runc 1.1 reports it only from the init).
	run rt start "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"startContainer hook #0"*"exited with status 3"* ]]
	sleep 0.3
	[ ! -e "$OUT/ran" ]
	run rt state "$CID"
	[[ "$status" -ne 0 || "$(echo "$output" | jq -r .status)" = stopped ]]
}

@test "hooks: a failing hook fails run with a non-zero status" {
	hook_cmd createRuntime 'exit 3'
	run run_ctr sh -c 'echo ran >/h4out/ran'
	[ "$status" -ne 0 ]
	[ ! -e "$OUT/ran" ]
	[ ! -e "$ROOT/$CID" ]
}

@test "hooks: a missing hook path fails create and is named" {
	cfg '.hooks.createRuntime = [{path: "/h4/no/such/hook"}]'
	run rt create --bundle "$BUNDLE" "$CID"
	[ "$status" -ne 0 ]
	[[ "$output" == */h4/no/such/hook* ]]
	[ ! -e "$ROOT/$CID" ]
}

@test "hooks: a failing poststart hook fails start, stops the container; delete runs poststop" {
	# runtime-spec lifecycle step 9: generate an error, stop the container, go on at step 12
	hook_cmd poststart 'exit 3'
	hook_add poststop
	set_args sh -c 'echo ran >/h4out/ran; exec sleep 1000'
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
	run rt start "$CID"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"poststart hook #0"*"exited with status 3"* ]]
	local i st
	for ((i = 0; i < 50; i++)); do
		st=$(rt state "$CID" | jq -r .status)
		[ "$st" = stopped ] && break
		sleep 0.1
	done
	[ "$st" = stopped ]
	[ ! -e "$OUT/poststop.state" ]
	rt delete "$CID"
	check_state poststop stopped
}

@test "hooks: a failing poststart hook fails run; poststop runs and nothing is left" {
	hook_cmd poststart 'exit 3'
	hook_add poststop
	set_args sh -c 'exec sleep 1000'
	local rc=0 out=$BATS_TEST_TMPDIR/run.out
	# stdio on a file: before the fix run went on waiting for the process, which kept a pipe open
	timeout -k 2 15 "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID" </dev/null >"$out" 2>&1 3>&- || rc=$?
	cat "$out"
	[ "$rc" -ne 0 ]
	[ "$rc" -ne 124 ]
	[ "$rc" -ne 137 ]
	grep -q "poststart hook #0" "$out"
	check_state poststop stopped
	[ ! -e "$ROOT/$CID" ]
}

@test "hooks: a hook without env gets the runtime's environment (the process env inside the container)" {
	cfg '.hooks.prestart = [{path: "/bin/sh", args: ["sh", "-c", "env >\($o)/prestart.env"]}] |
		.hooks.startContainer = [{path: "/bin/sh", args: ["sh", "-c", "env >/h4out/start.env"]}] |
		.process.env += ["H4_PROCVAR=in the container"]' --arg o "$OUT"
	H4_CALLER=from-the-caller run run_ctr true
	[ "$status" -eq 0 ]
	grep -qx 'H4_CALLER=from-the-caller' "$OUT/prestart.env"
	grep -qx 'H4_PROCVAR=in the container' "$OUT/start.env"
	! grep -q H4_CALLER "$OUT/start.env" || false
}

@test "hooks: a failing poststop hook only warns, delete succeeds (runtime-spec; not runc 1.1)" {
	hook_cmd poststop 'exit 3'
	set_args true
	rt create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
	rt start "$CID" </dev/null
	wait_status stopped
	run rt delete "$CID"
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/$CID" ]
}

@test "hooks: later poststop hooks still run after one fails (runtime-spec; not runc 1.1)" {
	hook_cmd poststop 'exit 3'
	hook_add poststop
	run run_ctr true
	check_state poststop stopped
}

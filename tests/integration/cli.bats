#!/usr/bin/env bats
# The command line: version, help, unknown commands and flags, global flags, logging, `spec`.

load helpers

setup() {
	setup_bundle sh -c 'echo cli-ok'
}

@test "cli: --version prints the berth and spec versions" {
	run "$BERTH" --version
	[ "$status" -eq 0 ]
	[[ "$output" == *"berth version"* ]]
	[[ "$output" == *"spec: 1.3.0"* ]]
	run "$BERTH" -v
	[ "$status" -eq 0 ]
	[[ "$output" == *"berth version"* ]]
}

@test "cli: --help lists the commands" {
	run "$BERTH" --help
	[ "$status" -eq 0 ]
	for c in create start run state kill delete list spec; do
		[[ "$output" == *"$c"* ]] || { echo "missing $c"; false; }
	done
	run "$BERTH" -h
	[ "$status" -eq 0 ]
	[[ "$output" == *"delete"* ]]
}

@test "cli: help create and create --help print the create usage" {
	run "$BERTH" help create
	[ "$status" -eq 0 ]
	[[ "$output" == *"create"* ]]
	[[ "$output" == *"--bundle"* ]]
	[[ "$output" == *"--pid-file"* ]]
	[[ "$output" == *"--console-socket"* ]]
	local via_help=$output
	run "$BERTH" create --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--bundle"* ]]
	[[ "$output" == *"--preserve-fds"* ]]
	[ "$output" = "$via_help" ]
	# help must not create anything
	[ ! -e "$ROOT" ] || [ -z "$(ls -A "$ROOT")" ]
}

@test "cli: run --help names run's own flags" {
	run "$BERTH" run --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--detach"* ]]
	[[ "$output" == *"--keep"* ]]
}

@test "cli: an unknown command fails with exit 1 and names it" {
	run rt frobnicate-h6
	[ "$status" -eq 1 ]
	[[ "$output" == *"frobnicate-h6"* ]]
}

@test "cli: an unknown command flag fails with exit 1 and names it" {
	run rt create --frobnicate-h6 --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"frobnicate-h6"* ]]
	[ ! -e "$ROOT/$CID" ]
}

@test "cli: an unknown global flag fails with exit 1 and names it" {
	run "$BERTH" --frobnicate-h6 --root "$ROOT" list
	[ "$status" -eq 1 ]
	[[ "$output" == *"frobnicate-h6"* ]]
}

@test "cli: a command without its container id fails" {
	run rt start
	[ "$status" -eq 1 ]
	[ -n "$output" ]
	run rt create --bundle "$BUNDLE"
	[ "$status" -eq 1 ]
	[ -n "$output" ]
}

@test "cli: --root is honoured: the state dir appears under it, other roots do not see it" {
	create_ctr
	[ -d "$ROOT/$CID" ]
	[ -f "$ROOT/$CID/state.json" ]
	run "$BERTH" --root "$BATS_TEST_TMPDIR/other-root" list --quiet
	[ "$status" -eq 0 ]
	[[ "$output" != *"$CID"* ]]
	run "$BERTH" --root "$BATS_TEST_TMPDIR/other-root" state "$CID"
	[ "$status" -eq 1 ]
	run rt list --quiet
	[ "$status" -eq 0 ]
	[ "$output" = "$CID" ]
}

@test "cli: --log with --log-format json writes a JSON error line for a failing command" {
	local log=$BATS_TEST_TMPDIR/log.json
	run "$BERTH" --root "$ROOT" --log "$log" --log-format json start "missing-$CID"
	[ "$status" -eq 1 ]
	# the error also reaches stderr
	[[ "$output" == *"does not exist"* ]]
	[ -s "$log" ]
	# every line is a JSON object with level, msg and time
	while IFS= read -r line; do
		jq -e 'type == "object" and (.level | type == "string") and (.msg | type == "string")
			and (.time | type == "string")' <<<"$line" >/dev/null ||
			{ echo "bad line: $line"; false; }
	done <"$log"
	jq -e -s 'map(select(.level == "error" and (.msg | test("does not exist")))) | length >= 1' "$log"
	# time is RFC 3339
	jq -e -s -r '.[0].time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")' "$log"
}

@test "cli: --log-format text writes level and msg to the --log file" {
	local log=$BATS_TEST_TMPDIR/log.txt
	run "$BERTH" --root "$ROOT" --log "$log" start "missing-$CID"
	[ "$status" -eq 1 ]
	grep -q 'level=error' "$log"
	grep 'level=error' "$log" | grep -q 'does not exist'
}

@test "cli: an unknown --log-format fails" {
	run "$BERTH" --root "$ROOT" --log-format yaml-h6 list
	[ "$status" -eq 1 ]
	[[ "$output" == *"yaml-h6"* ]]
}

@test "cli: --debug adds debug lines, without it there are none" {
	local log=$BATS_TEST_TMPDIR/debug.json quiet=$BATS_TEST_TMPDIR/quiet.json
	run "$BERTH" --root "$ROOT" --log "$quiet" --log-format json run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "$output" = "cli-ok" ]
	if [ -s "$quiet" ]; then
		jq -e -s 'map(select(.level == "debug")) | length == 0' "$quiet"
	fi
	run "$BERTH" --root "$ROOT" --debug --log "$log" --log-format json run --bundle "$BUNDLE" "$CID-d"
	[ "$status" -eq 0 ]
	[ "$output" = "cli-ok" ]
	jq -e -s 'map(select(.level == "debug")) | length >= 1' "$log"
}

@test "cli: --flag=value and single-dash long flags are accepted" {
	local pidfile=$BATS_TEST_TMPDIR/pid
	"$BERTH" --root="$ROOT" create --bundle="$BUNDLE" --pid-file="$pidfile" "$CID" \
		</dev/null &>/dev/null 3>&-
	[ -d "$ROOT/$CID" ]
	[ -s "$pidfile" ]
	run "$BERTH" -root "$ROOT" state "$CID"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = created ]
	run "$BERTH" --root "$ROOT" delete -force "$CID"
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/$CID" ]
}

@test "cli: spec writes a config.json that run accepts" {
	local dir=$BATS_TEST_TMPDIR/spec
	mkdir "$dir"
	cd "$dir"
	run "$BERTH" spec
	[ "$status" -eq 0 ]
	[ -f "$dir/config.json" ]
	jq -e '.ociVersion and (.process.args | length >= 1) and .root.path == "rootfs"' config.json
	jq -e '.linux.namespaces | map(.type) | index("mount") != null' config.json
	mv "$BUNDLE/rootfs" "$dir/rootfs"
	# a non-interactive test has no terminal to hand to the container
	jq '.process.terminal = false | .process.args = ["sh", "-c", "echo from-spec"]' config.json >c.tmp
	mv c.tmp config.json
	run "$BERTH" --root "$ROOT" run "$CID"
	[ "$status" -eq 0 ]
	[ "$output" = "from-spec" ]
}

@test "cli: spec refuses to overwrite an existing config.json" {
	local dir=$BATS_TEST_TMPDIR/spec
	mkdir "$dir"
	echo '{"keep": "me"}' >"$dir/config.json"
	run "$BERTH" spec --bundle "$dir"
	[ "$status" -eq 1 ]
	[[ "$output" == *"exists"* ]]
	[ "$(cat "$dir/config.json")" = '{"keep": "me"}' ]
}

@test "cli: spec --bundle DIR and -b DIR write DIR/config.json only" {
	local dir=$BATS_TEST_TMPDIR/spec-b dir2=$BATS_TEST_TMPDIR/spec-b2 cwd=$BATS_TEST_TMPDIR/cwd
	mkdir "$dir" "$dir2" "$cwd"
	cd "$cwd"
	run "$BERTH" spec --bundle "$dir"
	[ "$status" -eq 0 ]
	jq -e .process "$dir/config.json" >/dev/null
	run "$BERTH" spec -b "$dir2"
	[ "$status" -eq 0 ]
	jq -e .process "$dir2/config.json" >/dev/null
	[ ! -e "$cwd/config.json" ]
}

@test "cli: spec --rootless has a user namespace and uid/gid mappings" {
	local dir=$BATS_TEST_TMPDIR/rootless
	mkdir "$dir"
	run "$BERTH" spec --rootless --bundle "$dir"
	[ "$status" -eq 0 ]
	jq -e '.linux.namespaces | map(.type) | index("user") != null' "$dir/config.json"
	jq -e '(.linux.uidMappings | length >= 1) and (.linux.gidMappings | length >= 1)' "$dir/config.json"
	jq -e '.linux.uidMappings[0] | has("containerID") and has("hostID") and .size >= 1' "$dir/config.json"
	# the default spec has no user namespace
	local dir2=$BATS_TEST_TMPDIR/rootful
	mkdir "$dir2"
	run "$BERTH" spec --bundle "$dir2"
	[ "$status" -eq 0 ]
	jq -e '.linux.namespaces | map(.type) | index("user") == null' "$dir2/config.json"
}

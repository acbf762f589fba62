#!/usr/bin/env bats
# A non-root container process can reopen its stdio pipes (/proc/self/fd/N), as with runc: berth
# gives the pipes it is handed to the container's user; host files stay the host's.

load helpers

setup() {
	setup_bundle
	cfg '.process.user = {uid: 1000, gid: 1000}'
}

@test "stdio owner: uid 1000 reopens its stdout and stdin pipes through /proc/self/fd" {
	set_args sh -c 'echo via-proc >/proc/self/fd/1 && read line </proc/self/fd/0 && echo "in: $line"'
	piped() { echo piped | "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID" | cat; }
	run piped
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = via-proc ] && [ "${lines[1]}" = "in: piped" ]
}

@test "stdio owner: berth exec as uid 1000 reopens its stdout pipe too" {
	cfg '.process.user = {uid: 0, gid: 0}'
	set_args sleep 1000
	run_detached
	piped() { "$BERTH" --root "$ROOT" exec --user 1000:1000 "$CID" sh -c 'echo via-proc >/proc/self/fd/1' | cat; }
	run piped
	echo "$output"
	[ "$status" -eq 0 ] && [ "$output" = via-proc ]
}

@test "stdio owner: a host file or /dev/null as stdio keeps its owner" {
	local out=$BATS_TEST_TMPDIR/out.log
	set_args sh -c 'echo hi'
	"$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID" >"$out" </dev/null
	[ "$(cat "$out")" = hi ]
	[ "$(stat -c %u "$out")" = 0 ]
	[ "$(stat -c %u /dev/null)" = 0 ]
}

#!/usr/bin/env bats
# Hygiene. fds: the container's process holds stdio and exactly the --preserve-fds range, never one
# of berth's own fds (state dir, lock, sync socket, console socket, sanitizer log) nor a stray one of
# the caller's, for create/start, run, exec, with and without a terminal. The state root: nothing
# under it is reachable by other users.

load helpers

setup_file() {
	export RECVTTY=$(build_helper recvtty)
}

setup() {
	setup_bundle
	install_helper fds
}

# The caller holds fd 3 and 4 (passed with --preserve-fds 2) and fd 5 and 6 (not passed, no
# close-on-exec): with_fds CMD...
with_fds() {
	# a subshell: bats keeps its own output on fd 3
	(
		exec 3</etc/hostname 4<"$BATS_TEST_TMPDIR" 5</etc/hostname 6<"$BATS_TEST_TMPDIR"
		"$@"
	)
}

# The fd numbers in the fds helper's output, one line: "0 1 2 3 4 ". A NUL that script(1) sends at
# the end of its stdin comes back echoed by the container's pty as "^@", sometimes before the output.
fd_numbers() {
	tr -d '\r\000' | sed 's/\^@//g' | grep -E '^[0-9]+ ' | cut -d' ' -f1 | tr '\n' ' '
}

@test "fds: create then start: stdio and the preserved fds only" {
	set_args /bin/fds
	with_fds "$BERTH" --root "$ROOT" create --preserve-fds 2 --bundle "$BUNDLE" "$CID" \
		</dev/null >"$BATS_TEST_TMPDIR/out" 2>&1
	rt start "$CID"
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(rt state "$CID" | jq -r .status)" = stopped ] && break
		sleep 0.1
	done
	cat "$BATS_TEST_TMPDIR/out"
	[ "$(fd_numbers <"$BATS_TEST_TMPDIR/out")" = "0 1 2 3 4 " ]
	grep -q "^3 /etc/hostname" "$BATS_TEST_TMPDIR/out"
}

@test "fds: run with a terminal over --console-socket and --preserve-fds: the pty and the preserved fds" {
	cfg '.process.terminal = true'
	set_args /bin/fds
	start_recvtty
	with_fds timeout 20 "$BERTH" --root "$ROOT" run --preserve-fds 2 --console-socket "$SOCK" \
		--bundle "$BUNDLE" "$CID" </dev/null
	wait "$RECVTTY_PID" || true
	RECVTTY_PID=
	cat "$TTY_OUT"
	[ "$(fd_numbers <"$TTY_OUT")" = "0 1 2 3 4 " ]
	[ "$(tr -d '\r' <"$TTY_OUT" | grep -cE '^[012] /dev/pts/')" -eq 3 ]
}

@test "fds: run with a terminal that berth proxies: the pty only" {
	command -v script >/dev/null || skip "no script(1)"
	cfg '.process.terminal = true'
	set_args /bin/fds
	run with_fds timeout 20 script -qec "$BERTH --root $ROOT run --bundle $BUNDLE $CID" /dev/null </dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(fd_numbers <<<"$output")" = "0 1 2 " ]
}

@test "fds: exec, with --preserve-fds and with a terminal: stdio and the preserved fds only" {
	set_args sleep 100
	create_ctr
	rt start "$CID"
	run with_fds rt exec --preserve-fds 2 "$CID" /bin/fds
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(fd_numbers <<<"$output")" = "0 1 2 3 4 " ]
	run with_fds rt exec "$CID" /bin/fds
	[ "$(fd_numbers <<<"$output")" = "0 1 2 " ]
	start_recvtty
	with_fds timeout 20 "$BERTH" --root "$ROOT" exec -t --console-socket "$SOCK" "$CID" /bin/fds </dev/null
	wait "$RECVTTY_PID" || true
	RECVTTY_PID=
	cat "$TTY_OUT"
	[ "$(fd_numbers <"$TTY_OUT")" = "0 1 2 " ]
}

# As the unprivileged uid 65534: as_nobody CMD...
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

@test "hygiene: the state root and each container's state dir are root-only (0700)" {
	command -v setpriv >/dev/null || skip "no setpriv"
	set_args sleep 100
	create_ctr
	[ "$(stat -c %a "$ROOT")" = 700 ]
	[ "$(stat -c %a "$ROOT/$CID")" = 700 ]
	# the exec fifo is writable by the container's user, so only the dir keeps others out
	! as_nobody test -e "$ROOT/$CID/exec.fifo" || false
	! as_nobody test -e "$ROOT/$CID/state.json" || false
	run find "$ROOT" -mindepth 1 -maxdepth 1 -perm /o+rwx
	[ -z "$output" ]
	# still a runtime others drive as root: podman and containerd read the state through `state`
	[ "$(rt state "$CID" | jq -r .status)" = created ]
	rt start "$CID"
	[ "$(rt state "$CID" | jq -r .status)" = running ]
}

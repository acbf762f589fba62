#!/usr/bin/env bats
# NOTIFY_SOCKET passed through as runc does: the container gets its own socket at
# /run/notify/notify.sock, and start (run -d, run) forwards its messages to the caller's socket up to
# READY=1, with MAINPID rewritten to the container's host pid.

load helpers

setup() {
	setup_bundle
	install_helper sdnotify
	RECV=$(build_helper notify_recv)
	# sun_path is short: the caller's socket in a short temp dir
	NDIR=$(mktemp -d /tmp/berth-notify.XXXXXX)
	"$RECV" "$NDIR/sd.sock" >"$NDIR/got" 2>&1 3>&- &
	RECV_PID=$!
	for i in $(seq 50); do [ -S "$NDIR/sd.sock" ] && break; sleep 0.05; done
}

teardown() {
	teardown_containers
	kill "$RECV_PID" 2>/dev/null || true
	rm -rf "$NDIR"
}

# the messages got so far, "--" lines between them, as one line: a|b|--|...
got() {
	paste -sd'|' "$NDIR/got"
}

@test "notify: start waits for READY=1 and forwards it with the container's host pid" {
	set_args sh -c 'echo "$NOTIFY_SOCKET" >/tmp/ns; sleep 0.5
		sdnotify "$(printf "STATUS=warming up\nMAINPID=7")"; sdnotify READY=1; exec sleep 1000'
	cfg '.root.readonly = false'
	NOTIFY_SOCKET=$NDIR/sd.sock create_ctr
	local pid
	pid=$(rt state "$CID" | jq .pid)
	NOTIFY_SOCKET=$NDIR/sd.sock rt start "$CID"
	# start returned: READY=1 went through already
	[ "$(got)" = "STATUS=warming up|MAINPID=$pid|--|READY=1|MAINPID=$pid|--" ]
	run rt exec "$CID" cat /tmp/ns
	[ "$output" = /run/notify/notify.sock ]
	# the container's socket directory is read-only and its own
	run rt exec "$CID" sh -c 'touch /run/notify/x 2>&1; ls -l /run/notify'
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *srwxrwxrwx*notify.sock* ]]
	# delete takes the socket and its directory with the state dir
	rt delete --force "$CID"
	[ -z "$(ls "$ROOT")" ]
}

@test "notify: run -d waits for READY=1; run in the foreground forwards it while it runs" {
	set_args sh -c 'sleep 0.3; sdnotify READY=1; exec sleep 1000'
	NOTIFY_SOCKET=$NDIR/sd.sock run_detached
	local pid
	pid=$(rt state "$CID" | jq .pid)
	[ "$(got)" = "READY=1|MAINPID=$pid|--" ]
	rt delete --force "$CID"
	: >"$NDIR/got"
	set_args sh -c 'sdnotify READY=1; sleep 0.5; echo done'
	NOTIFY_SOCKET=$NDIR/sd.sock run run_ctr
	[ "$status" -eq 0 ]
	[ "$output" = done ]
	[[ "$(got)" =~ ^READY=1\|MAINPID=[0-9]+\|--$ ]]
}

@test "notify: a container that exits without READY does not hang start" {
	set_args sh -c 'sleep 0.2'
	NOTIFY_SOCKET=$NDIR/sd.sock create_ctr
	run timeout 10 env NOTIFY_SOCKET="$NDIR/sd.sock" "$BERTH" --root "$ROOT" start "$CID"
	[ "$status" -eq 0 ]
	[ -z "$(got)" ]
}

@test "notify: without NOTIFY_SOCKET the container has neither the variable nor the socket" {
	set_args sh -c 'echo "ns=$NOTIFY_SOCKET"; ls /run/notify 2>&1 || true'
	run env -u NOTIFY_SOCKET "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = ns= ]
	[[ "${lines[1]}" == *"No such file"* ]]
}

@test "notify: under a reaping parent (as conmon), READY=1 from a process that exits at once goes through, 20 of 20" {
	local reaper
	reaper=$(build_helper reaper -static)
	cfg 'del(.linux.seccomp)'
	set_args sdnotify READY=1
	NOTIFY_SOCKET=$NDIR/sd.sock run timeout 120 "$reaper" 20 "$BERTH" "$ROOT" "$BUNDLE" "$CID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^READY=1$' "$NDIR/got")" -eq 20 ]
	[ -z "$(ls "$ROOT")" ]
	# without READY: start sees the reaped init through the pidfd it took first, and returns
	set_args true
	NOTIFY_SOCKET=$NDIR/sd.sock run timeout 120 "$reaper" 20 "$BERTH" "$ROOT" "$BUNDLE" "$CID-q"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$(ls "$ROOT")" ]
}

@test "notify: a container without a mount namespace of its own gets no /run/notify mount" {
	cfg '.linux.namespaces |= map(select(.type != "mount")) | .mounts = [] | .linux.maskedPaths = [] | .linux.readonlyPaths = [] | .root.readonly = false'
	set_args sh -c 'echo "ns=$NOTIFY_SOCKET"'
	NOTIFY_SOCKET=$NDIR/sd.sock run run_ctr
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = ns= ]
	[ -z "$(grep ' /run/notify ' /proc/self/mountinfo)" ]
}

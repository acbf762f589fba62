#!/usr/bin/env bats
# LISTEN_FDS / LISTEN_PID (systemd socket activation) passed through as runc and crun do: when
# LISTEN_PID names berth, fds 3..3+LISTEN_FDS-1 reach the container process, which gets LISTEN_FDS
# and a LISTEN_PID of its own; --preserve-fds ones come after them.

load helpers

setup() {
	setup_bundle
	echo first >"$BATS_TEST_TMPDIR/a"
	echo second >"$BATS_TEST_TMPDIR/b"
	echo third >"$BATS_TEST_TMPDIR/c"
}

teardown() {
	teardown_containers
}

# activated N [berth args...]: berth run as systemd would start it, LISTEN_PID its own pid, fds 3-5 open
activated() {
	local n=$1
	shift
	# sh execs berth, so berth keeps the pid $$ names
	sh -c 'LISTEN_PID=$$ LISTEN_FDS=$0 exec "$@"' "$n" "$BERTH" --root "$ROOT" run "$@" --bundle "$BUNDLE" "$CID" \
		3<"$BATS_TEST_TMPDIR/a" 4<"$BATS_TEST_TMPDIR/b" 5<"$BATS_TEST_TMPDIR/c"
}

# what the container sees: its LISTEN_* variables, then each of fds 3-5 read or "closed"
SHOW='echo "fds=$LISTEN_FDS pid=$LISTEN_PID self=$$ names=$LISTEN_FDNAMES"
	for fd in 3 4 5; do if [ -e /proc/self/fd/$fd ]; then cat <&$fd; else echo "$fd closed"; fi; done'

@test "listen_fds: LISTEN_FDS=2 with LISTEN_PID of berth: fds 3 and 4 reach the process, LISTEN_PID is its pid" {
	set_args sh -c "$SHOW"
	LISTEN_FDNAMES=web:admin run activated 2
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fds=2 pid=1 self=1 names=web:admin" ]
	[ "${lines[1]}" = first ]
	[ "${lines[2]}" = second ]
	[ "${lines[3]}" = "5 closed" ]
}

@test "listen_fds: with --preserve-fds 1 the preserved fd comes after the listen fds" {
	set_args sh -c "$SHOW"
	run activated 1 --preserve-fds 1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fds=1 pid=1 self=1 names=" ]
	[ "${lines[1]}" = first ]
	[ "${lines[2]}" = second ]
	[ "${lines[3]}" = "5 closed" ]
}

@test "listen_fds: without a pid namespace LISTEN_PID is the process's host pid" {
	cfg '.linux.namespaces |= map(select(.type != "pid"))'
	set_args sh -c "$SHOW"
	run activated 1
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^fds=1\ pid=([0-9]+)\ self=([0-9]+)\ names=$ ]]
	[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
	[ "${BASH_REMATCH[1]}" != 1 ]
	[ "${lines[1]}" = first ]
	[ "${lines[2]}" = "4 closed" ]
}

@test "listen_fds: LISTEN_PID of another process: nothing is passed, process.env is kept" {
	cfg '.process.env += ["LISTEN_FDS=9"]'
	set_args sh -c "$SHOW"
	run env LISTEN_PID=1 LISTEN_FDS=2 "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID" \
		3<"$BATS_TEST_TMPDIR/a" 4<"$BATS_TEST_TMPDIR/b"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fds=9 pid= self=1 names=" ]
	[ "${lines[1]}" = "3 closed" ]
	[ "${lines[2]}" = "4 closed" ]
}

@test "listen_fds: create + start keeps the fds until start" {
	set_args sh -c "{ $SHOW; } >/tmp/out; exec sleep 1000"
	cfg '.root.readonly = false'
	sh -c 'LISTEN_PID=$$ LISTEN_FDS=2 exec "$@"' x "$BERTH" --root "$ROOT" create --bundle "$BUNDLE" "$CID" \
		3<"$BATS_TEST_TMPDIR/a" 4<"$BATS_TEST_TMPDIR/b" </dev/null >/dev/null 2>&1
	rt start "$CID"
	for i in $(seq 50); do rt exec "$CID" test -s /tmp/out && break; sleep 0.1; done
	run rt exec "$CID" cat /tmp/out
	echo "$output"
	[ "${lines[0]}" = "fds=2 pid=1 self=1 names=" ]
	[ "${lines[1]}" = first ]
	[ "${lines[2]}" = second ]
	[ "${lines[3]}" = "5 closed" ]
}

@test "listen_fds: under systemd-socket-activate the container gets the listening socket as fd 3" {
	command -v systemd-socket-activate >/dev/null || skip "systemd-socket-activate not installed"
	set_args sh -c 'echo "fds=$LISTEN_FDS pid=$LISTEN_PID"; [ -S /proc/self/fd/3 ] && echo "3 is a socket"'
	local sock=$BATS_TEST_TMPDIR/act.sock
	systemd-socket-activate -l "$sock" "$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID" \
		>"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	local act=$!
	for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
	# the first connection starts berth with the listening socket
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])' "$sock"
	for i in $(seq 100); do grep -q socket "$BATS_TEST_TMPDIR/out" && break; sleep 0.1; done
	kill "$act" 2>/dev/null || true
	cat "$BATS_TEST_TMPDIR/out"
	grep -qx 'fds=1 pid=1' "$BATS_TEST_TMPDIR/out"
	grep -qx '3 is a socket' "$BATS_TEST_TMPDIR/out"
}

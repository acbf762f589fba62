# Shared setup for the integration tests: a fresh busybox bundle and state root per test.
# BERTH names the runtime under test (the built berth; runc works too for cross-checking tests).

BERTH=${BERTH:-berth}
TESTS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# A bundle whose process runs `args...` (default: true) with terminal off; sets BUNDLE, ROOT, CID.
setup_bundle() {
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	ROOT=$BATS_TEST_TMPDIR/state
	CID=t$$-$BATS_TEST_NUMBER-$RANDOM
	local args
	args=$(IFS=,; echo "${*:-true}")
	"$TESTS_TOP/tests/data/mkbundle.sh" --berth "$BERTH" --args "$args" "$BUNDLE" >/dev/null
}

# Edit config.json with a jq filter: cfg '.process.cwd = "/tmp"'
cfg() {
	local tmp=$BUNDLE/config.json.tmp
	jq "$@" "$BUNDLE/config.json" >"$tmp" && mv "$tmp" "$BUNDLE/config.json"
}

# Set process.args from the arguments: set_args sh -c 'echo hi'
set_args() {
	# One --arg per element, so arguments may hold newlines (multi-line sh -c scripts).
	local jqargs=() list= i=0 a
	for a in "$@"; do
		jqargs+=(--arg "a$i" "$a")
		list="$list${list:+, }\$a$i"
		i=$((i + 1))
	done
	cfg "${jqargs[@]}" ".process.args = [$list]"
}

# The runtime with this test's state root.
# run --image joins the default network by default; outside network.bats (which makes its own network
# namespaces) tests keep the machine's network untouched with --network none.
rt() {
	if [ "${1:-}" = run ] && [[ " $* " == *" --image "* && " $* " != *" --network"* ]]; then
		set -- run --network none "${@:2}"
	fi
	"$BERTH" --root "$ROOT" "$@"
}

# Run the container in the foreground; use with bats `run`: run run_ctr sh -c 'cat /proc/self/status'
run_ctr() {
	if [ $# -gt 0 ]; then set_args "$@"; fi
	"$BERTH" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
}

# Remove every container this test left, so one failure does not cascade.
teardown_containers() {
	[ -d "${ROOT:-}" ] || return 0
	local id
	for id in $(ls "$ROOT" 2>/dev/null); do
		"$BERTH" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
	done
}

teardown() {
	teardown_containers
}

# Wait until `berth state` reports a status: wait_status created 5
wait_status() {
	local want=$1 tries=${2:-50} i st
	for ((i = 0; i < tries; i++)); do
		st=$(rt state "$CID" 2>/dev/null | jq -r .status)
		[ "$st" = "$want" ] && return 0
		sleep 0.1
	done
	echo "status is '$st', wanted '$want'" >&2
	return 1
}

# strace ARGS...: LeakSanitizer stops the world with ptrace at exit, which a traced process cannot.
traced() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace "$@"
}

# Compile tests/integration/NAME.c once into the cache and print the binary's path: build_helper fds -static
build_helper() {
	local name=$1 src=$TESTS_TOP/tests/integration/$1.c
	local dir=${BERTH_TEST_CACHE:-/var/tmp/berth-test-cache}/helpers bin tmp
	shift
	bin=$dir/$name$(printf '%s' "$@" | tr -c 'a-zA-Z0-9' _)
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
		mkdir -p "$dir"
		tmp=$(mktemp "$dir/.$name.XXXXXX")
		cc -O2 -Wall -o "$tmp" "$src" "$@" >&2 && mv -f "$tmp" "$bin" || { rm -f "$tmp"; return 1; }
	fi
	echo "$bin"
}

# Mount points on the host under this test's temp dir (a create that failed must leave none).
host_mounts_here() {
	awk -v d="$BATS_TEST_TMPDIR" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo
}

# Create (or `run -d`) the container with its stdio on files, so a bats `run` never waits for the
# container to close a pipe: create_ctr [--pid-file F ...]; on failure the runtime's stderr is printed.
# The container's stdout/stderr: $BATS_TEST_TMPDIR/ctr.out and ctr.err.
create_ctr() {
	_detached create "$@"
}
run_detached() {
	_detached run --detach "$@"
}
_detached() {
	local rc=0
	"$BERTH" --root "$ROOT" "$@" --bundle "$BUNDLE" "$CID" \
		</dev/null >"$BATS_TEST_TMPDIR/ctr.out" 2>"$BATS_TEST_TMPDIR/ctr.err" 3>&- || rc=$?
	[ $rc -eq 0 ] || cat "$BATS_TEST_TMPDIR/ctr.err"
	return $rc
}

# Copy a static build of tests/integration/NAME.c into the bundle's rootfs as /bin/NAME.
install_helper() {
	local bin
	bin=$(build_helper "$1" -static) || return 1
	cp "$bin" "$BUNDLE/rootfs/bin/$1"
}

# A console-socket receiver ($RECVTTY, built with build_helper recvtty) on $SOCK, copying the pty's
# output to $TTY_OUT; the caller kills $RECVTTY_PID.
start_recvtty() {
	SOCK=$BATS_TEST_TMPDIR/tty.sock
	TTY_OUT=$BATS_TEST_TMPDIR/tty.out
	"$RECVTTY" "$SOCK" >"$TTY_OUT" 2>&1 3>&- &
	RECVTTY_PID=$!
	local i
	for ((i = 0; i < 50; i++)); do
		[ -S "$SOCK" ] && return 0
		sleep 0.05
	done
	echo "recvtty did not create $SOCK" >&2
	return 1
}


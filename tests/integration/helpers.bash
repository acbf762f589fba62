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
	local json
	json=$(printf '%s\n' "$@" | jq -R . | jq -s .)
	cfg --argjson a "$json" '.process.args = $a'
}

# The runtime with this test's state root.
rt() {
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

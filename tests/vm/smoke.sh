#!/usr/bin/env bash
# The VM smoke test: berth runs a container under Debian's 6.1 kernel with pure cgroup v2.
# Last line: `vm: N passed, N failed, N skipped`. A VM that cannot be set up or booted is an
# infrastructure problem and counts as skipped, with the reason; a wrong result counts as failed.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BERTH=${BERTH:-$top/berth}
cache=${BERTH_VM_CACHE:-/var/tmp/berth-vm}
work=$(mktemp -d /var/tmp/berth-vm-smoke.XXXXXX)
trap 'rm -rf "$work"' EXIT
export BERTH_VM_LOG=${BERTH_VM_LOG:-$cache/smoke-serial.log} # kept after the run, for a failure

finish() {
	echo "vm: $1 passed, $2 failed, $3 skipped"
	exit $(($2 > 0))
}

if ! "$top/tests/vm/setup.sh"; then
	echo "vm: setup failed (see $cache/setup.log): skipped"
	finish 0 0 1
fi
"$top/tests/data/mkbundle.sh" --berth "$BERTH" \
	--args '/bin/sh,-c,echo hello from inside the VM; cat /proc/self/cgroup' "$work/bundle" >/dev/null ||
	finish 0 1 0

out=$("$top/tests/vm/run.sh" -t 240 sh -c "cat /sys/fs/cgroup/cgroup.controllers &&
	'$BERTH' --root /run/berth-vm run --bundle '$work/bundle' vm-smoke" 2>"$work/run.err")
rc=$?
cat "$work/run.err" >&2
echo "$out"
case $rc in
124 | 125)
	echo "vm: the VM did not boot or timed out (rc $rc): skipped"
	tail -n 20 "$BERTH_VM_LOG" 2>/dev/null | sed 's/^/    /'
	finish 0 0 1
	;;
esac
pass=0 fail=0
check() {
	if eval "$2"; then
		echo "ok   $1"
		pass=$((pass + 1))
	else
		echo "FAIL $1"
		fail=$((fail + 1))
	fi
}
check "the VM's cgroup2 root offers cpu, memory, pids and io" \
	'[[ "$out" == *cpu* && "$out" == *memory* && "$out" == *pids* && "$out" == *io* ]]'
check "berth run exits 0 under pure cgroup v2" '[ "$rc" -eq 0 ]'
check "the container printed from inside" '[[ "$out" == *"hello from inside the VM"* ]]'
finish "$pass" "$fail" 0

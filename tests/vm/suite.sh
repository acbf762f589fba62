#!/usr/bin/env bash
# berth under Debian's 6.1 kernel with pure cgroup v2, in one VM boot: a smoke test of the harness,
# then the cgroup and tenant suites (tests/integration/cgroup.bats and tenant.bats, the files the host
# runs with the v1 backend).
# Last line: `vm: N passed, N failed, N skipped`. A VM that cannot be set up or booted is an
# infrastructure problem and counts as skipped, with the reason; a wrong result counts as failed.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BERTH=${BERTH:-$top/berth}
cache=${BERTH_VM_CACHE:-/var/tmp/berth-vm}
work=$(mktemp -d /var/tmp/berth-vm-suite.XXXXXX)
trap 'rm -rf "$work"' EXIT
export BERTH_VM_LOG=${BERTH_VM_LOG:-$cache/suite-serial.log} # kept after the run, for a failure

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
# the suite's static helpers are compiled here: the emulated VM would take long
(source "$top/tests/integration/helpers.bash" && build_helper memhog -static >/dev/null &&
	build_helper memhold -static >/dev/null) || finish 0 1 0
# the bats files the VM runs (BERTH_VM_BATS="tenant.bats" runs only that one)
bats_files=
for f in ${BERTH_VM_BATS:-cgroup.bats tenant.bats}; do bats_files="$bats_files '$top/tests/integration/$f'"; done

vm_start=$(date +%s)
out=$("$top/tests/vm/run.sh" -t "${BERTH_VM_SUITE_TIMEOUT:-900}" sh -c "cat /sys/fs/cgroup/cgroup.controllers &&
	'$BERTH' --root /run/berth-vm run --bundle '$work/bundle' vm-smoke && echo smoke-rc=0;
	BERTH='$BERTH' BATS_FILTER='${BATS_FILTER:-}' BATS_TEST_TIMEOUT=120 BERTH_IT_FILE_TIMEOUT=800 \
		'$top/tests/integration/run.sh' $bats_files" 2>"$work/run.err")
rc=$?
echo "vm: boot and suite took $(($(date +%s) - vm_start)) s"
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
check "berth run exits 0 under pure cgroup v2" '[[ "$out" == *smoke-rc=0* ]]'
check "the container printed from inside" '[[ "$out" == *"hello from inside the VM"* ]]'
check "the container is in its own cgroup namespace (it sees 0::/)" 'grep -qx "0::/" <<<"$out"'
# the cgroup suite: bats' own results, one per test
summary=$(grep -E '^integration: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' <<<"$out" | tail -n 1)
if [ -z "$summary" ]; then
	echo "FAIL the cgroup suite did not finish in the VM (rc $rc)"
	fail=$((fail + 1))
else
	read -r s_pass s_fail s_skip < <(sed -E 's/^integration: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/' \
		<<<"$summary")
	echo "cgroup suite in the VM (v2 backend): $s_pass passed, $s_fail failed, $s_skip skipped"
	pass=$((pass + s_pass))
	fail=$((fail + s_fail))
	finish "$pass" "$fail" "$s_skip"
fi
finish "$pass" "$fail" 0

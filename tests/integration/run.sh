#!/usr/bin/env bash
# Run the bats integration tests against $BERTH (default: the built ./berth) and count the results.
#
# usage: tests/integration/run.sh [FILE.bats...]     (as root; default: tests/integration/*.bats)
# Prints bats' TAP, file by file, then a last line `integration: N passed, N failed, N skipped`.
# Exit 1 on a failure. Knobs:
#   BATS_TEST_TIMEOUT   seconds for one test (bats' own watchdog; default 30)
#   BERTH_IT_FILE_TIMEOUT  seconds for one .bats file, a hard kill (default 240)
#   BERTH_IT_BUDGET     seconds for the whole run (default 900: the suite takes about 3 min, 5 with
#                       the sanitizer build, on 2 loaded cores); files past it count as failed
#   BATS_FILTER         passed to bats as --filter REGEX
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ -z "${BERTH:-}" ]; then
	if [ -x "$top/berth" ]; then BERTH=$top/berth; else BERTH=$(command -v berth || true); fi
fi
if [ -z "$BERTH" ] || [ ! -x "$BERTH" ]; then
	echo "run.sh: no berth binary (build it, or set BERTH)" >&2
	exit 1
fi
BERTH=$(realpath "$BERTH")
export BERTH
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-30}
file_timeout=${BERTH_IT_FILE_TIMEOUT:-240}
budget=${BERTH_IT_BUDGET:-900}

if [ "$(id -u)" -ne 0 ]; then
	echo "run.sh: the integration tests create real containers: run them as root" >&2
	exit 1
fi
command -v bats >/dev/null || { echo "run.sh: bats not found (run tests/deps.sh)" >&2; exit 1; }

if [ $# -gt 0 ]; then
	files=("$@")
else
	shopt -s nullglob
	files=("$top"/tests/integration/*.bats)
fi
if [ ${#files[@]} -eq 0 ]; then
	echo "# no .bats files in $top/tests/integration"
	echo "integration: 0 passed, 0 failed, 0 skipped"
	exit 0
fi

filter=()
[ -n "${BATS_FILTER:-}" ] && filter=(--filter "$BATS_FILTER")

# Everything the tests create lives under one directory of ours, so leftovers can be found by path.
runtmp=$(mktemp -d /tmp/berth-it.XXXXXX)
export TMPDIR=$runtmp

mounts_under() {
	awk -v d="$runtmp/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo
}

# After each file: containers, processes and mounts a failed or hung test left behind.
sweep() {
	local st root id pid pids m n=0
	while IFS= read -r st; do
		id=$(jq -r '.id // empty' "$st" 2>/dev/null) || continue
		[ -n "$id" ] || continue
		root=$(dirname "$(dirname "$st")")
		timeout -k 2 10 "$BERTH" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
	done < <(find "$runtmp" -name state.json -type f 2>/dev/null)
	# Our processes name our temp dir on their command line (berth --root ..., a created init); when one
	# leads a session (a detached container), its whole session goes too.
	pids=$(ps -eo pid=,sid=,args= | awk -v d="$runtmp/" -v self=$$ '
		{ pid[NR] = $1; sid[NR] = $2 }
		$1 != self && index($0, d) { hit[$1] = 1; if ($1 == $2) lead[$2] = 1 }
		END { for (i = 1; i <= NR; i++) if (pid[i] in hit || sid[i] in lead) print pid[i] }')
	for pid in $pids; do
		[ "$pid" = $$ ] && continue
		kill -9 "$pid" 2>/dev/null && n=$((n + 1))
	done
	[ $n -gt 0 ] && echo "# killed $n leftover processes"
	# Unmount before anything removes the directory: rm -rf through a leaked bind mount would follow it.
	for m in $(mounts_under | sort -r); do
		echo "# leaked mount: $m"
		umount -l "$m" 2>/dev/null || true
	done
	return 0
}

finish() {
	sweep >/dev/null 2>&1
	if [ -z "$(mounts_under)" ]; then
		rm -rf "$runtmp"
	else
		echo "# not removing $runtmp: mounts are left under it" >&2
	fi
}
trap finish EXIT

# A warm template cache keeps each test's bundle copy cheap.
"$top/tests/data/mkbundle.sh" --berth "$BERTH" --args true "$runtmp/warm" >/dev/null 2>&1 || true
rm -rf "$runtmp/warm"

echo "# BERTH=$BERTH"
passed=0 failed=0 skipped=0
start=$SECONDS
for f in "${files[@]}"; do
	name=$(basename "$f")
	planned=$(bats --count "${filter[@]}" "$f" 2>/dev/null) || planned=1
	[[ $planned =~ ^[0-9]+$ ]] || planned=1
	[ "$planned" -eq 0 ] && continue
	left=$((budget - (SECONDS - start)))
	if [ "$left" -le 0 ]; then
		echo "# $name: not run, the ${budget}s budget is spent: $planned tests count as failed"
		failed=$((failed + planned))
		continue
	fi
	limit=$((left < file_timeout ? left : file_timeout))
	out=$runtmp/$name.tap
	# Into a file, not a pipe: a leaked container holding bats' stdout must not hang the reader.
	timeout -k 10 "$limit" bats --tap --no-tempdir-cleanup "${filter[@]}" "$f" </dev/null >"$out" 2>&1
	status=$?
	grep -v '^BATS_RUN_TMPDIR: ' "$out"
	s=$(grep -cE '^ok [0-9]+ .*# skip' "$out")
	o=$(grep -cE '^ok [0-9]+' "$out")
	n=$(grep -cE '^not ok [0-9]+' "$out")
	if [ $((o + n)) -lt "$planned" ]; then
		if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
			echo "not ok $((o + n + 1)) $name: killed after ${limit}s, test $((o + n + 1)) of $planned hung"
		else
			echo "not ok $((o + n + 1)) $name: bats stopped (status $status) after $((o + n)) of $planned tests"
		fi
		n=$((planned - o))
	elif [ "$status" -ne 0 ] && [ "$n" -eq 0 ]; then
		echo "not ok 0 $name: bats exited with status $status"
		n=1
	fi
	passed=$((passed + o - s)) failed=$((failed + n)) skipped=$((skipped + s))
	sweep
done
echo "integration: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Run the bats integration tests against $BERTH (default: the built ./berth) and count the results.
#
# usage: tests/integration/run.sh [FILE.bats...]     (as root; default: tests/integration/*.bats)
# Prints bats' TAP, then a last line `integration: N passed, N failed, N skipped`. Exit 1 on a failure.
# BATS_TEST_TIMEOUT (seconds, default 30) stops a hung test; BATS_FILTER passes --filter REGEX to bats.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ -z "${BERTH:-}" ]; then
	if [ -x "$top/berth" ]; then BERTH=$top/berth; else BERTH=$(command -v berth || true); fi
fi
[ -n "$BERTH" ] && [ -x "$BERTH" ] || { echo "run.sh: no berth binary (build it, or set BERTH)" >&2; exit 1; }
BERTH=$(cd "$(dirname "$BERTH")" && pwd)/$(basename "$BERTH")
export BERTH
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-30}

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

# A warm template cache keeps each test's bundle copy cheap.
warm=$(mktemp -d)
"$top/tests/data/mkbundle.sh" --berth "$BERTH" --args true "$warm" >/dev/null 2>&1 || true
rm -rf "$warm"

echo "# BERTH=$BERTH"
tap=$(mktemp)
trap 'rm -f "$tap"' EXIT
bats --tap "${filter[@]}" "${files[@]}" 2>&1 | tee "$tap"
status=${PIPESTATUS[0]}

plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$tap" | head -n 1)
skipped=$(grep -cE '^ok [0-9]+ .*# skip' "$tap")
oks=$(grep -cE '^ok [0-9]+' "$tap")
failed=$(grep -cE '^not ok [0-9]+' "$tap")
passed=$((oks - skipped))
# Tests bats never reported (a crash, a syntax error in a file) are failures, not silence.
if [ -n "$plan" ] && [ $((oks + failed)) -lt "$plan" ]; then
	echo "# bats reported $((oks + failed)) of $plan planned tests"
	failed=$((plan - oks))
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
	echo "# bats exited with status $status"
	failed=1
fi
echo "integration: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

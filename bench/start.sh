#!/usr/bin/env bash
# `make bench`: median wall time of `berth run` vs `runc run` of the same busybox `true` bundle.
#
# BERTH (default: ./berth, else berth in PATH), RUNC (default: runc in PATH), BENCH_RUNS (default 50).
# Runs alternate berth/runc with a fresh container id each, under separate --root dirs in a temp dir.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.bash"
find_berth
RUNC=${RUNC:-$(command -v runc || true)}
[ -n "$RUNC" ] || die "runc not found (run tests/deps.sh)"
runs=$(runs_from BENCH_RUNS 50)
[ "$(id -u)" -eq 0 ] || die "run as root: the bench starts real containers"

tmp=$(mktemp -d /tmp/berth-bench.XXXXXX)
# Containers a failed run left behind: delete them before removing their state roots.
cleanup() {
	local d rt
	for d in "$tmp"/root-berth/* "$tmp"/root-runc/*; do
		[ -d "$d" ] || continue
		case $d in */root-berth/*) rt=$BERTH ;; *) rt=$RUNC ;; esac
		"$rt" --root "${d%/*}" delete --force "${d##*/}" >/dev/null 2>&1 || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

cc -O2 -Wall -o "$tmp/median" "$top/bench/median.c" || die "cannot build bench/median.c"
"$top/tests/data/mkbundle.sh" --berth "$BERTH" --args true "$tmp/bundle" >/dev/null ||
	die "mkbundle.sh failed"
mkdir -p "$tmp/root-berth" "$tmp/root-runc"

echo "berth: $BERTH"
echo "runc : $RUNC ($("$RUNC" --version | head -n 1))"
# One untimed warm-up each (page cache, the runtimes' first-run costs), then the timed runs.
"$BERTH" --root "$tmp/root-berth" run --bundle "$tmp/bundle" bench-warm >/dev/null || die "berth run failed"
"$RUNC" --root "$tmp/root-runc" run --bundle "$tmp/bundle" bench-warm >/dev/null || die "runc run failed"
"$tmp/median" "$runs" \
	"berth run" "$BERTH" --root "$tmp/root-berth" run --bundle "$tmp/bundle" "bench-{}" --- \
	"runc run" "$RUNC" --root "$tmp/root-runc" run --bundle "$tmp/bundle" "bench-{}"

#!/usr/bin/env bash
# `make bench`: what a tenant adds to `berth run` of a busybox `true` bundle (target: at most 1 ms):
# the median of BENCH_RUNS (default 30) runs with --tenant against as many without, alternating,
# fresh container ids, one state root. The tenant has limits and an admission count, so the placement,
# the lock and the count are all in the measured path.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.bash"
find_berth
runs=$(runs_from BENCH_RUNS 30)
[ "$(id -u)" -eq 0 ] || die "run as root: the bench starts real containers"

tmp=$(mktemp -d /tmp/berth-bench-tenant.XXXXXX)
root=$tmp/root
tenant=bench-$$
cleanup() {
	delete_containers "$root"
	"$BERTH" --root "$root" tenant rm "$tenant" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

cc -O2 -Wall -o "$tmp/median" "$top/bench/median.c" || die "cannot build bench/median.c"
"$top/tests/data/mkbundle.sh" --berth "$BERTH" --args true "$tmp/bundle" >/dev/null || die "mkbundle.sh failed"
mkdir -p "$root"
"$BERTH" --root "$root" tenant create "$tenant" --memory 1g --cpus 1 --pids 1000 --containers 100 ||
	die "berth tenant create failed"
echo "berth: $BERTH"
"$BERTH" --root "$root" run --bundle "$tmp/bundle" warm-out >/dev/null || die "berth run failed"
"$BERTH" --root "$root" run --tenant "$tenant" --bundle "$tmp/bundle" warm-in >/dev/null ||
	die "berth run --tenant failed"
"$tmp/median" "$runs" \
	"run (no tenant)" "$BERTH" --root "$root" run --bundle "$tmp/bundle" "o-{}" --- \
	"run --tenant" "$BERTH" --root "$root" run --tenant "$tenant" --bundle "$tmp/bundle" "t-{}"

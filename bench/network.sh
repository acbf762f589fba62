#!/usr/bin/env bash
# `make bench`: what the default network adds to `berth run --image IMAGE -- true` over --network none
# (target: at most 3 ms). Median of BENCH_RUNS (default 30) alternating runs, fresh container ids, one
# state root. Then BENCH_SCALE (default 250; 0 skips) containers run -d on one network: the cost of the
# last run -d against the first (target: at most 1.2x), each the median of the 10 around it (this
# machine's speed drifts by a few ms within seconds);
# BENCH_SCALE_NETWORK=none measures the same without networking.
# Everything runs inside a network namespace made for the bench: the machine's network is untouched.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.bash"
find_berth
runs=$(runs_from BENCH_RUNS 30)
scale=${BENCH_SCALE:-250}
[[ $scale =~ ^[0-9]+$ ]] || die "BENCH_SCALE must be a number, not '$scale'"
[ "$(id -u)" -eq 0 ] || die "run as root: the bench starts real containers"
in_own_netns "$@"
unset BERTH_IMAGE_COPY

tmp=$(mktemp -d /tmp/berth-bench-net.XXXXXX)
root=$tmp/root
cleanup() {
	delete_containers "$root"
	rm -rf "$tmp"
}
trap cleanup EXIT

cc -O2 -Wall -o "$tmp/median" "$top/bench/median.c" || die "cannot build bench/median.c"
load_bench_image "$root" "$tmp/image.tar"
echo "berth: $BERTH"
# warm-up: the default network (bridge, rules) is made by the first run, as on any machine
"$BERTH" --root "$root" run --image bench --name warm-net -- true >/dev/null || die "berth run --image failed"
"$BERTH" --root "$root" run --image bench --network none --name warm-none -- true >/dev/null ||
	die "berth run --image --network none failed"
"$tmp/median" "$runs" \
	"run --image --network none" "$BERTH" --root "$root" run --image bench --network none --name "n-{}" -- true --- \
	"run --image (network berth)" "$BERTH" --root "$root" run --image bench --name "d-{}" -- true

[ "$scale" -gt 0 ] || exit 0
scale_net=${BENCH_SCALE_NETWORK:-berth} # none: the same without networking, for reference
times=()
for i in $(seq "$scale"); do
	t0=$(date +%s%N)
	"$BERTH" --root "$root" run -d --image bench --network "$scale_net" --name "s-$i" -- sleep 3600 >/dev/null || die "run -d #$i failed"
	times+=($(( ($(date +%s%N) - t0) / 1000 )))
done
med() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
w=$((scale < 10 ? scale : 10))
first=$(med "${times[@]:0:w}")
last=$(med "${times[@]: -w}")
awk -v f="$first" -v l="$last" -v n="$scale" -v net="$scale_net" 'BEGIN {
	printf "run -d (network %s): first %.2f ms, #%d %.2f ms, ratio %.2fx\n", net, f / 1000, n, l / 1000, l / f }'

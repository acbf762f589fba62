#!/usr/bin/env bash
# `make bench`: what `berth run --image IMAGE` of a loaded image adds over `berth run` of a plain bundle
# holding the same rootfs (target: at most 2 ms). Median of BENCH_RUNS (default 30) alternating runs of
# `true`, fresh container ids, one state root. BERTH as in bench/start.sh; BERTH_IMAGE_COPY is unset.
# The untimed warm-up run also caches the image's config.json for that command, as any first run does.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.bash"
find_berth
runs=$(runs_from BENCH_RUNS 30)
[ "$(id -u)" -eq 0 ] || die "run as root: the bench starts real containers"
unset BERTH_IMAGE_COPY

tmp=$(mktemp -d /tmp/berth-bench-image.XXXXXX)
root=$tmp/root
# Containers a failed run left behind (and their overlays): delete them before removing the root.
cleanup() {
	delete_containers "$root"
	rm -rf "$tmp"
}
trap cleanup EXIT

cc -O2 -Wall -o "$tmp/median" "$top/bench/median.c" || die "cannot build bench/median.c"
load_bench_image "$root" "$tmp/image.tar"
# the plain bundle: the same image as files, config.json the same but for process.args
"$BERTH" --root "$root" image unpack bench "$tmp/bundle" >/dev/null || die "berth image unpack failed"
jq '.process.args = ["true"]' "$tmp/bundle/config.json" >"$tmp/c" && mv "$tmp/c" "$tmp/bundle/config.json"

echo "berth: $BERTH"
echo "image: $("$BERTH" --root "$root" image ls | sed -n 2p | tr -s ' ')"
"$BERTH" --root "$root" run --bundle "$tmp/bundle" warm-bundle >/dev/null || die "berth run failed"
"$BERTH" --root "$root" run --image bench --network none --name warm-image -- true >/dev/null ||
	die "berth run --image failed"
"$tmp/median" "$runs" \
	"berth run --bundle" "$BERTH" --root "$root" run --bundle "$tmp/bundle" "b-{}" --- \
	"berth run --image" "$BERTH" --root "$root" run --image bench --network none --name "i-{}" -- true

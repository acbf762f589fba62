#!/usr/bin/env bash
# `make bench`: what berth's default network adds to `run --image IMAGE -- true` against what podman's
# own bridge network (CNI, the backend Debian's podman 4.3 uses) adds to `podman run --rm IMAGE true`,
# each over its own --network none, in one run (target: berth's added cost at most a fifth of
# podman's). Medians of BENCH_RUNS (default 30) alternating runs per pair; podman uses runc (its
# default) with a private root, runroot and network config. Everything runs inside a network
# namespace made for the bench: the machine's network is untouched.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.bash"
find_berth
runs=$(runs_from BENCH_RUNS 30)
[ "$(id -u)" -eq 0 ] || die "run as root: the bench starts real containers"
command -v podman >/dev/null || die "podman is not installed (apt-get install podman)"
in_own_netns "$@"
unset BERTH_IMAGE_COPY

tmp=$(mktemp -d /tmp/berth-bench-podman.XXXXXX)
root=$tmp/root
pd=$tmp/podman
P() {
	CONTAINERS_CONF=$pd/containers.conf CONTAINERS_STORAGE_CONF=$pd/storage.conf \
		CONTAINERS_REGISTRIES_CONF=$pd/registries.conf podman --root "$pd/root" --runroot "$pd/run" \
		--tmpdir "$pd/tmp" --cgroup-manager cgroupfs --events-backend none \
		--network-config-dir "$pd/net" "$@"
}
cleanup() {
	delete_containers "$root"
	P rm -af -t 0 >/dev/null 2>&1 || true
	P system reset -f >/dev/null 2>&1 || true
	umount -R "$pd/root/overlay" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$pd/net" "$pd/tmp"
# root may not raise rlimits here (no CAP_SYS_RESOURCE): podman's default nofile/nproc are too high
cat >"$pd/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=20000:20000","nproc=32768:32768"]
[engine]
static_dir = "$pd/root/libpod"
volume_path = "$pd/root/volumes"
[network]
network_backend = "cni"
cni_plugin_dirs = ["/usr/lib/cni"]
network_config_dir = "$pd/net"
CONF
printf '[storage]\ndriver = "overlay"\nrunroot = "%s"\ngraphroot = "%s"\n' "$pd/run" "$pd/root" >"$pd/storage.conf"
echo 'unqualified-search-registries = []' >"$pd/registries.conf"

cc -O2 -Wall -o "$tmp/median" "$top/bench/median.c" || die "cannot build bench/median.c"
load_bench_image "$root" "$tmp/image.tar"
P load -i "$tmp/image.tar" >/dev/null 2>"$tmp/err" || die "podman load failed: $(tail -n 1 "$tmp/err")"
img=$(P images -q | head -n 1)
[ -n "$img" ] || die "podman load gave no image"
echo "berth: $BERTH"
echo "podman: $(podman --version), runtime $(P info --format '{{.Host.OCIRuntime.Name}}' 2>/dev/null)"
# warm-up: each default network (bridge, rules) is made by its first run
"$BERTH" --root "$root" run --image bench --name warm-net -- true >/dev/null || die "berth run --image failed"
P run --rm "$img" true >/dev/null 2>"$tmp/err" || die "podman run failed: $(tail -n 1 "$tmp/err")"

berth_out=$("$tmp/median" "$runs" \
	"berth --network none" "$BERTH" --root "$root" run --image bench --network none --name "n-{}" -- true --- \
	"berth (network berth)" "$BERTH" --root "$root" run --image bench --name "d-{}" -- true)
echo "$berth_out"
podman_out=$("$tmp/median" "$runs" \
	"podman --network none" env CONTAINERS_CONF="$pd/containers.conf" CONTAINERS_STORAGE_CONF="$pd/storage.conf" \
	CONTAINERS_REGISTRIES_CONF="$pd/registries.conf" podman --root "$pd/root" --runroot "$pd/run" \
	--tmpdir "$pd/tmp" --cgroup-manager cgroupfs --events-backend none --network-config-dir "$pd/net" \
	run --rm --network none "$img" true --- \
	"podman (network podman)" env CONTAINERS_CONF="$pd/containers.conf" CONTAINERS_STORAGE_CONF="$pd/storage.conf" \
	CONTAINERS_REGISTRIES_CONF="$pd/registries.conf" podman --root "$pd/root" --runroot "$pd/run" \
	--tmpdir "$pd/tmp" --cgroup-manager cgroupfs --events-backend none --network-config-dir "$pd/net" \
	run --rm "$img" true)
echo "$podman_out"
# median prints "NAME2 adds +X ms over NAME1" last: compare the two added costs
added() { sed -nE 's/.* adds \+?(-?[0-9.]+) ms over .*/\1/p' <<<"$1" | tail -n 1; }
awk -v b="$(added "$berth_out")" -v p="$(added "$podman_out")" 'BEGIN {
	printf "network cost: berth +%.2f ms, podman +%.2f ms, berth/podman %.2f (target at most 0.20)\n", b, p, (p > 0 ? b / p : 0) }'

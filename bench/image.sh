#!/usr/bin/env bash
# `make bench`: unpacking a generated image: `berth image unpack` vs `umoci unpack` vs GNU `tar -xzf`.
#
# The image: about 200 MB in 5 gzip layers of many small files (deterministic: seeded generator), as an
# OCI layout (a directory for umoci, the same layout as a tar archive for berth). Every run unpacks into a
# fresh directory on the same filesystem: BENCH_DIR (default: a directory under /dev/shm, a tmpfs).
# Runs interleave the three tools; each time is the median of BENCH_IMAGE_RUNS (default 3).
# BERTH (default: ./berth), UMOCI (default: umoci in PATH).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.bash"
find_berth
UMOCI=${UMOCI:-$(command -v umoci || true)}
[ -n "$UMOCI" ] || die "umoci not found (run tests/deps.sh)"
runs=$(runs_from BENCH_IMAGE_RUNS 3)
[ "$(id -u)" -eq 0 ] || die "run as root: the unpackers keep file owners"
command -v python3 >/dev/null || die "python3 not found (it generates the image)"

base=${BENCH_DIR:-/dev/shm}
tmp=$(mktemp -d "$base/berth-bench-image.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fs=$(stat -f -c %T "$tmp")

# 5 layers of files of 64 B..16 KiB cut from a pseudo-text pool (gzip ratio about 3:1); later layers
# overwrite some files of earlier ones, as real images do.
python3 - "$tmp/src" <<'PY'
import os, random, sys
rnd = random.Random(20261121)
words = ["".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(2, 9))) for _ in range(6000)]
pool = " ".join(rnd.choice(words) for _ in range(900000)).encode()
out = sys.argv[1]
per_layer = 40 << 20
for layer in range(5):
    root = os.path.join(out, "l%d" % layer)
    total = n = 0
    while total < per_layer:
        if layer and rnd.random() < 0.05:
            d = "d%02d/e%02d" % (rnd.randrange(40), rnd.randrange(20))
            name = "f%d_%d" % (rnd.randrange(layer), rnd.randrange(2000))
        else:
            d = "d%02d/e%02d" % (rnd.randrange(40), rnd.randrange(20))
            name = "f%d_%d" % (layer, n)
        size = min(int(rnd.expovariate(1 / 4096)) + 64, 16384)
        off = rnd.randrange(len(pool) - size)
        os.makedirs(os.path.join(root, d), exist_ok=True)
        with open(os.path.join(root, d, name), "wb") as f:
            f.write(pool[off:off + size])
        total += size
        n += 1
PY

# The OCI layout: blobs, manifest, config, index.json with a ref name.
lay=$tmp/layout
mkdir -p "$lay/blobs/sha256"
descs=() diff_ids=() layers=()
for i in 0 1 2 3 4; do
	tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@1700000000 -C "$tmp/src/l$i" -cf "$tmp/l$i.tar" .
	diff_ids+=("\"sha256:$(sha256sum "$tmp/l$i.tar" | cut -d' ' -f1)\"")
	gzip -n -6 "$tmp/l$i.tar"
	h=$(sha256sum "$tmp/l$i.tar.gz" | cut -d' ' -f1)
	mv "$tmp/l$i.tar.gz" "$lay/blobs/sha256/$h"
	layers+=("$lay/blobs/sha256/$h")
	descs+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$h\",\"size\":$(stat -c %s "$lay/blobs/sha256/$h")}")
done
rm -rf "$tmp/src"
config="{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[$(IFS=,; echo "${diff_ids[*]}")]}}"
ch=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)
printf '%s' "$config" >"$lay/blobs/sha256/$ch"
manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:$ch\",\"size\":${#config}},\"layers\":[$(IFS=,; echo "${descs[*]}")]}"
mh=$(printf '%s' "$manifest" | sha256sum | cut -d' ' -f1)
printf '%s' "$manifest" >"$lay/blobs/sha256/$mh"
echo '{"imageLayoutVersion":"1.0.0"}' >"$lay/oci-layout"
echo "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:$mh\",\"size\":${#manifest},\"annotations\":{\"org.opencontainers.image.ref.name\":\"bench\"}}]}" >"$lay/index.json"
tar -C "$lay" -cf "$tmp/image.tar" .
echo "image: 5 gzip layers, $(du -cm "${layers[@]}" | tail -n1 | cut -f1) MB compressed, archive $(du -m "$tmp/image.tar" | cut -f1) MB; unpacking into $tmp ($fs)"

now() { date +%s%N; }
t_berth() {
	local t0
	t0=$(now)
	"$BERTH" image unpack "$tmp/image.tar" "$tmp/out" >/dev/null
	echo $(($(now) - t0))
}
t_umoci() {
	local t0
	t0=$(now)
	"$UMOCI" unpack --image "$lay:bench" "$tmp/out" >/dev/null 2>&1
	echo $(($(now) - t0))
}
t_tar() {
	local t0 l
	t0=$(now)
	mkdir "$tmp/out"
	for l in "${layers[@]}"; do tar -xzf "$l" -C "$tmp/out"; done
	echo $(($(now) - t0))
}

b=() u=() g=()
for _ in $(seq "$runs"); do
	b+=("$(t_berth)"); rm -rf "$tmp/out"
	u+=("$(t_umoci)"); rm -rf "$tmp/out"
	g+=("$(t_tar)"); rm -rf "$tmp/out"
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
mb=$(median "${b[@]}") mu=$(median "${u[@]}") mt=$(median "${g[@]}")
awk -v b="$mb" -v u="$mu" -v t="$mt" -v n="$runs" 'BEGIN {
	printf "median of %d: berth image unpack %.3f s, umoci unpack %.3f s, tar -xzf %.3f s\n", n, b/1e9, u/1e9, t/1e9
	printf "berth/tar %.2f (target <= 1.3), umoci/berth %.2f (target >= 2)\n", b/t, u/b
}'

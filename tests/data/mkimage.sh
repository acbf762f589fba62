#!/usr/bin/env bash
# Build image archives for the image tests with GNU tar, gzip, sha256sum and jq.
#
# usage: mkimage.sh [--format oci|docker] [--corrupt digest|size] [--ref NAME] [--user U] [--zstd]
#                   OUT.tar KIND
#   KIND busybox: the busybox rootfs in 2 layers (gzip, then plain tar with a whiteout and an opaque dir)
#   KIND dotdot|abs|dotlink|hardlink|whsymlink|barewh|dirsymlink|bomb: a hostile image (hostile_layers)
#   KIND zeros64: one gzip layer holding 64 MiB of zeros (legitimate, but 1000:1)
#   KIND uid2p32|gid2p32|uidm1|neguid: an entry owned by uid 2^32, gid 2^32, uid 2^32-1, uid -1 (pax)
#   --corrupt digest  flip a byte in the last layer blob (size unchanged)
#   --corrupt size    announce the last layer one byte larger than it is
#   --corrupt diffid  a wrong rootfs.diff_ids entry for the last layer in the config
#   --user U          config.User;  --zstd: compress the last layer with zstd (OCI only)
#   --format docker-oci  the newer docker form: an OCI layout plus manifest.json pointing into blobs/
#   --nested          OCI: index.json -> a nested multi-platform index (arm64 absent, amd64, unknown/unknown)
#   --stop-signal S   config.StopSignal
#   --layer DIR       busybox: one more layer on top, DIR as it is (owners, modes, devices, xattrs);
#                     repeatable, applied in order
#   --layer-tar FILE  busybox: one more layer on top, FILE as it is (a tar made by hand); after --layer
#   --passwd fifo|dev|symlink|huge  busybox: a third layer making /etc/passwd a FIFO, a device node
#                     (1:5), a symlink to /tmp/berth-hostile/passwd, or a 5 MiB (sparse) file
set -euo pipefail

prog=${0##*/}
die() {
	echo "$prog: $*" >&2
	exit 1
}
format=oci corrupt= ref=busybox:test user= zstd=0 nested=0 stopsig= passwd= extra=() extra_tars=()
while [ $# -gt 0 ]; do
	case $1 in
	--format) format=$2; shift 2 ;;
	--corrupt) corrupt=$2; shift 2 ;;
	--ref) ref=$2; shift 2 ;;
	--user) user=$2; shift 2 ;;
	--zstd) zstd=1; shift ;;
	--nested) nested=1; shift ;;
	--stop-signal) stopsig=$2; shift 2 ;;
	--passwd) passwd=$2; shift 2 ;;
	--layer) extra+=("$(realpath "$2")"); shift 2 ;;
	--layer-tar) extra_tars+=("$(realpath "$2")"); shift 2 ;;
	-h | --help) sed -n '2,19s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) die "unknown flag $1" ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || die "usage: $prog [--format oci|docker] [--corrupt digest|size] OUT.tar KIND"
out=$(realpath -m "$1")
kind=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
layers=()
T=(tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@1700000000 -P)

busybox_layers() {
	"$here/mkbundle.sh" --berth "${BERTH:-berth}" "$work/b" >/dev/null 2>&1 ||
		"$here/mkbundle.sh" --berth runc "$work/b" >/dev/null
	local r=$work/b/rootfs
	mkdir -p "$r/opq" && echo old >"$r/opq/old" && echo gone >"$r/gone"
	"${T[@]}" -C "$r" -cf "$work/l1.tar" .
	gzip -n "$work/l1.tar"
	mkdir -p "$work/l2/opq" && echo new >"$work/l2/opq/new"
	: >"$work/l2/.wh.gone" && : >"$work/l2/opq/.wh..wh..opq"
	echo layer2 >"$work/l2/marker"
	# metadata that must survive: owner, setuid, file capability, fifo, device, hardlink, symlink
	local m=$work/l2/meta
	mkdir -p "$m" && echo s >"$m/suid" && chown 1000:1000 "$m/suid" && chmod 4755 "$m/suid"
	ln "$m/suid" "$m/hard" && ln -s suid "$m/sym" && mkfifo "$m/fifo" && mknod "$m/null" c 1 3
	cp "$r/bin/busybox" "$m/cap" && setcap cap_net_raw+ep "$m/cap"
	tar --numeric-owner --xattrs --xattrs-include='*' --sort=name --mtime=@1700000000 \
		-C "$work/l2" -cf "$work/l2.tar" .
	layers=("$work/l1.tar.gz" "$work/l2.tar")
	if [ "$zstd" = 1 ]; then
		zstd -q --rm "$work/l2.tar"
		layers=("$work/l1.tar.gz" "$work/l2.tar.zst")
	fi
	if [ -n "$passwd" ]; then
		local p=$work/l3
		mkdir -p "$p/etc"
		case $passwd in
		fifo) mkfifo "$p/etc/passwd" ;;
		dev) mknod "$p/etc/passwd" c 1 5 ;;
		symlink) ln -s /tmp/berth-hostile/passwd "$p/etc/passwd" ;;
		huge) truncate -s 5M "$p/etc/passwd" ;;
		*) die "unknown --passwd $passwd" ;;
		esac
		"${T[@]}" --sparse -C "$p" -cf "$work/l3.tar" etc/passwd
		layers+=("$work/l3.tar")
	fi
	local i=0 d
	for d in "${extra[@]}"; do
		i=$((i + 1))
		tar --numeric-owner --xattrs --xattrs-include='*' --sort=name --mtime=@1700000000 \
			-C "$d" -cf "$work/x$i.tar" .
		layers+=("$work/x$i.tar")
	done
	for d in "${extra_tars[@]}"; do
		i=$((i + 1))
		cp "$d" "$work/x$i.tar"
		layers+=("$work/x$i.tar")
	done
}

# One hostile layer (two for whsymlink); the host paths they aim at are under /tmp/berth-hostile.
hostile_layers() {
	local s=$work/s
	mkdir -p "$s"
	case $kind in
	dotdot)
		echo x >"$s/x"
		"${T[@]}" -C "$s" -cf "$work/h.tar" --transform 's,^x$,../../../../tmp/berth-hostile/x,' x ;;
	abs) echo x >"$s/x"; "${T[@]}" -C "$s" -cf "$work/h.tar" --transform 's,^x$,/tmp/berth-hostile/x,' x ;;
	dotlink)
		ln -s / "$s/dot"; mkdir -p "$s/tmp/berth-hostile"; echo x >"$s/tmp/berth-hostile/x"
		"${T[@]}" -C "$s" -cf "$work/h.tar" --transform 's,^dot$,.,' dot tmp ;;
	hardlink)
		echo a >"$s/a"; ln "$s/a" "$s/b"
		"${T[@]}" -C "$s" -cf "$work/h.tar" --transform 's,^a$,/etc/passwd,RSh' a b 2>/dev/null ;;
	whsymlink)
		ln -s /tmp/berth-hostile "$s/p"; "${T[@]}" -C "$s" -cf "$work/h0.tar" p
		mkdir "$s/q"; : >"$s/q/.wh.victim"
		"${T[@]}" -C "$s" -cf "$work/h.tar" --transform 's,^q,p,' q/.wh.victim
		layers=("$work/h0.tar") ;;
	barewh) : >"$s/.wh."; "${T[@]}" -C "$s" -cf "$work/h.tar" .wh. ;;
	dirsymlink)
		# layer 1: a directory; layer 2: the directory replaced by a symlink to the host, then written under
		mkdir "$s/d"; "${T[@]}" -C "$s" -cf "$work/h0.tar" d
		rmdir "$s/d"; ln -s /tmp/berth-hostile "$s/d"; mkdir "$s/e"; echo x >"$s/e/pwned"
		"${T[@]}" -C "$s" -cf "$work/h.tar" --transform 's,^e/,d/,' d e/pwned
		layers=("$work/h0.tar") ;;
	bomb | zeros64)
		# 128 MiB (64 MiB) of zeros, about 128 KiB (64 KiB) gzipped
		truncate -s "$([ "$kind" = bomb ] && echo 128M || echo 64M)" "$s/zeros"
		"${T[@]}" -C "$s" -cf - zeros | gzip -9 >"$work/h.tar.gz"
		layers=("$work/h.tar.gz"); return ;;
	uid2p32 | gid2p32 | uidm1 | neguid)
		local u=0 g=0
		case $kind in uid2p32) u=4294967296 ;; gid2p32) g=4294967296 ;; uidm1) u=4294967295 ;; neguid) u=-1 ;; esac
		# GNU tar refuses such owners: python's tarfile writes them as pax headers
		python3 -c 'import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT)
i = tarfile.TarInfo("x"); i.size = 2; i.uid = int(sys.argv[2]); i.gid = int(sys.argv[3]); i.mtime = 1700000000
t.addfile(i, io.BytesIO(b"x\n")); t.close()' "$work/h.tar" "$u" "$g" ;;
	*) die "unknown KIND $kind" ;;
	esac
	layers+=("$work/h.tar")
}

sha() { sha256sum "$1" | cut -d' ' -f1; }
# sha256 of the uncompressed layer
diffid() {
	case $1 in
	*.gz) gzip -dc "$1" | sha256sum | cut -d' ' -f1 ;;
	*.zst) zstd -dcq "$1" | sha256sum | cut -d' ' -f1 ;;
	*) sha "$1" ;;
	esac
}

if [ "$kind" = busybox ]; then busybox_layers; else hostile_layers; fi

o=$work/out
mkdir -p "$o/blobs/sha256"
diff_ids=() descs=() dlayers=()
n=${#layers[@]}
for i in "${!layers[@]}"; do
	l=${layers[$i]}
	diff_ids+=("sha256:$(diffid "$l")")
	mt=application/vnd.oci.image.layer.v1.tar
	case $l in *.gz) mt=$mt+gzip ;; *.zst) mt=$mt+zstd ;; esac
	if [ "$format" = docker-oci ]; then
		# docker 25+ stores each layer as an uncompressed blob named by its digest
		d=$(diffid "$l")
		case $l in
		*.gz) gzip -dc "$l" >"$o/blobs/sha256/$d" ;;
		*.zst) zstd -dcq "$l" >"$o/blobs/sha256/$d" ;;
		*) cp "$l" "$o/blobs/sha256/$d" ;;
		esac
		l=$o/blobs/sha256/$d mt=application/vnd.oci.image.layer.v1.tar
		dlayers+=("blobs/sha256/$d")
	fi
	if [ "$format" = docker ]; then
		# docker-archive layers are plain tars named by directory
		d=$(diffid "$l")
		mkdir -p "$o/$d"
		case $l in
		*.gz) gzip -dc "$l" >"$o/$d/layer.tar" ;;
		*.zst) zstd -dcq "$l" >"$o/$d/layer.tar" ;;
		*) cp "$l" "$o/$d/layer.tar" ;;
		esac
		descs+=("$d/layer.tar")
		continue
	fi
	h=$(sha "$l") size=$(stat -c %s "$l")
	[ -e "$o/blobs/sha256/$h" ] || cp "$l" "$o/blobs/sha256/$h"
	if [ $((i + 1)) -eq "$n" ]; then
		case $corrupt in
		digest) printf 'X' | dd of="$o/blobs/sha256/$h" bs=1 seek=$((size - 1)) conv=notrunc status=none ;;
		size) size=$((size + 1)) ;;
		esac
	fi
	descs+=("$(jq -nc --arg mt "$mt" --arg d "sha256:$h" --argjson s "$size" \
		'{mediaType: $mt, digest: $d, size: $s}')")
done

[ "$corrupt" != diffid ] || diff_ids[n - 1]=sha256:$(printf %064d 0)
config=$(jq -nc --arg user "$user" --arg sig "$stopsig" --args '{architecture: "amd64", os: "linux",
	config: ({Cmd: ["sh", "-c", "echo hello from image"], Env: ["PATH=/bin:/usr/bin", "IMG=1"],
		 WorkingDir: "/opq", Labels: {"org.test.label": "yes"}, User: $user}
		 + (if $sig == "" then {} else {StopSignal: $sig} end)),
	rootfs: {type: "layers", diff_ids: $ARGS.positional}}' "${diff_ids[@]}")
ch=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)

if [ "$format" = docker ]; then
	printf '%s' "$config" >"$o/$ch.json"
	jq -nc --arg c "$ch.json" --arg r "$ref" --args '[{Config: $c, RepoTags: [$r], Layers: $ARGS.positional}]' \
		"${descs[@]}" >"$o/manifest.json"
else
	printf '%s' "$config" >"$o/blobs/sha256/$ch"
	layers_json="[$(IFS=,; echo "${descs[*]}")]"
	manifest=$(jq -nc --arg c "sha256:$ch" --argjson cs "${#config}" --argjson l "$layers_json" \
		'{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
		  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
		  layers: $l}')
	mh=$(printf '%s' "$manifest" | sha256sum | cut -d' ' -f1)
	printf '%s' "$manifest" >"$o/blobs/sha256/$mh"
	echo '{"imageLayoutVersion": "1.0.0"}' >"$o/oci-layout"
	iref=$ref
	if [ "$format" = docker-oci ]; then
		# docker names the OCI entry by its tag alone; manifest.json carries the full RepoTag
		iref=${ref##*:}
		jq -nc --arg c "blobs/sha256/$ch" --arg r "$ref" --args \
			'[{Config: $c, RepoTags: [$r], Layers: $ARGS.positional}]' "${dlayers[@]}" >"$o/manifest.json"
	fi
	if [ "$nested" = 1 ]; then
		mt=application/vnd.oci.image.manifest.v1+json
		nidx=$(jq -nc --arg d "sha256:$mh" --argjson s "${#manifest}" --arg mt "$mt" --arg a "sha256:$(printf %064d 1)" \
			'{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [
			  {mediaType: $mt, digest: $a, size: 99, platform: {os: "linux", architecture: "arm64", variant: "v8"}},
			  {mediaType: $mt, digest: $d, size: $s, platform: {os: "linux", architecture: "amd64"}},
			  {mediaType: $mt, digest: $d, size: $s, platform: {os: "unknown", architecture: "unknown"}}]}')
		nh=$(printf '%s' "$nidx" | sha256sum | cut -d' ' -f1)
		printf '%s' "$nidx" >"$o/blobs/sha256/$nh"
		mh=$nh manifest=$nidx
	fi
	mt=application/vnd.oci.image.manifest.v1+json
	[ "$nested" = 0 ] || mt=application/vnd.oci.image.index.v1+json
	jq -nc --arg d "sha256:$mh" --argjson s "${#manifest}" --arg r "$iref" --arg mt "$mt" \
		'{schemaVersion: 2, manifests: [{mediaType: $mt,
		  digest: $d, size: $s, annotations: {"org.opencontainers.image.ref.name": $r}}]}' >"$o/index.json"
fi
tar --numeric-owner -C "$o" -cf "$out" .

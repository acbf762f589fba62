#!/usr/bin/env bash
# Build berth's libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined) and run them.
#
# usage: tests/fuzz/run.sh [--regress] [TARGET...]
#   (no flag)   run each target for FUZZ_SECONDS (default 60) from its corpus in tests/fuzz/corpus/TARGET;
#               new inputs go to BUILD/new/TARGET, crashing ones to BUILD/crash-* (add them to the corpus
#               once fixed)
#   --regress   run each target once over its committed corpus only (a few seconds)
# Targets: spec (config.json, spec_parse), image_json (index, manifests, docker manifest.json, image config,
# image.json), layer_entry (layer tar entries through the checks of layer.c and layer_path.c).
# BUILDDIR: a configured build tree (its config.h), default the source tree; objects go to BUILDDIR/tests/fuzz/build.
# The last line is "fuzz: N passed, N failed".
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
builddir=${BUILDDIR:-$top}
out=$builddir/tests/fuzz/build
cc=${FUZZ_CC:-clang}
mode=fuzz
targets=()
for a in "$@"; do
	case $a in
	--regress) mode=regress ;;
	-h | --help) sed -n '2,13s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) echo "run.sh: unknown flag $a" >&2; exit 2 ;;
	*) targets+=("$a") ;;
	esac
done
[ ${#targets[@]} -gt 0 ] || targets=(spec image_json layer_entry)

[ -f "$builddir/config.h" ] || { echo "fuzz: no $builddir/config.h: run ./configure first" >&2; exit 2; }
command -v "$cc" >/dev/null || { echo "fuzz: $cc not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }

core="runtime/error.c runtime/util.c runtime/log.c runtime/json.c"
spec_srcs="runtime/spec.c runtime/spec_json.c runtime/spec_mempolicy.c runtime/mempolicy.c runtime/spec_process.c runtime/spec_linux.c runtime/spec_default.c
	runtime/spec_sched.c runtime/mount_options.c runtime/spec_seccomp.c runtime/spec_resources.c
	seccomp/profile_default.c"
sources() {
	case $1 in
	spec) echo "$core $spec_srcs" ;;
	image_json) echo "$core $spec_srcs runtime/image_json.c runtime/image_record.c" ;;
	layer_entry) echo "$core rootfs/layer_path.c" ;;
	*) echo "fuzz: unknown target $1" >&2; return 1 ;;
	esac
}

pkgs="yajl libseccomp libcap libarchive nettle libmnl"
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
cflags="-std=gnu11 -Wall -Wextra -Wno-unused-parameter -g -O1 -fno-omit-frame-pointer $san -I$top -include $builddir/config.h $(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs) -lm"

# An object is rebuilt when its source or any header of the tree is newer.
newest_header=$(find "$top/runtime" "$top/rootfs" "$top/cgroup" "$top/seccomp" "$top/netns" -name '*.h' \
	-printf '%T@\n' | sort -n | tail -n 1)
compile() {
	local src=$1 obj=$2 flags=$3 t
	if [ -f "$obj" ]; then
		t=$(stat -c %Y "$obj")
		if [ "$t" -ge "$(stat -c %Y "$top/$src")" ] && [ "$t" -ge "${newest_header%.*}" ] &&
			[ "$t" -ge "$(stat -c %Y "$builddir/config.h")" ]; then
			return 0
		fi
	fi
	mkdir -p "$(dirname "$obj")"
	# shellcheck disable=SC2086
	"$cc" $cflags $flags -c -o "$obj" "$top/$src"
}

build() {
	local t=$1 objs=() s
	for s in $(sources "$t"); do
		compile "$s" "$out/obj/${s%.c}.o" -fsanitize=fuzzer-no-link || return 1
		objs+=("$out/obj/${s%.c}.o")
	done
	compile "tests/fuzz/fuzz_$t.c" "$out/obj/fuzz_$t.o" -fsanitize=fuzzer || return 1
	# shellcheck disable=SC2086
	"$cc" $san -fsanitize=fuzzer -o "$out/fuzz_$t" "$out/obj/fuzz_$t.o" "${objs[@]}" $libs
}

passed=0 failed=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for t in "${targets[@]}"; do
	corpus=$top/tests/fuzz/corpus/$t
	if ! build "$t"; then
		echo "fuzz: $t: build failed"
		failed=$((failed + 1))
		continue
	fi
	log=$out/$t.log
	if [ "$mode" = regress ]; then
		# every input of the corpus once
		set -- "$corpus"
	else
		mkdir -p "$out/new/$t"
		set -- -max_total_time="${FUZZ_SECONDS:-60}" "$out/new/$t" "$corpus"
	fi
	if "$out/fuzz_$t" -runs=$([ "$mode" = regress ] && echo 0 || echo -1) -artifact_prefix="$out/crash-$t-" \
		-max_len=65536 -timeout=10 "$@" >"$log" 2>&1; then
		echo "fuzz: $t: ok ($(grep -c . "$log" >/dev/null && grep -Eo '#[0-9]+' "$log" | tail -n 1 || echo 0) runs)"
		passed=$((passed + 1))
	else
		echo "fuzz: $t: FAILED, see $log"
		grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$log" | head -n 5
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

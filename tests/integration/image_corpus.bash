# Shared by the image bats files: a corpus of layers whose merged tree tools disagree on when they get
# it wrong, and a listing of that tree from inside a container. Needs MKIMAGE and BERTH.

# The tree under / as seen from inside a container: type, mode, owner, and for files links, size and
# md5, for symlinks the target (directory mtimes, sizes and link counts differ between filesystems).
TREE='cd / && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev \) -prune -o -print | sort |
while read -r p; do
	t=$(stat -c "%F %a %u:%g" "$p") x=
	case $t in
	regular*) x="$(stat -c "%h %s" "$p") $(md5sum <"$p" | cut -d" " -f1)" ;;
	symbolic*) x=$(readlink "$p") ;;
	directory*) ;;
	*) x=$(stat -c %h "$p") ;;
	esac
	echo "$p $t $x"
done'

# Layers that write through lower symlinks (usr-merge), hardlink lower files, white out under a
# symlinked directory and make a directory opaque: one layer as a tree, one tar made by hand.
mk_corpus() {
	local x=$BATS_TEST_TMPDIR/x1
	mkdir -p "$x/usr/lib" "$x/usr/sbin2" "$x/data" "$x/odir" "$x/usr/wd"
	echo a >"$x/usr/lib/a" && chmod 775 "$x/usr/lib" && chown 7:7 "$x/usr/lib"
	ln -s usr/lib "$x/lib2" && ln -s usr/sbin2 "$x/sbin2" && ln -s /usr/lib "$x/abs"
	echo old >"$x/usr/sbin2/old" && echo shared >"$x/data/f1"
	echo 1 >"$x/odir/keep1" && echo 2 >"$x/odir/keep2"
	echo v >"$x/usr/wd/victim" && echo s >"$x/usr/wd/stay" && ln -s usr/wd "$x/wdir"
	chmod 755 "$x"
	python3 -c 'import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT)
def add(name, kind=tarfile.REGTYPE, data=b"", link=""):
    i = tarfile.TarInfo(name); i.type = kind; i.mtime = 1700000000; i.mode = 0o644
    i.size = len(data) if kind == tarfile.REGTYPE else 0; i.linkname = link
    t.addfile(i, io.BytesIO(data) if i.size else None)
add("lib2/hello", data=b"hello\n")
add("lib2/deep/er/file", data=b"deep\n")
add("sbin2/new", data=b"new\n")
add("data/f2", tarfile.LNKTYPE, link="data/f1")
add("h1", data=b"h\n")
add("h2", tarfile.LNKTYPE, link="h1")
add("wdir/.wh.victim")
add("odir/.wh..wh..opq")
add("odir/new", data=b"n\n")
add("abs/x", data=b"x\n")
t.close()' "$BATS_TEST_TMPDIR/x2.tar"
	BERTH=$BERTH "$MKIMAGE" --layer "$x" --layer-tar "$BATS_TEST_TMPDIR/x2.tar" --ref corpus:test \
		"$BATS_TEST_TMPDIR/c.tar" busybox >/dev/null
}

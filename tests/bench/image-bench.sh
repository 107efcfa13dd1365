#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# image-bench.sh: squashfs image roots: `cell run` of /bin/true on an image with a tmpfs upper, built whole
# and detached and built in parts with mount(2) (kernels before 6.15; forced here), against the same done
# by hand as cosmk does (losetup + mount squashfs + tmpfs + overlay + runc run + umounts), and
# `cell snapshot` of a ~200 MB root against plain mksquashfs. A benchmark, never part of the tests.
# Usage (root): tests/bench/image-bench.sh [--cell PATH] [--runs N]
set -eu
SRCDIR=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
CELL=$SRCDIR/build/cell
RUNS=30
while [ $# -gt 0 ]; do
  case $1 in
    --cell) CELL=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    *) echo "usage: $0 [--cell PATH] [--runs N]" >&2; exit 2 ;;
  esac
done
for t in hyperfine runc mksquashfs jq busybox; do
  command -v $t >/dev/null || { echo "$0: needs $t (apt-get install hyperfine runc squashfs-tools jq busybox-static)" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "$0: run as root" >&2; exit 1; }

T=$(mktemp -d /tmp/cell-image-bench.XXXXXX)
trap 'umount -R "$T/m" 2>/dev/null || true; rm -rf "$T"' EXIT
mkdir -p "$T/rootfs/bin" "$T/rootfs"/{proc,sys,dev,tmp,etc} "$T/b" "$T/m"
cp "$(command -v busybox)" "$T/rootfs/bin/busybox"
for a in sh true; do ln -s busybox "$T/rootfs/bin/$a"; done
mksquashfs "$T/rootfs" "$T/b/root.sqfs" -noappend -quiet -no-progress >/dev/null
(cd "$T/b" && "$CELL" spec)
jq '.ociVersion = "1.0.0" | .process.terminal = false | .process.args = ["/bin/true"] | .root.path = "root.sqfs"
    | .root.readonly = false' "$T/b/config.json" >"$T/b/c" && mv "$T/b/c" "$T/b/config.json"
mkdir -p "$T/h"
jq --arg m "$T/m/merged" '.root.path = $m' "$T/b/config.json" >"$T/h/config.json"

cat >"$T/by-hand.sh" <<EOF
#!/bin/sh
# what cosmk does around runc
set -e
mkdir -p $T/m/lower $T/m/tmp $T/m/merged
mount -t squashfs -o loop,ro $T/b/root.sqfs $T/m/lower
mount -t tmpfs tmpfs $T/m/tmp
mkdir $T/m/tmp/upper $T/m/tmp/work
mount -t overlay overlay -o lowerdir=$T/m/lower,upperdir=$T/m/tmp/upper,workdir=$T/m/tmp/work $T/m/merged
runc --root $T/runc run --bundle $T/h hand-\$\$ >/dev/null
umount $T/m/merged; umount $T/m/tmp; umount $T/m/lower
EOF
chmod +x "$T/by-hand.sh"

echo "=== run /bin/true on a squashfs root with a tmpfs upper ($RUNS runs) ==="
hyperfine -N --warmup 3 --runs "$RUNS" \
  -n cell "$CELL --root $T/cell run --bundle $T/b img" \
  -n "cell, mount(2) way" "env CELL_IMAGE_MOUNT2=1 $CELL --root $T/cell run --bundle $T/b img" \
  -n "by hand + runc" "$T/by-hand.sh"

echo
echo "=== snapshot of a ~200 MB root ==="
mkdir -p "$T/big"
# about 200 MB of real files (libraries compress like a typical root)
(cd /usr && find lib share -type f -links 1 -printf '%s\t%p\n' 2>/dev/null \
  | awk -F '\t' '$1 < 20e6 {t += $1; print $2; if (t > 200e6) exit}' \
  | tar -cf - --no-recursion --verbatim-files-from -T - | tar -C "$T/big" -xf -)
echo "root size: $(du -s --apparent-size --block-size=1M "$T/big" | cut -f1) MB in $(find "$T/big" -type f | wc -l) files"
mksquashfs "$T/big" "$T/big.sqfs" -noappend -quiet -no-progress >/dev/null
mkdir -p "$T/bb"
jq '.root.path = "big.sqfs" | .annotations["run.cell.rootfs.upper"] = "upper"' "$T/b/config.json" >"$T/bb/config.json"
mv "$T/big.sqfs" "$T/bb/big.sqfs"
hyperfine -N --runs 3 \
  -n "cell snapshot --bundle" "$CELL snapshot --bundle $T/bb $T/snap.sqfs" \
  -n "mksquashfs (zstd)" "mksquashfs $T/big $T/plain.sqfs -noappend -comp zstd -quiet -no-progress"

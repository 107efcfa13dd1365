#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# snapshot.sh: `cell snapshot` keeps file metadata (modes, owners, hard links, sparse files, device nodes,
# symlinks, user/trusted xattrs) of the image and of the upper, for a running container and --bundle offline.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
if ! command -v mksquashfs >/dev/null || ! command -v unsquashfs >/dev/null; then
  echo "1..0 # SKIP squashfs-tools is not installed"
  exit 0
fi
tap_plan 40
T=$CELL_TEST_TMP

# xattr_set PATH NAME VALUE / xattrs PATH: the host's side of xattrs, without the attr package
xattr_set() { python3 -c 'import os, sys; os.setxattr(sys.argv[1], sys.argv[2], sys.argv[3].encode(), follow_symlinks=False)' "$@"; }
xattrs() { # all of PATH's xattrs as sorted name=value words, or the error
  python3 -c 'import os, sys
try: print(" ".join(n + "=" + os.getxattr(sys.argv[1], n, follow_symlinks=False).decode()
                    for n in sorted(os.listxattr(sys.argv[1], follow_symlinks=False))))
except OSError as e: print(e.strerror)' "$1"
}
links() { # A B: the link count when A and B are one inode, else "not linked"
  [ -n "$(stat -c %i "$1" 2>/dev/null)" ] && [ "$(stat -c %i "$1")" = "$(stat -c %i "$2" 2>/dev/null)" ] \
    && stat -c %h "$1" || echo "not linked"
}
sparse() { # PATH: its size and whether under 1 MiB of it is allocated
  stat -c '%s %b' "$1" 2>/dev/null | { read -r s b && echo "$s $((b * 512 < 1048576))"; }
}
listing() { unsquashfs -lln "$1" 2>/dev/null | sed -E 's/ +/ /g; s/, /,/'; } # "c... 0/0 1,5 DATE NAME"
# the image's entries, identical in a snapshot: all but directories in full (mode, owner, size or device
# numbers, date, link target), directories by mode, owner and name (their size and date follow the upper)
entries() { listing "$1" | awk '/^d/ { print $1, $2, $NF; next } { print }' | sort; }
missing() { comm -23 <(entries "$1") <(entries "$2"); } # ORIGINAL SNAPSHOT: entries lost or changed

# the image: a busybox rootfs plus metadata of every kind
B=$(make_bundle snapshot)
R=$B/rootfs
echo suid >"$R/suid" && chown 1234:5678 "$R/suid" && chmod 4751 "$R/suid"
echo linked >"$R/h1" && ln "$R/h1" "$R/h2"
truncate -s 64M "$R/sparse" && printf tail | dd of="$R/sparse" bs=1 seek=33554432 conv=notrunc 2>/dev/null
mknod "$R/cdev" c 1 7 && mknod "$R/bdev" b 7 200 && ln -s /no/where "$R/sym"
echo x >"$R/xa" && xattr_set "$R/xa" user.cell lower && xattr_set "$R/xa" trusted.cell t
xattr_set "$R/etc" user.dir d
mksquashfs "$R" "$B/root.sqfs" -noappend -quiet -no-progress >/dev/null
rm -rf "$R"
bundle_set "$B" '.root.path = "root.sqfs" | .root.readonly = false
  | .process.capabilities |= with_entries(.value += ["CAP_CHOWN", "CAP_FOWNER", "CAP_MKNOD", "CAP_SYS_ADMIN"])'

# what the container adds in its upper: P is a name prefix, the log of cell-helper goes to /P.log
setup='p=$1
echo up >/${p}1 && ln /${p}1 /${p}2 && chown 4321:8765 /${p}1 && chmod 4750 /${p}1
busybox truncate -s 16M /${p}sparse && printf end | dd of=/${p}sparse bs=1 seek=8388608 conv=notrunc 2>/dev/null
dd if=/dev/zero of=/${p}dd bs=1 count=1 seek=4194303 2>/dev/null
mknod /${p}cdev c 1 5 && mknod /${p}bdev b 7 201 && ln -s ${p}1 /${p}sym && echo n >/etc/${p}new && touch /${p}x
{ cell-helper xattr-set /xa user.cell "$p"; cell-helper xattr-set /${p}x user.new "$p"
  cell-helper xattr-set /${p}x trusted.new t; } >/${p}.log 2>&1'

# checks shared by both snapshots: IMAGE X-DIR PREFIX WHAT
check_extracted() {
  local x=$2 p=$3
  tap_is "$(cat "$x/$p.log" 2>&1 | tr '\n' ' ')" "xattr-set=ok xattr-set=ok xattr-set=ok " "$4: the container set its xattrs"
  tap_is "$(xattrs "$x/xa") | $(xattrs "$x/${p}x") | $(xattrs "$x/etc")" \
    "trusted.cell=t user.cell=$p | trusted.new=t user.new=$p | user.dir=d" \
    "$4: xattrs kept: user.* and trusted.* of the image, of a copied-up file and of the upper"
  tap_is "$(links "$x/h1" "$x/h2") $(links "$x/${p}1" "$x/${p}2")" "2 2" "$4: hard links stay hard links (image and upper)"
  tap_is "$(sparse "$x/sparse") | $(sparse "$x/${p}sparse") | $(sparse "$x/${p}dd")" \
    "67108864 1 | 16777216 1 | 4194304 1" "$4: sparse files stay sparse (image, truncate and dd in the upper)"
  tap_is "$(tail -c +33554433 "$x/sparse" 2>&1 | head -c 4) $(tail -c +8388609 "$x/${p}sparse" 2>&1 | head -c 3)" \
    "tail end" "$4: ... with their data where it was"
}

# 1. a running container (tmpfs upper)
bundle_set "$B" '.process.args = ["sh", "-c", $s + "\ntouch /ready; exec sleep 100", "sh", "live"]' --arg s "$setup"
cellr run --detach --bundle "$B" snap-$$ </dev/null >/dev/null 2>&1
pid=$(cellr state snap-$$ 2>/dev/null | jq -r .pid)
for _ in $(seq 100); do [ -e "/proc/$pid/root/ready" ] && break; sleep 0.1; done
cellr snapshot snap-$$ "$T/live.sqfs"
tap_is "$?" 0 "snapshot ID writes an image of a running container"
tap_is "$(missing "$B/root.sqfs" "$T/live.sqfs")" "" \
  "the image's entries keep mode, owner, size, device numbers, date and link target"
L=$(listing "$T/live.sqfs")
tap_like "$L" "^-rwsr-x--- 4321/8765 3 [-0-9]+ [0-9:]+ squashfs-root/live1$" "the upper's chown and chmod (setuid) are kept"
tap_like "$L" "^crw-r--r-- 0/0 1,5 [-0-9]+ [0-9:]+ squashfs-root/livecdev$" "the upper's char device keeps its numbers"
tap_like "$L" "^brw-r--r-- 0/0 7,201 [-0-9]+ [0-9:]+ squashfs-root/livebdev$" "the upper's block device keeps its numbers"
tap_like "$L" " squashfs-root/livesym -> live1$" "the upper's symlink keeps its target"
tap_like "$L" "^-rw-r--r-- 0/0 16777216 [-0-9]+ [0-9:]+ squashfs-root/livesparse$" "the upper's sparse file keeps its size"
unsquashfs -d "$T/x1" "$T/live.sqfs" >/dev/null 2>&1
tap_result $? "unsquashfs extracts it"
check_extracted "$T/live.sqfs" "$T/x1" live "live"

# 1b. the same container paused (frozen through its cgroup: `cell pause` comes later)
freeze() { # PID 1|0: the v1 freezer, else cgroup v2's cgroup.freeze
  local p d=/sys/fs/cgroup
  p=$(awk -F: '$2 == "freezer" {print $3}' "/proc/$1/cgroup")
  if [ -n "$p" ] && [ -e "$d/freezer$p/freezer.state" ]; then
    if [ "$2" = 1 ]; then echo FROZEN; else echo THAWED; fi >"$d/freezer$p/freezer.state"
  else
    [ -d "$d/unified" ] && d=$d/unified
    echo "$2" >"$d$(awk -F: '$1 == "0" {print $3}' "/proc/$1/cgroup")/cgroup.freeze"
  fi
}
freeze "$pid" 1
st=$(cellr state snap-$$ | jq -r .status)
cellr snapshot snap-$$ "$T/paused.sqfs"
tap_is "$?:$st" "0:paused" "snapshot ID of a paused container"
tap_like "$(listing "$T/paused.sqfs")" " squashfs-root/live1$" "... holds its writes"
freeze "$pid" 0
cellr delete --force snap-$$

# 1c. a created container (its root set up, its process not started)
bundle_set "$B" '.process.args = ["sh", "-c", "exit 0"]'
cellr create --bundle "$B" created-$$ </dev/null >/dev/null 2>&1
cellr snapshot created-$$ "$T/created.sqfs"
tap_is "$?:$(cellr state created-$$ | jq -r .status)" "0:created" "snapshot ID of a created container, which stays created"
tap_is "$(missing "$B/root.sqfs" "$T/created.sqfs")" "" "... holding the image's entries"
cellr delete --force created-$$

# 2. offline, a bundle whose persistent upper an earlier container wrote
bundle_set "$B" '.annotations["run.cell.rootfs.upper"] = "upper"'
run_in "$B" sh -c "$setup" sh off >/dev/null
tap_is "$?" 0 "a container writes its metadata into the persistent upper"
cellr snapshot --bundle "$B" "$T/offline.sqfs"
tap_is "$?" 0 "snapshot --bundle writes an image of the image plus the upper"
tap_is "$(missing "$B/root.sqfs" "$T/offline.sqfs")" "" "--bundle: the image's entries are unchanged"
O=$(listing "$T/offline.sqfs")
tap_like "$O" "^-rwsr-x--- 4321/8765 3 [-0-9]+ [0-9:]+ squashfs-root/off1$" "--bundle: the upper's chown and chmod are kept"
tap_like "$O" "^brw-r--r-- 0/0 7,201 [-0-9]+ [0-9:]+ squashfs-root/offbdev$" "--bundle: the upper's device nodes are kept"
unsquashfs -d "$T/x2" "$T/offline.sqfs" >/dev/null 2>&1
tap_result $? "unsquashfs extracts it"
check_extracted "$T/offline.sqfs" "$T/x2" off "--bundle"

# 2b. compression: zstd by default when mksquashfs has it, else its own default; --compression picks;
# a compressor it lacks, or no mksquashfs at all, is a one-line error before anything is attached
comp() { unsquashfs -s "$1" 2>/dev/null | sed -n 's/^Compression //p'; }
tap_is "$(comp "$T/live.sqfs") $(comp "$T/offline.sqfs")" "zstd zstd" "snapshots are zstd by default"
cellr snapshot --compression xz --bundle "$B" "$T/xz.sqfs"
tap_is "$?:$(comp "$T/xz.sqfs")" "0:xz" "--compression xz"
with_mksquashfs() { # FILE CMD...: CMD with FILE bound over /usr/bin/mksquashfs (a private mount namespace)
  unshare -m --propagation private sh -c 'mount --bind "$1" /usr/bin/mksquashfs || exit 99; shift; exec "$@"' sh "$@"
}
cp "$(command -v mksquashfs)" "$T/real-mksquashfs"
# a mksquashfs built without zstd
printf '#!/bin/sh\nif [ "$1" = -help ]; then printf "Compressors available:\\n\\tgzip (default)\\n\\txz\\n"; exit 0; fi\necho "$@" >"%s/no-zstd.args"\nexec "%s/real-mksquashfs" "$@"\n' "$T" "$T" >"$T/no-zstd"
chmod 755 "$T/no-zstd"
with_mksquashfs "$T/no-zstd" "$CELL" --root "$CELL_TEST_ROOT" snapshot --bundle "$B" "$T/gz.sqfs" </dev/null
tap_is "$?:$(comp "$T/gz.sqfs"):$(grep -c -- -comp "$T/no-zstd.args")" "0:gzip:0" \
  "without zstd in mksquashfs, its default (gzip)"
out=$(with_mksquashfs "$T/no-zstd" "$CELL" --root "$CELL_TEST_ROOT" snapshot --compression zstd --bundle "$B" "$T/z.sqfs" </dev/null 2>&1)
tap_like "$?:$out" "^1:cell: snapshot: --compression \`zstd\`: /usr/bin/mksquashfs offers gzip xz $" \
  "--compression of a compressor mksquashfs lacks: one line naming what it offers"
out=$(with_mksquashfs /dev/null "$CELL" --root "$CELL_TEST_ROOT" snapshot --bundle "$B" "$T/none.sqfs" </dev/null 2>&1)
tap_like "$?:$out" "^1:cell: snapshot: mksquashfs not found \(install the Debian package squashfs-tools\)$" \
  "no mksquashfs: one line naming the Debian package"
ls "$T"/z.sqfs* "$T"/none.sqfs* >/dev/null 2>&1
tap_result $(($? == 0)) "... and neither leaves a file"

# on a terminal (stderr) mksquashfs's progress bar shows there and stdout stays clean; otherwise nothing
if command -v script >/dev/null; then
  out=$(script -qec "stty cols 80 rows 24; $CELL --root $CELL_TEST_ROOT snapshot --bundle $B $T/tty.sqfs >$T/tty.stdout" /dev/null </dev/null | tr '\r' '\n')
  tap_like "$out" "\] [0-9]+/[0-9]+ +100%$" "on a terminal mksquashfs's progress bar shows"
  tap_is "$(wc -c <"$T/tty.stdout")" 0 "... on stderr: stdout stays clean"
  tap_is "$(cellr snapshot --bundle "$B" "$T/notty.sqfs" </dev/null 2>&1)" "" "... and without a terminal nothing is printed"
else
  tap_skip 3 "script(1) is not installed"
fi

# 3. nothing left behind
# (by path: tests running in parallel mount and unmount things of their own)
tap_is "$(host_mounts_matching "$CELL_TEST_TMP"; host_mounts_matching "$CELL_TEST_ROOT")" "" \
  "nothing stays mounted in the host's mount namespace"
ls "$T"/*.sqfs.tmp* >/dev/null 2>&1
tap_result $(($? == 0)) "no temporary file is left beside the images"
tap_result "$(state_empty; echo $?)" "no container state is left"

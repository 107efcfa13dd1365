#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# image.sh: squashfs image roots (tmpfs or persistent upper, read-only), snapshots, the cosmk-style
# session on an image, and bad images; never a host mount, never a leftover loop device.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
if ! command -v mksquashfs >/dev/null || ! command -v unsquashfs >/dev/null; then
  echo "1..0 # SKIP squashfs-tools is not installed"
  exit 0
fi
tap_plan 90

B=$(make_bundle image)
mksquashfs "$B/rootfs" "$B/root.sqfs" -noappend -quiet -no-progress >/dev/null
rm -rf "$B/rootfs"
bundle_set "$B" '.root.path = "root.sqfs" | .root.readonly = false'
# Only what this script made counts: other tests (image-mount2.sh among them) attach and mount in parallel.
our_loops() { # loop devices backed by files of this test, as their major:minor
  local l
  for l in /sys/block/loop*; do
    case "$(cat "$l/loop/backing_file" 2>/dev/null)" in "$CELL_TEST_TMP"/*) cat "$l/dev" ;; esac
  done
}
our_mounts() { # host mountinfo lines on this test's paths or from its loop devices
  awk -v t="$CELL_TEST_TMP" -v d=" $(our_loops | tr '\n' ' ') " 'index($0, t) || index(d, " " $3 " ")' /proc/self/mountinfo | wc -l
}
loops_before=$(our_loops | wc -l)
mounts_before=$(our_mounts)

loops_settled() { # the kernel drops autoclear loop devices asynchronously
  for _ in $(seq 100); do [ "$(our_loops | wc -l)" -eq "$loops_before" ] && return 0; sleep 0.1; done
  return 1
}

out=$(run_in "$B" sh -c 'echo session1 > /written && cat /written && cell-helper mountinfo')
tap_like "$out" "^session1$" "a squashfs root with a tmpfs upper is writable"
tap_like "$out" " / / [^ ]+ - overlay " "the root is an overlay"
out=$(run_in "$B" sh -c 'cat /written 2>&1; true')
tap_like "$out" "No such file" "the tmpfs upper is gone with the container"
loops_settled
tap_result $? "no loop device is left after the containers are gone"
tap_is "$(our_mounts)" "$mounts_before" "nothing was mounted in the host's mount namespace"

run_in "$B" sh -c 'exit 7'
tap_is "$?" 7 "a non-zero exit inside reaches the caller"

bundle_set "$B" '.root.readonly = true'
out=$(run_in "$B" cell-helper write /x y)
tap_is "$out" "write=EROFS" "root.readonly: the image itself is the root, read-only"

# persistent upper (annotation), a second container sees the first one's writes
bundle_set "$B" '.root.readonly = false | .annotations["run.cell.rootfs.upper"] = "upper"'
run_in "$B" sh -c 'echo persisted > /data' >/dev/null
tap_is "$(cat "$B/upper/data" 2>/dev/null)" persisted "the persistent upper holds the container's writes"
tap_is "$(run_in "$B" cat /data)" persisted "a later container on the same image and upper sees them"
tap_result "$([ -d "$B/upper.work" ]; echo $?)" "the work dir is created beside the upper"

# snapshots: offline from the bundle, and of a live container
cellr snapshot --bundle "$B" "$CELL_TEST_TMP/offline.sqfs"
tap_is "$?" 0 "snapshot --bundle writes an image"
tap_like "$(unsquashfs -lls "$CELL_TEST_TMP/offline.sqfs" 2>/dev/null)" "/data$" "... holding lower plus upper"
bundle_set "$B" 'del(.annotations["run.cell.rootfs.upper"]) | .process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] | .process.capabilities.permitted += ["CAP_MKNOD"] | .process.args = ["sh", "-c", "echo live > /live; mknod /dev-copy c 1 3; sleep 100"]'
cellr run --detach --bundle "$B" snap-$$ </dev/null
sleep 0.5
cellr snapshot snap-$$ "$CELL_TEST_TMP/live.sqfs"
tap_is "$?" 0 "snapshot ID writes an image of a running container"
listing=$(unsquashfs -lln "$CELL_TEST_TMP/live.sqfs" 2>/dev/null)
tap_like "$listing" "/live$" "... with the container's writes"
tap_result "$(grep -Eq ' squashfs-root/proc/[0-9]' <<<"$listing"; echo $(( $? == 0 )))" "... and nothing of /proc or other mounts"
tap_like "$listing" "^c[rw-]{9} 0/0 +1, +3 .*/dev-copy" "... device nodes and ownership preserved"
cellr delete --force snap-$$
ls "$CELL_TEST_TMP"/live.sqfs.tmp* >/dev/null 2>&1
tap_result $(( $? == 0 )) "no temporary file is left beside the image"

# a second session, read-only, on the snapshot
cp "$CELL_TEST_TMP/live.sqfs" "$B/root.sqfs"
bundle_set "$B" '.root.readonly = true'
tap_is "$(run_in "$B" cat /live)" live "a session on the snapshot image reads the first session's files"

# image and overlay mounts listed in `mounts`
mkdir -p "$CELL_TEST_TMP/vol" "$CELL_TEST_TMP"/ol/{l1,l2,u,w}
echo in-volume >"$CELL_TEST_TMP/vol/f"
echo one >"$CELL_TEST_TMP/ol/l1/a"
echo two >"$CELL_TEST_TMP/ol/l2/b"
mksquashfs "$CELL_TEST_TMP/vol" "$CELL_TEST_TMP/vol.sqfs" -noappend -quiet -no-progress >/dev/null
B2=$(make_bundle image-mounts)
bundle_set "$B2" '.mounts += [{"destination": "/mnt/img", "type": "squashfs", "source": ($t + "/vol.sqfs")},
  {"destination": "/mnt/ov", "type": "overlay", "source": "overlay",
   "options": [("lowerdir=" + $t + "/ol/l1:" + $t + "/ol/l2"), ("upperdir=" + $t + "/ol/u"), ("workdir=" + $t + "/ol/w")]}]' \
  --arg t "$CELL_TEST_TMP"
out=$(run_in "$B2" sh -c 'cat /mnt/img/f /mnt/ov/a /mnt/ov/b; echo up > /mnt/ov/c')
tap_is "$(echo $out)" "in-volume one two" "a squashfs mount (loop device by cell) and an overlay of two lowers"
tap_is "$(cat "$CELL_TEST_TMP/ol/u/c" 2>/dev/null)" up "the overlay's writes land in its upperdir"

# cosmk as a drop-in runc: the SDK mounts squashfs + tmpfs + overlay itself and runs cell on the merged
# dir. cell's part (the mounts and the loop device are the SDK's and the kernel's): the process's writes
# land in the SDK's upper (cell runs on that root, not a copy), `cell snapshot` of the live container holds
# them, and once the container is deleted the SDK unmounts its root at once (cell holds nothing of it).
S=$CELL_TEST_TMP/sdk
mkdir -p "$S"/{lower,tmp,merged}
mksquashfs "$(make_bundle sdk-src)/rootfs" "$S/root.sqfs" -noappend -quiet -no-progress >/dev/null
mount -t squashfs -o loop,ro "$S/root.sqfs" "$S/lower" && mount -t tmpfs tmpfs "$S/tmp" \
  && mkdir "$S/tmp/upper" "$S/tmp/work" \
  && mount -t overlay overlay -o "lowerdir=$S/lower,upperdir=$S/tmp/upper,workdir=$S/tmp/work" "$S/merged"
on_exit "umount '$S/merged'; umount '$S/tmp'; umount '$S/lower'"
B3=$(make_bundle sdk)
bundle_set "$B3" '.root.path = $m | .process.args = ["sh", "-c", "echo built > /artifact; sleep 100"]' --arg m "$S/merged"
cellr run --detach --bundle "$B3" sdk-$$ </dev/null
for _ in $(seq 50); do [ -e "$S/tmp/upper/artifact" ] && break; sleep 0.1; done
tap_is "$(cat "$S/tmp/upper/artifact" 2>/dev/null)" built "drop-in: the container's writes land in the SDK's own upper"
cellr snapshot sdk-$$ "$CELL_TEST_TMP/sdk-snap.sqfs"
tap_like "$(unsquashfs -lls "$CELL_TEST_TMP/sdk-snap.sqfs" 2>/dev/null)" "/artifact$" \
  "drop-in: cell snapshot of the live container holds the session's files"
cellr delete --force sdk-$$
umount "$S/merged"
tap_is "$?" 0 "drop-in: once the container is deleted the SDK unmounts its root at once"
umount "$S/tmp" && umount "$S/lower"

# bad images: clear error, nothing left
printf 'hsqs but not really' >"$B/root.sqfs"
truncate -s 200 "$B/root.sqfs"
out=$(cellr create --bundle "$B" bad-$$ 2>&1)
tap_like "$out" "^cell: image \`.*root.sqfs\`: " "a corrupt image is a one-line error naming the file"
loops_settled
tap_result $(( $? != 0 || $(state_entries "$CELL_TEST_ROOT" | wc -l) != 0 )) "nothing is left behind (state, loop device)"

# a truncated image (valid superblock, cut short)
cp "$CELL_TEST_TMP/live.sqfs" "$B/root.sqfs"
truncate -s 4096 "$B/root.sqfs"
out=$(cellr create --bundle "$B" trunc-$$ 2>&1)
tap_like "$out" "^cell: image \`.*root.sqfs\`: truncated" "a truncated image is refused, naming the file and the cause"

# the runtime killed mid-create (in a prestart hook, image attached): delete --force cleans up
cp "$CELL_TEST_TMP/live.sqfs" "$B/root.sqfs"
bundle_set "$B" '.root.readonly = false | .process.args = ["true"] | .hooks = {"prestart": [{"path": "/bin/sleep", "args": ["sleep", "10"]}]}'
"$CELL" --root "$CELL_TEST_ROOT" create --bundle "$B" killed-$$ </dev/null >/dev/null 2>&1 &
cp=$!
# the hook is the runtime's own child: found and killed by pid, never by name (other tests sleep too)
hook=
for _ in $(seq 50); do hook=$(pgrep -P $cp -x sleep) && break; sleep 0.1; done
kill -9 $cp
wait $cp 2>/dev/null
[ -n "$hook" ] && kill "$hook"
cellr delete --force killed-$$
tap_is "$?" 0 "delete --force after the runtime was killed mid-create"
loops_settled
tap_result $? "... releases the loop device"
tap_result "$(state_empty; echo $?)" "... and leaves no state"

# refused upper dirs, checked before anything is attached: none is created, no loop device, no state
bundle_set "$B" 'del(.hooks) | .root.readonly = false'
refused() { # ANNOTATION-VALUE PATTERN DESCRIPTION
  local out rc
  bundle_set "$B" '.annotations["run.cell.rootfs.upper"] = $u' --arg u "$1"
  out=$(cellr run --bundle "$B" up-$$ </dev/null 2>&1)
  rc=$?
  tap_like "$out" "$2" "$3"
  [ "$rc" = 1 ] && loops_settled && state_empty && [ ! -e "$1" ] && [ "$(our_mounts)" -eq "$mounts_before" ]
  tap_result $? "... exit 1 and nothing left behind (upper dir, loop device, state, mount)"
}
O=$CELL_TEST_TMP/ovl-upper
mkdir -p "$O"/{l,u,w,m} "$CELL_TEST_TMP/sq"
loops_base=$(our_loops | wc -l)
mount -t overlay overlay -o "lowerdir=$O/l,upperdir=$O/u,workdir=$O/w" "$O/m"
mount -t squashfs -o loop,ro "$B/root.sqfs" "$CELL_TEST_TMP/sq"
on_exit "umount '$O/m'; umount '$CELL_TEST_TMP/sq'"
mounts_before=$(our_mounts)
loops_before=$(our_loops | wc -l)
refused "$O/m/upper" "^cell: image \`.*root.sqfs\`: upper dir \`$O/m/upper\`: .* is on an overlay filesystem" \
  "an upper on an overlay filesystem is refused, naming it"
refused "$CELL_TEST_TMP/sq/upper" "^cell: image .*: upper dir \`$CELL_TEST_TMP/sq/upper\`: .* is on a read-only filesystem" \
  "an upper inside a mounted lower (read-only squashfs) is refused"
umount "$O/m" "$CELL_TEST_TMP/sq"
mounts_before=$(our_mounts)
# the lower's autoclear loop device goes once the kernel gets to it: wait for that, not for a while
loops_before=$loops_base
loops_settled

# an overlay mount whose upperdir lies inside its lowerdir
bundle_set "$B2" '.mounts[-1].options = [("lowerdir=" + $t + "/ol/l1"), ("upperdir=" + $t + "/ol/l1/up"), ("workdir=" + $t + "/ol/w")]' \
  --arg t "$CELL_TEST_TMP"
mkdir -p "$CELL_TEST_TMP/ol/l1/up"
out=$(cellr run --bundle "$B2" ov-$$ </dev/null 2>&1)
tap_is "$?" 1 "an overlay mount with its upperdir inside its lowerdir fails"
tap_like "$out" "^cell: \`overlay\` on \`/mnt/ov\`: upperdir \`.*/ol/l1/up\` and lowerdir \`.*/ol/l1\` overlap$" "... with a one-line error naming both"
loops_settled && state_empty
tap_result $? "... and nothing left behind"

# relative layers are relative to the bundle; with an image root, host paths beside the image stay reachable
mkdir -p "$B/ol"/{l,u,w} "$B/vol"
echo lower >"$B/ol/l/f"
echo beside >"$B/vol/g"
bundle_set "$B" 'del(.annotations) | .mounts += [{"destination": "/mnt/ov", "type": "overlay", "source": "overlay",
  "options": ["lowerdir=ol/l", "upperdir=ol/u", "workdir=ol/w"]}, {"destination": "/mnt/vol", "type": "bind", "source": "vol", "options": ["bind"]}]'
tap_is "$(run_in "$B" sh -c 'cat /mnt/ov/f /mnt/vol/g; echo new > /mnt/ov/n' | tr '\n' ' ')" "lower beside " \
  "image root: an overlay with bundle-relative layers and a bind from beside the image"
tap_is "$(cat "$B/ol/u/n" 2>/dev/null)" new "... the overlay's writes land in the bundle's upper"
bundle_set "$B" 'del(.mounts[-1]) | del(.mounts[-1])'

# direct I/O on the loop device when the image's filesystem allows it (else buffered, silently)
bundle_set "$B" '.process.args = ["sleep", "30"]'
cellr run --detach --bundle "$B" dio-$$ </dev/null
want=0
dd if="$B/root.sqfs" of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null && want=1
dio=
for l in /sys/block/loop*/loop; do
  [ "$(cat "$l/backing_file" 2>/dev/null)" = "$B/root.sqfs" ] && dio=$(cat "$l/dio")
done
tap_is "$dio" "$want" "the image's loop device uses direct I/O when its filesystem supports it"
cellr delete --force dio-$$

# an image a loop device cannot hold (not a whole number of sectors)
mksquashfs "$CELL_TEST_TMP/vol" "$B/root.sqfs" -nopad -noappend -quiet -no-progress >/dev/null
truncate -s +1 "$B/root.sqfs"
out=$(cellr run --bundle "$B" nopad-$$ </dev/null 2>&1)
tap_like "$out" "^cell: image \`.*root.sqfs\`: its [0-9]+ bytes are not a whole number of 512-byte sectors" \
  "an unpadded image is refused with the reason"

# no loop device to be had: a /dev without loop nodes, then without /dev/loop-control
cp "$CELL_TEST_TMP/live.sqfs" "$B/root.sqfs"
bundle_set "$B" '.process.args = ["true"]'
nodev() { # run cell in a private mount namespace whose /dev is a tmpfs with basic nodes (+ loop-control when $1)
  unshare -m --propagation private sh -c 'mount -t tmpfs tmpfs /dev || exit 99
    mknod -m 666 /dev/null c 1 3; mknod -m 666 /dev/zero c 1 5; mknod -m 666 /dev/full c 1 7
    mknod -m 666 /dev/random c 1 8; mknod -m 666 /dev/urandom c 1 9; mknod -m 666 /dev/tty c 5 0
    [ "$1" = 1 ] && mknod -m 600 /dev/loop-control c 10 237
    shift; exec "$@" </dev/null' sh "$1" "$CELL" --root "$CELL_TEST_ROOT" run --bundle "$B" noloop-$$ 2>&1
}
out=$(nodev 1)
tap_like "$out" "^cell: image \`.*root.sqfs\`: no free loop device: \`/dev/loop[0-9]+\` has no node in /dev$" \
  "no loop device node: a one-line error"
out=$(nodev 0)
tap_like "$out" "^cell: image \`.*root.sqfs\`: no free loop device: open \`/dev/loop-control\`: No such file or directory$" \
  "no /dev/loop-control: a one-line error"
loops_settled && state_empty
tap_result $? "... and nothing left behind"

# snapshots keep metadata: modes, owners, hard links, sparse files, device nodes, symlinks, xattrs, from the
# image and from the upper alike (compared with unsquashfs -lln, then checked on an extracted copy)
M=$CELL_TEST_TMP/meta
mkdir -p "$M"
cp -a "$_ROOTFS_TEMPLATE" "$M/rootfs" 2>/dev/null || cp -a "$(make_bundle meta-src)/rootfs" "$M/rootfs"
R=$M/rootfs
echo suid >"$R/suid" && chown 1234:5678 "$R/suid" && chmod 4751 "$R/suid"
echo linked >"$R/h1" && ln "$R/h1" "$R/h2"
truncate -s 64M "$R/sparse" && printf tail | dd of="$R/sparse" bs=1 seek=33554432 conv=notrunc 2>/dev/null
mknod "$R/cdev" c 1 7 && mknod "$R/bdev" b 7 200 && ln -s /no/where "$R/sym"
python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.cell", b"lower"); os.setxattr(sys.argv[1], "trusted.cell", b"t")' "$R/h1"
BM=$(make_bundle meta)
mksquashfs "$R" "$BM/root.sqfs" -noappend -quiet -no-progress >/dev/null
rm -rf "$BM/rootfs"
bundle_set "$BM" '.root.path = "root.sqfs" | .annotations["run.cell.rootfs.upper"] = "upper"
  | .process.capabilities.bounding += ["CAP_CHOWN", "CAP_FOWNER"] | .process.capabilities.effective += ["CAP_CHOWN", "CAP_FOWNER"]
  | .process.capabilities.permitted += ["CAP_CHOWN", "CAP_FOWNER"]'
run_in "$BM" sh -c 'echo up > /u1 && ln /u1 /u2 && chown 4321:8765 /u1 && chmod 4750 /u1 &&
  dd if=/dev/zero of=/usparse bs=1 count=1 seek=16777215 2>/dev/null && ln -s u1 /usym && chmod 4750 /u1' >/dev/null
cellr snapshot --bundle "$BM" "$M/snap.sqfs"
tap_is "$?" 0 "snapshot --bundle of an image with metadata in its lower and upper"
lls() { # the entries of interest, without their dates
  unsquashfs -lln "$1" 2>/dev/null | grep -E ' squashfs-root/(suid|h1|h2|sparse|cdev|bdev|sym|u1|u2|usparse|usym)( |$)' \
    | sed -E 's/ [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} / /; s/ +/ /g' | sort
}
want=$(lls "$BM/root.sqfs")
got=$(lls "$M/snap.sqfs")
tap_is "$(grep -vE '/(u1|u2|usparse|usym)' <<<"$got")" "$want" "... the image's entries keep mode, owner, size, device numbers and link targets"
tap_like "$got" "^-rwsr-x--- 4321/8765 3 squashfs-root/u1$" "... the upper's chown and chmod (setuid) are kept"
unsquashfs -d "$M/x" "$M/snap.sqfs" >/dev/null 2>&1
tap_is "$(stat -c '%h %i' "$M/x/h1" "$M/x/h2" "$M/x/u1" "$M/x/u2" 2>&1 | uniq -c | awk '{print $1, $2}' | tr '\n' ' ')" "2 2 2 2 " \
  "... hard links stay hard links (image and upper)"
tap_result "$(( $(stat -c %b "$M/x/sparse" || echo 99999) * 512 > 1048576 || $(stat -c %b "$M/x/usparse" || echo 99999) * 512 > 1048576 ))" \
  "... sparse files stay sparse (64 MiB and 16 MiB apparent, under 1 MiB allocated)"
tap_is "$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.cell").decode(), os.getxattr(sys.argv[1], "trusted.cell").decode())' "$M/x/h1" 2>&1)" \
  "lower t" "... xattrs (user.* and trusted.*) are kept"

# SIGINT during a snapshot: mksquashfs stops, neither the image nor its temporary file is left
head -c 150M /dev/urandom >"$BM/upper/noise"
"$CELL" --root "$CELL_TEST_ROOT" snapshot --compression xz --bundle "$BM" "$M/int.sqfs" </dev/null >/dev/null 2>"$M/int.err" &
sp=$!
for _ in $(seq 50); do ls "$M"/int.sqfs.tmp.* >/dev/null 2>&1 && break; sleep 0.1; done
sleep 0.3
kill -INT $sp
wait $sp
tap_like "$?:$(cat "$M/int.err")" "^1:cell: snapshot .*int.sqfs.: interrupted$" "SIGINT stops a snapshot with a one-line error"
ls "$M"/int.sqfs* >/dev/null 2>&1
tap_result $(( $? == 0 )) "... and leaves neither the image nor a temporary file"

# How the root is built: whole, as one detached mount (new mount API, Linux 6.15 for the overlay), or in
# parts with mount(2) by a helper inside the container's mount namespace (older kernels; CELL_IMAGE_MOUNT2
# forces it: image-mount2.sh runs this whole script so). The same checks hold either way.
BW=$(make_bundle image-way)
chmod 0711 "$BW/rootfs"
mksquashfs "$BW/rootfs" "$BW/root.sqfs" -noappend -quiet -no-progress >/dev/null
rm -rf "$BW/rootfs"
bundle_set "$BW" '.root.path = "root.sqfs" | .annotations["run.cell.rootfs.size"] = "8m"
  | .process.args = ["sh", "-c", "cell-helper mountinfo; stat -c mode=%a:%u:%g /; df -k / | tail -1"]'
dbg=$(cellr --debug run --bundle "$BW" way-$$ </dev/null 2>&1)
IFS=. read -r kmaj kmin _ <<<"$(uname -r)"
if [ -n "$CELL_IMAGE_MOUNT2" ] || [ "$kmaj" -lt 6 ] || { [ "$kmaj" -eq 6 ] && [ "$kmin" -lt 15 ]; }; then
  tap_like "$dbg" "building the image root with mount\(2\) inside the mount namespace that uses it" \
    "the root is built in parts with mount(2) (CELL_IMAGE_MOUNT2 or a kernel before 6.15)"
  tap_like "$dbg" " / / [^ ]+ - overlay overlay [^ ]*lowerdir=/proc/self/fd/[0-9]+,upperdir=/proc/self/fd/" \
    "... seen from inside: an overlay on layers attached in the container's namespace"
else
  tap_result "$(grep -q 'with mount(2)' <<<"$dbg"; echo $(( $? == 0 )))" "the root is not built with mount(2) (Linux 6.15+)"
  # layers handed over as detached mounts (fsconfig FSCONFIG_SET_FD): each shows as its own root, not a path
  tap_like "$dbg" " / / [^ ]+ - overlay overlay [^ ]*lowerdir\+=/,upperdir=/upper,workdir=/work" \
    "... seen from inside: an overlay on detached layers, built whole"
fi
dbg2=$(cellr --debug snapshot --bundle "$BM" "$M/way.sqfs" 2>&1)
tap_is "$(grep -c 'image root with mount(2)' <<<"$dbg2")" "$(grep -c 'image root with mount(2)' <<<"$dbg")" \
  "snapshot --bundle builds the root the same way"
tap_result "$(unsquashfs -lls "$M/way.sqfs" 2>/dev/null | grep -q '/u1$' && ! ls -d "$M"/way.sqfs.* 2>/dev/null | grep -q .; echo $?)" \
  "... the image holds the upper's files, and no temporary file or directory is left"
tap_like "$dbg" "^mode=711:0:0$" "the tmpfs upper takes the image root's mode and owner"
tap_like "$dbg" "^overlay +8192 " "the tmpfs upper has the annotated size (8m)"

# while the container runs, the host sees neither its root nor the image's loop device mounted
bundle_set "$BW" '.process.args = ["sleep", "30"]'
cellr run --detach --bundle "$BW" way-$$ </dev/null
lo=
for l in /sys/block/loop*; do
  [ "$(cat "$l/loop/backing_file" 2>/dev/null)" = "$BW/root.sqfs" ] && lo=$(cat "$l/dev")
done
tap_result "$([ -n "$lo" ] && ! awk -v d="$lo" '$3 == d' /proc/self/mountinfo | grep -q . \
  && ! host_mounts_matching "$CELL_TEST_ROOT/" | grep -q .; echo $?)" \
  "a running container's image root and loop device ($lo) are not in the host's mountinfo"
cellr delete --force way-$$

# a user namespace: init's mount namespace belongs to it; the image root is built there all the same
bundle_set "$BW" '.linux.namespaces += [{"type": "user"}]
  | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .process.args = ["sh", "-c", "head -1 /proc/self/uid_map; echo u > /tmp/w && cat /tmp/w; cell-helper mountinfo"]'
out=$(cellr run --bundle "$BW" userns-$$ </dev/null 2>&1)
tap_like "$(tr -s ' \t' ' ' <<<"$out")" "^ ?0 100000 65536$" "user namespace on an image root: the uid map is in place"
tap_like "$out" "^u$" "... the overlay takes the container's writes"
tap_like "$out" " / / [^ ]+ - overlay " "... and the root is the image's overlay"

# a failure after the root was built (no such executable) leaves nothing behind
bundle_set "$BW" 'del(.linux.uidMappings, .linux.gidMappings) | .linux.namespaces -= [{"type": "user"}]
  | .process.args = ["/no/such/program"]'
out=$(cellr run --bundle "$BW" noexec-$$ </dev/null 2>&1)
tap_like "$?:$out" "^1:cell: .*/no/such/program" "a missing executable on an image root fails with one line"
loops_settled && state_empty && ! host_mounts_matching "$CELL_TEST_ROOT/" | grep -q .
tap_result $? "... and leaves no loop device, state or mount"

# LOOP_CONFIGURE refused (as before Linux 5.8): LOOP_SET_FD and LOOP_SET_STATUS64 give the same read-only
# device that clears itself
bundle_set "$BW" '.process.args = ["sleep", "30"]'
# (to a file: the detached container keeps its stdio, which would hold a $(...) open until it exits)
"$CELL_HELPER" fail-ioctl 0x4C0A EINVAL "$CELL" --debug --root "$CELL_TEST_ROOT" run --detach --bundle "$BW" setfd-$$ \
  </dev/null >"$CELL_TEST_TMP/setfd.log" 2>&1
dbg=$(cat "$CELL_TEST_TMP/setfd.log")
tap_like "$dbg" "LOOP_CONFIGURE: Invalid argument; LOOP_SET_FD and LOOP_SET_STATUS64 instead" \
  "without LOOP_CONFIGURE the image is attached with LOOP_SET_FD"
flags=
for l in /sys/block/loop*; do
  [ "$(cat "$l/loop/backing_file" 2>/dev/null)" = "$BW/root.sqfs" ] && flags="ro=$(cat "$l/ro") autoclear=$(cat "$l/loop/autoclear")"
done
tap_is "$flags" "ro=1 autoclear=1" "... read-only and autoclear, as with LOOP_CONFIGURE"
cellr delete --force setfd-$$
loops_settled
tap_result $? "... and the device goes away with the container"

# many containers at once race for LOOP_CTL_GET_FREE's answer: the losers ask again (4 rounds of 8)
bundle_set "$BW" '.process.args = ["true"]'
fails=0
retries=0
for round in 1 2 3 4; do
  for i in 1 2 3 4 5 6 7 8; do
    ("$CELL" --debug --root "$CELL_TEST_ROOT" run --bundle "$BW" race-$$-$round-$i </dev/null >"$CELL_TEST_TMP/race.$i" 2>&1
     echo "rc=$?" >>"$CELL_TEST_TMP/race.$i") &
  done
  wait
  fails=$((fails + $(grep -L '^rc=0$' "$CELL_TEST_TMP"/race.* | wc -l)))
  retries=$((retries + $(cat "$CELL_TEST_TMP"/race.* | grep -c 'taken by another attacher; asking for another')))
done
tap_is "$fails" 0 "32 containers on one image, 8 at a time: every one gets a loop device ($retries lost races retried)"
loops_settled && state_empty
tap_result $? "... and none is left behind"

# one loop device per image, shared by reference: containers on the same unchanged image mount the device
# the first one attached (one squashfs superblock and page cache); the last one gone clears it
image_devs() { # loop devices backed by the file $1, as loopN
  local l
  for l in /sys/block/loop*; do [ "$(cat "$l/loop/backing_file" 2>/dev/null)" = "$1" ] && echo "${l##*/}"; done
}
bundle_set "$BW" '.process.args = ["sleep", "60"]'
for i in 1 2 3; do cellr run --detach --bundle "$BW" share-$$-$i </dev/null >/dev/null 2>&1; done
dev=$(image_devs "$BW/root.sqfs")
tap_is "$(wc -w <<<"$dev")" 1 "three containers on one image share one loop device"
tap_is "$(cat "/sys/block/$dev/ro" "/sys/block/$dev/loop/autoclear" 2>&1 | tr '\n' ' ')" "1 1 " \
  "... read-only and autoclear, as a device of its own"
cellr delete --force share-$$-1
tap_is "$(cellr exec share-$$-2 cat /etc/passwd 2>&1)" "root:x:0:0:root:/root:/bin/sh" \
  "the first one gone, the others still read their root from the shared device"
cellr run --detach --bundle "$BW" share-$$-4 </dev/null >/dev/null 2>&1
devs=$(image_devs "$BW/root.sqfs")
tap_result "$([ "$(wc -w <<<"$devs")" = 1 ] && [ "$devs" = "$dev" ]; echo $?)" \
  "a container started after the first one left shares the same device"
# the runtime killed mid-create (a prestart hook) while it holds the shared device: nothing leaks
bundle_set "$BW" '.hooks = {"prestart": [{"path": "/bin/sleep", "args": ["sleep", "30"]}]}'
"$CELL" --root "$CELL_TEST_ROOT" create --bundle "$BW" share-$$-killed </dev/null >/dev/null 2>&1 &
cp=$!
hook=
for _ in $(seq 50); do hook=$(pgrep -P $cp -x sleep) && break; sleep 0.1; done
kill -9 $cp
wait $cp 2>/dev/null
[ -n "$hook" ] && kill -9 $hook
cellr delete --force share-$$-killed
devs=$(image_devs "$BW/root.sqfs")
tap_result "$([ -n "$hook" ] && [ "$(wc -w <<<"$devs")" = 1 ] && [ "$devs" = "$dev" ]; echo $?)" \
  "the runtime killed mid-create on a shared device: delete --force, and the others keep the device"
bundle_set "$BW" 'del(.hooks)'
# the image rewritten in place (same file, new bytes): a new container gets a device of its own and sees the
# new image; the running ones keep theirs
mkdir -p "$CELL_TEST_TMP/share-src/bin"
cp "$BUSYBOX" "$CELL_TEST_TMP/share-src/bin/busybox"
ln -s busybox "$CELL_TEST_TMP/share-src/bin/sh"
ln -s busybox "$CELL_TEST_TMP/share-src/bin/cat"
echo rewritten >"$CELL_TEST_TMP/share-src/marker"
mksquashfs "$CELL_TEST_TMP/share-src" "$CELL_TEST_TMP/share-new.sqfs" -noappend -quiet -no-progress >/dev/null
cp "$BW/root.sqfs" "$CELL_TEST_TMP/share-old.sqfs"
ino=$(stat -c %i "$BW/root.sqfs")
cat "$CELL_TEST_TMP/share-new.sqfs" >"$BW/root.sqfs"
bundle_set "$BW" '.process.args = ["sh", "-c", "cat /marker; sleep 60"]'
cellr run --detach --bundle "$BW" share-$$-5 </dev/null >"$CELL_TEST_TMP/share5.out" 2>&1
sleep 0.3
devs=$(image_devs "$BW/root.sqfs" | sort | tr '\n' ' ')
tap_result "$([ "$(stat -c %i "$BW/root.sqfs")" = "$ino" ] && [ "$(wc -w <<<"$devs")" = 2 ] \
  && grep -qx rewritten "$CELL_TEST_TMP/share5.out"; echo $?)" \
  "an image rewritten in place is not shared with the old bytes: a second device, the new content ($devs)"
cellr delete --force share-$$-5
cat "$CELL_TEST_TMP/share-old.sqfs" >"$BW/root.sqfs"
# a read-only, autoclear loop device on the image that cell did not attach (mount -o loop) is never shared
bundle_set "$BW" '.process.args = ["sleep", "60"]'
cellr delete --force share-$$-2
cellr delete --force share-$$-3
cellr delete --force share-$$-4
loops_settled
mkdir -p "$CELL_TEST_TMP/share-mnt"
mount -t squashfs -o loop,ro "$BW/root.sqfs" "$CELL_TEST_TMP/share-mnt"
on_exit "umount '$CELL_TEST_TMP/share-mnt'"
other=$(image_devs "$BW/root.sqfs")
cellr run --detach --bundle "$BW" share-$$-6 </dev/null >/dev/null 2>&1
devs=$(image_devs "$BW/root.sqfs" | tr '\n' ' ')
tap_result "$([ "$(wc -w <<<"$other")" = 1 ] && [ "$(cat "/sys/block/$other/loop/autoclear")" = 1 ] \
  && [ "$(wc -w <<<"$devs")" = 2 ]; echo $?)" \
  "a read-only autoclear device that cell did not attach (mount -o loop, $other) is not shared ($devs)"
umount "$CELL_TEST_TMP/share-mnt"
cellr delete --force share-$$-6
loops_settled && state_empty
tap_result $? "every container on the shared device gone: the device is cleared, no state is left"

# an image is known by its magic, not its name; a file that is not one, or no file, is a one-line error
cp "$BW/root.sqfs" "$BW/root-image.bin"
printf 'just text\n' >"$BW/notes.sqfs"
bundle_set "$BW" '.root.path = "root-image.bin" | .process.args = ["cat", "/proc/self/mountinfo"]'
tap_like "$(cellr run --bundle "$BW" magic-$$ </dev/null 2>&1)" " / / [^ ]+ - overlay " "an image named root-image.bin is an image root"
for p in notes.sqfs missing.sqfs; do
  bundle_set "$BW" '.root.path = $p' --arg p "$p"
  out=$(cellr run --bundle "$BW" bad-$$ </dev/null 2>&1)
  rc=$?
  tap_like "$rc:$out" "^1:cell: invalid rootfs \`$BW/$p\`: (neither a directory nor a squashfs image|No such file or directory)$" \
    "root.path $p (not an image / missing): exit 1, one line naming the file"
  loops_settled && state_empty
  tap_result $? "... and nothing left behind"
done

# joining a namespace by path (init is cloned plainly and unshares its mount namespace itself)
bundle_set "$BW" '.root.path = "root.sqfs" | .process.args = ["sleep", "30"]'
cellr run --detach --bundle "$BW" join-a-$$ </dev/null >/dev/null 2>&1
apid=$(cellr state join-a-$$ | jq -r .pid)
bundle_set "$BW" '.linux.namespaces = [.linux.namespaces[] | if .type == "network" then .path = $p else . end]
  | .process.args = ["sh", "-c", "cell-helper ns; cell-helper mountinfo"]' --arg p "/proc/$apid/ns/net"
out=$(cellr run --bundle "$BW" join-b-$$ </dev/null 2>&1)
tap_is "$(grep '^net=' <<<"$out")" "net=$(stat -L -c %i "/proc/$apid/ns/net" 2>/dev/null)" \
  "an image-root container joins another's network namespace by path"
tap_like "$out" " / / [^ ]+ - overlay " "... on its own image root"
cellr delete --force join-a-$$

# overlay layers whose names hold `:` and `,`, escaped as overlayfs wants (`\:`, `\,`); relative ones
# are relative to the bundle
mkdir -p "$BW/esc/l:1" "$BW/esc/l,2" "$BW/esc/u" "$BW/esc/w"
echo colon >"$BW/esc/l:1/c"
echo comma >"$BW/esc/l,2/d"
bundle_set "$BW" '.linux.namespaces = [.linux.namespaces[] | del(.path)]
  | .mounts += [{"destination": "/mnt/esc", "type": "overlay", "source": "overlay",
   "options": ["lowerdir=esc/l\\:1:esc/l\\,2", "upperdir=esc/u", "workdir=esc/w"]}]
  | .process.args = ["sh", "-c", "cat /mnt/esc/c /mnt/esc/d && echo new > /mnt/esc/n"]'
tap_is "$(cellr run --bundle "$BW" esc-$$ </dev/null 2>&1 | tr '\n' ' ')" "colon comma " \
  "an overlay mount on layers named with escaped \`:\` and \`,\`"
tap_is "$(cat "$BW/esc/u/n" 2>/dev/null)" new "... writing to its (bundle-relative) upper"

# no fd of the runtime (loop device, layers, the root's fd) reaches the container's process
bundle_set "$BW" '.mounts |= map(select(.destination != "/mnt/esc")) | .annotations["run.cell.rootfs.upper"] = "upper"
  | .process.args = ["cell-helper", "fds"]'
out=$(cellr run --bundle "$BW" fds-$$ </dev/null 2>&1)
tap_is "$(sed -n 's/^fd=\([0-9]*\) .*/\1/p' <<<"$out" | tr '\n' ' ')" "0 1 2 " \
  "an image-root container's process starts with only fds 0, 1, 2"

# a `squashfs` mount whose source is no image is refused before any loop device is attached
bundle_set "$BW" '.mounts += [{"destination": "/mnt/img", "type": "squashfs", "source": ($b + "/notes.sqfs")}]
  | .process.args = ["true"]' --arg b "$BW"
out=$(cellr run --bundle "$BW" notimg-$$ </dev/null 2>&1)
tap_like "$?:$out" "^1:cell: image \`$BW/notes.sqfs\` on \`/mnt/img\`: not a squashfs image$" \
  "a squashfs mount of a file that is no image: exit 1, one line"
loops_settled && state_empty && [ "$(our_mounts)" -eq "$mounts_before" ]
tap_result $? "... and nothing left behind"

# snapshot --bundle checks the image as create does: a truncated one is a one-line error, nothing attached
head -c 4096 "$BW/root.sqfs" >"$BW/cut.sqfs"
bundle_set "$BW" '.root.path = "cut.sqfs" | .mounts |= map(select(.destination != "/mnt/img"))'
out=$(cellr snapshot --bundle "$BW" "$CELL_TEST_TMP/cut-snap.sqfs" </dev/null 2>&1)
tap_like "$?:$out" "^1:cell: image \`$BW/cut.sqfs\`: truncated: superblock says [0-9]+ bytes, file has 4096$" \
  "snapshot --bundle of a truncated image: exit 1, one line naming the cause"
loops_settled && [ ! -e "$CELL_TEST_TMP/cut-snap.sqfs" ]
tap_result $? "... and nothing attached or written"

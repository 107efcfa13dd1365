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
tap_plan 30

B=$(make_bundle image)
mksquashfs "$B/rootfs" "$B/root.sqfs" -noappend -quiet -no-progress >/dev/null
rm -rf "$B/rootfs"
bundle_set "$B" '.root.path = "root.sqfs" | .root.readonly = false'
loops_before=$(losetup -a | wc -l)
mounts_before=$(grep -c . /proc/self/mountinfo)

loops_settled() { # the kernel drops autoclear loop devices asynchronously
  for _ in $(seq 30); do [ "$(losetup -a | wc -l)" -eq "$loops_before" ] && return 0; sleep 0.1; done
  return 1
}

out=$(run_in "$B" sh -c 'echo session1 > /written && cat /written && cell-helper mountinfo')
tap_like "$out" "^session1$" "a squashfs root with a tmpfs upper is writable"
tap_like "$out" " / / [^ ]+ - overlay " "the root is an overlay"
out=$(run_in "$B" sh -c 'cat /written 2>&1; true')
tap_like "$out" "No such file" "the tmpfs upper is gone with the container"
loops_settled
tap_result $? "no loop device is left after the containers are gone"
tap_is "$(grep -c . /proc/self/mountinfo)" "$mounts_before" "nothing was mounted in the host's mount namespace"

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

# cosmk as a drop-in runc: the SDK mounts squashfs + tmpfs + overlay itself and runs cell in it
S=$CELL_TEST_TMP/sdk
mkdir -p "$S"/{lower,tmp,merged}
mksquashfs "$(make_bundle sdk-src)/rootfs" "$S/root.sqfs" -noappend -quiet -no-progress >/dev/null
mount -t squashfs -o loop,ro "$S/root.sqfs" "$S/lower" && mount -t tmpfs tmpfs "$S/tmp" \
  && mkdir "$S/tmp/upper" "$S/tmp/work" \
  && mount -t overlay overlay -o "lowerdir=$S/lower,upperdir=$S/tmp/upper,workdir=$S/tmp/work" "$S/merged"
on_exit "umount '$S/merged'; umount '$S/tmp'; umount '$S/lower'"
B3=$(make_bundle sdk)
bundle_set "$B3" '.root.path = $m' --arg m "$S/merged"
run_in "$B3" sh -c 'echo built > /artifact' >/dev/null
tap_is "$(run_in "$B3" cat /artifact)" built "drop-in: a second run in the SDK's session sees the first one's files"
run_in "$B3" sh -c 'exit 3'
tap_is "$?" 3 "drop-in: the exit status reaches the SDK"
mksquashfs "$S/merged" "$CELL_TEST_TMP/sdk-snap.sqfs" -noappend -quiet -no-progress >/dev/null
tap_like "$(unsquashfs -lls "$CELL_TEST_TMP/sdk-snap.sqfs" 2>/dev/null)" "/artifact$" "drop-in: the SDK's own snapshot holds the session's files"
umount "$S/merged" && umount "$S/tmp" && umount "$S/lower"
loops_settled
tap_result $? "drop-in: no loop device is left once the SDK unmounts"

# bad images: clear error, nothing left
printf 'hsqs but not really' >"$B/root.sqfs"
truncate -s 200 "$B/root.sqfs"
out=$(cellr create --bundle "$B" bad-$$ 2>&1)
tap_like "$out" "^cell: image \`.*root.sqfs\`: " "a corrupt image is a one-line error naming the file"
loops_settled
tap_result $(( $? != 0 || $(ls -A "$CELL_TEST_ROOT" | wc -l) != 0 )) "nothing is left behind (state, loop device)"

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
for _ in $(seq 50); do pgrep -f "sleep 10" >/dev/null && break; sleep 0.1; done
kill -9 $cp
wait $cp 2>/dev/null
pkill -f "^sleep 10$"
cellr delete --force killed-$$
tap_is "$?" 0 "delete --force after the runtime was killed mid-create"
loops_settled
tap_result $? "... releases the loop device"
tap_result "$(state_empty; echo $?)" "... and leaves no state"

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
tap_plan 20

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

# bad images: clear error, nothing left
printf 'hsqs but not really' >"$B/root.sqfs"
truncate -s 200 "$B/root.sqfs"
out=$(cellr create --bundle "$B" bad-$$ 2>&1)
tap_like "$out" "^cell: image \`.*root.sqfs\`: " "a corrupt image is a one-line error naming the file"
loops_settled
tap_result $(( $? != 0 || $(ls -A "$CELL_TEST_ROOT" | wc -l) != 0 )) "nothing is left behind (state, loop device)"

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# namespaces.sh: namespaces as clients ask for them: user namespaces through create + start (root mapped to
# a non-root host uid, podman's 0:100000:65536), namespaces joined by path under load (the setup protocol),
# no mount namespace (the runtime's mount table, a chroot) and a mount namespace joined by path.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 19

_make_rootfs_template
# The mapped root must be able to reach the rootfs: mktemp made the test dir 0700.
chmod 755 "$CELL_TEST_TMP"
mkdir -p "$CELL_TEST_TMP/bundles" && chmod 755 "$CELL_TEST_TMP/bundles"
ID=ns-$$

line() { printf '%s\n' "$1" | grep -E "^$2=" | head -1; }
wait_stopped() {
  for _ in $(seq 50); do [ "$(cellr state "$1" 2>/dev/null | jq -r .status)" = stopped ] && return 0; sleep 0.1; done
  return 1
}

# ---- user namespaces through create + start (init waits for start inside the user namespace)
# userns_create_start NAME UIDMAP-JSON: create (output into a file), start, wait; prints "create,start:" and
# what the process printed
userns_create_start() {
  local b=$CELL_TEST_TMP/bundles/$1
  bundle_set "$b" '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = $m | .linux.gidMappings = $m
    | .process.args = ["sh", "-c", "cat /proc/self/uid_map; cell-helper ids"]' --argjson m "$2"
  cellr create --bundle "$b" "$ID-$1" >"$CELL_TEST_TMP/$1.out" 2>&1 </dev/null
  local rc=$?
  cellr start "$ID-$1" 2>>"$CELL_TEST_TMP/$1.out"
  rc="$rc,$?"
  wait_stopped "$ID-$1"
  cellr delete --force "$ID-$1"
  echo "$rc:"
  cat "$CELL_TEST_TMP/$1.out"
}
B=$(make_bundle uid1000)
# only root is mapped (to host uid 1000): devpts may not name gid 5
bundle_set "$B" '.mounts |= map(if .type == "devpts" then .options -= ["gid=5"] else . end)'
out=$(userns_create_start uid1000 '[{"containerID": 0, "hostID": 1000, "size": 1}]')
tap_like "$out" "^0,0:" "user namespace, root mapped to host uid 1000: create and start succeed"
tap_is "$(printf '%s\n' "$out" | sed -n 2p | tr -s ' \t' ' ' | sed 's/^ //'),$(line "$out" uid)" "0 1000 1,uid=0,0,0,0" \
  "... the process runs as root of that user namespace"
B=$(make_bundle podmanmap)
out=$(userns_create_start podmanmap '[{"containerID": 0, "hostID": 100000, "size": 65536}]')
tap_like "$out" "^0,0:" "user namespace 0:100000:65536 (podman): create and start succeed"
tap_is "$(printf '%s\n' "$out" | sed -n 2p | tr -s ' \t' ' ' | sed 's/^ //'),$(line "$out" uid)" "0 100000 65536,uid=0,0,0,0" \
  "... the process runs as root of that user namespace"
# init dying during setup in the user namespace (here: its cwd is missing in the rootfs) fails create
bundle_set "$B" '.process.cwd = "/nonexistent"'
cellr create --bundle "$B" "$ID-bad" >"$CELL_TEST_TMP/bad.out" 2>&1 </dev/null
rc=$?
tap_is "$rc:$(cat "$CELL_TEST_TMP/bad.out")" "1:cell: chdir to cwd \`/nonexistent\`: No such file or directory" \
  "init dying during setup in a user namespace fails create with one line"
tap_result "$(state_empty; echo $?)" "... and leaves no state"
[ "$rc" -ne 0 ] || cellr delete --force "$ID-bad"

# ---- the setup protocol under load: joining a network namespace (ip netns) and a pid namespace by path,
# where init forks a second time and names itself; a few busy loops stretch every window
NETNS=cell-test-$$
if command -v ip >/dev/null && ip netns add "$NETNS" 2>/dev/null; then
  on_exit "ip netns delete '$NETNS'"
  unshare --pid --fork --kill-child sleep 1000 </dev/null >/dev/null 2>&1 &
  holder=$!
  on_exit "kill -KILL $holder"
  for _ in $(seq 50); do pidns_pid=$(pgrep -P "$holder") && break; sleep 0.1; done
  B=$(make_bundle joiner)
  bundle_set "$B" '.linux.namespaces |= map(if .type == "network" then .path = $n elif .type == "pid" then .path = $p else . end)
    | .process.args = ["cell-helper", "ns"]' --arg n "/run/netns/$NETNS" --arg p "/proc/$pidns_pid/ns/pid"
  out=$(cellr run --bundle "$B" "$ID-j" </dev/null)
  tap_is "$(line "$out" net),$(line "$out" pid)" \
    "net=$(stat -L -c %i "/run/netns/$NETNS"),pid=$(stat -L -c %i "/proc/$pidns_pid/ns/pid")" \
    "a network namespace (ip netns) and a pid namespace joined by path"
  bundle_set "$B" '.process.args = ["true"]'
  busy=()
  for _ in 1 2 3; do
    (while :; do :; done) &
    busy+=($!)
  done
  on_exit "kill ${busy[*]}"
  fails=0
  : >"$CELL_TEST_TMP/join.err"
  for i in $(seq 200); do
    cellr run --bundle "$B" "$ID-r$i" </dev/null 2>>"$CELL_TEST_TMP/join.err" || fails=$((fails + 1))
  done
  kill "${busy[@]}"
  tap_is "$fails" 0 "200 runs joining both namespaces under CPU load all succeed"
  [ "$fails" -eq 0 ] || sort "$CELL_TEST_TMP/join.err" | uniq -c | sed 's/^/#   /'
  tap_result "$(state_empty; echo $?)" "... and leave no state"
else
  tap_skip 4 "ip netns is not available"
fi

# ---- no mount namespace: the runtime's mount table; cell mounts nothing there and chroots
mounts_here() { grep -c -F "$CELL_TEST_TMP" /proc/self/mountinfo; }
before=$(mounts_here)
B=$(make_bundle nomnt)
echo marker-nomnt >"$B/rootfs/marker"
bundle_set "$B" '.linux.namespaces |= map(select(.type != "mount")) | .process.args = ["sh", "-c", "cat /marker; sleep 100"]'
cellr create --bundle "$B" "$ID-nm" >"$CELL_TEST_TMP/nm.out" 2>"$CELL_TEST_TMP/nm.err" </dev/null
rc=$?
cellr start "$ID-nm"
rc="$rc,$?"
pid=$(cellr state "$ID-nm" | jq -r .pid)
for _ in $(seq 50); do [ -s "$CELL_TEST_TMP/nm.out" ] && break; sleep 0.1; done
tap_is "$rc:$(cat "$CELL_TEST_TMP/nm.out")" "0,0:marker-nomnt" "no mount namespace: create and start succeed, the process sees the rootfs as /"
tap_is "$(readlink /proc/"$pid"/ns/mnt)" "$(readlink /proc/self/ns/mnt)" "... its mount namespace is the runtime's"
tap_is "$(readlink /proc/"$pid"/root)" "$B/rootfs" "... and its root is the rootfs (chroot)"
tap_is "$(mounts_here)" "$before" "... nothing is mounted in the host's mount table (config mounts, /dev, masks)"
tap_like "$(wc -l <"$CELL_TEST_TMP/nm.err"):$(cat "$CELL_TEST_TMP/nm.err")" \
  "^1:cell: warning: config.json: /linux/namespaces: no mount namespace: .*mounts, devices, masked and read-only paths are not applied$" \
  "... and one warning says what is left out"
cellr delete --force "$ID-nm"

# ---- a mount namespace joined by path: chroot in it, its mounts there, none on the host
unshare --mount --propagation private sleep 1000 </dev/null >/dev/null 2>&1 &
mholder=$!
on_exit "kill $mholder"
for _ in $(seq 50); do [ "$(readlink /proc/$mholder/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] && break; sleep 0.1; done
B=$(make_bundle joinmnt)
echo marker-joined >"$B/rootfs/marker"
bundle_set "$B" '.linux.namespaces |= map(if .type == "mount" then .path = $p else . end)
  | .process.args = ["sh", "-c", "cat /marker; cell-helper ns; grep -c \" /proc [^ ]* - proc \" /proc/self/mountinfo"]' \
  --arg p "/proc/$mholder/ns/mnt"
out=$(cellr run --bundle "$B" "$ID-jm" </dev/null 2>&1)
tap_is "$?:$(printf '%s\n' "$out" | head -1)" "0:marker-joined" "a mount namespace joined by path: run succeeds in the rootfs"
tap_is "$(line "$out" mnt)" "mnt=$(stat -L -c %i /proc/$mholder/ns/mnt)" "... in that mount namespace"
tap_is "$(printf '%s\n' "$out" | tail -1)" 1 "... with the config's mounts (/proc) made there"
tap_is "$(mounts_here)" "$before" "... and none on the host"
tap_result "$(state_empty; echo $?)" "nothing is left in the state root"
exit $((TAP_FAILED != 0))

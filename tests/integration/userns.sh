#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# userns.sh: user namespaces: the maps the runtime writes, joining a user namespace by path, device nodes
# bound from the host instead of mknod, and id-mapped mounts (idmap, ridmap, uidMappings/gidMappings on a
# mount), each checked from inside the container and, where it shows, from the host.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 33

_make_rootfs_template
# the mapped root must be able to reach the rootfs: mktemp made the test dir 0700
chmod 755 "$CELL_TEST_TMP"
mkdir -p "$CELL_TEST_TMP/bundles" && chmod 755 "$CELL_TEST_TMP/bundles"
ERR=$CELL_TEST_TMP/err
line() { printf '%s\n' "$1" | grep -m1 "^$2="; }
# the uid and gid columns of a /proc/PID/status of the host
host_ids() { awk '/^Uid:/ {u=$2} /^Gid:/ {g=$2} END {print u ":" g}' "/proc/$1/status"; }
USERNS='.linux.namespaces += [{"type": "user"}]'

# ---- the maps ----
# two ranges each, hosts ids no default gives; the process is an id of the second range
B=$(make_bundle maps)
bundle_set "$B" "$USERNS"'
  | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 1000}, {"containerID": 1000, "hostID": 300000, "size": 10}]
  | .linux.gidMappings = [{"containerID": 0, "hostID": 210000, "size": 1000}, {"containerID": 1000, "hostID": 310000, "size": 10}]
  | .process.user = {"uid": 1005, "gid": 1003, "additionalGids": [7, 1001]}'
out=$(run_in "$B" sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; cell-helper ids' 2>"$ERR")
tap_is "$(printf '%s\n' "$out" | head -4 | tr -s ' \t' ' ' | sed 's/^ //' | tr '\n' ';')" \
  "0 200000 1000;1000 300000 10;0 210000 1000;1000 310000 10;" "uidMappings and gidMappings: both ranges in /proc/self/{uid,gid}_map"
tap_is "$(echo $(line "$out" uid) $(line "$out" gid) $(line "$out" groups))" \
  "uid=1005,1005,1005,1005 gid=1003,1003,1003,1003 groups=7,1001" "the process's ids and additionalGids inside the user namespace"
tap_is "$(printf '%s\n' "$out" | sed -n 5p)" "allow" "a privileged runtime leaves setgroups allowed (additionalGids work)"
bundle_set "$B" '.process.args = ["sleep", "30"]'
cellr run --detach --bundle "$B" maps-$$ </dev/null 2>"$ERR"
pid=$(cellr state maps-$$ 2>/dev/null | jq -r .pid)
tap_is "$(host_ids "$pid")" "300005:310003" "seen from the host the process runs as the mapped ids (300005:310003)"
cellr delete --force maps-$$ >/dev/null 2>&1

# ---- container id 0 not mapped ----
# runtime-spec does not require it: init takes the process's ids instead of root's (with the namespace's
# capabilities all the same). devpts's gid=5 needs gid 5 mapped: not here.
NOROOT='.linux.uidMappings = [{"containerID": 1000, "hostID": 500000, "size": 10}]
  | .linux.gidMappings = [{"containerID": 1000, "hostID": 510000, "size": 10}]
  | .mounts |= map(if .destination == "/dev/pts" then .options -= ["gid=5"] else . end)'
R=$(make_bundle noroot)
bundle_set "$R" "$USERNS | $NOROOT"'
  | .process.user = {"uid": 1005, "gid": 1003, "additionalGids": [1008]}'
out=$(run_in "$R" sh -c 'cat /proc/self/uid_map /proc/self/gid_map; cell-helper ids' 2>"$ERR")
tap_is "$(printf '%s\n' "$out" | head -2 | tr -s ' \t' ' ' | sed 's/^ //' | tr '\n' ';')" \
  "1000 500000 10;1000 510000 10;" "maps without container id 0: the container runs ($(head -c 200 "$ERR"))"
tap_is "$(echo $(line "$out" uid) $(line "$out" gid) $(line "$out" groups))" \
  "uid=1005,1005,1005,1005 gid=1003,1003,1003,1003 groups=1008" "... as the process's ids, mapped"
bundle_set "$R" '.process.args = ["sleep", "30"]'
cellr run --detach --bundle "$R" noroot-$$ </dev/null 2>"$ERR"
rpid=$(cellr state noroot-$$ 2>/dev/null | jq -r .pid)
tap_is "$(host_ids "$rpid")" "500005:510003" "... seen from the host as 500005:510003"
# joining that namespace: the joiner takes its process's ids too, and is refused when they are not mapped
RJ=$(make_bundle noroot-joiner)
bundle_set "$RJ" '.linux.namespaces += [{"type": "user", "path": $p}]
  | .mounts |= map(if .destination == "/dev/pts" then .options -= ["gid=5"] else . end)
  | .process.user = {"uid": 1007, "gid": 1001}' --arg p "/proc/$rpid/ns/user"
out=$(run_in "$RJ" cell-helper ids 2>"$ERR")
tap_is "$(echo $(line "$out" uid) $(line "$out" gid))" "uid=1007,1007,1007,1007 gid=1001,1001,1001,1001" \
  "a joined user namespace without id 0: the process's ids ($(head -c 200 "$ERR"))"
bundle_set "$RJ" '.process.user = {"uid": 2000, "gid": 1001}'
out=$(cellr run --bundle "$RJ" noroot-j-$$ </dev/null 2>&1)
tap_like "$?:$out" "^1:.*config.json: /process/user/uid: 2000 is not mapped in the user namespace \\(nor is uid 0\\)$" \
  "... whose maps hold neither the process's uid nor 0: refused naming /process/user/uid"
cellr delete --force noroot-$$ >/dev/null 2>&1
bundle_set "$R" '.process.user = {"uid": 2000, "gid": 1003}'
out=$(cellr run --bundle "$R" noroot-bad-$$ </dev/null 2>&1)
tap_is "$?:$out" "1:cell: config.json: /process/user/uid: 2000 is not mapped by /linux/uidMappings" \
  "a process uid the maps leave out: refused before anything is created"
bundle_set "$R" '.process.user = {"uid": 1000, "gid": 1003, "additionalGids": [1001, 20]}'
out=$(cellr run --bundle "$R" noroot-bad-$$ </dev/null 2>&1)
tap_is "$?:$out" "1:cell: config.json: /process/user/additionalGids/1: 20 is not mapped by /linux/gidMappings" \
  "an additional gid the maps leave out: refused"
tap_result "$(state_empty; echo $?)" "... nothing left in the state root"

# ---- joining a user namespace by path ----
A=$(make_bundle owner)
bundle_set "$A" "$USERNS"'
  | .linux.uidMappings = [{"containerID": 0, "hostID": 400000, "size": 65536}]
  | .linux.gidMappings = [{"containerID": 0, "hostID": 410000, "size": 65536}]
  | .process.args = ["sleep", "60"]'
cellr run --detach --bundle "$A" owner-$$ </dev/null 2>"$ERR"
apid=$(cellr state owner-$$ 2>/dev/null | jq -r .pid)
auser=$(stat -L -c %i "/proc/$apid/ns/user" 2>/dev/null)
J=$(make_bundle joiner)
mkdir -p "$J/rootfs/m"
bundle_set "$J" '.linux.namespaces += [{"type": "user", "path": $p}]' --arg p "/proc/$apid/ns/user"
out=$(run_in "$J" sh -c 'cell-helper ns; cat /proc/self/uid_map /proc/self/gid_map; cell-helper ids' 2>"$ERR")
tap_is "$(line "$out" user)" "user=$auser" "a user namespace path joins that namespace (${auser:-no owner})"
tap_is "$(printf '%s\n' "$out" | grep -E '^ +[0-9]' | tr -s ' \t' ' ' | sed 's/^ //' | tr '\n' ';')" \
  "0 400000 65536;0 410000 65536;" "... whose maps the joiner sees (nothing written to them)"
tap_is "$(line "$out" uid)" "uid=0,0,0,0" "... and the process is its root"
tap_result "$([ -n "$(line "$out" mnt)" ] && [ "$(line "$out" mnt)" != "mnt=$(stat -L -c %i /proc/"$apid"/ns/mnt)" ]; echo $?)" \
  "... with a mount namespace of its own, owned by the joined user namespace"

# ---- device nodes: bound from the host inside a user namespace ----
D=$(make_bundle devices)
bundle_set "$D" "$USERNS"'
  | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .linux.devices = [{"path": "/dev/loop-control", "type": "c", "major": 10, "minor": 237, "fileMode": 432}]'
out=$(run_in "$D" sh -c 'cell-helper stat /dev/loop-control; grep -c " /dev/loop-control " /proc/self/mountinfo;
  echo x >/dev/null && echo null-ok; grep -c " /dev/null " /proc/self/mountinfo' 2>"$ERR")
tap_is "$(echo $(printf '%s\n' "$out" | grep -E '^(type|major|minor)='))" "type=c major=10 minor=237" \
  "linux.devices in a user namespace: the node is there with its numbers"
tap_is "$(printf '%s\n' "$out" | grep -v = | tr '\n' ' ')" "1 null-ok 1 " \
  "... bound from the host (a mount, not mknod), as are the default nodes, and usable"
bundle_set "$D" '.linux.devices = [{"path": "/dev/cell-no-such-node", "type": "c", "major": 1, "minor": 3}]'
out=$(run_in "$D" true 2>&1)
tap_like "$?:$out" "^1:.*device .*/dev/cell-no-such-node.*No such file" \
  "a device the host lacks cannot be bound in a user namespace: a clear error"

# ---- id-mapped mounts ----
S=$CELL_TEST_TMP/idsrc
mkdir -p "$S/sub" && chmod 777 "$S"
touch "$S/f" "$S/sub/g" && chown 1000:1000 "$S/f" && chown 1234:1234 "$S/sub/g"
host_before=$(grep -c "$S" /proc/self/mountinfo)

# no user namespace: the mount's own maps, absolute host ids (runc's reading)
M=$(make_bundle idmap-plain)
bundle_set "$M" '.mounts += [{"destination": "/m", "type": "bind", "source": $s, "options": ["bind"],
  "uidMappings": [{"containerID": 1000, "hostID": 2345, "size": 1}], "gidMappings": [{"containerID": 1000, "hostID": 3456, "size": 1}]}]' --arg s "$S"
out=$(run_in "$M" stat -c %u:%g /m/f 2>"$ERR")
tap_is "$out" "2345:3456" "uidMappings/gidMappings on a bind: a file of host uid 1000 shows as 2345:3456"
tap_is "$(stat -c %u:%g "$S/f")" "1000:1000" "... and the file itself is unchanged"

# the container's user namespace: `idmap` alone maps through the container's maps
U=$(make_bundle idmap-userns)
# the container's root cannot make mount points in a rootfs its user namespace does not map: the image has them
mkdir -p "$U/rootfs/m" "$U/rootfs/plain" "$U/rootfs/r" "$U/rootfs/rr" "$U/rootfs/o"
bundle_set "$U" "$USERNS"'
  | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .mounts += [{"destination": "/m", "type": "bind", "source": $s, "options": ["bind", "idmap"]},
                {"destination": "/plain", "type": "bind", "source": $s, "options": ["bind"]}]' --arg s "$S"
out=$(run_in "$U" sh -c 'stat -c %u:%g /m/f /plain/f; touch /m/made-inside' 2>"$ERR")
tap_is "$(echo $out)" "1000:1000 65534:65534" "idmap in a user namespace: host uid 1000 shows as 1000 (65534 without idmap)"
tap_is "$(stat -c %u:%g "$S/made-inside" 2>&1)" "0:0" "... and the container's root creates files the host sees owned by root"
rm -f "$S/made-inside"

# rbind: idmap maps the top mount only, ridmap every mount of the tree
mount -t tmpfs -o mode=777 cell-idmap-sub "$S/sub" && touch "$S/sub/h" && chown 1234:1234 "$S/sub/h"
bundle_set "$U" '.mounts = [.mounts[] | select(.destination != "/m" and .destination != "/plain")]
  | .mounts += [{"destination": "/r", "type": "bind", "source": $s, "options": ["rbind", "idmap"]},
                {"destination": "/rr", "type": "bind", "source": $s, "options": ["rbind", "ridmap"]}]' --arg s "$S"
out=$(run_in "$U" stat -c %u /r/f /r/sub/h /rr/f /rr/sub/h 2>"$ERR")
tap_is "$(echo $out)" "1000 65534 1000 1234" "rbind+idmap maps the top mount only, rbind+ridmap the submounts too"
umount "$S/sub"

# mappings with the mount's own ranges inside a user namespace
bundle_set "$U" '.mounts = [.mounts[] | select(.destination != "/r" and .destination != "/rr")]
  | .mounts += [{"destination": "/o", "type": "bind", "source": $s, "options": ["bind", "ro"],
     "uidMappings": [{"containerID": 1000, "hostID": 100042, "size": 1}], "gidMappings": [{"containerID": 1000, "hostID": 100043, "size": 1}]}]' --arg s "$S"
out=$(run_in "$U" sh -c 'stat -c %u:%g /o/f; touch /o/x 2>&1 | grep -c Read-only' 2>"$ERR")
tap_is "$(echo $out)" "42:43 1" "the mount's own maps in a user namespace (host 100042 is 42 inside), and its ro flag"

# a joined user namespace: idmap maps through that namespace
bundle_set "$J" '.mounts += [{"destination": "/m", "type": "bind", "source": $s, "options": ["bind", "idmap"]}]' --arg s "$S"
chown 7:8 "$S/f"
out=$(run_in "$J" stat -c %u:%g /m/f 2>"$ERR")
tap_is "$out" "7:8" "idmap with a joined user namespace maps through it (host 7:8 shows as 7:8)"
cellr delete --force owner-$$ >/dev/null 2>&1

# nothing of it reached the host's mount table (SECURITY.md row 51), no fd of the runtime reached the process
tap_is "$(grep -c "$S" /proc/self/mountinfo)" "$host_before" "the host's mount table holds no id-mapped mount"
tap_is "$(run_in "$M" cell-helper fds 2>"$ERR" | cut -d' ' -f1 | tr '\n' ' ')" "fd=0 fd=1 fd=2 " \
  "no fd of the id-mapped mount or its user namespace reaches the process"

# bad input: one line naming the JSON pointer, nothing created
B=$(make_bundle idmap-bad)
bundle_set "$B" '.mounts += [{"destination": "/m", "type": "bind", "source": $s, "options": ["bind", "idmap"]}]' --arg s "$S"
I=$(($(jq '.mounts | length' "$B/config.json") - 1))
out=$(cellr run --bundle "$B" bad-$$ </dev/null 2>&1)
tap_is "$?:$out" "1:cell: config.json: /mounts/$I/options: \`idmap\` without uidMappings and gidMappings needs a user namespace" \
  "idmap without mappings or a user namespace: refused with the JSON pointer"
bundle_set "$B" '.mounts[$i] += {"uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}' --argjson i "$I"
out=$(cellr run --bundle "$B" bad-$$ </dev/null 2>&1)
tap_is "$?:$out" "1:cell: config.json: /mounts/$I/gidMappings: uidMappings and gidMappings go together" \
  "uidMappings without gidMappings: refused"
bundle_set "$B" '.mounts[$i] = {"destination": "/m", "type": "tmpfs", "source": "tmpfs", "options": ["idmap"]}' --argjson i "$I"
out=$(cellr run --bundle "$B" bad-$$ </dev/null 2>&1)
tap_is "$?:$out" "1:cell: config.json: /mounts/$I: id-mapped mounts must be bind mounts" "idmap on a tmpfs: refused"
# the filesystem cannot be id-mapped (procfs): the kernel's refusal, and nothing left behind
bundle_set "$B" '.mounts[$i] = {"destination": "/m", "type": "bind", "source": "/proc/sys", "options": ["bind"],
  "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}' \
  --argjson i "$I"
out=$(cellr run --bundle "$B" bad-$$ </dev/null 2>&1)
tap_like "$?:$out" "^1:.*id-map .*/proc/sys.*filesystem be id-mapped" "a filesystem that cannot be id-mapped: the kernel's refusal, said"
tap_result "$(state_empty; echo $?)" "nothing is left in the state root"
exit $((TAP_FAILED != 0))

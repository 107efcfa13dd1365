#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# rootless.sh: an unprivileged user runs `cell spec --rootless` and `cell run` with a busybox bundle: state
# under $XDG_RUNTIME_DIR/cell, no cgroup where none was delegated, every /sys/fs/cgroup mount read-only
# (SECURITY.md row 20), maps beyond the user's own id through newuidmap/newgidmap, exec, and the refusals.
# The test user is made here (useradd) and removed, with /etc/subuid and /etc/subgid restored, on exit.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
for tool in useradd userdel setpriv newuidmap newgidmap; do
  if ! command -v "$tool" >/dev/null; then
    echo "1..0 # SKIP needs $tool (passwd, util-linux and uidmap packages)"
    exit 0
  fi
done
tap_plan 25

# ---- the test user, its runtime dir, a runtime and a bundle it can reach ----
RL=cellrl$$
for f in /etc/subuid /etc/subgid; do
  if [ -e "$f" ]; then cp -p "$f" "$CELL_TEST_TMP/$(basename "$f").saved"; else : >"$CELL_TEST_TMP/$(basename "$f").none"; fi
done
restore_subids() {
  local f
  for f in subuid subgid; do
    if [ -e "$CELL_TEST_TMP/$f.saved" ]; then cp -p "$CELL_TEST_TMP/$f.saved" "/etc/$f"; else rm -f "/etc/$f"; fi
  done
}
# registered before the user exists: the cleanup runs in reverse order (containers, the user, the files)
on_exit restore_subids
on_exit "userdel -r $RL"
useradd -m -s /bin/sh "$RL" || { tap_skip 25 "useradd $RL failed"; exit 0; }
on_exit 'for id in $(ls "$XDG/cell" 2>/dev/null); do as_user "$CELL" delete --force "$id"; done'
RUID=$(id -u "$RL")
RGID=$(id -g "$RL")
chmod 755 "$CELL_TEST_TMP"
XDG=$CELL_TEST_TMP/xdg
mkdir -m 700 "$XDG" && chown "$RL:" "$XDG"
# the build tree may not be reachable by the user: a copy of the runtime is
cp "$CELL" "$CELL_TEST_TMP/cell" && chmod 755 "$CELL_TEST_TMP/cell"
RCELL=$CELL_TEST_TMP/cell
# as_user CMD...: CMD as the test user, with its own environment (no root left: setpriv drops everything)
as_user() {
  setpriv --reuid="$RUID" --regid="$RGID" --init-groups --inh-caps=-all \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="/home/$RL" XDG_RUNTIME_DIR="$XDG" "$@"
}
_make_rootfs_template
B=$CELL_TEST_TMP/rlbundle
mkdir -p "$B" && cp -a "$_ROOTFS_TEMPLATE" "$B/rootfs" && chown "$RL:" "$B"
ERR=$CELL_TEST_TMP/err

# `cell spec --rootless` as the user, used as it is but for the command
(cd "$B" && as_user "$RCELL" spec --rootless) 2>"$ERR"
tap_is "$?:$(jq -c '[.linux.uidMappings, .linux.gidMappings]' "$B/config.json" 2>/dev/null)" \
  "0:[[{\"containerID\":0,\"hostID\":$RUID,\"size\":1}],[{\"containerID\":0,\"hostID\":$RGID,\"size\":1}]]" \
  "cell spec --rootless maps the user's own ids to root"
args() { jq --argjson a "$1" '.process.args = $a' "$B/config.json" >"$B/c" && chown "$RL:" "$B/c" && mv "$B/c" "$B/config.json"; }

# with its terminal too (a pty, relayed: lines end in CR LF)
args '["sh", "-c", "cell-helper ids; cat /proc/self/uid_map /proc/self/setgroups"]'
out=$(as_user "$RCELL" --debug run --bundle "$B" rl-$$ </dev/null 2>"$ERR" | tr -d '\r')
rc=${PIPESTATUS[0]}
# no terminal from here on (detached runs would need a console socket)
bundle_set "$B" '.process.terminal = false'

tap_is "$rc:$(printf '%s\n' "$out" | grep '^uid=')" "0:uid=0,0,0,0" "cell run as an unprivileged user: the process is root in its user namespace"
tap_is "$(printf '%s\n' "$out" | grep -E '^ +0 ' | tr -s ' \t' ' ' | sed 's/^ //')" "0 $RUID 1" "... whose uid_map maps only the user's own uid"
tap_is "$(printf '%s\n' "$out" | grep -Ex 'allow|deny')" "deny" "... with setgroups denied (an unprivileged writer of gid_map must)"
tap_like "$(cat "$ERR")" "cgroup .* is not writable by uid $RUID \(not delegated\)" "no cgroup was delegated: skipped, with a debug line"
tap_result "$(! ls -d /sys/fs/cgroup/*/cell/rl-$$ /sys/fs/cgroup/unified/cell/rl-$$ 2>/dev/null | grep -q .; echo $?)" \
  "... and no cgroup directory of the container exists on the host"

# the state dir: $XDG_RUNTIME_DIR/cell, owned by the user
args '["sleep", "30"]'
as_user "$RCELL" run --detach --bundle "$B" rld-$$ </dev/null 2>"$ERR"
tap_is "$(stat -c '%U %a' "$XDG/cell" "$XDG/cell/rld-$$" 2>&1 | tr '\n' ' ')" "$RL 700 $RL 700 " \
  "the state goes under \$XDG_RUNTIME_DIR/cell, the user's, 0700"
tap_is "$(as_user "$RCELL" list --quiet 2>&1)" "rld-$$" "cell list (default root) finds it"
pid=$(as_user "$RCELL" state rld-$$ 2>/dev/null | jq -r .pid)
tap_is "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status" 2>/dev/null)" "$RUID" "from the host the process runs as the user"
tap_is "$(as_user "$RCELL" exec rld-$$ sh -c 'id -u; readlink /proc/self/ns/pid' 2>&1 | head -1)" "0" \
  "cell exec joins it as the user"
as_user "$RCELL" delete --force rld-$$ 2>"$ERR"
tap_is "$?:$(state_entries "$XDG/cell")" "0:" "delete --force removes it"

# SECURITY.md row 20 (CVE-2023-25809): every /sys/fs/cgroup mount the container sees is read-only, with the
# host's cgroup namespace and with its own; the model of runc's test_ro_cgroup_mount
ROW20='for m in $(grep " /sys/fs/cgroup" /proc/mounts | cut -d" " -f2 | sort -u); do
  grep " $m " /proc/mounts | tail -n 1 | cut -d" " -f4 | cut -d, -f1; done | sort | uniq -c | tr -s " "'
args "$(jq -n --arg s "$ROW20" '["sh", "-c", $s]')"
out=$(as_user "$RCELL" run --bundle "$B" rl20-$$ </dev/null 2>"$ERR")
tap_like "$out" "^ [0-9]+ ro$" "row 20: with a cgroup namespace every /sys/fs/cgroup mount is read-only ($(echo $out))"
jq '.linux.namespaces -= [{"type": "cgroup"}]' "$B/config.json" >"$B/host-cgns.json"
cp "$B/config.json" "$B/own-cgns.json"
cp "$B/host-cgns.json" "$B/config.json"
out=$(as_user "$RCELL" run --bundle "$B" rl20h-$$ </dev/null 2>"$ERR")
tap_like "$out" "^ [0-9]+ ro$" "row 20: with the host's cgroup namespace too ($(echo $out))"
# and with no cgroup mount at all: the rbind of /sys is read-only, so /sys/fs/cgroup becomes read-only too
jq '.mounts -= [.mounts[] | select(.destination == "/sys/fs/cgroup")]' "$B/host-cgns.json" >"$B/config.json"
out=$(as_user "$RCELL" run --bundle "$B" rl20n-$$ </dev/null 2>"$ERR")
tap_like "$out" "^ [0-9]+ ro$" "row 20: without a cgroup mount, under the read-only rbind of /sys ($(echo $out))"
cp "$B/own-cgns.json" "$B/config.json"
chown "$RL:" "$B/config.json"

# maps beyond the user's own id: newuidmap/newgidmap with the ranges useradd gave it in /etc/subuid
sub_uid=$(awk -F: -v u="$RL" '$1 == u {print $2; exit}' /etc/subuid)
sub_gid=$(awk -F: -v u="$RL" '$1 == u {print $2; exit}' /etc/subgid)
if [ -n "$sub_uid" ] && [ -n "$sub_gid" ]; then
  jq --argjson u "$RUID" --argjson g "$RGID" --argjson su "$sub_uid" --argjson sg "$sub_gid" '
    .linux.uidMappings = [{"containerID": 0, "hostID": $u, "size": 1}, {"containerID": 1, "hostID": $su, "size": 1000}]
    | .linux.gidMappings = [{"containerID": 0, "hostID": $g, "size": 1}, {"containerID": 1, "hostID": $sg, "size": 1000}]
    | .process.user = {"uid": 7, "gid": 8, "additionalGids": [9]}
    | .process.args = ["sh", "-c", "cell-helper ids; grep -c . /proc/self/uid_map; cat /proc/self/setgroups"]' \
    "$B/own-cgns.json" >"$B/config.json"
  out=$(as_user "$RCELL" run --bundle "$B" rlsub-$$ </dev/null 2>"$ERR")
  tap_is "$(echo $(printf '%s\n' "$out" | grep -E '^(uid|gid|groups)='))" "uid=7,7,7,7 gid=8,8,8,8 groups=9" \
    "subordinate ids (newuidmap, newgidmap): the process runs as container uid 7, gid 8, groups 9"
  tap_is "$(printf '%s\n' "$out" | tail -2 | tr '\n' ' ')" "2 allow " "... with both ranges mapped and setgroups allowed"
  bundle_set "$B" '.process.args = ["sleep", "30"]'
  as_user "$RCELL" run --detach --bundle "$B" rlsubd-$$ </dev/null 2>"$ERR"
  pid=$(as_user "$RCELL" state rlsubd-$$ 2>/dev/null | jq -r .pid)
  tap_is "$(awk '/^Uid:/ {u=$2} /^Gid:/ {g=$2} END {print u ":" g}' "/proc/$pid/status" 2>/dev/null)" \
    "$((sub_uid + 6)):$((sub_gid + 7))" "... which the host sees as the subordinate ids"
  as_user "$RCELL" delete --force rlsubd-$$ 2>/dev/null
  # a range the user was not given: newuidmap refuses, cell says so, nothing is left
  bundle_set "$B" '.linux.uidMappings[1].hostID = 10'
  out=$(as_user "$RCELL" run --bundle "$B" rlbad-$$ </dev/null 2>&1)
  tap_like "$?:$(echo $out)" "^1:newuidmap: .*not allowed.*cell: \`newuidmap [0-9]+ \.\.\.\` failed \(are the ids in /etc/subuid\?\)" \
    "a range outside /etc/subuid: newuidmap's refusal, and cell's error naming it"
else
  tap_skip 4 "useradd gave $RL no subordinate ids"
fi
cp "$B/own-cgns.json" "$B/config.json"

# a delegated cgroup (a directory of its own in every hierarchy, as a session manager would give it, and the
# runtime started inside it: cgroup v2 moves need the common ancestor's cgroup.procs): limits apply there
DELEG=cellrl-deleg-$$
for h in /sys/fs/cgroup/*/; do
  mkdir "$h$DELEG" && chown -R "$RL:" "$h$DELEG"
  # a new cpuset takes no task until it has cpus and mems
  for f in cpuset.cpus cpuset.mems; do [ -e "$h$f" ] && cat "$h$f" >"$h$DELEG/$f"; done
done
on_exit "for h in /sys/fs/cgroup/*/; do rmdir \"\${h}$DELEG/c1\" \"\${h}$DELEG\"; done"
bundle_set "$B" '.linux.cgroupsPath = $p | .linux.resources = {"pids": {"limit": 77}}
  | .process.args = ["sh", "-c", "cat /sys/fs/cgroup/pids/pids.max; grep -c . /sys/fs/cgroup/pids/cgroup.procs"]' \
  --arg p "/$DELEG/c1"
out=$(sh -c 'for h in /sys/fs/cgroup/*/; do echo $$ >"$h$1/cgroup.procs" || exit 1; done; shift; exec "$@"' \
  - "$DELEG" setpriv --reuid="$RUID" --regid="$RGID" --init-groups env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$XDG" \
  "$RCELL" run --bundle "$B" rlcg-$$ </dev/null 2>"$ERR")
tap_is "$(echo $out)" "77 1" "a delegated cgroup: the container gets its own below it, with its limits (pids.max 77)"
tap_is "$(ls -d /sys/fs/cgroup/*/"$DELEG"/c1 2>/dev/null | wc -l)" "0" "... and delete removes it"
cp "$B/own-cgns.json" "$B/config.json"
# `update` of such a container with device rules: no device policy there (it needs the initial user
# namespace), as at create; the state says so, and the update's limits apply
bundle_set "$B" '.linux.cgroupsPath = $p | .process.args = ["sleep", "60"]
  | .linux.resources = {"pids": {"limit": 77}, "devices": [{"allow": false, "access": "rwm"}]}' --arg p "/$DELEG/c1"
sh -c 'for h in /sys/fs/cgroup/*/; do echo $$ >"$h$1/cgroup.procs" || exit 1; done; shift; exec "$@"' \
  - "$DELEG" setpriv --reuid="$RUID" --regid="$RGID" --init-groups env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$XDG" \
  "$RCELL" run --detach --bundle "$B" rlup-$$ </dev/null 2>"$ERR"
echo '{"pids": {"limit": 88}, "devices": [{"allow": false, "access": "rwm"},
  {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"}]}' >"$CELL_TEST_TMP/update.json"
chmod 644 "$CELL_TEST_TMP/update.json"
out=$(as_user "$RCELL" update --resources "$CELL_TEST_TMP/update.json" rlup-$$ 2>&1)
tap_is "$?:$out:$(cat "/sys/fs/cgroup/pids/$DELEG/c1/pids.max" 2>&1)" "0::88" \
  "update with device rules of a rootless container: no device policy written, its pids limit applied ($(head -c 200 "$ERR"))"
as_user "$RCELL" delete --force rlup-$$ >/dev/null 2>&1
cp "$B/own-cgns.json" "$B/config.json"

# refusals: limits without a delegated cgroup; an id-mapped mount. Nothing is left behind.
bundle_set "$B" '.linux.resources = {"pids": {"limit": 77}}'
out=$(as_user "$RCELL" run --bundle "$B" rlres-$$ </dev/null 2>&1)
tap_like "$?:$out" "^1:cell: config.json: /linux/resources: cgroup \`[^\`]*\` is not writable by uid $RUID \(not delegated\)" \
  "linux.resources without a delegated cgroup: refused naming /linux/resources"
cp "$B/own-cgns.json" "$B/config.json"
mkdir -p "$B/rootfs/m"
bundle_set "$B" '.mounts += [{"destination": "/m", "type": "bind", "source": "/tmp", "options": ["bind", "idmap"]}]'
out=$(as_user "$RCELL" run --bundle "$B" rlidm-$$ </dev/null 2>&1)
tap_like "$?:$out" "^1:cell: id-mapped mount on \`/m\`: not supported for a rootless container" "an id-mapped mount: refused rootless"
tap_is "$(state_entries "$XDG/cell")" "" "nothing is left in the user's state root"
tap_result "$(! grep -q "$B" /proc/self/mountinfo; echo $?)" "nothing of the containers is left on the host's mount table"
exit $((TAP_FAILED != 0))

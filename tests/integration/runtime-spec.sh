#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# runtime-spec.sh: what the OCI runtime-tools validation suite checks that no other script here does: lifecycle errors, kill, namespaces inherited/new/joined, rootfsPropagation, hooks' failures and stdin, cgroups not ours, defaults.
#
# Each check names the suite's test it stands for (validation/NAME); the suite itself is run by
# tests/conformance/run.sh, outside `make check`.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 29

T=$CELL_TEST_TMP
B=$(make_bundle spec)
cp "$B/config.json" "$T/good.json"
ID=spec-$$
reset() { cp "$T/good.json" "$B/config.json"; }
status() { cellr state "$1" 2>/dev/null | jq -r .status; }
wait_status() { # wait_status ID STATUS
  for _ in $(seq 50); do [ "$(status "$1")" = "$2" ] && return 0; sleep 0.1; done
  return 1
}
# one_line_error CMD...: exit 1 and a single line on stderr (nothing on stdout)
one_line_error() {
  local out rc
  out=$("$@" 2>&1 </dev/null)
  rc=$?
  [ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && printf '%s\n' "$out"
}
# host_cg_dir: the directory of a hierarchy to make cgroups in by hand (v1 pids, else a cgroup2 root)
if [ -d /sys/fs/cgroup/pids ]; then
  H=/sys/fs/cgroup/pids
elif [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  H=/sys/fs/cgroup
else
  H=
fi
CG=cellspec-$$
on_exit "find $H/$CG -depth -type d -exec rmdir {} \\; 2>/dev/null; find /sys/fs/cgroup/*/$CG /sys/fs/cgroup/$CG -depth -type d -exec rmdir {} \\; 2>/dev/null"

# ---- lifecycle (validation/config_updates_without_affect, create, start, state, kill, kill_no_effect, killsig)
bundle_set "$B" '.process.args = ["cell-helper", "env"] | .process.env += ["MARK=at-create"]'
cellr create --bundle "$B" "$ID-u" >"$T/u.out" </dev/null
echo '{"ociVersion": "1.0.0"}' >"$B/config.json"
cellr start "$ID-u"
wait_status "$ID-u" stopped
tap_like "$(cat "$T/u.out")" '^MARK=at-create$' "config.json rewritten after create: start runs what create validated"
cellr delete "$ID-u"
reset

bad=
for c in create start state kill delete; do
  [ -n "$(one_line_error cellr $c)" ] || bad="$bad $c"
done
tap_is "$bad" "" "create, start, state, kill and delete without an ID: one line, exit 1"
bad=
for c in "start" "kill ID 9" "delete" "pause" "exec ID true"; do
  set -- $c
  out=$(one_line_error cellr "$1" "nosuch-$$" "${@:3}")
  grep -q "nosuch-$$.* does not exist" <<<"$out" || bad="$bad $1:$out"
done
tap_is "$bad" "" "start, kill, delete, pause and exec of a container that does not exist: one line naming it"

bundle_set "$B" '.process.args = ["sh", "-c", "echo started >> /count; exec sleep 100"]'
rm -f "$B/rootfs/count"
cellr create --bundle "$B" "$ID-s" </dev/null
tap_is "$(status "$ID-s"):$(test -e "$B/rootfs/count" && echo ran)" "created:" "create does not run process.args (start does)"
cellr start "$ID-s"
out=$(one_line_error cellr start "$ID-s")
tap_is "$([ -n "$out" ] && echo refused):$(status "$ID-s"):$(cat "$B/rootfs/count" | wc -l)" "refused:running:1" \
  "start of a running container: an error, and the process is not run again"
cellr kill "$ID-s" KILL
wait_status "$ID-s" stopped
before=$(cellr state "$ID-s")
out=$(one_line_error cellr kill "$ID-s" TERM)
tap_is "$([ -n "$out" ] && echo refused):$([ "$(cellr state "$ID-s")" = "$before" ] && echo unchanged)" "refused:unchanged" \
  "kill of a stopped container: an error, and its state is unchanged"
out=$(one_line_error cellr start "$ID-s")
tap_is "$([ -n "$out" ] && echo refused):$(cat "$B/rootfs/count" | wc -l)" "refused:1" "start of a stopped container: an error, nothing run"
cellr delete "$ID-s"

cellr create --bundle "$B" "$ID-k" </dev/null
cellr kill "$ID-k" KILL
tap_is "$?:$(wait_status "$ID-k" stopped && echo stopped)" "0:stopped" "kill of a created container signals its init (KILL: stopped)"
cellr delete "$ID-k"

bundle_set "$B" '.process.args = ["cell-helper", "signals"]'
cellr create --bundle "$B" "$ID-sig" >"$T/sig.out" </dev/null
cellr start "$ID-sig"
for _ in $(seq 50); do grep -q ready "$T/sig.out" && break; sleep 0.1; done
for s in USR1 12 SIGHUP TERM; do
  cellr kill "$ID-sig" "$s"
  sleep 0.1
done
wait_status "$ID-sig" stopped
tap_is "$(grep '^got=' "$T/sig.out" | tr '\n' ' ')" "got=SIGUSR1 got=SIGUSR2 got=SIGHUP got=SIGTERM " \
  "kill sends the named signal (USR1, 12, SIGHUP, TERM) to the process"
cellr delete "$ID-sig"

reset
bundle_set "$B" 'del(.process)'
cellr create --bundle "$B" "$ID-np" </dev/null
out=$(one_line_error cellr start "$ID-np")
tap_like "$(status "$ID-np") $out" "^created .*has no /process" "a config without process: create works, start is an error naming /process"
cellr delete "$ID-np"
reset

# ---- hooks (validation/hooks_stdin, prestart_fail, poststart_fail, poststop_fail)
hook() { printf '{"path":"/bin/sh","args":["sh","-c","cat > %s"]}' "$1"; }
bundle_set "$B" ".hooks = {\"prestart\": [$(hook "$T/h-prestart")], \"createRuntime\": [$(hook "$T/h-createRuntime")],
  \"createContainer\": [$(hook "$T/h-createContainer")], \"poststart\": [$(hook "$T/h-poststart")],
  \"poststop\": [$(hook "$T/h-poststop")]} | .annotations = {\"org.cell.spec\": \"v\"}"
cellr run --bundle "$B" "$ID-h" </dev/null
got=
for h in prestart createRuntime createContainer poststart poststop; do
  got="$got $h:$(jq -r --arg b "$B" --arg id "$ID-h" '"\(.status),\(.id == $id),\(.bundle == $b),\(.pid > 0 or .status == "stopped"),\(.annotations["org.cell.spec"])"' <"$T/h-$h" 2>/dev/null)"
done
tap_is "$got" " prestart:creating,true,true,true,v createRuntime:creating,true,true,true,v createContainer:creating,true,true,true,v poststart:running,true,true,true,v poststop:stopped,true,true,true,v" \
  "each hook gets the state on stdin: status, id, bundle, pid, annotations"
reset
# poststart: the state's pid already runs the program (it has been exec'd), whatever the hook's timing
cat >"$T/poststart-hook" <<EOF
#!/bin/sh
pid=\$(sed -n 's/.*"pid": *\\([0-9]*\\).*/\\1/p')
tr '\\0' ' ' </proc/\$pid/cmdline >"$T/ps-cmdline"
EOF
chmod +x "$T/poststart-hook"
bundle_set "$B" '.process.args = ["sleep", "7"] | .hooks = {"poststart": [{"path": $h}]}' --arg h "$T/poststart-hook"
cellr create --bundle "$B" "$ID-ps" </dev/null
cellr start "$ID-ps"
tap_is "$(cat "$T/ps-cmdline" 2>/dev/null)" "sleep 7 " \
  "poststart hooks run once start has executed the process (its pid runs the program)"
cellr delete --force "$ID-ps"
reset
bundle_set "$B" '.process.args = ["touch", "/ran"] | .hooks = {"prestart": [{"path": "/bin/false"}]}'
rm -f "$B/rootfs/ran"
out=$(one_line_error cellr create --bundle "$B" "$ID-pf")
tap_is "$([ -n "$out" ] && echo refused):$(test -e "$B/rootfs/ran" && echo ran):$(state_empty && echo clean)" "refused::clean" \
  "a failing prestart hook fails create: nothing ran, nothing left"
reset
mark() { printf '{"path":"/bin/sh","args":["sh","-c","echo %s >> %s"]}' "$1" "$T/marks"; }
rm -f "$T/marks"
bundle_set "$B" ".process.args = [\"touch\", \"/ran\"] | .hooks = {
  \"poststart\": [{\"path\": \"/bin/false\"}, $(mark poststart2)], \"poststop\": [{\"path\": \"/bin/false\"}, $(mark poststop2)]}"
out=$(cellr run --bundle "$B" "$ID-hf" 2>&1 </dev/null)
rc=$?
tap_is "$rc:$(test -e "$B/rootfs/ran" && echo ran):$(tr '\n' ' ' <"$T/marks")" "0:ran:poststart2 poststop2 " \
  "failing poststart and poststop hooks: the rest of the hooks and the lifecycle go on"
tap_is "$(grep -c 'warning: post\(start\|stop\) hook ./bin/false. exited with status 1' <<<"$out")" 2 "... each failure is a warning naming the hook"
reset

# ---- namespaces (validation/linux_ns_itype, linux_ns_nopath, linux_ns_path, linux_ns_path_type)
nstypes="cgroup ipc mnt net pid uts user"
[ -e /proc/self/ns/time ] && nstypes="$nstypes time"
# same_ns PID1 PID2 TYPES: the types where both are in one namespace
same_ns() { for n in $3; do [ "$(readlink /proc/$1/ns/$n)" = "$(readlink /proc/$2/ns/$n)" ] && printf '%s ' "$n"; done; }
bundle_set "$B" '.linux.namespaces = [] | del(.hostname) | .process.args = ["sleep", "100"]'
cellr run -d --bundle "$B" "$ID-it" </dev/null 2>/dev/null
tap_is "$(same_ns "$(cellr state "$ID-it" | jq .pid)" self "$nstypes")" "$nstypes " \
  "no namespaces listed: every one is the runtime's"
cellr delete --force "$ID-it"
bundle_set "$B" '.linux.namespaces = ([$t | split(" ")[] | {"type": ({"mnt": "mount", "net": "network"}[.] // .)}])
  | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .hostname = "spec"' --arg t "$nstypes"
cellr run -d --bundle "$B" "$ID-nn" </dev/null
pid=$(cellr state "$ID-nn" | jq .pid)
tap_is "${pid:+ok}:$(same_ns "$pid" self "$nstypes")" "ok:" "every namespace listed without a path is a new one ($nstypes)"
cellr delete --force "$ID-nn"
reset
unshare --ipc --uts --mount --propagation private --pid --fork sleep 100 &
holder_parent=$!
on_exit "kill $holder_parent"
for _ in $(seq 50); do holder=$(pgrep -P $holder_parent) && break; sleep 0.1; done
bundle_set "$B" '.root.readonly = true | .process.args = ["sh", "-c", "touch /x 2>/dev/null && echo root-writable; exec sleep 100"]
  | .linux.namespaces |= map(if (.type | IN("ipc", "uts", "pid", "mount")) then
      .path = "/proc/\($h)/ns/\({"mount": "mnt"}[.type] // .type)" else . end) | del(.hostname)' --arg h "$holder"
cellr run -d --bundle "$B" "$ID-np" >"$T/np.out" </dev/null
pid=$(cellr state "$ID-np" | jq .pid)
tap_is "${pid:+ok}:$(same_ns "$pid" "$holder" "ipc mnt pid uts")$(cat "$T/np.out")" "ok:ipc mnt pid uts " \
  "namespaces joined by path (ipc, mount, pid, uts), with a read-only root in the joined mount namespace"
cellr delete --force "$ID-np"
kill $holder_parent
reset
bundle_set "$B" '.linux.namespaces |= map(if .type == "ipc" then .path = "/proc/self/ns/net" else . end)'
tap_like "$(one_line_error cellr create --bundle "$B" "$ID-pt")$(state_empty || echo LEFT)" "another type\$" \
  "a namespace path of another type: one line, nothing left"
reset

# ---- the root and mounts (validation/linux_rootfs_propagation, mounts, misc_props, linux_devices, default)
got=
for p in shared slave private unbindable; do
  bundle_set "$B" '.linux.rootfsPropagation = $p | .process.args = ["cat", "/proc/self/mountinfo"]' --arg p "$p"
  tags=$(cellr run --bundle "$B" "$ID-rp" </dev/null | awk '$5 == "/" { for (i = 7; $i != "-"; i++) if ($i ~ /^(shared|master|unbindable)/) { sub(/:.*/, "", $i); printf "%s", $i } }')
  got="$got $p:${tags:--}"
done
tap_is "$got" " shared:shared slave:- private:- unbindable:unbindable" "rootfsPropagation: / is shared, not shared, not shared, unbindable"
reset
bundle_set "$B" '.process.args = ["true"] | .unknownProperty = {"x": 1} | .annotations = {"org.unknown.key": ""}'
cellr run --bundle "$B" "$ID-up" </dev/null
tap_is "$?" 0 "an unknown property and an unknown annotation key are no error"
reset
bad=
for f in '.linux.mountLabel = "system_u:object_r:container_file_t:s0"' '.process.apparmorProfile = "cell-test"' \
  '.process.selinuxLabel = "system_u:system_r:container_t:s0"'; do
  bundle_set "$B" "$f"
  out=$(one_line_error cellr create --bundle "$B" "$ID-lsm")
  grep -qE 'config.json: /(linux/mountLabel|process/apparmorProfile|process/selinuxLabel): (SELinux|AppArmor) is not (supported|enabled)' <<<"$out" \
    && state_empty || bad="$bad [$f: $out]"
  reset
done
tap_is "$bad" "" "mountLabel, apparmorProfile, selinuxLabel where that LSM is off: refused naming the pointer, nothing left"
mkdir -p "$T/src"
echo bound >"$T/src/f"
bundle_set "$B" '.mounts += [{"destination": "/mnt/b", "type": "bind", "source": $s, "options": ["rbind", "ro", "mode=755"]}]
  | .process.args = ["sh", "-c", "cat /mnt/b/f; touch /mnt/b/g 2>/dev/null && echo writable"]' --arg s "$T/src"
tap_is "$(cellr run --bundle "$B" "$ID-bm" </dev/null 2>&1)" bound "a bind mount with a filesystem option (mode=755) is made (read-only)"
reset
bundle_set "$B" '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 416, "uid": 1234, "gid": 5678}]
  | .process.args = ["cell-helper", "stat", "/dev/fuse"]'
tap_is "$(cellr run --bundle "$B" "$ID-dev" </dev/null | grep -E '^(mode|uid|gid)=' | tr '\n' ' ')" "mode=0640 uid=1234 gid=5678 " \
  "linux.devices: the node's fileMode, uid and gid"
reset
bundle_set "$B" '.process.args = ["sh", "-c", "for l in fd stdin stdout stderr; do printf \"%s \" $(readlink /dev/$l); done"]'
tap_is "$(cellr run --bundle "$B" "$ID-ln" </dev/null)" "/proc/self/fd /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2 " \
  "the default /dev symlinks: fd, stdin, stdout, stderr"
bundle_set "$B" '.process.args = ["cat", "/proc/self/mountinfo"]'
mi=$(cellr run --bundle "$B" "$ID-mi" </dev/null)
missing=
while read -r dest type; do
  line=$(awk -v d="$dest" '$5 == d' <<<"$mi" | tail -1)
  fstype=$(awk '{ for (i = 7; $i != "-"; i++); print $(i + 1) }' <<<"$line")
  [ -n "$line" ] && { [ "$type" = cgroup ] || [ "$type" = bind ] || [ "$fstype" = "$type" ]; } || missing="$missing $dest($type/$fstype)"
done < <(jq -r '.mounts[] | .destination + " " + .type' "$T/good.json")
tap_is "$missing" "" "every mount of the default config is there, with its type ($(jq '.mounts | length' "$T/good.json") mounts)"
reset

# ---- cgroups (validation/delete_only_create_resources, linux_cgroups_relative_*)
# The container's own cgroup goes with it; a cgroup its init was moved to is not the container's. (A
# cgroupsPath that existed before create goes too, as with runc: create writes its first state.json before
# it makes the cgroup, so after a SIGKILL `delete --force` could not tell which part it made.)
if [ -n "$H" ]; then
  mkdir -p "$H/$CG/foreign"
  bundle_set "$B" '.linux.cgroupsPath = $p | .process.args = ["true"]' --arg p "/$CG/own"
  cellr create --bundle "$B" "$ID-cg" </dev/null
  echo "$(cellr state "$ID-cg" | jq .pid)" >"$H/$CG/foreign/cgroup.procs"
  cellr start "$ID-cg"
  wait_status "$ID-cg" stopped
  cellr delete "$ID-cg"
  tap_is "$(for d in own foreign; do test -d "$H/$CG/$d" && printf '%s ' $d; done)" "foreign " \
    "delete removes the container's cgroup, not the one its init was moved to"
else
  tap_skip 1 "no v1 pids hierarchy and no cgroup2 root"
fi
if [ -d /sys/fs/cgroup/pids ]; then
  mkdir -p "/sys/fs/cgroup/pids/$CG/runtime"
  bundle_set "$B" '.linux.cgroupsPath = "rel/c" | .linux.namespaces |= map(select(.type != "cgroup"))
    | .process.args = ["sh", "-c", "grep :pids: /proc/self/cgroup | cut -d: -f3"]'
  out=$(sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" --root "$3" run --bundle "$4" "$5" </dev/null' _ \
    "/sys/fs/cgroup/pids/$CG/runtime" "$CELL" "$CELL_TEST_ROOT" "$B" "$ID-rel")
  tap_is "$out" "/$CG/runtime/rel/c" "a relative cgroupsPath is below the runtime's own cgroup"
else
  tap_skip 1 "needs a v1 pids hierarchy (the runtime is moved into a cgroup of its own there)"
fi
reset

tap_result "$(state_empty; echo $?)" "nothing is left in the state root"

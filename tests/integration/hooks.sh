#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# hooks.sh: hooks as clients use them: poststart after the exec, poststop run by delete, failing hooks
# (create fails and leaves nothing; poststart/poststop warn and the rest run), timeouts, `cell state` from a
# poststart hook. (The order of all six and their state JSON: lifecycle.sh.)
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 17

B=$(make_bundle hooks)
H=$CELL_TEST_TMP/h
mkdir -p "$H"
ID=hk-$$
bundle_set "$B" '.process.args = ["sleep", "100"]'

# sh_hook SCRIPT [TIMEOUT]: a hook running `sh -c SCRIPT`, the state JSON on its stdin
sh_hook() {
  jq -n -c --arg s "$1" --argjson t "${2:-null}" '{"path": "/bin/sh", "args": ["sh", "-c", $s]}
    + (if $t == null then {} else {"timeout": $t} end)'
}
wait_stopped() {
  for _ in $(seq 50); do [ "$(cellr state "$1" 2>/dev/null | jq -r .status)" = stopped ] && return 0; sleep 0.1; done
  return 1
}

# poststart runs after the user process is executed (runtime.md): the hook sees the program at the pid, even
# when a slow startContainer hook delays the exec
bundle_set "$B" '.hooks = {"startContainer": [{"path": "/bin/sleep", "args": ["sleep", "0.3"]}], "poststart": [$h]}' --argjson h "$(sh_hook "pid=\$(jq -r .pid); readlink /proc/\$pid/exe >$H/exe")"
cellr create --bundle "$B" "$ID-ps" </dev/null && cellr start "$ID-ps"
tap_is "$(cat "$H/exe" 2>/dev/null)" /bin/busybox "a poststart hook sees /proc/PID/exe as the program (exec done)"
cellr delete --force "$ID-ps"

# a poststart hook may ask for the state: `state` takes no lock that start holds
bundle_set "$B" '.hooks = {"poststart": [$h]}' --argjson h "$(sh_hook "$CELL --root $CELL_TEST_ROOT state $ID-st >$H/st" 10)"
cellr create --bundle "$B" "$ID-st" </dev/null
t0=$(date +%s%N)
cellr start "$ID-st" 2>"$CELL_TEST_TMP/st.err"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
tap_result $((rc != 0 || ms > 5000)) "start with a poststart hook calling \`cell state\` returns at once (${ms} ms)"
tap_is "$(jq -r .status "$H/st" 2>/dev/null)" running "... and the hook got the state: running"
cellr delete --force "$ID-st"

# failing poststart and poststop hooks: a warning each, the next hook still runs, the command succeeds
bundle_set "$B" '.hooks = {"poststart": [{"path": "/bin/false"}, $p2], "poststop": [$s1, $s2]}' \
  --argjson p2 "$(sh_hook "echo poststart-2 >>$H/order")" --argjson s1 "$(sh_hook 'exit 3')" \
  --argjson s2 "$(sh_hook "echo poststop-2 >>$H/order")"
cellr create --bundle "$B" "$ID-f" </dev/null
cellr start "$ID-f" 2>"$CELL_TEST_TMP/f.err"
tap_is "$?:$(cat "$CELL_TEST_TMP/f.err")" "0:cell: warning: poststart hook \`/bin/false\` exited with status 1" \
  "a failing poststart hook: start succeeds with one warning"
cellr kill "$ID-f" KILL && wait_stopped "$ID-f"
cellr delete "$ID-f" 2>"$CELL_TEST_TMP/f.err"
tap_is "$?:$(cat "$CELL_TEST_TMP/f.err")" "0:cell: warning: poststop hook \`/bin/sh\` exited with status 3" \
  "a failing poststop hook: delete succeeds with one warning"
tap_is "$(tr '\n' ' ' <"$H/order" 2>/dev/null)" "poststart-2 poststop-2 " "... and the hooks after the failing ones ran"
tap_result "$(state_empty; echo $?)" "... and delete removed the container"
rm -f "$H/order"
bundle_set "$B" '.process.args = ["true"]'
cellr run --bundle "$B" "$ID-fr" </dev/null 2>"$CELL_TEST_TMP/f.err"
tap_is "$?:$(grep -c warning "$CELL_TEST_TMP/f.err"):$(tr '\n' ' ' <"$H/order" 2>/dev/null)" "0:2:poststart-2 poststop-2 " \
  "run: two warnings, both later hooks ran, the container's status returned"

# poststop hooks run by delete (podman, containerd), with the state "stopped"
bundle_set "$B" '.process.args = ["sleep", "100"] | .hooks = {"poststop": [$h]}' --argjson h "$(sh_hook "cat >$H/stop.json")"
cellr create --bundle "$B" "$ID-d" </dev/null && cellr start "$ID-d" && cellr kill "$ID-d" KILL && wait_stopped "$ID-d"
tap_result "$([ ! -e "$H/stop.json" ]; echo $?)" "poststop hooks do not run before delete"
cellr delete "$ID-d"
tap_is "$(jq -r '.id + " " + .status' "$H/stop.json" 2>/dev/null)" "$ID-d stopped" "delete runs the poststop hooks with the state"
rm -f "$H/stop.json"
cellr create --bundle "$B" "$ID-df" </dev/null && cellr start "$ID-df" && cellr delete --force "$ID-df"
tap_is "$(jq -r '.id + " " + .status' "$H/stop.json" 2>/dev/null)" "$ID-df stopped" "delete --force of a running container runs them too"

# a failing prestart, createRuntime or createContainer hook: create fails with one line and leaves nothing
# (state, cgroup, process). The hook first notes init's pid and whether the cgroup exists: both did, then are
# gone.
# (a regression would leave the cgroups: the script removes its own, and only those, at exit)
on_exit "find /sys/fs/cgroup -maxdepth 3 -depth -type d -name 'cell-hook-$$-*' -exec rmdir {} +"
for phase in prestart createRuntime createContainer; do
  cg=cell-hook-$$-$phase
  rm -f "$H/seen"
  bundle_set "$B" '.linux.cgroupsPath = "/" + $cg | .hooks = {($p): [$h]}' --arg cg "$cg" --arg p "$phase" \
    --argjson h "$(sh_hook "echo \$(jq -r .pid) \$(find /sys/fs/cgroup -maxdepth 3 -type d -name $cg | wc -l) >$H/seen; exit 4")"
  # into a file: if create wrongly succeeded, its init would hold a $(...) pipe open
  cellr create --bundle "$B" "$ID-$phase" >"$CELL_TEST_TMP/out" 2>&1 </dev/null
  rc=$?
  out=$(cat "$CELL_TEST_TMP/out")
  pid= ncg=
  read -r pid ncg <"$H/seen" 2>/dev/null
  left=$(find /sys/fs/cgroup -maxdepth 3 -type d -name "$cg" 2>/dev/null | wc -l)
  tap_is "$rc:$out:$([ "${ncg:-0}" -ge 1 ] && echo cgroup-seen):$left:$([ -n "$pid" ] && [ -d /proc/"$pid" ] && echo alive)" \
    "1:cell: $phase hook \`/bin/sh\` exited with status 4:cgroup-seen:0:" \
    "a failing $phase hook fails create with one line; init and its cgroup (seen by the hook) are gone"
  state_empty || { echo "#   state left: $(ls "$CELL_TEST_ROOT")"; cellr delete --force "$ID-$phase"; }
done

# hook timeouts: a hook still running at its timeout is killed and create fails at once
bundle_set "$B" 'del(.linux.cgroupsPath) | .hooks = {"prestart": [{"path": "/bin/sleep", "args": ["sleep", "7.25"], "timeout": 1}]}'
t0=$(date +%s%N)
cellr create --bundle "$B" "$ID-to" >"$CELL_TEST_TMP/out" 2>&1 </dev/null
rc=$?
out=$(cat "$CELL_TEST_TMP/out")
ms=$((($(date +%s%N) - t0) / 1000000))
tap_is "$rc:$out" "1:cell: prestart hook \`/bin/sleep\`: timed out after 1 s" "a hook past its timeout fails create with one line"
tap_result $((ms > 2500 || ms < 900)) "... after about 1 s (${ms} ms), the hook killed ($(pgrep -c -f 'sleep 7.25') left)"
pgrep -f 'sleep 7.25' >/dev/null && tap_result 1 "no hook process is left" || tap_result 0 "no hook process is left"
state_empty || cellr delete --force "$ID-to"
exit $((TAP_FAILED != 0))

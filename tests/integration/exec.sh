#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# exec.sh: `cell exec`: namespaces, cgroup, root, identity, capabilities, seccomp and rlimits of the joined
# process, runc's flags and --process, tty and console socket, detach and pid file, exit status, created
# containers, and bad input.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 35

_make_rootfs_template
B=$(make_bundle exec)
ERR=$CELL_TEST_TMP/err
ID=ex-$$
bundle_set "$B" '.process.args = ["sleep", "300"]
  | .process.env += ["FROMCONFIG=1"]
  | .process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 777, "hard": 778}]
  | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getpriority"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
cellr run --detach --bundle "$B" "$ID" </dev/null >/dev/null 2>"$ERR" || cat "$ERR"
pid=$(cellr state "$ID" | jq .pid)

# every namespace of init, and its cgroup
got=$(cellr exec "$ID" sh -c 'for n in ipc mnt net pid uts cgroup; do [ "$(readlink /proc/1/ns/$n)" = "$(readlink /proc/self/ns/$n)" ] || echo "differs $n"; done; echo done')
tap_is "$got" done "exec joins every namespace of the container's init"
cellr exec --detach --pid-file "$CELL_TEST_TMP/cg.pid" "$ID" sleep 100
tap_is "$(cat /proc/$(cat "$CELL_TEST_TMP/cg.pid")/cgroup)" "$(cat /proc/$pid/cgroup)" \
  "exec joins the container's cgroup, in every hierarchy (the host's view)"
# --cgroup SUB: that sub-cgroup in every hierarchy; --cgroup pids:SUB (runc's form): in that v1 hierarchy
# alone. Expected lines are the init's with the path extended where the process must have gone.
subs=()
while IFS=: read -r _ ctrls path; do
  if [ -z "$ctrls" ]; then mnt=/sys/fs/cgroup/unified; [ -d "$mnt" ] || mnt=/sys/fs/cgroup; else mnt=/sys/fs/cgroup/${ctrls#name=}; fi
  [ -d "$mnt$path" ] || continue
  mkdir -p "$mnt$path/esub" "$mnt$path/esub2"
  subs+=("$mnt$path/esub" "$mnt$path/esub2")
done </proc/$pid/cgroup
cellr exec --detach --cgroup esub --pid-file "$CELL_TEST_TMP/sub.pid" "$ID" sleep 100
want=$(sed -E 's|^([^:]*:[^:]*:.*)$|\1/esub|' /proc/$pid/cgroup)
tap_is "$(cat /proc/$(cat "$CELL_TEST_TMP/sub.pid")/cgroup)" "$want" "exec --cgroup SUB: the sub-cgroup in every hierarchy"
if grep -q ':pids:' /proc/$pid/cgroup; then
  cellr exec --detach --cgroup pids:esub2 --pid-file "$CELL_TEST_TMP/sub2.pid" "$ID" sleep 100
  want=$(sed -E 's|^([^:]*:pids:.*)$|\1/esub2|' /proc/$pid/cgroup)
  tap_is "$(cat /proc/$(cat "$CELL_TEST_TMP/sub2.pid")/cgroup)" "$want" "exec --cgroup pids:SUB: that v1 hierarchy alone"
  kill -9 "$(cat "$CELL_TEST_TMP/sub2.pid")"
else
  tap_skip "no v1 pids hierarchy"
fi
kill -9 "$(cat "$CELL_TEST_TMP/sub.pid")"
out=$(cellr exec --cgroup ../esub "$ID" true 2>&1)
tap_is "$? $out" "1 cell: --cgroup \`../esub\`: a path below the container's own cgroup" "exec --cgroup with .. is refused"
# the sub-cgroups stay: delete removes what is below the container's cgroup too (checked at the end)
tap_like "$(cellr exec "$ID" cell-helper ids)" "^uid=0,0,0,0$" "exec runs as the config's user by default"

# the process comes from the stored config, with the flags over it
tap_like "$(cellr exec "$ID" cell-helper env)" "^FROMCONFIG=1$" "exec takes the config's environment"
tap_like "$(cellr exec -e EXTRA=2 "$ID" cell-helper env)" "^EXTRA=2$" "--env adds to it"
tap_is "$(cellr exec --cwd /tmp "$ID" cell-helper cwd)" "cwd=/tmp" "--cwd sets the working directory"
tap_is "$(cellr exec --user 1234:5678 --additional-gids 42,43 "$ID" cell-helper ids | tr '\n' ' ')" \
  "uid=1234,1234,1234,1234 gid=5678,5678,5678,5678 groups=42,43 " "--user and --additional-gids"
tap_like "$(cellr exec "$ID" cell-helper rlimits)" "^RLIMIT_NOFILE=777,778$" "exec takes the config's rlimits"
tap_is "$(cellr exec "$ID" cell-helper syscalls getpriority:0:0)" "getpriority:0:0=ENOSYS" \
  "the container's seccomp profile applies to the exec'd process (errnoRet 38)"

# capabilities: --cap adds to bounding, effective and permitted, never inheritable or ambient (row 17)
out=$(cellr exec --cap CAP_SYS_NICE "$ID" cell-helper caps)
tap_is "$(grep -E '^Cap(Inh|Amb)' <<<"$out" | tr '\n' ' ')" "CapInh=0000000000000000 CapAmb=0000000000000000 " \
  "row 17: exec --cap never grants inheritable or ambient capabilities"
tap_is "$(grep -E '^CapBnd' <<<"$out")" "CapBnd=0000000020800420" "--cap CAP_SYS_NICE joins the config's bounding set"
tap_like "$(cellr exec --no-new-privs "$ID" cell-helper status NoNewPrivs)" "NoNewPrivs:\s*1" "--no-new-privs"
bundle_set "$B" '.process.noNewPrivileges = false'

# exit status
cellr exec "$ID" sh -c 'exit 42'
tap_is "$?" 42 "exec returns the process's exit status"
cellr exec "$ID" cell-helper kill-self 15
tap_is "$?" 143 "... and 128+N when signal N ends it"
out=$(cellr exec "$ID" /no/such 2>&1)
tap_like "$?:$out" "^1:cell: exec .*/no/such.*no such file or directory" \
  "a missing program is one line with the words podman maps to 127"

# --process FILE (the shim's form), --detach, --pid-file
jq -n '{"args": ["sh", "-c", "echo from-file; id -u"], "cwd": "/tmp", "env": ["PATH=/bin"], "user": {"uid": 77, "gid": 77}}' \
  >"$CELL_TEST_TMP/process.json"
tap_is "$(cellr exec --process "$CELL_TEST_TMP/process.json" "$ID" | tr '\n' ' ')" "from-file 77 " \
  "--process FILE runs that process as written"
cellr exec --detach --pid-file "$CELL_TEST_TMP/exec.pid" "$ID" sleep 100
tap_is "$?" 0 "--detach returns at once"
epid=$(cat "$CELL_TEST_TMP/exec.pid" 2>/dev/null)
tap_is "$(readlink /proc/$epid/ns/pid)" "$(readlink /proc/$pid/ns/pid)" "--pid-file names the detached process, in the container"

# a terminal: relayed by exec itself (script(1) gives it one), or through a console socket
out=$(script -qec "$CELL --root $CELL_TEST_ROOT exec -t $ID cell-helper tty" /dev/null </dev/null | tr -d '\r\000')
tap_like "$out" '^isatty1=1$' "exec -t relays a pty when no console socket is given"

# the exec'd process never reaches the host's cell binary (row 1)
sum=$(sha256sum <"$CELL")
printf '#!/proc/self/exe\n' >"$B/rootfs/bin/selfexe"
chmod 755 "$B/rootfs/bin/selfexe"
out=$(cellr exec "$ID" /bin/selfexe 2>&1)
tap_result $(( $? != 126 )) "row 1: a #!/proc/self/exe program exec'd into the container reaches the sealed stub (126)"
tap_is "$(sha256sum <"$CELL")" "$sum" "row 1: the host's cell binary is unchanged"
# the runtime supervising an attached exec lives beside the container's processes: its /proc/PID/exe is a
# read-only detached overlay view of the binary (EROFS for writers), or, where the kernel offers none
# (CELL_SEAL_COPY=1 forces it), a sealed memfd copy
exe_of_supervisor() { # exe_of_supervisor [ENV...]: "LINK open-for-write-result" of an attached exec's runtime
  env "$@" "$CELL" --root "$CELL_TEST_ROOT" exec "$ID" sleep 2 </dev/null >/dev/null 2>&1 &
  local sup=$! link w
  for _ in $(seq 50); do
    link=$(readlink /proc/$sup/exe 2>/dev/null)
    case $link in /cell | /memfd:*) break ;; esac # past env and the first start from the host binary
    sleep 0.05
  done
  # /proc/PID/exe, and the binary's mappings in map_files (the file the kernel maps may differ from exe's)
  w=$(python3 -c 'import os,sys
res = []
for p in sys.argv[1:]:
    try:
        os.open(p, os.O_WRONLY); res.append("opened")
    except OSError as e: res.append(os.strerror(e.errno))
print(" ".join(sorted(set(res))))' /proc/$sup/exe $(awk -v p=/proc/$sup/map_files/ '$6 ~ /cell/ {print p $1}' /proc/$sup/maps))
  wait $sup
  echo "$link $w"
}
tap_like "$(exe_of_supervisor)" '^/cell Read-only file system$' \
  "row 1: an attached exec's runtime runs from a read-only overlay view of its binary (EROFS, its map_files too)"
tap_like "$(exe_of_supervisor CELL_SEAL_COPY=1)" '^/memfd:cell \(deleted\) (Operation not permitted|Permission denied|Text file busy)$' \
  "row 1: ... or, with CELL_SEAL_COPY=1, from a sealed memfd copy"

# exec into a created container, and start afterwards
bundle_set "$B" '.process.args = ["cell-helper", "exit", "0"]'
cellr create --bundle "$B" "$ID-c" </dev/null
tap_is "$(cellr exec "$ID-c" sh -c 'echo joined')" joined "exec works on a created container"
tap_is "$(cellr state "$ID-c" | jq -r .status)" created "... which stays created"
cellr start "$ID-c"
tap_is "$?" 0 "... and starts afterwards"
cellr delete --force "$ID-c" >/dev/null 2>&1

# bad input: one line, exit 1, nothing started
expect_exec_error() {
  local desc=$1 re=$2
  shift 2
  out=$(cellr exec "$@" 2>&1 </dev/null)
  rc=$?
  tap_result $((rc != 1 || $(printf '%s\n' "$out" | wc -l) != 1 || $(grep -Ec -- "$re" <<<"$out") != 1)) "$desc"
  [ $rc = 1 ] || printf '#   rc=%s out=%s\n' "$rc" "$out"
}
expect_exec_error "--user that is not a number" 'exec: --user `abc`: expected UID\[:GID\]' --user abc "$ID" true
expect_exec_error "an unknown --cap" 'exec: --cap `CAP_TYPO`: unknown capability' --cap CAP_TYPO "$ID" true
expect_exec_error "a relative --cwd" 'exec: /process/cwd: must be an absolute path' --cwd tmp "$ID" true
expect_exec_error "an unknown container" 'container `nosuch-'"$$"'` does not exist' nosuch-$$ true

cellr delete --force "$ID" >/dev/null 2>&1
left=
for d in "${subs[@]}"; do
  for x in "$d" "${d%/*}"; do [ -d "$x" ] && left="$left $x"; done
  rmdir "$d" "${d%/*}" 2>/dev/null
done
tap_is "left:$left" "left:" "delete removes the container's cgroup with the sub-cgroups made below it (exec --cgroup's)"
tap_result "$(state_empty; echo $?)" "nothing is left in the state root"

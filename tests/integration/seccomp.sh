#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# seccomp.sh: linux.seccomp is compiled before anything is created and loaded in init before exec: every
# action, errnoRet and defaultErrnoRet, argument operators, flags, architectures, and SCMP_ACT_NOTIFY
# answered by an agent (cell-helper seccomp-agent) outside the container. Checked from inside with
# cell-helper's raw system calls.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 39

T=$CELL_TEST_TMP
B=$(make_bundle seccomp)
# profile JSON [jq args...]: sets .linux.seccomp
profile() {
  local p=$1
  shift
  bundle_set "$B" ".linux.seccomp = $p" "$@"
}
ALLOW='"defaultAction": "SCMP_ACT_ALLOW"'
# create_err ID: `create` that must fail; prints its stderr. Through a file: a create that wrongly succeeded
# would leave init holding a pipe open until `start`.
create_err() {
  cellr create --bundle "$B" "$1" </dev/null >/dev/null 2>"$T/create.err"
  cat "$T/create.err"
}
# rule ACTION [ERRNO]: getpriority(4711, ...) gets ACTION; getpriority of other `which` values is not touched
rule() {
  local e=
  [ -n "$2" ] && e=", \"errnoRet\": $2"
  echo "{\"names\": [\"getpriority\"], \"action\": \"$1\"$e, \"args\": [{\"index\": 0, \"value\": 4711, \"op\": \"SCMP_CMP_EQ\"}]}"
}

profile "{$ALLOW, \"architectures\": [\"SCMP_ARCH_X86_64\"],
  \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 1},
                 {\"names\": [\"no_such_syscall_name\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"
out=$(run_in "$B" cell-helper seccomp-try)
tap_like "$out" "^mkdir=EPERM$" "a syscall the filter denies fails with its errnoRet"
tap_like "$out" "^uname=ok$" "other syscalls are allowed by the default action"
tap_like "$(run_in "$B" cell-helper status Seccomp)" "Seccomp:[[:space:]]+2" "the process runs under a seccomp filter"
out=$(cellr --debug run --bundle "$B" dbg-$$ </dev/null 2>&1)
tap_like "$out" "/linux/seccomp/syscalls/1/names/0: unknown syscall .no_such_syscall_name. ignored" \
  "an unknown syscall name is ignored with a debug line naming it"
bundle_set "$B" '.process.noNewPrivileges = false'
tap_like "$(run_in "$B" cell-helper seccomp-try)" "^mkdir=EPERM$" "without no_new_privs the filter is loaded while init still has CAP_SYS_ADMIN"
bundle_set "$B" '.process.noNewPrivileges = true'

# SECCOMP_FILTER_FLAG_LOG first: the kernel rate-limits its audit lines, and the kills below log too.
# Without a pid namespace the helper's getpid is its pid in the kernel's audit line.
if dmesg >/dev/null 2>&1; then
  bundle_set "$B" '.linux.namespaces |= map(select(.type != "pid"))'
  profile "{$ALLOW, \"syscalls\": [$(rule SCMP_ACT_ERRNO 95)]}"
  without=$(run_in "$B" cell-helper syscalls getpriority:4711:0 getpid | sed -n 's/^getpid=//p')
  profile "{$ALLOW, \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"], \"syscalls\": [$(rule SCMP_ACT_ERRNO 95)]}"
  with=$(run_in "$B" cell-helper syscalls getpriority:4711:0 getpid | sed -n 's/^getpid=//p')
  # kauditd prints in order and a little later: once the second line is there, the first would be too
  logged=
  for i in $(seq 50); do
    logged=$(dmesg | grep -E "audit: type=1326 .* pid=($with|$without) .*syscall=140 .*code=0x50000" | grep -o " pid=[0-9]* ")
    grep -q " pid=$with " <<<"$logged" && break
    sleep 0.1
  done
  tap_is "$(tr -d ' \n' <<<"$logged")" "pid=$with" \
    "SECCOMP_FILTER_FLAG_LOG: the kernel logs the denied call (and not without the flag)"
  bundle_set "$B" '.linux.namespaces += [{"type": "pid"}]'
else
  tap_skip 1 "dmesg is not readable"
fi

# errnoRet values no default gives; argument comparisons in the container
profile "{$ALLOW, \"syscalls\": [
  {\"names\": [\"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38},
  $(rule SCMP_ACT_ERRNO 95),
  {\"names\": [\"getpriority\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 18,
   \"args\": [{\"index\": 1, \"value\": 240, \"valueTwo\": 16, \"op\": \"SCMP_CMP_MASKED_EQ\"}]},
  {\"names\": [\"getpriority\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 116,
   \"args\": [{\"index\": 0, \"value\": 2, \"op\": \"SCMP_CMP_EQ\"}, {\"index\": 1, \"value\": 9000, \"op\": \"SCMP_CMP_GT\"}]}]}"
out=$(run_in "$B" cell-helper syscalls mkdirat:-100:/tmp/d:448 getpriority:4711:0 getpriority:4712:0 \
  getpriority:0:0x13 getpriority:0:0x23 getpriority:2:9001 getpriority:2:9000 getpriority:1:9001)
tap_is "$(grep -E '^(mkdirat|getpriority:47)' <<<"$out" | tr '\n' ' ')" \
  "mkdirat:-100:/tmp/d:448=ENOSYS getpriority:4711:0=EOPNOTSUPP getpriority:4712:0=EINVAL " \
  "errnoRet 38 and 95 (SCMP_CMP_EQ) come back from inside; an unmatched argument is left alone"
tap_is "$(grep -E '^getpriority:0:' <<<"$out" | tr '\n' ' ')" "getpriority:0:0x13=EXDEV getpriority:0:0x23=ESRCH " \
  "SCMP_CMP_MASKED_EQ: (arg & value) == valueTwo"
tap_is "$(grep -E '^getpriority:[12]:9' <<<"$out" | tr '\n' ' ')" \
  "getpriority:2:9001=ESTALE getpriority:2:9000=ESRCH getpriority:1:9001=ESRCH " \
  "comparisons on two arguments must both hold (SCMP_CMP_EQ and SCMP_CMP_GT)"

# defaultAction SCMP_ACT_ERRNO with defaultErrnoRet: everything this kernel's headers name is allowed but
# mkdir and mkdirat (names libseccomp does not know are ignored)
hdr=/usr/include/x86_64-linux-gnu/asm/unistd_64.h
names=
if [ "$(uname -m)" = x86_64 ] && [ -r "$hdr" ]; then
  names=$(grep -o '__NR_[a-z0-9_]*' "$hdr" | sed 's/^__NR_//' | grep -vx 'mkdir\|mkdirat' | jq -R . | jq -cs .)
  profile '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 95, "syscalls": [{"names": $n, "action": "SCMP_ACT_ALLOW"}]}' \
    --argjson n "$names"
  out=$(run_in "$B" cell-helper syscalls mkdirat:-100:/tmp/d:448 mkdir:/tmp/e:448 getpriority:0:0)
  tap_is "$(tr '\n' ' ' <<<"$out")" "mkdirat:-100:/tmp/d:448=EOPNOTSUPP mkdir:/tmp/e:448=EOPNOTSUPP getpriority:0:0=20 " \
    "defaultAction SCMP_ACT_ERRNO fails what no rule allows with defaultErrnoRet 95"
else
  tap_skip 1 "needs x86_64 and $hdr"
fi

# actions
profile "{$ALLOW, \"syscalls\": [$(rule SCMP_ACT_KILL_PROCESS)]}"
out=$(run_in "$B" cell-helper syscalls getpid thread/getpriority:4711:0 getpid)
tap_is "$?:$(tr '\n' ' ' <<<"$out")" "159:getpid=1 " "SCMP_ACT_KILL_PROCESS: a thread's call kills the whole process with SIGSYS (exit 159)"
profile "{$ALLOW, \"syscalls\": [$(rule SCMP_ACT_KILL_THREAD)]}"
out=$(run_in "$B" cell-helper syscalls thread/getpriority:4711:0 getpid getpriority:4711:0 getpid)
tap_is "$?:$(tr '\n' ' ' <<<"$out")" "159:thread/getpriority:4711:0=thread-killed getpid=1 " \
  "SCMP_ACT_KILL_THREAD: kills the calling thread only (the process dies when it is the last)"
profile "{$ALLOW, \"syscalls\": [$(rule SCMP_ACT_KILL)]}"
out=$(run_in "$B" cell-helper syscalls thread/getpriority:4711:0 getpid)
tap_is "$?:$(tr '\n' ' ' <<<"$out")" "0:thread/getpriority:4711:0=thread-killed getpid=1 " "SCMP_ACT_KILL is SCMP_ACT_KILL_THREAD"
profile "{$ALLOW, \"syscalls\": [$(rule SCMP_ACT_TRAP)]}"
tap_is "$(run_in "$B" cell-helper syscalls getpriority:4711:0 getpriority:4712:0 | tr '\n' ' ')" \
  "getpriority:4711:0=SIGSYS(getpriority) getpriority:4712:0=EINVAL " "SCMP_ACT_TRAP: SIGSYS (SYS_SECCOMP) is delivered to the caller"
profile "{$ALLOW, \"syscalls\": [$(rule SCMP_ACT_TRACE 7)]}"
tap_is "$(run_in "$B" cell-helper syscalls getpriority:4711:0)" "getpriority:4711:0=ENOSYS" \
  "SCMP_ACT_TRACE without a tracer: ENOSYS"
if [ -n "$names" ]; then
  profile "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 95, \"syscalls\": [
    {\"names\": [\"getpriority\"], \"action\": \"SCMP_ACT_LOG\"}, {\"names\": $names, \"action\": \"SCMP_ACT_ALLOW\"}]}"
  tap_is "$(run_in "$B" cell-helper syscalls getpriority:4711:0 mkdir:/tmp/e:448)" \
    "$(printf 'getpriority:4711:0=EINVAL\nmkdir:/tmp/e:448=EOPNOTSUPP')" "SCMP_ACT_LOG lets the call through under a denying default"
else
  tap_skip 1 "needs x86_64 and $hdr"
fi

# flags
profile "{$ALLOW, \"flags\": [\"SECCOMP_FILTER_FLAG_TSYNC\", \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],
  \"syscalls\": [$(rule SCMP_ACT_ERRNO 95)]}"
tap_is "$(run_in "$B" cell-helper syscalls getpriority:4711:0)" "getpriority:4711:0=EOPNOTSUPP" \
  "SECCOMP_FILTER_FLAG_TSYNC and SPEC_ALLOW are accepted and the filter holds"
# a kernel without WAIT_KILLABLE_RECV (Linux < 5.19): seccomp(2) refuses flag 0x20, as it would there
old_kernel() { "$CELL_HELPER" fail-syscall seccomp 1 0x20 EINVAL "$@"; }
tap_is "$(old_kernel "$CELL" features | jq -c '.linux.seccomp | [(.knownFlags | index("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") != null), (.supportedFlags | index("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") != null)]')" \
  "[true,false]" "a kernel without SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: known, not in supportedFlags (probed)"
profile "{$ALLOW, \"flags\": [\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"]}"
old_kernel "$CELL" --root "$CELL_TEST_ROOT" create --bundle "$B" oldk-$$ </dev/null >/dev/null 2>"$T/create.err"
tap_like "$(cat "$T/create.err"; state_empty || echo LEFT-BEHIND)" \
  "^cell: config.json: /linux/seccomp/flags/0: .SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV. is not supported by this kernel$" \
  "... and asking for it there is an error naming its JSON pointer, with nothing left behind"

# architectures: the compat ABIs reach the filter as their own architecture
if [ "$(uname -m)" = x86_64 ] && [ "$("$CELL_HELPER" syscalls i386/getppid)" != "i386/getppid=ENOSYS" ]; then
  profile "{$ALLOW, \"architectures\": [\"SCMP_ARCH_X86_64\"],
    \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 95}]}"
  run_in "$B" cell-helper syscalls i386/getppid >/dev/null
  i386=$?
  run_in "$B" cell-helper syscalls x32/getppid >/dev/null
  tap_is "$i386:$?" "159:159" "an architecture the profile does not list is killed (i386 and x32 calls)"
  profile "{$ALLOW, \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],
    \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 95}]}"
  tap_is "$(run_in "$B" cell-helper syscalls i386/mkdir:/tmp/a x32/mkdir:/tmp/b mkdir:/tmp/c i386/getppid | tr '\n' ' ')" \
    "i386/mkdir:/tmp/a=EOPNOTSUPP x32/mkdir:/tmp/b=EOPNOTSUPP mkdir:/tmp/c=EOPNOTSUPP i386/getppid=0 " \
    "SCMP_ARCH_X86 and SCMP_ARCH_X32: the rules apply to the i386 and x32 calls too"
else
  tap_skip 2 "needs x86_64 with i386 emulation"
fi

# bad profiles: one line naming the JSON pointer, nothing left behind
profile "{$ALLOW, \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_FOO\"}]}"
out=$(create_err bad-$$)
tap_like "$out" "config.json: /linux/seccomp/syscalls/0/action: unknown action .SCMP_ACT_FOO." "an unknown action names its JSON pointer"
tap_result "$(state_empty; echo $?)" "... and nothing is left behind"
profile "{$ALLOW, \"flags\": [\"SECCOMP_FILTER_FLAG_TSYNC\", \"SECCOMP_FILTER_FLAG_BAR\"]}"
out=$(create_err bad-$$)
tap_like "$out" "config.json: /linux/seccomp/flags/1: unknown flag .SECCOMP_FILTER_FLAG_BAR." "an unknown flag names its JSON pointer"
profile "{$ALLOW, \"architectures\": [\"SCMP_ARCH_PDP11\"]}"
out=$(create_err bad-$$)
tap_like "$out" "config.json: /linux/seccomp/architectures/0: unknown architecture .SCMP_ARCH_PDP11." \
  "an unknown architecture names its JSON pointer"
profile "{$ALLOW, \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ALLOW\", \"errnoRet\": 5}]}"
out=$(create_err bad-$$)
tap_like "$out" "config.json: /linux/seccomp/syscalls/0/errnoRet: .SCMP_ACT_ALLOW. takes no errno" \
  "errnoRet on an action without an errno is an error (config-linux.md MUST)"
tap_result "$(state_empty; echo $?)" "... and nothing is left behind"

# SCMP_ACT_NOTIFY: the agent gets the listener and the container process state, and answers
# start_agent NAME RULES...: a cell-helper seccomp-agent on $T/NAME.sock (state in $T/NAME.json)
start_agent() {
  local name=$1 i
  shift
  rm -f "$T/$name.sock"
  timeout 60 "$CELL_HELPER" seccomp-agent "$T/$name.sock" "$T/$name.json" "$@" >"$T/$name.log" 2>&1 &
  AGENT=$!
  on_exit "kill $AGENT"
  for i in $(seq 100); do grep -q ready "$T/$name.log" && return 0; sleep 0.05; done
  return 1
}
NOTIFY_NAMES='["mkdir", "mkdirat", "getppid", "execve", "close", "openat", "fcntl", "write", "prctl", "setresuid", "capset"]'
# notify_profile NAME [FLAGS-JSON]
notify_profile() {
  profile '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $p, "listenerMetadata": "cell-test metadata",
    "flags": $f, "syscalls": [{"names": $n, "action": "SCMP_ACT_NOTIFY"}]}' \
    --arg p "$T/$1.sock" --argjson n "$NOTIFY_NAMES" --argjson f "${2:-[]}"
}
start_agent run mkdirat=EXDEV mkdir=EXDEV getppid=4242
notify_profile run
out=$(run_in "$B" cell-helper syscalls mkdirat:-100:/tmp/x:448 getppid getpid)
tap_is "$(tr '\n' ' ' <<<"$out")" "mkdirat:-100:/tmp/x:448=EXDEV getppid=4242 getpid=1 " \
  "SCMP_ACT_NOTIFY: notified calls get the agent's answers (an errno, a value) inside the container"
wait $AGENT
st=$T/run.json
tap_is "$(jq -c '[.ociVersion, .fds, .metadata, .state.status, .pid == .state.pid, (.pid > 1), (.state.id | startswith("run-"))]' "$st")" \
  '["1.2.0",["seccompFd"],"cell-test metadata","creating",true,true,true]' \
  "the agent got the container process state: fds [seccompFd], listenerMetadata, state creating, init's pid"
tap_is "$(grep -c '^fds=1$' "$T/run.log"):$(grep -c '^notified=execve$' "$T/run.log"):$(grep -c '^done$' "$T/run.log")" "1:1:1" \
  "... one fd by SCM_RIGHTS; init's own execve went through the agent (no deadlock), which ends with the container"

# run returns, and its poststart hooks run, once the program is exec'd, not when the exec stub starts
# (runtime.md; issue 11.6): the agent holds the stub's execve of the program for 800 ms, and a poststart
# hook of `run` must still see the program (not the stub) at the container's pid
start_agent late execve=delay:800
profile '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $p, "syscalls": [{"names": ["execve"], "action": "SCMP_ACT_NOTIFY"}]}' \
  --arg p "$T/late.sock"
bundle_set "$B" '.process.args = ["sleep", "1"] | .hooks = {"poststart": [{"path": "/bin/sh",
  "args": ["sh", "-c", "readlink /proc/$(jq -r .pid)/exe >\($f)"]}]}' --arg f "$T/late.exe"
cellr run --bundle "$B" late-$$ </dev/null >/dev/null 2>&1
wait $AGENT
tap_is "$(cat "$T/late.exe" 2>/dev/null):$(grep -c '^notified=execve$' "$T/late.log")" /bin/busybox:1 \
  "run: a poststart hook sees the program at the pid though its execve was held 800 ms (EOF at the exec)"
bundle_set "$B" 'del(.hooks)'

# create + start: the listener is handed over during create
start_agent create mkdirat=EXDEV getppid=4343
notify_profile create '["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_TSYNC"]'
bundle_set "$B" '.process.args = ["cell-helper", "syscalls", "mkdirat:-100:/tmp/x:448", "getppid"]'
cellr create --bundle "$B" notify-$$ >"$T/create.out" </dev/null
rc=$?
st_pid=$(jq -r .pid "$T/create.json" 2>/dev/null)
tap_is "$rc:$(jq -r .state.status "$T/create.json" 2>/dev/null):$([ "$st_pid" = "$(cellr state notify-$$ | jq -r .pid)" ] && echo same)" \
  "0:creating:same" "create hands the listener to the agent before it returns (state of the created container)"
cellr start notify-$$
wait $AGENT
tap_is "$(tr '\n' ' ' <"$T/create.out")" "mkdirat:-100:/tmp/x:448=EXDEV getppid=4343 " \
  "... and after start the container's calls get the agent's answers (with WAIT_KILLABLE_RECV and TSYNC)"
cellr delete --force notify-$$ >/dev/null 2>&1

# nobody listening at listenerPath: an error, nothing left behind
notify_profile nobody
out=$(create_err nolistener-$$)
tap_like "$out" "connect to seccomp listener .$T/nobody.sock.: No such file or directory" \
  "a listenerPath nobody listens on fails create"
tap_result "$(state_empty && ! pgrep -f "cell-helper syscalls mkdirat:-100:/tmp/x:448 getppid" >/dev/null; echo $?)" \
  "... and nothing is left behind (no state, no process)"
profile "{$ALLOW, \"listenerPath\": \"$T/a.sock\", \"syscalls\": [{\"names\": [\"sendmsg\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
out=$(create_err bad-$$)
tap_like "$out" "config.json: /linux/seccomp/syscalls/0/names/0: SCMP_ACT_NOTIFY cannot be used for .sendmsg." \
  "SCMP_ACT_NOTIFY on sendmsg (init's hand-over) is refused"

# every action, operator and flag `cell features` lists is accepted by the compiler and loads
feat=$("$CELL" features)
tap_is "$(jq -r .linux.seccomp.enabled <<<"$feat")" true "features: seccomp is enabled"
tap_is "$(jq -c '[.linux.seccomp.actions | index("SCMP_ACT_NOTIFY", "SCMP_ACT_KILL_PROCESS") != null]' <<<"$feat"):$(jq -c '.linux.seccomp.knownFlags | length' <<<"$feat")" \
  "[true,true]:4" "features: SCMP_ACT_NOTIFY and KILL_PROCESS listed, the spec's four flags known"
bad=
for a in $(jq -r '.linux.seccomp.actions[]' <<<"$feat"); do
  [ "$a" = SCMP_ACT_NOTIFY ] && continue # needs an agent: the notify tests above
  for op in $(jq -r '.linux.seccomp.operators[]' <<<"$feat"); do
    profile '{"defaultAction": "SCMP_ACT_ALLOW", "flags": $f, "architectures": $ar,
      "syscalls": [{"names": ["syslog"], "action": $a, "args": [{"index": 0, "value": 99, "valueTwo": 99, "op": $op}]}]}' \
      --arg a "$a" --arg op "$op" --argjson f "$(jq -c .linux.seccomp.supportedFlags <<<"$feat")" \
      --argjson ar "$(jq -c .linux.seccomp.archs <<<"$feat")"
    # runs, and runs under the filter
    [ "$(run_in "$B" sh -c 'cell-helper seccomp-try; cell-helper status Seccomp' 2>&1 \
      | grep -cE '^uname=ok$|^Seccomp:[[:space:]]+2$')" = 2 ] || bad="$bad $a/$op"
  done
done
tap_is "$bad" "" "every listed action x operator (with every supported flag and listed architecture) compiles and loads"

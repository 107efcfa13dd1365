#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# seccomp.sh: linux.seccomp is compiled before anything is created and loaded in init before exec.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 8

B=$(make_bundle seccomp)
bundle_set "$B" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
  "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
               {"names": ["no_such_syscall_name"], "action": "SCMP_ACT_ERRNO"}]}'
out=$(run_in "$B" cell-helper seccomp-try)
tap_like "$out" "^mkdir=EPERM$" "a syscall the filter denies fails with its errnoRet"
tap_like "$out" "^uname=ok$" "other syscalls are allowed by the default action"
tap_like "$(run_in "$B" cell-helper status Seccomp)" "Seccomp:[[:space:]]+2" "the process runs under a seccomp filter"
bundle_set "$B" '.process.noNewPrivileges = false'
tap_like "$(run_in "$B" cell-helper seccomp-try)" "^mkdir=EPERM$" "without no_new_privs the filter is loaded while init still has CAP_SYS_ADMIN"
bundle_set "$B" '.linux.seccomp.syscalls[0].action = "SCMP_ACT_FOO"'
out=$(cellr create --bundle "$B" bad-$$ 2>&1)
tap_like "$out" "config.json: /linux/seccomp/syscalls/0/action: unknown action .SCMP_ACT_FOO." "an unknown action names its JSON pointer"
tap_result "$(state_empty; echo $?)" "... and nothing is left behind"

# every action, operator and flag `cell features` lists is accepted by the compiler and loads
feat=$("$CELL" features)
tap_is "$(jq -r .linux.seccomp.enabled <<<"$feat")" true "features: seccomp is enabled"
bad=
for a in $(jq -r '.linux.seccomp.actions[]' <<<"$feat"); do
  [ "$a" = SCMP_ACT_NOTIFY ] && continue # needs an agent: the notify tests below
  for op in $(jq -r '.linux.seccomp.operators[]' <<<"$feat"); do
    bundle_set "$B" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "flags": $f,
      "syscalls": [{"names": ["syslog"], "action": $a, "args": [{"index": 0, "value": 99, "valueTwo": 99, "op": $op}]}]}' \
      --arg a "$a" --arg op "$op" --argjson f "$(jq -c .linux.seccomp.supportedFlags <<<"$feat")"
    # runs, and runs under the filter
    [ "$(run_in "$B" sh -c 'cell-helper seccomp-try; cell-helper status Seccomp' 2>&1 \
      | grep -cE '^uname=ok$|^Seccomp:[[:space:]]+2$')" = 2 ] || bad="$bad $a/$op"
  done
done
tap_is "$bad" "" "every listed action x operator (with every supported flag) compiles and loads"

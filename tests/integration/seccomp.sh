#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# seccomp.sh: linux.seccomp is compiled before anything is created and loaded in init before exec.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 6

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

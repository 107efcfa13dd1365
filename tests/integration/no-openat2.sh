#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# no-openat2.sh: SECURITY.md row 52, openat2 fallback parity: security.sh, attacks.sh, checklist.sh and
# config.sh run again under a seccomp filter that makes openat2 fail with ENOSYS (crun's no_openat2 model),
# inherited by the script, cell and everything cell starts: cell's O_NOFOLLOW walk and its procfs write
# fallback must give the same results. Each script's TAP lines are renumbered here, prefixed with its name.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root

# the filter: openat2 whose `how` argument (a pointer, never 0) is anything fails with ENOSYS
no_openat2() { "$CELL_HELPER" fail-syscall openat2 2 0xffffffff ENOSYS "$@"; }

got="$("$CELL_HELPER" syscalls openat2:0:/:4096:24) $(no_openat2 "$CELL_HELPER" syscalls openat2:0:/:4096:24)"
tap_is "$got" "openat2:0:/:4096:24=EFAULT openat2:0:/:4096:24=ENOSYS" \
  "the filter: openat2 reaches the kernel without it (EFAULT), says ENOSYS under it"

for s in security attacks checklist config; do
  out=$CELL_TEST_TMP/$s.tap
  t0=$(date +%s)
  no_openat2 bash "$CELL_SRCDIR/tests/integration/$s.sh" >"$out" 2>"$CELL_TEST_TMP/$s.err" </dev/null
  rc=$?
  plan= n=0
  while IFS= read -r line; do
    case $line in
      1..*) plan=${line#1..} plan=${plan%% *} ;;
      "not ok "*) n=$((n + 1)) && tap_result 1 "$s.sh: $(sed -E 's/^not ok [0-9]+ - //' <<<"$line")" ;;
      "ok "*"# SKIP"*) n=$((n + 1)) && tap_skip 1 "$s.sh: ${line#*# SKIP }" ;;
      "ok "*) n=$((n + 1)) && tap_result 0 "$s.sh: $(sed -E 's/^ok [0-9]+ - //' <<<"$line")" ;;
      "Bail out!"*) tap_result 1 "$s.sh: $line" ;;
      *) echo "$line" ;;
    esac
  done <"$out"
  tap_is "$rc:$n" "0:$plan" \
    "$s.sh: all $plan planned tests ran, exit status $rc ($(($(date +%s) - t0)) s)"
  sed 's/^/# stderr: /' "$CELL_TEST_TMP/$s.err" | head -20
done

tap_plan "$TAP_N"

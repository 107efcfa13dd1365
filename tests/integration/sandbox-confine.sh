#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# sandbox-confine.sh: `cell sandbox` (bwrap's command line) run for real: --ro-bind, --unshare-user with --uid and
# --gid, --cap-drop and --die-with-parent, each checked from inside the sandbox (or on the process it
# leaves), with values no default gives and a control that shows the check can fail.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 13

ERR=$CELL_TEST_TMP/err
# sbx ARGS...: the sandbox over the host's root, read-only (the program is the host's /bin/sh)
sbx() { "$CELL" sandbox --ro-bind / / "$@"; }

# ---- --ro-bind / --bind ----
D=$CELL_TEST_TMP/dir
mkdir -p "$D"
echo host >"$D/f"
out=$(sbx --ro-bind "$D" /mnt sh -c 'echo sandbox >/mnt/f; echo "rc=$?"' 2>&1 | tr '\n' ' ')
tap_like "$out" "Read-only file system rc=2 \$" "--ro-bind: a write from inside fails with EROFS"
tap_is "$(cat "$D/f")" host "... and the host file is unchanged"
out=$(sbx --bind "$D" /mnt sh -c 'echo sandbox >/mnt/f; echo "rc=$?"' 2>&1)
tap_is "$out:$(cat "$D/f")" "rc=0:sandbox" "(control) --bind: the same write goes through"

# ---- --unshare-user --uid --gid ----
out=$(sbx --proc /proc --unshare-user --uid 1234 --gid 4321 --unshare-pid \
  sh -c 'echo "$(id -u) $(id -g)"; tr -s " " <"/proc/self/uid_map"; tr -s " " </proc/self/gid_map; cat /proc/self/setgroups' \
  2>"$ERR" | tr '\n' ';')
tap_is "$out" "1234 4321; 1234 $(id -u) 1; 4321 $(id -g) 1;deny;" \
  "--unshare-user --uid 1234 --gid 4321: those ids inside, one-id maps to the caller's, setgroups denied"

# SECURITY.md row 14: the sandbox's caller may mount inside its procfs, so cell's own writes there go
# through an fd proven to be on that procfs mount: a host file bound over /proc/self/uid_map (where the
# nested user namespace's map is written, --dev makes one) is refused as another mount, and stays as it was
echo host-content >"$CELL_TEST_TMP/hostfile"
out=$(sbx --proc /proc --dev /dev --unshare-user --unshare-pid --uid 1234 --bind "$CELL_TEST_TMP/hostfile" \
  /proc/self/uid_map cat /proc/self/uid_map 2>&1 | tr '\n' ' ')
tap_is "$out" "cell sandbox: write \`1234 0 1 \` to /proc/self/uid_map: Invalid cross-device link " \
  "a host file bound over /proc/self/uid_map: the map write is refused as crossing a mount (EXDEV)"
tap_is "$(cat "$CELL_TEST_TMP/hostfile")" host-content "... and the host file is unchanged"
out=$(sbx --proc /proc --dev /dev --unshare-user --unshare-pid --uid 1234 cat /proc/self/uid_map 2>&1 | tr -s ' ')
tap_is "$out" " 1234 0 1" "(control) without the bind the nested map is written (1234 inside)"

# ---- --cap-drop ----
# cap_bit STATUS_LINE N: bit N of a Cap* hex mask
cap_bit() { echo $(((0x$1 >> $2) & 1)); }
caps=$(sbx --cap-drop CAP_CHOWN sh -c 'grep -E "^Cap(Eff|Bnd):" /proc/self/status | cut -f2' 2>"$ERR" | tr '\n' ' ')
read -r eff bnd <<<"$caps"
tap_is "$(cap_bit "${eff:-0}" 0)$(cap_bit "${eff:-0}" 5)" 01 "--cap-drop CAP_CHOWN: CHOWN is not effective, KILL is"
out=$(sbx --tmpfs /tmp --cap-drop CAP_CHOWN sh -c 'touch /tmp/f && chown 1234 /tmp/f; echo "rc=$?"' 2>&1 | tr '\n' ' ')
tap_like "$out" "Operation not permitted rc=1 \$" "--cap-drop CAP_CHOWN: chown inside fails with EPERM"
out=$(sbx --tmpfs /tmp sh -c 'touch /tmp/f && chown 1234 /tmp/f && stat -c %u /tmp/f' 2>&1)
tap_is "$out" 1234 "(control) without --cap-drop root chowns inside"

# ---- --die-with-parent ----
# dies PIDFILE: 0 when the process named in PIDFILE goes within 5 s (killed when it does not)
dies() {
  local pid i
  pid=$(cat "$1" 2>/dev/null)
  [ -n "$pid" ] || return 2
  for ((i = 0; i < 50; i++)); do
    [ -d "/proc/$pid" ] || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null
  return 1
}
# in_sandbox_under_parent PIDFILE FLAGS...: the sandbox's program (sleep, its pid in PIDFILE) under a
# parent shell that is then SIGKILLed
in_sandbox_under_parent() {
  local pidfile=$1 parent i
  shift
  rm -f "$pidfile"
  setsid bash -c '"$0" sandbox --ro-bind / / "$@" sh -c "echo \$\$; exec sleep 1000" & wait' \
    "$CELL" "$@" </dev/null >"$pidfile" 2>/dev/null &
  parent=$!
  for ((i = 0; i < 100; i++)); do
    [ -s "$pidfile" ] && break
    sleep 0.05
  done
  on_exit "kill -9 $(cat "$pidfile" 2>/dev/null || echo 0)"
  kill -9 "$parent"
  wait "$parent" 2>/dev/null
}
P=$CELL_TEST_TMP/sbx.pid
in_sandbox_under_parent "$P" --die-with-parent
[ -s "$P" ]
tap_result $? "--die-with-parent: the sandbox started (pid $(cat "$P" 2>/dev/null))"
dies "$P"
tap_result $? "--die-with-parent: the program dies when the caller of cell is killed"
in_sandbox_under_parent "$P.2"
tap_result "$(
  dies "$P.2"
  [ $? -eq 1 ]
  echo $?
)" "(control) without --die-with-parent the program outlives its caller (killed by the test)"

exit $((TAP_FAILED != 0))

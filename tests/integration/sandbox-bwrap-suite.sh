#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# sandbox-bwrap-suite.sh: runs bubblewrap's own shell tests (tests/test-run.sh, test-specifying-pidns.sh,
# test-specifying-userns.sh at tag v0.8.0) against a given `bwrap` as an unprivileged user it creates and
# removes, and prints one TAP line per script with its counts. Not in TESTS: it fetches nothing, so it
# needs a bubblewrap checkout the user fetched, and it runs as root (to create the user).
#
# Usage:  sandbox-bwrap-suite.sh BUBBLEWRAP_CHECKOUT BWRAP
#   BUBBLEWRAP_CHECKOUT  a checkout of containers/bubblewrap at v0.8.0 (or its tests/ directory)
#   BWRAP                the bwrap to test: /usr/bin/bwrap, or a symlink named bwrap to cell
# Environment: SANDBOX_SUITE_KEEP=1 keeps the scratch directory (with each script's full log);
# SANDBOX_SUITE_TIMEOUT (seconds, default 180) limits each script.
#
# Baseline, recorded on this project's Debian 12 VM (kernel 6.18, bubblewrap 0.8.0-2+deb12u1, not setuid),
# as root, with the tests of tag v0.8.0 taken from a clone of containers/bubblewrap:
#   git -C bubblewrap archive v0.8.0 tests | tar -x -C /tmp/bwrap-080
#   tests/integration/sandbox-bwrap-suite.sh /tmp/bwrap-080 /usr/bin/bwrap
#     1..3
#     ok 1 - test-run.sh: 58/58 passed, 5 skipped
#     #   1 ok # SKIP - /dev/log is not a socket, cannot test bubblewrap#409
#     #   4 ok # SKIP no FUSE support
#     ok 2 - test-specifying-pidns.sh: 1/1 passed, 0 skipped
#     ok 3 - test-specifying-userns.sh: 1/1 passed, 0 skipped
#   (about 8 s). Issue 14 counts 10 skips; the other 5 are the 4 "cannot read /root/.bashrc" tests, which
#   skip where the test user may enter /root, and "pre-exec failure doesn't include exit-code", which
#   skips where strace lacks `-e fault`. Here /root is 0700 and strace injects faults: they run and pass.
#   For cell:
#   mkdir /tmp/cellbin && ln -s "$PWD/build/cell" /tmp/cellbin/bwrap
#   tests/integration/sandbox-bwrap-suite.sh /tmp/bwrap-080 /tmp/cellbin/bwrap
set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 BUBBLEWRAP_CHECKOUT BWRAP" >&2
  exit 2
fi
checkout=$1
bwrap_arg=$2
if [ -f "$checkout/tests/test-run.sh" ]; then
  tests=$checkout/tests
elif [ -f "$checkout/test-run.sh" ]; then
  tests=$checkout
else
  echo "$0: no tests/test-run.sh in $checkout (a bubblewrap v0.8.0 checkout)" >&2
  exit 2
fi
bwrap_bin=$(readlink -f -- "$bwrap_arg") || bwrap_bin=
if [ -z "$bwrap_bin" ] || [ ! -x "$bwrap_bin" ]; then
  echo "$0: $bwrap_arg is not an executable" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "1..0 # SKIP needs root to create the unprivileged test user"
  exit 0
fi
if [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" = 0 ] ||
  [ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" = 0 ]; then
  echo "1..0 # SKIP unprivileged user namespaces are disabled on this host"
  exit 0
fi
for tool in useradd userdel runuser timeout python3 findmnt getpcaps; do
  if ! command -v "$tool" >/dev/null; then
    echo "1..0 # SKIP $tool is missing (bubblewrap's tests or this harness need it)"
    exit 0
  fi
done

user=cellbwt$$
scratch=$(mktemp -d /var/tmp/cell-bwrap-suite.XXXXXX)
cleanup() {
  # what a test left running goes first (every process of this uid is one this harness started), then the
  # user and its files
  pkill -KILL -u "$user" 2>/dev/null
  userdel "$user" 2>/dev/null
  if [ -n "${SANDBOX_SUITE_KEEP:-}" ]; then
    echo "# kept $scratch"
  else
    rm -rf "$scratch"
  fi
}
trap cleanup EXIT
useradd --system --no-create-home --home-dir "$scratch/home" --shell /bin/sh --user-group "$user" || exit 1

# The user gets its own copy of the tests and of the binary under test: the originals may sit in
# directories it cannot enter. The copy is called bwrap (cell picks its front-end by that name).
mkdir -p "$scratch/home" "$scratch/bin"
cp -r "$tests" "$scratch/tests"
install -m 0755 "$bwrap_bin" "$scratch/bin/bwrap"
chown -R "$user:$user" "$scratch/home" "$scratch/tests"
chmod 0755 "$scratch"

plan=0
failed=0
echo "1..3"
for t in test-run.sh test-specifying-pidns.sh test-specifying-userns.sh; do
  plan=$((plan + 1))
  log=$scratch/$t.log
  # bubblewrap's libtest.sh makes its own scratch dir in /var/tmp and reads BWRAP; BWRAP_MUST_WORK: a
  # bwrap that cannot run `true` fails the tests instead of skipping them all
  # a broken bwrap can leave a test waiting forever (the pidns/userns tests poll for a file): a time limit
  (cd "$scratch/tests" && timeout -k 10 "${SANDBOX_SUITE_TIMEOUT:-180}" runuser -u "$user" -- env -i HOME="$scratch/home" PATH=/usr/local/bin:/usr/bin:/bin \
    LANG=C.UTF-8 BWRAP="$scratch/bin/bwrap" BWRAP_MUST_WORK=1 bash "./$t") >"$log" 2>"$log.trace"
  rc=$?
  want=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log" | head -n1)
  oks=$(grep -c '^ok' "$log")
  skips=$(grep -ciE '^ok.*# *skip' "$log")
  nots=$(grep -c '^not ok' "$log")
  # a script that skips itself whole ("1..0 # SKIP Seems like bwrap is not working at all") failed here
  if [ "$rc" -eq 0 ] && [ "$nots" -eq 0 ] && [ -n "$want" ] && [ "$want" -gt 0 ] && [ "$oks" -eq "$want" ]; then
    echo "ok $plan - $t: $oks/$want passed, $skips skipped"
    grep -iE '^ok.*# *skip' "$log" | sort | uniq -c | sed 's/^ */#   /'
  else
    failed=$((failed + 1))
    echo "not ok $plan - $t: $oks/${want:-?} passed, $skips skipped, exit status $rc"
    grep -E '^(not ok|ok|1\.\.)' "$log" | tail -n 3 | sed 's/^/#   /'
    tail -n 15 "$log.trace" | sed 's/^/#   /'
  fi
done
[ "$failed" -eq 0 ]

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# run.sh: runs a built OCI runtime-tools validation suite against a runtime, one test at a time with a timeout, and prints a table.
#
# Usage (as root):
#   tests/conformance/run.sh [SUITE_DIR] [TEST...]
# SUITE_DIR (or $RUNTIME_TOOLS) is a checkout of opencontainers/runtime-tools where `runtimetest` and
# validation/NAME/NAME.t have been built (the suite is not part of this repository: fetch and build it
# yourself). TESTS are validation names (default: every validation/*/*.t).
# Environment:
#   RUNTIME               runtime binary to test (default: the built cell, $CELL or build/cell)
#   CONFORMANCE_TIMEOUT   seconds per test (default 120)
#   CONFORMANCE_LOGS      directory that keeps each test's TAP output (default: a temporary one, removed)
#
# A test counts as passed when its TAP plan was run to the end with no `not ok` and it exited 0, as
# skipped when every assertion was a skip, and as failed otherwise (also on timeout, crash or a
# missing plan). The table lists each test's ok/not ok/skip counts and its first failing assertion
# (with the error the suite attached to it).

set -u

here=$(cd "$(dirname "$0")" && pwd)
suite=${1:-${RUNTIME_TOOLS:-}}
[ $# -gt 0 ] && shift
if [ -z "$suite" ]; then
  echo "usage: $0 SUITE_DIR [TEST...]   (or set RUNTIME_TOOLS)" >&2
  exit 2
fi
suite=$(cd "$suite" 2>/dev/null && pwd) || {
  echo "conformance: $suite: no such directory" >&2
  exit 2
}
arch=$(uname -m)
case "$arch" in
  x86_64) goarch=amd64 ;;
  i?86) goarch=386 ;;
  *) goarch=$arch ;;
esac
for f in runtimetest "rootfs-$goarch.tar.gz"; do
  if [ ! -e "$suite/$f" ]; then
    echo "conformance: $suite/$f is missing: build the suite first (runtimetest and validation/*/*.t)" >&2
    exit 2
  fi
done

if [ -z "${RUNTIME:-}" ]; then
  RUNTIME=${CELL:-$here/../../build/cell}
fi
runtime=$(command -v "$RUNTIME" 2>/dev/null) || runtime=$RUNTIME
runtime=$(readlink -f "$runtime")
if [ ! -x "$runtime" ]; then
  echo "conformance: runtime $RUNTIME is not an executable" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "conformance: the suite runs containers and needs root" >&2
  exit 2
fi
timeout_s=${CONFORMANCE_TIMEOUT:-120}

if [ $# -gt 0 ]; then
  tests=("$@")
else
  tests=()
  for t in "$suite"/validation/*/*.t; do
    [ -x "$t" ] && tests+=("$(basename "$t" .t)")
  done
fi
if [ ${#tests[@]} -eq 0 ]; then
  echo "conformance: no built tests in $suite/validation (build validation/NAME/NAME.t)" >&2
  exit 2
fi

scratch=$(mktemp -d /tmp/cell-conformance.XXXXXX)
logs=${CONFORMANCE_LOGS:-$scratch/logs}
mkdir -p "$logs"

# Containers that a test left behind: only those whose bundle is in this run's scratch dir.
cleanup_containers() {
  local id bundle
  for id in $("$runtime" list -q 2>/dev/null); do
    bundle=$("$runtime" state "$id" 2>/dev/null | jq -r '.bundle // empty' 2>/dev/null)
    case "$bundle" in
      "$scratch"/*) "$runtime" delete --force "$id" >/dev/null 2>&1 ;;
    esac
  done
  # The cgroups tests use fixed cgroup paths (/cgrouptest, /testdir/cgrouptest); a runtime that leaves one
  # behind is noted in the test's log, and the empty directories are removed.
  local d left=
  for d in /sys/fs/cgroup/cgrouptest /sys/fs/cgroup/*/cgrouptest /sys/fs/cgroup/testdir/cgrouptest \
    /sys/fs/cgroup/*/testdir/cgrouptest /sys/fs/cgroup/testdir /sys/fs/cgroup/*/testdir; do
    [ -d "$d" ] || continue
    case $d in */testdir) ;; *) left="$left $d" ;; esac
    rmdir "$d" 2> /dev/null
  done
  [ -n "$left" ] && [ -n "${log:-}" ] && echo "# cgroups left behind:$left" >> "$log"
  grep -o " $scratch/[^ ]*" /proc/self/mountinfo 2>/dev/null | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
}
cleanup() {
  cleanup_containers
  rm -rf "$scratch/tmp"
  [ -z "${CONFORMANCE_LOGS:-}" ] && rm -rf "$scratch"
  [ -n "${CONFORMANCE_LOGS:-}" ] && rmdir "$scratch" 2>/dev/null
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# first_failure LOG: the first `not ok` line, and the error/stderr the suite attached to it.
first_failure() {
  awk '
    found && /^(ok|not ok) / { exit }
    found && /^ *(error|stderr|message): / { sub(/^ *[a-z]+: */, ""); extra = extra " | " $0; n++; if (n >= 2) exit }
    !found && /^not ok / && !/# TODO/ { found = 1; line = $0; sub(/^not ok [0-9]+ *-? */, "", line) }
    END { if (found) printf "%s%s", line, extra }
  ' "$1" | tr -s ' \t' ' ' | cut -c1-220
}

printf '%-40s %-7s %5s %6s %5s %5s  %s\n' TEST RESULT OK NOTOK SKIP PLAN "FIRST FAILURE"
passed=0 failed=0 skipped=0
for name in "${tests[@]}"; do
  bin=$suite/validation/$name/$name.t
  log=$logs/$name.tap
  if [ ! -x "$bin" ]; then
    printf '%-40s %-7s %5s %6s %5s %5s  %s\n' "$name" FAIL - - - - "not built: $bin"
    failed=$((failed + 1))
    continue
  fi
  mkdir -p "$scratch/tmp"
  (cd "$suite" && TMPDIR=$scratch/tmp RUNTIME=$runtime timeout -k 5 "$timeout_s" "$bin") > "$log" 2>&1 < /dev/null
  rc=$?
  cleanup_containers
  rm -rf "$scratch/tmp"
  nok=$(grep -cE '^ok ' "$log")
  nskip=$(grep -cE '^ok [0-9]+ *-? *# *SKIP' "$log")
  nnot=$(grep -E '^not ok ' "$log" | grep -vc '# TODO')
  plan=$(grep -oE '^1\.\.[0-9]+' "$log" | head -1 | cut -d. -f3)
  npass=$((nok - nskip))
  why=
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    result=FAIL why="timeout after ${timeout_s}s"
  elif [ "$nnot" -gt 0 ]; then
    result=FAIL why=$(first_failure "$log")
  elif [ -z "$plan" ] && [ "$rc" -eq 0 ] && grep -qE '^failed to (create|start) the container' "$log"; then
    # The *_fail tests: the runtime was expected to refuse the config, did so, and the test exited 0.
    result=PASS
  elif [ -z "$plan" ] && [ "$rc" -eq 0 ] && [ ! -s "$log" ]; then
    result=FAIL why="no output: the container ran but runtimetest printed nothing"
  elif [ -z "$plan" ]; then
    result=FAIL why="no TAP plan (exit $rc): $(grep -vE '^(ok|not ok|#|  )' "$log" | head -2 | tr '\n' ' ' | cut -c1-180)"
  elif [ "$plan" -eq 0 ] && grep -qE '^ +"?error"?: ' "$log"; then
    # The hook tests report a failure as a YAML diagnostic without an assertion.
    result=FAIL why=$(grep -m1 -E '^ +"?error"?: ' "$log" | sed -E 's/^ +"?error"?: *"?//; s/\\n.*//; s/"?,?$//' | cut -c1-200)
  elif [ $((nok + nnot)) -ne "$plan" ]; then
    result=FAIL why="ran $((nok + nnot)) of $plan (exit $rc): $(grep -vE '^(ok|not ok|1\.\.)' "$log" | grep -v '^ *$' | tail -2 | tr '\n' ' ' | cut -c1-180)"
  elif [ "$rc" -ne 0 ]; then
    result=FAIL why="exit $rc: $(grep -vE '^(ok|not ok|1\.\.)' "$log" | grep -v '^ *$' | tail -2 | tr '\n' ' ' | cut -c1-180)"
  elif [ "$npass" -eq 0 ] && [ "$nskip" -gt 0 ]; then
    result=SKIP why=$(grep -m1 -oE '# *SKIP.*' "$log" | sed 's/^# *SKIP *//' | cut -c1-180)
  else
    result=PASS
  fi
  case $result in
    PASS) passed=$((passed + 1)) ;;
    SKIP) skipped=$((skipped + 1)) ;;
    *) failed=$((failed + 1)) ;;
  esac
  printf '%-40s %-7s %5s %6s %5s %5s  %s\n' "$name" "$result" "$npass" "$nnot" "$nskip" "${plan:--}" "$why"
done
echo "# $runtime: $passed passed, $failed failed, $skipped skipped of ${#tests[@]} tests"
[ -n "${CONFORMANCE_LOGS:-}" ] && echo "# TAP logs in $logs"
[ "$failed" -eq 0 ]

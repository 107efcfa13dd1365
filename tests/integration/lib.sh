# SPDX-License-Identifier: LGPL-2.1-or-later
# lib.sh: shared helpers of the integration tests: TAP output, busybox bundles, cleanup of what a test made.
# Sourced by every tests/integration/*.sh. Environment (set by `make check`): CELL, CELL_HELPER,
# CELL_SRCDIR, CELL_BUILDDIR, BUSYBOX, SHARED_DIR.

: "${CELL:=$CELL_BUILDDIR/cell}"
: "${BUSYBOX:=/bin/busybox}"
[ -x "$BUSYBOX" ] || BUSYBOX=$(command -v busybox 2>/dev/null || echo /bin/busybox)

TAP_N=0
TAP_FAILED=0
CELL_TEST_TMP=$(mktemp -d /tmp/cell-test.XXXXXX)
CELL_TEST_ROOT=$CELL_TEST_TMP/state
_ON_EXIT=()

# --enable-sanitizers (`make check` sets CELL_SANITIZERS=1): every cell process writes its ASan, LSan and
# UBSan reports into files here instead of stderr (tests compare stderr, and a failing command exits 1
# either way), and the script fails at exit when any report appeared.
CELL_SANITIZER_DIR=
if [ "${CELL_SANITIZERS:-0}" = 1 ]; then
  CELL_SANITIZER_DIR=$CELL_TEST_TMP/sanitizer
  mkdir -p "$CELL_SANITIZER_DIR"
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$CELL_SANITIZER_DIR/asan"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$CELL_SANITIZER_DIR/ubsan"
fi

# sanitized: is cell built with the sanitizers? A test that measures what they change (cell's own fds,
# memory or timing) skips there, saying so.
sanitized() { [ -n "$CELL_SANITIZER_DIR" ]; }

on_exit() { _ON_EXIT+=("$1"); }

_lib_cleanup() {
  local i id
  for ((i = ${#_ON_EXIT[@]} - 1; i >= 0; i--)); do eval "${_ON_EXIT[$i]}" >/dev/null 2>&1; done
  if [ -d "$CELL_TEST_ROOT" ]; then
    for id in $(ls "$CELL_TEST_ROOT" 2>/dev/null); do
      "$CELL" --root "$CELL_TEST_ROOT" delete --force "$id" >/dev/null 2>&1
    done
  fi
  # Anything a failed test left mounted below the temp dir must not survive it.
  grep -o " $CELL_TEST_TMP[^ ]*" /proc/self/mountinfo 2>/dev/null | sort -r | while read -r m; do umount -l "$m"; done
  if [ -n "$CELL_SANITIZER_DIR" ] && [ -n "$(ls -A "$CELL_SANITIZER_DIR" 2>/dev/null)" ]; then
    for f in "$CELL_SANITIZER_DIR"/*; do
      echo "# ${f##*/}:"
      head -n 60 "$f" | sed 's/^/#   /'
    done
    echo "Bail out! cell processes of this script had sanitizer reports (above)"
    rm -rf "$CELL_TEST_TMP"
    exit 1
  fi
  rm -rf "$CELL_TEST_TMP"
}
trap _lib_cleanup EXIT

tap_plan() { echo "1..$1"; }

# tap_result STATUS DESCRIPTION: ok when STATUS is 0.
tap_result() {
  TAP_N=$((TAP_N + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $TAP_N - $2"
  else
    TAP_FAILED=$((TAP_FAILED + 1))
    echo "not ok $TAP_N - $2"
  fi
}

# tap_is GOT WANT DESCRIPTION
tap_is() {
  if [ "$1" = "$2" ]; then
    tap_result 0 "$3"
  else
    tap_result 1 "$3"
    printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
  fi
}

# tap_like GOT REGEX DESCRIPTION (extended regex, anywhere in GOT)
tap_like() {
  if printf '%s' "$1" | grep -Eq -- "$2"; then
    tap_result 0 "$3"
  else
    tap_result 1 "$3"
    printf '#   got:  %s\n#   want: /%s/\n' "$(printf '%s' "$1" | head -5)" "$2"
  fi
}

# tap_skip N REASON
tap_skip() {
  local i
  for ((i = 0; i < $1; i++)); do
    TAP_N=$((TAP_N + 1))
    echo "ok $TAP_N # SKIP $2"
  done
}

tap_need_root() { [ "$(id -u)" -eq 0 ]; }

# Skips the whole script unless root.
require_root() {
  if ! tap_need_root; then
    echo "1..0 # SKIP needs root"
    exit 0
  fi
}

# cellr ARGS...: cell with the test's state root.
cellr() { "$CELL" --root "$CELL_TEST_ROOT" "$@"; }

# The shared busybox rootfs template (built once per script).
_ROOTFS_TEMPLATE=
_make_rootfs_template() {
  local r=$CELL_TEST_TMP/rootfs-template a
  _ROOTFS_TEMPLATE=$r
  # make_bundle runs in $(...): the variable does not survive, the directory does
  [ -x "$r/bin/busybox" ] && return 0
  mkdir -p "$r/bin" "$r/sbin" "$r/etc" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/root" "$r/usr/bin" "$r/var"
  chmod 1777 "$r/tmp"
  cp "$BUSYBOX" "$r/bin/busybox"
  for a in sh ls cat echo sleep true false id mkdir touch rm ln mount umount hostname grep sed head tail wc \
    stat readlink env ps kill chmod chown cut tr sort uniq test printf pwd dd od sync mknod df find xargs \
    nproc ulimit timeout yes seq basename dirname date whoami; do
    ln -s busybox "$r/bin/$a"
  done
  [ -n "$CELL_HELPER" ] && [ -x "$CELL_HELPER" ] && cp "$CELL_HELPER" "$r/bin/cell-helper"
  echo "root:x:0:0:root:/root:/bin/sh" > "$r/etc/passwd"
  echo "root:x:0:" > "$r/etc/group"
  _ROOTFS_TEMPLATE=$r
}

# make_bundle NAME: a bundle dir with a busybox rootfs and `cell spec`'s config.json (terminal off,
# args `sh -c true`, root writable). Prints its path.
make_bundle() {
  local b=$CELL_TEST_TMP/bundles/$1
  [ -n "$_ROOTFS_TEMPLATE" ] || _make_rootfs_template
  mkdir -p "$b"
  cp -a "$_ROOTFS_TEMPLATE" "$b/rootfs"
  (cd "$b" && "$CELL" spec) || return 1
  bundle_set "$b" '.process.terminal = false | .process.args = ["true"] | .root.readonly = false'
  echo "$b"
}

# bundle_set BUNDLE JQ-FILTER [jq args...]: edits BUNDLE/config.json in place.
bundle_set() {
  local b=$1 f=$2
  shift 2
  jq "$@" "$f" "$b/config.json" > "$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
}

# run_in BUNDLE ARGS...: runs ARGS as the container's process in the foreground; prints its stdout.
_RUN_N=0
run_in() {
  local b=$1
  shift
  _RUN_N=$((_RUN_N + 1))
  bundle_set "$b" '.process.args = $a' --argjson a "$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@")"
  cellr run --bundle "$b" "run-$$-$_RUN_N" < /dev/null
}

# What a state root holds but the (at most two) removed containers' directories cell keeps for the next create.
state_entries() { ls -A "$1" 2>/dev/null | grep -vx '\.keep[01]'; }
# No process of the test is left behind: nothing in CELL_TEST_ROOT.
state_empty() { [ -z "$(state_entries "$CELL_TEST_ROOT")" ]; }

# Host mountinfo lines that mention PATTERN (fixed string).
host_mounts_matching() { grep -F -- "$1" /proc/self/mountinfo; }

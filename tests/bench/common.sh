# SPDX-License-Identifier: LGPL-2.1-or-later
# common.sh: what the benchmarks share (sourced): installing the tools they use, and running in a private
# mount namespace without the hybrid host's cgroup2 mount (crun 1.8 refuses that layout:
# "cgroups in hybrid mode not supported"), so that every runtime sees the same plain v1 layout.

# bench_tools WHO NEED...: each NEED is COMMAND:PACKAGE (COMMAND in $PATH, or an absolute path that must be
# executable); the packages of those missing are installed (as root; otherwise an error naming them).
bench_tools() {
  local who=$1 need cmd missing=()
  shift
  for need in "$@"; do
    cmd=${need%%:*}
    case $cmd in
      /*) [ -x "$cmd" ] ;;
      *) command -v "$cmd" >/dev/null ;;
    esac || missing+=("${need#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "$who: missing ${missing[*]}" >&2
    return 1
  fi
  echo "$who: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

# bench_private_ns WHO SCRIPT ARGS...: the first time, re-executes SCRIPT with ARGS in a private mount
# namespace (the host's mounts stay as they are); in there, unmounts /sys/fs/cgroup/unified.
bench_private_ns() {
  local who=$1 script=$2
  shift 2
  if [ -z "${CELL_BENCH_PRIVATE_NS:-}" ]; then
    export CELL_BENCH_PRIVATE_NS=1
    exec unshare -m --propagation private "$(readlink -f "$script")" "$@"
  fi
  if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then
    umount /sys/fs/cgroup/unified || echo "$who: warning: cannot unmount /sys/fs/cgroup/unified" >&2
  fi
}

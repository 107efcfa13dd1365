#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# quickstart.sh: install build deps, build cell in build/, then run a busybox demo container or the test suite.
#
# Usage (as root, on Debian 12, from any directory):
#   contrib/quickstart.sh demo    build, then run a busybox container with build/cell
#   contrib/quickstart.sh test    build, then `make check` and `make format-check`
set -eu

# The packages cell needs to build and to run its tests (.ci/run installs the same list, plus clang and
# libclang-rt-14-dev for its fuzzing tree, and the clients of tests/integration/podman.sh and containerd.sh,
# which skip without them).
DEPS=(build-essential autoconf automake libtool pkg-config libyajl-dev libseccomp-dev libcap-dev
  busybox-static squashfs-tools jq python3-jsonschema clang-format uidmap)

usage() {
  echo "usage: $0 demo|test" >&2
  exit 2
}

[ $# -eq 1 ] || usage
MODE=$1
case $MODE in
  demo | test) ;;
  -h | --help) usage ;;
  *) usage ;;
esac

SRCDIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$SRCDIR"
BUILDDIR=$SRCDIR/build
JOBS=$(nproc 2>/dev/null || echo 2)

say() { printf '==> %s\n' "$*"; }

install_deps() {
  local missing=() p status
  for p in "${DEPS[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    case $status in
      ii*) ;;
      *) missing+=("$p") ;;
    esac
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "build dependencies already installed"
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "$0: missing packages: ${missing[*]}; run as root (sudo) to install them" >&2
    exit 1
  fi
  say "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
}

build() {
  if [ -f "$SRCDIR/config.status" ]; then
    echo "$0: the source tree is configured in place; run \`make distclean\` there first (we build in build/)" >&2
    exit 1
  fi
  say "autoreconf -fi"
  autoreconf -fi
  mkdir -p "$BUILDDIR"
  cd "$BUILDDIR"
  say "configure (out of tree, in build/)"
  ../configure --enable-werror
  say "make -j$JOBS"
  make -j"$JOBS"
}

demo() {
  local demo=$BUILDDIR/demo rootfs busybox applet id
  rootfs=$demo/rootfs
  busybox=$(command -v busybox || echo /bin/busybox)
  say "building a busybox rootfs in build/demo/rootfs"
  rm -rf "$demo"
  mkdir -p "$rootfs"/{bin,dev,etc,proc,sys,tmp,root}
  cp "$busybox" "$rootfs/bin/busybox"
  for applet in $("$rootfs/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
  echo 'root:x:0:' >"$rootfs/etc/group"

  say "writing build/demo/config.json with \`cell spec\`"
  (cd "$demo" && "$BUILDDIR/cell" spec)
  jq '.process.terminal = false
      | .process.args = ["sh", "-c", "echo hello from cell; id; hostname; cat /proc/self/uid_map"]
      | .root.path = "rootfs"
      | .hostname = "cell-demo"' "$demo/config.json" >"$demo/config.json.tmp"
  mv "$demo/config.json.tmp" "$demo/config.json"

  id=demo-$$
  say "running: build/cell run --bundle build/demo $id"
  cd "$SRCDIR"
  build/cell run --bundle build/demo "$id"
}

run_tests() {
  local check=0 format=0
  cd "$BUILDDIR"
  say "make -j$JOBS check"
  make -j"$JOBS" check || check=$?
  say "make format-check"
  make format-check || format=$?
  if [ "$check" -ne 0 ]; then
    echo "$0: make check failed (status $check)" >&2
    exit "$check"
  fi
  if [ "$format" -ne 0 ]; then
    echo "$0: make format-check failed (status $format); run \`make format\` in build/" >&2
    exit "$format"
  fi
  say "all tests passed"
}

install_deps
build
case $MODE in
  demo) demo ;;
  test) run_tests ;;
esac

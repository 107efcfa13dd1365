#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# sandbox.sh: the sandbox front-end (`cell sandbox`, and cell invoked as `bwrap`) run for real, as root and as
# an unprivileged user made here (removed on exit): every option of bubblewrap 0.8.0 and every extra of
# mkosi-sandbox, each checked from inside the sandbox (cell-helper, host tools under --ro-bind / /); every
# behaviour that bubblewrap's own tests/test-run.sh, test-specifying-pidns.sh and test-specifying-userns.sh
# (v0.8.0) check, case by case in the order of test-run.sh, so that CI guards them without that suite; the
# exit statuses; bad input (one line naming the option, exit 1, nothing left behind); fd hygiene; seccomp
# programs (issue 14, items 3-7).
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
for tool in useradd userdel setpriv python3 jq unshare script; do
  if ! command -v "$tool" >/dev/null; then
    echo "1..0 # SKIP needs $tool"
    exit 0
  fi
done
if [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" = 0 ] ||
  [ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" = 0 ]; then
  echo "1..0 # SKIP unprivileged user namespaces are disabled on this host"
  exit 0
fi
tap_plan 290

# only what a test passes on purpose reaches a sandbox: the fds this script inherited go (bash keeps the
# script on 255, close-on-exec)
for fd in $(ls /proc/$$/fd); do
  if [ "$fd" -gt 2 ] && [ "$fd" -lt 255 ]; then eval "exec $fd>&-"; fi
done
T=$CELL_TEST_TMP
chmod 755 "$T"
# python3 itself (not a shim that may be slow or out of the test user's reach)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)
# the test user: made here, every process of it killed and the user removed on exit (in reverse order)
SU=cellsb$$
# (userdel refuses while a killed process of the user has not exited yet: a few tries; not with $i, the
# variable of the cleanup loop in lib.sh that evaluates this)
on_exit "for try in 1 2 3 4 5 6 7 8 9 10; do userdel $SU && break; sleep 0.2; done"
on_exit "pkill -KILL -u $SU"
# the helper processes a failed test may leave (root's): each carries this run's pid in its argument
on_exit "pkill -KILL -f 'cell-helper sleep 3[0-9]\\.$$'"
useradd --system --no-create-home --home-dir "$T/home-user" --shell /bin/sh --user-group "$SU" || {
  tap_skip 290 "useradd $SU failed"
  exit 0
}
SUID=$(id -u "$SU")
SGID=$(id -g "$SU")
# bwrap's tests run with a tmpfs on /tmp: what they use lives in /var/tmp, as theirs does. There, a copy of
# the runtime and the helper both identities can reach; `bwrap` is a link to it
VT=$(mktemp -d /var/tmp/cell-sandbox.XXXXXX)
on_exit "rm -rf $VT"
chmod 755 "$VT"
BIN=$VT/bin
mkdir -m 755 "$BIN" && cp "$CELL" "$BIN/cell" && cp "$CELL_HELPER" "$BIN/cell-helper" && ln -s cell "$BIN/bwrap"
chmod 755 "$BIN/cell" "$BIN/cell-helper"
H=$BIN/cell-helper
# a directory of each identity's own, the caller's working directory
mkdir -m 755 "$T/w-root" "$T/w-user" "$T/home-root" "$T/home-user"
chown "$SU:$SU" "$T/w-user" "$T/home-user"
ERR=$T/err
PATHS=/usr/sbin:/usr/bin:/sbin:/bin
MARK=cellsbmark$$

# as WHO CMD...: CMD as root, or as the test user with nothing of root left (setpriv drops every cap), each
# with a small environment of its own and its own directory ($WD_root, $WD_user) as the working directory
WD_root=$T/w-root
WD_user=$T/w-user
as() {
  local who=$1
  shift
  if [ "$who" = root ]; then
    (cd "$WD_root" && env -i PATH=$PATHS HOME="$T/home-root" LANG=C.UTF-8 "$@")
  else
    (cd "$WD_user" && setpriv --reuid="$SUID" --regid="$SGID" --init-groups --inh-caps=-all \
      env -i PATH=$PATHS HOME="$T/home-user" LANG=C.UTF-8 "$@")
  fi
}
# sb WHO ARGS...: `cell sandbox ARGS` as WHO; bw WHO ARGS...: cell invoked as `bwrap` (stderr to $ERR)
sb() {
  local who=$1
  shift
  as "$who" "$BIN/cell" sandbox "$@" 2>"$ERR"
}
bw() {
  local who=$1
  shift
  as "$who" "$BIN/bwrap" "$@" 2>"$ERR"
}
line() { printf '%s\n' "$1" | grep -m1 "^$2=" | cut -d= -f2-; }
flat() { tr -s ' \t' ' ' | sed 's/^ //; s/ $//' | tr '\n' ';'; }
# the mount options of the mount at $2 in mountinfo text $1 (the last one there: the top of the stack)
mopts() { printf '%s\n' "$1" | awk -v m="$2" '$5 == m {o = $6} END {print o}'; }
mtype() { printf '%s\n' "$1" | awk -v m="$2" '$5 == m {for (i = 7; $i != "-"; i++); t = $(i + 1)} END {print t}'; }
# the pids of cell-helper processes running `sleep ARG` (not the sandboxes whose command line names them)
helpers() { for p in $(pgrep -f "sleep $1"); do [ "$(readlink /proc/$p/exe 2>/dev/null)" = "$H" ] && echo $p; done; }
# reap JOB PATTERN: waits for the background job JOB, at most 5 s: past that, what runs with PATTERN in its
# command line (a marker of this run) is killed, so that a broken runtime fails the test instead of hanging it
reap() {
  local i
  for i in $(seq 50); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$1" 2>/dev/null && pkill -KILL -f "$2"
  wait "$1"
}
hostcaps() { awk '/^CapEff:/ {print $2}' /proc/self/status; }
# the host's caps as uid 0 (this shell's), and without one
ROOTCAPS=$(hostcaps)
idsof() { if [ "$1" = root ]; then echo "0 0"; else echo "$SUID $SGID"; fi; }

# ================================ every option, from inside ================================

for WHO in root user; do
  D=$T/w-$WHO
  read -r MYUID MYGID <<<"$(idsof $WHO)"
  mkdir -p "$D/src" "$D/empty"
  echo "from the host" >"$D/src/file"
  [ $WHO = user ] && chown -R "$SU:$SU" "$D/src" "$D/empty"

  # ---- binds: --bind, --ro-bind, --dev-bind and their -try forms ----
  out=$(bw $WHO --ro-bind / / --tmpfs /mnt --bind "$D/src" /mnt/b sh -c \
    "$H write /mnt/b/new bound-$WHO-$$; cat /mnt/b/file; grep ' /mnt/b ' /proc/self/mountinfo")
  tap_is "$(printf '%s\n' "$out" | head -2 | tr '\n' ';'):$(cat "$D/src/new" 2>&1):$(mopts "$out" /mnt/b | cut -d, -f1-3)" \
    "write=ok;from the host;:bound-$WHO-$$:rw,nosuid,nodev" "$WHO: --bind: the host dir read and written through, mounted nosuid,nodev"
  out=$(bw $WHO --ro-bind / / --tmpfs /mnt --ro-bind "$D/src" /mnt/b sh -c \
    "$H write /mnt/b/new2 x; grep ' /mnt/b ' /proc/self/mountinfo")
  tap_is "$(line "$out" write):$(mopts "$out" /mnt/b | cut -d, -f1-3):$(echo $(ls "$D/src"))" "EROFS:ro,nosuid,nodev:file new" \
    "$WHO: --ro-bind: writes refused (EROFS), mounted ro,nosuid,nodev"
  out=$(bw $WHO --ro-bind / / --tmpfs /mnt --dev-bind /dev/null /mnt/null --bind /dev/null /mnt/nodev sh -c \
    "$H open /mnt/null rw; $H open /mnt/nodev rw")
  tap_is "$(echo $out)" "open=ok open=EACCES" "$WHO: --dev-bind keeps device access; --bind makes it nodev (EACCES)"
  out=$(bw $WHO --ro-bind / / --tmpfs /mnt --bind-try /nonexistent-$$ /mnt/a --ro-bind-try /nonexistent-$$ /mnt/b \
    --dev-bind-try /nonexistent-$$ /mnt/c --ro-bind-try "$D/src" /mnt/d --dev-bind-try /dev/null /mnt/e sh -c \
    "ls /mnt | tr '\n' ' '; cat /mnt/d/file; $H open /mnt/e rw")
  tap_is "$?:$(echo $out)" "0:d e from the host open=ok" "$WHO: --bind-try, --ro-bind-try, --dev-bind-try: a missing source is skipped, an existing one bound"

  # ---- --remount-ro, --bind-fd, --ro-bind-fd ----
  out=$(bw $WHO --ro-bind / / --tmpfs /mnt --remount-ro /mnt sh -c "$H write /mnt/x y; grep ' /mnt ' /proc/self/mountinfo")
  tap_is "$(line "$out" write):$(mopts "$out" /mnt | cut -d, -f1-3)" "EROFS:ro,nosuid,nodev" "$WHO: --remount-ro: the tmpfs becomes ro,nosuid,nodev"
  out=$(bw $WHO --ro-bind / / --tmpfs /mnt --bind-fd 5 /mnt/rw --ro-bind-fd 6 /mnt/ro sh -c \
    "cat /mnt/rw/file; $H write /mnt/rw/byfd fd-$$; $H write /mnt/ro/no x" 5<"$D/src" 6<"$D/src")
  tap_is "$(echo $out):$(cat "$D/src/byfd" 2>&1)" "from the host write=ok write=EROFS:fd-$$" \
    "$WHO: --bind-fd binds the fd's directory writable, --ro-bind-fd read-only"

  # ---- --tmpfs with --size and --perms, --dir with --perms, --chmod, --symlink ----
  out=$(bw $WHO --ro-bind / / --tmpfs /mnt --perms 1750 --size 1048576 --tmpfs /mnt/t sh -c \
    "stat -c %a /mnt/t; grep ' /mnt/t ' /proc/self/mountinfo")
  tap_is "$(printf '%s\n' "$out" | head -1):$(mopts "$out" /mnt/t | cut -d, -f1-3):$(printf '%s\n' "$out" | grep -o 'size=[0-9]*k')" \
    "1750:rw,nosuid,nodev:size=1024k" "$WHO: --perms 1750 --size 1048576 --tmpfs: mode 1750, 1 MiB, nosuid,nodev"
  out=$(bw $WHO --ro-bind / / --tmpfs /mnt --perms 0710 --dir /mnt/a/b --dir /mnt/c --chmod 1705 /mnt/c \
    --symlink "/target-$$" /mnt/l stat -c '%n %a' /mnt/a /mnt/a/b /mnt/c)
  tap_is "$(echo $out)" "/mnt/a 750 /mnt/a/b 710 /mnt/c 1705" "$WHO: --perms 0710 --dir (its new parent 0750), --chmod 1705"
  tap_is "$(bw $WHO --ro-bind / / --tmpfs /mnt --symlink "../target-$$" /mnt/l readlink /mnt/l)" "../target-$$" \
    "$WHO: --symlink makes the link as given"

  # ---- --file, --bind-data, --ro-bind-data (with --perms), mkosi's --write ----
  printf 'data-%s\n' "$$" >"$D/data"
  out=$(bw $WHO --ro-bind / / --tmpfs /mnt --file 5 /mnt/f --perms 0604 --file 6 /mnt/g --bind-data 7 /mnt/h \
    --perms 0640 --ro-bind-data 8 /mnt/i --write "mkosi-$$" /mnt/w sh -c \
    "stat -c '%n %a' /mnt/f /mnt/g /mnt/h /mnt/i /mnt/w; cat /mnt/f /mnt/g /mnt/h /mnt/i /mnt/w; echo; $H write /mnt/h y; $H write /mnt/i z" \
    5<"$D/data" 6<"$D/data" 7<"$D/data" 8<"$D/data")
  tap_is "$(echo $out)" "/mnt/f 666 /mnt/g 604 /mnt/h 600 /mnt/i 640 /mnt/w 644 data-$$ data-$$ data-$$ data-$$ mkosi-$$ write=ok write=EROFS" \
    "$WHO: --file (0666), --perms --file, --bind-data (0600), --perms --ro-bind-data (read-only), --write (0644)"

  # ---- --proc, --dev, --mqueue ----
  out=$(bw $WHO --ro-bind / / --unshare-pid --proc /proc "$H" status Pid)$'\n'$(bw $WHO --ro-bind / / --unshare-pid --proc /proc cat /proc/self/mountinfo)
  tap_is "$(printf '%s\n' "$out" | head -1 | flat):$(mtype "$out" /proc):$(mopts "$out" /proc | cut -d, -f1-4)" \
    "Pid: 2;:proc:rw,nosuid,nodev,noexec" "$WHO: --proc with --unshare-pid: a procfs of the sandbox's pid namespace (the command is pid 2)"
  out=$(bw $WHO --ro-bind / / --dev /dev sh -c "ls -A /dev | tr '\n' ' '; $H open /dev/null rw; $H open /dev/full w; readlink /dev/ptmx /dev/fd /dev/stdout; grep ' /dev/pts ' /proc/self/mountinfo")
  tap_is "$(printf '%s\n' "$out" | head -5 | tr '\n' ';'):$(mtype "$out" /dev/pts)" \
    "core fd full null ptmx pts random shm stderr stdin stdout tty urandom zero open=ok;open=ok;pts/ptmx;/proc/self/fd;/proc/self/fd/1;:devpts" \
    "$WHO: --dev: bwrap's minimal /dev (usable nodes, stdio links, ptmx, a devpts of its own)"
  # on a terminal (a pty of script's), /dev/console is that terminal (the device of the caller's stdout)
  out=$(as $WHO script -qec "$BIN/bwrap --ro-bind / / --dev /dev sh -c 'stat -c %t:%T /dev/console; stat -L -c %t:%T /proc/self/fd/1'" /dev/null </dev/null | tr -d '\r' | flat)
  tap_like "$out" "^(88:[0-9a-f]+);\\1;$" "$WHO: --dev on a terminal: /dev/console is the caller's tty (a pty, major 136)"
  out=$(bw $WHO --ro-bind / / --unshare-ipc --tmpfs /mnt --mqueue /mnt/mq grep ' /mnt/mq ' /proc/self/mountinfo)
  tap_is "$(mtype "$out" /mnt/mq)" "mqueue" "$WHO: --mqueue mounts an mqueue filesystem"

  # ---- namespaces ----
  hostns() { for n in cgroup ipc mnt net pid user uts; do echo "$n=$(readlink /proc/self/ns/$n)"; done; }
  nsdiff() { # the namespaces of the sandbox's command (ARGS) that differ from the host's
    local in
    in=$(bw $WHO --ro-bind / / "$@" sh -c 'for n in cgroup ipc mnt net pid user uts; do echo "$n=$(readlink /proc/self/ns/$n)"; done')
    diff <(hostns) <(printf '%s\n' "$in") | sed -n 's/^> \([a-z]*\)=.*/\1/p' | tr '\n' ' '
  }
  own=""
  [ $WHO = user ] && own=" user" # anyone but root needs a user namespace
  for ns in ipc net uts cgroup pid; do
    tap_is "$(nsdiff --unshare-$ns)" "$(echo "$ns mnt$own" | tr ' ' '\n' | sort | tr '\n' ' ')" "$WHO: --unshare-$ns: a new $ns namespace (and mount$own), the others the host's"
  done
  # bwrap brings the loopback up in a new network namespace: 127.0.0.1 answers
  lo='import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); socket.create_connection(s.getsockname()); print("lo up")'
  tap_is "$(bw $WHO --ro-bind / / --unshare-net "$PY" -c "$lo" 2>&1 | tail -1)" "lo up" "$WHO: --unshare-net: a loopback that is up (127.0.0.1 answers)"
  tap_is "$(nsdiff --unshare-cgroup-try)" "$(echo "cgroup mnt$own" | tr ' ' '\n' | sort | tr '\n' ' ')" "$WHO: --unshare-cgroup-try where the kernel has cgroup namespaces"
  tap_is "$(nsdiff --unshare-all)" "cgroup ipc mnt net pid user uts " "$WHO: --unshare-all: every namespace (user too: --unshare-user-try)"
  tap_is "$(nsdiff --unshare-all --share-net)" "cgroup ipc mnt pid user uts " "$WHO: --unshare-all --share-net keeps the host's network"
  for opt in --unshare-user --unshare-user-try; do
    tap_is "$(bw $WHO --ro-bind / / $opt sh -c 'cat /proc/self/uid_map /proc/self/gid_map' | flat)" \
      "$MYUID $MYUID 1;$MYGID $MYGID 1;" "$WHO: $opt: the caller's ids mapped to themselves"
  done
  out=$(bw $WHO --ro-bind / / --unshare-user --uid 1234 --gid 5678 sh -c "$H ids; cat /proc/self/uid_map /proc/self/gid_map")
  tap_is "$(printf '%s\n' "$out" | head -2 | tr '\n' ' ')$(printf '%s\n' "$out" | tail -2 | flat)" \
    "uid=1234,1234,1234,1234 gid=5678,5678,5678,5678 1234 $MYUID 1;5678 $MYGID 1;" "$WHO: --uid 1234 --gid 5678 with --unshare-user"
  out=$(bw $WHO --ro-bind / / --unshare-user --uid 1234 --gid 5678 --dev /dev --proc /proc --unshare-pid sh -c "$H ids; cat /proc/self/uid_map; $H open /dev/null rw")
  tap_is "$(printf '%s\n' "$out" | grep -v groups= | flat)" "uid=1234,1234,1234,1234;gid=5678,5678,5678,5678;1234 0 1;open=ok;" \
    "$WHO: --uid with --dev: root maps first (for devpts), then a nested user namespace maps 1234 to it"
  tap_is "$(bw $WHO --ro-bind / / --unshare-uts --hostname "cellsb-$$" $H hostname | head -1)" "hostname=cellsb-$$" \
    "$WHO: --hostname with --unshare-uts"
  out=$(bw $WHO --ro-bind / / --unshare-user --disable-userns $H syscalls unshare:0x10000000)
  tap_is "$out:$(bw $WHO --ro-bind / / --unshare-user $H syscalls unshare:0x10000000)" \
    "unshare:0x10000000=ENOSPC:unshare:0x10000000=0" "$WHO: --disable-userns: no user namespace can be made inside (ENOSPC; without it one can)"
  out=$(bw $WHO --ro-bind / / --unshare-user --assert-userns-disabled true)
  tap_is "$?:$(cat "$ERR")" "1:bwrap: creation of new user namespaces was not disabled as requested" \
    "$WHO: --assert-userns-disabled fails where user namespaces are not disabled"
  bw $WHO --ro-bind / / --unshare-user --disable-userns --assert-userns-disabled true
  tap_is "$?" "0" "$WHO: --assert-userns-disabled with --disable-userns"

  # --userns, --pidns (test-specifying-userns.sh, test-specifying-pidns.sh), --userns2: join the namespaces of a
  # running sandbox whose command makes one more user namespace of its own (unshare --user)
  rm -f "$D/info1"
  bw $WHO --ro-bind / / --unshare-user --unshare-pid --proc /proc --info-fd 7 unshare --user "$H" sleep "31.$$" 7>"$D/info1" &
  sbpid=$!
  for _ in $(seq 50); do
    p2=$(helpers "31.$$" | head -1)
    [ -n "$p2" ] && [ -s "$D/info1" ] && break
    sleep 0.1
  done
  p1=$(jq -r '.["child-pid"]' "$D/info1" 2>/dev/null)
  out=$(bw $WHO --ro-bind / / --userns 11 sh -c 'readlink /proc/self/ns/user' 11</proc/$p1/ns/user)
  tap_is "$out" "$(readlink /proc/$p1/ns/user)" "$WHO: --userns FD joins that user namespace (test-specifying-userns.sh)"
  out=$(bw $WHO --ro-bind / / --userns 11 --pidns 12 sh -c 'readlink /proc/self/ns/pid' 11</proc/$p1/ns/user 12</proc/$p1/ns/pid)
  tap_is "$out" "$(readlink /proc/$p1/ns/pid)" "$WHO: --pidns FD joins that pid namespace (test-specifying-pidns.sh)"
  out=$(bw $WHO --ro-bind / / --userns 11 --pidns 12 --unshare-pid --proc /proc --info-fd 7 sh -c 'echo $$; readlink /proc/self/ns/pid' \
    11</proc/$p1/ns/user 12</proc/$p1/ns/pid 7>"$D/info2")
  tap_is "$(printf '%s\n' "$out" | head -1):$([ "$(printf '%s\n' "$out" | tail -1)" != "$(readlink /proc/$p1/ns/pid)" ] && echo new)" "2:new" \
    "$WHO: --pidns FD --unshare-pid: a new pid namespace inside the joined one"
  out=$(bw $WHO --ro-bind / / --userns 11 --userns2 13 sh -c 'readlink /proc/self/ns/user' 11</proc/$p1/ns/user 13</proc/$p2/ns/user)
  tap_is "$out" "$(readlink /proc/$p2/ns/user)" "$WHO: --userns2 FD: after the setup the command is in that (nested) user namespace"
  # a user namespace that maps the caller to another id: the command keeps what it makes of the caller's ids
  kill "$p2" 2>/dev/null
  reap $sbpid "sleep 31\\.$$" 2>/dev/null
  bw $WHO --ro-bind / / --unshare-user --uid 0 --gid 0 --info-fd 7 "$H" sleep "32.$$" 7>"$D/info1" &
  sbpid=$!
  for _ in $(seq 50); do [ -s "$D/info1" ] && break; sleep 0.1; done
  p1=$(jq -r '.["child-pid"]' "$D/info1" 2>/dev/null)
  out=$(bw $WHO --ro-bind / / --userns 11 "$H" ids 11</proc/$p1/ns/user | head -2)
  tap_is "$(echo $out)" "uid=0,0,0,0 gid=0,0,0,0" "$WHO: --userns FD of a namespace that maps the caller to 0: the command is 0 there"
  kill $(helpers "32.$$") 2>/dev/null
  reap $sbpid "sleep 32\\.$$" 2>/dev/null

  # ---- the process ----
  out=$(bw $WHO --ro-bind / / --chdir /usr/share sh -c "$H cwd; echo \$PWD")
  tap_is "$(echo $out)" "cwd=/usr/share /usr/share" "$WHO: --chdir sets the working directory and PWD"
  tap_is "$(bw $WHO --ro-bind / / "$H" cwd)" "cwd=$D" "$WHO: without --chdir: the caller's directory"
  tap_is "$(bw $WHO --ro-bind / / --tmpfs "$T" --setenv HOME /usr/lib readlink /proc/self/cwd)" "/usr/lib" \
    "$WHO: the caller's directory hidden: \$HOME"
  tap_is "$(bw $WHO --ro-bind / / --tmpfs "$T" --unsetenv HOME readlink /proc/self/cwd)" "/" "$WHO: neither: /"
  out=$(as $WHO env FOO=wrong BAR=baz "$BIN/bwrap" --ro-bind / / --setenv FOO bar --unsetenv BAR --setenv NEW "a b" \
    sh -c 'echo "$FOO:${BAR-unset}:$NEW"' 2>"$ERR")
  tap_is "$out" "bar:unset:a b" "$WHO: --setenv, --unsetenv"
  out=$(as $WHO env FOO=wrong "$BIN/bwrap" --ro-bind / / --clearenv --setenv ONLY "1" /usr/bin/env 2>"$ERR")
  tap_is "$(echo $out)" "ONLY=1 PWD=$D" "$WHO: --clearenv: nothing but what follows (and PWD)"
  tap_is "$(bw $WHO --ro-bind / / --argv0 "argv0-$$" sh -c 'echo $0')" "argv0-$$" "$WHO: --argv0 sets the command's argv[0]"
  out=$(bw $WHO --ro-bind / / --args 5 --args 6 sh -c 'echo $A $B; ls -d /mnt/x' \
    5< <(printf -- '--setenv\0A\0from-5\0--tmpfs\0/mnt\0') 6< <(printf -- '--setenv\0B\0from-6\0--dir\0/mnt/x\0'))
  tap_is "$(echo $out)" "from-5 from-6 /mnt/x" "$WHO: --args FD (twice): NUL-separated options read in place"
  if [ $WHO = root ]; then
    out=$(bw $WHO --ro-bind / / "$H" caps)
    tap_is "$(line "$out" CapEff):$(line "$out" CapBnd)" "$ROOTCAPS:$(awk '/^CapBnd:/ {print $2}' /proc/self/status)" \
      "root: the caller's caps kept (no --cap-* option)"
    out=$(bw $WHO --ro-bind / / --cap-drop CAP_KILL --cap-drop cap_fowner "$H" caps)
    tap_is "$(line "$out" CapEff)" "$(printf '%016x' $((0x$ROOTCAPS & ~0x28)))" "root: --cap-drop CAP_KILL --cap-drop cap_fowner"
    out=$(bw $WHO --ro-bind / / --cap-drop ALL --cap-add CAP_NET_ADMIN "$H" caps)
    tap_is "$(line "$out" CapEff):$(line "$out" CapPrm)" "0000000000001000:0000000000001000" "root: --cap-drop ALL --cap-add CAP_NET_ADMIN"
    out=$(bw $WHO --ro-bind / / --unshare-user "$H" caps)
    tap_is "$(line "$out" CapEff):$(line "$out" CapBnd)" "$ROOTCAPS:$ROOTCAPS" "root: in a new user namespace no more than the caller's caps (bounding set too)"
  else
    out=$(bw $WHO --ro-bind / / "$H" caps)
    tap_is "$(line "$out" CapEff):$(line "$out" CapBnd):$(line "$out" NoNewPrivs)" "0000000000000000:0000000000000000:1" \
      "user: no caps at all, no_new_privs"
    out=$(bw $WHO --ro-bind / / --cap-add CAP_NET_ADMIN --cap-add CAP_SYS_CHROOT --cap-drop CAP_SYS_CHROOT "$H" caps)
    tap_is "$(line "$out" CapEff):$(line "$out" CapAmb):$(line "$out" CapBnd)" "0000000000001000:0000000000001000:0000000000001000" \
      "user: --cap-add CAP_NET_ADMIN (and one added then dropped): effective, ambient and bounding"
    out=$(bw $WHO --ro-bind / / --cap-add ALL --cap-drop CAP_NET_ADMIN "$H" caps)
    tap_is "$(line "$out" CapEff)" "$(printf '%016x' $(((1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1 - 0x1000)))" \
      "user: --cap-add ALL --cap-drop CAP_NET_ADMIN"
  fi
  out=$(bw $WHO --ro-bind / / --unshare-pid --proc /proc sh -c 'echo $(cut -d" " -f6 /proc/$$/stat) $$')
  tap_is "$out:$(bw $WHO --ro-bind / / --new-session --unshare-pid --proc /proc sh -c 'echo $(cut -d" " -f6 /proc/$$/stat) $$')" \
    "0 2:1 2" "$WHO: --new-session: a session of the sandbox's own (its pid 1 leads it; without: the caller's, outside the pid namespace)"
  tap_is "$(bw $WHO --ro-bind / / --unshare-pid --as-pid-1 sh -c 'echo $$'):$(bw $WHO --ro-bind / / --unshare-pid sh -c 'echo $$')" \
    "1:2" "$WHO: --as-pid-1: the command is pid 1 (without: pid 2 under a reaping pid 1)"
  # the caller: a shell that starts the sandbox, waits, and is killed
  # (the shell says nothing of the jobs killed here)
  {
  for dwp in "--die-with-parent" "--die-with-parent --unshare-pid" ""; do
    rm -f "$D/caller"
    as $WHO bash -c "echo \$\$ >$D/caller; \"$BIN/bwrap\" --ro-bind / / $dwp \"$H\" sleep 33.$$ & wait" &
    for _ in $(seq 50); do [ -n "$(helpers "33.$$")" ] && [ -s "$D/caller" ] && break; sleep 0.1; done
    before=$(helpers "33.$$" | wc -l)
    kill -9 "$(cat "$D/caller")" 2>/dev/null
    for _ in $(seq 30); do [ -z "$(helpers "33.$$")" ] && break; sleep 0.1; done
    if [ -n "$dwp" ]; then
      tap_is "$before:$(helpers "33.$$" | wc -l)" "1:0" "$WHO: $dwp: the command dies with the caller (SIGKILL)"
    else
      tap_is "$before:$(helpers "33.$$" | wc -l)" "1:1" "$WHO: without --die-with-parent the command outlives its caller"
    fi
    kill $(helpers "33.$$") 2>/dev/null
    { wait; } 2>/dev/null
  done
  } 2>/dev/null

  # ---- control fds: --block-fd, --userns-block-fd, --info-fd, --json-status-fd, --sync-fd, --lock-file ----
  rm -f "$D/fifo" "$D/started"
  mkfifo "$D/fifo" && [ $WHO = user ] && chown "$SU" "$D/fifo"
  bw $WHO --ro-bind / / --bind "$D" "$D" --block-fd 8 sh -c "echo started >$D/started" 8<>"$D/fifo" &
  blocked=$!
  sleep 0.3
  before=$([ -e "$D/started" ] && echo started || echo waiting)
  timeout 5 sh -c 'echo go >"$0"' "$D/fifo"
  reap $blocked "echo started >$D/started"
  tap_is "$before:$(cat "$D/started" 2>&1)" "waiting:started" "$WHO: --block-fd: the command starts only once the fd has data"
  cat >"$T/userns-block.py" <<'EOF'
import json, os, subprocess, sys
# userns-block.py BWRAP HELPER UIDMAP GIDMAP: a caller that writes the sandbox's maps itself
bwrap, helper, um, gm = sys.argv[1:5]
ir, iw = os.pipe()
br, bw = os.pipe()
p = subprocess.Popen([bwrap, "--ro-bind", "/", "/", "--unshare-user", "--info-fd", str(iw), "--userns-block-fd",
                      str(br), "sh", "-c", helper + " ids; cat /proc/self/uid_map"], pass_fds=(iw, br))
os.close(iw)
os.close(br)
info = b""
while not info.rstrip().endswith(b"}"):
    d = os.read(ir, 4096)
    if not d:
        break
    info += d
pid = json.loads(info)["child-pid"]
for f, v in (("setgroups", "deny"), ("uid_map", um), ("gid_map", gm)):
    with open(f"/proc/{pid}/{f}", "w") as fp:
        fp.write(v)
os.write(bw, b"x")
sys.exit(p.wait())
EOF
  out=$(as $WHO "$PY" "$T/userns-block.py" "$BIN/bwrap" "$H" "4321 $MYUID 1" "8765 $MYGID 1" 2>"$ERR")
  tap_is "$?:$(printf '%s\n' "$out" | grep -v groups= | flat)" "0:uid=4321,4321,4321,4321;gid=8765,8765,8765,8765;4321 $MYUID 1;" \
    "$WHO: --userns-block-fd: the caller writes the maps (4321, 8765) and the command runs with them"
  out=$(bw $WHO --ro-bind / / --unshare-all --info-fd 7 --json-status-fd 8 sh -c \
    'for n in cgroup ipc mnt net pid uts; do echo "$n $(stat -L -c %i /proc/self/ns/$n)"; done; exit 42' \
    7>"$D/info" 8>"$D/json")
  rc=$?
  want=$(printf '%s\n' "$out" | awk '{printf ",\n    \"%s-namespace\": %s", $1, $2}')
  pid=$(jq -r '.["child-pid"]' "$D/info" 2>/dev/null)
  tap_is "$rc:$(cat "$D/info")" "42:$(printf '{\n    "child-pid": %s%s\n}' "$pid" "$want")" \
    "$WHO: --info-fd: bwrap's layout, child-pid and the namespace ids the command sees"
  tap_is "$(cat "$D/json")" "$(printf '{ "child-pid": %s%s }\n{ "exit-code": 42 }' "$pid" "$(printf '%s' "$want" | tr -d '\n' | sed 's/,    /, /g')")" \
    "$WHO: --json-status-fd: the same on one line, then the exit code"
  out=$(bw $WHO --ro-bind / / --unshare-pid --info-fd 7 --sync-fd 8 sh -c "[ -e /proc/self/fd/8 ] && echo has-8 || echo no-8; $H sleep 0.5" 7>"$D/info" 8>"$D/sync" &
    for _ in $(seq 50); do [ -s "$D/info" ] && break; sleep 0.05; done
    sleep 0.2
    readlink "/proc/$(jq -r '.["child-pid"]' "$D/info")/fd/8"
    wait)
  tap_is "$(echo $out)" "no-8 $D/sync" "$WHO: --sync-fd: pid 1 holds the fd, the command does not have it"
  touch "$D/lock"
  cat >"$T/lock.py" <<'EOF'
import fcntl, struct, sys
with open(sys.argv[1], "a") as f:
    try:
        fcntl.fcntl(f.fileno(), fcntl.F_SETLK, struct.pack("hhqqhh", fcntl.F_WRLCK, 0, 0, 0, 0, 0))
        print("free")
    except OSError:
        print("locked")
EOF
  for mode in "" "--unshare-pid"; do
    rm -f "$D/done"
    out=$(bw $WHO --ro-bind / / $mode --lock-file "$D/lock" sh -c \
      "ls -l /proc/self/fd/ | grep -c '$D/lock'; while [ ! -e $D/done ]; do sleep 0.05; done" &
      sleep 0.3
      "$PY" "$T/lock.py" "$D/lock"
      touch "$D/done"
      wait)
    tap_is "$(echo $out):$("$PY" "$T/lock.py" "$D/lock")" "0 locked:free" "$WHO: --lock-file $mode: held while the sandbox runs (the command has no fd on it), free after"
  done

  # ---- seccomp programs: --seccomp, --add-seccomp-fd ----
  "$H" seccomp-bpf getppid=38 >"$T/enosys.bpf"
  "$H" seccomp-bpf uname=EXDEV >"$T/exdev.bpf"
  chmod 644 "$T/enosys.bpf" "$T/exdev.bpf"
  out=$(bw $WHO --ro-bind / / --seccomp 5 "$H" syscalls getppid uname getpid 5<"$T/enosys.bpf")
  tap_is "$(echo $out | sed 's/getpid=[0-9]*/getpid=N/')" "getppid=ENOSYS uname=EFAULT getpid=N" "$WHO: --seccomp FD: the program's errno 38 from inside"
  out=$(bw $WHO --ro-bind / / --add-seccomp-fd 5 --add-seccomp-fd 6 "$H" syscalls getppid uname 5<"$T/enosys.bpf" 6<"$T/exdev.bpf")
  tap_is "$(echo $out)" "getppid=ENOSYS uname=EXDEV" "$WHO: --add-seccomp-fd twice: both programs apply"
  out=$(bw $WHO --ro-bind / / --seccomp 5 --seccomp 6 "$H" syscalls getppid uname 5<"$T/enosys.bpf" 6<"$T/exdev.bpf")
  tap_is "$(echo $out | sed 's/getppid=[0-9]*/getppid=N/'):$(cat "$ERR")" "getppid=N uname=EXDEV:bwrap: Only the last --seccomp option will take effect" \
    "$WHO: --seccomp twice: only the last (with bwrap's warning)"

  # ---- mkosi-sandbox's extras ----
  mkdir -p "$D/lower1" "$D/lower2" "$D/upper" "$D/work"
  echo lower1 >"$D/lower1/f" && echo lower2 >"$D/lower2/f" && echo only1 >"$D/lower1/g"
  [ $WHO = user ] && chown -R "$SU:$SU" "$D/lower1" "$D/lower2" "$D/upper" "$D/work"
  out=$(bw $WHO --ro-bind / / --overlay-lowerdir "$D/lower1" --overlay-lowerdir "$D/lower2" --overlay-upperdir tmpfs \
    --overlay /mnt sh -c "cat /mnt/f /mnt/g; echo new >/mnt/h && cat /mnt/h")
  tap_is "$(echo $out):$(ls "$D/lower1" "$D/lower2" | tr '\n' ' ')" "lower2 only1 new:$D/lower1: f g  $D/lower2: f " \
    "$WHO: --overlay with two lowers (the last on top) and a tmpfs upper: writes stay in the sandbox"
  out=$(bw $WHO --ro-bind / / --overlay-lowerdir "$D/lower1" --overlay-upperdir "$D/upper" --overlay-workdir "$D/work" \
    --overlay /mnt sh -c "echo kept-$$ >/mnt/h")
  tap_is "$?:$(cat "$D/upper/h" 2>&1):$(ls "$D/lower1" | tr '\n' ' ')" "0:kept-$$:f g " "$WHO: --overlay with an upper and work dir: writes land in the upper"
  out=$(bw $WHO --ro-bind / / --become-root sh -c "$H ids; cat /proc/self/uid_map; $H caps")
  if [ $WHO = root ]; then
    tap_is "$(line "$out" uid):$(line "$out" CapEff)" "0,0,0,0:$ROOTCAPS" "root: --become-root: root already (no user namespace)"
  else
    tap_is "$(line "$out" uid):$(printf '%s\n' "$out" | sed -n 4p | flat):$(line "$out" CapAmb)" \
      "0,0,0,0:0 $SUID 1;:$(printf '%016x' $(((1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1)))" \
      "user: --become-root: root in a user namespace mapping the caller, with every cap (ambient too)"
  fi
  out=$(bw $WHO --ro-bind / / --unshare-pid --pack-fds sh -c 'echo $LISTEN_FDS $LISTEN_PID $$; ls -l /proc/self/fd/3 /proc/self/fd/4 | sed "s/.*-> //"' \
    7<"$D/data" 9<"$D/src/file")
  tap_is "$(echo $out)" "2 2 2 $D/data $D/src/file" "$WHO: --pack-fds: the caller's fds 7 and 9 become 3 and 4, LISTEN_FDS=2, LISTEN_PID the command's"
  bw $WHO --ro-bind / / --suspend --info-fd 7 "$H" exit 7 7>"$D/info" &
  susp=$!
  for _ in $(seq 50); do [ -s "$D/info" ] && break; sleep 0.05; done
  pid=$(jq -r '.["child-pid"]' "$D/info")
  for _ in $(seq 50); do [ "$(awk '{print $3}' /proc/$pid/stat 2>/dev/null)" = T ] && break; sleep 0.05; done
  state=$(awk '{print $3}' /proc/$pid/stat):$([ "$(readlink /proc/$pid/exe)" = "$H" ] && echo exec || echo before-exec)
  kill -CONT $pid
  reap $susp "$H exit 7"
  tap_is "$state:$?" "T:before-exec:7" "$WHO: --suspend: stopped before the exec until SIGCONT"
  tap_is "$(bw $WHO --ro-bind / / --chdir /usr --same-dir "$H" cwd)" "cwd=$D" "$WHO: --same-dir: the caller's directory (the last of --chdir/--same-dir)"
  out=$(bw $WHO --ro-bind / / --tmpfs /mnt --dir /mnt/src --write "in-root-$$" /mnt/src/f --ro-bind +/mnt/src /mnt/dst \
    sh -c "cat /mnt/dst/f; echo; grep ' /mnt/dst ' /proc/self/mountinfo")
  tap_is "$(printf '%s\n' "$out" | head -1):$(mopts "$out" /mnt/dst | cut -d, -f1)" "in-root-$$:ro" "$WHO: a bind source +PATH is a path in the new root"
  # a file of the caller's own (root's chown of it is real): with the filter nothing changes
  touch "$D/chown-me"
  [ $WHO = user ] && chown "$SU:$SU" "$D/chown-me"
  owner=$(stat -c %u:%g "$D/chown-me")
  out=$(bw $WHO --ro-bind / / --suppress-chown --tmpfs /mnt --dir /mnt/d sh -c "$H syscalls fchownat:-100:/mnt/d:5:5:0 fchown:9:7:7; stat -c %u /mnt/d" 9<"$D/chown-me")
  tap_is "$(echo $out):$(stat -c %u:%g "$D/chown-me")" "fchownat:-100:/mnt/d:5:5:0=0 fchown:9:7:7=0 $MYUID:$owner" \
    "$WHO: --suppress-chown: chown calls return 0 and change nothing"
  out=$(bw $WHO --ro-bind / / --tmpfs /mnt --dir /mnt/d sh -c "$H syscalls fchownat:-100:/mnt/d:5:5:0 fchown:9:7:7; stat -c %u /mnt/d" 9<"$D/chown-me")
  if [ $WHO = root ]; then
    tap_is "$(echo $out):$(stat -c %u:%g "$D/chown-me")" "fchownat:-100:/mnt/d:5:5:0=0 fchown:9:7:7=0 5:7:7" "root: without it they do"
  else
    tap_is "$(echo $out):$(stat -c %u:%g "$D/chown-me")" "fchownat:-100:/mnt/d:5:5:0=EINVAL fchown:9:7:7=EINVAL $SUID:$owner" \
      "user: without it they fail (EINVAL: 5 and 7 are not mapped)"
  fi
  out=$(bw $WHO --ro-bind / / --suppress-sync "$H" syscalls syncfs:999 fsync:999 fdatasync:999 sync)
  tap_is "$(echo $out):$(bw $WHO --ro-bind / / "$H" syscalls syncfs:999)" "syncfs:999=0 fsync:999=0 fdatasync:999=0 sync=0:syncfs:999=EBADF" \
    "$WHO: --suppress-sync: sync calls return 0 without doing anything (without: EBADF for a bad fd)"
done

# ============ bubblewrap 0.8.0's tests/test-run.sh, case by case, as the unprivileged user it runs as ============
# (test-specifying-userns.sh and test-specifying-pidns.sh are the --userns/--pidns tests above)

WHO=user
D=$VT/u
mkdir -m 755 "$D" && chown "$SU:$SU" "$D"
WD_user=$D
cp "$T/lock.py" "$VT/lock.py"
# bwrap's $RUN: the host's root writable, a tmpfs on /tmp
run() { bw user --bind / / --tmpfs /tmp "$@"; }
# bwrap's BWRAP_RO_HOST_ARGS (libtest.sh)
if [ /lib -ef /usr/lib ]; then
  RO_HOST=(--ro-bind /usr /usr --ro-bind /etc /etc --dir /var/tmp --symlink usr/lib /lib --symlink usr/lib64 /lib64
    --symlink usr/bin /bin --symlink usr/sbin /sbin --proc /proc --dev /dev)
else
  RO_HOST=(--ro-bind /usr /usr --ro-bind /etc /etc --ro-bind /bin /bin --ro-bind /lib /lib --ro-bind-try /lib64 /lib64
    --ro-bind /sbin /sbin --dir /var/tmp --proc /proc --dev /dev)
fi

out=$(as user "$BIN/bwrap" --help 2>"$ERR")
rc=$?
# every option of bwrap 0.8.0's usage(), each on a line of its own
missing=""
for o in --help --version --args --unshare-all --share-net --unshare-user --unshare-user-try --unshare-ipc --unshare-pid \
  --unshare-net --unshare-uts --unshare-cgroup --unshare-cgroup-try --userns --userns2 --disable-userns \
  --assert-userns-disabled --pidns --uid --gid --hostname --chdir --clearenv --setenv --unsetenv --lock-file --sync-fd \
  --bind --bind-try --dev-bind --dev-bind-try --ro-bind --ro-bind-try --remount-ro --exec-label --file-label --proc --dev \
  --tmpfs --mqueue --dir --file --bind-data --ro-bind-data --symlink --seccomp --add-seccomp-fd --block-fd \
  --userns-block-fd --info-fd --json-status-fd --new-session --die-with-parent --as-pid-1 --cap-add --cap-drop --perms \
  --size --chmod; do
  printf '%s\n' "$out" | grep -q -- "^    $o\( \|$\)" || missing="$missing $o"
done
tap_is "$rc:$(printf '%s\n' "$out" | head -1):$missing:$(cat "$ERR")" "0:usage: $BIN/bwrap [OPTIONS...] [--] COMMAND [ARGS...]::" \
  "help works: usage: ARGV0 on stdout, every option of bwrap 0.8.0 listed, exit 0"
tap_like "$(printf '%s\n' "$out" | grep -E '^    --(bind-fd|pack-fds|suppress-chown) ' | wc -l):$(as user "$BIN/cell" sandbox --help 2>&1 | head -1)" \
  "^3:usage: $BIN/cell sandbox \[OPTIONS\.\.\.\]" "... with bwrap's options and mkosi-sandbox's; \`cell sandbox --help\` names itself"
out=$(as user "$BIN/bwrap" --version 2>&1):$(as user "$BIN/cell" sandbox --version 2>&1):$(as user "$BIN/bwrap" -h 2>&1 | head -1)
tap_like "$out" "^bubblewrap 0\.8\.0:cell version [^ ]+ \(bubblewrap 0\.8\.0 command line\):usage: $BIN/bwrap " \
  "--version: bwrap's as bwrap (programs parse it), cell's as cell sandbox; -h is --help (mkosi-sandbox)"
# no FUSE file system the test user owns here (bwrap's test binds one)
tap_skip 1 "no FUSE mount of the test user: a FUSE directory as bind source is not tested"
# a file the user may not read, in a directory it may not enter (bwrap's /root/.bashrc)
mkdir -m 700 "$T/secret" && echo secret >"$T/secret/file"
for ALT in "" "--unshare-user-try" "--unshare-pid" "--unshare-user-try --unshare-pid"; do
  run $ALT --proc /proc true
  tap_is "$?:$(cat "$ERR")" "0:" "can mount /proc with '$ALT'"
  run $ALT --unshare-net --proc /proc --dev /dev true
  tap_is "$?:$(cat "$ERR")" "0:" "can unshare network, create new /dev with '$ALT'"
  out=$(run $ALT --unshare-net --proc /proc --bind /etc/shadow /tmp/foo cat /tmp/foo)
  rc=$?
  out2=$(run $ALT --unshare-net --proc /proc --bind /etc/shadow /tmp/foo cat /etc/shadow)
  tap_is "$rc:$?:$out$out2" "1:1:" "cannot read /etc/shadow with '$ALT' (nor through a bind of it)"
  out=$(run $ALT --unshare-net --proc /proc --dev /dev --bind "$T/secret/file" /tmp/foo cat /tmp/foo)
  tap_like "$?:$out:$(cat "$ERR")" "^1::bwrap: Can't find source path $T/secret/file: Permission denied" \
    "cannot read a file of an unreadable directory with '$ALT'"
  run $ALT --dir /tmp/dir --symlink dir /tmp/link --bind /etc /tmp/link sh -c 'test -f /tmp/dir/passwd && readlink /tmp/link' >"$D/out"
  tap_is "$?:$(cat "$D/out")" "0:dir" "can bind a destination over a symlink with '$ALT' (the mount lands on the target)"
done
run --unshare-pid --dev /dev ls -al /dev/{stdin,stdout,stderr,null,random,urandom,fd,core} >/dev/null
tap_is "$?:$(cat "$ERR")" "0:" "all expected devices were created"
tap_is "$(run --unshare-pid --as-pid-1 --bind / / bash -c 'echo $$')" "1" "can run as pid 1"
run --unshare-all --info-fd 42 --json-status-fd 43 -- bash -c 'exit 42' 42>"$D/info.json" 43>"$D/json-status.json"
tap_like "$?:$(grep -c '"child-pid": [0-9]' "$D/info.json" "$D/json-status.json" | tr '\n' ' '):$(grep -Fc '"exit-code": 42' "$D/json-status.json")" \
  "^42:[^ ]*info.json:1 [^ ]*json-status.json:1 :1$" "info and json-status fd"
DATA=$(run --proc /proc --unshare-all --info-fd 42 --json-status-fd 43 -- bash -c 'stat -L --format "%n %i" /proc/self/ns/*' \
  42>"$D/info.json" 43>"$D/json-status.json")
found=""
for NS in ipc mnt net pid uts; do
  want=$(echo "$DATA" | grep "/proc/self/ns/$NS" | awk '{print $2}')
  grep -q "\"$NS-namespace\": $want\b" "$D/info.json" && grep -q "\"$NS-namespace\": $want\b" "$D/json-status.json" && found="$found $NS"
done
tap_is "$found" " ipc mnt net pid uts" "namespace id info in info and json-status fd"
# bwrap makes a syscall of its setup fail with strace; a setup step that fails does the same here
run --die-with-parent --json-status-fd 42 --chdir /nonexistent-$$ true 42>"$D/json-status.json"
tap_is "$?:$(grep -c '"child-pid"' "$D/json-status.json"):$(grep -c '"exit-code"' "$D/json-status.json")" "1:1:0" \
  "pre-exec failure doesn't include exit-code in json-status"
run --json-status-fd 42 / 42>"$D/json-status.json"
tap_is "$?:$(grep -c '"exit-code"' "$D/json-status.json"):$(cat "$ERR")" "1:0:bwrap: execvp /: Permission denied" \
  "exec failure doesn't include exit-code in json-status"
# the sandbox runs bwrap again as /proc/self/exe
RECURSE=(--unshare-user --uid 0 --gid 0 --cap-add ALL --bind / / --bind /proc /proc)
tap_is "$(bw user "${RECURSE[@]}" -- /proc/self/exe --unshare-all --bind / / --bind /proc /proc echo hello)" "hello" "can mount /proc recursively"
tap_like "$(bw user "${RECURSE[@]}" -- /proc/self/exe --unshare-all "${RO_HOST[@]}" findmnt)" "─/usr " "can pivot to new rootfs recursively"
bw user --dev-bind / / -- true
r1=$?
bw user --assert-userns-disabled --dev-bind / / -- true
r2=$?
bw user --unshare-user --disable-userns --dev-bind / / -- true
r3=$?
bw user --unshare-user --disable-userns --dev-bind / / -- "$BIN/bwrap" --dev-bind / / -- true
r4=$?
bw user --unshare-user --disable-userns --dev-bind / / -- sh -c "echo 2 > /proc/sys/user/max_user_namespaces || true; ! $BIN/bwrap --dev-bind / / -- true"
r5=$?
bw user --unshare-user --disable-userns --dev-bind / / -- sh -c "echo 100 > /proc/sys/user/max_user_namespaces || true; ! $BIN/bwrap --dev-bind / / -- true"
r6=$?
bw user --unshare-user --disable-userns --dev-bind / / -- sh -c "! $BIN/bwrap --dev-bind / / --assert-userns-disabled -- true"
tap_is "$r1 $r2 $r3 $r4 $r5 $r6 $?" "0 1 0 1 0 0 0" "can disable nested userns (and the sandbox cannot raise the limit again)"
run --unshare-pid --bind /source-enoent /dest true
tap_like "$?:$(cat "$ERR")" "^1:bwrap: Can't find source path.*source-enoent" "error prefixing"
for OPT in "" "--unshare-user-try --as-pid-1" "--unshare-user-try" "--as-pid-1"; do
  out=$(run $OPT --unshare-pid --proc /proc sh -c 'grep CapEff /proc/1/status /proc/self/status' | awk '{print $2}' | tr '\n' ' ')
  tap_is "$out" "0000000000000000 0000000000000000 " "we have no caps as uid != 0 ('$OPT': pid 1 and the command)"
done
for OPT in "" "--as-pid-1"; do
  out=$(bw root --bind / / --tmpfs /tmp $OPT --unshare-pid --proc /proc "$H" caps)
  tap_is "$(line "$out" CapEff):$(line "$out" CapPrm):$(line "$out" NoNewPrivs)" "$ROOTCAPS:$ROOTCAPS:1" "we have the expected caps as uid 0 ('$OPT')"
done
out=$(bw root --bind / / --tmpfs /tmp --as-pid-1 --cap-drop ALL --unshare-pid "$H" caps)
out2=$(bw root --bind / / --tmpfs /tmp --as-pid-1 --cap-drop CAP_KILL --cap-drop CAP_FOWNER --unshare-pid "$H" caps)
tap_is "$(line "$out" CapEff):$(( (0x$(line "$out2" CapEff) >> 5 & 1) + (0x$(line "$out2" CapEff) >> 3 & 1) )):$(( 0x$(line "$out2" CapEff) >> 10 & 1 ))" \
  "0000000000000000:0:1" "as uid 0 we can drop all caps, or kill and fowner and keep net_bind_service"
# --die-with-parent releases the lock files when the caller is killed
touch "$D/lock" && chown "$SU:$SU" "$D/lock"
# (the shell says nothing of the jobs killed here)
{
for dwp in "--die-with-parent" "--die-with-parent --unshare-pid"; do
  rm -f "$D/caller"
  as user bash -c "echo \$\$ >$D/caller; \"$BIN/bwrap\" --bind / / --tmpfs /tmp $dwp --lock-file $D/lock \"$H\" sleep 35.$$ & wait" &
  for _ in $(seq 50); do [ -s "$D/caller" ] && [ "$("$PY" "$T/lock.py" "$D/lock")" = locked ] && break; sleep 0.1; done
  before=$("$PY" "$T/lock.py" "$D/lock")
  kill -9 "$(cat "$D/caller")" 2>/dev/null
  for _ in $(seq 30); do [ "$("$PY" "$T/lock.py" "$D/lock")" = free ] && break; sleep 0.1; done
  tap_is "$before:$("$PY" "$T/lock.py" "$D/lock"):$(helpers "35.$$" | wc -l)" "locked:free:0" "die with parent $dwp (the lock is released)"
  kill $(helpers "35.$$") 2>/dev/null
  { wait; } 2>/dev/null
done
} 2>/dev/null
printf '%s--dir\0/tmp/hello/world\0' '' >"$D/test.args"
printf '%s--dir\0/tmp/hello/world2\0' '' >"$D/test.args2"
printf '%s--dir\0/tmp/hello/world3\0' '' >"$D/test.args3"
run --args 3 --args 4 --args 5 /bin/sh -c 'test -d /tmp/hello/world && test -d /tmp/hello/world2 && test -d /tmp/hello/world3' \
  3<"$D/test.args" 4<"$D/test.args2" 5<"$D/test.args3"
tap_is "$?" "0" "we can parse arguments from a fd"
tap_is "$(run -- sh -c "echo hello")" "hello" "we can run with --"
mkdir -p "$D/bin" && printf '#!/bin/sh\necho hello-inadvisable\n' >"$D/bin/--inadvisable-executable-name--"
chmod 755 "$D/bin" "$D/bin/--inadvisable-executable-name--"
tap_is "$(as user env PATH="$D/bin:$PATHS" "$BIN/bwrap" --bind / / --tmpfs /tmp -- --inadvisable-executable-name-- 2>&1)" \
  "hello-inadvisable" "we can run an inadvisable executable name with --"
out=$(run -- --dev-bind /dev /dev sh -c 'echo should not have run')
tap_is "$?:$out:$(cat "$ERR")" "1::bwrap: execvp --dev-bind: No such file or directory" "options like --dev-bind are defanged by --"
tempfile=$(mktemp /tmp/cellsb-XXXXXXXX)
on_exit "rm -f $tempfile"
echo "hello-$$" >"$tempfile" && chmod 644 "$tempfile"
tap_is "$(bw user --bind / / cat "$tempfile")" "hello-$$" "bind-mount of / exposes real /tmp"
tap_is "$(bw user --bind / / --bind /tmp /tmp cat "$tempfile")" "hello-$$" "bind-mount of /tmp exposes real /tmp"
tap_is "$(bw user --bind / / --bind /tmp /mnt cat "/mnt/${tempfile#/tmp/}")" "hello-$$" "bind-mount of /tmp onto /mnt exposes real /tmp"
run test -d /tmp/oldroot
r1=$?
run test -d /tmp/newroot
tap_is "$r1:$?" "1:1" "/tmp/oldroot and /tmp/newroot are not visible"
echo "hello-input" >"$D/input.$$"
out=$(bw user --bind / / --bind "$D" /tmp cat /tmp/input.$$)
bw user --bind / / --bind "$D" /tmp test -d /tmp/oldroot
r1=$?
bw user --bind / / --bind "$D" /tmp test -d /tmp/newroot
tap_is "$out:$r1:$?" "hello-input:1:1" "we can mount another directory onto /tmp"
out=$(run --bind "$D" /tmp/here cat /tmp/here/input.$$)
run --bind "$D" /tmp/here test -d /tmp/oldroot
r1=$?
run --bind "$D" /tmp/here test -d /tmp/newroot
tap_is "$out:$r1:$?" "hello-input:1:1" "we can mount another directory inside /tmp"
touch "$D/some-file" && mkdir -p "$D/some-dir" && rm -rf "$D/new-dir-mountpoint" "$D/new-file-mountpoint"
run --bind "$D/some-dir" "$D/new-dir-mountpoint" --bind "$D/some-file" "$D/new-file-mountpoint" true
tap_is "$?:$(stat -c %a "$D/new-dir-mountpoint" "$D/new-file-mountpoint" | tr '\n' ' ')" "0:755 444 " \
  "files and directories created as mount points have expected permissions"
# bubblewrap#409 binds /dev/log, a socket, onto itself: a socket of the test's own
"$PY" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$D/sock" && chown "$SU" "$D/sock"
run --bind "$D/sock" "$D/sock" test -S "$D/sock"
tap_is "$?:$(cat "$ERR")" "0:" "can bind-mount a socket onto a socket"
as user mkdir -m 0710 "$D/dir-already-existed"
as user mkdir -m 0754 "$D/dir-already-existed2"
rm -rf "$D/new-dir-default-perms" "$D/new-dir-set-perms" "$D/dir-chmod"
run --perms 1741 --dir "$D/new-dir-set-perms" --dir "$D/dir-already-existed" --perms 0741 --dir "$D/dir-already-existed2" \
  --dir "$D/dir-chmod" --chmod 1755 "$D/dir-chmod" --dir "$D/new-dir-default-perms" true
tap_is "$(stat -c %a "$D/new-dir-default-perms" "$D/new-dir-set-perms" "$D/dir-already-existed" "$D/dir-already-existed2" "$D/dir-chmod" | tr '\n' ' ')" \
  "755 1741 710 754 1755 " "directories created explicitly have expected permissions"
args=(--dir "$D/parent/dir")
for p in 1777 0755 0644 0750 0710 0720 0640 0700 0600 0705 0604 0000; do args+=(--perms $p --dir "$D/parent-of-$p/dir"); done
run "${args[@]}" true
got=$(stat -c %a "$D/parent" && for p in 1777 0755 0644 0750 0710 0720 0640 0700 0600 0705 0604 0000; do stat -c %a "$D/parent-of-$p"; done)
tap_is "$(echo $got)" "755 755 755 755 750 750 750 750 700 700 705 705 700" "directories created as parents have expected permissions"
chmod -R 0700 "$D"/parent* && rm -rf "$D"/parent*
tap_is "$(run --perms 01777 --tmpfs "$D" stat -c %a "$D"):$(run --tmpfs "$D" stat -c %a "$D")" "1777:755" "tmpfs has expected permissions"
out=""
for a in "--size 1048576" "--size 1048576 --perms 01777" "--perms 01777 --size 1048576"; do
  out="$out $(run $a --tmpfs "$D" sh -c "df --output=size --block-size=1K $D | tail -1; stat -c %a $D" | flat)"
done
tap_is "$out" " 1024;755; 1024;1777; 1024;1777;" "tmpfs has expected size"
out=""
for a in "--file 0" "--perms 0640 --file 0" "--bind-data 0" "--perms 0640 --bind-data 0" "--ro-bind-data 0" "--perms 0640 --ro-bind-data 0"; do
  out="$out $(run $a /tmp/file stat -c %a /tmp/file </dev/null)"
done
tap_is "$out" " 666 640 600 640 600 640" "files have expected permissions"
out=""
for size in 0 123bogus '' -12345678 ' -12345678' 18446744073709551616 9223372036854775809; do
  run --size "$size" --tmpfs /tmp/a true
  out="$out$?"
done
tap_is "$out" "1111111" "bogus tmpfs size not allowed"
run --perms 0640 --perms 0640 --tmpfs /tmp/a true
r1=$?
run --size 1048576 --size 1048576 --tmpfs /tmp/a true
tap_is "$r1:$?" "1:1" "--perms and --size only allowed once"
out=$(as user env FOO= BAR=baz "$BIN/bwrap" --bind / / --tmpfs /tmp --setenv FOO bar sh -c 'echo "$FOO$BAR"')
out="$out $(as user env FOO=wrong BAR=baz "$BIN/bwrap" --bind / / --tmpfs /tmp --setenv FOO bar sh -c 'echo "$FOO$BAR"')"
out="$out $(as user env FOO=wrong BAR=baz "$BIN/bwrap" --bind / / --tmpfs /tmp --unsetenv FOO sh -c 'printf "%s%s" "$FOO" "$BAR"')"
out="$out $(as user env FOO=wrong BAR=wrong "$BIN/bwrap" --bind / / --tmpfs /tmp --clearenv /usr/bin/env)"
tap_is "$out" "barbaz barbaz baz PWD=$(cd "$D" && pwd -P)" "environment manipulation"

# ================================ exit statuses ================================

WD_user=$T/w-user
# bg WHO FILE ARGS...: `bwrap ARGS` in the background as WHO; FILE gets the runtime's pid
bg() {
  local who=$1 file=$2
  shift 2
  as "$who" sh -c 'echo $$ >"$0"; exec "$@"' "$file" "$BIN/bwrap" "$@" 2>"$ERR" &
}
for WHO in root user; do
  D=$T/w-$WHO
  out=""
  for mode in "" "--unshare-pid" "--unshare-pid --as-pid-1"; do
    bw $WHO --ro-bind / / $mode sh -c 'exit 42'
    out="$out $?"
  done
  tap_is "$out" " 42 42 42" "$WHO: the command's exit status (42), with and without a reaping pid 1, and as pid 1"
  bw $WHO --ro-bind / / "$H" kill-self 10
  r1=$?
  bw $WHO --ro-bind / / --unshare-pid "$H" kill-self 15
  r2=$?
  rm -f "$D/pid"
  bw $WHO --ro-bind / / --unshare-pid --as-pid-1 "$H" sleep 36.$$ &
  for _ in $(seq 50); do [ -n "$(helpers "36.$$")" ] && break; sleep 0.05; done
  kill -KILL $(helpers "36.$$")
  reap $! "sleep 36\\.$$"
  tap_is "$r1 $r2 $?" "138 143 137" "$WHO: killed by signal N: 128+N (SIGUSR1 raised, SIGTERM under a reaping pid 1, SIGKILL of pid 1)"
  printf 'echo no\n' >"$D/noexec" && chmod 644 "$D/noexec"
  for mode in "" "--unshare-pid"; do
    out=""
    for cmd in "/nonexistent-$$" "nonexistent-$$" "$D/noexec" "$D"; do
      sb $WHO --ro-bind / / $mode "$cmd"
      out="$out$? $(cat "$ERR");"
    done
    tap_is "$out" "127 cell sandbox: exec \`/nonexistent-$$\`: no such file or directory;127 cell sandbox: exec \`nonexistent-$$\`: no such file or directory;126 cell sandbox: exec \`$D/noexec\`: permission denied;126 cell sandbox: exec \`$D\`: permission denied;" \
      "$WHO: cell sandbox $mode: 127 for a command not found, 126 for one not executable (a file, a directory)"
    out=""
    for cmd in "/nonexistent-$$" "nonexistent-$$" "$D/noexec"; do
      bw $WHO --ro-bind / / $mode "$cmd"
      out="$out$? $(cat "$ERR");"
    done
    tap_is "$out" "1 bwrap: execvp /nonexistent-$$: No such file or directory;1 bwrap: execvp nonexistent-$$: No such file or directory;1 bwrap: execvp $D/noexec: Permission denied;" \
      "$WHO: as bwrap $mode: exit 1 with bwrap's execvp message"
    bw $WHO --ro-bind / / $mode --json-status-fd 8 true 8>"$D/json"
    r1="$?:$(grep -o '"exit-code": [0-9]*' "$D/json")"
    bw $WHO --ro-bind / / $mode --json-status-fd 8 /nonexistent-$$ 8>"$D/json"
    tap_is "$r1 $?:$(grep -c '"child-pid"' "$D/json"):$(grep -c exit-code "$D/json")" "0:\"exit-code\": 0 1:1:0" \
      "$WHO: --json-status-fd $mode: an exit-code when the command ran, none when it could not"
  done
  # the runtime forwards signals: a SIGTERM to it reaches the command (which handles it and exits 0)
  out=""
  for mode in "" "--unshare-pid" "--unshare-pid --as-pid-1"; do
    rm -f "$D/term" "$D/pid"
    bg $WHO "$D/pid" --ro-bind / / --bind "$D" "$D" $mode "$H" trap-term "$D/term"
    for _ in $(seq 50); do [ -n "$(pgrep -f "trap-term $D/term" | while read -r p; do [ "$(readlink /proc/$p/exe)" = "$H" ] && echo $p; done)" ] && break; sleep 0.05; done
    kill -TERM "$(cat "$D/pid")"
    reap $! "trap-term $D/term"
    out="$out $?:$(cat "$D/term" 2>&1)"
  done
  tap_is "$out" " 0:term 0:term 0:term" "$WHO: SIGTERM to the runtime reaches the command (no pid namespace, under a reaping pid 1, as pid 1)"
  rm -f "$D/sigs"
  bg $WHO "$D/pid" --ro-bind / / --unshare-pid "$H" signals >"$D/sigs"
  for _ in $(seq 50); do grep -q ready "$D/sigs" 2>/dev/null && break; sleep 0.05; done
  kill -USR1 "$(cat "$D/pid")"
  for _ in $(seq 50); do grep -q got=SIGUSR1 "$D/sigs" && break; sleep 0.05; done
  kill -HUP "$(cat "$D/pid")"
  for _ in $(seq 50); do grep -q got=SIGHUP "$D/sigs" && break; sleep 0.05; done
  kill -TERM "$(cat "$D/pid")"
  reap $! "$H signals"
  tap_is "$?:$(echo $(cat "$D/sigs"))" "0:ready got=SIGUSR1 got=SIGHUP got=SIGTERM" "$WHO: SIGUSR1, SIGHUP, SIGTERM forwarded in order through the reaping pid 1"
  # the runtime returns when the command exits, though it left a process behind (which runs on, as under bwrap)
  for mode in "" "--unshare-pid"; do
    start=$(date +%s%N)
    bw $WHO --ro-bind / / --dev /dev $mode sh -c "\"$H\" sleep 37.$$ >/dev/null 2>&1 </dev/null & exit 3"
    rc=$?
    ms=$((($(date +%s%N) - start) / 1000000))
    tap_is "$rc:$([ $ms -lt 3000 ] && echo prompt || echo "${ms}ms"):$(helpers "37.$$" | wc -l)" "3:prompt:1" \
      "$WHO: $mode the runtime returns with the command's status (3) though it left a process running"
    kill $(helpers "37.$$") 2>/dev/null
  done
done

# ================================ bad input ================================

# what the tests above left to end (a pid 1 still reaping what its command left) ends first
for _ in $(seq 30); do [ "$(ps -u "$SU" -o stat= | grep -vc '^Z')" = 0 ] && break; sleep 0.1; done
# One line naming the option (bwrap's words where it has them), exit 1, and nothing left behind: no mount of the
# test's in the host's mount table, no process of the test user, no process with the command's marker.

mounts_before=$(grep -c -e "$T" -e "$VT" /proc/self/mountinfo)
# the live processes of the test user (zombies are not its: whoever adopted them has not reaped them yet)
live() { ps -u "$SU" -o stat= | grep -vc '^Z'; }
bad() { # bad WHO 'EXPECTED MESSAGE' ARGS...: bwrap ARGS COMMAND (it never starts) fails just so
  local who=$1 want=$2 out
  shift 2
  out=$(bw $who "$@" "$H" sleep 38.$$)
  tap_is "$?:$out:$(cat "$ERR"):$(live):$(pgrep -f "sleep 38.$$" | wc -l)" "1::bwrap: $want:0:0" "$who: bad input: $want"
}
bad0() { # bad0 WHO 'EXPECTED MESSAGE' ARGS...: the same for ARGS alone (an option's argument missing)
  local who=$1 want=$2 out
  shift 2
  out=$(bw $who "$@")
  tap_is "$?:$out:$(cat "$ERR"):$(live)" "1::bwrap: $want:0" "$who: bad input: $want"
}
bad user "Unknown option --frobnicate" --frobnicate
bad0 user "--bind takes two arguments" --ro-bind / / --bind /
bad0 user "--tmpfs takes an argument" --tmpfs
bad0 user "--chdir takes one argument" --ro-bind / / --chdir
bad user "--tmpfs: destination is not an absolute path: tmp" --ro-bind / / --tmpfs tmp
bad root "--bind: destination is not an absolute path: mnt" --ro-bind / / --bind /usr mnt
bad user "Can't find source path /nonexistent-$$: No such file or directory" --ro-bind / / --tmpfs /mnt --bind /nonexistent-$$ /mnt/x
bad root "Can't find source path /nonexistent-$$: No such file or directory" --ro-bind / / --tmpfs /mnt --ro-bind /nonexistent-$$ /mnt/x
bad user "Invalid fd: x" --ro-bind / / --sync-fd x
bad user "Invalid fd: -3" --ro-bind / / --info-fd -3
bad user "Setting userns failed: Bad file descriptor" --ro-bind / / --userns 99
bad user "--bind-fd 99: not an open file: No such file or directory" --ro-bind / / --tmpfs /mnt --bind-fd 99 /mnt/x
bad user "read seccomp program from fd 99: Bad file descriptor" --ro-bind / / --seccomp 99
bad user "file \`/mnt/f\`: read: Bad file descriptor" --ro-bind / / --tmpfs /mnt --file 99 /mnt/f
bad user "Can't read --args data: Bad file descriptor" --args 99
bad root "Specifying --uid requires --unshare-user or --userns" --ro-bind / / --uid 5
bad root "Specifying --gid requires --unshare-user or --userns" --ro-bind / / --gid 5
bad user "--userns not compatible --unshare-user" --ro-bind / / --userns 0 --unshare-user
bad root "--disable-userns requires --unshare-user" --ro-bind / / --disable-userns
bad root "--userns-block-fd requires --unshare-user" --ro-bind / / --userns-block-fd 0
bad user "--userns-block-fd requires --info-fd" --ro-bind / / --unshare-user --userns-block-fd 0
bad user "Specifying --as-pid-1 requires --unshare-pid" --ro-bind / / --as-pid-1
bad user "Specifying --as-pid-1 and --lock-file is not permitted" --ro-bind / / --unshare-pid --as-pid-1 --lock-file /etc/hostname
bad user "Specifying --hostname requires --unshare-uts" --ro-bind / / --hostname h
bad user "--add-seccomp-fd cannot be combined with --seccomp" --ro-bind / / --seccomp 0 --add-seccomp-fd 0
bad user "--seccomp cannot be combined with --add-seccomp-fd" --ro-bind / / --add-seccomp-fd 0 --seccomp 0
bad user "--perms given twice for the same action" --ro-bind / / --perms 0700 --perms 0700 --tmpfs /mnt
bad user "--perms must be followed by an option that creates a file" --ro-bind / / --perms 0700 --setenv A B
bad user "--size must be followed by --tmpfs" --ro-bind / / --size 4096 --dir /mnt
bad user "--size takes a non-zero number of bytes" --ro-bind / / --size 0 --tmpfs /mnt
bad user "--chmod takes an octal argument <= 07777" --ro-bind / / --chmod 9999 /mnt
bad user "unknown cap: CAP_FROB" --ro-bind / / --cap-add CAP_FROB
bad user "--overlay-lowerdir must be followed by --overlay" --ro-bind / / --overlay-lowerdir /usr
bad user "--become-root is not compatible with --uid" --ro-bind / / --become-root --uid 5
bad user "Can't chdir to /nonexistent-$$: No such file or directory" --ro-bind / / --chdir /nonexistent-$$
bad root "Unable to open lock file /nonexistent-$$: No such file or directory" --ro-bind / / --lock-file /nonexistent-$$
if [ -e /sys/fs/selinux/enforce ]; then
  tap_skip 2 "SELinux is on here: --exec-label and --file-label are not refused"
else
  bad user "--exec-label: labeling not supported on this system" --ro-bind / / --exec-label system_u:system_r:x:s0
  bad user "--file-label: labeling not supported on this system" --ro-bind / / --file-label system_u:object_r:x:s0
fi
out=$(as user "$BIN/cell" sandbox --frobnicate "$H" sleep 38.$$ 2>&1)
tap_is "$?:$out" "1:cell sandbox: Unknown option --frobnicate" "cell sandbox: its own prefix"
out=$(as user "$BIN/bwrap" --ro-bind / / 2>"$ERR")
tap_is "$?:$out:$(head -1 "$ERR")" "1::usage: $BIN/bwrap [OPTIONS...] [--] COMMAND [ARGS...]" "no command: the usage on stderr, exit 1"
tap_is "$(grep -c -e "$T" -e "$VT" /proc/self/mountinfo)" "$mounts_before" "bad input left no mount of the test's in the host's mount table"
# a setuid (or setgid) copy of cell refuses to run, whatever its name
mkdir -m 755 "$VT/suid" && cp "$BIN/cell" "$VT/suid/bwrap" && cp "$BIN/cell" "$VT/suid/cell" && chmod 4755 "$VT/suid/bwrap"
chgrp 0 "$VT/suid/cell" && chmod 2755 "$VT/suid/cell"
out=$(as user "$VT/suid/bwrap" --ro-bind / / --bind "$T/w-user" /mnt touch /mnt/suid-ran 2>&1)
out2=$(as user "$VT/suid/cell" sandbox --ro-bind / / --bind "$T/w-user" /mnt touch /mnt/sgid-ran 2>&1)
tap_is "$?:$out:$out2:$(ls "$T/w-user" | grep -c -- '-ran')" "1:cell: refusing to run setuid or setgid:cell: refusing to run setuid or setgid:0" \
  "a setuid copy (as bwrap) and a setgid copy (as cell sandbox) refuse to run, and run nothing"

# ================================ fd hygiene ================================
# The command gets exactly the fds its caller passed on (none of the runtime's, none the setup consumed).

for WHO in root user; do
  D=$T/w-$WHO
  fdlist() { grep -v '^fd=[012] ' | sed "s|-> $D/|-> |" | tr '\n' ' '; }
  want=$(as $WHO "$H" fds 5<"$D" 7<"$D/data" 9>>"$D/out9" | fdlist)
  for mode in "" "--unshare-pid" "--unshare-pid --as-pid-1" "--unshare-user --uid 5 --dev /dev" "--unshare-all --proc /proc" "--lock-file $D/lock --sync-fd 9"; do
    got=$(bw $WHO --ro-bind / / $mode "$H" fds 5<"$D" 7<"$D/data" 9>>"$D/out9" | fdlist)
    if [[ $mode == *sync-fd* ]]; then
      tap_is "$got" "$(printf '%s' "$want" | sed 's/fd=9 -> [^ ]* //')" "$WHO: fds: the caller's reach the command, but the sync fd and the lock file pid 1 holds"
    else
      tap_is "$got" "$want" "$WHO: fds with '$mode': exactly the caller's (5, 7, 9) reach the command"
    fi
  done
  got=$(bw $WHO --ro-bind / / --tmpfs /mnt --file 7 /mnt/f --bind-data 4 /mnt/g --bind-fd 5 /mnt/d --info-fd 6 --json-status-fd 8 \
    "$H" fds 4<"$D/data" 5<"$D" 6>"$D/info" 7<"$D/data" 8>"$D/json" 9>>"$D/out9" | fdlist)
  tap_is "$got" "fd=9 -> out9 " "$WHO: the fds of --file, --bind-data, --bind-fd, --info-fd and --json-status-fd do not reach the command"
  got=$(bw $WHO --ro-bind / / --unshare-pid --pack-fds --info-fd 6 --lock-file "$D/lock" sh -c 'echo $LISTEN_FDS; exec "$0" fds' "$H" \
    5<"$D" 6>"$D/info" 9>>"$D/out9" | fdlist)
  tap_is "$got" "2 fd=3 -> $D fd=4 -> out9 " "$WHO: --pack-fds: only the caller's fds, packed to 3 and 4 (no control fd, no lock file, nothing of the runtime's)"
done

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# checklist.sh: the rows of SECURITY.md section 5 that no other script reproduced (docs/security.md maps
# every row to its tests): terminal injection, exec's fds and cwd, /dev symlinked out of the rootfs, numeric
# users, the sandbox's argv, --bind-fd and planted symlinks, NUL/size/depth bombs, ociVersion, IDs,
# concurrent creates and operations, relative destinations, init gone, paused force-delete, orphans in a
# sandbox, readonly/masked paths, masks, /dev/console and a sysctl under a swapping container, cell's memory
# under unbounded output. Harmless if a defence fails: injected input goes to a pty of the test's own, host
# dirs probed and files a swap points at are scratch of the test, cgroups are below a scratch parent of this
# run.
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 56

_make_rootfs_template
ERR=$CELL_TEST_TMP/err
CG=/sys/fs/cgroup
CGP=cell-checklist-$$
on_exit "find $CG/*/$CGP $CG/$CGP -depth -type d -exec rmdir {} \\; 2>/dev/null"
# a background process of a test, killed on exit should a failure leave it running (only while it is ours)
BG=
on_exit '[ -z "$BG" ] || kill "$BG"'

# leftovers_none ID: no state dir for ID, nothing mounted below the test's temp dir.
leftovers_none() { [ ! -e "$CELL_TEST_ROOT/$1" ] && ! host_mounts_matching "$CELL_TEST_TMP/" >/dev/null; }

# snap DIR: a listing of DIR (names, types, sizes, modes, contents of files).
snap() { (cd "$1" && find . -printf '%p %y %s %m\n' | sort && find . -type f -exec cat {} + 2>/dev/null); }

# in_pty CMD...: CMD with a new pty (of this test) as its controlling terminal and stdio; prints what the
# pty's master read (the terminal's echo shows anything pushed into its input queue).
cat >"$CELL_TEST_TMP/ptyrun.py" <<'EOF'
import os, pty, select, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        if not select.select([fd], [], [], 20)[0]:
            break
        d = os.read(fd, 4096)
    except OSError:
        break
    if not d:
        break
    out += d
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
sys.exit(os.waitstatus_to_exitcode(st))
EOF
in_pty() { timeout 30 python3 "$CELL_TEST_TMP/ptyrun.py" "$@"; }

# ---- row 23: TIOCSTI / TIOCLINUX into the caller's terminal --------------------------------------------

B=$(make_bundle tty)
INJ=ZQX23
bundle_set "$B" '.process.args = ["cell-helper", "tiocsti", $t]' --arg t "$INJ"
out=$(in_pty "$CELL" --root "$CELL_TEST_ROOT" run --bundle "$B" sti-$$ 2>&1)
tap_is "$(grep -c "$INJ" <<<"$out"):$(grep -E '^tio' <<<"$out" | tr '\n' ' ')" \
  "0:tiocsti=EPERM tiocsti_high=EPERM tioclinux=ENOTTY " \
  "row 23: run from a terminal (terminal=false): TIOCSTI (and its high-bits variant) into it is refused"
bundle_set "$B" '.process.capabilities |= map_values(. + ["CAP_SYS_ADMIN"])'
out=$(in_pty "$CELL" --root "$CELL_TEST_ROOT" run --bundle "$B" sti-$$ 2>&1)
tap_is "$(grep -o "$INJ" <<<"$out" | wc -l):$(grep -oE 'tiocsti(_high)?=[A-Za-z]+' <<<"$out" | tr '\n' ' ')" "2:tiocsti=ok tiocsti_high=ok " \
  "row 23: (control) with CAP_SYS_ADMIN the probe's input reaches the terminal's queue (the probe detects it)"
bundle_set "$B" '.process.capabilities |= map_values(map(select(. != "CAP_SYS_ADMIN"))) | .process.args = ["sleep", "100"]'
cellr create --bundle "$B" stx-$$ </dev/null >/dev/null 2>&1 && cellr start stx-$$
out=$(in_pty "$CELL" --root "$CELL_TEST_ROOT" exec stx-$$ cell-helper tiocsti "$INJ" 2>&1)
tap_is "$(grep -c "$INJ" <<<"$out"):$(grep -E '^tiocsti' <<<"$out" | tr '\n' ' ')" "0:tiocsti=EPERM tiocsti_high=EPERM " \
  "row 23: exec from a terminal: TIOCSTI into it is refused"
cellr delete --force stx-$$ >/dev/null 2>&1
S=(--dev-bind / / --cap-drop ALL)
out=$(in_pty "$CELL" sandbox "${S[@]}" --new-session -- "$CELL_HELPER" tiocsti "$INJ" 2>&1)
tap_is "$(grep -c "$INJ" <<<"$out"):$(grep -E '^tiocsti' <<<"$out" | tr '\n' ' ')" "0:tiocsti=EPERM tiocsti_high=EPERM " \
  "row 23: sandbox --new-session: TIOCSTI into the caller's terminal is refused"
out=$(in_pty "$CELL" sandbox "${S[@]}" -- "$CELL_HELPER" tiocsti "$INJ" 2>&1)
tap_is "$(grep -o "$INJ" <<<"$out" | wc -l)" 2 \
  "row 23: (control) sandbox without --new-session shares the terminal: the injection arrives (bwrap's documented behaviour)"

# ---- rows 2, 3: exec with a stray fd of the caller, and a cwd the container turned into /proc/self/fd/N ----

B=$(make_bundle execfd)
HX=$CELL_TEST_TMP/exec-host-dir
mkdir -p "$HX" && echo host-secret >"$HX/marker"
bundle_set "$B" '.process.args = ["sleep", "100"]'
cellr create --bundle "$B" xfd-$$ </dev/null >/dev/null 2>&1 && cellr start xfd-$$
out=$(cellr exec xfd-$$ cell-helper fds 7<"$HX" </dev/null 2>&1)
tap_is "$(sed -n 's/^fd=\([0-9]*\) .*/\1/p' <<<"$out" | tr '\n' ' ')" "0 1 2 " \
  "row 2: exec with a stray inherited fd 7 (a host dir): the process has only fds 0, 1, 2"
# the container plants symlinks to /proc/self/fd/N; exec --cwd names them (fd 7 is a host dir of the caller)
cellr exec xfd-$$ sh -c 'for n in 3 4 5 6 7 8 9 10 11 12; do ln -s /proc/self/fd/$n /fd$n; done'
bad=
for n in 3 4 5 6 7 8 9 10 11 12; do
  out=$(cellr exec --cwd "/fd$n" xfd-$$ sh -c 'echo RAN; cat marker 2>/dev/null; pwd' 7<"$HX" </dev/null 2>&1)
  grep -q -e host-secret -e '^RAN' <<<"$out" && bad="$bad [$n: $(tr '\n' ' ' <<<"$out")]"
done
tap_is "$bad" "" "row 3: exec --cwd through a container symlink to /proc/self/fd/3..12: refused, the process never runs"
tap_is "$(cellr exec --cwd /tmp xfd-$$ sh -c 'echo RAN; pwd' 7<"$HX" </dev/null 2>&1 | tr '\n' ' ')" "RAN /tmp " \
  "row 3: (control) the same exec with --cwd /tmp runs"
cellr delete --force xfd-$$ >/dev/null 2>&1

# ---- row 11: /dev of the image a symlink out of the rootfs ----------------------------------------------

OUT=$CELL_TEST_TMP/outside-dev
mkdir -p "$OUT" && echo marker >"$OUT/marker"
before=$(snap "$OUT")
for target in "$OUT" "../../../../../../../../..$OUT"; do
  B11=$(make_bundle "devsym-${#target}")
  rm -rf "$B11/rootfs/dev"
  ln -s "$target" "$B11/rootfs/dev"
  bundle_set "$B11" '.process.args = ["sh", "-c", "ls /dev/null /dev/zero >/dev/null && echo ran"]'
  out=$(cellr run --bundle "$B11" devsym-$$ </dev/null 2>&1)
  tap_is "$(snap "$OUT")" "$before" "row 11: rootfs/dev -> ${target:0:12}...: the outside dir is unchanged ($(head -c 120 <<<"$out"))"
  tap_result "$(leftovers_none devsym-$$; echo $?)" "row 11: ... and nothing is left"
done

# ---- row 22: numeric users are numbers, whatever the image's passwd says --------------------------------

B=$(make_bundle users)
printf 'root:x:0:0::/root:/bin/sh\n1000:x:0:0::/:/bin/sh\n1:x:0:0::/:/bin/sh\n' >"$B/rootfs/etc/passwd"
printf 'root:x:0:\n1:x:0:\n' >"$B/rootfs/etc/group"
bundle_set "$B" '.process.args = ["sleep", "100"]'
cellr create --bundle "$B" users-$$ </dev/null >/dev/null 2>&1 && cellr start users-$$
got=
for u in 1000 1 1:1; do
  got="$got $u=$(cellr exec --user "$u" users-$$ cell-helper ids 2>&1 | grep -E '^(uid|gid)=' | cut -d, -f1 | tr '\n' ' ')"
done
tap_is "$got" " 1000=uid=1000 gid=0  1=uid=1 gid=0  1:1=uid=1 gid=1 " \
  "row 22: exec -u 1000 / 1 / 1:1 with passwd users named \"1000\" and \"1\" of uid 0: exactly the numbers"
cellr delete --force users-$$ >/dev/null 2>&1

# ---- rows 25-27: the sandbox's argv, --bind-fd, planted symlinks -----------------------------------------

W=$CELL_TEST_TMP/argv
mkdir -p "$W/bin" "$W/x"
printf '#!/bin/sh\necho "ran $0 $*"\n' >"$W/bin/--dev-bind"
chmod 755 "$W/bin/--dev-bind"
out=$(PATH="$W/bin:$PATH" "$CELL" sandbox --dev-bind / / -- --dev-bind / "$W/x" 2>&1)
tap_is "$out:$(host_mounts_matching "$W/x" | wc -l)" "ran $W/bin/--dev-bind / $W/x:0" \
  "row 25: a program named --dev-bind after --: run as the program with its arguments, nothing mounted"
out=$("$CELL" sandbox --dev-bind / / -- --bind / "$W/x" 2>&1)
tap_like "$?:$out:$(host_mounts_matching "$W/x" | wc -l)" '^127:cell sandbox: exec `--bind`: no such file or directory:0$' \
  "row 25: -- --bind / /x: --bind is the (missing) program, no mount"

A=$CELL_TEST_TMP/bindfd-a
mkdir -p "$A" "$CELL_TEST_TMP/decoy" && echo real >"$A/marker" && echo decoy >"$CELL_TEST_TMP/decoy/marker"
exec 9<"$A"
mv "$A" "$A.moved" && ln -s "$CELL_TEST_TMP/decoy" "$A"
out=$("$CELL" sandbox --dev-bind / / --bind-fd 9 /mnt -- sh -c 'cat /mnt/marker; stat -c %d:%i /mnt' 2>&1)
tap_is "$out" "real
$(stat -c %d:%i "$A.moved")" "row 26: --bind-fd of a dir whose path was swapped for a symlink: the fd's inode is mounted"
exec 9<&-

HD=$CELL_TEST_TMP/host-dir
SD=$CELL_TEST_TMP/sandbox-dir
mkdir -p "$HD" "$SD" && echo keep >"$HD/file"
before=$(snap "$HD")
"$CELL" sandbox --dev-bind / / --bind "$SD" /s -- sh -c \
  "ln -s /oldroot$HD /s/d1; ln -s $HD /s/d2; ln -s ../../../../../../../..$HD /s/d3; ln -s /newroot/../oldroot$HD /s/d4" 2>&1
# the next runs see the host only through /s (no --dev-bind / /): a path of the host's is not theirs to create
for d in d1 d2 d3 d4; do
  "$CELL" sandbox --bind "$SD" /s --ro-bind "$CELL_HELPER" /helper --dir "/s/$d/x" --tmpfs "/s/$d/t" \
    -- /helper exit 0 >/dev/null 2>&1
done
tap_is "$(snap "$HD"):$(host_mounts_matching "$HD" | wc -l)" "$before:0" \
  "row 27: --dir/--tmpfs through symlinks a previous run planted (/oldroot/..., absolute, ../.., /newroot/..): nothing on the host"

# ---- rows 31, 34, 36, 37, 42: bad input --------------------------------------------------------------

B=$(make_bundle input)
cp "$B/config.json" "$CELL_TEST_TMP/good.json"
# bad NAME REGEX JQ-FILTER: create fails with one line matching REGEX, nothing left
bad() {
  jq "$3" "$CELL_TEST_TMP/good.json" >"$B/config.json" || return 1
  cellr create --bundle "$B" bad-$$ </dev/null >/dev/null 2>"$ERR"
  local rc=$?
  tap_like "$rc:$(wc -l <"$ERR"):$(sed 's/aaaaaaaa*/a.../' "$ERR")" "^1:1:$2" "$1"
  tap_result "$(leftovers_none bad-$$; echo $?)" "... and nothing is left"
  cellr delete --force bad-$$ >/dev/null 2>&1
}
bad "row 31: a NUL inside a mount option is a clean error" 'cell: config.json: [0-9]+:[0-9]+: NUL character in a string$' \
  '.mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m\u0000,mode=777"]}]'
bad "row 31: a NUL inside an env string is a clean error" 'cell: config.json: [0-9]+:[0-9]+: NUL character in a string$' \
  '.process.env += ["A=b\u0000LD_PRELOAD=/x"]'
bad "row 31: a 70 KiB mount destination is a clean error" 'cell: mount on `/a...`: create mount point: File name too long$' \
  '.mounts += [{"destination": ("/" + ("a" * 71680)), "type": "tmpfs", "source": "tmpfs"}]'
bad "row 34: a 10 MiB string is refused" 'cell: config.json: [0-9]+:[0-9]+: string longer than 1048576 bytes$' \
  '.big = ("a" * 10485760)'
python3 -c 'print("{\"ociVersion\": \"1.0.0\", \"x\": " + "[" * 10000 + "]" * 10000 + "}")' >"$B/config.json"
t0=$(date +%s%N)
cellr create --bundle "$B" deep-$$ </dev/null >/dev/null 2>"$ERR"
tap_like "$?:$(cat "$ERR"):$((($(date +%s%N) - t0) / 1000000 < 1000))" '^1:cell: config.json: 1:[0-9]+: nested deeper than 64 levels:1$' \
  "row 34: 10000-deep arrays: refused in under a second"
bad "row 36: ociVersion \"\" is an error" 'cell: config.json: /ociVersion: `` is not a SemVer version$' '.ociVersion = ""'
bad "row 36: ociVersion \"latest\" is an error" 'cell: config.json: /ociVersion: `latest` is not a SemVer version$' '.ociVersion = "latest"'
# a newer minor version runs, with one warning naming it; 2.0.0 is refused
jq '.ociVersion = "1.9.0" | .process.args = ["true"]' "$CELL_TEST_TMP/good.json" >"$B/config.json"
cellr run --bundle "$B" v19-$$ </dev/null >/dev/null 2>"$ERR"
tap_is "$?:$(cat "$ERR")" '0:cell: warning: config.json: /ociVersion: `1.9.0` is newer than the runtime-spec 1.2 cell implements: what it does not know is ignored' \
  "row 36: ociVersion 1.9.0 runs with a warning"
jq '.ociVersion = "1.3.0" | .process.args = ["true"]' "$CELL_TEST_TMP/good.json" >"$B/config.json"
cellr run --bundle "$B" v13-$$ </dev/null >/dev/null 2>"$ERR"
tap_is "$?:$(cat "$ERR")" '0:cell: warning: config.json: /ociVersion: `1.3.0` is newer than the runtime-spec 1.2 cell implements (of 1.3 it has netDevices and memoryPolicy; a failing poststart hook stays a warning)' \
  "row 36: ociVersion 1.3.0 runs with a warning that says what of 1.3 cell has"
bad "row 36: ociVersion 2.0.0 is an error" 'cell: config.json: /ociVersion: unsupported version `2.0.0` \(cell supports 1.x\)$' '.ociVersion = "2.0.0"'
cp "$CELL_TEST_TMP/good.json" "$B/config.json"
bad_ids=
for id in "" . .. -rf .x a/b "$(printf 'a%.0s' $(seq 300))" "é" $'a\nb' "a b"; do
  cellr create --bundle "$B" -- "$id" </dev/null >/dev/null 2>"$ERR"
  rc=$?
  [ $rc = 1 ] && [ "$(wc -l <"$ERR")" = 1 ] && grep -Eq 'container ID' "$ERR" && state_empty || bad_ids="$bad_ids [$id: $rc $(cat "$ERR")]"
  [ $rc = 0 ] && cellr delete --force -- "$id" >/dev/null 2>&1
done
tap_is "$bad_ids" "" "row 37: IDs \"\", ., .., -rf, .x, a/b, 300 chars, unicode, a\\nb, \"a b\": one-line error naming the ID, no state dir"
got=
for d in ../../etc-42 a/../../b-42 /x/../../../c-42; do
  jq --arg d "$d" '.mounts += [{"destination": $d, "type": "tmpfs", "source": "tmpfs"}]
    | .process.args = ["sh", "-c", "cut -d\" \" -f5 /proc/self/mountinfo | grep -- -42$"]' \
    "$CELL_TEST_TMP/good.json" >"$B/config.json"
  got="$got $(cellr run --bundle "$B" rel-$$ </dev/null 2>&1)"
done
tap_is "$got:$(ls -d /etc-42 /b-42 /c-42 "$(dirname "$B")"/etc-42 2>/dev/null)" " /etc-42 /b-42 /c-42:" \
  "row 42: destinations ../../etc-42, a/../../b-42, /x/../../../c-42 are clamped inside the rootfs, nothing outside"

# ---- row 38: 32 parallel creates of one ID ---------------------------------------------------------------

cp "$CELL_TEST_TMP/good.json" "$B/config.json"
bundle_set "$B" '.process.args = ["sleep", "100"]'
for i in $(seq 32); do
  cellr create --bundle "$B" same-$$ </dev/null >/dev/null 2>"$CELL_TEST_TMP/par.$i" &
done
wait
tap_is "$(cat "$CELL_TEST_TMP"/par.* | sort | uniq -c | sed 's/^ *//'):$(cellr state same-$$ | jq -r .status)" \
  "31 cell: container \`same-$$\` already exists:created" \
  "row 38: 32 parallel creates of one ID: one wins, 31 say it exists, the winner is intact"
cellr delete --force same-$$ >/dev/null 2>&1

# ---- row 45: concurrent operations on one container ------------------------------------------------------

# the process names carry this run's pid: no-openat2.sh runs this script beside another instance of it
bundle_set "$B" '.process.args = ["sh", "-c", ("echo started-" + $p + " >> /started; exec sleep 100")]' --arg p "$$"
rm -f "$B/rootfs/started"
cellr create --bundle "$B" conc-$$ </dev/null >/dev/null 2>&1
: >"$CELL_TEST_TMP/conc.out"
for i in $(seq 8); do
  for op in "start" "state" "exec conc-$$ true" "ps" "start"; do
    set -- $op
    (cellr "$1" conc-$$ "${@:3}" >/dev/null 2>>"$CELL_TEST_TMP/conc.$i"; echo "$1=$?" >>"$CELL_TEST_TMP/conc.out") &
  done
done
wait
for _ in $(seq 20); do [ -s "$B/rootfs/started" ] && break; sleep 0.1; done
st=$(cellr state conc-$$ | jq -r .status)
for i in $(seq 6); do
  (cellr kill conc-$$ KILL >/dev/null 2>&1; cellr state conc-$$ >/dev/null 2>&1; cellr delete --force conc-$$ >/dev/null 2>&1) &
done
wait
bad=$(cat "$CELL_TEST_TMP"/conc.[0-9]* | grep -v -E "cannot start a container that is running" | head -3)
tap_is "$(grep -c started "$B/rootfs/started"):$(grep -c '^start=0' "$CELL_TEST_TMP/conc.out"):$st:$bad" "1:1:running:" \
  "row 45: 16 starts with state/exec/ps in parallel: the process starts once, one start succeeds, the rest clean errors"
tap_result "$(state_empty && [ -z "$(pgrep -f "echo started-$$ >> /started")" ]; echo $?)" \
  "row 45: kill/state/delete --force in parallel: the container is gone, nothing left"

# ---- row 46: host pid namespace, init gone, children alive ---------------------------------------------

bundle_set "$B" '.linux.namespaces |= map(select(.type != "pid")) | .linux.cgroupsPath = $c
  | .process.args = ["sh", "-c", ("sleep " + $s + " & exit 0")]' --arg c "/$CGP/orphan" --arg s "4646$$"
cellr create --bundle "$B" orph-$$ </dev/null >/dev/null 2>&1 && cellr start orph-$$
for _ in $(seq 50); do [ "$(cellr state orph-$$ | jq -r .status)" = stopped ] && break; sleep 0.1; done
child=$(pgrep -f "^sleep 4646$$\$" | head -1)
out=$(cellr kill orph-$$ KILL 2>&1)
tap_like "$?:$out:child=$child" "^1:cell: container \`orph-$$\` is not running:child=[0-9]+$" \
  "row 46: init gone, a child alive: kill says not running"
cellr delete orph-$$ 2>"$ERR"
rc=$?
left=$(find "$CG"/*/"$CGP/orphan" "$CG/$CGP/orphan" -maxdepth 0 -type d 2>/dev/null)
tap_is "$rc:$(cat "$ERR"):$(pgrep -f "^sleep 4646$$\$"):$left" "0:::" \
  "row 46: delete kills the child in the cgroup and removes the cgroup"

# ---- row 48: a paused container force-deleted ------------------------------------------------------------

bundle_set "$B" '.linux.namespaces += [{"type": "pid"}] | .linux.cgroupsPath = $c | .process.args = ["sleep", ("4848" + $p)]' \
  --arg c "/$CGP/paused" --arg p "$$"
cellr create --bundle "$B" paused-$$ </dev/null >/dev/null 2>&1 && cellr start paused-$$ && cellr pause paused-$$
s=$(cellr state paused-$$ | jq -r .status)
t0=$(date +%s%N)
timeout 10 "$CELL" --root "$CELL_TEST_ROOT" delete --force paused-$$ 2>"$ERR"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
left=$(find "$CG"/*/"$CGP/paused" "$CG/$CGP/paused" -maxdepth 0 -type d 2>/dev/null)
tap_is "$s:$rc:$(cat "$ERR"):$(pgrep -f "^sleep 4848$$\$"):$left:$((ms < 5000))" "paused:0::::1" \
  "row 48: delete --force of a paused container: thawed, killed, cgroup removed (${ms} ms)"

# ---- row 49: orphans in a sandbox with its own pid namespace ---------------------------------------------

out=$("$CELL" sandbox --dev-bind / / --unshare-pid --proc /proc -- sh -c \
  'for i in 1 2 3 4 5; do sh -c "sleep 0.1 & exit 0"; done; sleep 0.5
   for s in /proc/[0-9]*/stat; do read -r p c st rest <"$s" && [ "$st" = Z ] && echo "zombie $p $c"; done; echo done' 2>&1)
tap_is "$out" done "row 49: sandbox --unshare-pid: orphans reparented to its pid 1 are reaped (no zombie)"

# ---- row 15: readonly/masked paths while another container swaps a component of their path --------------

V=$CELL_TEST_TMP/vol15
mkdir -p "$V/a/ro" "$V/a/m" "$V/c/ro" "$V/c/m"
for d in a c; do echo "secret-$d" >"$V/$d/m/secret" && echo "file-$d" >"$V/$d/mf"; done
# /vol/b -> /vol/c (absolute: resolved in the container's root); the swapper exchanges /vol/a and /vol/b
ln -s /vol/c "$V/b"
before=$(snap "$V")
B=$(make_bundle swapper)
bundle_set "$B" '.mounts += [{"destination": "/vol", "type": "bind", "source": $v, "options": ["rbind"]}]
  | .linux.cgroupsPath = $c | .process.args = ["cell-helper", "exchange", "/vol/a", "/vol/b"]' \
  --arg v "$V" --arg c "/$CGP/swapper"
cellr create --bundle "$B" swap-$$ </dev/null >/dev/null 2>&1 && cellr start swap-$$ && cellr pause swap-$$
B15=$(make_bundle ro15)
bundle_set "$B15" '.mounts += [{"destination": "/vol", "type": "bind", "source": $v, "options": ["rbind"]}]
  | .linux.readonlyPaths = ["/vol/a/ro"] | .linux.maskedPaths = ["/vol/a/m", "/vol/a/mf"]
  | .process.args = ["sh", "/probe"]' --arg v "$V"
# the probe (run with the layout restored): /vol and each of a/ro, c/ro writable (W) or not (R), a/m and c/m
# hidden (H) or showing their file (S), a/mf and c/mf the null device (N) or the file (F), and how many
# mounts below /vol (but the /dev/null binds masking files) are writable
cat >"$B15/rootfs/probe" <<'PROBE'
w() { if echo x >"$1/.w" 2>/dev/null; then rm -f "$1/.w"; echo W; else echo R; fi; }
h() { if [ -e "$1/secret" ]; then echo S; else echo H; fi; }
n() { if [ -c "$1" ] && [ "$(stat -c %t:%T "$1")" = 1:3 ]; then echo N; elif grep -q '^file-' "$1"; then echo F; else echo '?'; fi; }
rw=$(awk '$5 ~ "^/vol/" && $5 !~ "/mf$" && $6 !~ /^ro/' /proc/self/mountinfo | wc -l)
echo "vol=$(w /vol) aro=$(w /vol/a/ro) cro=$(w /vol/c/ro) am=$(h /vol/a/m) cm=$(h /vol/c/m) amf=$(n /vol/a/mf) cmf=$(n /vol/c/mf) rw=$rw"
PROBE
N15=40
bad= decoy=0 failed=0
for i in $(seq "$N15"); do
  cellr resume swap-$$
  cellr create --bundle "$B15" r15-$$ </dev/null >"$CELL_TEST_TMP/r15.out" 2>"$ERR"
  rc=$?
  cellr pause swap-$$
  # the swapper stopped with a and b either way round: put the directory back at a
  [ -L "$V/a" ] && "$CELL_HELPER" exchange "$V/a" "$V/b" 1
  if [ $rc != 0 ]; then
    failed=$((failed + 1))
    [ "$(wc -l <"$ERR")" = 1 ] && leftovers_none r15-$$ || bad="$bad [create: $(cat "$ERR")]"
    continue
  fi
  cellr start r15-$$
  for _ in $(seq 50); do [ "$(cellr state r15-$$ | jq -r .status)" = stopped ] && break; sleep 0.05; done
  line=$(cat "$CELL_TEST_TMP/r15.out")
  cellr delete --force r15-$$ >/dev/null 2>&1
  grep -Eq '^vol=W (aro=R cro=W|aro=W cro=R) (am=H cm=S|am=S cm=H) (amf=N cmf=F|amf=F cmf=N) rw=0$' <<<"$line" \
    || bad="$bad [$line]"
  grep -Eq 'cro=R|cm=H|cmf=N' <<<"$line" && decoy=$((decoy + 1))
done
st=$(cellr state swap-$$ | jq -r .status)
cellr delete --force swap-$$ >/dev/null 2>&1
tap_is "$bad:$st" ":paused" \
  "row 15: $N15 creates while a container swaps /vol/a with a symlink: each readonly/masked op covers a or c, never neither ($decoy reached c, $failed failed)"
tap_is "$(snap "$V"):$(host_mounts_matching "$V" | wc -l)" "$before:0" "row 15: ... the volume is unchanged and nothing is mounted on the host"

# ---- rows 12-14 racing: a container swaps what cell's setup of another one could look up by path --------
# Each racer is a container running `cell-helper exchange` on a scratch volume of this test (renameat2
# RENAME_EXCHANGE in a loop) while containers are created next to it. Every symlink points at a scratch file
# of the test or into the created container's own procfs (its own network namespace): harmless if a defence
# fails, and each test checks that scratch file.

# racer ID DIR A B: a container with DIR on /vol exchanging /vol/A and /vol/B until deleted
racer() {
  local b
  b=$(make_bundle "racer-$1")
  bundle_set "$b" '.mounts += [{"destination": "/vol", "type": "bind", "source": $v, "options": ["rbind"]}]
    | .process.args = ["cell-helper", "exchange", ("/vol/" + $a), ("/vol/" + $b)]' --arg v "$2" --arg a "$3" --arg b "$4"
  cellr create --bundle "$b" "$1" </dev/null >/dev/null 2>&1 && cellr start "$1"
}
# racer_done ID: the racer's status (running: it raced the whole time), then it is deleted
racer_done() {
  cellr state "$1" 2>/dev/null | jq -r .status
  cellr delete --force "$1" >/dev/null 2>&1
}

# Row 12 (CVE-2025-31133): the created containers' /dev is a bind of a scratch dir whose `null` the racer
# swaps between a real 1:3 node and a symlink to a scratch file in their rootfs. Masking must bind its own
# null device (cell clones the host's before the root switch), never what the container's /dev/null is.
t0=$(date +%s%N)
D12=$CELL_TEST_TMP/dev12
mkdir -p "$D12"
mknod -m 666 "$D12/null" c 1 3
ln -s /scratch12 "$D12/null.x"
racer nullswap-$$ "$D12" null null.x
B12=$(make_bundle null-race)
echo "scratch-12-$$" >"$B12/rootfs/scratch12"
# the probe: each masked file of the default spec the kernel has, its type, and how much of it reads; it
# writes only through a masked file that is the null device or the scratch file (the attack's write); it
# never opens its own /dev/null (that is the racer's entry: at times the scratch file)
cat >"$B12/rootfs/probe" <<'PROBE'
for f in /proc/kcore /proc/timer_list /proc/keys /proc/latency_stats /proc/sched_debug /proc/scsi; do
  [ -e $f ] || continue
  t=$(stat -L -c '%F %t:%T' $f)
  echo "$f $t $(head -c 64 $f 2>/tmp/err | wc -c)"
  if [ "$t" = "character special file 1:3" ] || grep -q '^scratch-12' $f 2>/tmp/err; then echo pwned >$f; fi
done
PROBE
bundle_set "$B12" '(.mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not))))
  | .mounts += [{"destination": "/dev", "type": "bind", "source": $d, "options": ["rbind"]}]
  | .process.args = ["sh", "/probe"]' --arg d "$D12"
N12=40 bad= failed=0
for i in $(seq $N12); do
  out=$(cellr run --bundle "$B12" null12-$$ </dev/null 2>"$ERR")
  if [ $? != 0 ]; then
    failed=$((failed + 1))
    [ "$(wc -l <"$ERR")" = 1 ] && leftovers_none null12-$$ || bad="$bad [create: $(cat "$ERR")]"
    continue
  fi
  [ -n "$out" ] && ! grep -qv ' character special file 1:3 0$' <<<"$out" || bad="$bad [$(tr '\n' ';' <<<"$out")]"
done
st=$(racer_done nullswap-$$)
tap_is "$bad:$st" ":running" \
  "row 12: $N12 runs while a container swaps their /dev/null with a symlink: every masked file is the 1:3 device and reads empty ($failed failed cleanly, $((($(date +%s%N) - t0) / 1000000)) ms)"
tap_is "$(cat "$B12/rootfs/scratch12"):$(ls "$D12" | tr '\n' ' ')$(stat -c %t:%T "$D12/null" "$D12/null.x" | sort | tr '\n' ' ')" \
  "scratch-12-$$:null null.x 0:0 1:3 " "row 12: ... the scratch file is unchanged, the racer's dir holds its two entries"

# Row 13 (CVE-2025-52565): terminal:true; the created containers' /dev/pts is a bind of a scratch dir where
# `ptmx` links to a devpts of their own (so cell's /dev/ptmx -> pts/ptmx opens a real multiplexer, pty 0)
# and the racer swaps `0` between that pty and a symlink to a scratch file. /dev/console must be the pty
# cell holds (bound from its peer fd), never what /dev/pts/0 names.
t0=$(date +%s%N)
P13=$CELL_TEST_TMP/pts13
mkdir -p "$P13"
ln -s /devpts13/ptmx "$P13/ptmx"
ln -s /devpts13/0 "$P13/0"
ln -s /scratch13 "$P13/0.x"
racer ptsswap-$$ "$P13" 0 0.x
B13=$(make_bundle console-race)
echo "scratch-13-$$" >"$B13/rootfs/scratch13"
# the probe writes to /dev/console: the pty's output if it is one, the scratch file if the attack worked
bundle_set "$B13" '(.mounts |= map(select(.destination != "/dev/pts")))
  | .mounts += [{"destination": "/dev/pts", "type": "bind", "source": $p, "options": ["rbind"]},
      {"destination": "/devpts13", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]}]
  | .process.terminal = true
  | .process.args = ["sh", "-c", "echo \"console=$(stat -L -c \"%F %t:%T\" /dev/console) stdin=$(stat -L -c %t:%T /proc/self/fd/0)\"; echo pwned >/dev/console"]' \
  --arg p "$P13"
N13=30 bad=
for i in $(seq $N13); do
  out=$(in_pty "$CELL" --root "$CELL_TEST_ROOT" run --bundle "$B13" cons13-$$ 2>&1)
  rc=$?
  # major 136 (0x88), the very pty that is its stdin
  line=$(grep '^console=' <<<"$out")
  [ $rc = 0 ] && [[ $line =~ ^console=character\ special\ file\ 88:([0-9a-f]+)\ stdin=88:([0-9a-f]+)$ ]] &&
    [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] || bad="$bad [$rc: $(tr '\n' ';' <<<"$out")]"
done
st=$(racer_done ptsswap-$$)
tap_is "$bad:$st" ":running" \
  "row 13: $N13 terminal runs while a container swaps their /dev/pts/0 with a symlink to a scratch file: /dev/console is always their pty (major 136; $((($(date +%s%N) - t0) / 1000000)) ms)"
tap_is "$(cat "$B13/rootfs/scratch13"):$(leftovers_none cons13-$$; echo $?)" "scratch-13-$$:0" \
  "row 13: ... the scratch file is unchanged, nothing is left"

# Row 14 (CVE-2025-52881): a scratch file is bound on /vol/a/ip_default_ttl while the racer swaps /vol/a
# with a symlink to /proc/sys/net/ipv4, and the config sets net.ipv4.ip_default_ttl. The bind must never land
# inside procfs (refused on the resolved target), and the sysctl write must reach the container's procfs
# file, never the bound scratch file (a write beneath the procfs mount, no mount crossed, on a procfs file).
# A failed create must be the bind's refusal: a sysctl write that fails would mean the bind got in.
t0=$(date +%s%N)
V14=$CELL_TEST_TMP/vol14
mkdir -p "$V14/a" "$V14/c" && : >"$V14/a/ip_default_ttl" && : >"$V14/c/ip_default_ttl"
ln -s /proc/sys/net/ipv4 "$V14/b"
S14=$CELL_TEST_TMP/scratch14
echo "scratch-14-$$" >"$S14"
host_ttl=$(cat /proc/sys/net/ipv4/ip_default_ttl)
# if a defence failed and the container's 42 reached the host's network namespace, put the host's value back
on_exit "[ \"\$(cat /proc/sys/net/ipv4/ip_default_ttl)\" = $host_ttl ] || echo $host_ttl >/proc/sys/net/ipv4/ip_default_ttl"
racer procswap-$$ "$V14" a b
B14=$(make_bundle sysctl-race)
bundle_set "$B14" '.mounts += [{"destination": "/vol", "type": "bind", "source": $v, "options": ["rbind"]},
    {"destination": "/vol/a/ip_default_ttl", "type": "bind", "source": $s, "options": ["bind"]}]
  | .linux.sysctl = {"net.ipv4.ip_default_ttl": "42"} | .process.args = ["cat", "/proc/sys/net/ipv4/ip_default_ttl"]' \
  --arg v "$V14" --arg s "$S14"
N14=40 bad= failed=0
for i in $(seq $N14); do
  out=$(cellr run --bundle "$B14" ttl14-$$ </dev/null 2>"$ERR")
  if [ $? != 0 ]; then
    failed=$((failed + 1))
    # refused at the bind: inside procfs, or (without openat2) the fallback walk seeing the swap
    grep -q '^cell: bind on `/vol/a/ip_default_ttl`: ' "$ERR" && [ "$(wc -l <"$ERR")" = 1 ] &&
      leftovers_none ttl14-$$ || bad="$bad [create: $(cat "$ERR")]"
    continue
  fi
  [ "$out" = 42 ] || bad="$bad [$out]"
done
st=$(racer_done procswap-$$)
tap_is "$bad:$st" ":running" \
  "row 14: $N14 runs binding a file through a path a container swaps into /proc/sys: the sysctl lands in their procfs, or the bind is refused ($failed refused, $((($(date +%s%N) - t0) / 1000000)) ms)"
tap_is "$(cat "$S14"):$(cat /proc/sys/net/ipv4/ip_default_ttl):$(host_mounts_matching "$V14" | wc -l)" "scratch-14-$$:$host_ttl:0" \
  "row 14: ... the bound scratch file and the host's ip_default_ttl are unchanged, nothing mounted on the host"

# ---- row 30: unbounded output through cell (the pty relays of run and exec, and without a terminal) ------

# hwm CMD...: runs CMD (stdio /dev/null) and prints "RC PEAK": its exit status and the largest VmHWM (KiB)
# of its own process sampled every 50 ms while it ran (the high-water mark of the pid cell was started as)
hwm() {
  local p h max=0
  "$@" </dev/null >/dev/null 2>>"$ERR" &
  p=$!
  while h=$(awk '/^VmHWM/ {print $2}' "/proc/$p/status" 2>/dev/null) && [ -n "$h" ]; do
    [ "$h" -gt "$max" ] && max=$h
    sleep 0.05
  done
  wait "$p"
  # never sampled (it ended before the first look): a value every comparison fails
  echo "$? $([ "$max" -gt 0 ] && echo "$max" || echo 999999)"
}
B30=$(make_bundle output)
if sanitized; then
  tap_skip 4 "the sanitizers' allocator changes cell's memory use"
else
  : >"$ERR"
  t0=$(date +%s)
  # the baseline lives a second, sampled about 20 times whatever the load
  bundle_set "$B30" '.process.terminal = true | .process.args = ["sh", "-c", "dd if=/dev/zero bs=64k count=16; sleep 1"]'
  small=$(hwm "$CELL" --root "$CELL_TEST_ROOT" run --bundle "$B30" out-$$)
  bundle_set "$B30" '.process.args = ["dd", "if=/dev/zero", "bs=64k", "count=8192"]'
  big=$(hwm "$CELL" --root "$CELL_TEST_ROOT" run --bundle "$B30" out-$$)
  # constant: 512 MiB through the relay raise cell's peak by less than 4 MiB over 1 MiB's, and it stays small
  tap_like "${small% *}:${big% *}:$((${small#* } < 32768)):$((${big#* } - ${small#* } < 4096)):$((${big#* } < 32768))" \
    '^0:0:1:1:1$' \
    "row 30: run with a terminal, 512 MiB through cell's pty relay: cell's peak RSS ${big#* } KiB (1 MiB: ${small#* } KiB)"
  bundle_set "$B30" '.process.terminal = false | .process.args = ["dd", "if=/dev/zero", "bs=1M", "count=1024"]'
  big=$(hwm "$CELL" --root "$CELL_TEST_ROOT" run --bundle "$B30" out-$$)
  tap_like "${big% *}:$((${big#* } - ${small#* } < 4096))" '^0:1$' \
    "row 30: run without a terminal, 1 GiB of output: cell's peak RSS ${big#* } KiB"
  bundle_set "$B30" '.process.args = ["sleep", "100"]'
  cellr create --bundle "$B30" outx-$$ </dev/null >/dev/null 2>&1 && cellr start outx-$$
  # exec's own baseline: 1 MiB through its relay, a second long
  small=$(hwm "$CELL" --root "$CELL_TEST_ROOT" exec -t outx-$$ sh -c "dd if=/dev/zero bs=64k count=16; sleep 1")
  big=$(hwm "$CELL" --root "$CELL_TEST_ROOT" exec outx-$$ dd if=/dev/zero bs=1M count=1024)
  bigt=$(hwm "$CELL" --root "$CELL_TEST_ROOT" exec -t outx-$$ dd if=/dev/zero bs=64k count=4096)
  cellr delete --force outx-$$ >/dev/null 2>&1
  tap_like "${small% *}:${big% *}:${bigt% *}:$((${small#* } < 32768)):$((${big#* } - ${small#* } < 4096)):$((${bigt#* } - ${small#* } < 4096))" \
    '^0:0:0:1:1:1$' \
    "row 30: exec of 1 GiB, and exec -t of 256 MiB through the relay: cell's peak RSS ${big#* } and ${bigt#* } KiB (exec -t of 1 MiB: ${small#* } KiB)"
  tap_is "$(cat "$ERR" | grep -v -e 'records in' -e 'records out' -e 'bytes .* copied')" "" \
    "row 30: ... no error on the way ($(($(date +%s) - t0)) s)"
fi

tap_result "$(state_empty && ! host_mounts_matching "$CELL_TEST_TMP/" >/dev/null; echo $?)" \
  "nothing is left in the state root, no mount below the temp dir"

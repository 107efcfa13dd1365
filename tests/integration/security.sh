#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# security.sh: reproduces the attack classes of SECURITY.md (section 5) against the OCI front-end.
# Every probe is harmless when its defence fails: what it writes into a host-wide file is the value that file
# already has, and the host state a probe could touch is saved first and restored on exit. Every negative
# test matches the specific error and has a positive control (the same config without the attack works).
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 73

# make_bundle runs in $(...) subshells: build the rootfs template once here so they all reuse it.
_make_rootfs_template
B=$(make_bundle sec)
ERR=$CELL_TEST_TMP/err

# Host state a failed defence could change: saved, and restored on exit if it differs.
HOST_CORE_PATTERN=$(cat /proc/sys/kernel/core_pattern)
HOST_HOSTNAME=$(cat /proc/sys/kernel/hostname)
restore_host() {
  [ "$(cat /proc/sys/kernel/core_pattern)" = "$HOST_CORE_PATTERN" ] ||
    printf '%s\n' "$HOST_CORE_PATTERN" >/proc/sys/kernel/core_pattern
  [ "$(cat /proc/sys/kernel/hostname)" = "$HOST_HOSTNAME" ] || printf '%s' "$HOST_HOSTNAME" >/proc/sys/kernel/hostname
}
on_exit restore_host

# leftovers_none ID: no state dir for ID and nothing mounted below the test's temp dir.
leftovers_none() {
  [ ! -e "$CELL_TEST_ROOT/$1" ] && ! host_mounts_matching "$CELL_TEST_TMP/bundles" >/dev/null
}

# fresh_bundle NAME: a new bundle (tests that break the rootfs must not share it).
fresh_bundle() { make_bundle "$1"; }

# Row 1 (CVE-2019-5736): the created-state init is the runtime; its /proc/<pid>/exe is a sealed memfd.
ID=exe-$$
bundle_set "$B" '.process.args = ["true"]'
cellr create --bundle "$B" "$ID" </dev/null >/dev/null 2>"$ERR"
pid=$(cellr state "$ID" 2>/dev/null | jq -r .pid)
exe=$(readlink "/proc/$pid/exe" 2>/dev/null)
tap_like "$exe" "^/?memfd:" "row 1: /proc/<init>/exe of a created container is a memfd, not the host binary"
if (exec 3>>"/proc/$pid/exe") 2>/dev/null; then w=writable; else w=refused; fi
tap_is "$w" refused "row 1: /proc/<init>/exe cannot be opened for writing from the host"
if python3 - "$pid" <<'EOF' 2>/dev/null; then
import os, sys, fcntl
fd = os.open("/proc/%s/exe" % sys.argv[1], os.O_RDONLY)
seals = fcntl.fcntl(fd, 1034)  # F_GET_SEALS
sys.exit(0 if seals & 0x8 and seals & 0x1 else 1)  # F_SEAL_WRITE and F_SEAL_SEAL
EOF
  tap_result 0 "row 1: the memfd is sealed (F_SEAL_WRITE, F_SEAL_SEAL)"
else
  tap_result 1 "row 1: the memfd is sealed (F_SEAL_WRITE, F_SEAL_SEAL)"
fi
cellr delete --force "$ID" >/dev/null 2>&1

# Row 1: a container whose /bin/sh is `#!/proc/self/exe`, exec'd into, tries to overwrite it.
sum_before=$(sha256sum <"$CELL")
B1=$(fresh_bundle exe)
rm -f "$B1/rootfs/bin/sh"
printf '#!/proc/self/exe\n' >"$B1/rootfs/bin/sh"
chmod 755 "$B1/rootfs/bin/sh"
cat >"$B1/rootfs/bin/attack" <<'EOF'
#!/bin/busybox sh
# Any process that is still the runtime would show up as /proc/<pid>/exe; try to write every one.
for e in /proc/[0-9]*/exe /proc/self/exe; do
  /bin/busybox sh -c "echo pwned >> $e" 2>/dev/null && echo "wrote $e"
done
/bin/sh 2>/dev/null
echo done
EOF
chmod 755 "$B1/rootfs/bin/attack"
out=$(run_in "$B1" /bin/attack 2>&1)
# The process itself is /bin/sh: the kernel resolves #!/proc/self/exe while the runtime execs it.
bundle_set "$B1" '.process.args = ["/bin/sh", "-c", "true"]'
shexe=$(timeout 20 "$CELL" --root "$CELL_TEST_ROOT" run --bundle "$B1" shexe-$$ </dev/null 2>&1)
rc=$?
# `run` execs the process through the sealed exec stub: the script's /proc/self/exe is that stub, which
# refuses to be anything but cell's last step
tap_is "$rc:$shexe" "126:cell: the exec stub runs only as cell's last step before a container's process" \
  "row 1: under run, #!/proc/self/exe reaches the sealed exec stub, which refuses (126)"
tap_is "$(sha256sum <"$CELL")" "$sum_before" "row 1: exec'ing into #!/proc/self/exe leaves the cell binary unchanged"
tap_result "$(
  printf '%s' "$out" | grep -q '^done' && ! printf '%s' "$out" | grep -q '^wrote'
  echo $?
)" "row 1: no /proc/*/exe is writable inside"

# Row 2 (CVE-2024-21626): fds inside, and a stray non-CLOEXEC fd of the caller.
out=$(run_in "$B" cell-helper fds 2>&1)
tap_is "$(printf '%s\n' "$out" | sed -n 's/^fd=\([0-9]*\) .*/\1/p' | tr '\n' ' ')" "0 1 2 " \
  "row 2: the process starts with only fds 0, 1, 2"
bundle_set "$B" '.process.args = ["cell-helper", "fds"]'
out=$(cellr run --bundle "$B" fd7-$$ </dev/null 7</etc/hostname 2>&1)
tap_result "$(
  printf '%s' "$out" | grep -q '^fd=0 ' && ! printf '%s' "$out" | grep -q '^fd=7 '
  echo $?
)" \
  "row 2: a stray inherited fd 7 of the caller does not reach the container"

# Row 3 (CVE-2024-21626): cwd /proc/self/fd/7 with fd 7 a host directory.
mkdir -p "$CELL_TEST_TMP/hostdir"
echo secret >"$CELL_TEST_TMP/hostdir/marker"
bundle_set "$B" '.process.cwd = "/proc/self/fd/7" | .process.args = ["sh", "-c", "cat marker; pwd"]'
out=$(cellr run --bundle "$B" cwd-$$ </dev/null 7<"$CELL_TEST_TMP/hostdir" 2>&1)
tap_is "$?:$out" "1:cell: chdir to cwd \`/proc/self/fd/7\`: No such file or directory" \
  "row 3: cwd /proc/self/fd/7 (fd 7 a host dir): the process never runs, a host cwd is never entered"
tap_result "$(leftovers_none cwd-$$; echo $?)" "row 3: nothing is left behind"
# The runtime's own fds (state dir, sync socket) while it sets up: cwd on any of them never works.
ran=
for n in 3 4 5 6 7 8 9; do
  bundle_set "$B" '.process.cwd = $c | .process.args = ["sh", "-c", "echo RAN; pwd"]' --arg c "/proc/self/fd/$n"
  out=$(cellr run --bundle "$B" cwdn-$$-$n </dev/null 2>&1)
  printf '%s' "$out" | grep -Eqx "cell: (chdir to cwd \`/proc/self/fd/$n\`: (No such file or directory|Not a directory)|cwd \`/proc/self/fd/$n\` is outside the container root)" ||
    ran="$ran [$n: $out]"
done
tap_is "$ran" "" "row 3: cwd /proc/self/fd/N on any of the runtime's own fds: refused, the process never runs"
bundle_set "$B" '.process.cwd = "/tmp"'
tap_is "$(cellr run --bundle "$B" cwd-$$ </dev/null 7<"$CELL_TEST_TMP/hostdir" 2>&1 | tr '\n' ' ')" "RAN /tmp " \
  "row 3: (control) the same config with cwd /tmp runs"
bundle_set "$B" '.process.cwd = "/"'

# Row 6: rootfs/proc is a symlink.
B6=$(fresh_bundle procsym)
rm -rf "$B6/rootfs/proc"
ln -s /bad-proc "$B6/rootfs/proc"
mkdir "$B6/rootfs/bad-proc"
cellr create --bundle "$B6" proc-$$ </dev/null >/dev/null 2>"$ERR"
tap_is "$?:$(cat "$ERR")" "1:cell: mount \`proc\` on \`/proc\`: must be mounted on an ordinary directory" \
  "row 6: create with rootfs/proc a symlink fails: /proc must be an ordinary directory"
m=$(host_mounts_matching "$B6/rootfs/bad-proc"; grep -c ' /bad-proc ' /proc/self/mountinfo)
tap_is "$m" 0 "row 6: nothing is mounted on the symlink's target"
tap_result "$(leftovers_none proc-$$; echo $?)" "row 6: nothing is left behind"
rm "$B6/rootfs/proc" && mkdir "$B6/rootfs/proc"
bundle_set "$B6" '.process.args = ["sh", "-c", "test -e /proc/self/status && echo proc"]'
tap_is "$(cellr run --bundle "$B6" proc-$$ </dev/null 2>&1)" proc "row 6: (control) with rootfs/proc a directory it runs"

# Row 7: a bind mount into /proc.
bundle_set "$B" '.mounts += [{"destination": "/proc/sys/kernel/core_pattern", "type": "bind",
  "source": "/etc/hostname", "options": ["bind"]}]'
cellr create --bundle "$B" inproc-$$ </dev/null >/dev/null 2>"$ERR"
tap_like "$?:$(cat "$ERR")" "^1:cell: bind on \`/proc/sys/kernel/core_pattern\`: the destination is inside procfs: not allowed" \
  "row 7: a bind mount onto /proc/sys/kernel/core_pattern is refused (inside procfs)"
tap_result "$(leftovers_none inproc-$$; echo $?)" "row 7: nothing is left behind"
cellr delete --force inproc-$$ >/dev/null 2>&1
bundle_set "$B" '.mounts[-1].destination = "/proc/cpuinfo" | .process.args = ["cat", "/proc/cpuinfo"]'
tap_is "$(cellr run --bundle "$B" inproc-$$ </dev/null 2>&1)" "$(cat /etc/hostname)" \
  "row 7: (control) the same bind onto /proc/cpuinfo (runc's procfs policy allows it) works"
bundle_set "$B" 'del(.mounts[-1])'
# Row 7 (CVE-2019-16884): a host dir bound, or a tmpfs mounted, as the container's /proc instead of a procfs.
mkdir -p "$CELL_TEST_TMP/fakeproc/self"
for m in '{"destination": "/proc", "type": "bind", "source": $s, "options": ["rbind"]}' \
  '{"destination": "/proc", "type": "tmpfs", "source": "tmpfs"}'; do
  bundle_set "$B" "(.mounts |= map(select(.destination != \"/proc\"))) | .mounts = [$m] + .mounts" \
    --arg s "$CELL_TEST_TMP/fakeproc"
  cellr create --bundle "$B" fakeproc-$$ </dev/null >/dev/null 2>"$ERR"
  tap_like "$?:$(cat "$ERR")" "^1:cell: (bind|mount) on \`/proc\`: /proc may only be a procfs$" \
    "row 7: a $(jq -r '.mounts[0].type' "$B/config.json") as /proc instead of a procfs is refused"
  tap_result "$(leftovers_none fakeproc-$$; echo $?)" "row 7: ... and nothing is left"
  cellr delete --force fakeproc-$$ >/dev/null 2>&1
done
bundle_set "$B" '.mounts[0] = {"destination": "/proc", "type": "bind", "source": "/proc", "options": ["rbind"]}
  | .process.args = ["sh", "-c", "test -e /proc/self/status && echo procfs"]'
tap_is "$(cellr run --bundle "$B" fakeproc-$$ </dev/null 2>&1)" procfs \
  "row 7: (control) a bind of a procfs as /proc is allowed (runc's policy)"
B=$(fresh_bundle sec1)

# Rows 8/10: a static symlink in a mount destination pointing at a host dir.
B8=$(fresh_bundle destsym)
HOSTDIR=$CELL_TEST_TMP/host-target
mkdir -p "$HOSTDIR"
echo keep >"$HOSTDIR/file"
mkdir -p "$B8/rootfs/opt"
ln -s "$HOSTDIR" "$B8/rootfs/opt/x"
snap_before=$(cd "$HOSTDIR" && find . -printf '%p %y %s %m\n' | sort; cat file)
bundle_set "$B8" '.mounts += [{"destination": "/opt/x/d", "type": "tmpfs", "source": "tmpfs"}]
  | .process.args = ["sh", "-c", "grep -q \" /opt/x/d \\| '"$HOSTDIR"'/d \" /proc/self/mountinfo && echo mounted"]'
out=$(cellr run --bundle "$B8" dest-$$ </dev/null 2>&1)
snap_after=$(cd "$HOSTDIR" && find . -printf '%p %y %s %m\n' | sort; cat file)
tap_is "$snap_after" "$snap_before" "rows 8/10: the host dir behind a rootfs symlink is untouched"
tap_result "$(host_mounts_matching "$HOSTDIR" >/dev/null; echo $((1 - $?)))" \
  "rows 8/10: nothing is mounted on the host dir"
tap_result "$(leftovers_none dest-$$; echo $?)" "rows 8/10: nothing is left behind ($out)"
# The same with the O_NOFOLLOW component walk cell uses on kernels without openat2(RESOLVE_IN_ROOT).
out=$(CELL_NO_OPENAT2=1 cellr run --bundle "$B8" dest2-$$ </dev/null 2>&1)
tap_is "$(cd "$HOSTDIR" && find . -printf '%p %y %s %m\n' | sort; cat file)" "$snap_before" \
  "rows 8/10 without openat2: the host dir behind a rootfs symlink is untouched"
tap_result "$(leftovers_none dest2-$$; echo $?)" "rows 8/10 without openat2: nothing is left behind ($out)"
# A relative symlink that climbs with `..` past the rootfs's root (clamped there: RESOLVE_IN_ROOT, or the
# walk's own `..` rule without openat2): the mount lands inside the rootfs, the host dir is untouched.
ln -s "../../../../../../../../../../../..$HOSTDIR" "$B8/rootfs/opt/z"
mkdir -p "$B8/rootfs$HOSTDIR"
bundle_set "$B8" '.mounts[-1].destination = "/opt/z/d"
  | .process.args = ["sh", "-c", "echo in > /opt/z/d/f && cut -d\" \" -f5 /proc/self/mountinfo | grep /d$"]'
for env in CELL_OPENAT2=1 CELL_NO_OPENAT2=1; do
  out=$(env "$env" "$CELL" --root "$CELL_TEST_ROOT" run --bundle "$B8" dest3-$$ </dev/null 2>&1)
  tap_is "$out|$(cd "$HOSTDIR" && find . -printf '%p %y %s %m\n' | sort; cat file)" "$HOSTDIR/d|$snap_before" \
    "rows 8/10$([ $env = CELL_NO_OPENAT2=1 ] && echo ' without openat2'): a relative symlink climbing with .. lands in the rootfs, the host dir is untouched"
done

# Row 12 (CVE-2025-31133): /dev bound from a rootfs dir whose `null` is a symlink to core_pattern; masking
# must not bind that symlink's target over the masked paths.
B12=$(fresh_bundle fakenull)
mkdir -p "$B12/rootfs/fakedev"
ln -s /proc/sys/kernel/core_pattern "$B12/rootfs/fakedev/null"
cat >"$B12/rootfs/bin/attack" <<'EOF'
#!/bin/busybox sh
v=$(cat /proc/sys/kernel/core_pattern)
[ -n "$v" ] && [ "$(head -c 4096 /proc/sys/kernel/core_pattern)" = "$v" ] && echo "control: core_pattern reads as itself"
for f in /proc/timer_list /proc/keys /proc/kcore; do
  [ -e $f ] || continue
  stat -c "$f %F %t:%T" $f
  # the value core_pattern already has: harmless whatever $f turns out to be
  printf '%s\n' "$v" 2>/dev/null >$f
  [ "$(head -c 4096 $f 2>/dev/null)" = "$v" ] && echo "$f reads as core_pattern"
done
true
EOF
chmod 755 "$B12/rootfs/bin/attack"
bundle_set "$B12" '(.mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not))))
  | .mounts += [{"destination": "/dev", "type": "bind", "source": $s, "options": ["rbind"]}]
  | .process.args = ["/bin/attack"]' --arg s "$B12/rootfs/fakedev"
out=$(cellr run --bundle "$B12" fakenull-$$ </dev/null 2>/dev/null)
rc=$?
tap_is "$(printf '%s\n' "$out" | grep -c ' reads as core_pattern$'):$(cat /proc/sys/kernel/core_pattern)" \
  "0:$HOST_CORE_PATTERN" \
  "row 12: with a /dev/null symlink to core_pattern, no masked path reaches core_pattern (host's unchanged)"
tap_like "$out" "^control: core_pattern reads as itself" \
  "row 12: (control) the probe recognises core_pattern where it really is"
# Either create refuses the fake /dev/null, or masking used a real 1:3 device.
tap_result "$(
  [ $rc != 0 ] || { printf '%s\n' "$out" | grep -q '^/proc/' && ! printf '%s\n' "$out" | grep '^/proc/' | grep -v 'character special file 1:3$' | grep -q .; }
  echo $?
)" "row 12: masked files are the null device, not the symlink's target (rc=$rc: $(printf '%s' "$out" | tr '\n' ';'))"
tap_result "$(leftovers_none fakenull-$$; echo $?)" "row 12: nothing is left behind"

# Row 12, the host's side: masking binds the host's /dev/null, so cell checks that it is the null device.
# In a private mount namespace a regular file is bound over /dev/null: create refuses it (the container
# would otherwise read and write that file at every masked path).
BN=$(fresh_bundle hostnull)
bundle_set "$BN" '.process.args = ["sh", "-c", "for f in /proc/kcore /proc/timer_list /proc/keys; do [ -e $f ] && cat $f; done; true"]'
echo fake-null >"$CELL_TEST_TMP/fakenull"
in_private_ns() { unshare -m --propagation private sh -c "$1" sh "$CELL_TEST_TMP/fakenull" "$CELL" "$CELL_TEST_ROOT" "$BN" hostnull-$$; }
out=$(in_private_ns 'mount --bind "$1" /dev/null && exec "$2" --root "$3" run --bundle "$4" "$5"' </dev/null 2>&1)
tap_is "$?:$out" "1:cell: the host's \`/dev/null\` is not the null device" \
  "row 12: a host /dev/null that is not the 1:3 device is refused"
tap_result "$(leftovers_none hostnull-$$; echo $?)" "row 12: ... and nothing is left behind"
out=$(in_private_ns 'exec "$2" --root "$3" run --bundle "$4" "$5"' </dev/null 2>&1)
tap_is "$?:$out" "0:" "row 12: (control) the same run in the private namespace works, masked files read empty"

# Row 14, the host's side: cell writes a user namespace's maps through the host's /proc, proven a procfs
# first. In a private mount namespace /proc is a tmpfs of symlinks into a real procfs mounted elsewhere
# (every path through it still works): the run is refused, naming /proc.
BP=$(fresh_bundle hostproc)
bundle_set "$BP" '.linux.namespaces += [{"type": "user"}]
  | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .process.args = ["cat", "/proc/self/uid_map"]'
mkdir -p "$CELL_TEST_TMP/realproc"
# fake_proc CMD...: CMD with the host's /proc replaced so (nothing of it outlives the namespace)
fake_proc() {
  unshare -m --propagation private sh -c 'mount -t proc proc "$1" && mount -t tmpfs fakeproc /proc &&
    for e in "$1"/*; do ln -s "$e" "/proc/${e##*/}"; done && shift && exec "$@"' sh "$CELL_TEST_TMP/realproc" "$@"
}
out=$(fake_proc "$CELL" --root "$CELL_TEST_ROOT" run --bundle "$BP" hostproc-$$ </dev/null 2>&1)
tap_is "$?:$out" "1:cell: \`/proc\` is not a procfs" "row 14: a host /proc that is not a procfs is refused (user namespace maps)"
tap_result "$(leftovers_none hostproc-$$; echo $?)" "row 14: ... and nothing is left behind"
out=$(unshare -m --propagation private "$CELL" --root "$CELL_TEST_ROOT" run --bundle "$BP" hostproc-$$ </dev/null 2>&1 |
  tr -s ' ')
tap_is "$out" "$(printf ' 0 100000 65536')" \
  "row 14: (control) with the real /proc the same run maps the user namespace"

# Row 10 variant: the symlink's target also exists inside the rootfs: the mount must land there.
B10=$(fresh_bundle destsym2)
mkdir -p "$B10/rootfs/opt" "$B10/rootfs$HOSTDIR"
ln -s "$HOSTDIR" "$B10/rootfs/opt/x"
bundle_set "$B10" '.mounts += [{"destination": "/opt/x/d", "type": "tmpfs", "source": "tmpfs"}]
  | .process.args = ["sh", "-c", "echo in > /opt/x/d/f && cut -d\" \" -f5 /proc/self/mountinfo | grep /d$"]'
out=$(cellr run --bundle "$B10" dest2-$$ </dev/null 2>&1)
snap_after=$(cd "$HOSTDIR" && find . -printf '%p %y %s %m\n' | sort; cat file)
tap_is "$snap_after" "$snap_before" "row 10: with the target inside the rootfs too, the host dir stays untouched"
tap_is "$out" "$HOSTDIR/d" "row 10: the tmpfs is mounted inside the rootfs at the in-root target"

# Rows 12/16: masked and read-only defaults. Not every kernel has /proc/kcore or /proc/sysrq-trigger:
# test the first masked file the host has.
MASKED=
for f in /proc/kcore /proc/timer_list /proc/keys /proc/sched_debug; do
  [ -e "$f" ] && MASKED=$f && break
done
out=$(run_in "$B" cell-helper stat "$MASKED" 2>&1)
tap_is "$(printf '%s\n' "$out" | grep -E '^(type|major|minor)=' | tr '\n' ' ')" "type=c major=1 minor=3 " \
  "row 12: masked $MASKED is a 1:3 char device"
out=$(run_in "$B" sh -c "cat $MASKED | wc -c" 2>&1)
tap_is "$out" 0 "row 16: masked $MASKED reads empty"
# The writes carry what the file already holds (sysrq `h` only prints the help): harmless if they got through.
if [ -e /proc/sysrq-trigger ]; then
  out=$(run_in "$B" cell-helper write /proc/sysrq-trigger h 2>&1)
  tap_like "$out" "^write=EROFS" "row 16: writing /proc/sysrq-trigger fails (read-only)"
else
  tap_skip 1 "no /proc/sysrq-trigger on this kernel"
fi
out=$(run_in "$B" sh -c 'cell-helper write /proc/sys/kernel/core_pattern "$(cat /proc/sys/kernel/core_pattern)"' 2>&1)
tap_like "$out" "^write=EROFS" "row 16: writing /proc/sys/kernel/core_pattern fails (read-only)"
out=$(run_in "$B" sh -c 'cell-helper write /proc/sys/kernel/hostname "$(hostname)"' 2>&1)
tap_like "$out" "^write=EROFS" "row 16: writing /proc/sys/kernel/hostname fails (read-only)"
# (control) without readonlyPaths and with CAP_SYS_ADMIN the same probe writes the container's own hostname
B16=$(fresh_bundle rw-proc-sys)
bundle_set "$B16" 'del(.linux.readonlyPaths) | .process.capabilities |= map_values(. + ["CAP_SYS_ADMIN"])'
out=$(run_in "$B16" sh -c 'cell-helper write /proc/sys/kernel/hostname "$(hostname)"' 2>&1)
tap_like "$out" "^write=ok" "row 16: (control) with /proc/sys writable the probe's write goes through"
out=$(run_in "$B" sh -c 'ls -A /proc/acpi | wc -l; touch /proc/acpi/x 2>/dev/null && echo created' 2>&1)
tap_is "$out" 0 "row 16: masked directory /proc/acpi is empty and read-only"

# Rows 17/18: capabilities.
bundle_set "$B" 'del(.process.capabilities)'
out=$(run_in "$B" cell-helper caps 2>&1)
tap_is "$(printf '%s\n' "$out" | grep ^Cap | tr '\n' ' ')" \
  "CapInh=0000000000000000 CapPrm=0000000000000000 CapEff=0000000000000000 CapBnd=0000000000000000 CapAmb=0000000000000000 " \
  "row 18: no capabilities in the config gives empty sets"
bundle_set "$B" '.process.capabilities = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
out=$(run_in "$B" cell-helper caps 2>&1)
tap_is "$(printf '%s\n' "$out" | grep ^Cap | tr '\n' ' ')" \
  "CapInh=0000000000000000 CapPrm=0000000000000020 CapEff=0000000000000020 CapBnd=0000000000000020 CapAmb=0000000000000000 " \
  "row 17: caps listed: exactly those, CapInh and CapAmb zero"

# Row 19: an unknown capability name (a typo) and a known one the runtime cannot hand on (not in its own
# bounding set: CAP_SYS_RESOURCE on this VM) are warnings naming them (runtime-spec 1.1 config.md: SHOULD NOT
# fail); the process runs without them.
bundle_set "$B" '.process.capabilities = {"bounding": ["CAP_KILL", "CAP_TYPO", "CAP_SYS_RESOURCE"], "effective": ["CAP_KILL", "CAP_SYS_RESOURCE"], "permitted": ["CAP_KILL", "CAP_SYS_RESOURCE"]}'
out=$(run_in "$B" cell-helper caps 2>"$ERR")
tap_is "$(printf '%s\n' "$out" | grep -E '^Cap(Bnd|Eff|Prm)' | tr '\n' ' ')" \
  "CapPrm=0000000000000020 CapEff=0000000000000020 CapBnd=0000000000000020 " \
  "row 19: the process runs with the capabilities it can have, without the unknown or ungrantable ones"
tap_like "$(cat "$ERR")" 'warning: config.json: /process/capabilities/bounding/1: unknown capability `CAP_TYPO`' \
  "row 19: an unknown capability is a warning naming its JSON pointer"
if [ $(( 0x$(awk '/^CapBnd/ {print $2}' /proc/self/status) >> 24 & 1 )) -eq 0 ]; then
  tap_like "$(cat "$ERR")" 'warning: .*CAP_SYS_RESOURCE.* not in the runtime.s bounding set' \
    "row 19: a capability the runtime cannot hand on is a warning naming it"
else
  tap_skip 1 "CAP_SYS_RESOURCE is in this host's bounding set"
fi
B=$(fresh_bundle sec2)

# Row 21: cgroup v1 release_agent escape with the default spec. A release_agent is written with the value it
# already has: harmless if it got through.
RA_PROBE='mkdir -p /tmp/cg && mount -t cgroup -o memory cgroup /tmp/cg 2>/dev/null && echo mounted;
  for f in /sys/fs/cgroup/*/release_agent /tmp/cg/release_agent; do
    [ -e "$f" ] && v=$(cat "$f") && printf "%s\n" "$v" 2>/dev/null >"$f" && echo "wrote $f"; done;
  echo end'
out=$(run_in "$B" sh -c "$RA_PROBE" 2>&1)
tap_is "$out" end "row 21: mount -t cgroup and writes to release_agent fail"
out=$(run_in "$B16" sh -c "$RA_PROBE" 2>&1)
tap_is "$(printf '%s' "$out" | tr '\n' ' ')" "mounted end" \
  "row 21: (control) with CAP_SYS_ADMIN the probe mounts cgroup v1, and still finds no release_agent (own cgroup namespace)"
# CVE-2022-0492 chain: a fresh user + mount namespace, then cgroup v1 (whose release_agent runs on the host).
out=$(run_in "$B" sh -c 'mkdir -p /tmp/cg; busybox unshare -Um busybox sh -c \
  "busybox mount -t cgroup -o memory cgroup /tmp/cg && echo mounted; [ -e /tmp/cg/release_agent ] && echo agent";
  echo end' 2>/dev/null)
tap_is "$out" end "row 21: unshare -Um, then mount -t cgroup fails"

# Row 28: setuid install.
SUID=$CELL_TEST_TMP/cell-suid
cp "$CELL" "$SUID"
chmod 4755 "$SUID"
chmod 755 "$CELL_TEST_TMP"
out=$(setpriv --reuid 65534 --regid 65534 --clear-groups "$SUID" --version 2>&1)
rc=$?
tap_is "$rc:$out" "1:cell: refusing to run setuid or setgid" "row 28: a setuid-installed cell refuses to run"
chmod 0755 "$SUID"
out=$(setpriv --reuid 65534 --regid 65534 --clear-groups "$SUID" --version 2>&1)
tap_like "$?:$out" "^0:cell version " "row 28: (control) the same binary without the setuid bit runs"

# Row 29 (CVE-2022-0811): sysctl injection. What would reach core_pattern is the value it already has.
bundle_set "$B" '.linux.sysctl = {"net.ipv4.ip_default_ttl": ("64\nkernel.core_pattern=" + $c)}' --arg c "$HOST_CORE_PATTERN"
cellr create --bundle "$B" sysv-$$ </dev/null >/dev/null 2>"$ERR"
tap_is "$?:$(cat "$ERR")" "1:cell: config.json: /linux/sysctl/net.ipv4.ip_default_ttl: a value holds a newline" \
  "row 29: a newline in a sysctl value is rejected"
tap_result "$(leftovers_none sysv-$$; echo $?)" "row 29: ... before anything is made"
bundle_set "$B" '.linux.sysctl = {"net/../../kernel/core_pattern": $c}' --arg c "$HOST_CORE_PATTERN"
cellr create --bundle "$B" sysk-$$ </dev/null >/dev/null 2>"$ERR"
tap_is "$?:$(cat "$ERR")" "1:cell: config.json: /linux/sysctl/net/../../kernel/core_pattern: invalid sysctl name" \
  "row 29: a sysctl key with .. is rejected"
bundle_set "$B" '.linux.sysctl = {"kernel.core_pattern": $c}' --arg c "$HOST_CORE_PATTERN"
cellr create --bundle "$B" sysn-$$ </dev/null >/dev/null 2>"$ERR"
tap_is "$?:$(cat "$ERR")" "1:cell: config.json: /linux/sysctl/kernel.core_pattern: not a namespaced sysctl" \
  "row 29: a sysctl that is not namespaced is rejected"
tap_result "$(leftovers_none sysk-$$ && leftovers_none sysn-$$; echo $?)" "row 29: ... before anything is made"
bundle_set "$B" '.linux.sysctl = {"net.ipv4.ip_default_ttl": "65"} | .process.args = ["cat", "/proc/sys/net/ipv4/ip_default_ttl"]'
tap_is "$(cellr run --bundle "$B" sysc-$$ </dev/null 2>&1)" 65 "row 29: (control) a valid namespaced sysctl is set"
bundle_set "$B" 'del(.linux.sysctl)'

# Row 31: an escaped NUL inside a mount destination.
bundle_set "$B" '.mounts += [{"destination": "/tmp/a\u0000/../../etc", "type": "tmpfs", "source": "tmpfs"}]'
cellr create --bundle "$B" nul-$$ </dev/null >/dev/null 2>"$ERR"
tap_like "$?:$(cat "$ERR")" "^1:cell: config.json: [0-9]+:[0-9]+: NUL character in a string$" \
  "row 31: a NUL in a mount destination is a clean error"
tap_result "$(leftovers_none nul-$$; echo $?)" "row 31: ... and nothing is left"
bundle_set "$B" '.mounts[-1].destination = "/tmp/a" | .process.args = ["sh", "-c", "grep -c \" /tmp/a \" /proc/self/mountinfo"]'
tap_is "$(cellr run --bundle "$B" nul-$$ </dev/null 2>&1)" 1 "row 31: (control) the same mount without the NUL works"
bundle_set "$B" 'del(.mounts[-1])'

# Rows 32/34: a 20 MiB config.
B34=$(fresh_bundle big)
head -c $((20 * 1024 * 1024)) /dev/zero | tr '\0' a | jq -R --slurpfile c "$B34/config.json" '$c[0] + {"big": .}' \
  >"$B34/config.json.new" && mv "$B34/config.json.new" "$B34/config.json"
t0=$(date +%s%N)
cellr create --bundle "$B34" big-$$ </dev/null >/dev/null 2>"$ERR"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
tap_is "$rc:$(cat "$ERR")" "1:cell: config.json: larger than 16777216 bytes" "rows 32/34: a 20 MiB config is refused"
tap_result "$( [ $ms -lt 2000 ] && leftovers_none big-$$; echo $?)" "rows 32/34: ... fast (${ms} ms), nothing is left"

# The container does not see the host's mounts.
# Field 5 of mountinfo is the mount point (field 4, the root inside the source fs, names the bundle).
out=$(run_in "$B" cell-helper mountinfo 2>&1 | cut -d' ' -f5)
tap_result "$(
  [ -n "$out" ] && ! printf '%s\n' "$out" | grep -q -e "^$CELL_TEST_TMP" -e '^/work' -e '^/home'
  echo $?
)" "the container's mount table holds no host mount points"

tap_result "$(state_empty; echo $?)" "nothing is left in the state root"

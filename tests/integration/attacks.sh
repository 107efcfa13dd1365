#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# attacks.sh: performs the attacks of issue 10 against cell (a ptrace-capable neighbour walking a created
# init's fds, hooks rewritten after create, startContainer hook confinement, mounts inside /proc, mount
# propagation, SIGKILL mid-create, tampered state, fd exhaustion, rootfs and mount-destination races) and
# checks that the host stays untouched and nothing is left. Every probe is harmless if its defence fails:
# values it writes are the host's own, cgroups are scratch ones of this run (a tampered state is deleted
# only inside a private cgroup namespace whose roots are scratch cgroups), and markers live in the temp dir.
# CELL_ATTACK_FULL=1 runs the long versions (200 kills, 300 swapped creates, 200 runs under a rename storm).
. "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/lib.sh"
require_root
tap_plan 77

if [ -n "$CELL_ATTACK_FULL" ]; then
  N_KILL=200 N_SWAP=300 N_STORM=200
else
  N_KILL=60 N_SWAP=100 N_STORM=100
fi

_make_rootfs_template
ERR=$CELL_TEST_TMP/err
CG=/sys/fs/cgroup
# this run's own cgroup parent: the only cgroups the tests look at or remove
CGP=cell-attacks-$$
on_exit "find $CG/*/$CGP $CG/$CGP -depth -type d -exec rmdir {} \\; 2>/dev/null"

# cg_dirs PATH: the cgroup directories of this run's PATH (relative to every hierarchy), and below, that exist.
cg_dirs() { find "$CG"/*/"$CGP/$1" "$CG/$CGP/$1" -type d 2>/dev/null; }

# the background loop of a race test, stopped on exit if a failure left it running (only while it is ours)
SW=
on_exit '[ -z "$SW" ] || kill "$SW"'

# start_time PID: field 22 of /proc/PID/stat, empty when the process is gone or a zombie.
start_time() {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  s=${s##*) }
  set -- $s
  case $1 in Z | X) return 0 ;; esac
  echo "${20}"
}

# kill_ours PID START: SIGKILL to PID only while it is the process that started at START (never a reused pid).
kill_ours() { [ -n "$2" ] && [ "$(start_time "$1")" = "$2" ] && kill -KILL "$1" 2>/dev/null; }

# gone PID START: the process PID that started at START is gone (waits up to 5 s for a reaper).
gone() {
  local i
  for i in $(seq 50); do
    [ "$(start_time "$1")" = "$2" ] || return 0
    sleep 0.1
  done
  return 1
}

# procs_with TOKENFILE: pids of processes whose command line holds the token in TOKENFILE (read from a
# file: the token is in no argv but the container's).
procs_with() {
  grep -lF -f "$1" /proc/[0-9]*/cmdline 2>/dev/null | grep -v '/self/' | cut -d/ -f3 | tr '\n' ' '
}

# mounts_below DIR: host mount points below DIR.
mounts_below() { awk -v d="$1/" 'index($5, d) == 1' /proc/self/mountinfo | wc -l; }

# in_cgroup_jail JAIL CMD...: CMD in the scratch cgroup JAIL of every hierarchy, in a private cgroup and
# mount namespace where the cgroup filesystems are mounted afresh: their root is JAIL, so a cgroup path
# that names "the root" names JAIL (with only CMD in it), never the host's.
in_cgroup_jail() {
  local jail=$1 d f
  shift
  for d in "$CG"/*/ "$CG"/; do
    [ "$(stat -f -c %T "$d")" = tmpfs ] || mkdir -p "$d$jail"
  done
  # a new v1 cpuset has no cpus or mems: nothing could join it
  d=$CG/cpuset
  for part in ${jail//\// }; do
    for f in cpus mems; do
      [ -e "$d/$part/cpuset.$f" ] && [ -z "$(cat "$d/$part/cpuset.$f")" ] && cat "$d/cpuset.$f" >"$d/$part/cpuset.$f"
    done
    d=$d/$part
  done
  (
    for d in "$CG"/*/ "$CG"/; do
      [ -e "$d$jail/cgroup.procs" ] && { echo $BASHPID >"$d$jail/cgroup.procs" || exit 99; }
    done
    exec unshare -C -m --propagation private bash -c '
      set -e
      mounts=$(awk "\$9 ~ /^cgroup2?\$/ {print \$9, \$5, \$NF}" /proc/self/mountinfo)
      top=$(awk "\$5 == \"/sys/fs/cgroup\" {print \$9}" /proc/self/mountinfo | tail -1)
      if [ "$top" = tmpfs ]; then
        umount -R -l /sys/fs/cgroup
        mount -t tmpfs -o mode=755 cgjail /sys/fs/cgroup
      else
        umount -l /sys/fs/cgroup
      fi
      while read -r type mp opts; do
        mkdir -p "$mp"
        if [ "$type" = cgroup2 ]; then mount -t cgroup2 cgroup2 "$mp"; else mount -t cgroup -o "${opts#rw,}" cgroup "$mp"; fi
      done <<<"$mounts"
      exec "$@"' jail "$@"
  )
}

# ---- issue 10.1: a created init holds nothing that reaches the host's filesystem ---------------------------

B1=$(make_bundle victim)
echo inside-victim >"$B1/rootfs/victim-file"
bundle_set "$B1" '.process.args = ["sleep", "1000"]'
ID1=victim-$$
cellr create --bundle "$B1" "$ID1" </dev/null >/dev/null 2>/dev/null
P1=$(cellr state "$ID1" | jq -r .pid)
fds=
for n in $(ls /proc/"$P1"/fd | sort -n); do # numeric order: fd 11 after fd 2
  f=/proc/"$P1"/fd/$n
  t=$(readlink "$f")
  case $t in socket:* | pipe:* | anon_inode:*) t=${t%%:*} ;; esac
  [ -d "$f" ] && t="$t(dir)"
  fds="$fds $n=$t"
done
tap_like "$fds" '^ 0=/dev/null 1=/dev/null 2=/dev/null [0-9]+=socket$' \
  "10.1: a created init holds its stdio and one socket, no directory or file of the host"
tap_is "$(stat -L -c %d:%i "/proc/$P1/root"):$(stat -L -c %d:%i "/proc/$P1/cwd")" \
  "$(stat -c %d:%i "$B1/rootfs"):$(stat -c %d:%i "$B1/rootfs")" \
  "10.1: a created init's root and cwd are the container's rootfs"

# A neighbour that joins the victim's pid namespace with CAP_SYS_PTRACE walks every fd, cwd and root of
# pid 1 upwards, reading a host marker and creating a file next to it.
MARK=$CELL_TEST_TMP/host-marker
echo "host-secret-$$" >"$MARK"
CREATED=$CELL_TEST_TMP/created-by-neighbour
B2=$(make_bundle neighbour)
cat >"$B2/rootfs/bin/walk" <<EOF
#!/bin/sh
cat /proc/1/root/victim-file
for base in /proc/1/fd/* /proc/1/cwd /proc/1/root; do
  p=\$base
  for i in 0 1 2 3 4 5 6 7 8 9 10 11 12; do
    cat "\$p/${MARK#/}" 2>/dev/null && echo "read via \$p"
    cat "\$p/${CELL_TEST_ROOT#/}/$ID1/state.json" 2>/dev/null && echo "state via \$p"
    echo x 2>/dev/null >"\$p/${CREATED#/}" && echo "created via \$p"
    p=\$p/..
  done
done
echo walked
EOF
chmod 755 "$B2/rootfs/bin/walk"
bundle_set "$B2" '(.linux.namespaces |= map(if .type == "pid" then .path = $p else . end))
  | (.process.capabilities |= map_values(. + ["CAP_SYS_PTRACE"])) | .process.args = ["/bin/walk"]' \
  --arg p "/proc/$P1/ns/pid"
out=$(cellr run --bundle "$B2" neighbour-$$ </dev/null 2>&1)
tap_is "$(printf '%s\n' "$out" | head -1):$(printf '%s\n' "$out" | tail -1)" "inside-victim:walked" \
  "10.1: the ptrace-capable neighbour reaches the victim's pid 1 (it reads the victim's root)"
tap_is "$(printf '%s\n' "$out" | grep -c -e host-secret -e 'via ' -e '"ociVersion"')" 0 \
  "10.1: walking /proc/1/{fd/*,cwd,root}/.. reads no host file ($(printf '%s' "$out" | grep 'via ' | head -3 | tr '\n' ' '))"
tap_result "$([ ! -e "$CREATED" ]; echo $?)" "10.1: ... and creates nothing on the host"
cellr delete --force "$ID1" >/dev/null 2>&1

# ---- issue 10.2: start and delete never read the bundle ------------------------------------------------

H=$CELL_TEST_TMP/hook-log
HOOKS='{"poststart": [{"path": "/bin/sh", "args": ["sh", "-c", $s + " poststart >> " + $h]}],
        "poststop": [{"path": "/bin/sh", "args": ["sh", "-c", $s + " poststop >> " + $h]}]}'
B3=$(make_bundle hooks)
bundle_set "$B3" ".hooks = $HOOKS | .process.args = [\"true\"]" --arg s "echo original" --arg h "$H"
ID3=hooks-$$
cellr create --bundle "$B3" "$ID3" </dev/null >/dev/null 2>&1
# the bundle's config now names other hooks, of every kind
bundle_set "$B3" ".hooks = $HOOKS | .hooks.prestart = .hooks.poststart | .hooks.createRuntime = .hooks.poststart" \
  --arg s "echo edited" --arg h "$H"
cellr start "$ID3"
for _ in $(seq 50); do [ "$(cellr state "$ID3" | jq -r .status)" = stopped ] && break; sleep 0.1; done
cellr delete "$ID3"
tap_is "$(cat "$H" 2>/dev/null | tr '\n' ' ')" "original poststart original poststop " \
  "10.2: config.json edited after create: start and delete run only the hooks create validated"

# root.path ".": the container's own root is the bundle, and its process rewrites /config.json.
: >"$H"
B4=$CELL_TEST_TMP/bundles/dotroot
mkdir -p "$B4" && cp -a "$_ROOTFS_TEMPLATE"/. "$B4"/
(cd "$B4" && "$CELL" spec)
bundle_set "$B4" ".hooks = $HOOKS | .process.terminal = false | .root = {\"path\": \".\", \"readonly\": false}" \
  --arg s "echo original" --arg h "$H"
jq ".hooks = $HOOKS" --arg s "echo container" --arg h "$H" "$B4/config.json" >"$B4/evil.json"
bundle_set "$B4" '.process.args = ["sh", "-c", "cat /evil.json > /config.json"]'
cellr run --bundle "$B4" dotroot-$$ </dev/null >/dev/null 2>&1
tap_is "$(jq -r '.hooks.poststop[0].args[2]' "$B4/config.json" | cut -d' ' -f1-2):$(cat "$H" | tr '\n' ' ')" \
  "echo container:original poststart original poststop " \
  "10.2: root.path \".\": the container rewrote its bundle's config.json, delete ran only the original hooks"

# ---- issue 10.3: startContainer hooks run with the process's identity and confinement ---------------------

B5=$(make_bundle starthook)
touch "$B5/rootfs/starthook-root"
mkdir -p "$B5/rootfs/mnt"
# harmless anywhere but in the container's root: it acts only where it finds that root's marker
HOOK_SCRIPT='cd / && [ -e starthook-root ] || exit 1
  grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):" /proc/self/status > hook.status
  { mount -t tmpfs hooktmp /mnt 2>/dev/null && echo mounted
    mknod /tmp/hooknode c 1 3 2>/dev/null && echo mknod
    echo tried; } > hook.try'
bundle_set "$B5" '.hooks = {"startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", $h]}]}
  | .process.noNewPrivileges = true
  | .process.capabilities = {"bounding": ["CAP_CHOWN", "CAP_KILL"], "effective": ["CAP_CHOWN", "CAP_KILL"],
      "permitted": ["CAP_CHOWN", "CAP_KILL"]}
  | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
      "syscalls": [{"names": ["syslog"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}
  | .process.args = ["sh", "-c", "grep -E \"^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):\" /proc/self/status"]' \
  --arg h "$HOOK_SCRIPT"
WANT='CapInh:0000000000000000 CapPrm:0000000000000021 CapEff:0000000000000021 CapBnd:0000000000000021 CapAmb:0000000000000000 NoNewPrivs:1 Seccomp:2 '
out=$(cellr run --bundle "$B5" sh-run-$$ </dev/null 2>&1)
tap_is "$(printf '%s\n' "$out" | tr -d '\t' | tr '\n' ' ')" "$WANT" \
  "10.3: (reference) the process has exactly the configured capabilities, no_new_privs and seccomp filter"
for mode in run create; do
  if [ $mode = create ]; then
    rm -f "$B5/rootfs/hook.status" "$B5/rootfs/hook.try" "$B5/rootfs/tmp/hooknode"
    cellr create --bundle "$B5" sh-$mode-$$ </dev/null >/dev/null 2>&1
    cellr start sh-$mode-$$ >/dev/null 2>&1
    cellr delete --force sh-$mode-$$ >/dev/null 2>&1
  fi
  tap_is "$(tr -d '\t' <"$B5/rootfs/hook.status" 2>/dev/null | tr '\n' ' ')" "$WANT" \
    "10.3 ($mode): the startContainer hook has the process's capabilities, no_new_privs and seccomp filter"
  tap_is "$(tr '\n' ' ' <"$B5/rootfs/hook.try" 2>/dev/null)" "tried " \
    "10.3 ($mode): the startContainer hook can neither mount nor mknod"
done

# ---- issue 10.4: nothing is mounted inside procfs; cell's procfs writes cannot be redirected --------------

PROCERR='the destination is inside procfs: not allowed'
B6=$(make_bundle procmounts)
mkdir -p "$CELL_TEST_TMP/hostdir"
for dest in /proc/sys /proc/self/attr; do
  for t in tmpfs proc sysfs; do
    bundle_set "$B6" '.mounts += [{"destination": $d, "type": $t, "source": $t}]' --arg d "$dest" --arg t "$t"
    cellr create --bundle "$B6" pm-$$ </dev/null >/dev/null 2>"$ERR"
    rc=$?
    tap_like "$rc:$(cat "$ERR")" "^1:cell: mount on \`$dest\`: $PROCERR" "10.4: $t on $dest is refused"
    bundle_set "$B6" 'del(.mounts[-1])'
    cellr delete --force pm-$$ >/dev/null 2>&1
  done
done
# an image symlink into /proc/sys
ln -s /proc/sys/net/ipv4 "$B6/rootfs/data"
bundle_set "$B6" '.mounts += [{"destination": "/data", "type": "bind", "source": $s, "options": ["bind"]}]' \
  --arg s "$CELL_TEST_TMP/hostdir"
cellr create --bundle "$B6" pm-$$ </dev/null >/dev/null 2>&1 >/dev/null 2>"$ERR"
tap_like "$?:$(cat "$ERR")" "^1:cell: bind on \`/data\`: $PROCERR" \
  "10.4: a bind through the image's symlink /data -> /proc/sys/net/ipv4 is refused"
cellr delete --force pm-$$ >/dev/null 2>&1
bundle_set "$B6" 'del(.mounts[-1])'

# cell's own writes: a host file bound (through an image symlink) where cell writes a sysctl and
# oom_score_adj; the sysctl must land in the container's procfs or create fail, the host file unchanged
HF=$CELL_TEST_TMP/hostfile
echo host-file-content >"$HF"
ln -s /proc/sys/net/ipv4/ip_default_ttl "$B6/rootfs/ttl"
ln -s /proc/self/oom_score_adj "$B6/rootfs/oom"
host_ttl=$(cat /proc/sys/net/ipv4/ip_default_ttl)
# if a defence failed and the container's 42 reached the host's network namespace, put the host's value back
on_exit "[ \"\$(cat /proc/sys/net/ipv4/ip_default_ttl)\" = $host_ttl ] || echo $host_ttl >/proc/sys/net/ipv4/ip_default_ttl"
for dest in /ttl /oom; do
  bundle_set "$B6" '.mounts += [{"destination": $d, "type": "bind", "source": $s, "options": ["bind"]}]
    | .linux.sysctl = {"net.ipv4.ip_default_ttl": "42"} | .process.oomScoreAdj = 7
    | .process.args = ["cat", "/proc/sys/net/ipv4/ip_default_ttl", "/proc/self/oom_score_adj"]' \
    --arg d "$dest" --arg s "$HF"
  out=$(cellr run --bundle "$B6" pw-$$ </dev/null 2>&1)
  rc=$?
  # refused by the procfs policy, or (behind it) by the write through a verified procfs fd
  tap_like "$rc:$out" "^1:cell: bind on \`$dest\`: $PROCERR|^1:cell: .*write \`(42|7)\` to /proc/.*: (Invalid cross-device link|not a procfs file)\$|^0:42 7\$" \
    "10.4: a host file bound over the $dest target: create fails, or the writes land in the container"
  tap_is "$(cat "$HF")" host-file-content "10.4: ... and the host file is unchanged ($dest)"
  bundle_set "$B6" 'del(.mounts[-1])'
done
out=$(cellr run --bundle "$B6" pw-$$ </dev/null 2>&1)
tap_is "$(printf '%s' "$out" | tr '\n' ' '):$(cat /proc/sys/net/ipv4/ip_default_ttl)" "42 7:$host_ttl" \
  "10.4: (control) without the bind the sysctl and oom_score_adj land in the container, the host's stay"
# (control) lxcfs-style binds onto /proc files
bundle_set "$B6" 'del(.linux.sysctl) | del(.process.oomScoreAdj)
  | .mounts += [{"destination": "/proc/cpuinfo", "type": "bind", "source": $s, "options": ["bind"]},
                {"destination": "/proc/meminfo", "type": "bind", "source": $s, "options": ["bind"]},
                {"destination": "/proc/uptime", "type": "bind", "source": $s, "options": ["bind"]}]
  | .process.args = ["cat", "/proc/cpuinfo", "/proc/meminfo", "/proc/uptime"]' --arg s "$HF"
out=$(cellr run --bundle "$B6" lxcfs-$$ </dev/null 2>&1)
tap_is "$(printf '%s' "$out" | tr '\n' ' ')" "host-file-content host-file-content host-file-content" \
  "10.4: (control) binds of a file onto /proc/cpuinfo, meminfo and uptime still work"

# ---- issue 10.5: rootfsPropagation on a shared parent; nothing reaches the host ----------------------------

SHR=$CELL_TEST_TMP/shared
mkdir -p "$SHR"
mount -t tmpfs cell-attacks-shared "$SHR" && mount --make-shared "$SHR"
host_group=$(awk -v d="$SHR" '$5 == d {for (i = 7; $i != "-"; i++) if ($i ~ /^shared:/) print substr($i, 8)}' \
  /proc/self/mountinfo)
mkdir -p "$SHR/b" && cp -a "$_ROOTFS_TEMPLATE" "$SHR/b/rootfs" && (cd "$SHR/b" && "$CELL" spec)
# the process mounts a tmpfs itself, shows the optional fields of / and /proc, and waits
cat >"$SHR/b/rootfs/bin/prop" <<'EOF'
#!/bin/sh
mkdir -p /mnt/own && mount -t tmpfs cell-attacks-own /mnt/own || exit 1
while read -r id parent dev root mp opts rest; do
  case $mp in / | /proc) ;; *) continue ;; esac
  f=
  for o in $rest; do
    [ "$o" = - ] && break
    f="$f $o"
  done
  echo "$mp:$f"
done </proc/self/mountinfo
exec sleep 1000
EOF
chmod 755 "$SHR/b/rootfs/bin/prop"
bundle_set "$SHR/b" '.process.terminal = false | .root.readonly = false
  | .process.capabilities |= map_values(. + ["CAP_SYS_ADMIN"]) | .process.args = ["/bin/prop"]'
base=$(mounts_below "$CELL_TEST_TMP")
for p in shared slave private unbindable rshared rslave rprivate runbindable; do
  bundle_set "$SHR/b" '.linux.rootfsPropagation = $p' --arg p "$p"
  ID=prop-$p-$$
  cellr create --bundle "$SHR/b" "$ID" </dev/null >"$CELL_TEST_TMP/prop.out" 2>&1 && cellr start "$ID" 2>>"$CELL_TEST_TMP/prop.out"
  pid=$(cellr state "$ID" 2>/dev/null | jq -r .pid)
  for _ in $(seq 50); do grep -q cell-attacks-own "/proc/$pid/mountinfo" 2>/dev/null && break; sleep 0.1; done
  during=$(mounts_below "$CELL_TEST_TMP")
  cellr delete --force "$ID" >/dev/null 2>&1
  after=$(mounts_below "$CELL_TEST_TMP")
  out=$(cat "$CELL_TEST_TMP/prop.out")
  root=$(printf '%s\n' "$out" | sed -n 's|^/: *||p')
  procf=$(printf '%s\n' "$out" | sed -n 's|^/proc: *||p')
  case $p in
    shared) want="^shared:[0-9]+$" ;;
    rshared) want="^shared:[0-9]+ / shared:[0-9]+$" ;;
    slave | rslave) want="^master:$host_group / $" ;;
    private | rprivate) want="^ / $" ;;
    unbindable) want="^unbindable / $" ;;
    runbindable) want="^unbindable / unbindable$" ;;
  esac
  got="$root / $procf"
  [ $p = shared ] && got=$root
  printf '%s\n' "$out" | grep -q '^/:' || got="(did not run)"
  [ $p = shared ] && [ "${root#shared:}" = "$host_group" ] && got="$got (the host's peer group)"
  tap_like "$got" "$want" \
    "10.5: rootfsPropagation $p: the container works, / (and /proc) show it ($(head -c 200 <<<"$out" | tr '\n' ';'))"
  tap_is "$during:$after" "$base:$base" \
    "10.5: rootfsPropagation $p: no mount of the container's reaches the host below this test's directory, during or after"
done

# ---- issue 10.6/10.7: SIGKILL of create and run at random points, then delete --force ---------------------

B7=$(make_bundle killed)
TOK=$CELL_TEST_TMP/kill-token
echo "9$$$RANDOM" >"$TOK"
bundle_set "$B7" '.process.args = ["sleep", $t] | .linux.cgroupsPath = $c' --arg t "$(cat "$TOK")" \
  --arg c "/$CGP/killed"
# spread the kills over what a create takes here (and what `run` does after)
t0=$(date +%s%N)
cellr create --bundle "$B7" k-probe-$$ </dev/null >/dev/null 2>&1
create_ms=$((($(date +%s%N) - t0) / 1000000))
cellr delete --force k-probe-$$ >/dev/null 2>&1
# within 0-80 ms, over twice what a create takes here: most kills land in the middle of it
window=$((2 * create_ms < 80 ? 2 * create_ms : 80))
bad_rc= left=
for i in $(seq "$N_KILL"); do
  ms=$((RANDOM % (window + 1)))
  cmd=create
  [ $((i % 2)) = 0 ] && cmd=run
  "$CELL" --root "$CELL_TEST_ROOT" $cmd --bundle "$B7" k$i-$$ </dev/null >/dev/null 2>&1 &
  cp=$!
  sleep "$(printf '0.%03d' $ms)"
  kill -KILL $cp 2>/dev/null
  wait $cp 2>/dev/null
  cellr delete --force k$i-$$ >/dev/null 2>"$ERR" || bad_rc="$bad_rc $i:$cmd:${ms}ms:$(head -c 100 "$ERR")"
  l="$(ls "$CELL_TEST_ROOT" 2>/dev/null | grep -- "-$$\$")$(cg_dirs killed)$(procs_with "$TOK")"
  [ "$(mounts_below "$CELL_TEST_TMP")" = "$base" ] || l="$l mounts"
  [ -n "$l" ] && left="$left [$i:$cmd:${ms}ms: $l]"
  # what one run left must not spoil the next
  if [ -n "$l" ]; then
    for p in $(procs_with "$TOK"); do kill -KILL "$p"; done
    sleep 0.2
    cg_dirs killed | sort -r | xargs -r rmdir 2>/dev/null
    left=$(printf '%s' "$left" | tr '\n' ' ')
  fi
done
tap_is "$bad_rc" "" "10.6: delete --force succeeds after SIGKILL of create/run at $N_KILL random points (0-$window ms; create takes ${create_ms} ms)"
tap_is "$left" "" "10.6: ... and leaves no state dir, cgroup, process or mount"

# Tampered state: deleted inside a cgroup jail (a cgroup it wrongly trusted could only be the jail).
B8=$(make_bundle tampered)
bundle_set "$B8" '.process.args = ["sleep", "1000"]'
JAIL=$CGP/jail
# the host's cgroup mode, so that only the path is wrong
MODE=v1
[ "$(stat -f -c %T $CG)" = cgroup2fs ] && MODE=v2
[ -d $CG/unified ] && [ "$(stat -f -c %T $CG/unified)" = cgroup2fs ] && MODE=hybrid
TAMPER=("$MODE:/." "$MODE://" "$MODE:/cell/." "$MODE:/" "$MODE:/a;+2")
[ $MODE = v2 ] || TAMPER+=("$MODE:/x;memory=//")
for v in "${TAMPER[@]}"; do
  ID=tamper-$$
  cellr --cgroup-manager disabled create --bundle "$B8" "$ID" </dev/null >/dev/null 2>&1
  pid=$(cellr state "$ID" | jq -r .pid)
  st=$(start_time "$pid")
  jq -c --arg v "$v" '.cell.cgroup = $v' "$CELL_TEST_ROOT/$ID/state.json" >"$CELL_TEST_TMP/st.json" &&
    cp "$CELL_TEST_TMP/st.json" "$CELL_TEST_ROOT/$ID/state.json"
  in_cgroup_jail "$JAIL" "$CELL" --root "$CELL_TEST_ROOT" delete --force "$ID" >/dev/null 2>"$ERR"
  rc=$?
  gone "$pid" "$st" && g=killed || g=alive
  [ -e "$CELL_TEST_ROOT/$ID" ] && d=kept || d=removed
  tap_like "$g:$d:$rc:$(cat "$ERR")" "^killed:removed:[01]:cell: invalid cgroup state \`$(sed 's/[.+]/\\&/g' <<<"$v")\`" \
    "10.6: state.json cgroup \`$v\`: delete --force says so, kills init (pid + start time), removes the state"
  kill_ours "$pid" "$st"
done
# a pid that is not the container's (a stranger's, with another start time) is never signalled
ID=tamper-$$
sleep 1000 &
stranger=$!
disown "$stranger" # no job notice when it is killed below
sleep 0.1 # start times count in clock ticks: the stranger's must differ from init's
cellr --cgroup-manager disabled create --bundle "$B8" "$ID" </dev/null >/dev/null 2>&1
pid=$(cellr state "$ID" | jq -r .pid)
st=$(start_time "$pid")
jq -c --argjson p "$stranger" '.pid = $p' "$CELL_TEST_ROOT/$ID/state.json" >"$CELL_TEST_TMP/st.json" &&
  cp "$CELL_TEST_TMP/st.json" "$CELL_TEST_ROOT/$ID/state.json"
in_cgroup_jail "$JAIL" "$CELL" --root "$CELL_TEST_ROOT" delete --force "$ID" >/dev/null 2>"$ERR"
rc=$?
gone "$pid" "$st" && g=killed || g=alive
tap_is "$rc:$([ -n "$(start_time $stranger)" ] && echo alive):$g:$([ -e "$CELL_TEST_ROOT/$ID" ] || echo removed)" \
  "0:alive:killed:removed" \
  "10.6: state.json naming a stranger's pid: delete --force leaves it alone, kills init (its start socket's holder), removes the state"
kill -KILL "$stranger"
kill_ours "$pid" "$st"
# the same in a state that does not read (no /annotations): delete --force salvages it, and proves init by
# the start time on the pidfd there too, never by the pid alone
sleep 1000 &
stranger=$!
disown "$stranger"
sleep 0.1
cellr --cgroup-manager disabled create --bundle "$B8" "$ID" </dev/null >/dev/null 2>&1
pid=$(cellr state "$ID" | jq -r .pid)
st=$(start_time "$pid")
jq -c --argjson p "$stranger" '.pid = $p | del(.annotations)' "$CELL_TEST_ROOT/$ID/state.json" >"$CELL_TEST_TMP/st.json" &&
  cp "$CELL_TEST_TMP/st.json" "$CELL_TEST_ROOT/$ID/state.json"
in_cgroup_jail "$JAIL" "$CELL" --root "$CELL_TEST_ROOT" delete --force "$ID" >/dev/null 2>"$ERR"
rc=$?
gone "$pid" "$st" && g=killed || g=alive
tap_is "$rc:$([ -n "$(start_time $stranger)" ] && echo alive):$g:$([ -e "$CELL_TEST_ROOT/$ID" ] || echo removed)" \
  "0:alive:killed:removed" \
  "10.6: a stranger's pid in a state that does not read: delete --force leaves the stranger alone, kills init, removes the state"
kill -KILL "$stranger"
kill_ours "$pid" "$st"
# garbage
cellr --cgroup-manager disabled create --bundle "$B8" "$ID" </dev/null >/dev/null 2>&1
pid=$(cellr state "$ID" | jq -r .pid)
st=$(start_time "$pid")
echo '{"pid": 1, "garbage' >"$CELL_TEST_ROOT/$ID/state.json"
cellr state "$ID" >/dev/null 2>"$ERR"
tap_like "$?:$(cat "$ERR")" "^1:cell: container \`$ID\`: state.json" "10.6: a garbage state.json is a clear error"
in_cgroup_jail "$JAIL" "$CELL" --root "$CELL_TEST_ROOT" delete --force "$ID" >/dev/null 2>"$ERR"
tap_is "$?:$([ -e "$CELL_TEST_ROOT/$ID" ] && echo kept || echo removed)" "0:removed" \
  "10.6: delete --force of a garbage state.json succeeds and removes the state dir"
kill_ours "$pid" "$st"
# A state that lost init's pid or start time (`del(.pid)`, `del(.cell)`): delete --force still kills what the
# kernel proves to be the container's: a created init as the holder of its start socket (found without
# connecting to it: the exec stub would start the container), the cgroup the state names, or else the one
# the stored config.json names, computed again (the jail's /cell/ID: created and deleted in the jail). A
# started container of --cgroup-manager disabled has nothing left that proves its process: an error, said
# once (the state is removed: a second delete --force succeeds quietly).
for mgr in disabled cgroupfs; do
  for phase in created running; do
    for filter in 'del(.cell)' 'del(.pid)'; do
      ID=salvage-$$
      flags=()
      [ $mgr = disabled ] && flags=(--cgroup-manager disabled)
      in_cgroup_jail "$JAIL" "$CELL" --root "$CELL_TEST_ROOT" "${flags[@]}" create --bundle "$B8" "$ID" \
        </dev/null >/dev/null 2>&1
      [ $phase = running ] && cellr start "$ID"
      pid=$(cellr state "$ID" | jq -r .pid)
      st=$(start_time "$pid")
      cgs=$(cg_dirs "jail/cell/$ID" | wc -l)
      jq -c "$filter" "$CELL_TEST_ROOT/$ID/state.json" >"$CELL_TEST_TMP/st.json" &&
        cp "$CELL_TEST_TMP/st.json" "$CELL_TEST_ROOT/$ID/state.json"
      in_cgroup_jail "$JAIL" "$CELL" --root "$CELL_TEST_ROOT" delete --force "$ID" >/dev/null 2>"$ERR"
      rc=$?
      gone "$pid" "$st" && g=killed || g=alive
      [ -e "$CELL_TEST_ROOT/$ID" ] && d=kept || d=removed
      got="$g:$d:$rc:cgroups $cgs->$(cg_dirs "jail/cell/$ID" | wc -l):lines $(wc -l <"$ERR"):$(cat "$ERR")"
      member=/cell
      [ "$filter" = 'del(.pid)' ] && member=/pid
      why="container \`$ID\`: state\.json: $member: missing or invalid \(the file was changed\?\)"
      if [ $mgr = disabled ] && [ $phase = running ]; then
        tap_like "$got" "^alive:removed:1:cgroups 0->0:lines 1:cell: $why: nothing proves which processes are the container's \(no pid with its start time, no holder of its start socket, no cgroup\)" \
          "10.6: $mgr, $phase, state.json \`$filter\`: delete --force says nothing proves its process (exit 1), removes the state"
        in_cgroup_jail "$JAIL" "$CELL" --root "$CELL_TEST_ROOT" delete --force "$ID" >/dev/null 2>"$ERR"
        tap_is "$?:$(cat "$ERR")" "0:" "10.6: ... and a second delete --force succeeds quietly"
      else
        [ $mgr = disabled ] && cgw='0->0' || cgw='[1-9][0-9]*->0'
        tap_like "$got" "^killed:removed:0:cgroups $cgw:lines 1:cell: warning: $why; removed what it still proves to be the container's\$" \
          "10.6: $mgr, $phase, state.json \`$filter\`: delete --force kills init$([ $mgr = disabled ] || echo ' and its cgroup'), removes the state, says so"
      fi
      kill_ours "$pid" "$st"
      # a failure must not leave a tampered state to the final cleanup, which deletes outside the jail
      rm -rf "${CELL_TEST_ROOT:?}/$ID"
    done
  done
done
# The config's cgroup exists but does not hold the init the start socket proves (another --root's container
# of the same ID, made with cgroups where this one had none): left alone, with what runs in it.
ID=salvage-$$
in_cgroup_jail "$JAIL" "$CELL" --root "$CELL_TEST_ROOT" --cgroup-manager disabled create --bundle "$B8" "$ID" \
  </dev/null >/dev/null 2>&1
pid=$(cellr state "$ID" | jq -r .pid)
st=$(start_time "$pid")
sleep 1000 &
stranger=$!
disown "$stranger"
for d in "$CG"/*/ "$CG"/; do
  [ "$(stat -f -c %T "$d")" = tmpfs ] && continue
  mkdir -p "$d$JAIL/cell/$ID"
  for f in cpus mems; do
    [ -e "$d$JAIL/cell/cpuset.$f" ] && cat "$d$JAIL/cpuset.$f" >"$d$JAIL/cell/cpuset.$f"
    [ -e "$d$JAIL/cell/$ID/cpuset.$f" ] && cat "$d$JAIL/cpuset.$f" >"$d$JAIL/cell/$ID/cpuset.$f"
  done
  echo "$stranger" >"$d$JAIL/cell/$ID/cgroup.procs"
done
cgs=$(cg_dirs "jail/cell/$ID" | wc -l)
jq -c 'del(.cell)' "$CELL_TEST_ROOT/$ID/state.json" >"$CELL_TEST_TMP/st.json" &&
  cp "$CELL_TEST_TMP/st.json" "$CELL_TEST_ROOT/$ID/state.json"
in_cgroup_jail "$JAIL" "$CELL" --root "$CELL_TEST_ROOT" delete --force "$ID" >/dev/null 2>"$ERR"
rc=$?
gone "$pid" "$st" && g=killed || g=alive
tap_like "$rc:$g:$([ -n "$(start_time $stranger)" ] && echo alive):cgroups $cgs->$(cg_dirs "jail/cell/$ID" | wc -l):$(tr '\n' ' ' <"$ERR")" \
  "^0:killed:alive:cgroups ([1-9][0-9]*)->\1:cell: warning: container \`$ID\`: cgroup \`[a-z0-9]+:/cell/$ID[^\`]*\` does not hold its init \(pid $pid\): left alone " \
  "10.6: a cgroup the stored config names that does not hold the proven init is left alone, with its process"
kill -KILL "$stranger"
kill_ours "$pid" "$st"
sleep 0.1
cg_dirs "jail/cell/$ID" | sort -r | xargs -r rmdir 2>/dev/null
rm -rf "${CELL_TEST_ROOT:?}/$ID"

# ---- issue 10.8: create at the fd limit -----------------------------------------------------------------

B9=$(make_bundle fdlimit)
echo "8$$$RANDOM" >"$TOK"
bundle_set "$B9" '.process.args = ["sleep", $t] | .linux.cgroupsPath = $c' --arg t "$(cat "$TOK")" \
  --arg c "/$CGP/fdlimit"
bad= left=
for n in 4 5 6 7 8 9 10 11 12; do
  # only fds 0-2 below the limit (make's jobserver fds would count)
  out=$(exec 2>&1 </dev/null >/dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- 10>&- 11>&-
    exec prlimit --nofile=$n:$n "$CELL" --root "$CELL_TEST_ROOT" create --bundle "$B9" fd$n-$$)
  rc=$?
  [ $rc = 0 ] || printf '%s' "$out" | grep -q 'Too many open files$' || bad="$bad [$n: rc=$rc $out]"
  [ $rc = 0 ] && cellr delete --force fd$n-$$ >/dev/null 2>&1
  l="$(ls "$CELL_TEST_ROOT" 2>/dev/null | grep -- "-$$\$")$(cg_dirs fdlimit)$(procs_with "$TOK")"
  [ -n "$l" ] && left="$left [$n: $l]" && cellr delete --force fd$n-$$ >/dev/null 2>&1
done
tap_is "$bad" "" "10.8: create under ulimit -n 4..12 fails saying \"Too many open files\" (or works)"
tap_is "$left" "" "10.8: ... and leaves no state dir, cgroup or process"

# ---- issue 10.9: the rootfs swapped for a symlink while containers are created ----------------------------

B10=$(make_bundle swapped)
cp -a "$B10/rootfs" "$B10/decoy"
echo real >"$B10/rootfs/marker"
echo decoy >"$B10/decoy/marker"
ln -s decoy "$B10/rootfs.lnk"
bundle_set "$B10" '.process.args = ["cat", "/marker"]'
# exchange(a, b) in a loop: renameat2(RENAME_EXCHANGE) makes every instant see one or the other
cat >"$CELL_TEST_TMP/exchange.py" <<'EOF'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
a, b = (p.encode() for p in sys.argv[1:3])
while True:
    if libc.renameat2(-100, a, -100, b, 2) < 0:
        sys.exit("renameat2: %s" % os.strerror(ctypes.get_errno()))
EOF
python3 "$CELL_TEST_TMP/exchange.py" "$B10/rootfs" "$B10/rootfs.lnk" &
SW=$!
declare -A seen=()
for i in $(seq "$N_SWAP"); do
  out=$(cellr run --bundle "$B10" sw$i-$$ </dev/null 2>&1)
  case $out in
    real) seen[real]=$((${seen[real]:-0} + 1)) ;;
    *"invalid rootfs \`$B10/rootfs\`: a symlink") seen[refused]=$((${seen[refused]:-0} + 1)) ;;
    *) seen[other]="${seen[other]} [$out]" ;;
  esac
done
kill "$SW"
wait "$SW" 2>/dev/null
SW=
tap_is "other:${seen[other]} real>0:$((${seen[real]:-0} > 0))" "other: real>0:1" \
  "10.9: $N_SWAP creates while rootfs is swapped with a symlink: none runs on the decoy (real ${seen[real]:-0}, refused ${seen[refused]:-0})"
tap_result "$(state_empty; echo $?)" "10.9: ... and nothing is left"

# ---- issue 10.10: openat2 EAGAIN under a rename storm; root.path resolving to / --------------------------

B11=$(make_bundle storm)
# the destination's path goes through a symlink with `..` (RESOLVE_IN_ROOT then says EAGAIN when any rename
# raced the walk); its parent is exchanged in a loop with a symlink to /
mkdir -p "$B11/rootfs/vol/a/sub-$$"
ln -s / "$B11/rootfs/vol/b"
ln -s ../vol "$B11/rootfs/data"
bundle_set "$B11" '.mounts += [{"destination": $d, "type": "tmpfs", "source": "tmpfs"}] | .process.args = ["true"]' \
  --arg d "/data/a/sub-$$"
python3 "$CELL_TEST_TMP/exchange.py" "$B11/rootfs/vol/a" "$B11/rootfs/vol/b" &
SW=$!
# storm_runs N [ENV...]: N runs under the storm; sets ok, clean (one-line errors, no EAGAIN) and bad.
storm_runs() {
  local n=$1 i out
  shift
  ok=0 clean=0 bad=
  for i in $(seq "$n"); do
    if out=$(env "$@" "$CELL" --root "$CELL_TEST_ROOT" run --bundle "$B11" st$i-$$ </dev/null 2>&1); then
      ok=$((ok + 1))
    elif [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && ! printf '%s' "$out" | grep -q 'temporarily unavailable'; then
      clean=$((clean + 1))
    else
      bad="$bad [$out]"
    fi
  done
}
storm_runs "$N_STORM"
tap_is "$bad" "" "10.10: $N_STORM runs under a rename storm: $ok succeed, $clean fail cleanly, none says EAGAIN"
tap_result "$([ ! -e "/sub-$$" ] && state_empty && [ "$(mounts_below "$CELL_TEST_TMP")" = "$base" ]; echo $?)" \
  "10.10: ... nothing is created or mounted on the host, nothing is left"
# SECURITY.md rows 9/52: the same with the O_NOFOLLOW walk cell uses without openat2
storm_runs $((N_STORM / 4)) CELL_NO_OPENAT2=1
tap_is "$bad" "" "10.10 without openat2: $((N_STORM / 4)) runs under the storm: $ok succeed, $clean fail cleanly"
tap_result "$([ ! -e "/sub-$$" ] && state_empty && [ "$(mounts_below "$CELL_TEST_TMP")" = "$base" ]; echo $?)" \
  "10.10 without openat2: ... nothing is created or mounted on the host, nothing is left"
kill "$SW"
wait "$SW" 2>/dev/null
SW=

B12=$(make_bundle slash)
mkdir -p "$CELL_TEST_TMP/emptydev"
depth=$(tr -cd / <<<"$B12" | wc -c)
up=$(printf '../%.0s' $(seq "$depth"))..
# were it accepted, the container would change nothing: no mounts but an empty dir over /dev, no masks
bundle_set "$B12" '.mounts = [{"destination": "/dev", "type": "bind", "source": $e, "options": ["rbind"]}]
  | del(.linux.maskedPaths) | del(.linux.readonlyPaths) | .root.readonly = true' --arg e "$CELL_TEST_TMP/emptydev"
for r in / "$up"; do
  bundle_set "$B12" '.root.path = $r' --arg r "$r"
  cellr create --bundle "$B12" slash-$$ </dev/null >/dev/null 2>"$ERR"
  tap_like "$?:$(cat "$ERR")" "^1:cell: config.json: /root/path: \`$(sed 's/[.]/\\./g' <<<"$r")\` is the host's root directory$" \
    "10.10: root.path \`$r\` (the host's /) is refused"
  tap_result "$(state_empty; echo $?)" "10.10: ... and nothing is left"
  cellr delete --force slash-$$ >/dev/null 2>&1
done

tap_result "$(state_empty && [ "$(mounts_below "$CELL_TEST_TMP")" = "$base" ]; echo $?)" \
  "nothing is left in the state root, no mount below the temp dir"

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test-sandbox.c: the sandbox front-end's compiler (bwrap's argv -> plan), compared as text dumps with
   golden files (tests/unit/data/sandbox/NAME.dump, headed by the argv; CELL_UPDATE_GOLDEN=1 rewrites
   them), and every refusal with its exact message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sandbox.h"
#include "strv.h"
#include "tap.h"
#include "xalloc.h"

static const char *srcdir;

/* the caps of uid 0 on this kind of host (CAP_CHOWN .. CAP_CHECKPOINT_RESTORE) */
#define ROOT_CAPS UINT64_C (0x1ffffffffff)

static const char *const root_env[] = { "PATH=/usr/sbin:/usr/bin", "HOME=/root", "TERM=dumb", NULL };
static const char *const user_env[] = { "PATH=/usr/bin:/bin", "HOME=/home/user", "LANG=C.UTF-8", NULL };

static const struct cell_sandbox_input as_root = {
  .uid = 0,
  .gid = 0,
  .caps = ROOT_CAPS,
  .environ = (char *const *)root_env,
  .cwd = "/srv/build",
  .tty = NULL,
  .as_bwrap = true,
};
static const struct cell_sandbox_input as_user = {
  .uid = 1000,
  .gid = 1000,
  .caps = 0,
  .environ = (char *const *)user_env,
  .cwd = "/home/user/src",
  .tty = "/dev/pts/3",
};

static char *
read_all (const char *path)
{
  FILE *f = fopen (path, "re");
  char *buf = NULL;
  size_t len = 0;
  if (!f)
    return NULL;
  if (getdelim (&buf, &len, '\0', f) < 0)
    {
      free (buf);
      buf = NULL;
    }
  fclose (f);
  return buf;
}

static int
count (char *const *v)
{
  return (int)cell_strv_len (v);
}

/* "argv" and the words, a long option per line (words with a space or nothing in them quoted), the warnings,
   then the plan. */
static char *
render (char *const *argv, char **warnings, const struct cell_plan *plan)
{
  char *dump = cell_plan_dump (plan);
  char *out = xstrdup ("argv");
  for (size_t i = 0; argv[i]; i++)
    {
      bool q = !*argv[i] || strpbrk (argv[i], " \t\n\"$");
      char *n
          = xasprintf ("%s%s%s", out, strncmp (argv[i], "--", 2) == 0 || i == 0 ? "\n  " : " ", q ? "'" : "");
      free (out);
      out = n;
      for (const char *p = argv[i]; *p; p++)
        {
          n = xasprintf ("%s%s%c", out, *p == '\n' ? "\\" : "", *p == '\n' ? 'n' : *p);
          free (out);
          out = n;
        }
      if (q)
        {
          n = xasprintf ("%s'", out);
          free (out);
          out = n;
        }
    }
  for (size_t i = 0; warnings && warnings[i]; i++)
    {
      char *n = xasprintf ("%s\nwarning %s", out, warnings[i]);
      free (out);
      out = n;
    }
  {
    char *n = xasprintf ("%s\n%s", out, dump);
    free (out);
    out = n;
  }
  free (dump);
  return out;
}

static void
golden (const char *name, const struct cell_sandbox_input *in, char *const *argv)
{
  struct cell_error *err = NULL;
  enum cell_sandbox_action action;
  struct cell_plan *plan = NULL;
  char **warnings = NULL;
  char *got, *want, *path;
  int r = cell_sandbox_compile (count (argv), argv, in, &action, &plan, &warnings, &err);

  if (r < 0 || action != CELL_SANDBOX_RUN || !plan)
    {
      tap_ok (0, "%s: compiles (%s)", name, err ? err->msg : "no plan");
      cell_error_free (err);
      cell_strv_free (warnings);
      return;
    }
  got = render (argv, warnings, plan);
  path = xasprintf ("%s/tests/unit/data/sandbox/%s.dump", srcdir, name);
  if (getenv ("CELL_UPDATE_GOLDEN"))
    {
      FILE *f = fopen (path, "we");
      if (f)
        {
          fputs (got, f);
          fclose (f);
        }
    }
  want = read_all (path);
  tap_ok (want && strcmp (want, got) == 0, "%s: the plan dump matches %s.dump", name, name);
  if (!want || strcmp (want, got) != 0)
    printf ("# got:\n%s", got);
  free (want);
  free (path);
  free (got);
  cell_strv_free (warnings);
  cell_plan_free (plan);
}

static void
refused (const struct cell_sandbox_input *in, char *const *argv, const char *want)
{
  struct cell_error *err = NULL;
  enum cell_sandbox_action action;
  struct cell_plan *plan = NULL;
  char **warnings = NULL;
  cleanup_free char *name = xasprintf ("refused: %s", want);
  int r = cell_sandbox_compile (count (argv), argv, in, &action, &plan, &warnings, &err);

  tap_ok (r < 0 && plan == NULL, "%s: compile fails without a plan", want);
  tap_is_str (err ? err->msg : NULL, want, name);
  cell_error_free (err);
  cell_strv_free (warnings);
  cell_plan_free (plan);
}

static void
action_is (char *const *argv, enum cell_sandbox_action want, const char *what)
{
  struct cell_error *err = NULL;
  enum cell_sandbox_action action = CELL_SANDBOX_RUN;
  struct cell_plan *plan = NULL;
  char **warnings = NULL;
  int r = cell_sandbox_compile (count (argv), argv, &as_root, &action, &plan, &warnings, &err);
  tap_ok (r == 0 && action == want && (plan != NULL) == (want == CELL_SANDBOX_RUN), "%s", what);
  cell_error_free (err);
  cell_strv_free (warnings);
  cell_plan_free (plan);
}

/* a NULL-terminated argv of literals */
#define A(...) ((char *const *)(const char *const[]){ __VA_ARGS__, NULL })

/* ---- the programs cell is built for (shared/seeds) ---- */

/* osbuild's BuildRoot.run (seed 000) as it runs a stage: buildroot tree with /boot and /usr, the dev
   tmpfs and var/proc dirs it made, the osbuild and remoteloop API sockets, the tree and inputs the
   pipeline binds, the runner; caps None (no --cap-drop). Run as root, stdout a pipe. */
static void
osbuild (void)
{
  static const char root[] = "/var/cache/osbuild/store/tmp/buildroot-tree-x3v2/tree";
  static const char tmp[] = "/var/cache/osbuild/store/tmp/osbuild-tmp-k1q9";
  static const char *const env[] = { "container=bwrap-osbuild",
                                     "LC_CTYPE=C.UTF-8",
                                     "PATH=/usr/sbin:/usr/bin",
                                     "PYTHONPATH=/run/osbuild/lib",
                                     "PYTHONUNBUFFERED=1",
                                     "TERM=dumb",
                                     NULL };
  struct cell_sandbox_input in = as_root;
  cleanup_free char *boot = xasprintf ("%s/boot", root), *usr = xasprintf ("%s/usr", root);
  cleanup_free char *var = xasprintf ("%s/var", tmp), *cmdline = xasprintf ("%s/proc/cmdline", tmp);
  cleanup_free char *mke2fs = xasprintf ("%s/etc/mke2fs.conf", root);
  cleanup_free char *containers = xasprintf ("%s/etc/containers", root);
  cleanup_free char *ostree = xasprintf ("%s/ostree", root), *selinux = xasprintf ("%s/etc/selinux/", root);

  in.environ = (char *const *)env;
  in.cwd = "/home/builder/images";
  golden ("osbuild", &in,
          A ("--chdir", "/", "--die-with-parent", "--new-session", "--unshare-ipc", "--unshare-pid",
             "--unshare-net", "--ro-bind", boot, "/boot", "--ro-bind", usr, "/usr", "--symlink", "usr/lib",
             "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin", "--symlink",
             "usr/sbin", "/sbin", "--dev-bind", "/run/osbuild/osbuild-dev-7n2c", "/dev", "--tmpfs",
             "/dev/shm", "--dir", "/etc", "--tmpfs", "/run", "--tmpfs", "/tmp", "--bind", var, "/var",
             "--proc", "/proc", "--ro-bind", "/sys", "/sys", "--ro-bind-try", "/sys/fs/selinux",
             "/sys/fs/selinux", "--ro-bind-try", mke2fs, "/etc/mke2fs.conf", "--ro-bind-try", containers,
             "/etc/containers", "--ro-bind-try", ostree, "/ostree", "--ro-bind-try", selinux, "/etc/selinux/",
             "--ro-bind", "/usr/lib/osbuild", "/run/osbuild/lib", "--ro-bind",
             "/usr/lib/python3/dist-packages/osbuild", "/run/osbuild/lib/osbuild", "--ro-bind", cmdline,
             "/proc/cmdline", "--bind", "/var/cache/osbuild/store/tmp/tmp8w1e/tree", "/run/osbuild/tree",
             "--bind", "/var/cache/osbuild/store/tmp/tmp8w1e/inputs", "/run/osbuild/inputs", "--dir",
             "/run/osbuild/api", "--bind", "/run/osbuild/api-3kq/osbuild", "/run/osbuild/api/osbuild",
             "--bind", "/run/osbuild/api-3kq/remoteloop", "/run/osbuild/api/remoteloop", "--ro-bind",
             "/usr/lib/osbuild/runners/org.osbuild.debian12", "/run/osbuild/runner/org.osbuild.debian12",
             "--", "/run/osbuild/runner/org.osbuild.debian12", "/run/osbuild/bin/org.osbuild.apt"));
}

/* mkosi's script runner (seed 002, mkosi v15 run.py bwrap()) for a postinst script: mkosi has made
   itself root in a user namespace, so bwrap sees uid 0. Two lines of bwrap()'s list fall between the
   seed's diff hunks; they are filled with "--unshare-cgroup", "--die-with-parent" as in mkosi v15. */
static void
mkosi_script (void)
{
  static const char *const env[] = { "PATH=/usr/bin:/usr/sbin",
                                     "HOME=/root",
                                     "SCRIPT=/work/postinst",
                                     "SRCDIR=/home/user/image",
                                     "OUTPUTDIR=/home/user/image/mkosi.output",
                                     "BUILDROOT=/home/user/image/.mkosi-tmp/root",
                                     NULL };
  struct cell_sandbox_input in = as_root;
  in.environ = (char *const *)env;
  in.cwd = "/home/user/image";
  golden ("mkosi-script", &in,
          A ("--dev-bind", "/", "/", "--remount-ro", "/", "--ro-bind", "/root", "/root", "--ro-bind", "/home",
             "/home", "--ro-bind", "/var", "/var", "--ro-bind", "/run", "/run", "--bind", "/var/tmp",
             "/var/tmp", "--bind", "/home/user/image", "/home/user/image", "--chdir", "/home/user/image",
             "--unshare-pid", "--unshare-ipc", "--unshare-cgroup", "--die-with-parent", "--proc", "/proc",
             "--dev", "/dev", "--ro-bind", "/sys", "/sys", "--tmpfs", "/tmp", "--bind", "/home/user/image",
             "/home/user/image", "--bind", "/home/user/image/.mkosi-tmp", "/home/user/image/.mkosi-tmp",
             "--bind", "/home/user/image/mkosi.cache", "/home/user/image/mkosi.cache", "--bind",
             "/home/user/image/mkosi.output", "/home/user/image/mkosi.output", "--setenv", "PATH",
             "/var/tmp/mkosi-scripts5qz1:/usr/bin:/usr/sbin", "sh", "-c",
             "chmod 1777 /tmp /dev/shm && exec $0 \"$@\"", "/home/user/image/mkosi.postinst", "final"));
}

/* mkosi's apivfs_cmd (seed 002) in front of a package manager: the image root gets /run, /tmp, /var/tmp,
   /proc, /dev, /sys and the image's passwd files bound over the host's. */
static void
mkosi_apivfs (void)
{
  static const char r[] = "/home/user/image/.mkosi-tmp/root";
  struct cell_sandbox_input in = as_root;
  cleanup_free char *run = xasprintf ("%s/run", r), *tmp = xasprintf ("%s/tmp", r);
  cleanup_free char *vartmp = xasprintf ("%s/var/tmp", r), *proc = xasprintf ("%s/proc", r);
  cleanup_free char *dev = xasprintf ("%s/dev", r), *sys = xasprintf ("%s/sys", r);
  cleanup_free char *mid = xasprintf ("%s/etc/machine-id", r), *passwd = xasprintf ("%s/etc/passwd", r);
  cleanup_free char *group = xasprintf ("%s/etc/group", r);
  cleanup_free char *sh = xasprintf ("chmod 1777 %s/tmp %s/var/tmp %s/dev/shm && mkdir %s/run/host && echo "
                                     "mkosi >%s/run/host/container-manager && exec $0 \"$@\"",
                                     r, r, r, r, r);
  cleanup_free char *inst = xasprintf ("--installroot=%s", r);
  in.cwd = "/home/user/image";
  golden ("mkosi-apivfs", &in,
          A ("--dev-bind", "/", "/", "--chdir", "/home/user/image", "--tmpfs", run, "--tmpfs", tmp, "--bind",
             "/var/tmp", vartmp, "--proc", proc, "--dev", dev, "--ro-bind", "/sys", sys, "--ro-bind", mid,
             mid, "--bind", passwd, "/etc/passwd", "--bind", group, "/etc/group", "--bind", "/dev/null",
             "/etc/shadow", "--bind", "/dev/null", "/etc/gshadow", "sh", "-c", sh, "dnf", inst, "install",
             "systemd"));
}

/* A mkosi-sandbox command line (seed 004) as mkosi builds one for an unprivileged user: the host's /usr,
   an overlay over the image with a throwaway upper, the caller as root, chown and sync suppressed. */
static void
mkosi_sandbox (void)
{
  golden ("mkosi-sandbox", &as_user,
          A ("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--dir", "/var/tmp", "--ro-bind", "/usr",
             "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--ro-bind-try",
             "/etc/resolv.conf", "/etc/resolv.conf", "--overlay-lowerdir", "/home/user/image/base",
             "--overlay-lowerdir", "image/packages", "--overlay-upperdir", "tmpfs", "--overlay", "/buildroot",
             "--bind", "+/buildroot/work", "/work", "--write", "mkosi\n", "/run/host/container-manager",
             "--setenv", "container", "mkosi", "--unsetenv", "LANG", "--become-root", "--suppress-chown",
             "--suppress-sync", "--unshare-ipc", "--same-dir", "--pack-fds", "--suspend", "--", "dnf",
             "install", "-y", "systemd"));
}

/* ---- one argv per option group ---- */

static void
groups (void)
{
  golden ("binds", &as_root,
          A ("--bind", "/srv/data", "/data", "--bind-try", "/nonexistent", "/maybe", "--dev-bind", "/dev",
             "/dev", "--dev-bind-try", "/dev/kvm", "/dev/kvm", "--ro-bind", "relative/dir", "/rel",
             "--ro-bind-try", "/etc/hosts", "/etc/hosts", "--bind-fd", "7", "/fd-dir", "--ro-bind-fd", "8",
             "/fd-ro", "--remount-ro", "/data", "--bind", "+etc/passwd", "/passwd", "--bind", "/a",
             "/x/../y//z/", "true"));
  golden ("filesystem", &as_user,
          A ("--tmpfs", "/tmp", "--perms", "01777", "--size", "1048576", "--tmpfs", "/var/tmp", "--size",
             "0x100000", "--perms", "0700", "--tmpfs", "/secret", "--dir", "/a/b", "--perms", "0750", "--dir",
             "/c/d", "--perms", "0", "--dir", "/zero/dir", "--chmod", "1755", "/a/b", "--symlink",
             "../target", "/link", "--file", "0", "/etc/file", "--perms", "0640", "--file", "5",
             "/etc/file640", "--bind-data", "6", "/etc/bound", "--perms", "0444", "--ro-bind-data", "9",
             "/etc/robound", "--mqueue", "/dev/mqueue", "--write", "hello", "/etc/hello", "true"));
  golden ("proc-dev", &as_user,
          A ("--unshare-pid", "--proc", "/proc", "--dev", "/dev", "--uid", "1234", "--gid", "1234", "true"));
  golden ("proc-host", &as_root, A ("--proc", "/proc", "--dev", "/dev", "true"));
  golden ("namespaces-root", &as_root,
          A ("--unshare-all", "--share-net", "--hostname", "sandbox", "--unshare-user", "--uid", "0", "--gid",
             "0", "true"));
  golden ("namespaces-try", &as_root,
          A ("--unshare-user-try", "--unshare-cgroup-try", "--unshare-uts", "true"));
  golden ("namespaces-fds", &as_user,
          A ("--userns", "11", "--userns2", "12", "--pidns", "13", "--unshare-pid", "--uid", "0", "true"));
  golden ("disable-userns", &as_user,
          A ("--unshare-user", "--disable-userns", "--assert-userns-disabled", "--unshare-net", "true"));
  golden ("process-root", &as_root,
          A ("--chdir", "/tmp", "--chdir", "/work", "--setenv", "A", "1", "--unsetenv", "TERM", "--setenv",
             "PATH", "/bin", "--argv0", "renamed", "--cap-drop", "CAP_KILL", "--cap-drop", "cap_fowner",
             "--cap-add", "CAP_KILL", "--new-session", "--die-with-parent", "--unshare-pid", "--as-pid-1",
             "--", "sh", "-c", "echo $0"));
  golden ("process-user", &as_user,
          A ("--clearenv", "--setenv", "HOME", "/home/sandbox", "--cap-add", "ALL", "--cap-drop",
             "CAP_SYS_ADMIN", "--", "--inadvisable-name--"));
  golden ("caps-drop-all", &as_root, A ("--cap-drop", "ALL", "--cap-add", "CAP_NET_BIND_SERVICE", "true"));
  golden ("control-fds", &as_user,
          A ("--lock-file", "/tmp/lock", "--lock-file", "/run/lock2", "--sync-fd", "3", "--block-fd", "4",
             "--unshare-user", "--userns-block-fd", "5", "--info-fd", "6", "--json-status-fd", "7",
             "--add-seccomp-fd", "8", "--add-seccomp-fd", "9", "true"));
  golden ("seccomp", &as_root,
          A ("--seccomp", "10", "--seccomp", "11", "--file-label", "x", "--exec-label", "y", "true"));
  golden ("overlay", &as_root,
          A ("--overlay-lowerdir", "/l1", "--overlay-lowerdir", "/l,2:x", "--overlay-upperdir", "/up",
             "--overlay-workdir", "/work", "--overlay", "/merged", "--overlay-lowerdir", "/a",
             "--overlay-lowerdir", "/b", "--overlay", "/ro", "true"));
  golden ("become-root-as-root", &as_root, A ("--become-root", "--same-dir", "true"));
}

/* ---- refusals, with bwrap's words where bwrap has them ---- */

static void
errors (void)
{
  refused (&as_root, A ("--frobnicate", "true"), "Unknown option --frobnicate");
  refused (&as_root, A ("-"), "Unknown option -");
  refused (&as_root, A ("--bind", "/a"), "--bind takes two arguments");
  refused (&as_root, A ("--ro-bind-try"), "--ro-bind-try takes two arguments");
  refused (&as_root, A ("--tmpfs"), "--tmpfs takes an argument");
  refused (&as_root, A ("--chdir"), "--chdir takes one argument");
  refused (&as_root, A ("--remount-ro"), "--remount-ro takes one argument");
  refused (&as_root, A ("--bind-fd", "3"), "--bind-fd takes two arguments");
  refused (&as_root, A ("--write", "x"), "--write takes two arguments");
  refused (&as_root, A ("--bind", "/a", "b", "true"), "--bind: destination is not an absolute path: b");
  refused (&as_root, A ("--tmpfs", "tmp", "true"), "--tmpfs: destination is not an absolute path: tmp");
  refused (&as_root, A ("--dir", "", "true"), "--dir: destination is not an absolute path: ");
  refused (&as_root, A ("--symlink", "a", "b", "true"), "--symlink: destination is not an absolute path: b");
  refused (&as_root, A ("--chmod", "0755", "x", "true"), "--chmod: path is not an absolute path: x");
  refused (&as_root, A ("--overlay", "merged", "true"),
           "--overlay: destination is not an absolute path: merged");
  refused (&as_root, A ("--file", "x", "/f", "true"), "Invalid fd: x");
  refused (&as_root, A ("--sync-fd", "-1", "true"), "Invalid fd: -1");
  refused (&as_root, A ("--userns", "", "true"), "Invalid fd: ");
  refused (&as_root, A ("--info-fd", "99999999999", "true"), "Invalid fd: 99999999999");
  refused (&as_root, A ("--uid", "abc", "true"), "Invalid uid: abc");
  refused (&as_root, A ("--gid", "-5", "true"), "Invalid gid: -5");
  refused (&as_root, A ("--uid", "1000", "true"), "Specifying --uid requires --unshare-user or --userns");
  refused (&as_root, A ("--gid", "1000", "true"), "Specifying --gid requires --unshare-user or --userns");
  refused (&as_root, A ("--hostname", "x", "true"), "Specifying --hostname requires --unshare-uts");
  refused (&as_root, A ("--as-pid-1", "true"), "Specifying --as-pid-1 requires --unshare-pid");
  refused (&as_root, A ("--unshare-pid", "--as-pid-1", "--lock-file", "/l", "true"),
           "Specifying --as-pid-1 and --lock-file is not permitted");
  refused (&as_user, A ("--userns-block-fd", "3", "--info-fd", "4", "true"),
           "--userns-block-fd requires --unshare-user");
  refused (&as_user, A ("--unshare-user", "--userns-block-fd", "3", "true"),
           "--userns-block-fd requires --info-fd");
  refused (&as_user, A ("--userns", "3", "--unshare-user", "true"), "--userns not compatible --unshare-user");
  refused (&as_user, A ("--userns", "3", "--unshare-all", "true"),
           "--userns not compatible --unshare-user-try");
  refused (&as_user, A ("--disable-userns", "true"), "--disable-userns requires --unshare-user");
  refused (&as_user,
           A ("--unshare-user", "--disable-userns", "--userns-block-fd", "3", "--info-fd", "4", "true"),
           "--disable-userns is not compatible with --userns-block-fd");
  refused (&as_root, A ("--seccomp", "3", "--add-seccomp-fd", "4", "true"),
           "--add-seccomp-fd cannot be combined with --seccomp");
  refused (&as_root, A ("--add-seccomp-fd", "4", "--seccomp", "3", "true"),
           "--seccomp cannot be combined with --add-seccomp-fd");
  refused (&as_root, A ("--perms", "0640", "--perms", "0640", "--tmpfs", "/a", "true"),
           "--perms given twice for the same action");
  refused (&as_root, A ("--perms", "8", "--dir", "/a", "true"), "--perms takes an octal argument <= 07777");
  refused (&as_root, A ("--perms", "10000", "--dir", "/a", "true"),
           "--perms takes an octal argument <= 07777");
  refused (&as_root, A ("--perms", "0700", "--bind", "/a", "/b", "true"),
           "--perms must be followed by an option that creates a file");
  refused (&as_root, A ("--perms", "0700", "--chmod", "0700", "/b", "true"),
           "--perms must be followed by an option that creates a file");
  refused (&as_root, A ("--size", "1048576", "--dir", "/a", "true"), "--size must be followed by --tmpfs");
  refused (&as_root, A ("--size", "1048576", "--size", "1048576", "--tmpfs", "/a", "true"),
           "--size given twice for the same action");
  refused (&as_root, A ("--size", "0", "--tmpfs", "/a", "true"), "--size takes a non-zero number of bytes");
  refused (&as_root, A ("--size", "123bogus", "--tmpfs", "/a", "true"),
           "--size takes a non-zero number of bytes");
  refused (&as_root, A ("--size", "", "--tmpfs", "/a", "true"), "--size takes a non-zero number of bytes");
  refused (&as_root, A ("--size", "-12345678", "--tmpfs", "/a", "true"),
           "--size takes a non-zero number of bytes");
  refused (&as_root, A ("--size", " -12345678", "--tmpfs", "/a", "true"),
           "--size takes a non-zero number of bytes");
  refused (&as_root, A ("--size", "18446744073709551616", "--tmpfs", "/a", "true"),
           "--size takes a non-zero number of bytes");
  refused (&as_root, A ("--size", "9223372036854775809", "--tmpfs", "/a", "true"),
           "--size (for tmpfs) is limited to 9223372036854775807");
  refused (&as_root, A ("--chmod", "9", "/a", "true"), "--chmod takes an octal argument <= 07777");
  refused (&as_root, A ("--cap-add", "CAP_FROB", "true"), "unknown cap: CAP_FROB");
  refused (&as_root, A ("--cap-drop", "", "true"), "unknown cap: ");
  refused (&as_root, A ("--setenv", "A=B", "x", "true"), "--setenv: invalid variable name: A=B");
  refused (&as_root, A ("--unsetenv", "", "true"), "--unsetenv: invalid variable name: ");
  refused (&as_root, A ("--args", "3", "true"), "--args not supported in arguments file");
  refused (&as_root, A ("--overlay", "/m", "true"), "--overlay: no --overlay-lowerdir given");
  refused (&as_root, A ("--overlay-lowerdir", "/l", "--overlay-upperdir", "/u", "--overlay", "/m", "true"),
           "--overlay: --overlay-upperdir needs --overlay-workdir");
  refused (&as_root, A ("--overlay-lowerdir", "/l", "--overlay-workdir", "/w", "--overlay", "/m", "true"),
           "--overlay: --overlay-workdir needs --overlay-upperdir");
  refused (&as_root, A ("--overlay-lowerdir", "/l", "true"),
           "--overlay-lowerdir must be followed by --overlay");
  refused (&as_root, A ("--overlay-upperdir", "tmpfs", "true"),
           "--overlay-upperdir must be followed by --overlay");
  refused (&as_user, A ("--become-root", "--userns", "3", "true"),
           "--become-root is not compatible with --userns");
  refused (&as_user, A ("--become-root", "--uid", "5", "true"), "--become-root is not compatible with --uid");
  {
    struct cell_sandbox_input nocwd = as_root;
    nocwd.cwd = NULL;
    refused (&nocwd, A ("--same-dir", "true"), "--same-dir: the current directory is unknown");
  }
  {
    char **many = xcalloc (CELL_SANDBOX_MAX_ARGS + 2, sizeof (char *));
    for (int i = 0; i < CELL_SANDBOX_MAX_ARGS + 1; i++)
      many[i] = (char *)"--unshare-ipc";
    refused (&as_root, many, "Exceeded maximum number of arguments 9000");
    free (many);
  }
}

/* ---- actions, warnings and the --args finder ---- */

static void
misc (void)
{
  struct cell_error *err = NULL;
  enum cell_sandbox_action action;
  struct cell_plan *plan = NULL;
  char **warnings = NULL;

  action_is (A ("--help"), CELL_SANDBOX_HELP, "--help asks for the usage");
  action_is (A ("--bind", "/", "/", "-h", "--frobnicate"), CELL_SANDBOX_HELP,
             "-h stops the parse like --help (nothing after it is read)");
  action_is (A ("--version"), CELL_SANDBOX_VERSION, "--version");
  action_is (A ("--bind", "/", "/"), CELL_SANDBOX_NO_COMMAND, "no command: the usage on stderr");
  action_is (A ("--bind", "/", "/", "--"), CELL_SANDBOX_NO_COMMAND, "nothing after --: no command");
  action_is (A ("--perms", "0700", "--", "true"), CELL_SANDBOX_RUN,
             "a --perms before -- is dropped, as bwrap does");

  cell_sandbox_compile (5, A ("--chdir", "/a", "--chdir", "/b", "true"), &as_root, &action, &plan, &warnings,
                        &err);
  tap_is_str (warnings ? warnings[0] : NULL, "Only the last --chdir option will take effect",
              "a repeated --chdir warns as bwrap does");
  tap_is_str (plan ? plan->process.cwd : NULL, "/b", "and the last --chdir wins");
  cell_strv_free (warnings);
  cell_plan_free (plan);

  tap_ok (cell_sandbox_find_args (4, A ("--bind", "/", "/", "--args"), 0) == 3,
          "--args found where an option goes");
  tap_ok (cell_sandbox_find_args (5, A ("--setenv", "X", "--args", "--args", "3"), 0) == 3,
          "--args as an option's argument is not an --args");
  tap_ok (cell_sandbox_find_args (4, A ("--", "--args", "3", "x"), 0) == -1,
          "--args after -- is the command");
  tap_ok (cell_sandbox_find_args (4, A ("cmd", "--args", "3", "x"), 0) == -1,
          "--args after the command is an arg");
  tap_ok (cell_sandbox_find_args (4, A ("--args", "3", "--args", "4"), 1) == 2,
          "the next --args from a position");
  tap_ok (cell_sandbox_find_args (3, A ("--help", "--args", "3"), 0) == -1, "nothing is read after --help");
}

int
main (void)
{
  srcdir = getenv ("CELL_SRCDIR") ? getenv ("CELL_SRCDIR") : ".";
  osbuild ();
  mkosi_script ();
  mkosi_apivfs ();
  mkosi_sandbox ();
  groups ();
  errors ();
  misc ();
  return tap_done ();
}

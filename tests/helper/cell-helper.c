/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cell-helper.c: static probe run inside test containers; prints what the process sees as key=value lines. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/keyctl.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>
#include "helper.h"

extern char **environ;

/* An int with its symbolic name; N(EROFS) gives { EROFS, "EROFS" }. */
struct named
{
  int num;
  const char *name;
};
// clang-format off
#define N(x) { x, #x }
// clang-format on
#define LEN(a) (sizeof (a) / sizeof (a)[0])

/* Symbolic names so tests can match `open=EROFS` instead of numbers that differ across arches. */
static const struct named errno_names[]
    = { N (EPERM),      N (ENOENT),       N (ESRCH),           N (EINTR),  N (EIO),    N (ENXIO),
        N (E2BIG),      N (ENOEXEC),      N (EBADF),           N (ECHILD), N (EAGAIN), N (ENOMEM),
        N (EACCES),     N (EFAULT),       N (EBUSY),           N (EEXIST), N (EXDEV),  N (ENODEV),
        N (ENOTDIR),    N (EISDIR),       N (EINVAL),          N (ENFILE), N (EMFILE), N (ENOTTY),
        N (ETXTBSY),    N (EFBIG),        N (ENOSPC),          N (ESPIPE), N (EROFS),  N (EMLINK),
        N (EPIPE),      N (ERANGE),       N (ENAMETOOLONG),    N (ENOSYS), N (ELOOP),  N (ENOTEMPTY),
        N (EOPNOTSUPP), N (EAFNOSUPPORT), N (EPROTONOSUPPORT), N (EDQUOT), N (ESTALE) };

const char *
errname (int e)
{
  static char buf[16];
  for (size_t i = 0; i < LEN (errno_names); i++)
    if (errno_names[i].num == e)
      return errno_names[i].name;
  snprintf (buf, sizeof buf, "%d", e);
  return buf;
}

int
errno_from_name (const char *name)
{
  char *end;
  long v;
  for (size_t i = 0; i < LEN (errno_names); i++)
    if (strcmp (name, errno_names[i].name) == 0)
      return errno_names[i].num;
  v = strtol (name, &end, 10);
  return *name && *end == '\0' && v >= 0 && v <= 4095 ? (int)v : -1;
}

void
report (const char *key, int rc)
{
  if (rc < 0)
    printf ("%s=%s\n", key, errname (errno));
  else
    printf ("%s=ok\n", key);
  fflush (stdout);
}

int
fail (const char *what)
{
  fprintf (stderr, "cell-helper: %s: %s\n", what, strerror (errno));
  return 1;
}

/* Reads a whole (proc) file; returns a malloc'd NUL-terminated buffer or NULL with errno set.
   getdelim on NUL reads to EOF since the proc files read here hold no NUL bytes. */
static char *
slurp (const char *path, size_t *len_out)
{
  FILE *f = fopen (path, "re");
  char *buf = NULL;
  size_t cap = 0;
  if (f == NULL)
    return NULL;
  ssize_t len = getdelim (&buf, &cap, '\0', f);
  fclose (f);
  if (len < 0)
    len = 0;
  if (buf == NULL)
    buf = calloc (1, 1);
  if (len_out)
    *len_out = (size_t)len;
  return buf;
}

/* Finds `NAME:` in /proc/self/status; returns the whole line (without newline) in a static buffer. */
static char *
status_line (const char *name)
{
  static char line[1024];
  FILE *f = fopen ("/proc/self/status", "re");
  size_t nlen = strlen (name);
  char *found = NULL;
  while (f && !found && fgets (line, sizeof line, f))
    if (strncmp (line, name, nlen) == 0 && line[nlen] == ':')
      found = line;
  if (f)
    fclose (f);
  if (found)
    found[strcspn (found, "\n")] = '\0';
  return found;
}

/* The value part of a status line with tabs turned into commas ("0\t0\t0\t0" -> "0,0,0,0"). */
static const char *
status_value (const char *name)
{
  char *v = status_line (name);
  if (v == NULL)
    return NULL;
  v += strlen (name) + 1;
  v += strspn (v, " \t");
  for (char *p = v; *p; p++)
    if (*p == '\t' || *p == ' ')
      *p = ',';
  return v;
}

static int
cmp_ulong (const void *a, const void *b)
{
  unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
  return x < y ? -1 : x > y;
}

static int
cmd_ids (void)
{
  uid_t ru, eu, su;
  gid_t rg, eg, sg;
  const char *v;
  if ((v = status_value ("Uid")))
    printf ("uid=%s\n", v);
  else if (getresuid (&ru, &eu, &su) == 0)
    printf ("uid=%u,%u,%u,%u\n", ru, eu, su, eu);
  if ((v = status_value ("Gid")))
    printf ("gid=%s\n", v);
  else if (getresgid (&rg, &eg, &sg) == 0)
    printf ("gid=%u,%u,%u,%u\n", rg, eg, sg, eg);
  static gid_t gs[NGROUPS_MAX];
  static unsigned long sorted[NGROUPS_MAX];
  int n = getgroups (NGROUPS_MAX, gs);
  if (n < 0)
    return fail ("getgroups");
  for (int i = 0; i < n; i++)
    sorted[i] = gs[i];
  qsort (sorted, (size_t)n, sizeof *sorted, cmp_ulong);
  printf ("groups=");
  for (int i = 0; i < n; i++)
    printf ("%s%lu", i ? "," : "", sorted[i]);
  printf ("\n");
  return 0;
}

static int
cmd_caps (void)
{
  static const char *const names[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };
  for (size_t i = 0; i < LEN (names); i++)
    {
      const char *v = status_value (names[i]);
      printf ("%s=%s\n", names[i], v ? v : "none");
    }
  const char *v = status_value ("NoNewPrivs");
  if (v)
    printf ("NoNewPrivs=%s\n", v);
  else
    printf ("NoNewPrivs=%d\n", prctl (PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  return 0;
}

static int
cmd_status (int argc, char **argv)
{
  int rc = 0;
  for (int i = 0; i < argc; i++)
    {
      const char *l = status_line (argv[i]);
      if (l)
        printf ("%s\n", l);
      else
        {
          fprintf (stderr, "cell-helper: no status field `%s`\n", argv[i]);
          rc = 1;
        }
    }
  return rc;
}

static int
cat_file (const char *path)
{
  size_t len;
  char *buf = slurp (path, &len);
  if (buf == NULL)
    return fail (path);
  fwrite (buf, 1, len, stdout);
  free (buf);
  return 0;
}

static void
print_rlim (rlim_t v, const char *sep)
{
  if (v == RLIM_INFINITY)
    printf ("unlimited%s", sep);
  else
    printf ("%llu%s", (unsigned long long)v, sep);
}

static int
cmd_rlimits (void)
{
  static const struct named lims[]
      = { N (RLIMIT_AS),     N (RLIMIT_CORE),   N (RLIMIT_CPU),        N (RLIMIT_DATA),
          N (RLIMIT_FSIZE),  N (RLIMIT_LOCKS),  N (RLIMIT_MEMLOCK),    N (RLIMIT_MSGQUEUE),
          N (RLIMIT_NICE),   N (RLIMIT_NOFILE), N (RLIMIT_NPROC),      N (RLIMIT_RSS),
          N (RLIMIT_RTPRIO), N (RLIMIT_RTTIME), N (RLIMIT_SIGPENDING), N (RLIMIT_STACK) };
  for (size_t i = 0; i < LEN (lims); i++)
    {
      struct rlimit rl;
      if (getrlimit ((__rlimit_resource_t)lims[i].num, &rl) < 0)
        {
          printf ("%s=%s\n", lims[i].name, errname (errno));
          continue;
        }
      printf ("%s=", lims[i].name);
      print_rlim (rl.rlim_cur, ",");
      print_rlim (rl.rlim_max, "\n");
    }
  return 0;
}

static int
cmd_cwd (void)
{
  char buf[PATH_MAX];
  if (getcwd (buf, sizeof buf) == NULL)
    {
      printf ("cwd=%s\n", errname (errno));
      return 1;
    }
  printf ("cwd=%s\n", buf);
  return 0;
}

static int
cmd_hostname (void)
{
  struct utsname u;
  if (uname (&u) < 0)
    return fail ("uname");
  printf ("hostname=%s\ndomainname=%s\n", u.nodename, u.domainname);
  return 0;
}

/* The session keyring: "keyring=ID PERM NAME" (its serial, permission mask and name), from KEYCTL_DESCRIBE.
 */
static int
cmd_keyring (void)
{
  char desc[512];
  unsigned uid, gid, perm;
  int name = 0;
  long id = syscall (SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0, 0, 0);
  if (id < 0)
    return fail ("keyctl get session keyring");
  memset (desc, 0, sizeof (desc));
  if (syscall (SYS_keyctl, KEYCTL_DESCRIBE, id, desc, sizeof (desc) - 1, 0) < 0)
    return fail ("keyctl describe");
  /* "keyring;UID;GID;PERM;NAME" */
  if (sscanf (desc, "keyring;%u;%u;%x;%n", &uid, &gid, &perm, &name) != 3 || name == 0)
    return fail ("keyctl describe: unexpected description");
  printf ("keyring=%ld %08x %s\n", id, perm, desc + name);
  return 0;
}

static int
cmd_fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  if (d == NULL)
    return fail ("/proc/self/fd");
  unsigned long fds[1024];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir (d)) != NULL && n < LEN (fds))
    {
      if (e->d_name[0] == '.')
        continue;
      unsigned long fd = strtoul (e->d_name, NULL, 10);
      if ((int)fd != dirfd (d))
        fds[n++] = fd;
    }
  qsort (fds, n, sizeof fds[0], cmp_ulong);
  for (size_t i = 0; i < n; i++)
    {
      char name[32], target[PATH_MAX];
      snprintf (name, sizeof name, "%lu", fds[i]);
      ssize_t len = readlinkat (dirfd (d), name, target, sizeof target - 1);
      if (len < 0)
        snprintf (target, sizeof target, "?%s", errname (errno));
      else
        target[len] = '\0';
      printf ("fd=%lu -> %s\n", fds[i], target);
    }
  closedir (d);
  return 0;
}

static int
cmd_tty (void)
{
  for (int fd = 0; fd <= 2; fd++)
    printf ("isatty%d=%d\n", fd, isatty (fd) ? 1 : 0);
  for (int fd = 0; fd <= 2; fd++)
    {
      const char *name = ttyname (fd);
      printf ("ttyname%d=%s\n", fd, name ? name : "none");
    }
  struct winsize ws;
  if (ioctl (0, TIOCGWINSZ, &ws) == 0)
    printf ("rows=%u\ncols=%u\n", ws.ws_row, ws.ws_col);
  else
    printf ("winsize=none\n");
  /* /dev/tty opens only when the process has a controlling terminal (ENXIO otherwise). */
  int fd = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  printf ("ctty=%d\n", fd >= 0 ? 1 : 0);
  if (fd >= 0)
    close (fd);
  return 0;
}

static int
cmd_umask (void)
{
  const char *v = status_value ("Umask");
  if (v)
    {
      printf ("umask=%04lo\n", strtoul (v, NULL, 8));
      return 0;
    }
  /* Umask: in status needs Linux 4.7; otherwise read it the racy way (single-threaded here). */
  mode_t m = umask (0);
  umask (m);
  printf ("umask=%04o\n", (unsigned)m);
  return 0;
}

static int
cmd_oom (void)
{
  char *buf = slurp ("/proc/self/oom_score_adj", NULL);
  if (buf == NULL)
    return fail ("/proc/self/oom_score_adj");
  printf ("oom_score_adj=%ld\n", strtol (buf, NULL, 10));
  free (buf);
  return 0;
}

/* The scheduling the process runs with: policy and its flags, nice, real-time priority, I/O priority
   (class:level), memory policy (mode with its flags, and the node mask), and the cpus it may run on. */
static int
cmd_sched (void)
{
  struct sched_param sp = { 0 };
  int policy = sched_getscheduler (0);
  int io = (int)syscall (SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
  int mode = -1;
  unsigned long nodes[16] = { 0 };
  const char *cpus;

  sched_getparam (0, &sp);
  errno = 0;
  int nice = getpriority (PRIO_PROCESS, 0);
  printf ("policy=%d\nreset_on_fork=%d\nnice=%d\nrtprio=%d\n", policy & ~SCHED_RESET_ON_FORK,
          (policy & SCHED_RESET_ON_FORK) != 0, nice, sp.sched_priority);
  printf ("ioprio=%d:%d\n", io < 0 ? -1 : io >> 13, io < 0 ? -1 : io & 0xff);
  if (syscall (SYS_get_mempolicy, &mode, nodes, 8 * sizeof (nodes), NULL, 0UL) < 0)
    printf ("mempolicy=%s\n", errname (errno));
  else
    printf ("mempolicy=%d\nmempolicy_flags=0x%x\nmempolicy_nodes=0x%lx\n", mode & 0xff, mode & ~0xff,
            nodes[0]);
  cpus = status_value ("Cpus_allowed_list");
  printf ("cpus=%s\n", cpus ? cpus : "?");
  return 0;
}

/* CLOCK_MONOTONIC and CLOCK_BOOTTIME in whole seconds (a time namespace offsets them). */
static int
cmd_clocks (void)
{
  struct timespec m, b;
  clock_gettime (CLOCK_MONOTONIC, &m);
  clock_gettime (CLOCK_BOOTTIME, &b);
  printf ("monotonic=%lld\nboottime=%lld\n", (long long)m.tv_sec, (long long)b.tv_sec);
  return 0;
}

static int
cmd_env (void)
{
  for (char **e = environ; e && *e; e++)
    printf ("%s\n", *e);
  return 0;
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

static int
cmd_ns (void)
{
  DIR *d = opendir ("/proc/self/ns");
  if (d == NULL)
    return fail ("/proc/self/ns");
  char *names[64];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir (d)) != NULL && n < LEN (names))
    if (e->d_name[0] != '.')
      names[n++] = strdup (e->d_name);
  qsort (names, n, sizeof names[0], cmp_str);
  for (size_t i = 0; i < n; i++)
    {
      char target[256];
      ssize_t len = readlinkat (dirfd (d), names[i], target, sizeof target - 1);
      const char *ino = NULL;
      if (len >= 0)
        {
          target[len] = '\0';
          char *lb = strchr (target, '[');
          char *rb = strrchr (target, ']');
          if (lb && rb)
            {
              *rb = '\0';
              ino = lb + 1;
            }
        }
      printf ("%s=%s\n", names[i], ino ? ino : errname (errno));
      free (names[i]);
    }
  closedir (d);
  return 0;
}

static int
cmd_sysctl (int argc, char **argv)
{
  int rc = 0;
  for (int i = 0; i < argc; i++)
    {
      char path[PATH_MAX];
      snprintf (path, sizeof path, "/proc/sys/%s", argv[i]);
      /* Dotted names (net.ipv4.ip_forward) map to slashes; a name with a slash is taken as a path. */
      if (strchr (argv[i], '/') == NULL)
        for (char *p = path + strlen ("/proc/sys/"); *p; p++)
          if (*p == '.')
            *p = '/';
      char *buf = slurp (path, NULL);
      if (buf == NULL)
        {
          rc = fail (path);
          continue;
        }
      size_t len = strlen (buf);
      while (len > 0 && buf[len - 1] == '\n')
        buf[--len] = '\0';
      printf ("%s=%s\n", argv[i], buf);
      free (buf);
    }
  return rc;
}

static int
cmd_open (int argc, char **argv)
{
  const char *path = argv[0], *mode = argv[1];
  (void)argc;
  int flags;
  if (strcmp (mode, "r") == 0)
    flags = O_RDONLY;
  else if (strcmp (mode, "w") == 0)
    flags = O_WRONLY;
  else if (strcmp (mode, "rw") == 0)
    flags = O_RDWR;
  else
    {
      fprintf (stderr, "cell-helper: open: mode must be r, w or rw\n");
      return 2;
    }
  int fd = open (path, flags | O_CLOEXEC | O_NOCTTY);
  report ("open", fd);
  if (fd >= 0)
    close (fd);
  return 0;
}

static int
cmd_write (int argc, char **argv)
{
  const char *path = argv[0], *text = argv[1];
  (void)argc;
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
  if (fd < 0)
    {
      report ("write", -1);
      return 0;
    }
  size_t len = strlen (text);
  ssize_t n = write (fd, text, len);
  if (n >= 0 && (size_t)n != len)
    errno = EIO;
  if (n >= 0 && (size_t)n == len && close (fd) == 0)
    report ("write", 0);
  else
    report ("write", -1);
  return 0;
}

static int
cmd_stat (int argc, char **argv)
{
  const char *path = argv[0];
  (void)argc;
  struct stat st;
  if (lstat (path, &st) < 0)
    {
      printf ("stat=%s\n", errname (errno));
      return 1;
    }
  static const struct named types[]
      = { { S_IFCHR, "c" }, { S_IFBLK, "b" }, { S_IFDIR, "d" }, { S_IFREG, "f" },
          { S_IFLNK, "l" }, { S_IFIFO, "p" }, { S_IFSOCK, "s" } };
  const char *t = "?";
  for (size_t i = 0; i < LEN (types); i++)
    if ((st.st_mode & S_IFMT) == (mode_t)types[i].num)
      t = types[i].name;
  printf ("type=%s\nmode=%04o\nuid=%u\ngid=%u\nmajor=%u\nminor=%u\n", t, (unsigned)(st.st_mode & 07777),
          (unsigned)st.st_uid, (unsigned)st.st_gid, major (st.st_rdev), minor (st.st_rdev));
  return 0;
}

/* Sets an extended attribute on PATH itself (not a symlink's target), creating or replacing it. */
static int
cmd_xattr_set (int argc, char **argv)
{
  const char *path = argv[0], *name = argv[1], *value = argv[2];
  (void)argc;
  report ("xattr-set", lsetxattr (path, name, value, strlen (value), 0));
  return 0;
}

/* Every extended attribute of PATH itself (not a symlink's target) as `xattr=NAME=VALUE` lines, sorted;
   `xattrs=none` when it has none. */
static int
cmd_xattrs (int argc, char **argv)
{
  const char *path = argv[0];
  char list[4096], *names[64];
  size_t n = 0;
  (void)argc;
  ssize_t len = llistxattr (path, list, sizeof list);
  if (len < 0)
    {
      printf ("xattrs=%s\n", errname (errno));
      return 1;
    }
  for (ssize_t off = 0; off < len && n < LEN (names); off += (ssize_t)strlen (list + off) + 1)
    names[n++] = list + off;
  qsort (names, n, sizeof names[0], cmp_str);
  if (n == 0)
    printf ("xattrs=none\n");
  for (size_t i = 0; i < n; i++)
    {
      char val[1024];
      ssize_t v = lgetxattr (path, names[i], val, sizeof val - 1);
      if (v < 0)
        printf ("xattr=%s=%s\n", names[i], errname (errno));
      else
        printf ("xattr=%s=%.*s\n", names[i], (int)v, val);
    }
  return 0;
}

/* trap-term FILE: a program that handles SIGTERM from its first instruction on (the handler is installed
   before anything else in main); on SIGTERM it writes "term" to FILE and exits 0. Otherwise it waits. */
static const char *trap_term_file;

static void
on_term (int sig)
{
  int fd = open (trap_term_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  (void)sig;
  if (fd >= 0)
    {
      ssize_t r = write (fd, "term\n", 5);
      (void)r;
      close (fd);
    }
  _exit (0);
}

static int
trap_term_install (const char *file)
{
  struct sigaction sa = { .sa_handler = on_term };
  sigset_t none;
  trap_term_file = file;
  sigfillset (&sa.sa_mask);
  if (sigaction (SIGTERM, &sa, NULL) < 0)
    return -1;
  sigemptyset (&none);
  return sigprocmask (SIG_SETMASK, &none, NULL);
}

static int
cmd_trap_term (int argc, char **argv)
{
  (void)argc;
  (void)argv;
  for (;;)
    pause ();
  return 0;
}

static int
cmd_sleep (int argc, char **argv)
{
  double s = strtod (argv[0], NULL);
  (void)argc;
  struct timespec ts = { .tv_sec = (time_t)s, .tv_nsec = (long)((s - (double)(time_t)s) * 1e9) };
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
  return 0;
}

static int usage (const char *why);

/* fail-ioctl REQUEST ERRNO CMD...: runs CMD with every ioctl(_, REQUEST) failing with ERRNO (a seccomp
   filter, inherited by CMD's children): a kernel without that ioctl, on this one. */
static int
cmd_fail_ioctl (int argc, char **argv)
{
#if defined(__x86_64__)
  const unsigned arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
  const unsigned arch = AUDIT_ARCH_AARCH64;
#else
  const unsigned arch = 0;
#endif
  unsigned req = (unsigned)strtoul (argv[0], NULL, 0);
  int e = 0;

  for (size_t i = 0; i < LEN (errno_names); i++)
    if (strcmp (argv[1], errno_names[i].name) == 0)
      e = errno_names[i].num;
  if (e == 0 || arch == 0 || argc < 3)
    return usage ("fail-ioctl REQUEST ERRNO-NAME CMD...");
  struct sock_filter f[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, arch, 0, 5),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 0, 3),
    /* the request's low 32 bits (little endian): all of it */
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, args[1])),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, req, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)e),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { .len = LEN (f), .filter = f };
  if (prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
    {
      perror ("cell-helper: seccomp");
      return 1;
    }
  execvp (argv[2], argv + 2);
  perror ("cell-helper: exec");
  return 127;
}

static int
cmd_kill_self (int argc, char **argv)
{
  int sig = atoi (argv[0]);
  (void)argc;
  sigset_t set;
  /* Make sure the signal takes its default action even if the runtime left it ignored or blocked. */
  signal (sig, SIG_DFL);
  sigemptyset (&set);
  sigaddset (&set, sig);
  sigprocmask (SIG_UNBLOCK, &set, NULL);
  if (raise (sig) != 0)
    return fail ("raise");
  printf ("alive=1\n");
  return 1;
}

static const struct named handled_signals[]
    = { N (SIGTERM), N (SIGUSR1), N (SIGUSR2), N (SIGHUP), N (SIGINT) };

/* Only async-signal-safe calls here: strlen and write(2), then _exit on SIGTERM. */
static void
on_signal (int sig)
{
  for (size_t i = 0; i < LEN (handled_signals); i++)
    if (handled_signals[i].num == sig)
      {
        ssize_t r = write (1, "got=", 4);
        r = write (1, handled_signals[i].name, strlen (handled_signals[i].name));
        r = write (1, "\n", 1);
        (void)r;
      }
  if (sig == SIGTERM)
    _exit (0);
}

static int
cmd_signals (void)
{
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  for (size_t i = 0; i < LEN (handled_signals); i++)
    {
      struct sigaction sa = { .sa_handler = on_signal };
      /* Block the others while one handler writes so `got=` lines never interleave. */
      sigfillset (&sa.sa_mask);
      if (sigaction (handled_signals[i].num, &sa, NULL) < 0)
        return fail ("sigaction");
    }
  printf ("ready\n");
  fflush (stdout);
  for (;;)
    pause ();
}

static int
cmd_seccomp_try (void)
{
  char buf[PATH_MAX];
  struct utsname u;
  /* Raw syscalls so a profile that names e.g. `mkdir` but not `mkdirat` is observable as such;
     flush after each so output survives SCMP_ACT_KILL. */
  report ("getcwd", syscall (SYS_getcwd, buf, sizeof buf) < 0 ? -1 : 0);
  report ("uname", (int)syscall (SYS_uname, &u));
  report ("getpid", (int)syscall (SYS_getpid) < 0 ? -1 : 0);
#ifdef SYS_mkdir
  report ("mkdir", (int)syscall (SYS_mkdir, "/tmp/cell-helper-x", 0700));
  rmdir ("/tmp/cell-helper-x");
#endif
  report ("mkdirat", (int)syscall (SYS_mkdirat, AT_FDCWD, "/tmp/cell-helper-y", 0700));
  rmdir ("/tmp/cell-helper-y");
  int fd = (int)syscall (SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  report ("socket", fd);
  if (fd >= 0)
    close (fd);
  report ("unshare", (int)syscall (SYS_unshare, 0));
  return 0;
}

static int
usage (const char *why)
{
  fprintf (
      stderr,
      "cell-helper: %s\nusage: cell-helper ids|caps|status FIELD...|mountinfo|rlimits|cwd|hostname|fds|tty|"
      "umask|oom|env|sched|clocks|ns|pid|sysctl PATH...|open PATH r|w|rw|write PATH TEXT|mknod PATH|stat "
      "PATH|xattr-set PATH NAME VALUE|xattrs PATH|trap-term FILE|sleep SECS|fail-ioctl REQ ERRNO CMD...|"
      "exit N|kill-self "
      "SIG|signals|seccomp-try|syscalls [ABI/]NAME[:ARG...]...|seccomp-agent SOCKET STATEFILE "
      "[NAME=ERRNO|NAME=VALUE...]|seccomp-bpf NAME=ERRNO...|fail-syscall NAME ARG MASK ERRNO CMD...|all\n",
      why);
  return 2;
}

static int
cmd_mountinfo (void)
{
  return cat_file ("/proc/self/mountinfo");
}

static int
cmd_pid (void)
{
  printf ("pid=%d\nppid=%d\n", (int)getpid (), (int)getppid ());
  return 0;
}

static int
cmd_mknod (int argc, char **argv)
{
  (void)argc;
  report ("mknod", mknod (argv[0], S_IFCHR | 0666, makedev (1, 3)));
  return 0;
}

static int
cmd_exit (int argc, char **argv)
{
  (void)argc;
  fflush (stdout);
  exit (atoi (argv[0]));
}

/* Sequenced explicitly: the output order is part of the interface. */
static int
cmd_all (void)
{
  int (*const parts[]) (void)
      = { cmd_ids, cmd_caps, cmd_cwd, cmd_hostname, cmd_umask, cmd_oom, cmd_rlimits, cmd_fds };
  int rc = 0;
  for (size_t i = 0; i < LEN (parts); i++)
    rc |= parts[i]();
  return rc;
}

/* One subcommand per invocation: either fn0 (no arguments) or fnv with at least min_args arguments. */
static const struct
{
  const char *name;
  int (*fn0) (void);
  int (*fnv) (int argc, char **argv);
  int min_args;
} commands[] = { { "ids", cmd_ids, NULL, 0 },
                 { "caps", cmd_caps, NULL, 0 },
                 { "status", NULL, cmd_status, 1 },
                 { "mountinfo", cmd_mountinfo, NULL, 0 },
                 { "rlimits", cmd_rlimits, NULL, 0 },
                 { "cwd", cmd_cwd, NULL, 0 },
                 { "hostname", cmd_hostname, NULL, 0 },
                 { "keyring", cmd_keyring, NULL, 0 },
                 { "fds", cmd_fds, NULL, 0 },
                 { "tty", cmd_tty, NULL, 0 },
                 { "umask", cmd_umask, NULL, 0 },
                 { "oom", cmd_oom, NULL, 0 },
                 { "env", cmd_env, NULL, 0 },
                 { "sched", cmd_sched, NULL, 0 },
                 { "clocks", cmd_clocks, NULL, 0 },
                 { "ns", cmd_ns, NULL, 0 },
                 { "pid", cmd_pid, NULL, 0 },
                 { "sysctl", NULL, cmd_sysctl, 1 },
                 { "open", NULL, cmd_open, 2 },
                 { "write", NULL, cmd_write, 2 },
                 { "mknod", NULL, cmd_mknod, 1 },
                 { "stat", NULL, cmd_stat, 1 },
                 { "xattr-set", NULL, cmd_xattr_set, 3 },
                 { "xattrs", NULL, cmd_xattrs, 1 },
                 { "trap-term", NULL, cmd_trap_term, 1 },
                 { "sleep", NULL, cmd_sleep, 1 },
                 { "fail-ioctl", NULL, cmd_fail_ioctl, 3 },
                 { "exit", NULL, cmd_exit, 1 },
                 { "kill-self", NULL, cmd_kill_self, 1 },
                 { "signals", cmd_signals, NULL, 0 },
                 { "seccomp-try", cmd_seccomp_try, NULL, 0 },
                 { "syscalls", NULL, cmd_syscalls, 1 },
                 { "seccomp-agent", NULL, cmd_seccomp_agent, 2 },
                 { "seccomp-bpf", NULL, cmd_seccomp_bpf, 1 },
                 { "fail-syscall", NULL, cmd_fail_syscall, 5 },
                 { "all", cmd_all, NULL, 0 } };

int
main (int argc, char **argv)
{
  /* before anything else: a SIGTERM sent the moment the program runs must find its handler */
  if (argc >= 3 && strcmp (argv[1], "trap-term") == 0 && trap_term_install (argv[2]) < 0)
    return fail ("sigaction");
  if (argc < 2)
    return usage ("no subcommand");
  for (size_t i = 0; i < LEN (commands); i++)
    {
      if (strcmp (argv[1], commands[i].name) != 0)
        continue;
      if (argc - 2 < commands[i].min_args)
        return usage ("missing argument");
      int rc = commands[i].fn0 ? commands[i].fn0 () : commands[i].fnv (argc - 2, argv + 2);
      fflush (stdout);
      return rc;
    }
  fprintf (stderr, "cell-helper: unknown subcommand `%s`\n", argv[1]);
  return 2;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* state.c: the per-container state directory: atomic creation, locking, state.json, derived status. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include "log.h"
#include "fd-util.h"
#include "json.h"
#include "state.h"
#include "xalloc.h"

static const char *const status_names[] = { "creating", "created", "running", "paused", "stopped" };

const char *
cell_status_name (enum cell_status s)
{
  return status_names[s];
}

int
cell_state_validate_id (const char *id, struct cell_error **err)
{
  size_t len = strlen (id);

  if (len == 0)
    return cell_err (err, 0, "empty container ID");
  if (len > 128)
    return cell_err (err, 0, "container ID `%.32s...` is longer than 128 bytes", id);
  for (size_t i = 0; i < len; i++)
    {
      char c = id[i];
      bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (alnum || (i > 0 && (c == '_' || c == '.' || c == '+' || c == '-')))
        continue;
      if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
        return cell_err (err, 0, "invalid character 0x%02x in the container ID", (unsigned char)c);
      return cell_err (err, 0, "invalid character `%c` in the container ID `%s`", c, id);
    }
  return 0;
}

char *
cell_state_default_root (void)
{
  const char *xdg = getenv ("XDG_RUNTIME_DIR");
  if (geteuid () == 0 || xdg == NULL || *xdg == '\0')
    return xstrdup ("/run/cell");
  return xasprintf ("%s/cell", xdg);
}

int
cell_state_root_open (const char *root, int *root_dfd, struct cell_error **err)
{
  int fd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    {
      /* mkdir -p: --root may name a nested path (containerd: <root>/<namespace>). */
      cleanup_free char *p = xstrdup (root);
      for (char *s = p + 1; *s; s++)
        if (*s == '/')
          {
            *s = '\0';
            if (mkdir (p, 0700) < 0 && errno != EEXIST)
              return cell_err_errno (err, "mkdir `%s`", p);
            *s = '/';
          }
      if (mkdir (p, 0700) < 0 && errno != EEXIST)
        return cell_err_errno (err, "mkdir `%s`", p);
      fd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
  if (fd < 0)
    return cell_err_errno (err, "open state root `%s`", root);
  *root_dfd = fd;
  return 0;
}

static int
lock_dir (int dfd, bool exclusive, const char *id, struct cell_error **err)
{
  if (flock (dfd, exclusive ? LOCK_EX : LOCK_SH) < 0)
    return cell_err_errno (err, "lock state of container `%s`", id);
  return 0;
}

/* State dirs a removal keeps for the next create (names no container ID can have: IDs start with an
   alphanumeric): a rename in and out of the root costs a directory entry, where a fresh mkdir and its
   rmdir allocate and free the directory's block and inode (0.1-0.3 ms on ext4 measured; nothing on tmpfs).
   A spare keeps its config.json and state.json too, which the next create writes over in place before it
   names the directory: on ext4 without a journal every inode allocation skips the inodes freed in the last
   seconds, one lookup each, and a busy host frees thousands. A spare may be recycled while another process
   still holds the old container's fd: cell_state_dir_open checks that the directory it locked is still the
   one named by the ID, and a reader without the lock finds another ID in state.json (or, mid-write, no
   state), checks the name, and finds the container gone (cell_state_dir_still_named). Spares are parked as
   .keep0 and .keep1; a create also takes the empty .spare0 and .spare1 that earlier versions park (which
   would refuse a spare with files in it: they never see a .keep). */
static const char *const spares[] = { ".keep0", ".keep1", ".spare0", ".spare1" };
#define N_PARKED 2 /* the first of spares[] */
static const char *const kept[] = { CELL_STATE_CONFIG, CELL_STATE_FILE };

static void gen_state (struct cell_json_gen *g, const struct cell_state *st, const char *status,
                       bool internal);

/* After the lock: is `fd` still <root>/<id>? While we waited, the container may have been removed (its
   directory gone, or kept as a spare and given to another container), and another made under the ID. */
static bool
still_named (int root_dfd, const char *id, int fd)
{
  struct stat a, b;
  return fstat (fd, &a) == 0 && fstatat (root_dfd, id, &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_dev == b.st_dev
         && a.st_ino == b.st_ino;
}

bool
cell_state_dir_still_named (int root_dfd, const char *id, int fd)
{
  return still_named (root_dfd, id, fd);
}

/* `name` in `dfd` holds exactly `len` bytes of `buf`: a new file (`excl`), or the one there written over in
   place (no inode allocated; cut to the new length only when it was longer, so ext4 never sees a truncation
   to zero, after which it would write the blocks out at close). */
static int
file_put (int dfd, const char *name, const char *buf, size_t len, bool excl)
{
  cleanup_close int fd = openat (
      dfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | (excl ? O_EXCL : 0), 0600);
  struct stat st;
  size_t off = 0;

  if (fd < 0 || fstat (fd, &st) < 0)
    return -1;
  if (!S_ISREG (st.st_mode))
    {
      errno = EINVAL;
      return -1;
    }
  while (off < len)
    {
      ssize_t n = pwrite (fd, buf + off, len - off, (off_t)off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = EIO;
          return -1;
        }
      off += (size_t)n;
    }
  return st.st_size > (off_t)len ? ftruncate (fd, (off_t)len) : 0;
}

static char *
state_doc (const struct cell_state *st, size_t *len)
{
  struct cell_json_gen *g = cell_json_gen_new (false);
  gen_state (g, st, NULL, true);
  return cell_json_gen_finish (g, len);
}

/* The first config.json and state.json in `fd` (the files are new unless `reuse`). */
static int
dir_fill (int fd, const char *config, size_t config_len, const struct cell_state *st, bool reuse,
          const char *id, struct cell_error **err)
{
  cleanup_free char *doc = NULL;
  size_t len = 0;

  if (config ? file_put (fd, CELL_STATE_CONFIG, config, config_len, !reuse) < 0
             : reuse && unlinkat (fd, CELL_STATE_CONFIG, 0) < 0 && errno != ENOENT)
    return cell_err_errno (err, "keep the config of `%s`", id);
  if (st == NULL)
    return reuse && unlinkat (fd, CELL_STATE_FILE, 0) < 0 && errno != ENOENT
               ? cell_err_errno (err, "write state of `%s`", id)
               : 0;
  doc = state_doc (st, &len);
  if (reuse ? file_put (fd, CELL_STATE_FILE, doc, len, false) < 0 : cell_state_write (fd, st, err) < 0)
    return reuse ? cell_err_errno (err, "write state of `%s`", id) : -1;
  return 0;
}

/* A spare, locked and filled, then named `id`: 1 when it is (*dfd set), 0 when no spare could be taken,
   -1 on an error (the ID taken: "already exists"). */
static int
dir_from_spare (int root_dfd, const char *id, const char *config, size_t config_len,
                const struct cell_state *st, int *dfd, struct cell_error **err)
{
  for (size_t i = 0; i < ARRAY_SIZE (spares); i++)
    {
      cleanup_close int fd = openat (root_dfd, spares[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      struct cell_error *e = NULL;
      if (fd < 0)
        continue;
      /* another create may hold it (or a waiter for the container it was): the next one */
      if (flock (fd, LOCK_EX | LOCK_NB) < 0 || !still_named (root_dfd, spares[i], fd))
        continue;
      if (dir_fill (fd, config, config_len, st, true, id, &e) < 0)
        {
          cell_error_free (e);
          continue;
        }
      if (renameat2 (root_dfd, spares[i], root_dfd, id, RENAME_NOREPLACE) == 0)
        {
          *dfd = steal_fd (&fd);
          return 1;
        }
      if (errno == EEXIST)
        return cell_err (err, 0, "container `%s` already exists", id);
      if (errno != ENOENT)
        break; /* EINVAL: no RENAME_NOREPLACE here */
    }
  return 0;
}

int
cell_state_dir_create (int root_dfd, const char *id, const char *config, size_t config_len,
                       const struct cell_state *st, int *dfd, struct cell_error **err)
{
  int fd, r = dir_from_spare (root_dfd, id, config, config_len, st, dfd, err);

  if (r != 0)
    return r < 0 ? -1 : 0;
  if (mkdirat (root_dfd, id, 0700) < 0)
    {
      if (errno == EEXIST)
        return cell_err (err, 0, "container `%s` already exists", id);
      return cell_err_errno (err, "create state directory of `%s`", id);
    }
  /* flock needs a real open file, not O_PATH. The directory is ours: a failure (EMFILE) removes it. */
  fd = openat (root_dfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      cell_err_errno (err, "open state directory of `%s`", id);
      unlinkat (root_dfd, id, AT_REMOVEDIR);
      return -1;
    }
  if (lock_dir (fd, true, id, err) < 0)
    {
      close (fd);
      unlinkat (root_dfd, id, AT_REMOVEDIR);
      return -1;
    }
  /* the caller's rollback removes the directory (cell_state_dir_remove) */
  *dfd = fd;
  return dir_fill (fd, config, config_len, st, false, id, err);
}

int
cell_state_dir_open (int root_dfd, const char *id, bool exclusive, int *dfd, struct cell_error **err)
{
  int fd = openat (root_dfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno == ENOENT)
        return cell_err_as (err, ENOENT, "container `%s` does not exist", id);
      return cell_err_errno (err, "open state directory of `%s`", id);
    }
  if (lock_dir (fd, exclusive, id, err) < 0)
    {
      close (fd);
      return -1;
    }
  if (!still_named (root_dfd, id, fd))
    {
      close (fd);
      return cell_err_as (err, ENOENT, "container `%s` does not exist", id);
    }
  *dfd = fd;
  return 0;
}

int
cell_state_dir_remove (int root_dfd, const char *id, int *held, struct cell_error **err)
{
  int r;
  cleanup_close int fd = openat (root_dfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  DIR *d;
  struct dirent *de;

  if (fd < 0)
    return errno == ENOENT ? 0 : cell_err_errno (err, "open state directory of `%s`", id);
  d = fdopendir (steal_fd (&fd));
  if (d == NULL)
    return cell_err_errno (err, "read state directory of `%s`", id);
  while ((de = readdir (d)) != NULL)
    {
      if (streq (de->d_name, ".") || streq (de->d_name, "..") || streq (de->d_name, kept[0])
          || streq (de->d_name, kept[1]))
        continue;
      if (unlinkat (dirfd (d), de->d_name, 0) < 0 && errno != ENOENT)
        {
          closedir (d);
          return cell_err_errno (err, "remove `%s` from the state of `%s`", de->d_name, id);
        }
    }
  /* kept as a spare (with config.json and state.json, see above), or removed, while the caller's lock
     still holds: whoever waits for the lock then finds the ID gone (cell_state_dir_open) */
  for (size_t i = 0; i < N_PARKED; i++)
    if (renameat2 (root_dfd, id, root_dfd, spares[i], RENAME_NOREPLACE) == 0)
      {
        closedir (d);
        if (held)
          cell_closep (held);
        return 0;
      }
  for (size_t i = 0; i < ARRAY_SIZE (kept); i++)
    if (unlinkat (dirfd (d), kept[i], 0) < 0 && errno != ENOENT)
      {
        closedir (d);
        return cell_err_errno (err, "remove `%s` from the state of `%s`", kept[i], id);
      }
  closedir (d);
  r = unlinkat (root_dfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT ? -1 : 0;
  if (r < 0)
    cell_err_errno (err, "remove state directory of `%s`", id);
  if (held)
    cell_closep (held);
  return r;
}

char *
cell_state_now (void)
{
  char buf[64];
  cell_time_utc_now (buf, sizeof buf);
  return xstrdup (buf);
}

static void
gen_state (struct cell_json_gen *g, const struct cell_state *st, const char *status, bool internal)
{
  cell_json_gen_map_open (g);
  cell_json_gen_kv_string (g, "ociVersion", "1.2.0");
  cell_json_gen_kv_string (g, "id", st->id);
  if (status)
    cell_json_gen_kv_string (g, "status", status);
  cell_json_gen_kv_int (g, "pid", st->pid);
  cell_json_gen_kv_string (g, "bundle", st->bundle);
  cell_json_gen_kv_string (g, "rootfs", st->rootfs ? st->rootfs : "");
  cell_json_gen_kv_string (g, "created", st->created ? st->created : "");
  cell_json_gen_kv_string (g, "owner", st->owner ? st->owner : "");
  cell_json_gen_key (g, "annotations");
  cell_json_gen_map_open (g);
  for (size_t i = 0; i < st->n_annotations; i++)
    cell_json_gen_kv_string (g, st->annotations[i].key, st->annotations[i].value);
  cell_json_gen_map_close (g);
  if (internal)
    {
      cell_json_gen_key (g, "cell");
      cell_json_gen_map_open (g);
      cell_json_gen_key (g, "startTime");
      cell_json_gen_uint (g, st->start_time);
      if (st->cgroup)
        cell_json_gen_kv_string (g, "cgroup", st->cgroup);
      cell_json_gen_key (g, "ownPidns");
      cell_json_gen_bool (g, st->own_pidns);
      cell_json_gen_key (g, "process");
      cell_json_gen_bool (g, st->has_process);
      cell_json_gen_key (g, "poststart");
      cell_json_gen_bool (g, st->has_poststart);
      cell_json_gen_key (g, "poststop");
      cell_json_gen_bool (g, st->has_poststop);
      cell_json_gen_map_close (g);
    }
  cell_json_gen_map_close (g);
}

char *
cell_state_json (const struct cell_state *st, enum cell_status status, bool pretty)
{
  struct cell_json_gen *g = cell_json_gen_new (pretty);
  gen_state (g, st, cell_status_name (status), false);
  return cell_json_gen_finish (g, NULL);
}

int
cell_state_write (int dfd, const struct cell_state *st, struct cell_error **err)
{
  size_t len = 0, off = 0;
  cleanup_free char *doc = state_doc (st, &len);
  cleanup_close int fd = -1;

  fd = openat (dfd, "state.json.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return cell_err_errno (err, "write state of `%s`", st->id);
  while (off < len)
    {
      ssize_t r = write (fd, doc + off, len - off);
      if (r < 0)
        return cell_err_errno (err, "write state of `%s`", st->id);
      off += (size_t)r;
    }
  /* Over an existing state.json, an exchange and an unlink of the old: a rename onto it would make ext4
     (auto_da_alloc) allocate and write the new file's blocks at once, which delete then frees (0.1 ms per
     container measured on ext4). A first write has nothing to replace; a filesystem without exchange
     renames. */
  if (renameat2 (dfd, "state.json.tmp", dfd, CELL_STATE_FILE, RENAME_EXCHANGE) == 0)
    {
      (void)unlinkat (dfd, "state.json.tmp", 0);
      return 0;
    }
  if (renameat (dfd, "state.json.tmp", dfd, CELL_STATE_FILE) < 0)
    return cell_err_errno (err, "write state of `%s`", st->id);
  return 0;
}

static const struct cell_json *
member (const struct cell_json *obj, const char *key, enum cell_json_type type)
{
  const struct cell_json *v = cell_json_get (obj, key);
  return v && v->type == type ? v : NULL;
}

static bool
number_member (const struct cell_json *obj, const char *key, unsigned long long max, unsigned long long *out)
{
  const struct cell_json *v = member (obj, key, CELL_JSON_NUMBER);
  char *end;
  if (!v || v->s[0] == '-')
    return false;
  errno = 0;
  *out = strtoull (v->s, &end, 10);
  return errno == 0 && *end == '\0' && *out <= max;
}

/* Fills st from doc; the name of the first member that is missing or of the wrong type, or NULL. */
static const char *
decode_state (const struct cell_json *doc, struct cell_state *st)
{
  const struct cell_json *ann, *priv, *v;
  unsigned long long pid, start;
  static const char *const flags[] = { "ownPidns", "process", "poststart", "poststop" };
  bool *dst[] = { &st->own_pidns, &st->has_process, &st->has_poststart, &st->has_poststop };

  if (doc->type != CELL_JSON_OBJECT)
    return "/";
  if (!number_member (doc, "pid", INT32_MAX, &pid))
    return "/pid";
  st->pid = (pid_t)pid;
  if (!(v = member (doc, "bundle", CELL_JSON_STRING)))
    return "/bundle";
  st->bundle = xstrdup (v->s);
  if ((v = member (doc, "rootfs", CELL_JSON_STRING)))
    st->rootfs = xstrdup (v->s);
  if ((v = member (doc, "created", CELL_JSON_STRING)))
    st->created = xstrdup (v->s);
  if ((v = member (doc, "owner", CELL_JSON_STRING)))
    st->owner = xstrdup (v->s);
  ann = member (doc, "annotations", CELL_JSON_OBJECT);
  if (!ann)
    return "/annotations";
  st->annotations = xcalloc (ann->len + 1, sizeof *st->annotations);
  for (size_t i = 0; i < ann->len; i++)
    {
      if (ann->items[i]->type != CELL_JSON_STRING)
        return "/annotations";
      st->annotations[st->n_annotations].key = xstrdup (ann->keys[i]);
      st->annotations[st->n_annotations++].value = xstrdup (ann->items[i]->s);
    }
  if (!(priv = member (doc, "cell", CELL_JSON_OBJECT)))
    return "/cell";
  if (!number_member (priv, "startTime", ULLONG_MAX, &start))
    return "/cell/startTime";
  st->start_time = start;
  if ((v = cell_json_get (priv, "cgroup")))
    {
      if (v->type != CELL_JSON_STRING)
        return "/cell/cgroup";
      st->cgroup = xstrdup (v->s);
    }
  for (size_t i = 0; i < ARRAY_SIZE (flags); i++)
    {
      if (!(v = member (priv, flags[i], CELL_JSON_BOOL)))
        return flags[i];
      *dst[i] = v->b;
    }
  /* a pid without the start time that proves it, or one with a start time of nothing */
  if ((st->pid == 0) != (st->start_time == 0))
    return "/cell/startTime";
  return NULL;
}

/* A state.json that does not parse: EBADMSG, so that `delete --force` still removes it. */
static int
unreadable (const char *id, struct cell_error **err)
{
  cell_err_wrap (err, "container `%s`", id);
  if (err && *err)
    (*err)->code = EBADMSG;
  return -1;
}

static int
parse_state (int dfd, const char *id, struct cell_json **doc, struct cell_error **err)
{
  cleanup_close int fd = openat (dfd, CELL_STATE_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return errno == ENOENT ? 1 : cell_err_errno (err, "read state of `%s`", id);
  if (cell_json_parse_fd (fd, "state.json", &cell_json_default_limits, doc, err) < 0)
    return unreadable (id, err); /* unreadable: `delete --force` still removes it */
  return 0;
}

/* Takes `doc` (freed here): the state it holds, or EBADMSG naming the first member missing or invalid. */
static int
state_from_json (struct cell_json *doc, const char *id, struct cell_state **out, struct cell_error **err)
{
  struct cell_state *st = xzalloc (sizeof *st);
  const struct cell_json *named;
  const char *bad;

  st->id = xstrdup (id);
  /* a recycled directory (see spares) read without the lock may hold another container's state */
  named = member (doc, "id", CELL_JSON_STRING);
  bad = named && !streq (named->s, id) ? "/id" : decode_state (doc, st);
  cell_json_free (doc);
  if (bad)
    {
      cell_state_free (st);
      return cell_err_as (err, EBADMSG,
                          "container `%s`: state.json: %s%s: missing or invalid (the file was changed?)", id,
                          bad[0] == '/' ? "" : "/cell/", bad);
    }
  *out = st;
  return 0;
}

int
cell_state_parse (const char *buf, size_t len, const char *id, struct cell_state **out,
                  struct cell_error **err)
{
  struct cell_json *doc = NULL;

  if (cell_json_parse (buf, len, "state.json", &cell_json_default_limits, &doc, err) < 0)
    return unreadable (id, err);
  return state_from_json (doc, id, out, err);
}

int
cell_state_read (int dfd, const char *id, struct cell_state **out, struct cell_error **err)
{
  struct cell_json *doc = NULL;
  struct cell_state *st;
  int r = parse_state (dfd, id, &doc, err);

  if (r < 0)
    return -1;
  if (r == 1)
    {
      /* being created: the directory exists, state.json not yet */
      st = xzalloc (sizeof *st);
      st->id = xstrdup (id);
      st->bundle = xstrdup ("");
      *out = st;
      return 0;
    }
  return state_from_json (doc, id, out, err);
}

void
cell_state_salvage (int dfd, const char *id, struct cell_state **out)
{
  struct cell_json *doc = NULL;
  struct cell_state *st = xzalloc (sizeof *st);
  const struct cell_json *priv, *v;
  unsigned long long pid = 0, start = 0;

  st->id = xstrdup (id);
  st->bundle = xstrdup ("");
  if (parse_state (dfd, id, &doc, NULL) == 0 && doc->type == CELL_JSON_OBJECT
      && (priv = member (doc, "cell", CELL_JSON_OBJECT)))
    {
      if (number_member (doc, "pid", INT32_MAX, &pid) && number_member (priv, "startTime", ULLONG_MAX, &start)
          && pid > 0 && start > 0)
        {
          st->pid = (pid_t)pid;
          st->start_time = start;
        }
      if ((v = member (priv, "cgroup", CELL_JSON_STRING)))
        st->cgroup = xstrdup (v->s);
    }
  cell_json_free (doc);
  *out = st;
}

int
cell_state_config_load (int dfd, const char *id, struct cell_spec **out, struct cell_error **err)
{
  cleanup_close int fd = openat (dfd, CELL_STATE_CONFIG, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  char path[64];
  if (fd < 0)
    return cell_err_errno (err, "container `%s`: its config", id);
  snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
  /* it passed validation at create, and nothing but root can write the state dir */
  if (cell_spec_load_file (path, "config.json", out, err) < 0)
    return cell_err_wrap (err, "container `%s`", id);
  return 0;
}

/* The socket's path through the state dir's fd: short whatever --root is (sun_path has 108 bytes). */
static void
sock_addr (int dfd, struct sockaddr_un *a)
{
  memset (a, 0, sizeof (*a));
  a->sun_family = AF_UNIX;
  snprintf (a->sun_path, sizeof (a->sun_path), "/proc/self/fd/%d/%s", dfd, CELL_STATE_SOCK);
}

int
cell_state_start_listen (int dfd, const char *id, int *fd, struct cell_error **err)
{
  struct sockaddr_un a;
  cleanup_close int s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sock_addr (dfd, &a);
  if (s < 0 || bind (s, (struct sockaddr *)&a, sizeof (a)) < 0 || listen (s, 1) < 0)
    return cell_err_errno (err, "create the start socket of `%s`", id);
  *fd = steal_fd (&s);
  return 0;
}

int
cell_state_start_connect (int dfd, const char *id, int *fd, struct cell_error **err)
{
  struct sockaddr_un a;
  cleanup_close int s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sock_addr (dfd, &a);
  if (s < 0)
    return cell_err_errno (err, "start `%s`: socket", id);
  if (connect (s, (struct sockaddr *)&a, sizeof (a)) < 0)
    {
      if (errno == ECONNREFUSED)
        return cell_err (err, 0, "start `%s`: container init exited", id);
      return cell_err_errno (err, "start `%s`: connect to its init", id);
    }
  *fd = steal_fd (&s);
  return 0;
}

void
cell_state_free (struct cell_state *st)
{
  if (st == NULL)
    return;
  free (st->id);
  free (st->bundle);
  free (st->rootfs);
  free (st->created);
  free (st->owner);
  free (st->cgroup);
  for (size_t i = 0; i < st->n_annotations; i++)
    {
      free (st->annotations[i].key);
      free (st->annotations[i].value);
    }
  free (st->annotations);
  free (st);
}

unsigned long long
cell_state_pid_start_time (pid_t pid)
{
  return cell_state_pid_stat (pid, NULL);
}

unsigned long long
cell_state_pid_stat (pid_t pid, char *state)
{
  char path[64], buf[1024];
  cleanup_close int fd = -1;
  ssize_t n;
  char *p;
  unsigned long long start = 0;

  snprintf (path, sizeof path, "/proc/%d/stat", pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  n = read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* comm may hold spaces and parentheses: fields resume after the last ')'. */
  p = strrchr (buf, ')');
  if (p == NULL)
    return 0;
  p += 2;
  if (state)
    *state = *p;
  if (*p == 'Z' || *p == 'X')
    return 0; /* a zombie is not running */
  /* field 3 is the state; start time is field 22. */
  for (int field = 3; field < 22 && p; field++)
    {
      p = strchr (p, ' ');
      if (p)
        p++;
    }
  if (p)
    start = strtoull (p, NULL, 10);
  return start;
}

/* Init alive (pid and start time match, not a zombie); its state letter in *seen (may be NULL). */
static bool
init_alive_seen (const struct cell_state *st, char *seen)
{
  return st->pid > 0 && st->start_time != 0 && cell_state_pid_stat (st->pid, seen) == st->start_time;
}

bool
cell_state_init_alive (const struct cell_state *st)
{
  return init_alive_seen (st, NULL);
}

enum cell_status
cell_state_status (int dfd, const struct cell_state *st, bool frozen)
{
  return cell_state_status_seen (dfd, st, frozen, NULL);
}

enum cell_status
cell_state_status_seen (int dfd, const struct cell_state *st, bool frozen, char *init_state)
{
  struct stat sb;
  char seen = 0;

  if (init_state)
    *init_state = 0;
  if (st->pid == 0)
    return CELL_STATUS_CREATING;
  if (!init_alive_seen (st, &seen))
    return CELL_STATUS_STOPPED;
  if (init_state)
    *init_state = seen;
  if (frozen)
    return CELL_STATUS_PAUSED;
  if (fstatat (dfd, CELL_STATE_SOCK, &sb, AT_SYMLINK_NOFOLLOW) == 0)
    return CELL_STATUS_CREATED;
  return CELL_STATUS_RUNNING;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* image.h: squashfs image roots and image mounts: magic check, loop devices, squashfs + overlay mounts. */
#ifndef CELL_IMAGE_H
#define CELL_IMAGE_H

#include <stdbool.h>
#include "error.h"

/* Is `path` a squashfs image (a regular file with its magic)? *is_image false (and 0) for anything else,
   a missing path included; for an image, an error naming the file when it is not one a loop device and the
   kernel can mount (old version, corrupt or truncated superblock, unpadded). Reads the superblock only. */
int cell_image_probe (const char *path, bool *is_image, struct cell_error **err);
/* The same for an open file (`path` names it in messages). */
int cell_image_probe_fd (int fd, const char *path, bool *is_image, struct cell_error **err);
/* Attaches `path` read-only to a free loop device (LOOP_CONFIGURE + autoclear, LOOP_SET_FD fallback,
   retrying the LOOP_CTL_GET_FREE race), or shares the device cell already attached to the same, unchanged
   image (same file, change time and size; found through /sys/block/loop*). *loop_fd is an O_RDONLY fd of
   /dev/loopN: the device goes away when the last fd and mount, of every container sharing it, are gone. */
int cell_image_loop_attach (const char *path, int *loop_fd, struct cell_error **err);
/* The same for an open image (O_RDONLY; `path` names it in messages and in the device's file name). */
int cell_image_loop_attach_fd (int img_fd, const char *path, int *loop_fd, struct cell_error **err);
/* An image root as the runtime prepares it. Where the kernel can, it is whole: one detached mount (mnt_fd:
   squashfs alone when readonly, else an overlay with a tmpfs or persistent upper). Where it cannot
   (overlayfs before Linux 6.15 takes only layers attached in the caller's mount namespace; no new mount API;
   or forced), mnt_fd is -1 and the parts are held open for
   cell_image_root_build, which mounts them with mount(2) in the mount namespace that will use them. */
struct cell_image_root
{
  int mnt_fd;
  int loop_fd;             /* the image's loop device (parts only) */
  int upper_dfd, work_dfd; /* a persistent upper and its work dir (parts only), or -1 */
  char *upper, *work;      /* their paths, resolved again (and checked to be the same) by the build */
  bool upper_fresh;        /* the upper was created and still needs the image root's owner and mode */
  bool readonly;
  char *image; /* set only while in parts */
  char *tmpfs_size;
};

/* Prepared, and in parts: cell_image_root_build has to build it. */
static inline bool
cell_image_root_in_parts (const struct cell_image_root *r)
{
  return r->mnt_fd < 0 && r->image != NULL;
}

void cell_image_root_init (struct cell_image_root *r);
void cell_image_root_release (struct cell_image_root *r);
struct cell_image_root_opts
{
  bool readonly;          /* squashfs alone, no overlay */
  const char *upper;      /* a persistent upper dir (absolute), NULL: a tmpfs */
  const char *tmpfs_size; /* NULL: tmpfs default */
  bool force_mount2;      /* build it in parts even where the kernel could do it whole (tests) */
};
/* Checks the upper, attaches the open image `image_fd` (named `image`) to a loop device, creates a missing
   persistent upper (work dir beside it) and builds the root detached if the kernel can. */
int cell_image_root_prepare (int image_fd, const char *image, const struct cell_image_root_opts *o,
                             struct cell_image_root *r, struct cell_error **err);
/* Parts only: mounts the root on `dir` with mount(2), in the caller's mount namespace, which must not
   propagate to the host's. */
int cell_image_root_build (const struct cell_image_root *r, const char *dir, struct cell_error **err);
/* A squashfs image file mounted read-only as a detached mount. */
int cell_image_mount_squashfs (const char *image, int *mnt_fd, struct cell_error **err);
/* Checks an overlay mount's options before anything is created: every lowerdir, upperdir and workdir exists,
   the upper is on a filesystem overlayfs can write to, and no read-write layer overlaps a lower or the other.
 */
int cell_image_overlay_check (const char *data, const char *what, struct cell_error **err);

#endif

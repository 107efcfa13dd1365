/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* image.h: squashfs image roots and image mounts: magic check, loop devices, squashfs + overlay mounts. */
#ifndef CELL_IMAGE_H
#define CELL_IMAGE_H

#include <stdbool.h>
#include "error.h"

/* Is `path` a regular file holding a squashfs image (by magic)? No side effects. */
int cell_image_is_squashfs (const char *path, bool *is_squashfs, struct cell_error **err);
/* Validates an image (superblock sane, size consistent) without attaching it; errors name the file. */
int cell_image_check (const char *path, struct cell_error **err);
/* Attaches `path` read-only to a free loop device (LOOP_CONFIGURE + autoclear, LOOP_SET_FD fallback,
   retrying the LOOP_CTL_GET_FREE race). *loop_fd is an O_RDONLY fd of /dev/loopN: the device goes away
   when the last fd and mount are gone. */
int cell_image_loop_attach (const char *path, int *loop_fd, struct cell_error **err);
/* Mounts the whole image root as a detached mount (new mount API; the overlay needs Linux 6.15, which takes
   detached layers): squashfs alone when readonly, else an overlay with a tmpfs upper (size `tmpfs_size`,
   NULL = tmpfs default) or the persistent `upper` dir (work dir beside it). */
int cell_image_mount_root (const char *image, bool readonly, const char *upper, const char *tmpfs_size,
                           int *mnt_fd, struct cell_error **err);
/* A squashfs image file mounted read-only as a detached mount. */
int cell_image_mount_squashfs (const char *image, int *mnt_fd, struct cell_error **err);
/* Checks an overlay mount's options before anything is created: every lowerdir, upperdir and workdir exists,
   the upper is on a filesystem overlayfs can write to, and no read-write layer overlaps a lower or the other.
 */
int cell_image_overlay_check (const char *data, const char *what, struct cell_error **err);

#endif

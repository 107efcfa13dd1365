#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# image-mount2.sh: image.sh again with image roots built in parts with mount(2) inside the mount namespace that
# uses them (CELL_IMAGE_MOUNT2): the way of kernels whose overlayfs takes no detached layers (before 6.15).
export CELL_IMAGE_MOUNT2=1
exec bash "${CELL_SRCDIR:-$(dirname "$0")/../..}/tests/integration/image.sh"

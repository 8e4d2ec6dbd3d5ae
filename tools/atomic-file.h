/* SPDX-License-Identifier: BSD-2-Clause */
/* Whole-or-nothing file writes for the documents a reader must never see half written
 * (--metadata, merge's metadata): a temporary file beside the target, fsync, rename. */
#ifndef ISW_ATOMIC_FILE_H
#define ISW_ATOMIC_FILE_H

#include <stdio.h>

/* Writes path through fill(fp, arg) (0, or negative on failure) into a temporary file in the
 * directory path finally names (through symlinks), with the mode path has or a new file
 * would get, then fsync, rename over path and fsync of the directory.  Where path is not a
 * regular file (a device, a FIFO) it is written in place.  0, or a negative errno; path is
 * left as it was on failure. */
int atomic_file_write(const char *path, int (*fill)(FILE *fp, void *arg), void *arg);
/* Whether atomic_file_write could replace path: 0 or a negative errno. */
int atomic_file_check(const char *path);

#endif

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Files and folders: whole-file reads with a size cap, atomic writes
 * (a receipt or a config is never half written), mkdir -p, and where the
 * assets live. Failures are reported through error() (core/util.h).
 */
#ifndef DOTE_FILES_H
#define DOTE_FILES_H
#include <stddef.h>

/* Reads a whole file (at most max bytes) into a malloc'd NUL-terminated
 * buffer; *len gets its length. Returns NULL (with error()) on failure. */
char *file_read(const char *path, size_t max, size_t *len);
/* Writes data to path atomically (temp file, fsync, rename, fsync dir).
 * An existing device, pipe or socket (/dev/null, /dev/stdout) is written
 * in place instead, never replaced. */
int file_write_atomic(const char *path, const void *data, size_t len, int mode);
/* mkdir -p */
int dir_make(const char *path, int mode);

/* Where assets/ lives: $DOTE_ASSETS, else the installed path, else the
 * source tree the binary was built from. */
const char *assets_dir(void);
#endif

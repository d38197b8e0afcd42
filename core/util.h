/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Small helpers every part of DoteComune uses: error logging (git's
 * error() idiom), bounded string copies, time, UUIDv7, HTML escaping.
 * Start reading at error().
 */
#ifndef DOTE_UTIL_H
#define DOTE_UTIL_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Logs "error: ..." to stderr and returns -1, for `return error(...)`. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Logs "warning: ..." to stderr. */
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Silences error()/warning() output (tests that exercise bad input). */
void util_quiet(int quiet);

/* Copies src into buf, always NUL-terminated; returns strlen(src)
 * (truncation happened when the result is >= size). */
size_t str_copy(char *buf, size_t size, const char *src);
/* snprintf that returns -1 on truncation or error, else the length. */
int str_fmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* ASCII upper-case in place; returns s. */
char *str_upper(char *s);
/* Trims ASCII white space at both ends in place; returns s. */
char *str_trim(char *s);
/* Overwrites a buffer with zeros in a way the compiler keeps. */
void str_wipe(void *buf, size_t size);

/* Wall clock, seconds since the epoch. DOTE_NOW=<epoch> overrides it
 * (demo data and tests pin "today"). */
time_t now_wall(void);
/* Monotonic milliseconds. */
int64_t now_ms(void);
/* ISO-8601 UTC "2026-03-01T09:30:00Z" into buf (>= 21 bytes). */
void time_iso(time_t t, char *buf, size_t size);
/* "2026-03-01" (local date of t, Europe/Rome semantics via TZ) into buf (>= 11). */
void time_date(time_t t, char *buf, size_t size);
/* Parses "YYYY-MM-DD" into y/m/d and checks it is a real calendar date. */
int date_parse(const char *s, int *y, int *m, int *d);
/* Days in month m of year y (1..12). */
int days_in_month(int y, int m);
/* Whole years between birth date and the date "today" (both YYYY-MM-DD). */
int age_on(const char *birth, const char *today);

/* A time-ordered UUID (RFC 9562 v7) as 36 chars + NUL into buf (>= 37). */
void uuid_v7(char *buf, size_t size);

/* The unaccented lower-case ASCII letter of the Latin-1 letter (à, È,
 * ç, ñ, ...) encoded in UTF-8 at s (two bytes), or 0 when s does not
 * start with one. */
char utf8_latin1_base(const char *s);

/* The value of a hexadecimal digit (either case), or -1. */
int hex_value(int c);

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

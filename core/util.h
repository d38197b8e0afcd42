/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Small helpers every part of DoteComune uses: error logging (git's
 * error() idiom), bounded string copies, a few character helpers, HTML
 * escaping. The clock and calendar are in core/datetime.h, files in
 * core/files.h, UUIDs in core/uuid.h. Start reading at error().
 */
#ifndef DOTE_UTIL_H
#define DOTE_UTIL_H
#include <stddef.h>
#include <stdint.h>

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

/* The unaccented lower-case ASCII letter of the Latin-1 letter (à, È,
 * ç, ñ, ...) encoded in UTF-8 at s (two bytes), or 0 when s does not
 * start with one. */
char utf8_latin1_base(const char *s);

/* The value of a hexadecimal digit (either case), or -1. */
int hex_value(int c);

/* The n low bytes of v at p, most significant first (signed tokens'
 * fixed fields), and back. */
void be_put(unsigned char *p, uint64_t v, int n);
uint64_t be_get(const unsigned char *p, int n);

#endif

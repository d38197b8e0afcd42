/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Names people read on a screen or a paper: an applicant's given and
 * family name, a kiosk's name, a staff member's name. Such a name is
 * stored in Unicode normalisation form C (NFC), so that 'e' + U+0301 and
 * U+00E9 are one name, and refused when it carries what makes text lie
 * about itself: bidirectional controls that reorder it on screen
 * (U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C), invisible or
 * joining characters (U+200B-U+200D, U+2060-U+2064, U+206A-U+206F,
 * U+00AD, U+FEFF, ...), control characters (C0, DEL, C1), line
 * separators, or more than NAMES_MARKS_MAX combining marks in a row
 * (text that piles up over its neighbours). The message names the
 * character, as 'U+202E RIGHT-TO-LEFT OVERRIDE'.
 * Whether a name is required, its length and whether it has a letter
 * are the caller's rules (application_name_ok() for applicants).
 * NFC by GNU libunistring (u8_normalize). Start at names_normalize().
 */
#ifndef DOTE_NAMES_H
#define DOTE_NAMES_H
#include <stddef.h>

enum { NAMES_MARKS_MAX = 3 };	/* combining marks in a row, after NFC */

/* Checks name (NUL-terminated UTF-8) and, when out is not NULL, writes
 * its NFC form there (size bytes, NUL-terminated). Returns 0; or -1 with
 * why (English, for logs and API answers; may be NULL) saying which
 * character is refused and where, or that the text is not UTF-8 or its
 * NFC form does not fit out (out is then ""). NFC never lengthens a
 * name by more than a few bytes; a buffer the size of the input plus
 * NAMES_NFC_SPARE always holds it for names of this project's lengths. */
int names_normalize(const char *name, char *out, size_t size, char *why, size_t whysize);

enum { NAMES_NFC_SPARE = 16 };
#endif

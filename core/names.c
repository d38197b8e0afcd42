/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Name checks and NFC (see names.h). names_normalize() decodes the name
 * once, refusing each code point by refused_kind(), normalises with
 * libunistring and counts combining marks in the normalised text (a
 * precomposed letter is not a mark: 'e' + U+0301 + 3 more marks passes,
 * as it is U+00E9 and 3 marks).
 */
#include "core/names.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <uniname.h>
#include <uninorm.h>
#include <unistr.h>

/* Why a code point may not be in a name; NULL when it may. */
static const char *refused_kind(ucs4_t c)
{
	if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F))
		return "is a control character";
	if (c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
	    (c >= 0x2066 && c <= 0x2069))
		return "is a bidirectional control (it reorders the text on screen)";
	if ((c >= 0x200B && c <= 0x200D) || (c >= 0x2060 && c <= 0x2064) || (c >= 0x206A && c <= 0x206F) ||
	    c == 0x00AD || c == 0xFEFF || c == 0x180E || c == 0x034F || (c >= 0xFFF9 && c <= 0xFFFB) ||
	    c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0 || (c >= 0xFE00 && c <= 0xFE0F))
		return "is an invisible or joining character";
	if (c == 0x2028 || c == 0x2029)
		return "is a line or paragraph separator";
	if ((c >= 0xE000 && c <= 0xF8FF) || c >= 0xF0000 || (c & 0xFFFE) == 0xFFFE ||
	    (c >= 0xFDD0 && c <= 0xFDEF))
		return "is a private-use or non-character code point";
	return NULL;
}

/* "U+202E RIGHT-TO-LEFT OVERRIDE" (or just "U+001B" for a control). */
static void describe(ucs4_t c, char *buf, size_t size)
{
	char uname[UNINAME_MAX];

	if (c >= 0x20 && !(c >= 0x7F && c <= 0x9F) && unicode_character_name(c, uname))
		snprintf(buf, size, "U+%04X %s", (unsigned)c, uname);
	else
		snprintf(buf, size, "U+%04X", (unsigned)c);
}

/* Fills why with "<the character> is <what> (character <at>)<tail>". */
static int refuse(char *why, size_t whysize, ucs4_t c, size_t at, const char *what, const char *tail)
{
	char d[UNINAME_MAX + 16];

	if (why && whysize) {
		describe(c, d, sizeof(d));
		snprintf(why, whysize, "%s %s (character %zu)%s", d, what, at, tail);
	}
	return -1;
}

int names_normalize(const char *name, char *out, size_t size, char *why, size_t whysize)
{
	const uint8_t *s = (const uint8_t *)name, *p;
	size_t n = strlen(name), len = 0, at;
	uint8_t *nfc = NULL;
	ucs4_t c;
	int marks = 0, rc = -1, k;

	if (out && size)
		*out = '\0';
	if (why && whysize)
		*why = '\0';
	if (u8_check(s, n)) {
		if (why)
			snprintf(why, whysize, "not valid UTF-8 (byte %zu)", (size_t)(u8_check(s, n) - s) + 1);
		return -1;
	}
	for (p = s, at = 1; p < s + n; p += k, at++) {
		const char *kind;

		k = u8_mbtouc(&c, p, (size_t)(s + n - p));
		kind = refused_kind(c);
		if (kind)
			return refuse(why, whysize, c, at, kind, "; remove it");
	}
	nfc = u8_normalize(UNINORM_NFC, s, n, NULL, &len);
	if (!nfc) {
		if (why)
			snprintf(why, whysize, "cannot normalise the name (out of memory)");
		return -1;
	}
	for (p = nfc, at = 1; p < nfc + len; p += k, at++) {
		k = u8_mbtouc(&c, p, (size_t)(nfc + len - p));
		marks = uc_is_general_category(c, UC_CATEGORY_M) ? marks + 1 : 0;
		if (marks > NAMES_MARKS_MAX) {
			refuse(why, whysize, c, at, "makes more than 3 combining marks in a row", "");
			goto out;
		}
	}
	if (out) {
		if (len + 1 > size) {
			if (why)
				snprintf(why, whysize, "too long once normalised (%zu bytes)", len);
			goto out;
		}
		memcpy(out, nfc, len);
		out[len] = '\0';
	}
	rc = 0;
out:
	free(nfc);
	return rc;
}

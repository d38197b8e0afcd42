/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Personal data on a shared screen (EN 301 549 5.1.3.9, GDPR art. 32):
 * once entered, the codice fiscale, phone number and e-mail address are
 * shown masked on the review and status screens, enough of each left
 * for the citizen to recognise it, until they choose to show it
 * (`show-data`). mask_personal() is pure; kiosk_mask() in kiosk.c
 * applies the citizen's choice.
 */
#include "kiosk/kiosk.h"
#include "core/util.h"

#include <string.h>

static const char dot[] = "\xE2\x80\xA2";	/* U+2022 BULLET */

/* Appends n bullets to buf at *len. */
static void bullets(char *buf, size_t size, size_t *len, size_t n)
{
	while (n-- && *len + sizeof(dot) < size) {
		memcpy(buf + *len, dot, sizeof(dot) - 1);
		*len += sizeof(dot) - 1;
	}
	buf[*len] = 0;
}

static void append(char *buf, size_t size, size_t *len, const char *s, size_t n)
{
	if (*len + n + 1 > size)
		n = size - *len - 1;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = 0;
}

char *mask_personal(char kind, const char *value, char *buf, size_t size)
{
	size_t n = strlen(value), len = 0, keep_head, keep_tail;
	const char *at;
	if (!size)
		return buf;
	buf[0] = 0;
	if (!n)
		return buf;
	switch (kind) {
	case 'e':
		/* The first letter and the domain: "l•••@example.it". */
		at = strchr(value, '@');
		if (!at || at == value) {
			bullets(buf, size, &len, n < 8 ? n : 8);
			return buf;
		}
		append(buf, size, &len, value, 1);
		bullets(buf, size, &len, (size_t)(at - value) - 1 < 6 ? (size_t)(at - value) - 1 : 6);
		append(buf, size, &len, at, strlen(at));
		return buf;
	case 'p':
		/* The last three digits: "•••••••567". */
		keep_head = 0;
		keep_tail = n > 6 ? 3 : 0;
		break;
	default:
		/* Codice fiscale: the first two and last two characters. */
		keep_head = n > 8 ? 2 : 0;
		keep_tail = n > 8 ? 2 : 0;
		break;
	}
	append(buf, size, &len, value, keep_head);
	bullets(buf, size, &len, n - keep_head - keep_tail);
	append(buf, size, &len, value + n - keep_tail, keep_tail);
	return buf;
}

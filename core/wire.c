/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Application <-> JSON for the kiosk/hub protocol (core/wire.h). The
 * field table below is the whole format: one row per column, with where
 * it lives in struct application and how big it may be. Two readers use
 * it: wire_application_from_json() over a jansson tree, and the hub's
 * fast path wire_batch_read(), a plain-form reader of a whole batch.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "core/wire.h"

enum wire_kind { W_STR, W_INT, W_CHAR };

struct wire_field {
	const char *name;
	enum wire_kind kind;
	size_t off;
	size_t size;		/* buffer size for W_STR */
	int optional;		/* may be absent or null ('' / 0) */
};

#define STR(f, opt) { #f, W_STR, offsetof(struct application, f), sizeof(((struct application *)0)->f), opt }
#define INT(f, opt) { #f, W_INT, offsetof(struct application, f), 0, opt }

static const struct wire_field fields[] = {
	STR(uuid, 0),
	STR(protocol, 0),
	STR(kiosk_id, 0),
	INT(seq, 0),
	INT(call_id, 0),
	STR(placement_code, 0),
	STR(comune, 0),
	STR(cf, 0),
	STR(given_name, 0),
	STR(family_name, 0),
	STR(phone, 1),
	STR(email, 1),
	{ "sex", W_CHAR, offsetof(struct application, sex), 0, 0 },
	STR(birth_date, 0),
	INT(age, 0),
	STR(birthplace, 0),
	STR(residence, 1),
	STR(applicant_status, 0),
	STR(education, 0),
	STR(lang, 1),
	STR(submitted_at, 0),
	STR(status, 1),
};

json_t *wire_application_to_json(const struct application *app, const char *receipt)
{
	json_t *o = json_object();
	size_t i;

	if (!o)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		const struct wire_field *f = &fields[i];
		const char *p = (const char *)app + f->off;
		json_t *v;

		switch (f->kind) {
		case W_STR:
			v = json_string(p);
			break;
		case W_CHAR:
			v = json_stringn(p, *p ? 1 : 0);
			break;
		default:
			if (f->off == offsetof(struct application, age))
				v = json_integer(*(const int *)(const void *)p);
			else
				v = json_integer(*(const int64_t *)(const void *)p);
			break;
		}
		if (!v || json_object_set_new(o, f->name, v)) {
			json_decref(o);
			return NULL;
		}
	}
	if (receipt && *receipt && json_object_set_new(o, "receipt", json_string(receipt))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int bad(char *err, size_t errsize, const char *field, const char *why)
{
	snprintf(err, errsize, "%s: %s", field, why);
	return -1;
}

int wire_application_from_json(const json_t *o, struct application *app, char *receipt,
			       size_t rsize, char *err, size_t errsize)
{
	const json_t *r;
	size_t i;

	memset(app, 0, sizeof(*app));
	if (receipt && rsize)
		receipt[0] = '\0';
	if (!json_is_object(o))
		return bad(err, errsize, "record", "not a JSON object");
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		const struct wire_field *f = &fields[i];
		const json_t *v = json_object_get(o, f->name);
		char *p = (char *)app + f->off;

		if (!v || json_is_null(v)) {
			if (f->optional)
				continue;
			return bad(err, errsize, f->name, "missing");
		}
		switch (f->kind) {
		case W_STR:
		case W_CHAR: {
			size_t len;
			const char *s;

			if (!json_is_string(v))
				return bad(err, errsize, f->name, "not a string");
			s = json_string_value(v);
			len = json_string_length(v);
			if (memchr(s, '\0', len))
				return bad(err, errsize, f->name, "contains a NUL byte");
			if (f->kind == W_CHAR) {
				if (len != 1)
					return bad(err, errsize, f->name, "must be one character");
				*p = s[0];
			} else {
				if (len >= f->size)
					return bad(err, errsize, f->name, "too long");
				memcpy(p, s, len + 1);
			}
			break;
		}
		default: {
			json_int_t n;

			if (!json_is_integer(v))
				return bad(err, errsize, f->name, "not an integer");
			n = json_integer_value(v);
			if (f->off == offsetof(struct application, age)) {
				if (n < 0 || n > 150)
					return bad(err, errsize, f->name, "out of range");
				*(int *)(void *)p = (int)n;
			} else {
				if (n < 0 || n > ((json_int_t)1 << 52))
					return bad(err, errsize, f->name, "out of range");
				*(int64_t *)(void *)p = (int64_t)n;
			}
			break;
		}
		}
	}
	r = json_object_get(o, "receipt");
	if (r && !json_is_null(r)) {
		if (!json_is_string(r))
			return bad(err, errsize, "receipt", "not a string");
		if (json_string_length(r) >= WIRE_RECEIPT_MAX || json_string_length(r) >= rsize)
			return bad(err, errsize, "receipt", "too long");
		if (receipt)
			str_copy(receipt, rsize, json_string_value(r));
	}
	return 0;
}

/* ------------------------------------------------- the plain-form reader */

/* A cursor over the body. Every helper answers 0, or 1 for anything it
 * leaves to jansson (invalid JSON included). */
struct rd {
	const unsigned char *p, *end;
};

static void ws(struct rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int lit(struct rd *r, char c)
{
	ws(r);
	if (r->p < r->end && *r->p == (unsigned char)c) {
		r->p++;
		return 1;
	}
	return 0;
}

static int hex4(struct rd *r, unsigned *cp)
{
	int i, v;

	*cp = 0;
	if (r->end - r->p < 4)
		return 1;
	for (i = 0; i < 4; i++) {
		if ((v = hex_value(*r->p++)) < 0)
			return 1;
		*cp = *cp << 4 | (unsigned)v;
	}
	return 0;
}

/* Bytes of the UTF-8 sequence at p (what jansson accepts: no overlong
 * forms, no surrogates, nothing past U+10FFFF), 0 when invalid. */
static int utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0], lo = 0x80, hi = 0xbf;
	int n, i;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (end - p < n)
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* A string into buf, which it must fit with its NUL (the readers' "too
 * long" is left to jansson), without NUL bytes; *len its bytes. */
static int str(struct rd *r, char *buf, size_t size, size_t *len)
{
	size_t o = 0;
	unsigned cp, lo;
	int n;

	if (!lit(r, '"'))
		return 1;
	while (r->p < r->end) {
		unsigned char c = *r->p;

		if (c == '"') {
			r->p++;
			buf[o] = '\0';
			*len = o;
			return 0;
		}
		if (c < 0x20)
			return 1;
		if (c < 0x80 && c != '\\') {
			if (o + 1 >= size)
				return 1;
			buf[o++] = (char)c;
			r->p++;
			continue;
		}
		if (c != '\\') {
			n = utf8_len(r->p, r->end);
			if (!n || o + (size_t)n >= size)
				return 1;
			memcpy(buf + o, r->p, (size_t)n);
			o += (size_t)n;
			r->p += n;
			continue;
		}
		if (++r->p >= r->end)
			return 1;
		switch (*r->p++) {
		case '"': cp = '"'; break;
		case '\\': cp = '\\'; break;
		case '/': cp = '/'; break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (hex4(r, &cp) || cp == 0 || (cp >= 0xdc00 && cp <= 0xdfff))
				return 1;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
					return 1;
				r->p += 2;
				if (hex4(r, &lo) || lo < 0xdc00 || lo > 0xdfff)
					return 1;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			break;
		default:
			return 1;
		}
		n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (o + (size_t)n >= size)
			return 1;
		if (n == 1) {
			buf[o++] = (char)cp;
		} else if (n == 2) {
			buf[o++] = (char)(0xc0 | cp >> 6);
			buf[o++] = (char)(0x80 | (cp & 0x3f));
		} else if (n == 3) {
			buf[o++] = (char)(0xe0 | cp >> 12);
			buf[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			buf[o++] = (char)(0x80 | (cp & 0x3f));
		} else {
			buf[o++] = (char)(0xf0 | cp >> 18);
			buf[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
			buf[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			buf[o++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	return 1;
}

/* A non-negative integer of at most 16 digits (JSON: no leading zero,
 * no fraction or exponent, which would make it a real). */
static int integer(struct rd *r, int64_t *v)
{
	int digits = 0;

	ws(r);
	*v = 0;
	if (r->p >= r->end || *r->p < '0' || *r->p > '9')
		return 1;
	if (*r->p == '0' && r->end - r->p > 1 && r->p[1] >= '0' && r->p[1] <= '9')
		return 1;
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
		if (++digits > 16)
			return 1;
		*v = *v * 10 + (*r->p++ - '0');
	}
	if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E'))
		return 1;
	return 0;
}

static int null(struct rd *r)
{
	ws(r);
	if (r->end - r->p >= 4 && !memcmp(r->p, "null", 4)) {
		r->p += 4;
		return 1;
	}
	return 0;
}

/* One record object, every field known, once, of its type. */
static int record_read(struct rd *r, struct wire_record *w)
{
	char key[32], one[8];
	uint32_t seen = 0, need = 0;
	size_t i, len;
	const size_t nf = ARRAY_SIZE(fields);	/* fields[nf] stands for 'receipt' */

	memset(w, 0, sizeof(*w));
	for (i = 0; i < nf; i++)
		if (!fields[i].optional)
			need |= 1u << i;
	if (!lit(r, '{'))
		return 1;
	if (lit(r, '}'))
		return 1;
	do {
		const struct wire_field *f = NULL;
		char *p;
		int64_t v;

		if (str(r, key, sizeof(key), &len) || !lit(r, ':'))
			return 1;
		for (i = 0; i < nf && strcmp(fields[i].name, key); i++)
			;
		if (i == nf && strcmp(key, "receipt"))
			return 1;
		if (seen & (1u << i))
			return 1;
		seen |= 1u << i;
		if (null(r)) {
			if (i < nf && !fields[i].optional)
				return 1;
			continue;
		}
		if (i == nf) {
			if (str(r, w->receipt, sizeof(w->receipt), &len))
				return 1;
			continue;
		}
		f = &fields[i];
		p = (char *)&w->app + f->off;
		switch (f->kind) {
		case W_STR:
			if (str(r, p, f->size, &len))
				return 1;
			break;
		case W_CHAR:
			if (str(r, one, sizeof(one), &len) || len != 1)
				return 1;
			*p = one[0];
			break;
		default:
			if (integer(r, &v))
				return 1;
			if (f->off == offsetof(struct application, age)) {
				if (v > 150)
					return 1;
				*(int *)(void *)p = (int)v;
			} else {
				if (v > ((int64_t)1 << 52))
					return 1;
				*(int64_t *)(void *)p = v;
			}
			break;
		}
	} while (lit(r, ','));
	if (!lit(r, '}'))
		return 1;
	/* A required field null counted as seen above was refused there. */
	return (seen & need) == need ? 0 : 1;
}

int wire_batch_read(const char *body, size_t len, char *kiosk_id, size_t ksize,
		    struct wire_record **recs, size_t *n)
{
	struct rd r = { (const unsigned char *)body, (const unsigned char *)body + len };
	struct wire_record *out = NULL, *more;
	size_t cap = 0, count = 0, klen;
	int have_kid = 0, have_recs = 0, rc = 1;
	char key[16];

	*recs = NULL;
	*n = 0;
	if (!lit(&r, '{'))
		return 1;
	do {
		if (str(&r, key, sizeof(key), &klen) || !lit(&r, ':'))
			goto out;
		if (!strcmp(key, "kiosk_id") && !have_kid) {
			if (str(&r, kiosk_id, ksize, &klen))
				goto out;
			have_kid = 1;
		} else if (!strcmp(key, "records") && !have_recs) {
			have_recs = 1;
			if (!lit(&r, '['))
				goto out;
			if (lit(&r, ']'))
				continue;
			do {
				if (count == WIRE_BATCH_MAX)
					goto out;
				if (count == cap) {
					cap = cap ? 2 * cap : 128;
					more = realloc(out, cap * sizeof(*out));
					if (!more) {
						rc = -1;
						goto out;
					}
					out = more;
				}
				if (record_read(&r, &out[count]))
					goto out;
				count++;
			} while (lit(&r, ','));
			if (!lit(&r, ']'))
				goto out;
		} else {
			goto out;
		}
	} while (lit(&r, ','));
	if (!lit(&r, '}') || !have_kid || !have_recs)
		goto out;
	ws(&r);
	if (r.p != r.end)
		goto out;
	*recs = out;
	*n = count;
	return 0;
out:
	/* The partly read record too: it may hold personal data. */
	wire_records_free(out, count < cap ? count + 1 : count);
	return rc;
}

void wire_records_free(struct wire_record *recs, size_t n)
{
	if (recs)
		str_wipe(recs, n * sizeof(*recs));
	free(recs);
}

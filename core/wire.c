/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Application <-> JSON for the kiosk/hub protocol (core/wire.h). The
 * field table below is the whole format: one row per column, with where
 * it lives in struct application and how big it may be.
 */
#include <stdio.h>
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

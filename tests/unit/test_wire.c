/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * core/wire: an application survives the trip to JSON and back exactly;
 * the reader refuses what a hostile or broken kiosk could send (missing
 * fields, wrong types, over-long strings, NUL bytes, out-of-range
 * numbers) with the field named in the error. The hub's plain-form
 * batch reader (wire_batch_read) reads what it accepts exactly as jansson
 * and wire_application_from_json do, checked on thousands of mutated
 * bodies, and leaves everything else to them.
 */
#include <stdint.h>
#include <stdlib.h>
#include "core/util.h"
#include "core/wire.h"
#include "tests/unit/check.h"

static void sample(struct application *a)
{
	memset(a, 0, sizeof(*a));
	strcpy(a->uuid, "01934b7e-1c2d-7abc-8def-0123456789ab");
	strcpy(a->protocol, "DC-015146-K03-2026-000123");
	strcpy(a->kiosk_id, "K03");
	a->seq = 123;
	a->call_id = 6;
	strcpy(a->placement_code, "DC06-015146-003");
	strcpy(a->comune, "015146");
	strcpy(a->cf, "RSSMRA85T10A562S");
	strcpy(a->given_name, "Mario Ànge");
	strcpy(a->family_name, "D'Rossi");
	strcpy(a->phone, "+39 333 1234567");
	strcpy(a->email, "mario@example.it");
	a->sex = 'M';
	strcpy(a->birth_date, "1985-12-10");
	a->age = 40;
	strcpy(a->birthplace, "A562");
	strcpy(a->residence, "015146");
	strcpy(a->applicant_status, "neet");
	strcpy(a->education, "bachelor");
	strcpy(a->lang, "en");
	strcpy(a->submitted_at, "2026-03-01T09:30:00Z");
	strcpy(a->status, "received");
}

static int reads(json_t *o, char *err, size_t esize)
{
	struct application b;
	char receipt[WIRE_RECEIPT_MAX];

	return wire_application_from_json(o, &b, receipt, sizeof(receipt), err, esize);
}

/* Both readers on one body. 1 when the plain-form reader took it and
 * jansson read the same; 0 when it left it to jansson; -1 when they
 * disagree (a bug). */
static int compare_readers(const char *body, size_t len)
{
	struct wire_record *w;
	struct application a;
	char kid[64], receipt[WIRE_RECEIPT_MAX], err[160];
	const char *k;
	json_error_t je;
	json_t *o, *recs;
	size_t n, i;
	int rc = wire_batch_read(body, len, kid, sizeof(kid), &w, &n), ok;

	if (rc)
		return rc == 1 ? 0 : -1;
	o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	recs = json_object_get(o, "records");
	k = json_string_value(json_object_get(o, "kiosk_id"));
	ok = json_is_object(o) && json_is_array(recs) && k && !strcmp(k, kid) &&
	     json_array_size(recs) == n;
	for (i = 0; ok && i < n; i++)
		ok = !wire_application_from_json(json_array_get(recs, i), &a, receipt, sizeof(receipt),
						 err, sizeof(err)) &&
		     !memcmp(&a, &w[i].app, sizeof(a)) && !strcmp(receipt, w[i].receipt);
	if (!ok)
		printf("# readers disagree on: %.*s\n", (int)len, body);
	json_decref(o);
	wire_records_free(w, n);
	return ok ? 1 : -1;
}

static uint64_t rng = 88172645463325252ULL;

static unsigned next(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* A body of two records, then mutated: bytes replaced, inserted or
 * deleted, with what trips JSON readers (escapes, surrogates, UTF-8,
 * numbers, nulls, nesting, duplicate and unknown keys). */
static void mutations(const char *base, int rounds, int *taken, int *left, int *bad)
{
	static const char bytes[] = "\\\"{}[],:0123456789 \t\n-.eEnul\x01\x7f\xc3\xa9\xed\xa0\xff\xf4\x90u";
	static const char *const snippets[] = {
		"\\u00e9", "\\ud83d\\ude00", "\\ud800", "\\udc00x", "\\u0000", "\\/", "\\b", "null",
		"1.5", "1e3", "-1", "007", "\"x\"", ",\"extra\":1", ",\"age\":3", "  ", "\xc3\xa8",
		"\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc0\xaf", "[]", "{}", "99999999999999999",
	};
	size_t blen = strlen(base), len;
	char *b = malloc(blen + 64);
	int i, m, r;

	for (i = 0; i < rounds; i++) {
		memcpy(b, base, blen + 1);
		len = blen;
		for (m = 0; m < 1 + (int)next(2); m++) {
			size_t at = next((unsigned)len);
			const char *sn;
			size_t sl;

			switch (next(3)) {
			case 0:
				b[at] = bytes[next(sizeof(bytes) - 1)];
				break;
			case 1:
				sn = snippets[next(ARRAY_SIZE(snippets))];
				sl = strlen(sn);
				if (len + sl >= blen + 64)
					break;
				memmove(b + at + sl, b + at, len - at + 1);
				memcpy(b + at, sn, sl);
				len += sl;
				break;
			default:
				memmove(b + at, b + at + 1, len - at);
				len--;
				break;
			}
		}
		r = compare_readers(b, len);
		if (r > 0)
			(*taken)++;
		else if (r == 0)
			(*left)++;
		else
			(*bad)++;
	}
	free(b);
}

int main(void)
{
	struct application a, b;
	char receipt[WIRE_RECEIPT_MAX], err[160], big[400];
	json_t *o, *copy;
	char *text;

	sample(&a);
	o = wire_application_to_json(&a, "AEBTAKZ");
	CHECK("to-json", o != NULL);
	text = json_dumps(o, JSON_COMPACT);
	copy = json_loads(text, 0, NULL);
	free(text);
	CHECK_INT("roundtrip-reads", wire_application_from_json(copy, &b, receipt, sizeof(receipt), err, sizeof(err)), 0);
	CHECK("roundtrip-identical", memcmp(&a, &b, sizeof(a)) == 0);
	CHECK_STR("roundtrip-receipt", receipt, "AEBTAKZ");
	CHECK_STR("roundtrip-utf8-name", b.given_name, "Mario Ànge");
	json_decref(copy);

	copy = json_deep_copy(o);
	json_object_del(copy, "cf");
	CHECK_INT("missing-field-refused", reads(copy, err, sizeof(err)), -1);
	CHECK_STR("missing-field-named", err, "cf: missing");
	json_decref(copy);

	copy = json_deep_copy(o);
	json_object_del(copy, "phone");
	json_object_set_new(copy, "email", json_null());
	CHECK_INT("optional-fields-may-be-absent", reads(copy, err, sizeof(err)), 0);
	json_decref(copy);

	copy = json_deep_copy(o);
	json_object_set_new(copy, "seq", json_string("123"));
	CHECK_INT("wrong-type-refused", reads(copy, err, sizeof(err)), -1);
	CHECK_STR("wrong-type-named", err, "seq: not an integer");
	json_decref(copy);

	copy = json_deep_copy(o);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	json_object_set_new(copy, "email", json_string(big));
	CHECK_INT("too-long-refused", reads(copy, err, sizeof(err)), -1);
	CHECK_STR("too-long-named", err, "email: too long");
	json_decref(copy);

	copy = json_deep_copy(o);
	json_object_set_new(copy, "given_name", json_stringn("Ma\0rio", 6));
	CHECK_INT("nul-byte-refused", reads(copy, err, sizeof(err)), -1);
	json_decref(copy);

	copy = json_deep_copy(o);
	json_object_set_new(copy, "age", json_integer(-3));
	CHECK_INT("age-out-of-range", reads(copy, err, sizeof(err)), -1);
	json_object_set_new(copy, "age", json_integer(40));
	json_object_set_new(copy, "seq", json_integer(-1));
	CHECK_INT("seq-negative-refused", reads(copy, err, sizeof(err)), -1);
	json_object_set_new(copy, "seq", json_integer(1));
	json_object_set_new(copy, "sex", json_string("MF"));
	CHECK_INT("sex-one-character", reads(copy, err, sizeof(err)), -1);
	json_object_set_new(copy, "sex", json_string("F"));
	json_object_set_new(copy, "receipt", json_integer(5));
	CHECK_INT("receipt-must-be-string", reads(copy, err, sizeof(err)), -1);
	json_decref(copy);

	copy = json_array();
	CHECK_INT("array-is-not-a-record", reads(copy, err, sizeof(err)), -1);
	json_decref(copy);

	/* The plain-form batch reader. */
	{
		json_t *body = json_pack("{s:s, s:[O, O]}", "kiosk_id", "K03", "records", o, o);
		char *t = json_dumps(body, JSON_COMPACT), *t2;
		struct wire_record *w;
		size_t n;
		char kid[16];
		int taken = 0, left = 0, bad = 0;

		CHECK_INT("batch-read", wire_batch_read(t, strlen(t), kid, sizeof(kid), &w, &n), 0);
		CHECK_INT("batch-read-count", n, 2);
		CHECK_STR("batch-read-kiosk", kid, "K03");
		CHECK("batch-read-identical", n == 2 && !memcmp(&w[1].app, &a, sizeof(a)) &&
		      !strcmp(w[1].receipt, "AEBTAKZ"));
		wire_records_free(w, n);
		CHECK_INT("batch-read-agrees", compare_readers(t, strlen(t)), 1);
		t2 = malloc(strlen(t) + 64);
		/* Escapes and white space a JSON writer may produce. */
		snprintf(t2, strlen(t) + 64, "%s", "{ \"records\" : [ ], \"kiosk_id\" : \"K\\u0030\\/3\" }\n");
		CHECK_INT("batch-read-escapes", compare_readers(t2, strlen(t2)), 1);
		snprintf(t2, strlen(t) + 64, "%s", t);
		*strstr(t2, "\"lang\"") = 'X';
		CHECK_INT("batch-read-unknown-field-left", compare_readers(t2, strlen(t2)), 0);
		snprintf(t2, strlen(t) + 64, "%.*s,\"age\":41}]}", (int)(strrchr(t, '}') - t - 2), t);
		CHECK_INT("batch-read-duplicate-key-left", compare_readers(t2, strlen(t2)), 0);
		snprintf(t2, strlen(t) + 64, "%s x", t);
		CHECK_INT("batch-read-trailing-left", compare_readers(t2, strlen(t2)), 0);
		mutations(t, 30000, &taken, &left, &bad);
		printf("# mutated bodies: %d read the same by both, %d left to jansson, %d disagree\n",
		       taken, left, bad);
		CHECK_INT("batch-read-never-disagrees", bad, 0);
		CHECK("batch-read-mutations-exercise-both", taken > 1000 && left > 1000);
		free(t2);
		free(t);
		json_decref(body);
	}
	json_decref(o);
	return check_done();
}

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * core/wire: an application survives the trip to JSON and back exactly;
 * the reader refuses what a hostile or broken kiosk could send (missing
 * fields, wrong types, over-long strings, NUL bytes, out-of-range
 * numbers) with the field named in the error.
 */
#include <stdlib.h>
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
	json_decref(o);
	return check_done();
}

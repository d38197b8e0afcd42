/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * libFuzzer target: the body of POST /v1/applications, as the hub reads
 * it (reports/hub/api.c post_applications). Both readers get every
 * input: the plain-form reader wire_batch_read() and the jansson path
 * (json_loadb + wire_application_from_json per record). Besides the
 * sanitizers, it checks what the hub relies on:
 *  - when the plain-form reader takes a body, jansson reads the same
 *    kiosk_id and the same records, field for field (core/wire.h);
 *  - a record either reader accepts survives wire_application_to_json()
 *    and back unchanged;
 *  - the hub's checks of names, phone and e-mail never accept a name
 *    with a bidi override or a phone without 6 to 15 digits.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/application.h"
#include "core/util.h"
#include "core/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The hub's own checks of the citizen's words (core/application.h). */
static void words(const struct application *a)
{
	const char *names[2] = { a->given_name, a->family_name }, *p;
	int i, digits = 0;

	for (i = 0; i < 2; i++)
		if (application_name_ok(names[i]) &&
		    (strlen(names[i]) > NAME_MAX_LEN || strstr(names[i], "\xe2\x80\xae") ||
		     strchr(names[i], '\n'))) {
			fprintf(stderr, "name accepted with an override or too long\n");
			abort();
		}
	if (application_phone_ok(a->phone) && *a->phone) {
		for (p = a->phone; *p; p++)
			digits += *p >= '0' && *p <= '9';
		if (digits < 6 || digits > 15)
			abort();
	}
	if (application_email_ok(a->email) && *a->email && !strchr(a->email, '@'))
		abort();
}

static void round_trip(const struct application *a, const char *receipt)
{
	struct application b;
	char back[WIRE_RECEIPT_MAX], err[160];
	json_t *o = wire_application_to_json(a, receipt);

	if (!o)
		abort();
	if (wire_application_from_json(o, &b, back, sizeof(back), err, sizeof(err)) ||
	    memcmp(a, &b, sizeof(b)) || strcmp(receipt, back)) {
		fprintf(stderr, "record does not survive JSON and back: %s\n", err);
		abort();
	}
	json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The hub hands handlers a NUL-terminated body (reports/web/http.h). */
	char *body = malloc(size + 1);
	struct wire_record *w = NULL;
	struct application a;
	char kid[32], receipt[WIRE_RECEIPT_MAX], err[160];
	const char *k;
	json_error_t je;
	json_t *o, *recs;
	size_t n = 0, i;
	int fast;

	if (!body)
		return 0;
	memcpy(body, data, size);
	body[size] = '\0';
	fast = wire_batch_read(body, size, kid, sizeof(kid), &w, &n);
	if (fast < 0)
		abort();
	o = json_loadb(body, size, JSON_REJECT_DUPLICATES, &je);
	recs = json_object_get(o, "records");
	k = json_string_value(json_object_get(o, "kiosk_id"));
	if (fast == 0) {
		if (!json_is_object(o) || !json_is_array(recs) || !k || strcmp(k, kid) ||
		    json_array_size(recs) != n) {
			fprintf(stderr, "plain-form reader took a body jansson reads otherwise\n");
			abort();
		}
	}
	for (i = 0; i < json_array_size(recs); i++) {
		if (wire_application_from_json(json_array_get(recs, i), &a, receipt, sizeof(receipt),
					       err, sizeof(err))) {
			if (fast == 0) {
				fprintf(stderr, "record %zu: plain form took it, jansson says %s\n", i,
					err);
				abort();
			}
			continue;
		}
		if (fast == 0 && (memcmp(&a, &w[i].app, sizeof(a)) || strcmp(receipt, w[i].receipt))) {
			fprintf(stderr, "record %zu: the readers disagree\n", i);
			abort();
		}
		words(&a);
		round_trip(&a, receipt);
	}
	json_decref(o);
	if (fast == 0)
		wire_records_free(w, n);
	free(body);
	return 0;
}

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Small helpers for the unit tests that work on a hub database through
 * reports/store: ARGS() for a statement's parameters, one() for a single
 * value, and fixture_application() for an application row like the
 * kiosk's (test_selection, test_replacement).
 */
#ifndef DOTE_TESTS_STORE_FIXTURE_H
#define DOTE_TESTS_STORE_FIXTURE_H
#include <stdio.h>
#include "reports/store/store.h"

#define ARGS(...) (&(struct store_args){ .v = { __VA_ARGS__ }, \
	.n = (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *)) })

/* The first column of the first row of sql (one parameter, or none when
 * arg is NULL), or "(none)"; the buffer is reused by the next call. */
static inline const char *one(struct store *s, const char *sql, const char *arg)
{
	static char buf[2048];

	if (store_text(s, sql, arg ? ARGS(arg) : NULL, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "(none)");
	return buf;
}

/* Application n (1..) to placement of comune, from kiosk K01 in call 1,
 * submitted on 2026-03-01 at 09:n, status received: uuid u-n, protocol
 * P-n, codice fiscale CF000...n, Anna Rossi; e-mail pn@example.it when
 * own_mail, else a@example.it. */
static inline void fixture_application(struct store *s, int n, const char *comune, const char *placement,
				       int own_mail)
{
	char uuid[40], proto[40], seq[8], at[32], cf[20], mail[40];

	snprintf(uuid, sizeof(uuid), "u-%d", n);
	snprintf(proto, sizeof(proto), "P-%d", n);
	snprintf(seq, sizeof(seq), "%d", n);
	snprintf(at, sizeof(at), "2026-03-01T09:%02d:00Z", n);
	snprintf(cf, sizeof(cf), "CF%014d", n);
	if (own_mail)
		snprintf(mail, sizeof(mail), "p%d@example.it", n);
	else
		snprintf(mail, sizeof(mail), "a@example.it");
	store_exec(s, "INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id, placement_code, comune,"
		      " cf_hash, cf, given_name, family_name, phone, email, sex, birth_date, age, birthplace,"
		      " residence, applicant_status, education, submitted_at, status)"
		      " VALUES (?1, ?2, 'K01', ?3, 1, ?4, ?5, ?1, ?6, 'Anna', 'Rossi', '333', ?8,"
		      " 'F', '1990-01-01', 36, 'F205', '015146', 'unemployed', 'master', ?7, 'received')",
		   ARGS(uuid, proto, seq, placement, comune, cf, at, mail));
}
#endif

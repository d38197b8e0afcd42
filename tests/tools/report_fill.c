/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * report_fill: the same hub data, reproducibly, in a SQLite or a
 * PostgreSQL hub database, through the hub's own storage code
 * (reports/store/store.h), so the rollups are kept the way a running hub keeps
 * them. For tests/e2e/report_pg_hub.sh: two hubs filled with the same
 * seed must give the same reports.
 *
 *   report_fill URL N SEED
 *
 * Writes two calls with placements in comuni of several provinces and
 * regions, enrols one kiosk per comune, ingests N applications in
 * batches of 100 (submitted through 2025, some people twice to the same
 * call: duplicates), moves some through selected, started, completed
 * and dropped_out, and sends kiosk usage counts (the funnel).
 *
 * The hub believes a record's submission time only within its offline
 * allowance (reports/hub/README.md): the clock (DOTE_NOW) is moved to
 * 2025 for enrolment and usage, and each batch holds one kiosk's month
 * and is sent at the end of that month.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "core/comuni.h"
#include "core/model.h"
#include "core/wire.h"
#include "reports/store/rollup.h"
#include "reports/store/store.h"
#include "tests/tools/gen.h"

static const char *const comuni[] = {
	"015146", "015010", "015002", "016024", "017029", "001272", "063049", "058091",
};
enum { N_COMUNI = sizeof(comuni) / sizeof(comuni[0]), PLACEMENTS = 3, MONTHS = 12 };

static int catalog(struct store *s)
{
	static const char *const areas[] = { "registry", "library", "social", "technical", "culture" };
	char id[24], code[40], seats[8], call[4];
	int i, c, k;

	if (store_begin(s))
		return -1;
	for (k = 1; k <= 2; k++) {
		snprintf(call, sizeof(call), "%d", k);
		if (store_exec(s, "INSERT INTO call(id, code, title, region, opens, deadline, rules, status)"
				  " VALUES (CAST(?1 AS INTEGER), ?2, ?3, 'Italia', '2025-01-01', '2025-12-31', '{}',"
				  " 'open') ON CONFLICT (id) DO NOTHING",
			       &(struct store_args){ { call, k == 1 ? "6/2025" : "7/2025",
						       k == 1 ? "Dote Comune 2025" : "Dote Comune <estate> & co" }, 3 }) < 0)
			goto fail;
	}
	for (c = 0; c < (int)N_COMUNI; c++)
		for (k = 1; k <= 2; k++)
			for (i = 0; i < PLACEMENTS; i++) {
				snprintf(call, sizeof(call), "%d", k);
				snprintf(id, sizeof(id), "%d", (c * 2 + k) * 10 + i);
				snprintf(code, sizeof(code), "R%d-%s-%d", k, comuni[c], i);
				snprintf(seats, sizeof(seats), "%d", 1 + (c + i + k) % 4);
				if (store_exec(s, "INSERT INTO placement(id, code, call_id, comune, area, office, title,"
						  " description, requirements, address, months, hours_week, allowance_eur,"
						  " qrsp, seats, deadline, status, updated_at) VALUES (CAST(?1 AS INTEGER),"
						  " ?2, CAST(?3 AS INTEGER), ?4, ?5, ?6, 'Tirocinio', '', '', 'Piazza 1', 6,"
						  " 20, 400, 'QRSP', CAST(?7 AS INTEGER), '2025-12-31', 'open', '2025-01-01')"
						  " ON CONFLICT (id) DO NOTHING",
					       &(struct store_args){ { id, code, call, comuni[c], areas[(c + i) % 5],
								       i == 2 ? "Ufficio \"Tecnico\"" : "Segreteria",
								       seats }, 7 }) < 0)
					goto fail;
			}
	return store_commit(s);
fail:
	store_rollback(s);
	return -1;
}

/* Application n of seed: the person, the comune, call and placement,
 * the date; every 7th is an earlier person again (a duplicate when the
 * call, every third application apart, is the same). */
static void application(struct application *a, uint64_t seed, int n, const struct store_kiosk *k, int c,
			int64_t seq)
{
	char date[11];
	int person = n % 7 == 6 ? n - 6 : n, month = 1 + n % 11, call = 1 + (n / 3) % 2;
	uint64_t r = gen_mix(seed * 7919u + (uint64_t)n);

	memset(a, 0, sizeof(*a));
	snprintf(a->submitted_at, sizeof(a->submitted_at), "2025-%02d-%02dT%02d:%02d:%02dZ", month, 1 + n % 28,
		 8 + n % 10, n % 60, (n / 60) % 60);
	memcpy(date, a->submitted_at, 10);
	date[10] = '\0';
	gen_person(a, seed, (uint64_t)person, date);
	snprintf(a->uuid, sizeof(a->uuid), "%08llx-%04x-7%03x-8%03x-%012llx", (unsigned long long)(seed & 0xffffffff),
		 (unsigned)(n >> 12) & 0xffff, (unsigned)n & 0xfff, (unsigned)(r & 0xfff),
		 (unsigned long long)((r >> 12) & 0xffffffffffffull));
	str_copy(a->kiosk_id, sizeof(a->kiosk_id), k->id);
	str_copy(a->comune, sizeof(a->comune), comuni[c]);
	a->seq = seq;
	a->call_id = call;
	snprintf(a->placement_code, sizeof(a->placement_code), "R%d-%s-%d", call, comuni[c], (int)((r >> 20) % PLACEMENTS));
	snprintf(a->protocol, sizeof(a->protocol), "DC-%s-%s-%.4s-%06lld", comuni[c], k->id, date, (long long)seq);
	str_copy(a->applicant_status, sizeof(a->applicant_status),
		 applicant_statuses[(r >> 30) % applicant_statuses_n].key);
	str_copy(a->education, sizeof(a->education), education_levels[(r >> 34) % education_levels_n].key);
	str_copy(a->residence, sizeof(a->residence), comuni[(c + (int)((r >> 38) % 3)) % N_COMUNI]);
	str_copy(a->status, sizeof(a->status), "received");
}

/* Records an outcome as the comune's procedure leaves it (requirements,
 * interview, score and the final ranking are not what the reports
 * count): the status, its history row and the rollups, through the same
 * upkeep a status change takes in reports/store/selection.c. The data
 * is the statistics' fixture, not a selection to check. 0 or -1. */
static int fill_status(struct store *s, const char *uuid, const char *from, const char *to)
{
	char now[32];
	struct store_args a = { { to, uuid, now }, 3, 0 }, h = { { uuid, to, now }, 3, 0 },
			  r = { { uuid, from, to }, 3, 0 };
	int i;

	time_iso(now_wall(), now, sizeof(now));	/* as a clerk's change would stamp it */

	if (store_begin(s))
		return -1;
	if (store_exec(s, "UPDATE application SET status = ?1, status_at = ?3 WHERE uuid = ?2", &a) != 1 ||
	    store_exec(s, "INSERT INTO status_history(uuid, status, at, by, note) VALUES (?1, ?2, ?3,"
			  " 'report_fill', '')", &h) != 1)
		goto fail;
	if (!store_is_pg(s)) {
		if (rollup_apply_status(s->conn, uuid, from, to))
			goto fail;
	} else {
		for (i = 0; rollup_status_sql[i]; i++)
			if (store_exec(s, rollup_status_sql[i], &r) < 0)
				goto fail;
	}
	return store_commit(s);
fail:
	store_rollback(s);
	return -1;
}

int main(int argc, char **argv)
{
	struct store *s;
	struct store_kiosk kiosks[N_COMUNI];
	unsigned char pkbin[32], sk[N_COMUNI][64];
	int64_t seq[N_COMUNI] = { 0 };
	json_t *batch[N_COMUNI * MONTHS] = { NULL };
	char clock[24];
	uint64_t seed;
	int n, i, c, stored = 0, rc = 1;
	char code[32], token[80], pk[65], receipt[RECEIPT_TOKEN_MAX];

	if (argc != 4) {
		fprintf(stderr, "usage: report_fill URL N SEED\n");
		return 2;
	}
	n = atoi(argv[2]);
	seed = strtoull(argv[3], NULL, 10);
	s = store_open(argv[1]);
	if (!s || catalog(s))
		goto out;
	setenv("DOTE_NOW", "1735689600", 1);	/* 2025-01-01 */
	for (c = 0; c < (int)N_COMUNI; c++) {
		if (!comune_by_istat(comuni[c])) {
			fprintf(stderr, "report_fill: comune %s unknown\n", comuni[c]);
			goto out;
		}
		gen_kiosk_key(comuni[c], pkbin, sk[c], pk);
		if (store_enroll_code_create(s, comuni[c], 3600, code, sizeof(code)) ||
		    store_enroll(s, code, pk, "test", &kiosks[c], token, sizeof(token)) != 0)
			goto out;
	}
	for (i = 0; i < (int)(N_COMUNI * MONTHS); i++)
		batch[i] = json_array();
	for (i = 0; i <= n; i++) {
		c = i < n ? (int)(gen_mix(seed + (uint64_t)i * 31u) % N_COMUNI) : -1;
		if (c >= 0) {
			struct application a;
			application(&a, seed, i, &kiosks[c], c, ++seq[c]);
			if (gen_receipt(&a, comuni[c], sk[c], receipt, sizeof(receipt)))
				goto out;
			json_array_append_new(batch[c * MONTHS + atoi(a.submitted_at + 5) - 1],
					      wire_application_to_json(&a, receipt));
		}
		for (int k = 0; k < (int)(N_COMUNI * MONTHS); k++) {
			json_t *resp = NULL;
			if (!json_array_size(batch[k]) || (json_array_size(batch[k]) < 100 && c >= 0))
				continue;
			/* The 28th of the month at 23:59:59 UTC: after every
			 * record of the month (days 1 to 28), within 30 days. */
			{
				struct tm tm = { .tm_year = 125, .tm_mon = k % MONTHS, .tm_mday = 28,
						 .tm_hour = 23, .tm_min = 59, .tm_sec = 59 };
				snprintf(clock, sizeof(clock), "%lld", (long long)timegm(&tm));
			}
			setenv("DOTE_NOW", clock, 1);
			if (store_ingest(s, &kiosks[k / MONTHS], batch[k], NULL, &resp))
				goto out;
			stored += (int)json_integer_value(json_object_get(resp, "stored"));
			if (json_integer_value(json_object_get(resp, "rejected"))) {
				char *text = json_dumps(resp, JSON_COMPACT);
				fprintf(stderr, "report_fill: rejected: %s\n", text ? text : "");
				free(text);
				json_decref(resp);
				goto out;
			}
			json_decref(resp);
			json_array_clear(batch[k]);
		}
	}
	unsetenv("DOTE_NOW");
	/* Outcomes, in the order a comune records them. */
	for (i = 0; i < n; i += 3) {
		const char *path[3];
		struct application a;
		int np = 0;
		path[np++] = "selected";
		if (i % 6 == 0)
			path[np++] = "started";
		if (i % 12 == 0)
			path[np++] = "completed";
		else if (i % 18 == 0)
			path[np++] = "dropped_out";
		c = (int)(gen_mix(seed + (uint64_t)i * 31u) % N_COMUNI);
		application(&a, seed, i, &kiosks[c], c, 1);
		for (int step = 0; step < np; step++)
			if (fill_status(s, a.uuid, step ? path[step - 1] : "received", path[step])) {
				fprintf(stderr, "report_fill: status %s failed\n", path[step]);
				goto out;
			}
	}
	/* Kiosk usage counts: the funnel. */
	for (c = 0; c < (int)N_COMUNI; c++) {
		json_t *usage = json_array(), *body, *resp = NULL;
		static const char *const events[] = { "session", "view", "form", "submit" };
		for (int m = 1; m <= 6; m++)
			for (int e = 0; e < 4; e++) {
				char day[11];
				snprintf(day, sizeof(day), "2025-%02d-1%d", m, c % 10);
				json_array_append_new(usage, json_pack("{s:s, s:s, s:i}", "day", day, "event", events[e],
								       "n", (40 - 9 * e) * (c + 1) + m));
			}
		body = json_pack("{s:s, s:i, s:s, s:o}", "version", "test", "queue_depth", 0, "printer", "ok",
				 "usage", usage);
		setenv("DOTE_NOW", "1767139200", 1);	/* 2025-12-31 */
		if (store_heartbeat(s, &kiosks[c], body, &resp)) {
			json_decref(body);
			goto out;
		}
		unsetenv("DOTE_NOW");
		json_decref(body);
		json_decref(resp);
	}
	printf("stored %d\n", stored);
	rc = 0;
out:
	for (c = 0; c < (int)(N_COMUNI * MONTHS); c++)
		json_decref(batch[c]);
	store_close(s);
	return rc;
}

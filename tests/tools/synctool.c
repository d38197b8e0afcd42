/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * synctool: the hub and sync end-to-end tests' helper, built on the real
 * modules (reports/store/store.h, core/application.h, kiosk/sync.h).
 *   synctool catalog HUBDB COMUNE N [DEADLINE]  a call + N open placements at the hub
 *   synctool submit KIOSKDB STATEDIR N SEED [FIRST]  N applications via application_submit
 *   synctool sync KIOSKDB STATEDIR URL COMUNE CODE|- SECONDS
 *       runs the kiosk's sync thread until the outbox is empty and the
 *       catalog is in (exit 0) or SECONDS pass (exit 1); prints the status;
 *       $SYNCTOOL_CA_FILE is the kiosk's ca_file (TLS test)
 *   synctool count HUBDB  'applications N uuids N duplicates N'
 *   synctool kiosk-db KIOSKDB  counts on a kiosk: outbox, acked, personal
 *   synctool batch KIOSK COMUNE N SEED FIRST SEQ0 PLACEMENT CALL_ID
 *       prints a POST /v1/applications body of N valid records, each
 *       with its receipt token signed by KIOSK's test key; a PLACEMENT
 *       with a run of '#' names one placement per record: the run
 *       replaced by 1, 2, ... N, zero-padded ('DC06-015146-###');
 *       submitted now, or at $DOTE_NOW (a kiosk's clock)
 *   synctool key KIOSK  the public key (hex) of KIOSK's test key, to enrol it
 *   synctool sql HUBDB SQL [ARG...]  runs SQL (?1.. = ARGs), prints rows 'a|b|c'
 * HUBDB may be a SQLite path or a postgres:// URL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/datetime.h"
#include "core/db.h"
#include "core/identity.h"
#include "core/wire.h"
#include "kiosk/sync.h"
#include "reports/store/store.h"
#include "tests/tools/gen.h"

static int catalog(const char *url, const char *comune, int n, const char *deadline)
{
	struct store *s = store_open(url);
	char id[16], code[40], title[64], today[11];
	int i, rc = 1;

	if (!s)
		return 1;
	time_date(now_wall(), today, sizeof(today));
	if (store_begin(s))
		goto out;
	if (store_exec(s, "INSERT INTO call(id, code, title, region, opens, deadline, rules, status)"
			  " VALUES (1, '6/2025', 'Dote Comune test', 'Lombardia', '2020-01-01', ?1, '{}',"
			  " 'open') ON CONFLICT (id) DO NOTHING",
		       &(struct store_args){ { deadline }, 1 }) < 0)
		goto fail;
	for (i = 1; i <= n; i++) {
		snprintf(id, sizeof(id), "%d", atoi(comune) * 1000 + i);
		snprintf(code, sizeof(code), "DC06-%s-%03d", comune, i);
		snprintf(title, sizeof(title), "Sportello %d <b>&amp;</b>", i);
		if (store_exec(s, "INSERT INTO placement(id, code, call_id, comune, area, office, title,"
				  " description, requirements, address, months, hours_week, allowance_eur,"
				  " qrsp, seats, deadline, status, updated_at) VALUES (?1, ?2, 1, ?3,"
				  " 'registry', 'Ufficio Anagrafe', ?4, 'desc', '', 'Piazza 1', 12, 20, 500,"
				  " 'QRSP', 3, ?5, 'open', ?6) ON CONFLICT (id) DO NOTHING",
			       &(struct store_args){ { id, code, comune, title, deadline, today }, 6 }) < 0)
			goto fail;
	}
	if (store_commit(s))
		goto fail;
	rc = 0;
	goto out;
fail:
	store_rollback(s);
out:
	store_close(s);
	return rc;
}

static int submit(const char *dbpath, const char *dir, int n, uint64_t seed, uint64_t first)
{
	sqlite3 *db = db_open(dbpath, DB_SYNC_FULL);
	struct kiosk_identity id;
	struct application a;
	char token[512], err[160], today[11];
	char codes[64][32];
	int64_t calls[64];
	int ncodes = 0, i, rc = 1, ok = 0;
	sqlite3_stmt *st;

	if (!db || identity_load(dir, &id))
		goto out;
	st = db_prepare(db, "SELECT code, call_id FROM placement WHERE status = 'open' ORDER BY code LIMIT 64");
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		db_col_copy(st, 0, codes[ncodes], sizeof(codes[0]));
		calls[ncodes++] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (!ncodes) {
		fprintf(stderr, "synctool: no open placement in the kiosk database\n");
		goto out;
	}
	time_date(now_wall(), today, sizeof(today));
	for (i = 0; i < n; i++) {
		enum submit_result r;

		memset(&a, 0, sizeof(a));
		gen_person(&a, seed, first + (uint64_t)i, today);
		str_copy(a.kiosk_id, sizeof(a.kiosk_id), id.id);
		str_copy(a.placement_code, sizeof(a.placement_code), codes[i % ncodes]);
		a.call_id = calls[i % ncodes];
		str_copy(a.comune, sizeof(a.comune), id.comune);
		r = application_submit(db, &id, &a, token, sizeof(token), err, sizeof(err));
		if (r != SUBMIT_OK) {
			fprintf(stderr, "synctool: submit %d failed (%d): %s\n", i, (int)r, err);
			goto out;
		}
		ok++;
	}
	rc = 0;
out:
	printf("submitted %d\n", ok);
	db_close(db);
	return rc;
}

static int run_sync(const char *dbpath, const char *dir, const char *url, const char *comune,
		    const char *code, int seconds)
{
	struct sync_config cfg = {
		.db_path = dbpath, .state_dir = dir, .hub_url = url,
		.ca_file = getenv("SYNCTOOL_CA_FILE") ? getenv("SYNCTOOL_CA_FILE") : "",
		.comune = comune, .catalog_minutes = 60, .heartbeat_seconds = 1,
		.enroll_code = strcmp(code, "-") ? code : "",
	};
	struct sync_status st;
	struct sync *s = sync_start(&cfg);
	int64_t end = now_ms() + (int64_t)seconds * 1000;
	int rc = 1, quiet_ok = 0;

	if (!s)
		return 2;
	sync_set_health(s, "ok", 16);
	while (now_ms() < end) {
		usleep(100 * 1000);
		sync_get_status(s, &st);
		/* Done once the outbox is empty and it has stayed so through a
		 * few successful contacts (catalog in, heartbeat sent). */
		if (st.outbox_depth == 0 && st.catalog_wall && st.last_ok_wall && st.hub_reachable) {
			if (++quiet_ok >= 8) {
				rc = 0;
				break;
			}
		} else {
			quiet_ok = 0;
		}
	}
	sync_get_status(s, &st);
	printf("outbox %lld reachable %d catalog %lld error '%s'\n", (long long)st.outbox_depth,
	       st.hub_reachable, (long long)st.catalog_wall, st.last_error);
	sync_stop(s);
	return rc;
}

static int count(const char *url)
{
	struct store *s = store_open(url);
	struct store_res *r;

	if (!s || store_query(s, "SELECT count(*), count(DISTINCT uuid), count(duplicate_of)"
				 " FROM application", NULL, &r)) {
		store_close(s);
		return 1;
	}
	printf("applications %s uuids %s duplicates %s\n", store_res_get(r, 0, 0),
	       store_res_get(r, 0, 1), store_res_get(r, 0, 2));
	store_res_free(r);
	store_close(s);
	return 0;
}

static int kiosk_db(const char *path)
{
	sqlite3 *db = db_open(path, DB_SYNC_NORMAL);

	if (!db)
		return 1;
	printf("outbox %lld acked %lld personal %lld placements %lld\n",
	       (long long)db_int(db, "SELECT count(*) FROM outbox", NULL, -1),
	       (long long)db_int(db, "SELECT count(*) FROM application WHERE acked_at IS NOT NULL", NULL, -1),
	       (long long)db_int(db, "SELECT count(*) FROM application WHERE cf IS NOT NULL OR"
				 " given_name IS NOT NULL OR family_name IS NOT NULL OR phone IS NOT NULL"
				 " OR email IS NOT NULL OR birth_date IS NOT NULL", NULL, -1),
	       (long long)db_int(db, "SELECT count(*) FROM placement", NULL, -1));
	db_close(db);
	return 0;
}

static int batch(char **argv)
{
	json_t *recs = json_array(), *o;
	struct application a;
	unsigned char pk[32], sk[64];
	char token[RECEIPT_TOKEN_MAX], placement[32], *hashes;
	int i, n = atoi(argv[2]);
	char *text;

	gen_kiosk_key(argv[0], pk, sk, NULL);
	for (i = 0; i < n; i++) {
		str_copy(placement, sizeof(placement), argv[6]);
		hashes = strchr(placement, '#');
		if (hashes) {
			char digits[24];
			size_t w = strspn(hashes, "#"), len;

			snprintf(digits, sizeof(digits), "%0*d", (int)w, i + 1);
			len = strlen(digits);
			if (len == w)
				memcpy(hashes, digits, w);
		}
		gen_application(&a, strtoull(argv[3], NULL, 10), strtoull(argv[4], NULL, 10) + (uint64_t)i,
				argv[0], argv[1], atoll(argv[5]) + i, atoll(argv[7]), placement);
		if (gen_receipt(&a, argv[1], sk, token, sizeof(token)))
			return 1;
		json_array_append_new(recs, wire_application_to_json(&a, token));
	}
	sodium_memzero(sk, sizeof(sk));
	o = json_pack("{s:s, s:o}", "kiosk_id", argv[0], "records", recs);
	text = json_dumps(o, JSON_COMPACT);
	puts(text);
	free(text);
	json_decref(o);
	return 0;
}

static int sql(const char *url, const char *q, int argc, char **argv)
{
	struct store *s = store_open(url);
	struct store_args a = { .n = argc };
	struct store_res *r;
	int i, j;

	for (i = 0; i < argc && i < 32; i++)
		a.v[i] = argv[i];
	if (!s || store_query(s, q, &a, &r)) {
		store_close(s);
		return 1;
	}
	for (i = 0; i < store_res_rows(r); i++) {
		for (j = 0; j < store_res_cols(r); j++) {
			const char *v = store_res_get(r, i, j);

			printf("%s%s", j ? "|" : "", v ? v : "");
		}
		printf("\n");
	}
	store_res_free(r);
	store_close(s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 10 && !strcmp(argv[1], "batch"))
		return batch(argv + 2);
	if (argc >= 4 && !strcmp(argv[1], "sql"))
		return sql(argv[2], argv[3], argc - 4, argv + 4);
	if (argc >= 5 && !strcmp(argv[1], "catalog"))
		return catalog(argv[2], argv[3], atoi(argv[4]), argc > 5 ? argv[5] : "2099-12-31");
	if (argc >= 6 && !strcmp(argv[1], "submit"))
		return submit(argv[2], argv[3], atoi(argv[4]), strtoull(argv[5], NULL, 10),
			      argc > 6 ? strtoull(argv[6], NULL, 10) : 0);
	if (argc == 8 && !strcmp(argv[1], "sync"))
		return run_sync(argv[2], argv[3], argv[4], argv[5], argv[6], atoi(argv[7]));
	if (argc == 3 && !strcmp(argv[1], "key")) {
		unsigned char pk[32], sk[64];
		char hex[65];

		gen_kiosk_key(argv[2], pk, sk, hex);
		puts(hex);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "count"))
		return count(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "kiosk-db"))
		return kiosk_db(argv[2]);
	fprintf(stderr, "usage: see tests/tools/synctool.c\n");
	return 2;
}

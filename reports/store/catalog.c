/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The catalog a kiosk downloads (store_catalog: a comune's open calls
 * and placements as JSON, with an ETag so an unchanged catalog costs a
 * 304; each placement's count of applications is the protected one,
 * applied_protected), and store_catalog_copy(), which fills a PostgreSQL hub's calls
 * and placements from a SQLite catalog database.
 *
 * Start reading at store_catalog().
 */
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include "core/db.h"
#include "core/util.h"
#include "core/datetime.h"
#include "reports/store/sdc_keys.h"
#include "reports/store/store.h"
#include "reports/store/store_internal.h"

/* A JSON object of row i of r; spec has one letter per column, 's' text
 * or 'i' integer, names the column names. */
static json_t *row_json(const struct store_res *r, int i, const char *spec,
			const char *const *names)
{
	json_t *o = json_object();
	int c;

	for (c = 0; spec[c]; c++) {
		const char *v = store_res_get(r, i, c);

		if (!v)
			json_object_set_new(o, names[c], json_null());
		else if (spec[c] == 'i')
			json_object_set_new(o, names[c], json_integer(atoll(v)));
		else
			json_object_set_new(o, names[c], json_string(v));
	}
	return o;
}

static const char *const call_cols[] = {
	"id", "code", "title", "region", "opens", "deadline", "rules", "status",
};
static const char *const placement_cols[] = {
	"id", "code", "call_id", "comune", "area", "office", "title", "description",
	"requirements", "address", "months", "hours_week", "allowance_eur", "qrsp", "seats",
	"applied", "deadline", "status", "updated_at",
};

/*
 * Sets every placement's `applied` in pls (ordered by code) to the
 * published count of its applications: protect(count, sum of record
 * keys), the cell report --dims placement perturbs, read from the
 * application rows of the comune (index application_comune) in the same
 * order. 0 or -1.
 */
static int applied_protected(struct store *s, const char *comune, store_count_protect protect, json_t *pls)
{
	struct store_res *r = NULL;
	size_t i;
	int j = 0, n;

	if (!store_is_pg(s) && sdc_sqlite_register(s->conn))
		return -1;
	if (store_query(s, "SELECT placement_code, COUNT(*), SUM(dote_rkey(uuid)) FROM application"
			   " WHERE comune = ?1 GROUP BY placement_code ORDER BY placement_code",
			ARGS(comune), &r))
		return -1;
	n = store_res_rows(r);
	for (i = 0; i < json_array_size(pls); i++) {
		json_t *p = json_array_get(pls, i);
		const char *code = json_string_value(json_object_get(p, "code"));
		int64_t count = 0;
		uint64_t key = 0;

		while (code && j < n && strcmp(store_res_get(r, j, 0), code) < 0)
			j++;
		if (code && j < n && !strcmp(store_res_get(r, j, 0), code)) {
			count = atoll(store_res_get(r, j, 1));
			key = strtoull(store_res_get(r, j, 2), NULL, 10);
		}
		json_object_set_new(p, "applied", json_integer(protect ? protect(count, key) : count));
	}
	store_res_free(r);
	return 0;
}

int store_catalog(struct store *s, const char *comune, store_count_protect protect, json_t **catalog,
		  char *etag, size_t esize)
{
	struct store_res *r = NULL;
	json_t *o = json_object(), *calls = json_array(), *pls = json_array();
	unsigned char h[crypto_hash_sha256_BYTES];
	char today[11], hx[65];
	char *text = NULL;
	int i, rc = -1;

	*catalog = NULL;
	time_date(now_wall(), today, sizeof(today));
	if (store_query(s, "SELECT id, code, title, region, opens, deadline, rules, status FROM call"
			   " WHERE status = 'open' AND deadline >= ?2 AND id IN (SELECT call_id FROM"
			   " placement p WHERE p.comune = ?1 AND p.status = 'open' AND p.deadline >= ?2"
			   " AND NOT EXISTS (SELECT 1 FROM ranking_final f WHERE f.placement_code = p.code))"
			   " ORDER BY id", ARGS(comune, today), &r))
		goto out;
	for (i = 0; i < store_res_rows(r); i++)
		json_array_append_new(calls, row_json(r, i, "isssssss", call_cols));
	store_res_free(r);
	if (store_query(s, "SELECT p.id, p.code, p.call_id, p.comune, p.area, p.office, p.title,"
			   " p.description, p.requirements, p.address, p.months, p.hours_week,"
			   " p.allowance_eur, p.qrsp, p.seats, p.applied, p.deadline, p.status,"
			   " p.updated_at FROM placement p JOIN call c ON c.id = p.call_id"
			   " WHERE p.comune = ?1 AND p.status = 'open' AND p.deadline >= ?2"
			   " AND NOT EXISTS (SELECT 1 FROM ranking_final f WHERE f.placement_code = p.code)"
			   " AND c.status = 'open' AND c.deadline >= ?2 ORDER BY p.code",
			ARGS(comune, today), &r))
		goto out;
	for (i = 0; i < store_res_rows(r); i++)
		json_array_append_new(pls, row_json(r, i, "isisssssssiiisiisss", placement_cols));
	if (applied_protected(s, comune, protect, pls))
		goto out;
	json_object_set_new(o, "comune", json_string(comune));
	json_object_set(o, "calls", calls);
	json_object_set(o, "placements", pls);
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		goto out;
	crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
	store_hex(h, 16, hx);
	snprintf(etag, esize, "\"%s\"", hx);
	*catalog = o;
	o = NULL;
	rc = 0;
out:
	store_res_free(r);
	json_decref(o);
	json_decref(calls);
	json_decref(pls);
	free(text);
	return rc;
}

/* What store_catalog_copy() copies, table by table (calls first: the
 * placements refer to them): the rows read from the SQLite catalog and
 * the statement that inserts or updates each one by id. */
static const struct catalog_table {
	const char *select;
	const char *upsert;
	int cols;
	int counted;		/* its rows are what store_catalog_copy returns */
} catalog_tables[] = {
	{ "SELECT id, code, title, region, opens, deadline, rules, status FROM call",
	  "INSERT INTO call(id, code, title, region, opens, deadline, rules, status) VALUES (?1, ?2,"
	  " ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) DO UPDATE SET code = excluded.code,"
	  " title = excluded.title, region = excluded.region, opens = excluded.opens,"
	  " deadline = excluded.deadline, rules = excluded.rules, status = excluded.status", 8, 0 },
	{ "SELECT id, code, call_id, comune, area, office, title, description, requirements, address,"
	  " months, hours_week, allowance_eur, qrsp, seats, deadline, status, updated_at FROM placement",
	  "INSERT INTO placement(id, code, call_id, comune, area, office, title, description,"
	  " requirements, address, months, hours_week, allowance_eur, qrsp, seats, deadline, status,"
	  " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
	  " ?17, ?18) ON CONFLICT (id) DO UPDATE SET code = excluded.code, call_id = excluded.call_id,"
	  " comune = excluded.comune, area = excluded.area, office = excluded.office,"
	  " title = excluded.title, description = excluded.description,"
	  " requirements = excluded.requirements, address = excluded.address,"
	  " months = excluded.months, hours_week = excluded.hours_week,"
	  " allowance_eur = excluded.allowance_eur, qrsp = excluded.qrsp, seats = excluded.seats,"
	  " deadline = excluded.deadline, status = excluded.status, updated_at = excluded.updated_at",
	  18, 1 },
};

int store_catalog_copy(struct store *s, const char *sqlite_path)
{
	sqlite3 *src = db_open_raw(sqlite_path, DB_SYNC_NORMAL);
	sqlite3_stmt *st = NULL;
	size_t t;
	int n = 0, c, step;

	if (!src)
		return -1;
	if (store_begin(s)) {
		db_close(src);
		return -1;
	}
	for (t = 0; t < ARRAY_SIZE(catalog_tables); t++) {
		const struct catalog_table *tb = &catalog_tables[t];

		st = db_prepare(src, tb->select);
		if (!st)
			goto fail;
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			struct store_args a = { .n = tb->cols };

			for (c = 0; c < tb->cols; c++)
				a.v[c] = (const char *)sqlite3_column_text(st, c);
			if (store_exec(s, tb->upsert, &a) < 0)
				goto fail;
			n += tb->counted;
		}
		if (step != SQLITE_DONE) {
			error("cannot read the catalog: %s", sqlite3_errmsg(src));
			goto fail;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (store_commit(s))
		goto fail;
	goto out;
fail:
	n = -1;
	store_rollback(s);
out:
	sqlite3_finalize(st);
	db_close(src);
	return n;
}

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Personal QR codes of trainees (see trainee_badge.h). Portable SQL on
 * SQLite and PostgreSQL; the table is traineeship.c's (BADGE_TABLE).
 */
#include "reports/store/trainee_badge.h"
#include "reports/store/store.h"
#include "reports/store/traineeship.h"
#include "core/attendance.h"
#include "core/receipt.h"
#include "core/datetime.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARGS(...) (&(struct store_args){ .v = { __VA_ARGS__ }, \
	.n = (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *)) })

/* The badge on record: 0 found (text, *issue), 1 none, -1. */
static int badge_read(struct store *s, const char *uuid, char *text, size_t size, int *issue)
{
	struct store_res *r = NULL;
	int rc = 1;
	if (store_query(s, "SELECT badge, issue FROM trainee_badge WHERE uuid = ?1", ARGS(uuid), &r))
		return -1;
	if (store_res_rows(r) == 1) {
		str_copy(text, size, store_res_get(r, 0, 0));
		if (issue)
			*issue = atoi(store_res_get(r, 0, 1));
		rc = 0;
	}
	store_res_free(r);
	return rc;
}

int trainee_badge_get(struct store *s, const char *uuid, int reissue, const char *by, char *text, size_t size,
		      int *issue, char *err, size_t errsize)
{
	struct traineeship *t = calloc(1, sizeof(*t));
	char fresh[BADGE_TEXT_MAX], at[21], note[80];
	int rc = -1, r;
	if (!t)
		return -1;
	r = traineeship_get(s, uuid, t);
	if (r) {
		rc = r;
		goto out;
	}
	if (!reissue && (r = badge_read(s, uuid, text, size, issue)) <= 0) {
		rc = r;
		goto out;
	}
	if (strcmp(t->status, "running")) {
		str_copy(err, errsize, "Il tirocinio non è in corso: il QR personale non serve più.");
		rc = 2;
		goto out;
	}
	if (size < BADGE_TEXT_MAX || badge_new(fresh, sizeof(fresh)))
		goto out;
	time_iso(now_wall(), at, sizeof(at));
	if (store_begin(s))
		goto out;
	/* A first issue racing another keeps the one stored first. */
	if (store_exec(s, reissue ? "INSERT INTO trainee_badge(uuid, badge, issue, issued_at, issued_by)"
				    " VALUES (?1, ?2, 1, ?3, ?4) ON CONFLICT (uuid) DO UPDATE SET"
				    " badge = excluded.badge, issue = trainee_badge.issue + 1,"
				    " issued_at = excluded.issued_at, issued_by = excluded.issued_by"
				  : "INSERT INTO trainee_badge(uuid, badge, issue, issued_at, issued_by)"
				    " VALUES (?1, ?2, 1, ?3, ?4) ON CONFLICT (uuid) DO NOTHING",
		       ARGS(uuid, fresh, at, by ? by : "")) < 0 ||
	    badge_read(s, uuid, text, size, issue))
		goto rollback;
	snprintf(note, sizeof(note), "QR personale n. %d", issue ? *issue : 0);
	if (store_exec(s, "INSERT INTO traineeship_audit(uuid, at, by, action, note) VALUES (?1, ?2, ?3, ?4, ?5)",
		       ARGS(uuid, at, by ? by : "", reissue ? "badge_reissued" : "badge_issued", note)) < 0)
		goto rollback;
	if (store_commit(s))
		goto out;
	rc = 0;
	goto out;
rollback:
	store_rollback(s);
out:
	str_wipe(fresh, sizeof(fresh));
	free(t);
	return rc;
}

/* The certificate's token of placement uuid: the one signed before, or a
 * new one (traineeship_doc_sign() numbers and audits each). 0 or -1. */
static int certificate_token(struct store *s, const char *uuid, char *token, size_t size)
{
	char at[21];
	int r = store_text(s, "SELECT token FROM certificate_token WHERE uuid = ?1", ARGS(uuid), token, size);
	if (r <= 0)
		return r;
	if (traineeship_doc_sign(s, uuid, token, size))
		return -1;
	time_iso(now_wall(), at, sizeof(at));
	if (store_exec(s, "INSERT INTO certificate_token(uuid, token, made_at) VALUES (?1, ?2, ?3)"
			  " ON CONFLICT (uuid) DO NOTHING", ARGS(uuid, token, at)) < 0)
		return -1;
	return store_text(s, "SELECT token FROM certificate_token WHERE uuid = ?1", ARGS(uuid), token, size) ? -1 : 0;
}

int trainee_certificates(struct store *s, const char *comune, const char *since, const char *base, json_t **out)
{
	struct store_res *r = NULL;
	char token[RECEIPT_TOKEN_MAX], url[RECEIPT_URL_MAX], ini[8], badge[BADGE_HASH_MAX];
	*out = json_array();
	if (!*out)
		return -1;
	if (!base || !*base)
		return 0;
	if (store_query(s,
			"SELECT t.uuid, t.cf, t.given_name, t.family_name, t.placement_code, coalesce(p.title, ''),"
			" t.start_date, t.ended_on, coalesce(t.hours_done_minutes, 0), coalesce(b.badge, '')"
			" FROM traineeship t LEFT JOIN placement p ON p.code = t.placement_code"
			" LEFT JOIN trainee_badge b ON b.uuid = t.uuid"
			" WHERE t.comune = ?1 AND t.status = 'completed' AND t.ended_on >= ?2 ORDER BY t.cf",
			ARGS(comune ? comune : "", since ? since : ""), &r))
		goto fail;
	for (int i = 0; i < store_res_rows(r); i++) {
		const char *cf = store_res_get(r, i, 1), *g = store_res_get(r, i, 2), *f = store_res_get(r, i, 3);
		json_t *e;
		if (!cf || strlen(cf) != 16)
			continue;
		if (certificate_token(s, store_res_get(r, i, 0), token, sizeof(token)) ||
		    receipt_url(base, token, url, sizeof(url)))
			goto fail;
		if (g && *g && f && *f)
			snprintf(ini, sizeof(ini), "%c. %c.", g[0], f[0]);
		else
			snprintf(ini, sizeof(ini), "%c. %c.", cf[3], cf[0]);
		e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s}", "cf", cf, "initials", ini, "code",
			      store_res_get(r, i, 4), "title", store_res_get(r, i, 5), "start", store_res_get(r, i, 6),
			      "end", store_res_get(r, i, 7), "minutes", atoi(store_res_get(r, i, 8)), "url", url);
		if (e && !badge_hash(store_res_get(r, i, 9), badge, sizeof(badge)))
			json_object_set_new(e, "badge", json_string(badge));
		json_array_append_new(*out, e);
	}
	store_res_free(r);
	return 0;
fail:
	store_res_free(r);
	json_decref(*out);
	*out = NULL;
	return -1;
}

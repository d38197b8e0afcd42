/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Moving down a final ranking ("scorrimento", see selection.h): who is
 * next when a seat frees. The ranking is read from the store and put in
 * order by the rules in core/selection_rules.h (score, then the call's
 * tie-break), so that the page, the PDF and this answer never disagree;
 * the first application still waiting for a seat is the answer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/selection_rules.h"
#include "core/util.h"
#include "reports/store/selection.h"
#include "reports/store/store.h"
#include "reports/store/store_internal.h"

/* A ranked application's stage from what the store holds. */
static enum selection_stage stage_of(const char *stage, const char *status)
{
	int st = selection_stage_of(stage);

	if (st >= 0 && *stage)
		return st;
	if (!strcmp(status, "selected"))
		return SELECTION_SELECTED;
	if (!strcmp(status, "started") || !strcmp(status, "completed") || !strcmp(status, "dropped_out"))
		return SELECTION_STARTED;
	if (!strcmp(status, "withdrawn"))
		return SELECTION_WITHDRAWN;
	if (!strcmp(status, "not_selected"))
		return SELECTION_NOT_SELECTED;
	return SELECTION_RANKED;
}

int selection_next_suitable(struct store *s, const char *scope, const char *placement, char *uuid,
			    size_t usize, char *protocol, size_t psize)
{
	struct store_res *r = NULL;
	struct selection_entry *e = NULL;
	enum selection_stage *st = NULL;
	struct selection_call call;
	char err[200];
	int i, n, rc = -1, next;

	uuid[0] = protocol[0] = '\0';
	if (!placement || !*placement || strlen(placement) > 40)
		return 1;
	if (store_query(s, "SELECT c.rules FROM placement p JOIN call c ON c.id = p.call_id"
			   " JOIN ranking_final f ON f.placement_code = p.code"
			   " WHERE p.code = ?1 AND (?2 = '' OR p.comune = ?2)",
			ARGS(placement, scope ? scope : ""), &r))
		return -1;
	if (store_res_rows(r) != 1) {
		store_res_free(r);
		return 1;
	}
	if (selection_call_parse(store_res_get(r, 0, 0), &call, err, sizeof(err)))
		call.tie_break = SELECTION_TIE_YOUNGER;
	store_res_free(r);
	/* The suitable ones with a score: the final ranking. */
	if (store_query(s, "SELECT a.uuid, a.protocol, coalesce(a.birth_date, ''), a.submitted_at,"
			   " CAST(x.score AS TEXT), a.status, coalesce(x.stage, '')"
			   " FROM application a JOIN selection x ON x.uuid = a.uuid"
			   " WHERE a.placement_code = ?1 AND a.duplicate_of IS NULL"
			   " AND x.outcome = 'idoneo' AND x.score IS NOT NULL",
			ARGS(placement), &r))
		return -1;
	n = store_res_rows(r);
	rc = 1;
	if (!n)
		goto out;
	rc = -1;
	e = calloc((size_t)n, sizeof(*e));
	st = calloc((size_t)n, sizeof(*st));
	if (!e || !st)
		goto out;
	for (i = 0; i < n; i++) {
		e[i].protocol = store_res_get(r, i, 1);
		e[i].birth_date = store_res_get(r, i, 2);
		e[i].submitted_at = store_res_get(r, i, 3);
		e[i].score = atoi(store_res_get(r, i, 4));
		e[i].user = (void *)(intptr_t)i;
	}
	selection_rank_sort(e, (size_t)n, call.tie_break);
	for (i = 0; i < n; i++) {
		int row = (int)(intptr_t)e[i].user;
		st[i] = stage_of(store_res_get(r, row, 6), store_res_get(r, row, 5));
	}
	next = selection_next_index(st, (size_t)n);
	rc = 1;
	if (next >= 0) {
		int row = (int)(intptr_t)e[next].user;

		str_copy(uuid, usize, store_res_get(r, row, 0));
		str_copy(protocol, psize, store_res_get(r, row, 1));
		rc = 0;
	}
out:
	free(e);
	free(st);
	store_res_free(r);
	return rc;
}

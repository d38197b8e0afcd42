/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The raw rows of the placement statistics (see traineeship_stats.h):
 * two streamed queries over traineeship (with its follow-up) and
 * register_month.
 */
#include "reports/store/traineeship_stats.h"
#include "reports/store/sdc_keys.h"
#include "reports/store/store.h"
#include "reports/store/store_internal.h"

/* SQLite computes dote_rkey() with a C function registered on the
 * connection (PostgreSQL has it as a SQL function of the schema). */
static int keys_ready(struct store *s)
{
	return store_is_pg(s) ? 0 : sdc_sqlite_register(s->conn);
}

int traineeship_stats_placements(struct store *s, int (*fn)(void *ctx, const char *const *cells, int ncols),
				 void *ctx)
{
	if (keys_ready(s))
		return -1;
	return store_query_once(s,
				"SELECT dote_rkey(t.uuid), t.comune, substr(t.start_date, 1, 7), t.status,"
				" coalesce(substr(t.ended_on, 1, 7), ''), coalesce(t.end_reason, ''), coalesce(f.status, '')"
				" FROM traineeship t LEFT JOIN traineeship_followup f ON f.uuid = t.uuid ORDER BY t.uuid",
				NULL, fn, ctx);
}

int traineeship_stats_registers(struct store *s, int (*fn)(void *ctx, const char *const *cells, int ncols),
				void *ctx)
{
	if (keys_ready(s))
		return -1;
	return store_query_once(s,
				"SELECT dote_rkey(t.uuid), t.comune, m.month, coalesce(m.expected_minutes, 0),"
				" coalesce(m.attended_minutes, 0), m.classroom_minutes, coalesce(m.due_cents, 0),"
				" CASE WHEN m.paid_at IS NULL THEN 0 ELSE 1 END"
				" FROM register_month m JOIN traineeship t ON t.uuid = m.uuid"
				" WHERE m.confirmed_at IS NOT NULL ORDER BY m.uuid, m.month",
				NULL, fn, ctx);
}

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The raw rows behind the placement statistics (reports/stats/
 * placement_stats.h): one row per placement and one per confirmed
 * monthly register, each with its record key (dote_rkey() of the
 * placement's uuid, the application's key: the same cell key method as
 * every other count, reports/store/sdc_keys.h). Rows are streamed to a
 * function as they are read; nothing here aggregates or protects.
 * Portable SQL on SQLite and PostgreSQL. Start at
 * traineeship_stats_placements().
 */
#ifndef DOTE_REPORTS_TRAINEESHIP_STATS_H
#define DOTE_REPORTS_TRAINEESHIP_STATS_H

struct store;

/* The columns of a placement row, in order. */
enum {
	TSP_RKEY, TSP_COMUNE, TSP_START_MONTH, TSP_STATUS, TSP_END_MONTH, TSP_END_REASON, TSP_FOLLOWUP, TSP_COLS
};
/* Every placement: record key, host comune (ISTAT), start month
 * (YYYY-MM), status (running, completed, dropped_out), month it ended
 * ('' while running), dropout reason ('' unless dropped out), the
 * employment status at the follow-up after the end ('' none recorded:
 * traineeship_followup_set()), each to
 * fn(ctx, cells, ncols) (cells valid during the call; non-zero stops).
 * 0 or -1. */
int traineeship_stats_placements(struct store *s, int (*fn)(void *ctx, const char *const *cells, int ncols),
				 void *ctx);

/* The columns of a register row, in order. */
enum {
	TSR_RKEY, TSR_COMUNE, TSR_MONTH, TSR_EXPECTED, TSR_ATTENDED, TSR_CLASSROOM, TSR_DUE_CENTS, TSR_PAID,
	TSR_COLS
};
/* Every confirmed monthly register, grouped by placement (all of one
 * placement's months come together, in month order): record key,
 * comune, month, expected and attended minutes on the job, classroom
 * minutes, the allowance due in cents, 1 when paid else 0. 0 or -1. */
int traineeship_stats_registers(struct store *s, int (*fn)(void *ctx, const char *const *cells, int ncols),
				void *ctx);
#endif

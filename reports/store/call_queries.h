/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * What the coordinators' pages (reports/web/office_coord.c,
 * /coordinamento) read and keep besides calls.h's changes: the calls
 * with their counts, one call, its placements and one placement, the
 * catalog's version history, the checked uploads waiting for their
 * confirmation (call_import_pending) and the network's counts per
 * comune. Reads fill a struct store_rows (rows.h) whose v is an array of
 * the row struct named in the comment; values are text as stored,
 * counts decimal. Start reading at call_pending_keep().
 */
#ifndef DOTE_REPORTS_CALL_QUERIES_H
#define DOTE_REPORTS_CALL_QUERIES_H
#include "reports/store/rows.h"

/* A call in the coordinators' list. */
struct call_summary {
	const char *code, *title, *status, *opens, *deadline;
	const char *open_placements, *placements, *open_seats, *applications;
};
/* Every call, newest opening first (500 at most): rows of struct
 * call_summary. 0 or -1. */
int call_summaries_read(struct store *s, struct store_rows *out);

/* One call. */
struct call_row {
	const char *id, *code, *title, *region, *opens, *deadline, *rules, *status;
};
/* The call with (normalised) code as one struct call_row: 0 found, 1
 * none (out empty), -1 error. */
int call_row_read(struct store *s, const char *code, struct store_rows *out);

/* A placement of a call as the call's page lists it. */
struct call_placement_item {
	const char *code, *comune, *area, *office, *months, *hours_week, *allowance_eur, *seats, *deadline,
		*status, *applications;
};
/* The placements of call call_id by code: rows of struct
 * call_placement_item. 0 or -1. */
int call_placement_items_read(struct store *s, const char *call_id, struct store_rows *out);

/* One placement with its call, every field a coordinator may amend. */
struct call_placement_row {
	const char *code, *comune, *area, *office, *title, *description, *requirements, *address, *months,
		*hours_week, *allowance_eur, *qrsp, *seats, *deadline, *status;
	const char *call_code, *call_status, *call_id;
};
/* The placement code as one struct call_placement_row: 0 found, 1 none
 * (out empty), -1 error. */
int call_placement_row_read(struct store *s, const char *code, struct store_rows *out);

/* A version of the catalog (catalog_version). */
struct catalog_change {
	const char *at, *by, *action, *placement_code, *version, *note;
};
/* The versions of call call_id, newest first: of every placement and the
 * call itself (placement NULL, 500 at most) or of one placement (200 at
 * most): rows of struct catalog_change. 0 or -1. */
int catalog_changes_read(struct store *s, const char *call_id, const char *placement, struct store_rows *out);

/* Keeps a checked upload (spec JSON, csv base64) under token_hash for
 * by, created now; drops first the uploads created before old and all
 * but by's four newest. 0, or -1 after error(). */
int call_pending_keep(struct store *s, const char *token_hash, const char *by, const char *now, const char *old,
		      const char *spec, const char *csv);
/* A kept upload. */
struct call_pending {
	const char *spec, *csv;
};
/* The upload of by under token_hash created at old or later as one
 * struct call_pending: 0 found, 1 none (out empty), -1 error. */
int call_pending_read(struct store *s, const char *token_hash, const char *by, const char *old,
		      struct store_rows *out);
/* Forgets the upload under token_hash (published). Rows dropped or -1. */
int call_pending_drop(struct store *s, const char *token_hash);

/* Which placements and applications the network's counts take: all
 * (call and from NULL), one call's (call, normalised), or a period of
 * months (from, to: "YYYY-MM", deadlines and submissions within). */
struct network_filter {
	const char *call, *from, *to;
};
/* Seats a comune offers (withdrawn placements offer none); over: its
 * placements with more people selected (or started) than seats. */
struct network_seats {
	const char *comune, *seats, *placements, *last_deadline, *over;
};
/* Applications a comune received and how they went. */
struct network_applications {
	const char *comune, *applications, *selected, *started, *dropped;
};
/* Rows of struct network_seats (per comune) for f. 0 or -1. */
int network_seats_read(struct store *s, const struct network_filter *f, struct store_rows *out);
/* Rows of struct network_applications (per comune) for f. 0 or -1. */
int network_applications_read(struct store *s, const struct network_filter *f, struct store_rows *out);

#endif

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * /coordinamento/tirocini: the placement statistics for coordinators
 * (reports/stats/placement_stats.h), the same protected values as `dote
 * report` and the open data: by province with a network total,
 * dropouts by reason and by month of leaving, for a period and a
 * province. Start at coord_placements_html().
 */
#ifndef DOTE_REPORTS_COORD_PLACEMENTS_H
#define DOTE_REPORTS_COORD_PLACEMENTS_H

struct hbuf;
struct store;

/* The page's body (form, notes, tables) into b, for the request's query
 * string (periodo=, provincia=). Returns the HTTP status: 200, or 400
 * with the refusal shown when the period or province is not accepted,
 * 503 when the database cannot be read. */
int coord_placements_html(struct hbuf *b, struct store *s, const char *query);
#endif

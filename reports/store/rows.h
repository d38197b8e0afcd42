/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Rows of a query as small structs: the page-facing reads of the store
 * (office_queries.h, call_queries.h) return arrays of structs whose
 * string fields point into the query result they keep, so that a page
 * names what it shows (row->protocol) and never an SQL column number.
 * Start reading at store_rows_read().
 */
#ifndef DOTE_REPORTS_STORE_ROWS_H
#define DOTE_REPORTS_STORE_ROWS_H
#include <stddef.h>
#include "reports/store/store.h"

/* The rows of one read: v is an array of n row structs (the type the
 * reading function names); their strings live until store_rows_release. */
struct store_rows {
	void *v;
	int n;
	struct store_res *res;
};

/* Runs a query and fills out with one struct of rowsize bytes per row,
 * the string field at offsets[c] pointing at column c's cell (see
 * store_rows_point). 0, or -1 after error() with out empty. */
int store_rows_read(struct store *s, const char *sql, const struct store_args *a, size_t rowsize,
		    const size_t *offsets, int ncols, struct store_rows *out);
/* store_rows_read() of rows of struct type, the offsets given as the
 * fields' offsetof in column order:
 *   STORE_ROWS_READ(s, "SELECT at, by ...", args, office_audit, out,
 *                   offsetof(struct office_audit, at), ...) */
#define STORE_ROWS_READ(s, sql, a, type, out, ...) \
	store_rows_read(s, sql, a, sizeof(struct type), (const size_t[]){ __VA_ARGS__ }, \
			(int)(sizeof((const size_t[]){ __VA_ARGS__ }) / sizeof(size_t)), out)
/* For a read of one row: rc is store_rows_read's; returns 0 when out
 * holds exactly one row, 1 (out emptied) when none or several, -1 when
 * rc was. */
int store_rows_one(int rc, struct store_rows *out);
/* Frees the rows and their strings; out is empty after (safe twice). */
void store_rows_release(struct store_rows *out);

/* Allocates one struct of rowsize bytes per row of res and points the
 * string field at offsets[c] of each at the row's cell in column c
 * (c < ncols; NULL for SQL NULL, as store_res_get). The strings live as
 * long as res. *rows (free() it) and *n on 0; -1 after error(). */
int store_rows_point(const struct store_res *res, size_t rowsize, const size_t *offsets, int ncols,
		     void **rows, int *n);

#endif

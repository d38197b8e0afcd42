/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The table of a call read from CSV (rows of UTF-8 cells with their
 * spreadsheet row), the placement fields, the check of one cell, and
 * the import report (struct call_import) the reader and calls.c fill.
 * calls.h builds on this file; this file knows nothing of calls.c, so
 * the two point one way.
 */
#ifndef DOTE_REPORTS_CALL_CSV_H
#define DOTE_REPORTS_CALL_CSV_H
#include <stddef.h>

enum {
	CALL_CSV_MAX = 4u << 20,	/* bytes of one call table */
	CALL_ROWS_MAX = 20000,		/* placements in one call table */
	CALL_PROBLEMS_MAX = 500,	/* problems listed (all are counted) */
};

/* One thing wrong with a file: a spreadsheet row (1 = the header, 0 =
 * the whole file) and column (0 = none), and what to fix. */
struct call_problem {
	int row, col;
	char column[40];	/* the header's name, '' when none */
	char msg[300];
};

struct call_change;

/* What an import does (or would do): the problems found (reading and
 * checking the file), the changes to placements (calls.h). */
struct call_import {
	struct call_problem *problems;
	int nproblems;		/* listed (at most CALL_PROBLEMS_MAX) */
	int problems_total;	/* found */
	struct call_change *changes;
	int nchanges;
	int counts[5];		/* by enum call_change_kind */
	int call_new;		/* the call did not exist */
	char call_what[400];	/* changes to the call's own fields */
	char encoding[16];	/* 'UTF-8', 'Windows-1252' */
	char sep;		/* ';' ',' or '\t' */
};

/* A placement's fields, in the order calls.c keeps them as text. */
enum pf {
	PF_CODE, PF_COMUNE, PF_AREA, PF_OFFICE, PF_TITLE, PF_DESCRIPTION, PF_REQUIREMENTS,
	PF_ADDRESS, PF_MONTHS, PF_HOURS, PF_ALLOWANCE, PF_QRSP, PF_SEATS, PF_DEADLINE, PF_STATUS,
	PF_N
};
extern const char *const pf_label[PF_N];	/* Italian, for messages */
extern const char *const pf_column[PF_N];	/* the placement table's column */

struct csv_record {
	int row;		/* spreadsheet row: 1 is the header */
	int n, cap;
	char **cells;		/* UTF-8, malloc'd */
};
struct csv_table {
	struct csv_record *recs;
	int n, cap;
	char sep;
	int oom;
};

/* Reads data (any bytes) into t, adding problems to r: encoding
 * (UTF-8, Windows-1252; mixed or UTF-16 refused), separator, quotes.
 * 0, or -1 when a problem was found (t holds what was read). */
int csv_read(const char *data, size_t len, struct csv_table *t, struct call_import *r);
void csv_table_release(struct csv_table *t);
/* Maps the header's columns: map[field] = column index or -1. 0 or -1
 * (unknown, repeated or missing columns are problems). */
int csv_header(const struct csv_record *h, int map[PF_N], struct call_import *r);
/* The field a column name or placement column key means, or -1. */
int csv_field_by_name(const char *name);
/* Checks one cell of field f and writes its stored form into out:
 * 0, or -1 with why (Italian: what to fix). An empty deadline stays ''. */
int csv_cell(enum pf f, const char *raw, char *out, size_t size, char *why, size_t wsize);
/* 'DD/MM/YYYY', 'D/M/YY', 'DD-MM-YYYY', 'DD.MM.YYYY' or ISO into ISO. */
int csv_date(const char *in, char out[11]);
void csv_problem(struct call_import *r, int row, int col, const char *column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void csv_col_letters(int col, char *buf, size_t size);
void csv_fold(const char *in, char *out, size_t size, int keep_apostrophe);
#endif

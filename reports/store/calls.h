/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Calls and placements as coordinators publish and amend them, over the
 * hub's store (SQLite or PostgreSQL, reports/store/store.h): a call
 * imported from the table it is published with (CSV from Excel or
 * LibreOffice, ';' or ',', UTF-8 or Windows-1252), every row checked and
 * a bad file refused whole; placements edited, deadlines extended,
 * placements withdrawn and calls closed. Every change is one transaction
 * that also writes a version row (catalog_version: who, when, what, a
 * snapshot), and reaches the kiosks through the catalog's ETag, which is
 * a hash of what the catalog serves. Start reading at call_import().
 *
 * Problems found in a file are worded in Italian for the coordinators
 * (the same lines on the web page and on the command line).
 */
#ifndef DOTE_REPORTS_CALLS_H
#define DOTE_REPORTS_CALLS_H
#include <stddef.h>
#include <stdio.h>
#include "reports/store/call_csv.h"

struct store;

/* The call's own fields (command line options or the upload form). */
struct call_spec {
	char code[24];		/* '11/2025' ('Avviso n. 11/2025' is accepted and shortened) */
	char title[200];
	char opens[11];		/* YYYY-MM-DD */
	char deadline[11];	/* the call's last day to apply */
	char region[48];	/* '' : the comuni's region when they share one */
	char rules[4096];	/* eligibility JSON (core/eligibility.h); '' means '{}' */
	char revert[512];	/* placement codes whose extension or withdrawal the file may undo */
};

/* KEPT: an extension or withdrawal made at the hub that the file would undo. */
enum call_change_kind { CHANGE_NEW, CHANGE_CHANGED, CHANGE_UNCHANGED, CHANGE_WITHDRAWN, CHANGE_KEPT };

/* What an import does (or would do) to one placement. */
struct call_change {
	enum call_change_kind kind;
	char code[32];
	char comune[7];
	char what[400];		/* changed fields, 'posti 2 → 3; ...' */
	int index;		/* the file's row (internal), -1 when withdrawn */
};

/* Checks spec and the table in csv[0..len) (any bytes) and, unless
 * dry_run, publishes them as `by` in one transaction. The file is the
 * whole call: placements of the call missing from it are withdrawn.
 * Returns 0 (done, or the dry run found nothing wrong), 1 refused
 * (problems listed in r; nothing changed), -1 storage error. r is
 * filled either way; release it with call_import_release. */
int call_import(struct store *s, const struct call_spec *spec, const char *csv, size_t len,
		int dry_run, const char *by, struct call_import *r);
void call_import_release(struct call_import *r);
/* Prints r's problems (one line each) or its changes. */
void call_import_print(const struct call_import *r, FILE *out);

/* Normalises a call code ('Avviso n. 11/2025' -> '11/2025') into out.
 * 0, or -1 when it is empty, too long or has control characters. */
int call_code_normalise(const char *in, char *out, size_t size);

/* Spreadsheet column letters (1 -> A, 27 -> AA), and a name folded for
 * matching (lower case, no accents), for the pages. */
void call_col_letters(int col, char *buf, size_t size);
void call_fold(const char *in, char *out, size_t size);

/* Amendments. Each returns 0 done, 1 not found, 2 refused (err says
 * why, in Italian), -1 storage error, and writes a version row. */

/* Sets fields of a placement: names[i] = values[i] with the CSV's column
 * names or keys (office, title, description, requirements, address,
 * area, months, hours_week, allowance_eur, seats, deadline, qrsp). */
int call_placement_edit(struct store *s, const char *code, const char *const *names,
			const char *const *values, int n, const char *by, const char *note,
			char *err, size_t errsize);
/* The same; seats below the number already selected only with cut_ok
 * (else 2, err naming them). call_placement_edit() is cut_ok 1 (the
 * CLI's explicit command). Either way, when the seats end below the
 * selected, they and the comune's office are told (selection_seats_cut). */
int call_placement_edit_cut(struct store *s, const char *code, const char *const *names,
			    const char *const *values, int n, const char *by, const char *note, int cut_ok,
			    char *err, size_t errsize);
/* Moves a call's deadline later, with every open placement whose
 * deadline was the call's; with placement set, that placement only (not
 * past the call's). */
int call_extend(struct store *s, const char *call_code, const char *placement,
		const char *deadline, const char *by, const char *note, char *err, size_t errsize);
/* Withdraws a placement: it leaves the catalog, takes no application;
 * the applicants still in its selection are told (selection.h). On
 * success err names the selected ones and how many were told. */
int call_placement_withdraw(struct store *s, const char *code, const char *by,
			    const char *note, char *err, size_t errsize);
/* Opens a withdrawn placement again (its call open, its deadline not
 * past). */
int call_placement_reinstate(struct store *s, const char *code, const char *by,
			     const char *note, char *err, size_t errsize);
/* Closes a call: it and its placements leave the catalog. */
int call_close(struct store *s, const char *call_code, const char *by, const char *note,
	       char *err, size_t errsize);

/* `dote call list/show/history` output. */
int call_list_print(struct store *s, FILE *out);
int call_show_print(struct store *s, const char *call_code, FILE *out);
int call_history_print(struct store *s, const char *call_code, FILE *out);

/* Creates this module's tables (component "calls"): the version history
 * and the kiosks' outbox trend. Called by store_open. 0 or -1. */
int calls_migrate(struct store *s);
#endif

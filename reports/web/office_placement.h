/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The office pages of a running placement, as HTML bodies: the
 * trainee's month (the register the comune's tutor confirms, with the
 * forms to fix a missing sign-out, record an absence or classroom hours)
 * and a month's allowance for the coordinators (figures, CSV links, mark
 * paid). The frame (header, login, CSRF check, routes) is the office's;
 * these only write what goes inside <main>. Data from
 * reports/store/traineeship.h. Start at register_month_html().
 */
#ifndef DOTE_REPORTS_OFFICE_PLACEMENT_H
#define DOTE_REPORTS_OFFICE_PLACEMENT_H
#include <stddef.h>

struct hbuf;
struct register_month;
struct allowance_line;

/* Who is looking and what they may do. */
struct placement_view {
	const char *csrf;		/* the session's token for the forms */
	int tutor;			/* staff of the placement's comune: confirm, fix, absences */
	int coordinator;		/* the network: reopen a confirmed month */
	const char *done;		/* a confirmation to show ('' none), plain text */
	const char *error;		/* a refusal to show ('' none), plain text */
	const char *today;		/* "YYYY-MM-DD" */
};

/* The register of m: the month's totals and the allowance with its
 * explanation, one row per day (working or not, signed in and out,
 * hours, absence), the missing sign-outs to fix, and the forms. */
void register_month_html(struct hbuf *b, const struct register_month *m, const struct placement_view *v);

/* A month's allowance: one row per confirmed register with the figures
 * and the reason, the total, links to the CSV (plain and Excel-IT) and
 * the form to mark the month paid (coordinators). */
void allowance_html(struct hbuf *b, const char *month, const struct allowance_line *l, size_t n,
		    const struct placement_view *v);
/* The registers of the month still unconfirmed after their deadline,
 * each with a link to it (nothing when none). */
struct late_register;
void late_registers_html(struct hbuf *b, const char *month, const struct late_register *l, size_t n);

/* ---- the pages themselves (routed by office.c) ---- */

struct store;
struct http_request;
struct http_response;

/* What office.c hands over: the request, the logged-in account and its
 * page frame (header and navigation), so these pages look like the
 * office's and check the same session. */
struct office_request {
	struct store *s;
	const struct http_request *req;
	struct http_response *resp;
	const char *user;		/* the account's name */
	const char *csrf;		/* the session's form token */
	const char *scope;		/* the staff's comune ISTAT, '' for coordinators */
	int staff;			/* role 'comune' */
	void (*top)(void *ctx, struct hbuf *b, const char *title);	/* opens <main> */
	void *ctx;
};

/* 1 when path is one of these pages: /ufficio/tirocinio (the register;
 * with no placement started yet, the start form), its .pdf documents
 * (progetto.pdf, attestato.pdf), /ufficio/indennita and its .csv. */
int office_placement_path(const char *path);
/* Answers the request (GET or POST; forms checked against csrf).
 * Returns 0, or -1 on an internal error (resp set to a 500). */
int office_placement_handle(const struct office_request *r);
#endif

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Selection at the host comuni: what happens to an application after it
 * reaches the hub. The comune's staff check the requirements, call the
 * person for an interview (date, place), record the outcome and a score,
 * rank the applications of each placement (graduatoria), select, and
 * record the start, a withdrawal, the completion or a dropout. Every
 * change goes through selection_status_set() and its siblings here, the
 * one state machine the web pages (reports/web/office.c), `dote
 * application` and POST /v1/status share; each is kept in an audit log
 * (who, when, from, to, note) and, when the citizen left an e-mail
 * address, queued as a plain Italian message in the mail outbox
 * (reports/store/mail_outbox.h) in the same transaction.
 *
 * A scope (an ISTAT code) limits every lookup to the applications of
 * that comune's placements: staff of one comune never reach another's,
 * whatever id they send. NULL scope: the whole network (CLI, API).
 *
 * Retention: applicants' personal data is erased a configurable number
 * of days after the ranking of their placement was marked final; the
 * statistics' columns (age, sex, residence, status, ...) stay.
 *
 * Tables (component "selection", SQLite and PostgreSQL): selection,
 * selection_audit, ranking_final, mail_outbox, retention_log.
 */
#ifndef DOTE_REPORTS_SELECTION_H
#define DOTE_REPORTS_SELECTION_H
#include <stddef.h>
#include <stdio.h>

struct store;

enum {
	SELECTION_NOTE_MAX = 500,	/* bytes of a note */
	SELECTION_PLACE_MAX = 200,	/* bytes of an interview place */
	SELECTION_BY_MAX = 64,
	SELECTION_SCORE_MAX = 100,
};

/* Creates the tables when missing. 0 or -1. */
int selection_migrate(struct store *s);

/* Results of the operations below: 0 done, 1 no such application (or
 * placement) in scope, 2 refused (err holds a plain Italian reason),
 * -1 storage error. */

/* Moves an application (uuid or protocol) to status, as `by`. For
 * 'interview', at ("YYYY-MM-DDTHH:MM", local time, not in the past) and
 * place are required; an application already called may be called
 * again (new date or place). Only the transitions of
 * application_status_allowed() (core/model.h) pass, and not towards an
 * interview or a selection when the requirements were found missing. */
int selection_status_set(struct store *s, const char *scope, const char *id, const char *status,
			 const char *by, const char *note, const char *at, const char *place, char *err,
			 size_t errsize);
/* Records the requirements check: ok 1 met, 0 not met. */
int selection_requirements(struct store *s, const char *scope, const char *id, int ok, const char *by,
			   const char *note, char *err, size_t errsize);
/* Records the interview's outcome (suitable 1/0) and a score 0..100
 * (text, digits only); only after a call for interview, and not once
 * the placement's ranking is final. */
int selection_score(struct store *s, const char *scope, const char *id, int suitable, const char *score,
		    const char *by, const char *note, char *err, size_t errsize);
/* Marks the ranking of a placement final (the start of the retention
 * period); refused while an application is still waiting for an
 * interview's outcome. */
int selection_ranking_final(struct store *s, const char *scope, const char *placement, const char *by,
			    char *err, size_t errsize);

/* The interview's date and place of an application (uuid), for the
 * receipt page: 0 found, 1 none, -1 error. */
int selection_interview(struct store *s, const char *uuid, char *at, size_t asize, char *place,
			size_t psize);

/* The plain Italian sentence a citizen reads for a status (receipt page,
 * e-mail): interview_at/place are used for 'interview'. */
void selection_status_text(const char *status, const char *interview_at, const char *place, char *buf,
			   size_t size);
/* "12/01/2027 alle 10:00" from "2027-01-12T10:00" (copied when odd). */
void selection_when_it(const char *at, char *buf, size_t size);

/* The ranking of a placement (graduatoria) in order, protocol numbers
 * only: rows (ranked 1/0, protocol, score, outcome, requirements,
 * status); ranked rows first, by score, ties by the earlier
 * application. Duplicate applications are left out. 0 with *res (free
 * with store_res_free), 1 placement not in scope, -1 error. */
struct store_res;
int selection_ranking(struct store *s, const char *scope, const char *placement, struct store_res **res);

/* Moving down the ranking ("scorrimento"): the next suitable applicant
 * of a placement's final ranking who is still waiting for a seat
 * (ranked, or "idoneo non selezionato"), in the ranking's order and
 * tie-break; the ones selected, started, renounced, withdrawn or
 * excluded are passed over. Used when a seat frees (renunciation here,
 * a dropout in the placement's own pages). Fills uuid and protocol (each
 * at least 40 bytes). 0 found, 1 nobody left (or the ranking is not
 * final, or the placement is not in scope), -1 storage error. */
int selection_next_suitable(struct store *s, const char *scope, const char *placement, char *uuid,
			    size_t usize, char *protocol, size_t psize);

/* Retention. days < 0: the value saved in the hub (setting
 * retention_days, default 180). show prints what run would erase;
 * run erases it, logs (who, when, how many) and prints the count.
 * 0 or -1. */
int selection_retention_days(struct store *s);
int selection_retention_set_days(struct store *s, int days);
int selection_retention_show(struct store *s, int days, FILE *out);
int selection_retention_run(struct store *s, int days, const char *by, FILE *out);
#endif

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
#include "core/selection_rules.h"

struct store;
struct store_res;

enum {
	SELECTION_NOTE_MAX = 500,	/* bytes of a note */
	SELECTION_PLACE_MAX = 200,	/* bytes of an interview place */
	SELECTION_BY_MAX = 64,
	SELECTION_SCORE_MAX = 100,
};

/* Creates the tables when missing (and the columns of issue 18). 0 or -1. */
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
 * period): only after the placement's deadline (Italian date) and once
 * no application waits for an outcome (selection_pending names them).
 * The positions are fixed then, by score and the call's tie-break; each
 * ranked application moves to 'ranked' (audited, its citizen told). */
int selection_ranking_final(struct store *s, const char *scope, const char *placement, const char *by,
			    char *err, size_t errsize);
/* The same checks, nothing written (the confirmation step): 0 it may
 * be made final now, 1, 2 (err), -1 as above. */
int selection_ranking_final_check(struct store *s, const char *scope, const char *placement, char *err,
				  size_t errsize);

/* One step of the selection (core/selection_rules.h: the stages, what
 * each action needs, the sentence the citizen reads). action is a key
 * of selection_action_key(): requirements_met, requirements_not_met,
 * convoke, absent, unsuitable, assessed, select, not_select, renounce,
 * withdraw, start, complete, drop_out, undo. In one transaction: the
 * rules are asked with the placement's context (deadline, final
 * ranking, seats taken, position, first waiting), the selection record
 * and the application's status change, the status history (kiosks),
 * the rollups, the audit log (who, action, from/to status and stage,
 * note) and the citizen's e-mail. version: the version the clerk's page
 * was drawn from (NULL: no check); when another step happened since,
 * nothing is saved and err says who changed it, when, and the stage now.
 * With the call's criteria an outcome's score is the weighted sum of
 * marks (0..100 each; see docs/selection.md), stored with the marks.
 * Returns as above (0, 1, 2 refused with err, 3 a mark missing, not a
 * number or out of range: err names the criterion, nothing stored, -1). */
struct selection_input {
	const char *note;		/* reason or note (the rules say when it is required) */
	const char *at, *place;		/* convoke: local "YYYY-MM-DDTHH:MM", the place */
	const char *score;		/* assessed (and optionally unsuitable): 0..100 */
	const char *const *marks;	/* with the call's criteria: a mark 0..100 for each, in order */
	size_t nmarks;
	const char *version;		/* the page's version, or NULL */
};
int selection_act(struct store *s, const char *scope, const char *id, const char *action, const char *by,
		  const struct selection_input *in, char *err, size_t errsize);

/* The selection keys of the call of application id (uuid or protocol,
 * within scope): its criteria and tie-break. 0, 1 not found, -1. */
struct selection_call;
int selection_criteria(struct store *s, const char *scope, const char *id, struct selection_call *c);

/* Where an application stands, for a page that offers only the allowed
 * steps: its stage, its version, and the context the rules read
 * (reason empty; previous: the stage an undo returns to). 0, 1 not in
 * scope, -1 error. */
struct selection_state {
	enum selection_stage stage;
	char version[24];
	struct selection_context ctx;
};
int selection_state_read(struct store *s, const char *scope, const char *id, struct selection_state *st);

/* The applications of a placement still waiting for an outcome (they
 * keep a ranking from becoming final): rows (protocol, status, stage).
 * 0 or -1. */
int selection_pending(struct store *s, const char *scope, const char *placement, struct store_res **res);
/* The tie-break of a placement's call (younger first by default). */
enum selection_tie_break selection_placement_tie_break(struct store *s, const char *placement);

/* A comune office's contact, told to its citizens (setting per comune). */
struct selection_office_contact {
	char name[121], phone[41], email[255], address[201];
};
/* 0 found, 1 none set (c empty), -1 error. */
int selection_office_get(struct store *s, const char *comune, struct selection_office_contact *c);
/* Saves it (at least one of phone, e-mail, address): 0, 1 no such
 * comune, 2 refused (err), -1 error. */
int selection_office_set(struct store *s, const char *comune, const struct selection_office_contact *c,
			 const char *by, char *err, size_t errsize);

/* What the citizen reads of an application (uuid) now: its stage in
 * words and the sentence (reason, next step, the office's contact).
 * 0, 1 unknown, -1 error. */
int selection_citizen(struct store *s, const char *uuid, char *label, size_t lsize, char *text, size_t tsize);
/* The same, with its parts, for the kiosks' "check my application"
 * (the heartbeat's status feed): the stage key, the Italian label and
 * sentence the receipt page shows, and what a kiosk needs to say it in
 * another language (reason, the clerk's note for the interview,
 * position and seats in the final ranking, the office's contact). */
struct selection_citizen_view {
	char stage[16], label[80], text[1400];
	char reason[SELECTION_NOTE_MAX + 1], note[SELECTION_NOTE_MAX + 1];
	int position, seats, score;
	struct selection_office_contact office;
};
/* 0, 1 unknown, -1 error. */
int selection_citizen_view(struct store *s, const char *uuid, struct selection_citizen_view *v);
/* Queues the "application received" e-mail (nothing without an
 * address), inside the caller's transaction. 0 or -1. */
int selection_notify_received(struct store *s, const char *uuid, const char *now);
/* The same for an application the caller has just stored, from what it
 * stored (status 'received'): no reading back (ingest, per record). */
int selection_notify_stored(struct store *s, const char *uuid, const char *protocol, const char *comune,
			    const char *placement, const char *email, const char *now);

/* A placement withdrawn (reports/store/calls.c, inside its
 * transaction, after its status is set): every application still in
 * the selection gets the note as its reason, an audit row and an e-mail
 * saying so (the selected: that the placement will not start). affected
 * gets "selezionati: P1, P2; N candidati avvisati". How many, or -1. */
int selection_placement_withdrawn(struct store *s, const char *placement, const char *by, const char *note,
				  const char *now, char *affected, size_t asize);

/* The protocols of a placement's selected applications (selected or
 * started) into list ("P1, P2"): how many, or -1. */
int selection_selected_list(struct store *s, const char *placement, char *list, size_t size);
/* A placement's seats cut to seats (reports/store/calls.c, inside its
 * transaction): when more are selected, each gets an audit row and an
 * e-mail, and the comune's office (its contact e-mail) a message naming
 * them; affected gets their protocols. How many selected, or -1. (A
 * withdrawal tells the comune's office too: selection_placement_withdrawn.) */
int selection_seats_cut(struct store *s, const char *placement, int seats, const char *by, const char *now,
			char *affected, size_t asize);

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
 * status, stage, position, marks by criterion or "");
 * ranked rows first, by score, ties by the earlier
 * application. Duplicate applications are left out. 0 with *res (free
 * with store_res_free), 1 placement not in scope, -1 error. */
struct store_res;
int selection_ranking(struct store *s, const char *scope, const char *placement, struct store_res **res);
/* The versions of a final ranking (its PDF): version 1 is the ranking
 * as made final; each later change of an outcome the ranking shows
 * (selected, idoneo non selezionato, renunciation, withdrawal, an undo;
 * not the start or end of the placement) makes the next version. Rows
 * (at, protocol, from_status, to_status, note, action), oldest first,
 * one per change (so the version is 1 + the rows). 0 with *res, 1 the
 * placement is not in scope or its ranking is not final, -1 error. */
/* Records in the audit log that `by` downloaded the applicants of
 * placement (comune's) with their contacts, rows of them: the export
 * of personal data is accounted for like any step. 0 or -1. */
int selection_export_audit(struct store *s, const char *comune, const char *placement, const char *by, int rows);
/* 1 when placement's ranking is final, 0 not, -1 error. */
int selection_ranking_is_final(struct store *s, const char *placement);
int selection_ranking_changes(struct store *s, const char *scope, const char *placement, struct store_res **res);

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

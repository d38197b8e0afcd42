/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The running placement of one trainee (a "traineeship": the application
 * that reached "started"), kept by the hub: its start data, the
 * attendance events (signed by a kiosk, or added by the tutor with an
 * audited reason), absences by kind, the monthly register the comune's
 * tutor confirms (and only a coordinator reopens) and the allowance of
 * each confirmed month, frozen at confirmation and marked paid.
 *
 * The rules are core/placement.h's: this module only reads and writes
 * rows, so the register page, the allowance page and CSV and `dote
 * allowance` show the same figures. Portable SQL on SQLite and
 * PostgreSQL through reports/store/store.h. Start reading at
 * traineeship_month().
 */
#ifndef DOTE_REPORTS_TRAINEESHIP_H
#define DOTE_REPORTS_TRAINEESHIP_H
#include "core/placement.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;
struct store_kiosk;

/* Creates the tables (SQLite: migrations "traineeship"; PostgreSQL:
 * once per schema fingerprint). 0 or -1. */
int traineeship_migrate(struct store *s);

/* What starting a placement records. */
struct traineeship_start {
	const char *uuid;		/* the application (status selected or started) */
	const char *start;		/* "YYYY-MM-DD" */
	int classroom_hours;		/* 18..72 */
	const char *tutor_comune;	/* the comune's tutor (a staff account) */
	const char *tutor_promoter;	/* the promoting body's tutor */
};

/* Starts a placement as by: moves a selected application to "started"
 * (the selection state machine, audited) and records its start data;
 * months, weekly hours and the allowance come from the placement, the
 * allowance rule from the call's rules ({"allowance": {...}},
 * core/placement.h). Returns 0, 1 when the application is unknown, 2
 * when refused (err says why, in Italian), -1 on error. */
int traineeship_start(struct store *s, const struct traineeship_start *in, const char *by,
		      char *err, size_t errsize);

/* A running placement as read back. */
struct traineeship {
	char uuid[40], comune[8], placement_code[40], cf[17];
	char given_name[80], family_name[80], initials[8];
	char start[11], end[11], status[16];
	int months, weekly_minutes, classroom_hours;
	char tutor_comune[128], tutor_promoter[160];
	struct allowance_rule rule;
};

/* The status of application uuid of comune (the start form's check):
 * 0 and status filled, 1 none there, -1 error. */
int traineeship_application_status(struct store *s, const char *uuid, const char *comune, char *status,
				   size_t size);
/* Where the documents' QR codes point: the setting 'public_url', else
 * $DOTE_HUB_URL, else '' (no QR). */
void traineeship_public_url(struct store *s, char *buf, size_t size);

/* 0 found, 1 none, -1 error. */
int traineeship_get(struct store *s, const char *uuid, struct traineeship *t);

/* What a kiosk-signed event came to. */
enum traineeship_event_result {
	TE_STORED = 0,
	TE_ALREADY = 1,		/* this very event was stored before (a resend) */
	TE_REFUSED = 2,		/* err says why */
};

/* Stores an attendance event a kiosk sends (the token of
 * attendance_sign()): its signature must verify with the key of the
 * kiosk k that sends it, the event's kiosk and comune must be k's, and
 * the person must have a running placement in that comune. Returns an
 * enum traineeship_event_result, or -1 on error. */
int traineeship_kiosk_event(struct store *s, const struct store_kiosk *k, const char *token,
			    char *err, size_t errsize);

/* A kiosk's batch for POST /v1/attendance: body {"events": [token,
 * ...]} (at most TRAINEESHIP_BATCH_MAX), each checked and stored as
 * traineeship_kiosk_event() does; *response (the caller's, json_decref)
 * is {"results": [{"result": "stored"|"already"|"refused", "why": ...}],
 * "stored": N, "already": N, "refused": N}, one result per event in
 * order. Returns 0, 1 when the body is malformed (*response {"error"}),
 * -1 on a storage error. */
enum { TRAINEESHIP_BATCH_MAX = 100 };
int traineeship_kiosk_batch(struct store *s, const struct store_kiosk *k, const json_t *body,
			    json_t **response);

/* The roster a comune's kiosks need (the catalog's "trainees"): every
 * running placement there as {"cf", "initials", "start", "end"} and
 * "badge", the hash of the personal QR when one was issued. A new
 * JSON array into *roster (json_decref), 0 or -1. */
int traineeship_roster(struct store *s, const char *comune, json_t **roster);

/* The tutor adds a sign-in or sign-out (kind ATTENDANCE_IN/OUT) at time
 * at for the placement uuid, with a reason (required): the fix of a
 * missing sign-out. Audited. 0, 1 unknown, 2 refused (err), -1. */
int traineeship_event_fix(struct store *s, const char *uuid, int64_t at, int kind, const char *by,
			  const char *reason, char *err, size_t errsize);

/* Records an absence of kind ("illness", "holiday", "permitted",
 * "suspension") on day ("YYYY-MM-DD"), replacing one already there; a
 * suspension moves the end date later by the suspended days. Audited.
 * 0, 1 unknown, 2 refused (err), -1. */
int traineeship_absence_set(struct store *s, const char *uuid, const char *day, const char *kind,
			    const char *by, char *err, size_t errsize);

/* Classroom minutes of a month (the tutor records them). 0, 1, 2, -1. */
int traineeship_classroom_set(struct store *s, const char *uuid, const char *month, int minutes,
			      const char *by, char *err, size_t errsize);

/* One day of a register. */
struct register_day {
	char date[11];
	int working;		/* a working day inside the placement */
	int minutes, sessions, missing_out, orphan_out;
	char absence[12];	/* the absence's kind, '' none */
	char first_in[6], last_out[6];	/* "09:00", '' none */
};

enum { ABSENCE_KINDS = 4 };
extern const char *const absence_kinds[ABSENCE_KINDS];	/* illness holiday permitted suspension */

/* A trainee's month, as the tutor sees it. */
struct register_month {
	struct traineeship t;
	char month[8];			/* "2026-11" */
	int ndays;			/* days of the month */
	struct register_day days[31];
	int absence_days[ABSENCE_KINDS];
	int missing_out, orphan_out;
	int classroom_minutes;
	struct allowance_month allowance;	/* as it stands now (frozen once confirmed) */
	char explain[320];
	char confirmed_at[21], confirmed_by[80], paid_at[21];
};

/* Fills *m for placement uuid and month "YYYY-MM". Once the month is
 * confirmed, the allowance is the one frozen at confirmation. 0, 1
 * unknown placement, -1 on error or a bad month. */
int traineeship_month(struct store *s, const char *uuid, const char *month,
		      struct register_month *m);

/* The tutor confirms a month: its figures are frozen. Refused when
 * already confirmed, when a sign-out is still missing, or before the
 * month has ended. 0, 1 unknown, 2 refused (err), -1. */
int traineeship_confirm(struct store *s, const char *uuid, const char *month, const char *by,
			char *err, size_t errsize);
/* A coordinator reopens a confirmed, unpaid month with a reason
 * (audited). 0, 1 unknown, 2 refused (err), -1. */
int traineeship_reopen(struct store *s, const char *uuid, const char *month, const char *by,
		       const char *reason, char *err, size_t errsize);

/* One line of a month's allowance for the paying office. */
struct allowance_line {
	char uuid[40], comune[8], placement_code[40], cf[17], given_name[80], family_name[80];
	int working_days, due_days, suspended_days;
	int expected_minutes, attended_minutes, rate_permille;
	long base_cents, due_cents;
	char why[24], explain[320], confirmed_at[21], paid_at[21];
};

/* Every confirmed register of month, in comune then name order, into a
 * malloc'd array (*lines, free()) of *n. comune '' means every comune.
 * 0 or -1. */
int traineeship_allowance(struct store *s, const char *month, const char *comune,
			  struct allowance_line **lines, size_t *n);
/* The same lines, in the same order, each handed to fn(ctx, line) as it
 * is read (line valid during the call only; a non-zero return stops).
 * For outputs that need no array (the paying office's CSV). 0 or -1. */
int traineeship_allowance_each(struct store *s, const char *month, const char *comune,
			       int (*fn)(void *ctx, const struct allowance_line *l), void *ctx);
/* A register not confirmed by its deadline: the day of the next month
 * (default TRAINEESHIP_DEADLINE_DAY, the setting
 * 'register_deadline_day') has passed and the tutor has not confirmed. */
enum { TRAINEESHIP_DEADLINE_DAY = 10 };
struct late_register {
	char uuid[40], comune[8], placement_code[40], given_name[80], family_name[80], tutor[128];
	char deadline[24];
};
/* The late registers of month ("YYYY-MM") as of today ("YYYY-MM-DD"),
 * of comune ('' every one), into a malloc'd array (*late, free()) of
 * *n: every placement that ran during the month, whatever its status
 * now. Empty when the deadline has not passed. 0 or -1. */
int traineeship_late(struct store *s, const char *month, const char *comune, const char *today,
		     struct late_register **late, size_t *n);

/* Reminds the comune's office (its contact e-mail, office_contact) of
 * each register of the three months before today ("YYYY-MM-DD") still
 * unconfirmed after its deadline: one message in the mail outbox per
 * placement and month, never twice, audited. The hub's periodic job
 * calls it. Returns how many were queued, or -1. */
int traineeship_late_remind(struct store *s, const char *today, const char *by);

/* Marks month paid (by, now) for every confirmed unpaid register (of
 * comune, '' every one). Returns the number marked, or -1. */
int traineeship_mark_paid(struct store *s, const char *month, const char *comune, const char *by);
/* ---- signed documents (progetto formativo, certificate) ----
 *
 * A document's QR holds a receipt token (core/receipt.h) signed by the
 * hub's document key under the kiosk id "DOC": the application's UUID,
 * its placement and comune, a yearly document number. `/r/` and `dote
 * receipt verify` check it as they check a receipt, because
 * store_receipt_lookup() answers for "DOC" with the document key. The
 * key pair is made on first use; its secret half is kept in a file of
 * its own, never in the database (doc_key.h), its public half in the
 * setting table. */
#define TRAINEESHIP_DOC_KIOSK "DOC"
/* Signs a document for placement uuid into token (RECEIPT_TOKEN_MAX).
 * 0, 1 unknown placement, -1 on error. */
int traineeship_doc_sign(struct store *s, const char *uuid, char *token, size_t size);
/* 0 when a verified document token f belongs to a placement on record
 * (its application, placement and comune), 1 when not, -1 on error. */
struct receipt_fields;
int traineeship_doc_matches(struct store *s, const struct receipt_fields *f);
/* The document key's public half: 0 and pk filled, 1 none yet, -1. */
int traineeship_doc_key(struct store *s, unsigned char pk[32]);

/* What the progetto formativo says besides struct traineeship. */
struct traineeship_doc {
	struct traineeship t;
	char comune_name[96], placement_title[160], office[160], address[200], qrsp[200];
	char call_code[40], call_title[200], protocol[48];
	int hours_week, allowance_eur;
	/* The end, once recorded. */
	char ended_on[11], competences[600], judgement[600];
	int minutes_done;
	/* The personal QR for the kiosk (reports/store/trainee_badge.h),
	 * when the caller put it there: '' prints none. */
	char badge[32];
};
/* 0, 1 unknown, -1. */
int traineeship_doc_data(struct store *s, const char *uuid, struct traineeship_doc *d);

/* The data of the compulsory start notice, one row per trainee of
 * comune ('' every one) started in month ("YYYY-MM", '' any): cf,
 * family name, given name, comune, office, placement code, placement
 * title, the comune's tutor, the promoter's tutor, start, end, weekly
 * hours, classroom hours. 0 with *res (store_res_free) or -1. */
struct store_res;
int traineeship_start_notice(struct store *s, const char *comune, const char *month, struct store_res **res);

/* ---- the end: completion or dropout ---- */

enum { DROPOUT_REASONS = 5 };
/* job (found a job), personal, excluded (by the host), health, other. */
extern const char *const dropout_reasons[DROPOUT_REASONS];

struct traineeship_ending {
	const char *status;		/* "completed" or "dropped_out" */
	const char *date;		/* last day, "YYYY-MM-DD" */
	const char *reason;		/* dropped_out: one of dropout_reasons */
	const char *note;		/* free text ('' none) */
	const char *competences;	/* completed: the QRSP competences reached */
	const char *judgement;		/* completed: the tutor's judgement */
};

/* Ends a running placement: the application's status moves (the
 * selection state machine, audited), the date, reason, hours done (all
 * signed hours) and, on completion, the evaluation are recorded. After
 * a dropout within the call's replacement window the seat is offered to
 * the next in the final ranking (reports/store/replacement.h).
 * 0, 1 unknown, 2 refused (err, in Italian), -1. */
int traineeship_end(struct store *s, const char *uuid, const struct traineeship_ending *e, const char *by,
		    char *err, size_t errsize);
/* Every signed minute of the placement (closed pairs). 0 or -1. */
int traineeship_minutes_done(struct store *s, const char *uuid, int *minutes);

/* ---- after the end: employment at a follow-up ----
 * The comune's tutor asks an ended placement's trainee, some months
 * after the end (usually six), what they do now. One follow-up per
 * placement: a new one replaces it (the audit keeps each). It is the
 * trainee's personal data: traineeship_retention() erases it with the
 * rest of the record. The statistics count it (followed_up,
 * employed_after, reports/stats/placement_stats.h). */
enum { FOLLOWUP_STATUSES = 4 };
/* employed (occupato/a), not_employed (non occupato/a), education (in
 * formazione o studio), unknown (non rilevato). */
extern const char *const followup_statuses[FOLLOWUP_STATUSES];
struct traineeship_followup {
	char status[16], date[11], by[80], at[21];
};
/* Records the employment status (one of followup_statuses) of ended
 * placement uuid at the follow-up of date ("YYYY-MM-DD": not before the
 * last day, not after today), replacing an earlier one. Audited
 * ("followup", "STATUS DATE"). 0, 1 unknown, 2 refused (err, in
 * Italian), -1. */
int traineeship_followup_set(struct store *s, const char *uuid, const char *status, const char *date,
			     const char *by, char *err, size_t errsize);
/* 0 and *f filled, 1 none recorded, -1. */
int traineeship_followup_get(struct store *s, const char *uuid, struct traineeship_followup *f);

/* ---- retention ----
 * Registers and allowance records are accounting records: they are kept
 * for their own period, not erased with the applicants who were not
 * selected (selection_retention_run() leaves running placements alone;
 * the trainee's names and codice fiscale are copied here at the start so
 * the records stay whole). */
enum { TRAINEESHIP_RETENTION_YEARS = 10 };
/* Erases the placements that ended more than years ago (-1: the setting
 * 'traineeship_retention_years', default 10) with their events,
 * absences, registers and follow-up; audited as by. Returns how many, or -1. */
int traineeship_retention(struct store *s, int years, const char *by);
/* Prints the period and how many placements a run would erase now
 * (`dote retention show`). 0 or -1. */
int traineeship_retention_show(struct store *s, int years, FILE *out);

/* Demo data (`dote demo`): up to per_status running, completed and
 * dropped-out placements from the demo's applications in those statuses,
 * with their attendance (about one working day in twelve away, as
 * illness or permitted absence), one sign-out to fix in each running
 * placement, every month before today's confirmed and all but the last
 * paid, classroom hours spread over the months, and for three ended
 * placements in four the employment at a follow-up six months after the
 * end (or today, if sooner). Deterministic. *made:
 * placements made. 0 or -1. */
int traineeship_demo(struct store *s, const char *today, int per_status, int *made);

/* The keys of enum allowance_why as stored ("full", "reduced",
 * "below_threshold", "below_floor", "nothing_due"). */
const char *allowance_why_key(enum allowance_why w);
#endif

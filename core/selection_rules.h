/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The rules of a selection, as a call sets them (issue 18): what may
 * happen to an application at each step, in which order, and what the
 * citizen is told. No storage here: reports/store/selection.c keeps the
 * stage of each application and asks these functions before every step,
 * inside the step's transaction; the office pages ask them to offer only
 * the allowed actions and to say why the others are not.
 *
 * Start reading at selection_step(): one call answers whether an action
 * may happen to an application in a stage, given what is known of its
 * placement (deadline passed, ranking final, seats, position), and which
 * stage follows. The stages, in order:
 *
 *   received -> eligible | excluded (requirements not met, with reason)
 *   eligible -> convoked (date and time in the future, place, note)
 *   convoked -> absent | unsuitable | assessed (present, score)
 *   assessed -> ranked (when the ranking is made final)
 *   ranked   -> selected (first waiting in the final ranking, within
 *               the seats) | not_selected ("idoneo non selezionato":
 *               the seats are taken)
 *   not_selected -> selected (a seat freed: moving down the ranking,
 *               "scorrimento", again only the first waiting)
 *   selected -> renounced (reason) | started
 *   started  -> completed | dropped_out
 *   any stage before started -> withdrawn (by the citizen)
 *
 * Nothing is edited back: a mistake is undone by a new step
 * (SELECTION_UNDO, with a reason) that returns to the stage before it.
 *
 * The stage maps onto the coarse application status the kiosks and the
 * statistics know (core/model.h) through selection_stage_status().
 */
#ifndef DOTE_SELECTION_RULES_H
#define DOTE_SELECTION_RULES_H
#include <stddef.h>
#include <time.h>

enum selection_stage {
	SELECTION_RECEIVED,
	SELECTION_ELIGIBLE,
	SELECTION_EXCLUDED,
	SELECTION_CONVOKED,
	SELECTION_ABSENT,
	SELECTION_UNSUITABLE,
	SELECTION_ASSESSED,
	SELECTION_RANKED,
	SELECTION_SELECTED,
	SELECTION_NOT_SELECTED,
	SELECTION_RENOUNCED,
	SELECTION_WITHDRAWN,
	SELECTION_STARTED,
	SELECTION_COMPLETED,
	SELECTION_DROPPED_OUT,
	SELECTION_STAGES
};

enum selection_action {
	SELECTION_REQUIREMENTS_MET,
	SELECTION_REQUIREMENTS_NOT_MET,	/* reason required */
	SELECTION_CONVOKE,		/* also moves a convocation */
	SELECTION_MARK_ABSENT,
	SELECTION_MARK_UNSUITABLE,	/* present, not suitable; reason required */
	SELECTION_MARK_ASSESSED,	/* present, suitable, with a score */
	SELECTION_RANK,			/* the ranking is made final */
	SELECTION_SELECT,
	SELECTION_NOT_SELECT,		/* idoneo non selezionato */
	SELECTION_RENOUNCE,		/* reason required */
	SELECTION_WITHDRAW,
	SELECTION_START,
	SELECTION_COMPLETE,
	SELECTION_DROP_OUT,
	SELECTION_UNDO,			/* reason required; back to ctx.previous */
	SELECTION_ACTIONS
};

/* What the rules need to know besides the stage. */
struct selection_context {
	int deadline_passed;		/* the placement's deadline is over */
	int ranking_final;		/* the placement's ranking is final */
	int seats;			/* the placement's seats */
	int taken;			/* applications holding a seat (selected, started) */
	int position;			/* this one's place in the final ranking, 0 none */
	int first_waiting;		/* place of the first ranked one not yet selected, 0 none */
	const char *reason;		/* the clerk's reason or note */
	enum selection_stage previous;	/* for SELECTION_UNDO: the stage before the last step */
};

/* The stage's key (stored: 'received', 'eligible', ... 'dropped_out'),
 * its Italian label, and the stage of a key (-1 unknown). */
const char *selection_stage_key(enum selection_stage st);
const char *selection_stage_label(enum selection_stage st);
int selection_stage_of(const char *key);
/* The action's key ('requirements_met', 'convoke', ... 'undo'), its
 * Italian label (the button), and the action of a key (-1 unknown). */
const char *selection_action_key(enum selection_action a);
const char *selection_action_label(enum selection_action a);
int selection_action_of(const char *key);
/* The application status (core/model.h vocabulary) a stage shows to the
 * kiosks and the statistics: received, interview, selected,
 * not_selected, withdrawn, started, completed, dropped_out. */
const char *selection_stage_status(enum selection_stage st);

/* Whether action may happen to an application in stage `from`: 1 with
 * *to set to the next stage, or 0 with a plain Italian reason in why
 * (what is missing, what to do first). why may be NULL. */
int selection_step(enum selection_stage from, enum selection_action action, const struct selection_context *ctx,
		   enum selection_stage *to, char *why, size_t whysize);

/* A convocation: at is local Italian time "YYYY-MM-DDTHH:MM" and must
 * be later than now (Europe/Rome, summer time included); place 1 to
 * 200 bytes; note at most 500. 1 fine, 0 with why. */
int selection_convocation_check(const char *at, const char *place, const char *note, time_t now, char *why,
				size_t whysize);
/* Whether a ranking may be made final: only after the deadline
 * ("YYYY-MM-DD", the last day applications are taken, Italian time),
 * once no application is waiting for an outcome (pending, the count).
 * 1 fine, 0 with why (the missing ones are named by the caller). */
int selection_final_check(const char *deadline, int pending, time_t now, char *why, size_t whysize);
/* Whether a placement still takes applications: before the end of
 * its deadline day and while its ranking is not final. */
int selection_open_for_applications(const char *deadline, int ranking_final, time_t now);

/* Italian local time (Europe/Rome: CET, CEST from the last Sunday of
 * March 01:00 UTC to the last Sunday of October 01:00 UTC), whatever
 * TZ the process has. */
void selection_local_tm(time_t t, struct tm *tm);
/* The instant of a local "YYYY-MM-DDTHH:MM"; -1 when not a real time. */
time_t selection_local_time(const char *at);
/* "20/03/2026 alle 10:00" for an instant, in Italian local time. */
void selection_local_it(time_t t, char *buf, size_t size);

/* ---- ranking ---- */

enum selection_tie_break {
	SELECTION_TIE_YOUNGER,		/* the younger candidate first (Italian public selections) */
	SELECTION_TIE_EARLIER,		/* the earlier application first */
};

enum { SELECTION_CRITERIA_MAX = 8, SELECTION_CRITERION_NAME_MAX = 48 };

struct selection_criterion {
	char name[SELECTION_CRITERION_NAME_MAX + 1];
	int weight;			/* percent; the weights add up to 100 */
};

/* What a call says about its selection, from call.rules:
 *   {"tie_break": "younger" | "earlier",
 *    "criteria": [{"name": "colloquio", "weight": 60}, {"name": "titoli", "weight": 40}]}
 * Both optional: the younger first, one score without criteria. */
struct selection_call {
	enum selection_tie_break tie_break;
	size_t ncriteria;
	struct selection_criterion criteria[SELECTION_CRITERIA_MAX];
};

/* Reads the selection keys of a call's rules JSON (NULL or "" give the
 * defaults). 0, or -1 with a reason in err. */
int selection_call_parse(const char *rules_json, struct selection_call *c, char *err, size_t errsize);
/* The score from marks 0..100 for each criterion, weighted: the
 * rounded sum of mark * weight / 100. 0, or -1 with why. */
int selection_weighted_score(const struct selection_call *c, const int *marks, size_t n, int *score, char *why,
			     size_t whysize);
/* The sentence that states the tie-break rule, for the ranking and its PDF. */
const char *selection_tie_break_text(enum selection_tie_break tb);

/* One application in a ranking. */
struct selection_entry {
	const char *protocol;
	const char *birth_date;		/* "YYYY-MM-DD", "" when erased */
	const char *submitted_at;	/* ISO-8601 */
	int score;
	int tie;			/* out: its place over the next was decided by the tie-break */
	void *user;
};
/* Sorts a ranking: higher score first, ties by the call's rule, then
 * by the earlier application, then the protocol (so that the order is
 * total and the same on every run). Marks each entry whose place over
 * the next one was decided by the tie-break rule. */
void selection_rank_sort(struct selection_entry *e, size_t n, enum selection_tie_break tb);

/* Which entry moves up when a seat frees ("scorrimento"): the index of
 * the first of stages[0..n) (in ranking order) still waiting (ranked,
 * or idoneo non selezionato), or -1 when nobody is left. */
int selection_next_index(const enum selection_stage *stages, size_t n);

/* ---- what the citizen is told ---- */

/* The office of a comune that runs the selection (a setting per comune). */
struct selection_office {
	const char *name;		/* "Ufficio Personale" */
	const char *phone;
	const char *email;
	const char *address;
};

/* What is known of an application, for its sentence. */
struct selection_notice {
	const char *reason;		/* exclusion, unsuitability, renunciation, withdrawal */
	const char *interview_at;	/* local "YYYY-MM-DDTHH:MM" */
	const char *interview_place;
	const char *interview_note;	/* the clerk's note for the citizen */
	int score;			/* -1 none */
	int position;			/* in the final ranking, 0 none */
	int seats;
	int placement_withdrawn;	/* the project itself was withdrawn */
	const struct selection_office *office;	/* NULL: no contact known */
};

/* The plain Italian text a citizen reads for a stage (receipt page,
 * kiosk, e-mail): what happened, the reason where there is one, what
 * happens next, and the office's contact. Always a full sentence. */
void selection_citizen_text(enum selection_stage st, const struct selection_notice *n, char *buf, size_t size);
/* The office's contact alone: "Per informazioni: Ufficio ..., indirizzo,
 * tel. ..., e-mail ...." ("" when nothing is known). */
void selection_office_text(const struct selection_office *o, char *buf, size_t size);
#endif

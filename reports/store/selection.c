/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The selection state machine, its audit log, rankings and retention
 * (see selection.h). Start reading at selection_status_set(): every
 * action finds the application within the caller's scope (app_find),
 * checks what may happen, then changes the application, the status
 * history the kiosks follow, the rollups, the audit log and the mail
 * outbox in one transaction (apply_status).
 *
 * The SQL is portable (?N parameters, text values) and runs on SQLite
 * and PostgreSQL through the store interface.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sqlite3.h>
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/model.h"
#include "core/selection_rules.h"
#include "core/util.h"
#include "reports/store/rollup.h"
#include "reports/store/mail_outbox.h"
#include "reports/store/selection.h"
#include "reports/store/store.h"
#include "reports/store/store_internal.h"

#define SELECTION_TABLES(SERIAL) \
	"CREATE TABLE IF NOT EXISTS selection (" \
	"  uuid TEXT PRIMARY KEY," \
	"  requirements TEXT CHECK (requirements IN ('ok','ko'))," \
	"  requirements_note TEXT NOT NULL DEFAULT ''," \
	"  interview_at TEXT, interview_place TEXT," \
	"  outcome TEXT CHECK (outcome IN ('idoneo','non_idoneo'))," \
	"  score INTEGER, outcome_note TEXT NOT NULL DEFAULT ''," \
	"  erased_at TEXT, updated_at TEXT NOT NULL);" \
	"CREATE TABLE IF NOT EXISTS selection_audit (" \
	"  id " SERIAL "," \
	"  uuid TEXT NOT NULL, comune TEXT NOT NULL, placement_code TEXT NOT NULL," \
	"  at TEXT NOT NULL, by TEXT NOT NULL, action TEXT NOT NULL," \
	"  from_status TEXT NOT NULL, to_status TEXT NOT NULL, note TEXT NOT NULL DEFAULT '');" \
	"CREATE INDEX IF NOT EXISTS selection_audit_comune ON selection_audit(comune, id);" \
	"CREATE INDEX IF NOT EXISTS selection_audit_uuid ON selection_audit(uuid, id);" \
	"CREATE TABLE IF NOT EXISTS ranking_final (" \
	"  placement_code TEXT PRIMARY KEY, final_at TEXT NOT NULL, by TEXT NOT NULL);" \
	"CREATE TABLE IF NOT EXISTS mail_outbox (" \
	"  id " SERIAL "," \
	"  uuid TEXT NOT NULL, to_addr TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL," \
	"  created_at TEXT NOT NULL, next_try_at TEXT NOT NULL," \
	"  attempts INTEGER NOT NULL DEFAULT 0, sent_at TEXT, last_error TEXT NOT NULL DEFAULT '');" \
	"CREATE INDEX IF NOT EXISTS mail_outbox_due ON mail_outbox(sent_at, next_try_at);" \
	"CREATE INDEX IF NOT EXISTS mail_outbox_uuid ON mail_outbox(uuid);" \
	"CREATE TABLE IF NOT EXISTS retention_log (" \
	"  id " SERIAL "," \
	"  at TEXT NOT NULL, by TEXT NOT NULL, days INTEGER NOT NULL," \
	"  applications INTEGER NOT NULL, placements INTEGER NOT NULL);"

/* Issue 18: the stage of each application and the version its page
 * was drawn from (optimistic concurrency), the reason and the note the
 * citizen reads, the position fixed in the final ranking, the stages in
 * the audit log (for an undo), and each comune's office contact. */
#define SELECTION_STAGES_SQL(ADD) \
	"ALTER TABLE selection ADD COLUMN " ADD "stage TEXT NOT NULL DEFAULT '';" \
	"ALTER TABLE selection ADD COLUMN " ADD "version INTEGER NOT NULL DEFAULT 0;" \
	"ALTER TABLE selection ADD COLUMN " ADD "updated_by TEXT NOT NULL DEFAULT '';" \
	"ALTER TABLE selection ADD COLUMN " ADD "reason TEXT NOT NULL DEFAULT '';" \
	"ALTER TABLE selection ADD COLUMN " ADD "interview_note TEXT NOT NULL DEFAULT '';" \
	"ALTER TABLE selection ADD COLUMN " ADD "position INTEGER;" \
	"ALTER TABLE selection_audit ADD COLUMN " ADD "from_stage TEXT NOT NULL DEFAULT '';" \
	"ALTER TABLE selection_audit ADD COLUMN " ADD "to_stage TEXT NOT NULL DEFAULT '';" \
	"CREATE TABLE IF NOT EXISTS office_contact (" \
	"  comune TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT ''," \
	"  email TEXT NOT NULL DEFAULT '', address TEXT NOT NULL DEFAULT ''," \
	"  updated_at TEXT NOT NULL, by TEXT NOT NULL);"

/* Issue 18: the marks of each criterion of the call, as the clerk gave
 * them ("colloquio 90/100 (peso 60%), ..."); '' without criteria. */
#define SELECTION_MARKS_SQL(ADD) "ALTER TABLE selection ADD COLUMN " ADD "marks TEXT NOT NULL DEFAULT '';"

static const struct migration selection_migrations[] = {
	{ 1, SELECTION_TABLES("INTEGER PRIMARY KEY") },
	{ 2, SELECTION_STAGES_SQL("") },
	{ 3, SELECTION_MARKS_SQL("") },
};
static const char selection_pg_schema[] = SELECTION_TABLES("BIGSERIAL PRIMARY KEY")
	SELECTION_STAGES_SQL("IF NOT EXISTS ") SELECTION_MARKS_SQL("IF NOT EXISTS ");

int selection_migrate(struct store *s)
{
	char found[8];
	int rc;

	if (!store_is_pg(s))
		return db_migrate(s->conn, "selection", selection_migrations,
				  (int)ARRAY_SIZE(selection_migrations));
	if (store_text(s, "SELECT CASE WHEN EXISTS (SELECT 1 FROM information_schema.columns"
			  " WHERE table_schema = current_schema() AND table_name = 'selection'"
			  " AND column_name = 'marks') THEN '1' ELSE '0' END",
		       NULL, found, sizeof(found)) == 0 && !strcmp(found, "1"))
		return 0;
	/* Several hubs (and the CLI) may create the tables at once. */
	if (store_exec_script(s, "SELECT pg_advisory_lock(4714)"))
		return -1;
	rc = store_exec_script(s, selection_pg_schema);
	store_exec_script(s, "SELECT pg_advisory_unlock(4714)");
	return rc;
}

/* ------------------------------------------------------------- helpers */

static const char *status_it(const char *key)
{
	const struct vocab *v = vocab_find(application_statuses, application_statuses_n, key);
	return v ? v->it : key;
}

/* One application as the state machine sees it, with its placement. */
struct app_row {
	char uuid[40], protocol[40], status[20], comune[8], placement[40], email[256];
	char requirements[4], interview_at[20], place[SELECTION_PLACE_MAX + 1], outcome[12], score[8];
	char stage[16], version[24], deadline[12], seats[8], rules[2048], pstatus[16];
	char reason[SELECTION_NOTE_MAX + 1], note[SELECTION_NOTE_MAX + 1], position[12];
	int final;
};

static void cell(const struct store_res *r, int col, char *buf, size_t size)
{
	const char *v = store_res_get(r, 0, col);
	str_copy(buf, size, v ? v : "");
}

/* 0 found within scope, 1 not, -1 error. */
static int app_find(struct store *s, const char *scope, const char *id, struct app_row *a)
{
	struct store_res *r;
	int rc = 1;

	memset(a, 0, sizeof(*a));
	if (!id || !*id || strlen(id) > 64)
		return 1;
	if (store_query(s, "SELECT a.uuid, a.protocol, a.status, a.comune, a.placement_code,"
			   " coalesce(a.email, ''), coalesce(x.requirements, ''), coalesce(x.interview_at, ''),"
			   " coalesce(x.interview_place, ''), coalesce(x.outcome, ''),"
			   " coalesce(CAST(x.score AS TEXT), ''),"
			   " CASE WHEN f.placement_code IS NULL THEN 0 ELSE 1 END,"
			   " coalesce(x.stage, ''), coalesce(CAST(x.version AS TEXT), '0'), coalesce(p.deadline, ''),"
			   " coalesce(CAST(p.seats AS TEXT), '0'), coalesce(c.rules, ''), coalesce(p.status, ''),"
			   " coalesce(x.reason, ''), coalesce(x.interview_note, ''),"
			   " coalesce(CAST(x.position AS TEXT), '')"
			   " FROM application a LEFT JOIN selection x ON x.uuid = a.uuid"
			   " LEFT JOIN ranking_final f ON f.placement_code = a.placement_code"
			   " LEFT JOIN placement p ON p.code = a.placement_code"
			   " LEFT JOIN call c ON c.id = p.call_id"
			   " WHERE (a.uuid = ?1 OR a.protocol = ?1) AND (?2 = '' OR a.comune = ?2)",
			ARGS(id, scope ? scope : ""), &r))
		return -1;
	if (store_res_rows(r) == 1) {
		cell(r, 0, a->uuid, sizeof(a->uuid));
		cell(r, 1, a->protocol, sizeof(a->protocol));
		cell(r, 2, a->status, sizeof(a->status));
		cell(r, 3, a->comune, sizeof(a->comune));
		cell(r, 4, a->placement, sizeof(a->placement));
		cell(r, 5, a->email, sizeof(a->email));
		cell(r, 6, a->requirements, sizeof(a->requirements));
		cell(r, 7, a->interview_at, sizeof(a->interview_at));
		cell(r, 8, a->place, sizeof(a->place));
		cell(r, 9, a->outcome, sizeof(a->outcome));
		cell(r, 10, a->score, sizeof(a->score));
		a->final = atoi(store_res_get(r, 0, 11) ? store_res_get(r, 0, 11) : "0");
		cell(r, 12, a->stage, sizeof(a->stage));
		cell(r, 13, a->version, sizeof(a->version));
		cell(r, 14, a->deadline, sizeof(a->deadline));
		cell(r, 15, a->seats, sizeof(a->seats));
		cell(r, 16, a->rules, sizeof(a->rules));
		cell(r, 17, a->pstatus, sizeof(a->pstatus));
		cell(r, 18, a->reason, sizeof(a->reason));
		cell(r, 19, a->note, sizeof(a->note));
		cell(r, 20, a->position, sizeof(a->position));
		rc = 0;
	}
	store_res_free(r);
	return rc;
}

/* The stage of an application: stored, or (rows of issue 11, before
 * stages were kept) read from its status and selection record. */
static enum selection_stage stage_derive(const struct app_row *a)
{
	int st = selection_stage_of(a->stage);

	if (*a->stage && st >= 0)
		return st;
	if (!strcmp(a->status, "received"))
		return !strcmp(a->requirements, "ok") ? SELECTION_ELIGIBLE
		     : !strcmp(a->requirements, "ko") ? SELECTION_EXCLUDED : SELECTION_RECEIVED;
	if (!strcmp(a->status, "interview"))
		return !strcmp(a->outcome, "idoneo") ? (a->final ? SELECTION_RANKED : SELECTION_ASSESSED)
		     : !strcmp(a->outcome, "non_idoneo") ? SELECTION_UNSUITABLE : SELECTION_CONVOKED;
	if (!strcmp(a->status, "not_selected"))
		return !strcmp(a->requirements, "ko") ? SELECTION_EXCLUDED
		     : !strcmp(a->outcome, "idoneo") ? SELECTION_NOT_SELECTED : SELECTION_UNSUITABLE;
	st = selection_stage_of(a->status);
	return st >= 0 ? st : SELECTION_RECEIVED;
}

static int selection_row(struct store *s, const char *uuid, const char *now)
{
	return store_exec(s, "INSERT INTO selection(uuid, updated_at) VALUES (?1, ?2)"
			     " ON CONFLICT (uuid) DO NOTHING", ARGS(uuid, now)) < 0 ? -1 : 0;
}

static int audit_stage(struct store *s, const struct app_row *a, const char *now, const char *by,
		       const char *action, const char *from, const char *to, const char *note, const char *from_stage,
		       const char *to_stage)
{
	return store_exec(s, "INSERT INTO selection_audit(uuid, comune, placement_code, at, by, action,"
			     " from_status, to_status, note, from_stage, to_stage)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
			  ARGS(a->uuid, a->comune, a->placement, now, by, action, from, to, note ? note : "",
			       from_stage, to_stage)) == 1 ? 0 : -1;
}

static int audit(struct store *s, const struct app_row *a, const char *now, const char *by,
		 const char *action, const char *from, const char *to, const char *note)
{
	return audit_stage(s, a, now, by, action, from, to, note, "", "");
}

/* Who and the note: bounded, printable. 0, or 2 with err set. */
static int check_who(const char *by, const char *note, char *err, size_t errsize)
{
	if (!by || !*by || strlen(by) > SELECTION_BY_MAX || !store_is_printable(by)) {
		snprintf(err, errsize, "Indicare chi esegue l'operazione (da 1 a %d caratteri).", SELECTION_BY_MAX);
		return 2;
	}
	if (strlen(note ? note : "") > SELECTION_NOTE_MAX || !store_is_printable(note ? note : "")) {
		snprintf(err, errsize, "La nota può avere al massimo %d caratteri, su una riga.", SELECTION_NOTE_MAX);
		return 2;
	}
	return 0;
}

void selection_when_it(const char *at, char *buf, size_t size)
{
	int y, m, d;
	char date[11];

	if (!at || strlen(at) != 16 || at[10] != 'T') {
		str_copy(buf, size, at ? at : "");
		return;
	}
	memcpy(date, at, 10);
	date[10] = '\0';
	if (date_parse(date, &y, &m, &d)) {
		str_copy(buf, size, at);
		return;
	}
	snprintf(buf, size, "%02d/%02d/%04d alle %.5s", d, m, y, at + 11);
}

int selection_interview(struct store *s, const char *uuid, char *at, size_t asize, char *place,
			size_t psize)
{
	struct store_res *r;
	int rc = 1;

	at[0] = place[0] = '\0';
	if (store_query(s, "SELECT coalesce(interview_at, ''), coalesce(interview_place, '') FROM selection"
			   " WHERE uuid = ?1", ARGS(uuid), &r))
		return -1;
	if (store_res_rows(r) == 1) {
		str_copy(at, asize, store_res_get(r, 0, 0));
		str_copy(place, psize, store_res_get(r, 0, 1));
		rc = 0;
	}
	store_res_free(r);
	return rc;
}

void selection_status_text(const char *status, const char *interview_at, const char *place, char *buf,
			   size_t size)
{
	struct selection_notice n = { .score = -1, .interview_at = interview_at, .interview_place = place };
	int st = selection_stage_of(status);

	if (!strcmp(status, "interview"))
		st = SELECTION_CONVOKED;
	selection_citizen_text(st < 0 ? SELECTION_STAGES : st, &n, buf, size);
}

/* ------------------------------------------------------ office contact */

int selection_office_get(struct store *s, const char *comune, struct selection_office_contact *c)
{
	struct store_res *r;
	int rc = 1;

	memset(c, 0, sizeof(*c));
	if (store_query(s, "SELECT name, phone, email, address FROM office_contact WHERE comune = ?1",
			ARGS(comune ? comune : ""), &r))
		return -1;
	if (store_res_rows(r) == 1) {
		str_copy(c->name, sizeof(c->name), store_res_get(r, 0, 0));
		str_copy(c->phone, sizeof(c->phone), store_res_get(r, 0, 1));
		str_copy(c->email, sizeof(c->email), store_res_get(r, 0, 2));
		str_copy(c->address, sizeof(c->address), store_res_get(r, 0, 3));
		rc = 0;
	}
	store_res_free(r);
	return rc;
}

int selection_office_set(struct store *s, const char *comune, const struct selection_office_contact *c,
			 const char *by, char *err, size_t errsize)
{
	char now[32];
	int rc;

	err[0] = '\0';
	if ((rc = check_who(by, "", err, errsize)))
		return rc;
	if (!comune || strlen(comune) != 6)
		return 1;
	if (!store_is_printable(c->name) || !store_is_printable(c->phone) || !store_is_printable(c->email) ||
	    !store_is_printable(c->address) || (*c->email && !strchr(c->email, '@')) ||
	    strspn(c->phone, "0123456789 +./-()") != strlen(c->phone)) {
		snprintf(err, errsize, "Controlla i recapiti: il telefono ha soltanto cifre, spazi e + . / - ( ); "
			 "l'e-mail contiene @; ogni campo è su una riga.");
		return 2;
	}
	if (!*c->phone && !*c->email && !*c->address) {
		snprintf(err, errsize, "Indica almeno un recapito: telefono, e-mail o indirizzo.");
		return 2;
	}
	store_now_iso(now, sizeof(now));
	return store_exec(s, "INSERT INTO office_contact(comune, name, phone, email, address, updated_at, by)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (comune) DO UPDATE SET"
			     " name = excluded.name, phone = excluded.phone, email = excluded.email,"
			     " address = excluded.address, updated_at = excluded.updated_at, by = excluded.by",
			  ARGS(comune, c->name, c->phone, c->email, c->address, now, by)) == 1 ? 0 : -1;
}

/* ----------------------------------------------------- the citizen's text */

/* The sentence of application a as it stands (stage st). */
static void citizen_text(struct store *s, const struct app_row *a, enum selection_stage st, char *buf, size_t size)
{
	struct selection_office_contact oc;
	struct selection_office off = { 0 };
	struct selection_notice n = { .score = -1 };

	if (selection_office_get(s, a->comune, &oc) == 0) {
		off.name = oc.name;
		off.phone = oc.phone;
		off.email = oc.email;
		off.address = oc.address;
		n.office = &off;
	}
	n.reason = a->reason;
	n.interview_at = a->interview_at;
	n.interview_place = a->place;
	n.interview_note = a->note;
	n.score = *a->score ? atoi(a->score) : -1;
	n.position = atoi(a->position);
	n.seats = atoi(a->seats);
	/* A withdrawn placement is 'closed' (reports/store/calls.c). */
	n.placement_withdrawn = !strcmp(a->pstatus, "closed");
	selection_citizen_text(st, &n, buf, size);
}

/* The stage a citizen is told: a withdrawn placement ends what was still in progress. */
static enum selection_stage citizen_stage(const struct app_row *a)
{
	enum selection_stage st = stage_derive(a);

	if (!strcmp(a->pstatus, "closed") && st != SELECTION_SELECTED && st < SELECTION_STARTED &&
	    st != SELECTION_EXCLUDED && st != SELECTION_RENOUNCED)
		st = SELECTION_WITHDRAWN;
	return st;
}

int selection_citizen(struct store *s, const char *uuid, char *label, size_t lsize, char *text, size_t tsize)
{
	struct app_row a;
	enum selection_stage st;
	int rc = app_find(s, NULL, uuid, &a);

	label[0] = text[0] = '\0';
	if (rc)
		return rc;
	st = citizen_stage(&a);
	str_copy(label, lsize, selection_stage_label(st));
	citizen_text(s, &a, st, text, tsize);
	return 0;
}

int selection_citizen_view(struct store *s, const char *uuid, struct selection_citizen_view *v)
{
	struct app_row a;
	enum selection_stage st;
	int rc = app_find(s, NULL, uuid, &a);

	memset(v, 0, sizeof(*v));
	v->score = -1;
	if (rc)
		return rc;
	st = citizen_stage(&a);
	str_copy(v->stage, sizeof(v->stage), selection_stage_key(st));
	str_copy(v->label, sizeof(v->label), selection_stage_label(st));
	citizen_text(s, &a, st, v->text, sizeof(v->text));
	str_copy(v->reason, sizeof(v->reason), a.reason);
	str_copy(v->note, sizeof(v->note), a.note);
	v->position = atoi(a.position);
	v->seats = atoi(a.seats);
	v->score = *a.score ? atoi(a.score) : -1;
	if (selection_office_get(s, a.comune, &v->office) < 0)
		return -1;
	return 0;
}

/* Queues the citizen's e-mail for a new stage (nothing without an
 * address). The message names no person: the protocol number, the
 * placement and the comune, what happened and what happens next. */
static int notify_stage(struct store *s, const struct app_row *a, enum selection_stage st, const char *now)
{
	struct store_res *r = NULL;
	char text[1200], subject[160], *body = NULL;
	const char *title = a->placement;
	const struct comune *c = comune_by_istat(a->comune);
	int rc = -1;

	if (!a->email[0] || !strchr(a->email, '@') || !store_is_printable(a->email))
		return 0;
	if (store_query(s, "SELECT title FROM placement WHERE code = ?1", ARGS(a->placement), &r))
		return -1;
	if (store_res_rows(r) == 1 && store_res_get(r, 0, 0))
		title = store_res_get(r, 0, 0);
	citizen_text(s, a, st, text, sizeof(text));
	snprintf(subject, sizeof(subject), "DoteComune: novità sulla sua domanda %s", a->protocol);
	if (asprintf(&body,
		     "Gentile candidata, gentile candidato,\n\n"
		     "c'è un aggiornamento sulla sua domanda n. %s per il progetto %s (%s)%s%s.\n\n"
		     "Stato della domanda: %s.\n%s\n\n"
		     "Può controllare lo stato della domanda in ogni momento allo sportello DoteComune "
		     "del Comune (\"Controlla la mia domanda\") o inquadrando il codice QR della ricevuta.\n\n"
		     "Questo messaggio è stato inviato automaticamente: per favore non risponda.\n"
		     "DoteComune\n",
		     a->protocol, a->placement, title, c ? " presso il Comune di " : "", c ? c->name : "",
		     selection_stage_label(st), text) < 0) {
		body = NULL;
		goto out;
	}
	rc = mail_outbox_add(s, a->uuid, a->email, subject, body, now);
out:
	free(body);
	store_res_free(r);
	return rc;
}

/* The "received" e-mail of a = (uuid, protocol, comune, placement,
 * email), an application whose status is 'received' (the text depends
 * on nothing else but the office's contact). */
static int notify_received(struct store *s, const struct app_row *a, const char *now)
{
	char text[1200], subject[160], *body = NULL;
	const struct comune *c;
	int rc;

	if (!a->email[0] || !strchr(a->email, '@') || !store_is_printable(a->email))
		return 0;
	c = comune_by_istat(a->comune);
	citizen_text(s, a, SELECTION_RECEIVED, text, sizeof(text));
	snprintf(subject, sizeof(subject), "DoteComune: domanda %s ricevuta", a->protocol);
	if (asprintf(&body,
		     "Gentile candidata, gentile candidato,\n\n"
		     "la sua domanda n. %s per il progetto %s%s%s è stata ricevuta.\n\n%s\n\n"
		     "Può controllare lo stato della domanda in ogni momento allo sportello DoteComune "
		     "del Comune (\"Controlla la mia domanda\") o inquadrando il codice QR della ricevuta.\n\n"
		     "Questo messaggio è stato inviato automaticamente: per favore non risponda.\n"
		     "DoteComune\n",
		     a->protocol, a->placement, c ? " presso il Comune di " : "", c ? c->name : "", text) < 0)
		return -1;
	rc = mail_outbox_add(s, a->uuid, a->email, subject, body, now);
	free(body);
	return rc;
}

int selection_notify_received(struct store *s, const char *uuid, const char *now)
{
	struct app_row a;
	int rc = app_find(s, NULL, uuid, &a);

	if (rc)
		return rc < 0 ? -1 : 0;
	return notify_received(s, &a, now);
}

int selection_notify_stored(struct store *s, const char *uuid, const char *protocol, const char *comune,
			    const char *placement, const char *email, const char *now)
{
	struct app_row a;

	/* What app_find would read back of a new application: no
	 * selection row, nothing else the text uses. */
	memset(&a, 0, sizeof(a));
	str_copy(a.uuid, sizeof(a.uuid), uuid);
	str_copy(a.protocol, sizeof(a.protocol), protocol);
	str_copy(a.comune, sizeof(a.comune), comune);
	str_copy(a.placement, sizeof(a.placement), placement);
	str_copy(a.email, sizeof(a.email), email);
	return notify_received(s, &a, now);
}

/* ---------------------------------------------------------- the steps */

/* The ranking context of a placement for application a: seats taken,
 * its position, the first still waiting. */
static int ranking_context(struct store *s, const struct app_row *a, struct selection_context *c)
{
	struct store_res *r;
	int i;

	c->seats = atoi(a->seats);
	c->ranking_final = a->final;
	c->position = atoi(a->position);
	c->first_waiting = 0;
	c->taken = 0;
	if (store_query(s, "SELECT coalesce(x.stage, ''), a.status, coalesce(CAST(x.position AS TEXT), '')"
			   " FROM application a LEFT JOIN selection x ON x.uuid = a.uuid"
			   " WHERE a.placement_code = ?1 AND a.duplicate_of IS NULL"
			   " ORDER BY CASE WHEN x.position IS NULL THEN 1 ELSE 0 END, x.position",
			ARGS(a->placement), &r))
		return -1;
	for (i = 0; i < store_res_rows(r); i++) {
		const char *st = store_res_get(r, i, 0), *status = store_res_get(r, i, 1);

		if (!strcmp(status, "selected") || !strcmp(status, "started") || !strcmp(status, "completed"))
			c->taken++;
		if (!c->first_waiting && *store_res_get(r, i, 2) &&
		    (!strcmp(st, "ranked") || !strcmp(st, "not_selected")))
			c->first_waiting = atoi(store_res_get(r, i, 2));
	}
	store_res_free(r);
	return 0;
}

/* The stage before the last step (from the audit log), for an undo. */
static int previous_stage(struct store *s, const struct app_row *a, enum selection_stage now_st,
			  enum selection_stage *prev)
{
	struct store_res *r;
	int st = -1;

	if (store_query(s, "SELECT from_stage FROM selection_audit WHERE uuid = ?1 AND to_stage = ?2"
			   " AND from_stage <> '' ORDER BY id DESC LIMIT 1",
			ARGS(a->uuid, selection_stage_key(now_st)), &r))
		return -1;
	if (store_res_rows(r) == 1)
		st = selection_stage_of(store_res_get(r, 0, 0));
	store_res_free(r);
	*prev = st >= 0 ? (enum selection_stage)st : SELECTION_STAGES;
	return 0;
}

/* Who changed a (the last audit row), for a conflict's message. */
static void last_change(struct store *s, const struct app_row *a, char *buf, size_t size)
{
	struct store_res *r;
	char w[40];

	buf[0] = '\0';
	if (store_query(s, "SELECT by, at, action FROM selection_audit WHERE uuid = ?1 ORDER BY id DESC LIMIT 1",
			ARGS(a->uuid), &r))
		return;
	if (store_res_rows(r) == 1) {
		time_t t = 0;
		struct tm tm;
		const char *at = store_res_get(r, 0, 1);

		memset(&tm, 0, sizeof(tm));
		if (strptime(at, "%Y-%m-%dT%H:%M:%S", &tm))
			t = timegm(&tm);
		selection_local_it(t, w, sizeof(w));
		snprintf(buf, size, "%s il %s", store_res_get(r, 0, 0), w);
	}
	store_res_free(r);
}

static int deadline_passed(const char *deadline)
{
	char why[8];
	return selection_final_check(deadline, 0, now_wall(), why, sizeof(why));
}

/* Moves the application to stage `to` with its status, inside the caller's transaction. */
static int apply_stage(struct store *s, struct app_row *a, enum selection_stage from, enum selection_stage to,
		       const char *action, const char *by, const char *note, const char *now)
{
	const char *status = selection_stage_status(to);
	char version[24];
	int i;

	snprintf(version, sizeof(version), "%lld", atoll(a->version) + 1);
	if (selection_row(s, a->uuid, now) ||
	    store_exec(s, "UPDATE selection SET stage = ?2, version = CAST(?3 AS INTEGER), updated_by = ?4,"
			  " updated_at = ?5 WHERE uuid = ?1",
		       ARGS(a->uuid, selection_stage_key(to), version, by, now)) != 1)
		return -1;
	if (strcmp(a->status, status)) {
		if (store_exec(s, "UPDATE application SET status = ?1, status_at = ?2 WHERE uuid = ?3",
			       ARGS(status, now, a->uuid)) != 1 ||
		    store_exec(s, "INSERT INTO status_history(uuid, status, at, by, note) VALUES"
				  " (?1, ?2, ?3, ?4, ?5)", ARGS(a->uuid, status, now, by, note ? note : "")) != 1)
			return -1;
		if (!store_is_pg(s)) {
			if (rollup_apply_status(s->conn, a->uuid, a->status, status))
				return -1;
		} else {
			for (i = 0; rollup_status_sql[i]; i++)
				if (store_exec(s, rollup_status_sql[i], ARGS(a->uuid, a->status, status)) < 0)
					return -1;
		}
	} else if (from != to && store_exec(s, "INSERT INTO status_history(uuid, status, at, by, note) VALUES"
						 " (?1, ?2, ?3, ?4, ?5)",
						 ARGS(a->uuid, status, now, by, note ? note : "")) != 1) {
		/* Same status, new stage: the kiosks' feed carries the new sentence. */
		return -1;
	}
	if (audit_stage(s, a, now, by, action, a->status, status, note, selection_stage_key(from),
			selection_stage_key(to)))
		return -1;
	str_copy(a->status, sizeof(a->status), status);
	str_copy(a->stage, sizeof(a->stage), selection_stage_key(to));
	return 0;
}

/* The score of an outcome (assessed, or unsuitable with a score) into
 * score ("" for none), and with the call's criteria the marks they were
 * computed from into marks. Without criteria: x->score, 0..100. With
 * criteria: x->marks[i], a whole number 0..100 for each criterion, the
 * score their weighted sum (selection_weighted_score); an unsuitable
 * one may leave them all empty. 0, 2 (a bad score) or 3 (a bad mark,
 * err names the criterion and its field votoN) with err. */
static int outcome_score(const struct app_row *a, int act, const struct selection_input *x, char *score,
			 size_t ssize, char *marks, size_t msize, char *err, size_t errsize)
{
	struct selection_call c;
	int m[SELECTION_CRITERIA_MAX], sc, any = 0;
	size_t i, len = 0;

	score[0] = marks[0] = '\0';
	if (selection_call_parse(a->rules, &c, err, errsize) || !c.ncriteria) {
		err[0] = '\0';
		if (act == SELECTION_MARK_UNSUITABLE && !(x->score && *x->score))
			return 0;
		if (!x->score || !*x->score || strlen(x->score) > 3 ||
		    strspn(x->score, "0123456789") != strlen(x->score) || atoi(x->score) > SELECTION_SCORE_MAX) {
			snprintf(err, errsize, "Il punteggio è un numero intero da 0 a %d.", SELECTION_SCORE_MAX);
			return 2;
		}
		snprintf(score, ssize, "%d", atoi(x->score));
		return 0;
	}
	for (i = 0; i < c.ncriteria && i < x->nmarks; i++)
		any |= x->marks[i] && *x->marks[i];
	if (act == SELECTION_MARK_UNSUITABLE && !any)
		return 0;
	for (i = 0; i < c.ncriteria; i++) {
		const char *v = i < x->nmarks && x->marks[i] ? x->marks[i] : "";

		if (!*v || strlen(v) > 3 || strspn(v, "0123456789") != strlen(v) || atoi(v) > 100) {
			snprintf(err, errsize, "Il voto del criterio «%s» (campo voto%zu) %s: serve un numero intero da 0 a "
				 "100. Nulla è stato salvato.", c.criteria[i].name, i + 1, *v ? "non è valido" : "manca");
			return 3;
		}
		m[i] = atoi(v);
		len += (size_t)snprintf(marks + len, len < msize ? msize - len : 0, "%s%s %d/100 (peso %d%%)",
					i ? ", " : "", c.criteria[i].name, m[i], c.criteria[i].weight);
	}
	if (selection_weighted_score(&c, m, c.ncriteria, &sc, err, errsize))
		return 3;
	snprintf(score, ssize, "%d", sc);
	return 0;
}

/* The columns of step act (allowed, from -> to) on a's selection row, and
 * a as they leave it; *text becomes what the audit row says (for an
 * outcome: the score and marks, written into what) and *audit_action its
 * action. 0 or -1. */
static int record_step(struct store *s, struct app_row *a, int act, enum selection_stage from, enum selection_stage to,
		       const struct selection_input *x, const char *score, const char *marks, const char **text,
		       const char **audit_action, char *what, size_t wsize)
{
	const char *t = *text;

	switch (act) {
	case SELECTION_REQUIREMENTS_MET:
	case SELECTION_REQUIREMENTS_NOT_MET:
		*audit_action = act == SELECTION_REQUIREMENTS_MET ? "requirements_ok" : "requirements_ko";
		if (store_exec(s, "UPDATE selection SET requirements = ?2, requirements_note = ?3, reason = ?4"
				  " WHERE uuid = ?1", ARGS(a->uuid, act == SELECTION_REQUIREMENTS_MET ? "ok" : "ko", t,
							   act == SELECTION_REQUIREMENTS_MET ? "" : t)) != 1)
			return -1;
		str_copy(a->reason, sizeof(a->reason), act == SELECTION_REQUIREMENTS_MET ? "" : t);
		return 0;
	case SELECTION_CONVOKE:
		*audit_action = from == SELECTION_CONVOKED ? "interview_changed" : "status";
		if (store_exec(s, "UPDATE selection SET interview_at = ?2, interview_place = ?3, interview_note = ?4"
				  " WHERE uuid = ?1", ARGS(a->uuid, x->at, x->place, t)) != 1)
			return -1;
		str_copy(a->interview_at, sizeof(a->interview_at), x->at);
		str_copy(a->place, sizeof(a->place), x->place);
		str_copy(a->note, sizeof(a->note), t);
		return 0;
	case SELECTION_MARK_ASSESSED:
	case SELECTION_MARK_UNSUITABLE:
	case SELECTION_MARK_ABSENT:
		*audit_action = act == SELECTION_MARK_ABSENT ? "absent" : "score";
		if (store_exec(s, "UPDATE selection SET outcome = ?2, score = CAST(NULLIF(?3, '') AS INTEGER),"
				  " outcome_note = ?4, reason = ?5, marks = ?6 WHERE uuid = ?1",
			       ARGS(a->uuid, act == SELECTION_MARK_ASSESSED ? "idoneo" : "non_idoneo", score, t,
				    act == SELECTION_MARK_ASSESSED ? "" : t, marks)) != 1)
			return -1;
		str_copy(a->score, sizeof(a->score), score);
		str_copy(a->reason, sizeof(a->reason), act == SELECTION_MARK_ASSESSED ? "" : t);
		if (act != SELECTION_MARK_ABSENT) {
			/* The audit row keeps the marks the score was computed from. */
			snprintf(what, wsize, "%s, punteggio %s%s%s%s%s", act == SELECTION_MARK_ASSESSED ? "idoneo"
				 : "non idoneo", *score ? score : "-", *marks ? " = " : "", marks, *t ? " – " : "", t);
			*text = what;
		}
		return 0;
	case SELECTION_RENOUNCE:
	case SELECTION_WITHDRAW:
	case SELECTION_DROP_OUT:
		if (store_exec(s, "UPDATE selection SET reason = ?2 WHERE uuid = ?1", ARGS(a->uuid, t)) != 1)
			return -1;
		str_copy(a->reason, sizeof(a->reason), t);
		if (act == SELECTION_WITHDRAW || act == SELECTION_DROP_OUT)
			*audit_action = "status";
		return 0;
	case SELECTION_UNDO:
		/* Back before an outcome or a requirements check: it is no longer recorded. */
		if (to <= SELECTION_CONVOKED &&
		    store_exec(s, "UPDATE selection SET outcome = NULL, score = NULL, marks = '', reason = ''"
				  " WHERE uuid = ?1",
			       ARGS(a->uuid)) != 1)
			return -1;
		if (to == SELECTION_RECEIVED &&
		    store_exec(s, "UPDATE selection SET requirements = NULL WHERE uuid = ?1", ARGS(a->uuid)) != 1)
			return -1;
		if (to == SELECTION_RANKED || to == SELECTION_SELECTED)
			a->reason[0] = '\0';
		return 0;
	default:
		*audit_action = "status";
		return 0;
	}
}

/* A version given with the form that is not a's: err says who changed it
 * since and what it is now; 1. Else 0. */
static int stale_version(struct store *s, struct app_row *a, const char *version, char *err, size_t errsize)
{
	char who[120];

	if (!version || !strcmp(version, a->version))
		return 0;
	last_change(s, a, who, sizeof(who));
	snprintf(err, errsize, "La domanda è stata modificata nel frattempo%s%s: ora è «%s». Nulla è stato "
		 "salvato: controlla la pagina aggiornata e, se serve, ripeti l'operazione.",
		 *who ? " da " : "", who, selection_stage_label(stage_derive(a)));
	return 1;
}

int selection_act(struct store *s, const char *scope, const char *id, const char *action, const char *by,
		  const struct selection_input *in, char *err, size_t errsize)
{
	static const struct selection_input none;
	const struct selection_input *x = in ? in : &none;
	struct selection_context ctx;
	struct app_row a;
	enum selection_stage from, to;
	const char *text = x->note ? x->note : "", *audit_action;
	char now[32], score[8] = "", marks[SELECTION_CRITERIA_MAX * (SELECTION_CRITERION_NAME_MAX + 24)] = "";
	char what[SELECTION_NOTE_MAX + sizeof(marks) + 64];
	int act = selection_action_of(action), rc;

	err[0] = '\0';
	if (act < 0) {
		snprintf(err, errsize, "Operazione sconosciuta.");
		return 2;
	}
	if ((rc = check_who(by, text, err, errsize)))
		return rc;
	if (act == SELECTION_CONVOKE &&
	    !selection_convocation_check(x->at, x->place, text, now_wall(), err, errsize))
		return 2;
	store_now_iso(now, sizeof(now));
	if (store_begin(s))
		return -1;
	rc = app_find(s, scope, id, &a);
	if (rc)
		goto out;
	rc = 2;
	if (stale_version(s, &a, x->version, err, errsize))
		goto out;
	from = stage_derive(&a);
	memset(&ctx, 0, sizeof(ctx));
	ctx.reason = text;
	ctx.deadline_passed = deadline_passed(a.deadline);
	if (ranking_context(s, &a, &ctx) || (act == SELECTION_UNDO && previous_stage(s, &a, from, &ctx.previous))) {
		rc = -1;
		goto out;
	}
	if (act != SELECTION_UNDO)
		ctx.previous = SELECTION_STAGES;
	if (!selection_step(from, act, &ctx, &to, err, errsize))
		goto out;
	/* The score (or the marks) once the step is allowed: 2 or 3 refuse it. */
	if ((act == SELECTION_MARK_ASSESSED || act == SELECTION_MARK_UNSUITABLE) &&
	    (rc = outcome_score(&a, act, x, score, sizeof(score), marks, sizeof(marks), err, errsize)))
		goto out;
	rc = -1;
	audit_action = action;
	if (selection_row(s, a.uuid, now) ||
	    record_step(s, &a, act, from, to, x, score, marks, &text, &audit_action, what, sizeof(what)) ||
	    apply_stage(s, &a, from, to, audit_action, by, text, now))
		goto out;
	/* Requirements met is an inner step: the convocation that follows is the news. */
	if (to != SELECTION_ELIGIBLE && notify_stage(s, &a, to, now))
		goto out;
	if (store_commit(s))
		goto out;
	rc = 0;
out:
	if (rc)
		store_rollback(s);
	return rc;
}

int selection_criteria(struct store *s, const char *scope, const char *id, struct selection_call *c)
{
	struct app_row a;
	char err[160];
	int rc = app_find(s, scope, id, &a);

	memset(c, 0, sizeof(*c));
	if (rc)
		return rc;
	/* Rules that do not parse were refused at import: read them as none. */
	selection_call_parse(a.rules, c, err, sizeof(err));
	return 0;
}

int selection_state_read(struct store *s, const char *scope, const char *id, struct selection_state *st)
{
	struct app_row a;
	int rc = app_find(s, scope, id, &a);

	memset(st, 0, sizeof(*st));
	if (rc)
		return rc;
	st->stage = stage_derive(&a);
	str_copy(st->version, sizeof(st->version), a.version);
	st->ctx.deadline_passed = deadline_passed(a.deadline);
	if (ranking_context(s, &a, &st->ctx) || previous_stage(s, &a, st->stage, &st->ctx.previous))
		return -1;
	return 0;
}

static int notify_comune(struct store *s, const char *placement, const char *subject, const char *text,
			 const char *now);

int selection_placement_withdrawn(struct store *s, const char *placement, const char *by, const char *note,
				  const char *now, char *affected, size_t asize)
{
	struct store_res *r;
	int i, n = 0, selected = 0, rc = -1;
	size_t len;

	affected[0] = '\0';
	if (store_query(s, "SELECT a.uuid, a.protocol, a.status FROM application a WHERE a.placement_code = ?1"
			   " AND a.duplicate_of IS NULL AND a.status IN ('received', 'interview', 'selected', 'not_selected')"
			   " ORDER BY CASE WHEN a.status = 'selected' THEN 0 ELSE 1 END, a.protocol",
			ARGS(placement), &r))
		return -1;
	for (i = 0; i < store_res_rows(r); i++) {
		struct app_row a;
		enum selection_stage st;

		if (app_find(s, NULL, store_res_get(r, i, 0), &a) || selection_row(s, a.uuid, now) ||
		    store_exec(s, "UPDATE selection SET reason = ?2 WHERE uuid = ?1", ARGS(a.uuid, note ? note : "")) != 1)
			goto out;
		str_copy(a.reason, sizeof(a.reason), note ? note : "");
		st = stage_derive(&a);
		if (audit(s, &a, now, by, "placement_withdrawn", a.status, a.status, note) ||
		    notify_stage(s, &a, st == SELECTION_SELECTED ? SELECTION_SELECTED : SELECTION_WITHDRAWN, now))
			goto out;
		if (!strcmp(a.status, "selected")) {
			len = strlen(affected);
			snprintf(affected + len, asize - len, "%s%s", selected++ ? ", " : "selezionati: ", a.protocol);
		}
		n++;
	}
	len = strlen(affected);
	if (n)
		snprintf(affected + len, asize - len, "%s%d candidati avvisati", len ? "; " : "", n);
	/* The comune's office is told too, with who is affected. */
	if (n) {
		char text[1200], subject[160];

		snprintf(text, sizeof(text), "il progetto è stato ritirato (%s); %s.", note ? note : "", affected);
		snprintf(subject, sizeof(subject), "DoteComune: progetto %s ritirato", placement);
		if (notify_comune(s, placement, subject, text, now))
			goto out;
	}
	rc = n;
out:
	store_res_free(r);
	return rc;
}

/* The action a coarse status names, from stage st. */
static const char *status_action(const char *status, enum selection_stage st)
{
	if (!strcmp(status, "interview"))
		return "convoke";
	if (!strcmp(status, "selected"))
		return "select";
	if (!strcmp(status, "not_selected"))
		return st == SELECTION_RANKED ? "not_select" : "not_selected";
	if (!strcmp(status, "withdrawn"))
		return st == SELECTION_SELECTED ? "renounce" : "withdraw";
	if (!strcmp(status, "started"))
		return "start";
	if (!strcmp(status, "completed"))
		return "complete";
	if (!strcmp(status, "dropped_out"))
		return "drop_out";
	return status;
}

int selection_status_set(struct store *s, const char *scope, const char *id, const char *status,
			 const char *by, const char *note, const char *at, const char *place, char *err,
			 size_t errsize)
{
	struct selection_input in = { .note = note, .at = at, .place = place };
	struct app_row a;
	enum selection_stage st;
	int rc;

	err[0] = '\0';
	if (!status || !vocab_find(application_statuses, application_statuses_n, status)) {
		snprintf(err, errsize, "Stato sconosciuto '%.20s'.", status ? status : "");
		return 2;
	}
	rc = app_find(s, scope, id, &a);
	if (rc)
		return rc;
	st = stage_derive(&a);
	if (!strcmp(a.status, status) && strcmp(status, "interview")) {
		snprintf(err, errsize, "La domanda è già nello stato «%s».", status_it(status));
		return 2;
	}
	if (!strcmp(status, "not_selected") && st != SELECTION_RANKED) {
		snprintf(err, errsize, "Passaggio non consentito: «Non selezionato/a» si registra con la verifica dei "
			 "requisiti (non posseduti), con l'esito del colloquio (assente o non idoneo/a) o, in "
			 "graduatoria definitiva, per chi è idoneo/a oltre i posti.");
		return 2;
	}
	rc = selection_act(s, scope, id, status_action(status, st), by, &in, err, errsize);
	return rc == 3 ? 2 : rc;	/* a bad mark is one more refusal here */
}

int selection_requirements(struct store *s, const char *scope, const char *id, int ok, const char *by,
			   const char *note, char *err, size_t errsize)
{
	struct selection_input in = { .note = note };

	return selection_act(s, scope, id, ok ? "requirements_met" : "requirements_not_met", by, &in, err, errsize);
}

int selection_score(struct store *s, const char *scope, const char *id, int suitable, const char *score,
		    const char *by, const char *note, char *err, size_t errsize)
{
	struct selection_input in = { .note = note, .score = score };

	if (suitable || !note || !*note) {
		/* Non idoneo without a reason: the rules ask for one. */
		if (!suitable && !(note && *note))
			in.note = "";
	}
	return selection_act(s, scope, id, suitable ? "assessed" : "unsuitable", by, &in, err, errsize);
}

/* ---------------------------------------------------------- the ranking */

/* The placement's tie-break, from its call's rules. */
static enum selection_tie_break tie_break_of(const char *rules)
{
	struct selection_call c;
	char err[160];

	return selection_call_parse(rules, &c, err, sizeof(err)) ? SELECTION_TIE_YOUNGER : c.tie_break;
}

enum selection_tie_break selection_placement_tie_break(struct store *s, const char *placement)
{
	char rules[2048];

	if (store_text(s, "SELECT c.rules FROM placement p JOIN call c ON c.id = p.call_id WHERE p.code = ?1",
		       ARGS(placement), rules, sizeof(rules)))
		return SELECTION_TIE_YOUNGER;
	return tie_break_of(rules);
}

int selection_pending(struct store *s, const char *scope, const char *placement, struct store_res **res)
{
	return store_query(s, "SELECT a.protocol, a.status, coalesce(x.stage, '') FROM application a"
			      " LEFT JOIN selection x ON x.uuid = a.uuid"
			      " WHERE a.placement_code = ?1 AND (?2 = '' OR a.comune = ?2) AND a.duplicate_of IS NULL"
			      " AND (a.status = 'received' OR (a.status = 'interview' AND x.outcome IS NULL))"
			      " ORDER BY a.submitted_at, a.protocol LIMIT 200",
			   ARGS(placement, scope ? scope : ""), res) ? -1 : 0;
}

#define RANK_ORDER(TB) \
	" ORDER BY CASE WHEN x.outcome = 'idoneo' AND x.score IS NOT NULL" \
	" AND (x.position IS NOT NULL OR a.status <> 'withdrawn') THEN 0 ELSE 1 END," \
	" CASE WHEN x.position IS NULL THEN 1 ELSE 0 END, x.position, coalesce(x.score, -1) DESC," \
	TB " a.submitted_at, a.protocol"
#define RANK_YOUNGER "CASE WHEN a.birth_date IS NULL THEN 1 ELSE 0 END, a.birth_date DESC,"

static int ranking_final(struct store *s, const char *scope, const char *placement, const char *by,
			 char *err, size_t errsize, int dry)
{
	struct store_res *r = NULL, *q = NULL;
	char now[32], pos[12];
	int rc, i, n = 0;

	err[0] = '\0';
	if ((rc = check_who(by, "", err, errsize)))
		return rc;
	if (!placement || !*placement || strlen(placement) > 40)
		return 1;
	store_now_iso(now, sizeof(now));
	if (store_begin(s))
		return -1;
	rc = -1;
	if (store_query(s, "SELECT p.comune, (SELECT count(*) FROM application a LEFT JOIN selection x"
			   " ON x.uuid = a.uuid WHERE a.placement_code = p.code AND a.duplicate_of IS NULL"
			   " AND (a.status = 'received' OR (a.status = 'interview' AND x.outcome IS NULL))),"
			   " (SELECT count(*) FROM ranking_final f WHERE f.placement_code = p.code), p.deadline,"
			   " c.rules FROM placement p JOIN call c ON c.id = p.call_id"
			   " WHERE p.code = ?1 AND (?2 = '' OR p.comune = ?2)",
			ARGS(placement, scope ? scope : ""), &r))
		goto out;
	if (store_res_rows(r) != 1) {
		rc = 1;
		goto out;
	}
	rc = 2;
	if (atoi(store_res_get(r, 0, 2))) {
		snprintf(err, errsize, "La graduatoria del progetto %s è già definitiva.", placement);
		goto out;
	}
	if (!selection_final_check(store_res_get(r, 0, 3), atoi(store_res_get(r, 0, 1)), now_wall(), err, errsize))
		goto out;
	if (dry) {
		store_rollback(s);
		store_res_free(r);
		return 0;
	}
	rc = -1;
	/* The positions are fixed now, by score and the call's tie-break: the
	 * final ranking keeps its order whatever is erased later. */
	if (store_query(s, tie_break_of(store_res_get(r, 0, 4)) == SELECTION_TIE_YOUNGER
			? "SELECT a.uuid FROM application a JOIN selection x ON x.uuid = a.uuid"
			  " WHERE a.placement_code = ?1 AND a.duplicate_of IS NULL AND x.outcome = 'idoneo'"
			  " AND x.score IS NOT NULL AND a.status = 'interview'" RANK_ORDER(RANK_YOUNGER)
			: "SELECT a.uuid FROM application a JOIN selection x ON x.uuid = a.uuid"
			  " WHERE a.placement_code = ?1 AND a.duplicate_of IS NULL AND x.outcome = 'idoneo'"
			  " AND x.score IS NOT NULL AND a.status = 'interview'" RANK_ORDER(""),
			ARGS(placement), &q))
		goto out;
	for (i = 0; i < store_res_rows(q); i++) {
		struct app_row a;

		snprintf(pos, sizeof(pos), "%d", ++n);
		if (app_find(s, NULL, store_res_get(q, i, 0), &a) ||
		    store_exec(s, "UPDATE selection SET position = CAST(?2 AS INTEGER) WHERE uuid = ?1",
			       ARGS(a.uuid, pos)) != 1)
			goto out;
		str_copy(a.position, sizeof(a.position), pos);
		a.final = 1;
		if (apply_stage(s, &a, stage_derive(&a), SELECTION_RANKED, "rank", by, pos, now) ||
		    notify_stage(s, &a, SELECTION_RANKED, now))
			goto out;
	}
	{
		struct app_row a;
		memset(&a, 0, sizeof(a));
		str_copy(a.comune, sizeof(a.comune), store_res_get(r, 0, 0));
		str_copy(a.placement, sizeof(a.placement), placement);
		if (store_exec(s, "INSERT INTO ranking_final(placement_code, final_at, by) VALUES (?1, ?2, ?3)",
			       ARGS(placement, now, by)) != 1 ||
		    audit(s, &a, now, by, "ranking_final", "", "", ""))
			goto out;
	}
	if (store_commit(s))
		goto out;
	rc = 0;
out:
	if (rc)
		store_rollback(s);
	store_res_free(r);
	store_res_free(q);
	return rc;
}

int selection_ranking_final(struct store *s, const char *scope, const char *placement, const char *by,
			    char *err, size_t errsize)
{
	return ranking_final(s, scope, placement, by, err, errsize, 0);
}

int selection_ranking_final_check(struct store *s, const char *scope, const char *placement, char *err,
				  size_t errsize)
{
	return ranking_final(s, scope, placement, "check", err, errsize, 1);
}

int selection_ranking(struct store *s, const char *scope, const char *placement, struct store_res **res)
{
	int rc;

	*res = NULL;
	if (!placement || !*placement || strlen(placement) > 40)
		return 1;
	if (store_query(s, "SELECT 1 FROM placement WHERE code = ?1 AND (?2 = '' OR comune = ?2)",
			ARGS(placement, scope ? scope : ""), res))
		return -1;
	rc = store_res_rows(*res) == 1 ? 0 : 1;
	store_res_free(*res);
	*res = NULL;
	if (rc)
		return rc;
	/* Final: the fixed positions; provisional: score, then the call's tie-break. */
#define RANK_SELECT \
	"SELECT CASE WHEN x.outcome = 'idoneo' AND x.score IS NOT NULL" \
	" AND (x.position IS NOT NULL OR a.status <> 'withdrawn') THEN 1 ELSE 0 END, a.protocol," \
	" coalesce(CAST(x.score AS TEXT), ''), coalesce(x.outcome, ''), coalesce(x.requirements, ''), a.status," \
	" coalesce(x.stage, ''), coalesce(CAST(x.position AS TEXT), ''), coalesce(x.marks, '')" \
	" FROM application a LEFT JOIN selection x ON x.uuid = a.uuid" \
	" WHERE a.placement_code = ?1 AND a.duplicate_of IS NULL"
	return store_query(s, selection_placement_tie_break(s, placement) == SELECTION_TIE_YOUNGER
			      ? RANK_SELECT RANK_ORDER(RANK_YOUNGER) : RANK_SELECT RANK_ORDER(""),
			   ARGS(placement), res) ? -1 : 0;
}

int selection_export_audit(struct store *s, const char *comune, const char *placement, const char *by, int rows)
{
	struct app_row a;
	char now[32], note[64];

	memset(&a, 0, sizeof(a));
	str_copy(a.comune, sizeof(a.comune), comune);
	str_copy(a.placement, sizeof(a.placement), placement);
	store_now_iso(now, sizeof(now));
	snprintf(note, sizeof(note), "%d domande, con i recapiti", rows);
	return audit(s, &a, now, by, "export_applicants", "", "", note);
}

int selection_ranking_is_final(struct store *s, const char *placement)
{
	char one[8];
	int rc = store_text(s, "SELECT 1 FROM ranking_final WHERE placement_code = ?1", ARGS(placement ? placement : ""),
			    one, sizeof(one));

	return rc < 0 ? -1 : rc == 0;
}

int selection_ranking_changes(struct store *s, const char *scope, const char *placement, struct store_res **res)
{
	char final_at[40];
	int rc;

	*res = NULL;
	if (!placement || !*placement || strlen(placement) > 40)
		return 1;
	rc = store_text(s, "SELECT f.final_at FROM ranking_final f JOIN placement p ON p.code = f.placement_code"
			   " WHERE f.placement_code = ?1 AND (?2 = '' OR p.comune = ?2)",
			ARGS(placement, scope ? scope : ""), final_at, sizeof(final_at));
	if (rc)
		return rc;
	/* After the audit rows of the ranking made final (ids, not times: a
	 * clock may repeat a second). The placement's own course (started,
	 * completed, dropped out) is "Selezionato/a" in the ranking
	 * throughout: not a new version. */
	return store_query(s, "SELECT g.at, a.protocol, g.from_status, g.to_status, g.note, g.action"
			      " FROM selection_audit g JOIN application a ON a.uuid = g.uuid"
			      " WHERE g.placement_code = ?1 AND g.from_status <> g.to_status AND g.id >"
			      " (SELECT coalesce(max(id), 0) FROM selection_audit WHERE placement_code = ?1"
			      " AND action = 'ranking_final')"
			      " AND NOT (g.from_status IN ('selected', 'started', 'completed', 'dropped_out')"
			      " AND g.to_status IN ('selected', 'started', 'completed', 'dropped_out'))"
			      " ORDER BY g.id", ARGS(placement), res) ? -1 : 0;
}

/* ----------------------------------------------------------- retention */

int selection_retention_days(struct store *s)
{
	char v[16];

	if (store_text(s, "SELECT value FROM setting WHERE key = 'retention_days'", NULL, v, sizeof(v)) ||
	    strspn(v, "0123456789") != strlen(v) || !*v)
		return 180;
	return atoi(v);
}

int selection_retention_set_days(struct store *s, int days)
{
	char v[16];

	if (days < 0 || days > 3650)
		return error("the retention time is 0 to 3650 days");
	snprintf(v, sizeof(v), "%d", days);
	return store_exec(s, "INSERT INTO setting(key, value) VALUES ('retention_days', ?1)"
			     " ON CONFLICT (key) DO UPDATE SET value = excluded.value", ARGS(v)) < 0 ? -1 : 0;
}

/* Applications whose personal data is due for erasure: their
 * placement's ranking was final before the cut-off (the placements are
 * chosen first, from ranking_final), they are not in a placement that
 * is about to start or running (selected, started: erased once it
 * ends), and something personal is left. DUE_IN: of the placements
 * whose ranking was final before ?1; DUE_OF: of placement ?1. Both go
 * through the application_placement index: driven from the
 * applications instead, each statement read all of them (a minute at
 * 10 million, with the write lock held). */
#define DUE_LEFT \
	" AND a.status NOT IN ('selected', 'started')" \
	" AND (a.cf IS NOT NULL OR a.given_name IS NOT NULL OR a.family_name IS NOT NULL" \
	" OR a.phone IS NOT NULL OR a.email IS NOT NULL OR a.birth_date IS NOT NULL" \
	" OR a.birthplace IS NOT NULL)"
#define DUE_IN \
	" FROM application a WHERE a.placement_code IN" \
	" (SELECT f.placement_code FROM ranking_final f WHERE f.final_at <= ?1)" DUE_LEFT
#define DUE_OF " FROM application a WHERE a.placement_code = ?1" DUE_LEFT

static void cutoff(int days, char *buf, size_t size)
{
	time_iso(now_wall() - (time_t)days * 86400, buf, size);
}

int selection_retention_show(struct store *s, int days, FILE *out)
{
	struct store_res *r = NULL;
	char cut[32];
	int i, total = 0;

	if (days < 0)
		days = selection_retention_days(s);
	cutoff(days, cut, sizeof(cut));
	if (store_query(s, "SELECT a.placement_code, (SELECT f.final_at FROM ranking_final f"
			   " WHERE f.placement_code = a.placement_code), count(*)" DUE_IN
			   " GROUP BY a.placement_code ORDER BY a.placement_code", ARGS(cut), &r))
		return -1;
	fprintf(out, "retention: personal data erased %d days after a placement's ranking is final"
		     " (final before %s)\n", days, cut);
	for (i = 0; i < store_res_rows(r); i++) {
		fprintf(out, "  %-20s final %s  %s applications\n", store_res_get(r, i, 0),
			store_res_get(r, i, 1), store_res_get(r, i, 2));
		total += atoi(store_res_get(r, i, 2));
	}
	store_res_free(r);
	fprintf(out, "due now: %d applications\n", total);
	if (!store_query(s, "SELECT at, by, days, applications, placements FROM retention_log"
			    " ORDER BY id DESC LIMIT 5", NULL, &r)) {
		for (i = 0; i < store_res_rows(r); i++)
			fprintf(out, "last run %s by %s: %s days, %s applications, %s placements\n",
				store_res_get(r, i, 0), store_res_get(r, i, 1), store_res_get(r, i, 2),
				store_res_get(r, i, 3), store_res_get(r, i, 4));
		store_res_free(r);
	}
	return 0;
}

/* Erases one placement's due applications in its own transaction, so
 * that the write lock is held for one placement at a time (a hub keeps
 * taking batches and logins while a large erasure runs): how many, or
 * -1 (nothing of it changed). */
static int erase_placement(struct store *s, const char *placement, const char *now)
{
	static const char *const erase[] = {
		"DELETE FROM mail_outbox WHERE uuid IN (SELECT a.uuid" DUE_OF ")",
		"UPDATE status_history SET note = '' WHERE uuid IN (SELECT a.uuid" DUE_OF ")",
		"UPDATE selection_audit SET note = '' WHERE uuid IN (SELECT a.uuid" DUE_OF ")",
		"UPDATE selection SET requirements_note = '', outcome_note = '', reason = '', interview_note = '',"
		" erased_at = ?2"
		" WHERE uuid IN (SELECT a.uuid" DUE_OF ")",
	};
	size_t i;
	int n;

	if (store_begin(s))
		return -1;
	for (i = 0; i < ARRAY_SIZE(erase); i++)
		if (store_exec(s, erase[i], i == 3 ? ARGS(placement, now) : ARGS(placement)) < 0)
			goto fail;
	/* Last: the condition above reads the columns cleared here. The
	 * statistics' columns (age, sex, residence, statuses, dates) stay. */
	n = store_exec(s, "UPDATE application SET cf = NULL, given_name = NULL, family_name = NULL,"
			  " phone = NULL, email = NULL, birth_date = NULL, birthplace = NULL"
			  " WHERE uuid IN (SELECT a.uuid" DUE_OF ")", ARGS(placement));
	if (n < 0 || store_commit(s))
		goto fail;
	return n;
fail:
	store_rollback(s);
	return -1;
}

int selection_retention_run(struct store *s, int days, const char *by, FILE *out)
{
	struct store_res *r = NULL;
	char cut[32], now[32], days_s[16], napp[24], nplace[24];
	long long apps = 0, places = 0;
	int rc = -1, i, n;

	if (!by || !*by || strlen(by) > SELECTION_BY_MAX || !store_is_printable(by))
		return error("who runs the erasure (--by NAME, 1 to 64 characters) is required");
	if (days < 0)
		days = selection_retention_days(s);
	cutoff(days, cut, sizeof(cut));
	store_now_iso(now, sizeof(now));
	snprintf(days_s, sizeof(days_s), "%d", days);
	if (store_query(s, "SELECT f.placement_code FROM ranking_final f WHERE f.final_at <= ?1 AND EXISTS"
			   " (SELECT 1 FROM application a WHERE a.placement_code = f.placement_code" DUE_LEFT ")"
			   " ORDER BY f.placement_code", ARGS(cut), &r))
		return -1;
	rc = 0;
	for (i = 0; i < store_res_rows(r); i++) {
		n = erase_placement(s, store_res_get(r, i, 0), now);
		if (n < 0) {
			rc = -1;
			break;
		}
		apps += n;
		places += n > 0;
	}
	/* Logged even when a placement failed: what was erased was. */
	snprintf(napp, sizeof(napp), "%lld", apps);
	snprintf(nplace, sizeof(nplace), "%lld", places);
	if (store_begin(s) ||
	    store_exec(s, "INSERT INTO retention_log(at, by, days, applications, placements)"
			  " VALUES (?1, ?2, CAST(?3 AS INTEGER), CAST(?4 AS INTEGER), CAST(?5 AS INTEGER))",
		       ARGS(now, by, days_s, napp, nplace)) != 1 ||
	    store_commit(s)) {
		store_rollback(s);
		rc = -1;
	}
	if (!rc)
		fprintf(out, "erased the personal data of %s applications (%s placements, rankings final before %s)\n",
			napp, nplace, cut);
	store_res_free(r);
	return rc;
}

/* The network-wide form (reports/store/store.h): no office scope. */
int store_status_set(struct store *s, const char *id, const char *status, const char *by,
		     const char *note, char *err, size_t errsize)
{
	return selection_status_set(s, NULL, id, status, by, note, NULL, NULL, err, errsize);
}

/* ------------------------------------------- seats cut, the comune told */

int selection_selected_list(struct store *s, const char *placement, char *list, size_t size)
{
	struct store_res *r;
	int i, n;
	size_t len;

	list[0] = '\0';
	if (store_query(s, "SELECT protocol FROM application WHERE placement_code = ?1 AND duplicate_of IS NULL"
			   " AND status IN ('selected', 'started') ORDER BY protocol",
			ARGS(placement), &r))
		return -1;
	n = store_res_rows(r);
	for (i = 0; i < n; i++) {
		len = strlen(list);
		snprintf(list + len, size - len, "%s%s", i ? ", " : "", store_res_get(r, i, 0));
	}
	store_res_free(r);
	return n;
}

/* Queues a message to the office of the placement's comune (its contact
 * e-mail, /ufficio/contatti; nothing when none is set), inside the
 * caller's transaction. 0 or -1. */
static int notify_comune(struct store *s, const char *placement, const char *subject, const char *text,
			 const char *now)
{
	struct store_res *r;
	char ref[64], *body = NULL;
	int rc = 0;

	if (store_query(s, "SELECT o.email, p.title FROM placement p JOIN office_contact o ON o.comune = p.comune"
			   " WHERE p.code = ?1", ARGS(placement), &r))
		return -1;
	if (store_res_rows(r) == 1 && strchr(store_res_get(r, 0, 0), '@') &&
	    store_is_printable(store_res_get(r, 0, 0))) {
		snprintf(ref, sizeof(ref), "placement:%.48s", placement);
		if (asprintf(&body, "Gentile ufficio,\n\nprogetto %s (%s): %s\n\n"
			     "Questo messaggio è stato inviato automaticamente da DoteComune.\n",
			     placement, store_res_get(r, 0, 1), text) < 0)
			rc = -1;
		else
			rc = mail_outbox_add(s, ref, store_res_get(r, 0, 0), subject, body, now);
		free(body);
	}
	store_res_free(r);
	return rc;
}

int selection_seats_cut(struct store *s, const char *placement, int seats, const char *by, const char *now,
			char *affected, size_t asize)
{
	struct store_res *r;
	char note[300], text[900], subject[160];
	int i, n, rc = -1;
	size_t len;

	affected[0] = '\0';
	if (store_query(s, "SELECT uuid, protocol FROM application WHERE placement_code = ?1 AND duplicate_of IS NULL"
			   " AND status IN ('selected', 'started') ORDER BY protocol", ARGS(placement), &r))
		return -1;
	n = store_res_rows(r);
	if (n <= seats) {
		store_res_free(r);
		return 0;
	}
	snprintf(note, sizeof(note), "posti ridotti a %d con %d già selezionati", seats, n);
	for (i = 0; i < n; i++) {
		struct app_row a;
		char *body = NULL;

		if (app_find(s, NULL, store_res_get(r, i, 0), &a) ||
		    audit(s, &a, now, by, "seats_cut", a.status, a.status, note))
			goto out;
		len = strlen(affected);
		snprintf(affected + len, asize - len, "%s%s", i ? ", " : "", a.protocol);
		if (!a.email[0] || !strchr(a.email, '@') || !store_is_printable(a.email))
			continue;
		snprintf(subject, sizeof(subject), "DoteComune: novità sulla sua domanda %s", a.protocol);
		if (asprintf(&body, "Gentile candidata, gentile candidato,\n\n"
			     "i posti del progetto %s, per il quale la sua domanda n. %s risulta selezionata, sono "
			     "stati ridotti a %d. Il Comune la contatterà per dirle se e come il tirocinio può "
			     "proseguire; nel frattempo nulla cambia nella sua domanda.\n\n"
			     "Questo messaggio è stato inviato automaticamente: per favore non risponda.\n"
			     "DoteComune\n", a.placement, a.protocol, seats) < 0)
			goto out;
		rc = mail_outbox_add(s, a.uuid, a.email, subject, body, now);
		free(body);
		if (rc)
			goto out;
		rc = -1;
	}
	snprintf(text, sizeof(text), "i posti sono stati ridotti a %d, ma %d persone risultano già selezionate (%s). "
		 "Le persone sono state avvisate: decidete con il coordinamento come procedere.", seats, n, affected);
	snprintf(subject, sizeof(subject), "DoteComune: posti ridotti sotto i selezionati (%s)", placement);
	if (notify_comune(s, placement, subject, text, now))
		goto out;
	rc = n;
out:
	store_res_free(r);
	return rc;
}

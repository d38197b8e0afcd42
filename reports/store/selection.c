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
#include <sqlite3.h>
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/model.h"
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

static const struct migration selection_migrations[] = {
	{ 1, SELECTION_TABLES("INTEGER PRIMARY KEY") },
};
static const char selection_pg_schema[] = SELECTION_TABLES("BIGSERIAL PRIMARY KEY");

int selection_migrate(struct store *s)
{
	char found[8];
	int rc;

	if (!store_is_pg(s))
		return db_migrate(s->conn, "selection", selection_migrations,
				  (int)ARRAY_SIZE(selection_migrations));
	if (store_text(s, "SELECT CASE WHEN to_regclass('retention_log') IS NULL THEN '0' ELSE '1' END",
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

/* One application as the state machine sees it. */
struct app_row {
	char uuid[40], protocol[40], status[20], comune[8], placement[40], email[256];
	char requirements[4], interview_at[20], place[SELECTION_PLACE_MAX + 1], outcome[12], score[8];
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
			   " CASE WHEN f.placement_code IS NULL THEN 0 ELSE 1 END"
			   " FROM application a LEFT JOIN selection x ON x.uuid = a.uuid"
			   " LEFT JOIN ranking_final f ON f.placement_code = a.placement_code"
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
		rc = 0;
	}
	store_res_free(r);
	return rc;
}

static int selection_row(struct store *s, const char *uuid, const char *now)
{
	return store_exec(s, "INSERT INTO selection(uuid, updated_at) VALUES (?1, ?2)"
			     " ON CONFLICT (uuid) DO NOTHING", ARGS(uuid, now)) < 0 ? -1 : 0;
}

static int audit(struct store *s, const struct app_row *a, const char *now, const char *by,
		 const char *action, const char *from, const char *to, const char *note)
{
	return store_exec(s, "INSERT INTO selection_audit(uuid, comune, placement_code, at, by, action,"
			     " from_status, to_status, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
			  ARGS(a->uuid, a->comune, a->placement, now, by, action, from, to,
			       note ? note : "")) == 1 ? 0 : -1;
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

/* "YYYY-MM-DDTHH:MM", a real date and time, today or later. */
static int interview_at_ok(const char *at)
{
	char date[11], today[16];
	int y, m, d;

	if (!at || strlen(at) != 16 || at[10] != 'T' || at[13] != ':')
		return 0;
	memcpy(date, at, 10);
	date[10] = '\0';
	if (date_parse(date, &y, &m, &d))
		return 0;
	if (strspn(at + 11, "0123456789:") != 5 || atoi(at + 11) > 23 || atoi(at + 14) > 59)
		return 0;
	time_date(now_wall(), today, sizeof(today));
	return strcmp(date, today) >= 0;
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
	char when[40];

	if (!strcmp(status, "received"))
		snprintf(buf, size, "La domanda è stata ricevuta ed è in attesa della valutazione del Comune.");
	else if (!strcmp(status, "interview")) {
		selection_when_it(interview_at, when, sizeof(when));
		snprintf(buf, size, "È convocato/a al colloquio il %s, presso: %s.", when, place ? place : "");
	} else if (!strcmp(status, "selected"))
		snprintf(buf, size, "È stato/a selezionato/a per il tirocinio. Il Comune la contatterà per "
			 "concordare l'avvio.");
	else if (!strcmp(status, "not_selected"))
		snprintf(buf, size, "La domanda non è stata selezionata. Grazie per aver partecipato.");
	else if (!strcmp(status, "withdrawn"))
		snprintf(buf, size, "La domanda è stata ritirata.");
	else if (!strcmp(status, "started"))
		snprintf(buf, size, "Il tirocinio è iniziato.");
	else if (!strcmp(status, "completed"))
		snprintf(buf, size, "Il tirocinio si è concluso.");
	else if (!strcmp(status, "dropped_out"))
		snprintf(buf, size, "Il tirocinio è stato interrotto prima della conclusione.");
	else
		snprintf(buf, size, "Stato della domanda: %s.", status_it(status));
}

/* Queues the citizen's e-mail for a new status (nothing without an
 * address). The message names no person: the protocol number, the
 * placement and the comune, and what happens next. */
static int notify(struct store *s, const struct app_row *a, const char *status, const char *at,
		  const char *place, const char *now)
{
	struct store_res *r = NULL;
	char text[600], subject[160], *body = NULL;
	const char *title = a->placement;
	const struct comune *c = comune_by_istat(a->comune);
	int rc = -1;

	if (!a->email[0] || !strchr(a->email, '@') || !store_is_printable(a->email))
		return 0;
	if (store_query(s, "SELECT title FROM placement WHERE code = ?1", ARGS(a->placement), &r))
		return -1;
	if (store_res_rows(r) == 1 && store_res_get(r, 0, 0))
		title = store_res_get(r, 0, 0);
	selection_status_text(status, at, place, text, sizeof(text));
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
		     status_it(status), text) < 0) {
		body = NULL;
		goto out;
	}
	rc = mail_outbox_add(s, a->uuid, a->email, subject, body, now);
out:
	free(body);
	store_res_free(r);
	return rc;
}

/* The status change itself, inside the caller's transaction. */
static int apply_status(struct store *s, const struct app_row *a, const char *status, const char *by,
			const char *note, const char *at, const char *place, const char *now)
{
	int i;

	if (store_exec(s, "UPDATE application SET status = ?1, status_at = ?2 WHERE uuid = ?3",
		       ARGS(status, now, a->uuid)) != 1 ||
	    store_exec(s, "INSERT INTO status_history(uuid, status, at, by, note) VALUES"
			  " (?1, ?2, ?3, ?4, ?5)", ARGS(a->uuid, status, now, by, note ? note : "")) != 1)
		return -1;
	if (strcmp(a->status, status)) {
		/* On SQLite an application may still be queued for the rollups
		 * (rollup_ingest): the helper knows, the portable statements do not. */
		if (!store_is_pg(s)) {
			if (rollup_apply_status(s->conn, a->uuid, a->status, status))
				return -1;
		} else {
			for (i = 0; rollup_status_sql[i]; i++)
				if (store_exec(s, rollup_status_sql[i], ARGS(a->uuid, a->status, status)) < 0)
					return -1;
		}
	}
	if (!strcmp(status, "interview")) {
		if (selection_row(s, a->uuid, now) ||
		    store_exec(s, "UPDATE selection SET interview_at = ?2, interview_place = ?3, updated_at = ?4"
				  " WHERE uuid = ?1", ARGS(a->uuid, at, place, now)) != 1)
			return -1;
	}
	if (audit(s, a, now, by, strcmp(a->status, status) ? "status" : "interview_changed", a->status,
		  status, note))
		return -1;
	return notify(s, a, status, at, place, now);
}

int selection_status_set(struct store *s, const char *scope, const char *id, const char *status,
			 const char *by, const char *note, const char *at, const char *place, char *err,
			 size_t errsize)
{
	struct app_row a;
	char now[32];
	int rc;

	err[0] = '\0';
	if (!status || !vocab_find(application_statuses, application_statuses_n, status)) {
		snprintf(err, errsize, "Stato sconosciuto '%.20s'.", status ? status : "");
		return 2;
	}
	if ((rc = check_who(by, note, err, errsize)))
		return rc;
	if (!strcmp(status, "interview")) {
		if (!interview_at_ok(at)) {
			snprintf(err, errsize, "Per la convocazione al colloquio servono data e ora valide "
				 "(AAAA-MM-GGTHH:MM), da oggi in poi.");
			return 2;
		}
		if (!place || !*place || strlen(place) > SELECTION_PLACE_MAX || !store_is_printable(place)) {
			snprintf(err, errsize, "Per la convocazione al colloquio serve il luogo (da 1 a %d caratteri).",
				 SELECTION_PLACE_MAX);
			return 2;
		}
	}
	store_now_iso(now, sizeof(now));
	if (store_begin(s))
		return -1;
	rc = app_find(s, scope, id, &a);
	if (rc)
		goto out;
	rc = 2;
	if (!strcmp(a.status, status) && strcmp(status, "interview")) {
		snprintf(err, errsize, "La domanda è già nello stato «%s».", status_it(status));
		goto out;
	}
	if (strcmp(a.status, status) && !application_status_allowed(a.status, status)) {
		char next[300] = "";
		size_t i;

		for (i = 0; i < application_statuses_n; i++)
			if (application_status_allowed(a.status, application_statuses[i].key)) {
				if (next[0])
					strncat(next, ", ", sizeof(next) - strlen(next) - 1);
				strncat(next, "«", sizeof(next) - strlen(next) - 1);
				strncat(next, application_statuses[i].it, sizeof(next) - strlen(next) - 1);
				strncat(next, "»", sizeof(next) - strlen(next) - 1);
			}
		snprintf(err, errsize, "Passaggio non consentito: una domanda nello stato «%s» non può "
			 "passare a «%s». %s%s%s", status_it(a.status), status_it(status),
			 next[0] ? "Passaggi possibili: " : "Lo stato è definitivo.", next, next[0] ? "." : "");
		goto out;
	}
	if ((!strcmp(status, "interview") || !strcmp(status, "selected")) && !strcmp(a.requirements, "ko")) {
		snprintf(err, errsize, "Passaggio non consentito: i requisiti risultano non posseduti. "
			 "Correggere prima la verifica dei requisiti.");
		goto out;
	}
	rc = apply_status(s, &a, status, by, note, at, place, now) ? -1 : 0;
	if (!rc && store_commit(s))
		rc = -1;
out:
	if (rc)
		store_rollback(s);
	return rc;
}

int selection_requirements(struct store *s, const char *scope, const char *id, int ok, const char *by,
			   const char *note, char *err, size_t errsize)
{
	struct app_row a;
	char now[32];
	int rc;

	err[0] = '\0';
	if ((rc = check_who(by, note, err, errsize)))
		return rc;
	store_now_iso(now, sizeof(now));
	if (store_begin(s))
		return -1;
	rc = app_find(s, scope, id, &a);
	if (rc)
		goto out;
	rc = 2;
	if (strcmp(a.status, "received") && strcmp(a.status, "interview")) {
		snprintf(err, errsize, "I requisiti si verificano prima della selezione: la domanda è nello "
			 "stato «%s».", status_it(a.status));
		goto out;
	}
	rc = -1;
	if (selection_row(s, a.uuid, now) ||
	    store_exec(s, "UPDATE selection SET requirements = ?2, requirements_note = ?3, updated_at = ?4"
			  " WHERE uuid = ?1", ARGS(a.uuid, ok ? "ok" : "ko", note ? note : "", now)) != 1 ||
	    audit(s, &a, now, by, ok ? "requirements_ok" : "requirements_ko", a.status, a.status, note) ||
	    store_commit(s))
		goto out;
	rc = 0;
out:
	if (rc)
		store_rollback(s);
	return rc;
}

int selection_score(struct store *s, const char *scope, const char *id, int suitable, const char *score,
		    const char *by, const char *note, char *err, size_t errsize)
{
	struct app_row a;
	char now[32];
	int rc;

	err[0] = '\0';
	if ((rc = check_who(by, note, err, errsize)))
		return rc;
	if (!score || !*score || strlen(score) > 3 || strspn(score, "0123456789") != strlen(score) ||
	    atoi(score) > SELECTION_SCORE_MAX) {
		snprintf(err, errsize, "Il punteggio è un numero intero da 0 a %d.", SELECTION_SCORE_MAX);
		return 2;
	}
	store_now_iso(now, sizeof(now));
	if (store_begin(s))
		return -1;
	rc = app_find(s, scope, id, &a);
	if (rc)
		goto out;
	rc = 2;
	if (a.final) {
		snprintf(err, errsize, "La graduatoria del progetto è già definitiva: il punteggio non si può "
			 "più cambiare.");
		goto out;
	}
	if (!a.interview_at[0] || (strcmp(a.status, "interview") && strcmp(a.status, "selected") &&
				   strcmp(a.status, "not_selected"))) {
		snprintf(err, errsize, "L'esito e il punteggio si registrano dopo la convocazione al colloquio "
			 "(la domanda è nello stato «%s»).", status_it(a.status));
		goto out;
	}
	rc = -1;
	{
		char n[8];
		snprintf(n, sizeof(n), "%d", atoi(score));
		if (store_exec(s, "UPDATE selection SET outcome = ?2, score = CAST(?3 AS INTEGER),"
				  " outcome_note = ?4, updated_at = ?5 WHERE uuid = ?1",
			       ARGS(a.uuid, suitable ? "idoneo" : "non_idoneo", n, note ? note : "", now)) != 1)
			goto out;
		{
			char what[SELECTION_NOTE_MAX + 64];
			snprintf(what, sizeof(what), "%s, punteggio %s%s%s", suitable ? "idoneo" : "non idoneo", n,
				 note && *note ? " – " : "", note ? note : "");
			if (audit(s, &a, now, by, "score", a.status, a.status, what))
				goto out;
		}
	}
	if (store_commit(s))
		goto out;
	rc = 0;
out:
	if (rc)
		store_rollback(s);
	return rc;
}

int selection_ranking_final(struct store *s, const char *scope, const char *placement, const char *by,
			    char *err, size_t errsize)
{
	struct store_res *r = NULL;
	char now[32];
	int rc;

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
			   " (SELECT count(*) FROM ranking_final f WHERE f.placement_code = p.code)"
			   " FROM placement p WHERE p.code = ?1 AND (?2 = '' OR p.comune = ?2)",
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
	if (atoi(store_res_get(r, 0, 1))) {
		int n = atoi(store_res_get(r, 0, 1));

		snprintf(err, errsize, "La graduatoria non può diventare definitiva: %d %s ancora la "
			 "valutazione (convocazione, esito del colloquio o nuovo stato).", n,
			 n == 1 ? "domanda attende" : "domande attendono");
		goto out;
	}
	rc = -1;
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
	return rc;
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
	/* Ties: the earlier application first (documented in the page). */
	return store_query(s, "SELECT CASE WHEN x.outcome = 'idoneo' AND x.score IS NOT NULL"
			      " AND a.status <> 'withdrawn' THEN 1 ELSE 0 END, a.protocol,"
			      " coalesce(CAST(x.score AS TEXT), ''), coalesce(x.outcome, ''),"
			      " coalesce(x.requirements, ''), a.status"
			      " FROM application a LEFT JOIN selection x ON x.uuid = a.uuid"
			      " WHERE a.placement_code = ?1 AND a.duplicate_of IS NULL"
			      " ORDER BY CASE WHEN x.outcome = 'idoneo' AND x.score IS NOT NULL"
			      " AND a.status <> 'withdrawn' THEN 0 ELSE 1 END, coalesce(x.score, -1) DESC,"
			      " a.submitted_at, a.protocol", ARGS(placement), res) ? -1 : 0;
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
		"UPDATE selection SET requirements_note = '', outcome_note = '', erased_at = ?2"
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

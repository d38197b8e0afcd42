/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Replacement of a trainee who dropped out (see replacement.h): the
 * offer to the next in the final ranking, its deadline, the clerk's
 * record of the answer and the move to the next after a refusal. The
 * selection's own steps (select, withdraw) go through selection_act(),
 * so the ranking, the audit of the selection and the citizen's stage
 * e-mails stay the selection's; this file adds the offer, its e-mail,
 * its sentence on the receipt page and its audit rows. Start reading at
 * replacement_after_end().
 */
#include "reports/store/replacement.h"
#include "reports/store/mail_outbox.h"
#include "reports/store/selection.h"
#include "reports/store/store.h"
#include "reports/store/store_internal.h"
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/placement.h"
#include "core/util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The note an offer gets when its deadline passes without an answer. */
#define EXPIRED_NOTE "Termine per accettare scaduto senza risposta."

#define ARGS(...) (&(struct store_args){ .v = { __VA_ARGS__ }, \
	.n = (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *)) })

static const char *cell(const struct store_res *r, int row, int col)
{
	const char *v = store_res_get(r, row, col);
	return v ? v : "";
}

static int audit(struct store *s, const char *uuid, const char *by, const char *action, const char *note)
{
	char at[21];
	time_iso(now_wall(), at, sizeof(at));
	return store_exec(s, "INSERT INTO traineeship_audit(uuid, at, by, action, note) VALUES (?1,?2,?3,?4,?5)",
			  ARGS(uuid, at, by, action, note)) < 0 ? -1 : 0;
}

/* "17/12/2026" from "2026-12-17". */
static void date_it(const char *ymd, char *buf, size_t size)
{
	if (strlen(ymd) >= 10)
		snprintf(buf, size, "%.2s/%.2s/%.4s", ymd + 8, ymd + 5, ymd);
	else
		str_copy(buf, size, ymd);
}

/* The days a person has to accept: the setting, else the default. */
static int accept_days(struct store *s)
{
	char v[16];
	if (store_text(s, "SELECT value FROM setting WHERE key = 'replacement_accept_days'", NULL, v, sizeof(v)) == 0 &&
	    atoi(v) >= 1 && atoi(v) <= 90)
		return atoi(v);
	return REPLACEMENT_ACCEPT_DAYS;
}

/* The call's replacement window in days (rules {"replacement_days": N}). */
static int window_days(const char *rules)
{
	json_t *j = rules && *rules ? json_loads(rules, 0, NULL) : NULL, *v;
	int days = REPLACEMENT_WINDOW_DAYS;
	v = j ? json_object_get(j, "replacement_days") : NULL;
	if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 3650)
		days = (int)json_integer_value(v);
	json_decref(j);
	return days;
}

/* The sentence the person reads (e-mail and receipt page). */
static int offer_text(struct store *s, const struct replacement_offer *o, char *text, size_t size)
{
	struct store_res *r = NULL;
	struct selection_office_contact c;
	const struct comune *cm = comune_by_istat(o->comune);
	char when[16], contact[700] = "";
	int rc;

	if (store_query(s, "SELECT title FROM placement WHERE code = ?1", ARGS(o->placement_code), &r))
		return -1;
	date_it(o->deadline, when, sizeof(when));
	rc = selection_office_get(s, o->comune, &c);
	if (rc < 0) {
		store_res_free(r);
		return -1;
	}
	if (rc == 0)
		snprintf(contact, sizeof(contact), " Ufficio: %s%s%s%s%s%s%s.", c.name, *c.phone ? ", tel. " : "",
			 c.phone, *c.email ? ", e-mail " : "", c.email, *c.address ? ", " : "", c.address);
	snprintf(text, size,
		 "Si è liberato un posto nel tirocinio «%s» del Comune di %s e nella graduatoria definitiva "
		 "tocca a lei (domanda %s). Per accettarlo comunichi la sua risposta all'ufficio entro il %s: "
		 "senza risposta entro quella data il posto passa al candidato successivo.%s",
		 store_res_rows(r) == 1 ? cell(r, 0, 0) : o->placement_code, cm ? cm->name : o->comune, o->protocol,
		 when, contact);
	store_res_free(r);
	return 0;
}

static int offer_read(struct store *s, const char *where, const char *arg, struct replacement_offer *o)
{
	struct store_res *r = NULL;
	char sql[600];
	int rc;

	snprintf(sql, sizeof(sql),
		 "SELECT CAST(o.id AS TEXT), o.placement_code, o.comune, o.freed_uuid, o.uuid, a.protocol,"
		 " o.offered_at, o.deadline, o.status FROM replacement_offer o JOIN application a ON a.uuid = o.uuid"
		 " WHERE %s AND o.status = 'offered' ORDER BY o.id DESC LIMIT 1", where);
	if (store_query(s, sql, ARGS(arg), &r))
		return -1;
	rc = 1;
	if (store_res_rows(r) == 1) {
		str_copy(o->id, sizeof(o->id), cell(r, 0, 0));
		str_copy(o->placement_code, sizeof(o->placement_code), cell(r, 0, 1));
		str_copy(o->comune, sizeof(o->comune), cell(r, 0, 2));
		str_copy(o->freed_uuid, sizeof(o->freed_uuid), cell(r, 0, 3));
		str_copy(o->uuid, sizeof(o->uuid), cell(r, 0, 4));
		str_copy(o->protocol, sizeof(o->protocol), cell(r, 0, 5));
		str_copy(o->offered_at, sizeof(o->offered_at), cell(r, 0, 6));
		str_copy(o->deadline, sizeof(o->deadline), cell(r, 0, 7));
		str_copy(o->status, sizeof(o->status), cell(r, 0, 8));
		rc = 0;
	}
	store_res_free(r);
	return rc;
}

int replacement_open(struct store *s, const char *uuid, struct replacement_offer *o)
{
	return offer_read(s, "o.uuid = ?1", uuid, o);
}

int replacement_open_for(struct store *s, const char *freed_uuid, struct replacement_offer *o)
{
	return offer_read(s, "o.freed_uuid = ?1", freed_uuid, o);
}

/* Offers the seat freed by freed_uuid to the next in the ranking. */
static int offer_next(struct store *s, const char *placement, const char *comune, const char *freed_uuid,
		      const char *by, char *info, size_t isize)
{
	struct replacement_offer o = { 0 };
	struct store_res *r = NULL;
	char today[11], note[300], text[1400], subject[MAIL_SUBJECT_MAX], when[16], *body = NULL;
	int rc = selection_next_suitable(s, NULL, placement, o.uuid, sizeof(o.uuid), o.protocol, sizeof(o.protocol));

	if (rc < 0)
		return -1;
	if (rc == 1) {
		snprintf(info, isize, "Nessun altro candidato idoneo in attesa nella graduatoria di %s: il posto "
			 "resta libero.", placement);
		return audit(s, freed_uuid, by, "replacement_none", placement) ? -1 : 1;
	}
	time_date(now_wall(), today, sizeof(today));
	cal_format(cal_parse(today) + accept_days(s), o.deadline, sizeof(o.deadline));
	time_iso(now_wall(), o.offered_at, sizeof(o.offered_at));
	str_copy(o.placement_code, sizeof(o.placement_code), placement);
	str_copy(o.comune, sizeof(o.comune), comune);
	str_copy(o.freed_uuid, sizeof(o.freed_uuid), freed_uuid);
	if (offer_text(s, &o, text, sizeof(text)) ||
	    store_query(s, "SELECT coalesce(email, '') FROM application WHERE uuid = ?1", ARGS(o.uuid), &r))
		return -1;
	if (store_begin(s))
		goto fail;
	snprintf(note, sizeof(note), "posto lasciato da %s offerto a %s, risposta entro %s", freed_uuid, o.protocol,
		 o.deadline);
	if (store_exec(s, "INSERT INTO replacement_offer(placement_code, comune, freed_uuid, uuid, offered_at, deadline)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		       ARGS(placement, comune, freed_uuid, o.uuid, o.offered_at, o.deadline)) != 1 ||
	    audit(s, o.uuid, by, "replacement_offer", note) || audit(s, freed_uuid, by, "replacement_offer", note))
		goto rollback;
	if (store_res_rows(r) == 1 && strchr(cell(r, 0, 0), '@') && store_is_printable(cell(r, 0, 0))) {
		snprintf(subject, sizeof(subject), "DoteComune: posto disponibile per la domanda %s", o.protocol);
		if (asprintf(&body, "Gentile candidata/o,\n\n%s\n\nQuesto messaggio è inviato automaticamente da "
			     "DoteComune.\n", text) < 0) {
			body = NULL;
			goto rollback;
		}
		if (mail_outbox_add(s, o.uuid, cell(r, 0, 0), subject, body, o.offered_at))
			goto rollback;
	}
	if (store_commit(s))
		goto fail;
	date_it(o.deadline, when, sizeof(when));
	snprintf(info, isize, "Posto offerto a %s (successivo idoneo in graduatoria), risposta entro il %s.",
		 o.protocol, when);
	free(body);
	store_res_free(r);
	return 0;
rollback:
	store_rollback(s);
fail:
	free(body);
	store_res_free(r);
	return -1;
}

int replacement_after_end(struct store *s, const char *freed_uuid, const char *by, char *info, size_t isize)
{
	struct store_res *r = NULL;
	struct replacement_offer o;
	long start, end;
	int rc, window;

	info[0] = '\0';
	if (store_query(s, "SELECT t.placement_code, t.comune, t.start_date, coalesce(t.ended_on, ''), t.status,"
			   " coalesce(c.rules, '') FROM traineeship t JOIN placement p ON p.code = t.placement_code"
			   " JOIN call c ON c.id = p.call_id WHERE t.uuid = ?1", ARGS(freed_uuid), &r))
		return -1;
	rc = 1;
	if (store_res_rows(r) != 1 || strcmp(cell(r, 0, 4), "dropped_out"))
		goto out;
	rc = replacement_open_for(s, freed_uuid, &o);
	if (rc != 1) {
		if (rc == 0)
			snprintf(info, isize, "Il posto è già offerto a %s.", o.protocol);
		rc = rc ? -1 : 1;
		goto out;
	}
	start = cal_parse(cell(r, 0, 2));
	end = cal_parse(cell(r, 0, 3));
	window = window_days(cell(r, 0, 5));
	if (start < 0 || end < 0 || end - start > window) {
		snprintf(info, isize, "L'interruzione è avvenuta oltre i %d giorni dall'avvio previsti dall'avviso "
			 "per il subentro: il posto non si riassegna.", window);
		rc = audit(s, freed_uuid, by, "replacement_window", info) ? -1 : 1;
		goto out;
	}
	rc = offer_next(s, cell(r, 0, 0), cell(r, 0, 1), freed_uuid, by, info, isize);
out:
	store_res_free(r);
	return rc;
}

int replacement_decide(struct store *s, const char *uuid, int accept, const char *by, const char *note,
		       char *info, size_t isize, char *err, size_t errsize)
{
	struct replacement_offer o;
	struct selection_input in = { 0 };
	char at[21], why[SELECTION_NOTE_MAX + 80];
	int rc = replacement_open(s, uuid, &o);

	err[0] = info[0] = '\0';
	if (rc)
		return rc;
	time_date(now_wall(), at, sizeof(at));
	if (accept && strcmp(o.deadline, at) < 0) {
		/* Past its deadline the offer is expired even if the periodic
		 * job has not run yet: expire it now, as the job would. */
		char when[16];
		if (replacement_decide(s, uuid, 0, by, EXPIRED_NOTE, info, isize, err, errsize) < 0)
			return -1;
		date_it(o.deadline, when, sizeof(when));
		snprintf(err, errsize, "L'offerta di subentro a %s è scaduta il %s e non si può più accettare. %s",
			 o.protocol, when, info);
		return 2;
	}
	if (!note)
		note = "";
	snprintf(why, sizeof(why), accept ? "Accetta il subentro nel posto liberato. %s"
		 : "Rinuncia al subentro nel posto liberato. %s", note);
	in.note = why;
	rc = selection_act(s, NULL, uuid, accept ? "select" : "withdraw", by, &in, err, errsize);
	if (rc)
		return rc;
	time_iso(now_wall(), at, sizeof(at));
	if (store_begin(s))
		return -1;
	if (store_exec(s, "UPDATE replacement_offer SET status = ?2, decided_at = ?3, decided_by = ?4, note = ?5"
			  " WHERE id = CAST(?1 AS BIGINT) AND status = 'offered'",
		       ARGS(o.id, accept ? "accepted" : "refused", at, by, note)) != 1 ||
	    audit(s, uuid, by, accept ? "replacement_accepted" : "replacement_refused", why) ||
	    audit(s, o.freed_uuid, by, accept ? "replacement_accepted" : "replacement_refused", o.protocol)) {
		store_rollback(s);
		return -1;
	}
	if (store_commit(s))
		return -1;
	if (accept) {
		snprintf(info, isize, "%s ha accettato: la domanda è selezionata, il tirocinio si può avviare.",
			 o.protocol);
		return 0;
	}
	return offer_next(s, o.placement_code, o.comune, o.freed_uuid, by, info, isize) < 0 ? -1 : 0;
}

int replacement_expire(struct store *s, const char *today, const char *by)
{
	struct store_res *r = NULL;
	char info[300], err[300];
	int n = 0;

	if (store_query(s, "SELECT uuid FROM replacement_offer WHERE status = 'offered' AND deadline < ?1 ORDER BY id",
			ARGS(today), &r))
		return -1;
	for (int i = 0; i < store_res_rows(r); i++) {
		int rc = replacement_decide(s, cell(r, i, 0), 0, by, EXPIRED_NOTE,
					    info, sizeof(info), err, sizeof(err));
		if (rc < 0) {
			n = -1;
			break;
		}
		if (rc == 0)
			n++;
	}
	store_res_free(r);
	return n;
}

int replacement_citizen(struct store *s, const char *uuid, char *text, size_t size)
{
	struct replacement_offer o;
	int rc = replacement_open(s, uuid, &o);
	if (rc)
		return rc;
	return offer_text(s, &o, text, size);
}

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Applications received on paper or by PEC, recorded by a comune's
 * clerk (see intake.h). Start reading at intake_record(): form_check()
 * applies the kiosk's own rules to what was typed (nothing from the
 * database), then placement_check() and the person's earlier
 * application are asked in the write transaction that stores the row,
 * the rollups, the audit row and the "received" e-mail.
 *
 * Every refusal is a plain Italian sentence that starts with the
 * field's label, and field names the form's input, so the page can
 * point at it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/application.h"
#include "core/cf.h"
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/eligibility.h"
#include "core/model.h"
#include "core/names.h"
#include "core/receipt.h"
#include "core/util.h"
#include "core/uuid.h"
#include "reports/store/intake.h"
#include "reports/store/rollup.h"
#include "reports/store/selection.h"
#include "reports/store/store.h"
#include "reports/store/store_internal.h"

/* A checked form, ready for the insert. */
struct intake_row {
	char cf[17], sex[2], birth_date[11], birthplace[5], age[8];
	char given[NAME_MAX_LEN + NAMES_NFC_SPARE + 1], family[NAME_MAX_LEN + NAMES_NFC_SPARE + 1];
	char residence[7], channel[8], received[11];
};

static int refuse(char *field, size_t fsize, const char *name, char *err, size_t esize, const char *msg)
{
	str_copy(field, fsize, name);
	str_copy(err, esize, msg);
	return 2;
}

/* One name through core/names.h (NFC, no hidden characters) and the kiosk's rule. */
static int name_check(const char *in, char *out, size_t size)
{
	char why[200];

	if (!in || !*in || names_normalize(in, out, size, why, sizeof(why)))
		return -1;
	return application_name_ok(out) && strlen(out) <= NAME_MAX_LEN ? 0 : -1;
}

void intake_register_id(const char *comune, char *buf, size_t size)
{
	snprintf(buf, size, "U%s", comune);
}

/* The rules that need no database: 0, or 2 with field and err. */
static int form_check(const struct intake_form *f, struct intake_row *r, const char *today, char *field,
		      size_t fsize, char *err, size_t esize)
{
	struct cf_info info;
	char why[120];
	int y, m, d;
	const struct comune *c;

	memset(r, 0, sizeof(*r));
	if (strcmp(f->channel, "carta") && strcmp(f->channel, "pec"))
		return refuse(field, fsize, "canale", err, esize,
			      "Canale: scegli se la domanda è arrivata su carta o via PEC.");
	str_copy(r->channel, sizeof(r->channel), f->channel);
	if (strlen(f->received) != 10 || date_parse(f->received, &y, &m, &d))
		return refuse(field, fsize, "ricevuta_il", err, esize,
			      "Data di ricevimento: scrivila come GG/MM/AAAA o AAAA-MM-GG.");
	if (strcmp(f->received, today) > 0)
		return refuse(field, fsize, "ricevuta_il", err, esize,
			      "Data di ricevimento: non può essere nel futuro.");
	str_copy(r->received, sizeof(r->received), f->received);
	if (!*f->cf || cf_check(f->cf, f->received, &info, why, sizeof(why)))
		return refuse(field, fsize, "codice_fiscale", err, esize,
			      "Codice fiscale: non è valido (controlla i 16 caratteri e il carattere di controllo).");
	str_copy(r->cf, sizeof(r->cf), info.code);
	r->sex[0] = info.sex;
	str_copy(r->birth_date, sizeof(r->birth_date), info.birth_date);
	str_copy(r->birthplace, sizeof(r->birthplace), info.birthplace);
	snprintf(r->age, sizeof(r->age), "%d", age_on(info.birth_date, f->received));
	if (name_check(f->given_name, r->given, sizeof(r->given)))
		return refuse(field, fsize, "nome", err, esize,
			      "Nome: scrivilo come nel documento (lettere, spazi, apostrofi e trattini).");
	if (name_check(f->family_name, r->family, sizeof(r->family)))
		return refuse(field, fsize, "cognome", err, esize,
			      "Cognome: scrivilo come nel documento (lettere, spazi, apostrofi e trattini).");
	if (!application_phone_ok(f->phone))
		return refuse(field, fsize, "telefono", err, esize,
			      "Telefono: da 6 a 15 cifre, con spazi, trattini o punti e un + iniziale.");
	if (!application_email_ok(f->email))
		return refuse(field, fsize, "email", err, esize, "E-mail: non è un indirizzo valido.");
	if (!*f->phone && !*f->email)
		return refuse(field, fsize, "telefono", err, esize,
			      "Telefono o e-mail: serve almeno un recapito per contattare il candidato.");
	if (*f->residence) {
		c = comune_by_istat(f->residence);
		if (!c)
			c = comune_by_name(f->residence);
		if (!c)
			return refuse(field, fsize, "residenza", err, esize,
				      "Comune di residenza: non trovato (scrivi il nome del comune o il codice ISTAT).");
		str_copy(r->residence, sizeof(r->residence), c->istat);
	}
	if (!vocab_find(applicant_statuses, applicant_statuses_n, f->applicant_status))
		return refuse(field, fsize, "condizione", err, esize, "Condizione: scegli una delle voci.");
	if (!vocab_find(education_levels, education_levels_n, f->education))
		return refuse(field, fsize, "titolo", err, esize, "Titolo di studio: scegli una delle voci.");
	return 0;
}

/* The clerk's sentence for a failed eligibility rule (core/eligibility.c's keys). */
static void eligibility_it(const struct eligibility_fail *e, char *buf, size_t size)
{
	if (!strcmp(e->rule, "min_age"))
		snprintf(buf, size, "Codice fiscale: il candidato ha meno dei %ld anni richiesti dall'avviso.", e->limit);
	else if (!strcmp(e->rule, "max_age"))
		snprintf(buf, size, "Codice fiscale: il candidato supera i %ld anni ammessi dall'avviso.", e->limit);
	else if (!strcmp(e->rule, "statuses"))
		snprintf(buf, size, "Condizione: l'avviso non è aperto a chi si trova in questa condizione.");
	else if (!strcmp(e->rule, "neet_max_age"))
		snprintf(buf, size, "Condizione: la categoria NEET è ammessa fino a %ld anni.", e->limit);
	else if (!strcmp(e->rule, "student_min_age"))
		snprintf(buf, size, "Condizione: gli studenti devono avere almeno %ld anni.", e->limit);
	else if (!strcmp(e->rule, "residence_region"))
		snprintf(buf, size, "Comune di residenza: l'avviso richiede la residenza nella regione.");
	else if (!strcmp(e->rule, "no_other_placement"))
		snprintf(buf, size, "Codice fiscale: la persona sta già svolgendo un tirocinio.");
	else
		snprintf(buf, size, "Requisiti dell'avviso: non posseduti (%s).", e->rule);
}

static const char *eligibility_field(const char *rule)
{
	if (!strcmp(rule, "statuses") || !strcmp(rule, "neet_max_age") || !strcmp(rule, "student_min_age"))
		return "condizione";
	if (!strcmp(rule, "residence_region"))
		return "residenza";
	return "codice_fiscale";
}

/* Inside the transaction: the placement in scope, open on the day of
 * receipt, its ranking not final, and the call's rules; the person's
 * other applications. 0 (call id into call), 2 refused, -1 error. */
static int placement_check(struct store *s, const char *scope, const struct intake_form *f,
			   const struct intake_row *r, char *call, size_t csize, char *field, size_t fsize,
			   char *err, size_t esize)
{
	struct store_res *res;
	char pd[11], cd[11], opens[11], hash[65], first[64], one[4];
	const char *rules;
	int open, final, rc = 0;

	if (store_query(s, "SELECT p.call_id, p.deadline, c.deadline, c.opens, p.status, c.status, c.rules,"
			   " (SELECT count(*) FROM ranking_final x WHERE x.placement_code = p.code)"
			   " FROM placement p JOIN call c ON c.id = p.call_id WHERE p.code = ?1 AND p.comune = ?2",
			ARGS(f->placement, scope), &res))
		return -1;
	if (store_res_rows(res) != 1) {
		store_res_free(res);
		return refuse(field, fsize, "progetto", err, esize, "Progetto: scegli uno dei progetti del Comune.");
	}
	str_copy(call, csize, store_res_get(res, 0, 0));
	str_copy(pd, sizeof(pd), store_res_get(res, 0, 1));
	str_copy(cd, sizeof(cd), store_res_get(res, 0, 2));
	str_copy(opens, sizeof(opens), store_res_get(res, 0, 3) ? store_res_get(res, 0, 3) : "");
	open = !strcmp(store_res_get(res, 0, 4), "open") && !strcmp(store_res_get(res, 0, 5), "open");
	final = atoi(store_res_get(res, 0, 7));
	rules = store_res_get(res, 0, 6);
	if (!open)
		rc = refuse(field, fsize, "progetto", err, esize, "Progetto: è chiuso o ritirato, non riceve domande.");
	else if (final)
		rc = refuse(field, fsize, "progetto", err, esize,
			    "Progetto: la graduatoria è già definitiva, non si possono aggiungere domande.");
	else if (strcmp(r->received, strcmp(pd, cd) < 0 ? pd : cd) > 0)
		snprintf(err, esize, "Data di ricevimento: è successiva alla scadenza del progetto (%s).",
			 strcmp(pd, cd) < 0 ? pd : cd), rc = 2, str_copy(field, fsize, "ricevuta_il");
	else if (*opens && strcmp(r->received, opens) < 0)
		snprintf(err, esize, "Data di ricevimento: è precedente all'apertura dell'avviso (%s).", opens),
			rc = 2, str_copy(field, fsize, "ricevuta_il");
	if (!rc && rules && *rules && strcmp(rules, "{}")) {
		struct eligibility_answers ans = { .age = atoi(r->age), .status = f->applicant_status,
						   .residence = r->residence, .in_other_placement = 0 };
		struct eligibility_result er;
		int in = store_text(s, "SELECT 1 FROM application WHERE cf = ?1 AND status = 'started'",
				    ARGS(r->cf), one, sizeof(one));

		if (in < 0) {
			store_res_free(res);
			return -1;
		}
		ans.in_other_placement = in == 0;
		if (eligibility_check(rules, &ans, &er) == 0 && !er.eligible && er.nfails) {
			eligibility_it(&er.fails[0], err, esize);
			str_copy(field, fsize, eligibility_field(er.fails[0].rule));
			rc = 2;
		}
	}
	store_res_free(res);
	if (rc)
		return rc;
	/* One per call: the hub's person hash (core/application.h). */
	application_person_hash(atoll(call), r->cf, hash, sizeof(hash));
	rc = store_text(s, "SELECT min(protocol) FROM application WHERE call_id = ?1 AND cf_hash = ?2",
			ARGS(call, hash), first, sizeof(first));
	if (rc < 0)
		return -1;
	if (rc == 0 && *first) {
		snprintf(err, esize, "Codice fiscale: questa persona ha già una domanda per lo stesso avviso "
			 "(protocollo %s).", first);
		str_copy(field, fsize, "codice_fiscale");
		return 2;
	}
	return 0;
}

int intake_record(struct store *s, const char *scope, const struct intake_form *f, const char *by,
		  char *protocol, size_t psize, char *field, size_t fsize, char *err, size_t esize)
{
	struct intake_row r;
	char today[11], now[32], submitted[32], call[24], hash[65], uuid[40], reg[16], seq[24], note[400];
	time_t t = now_wall();
	int rc, y;

	*protocol = *field = *err = '\0';
	if (!scope || strlen(scope) != 6)
		return refuse(field, fsize, "progetto", err, esize, "Progetto: solo il personale del Comune.");
	time_date(t, today, sizeof(today));
	time_iso(t, now, sizeof(now));
	if ((rc = form_check(f, &r, today, field, fsize, err, esize)))
		return rc;
	/* Today's receipt keeps its time; an earlier day's is dated at its noon (UTC). */
	if (!strcmp(r.received, today))
		str_copy(submitted, sizeof(submitted), now);
	else
		snprintf(submitted, sizeof(submitted), "%sT11:00:00Z", r.received);
	uuid_v7(uuid, sizeof(uuid));
	intake_register_id(scope, reg, sizeof(reg));
	y = atoi(r.received);
	if (store_begin(s))
		return -1;
	rc = placement_check(s, scope, f, &r, call, sizeof(call), field, fsize, err, esize);
	if (rc)
		goto out;
	rc = -1;
	if (store_text(s, "SELECT CAST(coalesce(max(seq), 0) + 1 AS TEXT) FROM application WHERE kiosk_id = ?1",
		       ARGS(reg), seq, sizeof(seq)) < 0 ||
	    receipt_protocol(scope, reg, y, atoll(seq), protocol, psize))
		goto out;
	application_person_hash(atoll(call), r.cf, hash, sizeof(hash));
	if (store_exec(s, "INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id, placement_code, comune,"
			  " cf_hash, cf, given_name, family_name, phone, email, sex, birth_date, age, birthplace,"
			  " residence, applicant_status, education, lang, submitted_at, status, status_at,"
			  " received_at, channel)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
			  " ?18, ?19, ?20, 'it', ?21, 'received', ?21, ?22, ?23)",
		       ARGS(uuid, protocol, reg, seq, call, f->placement, scope, hash, r.cf, r.given, r.family,
			    *f->phone ? f->phone : NULL, *f->email ? f->email : NULL, r.sex, r.birth_date, r.age,
			    r.birthplace, *r.residence ? r.residence : NULL, f->applicant_status, f->education,
			    submitted, now, r.channel)) != 1)
		goto out;
	if (store_is_pg(s)) {
		for (int i = 0; rollup_ingest_sql[i]; i++)
			if (store_exec(s, rollup_ingest_sql[i], ARGS(uuid)) < 0)
				goto out;
	} else if (rollup_apply_ingest(s->conn, uuid)) {
		goto out;
	}
	if (store_exec(s, "UPDATE placement SET applied = applied + 1 WHERE code = ?1", ARGS(f->placement)) < 0)
		goto out;
	snprintf(note, sizeof(note), "ricevuta %s il %s%s%.200s", !strcmp(r.channel, "pec") ? "via PEC" : "su carta",
		 r.received, *f->reference ? ", riferimento " : "", f->reference);
	if (store_exec(s, "INSERT INTO selection_audit(uuid, comune, placement_code, at, by, action,"
			  " from_status, to_status, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', 'received', ?7)",
		       ARGS(uuid, scope, f->placement, now, by, !strcmp(r.channel, "pec") ? "intake_pec" : "intake_paper",
			    note)) != 1)
		goto out;
	if (*f->email && selection_notify_received(s, uuid, now))
		goto out;
	rc = 0;
out:
	if (rc) {
		store_rollback(s);
		if (rc != 2)
			*protocol = '\0';
		return rc;
	}
	return store_commit(s) ? -1 : 0;
}

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Replacement of a trainee who dropped out (reports/store/replacement.h),
 * on a real SQLite hub database: a final ranking of four made through the
 * selection's own steps, the first starts and drops out within the
 * call's window; the seat is offered to the second (e-mail in the
 * outbox, the receipt's sentence, a deadline ten days on), who refuses;
 * the third lets the deadline pass; the fourth accepts and starts. A
 * dropout outside the window offers nothing. Every step is audited.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "reports/store/replacement.h"
#include "reports/store/selection.h"
#include "reports/store/store.h"
#include "reports/store/traineeship.h"
#include "tests/unit/check.h"
#include "tests/unit/store_fixture.h"

/* A final ranking of the applications first..last of placement (scores
 * falling), the first selected and started on 2026-03-16. */
static void ranking(struct store *s, const char *placement, int first, int last)
{
	char err[400], p[8], score[8], u[8];
	struct traineeship_start st = { NULL, "2026-03-16", 40, "tutor.milano", "Mario Bianchi (AnciLab)" };

	for (int i = first; i <= last; i++) {
		snprintf(p, sizeof(p), "P-%d", i);
		snprintf(score, sizeof(score), "%d", 100 - i);
		selection_requirements(s, "015146", p, 1, "anna", "", err, sizeof(err));
		selection_status_set(s, "015146", p, "interview", "anna", "", "2026-03-02T15:00", "Sala", err,
				     sizeof(err));
		if (selection_score(s, "015146", p, 1, score, "anna", "", err, sizeof(err)))
			printf("# score %s: %s\n", p, err);
	}
	store_exec(s, "UPDATE placement SET deadline = '2026-03-01' WHERE code = ?1", ARGS(placement));
	if (selection_ranking_final(s, "015146", placement, "anna", err, sizeof(err)))
		printf("# final %s: %s\n", placement, err);
	snprintf(p, sizeof(p), "P-%d", first);
	if (selection_status_set(s, NULL, p, "selected", "anna", "", NULL, NULL, err, sizeof(err)))
		printf("# select %s: %s\n", p, err);
	snprintf(u, sizeof(u), "u-%d", first);
	st.uuid = u;
	if (traineeship_start(s, &st, "tutor.milano", err, sizeof(err)))
		printf("# start %s: %s\n", u, err);
}

int main(void)
{
	char path[] = "/tmp/test_replacement_XXXXXX", err[400], info[400], text[1500];
	struct traineeship_ending drop = { "dropped_out", "2026-04-14", "job", "assunta", NULL, NULL };
	struct traineeship_start st = { "u-4", "2026-05-04", 40, "tutor.milano", "Mario Bianchi (AnciLab)" };
	struct replacement_offer o;
	struct store *s;
	int fd = mkstemp(path);

	setenv("TZ", "Europe/Rome", 1);
	setenv("DOTE_NOW", "1772442000", 1);	/* 2026-03-02T09:00:00Z */
	close(fd);
	unlink(path);
	s = store_open(path);
	CHECK("open", s != NULL);
	if (!s)
		return check_done();
	store_exec(s, "INSERT INTO call(id, code, title, region, opens, deadline, rules) VALUES"
		      " (1, 'C1', 'Avviso', 'Lombardia', '2026-01-01', '2026-12-31', '{}'),"
		      " (2, 'C2', 'Avviso breve', 'Lombardia', '2026-01-01', '2026-12-31', '{\"replacement_days\": 20}')",
		   NULL);
	store_exec(s, "INSERT INTO placement(id, code, call_id, comune, area, office, title, address, months,"
		      " hours_week, allowance_eur, qrsp, seats, deadline) VALUES"
		      " (1, 'P1', 1, '015146', 'library', 'Biblioteca', 'Prestito in biblioteca', 'Via 1', 6, 20, 400,"
		      " 'Q', 1, '2026-06-30'),"
		      " (2, 'P2', 2, '015146', 'library', 'Biblioteca', 'Archivio', 'Via 1', 6, 20, 400, 'Q', 1,"
		      " '2026-06-30')", NULL);
	store_exec(s, "INSERT INTO office_contact(comune, name, phone, email, address, updated_at, by) VALUES"
		      " ('015146', 'Ufficio Tirocini', '02 123', 'tirocini@comune.milano.it', 'Via 1',"
		      " '2026-03-01T09:00:00Z', 'anna')", NULL);
	for (int i = 1; i <= 4; i++)
		fixture_application(s, i, "015146", "P1", 1);
	fixture_application(s, 5, "015146", "P2", 1);
	fixture_application(s, 6, "015146", "P2", 1);
	ranking(s, "P1", 1, 4);
	ranking(s, "P2", 5, 6);
	CHECK_STR("P-1 started", one(s, "SELECT status FROM application WHERE uuid = ?1", "u-1"), "started");

	/* Day 29 of the placement: P-1 leaves for a job; the seat goes to P-2. */
	setenv("DOTE_NOW", "1776243600", 1);	/* 2026-04-15T09:00:00Z */
	CHECK_INT("dropout", traineeship_end(s, "u-1", &drop, "tutor.milano", err, sizeof(err)), 0);
	CHECK_INT("an offer is open for P-2", replacement_open(s, "u-2", &o), 0);
	CHECK_STR("the offer's deadline: ten days on", o.deadline, "2026-04-25");
	CHECK_STR("the offer names the seat freed", o.freed_uuid, "u-1");
	CHECK_STR("P-2 is told by e-mail", one(s, "SELECT to_addr || ' | ' || subject FROM mail_outbox WHERE uuid = ?1"
					       " AND subject LIKE '%posto disponibile%'", "u-2"),
		  "p2@example.it | DoteComune: posto disponibile per la domanda P-2");
	CHECK("the e-mail says what, where and by when",
	      strstr(one(s, "SELECT body FROM mail_outbox WHERE uuid = ?1 AND subject LIKE '%posto disponibile%'", "u-2"),
		     "Si è liberato un posto nel tirocinio «Prestito in biblioteca» del Comune di Milano") &&
	      strstr(one(s, "SELECT body FROM mail_outbox WHERE uuid = ?1 AND subject LIKE '%posto disponibile%'", "u-2"),
		     "entro il 25/04/2026") &&
	      strstr(one(s, "SELECT body FROM mail_outbox WHERE uuid = ?1 AND subject LIKE '%posto disponibile%'", "u-2"),
		     "tirocini@comune.milano.it"));
	CHECK_INT("the receipt's sentence", replacement_citizen(s, "u-2", text, sizeof(text)), 0);
	CHECK("the receipt says it is the person's turn and the deadline",
	      strstr(text, "tocca a lei (domanda P-2)") && strstr(text, "entro il 25/04/2026"));
	CHECK_INT("P-3 has no offer", replacement_citizen(s, "u-3", text, sizeof(text)), 1);
	CHECK_INT("no second offer for the same seat", replacement_after_end(s, "u-1", "tutor.milano", info, sizeof(info)),
		  1);
	CHECK_STR("audited: the offer", one(s, "SELECT note FROM traineeship_audit WHERE uuid = ?1"
					    " AND action = 'replacement_offer'", "u-2"),
		  "posto lasciato da u-1 offerto a P-2, risposta entro 2026-04-25");

	/* P-2 refuses: withdrawn from the ranking, the seat goes to P-3. */
	CHECK_INT("P-2 refuses", replacement_decide(s, "u-2", 0, "anna", "telefonata del 16/04", info, sizeof(info), err,
						    sizeof(err)), 0);
	CHECK_STR("the clerk is told who is next", info, "Posto offerto a P-3 (successivo idoneo in graduatoria), "
		  "risposta entro il 25/04/2026.");
	CHECK_STR("P-2 withdrawn", one(s, "SELECT status FROM application WHERE uuid = ?1", "u-2"), "withdrawn");
	CHECK_INT("P-2's offer closed", replacement_open(s, "u-2", &o), 1);
	CHECK_STR("audited: the refusal", one(s, "SELECT by || ': ' || note FROM traineeship_audit WHERE uuid = ?1"
					      " AND action = 'replacement_refused'", "u-2"),
		  "anna: Rinuncia al subentro nel posto liberato. telefonata del 16/04");
	CHECK_INT("P-3 offered", replacement_open(s, "u-3", &o), 0);
	CHECK_STR("P-3 is told by e-mail", one(s, "SELECT count(*) FROM mail_outbox WHERE uuid = ?1"
					       " AND subject LIKE '%posto disponibile%'", "u-3"), "1");
	CHECK_INT("no decision without an offer", replacement_decide(s, "u-2", 1, "anna", "", info, sizeof(info), err,
								     sizeof(err)), 1);

	/* P-3 does not answer: after the deadline the seat goes to P-4. */
	setenv("DOTE_NOW", "1777453200", 1);	/* 2026-04-29T09:00:00Z */
	CHECK_INT("deadline not passed on the 25th: nothing expires", replacement_expire(s, "2026-04-25", "hub"), 0);
	/* P-3 calls on the 29th, before the periodic job has run: the offer
	 * expired on the 25th and cannot be accepted any more. */
	CHECK_INT("a late acceptance is refused", replacement_decide(s, "u-3", 1, "anna", "telefonata del 29/04", info,
								     sizeof(info), err, sizeof(err)), 2);
	CHECK("the clerk is told why and who is next", strstr(err, "scaduta il 25/04/2026") &&
	      strstr(err, "Posto offerto a P-4"));
	CHECK_STR("audited as an expiry", one(s, "SELECT note FROM traineeship_audit WHERE uuid = ?1"
					      " AND action = 'replacement_refused'", "u-3"),
		  "Rinuncia al subentro nel posto liberato. Termine per accettare scaduto senza risposta.");
	CHECK_INT("so the job has nothing left to expire", replacement_expire(s, "2026-04-26", "hub"), 0);
	CHECK_STR("P-3 withdrawn", one(s, "SELECT status FROM application WHERE uuid = ?1", "u-3"), "withdrawn");
	CHECK_INT("P-4 offered", replacement_open(s, "u-4", &o), 0);
	CHECK_STR("P-4's deadline from today", o.deadline, "2026-05-09");

	/* P-4 accepts and starts. */
	CHECK_INT("P-4 accepts", replacement_decide(s, "u-4", 1, "anna", "e-mail del 30/04", info, sizeof(info), err,
						    sizeof(err)), 0);
	if (err[0])
		printf("# accept said: %s\n", err);
	CHECK_STR("P-4 selected", one(s, "SELECT status FROM application WHERE uuid = ?1", "u-4"), "selected");
	CHECK_INT("P-4 starts", traineeship_start(s, &st, "tutor.milano", err, sizeof(err)), 0);
	CHECK_STR("P-4 started", one(s, "SELECT status FROM application WHERE uuid = ?1", "u-4"), "started");
	CHECK_STR("the seat's story in the audit",
		  one(s, "SELECT group_concat(action, ' ') FROM (SELECT action FROM traineeship_audit WHERE uuid = ?1"
			 " AND action LIKE 'replacement%' ORDER BY id)", "u-1"),
		  "replacement_offer replacement_refused replacement_offer replacement_refused replacement_offer"
		  " replacement_accepted");

	/* Outside the window (20 days in call C2): nothing offered. */
	drop.date = "2026-04-14";
	CHECK_INT("dropout after the window", traineeship_end(s, "u-5", &drop, "tutor.milano", err, sizeof(err)), 0);
	CHECK_INT("no offer to P-6", replacement_open(s, "u-6", &o), 1);
	CHECK("audited: why nothing was offered",
	      strstr(one(s, "SELECT note FROM traineeship_audit WHERE uuid = ?1 AND action = 'replacement_window'", "u-5"),
		     "oltre i 20 giorni") != NULL);

	/* Late registers: P-4's May is not confirmed by 10 June; the comune's
	 * office is reminded once (issue 19). */
	setenv("DOTE_NOW", "1781168400", 1);	/* 2026-06-11T09:00:00Z */
	CHECK_INT("on May's deadline day: only the older months nobody confirmed", traineeship_late_remind(s, "2026-06-10", "hub"), 4);
	CHECK_STR("those are the ended placements' March and April",
		  one(s, "SELECT group_concat(uuid || ' ' || month, ', ') FROM (SELECT uuid, month FROM register_reminder"
			 " WHERE month < ?1 ORDER BY uuid, month)", "2026-05"), "u-1 2026-03, u-1 2026-04, u-5 2026-03, u-5 2026-04");
	CHECK_INT("no reminder for May on its deadline day", traineeship_late_remind(s, "2026-06-10", "hub"), 0);
	CHECK_INT("one reminder the day after", traineeship_late_remind(s, "2026-06-11", "hub"), 1);
	CHECK_INT("never twice", traineeship_late_remind(s, "2026-06-12", "hub"), 0);
	CHECK_STR("the reminder goes to the comune's office",
		  one(s, "SELECT to_addr || ' | ' || subject FROM mail_outbox WHERE uuid = ?1 AND subject LIKE '%registro%'",
		      "u-4"), "tirocini@comune.milano.it | DoteComune: registro presenze di 2026-05 da confermare");
	CHECK("the reminder says which register and the deadline",
	      strstr(one(s, "SELECT body FROM mail_outbox WHERE uuid = ?1 AND subject LIKE '%registro%'", "u-4"),
		     "il registro presenze di 2026-05 del tirocinio P1") &&
	      strstr(one(s, "SELECT body FROM mail_outbox WHERE uuid = ?1 AND subject LIKE '%registro%'", "u-4"),
		     "il termine era il 10/06/2026"));
	CHECK_STR("audited", one(s, "SELECT note FROM traineeship_audit WHERE uuid = ?1 AND action = 'register_reminder'", "u-4"),
		  "2026-05");
	/* The job does not run again until 1 August (a hub down, a monthly
	 * cron): June, due on 10 July, is still reminded; May not again. */
	setenv("DOTE_NOW", "1785574800", 1);	/* 2026-08-01T09:00:00Z */
	CHECK_INT("a month missed by the job is still reminded", traineeship_late_remind(s, "2026-08-01", "hub"), 1);
	CHECK_STR("the reminders: May, then June",
		  one(s, "SELECT group_concat(month, ' ') FROM (SELECT month FROM register_reminder WHERE uuid = ?1"
			 " ORDER BY month)", "u-4"), "2026-05 2026-06");
	store_close(s);
	unlink(path);
	return check_done();
}

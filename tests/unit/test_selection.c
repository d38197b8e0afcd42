/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The selection state machine (reports/store/selection.c) on a SQLite
 * hub: every allowed step and some refused ones, the scope of a comune,
 * the ranking's order (score, then the call's tie-break; duplicates and
 * excluded ones out), the final ranking's rules (after the deadline,
 * every outcome in, positions fixed), selection in order, moving down, the words a citizen
 * reads for each status, and retention: personal columns erased, the
 * statistics' columns untouched, selected and started people kept. The
 * web pages and PostgreSQL are covered by tests/e2e/office_selection.sh.
 * A call with criteria: the score weighted from one mark per criterion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "reports/store/selection.h"
#include "reports/store/store.h"
#include "tests/unit/check.h"
#include "tests/unit/store_fixture.h"

int main(void)
{
	char path[] = "/tmp/test_selection_XXXXXX", err[512], buf[600];
	struct store *s;
	struct store_res *r = NULL;
	int fd = mkstemp(path), i;
	FILE *devnull = fopen("/dev/null", "w");

	setenv("DOTE_NOW", "1772442000", 1);	/* 2026-03-02T09:00:00Z */
	close(fd);
	unlink(path);
	s = store_open(path);
	CHECK("open", s != NULL);
	if (!s)
		return check_done();
	store_exec(s, "INSERT INTO call(id, code, title, region, opens, deadline) VALUES"
		      " (1, 'C1', 'Avviso', 'Lombardia', '2026-01-01', '2026-12-31')", NULL);
	store_exec(s, "INSERT INTO placement(id, code, call_id, comune, area, office, title, address, months,"
		      " hours_week, allowance_eur, qrsp, seats, deadline) VALUES"
		      " (1, 'P1', 1, '015146', 'library', 'Biblioteca', 'Prestito', 'Via 1', 6, 20, 400, 'Q', 2,"
		      " '2026-06-30'), (2, 'P2', 1, '015209', 'library', 'Biblioteca', 'Prestito', 'Via 2', 6,"
		      " 20, 400, 'Q', 1, '2026-06-30')", NULL);
	for (i = 1; i <= 5; i++)
		fixture_application(s, i, "015146", "P1", 0);
	fixture_application(s, 9, "015209", "P2", 0);
	store_exec(s, "UPDATE application SET duplicate_of = 'u-1' WHERE uuid = 'u-5'", NULL);

	/* Transitions. */
	CHECK_INT("interview-needs-date", selection_status_set(s, "015146", "P-1", "interview", "anna", "", NULL,
							       "Sala", err, sizeof(err)), 2);
	CHECK_INT("interview-not-in-the-past", selection_status_set(s, "015146", "P-1", "interview", "anna", "",
								    "2026-03-01T10:00", "Sala", err, sizeof(err)), 2);
	CHECK_INT("interview-bad-time", selection_status_set(s, "015146", "P-1", "interview", "anna", "",
							     "2026-03-20T25:00", "Sala", err, sizeof(err)), 2);
	CHECK_INT("interview-needs-requirements", selection_status_set(s, "015146", "P-1", "interview", "anna", "",
								       "2026-03-02T15:00", "Sala", err, sizeof(err)), 2);
	/* Issue 18: requirements first, then the convocation. */
	for (i = 1; i <= 5; i++) {
		char p[8];
		snprintf(p, sizeof(p), "P-%d", i);
		if (i != 3)
			selection_requirements(s, "015146", p, 1, "anna", "", err, sizeof(err));
	}
	CHECK_INT("interview-today", selection_status_set(s, "015146", "P-1", "interview", "anna", "",
							  "2026-03-02T15:00", "Sala", err, sizeof(err)), 0);
	CHECK_INT("other-comune-not-found", selection_status_set(s, "015209", "P-1", "selected", "bruno", "", NULL,
								 NULL, err, sizeof(err)), 1);
	CHECK_INT("other-comune-score-not-found", selection_score(s, "015209", "u-1", 1, "10", "bruno", "", err,
								  sizeof(err)), 1);
	CHECK_INT("score-before-interview", selection_score(s, "015146", "P-2", 1, "50", "anna", "", err,
							    sizeof(err)), 2);
	CHECK_INT("score-not-a-number", selection_score(s, "015146", "P-1", 1, "9x", "anna", "", err, sizeof(err)), 2);
	CHECK_INT("score-too-high", selection_score(s, "015146", "P-1", 1, "101", "anna", "", err, sizeof(err)), 2);
	CHECK_INT("same-status-refused", selection_status_set(s, "015146", "P-2", "received", "anna", "", NULL, NULL,
							      err, sizeof(err)), 2);
	CHECK_STR("same-status-says-so", err, "La domanda è già nello stato «Ricevuta».");
	CHECK_INT("unknown-status", selection_status_set(s, NULL, "P-2", "hired", "anna", "", NULL, NULL, err,
							 sizeof(err)), 2);
	CHECK_INT("requirements-ko", selection_requirements(s, "015146", "P-3", 0, "anna", "manca", err,
							    sizeof(err)), 0);
	CHECK_INT("no-interview-without-requirements", selection_status_set(s, NULL, "P-3", "interview", "anna", "",
									    "2026-03-20T10:00", "Sala", err, sizeof(err)), 2);
	CHECK_INT("no-selection-without-requirements", selection_status_set(s, NULL, "P-3", "selected", "anna", "",
									    NULL, NULL, err, sizeof(err)), 2);
	/* P-1 85, P-2 85 (later), P-4 90; P-3 excluded; P-5 a duplicate. */
	for (i = 2; i <= 5; i++) {
		char p[8];
		snprintf(p, sizeof(p), "P-%d", i);
		if (i != 3)
			selection_status_set(s, "015146", p, "interview", "anna", "", "2026-03-20T10:00", "Sala", err,
					     sizeof(err));
	}
	CHECK_INT("score-1", selection_score(s, "015146", "P-1", 1, "85", "anna", "", err, sizeof(err)), 0);
	CHECK_INT("score-2", selection_score(s, "015146", "P-2", 1, "85", "anna", "", err, sizeof(err)), 0);
	CHECK_INT("final-refused-before-deadline", selection_ranking_final(s, "015146", "P1", "anna", err, sizeof(err)), 2);
	CHECK_STR("final-refused-before-deadline-says-why", err, "La graduatoria può diventare definitiva soltanto dopo "
		  "la scadenza del progetto (30/06/2026): fino ad allora possono arrivare altre domande.");
	store_exec(s, "UPDATE placement SET deadline = '2026-03-01' WHERE code = 'P1'", NULL);
	CHECK_INT("final-refused-pending", selection_ranking_final(s, "015146", "P1", "anna", err, sizeof(err)), 2);
	CHECK_STR("final-refused-says-why", err, "La graduatoria non può diventare definitiva: 1 domanda attende "
		  "ancora un esito.");
	CHECK_INT("select-before-final-refused", selection_status_set(s, NULL, "P-1", "selected", "anna", "", NULL,
								      NULL, err, sizeof(err)), 2);
	CHECK_INT("score-4", selection_score(s, "015146", "P-4", 1, "90", "anna", "", err, sizeof(err)), 0);
	CHECK_INT("ranking", selection_ranking(s, "015146", "P1", &r), 0);
	buf[0] = 0;
	for (i = 0; r && i < store_res_rows(r); i++) {
		strcat(buf, store_res_get(r, i, 0));
		strcat(buf, ":");
		strcat(buf, store_res_get(r, i, 1));
		strcat(buf, " ");
	}
	CHECK_STR("ranking-order", buf, "1:P-4 1:P-1 1:P-2 0:P-3 ");
	store_res_free(r);
	CHECK_INT("ranking-other-comune", selection_ranking(s, "015209", "P1", &r), 1);
	CHECK_INT("final-other-comune", selection_ranking_final(s, "015209", "P1", "bruno", err, sizeof(err)), 1);
	CHECK_STR("excluded-3-not-selected", one(s, "SELECT status FROM application WHERE protocol = ?1", "P-3"),
		  "not_selected");
	CHECK_INT("final", selection_ranking_final(s, "015146", "P1", "anna", err, sizeof(err)), 0);
	CHECK_STR("final-positions", one(s, "SELECT group_concat(p, ' ') FROM (SELECT a.protocol || '=' ||"
					 " x.position AS p FROM selection x JOIN application a ON a.uuid = x.uuid"
					 " WHERE x.position IS NOT NULL ORDER BY x.position)", NULL), "P-4=1 P-1=2 P-2=3");
	CHECK_INT("select-out-of-order", selection_status_set(s, NULL, "P-1", "selected", "anna", "", NULL, NULL, err,
							      sizeof(err)), 2);
	CHECK_INT("select-4", selection_status_set(s, NULL, "P-4", "selected", "anna", "", NULL, NULL, err,
						   sizeof(err)), 0);
	CHECK_INT("start-4", selection_status_set(s, NULL, "P-4", "started", "anna", "", NULL, NULL, err,
						  sizeof(err)), 0);
	CHECK_INT("select-1", selection_status_set(s, NULL, "P-1", "selected", "anna", "", NULL, NULL, err,
						   sizeof(err)), 0);
	CHECK_INT("withdraw-1", selection_status_set(s, NULL, "P-1", "withdrawn", "anna", "rinuncia", NULL, NULL,
						     err, sizeof(err)), 0);
	CHECK_INT("withdrawn-is-final", selection_status_set(s, NULL, "P-1", "selected", "anna", "", NULL, NULL, err,
							     sizeof(err)), 2);
	CHECK_STR("withdrawn-is-final-says-so", err, "Si seleziona soltanto chi è idoneo/a in graduatoria (la domanda "
		  "è «Rinuncia»).");
	{
		char uuid[40], proto[40];
		CHECK_INT("next-suitable", selection_next_suitable(s, "015146", "P1", uuid, sizeof(uuid), proto,
								   sizeof(proto)), 0);
		CHECK_STR("next-suitable-is-p2", proto, "P-2");
		CHECK_INT("next-suitable-other-comune", selection_next_suitable(s, "015209", "P1", uuid, sizeof(uuid),
										proto, sizeof(proto)), 1);
	}
	CHECK_INT("final-once", selection_ranking_final(s, "015146", "P1", "anna", err, sizeof(err)), 2);
	CHECK_INT("score-frozen", selection_score(s, "015146", "P-2", 1, "99", "anna", "", err, sizeof(err)), 2);
	CHECK_STR("audit-from-to", one(s, "SELECT group_concat(from_status || '>' || to_status, ' ') FROM"
				       " (SELECT from_status, to_status FROM selection_audit WHERE uuid = ?1 AND"
				       " action = 'status' ORDER BY id)", "u-4"),
		  "received>interview interview>selected selected>started");
	/* Convocation, outcome, ranking, selection, start (requirements met is
	 * an inner step: the convocation is the news). */
	CHECK_STR("mail-queued", one(s, "SELECT count(*) FROM mail_outbox WHERE uuid = ?1", "u-4"), "5");

	/* Words for the citizen. */
	selection_status_text("interview", "2026-03-20T10:00", "Sala Giunta", buf, sizeof(buf));
	CHECK_STR("text-interview", buf, "È convocato/a al colloquio il 20/03/2026 alle 10:00, presso: Sala Giunta. "
		  "Se non può presentarsi, avvisi l'ufficio prima del colloquio.");
	{
		static const char *const st[] = { "received", "selected", "not_selected", "withdrawn", "started",
						   "completed", "dropped_out" };
		for (i = 0; i < 7; i++) {
			selection_status_text(st[i], "", "", buf, sizeof(buf));
			CHECK(st[i], strlen(buf) > 20 && !strstr(buf, st[i]) && !strstr(buf, "Stato della domanda"));
		}
	}

	/* Retention: 30 days after the final ranking. */
	CHECK_INT("retention-days-default", selection_retention_days(s), 180);
	CHECK_INT("retention-set", selection_retention_set_days(s, 30), 0);
	CHECK_INT("retention-too-early", selection_retention_run(s, -1, "dpo", devnull), 0);
	CHECK_STR("retention-nothing-yet", one(s, "SELECT count(*) FROM application WHERE cf IS NULL", NULL), "0");
	setenv("DOTE_NOW", "1775120400", 1);	/* +31 days */
	CHECK_INT("retention-needs-who", selection_retention_run(s, -1, "", devnull), -1);
	{
		char stats[2048];
		snprintf(stats, sizeof(stats), "%s", one(s, "SELECT group_concat(uuid || sex || age || residence ||"
						       " applicant_status || education || status || submitted_at, ',')"
						       " FROM (SELECT * FROM application ORDER BY uuid)", NULL));
		CHECK_INT("retention-run", selection_retention_run(s, -1, "dpo", devnull), 0);
		CHECK_STR("retention-stats-columns-kept", one(s, "SELECT group_concat(uuid || sex || age || residence ||"
							       " applicant_status || education || status ||"
							       " submitted_at, ',') FROM (SELECT * FROM application"
							       " ORDER BY uuid)", NULL), stats);
	}
	/* P-1 withdrawn, P-2 and P-5 never finished, P-3 not selected: erased;
	 * P-4 started: kept; P-9 (another placement, not final): kept. */
	CHECK_STR("retention-erased", one(s, "SELECT group_concat(protocol, ' ') FROM (SELECT protocol FROM application"
					  " WHERE cf IS NULL AND given_name IS NULL AND email IS NULL AND phone IS NULL"
					  " AND birth_date IS NULL ORDER BY protocol)", NULL), "P-1 P-2 P-3 P-5");
	CHECK_STR("retention-kept", one(s, "SELECT group_concat(protocol, ' ') FROM (SELECT protocol FROM application"
					" WHERE cf IS NOT NULL ORDER BY protocol)", NULL), "P-4 P-9");
	CHECK_STR("retention-notes", one(s, "SELECT count(*) FROM selection_audit WHERE note <> '' AND uuid <> 'u-4'"
					 " AND action <> 'score'", NULL), "0");
	CHECK_STR("retention-mail-gone", one(s, "SELECT count(*) FROM mail_outbox WHERE uuid IN ('u-1', 'u-2')", NULL), "0");
	CHECK_STR("retention-log", one(s, "SELECT by || ' ' || days || ' ' || applications || ' ' || placements FROM"
				       " retention_log WHERE applications > 0", NULL), "dpo 30 4 1");
	CHECK_INT("retention-again-nothing", selection_retention_run(s, -1, "dpo", devnull), 0);
	CHECK_STR("retention-log-again", one(s, "SELECT applications FROM retention_log ORDER BY id DESC LIMIT 1", NULL), "0");
	/* The call's criteria: the score is the weighted sum of one mark per
	 * criterion, stored with the marks and audited; a bad mark is 3,
	 * naming the criterion, and nothing is stored. */
	store_exec(s, "INSERT INTO call(id, code, title, region, opens, deadline, rules) VALUES"
		      " (2, 'C2', 'Avviso', 'Lombardia', '2026-01-01', '2026-12-31', '{\"criteria\":[{\"name\":"
		      "\"colloquio\",\"weight\":60},{\"name\":\"titoli\",\"weight\":40}]}')", NULL);
	store_exec(s, "INSERT INTO placement(id, code, call_id, comune, area, office, title, address, months,"
		      " hours_week, allowance_eur, qrsp, seats, deadline) VALUES (3, 'P3', 2, '015146', 'library',"
		      " 'Biblioteca', 'Prestito', 'Via 3', 6, 20, 400, 'Q', 1, '2026-06-30')", NULL);
	fixture_application(s, 10, "015146", "P3", 0);
	selection_requirements(s, "015146", "P-10", 1, "anna", "", err, sizeof(err));
	CHECK_INT("criteria-convoked", selection_status_set(s, "015146", "P-10", "interview", "anna", "",
							    "2026-05-20T10:00", "Sala", err, sizeof(err)), 0);
	{
		const char *one_mark[] = { "90" }, *too_high[] = { "90", "101" }, *nan[] = { "9x", "78" };
		const char *good[] = { "90", "78" };
		struct selection_input in = { .note = "", .marks = one_mark, .nmarks = 1 };
		char audits[16];

		snprintf(audits, sizeof(audits), "%s", one(s, "SELECT count(*) FROM selection_audit", NULL));
		CHECK_INT("criteria-mark-missing", selection_act(s, "015146", "P-10", "assessed", "anna", &in, err,
								 sizeof(err)), 3);
		CHECK("criteria-mark-missing-named", strstr(err, "«titoli» (campo voto2) manca") != NULL);
		in.marks = too_high, in.nmarks = 2;
		CHECK_INT("criteria-mark-too-high", selection_act(s, "015146", "P-10", "assessed", "anna", &in, err,
								  sizeof(err)), 3);
		in.marks = nan;
		CHECK_INT("criteria-mark-not-a-number", selection_act(s, "015146", "P-10", "assessed", "anna", &in,
								      err, sizeof(err)), 3);
		CHECK("criteria-mark-not-a-number-named", strstr(err, "«colloquio» (campo voto1) non è valido") != NULL);
		in.marks = NULL, in.nmarks = 0, in.score = "99";
		CHECK_INT("criteria-score-alone-refused", selection_act(s, "015146", "P-10", "assessed", "anna", &in,
									err, sizeof(err)), 3);
		CHECK_STR("criteria-nothing-stored", one(s, "SELECT count(*) || '|' || coalesce(CAST((SELECT score FROM"
							 " selection WHERE uuid = 'u-10') AS TEXT), 'none') FROM"
							 " selection_audit", NULL), strcat(audits, "|none"));
		in.marks = good, in.nmarks = 2, in.score = NULL;
		CHECK_INT("criteria-assessed", selection_act(s, "015146", "P-10", "assessed", "anna", &in, err,
							     sizeof(err)), 0);
		/* (90 x 60 + 78 x 40) / 100 = 85.2: 85. */
		CHECK_STR("criteria-score", one(s, "SELECT score || '|' || marks FROM selection WHERE uuid = 'u-10'",
						NULL), "85|colloquio 90/100 (peso 60%), titoli 78/100 (peso 40%)");
		CHECK_STR("criteria-audited", one(s, "SELECT by || '|' || note FROM selection_audit WHERE uuid = 'u-10'"
						  " AND action = 'score'", NULL),
			  "anna|idoneo, punteggio 85 = colloquio 90/100 (peso 60%), titoli 78/100 (peso 40%)");
	}
	store_close(s);
	fclose(devnull);
	unlink(path);
	return check_done();
}

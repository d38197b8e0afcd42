/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The rules of a selection (core/selection_rules.h), as an appeal would
 * read them: the order of the steps and what each needs, the final
 * ranking (after the deadline, every outcome in), selection in ranking
 * order within the seats, "idoneo non selezionato", renunciation and
 * moving down the ranking, undo only with a reason, the tie-break as the
 * call chooses, Italian local time with the summer change, and the
 * sentence the citizen reads in every stage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/selection_rules.h"
#include "tests/unit/check.h"

/* 2026-03-02T16:28:00Z: 17:28 in Italy (CET). */
#define MAR_2_1728 ((time_t)1772468880)
/* 2026-07-01T15:28:00Z: 17:28 in Italy (CEST). */
#define JUL_1_1728 ((time_t)1782919680)

static int allowed(enum selection_stage from, enum selection_action a, const struct selection_context *c,
		   enum selection_stage *to, char *why)
{
	return selection_step(from, a, c, to, why, 400);
}

static void test_order(void)
{
	struct selection_context c = { .seats = 1 };
	enum selection_stage to = SELECTION_STAGES;
	char why[400];

	CHECK("received-cannot-be-selected", !allowed(SELECTION_RECEIVED, SELECTION_SELECT, &c, &to, why));
	CHECK("received-cannot-be-selected-says-why", strstr(why, "graduatoria definitiva") != NULL);
	CHECK("convoke-needs-requirements", !allowed(SELECTION_RECEIVED, SELECTION_CONVOKE, &c, &to, why) &&
	      strstr(why, "verifica i requisiti"));
	CHECK("requirements-met", allowed(SELECTION_RECEIVED, SELECTION_REQUIREMENTS_MET, &c, &to, why) &&
	      to == SELECTION_ELIGIBLE);
	CHECK("requirements-not-met-needs-reason",
	      !allowed(SELECTION_RECEIVED, SELECTION_REQUIREMENTS_NOT_MET, &c, &to, why) && strstr(why, "motivo"));
	c.reason = "  ";
	CHECK("requirements-blank-reason-refused",
	      !allowed(SELECTION_RECEIVED, SELECTION_REQUIREMENTS_NOT_MET, &c, &to, why));
	c.reason = "non residente in Lombardia";
	CHECK("requirements-not-met", allowed(SELECTION_RECEIVED, SELECTION_REQUIREMENTS_NOT_MET, &c, &to, why) &&
	      to == SELECTION_EXCLUDED);
	CHECK("excluded-cannot-be-convoked", !allowed(SELECTION_EXCLUDED, SELECTION_CONVOKE, &c, &to, why));
	CHECK("requirements-once", !allowed(SELECTION_ELIGIBLE, SELECTION_REQUIREMENTS_MET, &c, &to, why) &&
	      strstr(why, "Annulla"));
	c.reason = NULL;
	CHECK("convoke", allowed(SELECTION_ELIGIBLE, SELECTION_CONVOKE, &c, &to, why) && to == SELECTION_CONVOKED);
	CHECK("convoke-again-moves-it", allowed(SELECTION_CONVOKED, SELECTION_CONVOKE, &c, &to, why) &&
	      to == SELECTION_CONVOKED);
	CHECK("no-outcome-before-convocation", !allowed(SELECTION_ELIGIBLE, SELECTION_MARK_ASSESSED, &c, &to, why));
	CHECK("absent", allowed(SELECTION_CONVOKED, SELECTION_MARK_ABSENT, &c, &to, why) && to == SELECTION_ABSENT);
	CHECK("unsuitable-needs-reason", !allowed(SELECTION_CONVOKED, SELECTION_MARK_UNSUITABLE, &c, &to, why));
	c.reason = "competenze informatiche insufficienti";
	CHECK("unsuitable", allowed(SELECTION_CONVOKED, SELECTION_MARK_UNSUITABLE, &c, &to, why) &&
	      to == SELECTION_UNSUITABLE);
	c.reason = NULL;
	CHECK("assessed", allowed(SELECTION_CONVOKED, SELECTION_MARK_ASSESSED, &c, &to, why) &&
	      to == SELECTION_ASSESSED);
	CHECK("score-corrected-before-final", allowed(SELECTION_ASSESSED, SELECTION_MARK_ASSESSED, &c, &to, why));
	CHECK("assessed-not-selected-before-final", !allowed(SELECTION_ASSESSED, SELECTION_SELECT, &c, &to, why) &&
	      strstr(why, "graduatoria definitiva"));
	CHECK("rank-needs-deadline", !allowed(SELECTION_ASSESSED, SELECTION_RANK, &c, &to, why) &&
	      strstr(why, "scadenza"));
	c.deadline_passed = 1;
	CHECK("rank", allowed(SELECTION_ASSESSED, SELECTION_RANK, &c, &to, why) && to == SELECTION_RANKED);
	c.ranking_final = 1;
	CHECK("no-score-after-final", !allowed(SELECTION_ASSESSED, SELECTION_MARK_ASSESSED, &c, &to, why) &&
	      strstr(why, "definitiva"));
	CHECK("no-convocation-after-final", !allowed(SELECTION_ELIGIBLE, SELECTION_CONVOKE, &c, &to, why));
}

static void test_selection(void)
{
	struct selection_context c = { .deadline_passed = 1, .ranking_final = 1, .seats = 1, .taken = 0,
				       .position = 2, .first_waiting = 1 };
	enum selection_stage to;
	char why[400];

	CHECK("select-in-order-only", !allowed(SELECTION_RANKED, SELECTION_SELECT, &c, &to, why) &&
	      strstr(why, "prima tocca alla posizione 1"));
	c.position = 1;
	CHECK("select-first", allowed(SELECTION_RANKED, SELECTION_SELECT, &c, &to, why) && to == SELECTION_SELECTED);
	c.taken = 1;
	c.position = 2;
	c.first_waiting = 2;
	CHECK("select-within-seats", !allowed(SELECTION_RANKED, SELECTION_SELECT, &c, &to, why) &&
	      strstr(why, "già tutti assegnati"));
	CHECK("not-selected-beyond-seats", allowed(SELECTION_RANKED, SELECTION_NOT_SELECT, &c, &to, why) &&
	      to == SELECTION_NOT_SELECTED);
	c.taken = 0;
	CHECK("not-selected-refused-while-seats-free", !allowed(SELECTION_RANKED, SELECTION_NOT_SELECT, &c, &to, why) &&
	      strstr(why, "posti liberi"));
	CHECK("withdraw-selected-is-renunciation", !allowed(SELECTION_SELECTED, SELECTION_WITHDRAW, &c, &to, why) &&
	      strstr(why, "Rinuncia"));
	CHECK("renounce-needs-reason", !allowed(SELECTION_SELECTED, SELECTION_RENOUNCE, &c, &to, why));
	c.reason = "ha trovato lavoro";
	CHECK("renounce", allowed(SELECTION_SELECTED, SELECTION_RENOUNCE, &c, &to, why) && to == SELECTION_RENOUNCED);
	/* The seat is free again: the next waiting, "idoneo non selezionato", moves up. */
	c.taken = 0;
	c.position = 2;
	c.first_waiting = 2;
	CHECK("scorrimento-next-moves-up", allowed(SELECTION_NOT_SELECTED, SELECTION_SELECT, &c, &to, why) &&
	      to == SELECTION_SELECTED);
	c.position = 3;
	CHECK("scorrimento-in-order", !allowed(SELECTION_NOT_SELECTED, SELECTION_SELECT, &c, &to, why));
	{
		enum selection_stage list[] = { SELECTION_RENOUNCED, SELECTION_SELECTED, SELECTION_WITHDRAWN,
						SELECTION_NOT_SELECTED, SELECTION_RANKED };
		enum selection_stage done[] = { SELECTION_SELECTED, SELECTION_RENOUNCED };

		CHECK_INT("next-index", selection_next_index(list, 5), 3);
		CHECK_INT("next-index-none", selection_next_index(done, 2), -1);
	}
	CHECK("start-only-selected", !allowed(SELECTION_RANKED, SELECTION_START, &c, &to, why));
	CHECK("start", allowed(SELECTION_SELECTED, SELECTION_START, &c, &to, why) && to == SELECTION_STARTED);
	CHECK("complete", allowed(SELECTION_STARTED, SELECTION_COMPLETE, &c, &to, why) && to == SELECTION_COMPLETED);
}

static void test_undo(void)
{
	struct selection_context c = { .seats = 1, .previous = SELECTION_ELIGIBLE };
	enum selection_stage to;
	char why[400];

	CHECK("undo-needs-reason", !allowed(SELECTION_SELECTED, SELECTION_UNDO, &c, &to, why) && strstr(why, "motivo"));
	c.reason = "selezione registrata per errore";
	c.previous = SELECTION_RANKED;
	c.ranking_final = 1;
	CHECK("undo-selection", allowed(SELECTION_SELECTED, SELECTION_UNDO, &c, &to, why) && to == SELECTION_RANKED);
	c.previous = SELECTION_CONVOKED;
	CHECK("undo-outcome-after-final-refused", !allowed(SELECTION_ABSENT, SELECTION_UNDO, &c, &to, why) &&
	      strstr(why, "definitiva"));
	c.ranking_final = 0;
	CHECK("undo-absence", allowed(SELECTION_ABSENT, SELECTION_UNDO, &c, &to, why) && to == SELECTION_CONVOKED);
	c.previous = SELECTION_RECEIVED;
	CHECK("undo-exclusion", allowed(SELECTION_EXCLUDED, SELECTION_UNDO, &c, &to, why) && to == SELECTION_RECEIVED);
	c.ranking_final = 1;
	c.previous = SELECTION_SELECTED;
	c.taken = 1;
	CHECK("undo-renunciation-seat-given", !allowed(SELECTION_RENOUNCED, SELECTION_UNDO, &c, &to, why) &&
	      strstr(why, "successivo"));
	c.taken = 0;
	CHECK("undo-renunciation", allowed(SELECTION_RENOUNCED, SELECTION_UNDO, &c, &to, why) &&
	      to == SELECTION_SELECTED);
	CHECK("undo-started-refused", !allowed(SELECTION_STARTED, SELECTION_UNDO, &c, &to, why));
}

static void test_statuses(void)
{
	CHECK_STR("status-excluded", selection_stage_status(SELECTION_EXCLUDED), "not_selected");
	CHECK_STR("status-absent", selection_stage_status(SELECTION_ABSENT), "not_selected");
	CHECK_STR("status-ranked", selection_stage_status(SELECTION_RANKED), "interview");
	CHECK_STR("status-renounced", selection_stage_status(SELECTION_RENOUNCED), "withdrawn");
	CHECK_INT("stage-roundtrip", selection_stage_of(selection_stage_key(SELECTION_NOT_SELECTED)),
		  SELECTION_NOT_SELECTED);
	CHECK_INT("stage-unknown", selection_stage_of("selezionato"), -1);
	CHECK_INT("action-roundtrip", selection_action_of("renounce"), SELECTION_RENOUNCE);
	for (int i = 0; i < SELECTION_STAGES; i++) {
		char name[64];
		snprintf(name, sizeof(name), "stage-%d-labelled", i);
		CHECK(name, *selection_stage_label(i) && *selection_stage_key(i));
	}
}

static void test_time(void)
{
	char buf[64], why[400];

	selection_local_it((time_t)1772442000, buf, sizeof(buf));	/* 09:00Z */
	CHECK_STR("local-winter", buf, "02/03/2026 alle 10:00");
	selection_local_it((time_t)1782896400, buf, sizeof(buf));	/* 2026-07-01T09:00Z */
	CHECK_STR("local-summer", buf, "01/07/2026 alle 11:00");
	selection_local_it((time_t)1774745940, buf, sizeof(buf));	/* 2026-03-29T00:59Z */
	CHECK_STR("local-before-spring-change", buf, "29/03/2026 alle 01:59");
	selection_local_it((time_t)1774746000, buf, sizeof(buf));	/* 01:00Z */
	CHECK_STR("local-after-spring-change", buf, "29/03/2026 alle 03:00");
	selection_local_it((time_t)1792889940, buf, sizeof(buf));	/* 2026-10-25T00:59Z */
	CHECK_STR("local-before-autumn-change", buf, "25/10/2026 alle 02:59");
	selection_local_it((time_t)1792890000, buf, sizeof(buf));	/* 01:00Z */
	CHECK_STR("local-after-autumn-change", buf, "25/10/2026 alle 02:00");
	CHECK_INT("local-time-winter", selection_local_time("2026-03-02T10:00"), 1772442000);
	CHECK_INT("local-time-summer", selection_local_time("2026-07-01T11:00"), 1782896400);
	CHECK_INT("local-time-bad", selection_local_time("2026-02-30T10:00"), -1);
	CHECK_INT("local-time-bad-hour", selection_local_time("2026-03-02T24:00"), -1);

	/* The defect: 08:00 today, sent at 17:28, was accepted. */
	CHECK("convocation-earlier-today-refused",
	      !selection_convocation_check("2026-03-02T08:00", "Municipio", "", MAR_2_1728, why, sizeof(why)));
	CHECK("convocation-earlier-today-says-why", strstr(why, "già passate") && strstr(why, "17:28"));
	CHECK("convocation-later-today", selection_convocation_check("2026-03-02T17:45", "Municipio", "", MAR_2_1728,
								    why, sizeof(why)));
	/* In summer, UTC would be two hours off: 17:00 is past in Italy at 17:28. */
	CHECK("convocation-summer-past", !selection_convocation_check("2026-07-01T17:00", "Municipio", NULL,
								     JUL_1_1728, why, sizeof(why)));
	CHECK("convocation-summer-future", selection_convocation_check("2026-07-01T17:45", "Municipio", NULL,
								      JUL_1_1728, why, sizeof(why)));
	CHECK("convocation-needs-place", !selection_convocation_check("2026-03-20T10:00", "", NULL, MAR_2_1728, why,
								     sizeof(why)) && strstr(why, "luogo"));
	CHECK("convocation-bad-date", !selection_convocation_check("20/03/2026 10:00", "Sala", NULL, MAR_2_1728, why,
								  sizeof(why)) && strstr(why, "AAAA-MM-GG"));
}

static void test_final(void)
{
	char why[400];

	CHECK("final-before-deadline-refused", !selection_final_check("2026-06-30", 0, MAR_2_1728, why, sizeof(why)) &&
	      strstr(why, "dopo la scadenza") && strstr(why, "30/06/2026"));
	CHECK("final-on-deadline-day-refused", !selection_final_check("2026-03-02", 0, MAR_2_1728, why, sizeof(why)));
	CHECK("final-pending-refused", !selection_final_check("2026-03-01", 1, MAR_2_1728, why, sizeof(why)) &&
	      strstr(why, "1 domanda attende"));
	CHECK("final-ok", selection_final_check("2026-03-01", 0, MAR_2_1728, why, sizeof(why)));
	CHECK("open-until-deadline-day", selection_open_for_applications("2026-03-02", 0, MAR_2_1728));
	CHECK("closed-after-deadline", !selection_open_for_applications("2026-03-01", 0, MAR_2_1728));
	CHECK("closed-after-final", !selection_open_for_applications("2026-06-30", 1, MAR_2_1728));
	/* 23:30 in Italy on 1 March is still 1 March, though UTC says 22:30. */
	CHECK("open-late-evening-local", selection_open_for_applications("2026-03-01", 0, (time_t)1772404200));
}

static void test_ranking(void)
{
	struct selection_call c;
	char err[200];
	int marks[2] = { 80, 65 }, score = -1;
	struct selection_entry e[3];

	CHECK("call-default", !selection_call_parse("{\"min_age\":18}", &c, err, sizeof(err)) &&
	      c.tie_break == SELECTION_TIE_YOUNGER && c.ncriteria == 0);
	CHECK("call-earlier", !selection_call_parse("{\"tie_break\":\"earlier\"}", &c, err, sizeof(err)) &&
	      c.tie_break == SELECTION_TIE_EARLIER);
	CHECK("call-bad-tie-break", selection_call_parse("{\"tie_break\":\"older\"}", &c, err, sizeof(err)) &&
	      strstr(err, "younger"));
	CHECK("call-weights-must-add-up",
	      selection_call_parse("{\"criteria\":[{\"name\":\"colloquio\",\"weight\":60},{\"name\":\"titoli\","
				   "\"weight\":30}]}", &c, err, sizeof(err)) && strstr(err, "90"));
	CHECK("call-criteria",
	      !selection_call_parse("{\"criteria\":[{\"name\":\"colloquio\",\"weight\":60},{\"name\":\"titoli\","
				    "\"weight\":40}]}", &c, err, sizeof(err)) && c.ncriteria == 2 &&
	      !strcmp(c.criteria[1].name, "titoli"));
	CHECK("weighted-score", !selection_weighted_score(&c, marks, 2, &score, err, sizeof(err)) && score == 74);
	marks[1] = 101;
	CHECK("weighted-score-bounds", selection_weighted_score(&c, marks, 2, &score, err, sizeof(err)) == -1 &&
	      strstr(err, "titoli"));
	CHECK("weighted-score-all-criteria", selection_weighted_score(&c, marks, 1, &score, err, sizeof(err)) == -1);

	/* Two at 70: the older applied first. */
	memset(e, 0, sizeof(e));
	e[0] = (struct selection_entry){ "P-OLD", "1990-01-01", "2026-03-02T09:00:00Z", 70, 0, NULL };
	e[1] = (struct selection_entry){ "P-TOP", "1995-01-01", "2026-03-02T11:00:00Z", 85, 0, NULL };
	e[2] = (struct selection_entry){ "P-YOUNG", "2001-05-05", "2026-03-02T10:00:00Z", 70, 0, NULL };
	selection_rank_sort(e, 3, SELECTION_TIE_YOUNGER);
	CHECK("rank-younger-first", !strcmp(e[0].protocol, "P-TOP") && !strcmp(e[1].protocol, "P-YOUNG") &&
	      !strcmp(e[2].protocol, "P-OLD"));
	CHECK("rank-tie-marked", !e[0].tie && e[1].tie && !e[2].tie);
	selection_rank_sort(e, 3, SELECTION_TIE_EARLIER);
	CHECK("rank-earlier-first", !strcmp(e[1].protocol, "P-OLD") && !strcmp(e[2].protocol, "P-YOUNG"));
	CHECK_STR("tie-break-text", selection_tie_break_text(SELECTION_TIE_YOUNGER),
		  "A parità di punteggio precede il candidato più giovane.");
}

static void test_citizen(void)
{
	struct selection_office off = { "Ufficio Personale", "02 8845 1234", "personale@comune.milano.it",
					"Via Larga 12, Milano" };
	struct selection_notice n = { .score = -1, .office = &off };
	char buf[1200];

	selection_citizen_text(SELECTION_RECEIVED, &n, buf, sizeof(buf));
	CHECK("citizen-received-next-step", strstr(buf, "verificherà i requisiti") != NULL);
	CHECK("citizen-received-contact", strstr(buf, "Per informazioni: Ufficio Personale, Via Larga 12, Milano, "
				     "tel. 02 8845 1234, e-mail personale@comune.milano.it.") != NULL);
	n.reason = "manca la residenza in Lombardia";
	selection_citizen_text(SELECTION_EXCLUDED, &n, buf, sizeof(buf));
	CHECK("citizen-excluded-reason", strstr(buf, "non è stata ammessa") &&
	      strstr(buf, "Motivo: manca la residenza in Lombardia.") && strstr(buf, "riesame"));
	CHECK("citizen-excluded-not-waiting", !strstr(buf, "in attesa della valutazione"));
	n.reason = NULL;
	n.interview_at = "2026-03-20T10:00";
	n.interview_place = "Municipio, sala Giunta";
	n.interview_note = "portare un documento d'identità";
	selection_citizen_text(SELECTION_CONVOKED, &n, buf, sizeof(buf));
	CHECK("citizen-convoked", strstr(buf, "il 20/03/2026 alle 10:00, presso: Municipio, sala Giunta.") &&
	      strstr(buf, "Indicazioni dell'ufficio: portare un documento d'identità."));
	n.position = 3;
	n.seats = 2;
	selection_citizen_text(SELECTION_NOT_SELECTED, &n, buf, sizeof(buf));
	CHECK("citizen-suitable-not-selected", strstr(buf, "idoneo/a ma non selezionato/a") &&
	      strstr(buf, "posizione 3") && strstr(buf, "scorre la graduatoria"));
	CHECK("citizen-not-just-thanks", !strstr(buf, "Grazie per aver partecipato"));
	n.reason = "competenze informatiche insufficienti";
	selection_citizen_text(SELECTION_UNSUITABLE, &n, buf, sizeof(buf));
	CHECK("citizen-unsuitable-reason", strstr(buf, "Motivo: competenze informatiche insufficienti.") &&
	      strstr(buf, "riesame"));
	n.placement_withdrawn = 1;
	n.reason = "sede chiusa";
	selection_citizen_text(SELECTION_SELECTED, &n, buf, sizeof(buf));
	CHECK("citizen-selected-placement-withdrawn", strstr(buf, "è stato ritirato") && !strstr(buf, "la contatterà"));
	selection_citizen_text(SELECTION_ABSENT, NULL, buf, sizeof(buf));
	CHECK("citizen-absent-no-office", strstr(buf, "Non si è presentato/a") && !strstr(buf, "Per informazioni"));
	for (int i = 0; i < SELECTION_STAGES; i++) {
		char name[64];
		n = (struct selection_notice){ .score = 80, .position = 1, .seats = 1, .office = &off };
		selection_citizen_text(i, &n, buf, sizeof(buf));
		snprintf(name, sizeof(name), "citizen-%s-sentence", selection_stage_key(i));
		CHECK(name, strlen(buf) > 30 && buf[strlen(buf) - 1] == '.' && strstr(buf, "Per informazioni"));
	}
	selection_citizen_text(SELECTION_CONVOKED, &n, buf, 40);
	CHECK("citizen-text-bounded", strlen(buf) < 40);
}

int main(void)
{
	test_order();
	test_selection();
	test_undo();
	test_statuses();
	test_time();
	test_final();
	test_ranking();
	test_citizen();
	return check_done();
}

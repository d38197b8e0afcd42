/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The final ranking as a PDF (see ranking_pdf.h): the placement's card,
 * the ranking in its fixed order (protocol, score, outcome), the rule
 * that broke ties, the marks by the call's criteria (the office's copy
 * only) and the versions since it was made final. The data
 * comes from reports/store/selection.h (selection_ranking,
 * selection_ranking_changes) and the office's placement card; nothing
 * personal is read. Start reading at ranking_pdf().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/comuni.h"
#include "core/model.h"
#include "core/selection_rules.h"
#include "core/util.h"
#include "reports/store/office_queries.h"
#include "reports/store/selection.h"
#include "reports/store/store.h"
#include "reports/web/html.h"
#include "reports/web/pdf.h"
#include "reports/web/ranking_pdf.h"

const char *ranking_verdict(int ranked, const char *outcome, const char *requirements, const char *status,
			    const char *stage)
{
	/* Absent, not "Non idoneo/a"; a renunciation, not "Ritirata": as the citizen is told. */
	if (stage && (!strcmp(stage, "absent") || !strcmp(stage, "renounced")))
		return selection_stage_label(selection_stage_of(stage));
	if (!strcmp(status, "withdrawn"))
		return "Ritirata";
	if (!strcmp(requirements, "ko"))
		return "Esclusa: requisiti non posseduti";
	if (!strcmp(outcome, "non_idoneo"))
		return "Non idoneo/a";
	if (ranked && (!strcmp(status, "selected") || !strcmp(status, "started") || !strcmp(status, "completed") ||
		       !strcmp(status, "dropped_out")))
		return "Selezionato/a";
	if (ranked)
		return !strcmp(status, "not_selected") ? "Idoneo/a non selezionato/a" : "Idoneo/a";
	if (!strcmp(status, "not_selected"))
		return "Non selezionato/a";
	return "In valutazione";
}

void ranking_public_path(const char *code, char *buf, size_t size)
{
	snprintf(buf, size, "/graduatoria/%s.pdf", code);
}

/* "20/03/2026 alle 10:00" (Italian local time) from a stored UTC time. */
static void when_it(const char *iso, char *buf, size_t size)
{
	struct tm tm;
	char at[20];

	memset(&tm, 0, sizeof(tm));
	str_copy(at, sizeof(at), iso ? iso : "");
	if (strptime(at, "%Y-%m-%dT%H:%M:%S", &tm))
		selection_local_it(timegm(&tm), buf, size);
	else
		str_copy(buf, size, iso ? iso : "");
}

/* "20/03/2026 10:00" (Italian local time, for a table's cell). */
static void when_short(const char *iso, char *buf, size_t size)
{
	struct tm tm;
	char at[20];

	memset(&tm, 0, sizeof(tm));
	str_copy(at, sizeof(at), iso ? iso : "");
	if (!strptime(at, "%Y-%m-%dT%H:%M:%S", &tm)) {
		str_copy(buf, size, iso ? iso : "");
		return;
	}
	selection_local_tm(timegm(&tm), &tm);
	strftime(buf, size, "%d/%m/%Y %H:%M", &tm);
}

/* What a change made of an application, in the ranking's words. */
static const char *change_it(const char *to)
{
	const struct vocab *v = vocab_find(application_statuses, application_statuses_n, to);

	if (!strcmp(to, "selected"))
		return "selezionato/a";
	if (!strcmp(to, "not_selected"))
		return "idoneo/a non selezionato/a";
	if (!strcmp(to, "withdrawn"))
		return "rinuncia o ritiro";
	return v ? v->it : to;
}

/* The ranking's table: position (fixed when final), protocol, score, outcome. */
static void ranking_table(struct pdf_doc *d, const struct store_res *rank)
{
	/* Wide enough that a protocol number never wraps (the office
	 * register's, DC-015146-U015146-2026-000001, is the longest). */
	static const int widths[] = { 10, 55, 11, 24 };
	static const char *const head[] = { "Pos.", "Protocollo", "Punti", "Esito" };
	char pos[16];
	int i, n = 0;

	pdf_row(d, head, widths, 4, 1);
	for (i = 0; i < store_res_rows(rank); i++) {
		int ranked = !strcmp(store_res_get(rank, i, 0), "1");
		const char *cells[4];

		if (ranked)
			snprintf(pos, sizeof(pos), "%d", ++n);
		cells[0] = ranked ? pos : "–";
		cells[1] = store_res_get(rank, i, 1);
		cells[2] = store_res_get(rank, i, 2);
		cells[3] = ranking_verdict(ranked, store_res_get(rank, i, 3), store_res_get(rank, i, 4),
					   store_res_get(rank, i, 5), store_res_get(rank, i, 6));
		pdf_row(d, cells, widths, 4, 0);
	}
	if (!store_res_rows(rank))
		pdf_para(d, "Nessuna domanda.");
}

/* The office's copy: the marks by the call's criteria each score was
 * computed from, one line per application that has them (none: nothing). */
static void ranking_marks(struct pdf_doc *d, const struct store_res *rank)
{
	char buf[700];
	int i, any = 0;

	for (i = 0; i < store_res_rows(rank); i++) {
		const char *marks = store_res_get(rank, i, 8);

		if (!marks || !*marks)
			continue;
		if (!any)
			pdf_heading(d, "Voti per criterio");
		any = 1;
		snprintf(buf, sizeof(buf), "%s: %s.", store_res_get(rank, i, 1), marks);
		pdf_para(d, buf);
	}
	if (any)
		pdf_note(d, "Punteggio = somma di voto × peso, diviso 100, arrotondato all'intero.");
}

/* The versions: 1 as made final, then one per change, each a line
 * that starts with the protocol number (so that it never wraps). */
static void ranking_versions(struct pdf_doc *d, const char *final_at, const struct store_res *chg, int internal)
{
	char buf[900], w[40];
	int i;

	pdf_heading(d, "Versioni");
	when_short(final_at, w, sizeof(w));
	snprintf(buf, sizeof(buf), "Versione 1 del %s: graduatoria resa definitiva.", w);
	pdf_para(d, buf);
	for (i = 0; i < store_res_rows(chg); i++) {
		const char *note = store_res_get(chg, i, 4);
		size_t len;

		when_short(store_res_get(chg, i, 0), w, sizeof(w));
		snprintf(buf, sizeof(buf), "%s: versione %d del %s, %s.", store_res_get(chg, i, 1), i + 2, w,
			 change_it(store_res_get(chg, i, 3)));
		len = strlen(buf);
		if (internal && note && *note)
			snprintf(buf + len, sizeof(buf) - len, " Motivo: %s", note);
		pdf_para(d, buf);
	}
	if (!internal)
		pdf_note(d, "I motivi di ogni modifica sono agli atti dell'ufficio del Comune.");
}

int ranking_pdf(struct store *s, const char *scope, const char *code, int internal, char **pdf, size_t *len)
{
	struct store_res *rank = NULL, *chg = NULL;
	struct store_rows pr = { 0 };
	const struct office_placement_card *p;
	const struct comune *c;
	struct pdf_doc *d = NULL;
	char buf[700], w[40], comune[80];
	int n, rc;

	*pdf = NULL;
	*len = 0;
	rc = selection_ranking_changes(s, scope, code, &chg);
	if (rc)
		return rc;
	rc = selection_ranking(s, scope, code, &rank);
	if (rc)
		goto out;
	rc = office_placement_card_read(s, scope ? scope : "", code, &pr);
	if (rc)
		goto out;
	rc = -1;
	p = pr.v;
	c = comune_by_istat(p->comune);
	snprintf(comune, sizeof(comune), "Comune di %s", c ? c->name : p->comune);
	snprintf(buf, sizeof(buf), "Graduatoria definitiva – %s – %s", code, comune);
	if (!(d = pdf_new(buf)))
		goto out;
	pdf_title(d, "Graduatoria definitiva");
	snprintf(buf, sizeof(buf), "%s · avviso %s · DoteComune", comune, p->call_code);
	pdf_note(d, buf);
	pdf_field(d, "Ente ospitante", comune);
	snprintf(buf, sizeof(buf), "%s – %s", p->call_code, p->call_title);
	pdf_field(d, "Avviso", buf);
	snprintf(buf, sizeof(buf), "%s – %s", code, p->title);
	pdf_field(d, "Progetto", buf);
	pdf_field(d, "Posti", p->seats);
	when_it(p->final_at, w, sizeof(w));
	pdf_field(d, "Definitiva dal", w);
	n = store_res_rows(chg);
	if (n)
		when_it(store_res_get(chg, n - 1, 0), w, sizeof(w));
	snprintf(buf, sizeof(buf), "%d, del %s", n + 1, w);
	pdf_field(d, "Versione", buf);
	pdf_heading(d, "Graduatoria");
	ranking_table(d, rank);
	snprintf(buf, sizeof(buf), "Pubblicata con i soli numeri di protocollo, senza nomi. %s",
		 selection_tie_break_text(selection_placement_tie_break(s, code)));
	pdf_note(d, buf);
	if (internal)
		ranking_marks(d, rank);
	ranking_versions(d, p->final_at, chg, internal);
	pdf_note(d, "Chi ha presentato domanda trova il proprio numero di protocollo sulla ricevuta; per un "
		    "riesame si rivolga all'ufficio del Comune.");
	rc = pdf_finish(d, pdf, len);
	d = NULL;
out:
	pdf_free(d);
	store_res_free(rank);
	store_res_free(chg);
	store_rows_release(&pr);
	return rc;
}

void ranking_public_pdf(struct store *s, const char *path, struct http_response *resp)
{
	const char *p = path + strlen("/graduatoria/");
	char code[48], disp[96];
	char *pdf = NULL;
	size_t n = strlen(p), len = 0;
	struct hbuf b;
	int rc = 1;

	if (!strncmp(path, "/graduatoria/", 13) && n > 4 && n - 4 < sizeof(code) && !strcmp(p + n - 4, ".pdf")) {
		memcpy(code, p, n - 4);
		code[n - 4] = '\0';
		rc = ranking_pdf(s, "", code, 0, &pdf, &len);
	}
	if (!rc) {
		resp->status = 200;
		str_copy(resp->content_type, sizeof(resp->content_type), "application/pdf");
		resp->body = pdf;
		resp->body_len = len;
		snprintf(disp, sizeof(disp), "inline; filename=\"graduatoria-%s.pdf\"", code);
		http_response_header(resp, "Content-Disposition", disp);
		return;
	}
	hbuf_init(&b, 1 << 16);
	html_page_start(&b, "Graduatoria - DoteComune", "/dashboard/font/");
	hbuf_add(&b, "<main><h1>Graduatoria</h1><p>");
	hbuf_add(&b, rc < 0 ? "Il servizio non riesce a comporre la graduatoria in questo momento: riprova tra poco."
			    : "Per questo progetto non c'è una graduatoria definitiva pubblicata.");
	hbuf_add(&b, "</p></main>");
	html_page_end(&b);
	html_respond(resp, rc < 0 ? 503 : 404, "text/html; charset=utf-8", &b);
	http_response_header(resp, "Content-Security-Policy", html_csp);
}

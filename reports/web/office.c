/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The host comuni's office pages (see office.h). Start reading at
 * office_handle(): it checks the session (the dashboard's cookie,
 * reports/web/auth.h), then routes to
 *   GET  /ufficio                       placements (own comune; all for coordinators)
 *   GET  /ufficio/progetto?codice=C     applications to one placement (comune staff)
 *   GET  /ufficio/domanda?id=P          one application, its forms and history
 *   POST /ufficio/domanda               an action on it (requirements, interview,
 *                                       outcome and score, status)
 *   GET  /ufficio/graduatoria?codice=C  printable ranking; &formato=csv for CSV
 *   POST /ufficio/graduatoria           mark the ranking final
 *   GET  /ufficio/candidati?codice=C    the applicants with contacts, CSV for
 *                                       Excel marked USO INTERNO (staff only)
 *   GET/POST /ufficio/nuova-domanda     record an application received on
 *                                       paper or by PEC (reports/store/intake.h)
 *   GET  /ufficio/registro              audit log
 *
 * Scope: staff of a comune reach only their comune's placements and
 * applications; every lookup carries their ISTAT code down to the SQL
 * (selection.c's scope), so a crafted id of another comune's
 * application is simply not found (404) and nothing changes.
 * Coordinators read the placements, rankings and the audit log of the
 * whole network but neither see contact details nor change
 * applications here (they have `dote application` and POST /v1/status).
 * Every POST carries the session's CSRF token; every value shown is
 * HTML-escaped; every input is bounded.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/model.h"
#include "core/selection_rules.h"
#include "core/util.h"
#include "reports/store/intake.h"
#include "reports/store/office_queries.h"
#include "reports/store/selection.h"
#include "reports/store/store.h"
#include "reports/web/auth.h"
#include "reports/web/html.h"
#include "reports/web/office.h"
#include "reports/web/office_placement.h"
#include "reports/web/ranking_pdf.h"

enum { PAGE_MAX = 4u << 20, FORM_MAX = 8192, LIST_MAX = 2000 };

/* Extra styles of these pages (the frame's are in html.c). */
static const char office_css[] =
	"<style>.status{display:inline-block;padding:0 8px;border-radius:10px;background:#e6f0fa;"
	"font-size:14px;white-space:nowrap}.ok{color:#00703c;font-weight:600}.ko{color:#b30000;font-weight:600}"
	"form.act{background:#f2f7fc;padding:12px;margin:8px 0 16px;max-width:760px}"
	"form.act div{margin:6px 0}form.act input[type=text]{width:100%}"
	"dl.card{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}"
	"dl.card dt{font-weight:600}dl.card dd{margin:0}nav.office{padding:8px 24px;background:#f2f7fc}"
	"nav.office a{margin-right:16px}form.act h2{margin-top:0}td.nw{white-space:nowrap}</style>";

struct office {
	struct store *s;
	struct auth_session sess;
	const struct http_request *req;
	struct http_response *resp;
	const char *scope;		/* own ISTAT for comune staff, "" for coordinators */
	int staff;			/* role 'comune' */
};

/* ---- responses ---- */

/* Every page here is a staff page: html.c's body handover plus its headers. */
static void respond(struct http_response *resp, int status, const char *type, struct hbuf *b)
{
	html_respond(resp, status, type, b);
	html_staff_headers(resp);
}

static void top(struct office *o, struct hbuf *b, const char *title)
{
	const struct comune *c = o->staff ? comune_by_istat(o->sess.comune) : NULL;

	html_page_start(b, title, "/dashboard/font/");
	hbuf_add(b, office_css);
	hbuf_add(b, "<a class=\"sr\" href=\"#main\">Vai al contenuto</a>"
		    "<header class=\"top\" style=\"display:flex;justify-content:space-between;align-items:center;"
		    "flex-wrap:wrap\"><div><p class=\"brand\">DoteComune</p><p class=\"sub\">Ufficio selezione – ");
	hbuf_esc(b, o->sess.name);
	if (c) {
		hbuf_add(b, " (Comune di ");
		hbuf_esc(b, c->name);
		hbuf_add(b, ")");
	} else {
		hbuf_add(b, " (coordinamento di rete)");
	}
	hbuf_add(b, "</p></div><form method=\"post\" action=\"/logout\" class=\"noprint\">");
	hbuf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", o->sess.csrf);
	hbuf_add(b, "<button type=\"submit\" style=\"background:#fff;color:#0066cc\">Esci</button></form></header>"
		    "<nav class=\"office noprint\" aria-label=\"Sezioni\"><a href=\"/ufficio\">Progetti e domande</a>"
		    "<a href=\"/ufficio/registro\">Registro delle modifiche</a>");
	if (o->staff)
		hbuf_add(b, "<a href=\"/ufficio/nuova-domanda\">Domanda su carta o PEC</a>");
	hbuf_add(b, "<a href=\"/ufficio/contatti\">Recapiti dell'ufficio</a>"
		    "<a href=\"/dashboard\">Statistiche</a></nav><main id=\"main\">");
	/* Every /ufficio page shows exact counts or one row per person
	 * (docs/reports.md, "Issue 20", point 3). */
	hbuf_add(b, "<p class=\"internal\" role=\"note\" data-internal>USO INTERNO – dati esatti, non protetti: "
		    "domande e persone dell'ufficio. Non pubblicarli e non copiarli in documenti che escono "
		    "dall'ufficio: i dati pubblicabili sono quelli del cruscotto statistico e dell'open data.</p>");
}

static void bottom(struct hbuf *b)
{
	hbuf_add(b, "</main>");
	html_page_end(b);
}

/* Starts an HTML page in b (init, head, header, nav) titled by fmt. */
__attribute__((format(printf, 3, 4)))
static void page_start(struct office *o, struct hbuf *b, const char *fmt, ...)
{
	char title[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(title, sizeof(title), fmt, ap);
	va_end(ap);
	hbuf_init(b, PAGE_MAX);
	top(o, b, title);
}

/* Ends the page in b and sends it with status. */
static void page_finish(struct office *o, struct hbuf *b, int status)
{
	bottom(b);
	respond(o->resp, status, "text/html; charset=utf-8", b);
}

static void message_page(struct office *o, int status, const char *title, const char *msg)
{
	struct hbuf b;

	page_start(o, &b, "%s", title);
	hbuf_add(&b, "<h1>");
	hbuf_esc(&b, title);
	hbuf_add(&b, "</h1><p>");
	hbuf_esc(&b, msg);
	hbuf_add(&b, "</p><p><a href=\"/ufficio\">Torna ai progetti</a></p>");
	page_finish(o, &b, status);
}

static void not_found(struct office *o)
{
	message_page(o, 404, "Non trovato", "La domanda o il progetto richiesto non esiste, oppure non è "
		     "di competenza del tuo Comune.");
}

static void storage_error(struct office *o)
{
	message_page(o, 503, "Servizio non disponibile", "Il database non risponde: riprova tra poco.");
}

/* ---- formatting ---- */

static const char *status_it(const char *key)
{
	const struct vocab *v = vocab_find(application_statuses, application_statuses_n, key);
	return v ? v->it : key;
}

/* "03/12/2026 08:00" from an ISO instant (UTC, as stored). */
static void when(const char *iso, char *buf, size_t size)
{
	if (!iso || strlen(iso) < 16 || iso[4] != '-' || iso[10] != 'T') {
		str_copy(buf, size, iso ? iso : "");
		return;
	}
	snprintf(buf, size, "%.2s/%.2s/%.4s %.5s UTC", iso + 8, iso + 5, iso, iso + 11);
}

static void td(struct hbuf *b, const char *v)
{
	hbuf_add(b, "<td>");
	hbuf_esc(b, v ? v : "");
	hbuf_add(b, "</td>");
}

/* A cell that does not wrap (protocol numbers, codes, instants). */
static void td_nw(struct hbuf *b, const char *v)
{
	hbuf_add(b, "<td class=\"nw\">");
	hbuf_esc(b, v ? v : "");
	hbuf_add(b, "</td>");
}

/* A row of a card (<dl class="card">): label, then the values escaped,
 * joined by sep (v2 NULL: v1 alone). */
static void card_item(struct hbuf *b, const char *label, const char *v1, const char *sep, const char *v2)
{
	hbuf_printf(b, "<dt>%s</dt><dd>", label);
	hbuf_esc(b, v1);
	if (v2) {
		hbuf_add(b, sep);
		hbuf_esc(b, v2);
	}
	hbuf_add(b, "</dd>");
}

/* The outcome of the last action: an error (alert) or what was done. */
static void notice(struct hbuf *b, const char *error, const char *done)
{
	if (error) {
		hbuf_add(b, "<p class=\"err\" role=\"alert\">");
		hbuf_esc(b, error);
		hbuf_add(b, "</p>");
	} else if (done) {
		hbuf_add(b, "<p class=\"ok\" role=\"status\">");
		hbuf_esc(b, done);
		hbuf_add(b, "</p>");
	}
}

static void alink(struct hbuf *b, const char *base, const char *value, const char *text)
{
	hbuf_add(b, "<a href=\"");
	hbuf_add(b, base);
	hbuf_url(b, value);
	hbuf_add(b, "\">");
	hbuf_esc(b, text);
	hbuf_add(b, "</a>");
}


/* ---- GET /ufficio ---- */

static void home(struct office *o)
{
	struct store_rows r;
	struct hbuf b;
	int i;

	if (office_placements_read(o->s, o->scope, &r)) {
		storage_error(o);
		return;
	}
	page_start(o, &b, "Progetti e domande – DoteComune");
	hbuf_add(&b, "<h1>Progetti e domande</h1>");
	hbuf_add(&b, o->staff ? "<p>I progetti del tuo Comune. Apri un progetto per vedere le domande, "
				 "convocare i candidati ai colloqui e formare la graduatoria.</p>"
			      : "<p>I progetti della rete. Le domande e i recapiti dei candidati sono visibili "
				"soltanto al personale del Comune ospitante; qui trovi le graduatorie e il "
				"<a href=\"/ufficio/registro\">registro delle modifiche</a>.</p>");
	if (!r.n) {
		hbuf_add(&b, "<p>Nessun progetto.</p>");
	} else {
		hbuf_add(&b, "<table><caption>Progetti</caption><thead><tr><th>Progetto</th><th>Avviso</th>");
		if (!o->staff)
			hbuf_add(&b, "<th>Comune</th>");
		hbuf_add(&b, "<th>Titolo</th><th class=\"n\">Posti</th><th class=\"n\">Domande</th>"
			     "<th class=\"n\">Da valutare</th><th>Graduatoria</th></tr></thead><tbody>");
		for (i = 0; i < r.n; i++) {
			const struct office_placement *pl = (const struct office_placement *)r.v + i;
			const char *code = pl->code, *fin = pl->final_at;
			const struct comune *c = comune_by_istat(pl->comune);
			char w[40];

			hbuf_add(&b, "<tr><td class=\"nw\">");
			if (o->staff)
				alink(&b, "/ufficio/progetto?codice=", code, code);
			else
				hbuf_esc(&b, code);
			hbuf_add(&b, "</td>");
			td(&b, pl->call_code);
			if (!o->staff)
				td(&b, c ? c->name : pl->comune);
			td(&b, pl->title);
			hbuf_printf(&b, "<td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td>",
				    pl->seats, pl->applications, pl->to_review);
			alink(&b, "/ufficio/graduatoria?codice=", code, *fin ? "definitiva" : "provvisoria");
			if (*fin) {
				when(fin, w, sizeof(w));
				hbuf_add(&b, " dal ");
				hbuf_esc(&b, w);
			}
			hbuf_add(&b, "</td></tr>");
		}
		hbuf_add(&b, "</tbody></table>");
	}
	store_rows_release(&r);
	page_finish(o, &b, 200);
}

/* ---- GET /ufficio/progetto ---- */

/* Position of protocol in a ranking result, 0 when not ranked. */
static int position(const struct store_res *rank, const char *protocol)
{
	int i, pos = 0;

	for (i = 0; rank && i < store_res_rows(rank); i++) {
		if (strcmp(store_res_get(rank, i, 0), "1"))
			break;
		pos++;
		if (!strcmp(store_res_get(rank, i, 1), protocol))
			return pos;
	}
	return 0;
}

static void placement_page(struct office *o)
{
	char code[48];
	struct store_rows pr = { 0 }, ar = { 0 };
	struct store_res *rank = NULL;
	const struct office_placement_card *p;
	struct hbuf b;
	int i, rc;

	if (!o->staff) {
		message_page(o, 403, "Riservato al Comune", "Le domande e i recapiti dei candidati sono visibili "
			     "soltanto al personale del Comune ospitante.");
		return;
	}
	if (http_query_get(o->req->query, "codice", code, sizeof(code))) {
		not_found(o);
		return;
	}
	rc = selection_ranking(o->s, o->scope, code, &rank);
	if (rc) {
		rc > 0 ? not_found(o) : storage_error(o);
		return;
	}
	if (office_placement_card_read(o->s, o->scope, code, &pr) ||
	    office_applicants_read(o->s, o->scope, code, &ar)) {
		storage_error(o);
		goto out;
	}
	p = pr.v;
	page_start(o, &b, "Domande al progetto %s – DoteComune", code);
	hbuf_add(&b, "<nav class=\"crumbs\" aria-label=\"Percorso\"><a href=\"/ufficio\">Progetti</a> › ");
	hbuf_esc(&b, code);
	hbuf_add(&b, "</nav><h1>");
	hbuf_esc(&b, p->title);
	hbuf_add(&b, "</h1><dl class=\"card\">");
	card_item(&b, "Progetto", code, NULL, NULL);
	card_item(&b, "Avviso", p->call_code, " – ", p->call_title);
	card_item(&b, "Ufficio", p->office, ", ", p->address);
	card_item(&b, "Posti", p->seats, NULL, NULL);
	card_item(&b, "Requisiti", *p->requirements ? p->requirements : "quelli dell'avviso", NULL, NULL);
	hbuf_add(&b, "<dt>Graduatoria</dt><dd>");
	alink(&b, "/ufficio/graduatoria?codice=", code, *p->final_at ? "definitiva" : "provvisoria");
	hbuf_add(&b, " (");
	alink(&b, "/ufficio/graduatoria?formato=csv&codice=", code, "CSV");
	hbuf_add(&b, ")</dd><dt>Candidati</dt><dd>");
	alink(&b, "/ufficio/candidati?codice=", code, "Scarica l'elenco con i recapiti (CSV per Excel, uso interno)");
	hbuf_add(&b, " · ");
	alink(&b, "/ufficio/nuova-domanda?codice=", code, "Registra una domanda su carta o via PEC");
	hbuf_add(&b, "</dd></dl>");
	hbuf_printf(&b, "<table><caption>%d domande</caption><thead><tr><th>Protocollo</th><th>Candidato/a</th>"
		    "<th>Telefono</th><th>E-mail</th><th>Stato</th><th>Requisiti</th><th>Colloquio</th>"
		    "<th class=\"n\">Punteggio</th><th class=\"n\">Posizione</th></tr></thead><tbody>",
		    ar.n);
	for (i = 0; i < ar.n; i++) {
		const struct office_applicant *a = (const struct office_applicant *)ar.v + i;
		const char *proto = a->protocol, *req = a->requirements;
		char name[160], w[40];
		int pos = position(rank, proto);

		hbuf_add(&b, "<tr><td class=\"nw\">");
		alink(&b, "/ufficio/domanda?id=", proto, proto);
		if (atoi(a->duplicate))
			hbuf_add(&b, "<br><span class=\"note\">doppia: stessa persona, stesso avviso</span>");
		hbuf_add(&b, "</td>");
		if (atoi(a->erased))
			snprintf(name, sizeof(name), "(dati personali cancellati)");
		else
			snprintf(name, sizeof(name), "%s %s", a->given_name, a->family_name);
		td(&b, name);
		td(&b, a->phone);
		td(&b, a->email);
		hbuf_add(&b, "<td><span class=\"status\">");
		hbuf_esc(&b, status_it(a->status));
		hbuf_add(&b, "</span></td>");
		hbuf_add(&b, !strcmp(req, "ok") ? "<td class=\"ok\">posseduti</td>"
			     : !strcmp(req, "ko") ? "<td class=\"ko\">non posseduti</td>" : "<td>da verificare</td>");
		selection_when_it(a->interview_at, w, sizeof(w));
		td(&b, w);
		td(&b, a->score);
		if (pos)
			hbuf_printf(&b, "<td class=\"n\">%d</td>", pos);
		else
			hbuf_add(&b, "<td class=\"n\">–</td>");
		hbuf_add(&b, "</tr>");
	}
	hbuf_add(&b, "</tbody></table>");
	page_finish(o, &b, 200);
out:
	store_rows_release(&pr);
	store_rows_release(&ar);
	store_res_free(rank);
}

/* ---- GET/POST /ufficio/domanda ---- */

static void form_start(struct office *o, struct hbuf *b, const char *protocol, const char *action,
		       const char *legend)
{
	hbuf_add(b, "<form method=\"post\" action=\"/ufficio/domanda\" class=\"act\"><input type=\"hidden\""
		    " name=\"id\" value=\"");
	hbuf_esc(b, protocol);
	hbuf_printf(b, "\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		       "<input type=\"hidden\" name=\"azione\" value=\"%s\"><h2>", o->sess.csrf, action);
	hbuf_esc(b, legend);
	hbuf_add(b, "</h2>");
}


struct label {
	const char *key, *text;
};

/* The text of key in labels[0..n-1], else fallback. */
static const char *label_of(const struct label *labels, size_t n, const char *key, const char *fallback)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(key, labels[i].key))
			return labels[i].text;
	return fallback;
}

static const char *audit_label(const char *action)
{
	static const struct label actions[] = {
		{ "status", "Cambio di stato" }, { "interview_changed", "Nuova convocazione" },
		{ "requirements_ok", "Requisiti posseduti" }, { "requirements_ko", "Requisiti non posseduti" },
		{ "score", "Esito del colloquio" }, { "ranking_final", "Graduatoria definitiva" },
		{ "intake_paper", "Domanda ricevuta su carta" }, { "intake_pec", "Domanda ricevuta via PEC" },
		{ "export_applicants", "Elenco dei candidati scaricato (CSV)" },
	};

	return label_of(actions, ARRAY_SIZE(actions), action, action);
}

/* A row of the audit log: when, who, [the comune,] [protocol and
 * placement,] what, from which status to which, the note. */
static void audit_row(struct hbuf *b, const struct office_audit *e, int with_place, int with_comune)
{
	const struct comune *c = with_comune ? comune_by_istat(e->comune) : NULL;
	char w[40];

	when(e->at, w, sizeof(w));
	hbuf_add(b, "<tr>");
	td_nw(b, w);
	td(b, e->by);
	if (with_comune)
		td(b, c ? c->name : e->comune);
	if (with_place) {
		td_nw(b, e->protocol);
		td_nw(b, e->placement_code);
	}
	td(b, audit_label(e->action));
	td(b, status_it(e->from_status));
	td(b, status_it(e->to_status));
	td(b, e->note);
	hbuf_add(b, "</tr>");
}

/* The application's card: status, placement, the applicant (unless
 * erased) and the selection so far. */
static void application_card(struct hbuf *b, const struct office_application *a)
{
	hbuf_add(b, "<dl class=\"card\"><dt>Stato</dt><dd><span class=\"status\">");
	hbuf_esc(b, status_it(a->status));
	hbuf_add(b, "</span></dd>");
	card_item(b, "Progetto", a->placement_code, " – ", a->placement_title);
	if (atoi(a->erased)) {
		hbuf_add(b, "<dt>Candidato/a</dt><dd>dati personali cancellati (conservazione scaduta)</dd>");
	} else {
		const struct comune *res = comune_by_istat(a->residence);
		const struct vocab *as = vocab_find(applicant_statuses, applicant_statuses_n, a->applicant_status);
		const struct vocab *ed = vocab_find(education_levels, education_levels_n, a->education);
		char name[160];
		const char *bd = a->birth_date;
		char it[16];

		snprintf(name, sizeof(name), "%s %s", a->given_name, a->family_name);
		card_item(b, "Candidato/a", name, NULL, NULL);
		card_item(b, "Codice fiscale", a->cf, NULL, NULL);
		card_item(b, "Telefono", a->phone, NULL, NULL);
		card_item(b, "E-mail", *a->email ? a->email : "non indicata", NULL, NULL);
		if (strlen(bd) == 10)
			snprintf(it, sizeof(it), "%.2s/%.2s/%.4s", bd + 8, bd + 5, bd);
		else
			str_copy(it, sizeof(it), bd);
		card_item(b, "Data di nascita", it, NULL, NULL);
		card_item(b, "Residenza", res ? res->name : a->residence, NULL, NULL);
		card_item(b, "Condizione", as ? as->it : a->applicant_status, NULL, NULL);
		card_item(b, "Titolo di studio", ed ? ed->it : a->education, NULL, NULL);
	}
	{
		char w[40];
		when(a->submitted_at, w, sizeof(w));
		card_item(b, "Presentata il", w, NULL, NULL);
		hbuf_add(b, "<dt>Requisiti</dt><dd>");
		hbuf_add(b, !strcmp(a->requirements, "ok") ? "<span class=\"ok\">posseduti</span>"
			    : !strcmp(a->requirements, "ko") ? "<span class=\"ko\">non posseduti</span>"
			    : "da verificare");
		if (*a->requirements_note) {
			hbuf_add(b, " – ");
			hbuf_esc(b, a->requirements_note);
		}
		hbuf_add(b, "</dd>");
		if (*a->interview_at) {
			selection_when_it(a->interview_at, w, sizeof(w));
			card_item(b, "Colloquio", w, ", ", a->interview_place);
		}
		if (*a->outcome) {
			hbuf_add(b, "<dt>Esito del colloquio</dt><dd>");
			hbuf_add(b, !strcmp(a->outcome, "idoneo") ? "idoneo/a" : "non idoneo/a");
			hbuf_add(b, ", punteggio ");
			hbuf_esc(b, a->score);
			if (*a->marks) {
				hbuf_add(b, " (");
				hbuf_esc(b, a->marks);
				hbuf_add(b, ")");
			}
			hbuf_add(b, "</dd>");
		}
		if (*a->duplicate_of)
			hbuf_add(b, "<dt>Attenzione</dt><dd>domanda doppia: la stessa persona ha già presentato "
				    "una domanda per lo stesso avviso.</dd>");
	}
	/* Issue 19: the placement's own pages (start form, then register). */
	if (!strcmp(a->status, "selected") || !strcmp(a->status, "started") || !strcmp(a->status, "completed") ||
	    !strcmp(a->status, "dropped_out")) {
		hbuf_add(b, "<dt>Tirocinio</dt><dd><a id=\"tirocinio-link\" href=\"/ufficio/tirocinio?id=");
		hbuf_url(b, a->uuid);
		hbuf_add(b, !strcmp(a->status, "selected") ? "\">Avvio del tirocinio</a>"
			    : "\">Registro presenze e documenti del tirocinio</a>");
		hbuf_add(b, "</dd>");
	}
	hbuf_add(b, "</dl>");
}

/* The forms for what may happen next to the application, by its status. */
/* A value the clerk posted (kept in the form after an error), or "". */
static void posted(const struct office *o, const char *name, char *buf, size_t size)
{
	buf[0] = '\0';
	if (!strcmp(o->req->method, "POST") && o->req->body && http_form_get(o->req->body, name, buf, size))
		buf[0] = '\0';
}

static void input_value(struct hbuf *b, const char *v)
{
	if (*v) {
		hbuf_add(b, " value=\"");
		hbuf_esc(b, v);
		hbuf_add(b, "\"");
	}
}

/* The version hidden in every form: the step is saved only if nobody
 * changed the application since this page was drawn. */
static void version_field(struct hbuf *b, const struct selection_state *st)
{
	hbuf_add(b, "<input type=\"hidden\" name=\"versione\" value=\"");
	hbuf_esc(b, st->version);
	hbuf_add(b, "\">");
}

static void reason_field(const struct office *o, struct hbuf *b, const char *id, const char *name,
			 const char *label, int required)
{
	char v[SELECTION_NOTE_MAX + 2];

	posted(o, name, v, sizeof(v));
	hbuf_printf(b, "<div><label for=\"%s\">", id);
	hbuf_esc(b, label);
	hbuf_printf(b, "</label><input type=\"text\" id=\"%s\" name=\"%s\" maxlength=\"%d\"%s", id, name,
		    SELECTION_NOTE_MAX, required ? " required" : "");
	input_value(b, v);
	hbuf_add(b, "></div>");
}

static int can(const struct selection_state *st, enum selection_action a, char *why, size_t size)
{
	struct selection_context c = st->ctx;

	c.reason = "x";	/* the reason is asked by the form itself */
	return selection_step(st->stage, a, &c, NULL, why, size);
}

/* The score of the outcome form: with the call's criteria one mark per
 * criterion (votoN, 0-100, its name and weight) and the formula of the
 * score; without, one score (punteggio, 0-100). */
static void score_fields(struct office *o, struct hbuf *b, const char *uuid)
{
	struct selection_call c;
	char v[16], name[16];

	if (selection_criteria(o->s, o->scope, uuid, &c) || !c.ncriteria) {
		posted(o, "punteggio", v, sizeof(v));
		hbuf_add(b, "<div><label for=\"punteggio\">Punteggio (0-100; per chi è idoneo/a)</label>"
			    "<input type=\"number\" id=\"punteggio\" name=\"punteggio\" min=\"0\" max=\"100\"");
		input_value(b, v);
		hbuf_add(b, "></div>");
		return;
	}
	hbuf_add(b, "<fieldset class=\"criteria\"><legend>Voti per criterio dell'avviso (da 0 a 100; per chi è "
		    "idoneo/a)</legend>");
	for (size_t i = 0; i < c.ncriteria; i++) {
		snprintf(name, sizeof(name), "voto%zu", i + 1);
		posted(o, name, v, sizeof(v));
		hbuf_printf(b, "<div><label for=\"%s\">", name);
		hbuf_esc(b, c.criteria[i].name);
		hbuf_printf(b, " (peso %d%%)</label><input type=\"number\" id=\"%s\" name=\"%s\" min=\"0\""
			    " max=\"100\" step=\"1\"", c.criteria[i].weight, name, name);
		input_value(b, v);
		hbuf_add(b, "></div>");
	}
	hbuf_add(b, "<p class=\"note\" id=\"formula\">Punteggio = somma di voto × peso, diviso 100, arrotondato "
		    "all'intero: ");
	for (size_t i = 0; i < c.ncriteria; i++) {
		hbuf_add(b, i ? " + " : "(");
		hbuf_esc(b, c.criteria[i].name);
		hbuf_printf(b, " × %d", c.criteria[i].weight);
	}
	hbuf_add(b, ") / 100.</p></fieldset>");
}

/* "Verifica dei requisiti": met (when allowed) or not met, with the reason. */
static void form_requirements(struct office *o, struct hbuf *b, const char *proto, const struct selection_state *st,
			      int met)
{
	form_start(o, b, proto, "requisiti", "Verifica dei requisiti");
	version_field(b, st);
	hbuf_add(b, "<fieldset style=\"border:0;padding:0\"><legend class=\"sr\">Esito della verifica</legend>");
	if (met)
		hbuf_add(b, "<label style=\"font-weight:400\"><input type=\"radio\" name=\"esito\" value=\"ok\""
			    " required> Requisiti posseduti</label>");
	hbuf_add(b, "<label style=\"font-weight:400\"><input type=\"radio\" name=\"esito\" value=\"ko\""
		    " required> Requisiti non posseduti</label></fieldset>");
	reason_field(o, b, "nota-req", "nota", "Motivo (obbligatorio se non posseduti: il candidato lo legge)", 0);
	hbuf_add(b, "<button type=\"submit\">Registra la verifica</button></form>");
}

/* "Convoca al colloquio" (or move it): when, where, what to bring; the
 * values posted before an error are kept. */
static void form_convoke(struct office *o, struct hbuf *b, const char *proto, const struct selection_state *st)
{
	char v1[64], v2[SELECTION_PLACE_MAX + 2];

	form_start(o, b, proto, "colloquio", st->stage == SELECTION_CONVOKED ? "Sposta il colloquio"
									     : "Convoca al colloquio");
	version_field(b, st);
	posted(o, "quando", v1, sizeof(v1));
	posted(o, "luogo", v2, sizeof(v2));
	hbuf_add(b, "<div><label for=\"quando\">Data e ora (ora italiana)</label><input type=\"datetime-local\""
		    " id=\"quando\" name=\"quando\" required");
	input_value(b, v1);
	hbuf_add(b, "><span class=\"note\"> se il browser non mostra il calendario, scrivi AAAA-MM-GGTHH:MM"
		    " (es. 2026-03-20T10:00)</span></div><div><label for=\"luogo\">Luogo</label>"
		    "<input type=\"text\" id=\"luogo\" name=\"luogo\" required maxlength=\"200\""
		    " placeholder=\"Municipio, via Roma 1, sala Giunta\"");
	input_value(b, v2);
	hbuf_add(b, "></div>");
	reason_field(o, b, "nota-coll", "nota", "Indicazioni per il candidato (es. portare un documento "
		     "d'identità)", 0);
	hbuf_add(b, "<button type=\"submit\">Convoca</button><p class=\"note\">Il candidato vede la "
		    "convocazione e le indicazioni allo sportello e nella pagina della ricevuta; se ha lasciato "
		    "l'e-mail, riceve un messaggio.</p></form>");
}

/* "Cambia lo stato": a select of the statuses allowed now, if any. */
static void form_status(struct office *o, struct hbuf *b, const char *proto, const struct selection_state *st)
{
	static const struct {
		enum selection_action action;
		const char *status;
	} statuses[] = {
		{ SELECTION_SELECT, "selected" }, { SELECTION_NOT_SELECT, "not_selected" },
		{ SELECTION_WITHDRAW, "withdrawn" }, { SELECTION_START, "started" },
		{ SELECTION_COMPLETE, "completed" }, { SELECTION_DROP_OUT, "dropped_out" },
	};
	char why[400];
	size_t i;
	int any = 0;

	for (i = 0; i < ARRAY_SIZE(statuses); i++) {
		const struct vocab *v = vocab_find(application_statuses, application_statuses_n, statuses[i].status);

		if (!can(st, statuses[i].action, why, sizeof(why)))
			continue;
		if (!any) {
			form_start(o, b, proto, "stato", "Cambia lo stato");
			version_field(b, st);
			hbuf_add(b, "<div><label for=\"stato\">Nuovo stato</label><select id=\"stato\" name=\"stato\""
				    " required><option value=\"\">— scegli —</option>");
		}
		hbuf_printf(b, "<option value=\"%s\">", statuses[i].status);
		hbuf_esc(b, statuses[i].action == SELECTION_NOT_SELECT ? "Idoneo/a non selezionato/a" : v ? v->it : "");
		hbuf_add(b, "</option>");
		any = 1;
	}
	if (any) {
		hbuf_add(b, "</select></div>");
		reason_field(o, b, "nota-stato", "nota", "Nota (facoltativa)", 0);
		hbuf_add(b, "<button type=\"submit\">Registra il nuovo stato</button></form>");
	}
}

/* "Operazioni non disponibili ora": the main steps not offered, and why. */
static void steps_unavailable(struct hbuf *b, const struct selection_state *st)
{
	static const enum selection_action explained[] = {
		SELECTION_REQUIREMENTS_MET, SELECTION_CONVOKE, SELECTION_MARK_ASSESSED, SELECTION_SELECT,
	};
	char why[400];
	size_t i;
	int any = 0;

	for (i = 0; i < ARRAY_SIZE(explained); i++) {
		if (can(st, explained[i], why, sizeof(why)) || st->stage >= SELECTION_STARTED ||
		    st->stage == SELECTION_EXCLUDED || st->stage == SELECTION_WITHDRAWN)
			continue;
		if (!any)
			hbuf_add(b, "<h2>Operazioni non disponibili ora</h2><ul class=\"why\">");
		hbuf_add(b, "<li><strong>");
		hbuf_esc(b, selection_action_label(explained[i]));
		hbuf_add(b, "</strong>: ");
		hbuf_esc(b, why);
		hbuf_add(b, "</li>");
		any = 1;
	}
	if (any)
		hbuf_add(b, "</ul>");
}

/* The forms of the steps the selection allows now, in the procedure's
 * order, then what is not offered and why. */
static void application_forms(struct office *o, struct hbuf *b, const struct office_application *a)
{
	struct selection_state st;
	const char *proto = a->protocol;
	char why[400];
	int rc = selection_state_read(o->s, o->scope, a->uuid, &st);

	if (rc) {
		hbuf_add(b, "<p class=\"err\">Lo stato della domanda non si legge: riprova tra poco.</p>");
		return;
	}
	hbuf_add(b, "<p>Fase della selezione: <span class=\"status\">");
	hbuf_esc(b, selection_stage_label(st.stage));
	hbuf_add(b, "</span></p>");
	if (can(&st, SELECTION_REQUIREMENTS_MET, why, sizeof(why)) ||
	    can(&st, SELECTION_REQUIREMENTS_NOT_MET, why, sizeof(why)))
		form_requirements(o, b, proto, &st, can(&st, SELECTION_REQUIREMENTS_MET, why, sizeof(why)));
	if (can(&st, SELECTION_CONVOKE, why, sizeof(why)))
		form_convoke(o, b, proto, &st);
	if (can(&st, SELECTION_MARK_ASSESSED, why, sizeof(why))) {
		form_start(o, b, proto, "esito", "Esito del colloquio e punteggio");
		version_field(b, &st);
		hbuf_add(b, "<div><label for=\"giudizio\">Esito</label><select id=\"giudizio\" name=\"giudizio\">"
			    "<option value=\"idoneo\">Presente, idoneo/a</option><option value=\"non_idoneo\">Presente,"
			    " non idoneo/a</option><option value=\"assente\">Assente al colloquio</option></select></div>");
		score_fields(o, b, a->uuid);
		reason_field(o, b, "nota-esito", "nota", "Nota (obbligatoria se non idoneo/a: il candidato la legge)", 0);
		hbuf_add(b, "<button type=\"submit\">Registra l'esito</button></form>");
	}
	form_status(o, b, proto, &st);
	if (can(&st, SELECTION_RENOUNCE, why, sizeof(why))) {
		form_start(o, b, proto, "rinuncia", "Rinuncia del candidato");
		version_field(b, &st);
		reason_field(o, b, "motivo-rinuncia", "motivo", "Motivo e data della rinuncia", 1);
		hbuf_add(b, "<button type=\"submit\">Registra la rinuncia</button><p class=\"note\">Il posto passa al "
			    "successivo idoneo in graduatoria.</p></form>");
	}
	if (can(&st, SELECTION_UNDO, why, sizeof(why))) {
		form_start(o, b, proto, "annulla", "Annulla l'ultimo passaggio");
		version_field(b, &st);
		hbuf_add(b, "<p class=\"note\">La domanda torna a «");
		hbuf_esc(b, selection_stage_label(st.ctx.previous));
		hbuf_add(b, "». Il passaggio annullato resta nel registro, con il motivo.</p>");
		reason_field(o, b, "motivo-annulla", "motivo", "Motivo dell'annullamento", 1);
		hbuf_add(b, "<button type=\"submit\">Annulla il passaggio</button></form>");
	}
	steps_unavailable(b, &st);
}

/* The application's history (its rows of the audit log). */
static void application_history(struct office *o, struct hbuf *b, const struct office_application *a)
{
	struct store_rows h;

	if (!office_application_history(o->s, a->uuid, &h)) {
		hbuf_add(b, "<h2>Registro delle modifiche</h2><table><thead><tr><th>Quando</th><th>Chi</th>"
			    "<th>Operazione</th><th>Da</th><th>A</th><th>Nota</th></tr></thead><tbody>");
		if (!h.n)
			hbuf_add(b, "<tr><td colspan=\"6\">Nessuna modifica finora.</td></tr>");
		for (int i = 0; i < h.n; i++)
			audit_row(b, (const struct office_audit *)h.v + i, 0, 0);
		hbuf_add(b, "</tbody></table>");
		store_rows_release(&h);
	}
}

static void application_page(struct office *o, const char *id, int status, const char *error, const char *done)
{
	struct store_rows r;
	const struct office_application *a;
	struct hbuf b;
	const char *proto;
	int rc;

	if (!o->staff) {
		message_page(o, 403, "Riservato al Comune", "Le domande e i recapiti dei candidati sono visibili "
			     "soltanto al personale del Comune ospitante.");
		return;
	}
	if (!id || !*id || strlen(id) > 64) {
		not_found(o);
		return;
	}
	rc = office_application_read(o->s, o->scope, id, &r);
	if (rc < 0) {
		storage_error(o);
		return;
	}
	if (rc) {
		not_found(o);
		return;
	}
	a = r.v;
	proto = a->protocol;
	page_start(o, &b, "Domanda %s – DoteComune", proto);
	hbuf_add(&b, "<nav class=\"crumbs\" aria-label=\"Percorso\"><a href=\"/ufficio\">Progetti</a> › ");
	alink(&b, "/ufficio/progetto?codice=", a->placement_code, a->placement_code);
	hbuf_add(&b, " › ");
	hbuf_esc(&b, proto);
	hbuf_add(&b, "</nav><h1>Domanda ");
	hbuf_esc(&b, proto);
	hbuf_add(&b, "</h1>");
	notice(&b, error, done);
	application_card(&b, a);
	application_forms(o, &b, a);
	application_history(o, &b, a);
	store_rows_release(&r);
	page_finish(o, &b, status);
}

/* Reads form field name into buf; -1 when missing or too long. */
static int field(const struct office *o, const char *name, char *buf, size_t size)
{
	buf[0] = '\0';
	return http_form_get(o->req->body, name, buf, size);
}

static int csrf_ok(struct office *o)
{
	char csrf[AUTH_TOKEN_LEN + 2];

	if (field(o, "csrf", csrf, sizeof(csrf)) || !auth_token_equal(csrf, o->sess.csrf)) {
		message_page(o, 403, "Richiesta non valida", "Il modulo non è valido o è scaduto: ricarica la "
			     "pagina e riprova.");
		return 0;
	}
	return 1;
}

/* After a change: back to base + value (percent-encoded) with
 * &fatto=done, the page then says what was done. */
static void redirect_done(struct office *o, const char *base, const char *value, const char *done)
{
	struct hbuf u;
	char *to;

	hbuf_init(&u, 256);
	hbuf_add(&u, base);
	hbuf_url(&u, value);
	hbuf_add(&u, "&fatto=");
	hbuf_add(&u, done);
	to = hbuf_detach(&u, NULL);
	html_staff_redirect(o->resp, to ? to : "/ufficio");
	free(to);
}

static void application_post(struct office *o)
{
	char id[72], action[16], note[SELECTION_NOTE_MAX + 2], err[512], v1[48], v2[SELECTION_PLACE_MAX + 2];
	char version[24], marks[SELECTION_CRITERIA_MAX][8];
	const char *mark_ptr[SELECTION_CRITERIA_MAX];
	struct selection_input in = { 0 };
	const char *act = NULL;
	int rc;

	if (!csrf_ok(o))
		return;
	if (!o->staff) {
		message_page(o, 403, "Operazione non consentita", "Soltanto il personale del Comune ospitante può "
			     "modificare le domande.");
		return;
	}
	if (field(o, "id", id, sizeof(id)) || field(o, "azione", action, sizeof(action))) {
		not_found(o);
		return;
	}
	if (http_form_get(o->req->body, "nota", note, sizeof(note)) && strstr(o->req->body, "nota=")) {
		application_page(o, id, 400, "La nota è troppo lunga (al massimo 500 caratteri).", NULL);
		return;
	}
	/* A reason (motivo) is the note of the steps that need one. */
	if (!note[0] && http_form_get(o->req->body, "motivo", note, sizeof(note)) && strstr(o->req->body, "motivo=")) {
		application_page(o, id, 400, "Il motivo è troppo lungo (al massimo 500 caratteri).", NULL);
		return;
	}
	str_trim(note);
	in.note = note;
	/* The page's version: the step is saved only if it is still current. */
	if (!field(o, "versione", version, sizeof(version)))
		in.version = version;
	if (!strcmp(action, "requisiti")) {
		if (field(o, "esito", v1, sizeof(v1)) || (strcmp(v1, "ok") && strcmp(v1, "ko"))) {
			application_page(o, id, 400, "Indica se i requisiti sono posseduti.", NULL);
			return;
		}
		act = !strcmp(v1, "ok") ? "requirements_met" : "requirements_not_met";
	} else if (!strcmp(action, "colloquio")) {
		if (field(o, "quando", v1, sizeof(v1)) || field(o, "luogo", v2, sizeof(v2))) {
			application_page(o, id, 400, "Indica data, ora e luogo del colloquio (luogo al massimo 200 "
					 "caratteri).", NULL);
			return;
		}
		str_trim(v2);
		in.at = v1;
		in.place = v2;
		act = "convoke";
	} else if (!strcmp(action, "esito")) {
		if (field(o, "giudizio", v1, sizeof(v1)) ||
		    (strcmp(v1, "idoneo") && strcmp(v1, "non_idoneo") && strcmp(v1, "assente"))) {
			application_page(o, id, 400, "Indica l'esito del colloquio.", NULL);
			return;
		}
		field(o, "punteggio", v2, sizeof(v2));
		in.score = v2;
		/* The marks of the call's criteria (voto1..), when it has any. */
		for (size_t k = 0; k < SELECTION_CRITERIA_MAX; k++) {
			char name[16];

			snprintf(name, sizeof(name), "voto%zu", k + 1);
			if (field(o, name, marks[k], sizeof(marks[k])))
				str_copy(marks[k], sizeof(marks[k]), strstr(o->req->body, name) ? "x" : "");
			str_trim(marks[k]);
			mark_ptr[k] = marks[k];
		}
		in.marks = mark_ptr;
		in.nmarks = SELECTION_CRITERIA_MAX;
		act = !strcmp(v1, "idoneo") ? "assessed" : !strcmp(v1, "assente") ? "absent" : "unsuitable";
	} else if (!strcmp(action, "assente")) {
		act = "absent";
	} else if (!strcmp(action, "rinuncia")) {
		act = "renounce";
	} else if (!strcmp(action, "annulla")) {
		act = "undo";
	} else if (!strcmp(action, "stato")) {
		if (field(o, "stato", v1, sizeof(v1))) {
			application_page(o, id, 400, "Scegli il nuovo stato.", NULL);
			return;
		}
	} else {
		application_page(o, id, 400, "Operazione sconosciuta.", NULL);
		return;
	}
	if (act) {
		rc = selection_act(o->s, o->scope, id, act, o->sess.name, &in, err, sizeof(err));
	} else {
		/* A status by its name: with the version check when the page sent one. */
		struct selection_state st;

		rc = selection_state_read(o->s, o->scope, id, &st);
		if (!rc && in.version && strcmp(in.version, st.version))
			/* Stale: refused, saying who changed it, before the action is read. */
			rc = selection_act(o->s, o->scope, id, "select", o->sess.name, &in, err, sizeof(err));
		else if (!rc)
			rc = selection_status_set(o->s, o->scope, id, v1, o->sess.name, note, NULL, NULL, err,
						  sizeof(err));
	}
	if (rc == 1) {
		not_found(o);
	} else if (rc == 2) {
		application_page(o, id, 409, err, NULL);
	} else if (rc == 3) {
		application_page(o, id, 422, err, NULL);	/* a mark of the call's criteria */
	} else if (rc < 0) {
		storage_error(o);
	} else {
		redirect_done(o, "/ufficio/domanda?id=", id, action);
	}
}

static const char *done_text(const char *action)
{
	static const struct label done[] = {
		{ "requisiti", "Verifica dei requisiti registrata." },
		{ "colloquio", "Convocazione al colloquio registrata." },
		{ "esito", "Esito del colloquio registrato." }, { "stato", "Nuovo stato registrato." },
		{ "assente", "Assenza al colloquio registrata." }, { "rinuncia", "Rinuncia registrata: il posto "
		  "passa al successivo idoneo in graduatoria." },
		{ "annulla", "Passaggio annullato; resta nel registro con il motivo." },
		{ "registrata", "Domanda registrata con il numero di protocollo del Comune." },
	};

	return label_of(done, ARRAY_SIZE(done), action, NULL);
}

/* ---- /ufficio/graduatoria ---- */

/* A quoted CSV cell; one a spreadsheet would run as a formula gets a
 * leading quote, as every CSV of the hub (report_format.c, OWASP). */
static void csv_field(struct hbuf *b, const char *v)
{
	hbuf_add(b, "\"");
	if (strchr("=+-@\t\r", *v) && *v)
		hbuf_add(b, "'");
	for (; *v; v++)
		hbuf_add(b, *v == '"' ? "\"\"" : (char[]){ *v, 0 });
	hbuf_add(b, "\"");
}

/* The final ranking as PDF for the office (with the reasons of its
 * changes); the public one is ranking_public_pdf(). */
static void ranking_office_pdf(struct office *o, const char *code)
{
	char disp[96], *pdf = NULL;
	size_t len = 0;
	int rc = ranking_pdf(o->s, o->scope, code, 1, &pdf, &len);

	if (rc) {
		rc > 0 ? not_found(o) : storage_error(o);
		return;
	}
	o->resp->status = 200;
	str_copy(o->resp->content_type, sizeof(o->resp->content_type), "application/pdf");
	o->resp->body = pdf;
	o->resp->body_len = len;
	html_staff_headers(o->resp);
	snprintf(disp, sizeof(disp), "attachment; filename=\"graduatoria-%s.pdf\"", code);
	http_response_header(o->resp, "Content-Disposition", disp);
}

/* The office's ranking as CSV, one row per application: the first line
 * says the file is internal, not a statistical release (docs/reports.md). */
static void ranking_csv(struct office *o, struct store_res *rank, const char *code)
{
	char disp[128];
	struct hbuf b;
	int i, pos = 0;

	hbuf_init(&b, PAGE_MAX);
	hbuf_add(&b, "USO INTERNO – dati esatti, non protetti: graduatoria dell'ufficio\r\n"
		     "posizione;protocollo;punteggio;esito;voti per criterio\r\n");
	for (i = 0; i < store_res_rows(rank); i++) {
		int ranked = !strcmp(store_res_get(rank, i, 0), "1");

		if (ranked)
			hbuf_printf(&b, "%d", ++pos);
		hbuf_add(&b, ";");
		csv_field(&b, store_res_get(rank, i, 1));
		hbuf_add(&b, ";");
		hbuf_add(&b, store_res_get(rank, i, 2));
		hbuf_add(&b, ";");
		csv_field(&b, ranking_verdict(ranked, store_res_get(rank, i, 3), store_res_get(rank, i, 4),
				      store_res_get(rank, i, 5), store_res_get(rank, i, 6)));
		hbuf_add(&b, ";");
		csv_field(&b, store_res_get(rank, i, 8));
		hbuf_add(&b, "\r\n");
	}
	respond(o->resp, 200, "text/csv; charset=utf-8", &b);
	snprintf(disp, sizeof(disp), "attachment; filename=\"graduatoria-%s.csv\"", code);
	http_response_header(o->resp, "Content-Disposition", disp);
}

/* After a refused "Rendi definitiva": the applications still waiting,
 * each a link to its page. */
static void ranking_pending(struct office *o, struct hbuf *b, const char *code)
{
	struct store_res *pend = NULL;
	int i;

	if (!selection_pending(o->s, o->scope, code, &pend) && store_res_rows(pend)) {
		hbuf_add(b, "<p>Domande ancora senza esito:</p><ul class=\"pending\">");
		for (i = 0; i < store_res_rows(pend); i++) {
			hbuf_add(b, "<li>");
			alink(b, "/ufficio/domanda?id=", store_res_get(pend, i, 0), store_res_get(pend, i, 0));
			hbuf_add(b, " – ");
			hbuf_esc(b, status_it(store_res_get(pend, i, 1)));
			hbuf_add(b, "</li>");
		}
		hbuf_add(b, "</ul>");
	}
	store_res_free(pend);
}

/* The "are you sure" form of "Rendi definitiva" (confirm) or the form
 * itself (!confirm), for staff while the ranking is provisional. */
static void ranking_final_form(struct office *o, struct hbuf *b, const char *code, int confirm)
{
	hbuf_add(b, confirm ? "<form method=\"post\" action=\"/ufficio/graduatoria\" class=\"act noprint\" role=\"alert\">"
			      "<h2>Confermi la graduatoria definitiva?</h2><p>La graduatoria qui sotto diventa definitiva "
			      "e non si può annullare: punteggi ed esiti non si cambiano più, le posizioni restano "
			      "fissate e ogni candidato ne riceve notizia.</p>"
			    : "<form method=\"post\" action=\"/ufficio/graduatoria\" class=\"act noprint\">"
			      "<h2>Rendi definitiva la graduatoria</h2>");
	hbuf_add(b, "<input type=\"hidden\" name=\"codice\" value=\"");
	hbuf_esc(b, code);
	hbuf_printf(b, "\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">", o->sess.csrf);
	if (confirm) {
		hbuf_add(b, "<input type=\"hidden\" name=\"conferma\" value=\"1\"><button type=\"submit\">Conferma: "
			    "rendi definitiva</button> ");
		alink(b, "/ufficio/graduatoria?codice=", code, "Annulla");
	} else {
		hbuf_add(b, "<p class=\"note\">Dopo, punteggi ed esiti non si cambiano più; i dati personali dei "
			    "candidati saranno cancellati trascorso il periodo di conservazione.</p>"
			    "<button type=\"submit\">Rendi definitiva</button>");
	}
	hbuf_add(b, "</form>");
}

/* The ranking's table, by protocol number, positions for the ranked. */
static void ranking_table(struct hbuf *b, struct store_res *rank)
{
	int i, pos = 0;

	hbuf_add(b, "<table><caption>Candidati per numero di protocollo</caption><thead><tr>"
		    "<th class=\"n\">Posizione</th><th>Protocollo</th><th class=\"n\">Punteggio</th><th>Esito</th>"
		    "<th>Voti per criterio</th></tr></thead><tbody>");
	for (i = 0; i < store_res_rows(rank); i++) {
		int ranked = !strcmp(store_res_get(rank, i, 0), "1");

		if (ranked)
			hbuf_printf(b, "<tr><td class=\"n\">%d</td>", ++pos);
		else
			hbuf_add(b, "<tr><td class=\"n\">–</td>");
		td_nw(b, store_res_get(rank, i, 1));
		hbuf_add(b, "<td class=\"n\">");
		hbuf_esc(b, store_res_get(rank, i, 2));
		hbuf_add(b, "</td>");
		td(b, ranking_verdict(ranked, store_res_get(rank, i, 3), store_res_get(rank, i, 4), store_res_get(rank, i, 5),
				      store_res_get(rank, i, 6)));
		td(b, store_res_get(rank, i, 8));
		hbuf_add(b, "</tr>");
	}
	if (!store_res_rows(rank))
		hbuf_add(b, "<tr><td colspan=\"5\">Nessuna domanda.</td></tr>");
	hbuf_add(b, "</tbody></table>");
}

/* The ranking's page (also ?formato=csv and, once final, ?formato=pdf):
 * error is a refused "Rendi definitiva" (409, pending ones listed),
 * confirm asks before making it final. */
static void ranking_page(struct office *o, const char *error, int confirm)
{
	char code[48], fmt[8] = "", fatto[16] = "", w[40];
	struct store_res *rank = NULL;
	struct store_rows pr = { 0 };
	const struct office_placement_card *p;
	struct hbuf b;
	const struct comune *c;
	int rc;

	if (http_query_get(o->req->query, "codice", code, sizeof(code)) &&
	    (o->req->body_len == 0 || http_form_get(o->req->body, "codice", code, sizeof(code)))) {
		not_found(o);
		return;
	}
	http_query_get(o->req->query, "formato", fmt, sizeof(fmt));
	http_query_get(o->req->query, "fatto", fatto, sizeof(fatto));
	if (!strcmp(fmt, "pdf")) {
		ranking_office_pdf(o, code);
		return;
	}
	rc = selection_ranking(o->s, o->scope, code, &rank);
	if (rc) {
		rc > 0 ? not_found(o) : storage_error(o);
		return;
	}
	if (office_placement_card_read(o->s, "", code, &pr)) {
		storage_error(o);
		goto out;
	}
	p = pr.v;
	if (!strcmp(fmt, "csv")) {
		ranking_csv(o, rank, code);
		goto out;
	}
	c = comune_by_istat(p->comune);
	page_start(o, &b, "Graduatoria del progetto %s – DoteComune", code);
	hbuf_add(&b, "<h1>Graduatoria ");
	hbuf_add(&b, *p->final_at ? "definitiva" : "provvisoria");
	hbuf_add(&b, "</h1><dl class=\"card\">");
	card_item(&b, "Avviso", p->call_code, " – ", p->call_title);
	card_item(&b, "Ente ospitante", "Comune di ", "", c ? c->name : p->comune);
	card_item(&b, "Progetto", code, " – ", p->title);
	card_item(&b, "Posti", p->seats, NULL, NULL);
	if (*p->final_at) {
		when(p->final_at, w, sizeof(w));
		card_item(&b, "Definitiva dal", w, NULL, NULL);
	}
	hbuf_add(&b, "</dl>");
	/* Back from "Rendi definitiva": say it was done, as every other form does. */
	notice(&b, error, *p->final_at && !strcmp(fatto, "definitiva")
		? "Graduatoria resa definitiva: punteggi ed esiti non si cambiano più." : NULL);
	if (error && o->staff)
		ranking_pending(o, &b, code);
	if (confirm)
		ranking_final_form(o, &b, code, 1);
	ranking_table(&b, rank);
	hbuf_add(&b, "<p class=\"note\">Pubblicata con i soli numeri di protocollo, senza nomi. ");
	hbuf_esc(&b, selection_tie_break_text(selection_placement_tie_break(o->s, code)));
	hbuf_add(&b, " Per stamparla usa il comando Stampa del browser.</p><p class=\"noprint\">");
	alink(&b, "/ufficio/graduatoria?formato=csv&codice=", code, "Scarica in CSV");
	if (*p->final_at) {
		char pub[80];

		hbuf_add(&b, " · ");
		alink(&b, "/ufficio/graduatoria?formato=pdf&codice=", code, "PDF per l'ufficio");
		ranking_public_path(code, pub, sizeof(pub));
		hbuf_add(&b, " · <a href=\"");
		hbuf_esc(&b, pub);
		hbuf_add(&b, "\">PDF pubblico per l'albo (senza nomi)</a>");
	}
	hbuf_add(&b, "</p>");
	if (o->staff && !*p->final_at && !confirm)
		ranking_final_form(o, &b, code, 0);
	page_finish(o, &b, error ? 409 : 200);
out:
	store_res_free(rank);
	store_rows_release(&pr);
}

static void ranking_post(struct office *o)
{
	char code[48], err[512], confirm[4];
	int rc, confirmed;

	if (!csrf_ok(o))
		return;
	if (!o->staff) {
		message_page(o, 403, "Operazione non consentita", "Soltanto il personale del Comune ospitante può "
			     "rendere definitiva una graduatoria.");
		return;
	}
	if (field(o, "codice", code, sizeof(code))) {
		not_found(o);
		return;
	}
	/* First the checks and a confirmation page; the second press makes it final. */
	confirmed = !field(o, "conferma", confirm, sizeof(confirm)) && !strcmp(confirm, "1");
	rc = confirmed ? selection_ranking_final(o->s, o->scope, code, o->sess.name, err, sizeof(err))
		       : selection_ranking_final_check(o->s, o->scope, code, err, sizeof(err));
	if (rc == 1) {
		not_found(o);
	} else if (rc == 2) {
		ranking_page(o, err, 0);
	} else if (!rc && !confirmed) {
		ranking_page(o, NULL, 1);
	} else if (rc < 0) {
		storage_error(o);
	} else {
		redirect_done(o, "/ufficio/graduatoria?codice=", code, "definitiva");
	}
}

/* ---- GET /ufficio/candidati: the applicants with their contacts, for the office ---- */

/* A placement's applications as CSV for Excel in Italy: a UTF-8 BOM,
 * ';' between cells (as `dote report --excel-it`), the "USO INTERNO"
 * marking on the first line, every cell quoted and one a spreadsheet
 * would run as a formula neutralised (csv_field). Only the staff of the
 * placement's comune: coordinators 403, another comune's code 404. */
static void applicants_export(struct office *o)
{
	static const char *const cols[] = { "protocollo", "canale", "presentata il", "cognome", "nome", "telefono",
					    "e-mail", "stato", "requisiti", "colloquio", "punteggio", "nota" };
	char code[48], disp[128], w[40];
	struct store_rows pr = { 0 }, ar = { 0 };
	struct hbuf b;
	int i;

	if (!o->staff) {
		message_page(o, 403, "Riservato al Comune", "I recapiti dei candidati sono visibili soltanto al "
			     "personale del Comune ospitante.");
		return;
	}
	if (http_query_get(o->req->query, "codice", code, sizeof(code))) {
		not_found(o);
		return;
	}
	if (office_placement_card_read(o->s, o->scope, code, &pr) < 0 ||
	    (pr.n == 1 && office_applicants_read(o->s, o->scope, code, &ar))) {
		storage_error(o);
		goto out;
	}
	if (pr.n != 1) {
		not_found(o);
		goto out;
	}
	/* No personal data leaves without a row in the audit log saying who took it. */
	if (selection_export_audit(o->s, ((const struct office_placement_card *)pr.v)->comune, code, o->sess.name, ar.n)) {
		storage_error(o);
		goto out;
	}
	hbuf_init(&b, PAGE_MAX);
	hbuf_add(&b, "\xEF\xBB\xBF");
	csv_field(&b, "USO INTERNO – dati personali dei candidati: non diffonderli, conservali solo per la selezione");
	hbuf_add(&b, "\r\n");
	for (size_t k = 0; k < ARRAY_SIZE(cols); k++) {
		hbuf_add(&b, k ? ";" : "");
		csv_field(&b, cols[k]);
	}
	hbuf_add(&b, "\r\n");
	for (i = 0; i < ar.n; i++) {
		const struct office_applicant *a = (const struct office_applicant *)ar.v + i;
		int erased = atoi(a->erased);
		const char *req = a->requirements;

		csv_field(&b, a->protocol);
		hbuf_add(&b, ";");
		csv_field(&b, a->channel);
		hbuf_add(&b, ";");
		when(a->submitted_at, w, sizeof(w));
		csv_field(&b, w);
		hbuf_add(&b, ";");
		csv_field(&b, erased ? "(dati personali cancellati)" : a->family_name);
		hbuf_add(&b, ";");
		csv_field(&b, erased ? "" : a->given_name);
		hbuf_add(&b, ";");
		csv_field(&b, erased ? "" : a->phone);
		hbuf_add(&b, ";");
		csv_field(&b, erased ? "" : a->email);
		hbuf_add(&b, ";");
		csv_field(&b, status_it(a->status));
		hbuf_add(&b, ";");
		csv_field(&b, !strcmp(req, "ok") ? "posseduti" : !strcmp(req, "ko") ? "non posseduti" : "da verificare");
		hbuf_add(&b, ";");
		selection_when_it(a->interview_at, w, sizeof(w));
		csv_field(&b, w);
		hbuf_add(&b, ";");
		csv_field(&b, a->score);
		hbuf_add(&b, ";");
		csv_field(&b, atoi(a->duplicate) ? "domanda doppia: stessa persona, stesso avviso" : "");
		hbuf_add(&b, "\r\n");
	}
	respond(o->resp, 200, "text/csv; charset=utf-8", &b);
	snprintf(disp, sizeof(disp), "attachment; filename=\"candidati-%s-uso-interno.csv\"", code);
	http_response_header(o->resp, "Content-Disposition", disp);
out:
	store_rows_release(&pr);
	store_rows_release(&ar);
}

/* ---- /ufficio/contatti: the office's contact, told to its citizens ---- */

static void contact_page(struct office *o, int status, const char *error, const char *done)
{
	struct selection_office_contact c;
	struct hbuf b;
	static const struct {
		const char *id, *label, *type;
		size_t off, size;
	} fields[] = {
		{ "nome", "Ufficio", "text", offsetof(struct selection_office_contact, name), 120 },
		{ "telefono", "Telefono", "tel", offsetof(struct selection_office_contact, phone), 40 },
		{ "email", "E-mail", "email", offsetof(struct selection_office_contact, email), 254 },
		{ "indirizzo", "Indirizzo e orari", "text", offsetof(struct selection_office_contact, address), 200 },
	};

	if (!o->staff) {
		message_page(o, 403, "Riservato al Comune", "I recapiti si impostano dal personale del Comune.");
		return;
	}
	if (selection_office_get(o->s, o->scope, &c) < 0) {
		storage_error(o);
		return;
	}
	page_start(o, &b, "Recapiti dell'ufficio – DoteComune");
	hbuf_add(&b, "<h1>Recapiti dell'ufficio</h1><p>I candidati li leggono nella ricevuta, allo sportello e nei "
		     "messaggi, con ogni novità sulla domanda.</p>");
	notice(&b, error, done);
	hbuf_add(&b, "<form method=\"post\" action=\"/ufficio/contatti\" class=\"act\">");
	hbuf_printf(&b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", o->sess.csrf);
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		char v[256];

		posted(o, fields[i].id, v, sizeof(v));
		if (!*v && !error)
			str_copy(v, sizeof(v), (const char *)&c + fields[i].off);
		hbuf_printf(&b, "<div><label for=\"%s\">%s</label><input type=\"%s\" id=\"%s\" name=\"%s\""
			    " maxlength=\"%zu\"", fields[i].id, fields[i].label, fields[i].type, fields[i].id,
			    fields[i].id, fields[i].size);
		input_value(&b, v);
		hbuf_add(&b, "></div>");
	}
	hbuf_add(&b, "<button type=\"submit\">Salva i recapiti</button></form>");
	page_finish(o, &b, status);
}

static void contact_post(struct office *o)
{
	struct selection_office_contact c;
	char err[300];
	int rc;

	if (!csrf_ok(o))
		return;
	if (!o->staff) {
		message_page(o, 403, "Operazione non consentita", "I recapiti si impostano dal personale del Comune.");
		return;
	}
	memset(&c, 0, sizeof(c));
	if (field(o, "nome", c.name, sizeof(c.name)) + field(o, "telefono", c.phone, sizeof(c.phone)) +
	    field(o, "email", c.email, sizeof(c.email)) + field(o, "indirizzo", c.address, sizeof(c.address)) < -3) {
		contact_page(o, 400, "Compila il modulo.", NULL);
		return;
	}
	str_trim(c.name);
	str_trim(c.phone);
	str_trim(c.email);
	str_trim(c.address);
	rc = selection_office_set(o->s, o->scope, &c, o->sess.name, err, sizeof(err));
	if (rc == 2)
		contact_page(o, 409, err, NULL);
	else if (rc)
		storage_error(o);
	else
		html_staff_redirect(o->resp, "/ufficio/contatti?fatto=1");
}

/* ---- /ufficio/nuova-domanda: an application received on paper or by PEC ---- */

/* The form; after a refusal (error, field: the input it names) every
 * value the clerk typed is kept. */
static void intake_page(struct office *o, int status, const char *error, const char *bad)
{
	static const struct {
		const char *id, *label, *type;
		int size;
	} inputs[] = {
		{ "ricevuta_il", "Data di ricevimento", "date", 10 },
		{ "riferimento", "Riferimento (n. di protocollo generale o messaggio PEC)", "text", 120 },
		{ "codice_fiscale", "Codice fiscale", "text", 16 },
		{ "nome", "Nome", "text", 64 }, { "cognome", "Cognome", "text", 64 },
		{ "telefono", "Telefono", "tel", 20 }, { "email", "E-mail", "email", 254 },
		{ "residenza", "Comune di residenza", "text", 60 },
	};
	struct store_rows r;
	struct hbuf b;
	char v[300], today[11];
	int i;

	if (!o->staff) {
		message_page(o, 403, "Riservato al Comune", "Le domande su carta o via PEC si registrano dal "
			     "personale del Comune ospitante.");
		return;
	}
	if (office_placements_read(o->s, o->scope, &r)) {
		storage_error(o);
		return;
	}
	time_date(now_wall(), today, sizeof(today));
	page_start(o, &b, "Registra una domanda su carta o via PEC – DoteComune");
	hbuf_add(&b, "<h1>Registra una domanda su carta o via PEC</h1><p>Gli stessi controlli dello sportello: "
		     "codice fiscale, una domanda per avviso, requisiti dell'avviso. La domanda riceve un numero di "
		     "protocollo del Comune e resta segnata come arrivata su carta o via PEC.</p>");
	notice(&b, error, NULL);
	hbuf_printf(&b, "<form method=\"post\" action=\"/ufficio/nuova-domanda\" class=\"act\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", o->sess.csrf);
	posted(o, "progetto", v, sizeof(v));
	if (!*v)
		http_query_get(o->req->query, "codice", v, sizeof(v));
	hbuf_printf(&b, "<div><label for=\"progetto\">Progetto</label><select id=\"progetto\" name=\"progetto\"%s>",
		    bad && !strcmp(bad, "progetto") ? " aria-invalid=\"true\"" : "");
	for (i = 0; i < r.n; i++) {
		const struct office_placement *pl = (const struct office_placement *)r.v + i;

		hbuf_add(&b, "<option value=\"");
		hbuf_esc(&b, pl->code);
		hbuf_add(&b, !strcmp(v, pl->code) ? "\" selected>" : "\">");
		hbuf_esc(&b, pl->code);
		hbuf_add(&b, " – ");
		hbuf_esc(&b, pl->title);
		hbuf_add(&b, "</option>");
	}
	store_rows_release(&r);
	hbuf_add(&b, "</select></div>");
	posted(o, "canale", v, sizeof(v));
	hbuf_printf(&b, "<fieldset><legend>Canale</legend><label><input type=\"radio\" name=\"canale\" value=\"carta\"%s>"
		    " su carta</label> <label><input type=\"radio\" name=\"canale\" value=\"pec\"%s> via PEC</label>"
		    "</fieldset>", strcmp(v, "pec") ? " checked" : "", strcmp(v, "pec") ? "" : " checked");
	for (size_t k = 0; k < ARRAY_SIZE(inputs); k++) {
		posted(o, inputs[k].id, v, sizeof(v));
		if (!*v && !strcmp(inputs[k].id, "ricevuta_il") && !error)
			str_copy(v, sizeof(v), today);
		hbuf_printf(&b, "<div><label for=\"%s\">%s</label><input type=\"%s\" id=\"%s\" name=\"%s\""
			    " maxlength=\"%d\"%s", inputs[k].id, inputs[k].label, inputs[k].type, inputs[k].id,
			    inputs[k].id, inputs[k].size,
			    bad && !strcmp(bad, inputs[k].id) ? " aria-invalid=\"true\" autofocus" : "");
		input_value(&b, v);
		hbuf_add(&b, "></div>");
	}
	posted(o, "condizione", v, sizeof(v));
	hbuf_add(&b, "<div><label for=\"condizione\">Condizione</label><select id=\"condizione\" name=\"condizione\">");
	for (size_t k = 0; k < applicant_statuses_n; k++)
		hbuf_printf(&b, "<option value=\"%s\"%s>%s</option>", applicant_statuses[k].key,
			    !strcmp(v, applicant_statuses[k].key) ? " selected" : "", applicant_statuses[k].it);
	hbuf_add(&b, "</select></div>");
	posted(o, "titolo", v, sizeof(v));
	hbuf_add(&b, "<div><label for=\"titolo\">Titolo di studio</label><select id=\"titolo\" name=\"titolo\">");
	for (size_t k = 0; k < education_levels_n; k++)
		hbuf_printf(&b, "<option value=\"%s\"%s>%s</option>", education_levels[k].key,
			    !strcmp(v, education_levels[k].key) ? " selected" : "", education_levels[k].it);
	hbuf_add(&b, "</select></div><button type=\"submit\">Registra la domanda</button></form>");
	page_finish(o, &b, status);
}

static void intake_post(struct office *o)
{
	char pl[48], ch[8], rec[16], ref[124], cf[24], gn[200], fn[200], ph[24], em[260], res[80], st[24], ed[24];
	char proto[INTAKE_PROTOCOL_MAX], bad[INTAKE_FIELD_MAX], err[300];
	struct intake_form f = { pl, ch, rec, ref, cf, gn, fn, ph, em, res, st, ed };
	int rc;

	if (!csrf_ok(o))
		return;
	if (!o->staff) {
		message_page(o, 403, "Operazione non consentita", "Le domande su carta o via PEC si registrano dal "
			     "personale del Comune ospitante.");
		return;
	}
	field(o, "progetto", pl, sizeof(pl));
	field(o, "canale", ch, sizeof(ch));
	field(o, "ricevuta_il", rec, sizeof(rec));
	field(o, "riferimento", ref, sizeof(ref));
	field(o, "codice_fiscale", cf, sizeof(cf));
	field(o, "nome", gn, sizeof(gn));
	field(o, "cognome", fn, sizeof(fn));
	field(o, "telefono", ph, sizeof(ph));
	field(o, "email", em, sizeof(em));
	field(o, "residenza", res, sizeof(res));
	field(o, "condizione", st, sizeof(st));
	field(o, "titolo", ed, sizeof(ed));
	str_trim(rec);
	str_trim(cf);
	str_trim(ph);
	str_trim(em);
	str_trim(res);
	str_trim(ref);
	/* dd/mm/yyyy, as typed in Italy, to yyyy-mm-dd */
	if (strlen(rec) == 10 && rec[2] == '/' && rec[5] == '/') {
		char iso[11];
		snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2s", rec + 6, rec + 3, rec);
		str_copy(rec, sizeof(rec), iso);
	}
	for (char *c = cf; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	rc = intake_record(o->s, o->scope, &f, o->sess.name, proto, sizeof(proto), bad, sizeof(bad), err,
			   sizeof(err));
	if (rc == 2)
		intake_page(o, 422, err, bad);
	else if (rc)
		storage_error(o);
	else
		redirect_done(o, "/ufficio/domanda?id=", proto, "registrata");
}

/* ---- GET /ufficio/registro ---- */

static void audit_page(struct office *o)
{
	struct store_rows r;
	struct hbuf b;
	int i;

	if (office_audit_read(o->s, o->scope, &r)) {
		storage_error(o);
		return;
	}
	page_start(o, &b, "Registro delle modifiche – DoteComune");
	hbuf_add(&b, "<h1>Registro delle modifiche</h1><p>Ogni operazione sulle domande");
	hbuf_add(&b, o->staff ? " del tuo Comune" : " della rete");
	hbuf_add(&b, ": chi, quando, da quale stato a quale, con la nota. Le più recenti per prime (al massimo "
		     "1000).</p><table><thead><tr><th>Quando</th><th>Chi</th>");
	if (!o->staff)
		hbuf_add(&b, "<th>Comune</th>");
	hbuf_add(&b, "<th>Protocollo</th><th>Progetto</th><th>Operazione</th><th>Da</th><th>A</th><th>Nota</th>"
		     "</tr></thead><tbody>");
	for (i = 0; i < r.n; i++) {
		audit_row(&b, (const struct office_audit *)r.v + i, 1, !o->staff);
	}
	if (!r.n)
		hbuf_add(&b, "<tr><td colspan=\"9\">Nessuna operazione registrata.</td></tr>");
	hbuf_add(&b, "</tbody></table>");
	store_rows_release(&r);
	/* The erasures of personal data (`dote retention run`): counts only. */
	if (!o->staff && !office_erasures_read(o->s, &r)) {
		hbuf_add(&b, "<h2>Cancellazioni dei dati personali</h2><table><thead><tr><th>Quando</th><th>Chi</th>"
			     "<th class=\"n\">Giorni dopo la graduatoria definitiva</th><th class=\"n\">Domande</th>"
			     "<th class=\"n\">Progetti</th></tr></thead><tbody>");
		for (i = 0; i < r.n; i++) {
			const struct office_erasure *e = (const struct office_erasure *)r.v + i;
			char w[40];

			when(e->at, w, sizeof(w));
			hbuf_add(&b, "<tr>");
			td_nw(&b, w);
			td(&b, e->by);
			hbuf_add(&b, "<td class=\"n\">");
			hbuf_esc(&b, e->days);
			hbuf_add(&b, "</td><td class=\"n\">");
			hbuf_esc(&b, e->applications);
			hbuf_add(&b, "</td><td class=\"n\">");
			hbuf_esc(&b, e->placements);
			hbuf_add(&b, "</td></tr>");
		}
		if (!r.n)
			hbuf_add(&b, "<tr><td colspan=\"5\">Nessuna cancellazione finora.</td></tr>");
		hbuf_add(&b, "</tbody></table>");
		store_rows_release(&r);
	}
	page_finish(o, &b, 200);
}

/* ---- routing ---- */

/* The running placement's pages (office_placement.c) use this frame. */
static void placement_top(void *ctx, struct hbuf *b, const char *title)
{
	top(ctx, b, title);
}

int office_handle(struct store *s, const struct http_request *req, struct http_response *resp)
{
	struct office o;
	char token[AUTH_TOKEN_LEN + 2] = "";
	const char *p = req->path;
	int get = !strcmp(req->method, "GET") || !strcmp(req->method, "HEAD"), post = !strcmp(req->method, "POST");
	enum auth_result ar;

	memset(&o, 0, sizeof(o));
	o.s = s;
	o.req = req;
	o.resp = resp;
	ar = http_cookie_get(req->cookie, "dc_session", token, sizeof(token)) ? AUTH_DENIED
									      : auth_session_get(s, token, &o.sess);
	str_wipe(token, sizeof(token));
	if (ar == AUTH_ERROR) {
		struct hbuf b;
		hbuf_init(&b, 4096);
		hbuf_add(&b, "<!DOCTYPE html><html lang=\"it\"><title>Servizio non disponibile</title>"
			     "<p>Il servizio non è raggiungibile: riprova tra poco.</p></html>");
		respond(resp, 503, "text/html; charset=utf-8", &b);
		return 0;
	}
	if (ar != AUTH_OK) {
		html_staff_redirect(resp, "/login");
		return 0;
	}
	o.staff = !strcmp(o.sess.role, "comune");
	/* A comune account without a comune would see everything: refuse. */
	if (o.staff && strlen(o.sess.comune) != 6) {
		message_page(&o, 403, "Account incompleto", "Il tuo account non è collegato a un Comune.");
		return 0;
	}
	o.scope = o.staff ? o.sess.comune : "";
	if (post && req->body_len > FORM_MAX) {
		message_page(&o, 413, "Richiesta troppo grande", "Il modulo inviato è troppo grande.");
		return 0;
	}
	if (!strcmp(p, "/ufficio") || !strcmp(p, "/ufficio/")) {
		if (get)
			home(&o);
		else
			message_page(&o, 405, "Metodo non consentito", "Questa pagina si consulta soltanto.");
	} else if (!strcmp(p, "/ufficio/progetto") && get) {
		placement_page(&o);
	} else if (!strcmp(p, "/ufficio/domanda") && get) {
		char id[72] = "", fatto[16] = "";
		http_query_get(req->query, "id", id, sizeof(id));
		http_query_get(req->query, "fatto", fatto, sizeof(fatto));
		application_page(&o, id, 200, NULL, done_text(fatto));
	} else if (!strcmp(p, "/ufficio/domanda") && post) {
		application_post(&o);
	} else if (!strcmp(p, "/ufficio/graduatoria") && get) {
		ranking_page(&o, NULL, 0);
	} else if (!strcmp(p, "/ufficio/graduatoria") && post) {
		ranking_post(&o);
	} else if (!strcmp(p, "/ufficio/contatti") && get) {
		char fatto[4] = "";
		http_query_get(req->query, "fatto", fatto, sizeof(fatto));
		contact_page(&o, 200, NULL, *fatto ? "Recapiti salvati." : NULL);
	} else if (!strcmp(p, "/ufficio/contatti") && post) {
		contact_post(&o);
	} else if (!strcmp(p, "/ufficio/candidati") && get) {
		applicants_export(&o);
	} else if (!strcmp(p, "/ufficio/nuova-domanda") && get) {
		intake_page(&o, 200, NULL, NULL);
	} else if (!strcmp(p, "/ufficio/nuova-domanda") && post) {
		intake_post(&o);
	} else if (!strcmp(p, "/ufficio/registro") && get) {
		audit_page(&o);
	} else if (office_placement_path(p)) {
		struct office_request r = { s, req, resp, o.sess.name, o.sess.csrf, o.scope, o.staff, placement_top, &o };
		return office_placement_handle(&r);
	} else {
		message_page(&o, 404, "Pagina non trovata", "La pagina richiesta non esiste.");
	}
	return 0;
}

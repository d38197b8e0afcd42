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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/comuni.h"
#include "core/model.h"
#include "core/util.h"
#include "reports/store/selection.h"
#include "reports/store/store.h"
#include "reports/web/auth.h"
#include "reports/web/html.h"
#include "reports/web/office.h"

#define ARGS(...) (&(struct store_args){ .v = { __VA_ARGS__ }, \
	.n = (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *)) })

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
		    "<a href=\"/ufficio/registro\">Registro delle modifiche</a>"
		    "<a href=\"/dashboard\">Statistiche</a></nav><main id=\"main\">");
}

static void bottom(struct hbuf *b)
{
	hbuf_add(b, "</main>");
	html_page_end(b);
}

static void message_page(struct office *o, int status, const char *title, const char *msg)
{
	struct hbuf b;

	hbuf_init(&b, PAGE_MAX);
	top(o, &b, title);
	hbuf_add(&b, "<h1>");
	hbuf_esc(&b, title);
	hbuf_add(&b, "</h1><p>");
	hbuf_esc(&b, msg);
	hbuf_add(&b, "</p><p><a href=\"/ufficio\">Torna ai progetti</a></p>");
	bottom(&b);
	respond(o->resp, status, "text/html; charset=utf-8", &b);
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

/* Appends a query parameter value, percent-encoded. */
static void url_value(struct hbuf *b, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.') {
			hbuf_addn(b, (const char *)p, 1);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			hbuf_addn(b, e, 3);
		}
	}
}

static void alink(struct hbuf *b, const char *base, const char *value, const char *text)
{
	hbuf_add(b, "<a href=\"");
	hbuf_add(b, base);
	url_value(b, value);
	hbuf_add(b, "\">");
	hbuf_esc(b, text);
	hbuf_add(b, "</a>");
}

/* The published verdict of a ranking row. */
static const char *verdict(int ranked, const char *outcome, const char *requirements, const char *status)
{
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

/* ---- GET /ufficio ---- */

static void home(struct office *o)
{
	struct store_res *r;
	struct hbuf b;
	int i;

	if (store_query(o->s, "SELECT p.code, p.title, p.office, p.seats, c.code, p.comune,"
			      " (SELECT count(*) FROM application a WHERE a.placement_code = p.code"
			      "  AND a.duplicate_of IS NULL),"
			      " (SELECT count(*) FROM application a WHERE a.placement_code = p.code"
			      "  AND a.duplicate_of IS NULL AND a.status IN ('received', 'interview')),"
			      " coalesce(f.final_at, '')"
			      " FROM placement p JOIN call c ON c.id = p.call_id"
			      " LEFT JOIN ranking_final f ON f.placement_code = p.code"
			      " WHERE (?1 = '' OR p.comune = ?1) ORDER BY p.comune, c.code, p.code LIMIT 2000",
			ARGS(o->scope), &r)) {
		storage_error(o);
		return;
	}
	hbuf_init(&b, PAGE_MAX);
	top(o, &b, "Progetti e domande – DoteComune");
	hbuf_add(&b, "<h1>Progetti e domande</h1>");
	hbuf_add(&b, o->staff ? "<p>I progetti del tuo Comune. Apri un progetto per vedere le domande, "
				 "convocare i candidati ai colloqui e formare la graduatoria.</p>"
			      : "<p>I progetti della rete. Le domande e i recapiti dei candidati sono visibili "
				"soltanto al personale del Comune ospitante; qui trovi le graduatorie e il "
				"<a href=\"/ufficio/registro\">registro delle modifiche</a>.</p>");
	if (!store_res_rows(r)) {
		hbuf_add(&b, "<p>Nessun progetto.</p>");
	} else {
		hbuf_add(&b, "<table><caption>Progetti</caption><thead><tr><th>Progetto</th><th>Avviso</th>");
		if (!o->staff)
			hbuf_add(&b, "<th>Comune</th>");
		hbuf_add(&b, "<th>Titolo</th><th class=\"n\">Posti</th><th class=\"n\">Domande</th>"
			     "<th class=\"n\">Da valutare</th><th>Graduatoria</th></tr></thead><tbody>");
		for (i = 0; i < store_res_rows(r); i++) {
			const char *code = store_res_get(r, i, 0), *fin = store_res_get(r, i, 8);
			const struct comune *c = comune_by_istat(store_res_get(r, i, 5));
			char w[40];

			hbuf_add(&b, "<tr><td class=\"nw\">");
			if (o->staff)
				alink(&b, "/ufficio/progetto?codice=", code, code);
			else
				hbuf_esc(&b, code);
			hbuf_add(&b, "</td>");
			td(&b, store_res_get(r, i, 4));
			if (!o->staff)
				td(&b, c ? c->name : store_res_get(r, i, 5));
			td(&b, store_res_get(r, i, 1));
			hbuf_printf(&b, "<td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td>",
				    store_res_get(r, i, 3), store_res_get(r, i, 6), store_res_get(r, i, 7));
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
	store_res_free(r);
	bottom(&b);
	respond(o->resp, 200, "text/html; charset=utf-8", &b);
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
	struct store_res *p = NULL, *r = NULL, *rank = NULL;
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
	if (store_query(o->s, "SELECT p.title, p.office, p.address, p.seats, c.code, c.title, p.requirements,"
			      " coalesce(f.final_at, '') FROM placement p JOIN call c ON c.id = p.call_id"
			      " LEFT JOIN ranking_final f ON f.placement_code = p.code"
			      " WHERE p.code = ?1 AND p.comune = ?2", ARGS(code, o->scope), &p) ||
	    store_res_rows(p) != 1 ||
	    store_query(o->s, "SELECT a.protocol, coalesce(a.given_name, ''), coalesce(a.family_name, ''),"
			      " coalesce(a.phone, ''), coalesce(a.email, ''), a.status, a.submitted_at,"
			      " coalesce(x.requirements, ''), coalesce(x.interview_at, ''),"
			      " coalesce(CAST(x.score AS TEXT), ''), coalesce(x.outcome, ''),"
			      " CASE WHEN a.duplicate_of IS NULL THEN 0 ELSE 1 END,"
			      " CASE WHEN x.erased_at IS NULL THEN 0 ELSE 1 END"
			      " FROM application a LEFT JOIN selection x ON x.uuid = a.uuid"
			      " WHERE a.placement_code = ?1 AND a.comune = ?2 ORDER BY a.submitted_at, a.protocol"
			      " LIMIT 2000", ARGS(code, o->scope), &r)) {
		storage_error(o);
		goto out;
	}
	hbuf_init(&b, PAGE_MAX);
	{
		char title[160];
		snprintf(title, sizeof(title), "Domande al progetto %s – DoteComune", code);
		top(o, &b, title);
	}
	hbuf_add(&b, "<nav class=\"crumbs\" aria-label=\"Percorso\"><a href=\"/ufficio\">Progetti</a> › ");
	hbuf_esc(&b, code);
	hbuf_add(&b, "</nav><h1>");
	hbuf_esc(&b, store_res_get(p, 0, 0));
	hbuf_add(&b, "</h1><dl class=\"card\"><dt>Progetto</dt><dd>");
	hbuf_esc(&b, code);
	hbuf_add(&b, "</dd><dt>Avviso</dt><dd>");
	hbuf_esc(&b, store_res_get(p, 0, 4));
	hbuf_add(&b, " – ");
	hbuf_esc(&b, store_res_get(p, 0, 5));
	hbuf_add(&b, "</dd><dt>Ufficio</dt><dd>");
	hbuf_esc(&b, store_res_get(p, 0, 1));
	hbuf_add(&b, ", ");
	hbuf_esc(&b, store_res_get(p, 0, 2));
	hbuf_add(&b, "</dd><dt>Posti</dt><dd>");
	hbuf_esc(&b, store_res_get(p, 0, 3));
	hbuf_add(&b, "</dd><dt>Requisiti</dt><dd>");
	hbuf_esc(&b, *store_res_get(p, 0, 6) ? store_res_get(p, 0, 6) : "quelli dell'avviso");
	hbuf_add(&b, "</dd><dt>Graduatoria</dt><dd>");
	alink(&b, "/ufficio/graduatoria?codice=", code, *store_res_get(p, 0, 7) ? "definitiva" : "provvisoria");
	hbuf_add(&b, " (");
	alink(&b, "/ufficio/graduatoria?formato=csv&codice=", code, "CSV");
	hbuf_add(&b, ")</dd></dl>");
	hbuf_printf(&b, "<table><caption>%d domande</caption><thead><tr><th>Protocollo</th><th>Candidato/a</th>"
		    "<th>Telefono</th><th>E-mail</th><th>Stato</th><th>Requisiti</th><th>Colloquio</th>"
		    "<th class=\"n\">Punteggio</th><th class=\"n\">Posizione</th></tr></thead><tbody>",
		    store_res_rows(r));
	for (i = 0; i < store_res_rows(r); i++) {
		const char *proto = store_res_get(r, i, 0), *req = store_res_get(r, i, 7);
		char name[160], w[40];
		int pos = position(rank, proto);

		hbuf_add(&b, "<tr><td class=\"nw\">");
		alink(&b, "/ufficio/domanda?id=", proto, proto);
		if (atoi(store_res_get(r, i, 11)))
			hbuf_add(&b, "<br><span class=\"note\">doppia: stessa persona, stesso avviso</span>");
		hbuf_add(&b, "</td>");
		if (atoi(store_res_get(r, i, 12)))
			snprintf(name, sizeof(name), "(dati personali cancellati)");
		else
			snprintf(name, sizeof(name), "%s %s", store_res_get(r, i, 1), store_res_get(r, i, 2));
		td(&b, name);
		td(&b, store_res_get(r, i, 3));
		td(&b, store_res_get(r, i, 4));
		hbuf_add(&b, "<td><span class=\"status\">");
		hbuf_esc(&b, status_it(store_res_get(r, i, 5)));
		hbuf_add(&b, "</span></td>");
		hbuf_add(&b, !strcmp(req, "ok") ? "<td class=\"ok\">posseduti</td>"
			     : !strcmp(req, "ko") ? "<td class=\"ko\">non posseduti</td>" : "<td>da verificare</td>");
		selection_when_it(store_res_get(r, i, 8), w, sizeof(w));
		td(&b, w);
		td(&b, store_res_get(r, i, 9));
		if (pos)
			hbuf_printf(&b, "<td class=\"n\">%d</td>", pos);
		else
			hbuf_add(&b, "<td class=\"n\">–</td>");
		hbuf_add(&b, "</tr>");
	}
	hbuf_add(&b, "</tbody></table>");
	bottom(&b);
	respond(o->resp, 200, "text/html; charset=utf-8", &b);
out:
	store_res_free(p);
	store_res_free(r);
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

static void note_field(struct hbuf *b, const char *id)
{
	hbuf_printf(b, "<div><label for=\"%s\">Nota (facoltativa)</label><input type=\"text\" id=\"%s\""
		       " name=\"nota\" maxlength=\"%d\"></div>", id, id, SELECTION_NOTE_MAX);
}

static const char *audit_label(const char *action)
{
	if (!strcmp(action, "status"))
		return "Cambio di stato";
	if (!strcmp(action, "interview_changed"))
		return "Nuova convocazione";
	if (!strcmp(action, "requirements_ok"))
		return "Requisiti posseduti";
	if (!strcmp(action, "requirements_ko"))
		return "Requisiti non posseduti";
	if (!strcmp(action, "score"))
		return "Esito del colloquio";
	if (!strcmp(action, "ranking_final"))
		return "Graduatoria definitiva";
	return action;
}

static void application_page(struct office *o, const char *id, int status, const char *error, const char *done)
{
	struct store_res *r = NULL, *h = NULL;
	struct hbuf b;
	const char *st, *proto;
	int i, erased, any;

	if (!o->staff) {
		message_page(o, 403, "Riservato al Comune", "Le domande e i recapiti dei candidati sono visibili "
			     "soltanto al personale del Comune ospitante.");
		return;
	}
	if (!id || !*id || strlen(id) > 64) {
		not_found(o);
		return;
	}
	if (store_query(o->s, "SELECT a.uuid, a.protocol, a.placement_code, coalesce(p.title, ''),"
			      " coalesce(a.given_name, ''), coalesce(a.family_name, ''), coalesce(a.cf, ''),"
			      " coalesce(a.phone, ''), coalesce(a.email, ''), coalesce(a.birth_date, ''),"
			      " coalesce(a.residence, ''), a.applicant_status, a.education, a.submitted_at, a.status,"
			      " coalesce(x.requirements, ''), coalesce(x.requirements_note, ''),"
			      " coalesce(x.interview_at, ''), coalesce(x.interview_place, ''),"
			      " coalesce(x.outcome, ''), coalesce(CAST(x.score AS TEXT), ''),"
			      " CASE WHEN x.erased_at IS NULL THEN 0 ELSE 1 END, coalesce(a.duplicate_of, ''),"
			      " CASE WHEN f.placement_code IS NULL THEN 0 ELSE 1 END"
			      " FROM application a LEFT JOIN placement p ON p.code = a.placement_code"
			      " LEFT JOIN selection x ON x.uuid = a.uuid"
			      " LEFT JOIN ranking_final f ON f.placement_code = a.placement_code"
			      " WHERE (a.protocol = ?1 OR a.uuid = ?1) AND a.comune = ?2", ARGS(id, o->scope), &r)) {
		storage_error(o);
		return;
	}
	if (store_res_rows(r) != 1) {
		store_res_free(r);
		not_found(o);
		return;
	}
	proto = store_res_get(r, 0, 1);
	st = store_res_get(r, 0, 14);
	erased = atoi(store_res_get(r, 0, 21));
	hbuf_init(&b, PAGE_MAX);
	{
		char title[160];
		snprintf(title, sizeof(title), "Domanda %s – DoteComune", proto);
		top(o, &b, title);
	}
	hbuf_add(&b, "<nav class=\"crumbs\" aria-label=\"Percorso\"><a href=\"/ufficio\">Progetti</a> › ");
	alink(&b, "/ufficio/progetto?codice=", store_res_get(r, 0, 2), store_res_get(r, 0, 2));
	hbuf_add(&b, " › ");
	hbuf_esc(&b, proto);
	hbuf_add(&b, "</nav><h1>Domanda ");
	hbuf_esc(&b, proto);
	hbuf_add(&b, "</h1>");
	if (error) {
		hbuf_add(&b, "<p class=\"err\" role=\"alert\">");
		hbuf_esc(&b, error);
		hbuf_add(&b, "</p>");
	} else if (done) {
		hbuf_add(&b, "<p class=\"ok\" role=\"status\">");
		hbuf_esc(&b, done);
		hbuf_add(&b, "</p>");
	}
	hbuf_add(&b, "<dl class=\"card\"><dt>Stato</dt><dd><span class=\"status\">");
	hbuf_esc(&b, status_it(st));
	hbuf_add(&b, "</span></dd><dt>Progetto</dt><dd>");
	hbuf_esc(&b, store_res_get(r, 0, 2));
	hbuf_add(&b, " – ");
	hbuf_esc(&b, store_res_get(r, 0, 3));
	hbuf_add(&b, "</dd>");
	if (erased) {
		hbuf_add(&b, "<dt>Candidato/a</dt><dd>dati personali cancellati (conservazione scaduta)</dd>");
	} else {
		const struct comune *res = comune_by_istat(store_res_get(r, 0, 10));
		const struct vocab *as = vocab_find(applicant_statuses, applicant_statuses_n, store_res_get(r, 0, 11));
		const struct vocab *ed = vocab_find(education_levels, education_levels_n, store_res_get(r, 0, 12));
		char name[160];

		snprintf(name, sizeof(name), "%s %s", store_res_get(r, 0, 4), store_res_get(r, 0, 5));
		hbuf_add(&b, "<dt>Candidato/a</dt><dd>");
		hbuf_esc(&b, name);
		hbuf_add(&b, "</dd><dt>Codice fiscale</dt><dd>");
		hbuf_esc(&b, store_res_get(r, 0, 6));
		hbuf_add(&b, "</dd><dt>Telefono</dt><dd>");
		hbuf_esc(&b, store_res_get(r, 0, 7));
		hbuf_add(&b, "</dd><dt>E-mail</dt><dd>");
		hbuf_esc(&b, *store_res_get(r, 0, 8) ? store_res_get(r, 0, 8) : "non indicata");
		hbuf_add(&b, "</dd><dt>Data di nascita</dt><dd>");
		{
			const char *bd = store_res_get(r, 0, 9);
			char it[16];

			if (strlen(bd) == 10)
				snprintf(it, sizeof(it), "%.2s/%.2s/%.4s", bd + 8, bd + 5, bd);
			else
				str_copy(it, sizeof(it), bd);
			hbuf_esc(&b, it);
		}
		hbuf_add(&b, "</dd><dt>Residenza</dt><dd>");
		hbuf_esc(&b, res ? res->name : store_res_get(r, 0, 10));
		hbuf_add(&b, "</dd><dt>Condizione</dt><dd>");
		hbuf_esc(&b, as ? as->it : store_res_get(r, 0, 11));
		hbuf_add(&b, "</dd><dt>Titolo di studio</dt><dd>");
		hbuf_esc(&b, ed ? ed->it : store_res_get(r, 0, 12));
		hbuf_add(&b, "</dd>");
	}
	{
		char w[40];
		when(store_res_get(r, 0, 13), w, sizeof(w));
		hbuf_add(&b, "<dt>Presentata il</dt><dd>");
		hbuf_esc(&b, w);
		hbuf_add(&b, "</dd><dt>Requisiti</dt><dd>");
		hbuf_add(&b, !strcmp(store_res_get(r, 0, 15), "ok") ? "<span class=\"ok\">posseduti</span>"
			     : !strcmp(store_res_get(r, 0, 15), "ko") ? "<span class=\"ko\">non posseduti</span>"
			     : "da verificare");
		if (*store_res_get(r, 0, 16)) {
			hbuf_add(&b, " – ");
			hbuf_esc(&b, store_res_get(r, 0, 16));
		}
		hbuf_add(&b, "</dd>");
		if (*store_res_get(r, 0, 17)) {
			selection_when_it(store_res_get(r, 0, 17), w, sizeof(w));
			hbuf_add(&b, "<dt>Colloquio</dt><dd>");
			hbuf_esc(&b, w);
			hbuf_add(&b, ", ");
			hbuf_esc(&b, store_res_get(r, 0, 18));
			hbuf_add(&b, "</dd>");
		}
		if (*store_res_get(r, 0, 19)) {
			hbuf_add(&b, "<dt>Esito del colloquio</dt><dd>");
			hbuf_add(&b, !strcmp(store_res_get(r, 0, 19), "idoneo") ? "idoneo/a" : "non idoneo/a");
			hbuf_add(&b, ", punteggio ");
			hbuf_esc(&b, store_res_get(r, 0, 20));
			hbuf_add(&b, "</dd>");
		}
		if (*store_res_get(r, 0, 22))
			hbuf_add(&b, "<dt>Attenzione</dt><dd>domanda doppia: la stessa persona ha già presentato "
				     "una domanda per lo stesso avviso.</dd>");
	}
	hbuf_add(&b, "</dl>");

	/* The forms for what may happen next. */
	if (!strcmp(st, "received") || !strcmp(st, "interview")) {
		form_start(o, &b, proto, "requisiti", "Verifica dei requisiti");
		hbuf_add(&b, "<fieldset style=\"border:0;padding:0\"><legend class=\"sr\">Esito della verifica</legend>"
			     "<label style=\"font-weight:400\"><input type=\"radio\" name=\"esito\" value=\"ok\" required>"
			     " Requisiti posseduti</label><label style=\"font-weight:400\"><input type=\"radio\""
			     " name=\"esito\" value=\"ko\"> Requisiti non posseduti</label></fieldset>");
		note_field(&b, "nota-req");
		hbuf_add(&b, "<button type=\"submit\">Registra la verifica</button></form>");
		form_start(o, &b, proto, "colloquio", !strcmp(st, "interview") ? "Sposta il colloquio"
									 : "Convoca al colloquio");
		hbuf_add(&b, "<div><label for=\"quando\">Data e ora</label><input type=\"datetime-local\" id=\"quando\""
			     " name=\"quando\" required><span class=\"note\"> se il browser non mostra il calendario,"
			     " scrivi AAAA-MM-GGTHH:MM (es. 2026-03-20T10:00)</span></div>"
			     "<div><label for=\"luogo\">Luogo</label>"
			     "<input type=\"text\" id=\"luogo\" name=\"luogo\" required maxlength=\"200\""
			     " placeholder=\"Municipio, via Roma 1, sala Giunta\"></div>");
		note_field(&b, "nota-coll");
		hbuf_add(&b, "<button type=\"submit\">Convoca</button><p class=\"note\">Il candidato vede la "
			     "convocazione allo sportello e nella pagina della ricevuta; se ha lasciato l'e-mail, "
			     "riceve un messaggio.</p></form>");
	}
	if (*store_res_get(r, 0, 17) && !atoi(store_res_get(r, 0, 23)) &&
	    (!strcmp(st, "interview") || !strcmp(st, "selected") || !strcmp(st, "not_selected"))) {
		form_start(o, &b, proto, "esito", "Esito del colloquio e punteggio");
		hbuf_add(&b, "<div><label for=\"giudizio\">Esito</label><select id=\"giudizio\" name=\"giudizio\">"
			     "<option value=\"idoneo\">Idoneo/a</option><option value=\"non_idoneo\">Non idoneo/a"
			     "</option></select></div><div><label for=\"punteggio\">Punteggio (0-100)</label>"
			     "<input type=\"number\" id=\"punteggio\" name=\"punteggio\" min=\"0\" max=\"100\""
			     " required></div>");
		note_field(&b, "nota-esito");
		hbuf_add(&b, "<button type=\"submit\">Registra l'esito</button></form>");
	}
	any = 0;
	for (i = 0; i < (int)application_statuses_n; i++) {
		const char *k = application_statuses[i].key;

		if (!strcmp(k, "interview") || !application_status_allowed(st, k))
			continue;
		if (!any)
			form_start(o, &b, proto, "stato", "Cambia lo stato");
		if (!any)
			hbuf_add(&b, "<div><label for=\"stato\">Nuovo stato</label><select id=\"stato\" name=\"stato\""
				     " required><option value=\"\">— scegli —</option>");
		hbuf_printf(&b, "<option value=\"%s\">", k);
		hbuf_esc(&b, application_statuses[i].it);
		hbuf_add(&b, "</option>");
		any = 1;
	}
	if (any) {
		hbuf_add(&b, "</select></div>");
		note_field(&b, "nota-stato");
		hbuf_add(&b, "<button type=\"submit\">Registra il nuovo stato</button></form>");
	} else if (strcmp(st, "received") && strcmp(st, "interview")) {
		hbuf_add(&b, "<p class=\"note\">Lo stato della domanda è definitivo.</p>");
	}

	/* The history. */
	if (!store_query(o->s, "SELECT at, by, action, from_status, to_status, note FROM selection_audit"
			       " WHERE uuid = ?1 ORDER BY id", ARGS(store_res_get(r, 0, 0)), &h)) {
		hbuf_add(&b, "<h2>Registro delle modifiche</h2><table><thead><tr><th>Quando</th><th>Chi</th>"
			     "<th>Operazione</th><th>Da</th><th>A</th><th>Nota</th></tr></thead><tbody>");
		if (!store_res_rows(h))
			hbuf_add(&b, "<tr><td colspan=\"6\">Nessuna modifica finora.</td></tr>");
		for (i = 0; i < store_res_rows(h); i++) {
			char w[40];
			when(store_res_get(h, i, 0), w, sizeof(w));
			hbuf_add(&b, "<tr>");
			td_nw(&b, w);
			td(&b, store_res_get(h, i, 1));
			td(&b, audit_label(store_res_get(h, i, 2)));
			td(&b, status_it(store_res_get(h, i, 3)));
			td(&b, status_it(store_res_get(h, i, 4)));
			td(&b, store_res_get(h, i, 5));
			hbuf_add(&b, "</tr>");
		}
		hbuf_add(&b, "</tbody></table>");
		store_res_free(h);
	}
	store_res_free(r);
	bottom(&b);
	respond(o->resp, status, "text/html; charset=utf-8", &b);
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

static void application_post(struct office *o)
{
	char id[72], action[16], note[SELECTION_NOTE_MAX + 2], err[512], v1[48], v2[SELECTION_PLACE_MAX + 2];
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
	if (!strcmp(action, "requisiti")) {
		if (field(o, "esito", v1, sizeof(v1)) || (strcmp(v1, "ok") && strcmp(v1, "ko"))) {
			application_page(o, id, 400, "Indica se i requisiti sono posseduti.", NULL);
			return;
		}
		rc = selection_requirements(o->s, o->scope, id, !strcmp(v1, "ok"), o->sess.name, note, err, sizeof(err));
	} else if (!strcmp(action, "colloquio")) {
		if (field(o, "quando", v1, sizeof(v1)) || field(o, "luogo", v2, sizeof(v2))) {
			application_page(o, id, 400, "Indica data, ora e luogo del colloquio (luogo al massimo 200 "
					 "caratteri).", NULL);
			return;
		}
		str_trim(v2);
		rc = selection_status_set(o->s, o->scope, id, "interview", o->sess.name, note, v1, v2, err, sizeof(err));
	} else if (!strcmp(action, "esito")) {
		if (field(o, "giudizio", v1, sizeof(v1)) || (strcmp(v1, "idoneo") && strcmp(v1, "non_idoneo")) ||
		    field(o, "punteggio", v2, sizeof(v2))) {
			application_page(o, id, 400, "Indica l'esito e un punteggio da 0 a 100.", NULL);
			return;
		}
		rc = selection_score(o->s, o->scope, id, !strcmp(v1, "idoneo"), v2, o->sess.name, note, err,
				     sizeof(err));
	} else if (!strcmp(action, "stato")) {
		if (field(o, "stato", v1, sizeof(v1))) {
			application_page(o, id, 400, "Scegli il nuovo stato.", NULL);
			return;
		}
		rc = selection_status_set(o->s, o->scope, id, v1, o->sess.name, note, NULL, NULL, err, sizeof(err));
	} else {
		application_page(o, id, 400, "Operazione sconosciuta.", NULL);
		return;
	}
	if (rc == 1) {
		not_found(o);
	} else if (rc == 2) {
		application_page(o, id, 409, err, NULL);
	} else if (rc < 0) {
		storage_error(o);
	} else {
		struct hbuf u;
		char *to;

		hbuf_init(&u, 256);
		hbuf_add(&u, "/ufficio/domanda?id=");
		url_value(&u, id);
		hbuf_add(&u, "&fatto=");
		hbuf_add(&u, action);
		to = hbuf_detach(&u, NULL);
		html_staff_redirect(o->resp, to ? to : "/ufficio");
		free(to);
	}
}

static const char *done_text(const char *action)
{
	if (!strcmp(action, "requisiti"))
		return "Verifica dei requisiti registrata.";
	if (!strcmp(action, "colloquio"))
		return "Convocazione al colloquio registrata.";
	if (!strcmp(action, "esito"))
		return "Esito del colloquio registrato.";
	if (!strcmp(action, "stato"))
		return "Nuovo stato registrato.";
	return NULL;
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

static void ranking_page(struct office *o, const char *error)
{
	char code[48], fmt[8] = "", fatto[16] = "", w[40];
	struct store_res *rank = NULL, *p = NULL;
	struct hbuf b;
	const struct comune *c;
	int i, rc, pos = 0, csv;

	if (http_query_get(o->req->query, "codice", code, sizeof(code)) &&
	    (o->req->body_len == 0 || http_form_get(o->req->body, "codice", code, sizeof(code)))) {
		not_found(o);
		return;
	}
	http_query_get(o->req->query, "formato", fmt, sizeof(fmt));
	http_query_get(o->req->query, "fatto", fatto, sizeof(fatto));
	csv = !strcmp(fmt, "csv");
	rc = selection_ranking(o->s, o->scope, code, &rank);
	if (rc) {
		rc > 0 ? not_found(o) : storage_error(o);
		return;
	}
	if (store_query(o->s, "SELECT p.title, p.comune, p.seats, c.code, c.title, coalesce(f.final_at, '')"
			      " FROM placement p JOIN call c ON c.id = p.call_id"
			      " LEFT JOIN ranking_final f ON f.placement_code = p.code WHERE p.code = ?1",
			ARGS(code), &p) || store_res_rows(p) != 1) {
		storage_error(o);
		goto out;
	}
	hbuf_init(&b, PAGE_MAX);
	if (csv) {
		char disp[128];

		hbuf_add(&b, "posizione;protocollo;punteggio;esito\r\n");
		for (i = 0; i < store_res_rows(rank); i++) {
			int ranked = !strcmp(store_res_get(rank, i, 0), "1");

			if (ranked)
				hbuf_printf(&b, "%d", ++pos);
			hbuf_add(&b, ";");
			csv_field(&b, store_res_get(rank, i, 1));
			hbuf_add(&b, ";");
			hbuf_add(&b, store_res_get(rank, i, 2));
			hbuf_add(&b, ";");
			csv_field(&b, verdict(ranked, store_res_get(rank, i, 3), store_res_get(rank, i, 4),
					      store_res_get(rank, i, 5)));
			hbuf_add(&b, "\r\n");
		}
		respond(o->resp, 200, "text/csv; charset=utf-8", &b);
		snprintf(disp, sizeof(disp), "attachment; filename=\"graduatoria-%s.csv\"", code);
		http_response_header(o->resp, "Content-Disposition", disp);
		goto out;
	}
	c = comune_by_istat(store_res_get(p, 0, 1));
	{
		char title[160];
		snprintf(title, sizeof(title), "Graduatoria del progetto %s – DoteComune", code);
		top(o, &b, title);
	}
	hbuf_add(&b, "<h1>Graduatoria ");
	hbuf_add(&b, *store_res_get(p, 0, 5) ? "definitiva" : "provvisoria");
	hbuf_add(&b, "</h1><dl class=\"card\"><dt>Avviso</dt><dd>");
	hbuf_esc(&b, store_res_get(p, 0, 3));
	hbuf_add(&b, " – ");
	hbuf_esc(&b, store_res_get(p, 0, 4));
	hbuf_add(&b, "</dd><dt>Ente ospitante</dt><dd>Comune di ");
	hbuf_esc(&b, c ? c->name : store_res_get(p, 0, 1));
	hbuf_add(&b, "</dd><dt>Progetto</dt><dd>");
	hbuf_esc(&b, code);
	hbuf_add(&b, " – ");
	hbuf_esc(&b, store_res_get(p, 0, 0));
	hbuf_add(&b, "</dd><dt>Posti</dt><dd>");
	hbuf_esc(&b, store_res_get(p, 0, 2));
	hbuf_add(&b, "</dd>");
	if (*store_res_get(p, 0, 5)) {
		when(store_res_get(p, 0, 5), w, sizeof(w));
		hbuf_add(&b, "<dt>Definitiva dal</dt><dd>");
		hbuf_esc(&b, w);
		hbuf_add(&b, "</dd>");
	}
	hbuf_add(&b, "</dl>");
	if (error) {
		hbuf_add(&b, "<p class=\"err\" role=\"alert\">");
		hbuf_esc(&b, error);
		hbuf_add(&b, "</p>");
	} else if (*store_res_get(p, 0, 5) && !strcmp(fatto, "definitiva")) {
		/* Back from "Rendi definitiva": say it was done, as every other form does. */
		hbuf_add(&b, "<p class=\"ok\" role=\"status\">Graduatoria resa definitiva: punteggi ed esiti"
			     " non si cambiano più.</p>");
	}
	hbuf_add(&b, "<table><caption>Candidati per numero di protocollo</caption><thead><tr>"
		     "<th class=\"n\">Posizione</th><th>Protocollo</th><th class=\"n\">Punteggio</th><th>Esito</th>"
		     "</tr></thead><tbody>");
	for (i = 0; i < store_res_rows(rank); i++) {
		int ranked = !strcmp(store_res_get(rank, i, 0), "1");

		if (ranked)
			hbuf_printf(&b, "<tr><td class=\"n\">%d</td>", ++pos);
		else
			hbuf_add(&b, "<tr><td class=\"n\">–</td>");
		td_nw(&b, store_res_get(rank, i, 1));
		hbuf_add(&b, "<td class=\"n\">");
		hbuf_esc(&b, store_res_get(rank, i, 2));
		hbuf_add(&b, "</td>");
		td(&b, verdict(ranked, store_res_get(rank, i, 3), store_res_get(rank, i, 4), store_res_get(rank, i, 5)));
		hbuf_add(&b, "</tr>");
	}
	if (!store_res_rows(rank))
		hbuf_add(&b, "<tr><td colspan=\"4\">Nessuna domanda.</td></tr>");
	hbuf_add(&b, "</tbody></table><p class=\"note\">Pubblicata con i soli numeri di protocollo, senza "
		     "nomi. A parità di punteggio precede la domanda presentata prima. Per stamparla usa il "
		     "comando Stampa del browser.</p><p class=\"noprint\">");
	alink(&b, "/ufficio/graduatoria?formato=csv&codice=", code, "Scarica in CSV");
	hbuf_add(&b, "</p>");
	if (o->staff && !*store_res_get(p, 0, 5)) {
		hbuf_add(&b, "<form method=\"post\" action=\"/ufficio/graduatoria\" class=\"act noprint\">"
			     "<h2>Rendi definitiva la graduatoria</h2><input type=\"hidden\" name=\"codice\" value=\"");
		hbuf_esc(&b, code);
		hbuf_printf(&b, "\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">", o->sess.csrf);
		hbuf_add(&b, "<p class=\"note\">Dopo, punteggi ed esiti non si cambiano più; i dati personali dei "
			     "candidati saranno cancellati trascorso il periodo di conservazione.</p>"
			     "<button type=\"submit\">Rendi definitiva</button></form>");
	}
	bottom(&b);
	respond(o->resp, error ? 409 : 200, "text/html; charset=utf-8", &b);
out:
	store_res_free(rank);
	store_res_free(p);
}

static void ranking_post(struct office *o)
{
	char code[48], err[512];
	int rc;

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
	rc = selection_ranking_final(o->s, o->scope, code, o->sess.name, err, sizeof(err));
	if (rc == 1) {
		not_found(o);
	} else if (rc == 2) {
		ranking_page(o, err);
	} else if (rc < 0) {
		storage_error(o);
	} else {
		struct hbuf u;
		char *to;

		hbuf_init(&u, 256);
		hbuf_add(&u, "/ufficio/graduatoria?codice=");
		url_value(&u, code);
		hbuf_add(&u, "&fatto=definitiva");
		to = hbuf_detach(&u, NULL);
		html_staff_redirect(o->resp, to ? to : "/ufficio");
		free(to);
	}
}

/* ---- GET /ufficio/registro ---- */

static void audit_page(struct office *o)
{
	struct store_res *r;
	struct hbuf b;
	int i;

	if (store_query(o->s, "SELECT s.at, s.by, s.comune, coalesce(a.protocol, ''), s.placement_code, s.action,"
			      " s.from_status, s.to_status, s.note FROM selection_audit s"
			      " LEFT JOIN application a ON a.uuid = s.uuid"
			      " WHERE (?1 = '' OR s.comune = ?1) ORDER BY s.id DESC LIMIT 1000",
			ARGS(o->scope), &r)) {
		storage_error(o);
		return;
	}
	hbuf_init(&b, PAGE_MAX);
	top(o, &b, "Registro delle modifiche – DoteComune");
	hbuf_add(&b, "<h1>Registro delle modifiche</h1><p>Ogni operazione sulle domande");
	hbuf_add(&b, o->staff ? " del tuo Comune" : " della rete");
	hbuf_add(&b, ": chi, quando, da quale stato a quale, con la nota. Le più recenti per prime (al massimo "
		     "1000).</p><table><thead><tr><th>Quando</th><th>Chi</th>");
	if (!o->staff)
		hbuf_add(&b, "<th>Comune</th>");
	hbuf_add(&b, "<th>Protocollo</th><th>Progetto</th><th>Operazione</th><th>Da</th><th>A</th><th>Nota</th>"
		     "</tr></thead><tbody>");
	for (i = 0; i < store_res_rows(r); i++) {
		const struct comune *c = comune_by_istat(store_res_get(r, i, 2));
		char w[40];

		when(store_res_get(r, i, 0), w, sizeof(w));
		hbuf_add(&b, "<tr>");
		td_nw(&b, w);
		td(&b, store_res_get(r, i, 1));
		if (!o->staff)
			td(&b, c ? c->name : store_res_get(r, i, 2));
		td_nw(&b, store_res_get(r, i, 3));
		td_nw(&b, store_res_get(r, i, 4));
		td(&b, audit_label(store_res_get(r, i, 5)));
		td(&b, status_it(store_res_get(r, i, 6)));
		td(&b, status_it(store_res_get(r, i, 7)));
		td(&b, store_res_get(r, i, 8));
		hbuf_add(&b, "</tr>");
	}
	if (!store_res_rows(r))
		hbuf_add(&b, "<tr><td colspan=\"9\">Nessuna operazione registrata.</td></tr>");
	hbuf_add(&b, "</tbody></table>");
	store_res_free(r);
	/* The erasures of personal data (`dote retention run`): counts only. */
	if (!o->staff && !store_query(o->s, "SELECT at, by, days, applications, placements FROM retention_log"
					    " ORDER BY id DESC LIMIT 100", NULL, &r)) {
		hbuf_add(&b, "<h2>Cancellazioni dei dati personali</h2><table><thead><tr><th>Quando</th><th>Chi</th>"
			     "<th class=\"n\">Giorni dopo la graduatoria definitiva</th><th class=\"n\">Domande</th>"
			     "<th class=\"n\">Progetti</th></tr></thead><tbody>");
		for (i = 0; i < store_res_rows(r); i++) {
			char w[40];

			when(store_res_get(r, i, 0), w, sizeof(w));
			hbuf_add(&b, "<tr>");
			td_nw(&b, w);
			td(&b, store_res_get(r, i, 1));
			hbuf_add(&b, "<td class=\"n\">");
			hbuf_esc(&b, store_res_get(r, i, 2));
			hbuf_add(&b, "</td><td class=\"n\">");
			hbuf_esc(&b, store_res_get(r, i, 3));
			hbuf_add(&b, "</td><td class=\"n\">");
			hbuf_esc(&b, store_res_get(r, i, 4));
			hbuf_add(&b, "</td></tr>");
		}
		if (!store_res_rows(r))
			hbuf_add(&b, "<tr><td colspan=\"5\">Nessuna cancellazione finora.</td></tr>");
		hbuf_add(&b, "</tbody></table>");
		store_res_free(r);
	}
	bottom(&b);
	respond(o->resp, 200, "text/html; charset=utf-8", &b);
}

/* ---- routing ---- */

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
		ranking_page(&o, NULL);
	} else if (!strcmp(p, "/ufficio/graduatoria") && post) {
		ranking_post(&o);
	} else if (!strcmp(p, "/ufficio/registro") && get) {
		audit_page(&o);
	} else {
		message_page(&o, 404, "Pagina non trovata", "La pagina richiesta non esiste.");
	}
	return 0;
}

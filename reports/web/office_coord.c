/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The coordinators' office pages (see office_coord.h). Start reading at
 * coord_handle(): it checks the session (the dashboard's login, role
 * 'coordinator'), then routes to the calls list and upload, the upload's
 * check (a dry run: what would change, or every problem with its row and
 * column), the confirmation that publishes it, one call and one
 * placement with their amendment forms, the network view and the fleet.
 *
 * A file is checked on upload and kept (call_import_pending, an hour at
 * most, by the same coordinator) until it is confirmed: a page without
 * scripts cannot send the same file twice, and the confirmation checks
 * it again against the hub as it is then. Every write takes the hub's
 * writer connection (env->writer_get), as the API's writes do.
 *
 * Every form carries the session's CSRF token; every value shown is
 * escaped (html.c); pages are no-store and allow no scripts.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <jansson.h>
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/model.h"
#include "core/util.h"
#include "reports/store/call_queries.h"
#include "reports/store/calls.h"
#include "reports/store/fleet.h"
#include "reports/store/selection.h"
#include "reports/store/store.h"
#include "reports/store/traineeship.h"
#include "reports/web/auth.h"
#include "reports/web/coord_placements.h"
#include "reports/web/html.h"
#include "reports/web/map.h"
#include "reports/web/multipart.h"
#include "reports/web/office_coord.h"

enum { PAGE_MAX = 8u << 20, FORM_MAX = 16384, PENDING_SECONDS = 3600, NET_ROWS_MAX = 1000 };

/* Styles these pages add to html.c's. */
static const char office_css[] =
	"<style>nav.tabs{display:flex;gap:4px;padding:0 24px;background:#f2f7fc;border-bottom:1px solid #c5c7c9}"
	"nav.tabs a{padding:8px 14px;text-decoration:none;font-weight:600}"
	"nav.tabs a[aria-current]{border-bottom:4px solid #0066cc;color:#1a1a1a}"
	".flag{display:inline-block;background:#b30000;color:#fff;border-radius:3px;padding:0 6px;margin:1px 2px;"
	"font-size:13px;font-weight:600;white-space:nowrap}.flag.warn{background:#a66300}"
	"tr.alert th,tr.alert td{background:#fdeeee}tr.off td,tr.off th{color:#5c6f82}"
	".internal{border:3px solid #b30000;padding:8px 14px;margin:8px 0;font-weight:600;color:#b30000}"
	".ok{border-left:6px solid #008758;background:#e8f5ee;padding:8px 14px;margin:8px 0}"
	".errbox{border-left:6px solid #b30000;background:#fdeeee;padding:8px 14px;margin:8px 0}"
	"form.stack{display:grid;grid-template-columns:minmax(180px,260px) minmax(260px,560px);gap:8px 16px;"
	"align-items:start;background:#f2f7fc;padding:12px;margin:8px 0}"
	"form.stack label{padding-top:6px}form.stack .full{grid-column:1 / span 2}"
	"textarea{font:inherit;width:100%;min-height:4em;border:1px solid #5c6f82}"
	"form.inline{display:inline-flex;gap:8px;align-items:flex-end;flex-wrap:wrap;margin:4px 0}"
	"th a{color:#1a1a1a}td.w{max-width:420px}td.d,#rete th[scope=row],#totem th[scope=row]{white-space:nowrap}"
	"main{max-width:1500px}details.netmap{margin:8px 0}details.netmap summary{font-weight:600;cursor:pointer}"
	"figure.map{margin:8px 0;display:flex;gap:16px;align-items:flex-end;flex-wrap:wrap}"
	"figure.map svg{max-width:100%;height:auto}figure.map figcaption{max-width:320px}"
	".key{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;background:#2171b5}.key.red{background:#b00020}"
	"</style>";

/* '2026-12-03T08:11:18Z' as '2026-12-03 08:11' (UTC). */
static void instant_cell(struct hbuf *b, const char *iso)
{
	char t[17];

	if (!iso || strlen(iso) < 16) {
		hbuf_esc(b, iso && *iso ? iso : "–");
		return;
	}
	memcpy(t, iso, 16);
	t[10] = ' ';
	t[16] = '\0';
	hbuf_esc(b, t);
}

/* ------------------------------------------------------------ responses */

/* Every page here is an HTML staff page: html.c's body handover plus its headers. */
static void respond(struct http_response *resp, int status, struct hbuf *b)
{
	html_respond(resp, status, "text/html; charset=utf-8", b);
	html_staff_headers(resp);
}

struct page {
	const struct coord_env *env;
	const struct http_request *req;
	struct http_response *resp;
	struct auth_session s;
	struct hbuf b;
};

static const struct { const char *path, *label; } tabs[] = {
	{ "/coordinamento/avvisi", "Avvisi e progetti" },
	{ "/coordinamento/rete", "Rete dei Comuni" },
	{ "/coordinamento/totem", "Totem" },
	{ "/coordinamento/tirocini", "Tirocini" },
	{ "/dashboard", "Statistiche" },
};

static void page_begin(struct page *pg, const char *title, const char *tab)
{
	char full[300];

	hbuf_init(&pg->b, PAGE_MAX);
	snprintf(full, sizeof(full), "%s – Coordinamento DoteComune", title);
	html_page_start(&pg->b, full, "/dashboard/font/");
	hbuf_add(&pg->b, office_css);
	hbuf_add(&pg->b, "<a class=\"sr\" href=\"#main\">Vai al contenuto</a>"
			 "<header class=\"top\" style=\"display:flex;justify-content:space-between;align-items:center;"
			 "flex-wrap:wrap\"><div><p class=\"brand\">DoteComune</p><p class=\"sub\">Coordinamento della rete – ");
	hbuf_esc(&pg->b, pg->s.name);
	hbuf_add(&pg->b, "</p></div><form method=\"post\" action=\"/logout\" class=\"noprint\">");
	hbuf_printf(&pg->b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", pg->s.csrf);
	hbuf_add(&pg->b, "<button type=\"submit\" style=\"background:#fff;color:#0066cc\">Esci</button></form></header>"
			 "<nav class=\"tabs noprint\" aria-label=\"Sezioni\">");
	for (size_t i = 0; i < ARRAY_SIZE(tabs); i++)
		hbuf_printf(&pg->b, "<a href=\"%s\"%s>%s</a>", tabs[i].path,
			    !strcmp(tab, tabs[i].path) ? " aria-current=\"page\"" : "", tabs[i].label);
	hbuf_add(&pg->b, "</nav><main id=\"main\"><h1>");
	hbuf_esc(&pg->b, title);
	hbuf_add(&pg->b, "</h1>");
	/* Every /coordinamento page shows exact counts (docs/reports.md,
	 * "Issue 20", point 3), except the placement statistics, protected
	 * like the open data (coord_placements.c says so on the page). */
	if (strcmp(tab, "/coordinamento/tirocini"))
		hbuf_add(&pg->b, "<p class=\"internal\" role=\"note\" data-internal>USO INTERNO – conteggi esatti e non protetti, per"
			 " il coordinamento. Non pubblicarli e non copiarli in documenti che escono dall'ufficio: i dati"
			 " pubblicabili sono quelli dell'esportazione open data e del cruscotto statistico.</p>");
}

static void page_end(struct page *pg, int status)
{
	hbuf_add(&pg->b, "</main>");
	html_page_end(&pg->b);
	respond(pg->resp, status, &pg->b);
}

static void message_page(struct page *pg, int status, const char *title, const char *msg)
{
	page_begin(pg, title, "");
	hbuf_add(&pg->b, "<p class=\"errbox\" role=\"alert\">");
	hbuf_esc(&pg->b, msg);
	hbuf_add(&pg->b, "</p><p><a href=\"/coordinamento/avvisi\">Torna agli avvisi</a></p>");
	page_end(pg, status);
}

static void csrf_field(struct page *pg)
{
	hbuf_printf(&pg->b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", pg->s.csrf);
}

static void hidden(struct hbuf *b, const char *name, const char *value)
{
	hbuf_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"", name);
	hbuf_esc(b, value);
	hbuf_add(b, "\">");
}

/* The outcome of the last action (?fatto=KEY after a redirect). */
static void done_note(struct page *pg)
{
	static const struct { const char *key, *text; } done[] = {
		{ "pubblicato", "Avviso pubblicato: i totem lo ricevono alla prossima richiesta del catalogo." },
		{ "modificato", "Progetto modificato: i totem ricevono la modifica alla prossima richiesta del catalogo." },
		{ "prorogato", "Scadenza prorogata: i totem la ricevono alla prossima richiesta del catalogo." },
		{ "ritirato", "Progetto ritirato: i totem non lo mostrano più e non accettano candidature." },
		{ "chiuso", "Avviso chiuso: i totem non lo mostrano più e non accettano candidature." },
		{ "invariato", "Nessun campo cambiato: nulla da registrare." },
		{ "ripristinato", "Progetto ripristinato: i totem lo mostrano di nuovo alla prossima richiesta del catalogo." },
	};
	char key[24];

	if (http_query_get(pg->req->query, "fatto", key, sizeof(key)))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(done); i++)
		if (!strcmp(key, done[i].key)) {
			hbuf_add(&pg->b, "<p class=\"ok\" role=\"status\">");
			hbuf_esc(&pg->b, done[i].text);
			hbuf_add(&pg->b, "</p>");
		}
}

/* ------------------------------------------------------------- the calls */

static void upload_form(struct page *pg, const struct call_spec *sp)
{
	hbuf_add(&pg->b, "<h2 id=\"pubblica\">Pubblica o aggiorna un avviso</h2>"
			 "<p class=\"note\">Carica la tabella dei progetti salvata come CSV da Excel o LibreOffice"
			 " (separatore «;» o «,», codifica UTF-8 o Windows-1252, al massimo 4 MB). Colonne: comune"
			 " (nome o codice ISTAT), codice progetto, area, ufficio, indirizzo, mesi (3, 6, 9, 12), ore"
			 " settimanali, indennità mensile, posti, scadenza, requisiti; facoltative titolo, descrizione,"
			 " profilo QRSP. Il file viene prima controllato: nulla cambia finché non confermi. Ricaricando"
			 " un avviso già pubblicato si applicano le differenze; i progetti assenti dal file vengono"
			 " ritirati.</p>"
			 "<form method=\"post\" action=\"/coordinamento/avvisi/importa\" enctype=\"multipart/form-data\""
			 " class=\"stack\">");
	csrf_field(pg);
	hbuf_add(&pg->b, "<label for=\"code\">Codice dell'avviso</label><input id=\"code\" name=\"code\" required"
			 " maxlength=\"40\" placeholder=\"Avviso n. 11/2025\" value=\"");
	hbuf_esc(&pg->b, sp ? sp->code : "");
	hbuf_add(&pg->b, "\"><label for=\"title\">Titolo</label><input id=\"title\" name=\"title\" maxlength=\"199\""
			 " placeholder=\"Avviso n. 11/2025 – DoteComune: tirocini presso i Comuni\" value=\"");
	hbuf_esc(&pg->b, sp ? sp->title : "");
	hbuf_add(&pg->b, "\"><label for=\"opens\">Apertura</label><input id=\"opens\" name=\"opens\" type=\"date\" value=\"");
	hbuf_esc(&pg->b, sp ? sp->opens : "");
	hbuf_add(&pg->b, "\"><label for=\"deadline\">Scadenza dell'avviso</label><input id=\"deadline\" name=\"deadline\""
			 " type=\"date\" value=\"");
	hbuf_esc(&pg->b, sp ? sp->deadline : "");
	hbuf_add(&pg->b, "\"><label for=\"rules\">Regole di ammissione (JSON, facoltative)</label><textarea id=\"rules\""
			 " name=\"rules\" maxlength=\"4000\" placeholder='{\"min_age\":16,\"residence_region\":\"Lombardia\"}'>");
	hbuf_esc(&pg->b, sp ? sp->rules : "");
	hbuf_add(&pg->b, "</textarea><label for=\"file\">Tabella dei progetti (CSV)</label>"
			 "<input id=\"file\" name=\"file\" type=\"file\" required accept=\".csv,text/csv,text/plain\">"
			 "<div class=\"full\"><button type=\"submit\">Controlla il file</button></div></form>");
}

static void calls_page(struct page *pg)
{
	struct store_rows r;
	char num[32];

	page_begin(pg, "Avvisi e progetti", "/coordinamento/avvisi");
	done_note(pg);
	if (call_summaries_read(pg->env->read, &r)) {
		hbuf_add(&pg->b, "<p class=\"errbox\">Gli avvisi non si possono leggere ora: riprova tra poco.</p>");
	} else {
		hbuf_add(&pg->b, "<table><caption>Avvisi pubblicati</caption><thead><tr><th scope=\"col\">Avviso</th>"
				 "<th scope=\"col\">Titolo</th><th scope=\"col\">Stato</th><th scope=\"col\">Apertura</th>"
				 "<th scope=\"col\">Scadenza</th><th scope=\"col\" class=\"n\">Progetti aperti</th>"
				 "<th scope=\"col\" class=\"n\">Progetti</th><th scope=\"col\" class=\"n\">Posti aperti</th>"
				 "<th scope=\"col\" class=\"n\">Candidature</th></tr></thead><tbody>");
		for (int i = 0; i < r.n; i++) {
			const struct call_summary *c = (const struct call_summary *)r.v + i;
			const char *counts[] = { c->open_placements, c->placements, c->open_seats, c->applications };

			hbuf_add(&pg->b, "<tr><th scope=\"row\"><a href=\"/coordinamento/avviso?code=");
			hbuf_url(&pg->b, c->code);
			hbuf_add(&pg->b, "\">");
			hbuf_esc(&pg->b, c->code);
			hbuf_add(&pg->b, "</a></th><td>");
			hbuf_esc(&pg->b, c->title);
			hbuf_add(&pg->b, "</td><td>");
			hbuf_add(&pg->b, !strcmp(c->status, "open") ? "aperto" : "chiuso");
			hbuf_add(&pg->b, "</td><td class=\"d\">");
			hbuf_esc(&pg->b, c->opens);
			hbuf_add(&pg->b, "</td><td class=\"d\">");
			hbuf_esc(&pg->b, c->deadline);
			hbuf_add(&pg->b, "</td>");
			for (size_t k = 0; k < ARRAY_SIZE(counts); k++) {
				html_int_it(num, sizeof(num), atoll(counts[k]));
				hbuf_printf(&pg->b, "<td class=\"n\">%s</td>", num);
			}
			hbuf_add(&pg->b, "</tr>");
		}
		if (!r.n)
			hbuf_add(&pg->b, "<tr><td colspan=\"9\">Nessun avviso: pubblicane uno qui sotto.</td></tr>");
		hbuf_add(&pg->b, "</tbody></table>");
		store_rows_release(&r);
	}
	upload_form(pg, NULL);
	page_end(pg, 200);
}

static void problems_table(struct page *pg, const struct call_import *r)
{
	char letters[8];

	hbuf_printf(&pg->b, "<table><caption>%d problem%s da correggere nel file o nei dati dell'avviso</caption>"
			    "<thead><tr><th scope=\"col\" class=\"n\">Riga</th><th scope=\"col\">Colonna</th>"
			    "<th scope=\"col\">Cosa correggere</th></tr></thead><tbody>",
		    r->problems_total, r->problems_total == 1 ? "a" : "i");
	for (int i = 0; i < r->nproblems; i++) {
		const struct call_problem *p = &r->problems[i];

		hbuf_add(&pg->b, "<tr data-row=\"");
		hbuf_printf(&pg->b, "%d\" data-col=\"%d\"><td class=\"n\">", p->row, p->col);
		if (p->row > 0)
			hbuf_printf(&pg->b, "%d", p->row);
		else
			hbuf_add(&pg->b, "–");
		hbuf_add(&pg->b, "</td><td>");
		if (p->col > 0) {
			call_col_letters(p->col, letters, sizeof(letters));
			hbuf_esc(&pg->b, letters);
			if (p->column[0])
				hbuf_add(&pg->b, " – ");
		}
		hbuf_esc(&pg->b, p->column[0] ? p->column : p->col > 0 ? "" : "avviso");
		hbuf_add(&pg->b, "</td><td>");
		hbuf_esc(&pg->b, p->msg);
		hbuf_add(&pg->b, "</td></tr>");
	}
	hbuf_add(&pg->b, "</tbody></table>");
	if (r->problems_total > r->nproblems)
		hbuf_printf(&pg->b, "<p class=\"note\">… e altri %d problemi, mostrati dopo aver corretto questi.</p>",
			    r->problems_total - r->nproblems);
}

static const char *const change_words[] = { "nuovo", "modificato", "invariato", "ritirato", "mantenuto" };

enum { REVERT_MAX = 200 };	/* tick boxes on a dry run's page */

/* The dry run's changes; with ticks, a "mantenuto" line (an amendment
 * made at the hub that the file would undo) gets a tick box
 * ripristina_N = its code, so the coordinator can let the file win on
 * that line (the CLI's --revert); *kept counts them. */
static void changes_table(struct page *pg, const struct call_import *r, int ticks, int *kept)
{
	int shown = 0;

	*kept = 0;
	hbuf_printf(&pg->b, "<table><caption>Progetti che cambiano</caption><thead><tr><th scope=\"col\">Cosa</th>"
			 "<th scope=\"col\">Codice progetto</th><th scope=\"col\">Comune</th>"
			 "<th scope=\"col\">Dettaglio</th>%s</tr></thead><tbody>",
		    ticks ? "<th scope=\"col\">Vale il file</th>" : "");
	for (int i = 0; i < r->nchanges && shown < 3000; i++) {
		const struct call_change *c = &r->changes[i];
		const struct comune *cm = comune_by_istat(c->comune);

		if (c->kind == CHANGE_UNCHANGED)
			continue;
		shown++;
		hbuf_printf(&pg->b, "<tr data-change=\"%s\"><td>%s</td><td>", change_words[c->kind], change_words[c->kind]);
		hbuf_esc(&pg->b, c->code);
		hbuf_add(&pg->b, "</td><td>");
		hbuf_esc(&pg->b, cm ? cm->name : c->comune);
		hbuf_add(&pg->b, "</td><td class=\"w\">");
		hbuf_esc(&pg->b, c->what);
		hbuf_add(&pg->b, "</td>");
		if (ticks && c->kind == CHANGE_KEPT && *kept < REVERT_MAX) {
			hbuf_printf(&pg->b, "<td><input type=\"checkbox\" form=\"pubblica\" id=\"rv%d\" name=\"ripristina_%d\""
				    " value=\"", *kept, *kept);
			hbuf_esc(&pg->b, c->code);
			hbuf_printf(&pg->b, "\"> <label for=\"rv%d\" style=\"display:inline\">applica la riga del file</label></td>",
				    *kept);
			(*kept)++;
		} else if (ticks) {
			hbuf_add(&pg->b, "<td></td>");
		}
		hbuf_add(&pg->b, "</tr>");
	}
	if (!shown)
		hbuf_printf(&pg->b, "<tr><td colspan=\"%d\">Nessun progetto cambia.</td></tr>", ticks ? 5 : 4);
	hbuf_add(&pg->b, "</tbody></table>");
}

/* Reads the upload form into spec and the file part; 0, or -1 with the
 * page already answered. */
static int upload_read(struct page *pg, struct call_spec *sp, const struct mp_part **file, struct mp_part *parts,
		       int *np)
{
	char csrf[AUTH_TOKEN_LEN + 2] = "";

	memset(sp, 0, sizeof(*sp));
	*np = multipart_parse(pg->req->content_type, pg->req->body, pg->req->body_len, parts, 16);
	if (*np < 0) {
		message_page(pg, 400, "Richiesta non valida", "Il modulo non è arrivato intero: ricarica la pagina e riprova.");
		return -1;
	}
	if (multipart_text(parts, *np, "csrf", csrf, sizeof(csrf)) || !auth_token_equal(csrf, pg->s.csrf)) {
		message_page(pg, 403, "Richiesta non valida", "Il modulo è scaduto: ricarica la pagina e riprova.");
		return -1;
	}
	if (multipart_text(parts, *np, "code", sp->code, sizeof(sp->code)) ||
	    multipart_text(parts, *np, "title", sp->title, sizeof(sp->title)) ||
	    multipart_text(parts, *np, "opens", sp->opens, sizeof(sp->opens)) ||
	    multipart_text(parts, *np, "deadline", sp->deadline, sizeof(sp->deadline))) {
		message_page(pg, 400, "Richiesta non valida", "Un campo del modulo manca o è troppo lungo.");
		return -1;
	}
	multipart_text(parts, *np, "rules", sp->rules, sizeof(sp->rules));
	*file = multipart_get(parts, *np, "file");
	if (!*file || !(*file)->filename[0]) {
		message_page(pg, 400, "File mancante", "Scegli il file CSV della tabella dei progetti.");
		return -1;
	}
	return 0;
}

static char *spec_json(const struct call_spec *sp)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "code", sp->code, "title", sp->title, "opens",
			      sp->opens, "deadline", sp->deadline, "region", sp->region, "rules", sp->rules);
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	return s;
}

static void import_post(struct page *pg)
{
	struct mp_part parts[16];
	const struct mp_part *file;
	struct call_spec sp;
	struct call_import r;
	char token[AUTH_TOKEN_LEN + 1], hash[65], now[32], old[32];
	char *spec = NULL, *b64 = NULL;
	struct store *w;
	int np, rc;

	if (upload_read(pg, &sp, &file, parts, &np))
		return;
	/* Dry run: reads only. */
	rc = call_import(pg->env->read, &sp, file->data, file->len, 1, pg->s.name, &r);
	if (rc < 0) {
		call_import_release(&r);
		message_page(pg, 503, "Servizio non disponibile", "Il file non si può controllare ora: riprova tra poco.");
		return;
	}
	if (rc == 1) {
		page_begin(pg, "Il file non è stato accettato", "/coordinamento/avvisi");
		hbuf_add(&pg->b, "<p class=\"errbox\" role=\"alert\">Nulla è cambiato. Correggi nel foglio di calcolo ogni"
				 " problema elencato (riga e colonna come le mostra Excel o LibreOffice), salva di nuovo"
				 " come CSV e ricarica il file.</p>");
		problems_table(pg, &r);
		upload_form(pg, &sp);
		page_end(pg, 422);
		call_import_release(&r);
		return;
	}
	/* Kept until confirmed. */
	auth_random_token(token, sizeof(token));
	store_secret_hash(token, hash);
	time_iso(now_wall(), now, sizeof(now));
	time_iso(now_wall() - PENDING_SECONDS, old, sizeof(old));
	call_code_normalise(sp.code, sp.code, sizeof(sp.code));
	spec = spec_json(&sp);
	b64 = malloc(sodium_base64_ENCODED_LEN(file->len, sodium_base64_VARIANT_ORIGINAL));
	if (!spec || !b64) {
		free(spec);
		free(b64);
		call_import_release(&r);
		message_page(pg, 500, "Errore", "Memoria esaurita.");
		return;
	}
	sodium_bin2base64(b64, sodium_base64_ENCODED_LEN(file->len, sodium_base64_VARIANT_ORIGINAL),
			  (const unsigned char *)file->data, file->len, sodium_base64_VARIANT_ORIGINAL);
	w = pg->env->writer_get(pg->env->arg);
	rc = call_pending_keep(w, hash, pg->s.name, now, old, spec, b64);
	pg->env->writer_put(pg->env->arg);
	free(spec);
	free(b64);
	if (rc) {
		call_import_release(&r);
		message_page(pg, 503, "Servizio non disponibile", "Il file non si può conservare ora: riprova tra poco.");
		return;
	}
	page_begin(pg, "Controllo riuscito: ecco cosa cambierebbe", "/coordinamento/avvisi");
	hbuf_add(&pg->b, "<p class=\"ok\" role=\"status\">Il file non ha problemi. Nulla è ancora cambiato: controlla"
			 " l'elenco e conferma la pubblicazione.</p><div class=\"kpi\">");
	hbuf_printf(&pg->b, "<div><span>Avviso</span><b>");
	hbuf_esc(&pg->b, sp.code);
	hbuf_printf(&pg->b, "</b></div><div><span>Nuovi</span><b data-count=\"new\">%d</b></div>"
			    "<div><span>Modificati</span><b data-count=\"changed\">%d</b></div>"
			    "<div><span>Invariati</span><b data-count=\"unchanged\">%d</b></div>"
			    "<div><span>Ritirati</span><b data-count=\"withdrawn\">%d</b></div></div>",
		    r.counts[CHANGE_NEW], r.counts[CHANGE_CHANGED], r.counts[CHANGE_UNCHANGED], r.counts[CHANGE_WITHDRAWN]);
	hbuf_printf(&pg->b, "<p class=\"note\">File «");
	hbuf_esc(&pg->b, file->filename);
	hbuf_printf(&pg->b, "»: codifica %s, separatore «%s». %s</p>", r.encoding,
		    r.sep == ';' ? ";" : r.sep == ',' ? "," : "tabulazione",
		    r.call_new ? "L'avviso è nuovo." : "L'avviso esiste già: si applicano le differenze.");
	if (r.call_what[0]) {
		hbuf_add(&pg->b, "<p>Dati dell'avviso: ");
		hbuf_esc(&pg->b, r.call_what);
		hbuf_add(&pg->b, "</p>");
	}
	{
		int kept;
		char n[16];

		changes_table(pg, &r, 1, &kept);
		if (kept)
			hbuf_add(&pg->b, "<p class=\"note\">Le righe «mantenuto» sono modifiche fatte qui dopo la "
					 "pubblicazione (una proroga, un ritiro) che il file annullerebbe: restano, a meno "
					 "che tu non spunti «applica la riga del file».</p>");
		hbuf_add(&pg->b, "<form method=\"post\" action=\"/coordinamento/avvisi/conferma\" class=\"inline\""
				 " id=\"pubblica\">");
		csrf_field(pg);
		hidden(&pg->b, "token", token);
		snprintf(n, sizeof(n), "%d", kept);
		hidden(&pg->b, "mantenuti", n);
	}
	hbuf_add(&pg->b, "<button type=\"submit\">Pubblica l'avviso</button> <a href=\"/coordinamento/avvisi\">Annulla</a>"
			 "</form><p class=\"note\">La conferma vale un'ora; il file viene controllato di nuovo prima"
			 " di pubblicarlo.</p>");
	page_end(pg, 200);
	call_import_release(&r);
}

static int form_csrf(struct page *pg)
{
	char csrf[AUTH_TOKEN_LEN + 2] = "";

	if (pg->req->body_len > FORM_MAX) {
		message_page(pg, 413, "Richiesta troppo grande", "Il modulo inviato è troppo grande.");
		return -1;
	}
	if (http_form_get(pg->req->body, "csrf", csrf, sizeof(csrf)) || !auth_token_equal(csrf, pg->s.csrf)) {
		message_page(pg, 403, "Richiesta non valida", "Il modulo è scaduto: ricarica la pagina e riprova.");
		return -1;
	}
	return 0;
}

static void confirm_post(struct page *pg)
{
	struct store_rows res = { 0 };
	const struct call_pending *kept;
	struct call_spec sp;
	struct call_import r;
	char token[AUTH_TOKEN_LEN + 2] = "", hash[65], old[32];
	unsigned char *csv = NULL;
	size_t csv_len = 0;
	json_t *j = NULL;
	struct store *w;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	memset(&sp, 0, sizeof(sp));
	if (form_csrf(pg))
		return;
	if (http_form_get(pg->req->body, "token", token, sizeof(token)) || strlen(token) != AUTH_TOKEN_LEN) {
		message_page(pg, 400, "Richiesta non valida", "Manca il file da pubblicare: ricaricalo.");
		return;
	}
	store_secret_hash(token, hash);
	time_iso(now_wall() - PENDING_SECONDS, old, sizeof(old));
	w = pg->env->writer_get(pg->env->arg);
	rc = call_pending_read(w, hash, pg->s.name, old, &res);
	if (rc) {
		rc = rc > 0 ? 2 : -1;
		goto out;
	}
	rc = -1;
	kept = res.v;
	j = json_loads(kept->spec, 0, NULL);
	str_copy(sp.code, sizeof(sp.code), json_string_value(json_object_get(j, "code")));
	str_copy(sp.title, sizeof(sp.title), json_string_value(json_object_get(j, "title")));
	str_copy(sp.opens, sizeof(sp.opens), json_string_value(json_object_get(j, "opens")));
	str_copy(sp.deadline, sizeof(sp.deadline), json_string_value(json_object_get(j, "deadline")));
	str_copy(sp.region, sizeof(sp.region), json_string_value(json_object_get(j, "region")));
	str_copy(sp.rules, sizeof(sp.rules), json_string_value(json_object_get(j, "rules")));
	{
		const char *b64 = kept->csv;
		size_t blen = strlen(b64);

		csv = malloc(blen + 1);
		if (!csv || sodium_base642bin(csv, blen + 1, b64, blen, NULL, &csv_len, NULL,
					      sodium_base64_VARIANT_ORIGINAL))
			goto out;
	}
	/* The "mantenuto" lines the coordinator ticked: the file wins there. */
	{
		char n[16] = "", key[32], code[64];
		int nkept = http_form_get(pg->req->body, "mantenuti", n, sizeof(n)) ? 0 : atoi(n);

		for (int i = 0; i < nkept && i < REVERT_MAX; i++) {
			size_t len = strlen(sp.revert);

			snprintf(key, sizeof(key), "ripristina_%d", i);
			if (http_form_get(pg->req->body, key, code, sizeof(code)) || !*code ||
			    strcspn(code, ", ") != strlen(code) || len + strlen(code) + 2 > sizeof(sp.revert))
				continue;
			snprintf(sp.revert + len, sizeof(sp.revert) - len, "%s%s", len ? "," : "", code);
		}
	}
	rc = call_import(w, &sp, (const char *)csv, csv_len, 0, pg->s.name, &r);
	if (rc == 0)
		call_pending_drop(w, hash);
out:
	pg->env->writer_put(pg->env->arg);
	store_rows_release(&res);
	json_decref(j);
	free(csv);
	if (rc == 0) {
		struct hbuf u;
		char *to;

		hbuf_init(&u, 512);
		hbuf_add(&u, "/coordinamento/avviso?code=");
		hbuf_url(&u, sp.code);
		hbuf_add(&u, "&fatto=pubblicato");
		to = hbuf_detach(&u, NULL);
		html_staff_redirect(pg->resp, to ? to : "/coordinamento/avvisi");
		free(to);
	} else if (rc == 1) {
		page_begin(pg, "Il file non è più valido", "/coordinamento/avvisi");
		hbuf_add(&pg->b, "<p class=\"errbox\" role=\"alert\">Nel frattempo i dati sono cambiati e il file ora ha"
				 " dei problemi: nulla è stato pubblicato.</p>");
		problems_table(pg, &r);
		upload_form(pg, &sp);
		page_end(pg, 409);
	} else if (rc == 2) {
		message_page(pg, 410, "Conferma scaduta", "La conferma è scaduta o è già stata usata: ricarica il file.");
	} else {
		message_page(pg, 503, "Servizio non disponibile", "L'avviso non si può pubblicare ora: riprova tra poco.");
	}
	call_import_release(&r);
}

static void history_table(struct page *pg, const struct store_rows *r, int with_code)
{
	static const struct { const char *key, *it; } actions[] = {
		{ "created", "pubblicato" }, { "changed", "modificato" }, { "extended", "prorogato" },
		{ "withdrawn", "ritirato" }, { "closed", "chiuso" }, { "reinstated", "ripristinato" },
	};

	hbuf_add(&pg->b, "<table><caption>Storico delle modifiche (ogni versione)</caption><thead><tr>"
			 "<th scope=\"col\">Quando (UTC)</th><th scope=\"col\">Chi</th><th scope=\"col\">Cosa</th>");
	if (with_code)
		hbuf_add(&pg->b, "<th scope=\"col\">Progetto</th>");
	hbuf_add(&pg->b, "<th scope=\"col\" class=\"n\">Versione</th><th scope=\"col\">Dettaglio</th></tr></thead><tbody>");
	for (int i = 0; i < r->n; i++) {
		const struct catalog_change *v = (const struct catalog_change *)r->v + i;
		const char *a = v->action;

		for (size_t k = 0; k < ARRAY_SIZE(actions); k++)
			if (!strcmp(a, actions[k].key))
				a = actions[k].it;
		hbuf_add(&pg->b, "<tr><td class=\"d\">");
		instant_cell(&pg->b, v->at);
		hbuf_add(&pg->b, "</td><td>");
		hbuf_esc(&pg->b, v->by);
		hbuf_add(&pg->b, "</td><td>");
		hbuf_esc(&pg->b, a);
		if (with_code) {
			hbuf_add(&pg->b, "</td><td>");
			hbuf_esc(&pg->b, *v->placement_code ? v->placement_code : "(avviso)");
		}
		hbuf_add(&pg->b, "</td><td class=\"n\">");
		hbuf_esc(&pg->b, v->version);
		hbuf_add(&pg->b, "</td><td class=\"w\">");
		hbuf_esc(&pg->b, v->note);
		hbuf_add(&pg->b, "</td></tr>");
	}
	if (!r->n)
		hbuf_printf(&pg->b, "<tr><td colspan=\"%d\">Nessuna modifica registrata.</td></tr>", with_code ? 6 : 5);
	hbuf_add(&pg->b, "</tbody></table>");
}

static void call_page(struct page *pg, const char *err, int status)
{
	struct store_rows cr, pr, h;
	const struct call_row *c;
	char code[40], norm[24], num[32], title[120];
	int open, rc;

	if ((http_query_get(pg->req->query, "code", code, sizeof(code)) &&
	     http_form_get(pg->req->body, "code", code, sizeof(code))) ||
	    call_code_normalise(code, norm, sizeof(norm))) {
		message_page(pg, 404, "Avviso non trovato", "Manca il codice dell'avviso.");
		return;
	}
	rc = call_row_read(pg->env->read, norm, &cr);
	if (rc) {
		int missing = rc > 0;

		message_page(pg, missing ? 404 : 503, missing ? "Avviso non trovato" : "Servizio non disponibile",
			     missing ? "Nessun avviso ha questo codice." : "Riprova tra poco.");
		return;
	}
	c = cr.v;
	open = !strcmp(c->status, "open");
	snprintf(title, sizeof(title), "Avviso n. %s", norm);
	page_begin(pg, title, "/coordinamento/avvisi");
	done_note(pg);
	if (err) {
		hbuf_add(&pg->b, "<p class=\"errbox\" role=\"alert\">Nulla è cambiato: ");
		hbuf_esc(&pg->b, err);
		hbuf_add(&pg->b, "</p>");
	}
	hbuf_add(&pg->b, "<p><b>");
	hbuf_esc(&pg->b, c->title);
	hbuf_add(&pg->b, "</b></p><p>Regione: ");
	hbuf_esc(&pg->b, c->region);
	hbuf_add(&pg->b, " · apertura ");
	hbuf_esc(&pg->b, c->opens);
	hbuf_add(&pg->b, " · scadenza <b data-deadline>");
	hbuf_esc(&pg->b, c->deadline);
	hbuf_printf(&pg->b, "</b> · stato <b data-status>%s</b></p><p class=\"note\">Regole di ammissione: <code>",
		    open ? "aperto" : "chiuso");
	if (strcmp(c->rules, "{}") && c->rules[0])
		hbuf_esc(&pg->b, c->rules);
	else
		hbuf_add(&pg->b, "nessuna (ogni candidatura è ammessa)");
	hbuf_add(&pg->b, "</code></p>");
	if (open) {
		hbuf_add(&pg->b, "<h2>Proroga o chiusura</h2><form method=\"post\" action=\"/coordinamento/avviso/proroga\""
				 " class=\"inline\">");
		csrf_field(pg);
		hidden(&pg->b, "code", norm);
		hbuf_add(&pg->b, "<div><label for=\"nd\">Nuova scadenza dell'avviso</label><input id=\"nd\" name=\"deadline\""
				 " type=\"date\" required></div><div><label for=\"nn\">Nota</label><input id=\"nn\" name=\"note\""
				 " maxlength=\"200\"></div><button type=\"submit\">Proroga l'avviso</button></form>"
				 "<p class=\"note\">La proroga sposta anche i progetti che scadevano con l'avviso.</p>"
				 "<form method=\"post\" action=\"/coordinamento/avviso/chiudi\" class=\"inline\">");
		csrf_field(pg);
		hidden(&pg->b, "code", norm);
		hbuf_add(&pg->b, "<div><label for=\"cn\">Motivo della chiusura</label><input id=\"cn\" name=\"note\""
				 " maxlength=\"200\"></div><div><input id=\"cc\" name=\"conferma\" type=\"checkbox\" value=\"1\""
				 " required> <label for=\"cc\" style=\"display:inline\">Confermo: i totem non mostreranno"
				 " più l'avviso</label></div><button type=\"submit\" style=\"background:#b30000\">Chiudi"
				 " l'avviso</button></form><p class=\"note\">Un avviso chiuso sparisce dai totem e non"
				 " riceve più candidature.</p>");
	}
	if (!call_placement_items_read(pg->env->read, c->id, &pr)) {
		hbuf_printf(&pg->b, "<h2>Progetti (%d)</h2><table><caption>Progetti dell'avviso</caption><thead><tr>"
				    "<th scope=\"col\">Codice</th><th scope=\"col\">Comune</th><th scope=\"col\">Area</th>"
				    "<th scope=\"col\">Ufficio</th><th scope=\"col\" class=\"n\">Mesi</th>"
				    "<th scope=\"col\" class=\"n\">Ore</th><th scope=\"col\" class=\"n\">Indennità</th>"
				    "<th scope=\"col\" class=\"n\">Posti</th><th scope=\"col\">Scadenza</th>"
				    "<th scope=\"col\">Stato</th><th scope=\"col\" class=\"n\">Candidature</th></tr></thead><tbody>",
			    pr.n);
		for (int i = 0; i < pr.n && i < 5000; i++) {
			const struct call_placement_item *p = (const struct call_placement_item *)pr.v + i;
			const char *figures[] = { p->months, p->hours_week, p->allowance_eur, p->seats };
			const struct comune *cm = comune_by_istat(p->comune);
			const struct vocab *a = vocab_find(placement_areas, placement_areas_n, p->area);
			int popen = !strcmp(p->status, "open");

			hbuf_printf(&pg->b, "<tr%s data-code=\"", popen ? "" : " class=\"off\"");
			hbuf_esc(&pg->b, p->code);
			hbuf_add(&pg->b, "\"><th scope=\"row\"><a href=\"/coordinamento/progetto?code=");
			hbuf_url(&pg->b, p->code);
			hbuf_add(&pg->b, "\">");
			hbuf_esc(&pg->b, p->code);
			hbuf_add(&pg->b, "</a></th><td>");
			hbuf_esc(&pg->b, cm ? cm->name : p->comune);
			hbuf_add(&pg->b, "</td><td>");
			hbuf_esc(&pg->b, a ? a->it : p->area);
			hbuf_add(&pg->b, "</td><td>");
			hbuf_esc(&pg->b, p->office);
			hbuf_add(&pg->b, "</td>");
			for (int k = 0; k < 4; k++)
				hbuf_printf(&pg->b, "<td class=\"n\">%s%s</td>", figures[k], k == 2 ? " €" : "");
			hbuf_add(&pg->b, "<td class=\"d\">");
			hbuf_esc(&pg->b, p->deadline);
			hbuf_printf(&pg->b, "</td><td>%s</td>", popen ? "aperto" : "ritirato o chiuso");
			html_int_it(num, sizeof(num), atoll(p->applications));
			hbuf_printf(&pg->b, "<td class=\"n\">%s</td></tr>", num);
		}
		hbuf_add(&pg->b, "</tbody></table>");
		store_rows_release(&pr);
	}
	if (!catalog_changes_read(pg->env->read, c->id, NULL, &h)) {
		hbuf_add(&pg->b, "<h2>Storico</h2>");
		history_table(pg, &h, 1);
		store_rows_release(&h);
	}
	store_rows_release(&cr);
	page_end(pg, status);
}

/* The form of one placement's fields. */
/* The people a cut of seats or a withdrawal would affect: the selected
 * (protocols; coordinators see no names), said before anyone confirms. */
static void affected_note(struct page *pg, int sel, const char *list, const char *what)
{
	if (sel <= 0)
		return;
	hbuf_printf(&pg->b, "<p class=\"internal\" data-affected=\"%d\">%s riguarda %d %s già selezionat%s: ", sel, what,
		    sel, sel == 1 ? "persona" : "persone", sel == 1 ? "a" : "e");
	hbuf_esc(&pg->b, list);
	hbuf_add(&pg->b, ". Saranno avvisate per e-mail, e con loro l'ufficio del Comune.</p>");
}

static void placement_form(struct page *pg, const struct call_placement_row *p, int sel, const char *list)
{
#define FIELD(name) offsetof(struct call_placement_row, name)
	static const struct { const char *name, *label; size_t field; int type; } fields[] = {
		/* type 0 text, 1 textarea, 2 number, 3 date, 4 area, 5 months */
		{ "area", "Area", FIELD(area), 4 }, { "office", "Ufficio", FIELD(office), 0 },
		{ "title", "Titolo", FIELD(title), 0 }, { "description", "Descrizione", FIELD(description), 1 },
		{ "requirements", "Requisiti", FIELD(requirements), 1 }, { "address", "Indirizzo", FIELD(address), 0 },
		{ "months", "Mesi", FIELD(months), 5 }, { "hours_week", "Ore settimanali", FIELD(hours_week), 2 },
		{ "allowance_eur", "Indennità mensile (euro)", FIELD(allowance_eur), 2 },
		{ "qrsp", "Profilo QRSP", FIELD(qrsp), 0 }, { "seats", "Posti", FIELD(seats), 2 },
		{ "deadline", "Scadenza", FIELD(deadline), 3 },
	};
#undef FIELD

	hbuf_add(&pg->b, "<form method=\"post\" action=\"/coordinamento/progetto/modifica\" class=\"stack\">");
	csrf_field(pg);
	hidden(&pg->b, "code", p->code);
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const char *v = *(const char *const *)(const void *)((const char *)p + fields[i].field);

		hbuf_printf(&pg->b, "<label for=\"f_%s\">%s</label>", fields[i].name, fields[i].label);
		switch (fields[i].type) {
		case 1:
			hbuf_printf(&pg->b, "<textarea id=\"f_%s\" name=\"%s\" maxlength=\"2000\">", fields[i].name,
				    fields[i].name);
			hbuf_esc(&pg->b, v);
			hbuf_add(&pg->b, "</textarea>");
			break;
		case 4:
			hbuf_printf(&pg->b, "<select id=\"f_%s\" name=\"%s\">", fields[i].name, fields[i].name);
			for (size_t k = 0; k < placement_areas_n; k++)
				hbuf_printf(&pg->b, "<option value=\"%s\"%s>%s</option>", placement_areas[k].key,
					    !strcmp(v, placement_areas[k].key) ? " selected" : "", placement_areas[k].it);
			hbuf_add(&pg->b, "</select>");
			break;
		case 5:
			hbuf_printf(&pg->b, "<select id=\"f_%s\" name=\"%s\">", fields[i].name, fields[i].name);
			for (int m = 3; m <= 12; m += 3)
				hbuf_printf(&pg->b, "<option%s>%d</option>", atoi(v) == m ? " selected" : "", m);
			hbuf_add(&pg->b, "</select>");
			break;
		default:
			hbuf_printf(&pg->b, "<input id=\"f_%s\" name=\"%s\" type=\"%s\" value=\"", fields[i].name,
				    fields[i].name, fields[i].type == 2 ? "number" : fields[i].type == 3 ? "date" : "text");
			hbuf_esc(&pg->b, v);
			hbuf_add(&pg->b, "\">");
		}
	}
	hbuf_add(&pg->b, "<label for=\"f_note\">Nota sulla modifica</label><input id=\"f_note\" name=\"note\" maxlength=\"200\">");
	if (sel > 0) {
		hbuf_add(&pg->b, "<div class=\"full\">");
		affected_note(pg, sel, list, "Ridurre i posti sotto i selezionati");
		hbuf_add(&pg->b, "<input id=\"f_cut\" name=\"conferma_posti\" type=\"checkbox\" value=\"1\"> <label"
				 " for=\"f_cut\" style=\"display:inline\">Confermo la riduzione dei posti</label></div>");
	}
	hbuf_add(&pg->b, "<div class=\"full\"><button type=\"submit\">Salva le modifiche</button></div></form>");
}

static void placement_page(struct page *pg, const char *err, int status)
{
	struct store_rows pr, h;
	const struct call_placement_row *p;
	char code[40], title[80];
	int open;

	if (http_query_get(pg->req->query, "code", code, sizeof(code)) && http_form_get(pg->req->body, "code", code, sizeof(code))) {
		message_page(pg, 404, "Progetto non trovato", "Manca il codice del progetto.");
		return;
	}
	if (call_placement_row_read(pg->env->read, code, &pr)) {
		message_page(pg, 404, "Progetto non trovato", "Nessun progetto ha questo codice.");
		return;
	}
	p = pr.v;
	open = !strcmp(p->status, "open") && !strcmp(p->call_status, "open");
	snprintf(title, sizeof(title), "Progetto %s", p->code);
	page_begin(pg, title, "/coordinamento/avvisi");
	done_note(pg);
	if (err) {
		hbuf_add(&pg->b, "<p class=\"errbox\" role=\"alert\">Nulla è cambiato: ");
		hbuf_esc(&pg->b, err);
		hbuf_add(&pg->b, "</p>");
	}
	{
		const struct comune *cm = comune_by_istat(p->comune);

		hbuf_add(&pg->b, "<p>Comune ospitante: <b>");
		hbuf_esc(&pg->b, cm ? cm->name : p->comune);
		hbuf_add(&pg->b, "</b> · avviso <a href=\"/coordinamento/avviso?code=");
		hbuf_url(&pg->b, p->call_code);
		hbuf_add(&pg->b, "\">");
		hbuf_esc(&pg->b, p->call_code);
		hbuf_printf(&pg->b, "</a> · stato <b data-status>%s</b></p>", open ? "aperto" : "ritirato o chiuso");
	}
	if (open) {
		char list[1200];
		int sel = selection_selected_list(pg->env->read, p->code, list, sizeof(list));

		placement_form(pg, p, sel, list);
		hbuf_add(&pg->b, "<h2>Ritiro</h2>");
		affected_note(pg, sel, list, "Il ritiro");
		hbuf_add(&pg->b, "<form method=\"post\" action=\"/coordinamento/progetto/ritira\" class=\"inline\">");
		csrf_field(pg);
		hidden(&pg->b, "code", p->code);
		hbuf_add(&pg->b, "<div><label for=\"wn\">Motivo del ritiro</label><input id=\"wn\" name=\"note\" maxlength=\"200\">"
				 "</div><div><input id=\"wc\" name=\"conferma\" type=\"checkbox\" value=\"1\" required> <label"
				 " for=\"wc\" style=\"display:inline\">Confermo il ritiro</label></div>"
				 "<button type=\"submit\" style=\"background:#b30000\">Ritira il progetto</button></form>"
				 "<p class=\"note\">Un progetto ritirato sparisce dai totem; le candidature già ricevute restano.</p>");
	}
	if (!open && !strcmp(p->call_status, "open")) {
		hbuf_add(&pg->b, "<h2>Ripristino</h2><form method=\"post\" action=\"/coordinamento/progetto/ripristina\""
				 " class=\"inline\">");
		csrf_field(pg);
		hidden(&pg->b, "code", p->code);
		hbuf_add(&pg->b, "<div><label for=\"rn\">Nota</label><input id=\"rn\" name=\"note\" maxlength=\"200\">"
				 "</div><button type=\"submit\">Ripristina il progetto</button></form><p class=\"note\">Un"
				 " progetto ritirato torna sui totem se la sua scadenza non è passata.</p>");
	}
	if (!catalog_changes_read(pg->env->read, p->call_id, p->code, &h)) {
		hbuf_add(&pg->b, "<h2>Storico</h2>");
		history_table(pg, &h, 0);
		store_rows_release(&h);
	}
	store_rows_release(&pr);
	page_end(pg, status);
}

/* After a write: a redirect to the page with ?fatto=, or the page again
 * with the reason (and 422). */
static void amend_done(struct page *pg, int rc, const char *err, const char *base, const char *code, const char *done)
{
	struct hbuf u;
	char *to;

	if (rc == 1) {
		message_page(pg, 404, "Non trovato", "L'avviso o il progetto non esiste.");
		return;
	}
	if (rc < 0) {
		message_page(pg, 503, "Servizio non disponibile", "La modifica non si può salvare ora: riprova tra poco.");
		return;
	}
	if (rc == 2) {
		if (!strcmp(base, "/coordinamento/avviso"))
			call_page(pg, err, 422);
		else
			placement_page(pg, err, 422);
		return;
	}
	hbuf_init(&u, 512);
	hbuf_add(&u, base);
	hbuf_add(&u, "?code=");
	hbuf_url(&u, code);
	hbuf_add(&u, "&fatto=");
	hbuf_add(&u, done);
	to = hbuf_detach(&u, NULL);
	html_staff_redirect(pg->resp, to ? to : "/coordinamento/avvisi");
	free(to);
}

static void amend_post(struct page *pg, const char *what)
{
	static const char *const names[] = { "area", "office", "title", "description", "requirements", "address",
					     "months", "hours_week", "allowance_eur", "qrsp", "seats", "deadline" };
	char code[40] = "", note[256] = "", deadline[40] = "", err[400] = "";
	char values[ARRAY_SIZE(names)][2100];
	const char *vp[ARRAY_SIZE(names)], *np[ARRAY_SIZE(names)];
	const char *base = "/coordinamento/avviso", *done = "prorogato";
	struct store *w;
	int rc, n = 0;

	if (form_csrf(pg))
		return;
	if (http_form_get(pg->req->body, "code", code, sizeof(code)) || !code[0] ||
	    (http_form_get(pg->req->body, "note", note, sizeof(note)) && strstr(pg->req->body, "note="))) {
		message_page(pg, 400, "Richiesta non valida", "Un campo del modulo manca o è troppo lungo.");
		return;
	}
	if (!strcmp(what, "edit"))
		for (size_t i = 0; i < ARRAY_SIZE(names); i++)
			if (!http_form_get(pg->req->body, names[i], values[n], sizeof(values[n]))) {
				np[n] = names[i];
				vp[n] = values[n];
				n++;
			}
	http_form_get(pg->req->body, "deadline", deadline, sizeof(deadline));
	/* Closing and withdrawing cannot be undone here: a ticked box says
	 * the click was meant. */
	if ((!strcmp(what, "close") || !strcmp(what, "withdraw")) &&
	    (http_form_get(pg->req->body, "conferma", values[0], sizeof(values[0])) || strcmp(values[0], "1"))) {
		amend_done(pg, 2, !strcmp(what, "close") ? "spunta la conferma per chiudere l'avviso"
							 : "spunta la conferma per ritirare il progetto",
			   !strcmp(what, "close") ? "/coordinamento/avviso" : "/coordinamento/progetto", code, "");
		return;
	}
	w = pg->env->writer_get(pg->env->arg);
	if (!strcmp(what, "extend")) {
		rc = call_extend(w, code, NULL, deadline, pg->s.name, note, err, sizeof(err));
	} else if (!strcmp(what, "close")) {
		rc = call_close(w, code, pg->s.name, note, err, sizeof(err));
		done = "chiuso";
	} else if (!strcmp(what, "reinstate")) {
		rc = call_placement_reinstate(w, code, pg->s.name, note, err, sizeof(err));
		base = "/coordinamento/progetto";
		done = "ripristinato";
	} else if (!strcmp(what, "withdraw")) {
		rc = call_placement_withdraw(w, code, pg->s.name, note, err, sizeof(err));
		base = "/coordinamento/progetto";
		done = "ritirato";
	} else {
		char cut[4] = "";

		http_form_get(pg->req->body, "conferma_posti", cut, sizeof(cut));
		rc = call_placement_edit_cut(w, code, np, vp, n, pg->s.name, note, !strcmp(cut, "1"), err, sizeof(err));
		base = "/coordinamento/progetto";
		done = "modificato";
	}
	pg->env->writer_put(pg->env->arg);
	amend_done(pg, rc, err, base, code, done);
}

/* ------------------------------------------------------------- network */

struct net_row {
	char istat[7];
	const struct comune *c;
	long long apps, seats, selected, started, dropped, placements;
	char last_deadline[11];
	long long apps2, seats2, selected2;
	int low_fill, few_apps, over;
};

struct net_scope {
	char call[24], from[8], to[8];
	char label[80];
	int kind;		/* 0 all, 1 call, 2 period */
};

static int month_ok(const char *m)
{
	return strlen(m) == 7 && m[4] == '-' && strspn(m, "0123456789-") == 7 && atoi(m + 5) >= 1 && atoi(m + 5) <= 12;
}

/* Reads a scope from the query (suffix '' or '2'). 0, or -1 (bad). */
static int scope_read(const char *query, const char *suffix, struct net_scope *sc)
{
	char k[16], v[40];

	memset(sc, 0, sizeof(*sc));
	snprintf(k, sizeof(k), "call%s", suffix);
	if (!http_query_get(query, k, v, sizeof(v)) && v[0]) {
		if (call_code_normalise(v, sc->call, sizeof(sc->call)))
			return -1;
		sc->kind = 1;
		snprintf(sc->label, sizeof(sc->label), "avviso %s", sc->call);
		return 0;
	}
	snprintf(k, sizeof(k), "from%s", suffix);
	if (!http_query_get(query, k, v, sizeof(v)) && v[0]) {
		if (!month_ok(v))
			return -1;
		str_copy(sc->from, sizeof(sc->from), v);
		sc->kind = 2;
	}
	snprintf(k, sizeof(k), "to%s", suffix);
	if (!http_query_get(query, k, v, sizeof(v)) && v[0]) {
		if (!month_ok(v))
			return -1;
		str_copy(sc->to, sizeof(sc->to), v);
		sc->kind = 2;
	}
	if (sc->kind == 2) {
		if (!sc->from[0])
			str_copy(sc->from, sizeof(sc->from), "2000-01");
		if (!sc->to[0])
			str_copy(sc->to, sizeof(sc->to), "2100-12");
		if (strcmp(sc->from, sc->to) > 0)
			return -1;
		snprintf(sc->label, sizeof(sc->label), "%s – %s", sc->from, sc->to);
	} else {
		str_copy(sc->label, sizeof(sc->label), "tutti gli avvisi");
	}
	return 0;
}

static struct net_row *net_find(struct net_row **rows, int *n, int *cap, const char *istat)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp((*rows)[i].istat, istat))
			return &(*rows)[i];
	if (*n == *cap) {
		int nc = *cap ? *cap * 2 : 256;
		struct net_row *r = realloc(*rows, sizeof(*r) * (size_t)nc);

		if (!r)
			return NULL;
		*rows = r;
		*cap = nc;
	}
	memset(&(*rows)[*n], 0, sizeof(**rows));
	str_copy((*rows)[*n].istat, sizeof((*rows)[0].istat), istat);
	(*rows)[*n].c = comune_by_istat(istat);
	return &(*rows)[(*n)++];
}

/* Fills rows from one scope (second: into the comparison columns). */
static int net_load(struct store *s, const struct net_scope *sc, int second, struct net_row **rows, int *n, int *cap)
{
	struct network_filter f = { sc->kind == 1 ? sc->call : NULL, sc->kind == 2 ? sc->from : NULL,
				    sc->kind == 2 ? sc->to : NULL };
	struct store_rows r;

	if (network_seats_read(s, &f, &r))
		return -1;
	for (int i = 0; i < r.n; i++) {
		const struct network_seats *y = (const struct network_seats *)r.v + i;
		struct net_row *x = net_find(rows, n, cap, y->comune);

		if (!x)
			break;
		if (second) {
			x->seats2 = atoll(y->seats);
		} else {
			x->seats = atoll(y->seats);
			x->placements = atoll(y->placements);
			x->over = atoi(y->over);
			str_copy(x->last_deadline, sizeof(x->last_deadline), y->last_deadline);
		}
	}
	store_rows_release(&r);
	if (network_applications_read(s, &f, &r))
		return -1;
	for (int i = 0; i < r.n; i++) {
		const struct network_applications *y = (const struct network_applications *)r.v + i;
		struct net_row *x = net_find(rows, n, cap, y->comune);

		if (!x)
			break;
		if (second) {
			x->apps2 = atoll(y->applications);
			x->selected2 = atoll(y->selected);
		} else {
			x->apps = atoll(y->applications);
			x->selected = atoll(y->selected);
			x->started = atoll(y->started);
			x->dropped = atoll(y->dropped);
		}
	}
	store_rows_release(&r);
	return 0;
}

static double ratio(long long a, long long b)
{
	return b > 0 ? (double)a / (double)b : -1;
}

enum net_sort { NS_ANOMALY, NS_COMUNE, NS_APPS, NS_SEATS, NS_PER_SEAT, NS_FILL, NS_SELECTED, NS_STARTED, NS_DROPPED, NS_DELTA };
static const char *const sort_keys[] = { "anomalie", "comune", "candidature", "posti", "per_posto", "copertura",
					 "selezionati", "avviati", "abbandoni", "variazione" };

static int net_cmp(const void *pa, const void *pb, void *arg)
{
	const struct net_row *a = pa, *b = pb;
	int key = *(const int *)arg, dir = ((const int *)arg)[1];
	double x = 0, y = 0;
	int c;

	switch (key) {
	case NS_COMUNE:
		c = strcmp(a->c ? a->c->name : a->istat, b->c ? b->c->name : b->istat);
		return dir * c;
	case NS_APPS: x = (double)a->apps; y = (double)b->apps; break;
	case NS_SEATS: x = (double)a->seats; y = (double)b->seats; break;
	case NS_PER_SEAT: x = ratio(a->apps, a->seats); y = ratio(b->apps, b->seats); break;
	case NS_FILL: x = ratio(a->selected, a->seats); y = ratio(b->selected, b->seats); break;
	case NS_SELECTED: x = (double)a->selected; y = (double)b->selected; break;
	case NS_STARTED: x = (double)a->started; y = (double)b->started; break;
	case NS_DROPPED: x = (double)a->dropped; y = (double)b->dropped; break;
	case NS_DELTA: x = (double)(a->apps - a->apps2); y = (double)(b->apps - b->apps2); break;
	default:
		/* Outliers first: no applications, then the lowest fill, then
		 * the fewest applications per seat. */
		if ((a->apps == 0) != (b->apps == 0))
			return a->apps == 0 ? -1 : 1;
		if (a->low_fill != b->low_fill)
			return b->low_fill - a->low_fill;
		x = ratio(a->selected, a->seats);
		y = ratio(b->selected, b->seats);
		if (x != y)
			return x < y ? -1 : 1;
		x = ratio(a->apps, a->seats);
		y = ratio(b->apps, b->seats);
		if (x != y)
			return x < y ? -1 : 1;
		return strcmp(a->c ? a->c->name : a->istat, b->c ? b->c->name : b->istat);
	}
	if (x != y)
		return dir * (x < y ? -1 : 1);
	return strcmp(a->c ? a->c->name : a->istat, b->c ? b->c->name : b->istat);
}

static int net_match(const struct net_row *r, const char *q)
{
	char fq[128], fn[128];

	if (!q[0])
		return 1;
	if (!strncmp(r->istat, q, strlen(q)))
		return 1;
	if (!r->c)
		return 0;
	if (strlen(q) == 2 && !strcasecmp(r->c->province, q))
		return 1;
	call_fold(q, fq, sizeof(fq));
	call_fold(r->c->name, fn, sizeof(fn));
	return fq[0] && strstr(fn, fq) != NULL;
}

static void rate_cell(struct hbuf *b, double v, const char *m)
{
	char num[32] = "–";

	if (v >= 0) {
		html_dec_it(num, sizeof(num), v * 100, 1);
		strncat(num, "%", sizeof(num) - strlen(num) - 1);
	}
	hbuf_printf(b, "<td class=\"n\" data-m=\"%s\">%s</td>", m, num);
}

static void count_cell(struct hbuf *b, long long v, const char *m)
{
	char num[32];

	html_int_it(num, sizeof(num), v);
	hbuf_printf(b, "<td class=\"n\" data-m=\"%s\">%s</td>", m, num);
}

/* The network page's address with the filters of query (but omit, if
 * not NULL), sorted by sort in dir, escaped for HTML. */
static void net_url(struct hbuf *b, const char *query, const char *sort, const char *dir, const char *omit)
{
	static const char *const keep[] = { "q", "call", "from", "to", "call2", "from2", "to2" };
	char v[80];

	hbuf_add(b, "/coordinamento/rete?sort=");
	hbuf_add(b, sort);
	hbuf_add(b, "&amp;dir=");
	hbuf_add(b, dir);
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
		if ((!omit || strcmp(keep[i], omit)) && !http_query_get(query, keep[i], v, sizeof(v)) && v[0]) {
			struct hbuf e;
			char *t;

			hbuf_printf(b, "&amp;%s=", keep[i]);
			hbuf_init(&e, 256);
			hbuf_url(&e, v);
			t = hbuf_detach(&e, NULL);
			hbuf_add(b, t ? t : "");
			free(t);
		}
}

/* The map of the network by province (map.c), above the table: every
 * comune of the scope, whatever the search; a disc filters the table. */
static void net_map(struct page *pg, const struct net_row *rows, int n, const char *query, const char *sort,
		    const char *dir, const char *q)
{
	struct map_province *p = NULL;
	char *base;
	struct hbuf u;
	int np = 0;

	for (int i = 0; i < n; i++)
		if (rows[i].c)
			map_add(&p, &np, rows[i].c->province, rows[i].c->province_name, rows[i].apps, rows[i].seats,
				rows[i].selected, (rows[i].apps == 0 && rows[i].seats > 0) || rows[i].low_fill);
	hbuf_init(&u, 4096);
	net_url(&u, query, sort, dir, "q");
	hbuf_add(&u, "&amp;");
	base = hbuf_detach(&u, NULL);
	if (np && base) {
		hbuf_add(&pg->b, "<details class=\"netmap\" open><summary>Mappa per provincia</summary>");
		map_svg(&pg->b, p, np, base, strlen(q) == 2 ? q : "");
		hbuf_add(&pg->b, "</details>");
	}
	free(base);
	free(p);
}

/* The filters: search, the scope a and the comparison scope b. */
static void net_filters(struct page *pg, const char *q, const struct net_scope *a, const struct net_scope *b)
{
	hbuf_add(&pg->b, "<form method=\"get\" action=\"/coordinamento/rete\" class=\"filters\" aria-label=\"Filtri\">"
			 "<div><label for=\"q\">Cerca un Comune</label><input id=\"q\" name=\"q\" maxlength=\"60\""
			 " placeholder=\"nome, provincia (MI) o codice ISTAT\" value=\"");
	hbuf_esc(&pg->b, q);
	hbuf_add(&pg->b, "\"></div><div><label for=\"call\">Avviso</label><input id=\"call\" name=\"call\" size=\"10\""
			 " placeholder=\"11/2025\" value=\"");
	hbuf_esc(&pg->b, a->call);
	hbuf_add(&pg->b, "\"></div><div><label for=\"from\">o dal mese</label><input id=\"from\" name=\"from\" type=\"month\" value=\"");
	hbuf_esc(&pg->b, a->kind == 2 ? a->from : "");
	hbuf_add(&pg->b, "\"></div><div><label for=\"to\">al mese</label><input id=\"to\" name=\"to\" type=\"month\" value=\"");
	hbuf_esc(&pg->b, a->kind == 2 ? a->to : "");
	hbuf_add(&pg->b, "\"></div><div><label for=\"call2\">Confronta con l'avviso</label><input id=\"call2\" name=\"call2\""
			 " size=\"10\" value=\"");
	hbuf_esc(&pg->b, b->call);
	hbuf_add(&pg->b, "\"></div><div><label for=\"from2\">o dal mese</label><input id=\"from2\" name=\"from2\" type=\"month\" value=\"");
	hbuf_esc(&pg->b, b->kind == 2 ? b->from : "");
	hbuf_add(&pg->b, "\"></div><div><label for=\"to2\">al mese</label><input id=\"to2\" name=\"to2\" type=\"month\" value=\"");
	hbuf_esc(&pg->b, b->kind == 2 ? b->to : "");
	hbuf_add(&pg->b, "\"></div><div><button type=\"submit\">Mostra</button></div></form>");
}

/* The table's column headings, each a link sorting by it (dir: 1
 * ascending, -1 descending, for the current key). */
static void net_table_head(struct page *pg, const char *query, int key, int dir, int compare)
{
	static const struct { int key; const char *label; } cols[] = {
		{ NS_COMUNE, "Comune" }, { NS_APPS, "Candidature" }, { NS_SEATS, "Posti" },
		{ NS_PER_SEAT, "Candidature per posto" }, { NS_FILL, "Copertura" }, { NS_SELECTED, "Selezionati" },
		{ NS_STARTED, "Avviati" }, { NS_DROPPED, "Abbandoni" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
		int cur = key == cols[i].key;
		const char *nd = cur && dir == 1 ? "desc" : cur ? "asc" : cols[i].key == NS_COMUNE ? "asc" : "desc";

		hbuf_printf(&pg->b, "<th scope=\"col\"%s%s><a href=\"", i ? " class=\"n\"" : "",
			    cur ? (dir == 1 ? " aria-sort=\"ascending\"" : " aria-sort=\"descending\"") : "");
		net_url(&pg->b, query, sort_keys[cols[i].key], nd, NULL);
		hbuf_printf(&pg->b, "\">%s%s</a></th>", cols[i].label, cur ? (dir == 1 ? " ▲" : " ▼") : "");
	}
	if (compare) {
		hbuf_add(&pg->b, "<th scope=\"col\" class=\"n\">Candidature (confronto)</th><th scope=\"col\" class=\"n\">"
				 "Posti (confronto)</th><th scope=\"col\" class=\"n\">Copertura (confronto)</th>"
				 "<th scope=\"col\" class=\"n\"><a href=\"");
		net_url(&pg->b, query, "variazione", key == NS_DELTA && dir == -1 ? "asc" : "desc", NULL);
		hbuf_add(&pg->b, "\">Variazione candidature</a></th>");
	}
	hbuf_add(&pg->b, "<th scope=\"col\">Da guardare</th></tr></thead><tbody>");
}

/* One comune's row (alert: no applications, low fill, or more selected than seats). */
static void net_table_row(struct page *pg, const struct net_row *r, int alert, int compare)
{
	hbuf_add(&pg->b, "<tr data-comune=\"");
	hbuf_esc(&pg->b, r->istat);
	hbuf_printf(&pg->b, "\"%s><th scope=\"row\">", alert ? " class=\"alert\"" : "");
	hbuf_esc(&pg->b, r->c ? r->c->name : r->istat);
	if (r->c)
		hbuf_printf(&pg->b, " (%s)", r->c->province);
	hbuf_add(&pg->b, "</th>");
	count_cell(&pg->b, r->apps, "applications");
	count_cell(&pg->b, r->seats, "seats");
	{
		char v[32] = "–";
		double x = ratio(r->apps, r->seats);

		if (x >= 0)
			html_dec_it(v, sizeof(v), x, 2);
		hbuf_printf(&pg->b, "<td class=\"n\" data-m=\"per_seat\">%s</td>", v);
	}
	rate_cell(&pg->b, ratio(r->selected, r->seats), "fill_rate");
	count_cell(&pg->b, r->selected, "selected");
	count_cell(&pg->b, r->started, "started");
	count_cell(&pg->b, r->dropped, "dropped_out");
	if (compare) {
		count_cell(&pg->b, r->apps2, "applications2");
		count_cell(&pg->b, r->seats2, "seats2");
		rate_cell(&pg->b, ratio(r->selected2, r->seats2), "fill_rate2");
		hbuf_printf(&pg->b, "<td class=\"n\" data-m=\"delta\">%+lld</td>", r->apps - r->apps2);
	}
	hbuf_add(&pg->b, "<td>");
	if (r->apps == 0 && r->seats > 0)
		hbuf_add(&pg->b, "<span class=\"flag\">nessuna candidatura</span>");
	if (r->low_fill)
		hbuf_add(&pg->b, "<span class=\"flag\">copertura sotto il 50%</span>");
	if (r->over || r->selected > r->seats)
		hbuf_printf(&pg->b, "<span class=\"flag\" data-flag=\"over\">copertura oltre il 100%%: %d %s con più"
			    " selezionati che posti</span>", r->over ? r->over : 1, r->over > 1 ? "progetti" : "progetto");
	if (r->few_apps)
		hbuf_add(&pg->b, "<span class=\"flag warn\">meno candidature che posti</span>");
	hbuf_add(&pg->b, "</td></tr>");
}

/* The registers of last month still unconfirmed after their deadline
 * (issue 19), per comune, with the link to the list. Nothing when none. */
static void net_late_registers(struct page *pg, const char *today)
{
	struct late_register *l = NULL;
	char month[24];
	size_t n = 0;
	int y = atoi(today), m = atoi(today + 5);

	snprintf(month, sizeof(month), "%04d-%02d", m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1);
	if (traineeship_late(pg->env->read, month, "", today, &l, &n) || !n) {
		free(l);
		return;
	}
	hbuf_printf(&pg->b, "<p class=\"alert\" id=\"registri-ritardo\" role=\"status\">Registri presenze di %s non confermati"
			    " entro il termine: <b>%zu</b> (", month, n);
	for (size_t i = 0; i < n; i++) {
		size_t k = i;
		const struct comune *c = comune_by_istat(l[i].comune);
		while (k + 1 < n && !strcmp(l[k + 1].comune, l[i].comune))
			k++;
		hbuf_add(&pg->b, i ? ", " : "");
		hbuf_esc(&pg->b, c ? c->name : l[i].comune);
		hbuf_printf(&pg->b, " %zu", k - i + 1);
		i = k;
	}
	hbuf_add(&pg->b, ") – <a href=\"/ufficio/indennita?mese=");
	hbuf_url(&pg->b, month);
	hbuf_add(&pg->b, "\">elenco e registri</a>.</p>");
	free(l);
}

static void network_page(struct page *pg)
{
	struct net_scope a, b;
	struct net_row *rows = NULL;
	char q[80] = "", sort[24] = "anomalie", dir[8] = "", today[11], num[32];
	int n = 0, cap = 0, key = NS_ANOMALY, args[2], compare, shown = 0;
	long long tot_apps = 0, tot_seats = 0, tot_sel = 0, none = 0;
	const char *query = pg->req->query ? pg->req->query : "";

	if (strlen(query) > 1024 || scope_read(query, "", &a) || scope_read(query, "2", &b)) {
		message_page(pg, 400, "Filtri non validi", "Avviso o periodo non validi: usa il codice dell'avviso o mesi"
			     " AAAA-MM, con l'inizio prima della fine.");
		return;
	}
	if (!http_query_get(query, "q", q, sizeof(q)))
		str_trim(q);
	http_query_get(query, "sort", sort, sizeof(sort));
	http_query_get(query, "dir", dir, sizeof(dir));
	for (size_t i = 0; i < ARRAY_SIZE(sort_keys); i++)
		if (!strcmp(sort, sort_keys[i]))
			key = (int)i;
	compare = b.kind != 0;
	args[0] = key;
	args[1] = !strcmp(dir, "asc") ? 1 : !strcmp(dir, "desc") ? -1 : key == NS_COMUNE ? 1 : -1;
	time_date(now_wall(), today, sizeof(today));
	if (net_load(pg->env->read, &a, 0, &rows, &n, &cap) || (compare && net_load(pg->env->read, &b, 1, &rows, &n, &cap))) {
		free(rows);
		message_page(pg, 503, "Servizio non disponibile", "I dati della rete non si possono leggere ora.");
		return;
	}
	for (int i = 0; i < n; i++) {
		rows[i].low_fill = rows[i].seats > 0 && rows[i].last_deadline[0] &&
				   strcmp(rows[i].last_deadline, today) < 0 && ratio(rows[i].selected, rows[i].seats) < 0.5;
		rows[i].few_apps = rows[i].apps > 0 && rows[i].apps < rows[i].seats;
		tot_apps += rows[i].apps;
		tot_seats += rows[i].seats;
		tot_sel += rows[i].selected;
		none += rows[i].apps == 0 && rows[i].seats > 0;
	}
	if (n)	/* no comune yet: rows is NULL, which qsort may not take */
		qsort_r(rows, (size_t)n, sizeof(*rows), net_cmp, args);

	page_begin(pg, "Rete dei Comuni", "/coordinamento/rete");
	net_filters(pg, q, &a, &b);

	hbuf_add(&pg->b, "<div class=\"kpi\">");
	html_int_it(num, sizeof(num), n);
	hbuf_printf(&pg->b, "<div><span>Comuni</span><b data-kpi=\"comuni\">%s</b></div>", num);
	html_int_it(num, sizeof(num), tot_apps);
	hbuf_printf(&pg->b, "<div><span>Candidature</span><b data-kpi=\"applications\">%s</b></div>", num);
	html_int_it(num, sizeof(num), tot_seats);
	hbuf_printf(&pg->b, "<div><span>Posti</span><b data-kpi=\"seats\">%s</b></div>", num);
	html_int_it(num, sizeof(num), tot_sel);
	hbuf_printf(&pg->b, "<div><span>Selezionati</span><b data-kpi=\"selected\">%s</b></div>", num);
	html_int_it(num, sizeof(num), none);
	hbuf_printf(&pg->b, "<div><span>Comuni senza candidature</span><b data-kpi=\"no_applications\">%s</b></div></div>", num);
	net_late_registers(pg, today);
	hbuf_add(&pg->b, "<p class=\"note\">Periodo: ");
	hbuf_esc(&pg->b, a.label);
	if (compare) {
		hbuf_add(&pg->b, "; confronto con ");
		hbuf_esc(&pg->b, b.label);
	}
	hbuf_add(&pg->b, ". In testa i casi da guardare: Comuni senza candidature, poi copertura più bassa. I posti dei"
			 " progetti ritirati non contano. Clic sull'intestazione di una colonna per ordinare.</p>");
	net_map(pg, rows, n, query, sort_keys[key], args[1] == 1 ? "asc" : "desc", q);

	hbuf_add(&pg->b, "<table id=\"rete\"><caption>Comuni della rete (uso interno)</caption><thead><tr>");
	net_table_head(pg, query, key, args[1], compare);
	for (int i = 0; i < n && shown < NET_ROWS_MAX; i++) {
		struct net_row *r = &rows[i];
		int alert = (r->apps == 0 && r->seats > 0) || r->low_fill || r->over || r->selected > r->seats;

		if (!net_match(r, q))
			continue;
		shown++;
		net_table_row(pg, r, alert, compare);
	}
	if (!shown)
		hbuf_add(&pg->b, "<tr><td colspan=\"13\">Nessun Comune corrisponde.</td></tr>");
	hbuf_add(&pg->b, "</tbody></table>");
	if (shown >= NET_ROWS_MAX)
		hbuf_printf(&pg->b, "<p class=\"note\">Sono mostrati i primi %d Comuni: usa la ricerca per trovarne altri.</p>",
			    NET_ROWS_MAX);
	free(rows);
	page_end(pg, 200);
}

/* --------------------------------------------------------------- fleet */

static void fleet_page(struct page *pg)
{
	struct fleet_thresholds t = { pg->env->silent_minutes, pg->env->outbox_minutes, pg->env->slow_frame_ms };
	struct kiosk_health *k = NULL;
	int n = 0, silent = 0, paper = 0, outbox = 0, active = 0;
	char num[32];

	if (fleet_list(pg->env->read, &t, &k, &n)) {
		message_page(pg, 503, "Servizio non disponibile", "Lo stato dei totem non si può leggere ora.");
		return;
	}
	for (int i = 0; i < n; i++) {
		active += !strcmp(k[i].status, "active");
		silent += k[i].flag_silent;
		paper += k[i].flag_paper;
		outbox += k[i].flag_outbox;
	}
	page_begin(pg, "Stato dei totem", "/coordinamento/totem");
	hbuf_add(&pg->b, "<div class=\"kpi\">");
	hbuf_printf(&pg->b, "<div><span>Totem attivi</span><b data-kpi=\"active\">%d</b></div>", active);
	hbuf_printf(&pg->b, "<div><span>Silenziosi</span><b data-kpi=\"silent\">%d</b></div>", silent);
	hbuf_printf(&pg->b, "<div><span>Senza carta</span><b data-kpi=\"paper_out\">%d</b></div>", paper);
	hbuf_printf(&pg->b, "<div><span>Coda in crescita</span><b data-kpi=\"outbox_growing\">%d</b></div></div>", outbox);
	hbuf_printf(&pg->b, "<p class=\"note\">Un totem è silenzioso dopo %d minuti senza segnale (chiave kiosk_silent_minutes"
			    " della configurazione dell'hub); la coda è in crescita quando da %d minuti non scende e"
			    " cresce (outbox_growing_minutes); lo schermo è lento oltre %d ms per fotogramma"
			    " (slow_frame_ms). In testa i totem da guardare.</p>", t.silent_minutes, t.outbox_minutes, t.frame_ms);
	hbuf_add(&pg->b, "<table id=\"totem\"><caption>Totem della rete</caption><thead><tr><th scope=\"col\">Totem</th>"
			 "<th scope=\"col\">Comune</th><th scope=\"col\">Stato</th><th scope=\"col\">Ultimo segnale (UTC)</th>"
			 "<th scope=\"col\">Versione</th><th scope=\"col\" class=\"n\">Coda</th><th scope=\"col\">Stampante</th>"
			 "<th scope=\"col\" class=\"n\">Fotogramma</th><th scope=\"col\">Da guardare</th></tr></thead><tbody>");
	for (int i = 0; i < n; i++) {
		const struct kiosk_health *h = &k[i];
		const struct comune *c = comune_by_istat(h->comune);
		int revoked = strcmp(h->status, "active") != 0;
		int alert = h->flag_silent || h->flag_paper || h->flag_printer || h->flag_outbox || h->flag_slow;
		static const struct { const char *key, *it; } printers[] = {
			{ "ok", "pronta" }, { "busy", "in stampa" }, { "none", "nessuna" }, { "missing", "assente" },
			{ "paper_out", "senza carta" }, { "no_answer", "non risponde" },
		};
		const char *pr = h->printer[0] ? h->printer : "–";

		for (size_t p = 0; p < ARRAY_SIZE(printers); p++)
			if (!strcmp(h->printer, printers[p].key))
				pr = printers[p].it;
		hbuf_add(&pg->b, "<tr data-kiosk=\"");
		hbuf_esc(&pg->b, h->id);
		hbuf_printf(&pg->b, "\"%s><th scope=\"row\">", revoked ? " class=\"off\"" : alert ? " class=\"alert\"" : "");
		hbuf_esc(&pg->b, h->id);
		if (h->name[0]) {
			hbuf_add(&pg->b, " <span class=\"note\">");
			hbuf_esc(&pg->b, h->name);
			hbuf_add(&pg->b, "</span>");
		}
		hbuf_add(&pg->b, "</th><td>");
		hbuf_esc(&pg->b, c ? c->name : h->comune);
		hbuf_printf(&pg->b, "</td><td>%s</td><td class=\"d\">", revoked ? "revocato" : "attivo");
		if (h->last_seen[0])
			instant_cell(&pg->b, h->last_seen);
		else
			hbuf_add(&pg->b, "mai");
		if (h->silent_minutes >= 0) {
			if (h->silent_minutes < 120)
				hbuf_printf(&pg->b, " <span class=\"note\">(%lld min fa)</span>", h->silent_minutes);
			else
				hbuf_printf(&pg->b, " <span class=\"note\">(%lld ore fa)</span>", h->silent_minutes / 60);
		}
		hbuf_add(&pg->b, "</td><td>");
		hbuf_esc(&pg->b, h->version[0] ? h->version : "–");
		html_int_it(num, sizeof(num), h->queue_depth);
		hbuf_printf(&pg->b, "</td><td class=\"n\" data-m=\"queue\">%s</td><td>", h->never_seen ? "–" : num);
		hbuf_esc(&pg->b, pr);
		if (h->never_seen)
			hbuf_add(&pg->b, "</td><td class=\"n\" data-m=\"frame\">–</td><td>");
		else
			hbuf_printf(&pg->b, "</td><td class=\"n\" data-m=\"frame\">%lld ms</td><td>", h->last_frame_ms);
		if (h->flag_silent)
			hbuf_add(&pg->b, h->never_seen ? "<span class=\"flag\">mai collegato</span>"
						       : "<span class=\"flag\">silenzioso</span>");
		if (h->flag_paper)
			hbuf_add(&pg->b, "<span class=\"flag\">senza carta</span>");
		if (h->flag_printer)
			hbuf_add(&pg->b, "<span class=\"flag\">stampante</span>");
		if (h->flag_outbox)
			hbuf_add(&pg->b, "<span class=\"flag\">coda in crescita</span>");
		if (h->flag_slow)
			hbuf_add(&pg->b, "<span class=\"flag warn\">schermo lento</span>");
		hbuf_add(&pg->b, "</td></tr>");
	}
	if (!n)
		hbuf_add(&pg->b, "<tr><td colspan=\"9\">Nessun totem registrato.</td></tr>");
	hbuf_add(&pg->b, "</tbody></table>");
	free(k);
	page_end(pg, 200);
}

/* The placement statistics, protected (coord_placements.h). */
static void placements_page(struct page *pg)
{
	int status;
	page_begin(pg, "Statistiche dei tirocini", "/coordinamento/tirocini");
	status = coord_placements_html(&pg->b, pg->env->read, pg->req->query);
	page_end(pg, status);
}

/* -------------------------------------------------------------- routing */

int coord_path(const char *path)
{
	return !strcmp(path, "/coordinamento") || !strncmp(path, "/coordinamento/", 15);
}

void coord_handle(const struct coord_env *env, const struct http_request *req, struct http_response *resp)
{
	const char *p = req->path, *m = req->method;
	int get = !strcmp(m, "GET") || !strcmp(m, "HEAD"), post = !strcmp(m, "POST");
	char token[AUTH_TOKEN_LEN + 2] = "";
	struct page pg;
	enum auth_result ar;

	memset(&pg, 0, sizeof(pg));
	pg.env = env;
	pg.req = req;
	pg.resp = resp;
	ar = http_cookie_get(req->cookie, "dc_session", token, sizeof(token)) ? AUTH_DENIED
									      : auth_session_get(env->read, token, &pg.s);
	str_wipe(token, sizeof(token));
	if (ar == AUTH_ERROR) {
		struct hbuf b;

		hbuf_init(&b, 4096);
		hbuf_add(&b, "<!DOCTYPE html><html lang=\"it\"><title>Servizio non disponibile</title>"
			     "<p>Il servizio non è raggiungibile: riprova tra poco.</p></html>");
		respond(resp, 503, &b);
		return;
	}
	if (ar != AUTH_OK) {
		html_staff_redirect(resp, "/login");
		return;
	}
	if (strcmp(pg.s.role, "coordinator")) {
		message_page(&pg, 403, "Riservato al coordinamento",
			     "Queste pagine sono del coordinamento della rete: il personale dei Comuni usa il cruscotto.");
		return;
	}
	if (get && (!strcmp(p, "/coordinamento") || !strcmp(p, "/coordinamento/")))
		html_staff_redirect(resp, "/coordinamento/avvisi");
	else if (get && !strcmp(p, "/coordinamento/avvisi"))
		calls_page(&pg);
	else if (post && !strcmp(p, "/coordinamento/avvisi/importa"))
		import_post(&pg);
	else if (post && !strcmp(p, "/coordinamento/avvisi/conferma"))
		confirm_post(&pg);
	else if (get && !strcmp(p, "/coordinamento/avviso"))
		call_page(&pg, NULL, 200);
	else if (post && !strcmp(p, "/coordinamento/avviso/proroga"))
		amend_post(&pg, "extend");
	else if (post && !strcmp(p, "/coordinamento/avviso/chiudi"))
		amend_post(&pg, "close");
	else if (get && !strcmp(p, "/coordinamento/progetto"))
		placement_page(&pg, NULL, 200);
	else if (post && !strcmp(p, "/coordinamento/progetto/modifica"))
		amend_post(&pg, "edit");
	else if (post && !strcmp(p, "/coordinamento/progetto/ritira"))
		amend_post(&pg, "withdraw");
	else if (post && !strcmp(p, "/coordinamento/progetto/ripristina"))
		amend_post(&pg, "reinstate");
	else if (get && !strcmp(p, "/coordinamento/rete"))
		network_page(&pg);
	else if (get && !strcmp(p, "/coordinamento/tirocini"))
		placements_page(&pg);
	else if (get && !strcmp(p, "/coordinamento/totem"))
		fleet_page(&pg);
	else
		message_page(&pg, get || post ? 404 : 405, "Pagina non trovata", "La pagina richiesta non esiste.");
}

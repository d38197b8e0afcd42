/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The register and allowance pages' bodies (see office_placement.h).
 * Every text from the database goes through hbuf_esc().
 */
#include "reports/web/office_placement.h"
#include "reports/web/allowance.h"
#include "reports/web/auth.h"
#include "reports/web/html.h"
#include "reports/web/http.h"
#include "reports/web/placement_pdf.h"
#include "reports/store/replacement.h"
#include "reports/store/store.h"
#include "reports/store/trainee_badge.h"
#include "reports/store/traineeship.h"
#include "core/datetime.h"
#include "core/placement.h"
#include "core/receipt.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const absence_it[ABSENCE_KINDS] = { "malattia", "ferie", "permesso", "sospensione" };
static const char *const weekday_it[7] = { "lun", "mar", "mer", "gio", "ven", "sab", "dom" };
static const char *const month_it[12] = { "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio",
					   "agosto", "settembre", "ottobre", "novembre", "dicembre" };

static const char *absence_label(const char *kind)
{
	for (int i = 0; i < ABSENCE_KINDS; i++)
		if (!strcmp(kind, absence_kinds[i]))
			return absence_it[i];
	return kind;
}

static void month_title(const char *month, char *buf, size_t size)
{
	int m = (int)strtol(month + 5, NULL, 10);
	if (m >= 1 && m <= 12)
		snprintf(buf, size, "%s %.4s", month_it[m - 1], month);
	else
		str_copy(buf, size, month);
}

static void hours(struct hbuf *b, int minutes)
{
	hbuf_printf(b, "%dh%02d", minutes / 60, minutes % 60);
}

static void notices(struct hbuf *b, const struct placement_view *v)
{
	if (v->done && *v->done) {
		hbuf_add(b, "<p class=\"ok\" role=\"status\">");
		hbuf_esc(b, v->done);
		hbuf_add(b, "</p>");
	}
	if (v->error && *v->error) {
		hbuf_add(b, "<p class=\"err\" role=\"alert\">");
		hbuf_esc(b, v->error);
		hbuf_add(b, "</p>");
	}
}

static void form_start(struct hbuf *b, const struct register_month *m, const struct placement_view *v,
		       const char *action, const char *label)
{
	hbuf_add(b, "<form method=\"post\" action=\"/ufficio/tirocinio\" class=\"noprint\">");
	hbuf_add(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
	hbuf_esc(b, v->csrf);
	hbuf_add(b, "\"><input type=\"hidden\" name=\"id\" value=\"");
	hbuf_esc(b, m->t.uuid);
	hbuf_add(b, "\"><input type=\"hidden\" name=\"mese\" value=\"");
	hbuf_esc(b, m->month);
	hbuf_printf(b, "\"><input type=\"hidden\" name=\"azione\" value=\"%s\"><h3>%s</h3>", action, label);
}

void register_month_html(struct hbuf *b, const struct register_month *m, const struct placement_view *v)
{
	const struct allowance_month *a = &m->allowance;
	char title[40], due[32], base[32];
	long first = cal_parse(m->days[0].date);

	month_title(m->month, title, sizeof(title));
	hbuf_add(b, "<h1>Registro presenze di ");
	hbuf_esc(b, title);
	hbuf_add(b, "</h1><p>");
	hbuf_esc(b, m->t.given_name);
	hbuf_add(b, " ");
	hbuf_esc(b, m->t.family_name);
	hbuf_add(b, " · progetto ");
	hbuf_esc(b, m->t.placement_code);
	hbuf_add(b, " · dal ");
	hbuf_esc(b, m->t.start);
	hbuf_add(b, " al ");
	hbuf_esc(b, m->t.end);
	hbuf_add(b, " · tutor ");
	hbuf_esc(b, m->t.tutor_comune);
	hbuf_add(b, "</p>");
	notices(b, v);

	/* The month at a glance: what the allowance rests on. */
	cents_format(a->due_cents, due, sizeof(due));
	cents_format(a->base_cents, base, sizeof(base));
	hbuf_add(b, "<table id=\"totali\"><caption>Il mese</caption><tbody>");
	hbuf_printf(b, "<tr><th>Giorni lavorativi del tirocinio</th><td class=\"n\" id=\"giorni\">%d di %d</td></tr>",
		    a->exp.due_days + a->exp.suspended_days, a->exp.working_days);
	hbuf_add(b, "<tr><th>Ore attese</th><td class=\"n\" id=\"attese\">");
	hours(b, a->exp.expected_minutes);
	hbuf_add(b, "</td></tr><tr><th>Ore firmate</th><td class=\"n\" id=\"firmate\">");
	hours(b, a->attended_minutes);
	hbuf_printf(b, "</td></tr><tr><th>Presenza</th><td class=\"n\" id=\"presenza\">%d,%d%%</td></tr>",
		    a->rate_permille / 10, a->rate_permille % 10);
	for (int k = 0; k < ABSENCE_KINDS; k++)
		hbuf_printf(b, "<tr><th>Assenze: %s</th><td class=\"n\">%d giorni</td></tr>", absence_it[k],
			    m->absence_days[k]);
	hbuf_add(b, "<tr><th>Ore d'aula</th><td class=\"n\" id=\"aula\">");
	hours(b, m->classroom_minutes);
	hbuf_printf(b, "</td></tr><tr><th>Uscite mancanti</th><td class=\"n\" id=\"mancanti\">%d</td></tr>",
		    m->missing_out);
	hbuf_printf(b, "<tr><th>Indennità</th><td class=\"n\" id=\"indennita\">%s €</td></tr></tbody></table>", due);
	hbuf_add(b, "<p id=\"motivazione\">");
	hbuf_esc(b, m->explain);
	hbuf_add(b, "</p>");
	if (m->confirmed_at[0]) {
		hbuf_add(b, "<p id=\"stato\" class=\"ok\">Mese confermato il ");
		hbuf_esc(b, m->confirmed_at);
		hbuf_add(b, " da ");
		hbuf_esc(b, m->confirmed_by);
		if (m->paid_at[0]) {
			hbuf_add(b, "; indennità pagata il ");
			hbuf_esc(b, m->paid_at);
		}
		hbuf_add(b, ".</p>");
	} else {
		hbuf_add(b, "<p id=\"stato\">Mese non ancora confermato.</p>");
	}

	/* Day by day. */
	hbuf_add(b, "<table id=\"giorni-mese\"><caption>Giorno per giorno</caption><thead><tr><th>Giorno</th>"
		    "<th>Entrata</th><th>Uscita</th><th class=\"n\">Ore</th><th>Note</th></tr></thead><tbody>");
	for (int i = 0; i < m->ndays; i++) {
		const struct register_day *d = &m->days[i];
		if (!d->working && !d->minutes && !d->missing_out && !d->orphan_out && !d->absence[0])
			continue;
		hbuf_printf(b, "<tr id=\"g-%s\"><td class=\"nw\">%s %s</td><td>", d->date,
			    weekday_it[cal_weekday(first + i)], d->date + 8);
		hbuf_esc(b, d->first_in);
		hbuf_add(b, "</td><td>");
		hbuf_esc(b, d->last_out);
		hbuf_add(b, "</td><td class=\"n\">");
		if (d->minutes)
			hours(b, d->minutes);
		hbuf_add(b, "</td><td>");
		if (d->absence[0])
			hbuf_esc(b, absence_label(d->absence));
		if (d->missing_out)
			hbuf_add(b, " <strong class=\"missing\">uscita mancante</strong>");
		if (d->orphan_out)
			hbuf_add(b, " uscita senza entrata");
		hbuf_add(b, "</td></tr>");
	}
	hbuf_add(b, "</tbody></table>");

	if (v->tutor && !m->confirmed_at[0]) {
		form_start(b, m, v, "correggi", "Correggere una timbratura");
		hbuf_add(b, "<p>Per un'uscita (o un'entrata) non registrata al chiosco: giorno, ora e motivo. "
			    "La correzione resta nel registro delle modifiche.</p>"
			    "<label for=\"fix-giorno\">Giorno</label> <input id=\"fix-giorno\" name=\"giorno\" type=\"date\" required> "
			    "<label for=\"fix-ora\">Ora</label> <input id=\"fix-ora\" name=\"ora\" type=\"time\" required> "
			    "<label for=\"fix-tipo\">Tipo</label> <select id=\"fix-tipo\" name=\"tipo\"><option value=\"uscita\">uscita</option>"
			    "<option value=\"entrata\">entrata</option></select> "
			    "<label for=\"fix-motivo\">Motivo</label> <input id=\"fix-motivo\" name=\"motivo\" required minlength=\"3\" maxlength=\"240\"> "
			    "<button type=\"submit\">Registra la correzione</button></form>");
		form_start(b, m, v, "assenza", "Registrare un'assenza");
		hbuf_add(b, "<label for=\"abs-giorno\">Giorno</label> <input id=\"abs-giorno\" name=\"giorno\" type=\"date\" required> "
			    "<label for=\"abs-tipo\">Tipo</label> <select id=\"abs-tipo\" name=\"tipo\">");
		for (int k = 0; k < ABSENCE_KINDS; k++)
			hbuf_printf(b, "<option value=\"%s\">%s</option>", absence_kinds[k], absence_it[k]);
		hbuf_add(b, "</select> <button type=\"submit\">Registra l'assenza</button></form>");
		form_start(b, m, v, "aula", "Ore d'aula del mese");
		hbuf_printf(b, "<label for=\"aula-ore\">Ore</label> <input id=\"aula-ore\" name=\"ore\" type=\"number\" min=\"0\" max=\"72\" value=\"%d\"> "
			       "<button type=\"submit\">Salva le ore d'aula</button></form>",
			    m->classroom_minutes / 60);
		form_start(b, m, v, "conferma", "Confermare il mese");
		hbuf_add(b, "<p>Confermato il mese, le ore e l'indennità non cambiano più: solo il coordinamento "
			    "può riaprirlo.</p><button type=\"submit\" id=\"conferma\">Conferma il mese</button></form>");
	}
	if (v->coordinator && m->confirmed_at[0] && !m->paid_at[0]) {
		form_start(b, m, v, "riapri", "Riaprire il mese");
		hbuf_add(b, "<label for=\"riapri-motivo\">Motivo</label> <input id=\"riapri-motivo\" name=\"motivo\" required minlength=\"3\" maxlength=\"240\"> "
			    "<button type=\"submit\" id=\"riapri\">Riapri il mese</button></form>");
	}
}

void allowance_html(struct hbuf *b, const char *month, const struct allowance_line *l, size_t n,
		    const struct placement_view *v)
{
	char title[40], c[32], e[16], a[16];
	long total = 0;
	int unpaid = 0;

	month_title(month, title, sizeof(title));
	hbuf_add(b, "<h1>Indennità di ");
	hbuf_esc(b, title);
	hbuf_add(b, "</h1>");
	notices(b, v);
	hbuf_add(b, "<p>I registri confermati dai tutor dei Comuni, con le cifre che giustificano ciascun importo. "
		    "Scarica il file per l'ufficio pagamenti: <a id=\"csv-excel\" href=\"/ufficio/indennita.csv?mese=");
	hbuf_esc(b, month);
	hbuf_add(b, "&amp;formato=excel-it\">CSV per Excel</a> o <a id=\"csv\" href=\"/ufficio/indennita.csv?mese=");
	hbuf_esc(b, month);
	hbuf_add(b, "\">CSV</a>.</p>");
	if (!n) {
		hbuf_add(b, "<p>Nessun registro confermato per il mese.</p>");
		return;
	}
	hbuf_add(b, "<table id=\"indennita\"><caption>Indennità per tirocinante</caption><thead><tr><th>Comune</th>"
		    "<th>Tirocinante</th><th>Progetto</th><th class=\"n\">Ore attese</th><th class=\"n\">Ore firmate</th>"
		    "<th class=\"n\">Presenza</th><th class=\"n\">Dovuto</th><th>Motivazione</th><th>Pagato</th>"
		    "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		cents_format(l[i].due_cents, c, sizeof(c));
		minutes_hours(l[i].expected_minutes, 1, e, sizeof(e));
		minutes_hours(l[i].attended_minutes, 1, a, sizeof(a));
		hbuf_add(b, "<tr><td>");
		hbuf_esc(b, l[i].comune);
		hbuf_add(b, "</td><td>");
		hbuf_esc(b, l[i].family_name);
		hbuf_add(b, " ");
		hbuf_esc(b, l[i].given_name);
		hbuf_add(b, "</td><td>");
		hbuf_esc(b, l[i].placement_code);
		hbuf_printf(b, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%d,%d%%</td>"
			       "<td class=\"n\">%s €</td><td>", e, a, l[i].rate_permille / 10, l[i].rate_permille % 10, c);
		hbuf_esc(b, l[i].explain);
		hbuf_add(b, "</td><td>");
		hbuf_esc(b, l[i].paid_at[0] ? l[i].paid_at : "no");
		hbuf_add(b, "</td></tr>");
		total += l[i].due_cents;
		unpaid += !l[i].paid_at[0];
	}
	cents_format(total, c, sizeof(c));
	hbuf_printf(b, "</tbody><tfoot><tr><th colspan=\"6\">Totale</th><td class=\"n\" id=\"totale\">%s €</td>"
		       "<td colspan=\"2\"></td></tr></tfoot></table>", c);
	if (v->coordinator && unpaid) {
		hbuf_add(b, "<form method=\"post\" action=\"/ufficio/indennita\" class=\"noprint\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"");
		hbuf_esc(b, v->csrf);
		hbuf_add(b, "\"><input type=\"hidden\" name=\"mese\" value=\"");
		hbuf_esc(b, month);
		hbuf_printf(b, "\"><button type=\"submit\" id=\"pagato\">Segna come pagato (%d registri)</button></form>",
			    unpaid);
	}
}

void late_registers_html(struct hbuf *b, const char *month, const struct late_register *l, size_t n)
{
	if (!n)
		return;
	hbuf_printf(b, "<h2 id=\"in-ritardo\">Registri in ritardo (%zu)</h2><p>Non ancora confermati dal tutor del "
		       "Comune entro il ", n);
	hbuf_esc(b, l[0].deadline);
	hbuf_add(b, ": l'indennità del mese non si può pagare.</p><ul>");
	for (size_t i = 0; i < n; i++) {
		hbuf_add(b, "<li><a href=\"/ufficio/tirocinio?id=");
		hbuf_url(b, l[i].uuid);
		hbuf_add(b, "&amp;mese=");
		hbuf_esc(b, month);
		hbuf_add(b, "\">");
		hbuf_esc(b, l[i].family_name);
		hbuf_add(b, " ");
		hbuf_esc(b, l[i].given_name);
		hbuf_add(b, "</a> · ");
		hbuf_esc(b, l[i].comune);
		hbuf_add(b, " · progetto ");
		hbuf_esc(b, l[i].placement_code);
		hbuf_add(b, " · tutor ");
		hbuf_esc(b, l[i].tutor);
		hbuf_add(b, "</li>");
	}
	hbuf_add(b, "</ul>");
}

/* ------------------------------------------------------------------ pages */

enum { PAGE_MAX = 4u << 20, FIELD_MAX = 600, CSV_MAX = 64u << 20 };

static void respond(const struct office_request *r, int status, struct hbuf *b)
{
	html_respond(r->resp, status, "text/html; charset=utf-8", b);
	html_staff_headers(r->resp);
}

/* A staff CSV download: text (malloc'd, NULL when it could not be
 * built: a 500 page) handed to the response as `filename`. */
static void send_csv(const struct office_request *r, char *text, size_t len, const char *filename);

static void page(const struct office_request *r, int status, const char *title, const char *h1,
		 const char *msg)
{
	struct hbuf b;
	hbuf_init(&b, PAGE_MAX);
	r->top(r->ctx, &b, title);
	hbuf_add(&b, "<h1>");
	hbuf_esc(&b, h1);
	hbuf_add(&b, "</h1><p>");
	hbuf_esc(&b, msg);
	hbuf_add(&b, "</p><p><a href=\"/ufficio\">Torna ai progetti</a></p></main>");
	html_page_end(&b);
	respond(r, status, &b);
}

static int form(const struct office_request *r, const char *name, char *buf, size_t size)
{
	buf[0] = '\0';
	return http_form_get(r->req->body, name, buf, size);
}

static void query(const struct office_request *r, const char *name, char *buf, size_t size)
{
	buf[0] = '\0';
	if (http_query_get(r->req->query, name, buf, size))
		buf[0] = '\0';
}

static void this_month(char out[8])
{
	char today[11];
	time_date(now_wall(), today, sizeof(today));
	snprintf(out, 8, "%.7s", today);
}

static int month_ok(const char *m)
{
	return strlen(m) == 7 && m[4] == '-' && strspn(m, "0123456789-") == 7 && atoi(m + 5) >= 1 &&
	       atoi(m + 5) <= 12;
}

/* The placement id within the account's scope: 0 and *t filled, 1 not
 * found (or another comune's), -1 error. */
static int scoped(const struct office_request *r, const char *id, struct traineeship *t)
{
	int rc = traineeship_get(r->s, id, t);
	if (rc)
		return rc;
	return *r->scope && strcmp(t->comune, r->scope) ? 1 : 0;
}

/* The URL the documents' QR codes point at: the setting 'public_url', or
 * $DOTE_HUB_URL. '' when neither (the document then has no QR). */
static void public_url(const struct office_request *r, char *buf, size_t size)
{
	traineeship_public_url(r->s, buf, size);
}

static void start_form(const struct office_request *r, struct hbuf *b, const char *id)
{
	hbuf_add(b, "<h1>Avvio del tirocinio</h1><p>Dati dell'avvio: da qui nascono il progetto formativo, "
		    "il registro delle presenze e l'indennità.</p>"
		    "<form method=\"post\" action=\"/ufficio/tirocinio\"><input type=\"hidden\" name=\"csrf\" value=\"");
	hbuf_esc(b, r->csrf);
	hbuf_add(b, "\"><input type=\"hidden\" name=\"id\" value=\"");
	hbuf_esc(b, id);
	hbuf_add(b, "\"><input type=\"hidden\" name=\"azione\" value=\"avvio\">"
		    "<label for=\"avvio-inizio\">Data di inizio</label> <input id=\"avvio-inizio\" name=\"inizio\" type=\"date\" required> "
		    "<label for=\"avvio-aula\">Ore d'aula</label> <input id=\"avvio-aula\" name=\"aula\" type=\"number\" min=\"18\" max=\"72\" required> "
		    "<label for=\"avvio-promotore\">Tutor del soggetto promotore</label> <input id=\"avvio-promotore\" name=\"promotore\" required maxlength=\"150\"> "
		    "<button type=\"submit\">Avvia il tirocinio</button></form>");
}

static void end_and_replacement(const struct office_request *r, struct hbuf *b, const struct traineeship *t,
				const char *month);

static void form_head(const struct office_request *r, struct hbuf *b, const char *id, const char *month,
		      const char *action);

/* The follow-up statuses (reports/store/traineeship.h) as the office
 * reads them. */
static const char *const followup_it[FOLLOWUP_STATUSES] = { "occupato/a", "non occupato/a", "in formazione o studio",
							    "non rilevato" };

/* After the end: the employment found at the follow-up, if recorded,
 * and for the comune's staff the form to record it (status and date,
 * between the last day and today). */
static void followup_section(const struct office_request *r, struct hbuf *b, const struct traineeship *t,
			     const char *month)
{
	struct traineeship_followup f;
	int rc;
	if (!strcmp(t->status, "running"))
		return;
	rc = traineeship_followup_get(r->s, t->uuid, &f);
	hbuf_add(b, "<section id=\"follow-up\"><h2>Condizione occupazionale dopo la fine</h2><p id=\"follow-up-stato\">");
	if (rc == 0) {
		const char *label = f.status;
		for (int i = 0; i < FOLLOWUP_STATUSES; i++)
			if (!strcmp(f.status, followup_statuses[i]))
				label = followup_it[i];
		hbuf_printf(b, "Al follow-up del %.2s/%.2s/%.4s: ", f.date + 8, f.date + 5, f.date);
		hbuf_esc(b, label);
		hbuf_add(b, " (registrato da ");
		hbuf_esc(b, f.by);
		hbuf_add(b, ").</p>");
	} else {
		hbuf_add(b, "Nessun follow-up registrato.</p>");
	}
	if (r->staff) {
		form_head(r, b, t->uuid, month, "followup");
		hbuf_add(b, "<label for=\"follow-up-esito\">Condizione al follow-up</label> "
			    "<select id=\"follow-up-esito\" name=\"condizione\">");
		for (int i = 0; i < FOLLOWUP_STATUSES; i++)
			hbuf_printf(b, "<option value=\"%s\">%s</option>", followup_statuses[i], followup_it[i]);
		hbuf_add(b, "</select> <label for=\"follow-up-data\">Data del follow-up (di solito 6 mesi dopo la fine)</label> "
			    "<input id=\"follow-up-data\" name=\"data\" type=\"date\" required> "
			    "<button type=\"submit\" id=\"registra-follow-up\">Registra il follow-up</button></form>");
	}
	hbuf_add(b, "</section>");
}

static void register_get(const struct office_request *r, const char *error)
{
	struct register_month *m = calloc(1, sizeof(*m));
	struct placement_view v = { r->csrf, 0, 0, "", error ? error : "", "" };
	char id[72], month[16], done[32], today[11];
	struct hbuf b;
	int rc;
	if (!m) {
		page(r, 500, "Errore", "Errore interno", "Riprova tra poco.");
		return;
	}
	query(r, "id", id, sizeof(id));
	query(r, "mese", month, sizeof(month));
	query(r, "fatto", done, sizeof(done));
	if (!month_ok(month))
		this_month(month);
	time_date(now_wall(), today, sizeof(today));
	v.today = today;
	rc = scoped(r, id, &m->t);
	if (rc == 1) {
		/* Not started yet: the start form, for the comune's staff. */
		char status[24] = "";
		if (r->staff && traineeship_application_status(r->s, id, r->scope, status, sizeof(status)) == 0 &&
		    !strcmp(status, "selected")) {
			hbuf_init(&b, PAGE_MAX);
			r->top(r->ctx, &b, "Avvio del tirocinio – DoteComune");
			if (error && *error) {
				hbuf_add(&b, "<p class=\"err\" role=\"alert\">");
				hbuf_esc(&b, error);
				hbuf_add(&b, "</p>");
			}
			start_form(r, &b, id);
			hbuf_add(&b, "</main>");
			html_page_end(&b);
			respond(r, error && *error ? 422 : 200, &b);
		} else {
			page(r, 404, "Tirocinio non trovato", "Tirocinio non trovato",
			     "Nessun tirocinio avviato con questo identificativo nel tuo ambito.");
		}
		goto out;
	}
	if (rc < 0 || traineeship_month(r->s, id, month, m)) {
		page(r, 503, "Servizio non disponibile", "Servizio non disponibile", "Riprova tra poco.");
		goto out;
	}
	v.tutor = r->staff;
	v.coordinator = !r->staff;
	v.done = !strcmp(done, "conferma") ? "Mese confermato." : !strcmp(done, "riapri") ? "Mese riaperto."
		 : !strcmp(done, "correggi") ? "Correzione registrata." : !strcmp(done, "assenza") ? "Assenza registrata."
		 : !strcmp(done, "aula") ? "Ore d'aula salvate." : !strcmp(done, "avvio") ? "Tirocinio avviato."
		 : !strcmp(done, "fine") ? "Fine del tirocinio registrata."
		 : !strcmp(done, "subentro") ? "Risposta al subentro registrata."
		 : !strcmp(done, "followup") ? "Follow-up registrato."
		 : !strcmp(done, "nuovo-qr") ? "Nuovo QR personale emesso: stampalo; il precedente non vale più." : "";
	hbuf_init(&b, PAGE_MAX);
	r->top(r->ctx, &b, "Registro presenze – DoteComune");
	register_month_html(&b, m, &v);
	if (r->staff)
		end_and_replacement(r, &b, &m->t, month);
	followup_section(r, &b, &m->t, month);
	hbuf_add(&b, "<p class=\"noprint\"><a id=\"progetto-pdf\" href=\"/ufficio/tirocinio/progetto.pdf?id=");
	hbuf_url(&b, id);
	hbuf_add(&b, "\">Progetto formativo (PDF)</a> · <a id=\"avvii-csv\" href=\"/ufficio/tirocinio/avvii.csv?mese=");
	hbuf_printf(&b, "%.7s", m->t.start);
	hbuf_add(&b, "\">Dati per la comunicazione obbligatoria di avvio (CSV)</a>");
	if (strcmp(m->t.status, "running") == 0) {
		hbuf_add(&b, " · <a id=\"qr-pdf\" href=\"/ufficio/tirocinio/qr.pdf?id=");
		hbuf_url(&b, id);
		hbuf_add(&b, "\">QR personale per le presenze (PDF)</a>");
	}
	if (strcmp(m->t.status, "completed") == 0) {
		hbuf_add(&b, " · <a id=\"attestato-pdf\" href=\"/ufficio/tirocinio/attestato.pdf?id=");
		hbuf_url(&b, id);
		hbuf_add(&b, "\">Attestato (PDF)</a>");
	}
	hbuf_add(&b, "</p>");
	if (r->staff && strcmp(m->t.status, "running") == 0) {
		/* A lost personal QR: a new one, and the old one stops working. */
		form_head(r, &b, id, month, "nuovo-qr");
		hbuf_add(&b, "<button type=\"submit\" id=\"nuovo-qr\">QR personale smarrito: emetti un nuovo QR "
			     "(il precedente non vale più)</button></form>");
	}
	hbuf_add(&b, "</main>");
	html_page_end(&b);
	respond(r, error && *error ? 422 : 200, &b);
out:
	free(m);
}

/* The hidden fields of a form on the register page. */
static void form_head(const struct office_request *r, struct hbuf *b, const char *id, const char *month,
		      const char *action)
{
	hbuf_add(b, "<form method=\"post\" action=\"/ufficio/tirocinio\"><input type=\"hidden\" name=\"csrf\" value=\"");
	hbuf_esc(b, r->csrf);
	hbuf_add(b, "\"><input type=\"hidden\" name=\"id\" value=\"");
	hbuf_esc(b, id);
	hbuf_add(b, "\"><input type=\"hidden\" name=\"mese\" value=\"");
	hbuf_esc(b, month);
	hbuf_printf(b, "\"><input type=\"hidden\" name=\"azione\" value=\"%s\">", action);
}

/* The end of a running placement (the comune's tutor), or, after a
 * dropout, the seat's replacement: to whom it is offered, until when,
 * and the form to record the answer. */
static void end_and_replacement(const struct office_request *r, struct hbuf *b, const struct traineeship *t,
				const char *month)
{
	static const char *const reason_it[DROPOUT_REASONS] = { "ha trovato lavoro", "motivi personali",
								"escluso/a dal soggetto ospitante", "salute", "altro" };
	struct replacement_offer o;

	if (!strcmp(t->status, "running")) {
		hbuf_add(b, "<section class=\"noprint\" id=\"fine\"><h2>Fine del tirocinio</h2>");
		form_head(r, b, t->uuid, month, "fine");
		hbuf_add(b, "<label for=\"fine-esito\">Esito</label> <select id=\"fine-esito\" name=\"esito\">"
			    "<option value=\"dropped_out\">Interruzione o rinuncia</option>"
			    "<option value=\"completed\">Conclusione</option></select> "
			    "<label for=\"fine-data\">Ultimo giorno</label> <input id=\"fine-data\" name=\"data\" type=\"date\" required> "
			    "<label for=\"fine-motivo\">Motivo dell'interruzione</label> <select id=\"fine-motivo\" name=\"motivo\">");
		for (int i = 0; i < DROPOUT_REASONS; i++)
			hbuf_printf(b, "<option value=\"%s\">%s</option>", dropout_reasons[i], reason_it[i]);
		hbuf_add(b, "</select> <label for=\"fine-nota\">Nota</label> <input id=\"fine-nota\" name=\"nota\" maxlength=\"300\"> "
			    "<label for=\"fine-competenze\">Competenze raggiunte (conclusione)</label> "
			    "<input id=\"fine-competenze\" name=\"competenze\" maxlength=\"500\"> "
			    "<label for=\"fine-giudizio\">Giudizio del tutor (conclusione)</label> "
			    "<input id=\"fine-giudizio\" name=\"giudizio\" maxlength=\"500\"> "
			    "<button type=\"submit\">Registra la fine</button></form></section>");
		return;
	}
	if (strcmp(t->status, "dropped_out") || replacement_open_for(r->s, t->uuid, &o))
		return;
	hbuf_add(b, "<section class=\"noprint\" id=\"subentro\"><h2>Subentro</h2><p id=\"subentro-stato\">Il posto è offerto "
		    "alla domanda ");
	hbuf_esc(b, o.protocol);
	hbuf_printf(b, " (successivo idoneo in graduatoria), che ha tempo per accettare fino al %.2s/%.2s/%.4s.</p>",
		    o.deadline + 8, o.deadline + 5, o.deadline);
	form_head(r, b, t->uuid, month, "subentro");
	hbuf_add(b, "<label for=\"subentro-risposta\">Risposta</label> <select id=\"subentro-risposta\" name=\"risposta\">"
		    "<option value=\"accetta\">Accetta</option><option value=\"rifiuta\">Rifiuta</option></select> "
		    "<label for=\"subentro-nota\">Come è stata data</label> <input id=\"subentro-nota\" name=\"nota\" required maxlength=\"300\"> "
		    "<button type=\"submit\">Registra la risposta</button></form></section>");
}

/* "2026-03-02" + "13:00" as local epoch seconds; -1 when not valid. */
static int64_t local_time(const char *day, const char *hm)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi;
	if (date_parse(day, &y, &mo, &d) || strlen(hm) < 5 || sscanf(hm, "%d:%d", &h, &mi) != 2 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static void register_post(const struct office_request *r)
{
	char csrf[96], id[72], month[16], action[24], a[FIELD_MAX], b[FIELD_MAX], c[FIELD_MAX], d[FIELD_MAX];
	char err[300] = "", to[200];
	struct traineeship t;
	int rc = 2, found;

	if (form(r, "csrf", csrf, sizeof(csrf)) || !auth_token_equal(csrf, r->csrf)) {
		page(r, 403, "Richiesta non valida", "Richiesta non valida",
		     "Il modulo non è valido o è scaduto: ricarica la pagina e riprova.");
		return;
	}
	form(r, "id", id, sizeof(id));
	form(r, "mese", month, sizeof(month));
	form(r, "azione", action, sizeof(action));
	if (!month_ok(month))
		this_month(month);
	found = scoped(r, id, &t);
	if (!strcmp(action, "avvio")) {
		struct traineeship_start in = { id, a, 0, r->user, b };
		char status[24] = "";
		form(r, "inizio", a, sizeof(a));
		form(r, "promotore", b, sizeof(b));
		form(r, "aula", c, sizeof(c));
		in.classroom_hours = atoi(c);
		if (!r->staff || traineeship_application_status(r->s, id, r->scope, status, sizeof(status)))
			rc = 1;
		else
			rc = traineeship_start(r->s, &in, r->user, err, sizeof(err));
		if (rc == 0)
			snprintf(month, sizeof(month), "%.7s", a);
	} else if (found) {
		rc = found < 0 ? -1 : 1;
	} else if (!strcmp(action, "riapri")) {
		form(r, "motivo", a, sizeof(a));
		rc = r->staff ? (str_copy(err, sizeof(err), "Solo il coordinamento può riaprire un mese confermato."), 2)
			      : traineeship_reopen(r->s, id, month, r->user, a, err, sizeof(err));
	} else if (!r->staff) {
		str_copy(err, sizeof(err), "Il registro lo tiene il tutor del Comune.");
	} else if (!strcmp(action, "conferma")) {
		rc = traineeship_confirm(r->s, id, month, r->user, err, sizeof(err));
	} else if (!strcmp(action, "correggi")) {
		int64_t at;
		form(r, "giorno", a, sizeof(a));
		form(r, "ora", b, sizeof(b));
		form(r, "tipo", c, sizeof(c));
		form(r, "motivo", d, sizeof(d));
		at = local_time(a, b);
		if (at < 0)
			str_copy(err, sizeof(err), "Giorno o ora non validi.");
		else
			rc = traineeship_event_fix(r->s, id, at, !strcmp(c, "entrata") ? ATTENDANCE_IN : ATTENDANCE_OUT,
						   r->user, d, err, sizeof(err));
	} else if (!strcmp(action, "nuovo-qr")) {
		char badge[32];
		rc = trainee_badge_get(r->s, id, 1, r->user, badge, sizeof(badge), NULL, err, sizeof(err));
		str_wipe(badge, sizeof(badge));
	} else if (!strcmp(action, "assenza")) {
		form(r, "giorno", a, sizeof(a));
		form(r, "tipo", b, sizeof(b));
		rc = traineeship_absence_set(r->s, id, a, b, r->user, err, sizeof(err));
	} else if (!strcmp(action, "fine")) {
		struct traineeship_ending e = { a, b, c, d, NULL, NULL };
		char comp[FIELD_MAX], judg[FIELD_MAX];
		form(r, "esito", a, sizeof(a));
		form(r, "data", b, sizeof(b));
		form(r, "motivo", c, sizeof(c));
		form(r, "nota", d, sizeof(d));
		form(r, "competenze", comp, sizeof(comp));
		form(r, "giudizio", judg, sizeof(judg));
		e.competences = comp;
		e.judgement = judg;
		rc = traineeship_end(r->s, id, &e, r->user, err, sizeof(err));
	} else if (!strcmp(action, "followup")) {
		form(r, "condizione", a, sizeof(a));
		form(r, "data", b, sizeof(b));
		rc = traineeship_followup_set(r->s, id, a, b, r->user, err, sizeof(err));
	} else if (!strcmp(action, "subentro")) {
		struct replacement_offer o;
		char info[300];
		form(r, "risposta", a, sizeof(a));
		form(r, "nota", b, sizeof(b));
		rc = replacement_open_for(r->s, id, &o);
		if (rc == 1)
			rc = (str_copy(err, sizeof(err), "Nessun posto offerto in attesa di risposta."), 2);
		else if (rc == 0 && !*b)
			rc = (str_copy(err, sizeof(err), "Indicare come è stata data la risposta."), 2);
		else if (rc == 0)
			rc = replacement_decide(r->s, o.uuid, !strcmp(a, "accetta"), r->user, b, info, sizeof(info), err,
						sizeof(err));
	} else if (!strcmp(action, "aula")) {
		form(r, "ore", a, sizeof(a));
		rc = traineeship_classroom_set(r->s, id, month, atoi(a) * 60, r->user, err, sizeof(err));
	} else {
		str_copy(err, sizeof(err), "Azione sconosciuta.");
	}
	if (rc == 1) {
		page(r, 404, "Tirocinio non trovato", "Tirocinio non trovato",
		     "Nessun tirocinio con questo identificativo nel tuo ambito.");
		return;
	}
	if (rc < 0) {
		page(r, 503, "Servizio non disponibile", "Servizio non disponibile", "Riprova tra poco.");
		return;
	}
	if (rc == 2) {
		/* Shown on the page itself, which the GET rebuilds. */
		struct office_request g = *r;
		struct http_request q = *r->req;
		char qs[200];
		snprintf(qs, sizeof(qs), "id=%s&mese=%s", id, month);
		q.query = qs;
		g.req = &q;
		register_get(&g, err[0] ? err : "Operazione non consentita.");
		return;
	}
	snprintf(to, sizeof(to), "/ufficio/tirocinio?id=%s&mese=%s&fatto=%s", id, month, action);
	html_staff_redirect(r->resp, to);
}

/* The documents: kind 0 the progetto formativo, 1 the certificate, 2
 * the personal QR card (issued on first use). The progetto carries the
 * personal QR too. */
static void document_get(const struct office_request *r, int kind)
{
	static const char *const names[3] = { "attachment; filename=\"progetto-formativo.pdf\"",
					      "attachment; filename=\"attestato.pdf\"",
					      "attachment; filename=\"qr-presenze.pdf\"" };
	struct traineeship_doc *d = calloc(1, sizeof(*d));
	char id[72], base[RECEIPT_URL_MAX], token[RECEIPT_TOKEN_MAX], url[RECEIPT_URL_MAX] = "", *pdf = NULL;
	char err[300] = "";
	size_t len = 0;
	int certificate = kind == 1;
	query(r, "id", id, sizeof(id));
	if (!d || scoped(r, id, &d->t) || traineeship_doc_data(r->s, id, d) ||
	    (certificate && !d->ended_on[0]) ||
	    (kind == 2 && trainee_badge_get(r->s, id, 0, r->user, d->badge, sizeof(d->badge), NULL, err, sizeof(err)))) {
		page(r, 404, "Documento non disponibile", "Documento non disponibile",
		     certificate ? "L'attestato c'è quando il tirocinio è concluso."
		     : kind == 2 ? (err[0] ? err : "Il QR personale c'è per i tirocini in corso.") : "Tirocinio non trovato.");
		free(d);
		return;
	}
	if (kind == 0 && !strcmp(d->t.status, "running") &&
	    trainee_badge_get(r->s, id, 0, r->user, d->badge, sizeof(d->badge), NULL, err, sizeof(err)))
		d->badge[0] = '\0';
	public_url(r, base, sizeof(base));
	if (kind != 2 && *base &&
	    (traineeship_doc_sign(r->s, id, token, sizeof(token)) || receipt_url(base, token, url, sizeof(url))))
		url[0] = '\0';
	if (kind == 2 ? badge_card_pdf(d, &pdf, &len)
	    : certificate ? certificate_pdf(d, url, &pdf, &len) : progetto_pdf(d, url, &pdf, &len)) {
		page(r, 500, "Errore", "Il documento non si è potuto comporre", "Riprova tra poco.");
	} else {
		r->resp->status = 200;
		str_copy(r->resp->content_type, sizeof(r->resp->content_type), "application/pdf");
		r->resp->body = pdf;
		r->resp->body_len = len;
		html_staff_headers(r->resp);
		http_response_header(r->resp, "Content-Disposition", names[kind]);
		pdf = NULL;
	}
	free(pdf);
	free(d);
}

struct csv_sink {
	struct hbuf *b;
	int excel_it;
};

static int csv_sink_line(void *ctx, const struct allowance_line *l)
{
	struct csv_sink *k = ctx;
	allowance_csv_line(k->b, l, k->excel_it);
	return k->b->failed;
}

/* The paying office's CSV, each register written as it is read
 * (traineeship_allowance_each): no array of lines in between. */
static void allowance_csv_get(const struct office_request *r, const char *month)
{
	struct hbuf b;
	struct csv_sink k = { &b, 0 };
	char fmt[16], disp[96];
	size_t len = 0;
	char *text;
	query(r, "formato", fmt, sizeof(fmt));
	k.excel_it = !strcmp(fmt, "excel-it");
	hbuf_init(&b, CSV_MAX);
	allowance_csv_head(&b, k.excel_it);
	if (traineeship_allowance_each(r->s, month, r->scope, csv_sink_line, &k)) {
		int full = b.failed;
		hbuf_release(&b);
		page(r, full ? 500 : 503, "Servizio non disponibile", "Servizio non disponibile", "Riprova tra poco.");
		return;
	}
	text = hbuf_detach(&b, &len);
	snprintf(disp, sizeof(disp), "indennita-%s.csv", month);
	send_csv(r, text, len, disp);
}

static void allowance_get(const struct office_request *r, int csv, const char *error, const char *done)
{
	struct allowance_line *l = NULL;
	struct placement_view v = { r->csrf, 0, !r->staff, done ? done : "", error ? error : "", "" };
	char month[16];
	size_t n = 0;
	struct hbuf b;
	query(r, "mese", month, sizeof(month));
	if (!month_ok(month))
		this_month(month);
	if (csv) {
		allowance_csv_get(r, month);
		return;
	}
	if (traineeship_allowance(r->s, month, r->scope, &l, &n)) {
		page(r, 503, "Servizio non disponibile", "Servizio non disponibile", "Riprova tra poco.");
		return;
	}
	hbuf_init(&b, PAGE_MAX);
	r->top(r->ctx, &b, "Indennità – DoteComune");
	allowance_html(&b, month, l, n, &v);
	{
		struct late_register *late = NULL;
		size_t nl = 0;
		char today[11];
		time_date(now_wall(), today, sizeof(today));
		if (traineeship_late(r->s, month, r->scope, today, &late, &nl) == 0)
			late_registers_html(&b, month, late, nl);
		free(late);
	}
	hbuf_add(&b, "</main>");
	html_page_end(&b);
	respond(r, error && *error ? 422 : 200, &b);
	free(l);
}

static void allowance_post(const struct office_request *r)
{
	char csrf[96], month[16], to[80];
	int n;
	if (form(r, "csrf", csrf, sizeof(csrf)) || !auth_token_equal(csrf, r->csrf)) {
		page(r, 403, "Richiesta non valida", "Richiesta non valida",
		     "Il modulo non è valido o è scaduto: ricarica la pagina e riprova.");
		return;
	}
	form(r, "mese", month, sizeof(month));
	if (r->staff || !month_ok(month)) {
		page(r, 403, "Non consentito", "Non consentito", "Solo il coordinamento segna i mesi come pagati.");
		return;
	}
	n = traineeship_mark_paid(r->s, month, "", r->user);
	if (n < 0) {
		page(r, 503, "Servizio non disponibile", "Servizio non disponibile", "Riprova tra poco.");
		return;
	}
	snprintf(to, sizeof(to), "/ufficio/indennita?mese=%s&fatto=pagato", month);
	html_staff_redirect(r->resp, to);
}

/* GET /ufficio/tirocinio/avvii.csv?mese=YYYY-MM: the start notice's
 * data for the staff's comune (coordinators: every comune). */
static void start_notice_get(const struct office_request *r)
{
	struct store_res *res = NULL;
	char month[16], disp[96], *text;
	size_t len = 0;

	query(r, "mese", month, sizeof(month));
	if (*month && !month_ok(month))
		month[0] = '\0';
	if (traineeship_start_notice(r->s, r->scope, month, &res)) {
		page(r, 503, "Servizio non disponibile", "Servizio non disponibile", "Riprova tra poco.");
		return;
	}
	text = start_notice_csv(res, &len);
	store_res_free(res);
	snprintf(disp, sizeof(disp), "avvii-tirocini%s%s.csv", *month ? "-" : "", month);
	send_csv(r, text, len, disp);
}

static void send_csv(const struct office_request *r, char *text, size_t len, const char *filename)
{
	char disp[160];

	if (!text) {
		page(r, 500, "Errore", "Errore interno", "Riprova tra poco.");
		return;
	}
	r->resp->status = 200;
	str_copy(r->resp->content_type, sizeof(r->resp->content_type), "text/csv; charset=utf-8");
	r->resp->body = text;
	r->resp->body_len = len;
	html_staff_headers(r->resp);
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", filename);
	http_response_header(r->resp, "Content-Disposition", disp);
}

int office_placement_path(const char *path)
{
	return !strcmp(path, "/ufficio/tirocinio") || !strcmp(path, "/ufficio/tirocinio/progetto.pdf") ||
	       !strcmp(path, "/ufficio/tirocinio/attestato.pdf") || !strcmp(path, "/ufficio/tirocinio/qr.pdf") ||
	       !strcmp(path, "/ufficio/indennita") ||
	       !strcmp(path, "/ufficio/indennita.csv") || !strcmp(path, "/ufficio/tirocinio/avvii.csv");
}

int office_placement_handle(const struct office_request *r)
{
	const char *p = r->req->path;
	int get = !strcmp(r->req->method, "GET") || !strcmp(r->req->method, "HEAD");
	int post = !strcmp(r->req->method, "POST");
	char done[16];
	if (!strcmp(p, "/ufficio/tirocinio") && get)
		register_get(r, NULL);
	else if (!strcmp(p, "/ufficio/tirocinio") && post)
		register_post(r);
	else if (!strcmp(p, "/ufficio/tirocinio/avvii.csv") && get)
		start_notice_get(r);
	else if (!strcmp(p, "/ufficio/tirocinio/progetto.pdf") && get)
		document_get(r, 0);
	else if (!strcmp(p, "/ufficio/tirocinio/attestato.pdf") && get)
		document_get(r, 1);
	else if (!strcmp(p, "/ufficio/tirocinio/qr.pdf") && get)
		document_get(r, 2);
	else if (!strcmp(p, "/ufficio/indennita") && get) {
		query(r, "fatto", done, sizeof(done));
		allowance_get(r, 0, NULL, !strcmp(done, "pagato") ? "Mese segnato come pagato." : "");
	} else if (!strcmp(p, "/ufficio/indennita.csv") && get)
		allowance_get(r, 1, NULL, NULL);
	else if (!strcmp(p, "/ufficio/indennita") && post)
		allowance_post(r);
	else
		page(r, 405, "Metodo non consentito", "Metodo non consentito", "Questa pagina non accetta la richiesta.");
	return 0;
}

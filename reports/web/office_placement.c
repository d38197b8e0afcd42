/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The register and allowance pages' bodies (see office_placement.h).
 * Every text from the database goes through hbuf_esc().
 */
#include "reports/web/office_placement.h"
#include "reports/web/allowance.h"
#include "reports/web/html.h"
#include "reports/store/traineeship.h"
#include "core/placement.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
			hbuf_add(b, " <strong class=\"err\">uscita mancante</strong>");
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

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The coordinators' placement statistics page (see coord_placements.h):
 * three protected tables from pstat_run(), the values written as `dote
 * report` writes them ('*' shown as "riservato").
 */
#include "reports/web/coord_placements.h"
#include "reports/stats/placement_stats.h"
#include "reports/web/html.h"
#include "reports/web/http.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>

static const char *const all_measures = "placements_started,placements_completed,placements_dropped_out,"
					"completion_rate,trainees,hours_on_the_job,classroom_hours,attendance_rate,"
					"allowance_paid_eur,followed_up,employed_after";

/* One protected table with a caption; id names it for tests. 0, or -1
 * with the engine's message in err. */
static int table(struct hbuf *b, struct store *s, const struct report_query *base, const char *id,
		 const char *caption, const char *dims, const char *measures, char *err, size_t errsize)
{
	struct pstat_query q;
	struct pstat_report r;
	pstat_query_init(&q);
	q.base = *base;
	if (pstat_parse_dims(&q, dims, err, errsize) || pstat_parse_measures(&q, measures, err, errsize) ||
	    pstat_run(s, &q, &r, err, errsize)) {
		pstat_free(&r);
		return -1;
	}
	hbuf_printf(b, "<table id=\"%s\"><caption>", id);
	hbuf_esc(b, caption);
	hbuf_add(b, "</caption><thead><tr>");
	for (int d = 0; d < q.n_dims; d++) {
		hbuf_add(b, "<th scope=\"col\">");
		hbuf_esc(b, pstat_dim_label(q.dims[d]));
		hbuf_add(b, "</th>");
	}
	for (int m = 0; m < q.n_measures; m++) {
		hbuf_printf(b, "<th scope=\"col\" class=\"n\" data-measure=\"%s\">", pstat_measure_name(q.measures[m]));
		hbuf_esc(b, pstat_measure_label(q.measures[m]));
		hbuf_add(b, "</th>");
	}
	hbuf_add(b, "</tr></thead><tbody>");
	if (!r.n)
		hbuf_printf(b, "<tr><td colspan=\"%d\">Nessun dato da pubblicare per questa scelta.</td></tr>",
			    q.n_dims + q.n_measures);
	for (size_t i = 0; i < r.n; i++) {
		const struct pstat_row *row = &r.rows[i];
		hbuf_add(b, "<tr>");
		for (int d = 0; d < q.n_dims; d++) {
			hbuf_add(b, d ? "<td>" : "<th scope=\"row\">");
			hbuf_esc(b, row->label[d] && row->label[d][0] ? row->label[d] : row->key[d]);
			hbuf_add(b, d ? "</td>" : "</th>");
		}
		for (int m = 0; m < q.n_measures; m++) {
			char v[48];
			pstat_value_text(row, q.measures[m], 1, v, sizeof(v));
			hbuf_printf(b, "<td class=\"n\" data-measure=\"%s\">", pstat_measure_name(q.measures[m]));
			hbuf_esc(b, !strcmp(v, "*") ? "riservato" : v);
			hbuf_add(b, "</td>");
		}
		hbuf_add(b, "</tr>");
	}
	hbuf_add(b, "</tbody></table>");
	pstat_free(&r);
	return 0;
}

static void form(struct hbuf *b, const char *period, const char *province)
{
	hbuf_add(b, "<form method=\"get\" action=\"/coordinamento/tirocini\" class=\"inline noprint\">"
		    "<label>Periodo (2026, 2026-Q1 o 2026-03; vuoto: sempre) <input name=\"periodo\" size=\"10\" value=\"");
	hbuf_esc(b, period);
	hbuf_add(b, "\"></label><label>Provincia (sigla) <input name=\"provincia\" size=\"3\" maxlength=\"2\" value=\"");
	hbuf_esc(b, province);
	hbuf_add(b, "\"></label><button type=\"submit\">Mostra</button></form>");
}

int coord_placements_html(struct hbuf *b, struct store *s, const char *query)
{
	struct report_query base;
	char period[24] = "", province[8] = "", err[512] = "";
	int ok;
	report_query_init(&base);
	http_query_get(query ? query : "", "periodo", period, sizeof(period));
	http_query_get(query ? query : "", "provincia", province, sizeof(province));
	for (char *p = province; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	form(b, period, province);
	hbuf_add(b, "<p role=\"note\" id=\"protezione\">Dati protetti come l'open data e <code>dote report</code>"
		    " (metodo della chiave di cella, docs/reports.md): i conteggi da 1 a 4 non compaiono mai (0 o 5),"
		    " ore e indennità sono totali perturbati e compaiono, come il tasso di presenza, solo con almeno 10"
		    " tirocinanti (altrimenti \"riservato\"). Il mese è quello di avvio, di fine del tirocinio o del"
		    " registro; i totali non sono la somma delle righe.</p>");
	ok = (!period[0] || !report_parse_period(&base, period, err, sizeof(err))) &&
	     (!province[0] || (strlen(province) == 2 && str_copy(base.province, sizeof(base.province), province)));
	if (!ok) {
		hbuf_add(b, "<p class=\"errbox\" role=\"alert\">");
		hbuf_esc(b, err[0] ? err : "Provincia: indicare la sigla di due lettere.");
		hbuf_add(b, "</p>");
		return 400;
	}
	if (table(b, s, &base, "tirocini-rete", "Tutta la scelta", "", all_measures, err, sizeof(err)) ||
	    table(b, s, &base, "tirocini-provincia", "Per provincia", "region,province", all_measures, err,
		  sizeof(err)) ||
	    table(b, s, &base, "interruzioni-motivo", "Interruzioni per motivo", "end_reason",
		  "placements_dropped_out", err, sizeof(err)) ||
	    table(b, s, &base, "interruzioni-mese", "Interruzioni per mese", "month", "placements_dropped_out", err,
		  sizeof(err))) {
		int refused = strstr(err, "period") || strstr(err, "unknown");
		hbuf_add(b, "<p class=\"errbox\" role=\"alert\">");
		hbuf_esc(b, refused ? err : "Statistiche non disponibili: riprova tra poco.");
		hbuf_add(b, "</p>");
		return refused ? 400 : 503;
	}
	return 200;
}

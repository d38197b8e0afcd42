/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A report (reports/stats/report.h) as HTML: the self-contained page of
 * `dote report --format html` (fonts embedded, inline SVG charts), and
 * the table and charts the dashboard reuses. Values not shown are written
 * "riservato". Start reading at report_html().
 */
#include "reports/web/report_html.h"
#include "reports/web/html.h"
#include "reports/stats/report.h"
#include "core/datetime.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OUT_MAX = 512u << 20 };

/* A row's label across all its dimensions ("Milano (MI) · 2025-03"). */
static void row_label(const struct report *r, const struct report_row *row, char *buf, size_t size)
{
	buf[0] = 0;
	for (int k = 0; k < r->q.n_dims; k++) {
		if (k)
			strncat(buf, " · ", size - strlen(buf) - 1);
		strncat(buf, row->label[k], size - strlen(buf) - 1);
	}
	if (!r->q.n_dims)
		str_copy(buf, size, "Totale");
}

void report_html_table(struct hbuf *b, const struct report *r, const char *caption, size_t max_rows)
{
	hbuf_add(b, "<table><caption>");
	hbuf_esc(b, caption);
	hbuf_add(b, "</caption><thead><tr>");
	for (int k = 0; k < r->q.n_dims; k++) {
		hbuf_add(b, "<th scope=\"col\">");
		hbuf_esc(b, report_dim_label(r->q.dims[k]));
		hbuf_add(b, "</th>");
	}
	for (int m = 0; m < r->q.n_measures; m++) {
		hbuf_add(b, "<th scope=\"col\" class=\"n\">");
		hbuf_esc(b, report_measure_label(r->q.measures[m]));
		hbuf_add(b, "</th>");
	}
	hbuf_add(b, "</tr></thead><tbody>\n");
	for (size_t i = 0; i < r->n && i < max_rows; i++) {
		const struct report_row *row = &r->rows[i];
		hbuf_add(b, "<tr>");
		for (int k = 0; k < r->q.n_dims; k++) {
			hbuf_add(b, k == 0 ? "<th scope=\"row\">" : "<td>");
			hbuf_esc(b, row->label[k]);
			hbuf_add(b, k == 0 ? "</th>" : "</td>");
		}
		for (int m = 0; m < r->q.n_measures; m++) {
			int64_t c = 0;
			double v = 0;
			char num[128] = "–";
			int mm = r->q.measures[m];
			switch (report_value(row, mm, &c, &v)) {
			case RV_COUNT: html_int_it(num, sizeof(num), c); break;
			case RV_RATE:
				if (mm == RM_FILL_RATE || mm == RM_DROPOUT_RATE) {
					html_dec_it(num, sizeof(num), v * 100, 1);
					strncat(num, "%", sizeof(num) - strlen(num) - 1);
				} else {
					html_dec_it(num, sizeof(num), v, mm == RM_DAYS ? 0 : 2);
				}
				break;
			case RV_SUPPRESSED:
				str_copy(num, sizeof(num), "<abbr title=\"dato riservato (tutela statistica)\">riservato</abbr>");
				break;
			default: break;
			}
			hbuf_printf(b, "<td class=\"n\">%s</td>", num);
		}
		hbuf_add(b, "</tr>\n");
	}
	hbuf_add(b, "</tbody></table>\n");
	if (r->n > max_rows)
		hbuf_printf(b, "<p class=\"note\">Mostrate le prime %zu righe di %zu: scarica il CSV per tutte.</p>",
			    max_rows, r->n);
}

/* Charts for a report: a time series when the first dimension is time
 * and the only one, bars otherwise, and the funnel when asked for. */
void report_html_charts(struct hbuf *b, const struct report *r, const char *idp)
{
	int m0 = -1, funnel = 0;
	size_t n = r->n < 40 ? r->n : 40;
	struct chart_point *pts;
	char (*labels)[160];
	char id[32], title[256];

	for (int m = 0; m < r->q.n_measures; m++) {
		int mm = r->q.measures[m];
		if (mm >= RM_SESSIONS)
			funnel = 1;
		else if (m0 < 0)
			m0 = mm;
	}
	pts = calloc(r->n ? r->n : 1, sizeof(*pts));
	labels = calloc(r->n ? r->n : 1, sizeof(*labels));
	if (!pts || !labels)
		goto out;
	if (m0 >= 0 && r->n && r->q.n_dims) {
		int d0 = r->q.dims[0];
		int series = r->q.n_dims == 1 && (d0 == RD_MONTH || d0 == RD_QUARTER || d0 == RD_YEAR);
		size_t np = series ? r->n : n;
		const char *fmt = m0 == RM_FILL_RATE || m0 == RM_DROPOUT_RATE ? "%" :
				  report_measure_is_rate(m0) ? "%.2f" : "%.0f";
		for (size_t i = 0; i < np; i++) {
			int64_t c = 0;
			double v = 0;
			int kind = report_value(&r->rows[i], m0, &c, &v);
			row_label(r, &r->rows[i], labels[i], sizeof(labels[i]));
			pts[i].label = labels[i];
			pts[i].suppressed = kind == RV_SUPPRESSED;
			pts[i].value = kind == RV_COUNT ? (double)c : kind == RV_RATE ? v : 0;
		}
		snprintf(title, sizeof(title), "%s per %s", report_measure_label(m0), report_dim_label(d0));
		snprintf(id, sizeof(id), "%s-main", idp);
		if (series)
			html_line_chart(b, id, title, pts, np, fmt);
		else
			html_bar_chart(b, id, title, pts, np, fmt);
		if (!series && r->n > n)
			hbuf_printf(b, "<p class=\"note\">Il grafico mostra le prime %zu voci; la tabella le riporta tutte.</p>", n);
	}
	if (funnel) {
		static const char *const steps[] = { "Sessioni al totem", "Progetti consultati", "Domande iniziate",
						     "Domande inviate" };
		struct chart_point fp[4];
		double sum[4] = { 0, 0, 0, 0 };
		for (size_t i = 0; i < r->n; i++)
			for (int k = 0; k < 4; k++)
				sum[k] += (double)r->rows[i].base[RB_SESSIONS + k];
		for (int k = 0; k < 4; k++) {
			fp[k].label = steps[k];
			fp[k].value = sum[k];
			fp[k].suppressed = 0;
			fp[k].href = NULL;
		}
		snprintf(id, sizeof(id), "%s-funnel", idp);
		html_funnel(b, id, "Dove i cittadini si fermano: dal totem alla domanda", fp, 4);
	}
out:
	free(pts);
	free(labels);
}

static void filters_text(const struct report *r, char *buf, size_t size)
{
	size_t off = 0;
	buf[0] = 0;
#define ADDF(...) do { int n_ = snprintf(buf + off, size - off, __VA_ARGS__); \
		if (n_ > 0 && (size_t)n_ < size - off) off += (size_t)n_; } while (0)
	if (r->q.from[0])
		ADDF("periodo %s – %s; ", r->q.from, r->q.to);
	if (r->q.region[0])
		ADDF("regione %s; ", r->q.region);
	if (r->q.province[0])
		ADDF("provincia %s; ", r->q.province);
	if (r->q.comune[0])
		ADDF("comune %s; ", r->q.comune);
	if (r->q.call[0])
		ADDF("avviso %s; ", r->q.call);
#undef ADDF
	if (!buf[0])
		str_copy(buf, size, "tutta la rete, tutto il periodo");
}

char *report_html(const struct report *r, const char *title, size_t *len)
{
	struct hbuf b;
	char filt[512], when[32];

	hbuf_init(&b, OUT_MAX);
	html_page_start(&b, title, NULL);
	hbuf_add(&b, "<header class=\"top\"><p class=\"brand\">DoteComune</p>"
		     "<p class=\"sub\">Rete dei Comuni per i tirocini – statistiche</p></header><main>");
	hbuf_add(&b, "<h1>");
	hbuf_esc(&b, title);
	hbuf_add(&b, "</h1>");
	filters_text(r, filt, sizeof(filt));
	time_iso(now_wall(), when, sizeof(when));
	hbuf_add(&b, "<p>Filtri: ");
	hbuf_esc(&b, filt);
	hbuf_printf(&b, ". Prodotto il %.10s.</p>", when);
	if (r->q.protect)
		hbuf_add(&b, "<p class=\"note\">Tutela statistica (metodo della chiave di cella): ogni conteggio è "
			     "perturbato di poche unità in modo fisso, i conteggi da 1 a 4 compaiono come 0 o 5 e i totali "
			     "possono differire dalla somma delle righe; i tassi sono calcolati sui conteggi pubblicati.</p>");
	report_html_charts(&b, r, "r");
	report_html_table(&b, r, title, 5000);
	hbuf_add(&b, "<p class=\"note\">Fonte: DoteComune. Licenza CC BY 4.0.</p></main>");
	html_page_end(&b);
	return hbuf_detach(&b, len);
}

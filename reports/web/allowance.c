/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The allowance CSV and table (see allowance.h).
 */
#include "reports/web/allowance.h"
#include "reports/web/html.h"
#include "reports/store/store.h"
#include "reports/store/traineeship.h"
#include "core/comuni.h"
#include "core/placement.h"
#include "core/util.h"

#include <stdio.h>
#include <string.h>

enum { CSV_MAX = 64u << 20 };

void minutes_hours(int minutes, int comma, char *buf, size_t size)
{
	int hundredths = (minutes * 100 + 30) / 60;
	snprintf(buf, size, "%d%c%02d", hundredths / 100, comma ? ',' : '.', hundredths % 100);
}

/* One cell, quoted when it must be; a cell starting with = + - @, a tab
 * or a carriage return is written quoted behind a single quote so that
 * a spreadsheet shows it as text (as the reports' CSV does). */
static void csv_cell(struct hbuf *b, const char *s, char sep, int first)
{
	int formula = s[0] && strchr("=+-@\t\r", s[0]);
	if (!first)
		hbuf_addn(b, &sep, 1);
	if (formula || strchr(s, sep) || strchr(s, '"') || strchr(s, '\n') || strchr(s, '\r')) {
		hbuf_add(b, formula ? "\"'" : "\"");
		for (; *s; s++) {
			if (*s == '"')
				hbuf_add(b, "\"");
			hbuf_addn(b, s, 1);
		}
		hbuf_add(b, "\"");
	} else {
		hbuf_add(b, s);
	}
}

static void euro(long cents, int comma, char *buf, size_t size)
{
	cents_format(cents, buf, size);
	if (!comma && strchr(buf, ','))
		*strchr(buf, ',') = '.';
}

char *allowance_csv(const struct allowance_line *l, size_t n, int excel_it, size_t *len)
{
	static const char *const head[] = {
		"comune", "placement", "cognome", "nome", "codice_fiscale", "giorni_lavorativi",
		"giorni_dovuti", "giorni_sospesi", "ore_attese", "ore_presenza", "presenza_percento",
		"base_eur", "dovuto_eur", "esito", "motivazione", "confermato", "pagato",
	};
	struct hbuf b;
	char sep = excel_it ? ';' : ',';
	hbuf_init(&b, CSV_MAX);
	if (excel_it)
		hbuf_add(&b, "\xEF\xBB\xBF");
	for (size_t i = 0; i < ARRAY_SIZE(head); i++)
		csv_cell(&b, head[i], sep, i == 0);
	hbuf_add(&b, "\r\n");
	for (size_t i = 0; i < n; i++) {
		char v[8][32];
		snprintf(v[0], 32, "%d", l[i].working_days);
		snprintf(v[1], 32, "%d", l[i].due_days);
		snprintf(v[2], 32, "%d", l[i].suspended_days);
		minutes_hours(l[i].expected_minutes, excel_it, v[3], 32);
		minutes_hours(l[i].attended_minutes, excel_it, v[4], 32);
		snprintf(v[5], 32, "%d%c%d", l[i].rate_permille / 10, excel_it ? ',' : '.', l[i].rate_permille % 10);
		euro(l[i].base_cents, excel_it, v[6], 32);
		euro(l[i].due_cents, excel_it, v[7], 32);
		csv_cell(&b, l[i].comune, sep, 1);
		csv_cell(&b, l[i].placement_code, sep, 0);
		csv_cell(&b, l[i].family_name, sep, 0);
		csv_cell(&b, l[i].given_name, sep, 0);
		csv_cell(&b, l[i].cf, sep, 0);
		for (int k = 0; k < 8; k++)
			csv_cell(&b, v[k], sep, 0);
		csv_cell(&b, l[i].why, sep, 0);
		csv_cell(&b, l[i].explain, sep, 0);
		csv_cell(&b, l[i].confirmed_at, sep, 0);
		csv_cell(&b, l[i].paid_at, sep, 0);
		hbuf_add(&b, "\r\n");
	}
	return hbuf_detach(&b, len);
}

void allowance_print(FILE *out, const char *month, const struct allowance_line *l, size_t n)
{
	long total = 0;
	char due[32], base[32], exp[16], att[16];
	fprintf(out, "Indennità di %s: %zu registri confermati\n", month, n);
	fprintf(out, "%-7s %-18s %-24s %8s %8s %7s %9s %9s  %s\n", "comune", "placement", "tirocinante",
		"attese", "presenza", "%", "base", "dovuto", "pagato");
	for (size_t i = 0; i < n; i++) {
		char name[170];
		snprintf(name, sizeof(name), "%s %s", l[i].family_name, l[i].given_name);
		cents_format(l[i].due_cents, due, sizeof(due));
		cents_format(l[i].base_cents, base, sizeof(base));
		minutes_hours(l[i].expected_minutes, 1, exp, sizeof(exp));
		minutes_hours(l[i].attended_minutes, 1, att, sizeof(att));
		fprintf(out, "%-7s %-18s %-24.24s %8s %8s %5d,%d %9s %9s  %s\n", l[i].comune, l[i].placement_code,
			name, exp, att, l[i].rate_permille / 10, l[i].rate_permille % 10, base, due,
			l[i].paid_at[0] ? l[i].paid_at : "no");
		fprintf(out, "        %s\n", l[i].explain);
		total += l[i].due_cents;
	}
	cents_format(total, due, sizeof(due));
	fprintf(out, "Totale dovuto: %s EUR\n", due);
}

char *start_notice_csv(const struct store_res *r, size_t *len)
{
	static const char *const head[] = {
		"codice_fiscale", "cognome", "nome", "comune_ospitante", "ufficio", "progetto", "titolo",
		"tutor_comune", "tutor_soggetto_promotore", "data_inizio", "data_fine", "ore_settimanali",
		"ore_aula",
	};
	struct hbuf b;

	hbuf_init(&b, CSV_MAX);
	hbuf_add(&b, "\xEF\xBB\xBF");
	csv_cell(&b, "USO INTERNO - dati personali per la comunicazione obbligatoria di avvio dei tirocini: "
		     "non diffondere", ';', 1);
	hbuf_add(&b, "\r\n");
	for (size_t i = 0; i < ARRAY_SIZE(head); i++)
		csv_cell(&b, head[i], ';', i == 0);
	hbuf_add(&b, "\r\n");
	for (int i = 0; i < store_res_rows(r); i++) {
		for (int k = 0; k < (int)ARRAY_SIZE(head); k++) {
			const char *v = store_res_get(r, i, k);
			char it[16];
			if (k == 3) {
				const struct comune *c = comune_by_istat(v ? v : "");
				v = c ? c->name : v;
			} else if ((k == 9 || k == 10) && v && strlen(v) == 10) {
				snprintf(it, sizeof(it), "%.2s/%.2s/%.4s", v + 8, v + 5, v);
				v = it;
			}
			csv_cell(&b, v ? v : "", ';', k == 0);
		}
		hbuf_add(&b, "\r\n");
	}
	return hbuf_detach(&b, len);
}

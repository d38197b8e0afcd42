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
 * a spreadsheet shows it as text (as the reports' CSV does). One pass
 * over the cell to decide (strcspn): this runs 17 times per line of the
 * allowance CSV. */
static void csv_cell(struct hbuf *b, const char *s, char sep, int first)
{
	char set[5] = { sep, '"', '\n', '\r', 0 };
	int formula = s[0] && strchr("=+-@\t\r", s[0]);
	size_t plain = strcspn(s, set);
	if (!first)
		hbuf_addn(b, &sep, 1);
	if (formula || s[plain]) {
		hbuf_add(b, formula ? "\"'" : "\"");
		for (; *s; s++) {
			if (*s == '"')
				hbuf_add(b, "\"");
			hbuf_addn(b, s, 1);
		}
		hbuf_add(b, "\"");
	} else {
		hbuf_addn(b, s, plain);
	}
}

/* v >= 0 in decimal at p; returns the digits written (at most 20). */
static size_t put_uint(char *p, unsigned long long v)
{
	char t[24];
	size_t n = 0, k = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		p[k++] = t[--n];
	return k;
}

/* sep, then whole.frac with frac_digits digits (frac < 10^frac_digits),
 * signed; no printf: this runs five times per line. */
static void csv_fixed(struct hbuf *b, char sep, long long whole, int frac, int frac_digits, char point,
		      int negative)
{
	char buf[48];
	size_t n = 0;
	buf[n++] = sep;
	if (negative)
		buf[n++] = '-';
	n += put_uint(buf + n, (unsigned long long)whole);
	if (frac_digits) {
		buf[n++] = point;
		if (frac_digits == 2)
			buf[n++] = (char)('0' + frac / 10);
		buf[n++] = (char)('0' + frac % 10);
	}
	hbuf_addn(b, buf, n);
}

static void csv_int(struct hbuf *b, char sep, long long v)
{
	csv_fixed(b, sep, v < 0 ? -v : v, 0, 0, '.', v < 0);
}

/* Minutes as hours with two decimals, as minutes_hours() writes them. */
static void csv_hours(struct hbuf *b, char sep, int minutes, char point)
{
	long long h = ((long long)(minutes < 0 ? -minutes : minutes) * 100 + 30) / 60;
	csv_fixed(b, sep, h / 100, (int)(h % 100), 2, point, minutes < 0);
}

static void csv_cents(struct hbuf *b, char sep, long cents, char point)
{
	long long c = cents < 0 ? -(long long)cents : cents;
	csv_fixed(b, sep, c / 100, (int)(c % 100), 2, point, cents < 0);
}

void allowance_csv_head(struct hbuf *b, int excel_it)
{
	static const char *const head[] = {
		"comune", "placement", "cognome", "nome", "codice_fiscale", "giorni_lavorativi",
		"giorni_dovuti", "giorni_sospesi", "ore_attese", "ore_presenza", "presenza_percento",
		"base_eur", "dovuto_eur", "esito", "motivazione", "confermato", "pagato",
	};
	char sep = excel_it ? ';' : ',';
	if (excel_it)
		hbuf_add(b, "\xEF\xBB\xBF");
	for (size_t i = 0; i < ARRAY_SIZE(head); i++)
		csv_cell(b, head[i], sep, i == 0);
	hbuf_add(b, "\r\n");
}

void allowance_csv_line(struct hbuf *b, const struct allowance_line *l, int excel_it)
{
	char sep = excel_it ? ';' : ',', point = excel_it ? ',' : '.';
	int rate = l->rate_permille < 0 ? -l->rate_permille : l->rate_permille;
	csv_cell(b, l->comune, sep, 1);
	csv_cell(b, l->placement_code, sep, 0);
	csv_cell(b, l->family_name, sep, 0);
	csv_cell(b, l->given_name, sep, 0);
	csv_cell(b, l->cf, sep, 0);
	csv_int(b, sep, l->working_days);
	csv_int(b, sep, l->due_days);
	csv_int(b, sep, l->suspended_days);
	csv_hours(b, sep, l->expected_minutes, point);
	csv_hours(b, sep, l->attended_minutes, point);
	csv_fixed(b, sep, rate / 10, rate % 10, 1, point, l->rate_permille < 0);
	csv_cents(b, sep, l->base_cents, point);
	csv_cents(b, sep, l->due_cents, point);
	csv_cell(b, l->why, sep, 0);
	csv_cell(b, l->explain, sep, 0);
	csv_cell(b, l->confirmed_at, sep, 0);
	csv_cell(b, l->paid_at, sep, 0);
	hbuf_add(b, "\r\n");
}

char *allowance_csv(const struct allowance_line *l, size_t n, int excel_it, size_t *len)
{
	struct hbuf b;
	hbuf_init(&b, CSV_MAX);
	allowance_csv_head(&b, excel_it);
	for (size_t i = 0; i < n; i++)
		allowance_csv_line(&b, &l[i], excel_it);
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

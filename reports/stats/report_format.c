/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Output formats of a report (see report.h): CSV (RFC 4180, UTF-8; the
 * Italian spreadsheet variant with ';' and decimal comma) and JSON. The
 * HTML page is the web layer's (reports/web/report_html.c).
 * Values not shown (report.h: min_count above 5, averages on few cases)
 * are written as "*" in CSV and null in JSON (with the measure listed in
 * the row's "suppressed" array).
 */
#include "reports/stats/report.h"
#include "core/datetime.h"
#include "core/util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OUT_MAX = 512u << 20 };

/* The CSV being written: grows up to OUT_MAX, then fails. */
struct outbuf {
	char *p;
	size_t len, cap;
	int failed;
};

static void out_addn(struct outbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (cap > OUT_MAX)
			cap = OUT_MAX;
		if (b->len + n + 1 > OUT_MAX || !(p = realloc(b->p, cap))) {
			b->failed = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void out_add(struct outbuf *b, const char *s)
{
	out_addn(b, s, strlen(s));
}

/* The text to the caller (free()), NULL when it failed. */
static char *out_detach(struct outbuf *b, size_t *len)
{
	char *p = b->failed ? NULL : b->p;

	if (b->failed)
		free(b->p);
	else if (!p && (p = calloc(1, 1)) == NULL)
		return NULL;
	if (len)
		*len = p ? b->len : 0;
	memset(b, 0, sizeof(*b));
	return p;
}

static int dim_has_label(int d)
{
	return d == RD_PROVINCE || d == RD_COMUNE || d == RD_CALL || d == RD_AREA ||
	       (d >= RD_APPLICANT_STATUS && d <= RD_CHANNEL);
}

/* One CSV cell, quoted when it must be. Every CSV the office hands out
 * goes through here (dote report, dote opendata, the dashboard's
 * download), and catalog texts reach them: a cell that a spreadsheet
 * would run as a formula (OWASP, "CSV Injection": it starts with = + -
 * @, a tab or a carriage return) is written quoted behind a single
 * quote, so it is shown as the text it is. */
static void csv_field(struct outbuf *b, const char *s, char sep)
{
	int formula = s[0] && strchr("=+-@\t\r", s[0]);

	if (formula || strchr(s, sep) || strchr(s, '"') || strchr(s, '\n') || strchr(s, '\r')) {
		out_add(b, formula ? "\"'" : "\"");
		for (; *s; s++) {
			if (*s == '"')
				out_add(b, "\"");
			out_addn(b, s, 1);
		}
		out_add(b, "\"");
	} else {
		out_add(b, s);
	}
}

char *report_csv_grid(const char *const *cells, size_t rows, int cols, int excel_it, size_t *len)
{
	struct outbuf b = { NULL, 0, 0, 0 };
	char sep = excel_it ? ';' : ',', seps[2] = { sep, 0 };

	if (excel_it)
		out_add(&b, "\xEF\xBB\xBF");
	for (size_t i = 0; i < rows; i++) {
		for (int k = 0; k < cols; k++) {
			const char *v = cells[i * (size_t)cols + (size_t)k];
			if (k)
				out_add(&b, seps);
			csv_field(&b, v ? v : "", sep);
		}
		out_add(&b, "\r\n");
	}
	return out_detach(&b, len);
}

/* A rate or average as published: a protected average with one decimal
 * (sdc_average computes it to one), every other rate with four. The
 * CSV and the JSON print the same digits. */
static void rate_text(char *num, size_t size, const struct report *r, int m, double v)
{
	snprintf(num, size, r->q.protect && m == RM_DAYS ? "%.1f" : "%.4f", v);
}

char *report_csv(const struct report *r, int excel_it, size_t *len)
{
	struct outbuf b = { NULL, 0, 0, 0 };
	char sep = excel_it ? ';' : ',', seps[2] = { sep, 0 };
	int first = 1;

	if (excel_it)
		out_add(&b, "\xEF\xBB\xBF");
	for (int k = 0; k < r->q.n_dims; k++) {
		char name[64];
		if (!first)
			out_add(&b, seps);
		first = 0;
		csv_field(&b, report_dim_name(r->q.dims[k]), sep);
		if (dim_has_label(r->q.dims[k])) {
			snprintf(name, sizeof(name), "%s_label", report_dim_name(r->q.dims[k]));
			out_add(&b, seps);
			csv_field(&b, name, sep);
		}
	}
	for (int i = 0; i < r->q.n_measures; i++) {
		if (!first)
			out_add(&b, seps);
		first = 0;
		csv_field(&b, report_measure_name(r->q.measures[i]), sep);
	}
	out_add(&b, "\r\n");
	for (size_t i = 0; i < r->n; i++) {
		const struct report_row *row = &r->rows[i];
		first = 1;
		for (int k = 0; k < r->q.n_dims; k++) {
			if (!first)
				out_add(&b, seps);
			first = 0;
			csv_field(&b, row->key[k], sep);
			if (dim_has_label(r->q.dims[k])) {
				out_add(&b, seps);
				csv_field(&b, row->label[k], sep);
			}
		}
		for (int m = 0; m < r->q.n_measures; m++) {
			int64_t c = 0;
			double v = 0;
			char num[48] = "";
			switch (report_value(row, r->q.measures[m], &c, &v)) {
			case RV_COUNT: snprintf(num, sizeof(num), "%lld", (long long)c); break;
			case RV_RATE:
				rate_text(num, sizeof(num), r, r->q.measures[m], v);
				if (excel_it && strchr(num, '.'))
					*strchr(num, '.') = ',';
				break;
			case RV_SUPPRESSED: str_copy(num, sizeof(num), "*"); break;
			default: break;
			}
			if (!first)
				out_add(&b, seps);
			first = 0;
			out_add(&b, num);
		}
		out_add(&b, "\r\n");
	}
	return out_detach(&b, len);
}

char *report_json(const struct report *r, size_t *len)
{
	json_t *root = json_object(), *rows = json_array(), *dl = json_array(), *ml = json_array();
	json_t *filters = json_object();
	char *out;

	for (int k = 0; k < r->q.n_dims; k++)
		json_array_append_new(dl, json_string(report_dim_name(r->q.dims[k])));
	for (int m = 0; m < r->q.n_measures; m++)
		json_array_append_new(ml, json_string(report_measure_name(r->q.measures[m])));
	if (r->q.from[0])
		json_object_set_new(filters, "from", json_string(r->q.from));
	if (r->q.to[0])
		json_object_set_new(filters, "to", json_string(r->q.to));
	if (r->q.region[0])
		json_object_set_new(filters, "region", json_string(r->q.region));
	if (r->q.province[0])
		json_object_set_new(filters, "province", json_string(r->q.province));
	if (r->q.comune[0])
		json_object_set_new(filters, "comune", json_string(r->q.comune));
	if (r->q.call[0])
		json_object_set_new(filters, "call", json_string(r->q.call));
	json_object_set_new(root, "dimensions", dl);
	json_object_set_new(root, "measures", ml);
	json_object_set_new(root, "filters", filters);
	json_object_set_new(root, "protected", json_boolean(r->q.protect));
	json_object_set_new(root, "method", json_string(r->q.protect ? "cell key" : "exact (internal use)"));
	json_object_set_new(root, "min_count",
			    json_integer(r->q.min_count > SDC_MIN_COUNT ? r->q.min_count : SDC_MIN_COUNT));
	json_object_set_new(root, "source", json_string(r->source ? r->source : ""));
	for (size_t i = 0; i < r->n; i++) {
		const struct report_row *row = &r->rows[i];
		json_t *o = json_object(), *sup = json_array();
		for (int k = 0; k < r->q.n_dims; k++) {
			char name[64];
			json_object_set_new(o, report_dim_name(r->q.dims[k]), json_string(row->key[k]));
			if (dim_has_label(r->q.dims[k])) {
				snprintf(name, sizeof(name), "%s_label", report_dim_name(r->q.dims[k]));
				json_object_set_new(o, name, json_string(row->label[k]));
			}
		}
		for (int m = 0; m < r->q.n_measures; m++) {
			int64_t c = 0;
			double v = 0;
			const char *name = report_measure_name(r->q.measures[m]);
			switch (report_value(row, r->q.measures[m], &c, &v)) {
			case RV_COUNT: json_object_set_new(o, name, json_integer(c)); break;
			case RV_RATE: {
				/* The CSV's digits (rate_text), printed back shortest:
				 * 27.3, not the 27.300000000000001 of 17 digits. */
				char num[48];
				rate_text(num, sizeof(num), r, r->q.measures[m], v);
				json_object_set_new(o, name, json_real(strtod(num, NULL)));
				break;
			}
			case RV_SUPPRESSED:
				json_object_set_new(o, name, json_null());
				json_array_append_new(sup, json_string(name));
				break;
			default: json_object_set_new(o, name, json_null()); break;
			}
		}
		if (json_array_size(sup))
			json_object_set_new(o, "suppressed", sup);
		else
			json_decref(sup);
		json_array_append_new(rows, o);
	}
	json_object_set_new(root, "rows", rows);
	/* 15 significant digits print every rate_text value as written. */
	out = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(root);
	if (out && len)
		*len = strlen(out);
	return out;
}

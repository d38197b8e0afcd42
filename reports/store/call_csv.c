/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Reading a call's table (reports/store/calls.h): the bytes of a CSV as
 * Excel or LibreOffice save it, in Italian (';' between fields, ','
 * for decimals) or English (','), UTF-8 with or without BOM or
 * Windows-1252, fields quoted or not, into rows of UTF-8 cells with
 * their spreadsheet row and column; and the checks of one cell (comune,
 * project code, area, months, hours, allowance, seats, dates), each
 * failure worded in Italian with what to fix. No database here: calls.c
 * compares the rows with what the hub holds. Start at csv_read().
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/model.h"
#include "core/util.h"
#include "reports/store/call_csv.h"

/* ------------------------------------------------------------ problems */

void csv_problem(struct call_import *r, int row, int col, const char *column, const char *fmt, ...)
{
	struct call_problem *p;
	va_list ap;

	r->problems_total++;
	if (r->nproblems >= CALL_PROBLEMS_MAX)
		return;
	if (!r->problems) {
		r->problems = calloc(CALL_PROBLEMS_MAX, sizeof(*r->problems));
		if (!r->problems)
			return;
	}
	p = &r->problems[r->nproblems++];
	p->row = row;
	p->col = col;
	str_copy(p->column, sizeof(p->column), column ? column : "");
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
}

/* Spreadsheet column letters: 1 -> A, 27 -> AA. */
void csv_col_letters(int col, char *buf, size_t size)
{
	char tmp[8];
	int n = 0;

	while (col > 0 && n < 7) {
		tmp[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	if (size == 0)
		return;
	for (int i = 0; i < n && (size_t)i + 1 < size; i++)
		buf[i] = tmp[n - 1 - i];
	buf[(size_t)n < size ? (size_t)n : size - 1] = '\0';
}

/* ------------------------------------------------------------ encoding */

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Windows-1252's 0x80..0x9f (0: not defined). */
static const unsigned short cp1252_hi[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

static size_t utf8_put(unsigned cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	o[0] = (char)(0xe0 | cp >> 12);
	o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[2] = (char)(0x80 | (cp & 0x3f));
	return 3;
}

enum enc { ENC_UTF8, ENC_CP1252, ENC_MIXED };

/* One raw cell into UTF-8 (malloc'd); NULL after a problem. */
static char *cell_decode(const unsigned char *s, size_t n, enum enc enc, struct call_import *r,
			 int row, int col)
{
	char *out = malloc(n * 3 + 1), *o = out;
	size_t i = 0, k;

	if (!out)
		return NULL;
	while (i < n) {
		unsigned c = s[i];

		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
			csv_problem(r, row, col, NULL, "carattere di controllo (codice %u) nel testo:"
				    " cancellalo e riscrivi la cella", c);
			free(out);
			return NULL;
		}
		if (c < 0x80) {
			*o++ = (char)c;
			i++;
			continue;
		}
		if (enc != ENC_CP1252) {
			k = utf8_seq(s + i, n - i);
			if (k) {
				memcpy(o, s + i, k);
				o += k;
				i += k;
				continue;
			}
			csv_problem(r, row, col, NULL, "codifica dei caratteri non valida (byte 0x%02X):"
				    " il file mescola UTF-8 e altre codifiche; salvalo di nuovo come"
				    " «CSV UTF-8» e ricarica", c);
			free(out);
			return NULL;
		}
		if (c < 0xa0 && !cp1252_hi[c - 0x80]) {
			csv_problem(r, row, col, NULL, "carattere non valido (byte 0x%02X) per la codifica"
				    " Windows-1252: salva il file come «CSV UTF-8» e ricarica", c);
			free(out);
			return NULL;
		}
		o += utf8_put(c < 0xa0 ? cp1252_hi[c - 0x80] : c, o);
		i++;
	}
	*o = '\0';
	return out;
}

/* ------------------------------------------------------------ tokenizer */

static void table_add_cell(struct csv_table *t, struct csv_record *rec, char *cell)
{
	if (rec->n == rec->cap) {
		int cap = rec->cap ? rec->cap * 2 : 16;
		char **c = realloc(rec->cells, sizeof(char *) * (size_t)cap);

		if (!c) {
			free(cell);
			t->oom = 1;
			return;
		}
		rec->cells = c;
		rec->cap = cap;
	}
	rec->cells[rec->n++] = cell;
}

static struct csv_record *table_add_record(struct csv_table *t, int row)
{
	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 64;
		struct csv_record *p = realloc(t->recs, sizeof(*p) * (size_t)cap);

		if (!p) {
			t->oom = 1;
			return NULL;
		}
		t->recs = p;
		t->cap = cap;
	}
	memset(&t->recs[t->n], 0, sizeof(t->recs[0]));
	t->recs[t->n].row = row;
	return &t->recs[t->n++];
}

void csv_table_release(struct csv_table *t)
{
	for (int i = 0; i < t->n; i++) {
		for (int j = 0; j < t->recs[i].n; j++)
			free(t->recs[i].cells[j]);
		free(t->recs[i].cells);
	}
	free(t->recs);
	memset(t, 0, sizeof(*t));
}

/* The separator: the most frequent of ; , TAB outside quotes in the
 * first line (';' on a tie: Excel's Italian default). */
static char guess_sep(const unsigned char *s, size_t n)
{
	size_t semi = 0, comma = 0, tab = 0, i;
	int q = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			q = !q;
		else if (!q && (s[i] == '\n' || s[i] == '\r'))
			break;
		else if (!q && s[i] == ';')
			semi++;
		else if (!q && s[i] == ',')
			comma++;
		else if (!q && s[i] == '\t')
			tab++;
	}
	if (tab > semi && tab > comma)
		return '\t';
	return comma > semi ? ',' : ';';
}

int csv_read(const char *data, size_t len, struct csv_table *t, struct call_import *r)
{
	const unsigned char *s = (const unsigned char *)data, *end;
	size_t i, good = 0, bad = 0, k;
	enum enc enc;
	struct csv_record *rec = NULL;
	int row = 1, col, problems = r->problems_total;
	unsigned char *cell = NULL;
	size_t clen = 0;

	memset(t, 0, sizeof(*t));
	if (len >= 2 && ((s[0] == 0xff && s[1] == 0xfe) || (s[0] == 0xfe && s[1] == 0xff))) {
		csv_problem(r, 0, 0, NULL, "il file è in UTF-16 («Testo Unicode»): salvalo come «CSV UTF-8»"
			    " oppure «CSV (delimitato dal separatore di elenco)» e ricarica");
		return -1;
	}
	if (len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		s += 3, len -= 3;
	if (memchr(s, '\0', len)) {
		csv_problem(r, 0, 0, NULL, "il file contiene byte nulli: non è un CSV di testo (è forse un"
			    " .xlsx o un file UTF-16?); salvalo come «CSV UTF-8» e ricarica");
		return -1;
	}
	for (i = 0; i < len; i += k) {
		k = utf8_seq(s + i, len - i);
		if (!k) {
			bad++;
			k = 1;
		} else if (k > 1) {
			good++;
		}
	}
	enc = !bad ? ENC_UTF8 : !good ? ENC_CP1252 : ENC_MIXED;
	str_copy(r->encoding, sizeof(r->encoding), enc == ENC_UTF8 ? "UTF-8" : enc == ENC_CP1252 ?
		 "Windows-1252" : "mista");
	t->sep = r->sep = guess_sep(s, len);
	cell = malloc(len + 1);
	if (!cell)
		return -1;
	end = s + len;
	i = 0;
	while (s + i < end) {
		int qrow = row;

		if (!rec && !(rec = table_add_record(t, row)))
			break;
		col = rec->n + 1;
		clen = 0;
		if (s[i] == '"') {
			i++;
			for (;;) {
				if (s + i >= end) {
					csv_problem(r, qrow, col, NULL, "virgolette aperte e mai chiuse: controlla"
						    " le virgolette (\") in questa cella");
					goto done;
				}
				if (s[i] == '"') {
					if (s + i + 1 < end && s[i + 1] == '"') {
						cell[clen++] = '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				cell[clen++] = s[i++];
			}
		}
		/* The rest of the field (after a closing quote: kept as is). */
		while (s + i < end && s[i] != t->sep && s[i] != '\n' && s[i] != '\r')
			cell[clen++] = s[i++];
		{
			char *c = cell_decode(cell, clen, enc, r, row, col);

			table_add_cell(t, rec, c ? c : strdup(""));
		}
		if (s + i >= end)
			break;
		if (s[i] == t->sep) {
			i++;
			if (s + i >= end)
				table_add_cell(t, rec, strdup(""));
			continue;
		}
		/* End of the record. */
		if (s[i] == '\r' && s + i + 1 < end && s[i + 1] == '\n')
			i++;
		i++;
		row++;
		rec = NULL;
		if (t->n > CALL_ROWS_MAX + 1) {
			csv_problem(r, 0, 0, NULL, "troppe righe: al massimo %d progetti in un avviso",
				    CALL_ROWS_MAX);
			goto done;
		}
	}
done:
	free(cell);
	/* Cells found bad while reading get their header's name. */
	for (int q = 0; t->n && q < r->nproblems; q++) {
		struct call_problem *p = &r->problems[q];

		if (p->row > 1 && p->col > 0 && !p->column[0] && p->col <= t->recs[0].n)
			str_copy(p->column, sizeof(p->column), t->recs[0].cells[p->col - 1]);
	}
	if (t->oom)
		csv_problem(r, 0, 0, NULL, "memoria esaurita leggendo il file");
	return r->problems_total > problems ? -1 : 0;
}

/* -------------------------------------------------------------- folding */

/* Lower-case ASCII, accents dropped, runs of anything else than letters
 * and digits made one space (for matching names and headers). */
void csv_fold(const char *in, char *out, size_t size, int keep_apostrophe)
{
	size_t o = 0;
	int space = 0;

	if (!size)
		return;
	while (*in && o + 1 < size) {
		unsigned char c = (unsigned char)*in;
		char base = 0;

		if (c >= 0x80) {
			base = utf8_latin1_base(in);
			if (base) {
				in += 2;
			} else if (keep_apostrophe && !strncmp(in, "\xe2\x80\x99", 3)) {
				base = '\'';
				in += 3;
			} else {
				in++;
				while ((*in & 0xc0) == 0x80)
					in++;
				space = 1;
				continue;
			}
		} else {
			in++;
			if (isalnum(c) || (keep_apostrophe && c == '\''))
				base = (char)tolower(c);
			else {
				space = 1;
				continue;
			}
		}
		if (space && o > 0 && o + 2 < size)
			out[o++] = ' ';
		space = 0;
		out[o++] = base;
	}
	out[o] = '\0';
}

/* ---------------------------------------------------------- the columns */

static const struct csv_column {
	enum pf field;
	const char *label;	/* the name we print */
	int required;
	const char *names[10];	/* folded header names accepted */
} columns[] = {
	{ PF_COMUNE, "comune", 1, { "comune", "comune ospitante", "ente ospitante", "ente", "codice istat",
		"istat", "comune istat", "comune sede" } },
	{ PF_CODE, "codice progetto", 1, { "codice progetto", "codice", "progetto", "cod progetto",
		"codice del progetto", "id progetto" } },
	{ PF_AREA, "area", 1, { "area", "area di intervento", "ambito", "settore" } },
	{ PF_OFFICE, "ufficio", 1, { "ufficio", "ufficio servizio", "servizio", "ufficio di inserimento" } },
	{ PF_ADDRESS, "indirizzo", 1, { "indirizzo", "sede", "indirizzo sede", "luogo", "sede di svolgimento" } },
	{ PF_MONTHS, "mesi", 1, { "mesi", "durata", "durata mesi", "durata in mesi" } },
	{ PF_HOURS, "ore settimanali", 1, { "ore settimanali", "ore", "ore settimana", "ore a settimana",
		"ore sett", "impegno settimanale", "ore per settimana" } },
	{ PF_ALLOWANCE, "indennità mensile", 1, { "indennita mensile", "indennita", "importo mensile",
		"indennita mensile euro", "compenso mensile", "rimborso mensile", "indennita euro" } },
	{ PF_SEATS, "posti", 1, { "posti", "posti disponibili", "n posti", "numero posti", "numero di posti" } },
	{ PF_DEADLINE, "scadenza", 1, { "scadenza", "data scadenza", "data di scadenza", "termine" } },
	{ PF_REQUIREMENTS, "requisiti", 1, { "requisiti", "requisiti specifici", "requisiti richiesti" } },
	{ PF_TITLE, "titolo", 0, { "titolo", "titolo progetto", "titolo del progetto" } },
	{ PF_DESCRIPTION, "descrizione", 0, { "descrizione", "attivita", "descrizione attivita" } },
	{ PF_QRSP, "profilo QRSP", 0, { "qrsp", "profilo qrsp", "profilo", "profilo professionale" } },
};

const char *const pf_label[PF_N] = {
	[PF_CODE] = "codice progetto", [PF_COMUNE] = "comune", [PF_AREA] = "area",
	[PF_OFFICE] = "ufficio", [PF_TITLE] = "titolo", [PF_DESCRIPTION] = "descrizione",
	[PF_REQUIREMENTS] = "requisiti", [PF_ADDRESS] = "indirizzo", [PF_MONTHS] = "mesi",
	[PF_HOURS] = "ore settimanali", [PF_ALLOWANCE] = "indennità mensile", [PF_QRSP] = "profilo QRSP",
	[PF_SEATS] = "posti", [PF_DEADLINE] = "scadenza", [PF_STATUS] = "stato",
};
/* The placement table's column of each field. */
const char *const pf_column[PF_N] = {
	[PF_CODE] = "code", [PF_COMUNE] = "comune", [PF_AREA] = "area", [PF_OFFICE] = "office",
	[PF_TITLE] = "title", [PF_DESCRIPTION] = "description", [PF_REQUIREMENTS] = "requirements",
	[PF_ADDRESS] = "address", [PF_MONTHS] = "months", [PF_HOURS] = "hours_week",
	[PF_ALLOWANCE] = "allowance_eur", [PF_QRSP] = "qrsp", [PF_SEATS] = "seats",
	[PF_DEADLINE] = "deadline", [PF_STATUS] = "status",
};

int csv_field_by_name(const char *name)
{
	char f[64];
	size_t i, j;

	for (i = 0; i < PF_N; i++)
		if (pf_column[i] && !strcmp(name, pf_column[i]))
			return (int)i;
	csv_fold(name, f, sizeof(f), 0);
	for (i = 0; i < ARRAY_SIZE(columns); i++)
		for (j = 0; j < ARRAY_SIZE(columns[i].names) && columns[i].names[j]; j++)
			if (!strcmp(f, columns[i].names[j]))
				return (int)columns[i].field;
	return -1;
}

int csv_header(const struct csv_record *h, int map[PF_N], struct call_import *r)
{
	char f[64], letters[8], list[600] = "";
	size_t i, j;
	int c, before = r->problems_total;

	for (i = 0; i < PF_N; i++)
		map[i] = -1;
	for (c = 0; c < h->n; c++) {
		int found = -1;

		csv_fold(h->cells[c], f, sizeof(f), 0);
		if (!f[0])
			continue;	/* an empty header: its cells must be empty (checked per row) */
		for (i = 0; i < ARRAY_SIZE(columns) && found < 0; i++)
			for (j = 0; j < ARRAY_SIZE(columns[i].names) && columns[i].names[j]; j++)
				if (!strcmp(f, columns[i].names[j])) {
					found = (int)columns[i].field;
					break;
				}
		csv_col_letters(c + 1, letters, sizeof(letters));
		if (found < 0) {
			if (!list[0])
				for (i = 0; i < ARRAY_SIZE(columns); i++)
					snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s«%s»",
						 i ? ", " : "", columns[i].label);
			csv_problem(r, 1, c + 1, h->cells[c], "colonna «%.60s» non riconosciuta: rinominala o"
				    " cancellala (colonne attese: %s)", h->cells[c], list);
		} else if (map[found] >= 0) {
			char other[8];

			csv_col_letters(map[found] + 1, other, sizeof(other));
			csv_problem(r, 1, c + 1, h->cells[c], "colonna «%s» ripetuta (c'è già nella colonna %s):"
				    " tienine una sola", pf_label[found], other);
		} else {
			map[found] = c;
		}
	}
	for (i = 0; i < ARRAY_SIZE(columns); i++)
		if (columns[i].required && map[columns[i].field] < 0)
			csv_problem(r, 1, 0, NULL, "manca la colonna «%s»: aggiungila all'intestazione"
				    " (prima riga)", columns[i].label);
	return r->problems_total > before ? -1 : 0;
}

/* ------------------------------------------------------------- the cells */

int csv_date(const char *in, char out[11])
{
	int y = 0, m = 0, d = 0, n = 0;
	char sep1, sep2, tail;

	if (sscanf(in, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10 && !in[n]) {
		/* ISO */
	} else if (sscanf(in, "%2d%c%2d%c%4d%c", &d, &sep1, &m, &sep2, &y, &tail) == 5 &&
		   sep1 == sep2 && (sep1 == '/' || sep1 == '-' || sep1 == '.')) {
		if (y < 100)
			y += 2000;
	} else {
		return -1;
	}
	if (y < 2000 || y > 2100)
		return -1;
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return date_parse(out, &y, &m, &d);
}

/* An integer with an optional unit after it ('6', '6 mesi', '20 ore',
 * '20,0'): 0 and *v, or -1. */
static int int_with_unit(const char *in, long *v)
{
	char *end;
	long x;

	while (isspace((unsigned char)*in))
		in++;
	if (!isdigit((unsigned char)*in))
		return -1;
	x = strtol(in, &end, 10);
	if ((*end == ',' || *end == '.') && end[1] == '0') {
		end++;
		while (*end == '0')
			end++;
	}
	while (isspace((unsigned char)*end))
		end++;
	while (isalpha((unsigned char)*end) || *end == '.' || *end == '/')
		end++;
	while (isspace((unsigned char)*end))
		end++;
	if (*end || x > 1000000)
		return -1;
	*v = x;
	return 0;
}

/* Euros: '400', '€ 400,00', '1.200,00', '1200.00', '400 EUR'. */
static int euros(const char *in, long *v)
{
	char digits[32];
	size_t n = 0, len;
	const char *p = in, *comma, *dot;
	char frac[8] = "";

	while (*p && (isspace((unsigned char)*p) || !strncmp(p, "\xe2\x82\xac", 3))) {
		p += isspace((unsigned char)*p) ? 1 : 3;
	}
	len = strlen(p);
	while (len && isspace((unsigned char)p[len - 1]))
		len--;
	if (len >= 3 && !strncmp(p + len - 3, "\xe2\x82\xac", 3))
		len -= 3;
	if (len >= 3 && !strncasecmp(p + len - 3, "EUR", 3))
		len -= 3;
	while (len && isspace((unsigned char)p[len - 1]))
		len--;
	if (!len || len > 20)
		return -1;
	comma = memchr(p, ',', len);
	dot = NULL;
	for (size_t i = 0; i < len; i++)
		if (p[i] == '.')
			dot = p + i;
	/* A decimal point: ',' (Italian), or a last '.' with 1-2 digits after
	 * it and no ',' (English). */
	if (comma) {
		str_copy(frac, sizeof(frac), "");
		snprintf(frac, sizeof(frac), "%.*s", (int)(p + len - comma - 1), comma + 1);
		len = (size_t)(comma - p);
	} else if (dot && (p + len - dot - 1 == 1 || p + len - dot - 1 == 2)) {
		snprintf(frac, sizeof(frac), "%.*s", (int)(p + len - dot - 1), dot + 1);
		len = (size_t)(dot - p);
	}
	for (size_t i = 0; i < len; i++) {
		if (isdigit((unsigned char)p[i])) {
			if (n + 1 >= sizeof(digits))
				return -1;
			digits[n++] = p[i];
		} else if (p[i] != '.' && p[i] != '\'' && p[i] != ' ') {
			return -1;
		}
	}
	for (const char *f = frac; *f; f++)
		if (*f != '0')
			return *f >= '0' && *f <= '9' ? -2 : -1;
	if (!n || n > 7)
		return -1;
	digits[n] = '\0';
	*v = atol(digits);
	return 0;
}

static int single_line(const char *s)
{
	return !strpbrk(s, "\r\n\t");
}

/* Every comune's name folded, sorted, for name lookups: built once
 * (7,904 names; folding them per lookup cost 1.4 ms a row). */
struct folded_name {
	char name[64];
	const struct comune *c;
};
static struct folded_name *folded;
static size_t nfolded;
static pthread_once_t folded_once = PTHREAD_ONCE_INIT;

static int folded_cmp(const void *a, const void *b)
{
	return strcmp(((const struct folded_name *)a)->name, ((const struct folded_name *)b)->name);
}

static void folded_build(void)
{
	size_t n = comuni_count();

	folded = calloc(n ? n : 1, sizeof(*folded));
	if (!folded)
		return;
	for (size_t i = 0; i < n; i++) {
		folded[i].c = comuni_at(i);
		csv_fold(folded[i].c->name, folded[i].name, sizeof(folded[i].name), 1);
	}
	qsort(folded, n, sizeof(*folded), folded_cmp);
	nfolded = n;
}

/* A comune by ISTAT code ('015146', or '15146' as Excel shows it) or by
 * name ('Milano', 'Castro (BG)'); NULL with why set. */
static const struct comune *comune_find(const char *in, char *why, size_t wsize)
{
	struct folded_name key, *hit;
	char name[128], prov[8] = "", provs[64] = "";
	const struct comune *found = NULL;
	size_t len = strlen(in), lo;
	int n = 0;

	if (len >= 4 && len <= 6 && strspn(in, "0123456789") == len) {
		char code[7];

		snprintf(code, sizeof(code), "%06ld", atol(in));
		found = comune_by_istat(code);
		if (!found)
			snprintf(why, wsize, "nessun Comune ha il codice ISTAT %s: controlla il codice"
				 " (6 cifre, es. 015146 per Milano)", code);
		return found;
	}
	str_copy(name, sizeof(name), in);
	len = strlen(name);
	if (len > 5 && name[len - 1] == ')' && name[len - 4] == '(' && isalpha((unsigned char)name[len - 3]) &&
	    isalpha((unsigned char)name[len - 2])) {
		prov[0] = (char)toupper((unsigned char)name[len - 3]);
		prov[1] = (char)toupper((unsigned char)name[len - 2]);
		prov[2] = '\0';
		name[len - 4] = '\0';
		str_trim(name);
	}
	pthread_once(&folded_once, folded_build);
	csv_fold(name, key.name, sizeof(key.name), 1);
	hit = folded ? bsearch(&key, folded, nfolded, sizeof(*folded), folded_cmp) : NULL;
	if (hit) {
		/* The first of the equal names, then each of them. */
		for (lo = (size_t)(hit - folded); lo > 0 && !strcmp(folded[lo - 1].name, key.name); lo--)
			;
		for (; lo < nfolded && !strcmp(folded[lo].name, key.name); lo++) {
			const struct comune *c = folded[lo].c;

			if (prov[0] && strcmp(prov, c->province))
				continue;
			if (!found)
				found = c;
			if (n++ < 6)
				snprintf(provs + strlen(provs), sizeof(provs) - strlen(provs), "%s%s",
					 n > 1 ? ", " : "", c->province);
		}
	}
	if (!found) {
		snprintf(why, wsize, "Comune «%.60s» sconosciuto: scrivi il nome ufficiale (es. «Sesto San"
			 " Giovanni») o il codice ISTAT a 6 cifre", in);
		return NULL;
	}
	if (n > 1) {
		snprintf(why, wsize, "«%.60s» è il nome di più Comuni (%s): scrivi il codice ISTAT o il nome"
			 " con la provincia, es. «%s (%.2s)»", in, provs, found->name, provs);
		return NULL;
	}
	return found;
}

/* Words that name an area in the calls' own words. */
static const struct { const char *word, *area; } area_words[] = {
	{ "anagraf", "registry" }, { "stato civile", "registry" }, { "demografic", "registry" },
	{ "elettoral", "registry" }, { "bibliotec", "library" }, { "social", "social" },
	{ "tecnic", "technical" }, { "lavori pubblici", "technical" }, { "urbanistic", "technical" },
	{ "ediliz", "technical" }, { "manutenz", "technical" }, { "cultur", "culture" },
	{ "eventi", "culture" }, { "muse", "culture" }, { "scuol", "education" },
	{ "scolastic", "education" }, { "istruzion", "education" }, { "educativ", "education" },
	{ "ambient", "environment" }, { "verde", "environment" }, { "ecolog", "environment" },
	{ "segreteri", "admin" }, { "protocoll", "admin" }, { "amministrativ", "admin" },
	{ "ragioneri", "admin" }, { "tribut", "admin" }, { "personale", "admin" },
	{ "turis", "tourism" }, { "iat", "tourism" }, { "sport", "sport" }, { "giovan", "sport" },
};

static const char *area_find(const char *in)
{
	char f[128], l[128];
	size_t i;

	csv_fold(in, f, sizeof(f), 0);
	for (i = 0; i < placement_areas_n; i++) {
		csv_fold(placement_areas[i].it, l, sizeof(l), 0);
		if (!strcmp(f, placement_areas[i].key) || !strcmp(f, l))
			return placement_areas[i].key;
	}
	for (i = 0; i < ARRAY_SIZE(area_words); i++)
		if (strstr(f, area_words[i].word))
			return area_words[i].area;
	return NULL;
}

int csv_cell(enum pf f, const char *raw, char *out, size_t size, char *why, size_t wsize)
{
	char v[2048];
	long n;
	int rc;

	why[0] = out[0] = '\0';
	if (strlen(raw) >= sizeof(v)) {
		snprintf(why, wsize, "testo troppo lungo (%zu caratteri): accorcialo", strlen(raw));
		return -1;
	}
	str_copy(v, sizeof(v), raw);
	str_trim(v);
	switch (f) {
	case PF_COMUNE: {
		const struct comune *c;

		if (!v[0])
			return snprintf(why, wsize, "manca il Comune ospitante: scrivi il nome o il codice ISTAT"), -1;
		c = comune_find(v, why, wsize);
		if (!c)
			return -1;
		str_copy(out, size, c->istat);
		return 0;
	}
	case PF_CODE: {
		size_t len = strlen(v);

		if (len < 3 || len > 31 || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					  "0123456789-_/.") != len)
			return snprintf(why, wsize, "codice progetto «%.40s» non valido: da 3 a 31 lettere"
					" senza accenti, cifre o - _ / . (es. PLC112512S03)", v), -1;
		str_upper(v);
		str_copy(out, size, v);
		return 0;
	}
	case PF_AREA: {
		const char *a = area_find(v);
		char list[400] = "";

		if (!a) {
			for (size_t i = 0; i < placement_areas_n; i++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
					 placement_areas[i].it);
			return snprintf(why, wsize, "area «%.40s» non riconosciuta: usa una di queste: %s", v,
					list), -1;
		}
		str_copy(out, size, a);
		return 0;
	}
	case PF_OFFICE: case PF_TITLE: case PF_ADDRESS: case PF_QRSP: {
		size_t max = f == PF_ADDRESS ? 200 : f == PF_OFFICE ? 120 : 160;

		if (!single_line(v))
			return snprintf(why, wsize, "a capo nel testo: scrivi %s su una riga sola", pf_label[f]), -1;
		if (strlen(v) > max)
			return snprintf(why, wsize, "testo troppo lungo (%zu caratteri, al massimo %zu)",
					strlen(v), max), -1;
		if ((f == PF_OFFICE && !v[0]) || (f == PF_ADDRESS && strlen(v) < 3))
			return snprintf(why, wsize, "manca %s: scrivilo", f == PF_OFFICE ? "l'ufficio"
					: "l'indirizzo della sede"), -1;
		str_copy(out, size, v);
		return 0;
	}
	case PF_DESCRIPTION: case PF_REQUIREMENTS:
		if (strlen(v) > 2000)
			return snprintf(why, wsize, "testo troppo lungo (%zu caratteri, al massimo 2000)",
					strlen(v)), -1;
		str_copy(out, size, v);
		return 0;
	case PF_MONTHS:
		if (int_with_unit(v, &n) || (n != 3 && n != 6 && n != 9 && n != 12))
			return snprintf(why, wsize, "durata «%.20s» non valida: i mesi sono 3, 6, 9 o 12", v), -1;
		snprintf(out, size, "%ld", n);
		return 0;
	case PF_HOURS:
		if (int_with_unit(v, &n) || n < 1 || n > 40)
			return snprintf(why, wsize, "ore settimanali «%.20s» non valide: un numero intero da 1"
					" a 40 (di solito 20)", v), -1;
		snprintf(out, size, "%ld", n);
		return 0;
	case PF_ALLOWANCE:
		rc = euros(v, &n);
		if (rc == -2)
			return snprintf(why, wsize, "indennità «%.20s» con i centesimi: scrivi euro interi"
					" (es. 400)", v), -1;
		if (rc || n < 1 || n > 2000)
			return snprintf(why, wsize, "indennità «%.20s» non valida: euro al mese da 1 a 2000"
					" (es. 400 o 400,00)", v), -1;
		snprintf(out, size, "%ld", n);
		return 0;
	case PF_SEATS:
		if (int_with_unit(v, &n) || n < 1 || n > 99)
			return snprintf(why, wsize, "posti «%.20s» non validi: un numero intero da 1 a 99", v), -1;
		snprintf(out, size, "%ld", n);
		return 0;
	case PF_DEADLINE:
		if (!v[0])
			return 0;	/* the call's deadline */
		if (size < 11 || csv_date(v, out))
			return snprintf(why, wsize, "data «%.20s» non valida: scrivi GG/MM/AAAA (es. 31/01/2026)"
					" o AAAA-MM-GG", v), -1;
		return 0;
	default:
		break;
	}
	snprintf(why, wsize, "campo non modificabile");
	return -1;
}

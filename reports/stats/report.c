/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The report engine (see report.h). Start reading at report_run(): it
 * validates the filters, picks for each family of measures the smallest
 * table that answers the query (a rollup, or the raw rows), runs one
 * GROUP BY per family with every value bound as a parameter (dimension
 * and measure names only ever select fixed SQL fragments from the tables
 * below), merges the answers by key, labels and sorts the rows, and
 * finally protects the counts with the cell key method (reports/stats/sdc.c):
 * every source sums the record keys of its applications next to the
 * counts, so each row knows its cell key.
 *
 * The database is a struct store (reports/store/store.h): SQLite or
 * PostgreSQL, the same SQL. The SQL built per query runs through
 * store_query_once(), never the store's statement cache (it lives in a
 * buffer reused for other text).
 */
#include "reports/stats/report.h"
#include "reports/store/rollup.h"
#include "reports/store/store.h"
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/model.h"
#include "core/util.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name, *label;
	const char *col;	/* column in every source subquery, NULL: per source */
} dims[RD_N] = {
	[RD_REGION] = { "region", "Regione", "t.region" },
	[RD_PROVINCE] = { "province", "Provincia", "t.province" },
	[RD_COMUNE] = { "comune", "Comune", "t.comune" },
	[RD_CALL] = { "call", "Avviso", "CAST(t.call_id AS TEXT)" },
	[RD_PLACEMENT] = { "placement", "Progetto", "t.placement_code" },
	[RD_AREA] = { "area", "Area", "t.area" },
	[RD_OFFICE] = { "office", "Ufficio", "t.office" },
	[RD_MONTH] = { "month", "Mese", "t.month" },
	[RD_QUARTER] = { "quarter", "Trimestre",
			 "substr(t.month, 1, 4) || '-Q' || ((CAST(substr(t.month, 6, 2) AS INTEGER) + 2) / 3)" },
	[RD_YEAR] = { "year", "Anno", "substr(t.month, 1, 4)" },
	[RD_APPLICANT_STATUS] = { "applicant_status", "Condizione", NULL },
	[RD_AGE_BAND] = { "age_band", "Fascia d'età", NULL },
	[RD_SEX] = { "sex", "Sesso", NULL },
	[RD_EDUCATION] = { "education", "Titolo di studio", NULL },
	[RD_RESIDENCE] = { "residence", "Residenza", NULL },
	[RD_CHANNEL] = { "channel", "Canale", NULL },
};
/* Raw columns of the applicant attributes, and their rollup attr names. */
static const char *const raw_attr_col[RD_N] = {
	[RD_APPLICANT_STATUS] = "t.v_status", [RD_AGE_BAND] = "t.v_age", [RD_SEX] = "t.v_sex",
	[RD_EDUCATION] = "t.v_edu", [RD_RESIDENCE] = "t.v_res", [RD_CHANNEL] = "t.v_chan",
};
static const char *const rollup_attr[RD_N] = {
	[RD_APPLICANT_STATUS] = "applicant_status", [RD_AGE_BAND] = "age_band", [RD_SEX] = "sex",
	[RD_EDUCATION] = "education", [RD_RESIDENCE] = "residence",
};

static const struct {
	const char *name, *label;
	int rate;
} measures[RM_N] = {
	[RM_APPLICATIONS] = { "applications", "Candidature", 0 },
	[RM_APPLICANTS] = { "applicants", "Candidati distinti", 0 },
	[RM_SEATS] = { "seats", "Posti", 0 },
	[RM_PER_SEAT] = { "applications_per_seat", "Candidature per posto", 1 },
	[RM_SELECTED] = { "selected", "Selezionati", 0 },
	[RM_FILL_RATE] = { "fill_rate", "Tasso di copertura", 1 },
	[RM_STARTED] = { "started", "Tirocini avviati", 0 },
	[RM_COMPLETED] = { "completed", "Tirocini conclusi", 0 },
	[RM_DROPPED] = { "dropped_out", "Interruzioni", 0 },
	[RM_DROPOUT_RATE] = { "dropout_rate", "Tasso di abbandono", 1 },
	[RM_DAYS] = { "days_to_selection", "Giorni dalla scadenza alla selezione", 1 },
	[RM_SESSIONS] = { "sessions", "Sessioni al totem", 0 },
	[RM_VIEWS] = { "views", "Progetti consultati", 0 },
	[RM_FORMS] = { "forms", "Domande iniziate", 0 },
	[RM_SUBMITS] = { "submits", "Domande inviate", 0 },
};

const char *report_dim_name(int d) { return d >= 0 && d < RD_N ? dims[d].name : "?"; }
const char *report_dim_label(int d) { return d >= 0 && d < RD_N ? dims[d].label : "?"; }
const char *report_measure_name(int m) { return m >= 0 && m < RM_N ? measures[m].name : "?"; }
const char *report_measure_label(int m) { return m >= 0 && m < RM_N ? measures[m].label : "?"; }
int report_measure_is_rate(int m) { return m >= 0 && m < RM_N && measures[m].rate; }

static int is_attr(int d) { return d >= RD_APPLICANT_STATUS && d <= RD_CHANNEL; }
static int is_funnel(int m) { return m >= RM_SESSIONS && m <= RM_SUBMITS; }

void report_query_init(struct report_query *q)
{
	memset(q, 0, sizeof(*q));
	q->protect = 1;
	q->min_count = SDC_MIN_COUNT;
}

/* Splits csv into trimmed items; calls fn for each; stops at an error. */
static int each_item(const char *csv, int (*fn)(void *, const char *), void *ctx)
{
	char item[64];
	const char *s = csv;

	if (!csv || !*csv)
		return -1;
	while (*s) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		if (len >= sizeof(item))
			len = sizeof(item) - 1;
		memcpy(item, s, len);
		item[len] = 0;
		str_trim(item);
		if (fn(ctx, item))
			return -1;
		s += end ? (size_t)(end - s) + 1 : strlen(s);
	}
	return 0;
}

struct parse_ctx {
	struct report_query *q;
	char *err;
	size_t errsize;
};

static void list_names(char *buf, size_t size, int measure)
{
	size_t n = measure ? RM_N : RD_N;
	buf[0] = 0;
	for (size_t i = 0; i < n; i++) {
		if (i)
			strncat(buf, ", ", size - strlen(buf) - 1);
		strncat(buf, measure ? measures[i].name : dims[i].name, size - strlen(buf) - 1);
	}
}

/* Copies item for a message, replacing anything unprintable. */
static void safe_item(char *out, size_t size, const char *item)
{
	size_t j = 0;
	for (; *item && j + 1 < size && j < 40; item++)
		out[j++] = isprint((unsigned char)*item) ? *item : '?';
	out[j] = 0;
}

static int add_dim(void *vctx, const char *item)
{
	struct parse_ctx *c = vctx;
	char names[400], shown[48];

	for (int d = 0; d < RD_N; d++)
		if (!strcmp(item, dims[d].name)) {
			for (int i = 0; i < c->q->n_dims; i++)
				if (c->q->dims[i] == d) {
					snprintf(c->err, c->errsize, "dimension '%s' given twice", item);
					return -1;
				}
			if (c->q->n_dims >= REPORT_MAX_DIMS) {
				snprintf(c->err, c->errsize, "at most %d dimensions", REPORT_MAX_DIMS);
				return -1;
			}
			c->q->dims[c->q->n_dims++] = d;
			return 0;
		}
	list_names(names, sizeof(names), 0);
	safe_item(shown, sizeof(shown), item);
	snprintf(c->err, c->errsize, "unknown dimension '%s' (known: %s)", shown, names);
	return -1;
}

static int add_measure(void *vctx, const char *item)
{
	struct parse_ctx *c = vctx;
	char names[400], shown[48];

	for (int m = 0; m < RM_N; m++)
		if (!strcmp(item, measures[m].name)) {
			for (int i = 0; i < c->q->n_measures; i++)
				if (c->q->measures[i] == m)
					return 0;
			c->q->measures[c->q->n_measures++] = m;
			return 0;
		}
	list_names(names, sizeof(names), 1);
	safe_item(shown, sizeof(shown), item);
	snprintf(c->err, c->errsize, "unknown measure '%s' (known: %s)", shown, names);
	return -1;
}

int report_parse_dims(struct report_query *q, const char *csv, char *err, size_t errsize)
{
	struct parse_ctx c = { q, err, errsize };
	q->n_dims = 0;
	if (!csv || !*csv)
		return snprintf(err, errsize, "no dimensions given"), -1;
	return each_item(csv, add_dim, &c);
}

int report_parse_measures(struct report_query *q, const char *csv, char *err, size_t errsize)
{
	struct parse_ctx c = { q, err, errsize };
	q->n_measures = 0;
	if (!csv || !*csv)
		return snprintf(err, errsize, "no measures given"), -1;
	return each_item(csv, add_measure, &c);
}

/* 'YYYY-MM' or 'YYYY' (then first/last month). */
static int parse_month(const char *s, size_t len, int last, char *out)
{
	int y, m = last ? 12 : 1;
	if (len == 4 || len == 7) {
		for (size_t i = 0; i < len; i++)
			if (i == 4 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
				return -1;
		y = atoi(s);
		if (len == 7)
			m = atoi(s + 5);
		if (y < 2000 || y > 2100 || m < 1 || m > 12)
			return -1;
		snprintf(out, 8, "%04d-%02d", y, m);
		return 0;
	}
	return -1;
}

int report_parse_period(struct report_query *q, const char *s, char *err, size_t errsize)
{
	const char *dots = strstr(s, "..");
	size_t len = strlen(s);
	char shown[48];

	safe_item(shown, sizeof(shown), s);
	if (len > 20)
		goto bad;
	if (len == 7 && s[4] == '-' && s[5] == 'Q' && s[6] >= '1' && s[6] <= '4') {
		char y[5];
		int qn = s[6] - '0';
		memcpy(y, s, 4);
		y[4] = 0;
		if (parse_month(y, 4, 0, q->from))
			goto bad;
		snprintf(q->from, sizeof(q->from), "%s-%02d", y, qn * 3 - 2);
		snprintf(q->to, sizeof(q->to), "%s-%02d", y, qn * 3);
		return 0;
	}
	if (dots) {
		if (parse_month(s, (size_t)(dots - s), 0, q->from) ||
		    parse_month(dots + 2, strlen(dots + 2), 1, q->to))
			goto bad;
	} else if (parse_month(s, len, 0, q->from) || parse_month(s, len, 1, q->to)) {
		goto bad;
	}
	if (strcmp(q->from, q->to) > 0) {
		snprintf(err, errsize, "period '%s' ends before it starts", shown);
		return -1;
	}
	return 0;
bad:
	q->from[0] = q->to[0] = 0;
	snprintf(err, errsize, "bad period '%s' (use YYYY-MM, YYYY-Qn, YYYY or YYYY-MM..YYYY-MM)", shown);
	return -1;
}

int report_period_is_bucket(const struct report_query *q)
{
	int fm, tm;

	if (!q->from[0] && !q->to[0])
		return 1;
	if (strlen(q->from) != 7 || strlen(q->to) != 7 || strncmp(q->from, q->to, 4))
		return 0;
	fm = atoi(q->from + 5);
	tm = atoi(q->to + 5);
	return fm == tm || (fm % 3 == 1 && tm == fm + 2) || (fm == 1 && tm == 12);
}

/* ---- rows and their index ---- */

static uint64_t hash_keys(char *const *k, int n)
{
	uint64_t h = 1469598103934665603ull;
	for (int i = 0; i < n; i++) {
		for (const char *s = k[i]; *s; s++)
			h = (h ^ (unsigned char)*s) * 1099511628211ull;
		h = (h ^ 0x1f) * 1099511628211ull;
	}
	return h;
}

struct row_slot {
	uint64_t hash;		/* the row's hash_keys */
	size_t row;		/* row + 1; 0: free */
};

struct row_index {
	struct row_slot *slots;	/* the hash beside the row: a probe reads no row */
	size_t n;
};

static struct report_row *row_get(struct report *r, struct row_index *ix, char *const *keys, int nd, int create)
{
	uint64_t h = hash_keys(keys, nd);
	size_t i;

	if ((r->n + 1) * 2 > ix->n) {
		size_t ns = ix->n ? ix->n * 2 : 1024;
		struct row_slot *s = calloc(ns, sizeof(*s));
		if (!s)
			return NULL;
		for (size_t k = 0; k < ix->n; k++) {
			size_t j;
			if (!ix->slots[k].row)
				continue;
			for (j = ix->slots[k].hash & (ns - 1); s[j].row; j = (j + 1) & (ns - 1))
				;
			s[j] = ix->slots[k];
		}
		free(ix->slots);
		ix->slots = s;
		ix->n = ns;
	}
	for (i = h & (ix->n - 1); ix->slots[i].row; i = (i + 1) & (ix->n - 1)) {
		struct report_row *row;
		int same = 1;
		if (ix->slots[i].hash != h)
			continue;
		row = &r->rows[ix->slots[i].row - 1];
		for (int d = 0; d < nd && same; d++)
			same = !strcmp(row->key[d], keys[d]);
		if (same)
			return row;
	}
	if (!create || r->n >= REPORT_MAX_ROWS)
		return NULL;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 256;
		struct report_row *rows = realloc(r->rows, cap * sizeof(*rows));
		if (!rows)
			return NULL;
		r->rows = rows;
		r->cap = cap;
	}
	struct report_row *row = &r->rows[r->n];
	memset(row, 0, sizeof(*row));
	for (int d = 0; d < nd; d++) {
		row->key[d] = strdup(keys[d]);
		if (!row->key[d])
			return NULL;
	}
	ix->slots[i].hash = h;
	ix->slots[i].row = ++r->n;
	return row;
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->n; i++)
		for (int d = 0; d < REPORT_MAX_DIMS; d++) {
			free(r->rows[i].key[d]);
			free(r->rows[i].label[d]);
		}
	free(r->rows);
	r->rows = NULL;
	r->n = r->cap = 0;
}

/* ---- sources ---- */

enum family { FAM_APPS, FAM_SEATS, FAM_FUNNEL };

struct source {
	const char *name;
	const char *from;		/* FROM clause, table aliased t */
	const char *measures;		/* SELECT list of the family's sums */
	int attr_mode;			/* 1: WHERE t.attr = ?, attr dims from t.value; 2: raw attr columns;
					 * 3: WHERE t.attr = ? AND t.attr2 = ?, from t.value and t.value2 */
	int has_comune, has_placement, has_call;
	/* 1: a leaf read (leaf_sums, funnel_leaf_sums) without a GROUP BY:
	 * the table holds one row per leaf already, or one per event of
	 * it, added up in C. */
	int flat;
};

#define ROLLUP_SUMS "SUM(t.applications), SUM(t.applicants), SUM(t.selected), SUM(t.started)," \
	" SUM(t.completed), SUM(t.dropped_out), SUM(t.sel_days), SUM(t.sel_n), SUM(t.ckey), SUM(t.ckey_uniq)," \
	" SUM(t.ckey_sel), SUM(t.ckey_sta), SUM(t.ckey_com), SUM(t.ckey_dro)"
/* The cell keys alone, for the kiosk counts' cells. */
#define KEY_SUM "SUM(t.ckey)"
/* The same sums over raw application rows (rollup_app_rows_sql). */
#define RAW_SUMS "COUNT(*), SUM(t.uniq), SUM(t.sel), SUM(t.sta), SUM(t.com), SUM(t.dro), SUM(t.days)," \
	" SUM(t.sel), SUM(t.rkey), SUM(t.uniq * t.rkey), SUM(t.sel * t.rkey), SUM(t.sta * t.rkey)," \
	" SUM(t.com * t.rkey), SUM(t.dro * t.rkey)"

static const struct source src_rollup_province = {
	"rollup_province", "rollup_province t", ROLLUP_SUMS, 1, 0, 0, 1 };
static const struct source src_rollup_comune = {
	"rollup_comune", "rollup_comune t", ROLLUP_SUMS, 1, 1, 0, 1 };
static const struct source src_rollup_attr2 = {
	"rollup_attr2", "rollup_attr2 t", ROLLUP_SUMS, 3, 0, 0, 1 };
static const struct source src_key_province = {
	"rollup_province", "rollup_province t", KEY_SUM, 1, 0, 0, 1 };
/* The comune-level leaves (comune x call x month, docs/reports.md,
 * "Issue 20", rule 4) as they are stored: the totals of rollup_comune
 * (attr and value '') are one row per leaf already, read without a
 * GROUP BY, whose sort and aggregates cost more than the rest of a
 * national comune-level report; leaf_sums reads only the columns the
 * report's measures need (leaf_columns). */
static const struct source src_leaf_comune = {
	"rollup_comune", "rollup_comune t", "t.applications, t.applicants, t.selected, t.started, t.completed,"
	" t.dropped_out, t.sel_days, t.sel_n, t.ckey, t.ckey_uniq, t.ckey_sel, t.ckey_sta, t.ckey_com, t.ckey_dro",
	1, 1, 0, 1, 1 };
static const struct source src_rollup_placement = {
	"rollup_placement",
	"(SELECT r.*, COALESCE(pl.office, '') AS office FROM rollup_placement r"
	" LEFT JOIN placement pl ON pl.code = r.placement_code) t", ROLLUP_SUMS, 0, 1, 1, 1 };
static const struct source src_seats = {
	"placement",
	"(SELECT COALESCE(c.region, '') AS region, COALESCE(c.province, '') AS province, p.comune AS comune,"
	" p.call_id AS call_id, p.code AS placement_code, p.area AS area, p.office AS office,"
	" substr(p.deadline, 1, 7) AS month, p.seats AS seats FROM placement p LEFT JOIN comune c ON c.istat = p.comune) t",
	"SUM(t.seats)", 0, 1, 1, 1 };
static const struct source src_funnel_province = {
	"rollup_funnel_province", "rollup_funnel_province t",
	"SUM(CASE WHEN t.event = 'session' THEN t.n ELSE 0 END), SUM(CASE WHEN t.event = 'view' THEN t.n ELSE 0 END),"
	" SUM(CASE WHEN t.event = 'form' THEN t.n ELSE 0 END), SUM(CASE WHEN t.event = 'submit' THEN t.n ELSE 0 END)",
	0, 0, 0, 0 };
static const struct source src_funnel_comune = {
	"rollup_funnel", "rollup_funnel t",
	"SUM(CASE WHEN t.event = 'session' THEN t.n ELSE 0 END), SUM(CASE WHEN t.event = 'view' THEN t.n ELSE 0 END),"
	" SUM(CASE WHEN t.event = 'form' THEN t.n ELSE 0 END), SUM(CASE WHEN t.event = 'submit' THEN t.n ELSE 0 END)",
	0, 1, 0, 0 };
/* The kiosk counts' comune x month leaves: rollup_funnel's rows, one
 * per event, in its key order (comune, month, event), read without a
 * GROUP BY and added up by funnel_row (a GROUP BY's aggregates cost
 * more than the whole report otherwise). */
static const struct source src_leaf_funnel = {
	"rollup_funnel", "rollup_funnel t", "t.event, t.n", 0, 1, 0, 0, 1 };
static const struct source src_funnel_raw = {
	"usage_count",
	"(SELECT COALESCE(c.region, '') AS region, COALESCE(c.province, '') AS province, u.comune AS comune,"
	" substr(u.day, 1, 7) AS month, u.event AS event, u.n AS n FROM usage_count u"
	" LEFT JOIN comune c ON c.istat = u.comune) t",
	"SUM(CASE WHEN t.event = 'session' THEN t.n ELSE 0 END), SUM(CASE WHEN t.event = 'view' THEN t.n ELSE 0 END),"
	" SUM(CASE WHEN t.event = 'form' THEN t.n ELSE 0 END), SUM(CASE WHEN t.event = 'submit' THEN t.n ELSE 0 END)",
	0, 1, 0, 0 };

struct plan {
	char sql[16384];
	const char *params[10];
	int np;
	int64_t call_id;
	char call_id_text[24];
	char comune_province[3];	/* lets a comune filter use the province indexes */
};

/* Builds SELECT keys, sums FROM src WHERE filters GROUP BY keys. */
static int plan_build(struct plan *p, const struct source *s, const struct report_query *q, const char *attr,
		      const char *attr2, char *from_raw)
{
	char keys[1024] = "";
	size_t off;

	for (int i = 0; i < q->n_dims; i++) {
		int d = q->dims[i];
		const char *col = dims[d].col;
		if (is_attr(d))
			col = s->attr_mode == 1 ? "t.value"
			      : s->attr_mode == 3 ? (!strcmp(rollup_attr[d], attr) ? "t.value" : "t.value2")
			      : raw_attr_col[d];
		if (i)
			strncat(keys, ", ", sizeof(keys) - strlen(keys) - 1);
		strncat(keys, col, sizeof(keys) - strlen(keys) - 1);
	}
	p->np = 0;
	off = (size_t)snprintf(p->sql, sizeof(p->sql), "SELECT %s%s%s FROM %s WHERE 1 = 1", keys,
			       q->n_dims ? ", " : "", s->measures, from_raw ? from_raw : s->from);
	if (off >= sizeof(p->sql))
		return -1;
#define FILTER(cond, val) do { \
		if (off < sizeof(p->sql)) \
			off += (size_t)snprintf(p->sql + off, sizeof(p->sql) - off, " AND " cond, p->np + 1); \
		p->params[p->np++] = (val); \
	} while (0)
	if (s->attr_mode == 1 || s->attr_mode == 3)
		FILTER("t.attr = ?%d", attr);
	if (s->flat && s->attr_mode == 1)	/* the totals' value is '' as their attr: the key's prefix */
		FILTER("t.value = ?%d", attr);
	if (s->attr_mode == 3)
		FILTER("t.attr2 = ?%d", attr2);
	if (q->from[0])
		FILTER("t.month >= ?%d", q->from);
	if (q->to[0])
		FILTER("t.month <= ?%d", q->to);
	if (q->region[0])
		FILTER("t.region = ?%d", q->region);
	if (q->province[0])
		FILTER("t.province = ?%d", q->province);
	if (q->comune[0]) {
		FILTER("t.comune = ?%d", q->comune);
		if (!q->province[0] && p->comune_province[0])
			FILTER("t.province = ?%d", p->comune_province);
	}
	if (q->call[0] && s->has_call)
		FILTER("t.call_id = CAST(?%d AS INTEGER)", p->call_id_text);
#undef FILTER
	if (q->n_dims && !s->flat && off < sizeof(p->sql))
		off += (size_t)snprintf(p->sql + off, sizeof(p->sql) - off, " GROUP BY %s", keys);
	return off < sizeof(p->sql) ? 0 : -1;
}

/* A sum of record keys as the database returns it (PostgreSQL: numeric
 * text); only its low 32 bits matter. */
static uint64_t key_of(const char *text)
{
	return text ? (uint64_t)strtoull(text, NULL, 10) : 0;
}

/* The SQLite connection under s, NULL on PostgreSQL: the rollups' upkeep,
 * the record key function and the ingest queue are SQLite's own. */
static sqlite3 *lite_of(struct store *s)
{
	return store_is_pg(s) ? NULL : s->conn;
}

static int db_error(struct store *s, char *err, size_t errsize)
{
	if (err)
		snprintf(err, errsize, "database error: %s",
			 lite_of(s) ? sqlite3_errmsg(lite_of(s)) : "see the log of the PostgreSQL query");
	return -1;
}

/* Text parameters p[0..np-1] as store arguments. */
static void args_of(struct store_args *a, const char *const *p, int np)
{
	memset(a, 0, sizeof(*a));
	a->n = np;
	for (int i = 0; i < np; i++)
		a->v[i] = p[i];
}

/* First column of the first row of a fixed query as an integer, dflt
 * when no row, SQL NULL or on error. */
static int64_t int1(struct store *s, const char *sql, const char *const *p, int np, int64_t dflt)
{
	struct store_args a;
	struct store_res *res;
	int64_t v = dflt;

	args_of(&a, p, np);
	if (store_query(s, sql, &a, &res))
		return dflt;
	if (store_res_rows(res) > 0 && store_res_get(res, 0, 0))
		v = strtoll(store_res_get(res, 0, 0), NULL, 10);
	store_res_free(res);
	return v;
}

static int64_t cell_int(const char *v)
{
	return v ? strtoll(v, NULL, 10) : 0;
}

/* Where plan_run adds a plan's rows. */
struct plan_sink {
	struct report *r;
	struct row_index *ix;
	int first, n, nkeys, create;
	char *err;
	size_t errsize;
};

/* One row of a plan's answer (store_query_once streams them). */
static int plan_row(void *ctx, const char *const *cells, int ncols)
{
	struct plan_sink *k = ctx;
	struct report *r = k->r;
	int nd = r->q.n_dims;
	char *keys[REPORT_MAX_DIMS];
	struct report_row *row;

	if (ncols < nd + k->n + k->nkeys) {
		snprintf(k->err, k->errsize, "database error: short row");
		return -1;
	}
	/* The database's own texts, whole (row_get only reads them and
	 * copies a new row's): a copy into fixed buffers cut a long
	 * area or placement code and merged rows that differ after
	 * the cut. */
	for (int d = 0; d < nd; d++)
		keys[d] = (char *)(cells[d] ? cells[d] : "");
	row = row_get(r, k->ix, keys, nd, k->create);
	if (!row && !k->create)
		return 0;
	if (!row) {
		snprintf(k->err, k->errsize, r->n >= REPORT_MAX_ROWS ? "the report has too many rows; add filters"
								    : "out of memory");
		return -1;
	}
	for (int i = 0; i < k->n; i++)
		row->base[k->first + i] += cell_int(cells[nd + i]);
	for (int i = 0; i < k->nkeys; i++)
		row->ckey[i] += key_of(cells[nd + k->n + i]);
	return 0;
}

/* Runs a plan and adds its sums into the rows at base[first..first+n),
 * and the next nkeys columns (sums of record keys) into the row's cell
 * keys ckey[0..nkeys). create 0: only rows already there are touched.
 * The rows are streamed, never copied: a large answer costs no more
 * than its GROUP BY. */
static int plan_run(struct store *db, struct plan *p, struct report *r, struct row_index *ix, int first, int n,
		    int nkeys, int create, char *err, size_t errsize)
{
	struct plan_sink k = { r, ix, first, n, nkeys, create, err, errsize };
	struct store_args a;

	args_of(&a, p->params, p->np);
	err[0] = 0;
	if (store_query_once(db, p->sql, &a, plan_row, &k) < 0)
		return err[0] ? -1 : db_error(db, err, errsize);
	return 0;
}

/* ---- labels and order ---- */

/* Provinces, built once from the comuni table: a comune of each, by
 * its two-letter code (26 x 26 slots). One pass over the ~7,900 comuni:
 * a search of the provinces found so far for each comune cost 33 million
 * instructions, half of a report's time in a `dote report` process. */
static const struct comune *provinces[26 * 26];
static pthread_once_t provinces_once = PTHREAD_ONCE_INIT;

static int province_slot(const char *sigla)
{
	if (!sigla || sigla[0] < 'A' || sigla[0] > 'Z' || sigla[1] < 'A' || sigla[1] > 'Z' || sigla[2])
		return -1;
	return (sigla[0] - 'A') * 26 + (sigla[1] - 'A');
}

static void provinces_load(void)
{
	for (size_t i = 0; i < comuni_count(); i++) {
		const struct comune *c = comuni_at(i);
		int k = province_slot(c->province);
		if (k >= 0 && !provinces[k])
			provinces[k] = c;
	}
}

static const struct comune *province_find(const char *sigla)
{
	int k = province_slot(sigla);

	pthread_once(&provinces_once, provinces_load);
	return k >= 0 ? provinces[k] : NULL;
}

static const char *province_name(const char *sigla)
{
	const struct comune *c = province_find(sigla);
	return c ? c->province_name : NULL;
}

static int region_known(const char *region)
{
	for (size_t i = 0; i < comuni_count(); i++)
		if (!strcmp(comuni_at(i)->region, region))
			return 1;
	return 0;
}

static const char *vocab_label(int d, const char *key)
{
	const struct vocab *v = NULL;
	if (!strcmp(key, "unknown"))
		return "Non indicato";
	switch (d) {
	case RD_APPLICANT_STATUS: v = vocab_find(applicant_statuses, applicant_statuses_n, key); break;
	case RD_AGE_BAND: v = vocab_find(age_bands, age_bands_n, key); break;
	case RD_EDUCATION: v = vocab_find(education_levels, education_levels_n, key); break;
	case RD_RESIDENCE: v = vocab_find(residence_classes, residence_classes_n, key); break;
	case RD_AREA: v = vocab_find(placement_areas, placement_areas_n, key); break;
	case RD_SEX: return !strcmp(key, "F") ? "Donne" : !strcmp(key, "M") ? "Uomini" : key;
	case RD_CHANNEL:
		return !strcmp(key, "chiosco") ? "Sportello DoteComune" : !strcmp(key, "carta") ? "Su carta, all'ufficio"
		     : !strcmp(key, "pec") ? "PEC" : key;
	default: break;
	}
	return v ? v->it : key;
}

/* Call codes by id, read once per report. */
struct call_codes {
	char (*id)[24];
	char (*code)[24];
	size_t n;
	int loaded;
};

static const char *call_code(struct store *db, struct call_codes *c, const char *id)
{
	if (!c->loaded) {
		struct store_res *st;
		size_t cap = 0;
		c->loaded = 1;
		if (store_query(db, "SELECT CAST(id AS TEXT), code FROM call", NULL, &st))
			return NULL;
		for (int i = 0; i < store_res_rows(st) && c->n < 100000; i++) {
			const char *k = store_res_get(st, i, 0), *v = store_res_get(st, i, 1);
			if (!k || !v)
				continue;
			if (c->n == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				void *ni = realloc(c->id, ncap * sizeof(*c->id)), *nc;
				if (!ni)
					break;
				c->id = ni;
				nc = realloc(c->code, ncap * sizeof(*c->code));
				if (!nc)
					break;
				c->code = nc;
				cap = ncap;
			}
			str_copy(c->id[c->n], sizeof(c->id[c->n]), k);
			str_copy(c->code[c->n], sizeof(c->code[c->n]), v);
			c->n++;
		}
		store_res_free(st);
	}
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->id[i], id))
			return c->code[i];
	return NULL;
}

static int label_rows(struct store *db, struct report *r)
{
	struct call_codes calls = { NULL, NULL, 0, 0 };
	const char *code;
	int rc = -1;

	for (size_t i = 0; i < r->n; i++)
		for (int k = 0; k < r->q.n_dims; k++) {
			int d = r->q.dims[k];
			const char *key = r->rows[i].key[k], *label = key;
			char buf[160];
			const struct comune *c;
			switch (d) {
			case RD_PROVINCE:
				label = province_name(key);
				if (label) {
					snprintf(buf, sizeof(buf), "%s (%s)", label, key);
					label = buf;
				} else {
					label = key;
				}
				break;
			case RD_COMUNE:
				c = comune_by_istat(key);
				label = c ? c->name : key;
				break;
			case RD_CALL:
				code = call_code(db, &calls, key);
				label = code && code[0] ? code : key;
				break;
			case RD_MONTH: case RD_QUARTER: case RD_YEAR: case RD_REGION: case RD_PLACEMENT:
				break;
			default:
				label = vocab_label(d, key);
			}
			r->rows[i].label[k] = strdup(label);
			if (!r->rows[i].label[k])
				goto out;
		}
	rc = 0;
out:
	free(calls.id);
	free(calls.code);
	return rc;
}


/* Length of s if it is all digits (and not empty), else 0. */
static size_t digits_len(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return s[n] ? 0 : n;
}

/* Keys in order: numbers by value (shorter first), the rest as text.
 * The final sort calls it some 100,000 times for a national comune x
 * month (strspn built its table of digits at each call: a quarter of
 * such a report's instructions). */
static int key_cmp(const char *a, const char *b)
{
	size_t la = digits_len(a), lb = la ? digits_len(b) : 0;

	if (la && lb && la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a, b);
}

static int row_cmp(const void *va, const void *vb, void *vq)
{
	const struct report_row *a = va, *b = vb;
	const struct report_query *q = vq;
	for (int d = 0; d < q->n_dims; d++) {
		int c;
		/* Comuni and provinces read best by name; codes keep time and vocabularies in order. */
		if (q->dims[d] == RD_COMUNE || q->dims[d] == RD_PROVINCE || q->dims[d] == RD_CALL)
			c = strcmp(a->label[d], b->label[d]);
		else
			c = key_cmp(a->key[d], b->key[d]);
		if (c)
			return c;
	}
	return 0;
}

/* ---- protection ---- */

/* The noise stream of each perturbed count (sdc.h). */
static const struct {
	int base, salt;
} perturbed[] = {
	{ RB_APPLICATIONS, SDC_S_APPLICATIONS }, { RB_APPLICANTS, SDC_S_APPLICANTS },
	{ RB_SELECTED, SDC_S_SELECTED }, { RB_STARTED, SDC_S_STARTED }, { RB_COMPLETED, SDC_S_COMPLETED },
	{ RB_DROPPED, SDC_S_DROPPED }, { RB_SESSIONS, SDC_S_SESSIONS }, { RB_VIEWS, SDC_S_VIEWS },
	{ RB_FORMS, SDC_S_FORMS }, { RB_SUBMITS, SDC_S_SUBMITS },
};

/* An average over fewer cases than this is not shown: it would be one
 * person's figure, or close to it. Judged on the true and on the
 * published count, so hiding it says nothing the published count does
 * not (a count from 1 to 4 is published as 0 or 5, below this). */
enum { AVERAGE_MIN = 10 };

/* Comune level: a count whose leaves' published values sum to less
 * than this is published as that sum; from this up, with the cell's own
 * noise (1.0-1.7 of error instead of 3-7 from the small leaves' bias).
 * Decided on published values only. The attack suite (sdc_attack2) at
 * 20,000 applications: 40.2% right against 39.4% for the best fixed
 * guess with 50, 41.9% and RMS at 93% of the guess's with 20
 * (docs/reports.md, "Issue 20", rule 4). */
enum { LEAF_SUM_BELOW = 50 };

/*
 * A row whose published values are all 0 is left out, as a row with no
 * applications is (a GROUP BY has no such row). Otherwise the rows a
 * table shows would tell a count of 1-4 published as 0 from a true 0:
 * the attack suite pinned small cells by counting which attribute rows
 * exist. Seats are public: a row with seats stays. The one row of a
 * table without dimensions stays.
 */
static void drop_empty_rows(struct report *r)
{
	size_t keep = 0;

	if (!r->q.n_dims)
		return;
	for (size_t i = 0; i < r->n; i++) {
		struct report_row *row = &r->rows[i];
		int any = 0;
		/* What the table shows: the requested measures only. */
		for (int m = 0; m < r->q.n_measures && !any; m++) {
			int64_t c = 0;
			double v = 0;
			int kind = report_value(row, r->q.measures[m], &c, &v);
			/* '*' under a min_count above 5 stands for a published 5 or
			 * more; a hidden average alone says nothing. */
			any = (kind == RV_COUNT && c != 0) || kind == RV_RATE ||
			      (kind == RV_SUPPRESSED && r->q.measures[m] != RM_DAYS);
		}
		if (!any) {
			for (int d = 0; d < REPORT_MAX_DIMS; d++) {
				free(row->key[d]);
				free(row->label[d]);
			}
			continue;
		}
		if (keep != i)
			r->rows[keep] = *row;
		keep++;
	}
	r->n = keep;
}

/*
 * The cell key method: each count becomes sdc_perturb(count, cell key,
 * its stream). Rates follow from the published counts (report_value),
 * seats are public and stay exact. A caller's min_count above 5 hides
 * published values from 1 to min_count - 1 afterwards: a function of
 * the published value alone, so it reveals nothing more.
 */
static void protect_rows(struct report *r)
{
	int min = r->q.min_count > SDC_MIN_COUNT ? r->q.min_count : SDC_MIN_COUNT;

	for (size_t i = 0; i < r->n; i++) {
		struct report_row *row = &r->rows[i];
		int64_t true_sel = row->base[RB_SEL_N];
		for (size_t k = 0; k < ARRAY_SIZE(perturbed); k++) {
			int b = perturbed[k].base;
			if (!row->has[b])
				continue;
			/* Comune level: the sum of the leaves' published values
			 * below LEAF_SUM_BELOW (leaf_sums). Otherwise a count of applications keyed by
			 * its own applications; the kiosk counts by the
			 * applications of their place and period. */
			if (row->summed && row->pub[b] < LEAF_SUM_BELOW)
				row->base[b] = row->pub[b];
			else
				row->base[b] = sdc_perturb(row->base[b], row->ckey[b <= RB_DROPPED ? b : RB_APPLICATIONS],
							   perturbed[k].salt);
			r->perturbed++;
			if (row->base[b] > 0 && row->base[b] < min) {
				row->state[b] = SDC_PRIMARY;
				r->suppressed++;
			}
		}
		if (row->has[RB_SEL_DAYS]) {
			/* A perturbed total over the published count, one decimal
			 * (sdc_average); kept as tenths over 10 for report_value. */
			double avg = sdc_average(row->base[RB_SEL_DAYS], true_sel, row->base[RB_SELECTED],
						 row->ckey[RB_SELECTED], SDC_S_DAYS, AVERAGE_MIN);
			if (avg < 0 || row->state[RB_SELECTED]) {
				row->state[RB_SEL_DAYS] = SDC_PRIMARY;
				r->suppressed++;
			} else {
				row->base[RB_SEL_DAYS] = (int64_t)(avg * 10 + 0.5);
				row->base[RB_SEL_N] = 10;
			}
		}
	}
	drop_empty_rows(r);
}

/* ---- the query ---- */

/* 1 when q's period is open or whole years (January to December). */
static int period_whole_years(const struct report_query *q)
{
	if (!q->from[0] && !q->to[0])
		return 1;
	return strlen(q->from) == 7 && strlen(q->to) == 7 && !strcmp(q->from + 4, "-01") && !strcmp(q->to + 4, "-12");
}

static int validate(struct store *db, const struct report_query *q, struct plan *p, char *err, size_t errsize)
{
	char shown[48];

	if (q->n_dims < 0 || q->n_dims > REPORT_MAX_DIMS || q->n_measures < 1 || q->n_measures > RM_N)
		return snprintf(err, errsize, "choose 0 to %d dimensions and at least one measure", REPORT_MAX_DIMS), -1;
	if (q->province[0]) {
		if (strlen(q->province) != 2 || !isupper((unsigned char)q->province[0]) ||
		    !isupper((unsigned char)q->province[1]) || !province_name(q->province)) {
			safe_item(shown, sizeof(shown), q->province);
			return snprintf(err, errsize, "unknown province '%s' (use the two-letter code, e.g. MI)", shown), -1;
		}
	}
	if (q->region[0] && !region_known(q->region)) {
		safe_item(shown, sizeof(shown), q->region);
		return snprintf(err, errsize, "unknown region '%s'", shown), -1;
	}
	if (q->comune[0] && (strspn(q->comune, "0123456789") != 6 || !comune_by_istat(q->comune))) {
		safe_item(shown, sizeof(shown), q->comune);
		return snprintf(err, errsize, "unknown comune '%s' (use the 6-digit ISTAT code)", shown), -1;
	}
	if (q->comune[0])
		str_copy(p->comune_province, sizeof(p->comune_province), comune_by_istat(q->comune)->province);
	if (q->call[0]) {
		const char *code = q->call;
		p->call_id = int1(db, "SELECT id FROM call WHERE code = ?1", &code, 1, -1);
		if (p->call_id < 0) {
			safe_item(shown, sizeof(shown), q->call);
			return snprintf(err, errsize, "unknown call '%s' (e.g. 6/2025)", shown), -1;
		}
		snprintf(p->call_id_text, sizeof(p->call_id_text), "%lld", (long long)p->call_id);
	}
	return 0;
}

/* Checks the rollups before they are read: SQLite rebuilds them when
 * they miss applications (unless the caller checked already); its
 * ingest queue is not folded here but added by the reader
 * (queued_run), so a reader writes nothing. PostgreSQL's are kept in each ingest
 * transaction, with no queue: they are rebuilt with the portable
 * statements when there are none at all (a database loaded without the
 * hub); a partial load is caught by the dashboard's full check at start
 * or repaired with `dote report --rebuild` (a COUNT(*) of a large table
 * on every report would cost the size of the history). */
static int rollups_ready(struct store *db, const struct report_query *q)
{
	sqlite3 *lite = lite_of(db);

	if (lite)
		return rollup_migrate(lite) ||
		       (!q->trust_rollups && rollup_stale(lite) && rollup_rebuild(lite)) ? -1 : 0;
	if (q->trust_rollups || int1(db, rollup_empty_sql, NULL, 0, 1) == 0)
		return 0;
	return report_rollup_rebuild(db);
}

int report_rollups_check(struct store *db)
{
	if (lite_of(db))
		return rollup_migrate(lite_of(db)) || (rollup_stale(lite_of(db)) && rollup_rebuild(lite_of(db))) ? -1 : 0;
	if (int1(db, rollup_stale_sql, NULL, 0, 1) == 0)
		return 0;
	warning("the rollups miss applications: rebuilding them");
	return report_rollup_rebuild(db);
}

int report_calls(struct store *db, struct store_res **rows)
{
	return store_query(db, "SELECT code, title FROM call ORDER BY opens DESC, code LIMIT 200", NULL, rows);
}

void report_months_span(struct store *db, char *first, size_t fsize, char *last, size_t lsize)
{
	first[0] = last[0] = '\0';
	store_text(db, "SELECT MIN(substr(submitted_at, 1, 7)) FROM application", NULL, first, fsize);
	store_text(db, "SELECT MAX(substr(submitted_at, 1, 7)) FROM application", NULL, last, lsize);
}

int report_rollup_rebuild(struct store *db)
{
	if (lite_of(db))
		return rollup_rebuild(lite_of(db));
	if (store_begin(db))
		return -1;
	/* dote_rkey() follows the stored secret (it carries it as a literal).
	 * Run once, these statements stay out of the statement cache. */
	if (store_query_once(db, sdc_pg_function_sql, NULL, NULL, NULL) < 0) {
		store_rollback(db);
		return error("cannot rebuild the statistics key function");
	}
	for (int i = 0; rollup_rebuild_sql[i]; i++)
		if (store_query_once(db, rollup_rebuild_sql[i], NULL, NULL, NULL) < 0) {
			store_rollback(db);
			return error("cannot rebuild the rollups");
		}
	return store_commit(db);
}

/*
 * SQLite: adds the queued applications (rollup_pending, at most one
 * batch of the hub's queue) to a report read from the rollups, in the
 * same read transaction: the same GROUP BY over just their raw rows,
 * with the same dims and filters, summed into the same rows. Counts and
 * sums of record keys are added before any noise is applied
 * (protect_rows), so every published value is exactly the one the fold
 * would give, and the reader writes nothing (it used to fold the queue
 * itself: 150-300 ms for ~850 applications at 10 million).
 */
static int queued_run(struct store *db, int queued, struct plan *p, const struct report_query *q,
		      struct report *r, struct row_index *ix, const char *sums, int first, int n, int nkeys,
		      int create, char *err, size_t errsize)
{
	struct source raw = { "raw", "", sums, 2, 1, 1, 1 };
	char from[8192];

	if (!lite_of(db) || q->force_raw || !queued)
		return 0;
	if (str_fmt(from, sizeof(from), "(%s) t", rollup_queued_rows_sql) < 0 ||
	    plan_build(p, &raw, q, "", "", from)) {
		snprintf(err, errsize, "query too long");
		return -1;
	}
	return plan_run(db, p, r, ix, first, n, nkeys, create, err, errsize);
}

/* The row of r a leaf (region, comune, call, month; call "" for the
 * kiosk counts) adds to, created when new: its keys for r's dimensions.
 * NULL with err set when out of rows or memory. */
static struct report_row *leaf_parent(struct report *r, struct row_index *ix, char *region, char *comune,
				      char *call, char *month, char *err, size_t errsize)
{
	const struct comune *cm;
	char quarter[8] = "", year[8] = "", *keys[REPORT_MAX_DIMS];
	struct report_row *row;

	/* Once per leaf, thousands per report: no printf, no lookup a
	 * dimension does not need. */
	if (strlen(month) >= 7) {
		int qn = (atoi(month + 5) + 2) / 3;
		memcpy(year, month, 4);
		year[4] = 0;
		memcpy(quarter, month, 4);
		memcpy(quarter + 4, "-Q", 2);
		quarter[6] = (char)('0' + (qn >= 0 && qn <= 9 ? qn : 0));
		quarter[7] = 0;
	}
	for (int d = 0; d < r->q.n_dims; d++) {
		switch (r->q.dims[d]) {
		case RD_REGION: keys[d] = region; break;
		case RD_PROVINCE:
			cm = comune_by_istat(comune);
			keys[d] = (char *)(cm ? cm->province : "");
			break;
		case RD_COMUNE: keys[d] = comune; break;
		case RD_CALL: keys[d] = call; break;
		case RD_MONTH: keys[d] = month; break;
		case RD_QUARTER: keys[d] = quarter; break;
		case RD_YEAR: keys[d] = year; break;
		default: keys[d] = (char *)""; break;	/* not at comune level (report_run) */
		}
	}
	row = row_get(r, ix, keys, r->q.n_dims, 1);
	if (!row)
		snprintf(err, errsize, r->n >= REPORT_MAX_ROWS ? "the report has too many rows; add filters"
							    : "out of memory");
	return row;
}

/* Adds a leaf (its true counts and keys in base and ckey) to the row of
 * r it belongs to (keys: region, comune, call, month), with its
 * published values. 0, or -1 with err set. */
static int leaf_add(struct report *r, struct row_index *ix, char *const *keys, const struct report_row *leaf,
		    char *err, size_t errsize)
{
	struct report_row *row = leaf_parent(r, ix, keys[0], keys[1], keys[2], keys[3], err, errsize);

	if (!row)
		return -1;
	for (int b = RB_APPLICATIONS; b <= RB_SEL_N; b++)
		row->base[b] += leaf->base[b];
	for (size_t k = 0; k < ARRAY_SIZE(perturbed); k++) {
		int b = perturbed[k].base;
		if (b < REPORT_KEYS)
			row->pub[b] += sdc_perturb(leaf->base[b], leaf->ckey[b], perturbed[k].salt);
	}
	for (int b = 0; b < REPORT_KEYS; b++)
		row->ckey[b] += leaf->ckey[b];
	row->summed = 1;
	return 0;
}

struct leaf_sink {
	struct report *r, *cm;
	struct row_index *ix, *cmix;
	char *err;
	size_t errsize;
};

/* One leaf as the database returns it: region, comune, call, month, the
 * 8 sums and the REPORT_KEYS key sums (ROLLUP_SUMS or RAW_SUMS). */
static int leaf_row(void *ctx, const char *const *cells, int ncols)
{
	struct leaf_sink *k = ctx;
	struct report_row leaf;
	char *keys[4];

	if (ncols < 4 + 8 + REPORT_KEYS) {
		snprintf(k->err, k->errsize, "database error: short row");
		return -1;
	}
	memset(&leaf, 0, sizeof(leaf));
	for (int d = 0; d < 4; d++)
		keys[d] = (char *)(cells[d] ? cells[d] : "");
	for (int i = 0; i < 8; i++)
		leaf.base[RB_APPLICATIONS + i] = cell_int(cells[4 + i]);
	for (int i = 0; i < REPORT_KEYS; i++)
		leaf.ckey[i] = key_of(cells[12 + i]);
	if (k->cm && leaf_add(k->cm, k->cmix, keys, &leaf, k->err, k->errsize))
		return -1;
	return leaf_add(k->r, k->ix, keys, &leaf, k->err, k->errsize);
}

/* The counts (enum report_base, RB_APPLICATIONS .. RB_SEL_N) the
 * measures of q are computed from, as a bit mask. */
static unsigned leaf_need(const struct report_query *q)
{
	unsigned need = 1u << RB_APPLICATIONS;

	for (int i = 0; i < q->n_measures; i++)
		switch (q->measures[i]) {
		case RM_APPLICANTS: need |= 1u << RB_APPLICANTS; break;
		case RM_SELECTED: case RM_FILL_RATE: need |= 1u << RB_SELECTED; break;
		case RM_STARTED: need |= 1u << RB_STARTED; break;
		case RM_COMPLETED: need |= 1u << RB_COMPLETED; break;
		case RM_DROPPED: need |= 1u << RB_DROPPED; break;
		case RM_DROPOUT_RATE: need |= 1u << RB_DROPPED | 1u << RB_STARTED; break;
		case RM_DAYS: need |= 1u << RB_SELECTED | 1u << RB_SEL_DAYS | 1u << RB_SEL_N; break;
		default: break;
		}
	return need;
}

/* The SELECT list of src_leaf_comune with only the counts in need (and
 * their cell keys); the others read as NULL, that is 0, and are never
 * shown: each column a report does not show cost two conversions per
 * leaf (integer to text in SQLite, text to integer here). */
static int leaf_columns(char *buf, size_t size, unsigned need)
{
	static const char *const cols[8] = {
		"t.applications", "t.applicants", "t.selected", "t.started", "t.completed", "t.dropped_out",
		"t.sel_days", "t.sel_n" };
	static const char *const keys[REPORT_KEYS] = {
		"t.ckey", "t.ckey_uniq", "t.ckey_sel", "t.ckey_sta", "t.ckey_com", "t.ckey_dro" };
	size_t off = 0;

	for (int i = 0; i < 8 + REPORT_KEYS; i++) {
		int b = i < 8 ? i : i - 8;
		int n = snprintf(buf + off, size - off, "%s%s", i ? ", " : "",
				 !(need & 1u << b) ? "NULL" : i < 8 ? cols[b] : keys[b]);
		if (n < 0 || (size_t)n >= size - off)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/*
 * Comune level, protected (docs/reports.md, "Issue 20", rule 4): the
 * counts of every row are the sums of the published values of its
 * leaves, the comune x call x month cells, each perturbed with its own
 * cell key. A comune's quarter, year, call or all-time value is then a
 * function of its published months and adds nothing an attacker could
 * average. Reads the leaves with the same source and filters as the
 * table (plus the queue), adds the true counts, the keys and the
 * leaves' published values into r's rows (row->pub, row->summed), and
 * when cm is not NULL into cm's too (comune x month rows for the kiosk
 * counts, funnel_leaf_sums: one read of the leaves serves both).
 */
static int leaf_sums(struct store *db, const struct source *s, char *from, const struct plan *tp, unsigned need,
		     int queued, struct report *r, struct row_index *ix, struct report *cm, struct row_index *cmix,
		     char *err, size_t errsize)
{
	static const int leaf_dims[] = { RD_REGION, RD_COMUNE, RD_CALL, RD_MONTH };
	struct report rl;
	struct row_index lix = { NULL, 0 };
	struct plan *lp = malloc(sizeof(*lp));
	struct source flat = src_leaf_comune;
	char cols[512];
	int rc = -1;

	memset(&rl, 0, sizeof(rl));
	if (!lp) {
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	*lp = *tp;
	rl.q = r->q;
	memcpy(rl.q.dims, leaf_dims, sizeof(leaf_dims));
	rl.q.n_dims = (int)ARRAY_SIZE(leaf_dims);
	if (s == &src_rollup_comune) {
		if (leaf_columns(cols, sizeof(cols), need)) {
			snprintf(err, errsize, "query too long");
			goto out;
		}
		flat.measures = cols;
		s = &flat;
	}
	if (plan_build(lp, s, &rl.q, "", "", from)) {
		snprintf(err, errsize, "query too long");
		goto out;
	}
	if (from || !queued) {
		/* Nothing queued: each leaf is one row of the answer, added
		 * as it is read (no copy of the leaves). */
		struct leaf_sink k = { r, cm, ix, cmix, err, errsize };
		struct store_args a;

		args_of(&a, lp->params, lp->np);
		err[0] = 0;
		if (store_query_once(db, lp->sql, &a, leaf_row, &k) < 0) {
			if (!err[0])
				db_error(db, err, errsize);
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (plan_run(db, lp, &rl, &lix, RB_APPLICATIONS, 8, REPORT_KEYS, 1, err, errsize) ||
	    (!from && queued_run(db, queued, lp, &rl.q, &rl, &lix, RAW_SUMS, RB_APPLICATIONS, 8, REPORT_KEYS, 1,
				 err, errsize)))
		goto out;
	for (size_t i = 0; i < rl.n; i++)
		if (leaf_add(r, ix, rl.rows[i].key, &rl.rows[i], err, errsize) ||
		    (cm && leaf_add(cm, cmix, rl.rows[i].key, &rl.rows[i], err, errsize)))
			goto out;
	rc = 0;
out:
	free(lix.slots);
	report_free(&rl);
	free(lp);
	return rc;
}

struct funnel_sink {
	struct report *r;
	struct row_index *ix;
	struct report_row *last;	/* the previous row's leaf: its events come in a run */
	char *err;
	size_t errsize;
};

/* One row of src_leaf_funnel (region, comune, month, event, n) added to
 * its comune x month leaf in k->r. */
static int funnel_row(void *ctx, const char *const *cells, int ncols)
{
	static const char *const events[] = { "session", "view", "form", "submit" };
	struct funnel_sink *k = ctx;
	char *keys[3];
	struct report_row *row = k->last;

	if (ncols < 5) {
		snprintf(k->err, k->errsize, "database error: short row");
		return -1;
	}
	for (int d = 0; d < 3; d++)
		keys[d] = (char *)(cells[d] ? cells[d] : "");
	if (!row || strcmp(row->key[1], keys[1]) || strcmp(row->key[2], keys[2]) || strcmp(row->key[0], keys[0]))
		row = row_get(k->r, k->ix, keys, 3, 1);
	if (!row) {
		snprintf(k->err, k->errsize, k->r->n >= REPORT_MAX_ROWS ? "the report has too many rows; add filters"
									  : "out of memory");
		return -1;
	}
	k->last = row;
	for (int e = 0; e < 4; e++)
		if (cells[3] && !strcmp(cells[3], events[e]))
			row->base[RB_SESSIONS + e] += cell_int(cells[4]);
	return 0;
}

/*
 * The kiosk counts at comune level, protected: as leaf_sums, the sums of
 * the published values of their leaves, here comune x month (the kiosk
 * counts have no call), each perturbed with the key of the applications
 * of its comune and month. Submits keep the applications' noise: a
 * leaf whose submits equal its applications publishes the applications'
 * published value (the sum of its call leaves), so the two are equal
 * wherever the true counts are (docs/reports.md, point 7). s is the
 * funnel's source; apps_too: the applications' leaves already gave
 * the rows their keys.
 */
static int funnel_leaf_sums(struct store *db, const struct source *s, const struct plan *tp, int queued,
			    struct report *r, struct row_index *ix, int apps_too, struct report *ra,
			    struct row_index *aix, char *err, size_t errsize)
{
	static const struct source key_raw = { "raw", "", RAW_SUMS, 2, 1, 1, 1 };
	struct report rf;
	struct row_index fix = { NULL, 0 };
	struct plan *lp = malloc(sizeof(*lp));
	char *from = NULL;
	int rc = -1;

	memset(&rf, 0, sizeof(rf));
	if (!lp) {
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	*lp = *tp;
	rf.q = ra->q;
	if (s == &src_funnel_comune) {
		struct funnel_sink k = { &rf, &fix, NULL, err, errsize };
		struct store_args a;

		if (plan_build(lp, &src_leaf_funnel, &rf.q, "", "", NULL)) {
			snprintf(err, errsize, "query too long");
			goto out;
		}
		args_of(&a, lp->params, lp->np);
		err[0] = 0;
		if (store_query_once(db, lp->sql, &a, funnel_row, &k) < 0) {
			if (!err[0])
				db_error(db, err, errsize);
			goto out;
		}
	} else if (plan_build(lp, s, &rf.q, "", "", NULL) ||
		   plan_run(db, lp, &rf, &fix, RB_SESSIONS, 4, 0, 1, err, errsize)) {
		goto out;
	}
	/* The applications of each comune x month: true count, key and the
	 * sum of their call leaves' published values. */
	if (r->q.force_raw) {
		from = malloc(8192);
		if (!from || str_fmt(from, 8192, "(%s) t", rollup_app_rows_sql) < 0) {
			snprintf(err, errsize, "query too long");
			goto out;
		}
	}
	if (!apps_too && leaf_sums(db, from ? &key_raw : &src_rollup_comune, from, tp, 1u << RB_APPLICATIONS, queued,
				   ra, aix, NULL, NULL, err, errsize))
		goto out;
	for (size_t i = 0; i < rf.n; i++) {
		struct report_row *leaf = &rf.rows[i], *apps, *row;
		uint64_t key = 0;

		apps = row_get(ra, aix, leaf->key, ra->q.n_dims, 0);
		if (apps)
			key = apps->ckey[RB_APPLICATIONS];
		row = leaf_parent(r, ix, leaf->key[0], leaf->key[1], (char *)"", leaf->key[2], err, errsize);
		if (!row)
			goto out;
		for (size_t k = 0; k < ARRAY_SIZE(perturbed); k++) {
			int b = perturbed[k].base;
			if (b < RB_SESSIONS)
				continue;
			row->base[b] += leaf->base[b];
			if (b == RB_SUBMITS && apps && leaf->base[b] == apps->base[RB_APPLICATIONS])
				row->pub[b] += apps->pub[RB_APPLICATIONS];
			else
				row->pub[b] += sdc_perturb(leaf->base[b], key, perturbed[k].salt);
		}
		if (!apps_too)
			row->ckey[RB_APPLICATIONS] += key;
		row->summed = 1;
	}
	rc = 0;
out:
	free(fix.slots);
	report_free(&rf);
	free(from);
	free(lp);
	return rc;
}

/* What a query asks for: the measure families it reads and the kind of
 * dimensions it breaks them down by (report_run's checks and paths). */
struct shape {
	int fam[3];
	int nattr, attr_dim, attr_dim2;
	int need_comune, need_placement, need_call, need_sub_year;
};

static void shape_of(const struct report_query *q, struct shape *sh)
{
	memset(sh, 0, sizeof(*sh));
	sh->attr_dim = sh->attr_dim2 = -1;
	for (int i = 0; i < q->n_measures; i++) {
		int m = q->measures[i];
		if (is_funnel(m))
			sh->fam[FAM_FUNNEL] = 1;
		else if (m == RM_SEATS)
			sh->fam[FAM_SEATS] = 1;
		else if (m == RM_PER_SEAT || m == RM_FILL_RATE)
			sh->fam[FAM_SEATS] = sh->fam[FAM_APPS] = 1;
		else
			sh->fam[FAM_APPS] = 1;
	}
	for (int i = 0; i < q->n_dims; i++) {
		int d = q->dims[i];
		if (is_attr(d)) {
			if (sh->nattr)
				sh->attr_dim2 = d;
			else
				sh->attr_dim = d;
			sh->nattr++;
		}
		sh->need_comune |= d == RD_COMUNE;
		sh->need_placement |= d == RD_PLACEMENT || d == RD_AREA || d == RD_OFFICE;
		sh->need_call |= d == RD_CALL;
		sh->need_sub_year |= d == RD_MONTH || d == RD_QUARTER;
	}
	sh->need_comune |= q->comune[0] != 0;
}

/* The rules a query must meet before anything is read: the period and
 * the crossings that protected statistics refuse (docs/reports.md).
 * 0, or -1 with err set. */
static int shape_check(const struct report_query *q, const struct shape *sh, char *err, size_t errsize)
{
	if (q->protect && q->min_count > 0 && q->min_count < SDC_MIN_COUNT) {
		snprintf(err, errsize, "min_count %d is below the rule: counts from 1 to %d are never published"
			 " (see docs/reports.md)", q->min_count, SDC_MIN_COUNT - 1);
		return -1;
	}
	if (q->protect && !report_period_is_bucket(q)) {
		snprintf(err, errsize, "period %s..%s is not one month, quarter or year: protected statistics are"
			 " published for those periods only (e.g. 2025-03, 2025-Q1 or 2025)", q->from, q->to);
		return -1;
	}
	if (sh->fam[FAM_FUNNEL] && (sh->nattr || sh->need_placement || sh->need_call || q->call[0])) {
		snprintf(err, errsize, "funnel measures (sessions, views, forms, submits) come from anonymous kiosk"
				       " counts: break them down only by region, province, comune, month, quarter"
				       " or year, without a call filter");
		return -1;
	}
	/* Field exclusion (docs/reports.md, "Issue 20", rule 4): an
	 * attribute split of a comune's small cell tells how many of its
	 * parts are not zero, and five splits tell 1 from 4. */
	if (q->protect && sh->nattr && (sh->need_comune || sh->need_placement)) {
		snprintf(err, errsize, "applicant attributes (%s) cannot be crossed with a comune, placement, area or"
			 " office, nor with a comune filter, in protected statistics: at comune level each split"
			 " would narrow the same small counts (docs/reports.md, issue 20); use a province or"
			 " region, or the comune's internal page", dims[sh->attr_dim].name);
		return -1;
	}
	/* Placements, areas and offices by month or quarter: each split of
	 * a comune's small month into groups with their own noise tells how
	 * many groups are not zero (docs/reports.md, issue 20: the attack
	 * suite's Bayesian attacker went from 40% to 45% right with them).
	 * By year or for all time they add too little. */
	if (q->protect && sh->need_placement && (sh->need_sub_year || !period_whole_years(q))) {
		snprintf(err, errsize, "placements, areas and offices are published by year or for all time in"
			 " protected statistics: by month or quarter each split would narrow a comune's small"
			 " counts (docs/reports.md, issue 20); use a year, or the internal pages");
		return -1;
	}
	if (sh->fam[FAM_SEATS] && sh->nattr) {
		snprintf(err, errsize, "seats and rates per seat cannot be broken down by applicant attributes");
		return -1;
	}
	return 0;
}

/* The applications' measures into r: from the narrowest rollup that
 * holds the query's dimensions, or from the applications themselves
 * (force_raw, the channel, two attributes with a place). Protected
 * comune reports sum noisy leaves (leaf_sums), filling cm for the kiosk
 * counts when funnel is set. */
static int run_apps(struct store *db, const struct report_query *q, const struct shape *sh, struct plan *p,
		    int queued, struct report *r, struct row_index *ix, struct report *cm, struct row_index *cmix,
		    char *err, size_t errsize)
{
	static const struct source raw = { "raw", "", RAW_SUMS, 2, 1, 1, 1 };
	char raw_from[8192];
	const struct source *s;
	char *from = NULL;
	const char *attr = sh->nattr && rollup_attr[sh->attr_dim] ? rollup_attr[sh->attr_dim] : "", *attr2 = "";
	/* The channel is not in the rollups (issue 18): read from the applications. */
	int by_channel = sh->attr_dim == RD_CHANNEL || sh->attr_dim2 == RD_CHANNEL;

	if (sh->nattr == 2 && !sh->need_placement && !sh->need_comune && !q->force_raw && !by_channel) {
		/* rollup_attr2 holds each pair once, in the order of the enum. */
		int a = sh->attr_dim < sh->attr_dim2 ? sh->attr_dim : sh->attr_dim2;
		int b = sh->attr_dim < sh->attr_dim2 ? sh->attr_dim2 : sh->attr_dim;
		attr = rollup_attr[a];
		attr2 = rollup_attr[b];
		s = &src_rollup_attr2;
	} else if (q->force_raw || sh->nattr > 1 || (sh->nattr && sh->need_placement) || by_channel) {
		if (str_fmt(raw_from, sizeof(raw_from), "(%s) t",
			    by_channel ? rollup_app_rows_channel_sql : rollup_app_rows_sql) < 0) {
			snprintf(err, errsize, "query too long");
			return -1;
		}
		s = &raw;
		from = raw_from;
	} else if (sh->need_placement) {
		s = &src_rollup_placement;
	} else if (sh->need_comune) {
		s = &src_rollup_comune;
	} else {
		s = &src_rollup_province;
	}
	r->source = s->name;
	if (q->protect && sh->need_comune && !sh->need_placement) {
		if (leaf_sums(db, s, from, p, leaf_need(q), queued, r, ix, sh->fam[FAM_FUNNEL] ? cm : NULL, cmix,
			      err, errsize))
			return -1;
	} else {
		if (plan_build(p, s, q, attr, attr2, from)) {
			snprintf(err, errsize, "query too long");
			return -1;
		}
		if (plan_run(db, p, r, ix, RB_APPLICATIONS, 8, REPORT_KEYS, 1, err, errsize))
			return -1;
		if (!from && queued_run(db, queued, p, q, r, ix, RAW_SUMS, RB_APPLICATIONS, 8, REPORT_KEYS, 1,
					err, errsize))
			return -1;
	}
	for (size_t i = 0; i < r->n; i++)
		for (int b = RB_APPLICATIONS; b <= RB_SEL_N; b++)
			r->rows[i].has[b] = 1;
	return 0;
}

/* The kiosks' anonymous counts (sessions, views, forms, submits) into r.
 * Without the applications in the same report, their cells still take
 * the applications' keys of the same place and period (all calls): a
 * submit is one of them, and its count gets the same noise (sdc.h). */
static int run_funnel(struct store *db, const struct report_query *q, const struct shape *sh, struct plan *p,
		      int queued, struct report *r, struct row_index *ix, struct report *cm, struct row_index *cmix,
		      char *err, size_t errsize)
{
	static const struct source key_raw = { "raw", "", "SUM(t.rkey)", 2, 1, 1, 1 };
	char raw_from[8192];
	const struct source *s = q->force_raw ? &src_funnel_raw
				 : sh->need_comune ? &src_funnel_comune : &src_funnel_province;

	if (q->protect && sh->need_comune) {
		if (funnel_leaf_sums(db, s, p, queued, r, ix, sh->fam[FAM_APPS], cm, cmix, err, errsize))
			return -1;
	} else if (plan_build(p, s, q, "", "", NULL) || plan_run(db, p, r, ix, RB_SESSIONS, 4, 0, 1, err, errsize)) {
		return -1;
	}
	if (q->protect && !sh->fam[FAM_APPS] && !sh->need_comune) {
		const struct source *ks = &src_key_province;
		char *kfrom = NULL;
		if (q->force_raw) {
			if (str_fmt(raw_from, sizeof(raw_from), "(%s) t", rollup_app_rows_sql) < 0) {
				snprintf(err, errsize, "query too long");
				return -1;
			}
			ks = &key_raw;
			kfrom = raw_from;
		}
		if (plan_build(p, ks, q, "", "", kfrom) || plan_run(db, p, r, ix, RB_SESSIONS, 0, 1, 0, err, errsize))
			return -1;
		if (!kfrom && queued_run(db, queued, p, q, r, ix, "SUM(t.rkey)", RB_SESSIONS, 0, 1, 0, err, errsize))
			return -1;
	}
	for (size_t i = 0; i < r->n; i++)
		for (int b = RB_SESSIONS; b <= RB_SUBMITS; b++)
			r->rows[i].has[b] = 1;
	if (!r->source)
		r->source = s->name;
	return 0;
}

int report_run(struct store *db, const struct report_query *q, struct report *r, char *err, size_t errsize)
{
	sqlite3 *lite = lite_of(db);
	struct row_index ix = { NULL, 0 };
	struct plan p;
	struct shape sh;
	int rc = -1, own_tx = 0, queued = 0;
	int64_t t0 = now_ms();
	/* The applications by comune x month for the kiosk counts at comune
	 * level (funnel_leaf_sums), filled by the applications' leaf read
	 * when the report has both. */
	static const int cm_dims[] = { RD_REGION, RD_COMUNE, RD_MONTH };
	struct report cm;
	struct row_index cmix = { NULL, 0 };

	memset(r, 0, sizeof(*r));
	r->q = *q;
	memset(&p, 0, sizeof(p));
	memset(&cm, 0, sizeof(cm));
	cm.q = *q;
	memcpy(cm.q.dims, cm_dims, sizeof(cm_dims));
	cm.q.n_dims = (int)ARRAY_SIZE(cm_dims);
	err[0] = 0;
	if (validate(db, q, &p, err, errsize))
		return -1;
	shape_of(q, &sh);
	if (shape_check(q, &sh, err, errsize))
		return -1;
	/* The raw path and the rollups read the applications' record keys. */
	if (lite && sdc_sqlite_register(lite)) {
		snprintf(err, errsize, "cannot read the statistics key");
		return -1;
	}
	if (!q->force_raw && rollups_ready(db, q)) {
		snprintf(err, errsize, "cannot build the statistics tables");
		return -1;
	}
	/* One read transaction: the rollups and the queue the reader adds
	 * to them are one snapshot, whatever the hub's writer folds
	 * meanwhile. */
	if (lite && sqlite3_get_autocommit(lite)) {
		if (db_exec(lite, "BEGIN")) {
			snprintf(err, errsize, "cannot read the statistics tables");
			return -1;
		}
		own_tx = 1;
	}
	if (lite && !q->force_raw && (queued = rollup_queued(lite)) < 0) {
		snprintf(err, errsize, "cannot read the statistics queue");
		goto out;
	}
	if (sh.fam[FAM_APPS] && run_apps(db, q, &sh, &p, queued, r, &ix, &cm, &cmix, err, errsize))
		goto out;
	if (sh.fam[FAM_SEATS]) {
		if (plan_build(&p, &src_seats, q, "", "", NULL) ||
		    plan_run(db, &p, r, &ix, RB_SEATS, 1, 0, 1, err, errsize))
			goto out;
		for (size_t i = 0; i < r->n; i++) {
			r->rows[i].has[RB_SEATS] = 1;
			if (sh.fam[FAM_APPS])
				for (int b = RB_APPLICATIONS; b <= RB_SEL_N; b++)
					r->rows[i].has[b] = 1;
		}
		if (!r->source)
			r->source = "placement";
	}
	if (sh.fam[FAM_FUNNEL] && run_funnel(db, q, &sh, &p, queued, r, &ix, &cm, &cmix, err, errsize))
		goto out;
	if (label_rows(db, r)) {
		snprintf(err, errsize, "out of memory");
		goto out;
	}
	if (r->n)	/* qsort of no rows: rows may be NULL */
		qsort_r(r->rows, r->n, sizeof(*r->rows), row_cmp, &r->q);
	if (q->protect)
		protect_rows(r);
	rc = 0;
out:
	if (own_tx)
		db_rollback(lite);	/* read only: nothing to keep */
	free(ix.slots);
	free(cmix.slots);
	report_free(&cm);
	r->ms = now_ms() - t0;
	return rc;
}

int report_value(const struct report_row *row, int m, int64_t *count, double *value)
{
	static const int direct[RM_N] = {
		[RM_APPLICATIONS] = RB_APPLICATIONS + 1, [RM_APPLICANTS] = RB_APPLICANTS + 1,
		[RM_SEATS] = RB_SEATS + 1, [RM_SELECTED] = RB_SELECTED + 1, [RM_STARTED] = RB_STARTED + 1,
		[RM_COMPLETED] = RB_COMPLETED + 1, [RM_DROPPED] = RB_DROPPED + 1,
		[RM_SESSIONS] = RB_SESSIONS + 1, [RM_VIEWS] = RB_VIEWS + 1, [RM_FORMS] = RB_FORMS + 1,
		[RM_SUBMITS] = RB_SUBMITS + 1,
	};
	int num, den;

	if (m < 0 || m >= RM_N)
		return RV_NONE;
	if (direct[m]) {
		int b = direct[m] - 1;
		if (!row->has[b])
			return RV_NONE;
		if (row->state[b])
			return RV_SUPPRESSED;
		*count = row->base[b];
		return RV_COUNT;
	}
	switch (m) {
	case RM_PER_SEAT: num = RB_APPLICATIONS; den = RB_SEATS; break;
	case RM_FILL_RATE: num = RB_SELECTED; den = RB_SEATS; break;
	case RM_DROPOUT_RATE: num = RB_DROPPED; den = RB_STARTED; break;
	default: num = RB_SEL_DAYS; den = RB_SEL_N; break;
	}
	if (!row->has[num] || !row->has[den])
		return RV_NONE;
	if (row->state[num] || row->state[den])
		return RV_SUPPRESSED;
	if (row->base[den] == 0)
		return RV_NONE;
	*value = (double)row->base[num] / (double)row->base[den];
	return RV_RATE;
}

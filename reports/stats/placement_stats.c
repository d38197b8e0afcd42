/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Placement statistics (see placement_stats.h). pstat_run() streams the
 * placements and the confirmed registers (reports/store/
 * traineeship_stats.h), adds each to the row of its dimensions (true
 * counts with their cell keys, true sums), then protects every row:
 * counts through the p-table, sums as perturbed totals (sdc_average),
 * rates from published values only. The tables are small (one row per
 * placement and per trainee-month), so they are read raw: there are no
 * rollups of placements.
 */
#include "reports/stats/placement_stats.h"
#include "reports/stats/sdc.h"
#include "reports/store/traineeship_stats.h"
#include "core/comuni.h"
#include "core/util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *name, *label; } dims[PSD_N] = {
	[PSD_REGION] = { "region", "Regione" },
	[PSD_PROVINCE] = { "province", "Provincia" },
	[PSD_COMUNE] = { "comune", "Comune" },
	[PSD_MONTH] = { "month", "Mese" },
	[PSD_QUARTER] = { "quarter", "Trimestre" },
	[PSD_YEAR] = { "year", "Anno" },
	[PSD_REASON] = { "end_reason", "Motivo dell'interruzione" },
};

static const struct { const char *name, *label; } measures[PSM_N] = {
	[PSM_STARTED] = { "placements_started", "Tirocini avviati" },
	[PSM_COMPLETED] = { "placements_completed", "Tirocini conclusi" },
	[PSM_DROPPED] = { "placements_dropped_out", "Tirocini interrotti" },
	[PSM_COMPLETION_RATE] = { "completion_rate", "Tasso di completamento" },
	[PSM_TRAINEES] = { "trainees", "Tirocinanti con registro confermato" },
	[PSM_HOURS] = { "hours_on_the_job", "Ore di tirocinio firmate" },
	[PSM_CLASSROOM] = { "classroom_hours", "Ore d'aula" },
	[PSM_ATTENDANCE] = { "attendance_rate", "Tasso di presenza" },
	[PSM_ALLOWANCE] = { "allowance_paid_eur", "Indennità pagata (EUR)" },
	[PSM_FOLLOWED_UP] = { "followed_up", "Tirocinanti con follow-up dopo la fine" },
	[PSM_EMPLOYED_AFTER] = { "employed_after", "Occupati al follow-up" },
};

/* The stored reasons (reports/store/traineeship.c) and their labels. */
static const struct { const char *key, *label; } reasons[] = {
	{ "job", "Ha trovato lavoro" }, { "personal", "Motivi personali" },
	{ "excluded", "Escluso dall'ente ospitante" }, { "health", "Motivi di salute" },
	{ "other", "Altro" },
};

/* Noise streams. Counts use the application counts' streams (the same
 * set of placements, the same value; sdc.h); trainees share the started
 * stream. The sums' streams are their own, above those of sdc.h (which
 * end at 10; the stream is the salt's low byte); so do the follow-up counts (a
 * stream of their own each, 0x45 and 0x46). */
static const int count_salt[PSC_N] = {
	[PSC_STARTED] = SDC_S_STARTED, [PSC_COMPLETED] = SDC_S_COMPLETED,
	[PSC_DROPPED] = SDC_S_DROPPED, [PSC_TRAINEES] = SDC_S_STARTED,
	[PSC_FOLLOWED] = 0x45, [PSC_EMPLOYED] = 0x46,
};
enum { SALT_EXPECTED = 0x41, SALT_ATTENDED = 0x42, SALT_CLASSROOM = 0x43, SALT_PAID = 0x44 };
/* The measures that are counts (p-table, never 1-4 published). */
static int is_count(int m)
{
	return m == PSM_STARTED || m == PSM_COMPLETED || m == PSM_DROPPED || m == PSM_TRAINEES || m == PSM_FOLLOWED_UP ||
	       m == PSM_EMPLOYED_AFTER;
}
/* Fewer trainees than this: no sum, average or rate of their figures
 * (the rule of days_to_selection, report.c's AVERAGE_MIN). */
enum { SUM_MIN = 10 };
/* Comune level: a placement count whose comune x month leaves' published
 * values sum to less than this is published as that sum (report.c's
 * LEAF_SUM_BELOW, docs/reports.md "Issue 20", rule 4): a small comune's
 * quarter, year and all-time counts are then functions of its published
 * months and add no equation about one of them. */
enum { LEAF_SUM_BELOW = 50 };

const char *pstat_dim_name(int d) { return d >= 0 && d < PSD_N ? dims[d].name : "?"; }
const char *pstat_dim_label(int d) { return d >= 0 && d < PSD_N ? dims[d].label : "?"; }
const char *pstat_measure_name(int m) { return m >= 0 && m < PSM_N ? measures[m].name : "?"; }
const char *pstat_measure_label(int m) { return m >= 0 && m < PSM_N ? measures[m].label : "?"; }

void pstat_query_init(struct pstat_query *q)
{
	memset(q, 0, sizeof(*q));
	report_query_init(&q->base);
}

/* Each comma-separated item of csv to fn; -1 at the first refused. */
static int each(const char *csv, int (*fn)(struct pstat_query *, const char *, char *, size_t),
		struct pstat_query *q, char *err, size_t errsize)
{
	char item[64];
	const char *p = csv;
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n >= sizeof(item)) {
			snprintf(err, errsize, "unknown item '%.20s...'", p);
			return -1;
		}
		memcpy(item, p, n);
		item[n] = 0;
		if (n && fn(q, item, err, errsize))
			return -1;
		p += n + (p[n] == ',');
	}
	return 0;
}

static int add_dim(struct pstat_query *q, const char *item, char *err, size_t errsize)
{
	for (int d = 0; d < PSD_N; d++)
		if (!strcmp(item, dims[d].name)) {
			for (int i = 0; i < q->n_dims; i++)
				if (q->dims[i] == d)
					return 0;
			if (q->n_dims == REPORT_MAX_DIMS) {
				snprintf(err, errsize, "at most %d dimensions", REPORT_MAX_DIMS);
				return -1;
			}
			q->dims[q->n_dims++] = d;
			return 0;
		}
	snprintf(err, errsize, "unknown dimension '%.40s' for placement measures (known: region province comune"
		 " month quarter year end_reason)", item);
	return -1;
}

static int add_measure(struct pstat_query *q, const char *item, char *err, size_t errsize)
{
	for (int m = 0; m < PSM_N; m++)
		if (!strcmp(item, measures[m].name)) {
			for (int i = 0; i < q->n_measures; i++)
				if (q->measures[i] == m)
					return 0;
			q->measures[q->n_measures++] = m;
			return 0;
		}
	snprintf(err, errsize, "'%.40s' cannot be asked together with placement measures (these: placements_started"
		 " placements_completed placements_dropped_out completion_rate trainees hours_on_the_job"
		 " classroom_hours attendance_rate allowance_paid_eur followed_up employed_after)", item);
	return -1;
}

int pstat_parse_dims(struct pstat_query *q, const char *csv, char *err, size_t errsize)
{
	q->n_dims = 0;
	return each(csv, add_dim, q, err, errsize);
}

int pstat_parse_measures(struct pstat_query *q, const char *csv, char *err, size_t errsize)
{
	q->n_measures = 0;
	return each(csv, add_measure, q, err, errsize);
}

int pstat_wants(const char *csv)
{
	const char *p = csv;
	while (*p) {
		size_t n = strcspn(p, ",");
		for (int m = 0; m < PSM_N; m++)
			if (strlen(measures[m].name) == n && !strncmp(p, measures[m].name, n))
				return 1;
		p += n + (p[n] == ',');
	}
	return 0;
}

/* ---- rows ---- */

static uint64_t hash_text(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void joined(char *const *k, int n, char *buf, size_t size)
{
	size_t off = 0;
	buf[0] = 0;
	for (int i = 0; i < n && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s\x1f", k[i]);
}

/* The row with these keys, made when missing; NULL when out of memory. */
static struct pstat_row *row_get(struct pstat_report *r, char *const *keys, const char *const *labels)
{
	char want[400], have[400];
	int nd = r->q.n_dims;
	size_t h;
	joined(keys, nd, want, sizeof(want));
	if (r->n * 2 >= r->nslots) {
		size_t ns = r->nslots ? r->nslots * 2 : 256;
		size_t *s = calloc(ns, sizeof(*s));
		if (!s)
			return NULL;
		for (size_t i = 0; i < r->n; i++) {
			joined(r->rows[i].key, nd, have, sizeof(have));
			for (h = hash_text(have) % ns; s[h]; h = (h + 1) % ns)
				;
			s[h] = i + 1;
		}
		free(r->slots);
		r->slots = s;
		r->nslots = ns;
	}
	for (h = hash_text(want) % r->nslots; r->slots[h]; h = (h + 1) % r->nslots) {
		struct pstat_row *row = &r->rows[r->slots[h] - 1];
		joined(row->key, nd, have, sizeof(have));
		if (!strcmp(have, want))
			return row;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct pstat_row *p = realloc(r->rows, cap * sizeof(*p));
		if (!p)
			return NULL;
		r->rows = p;
		r->cap = cap;
	}
	struct pstat_row *row = &r->rows[r->n];
	memset(row, 0, sizeof(*row));
	row->last_unit = -1;
	for (int i = 0; i < nd; i++) {
		if (!(row->key[i] = strdup(keys[i]))) {
			for (int k = 0; k < i; k++)
				free(row->key[k]);
			return NULL;
		}
		row->label[i] = labels[i];
	}
	r->slots[h] = ++r->n;
	return row;
}

void pstat_free(struct pstat_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		for (int d = 0; d < REPORT_MAX_DIMS; d++)
			free(r->rows[i].key[d]);
	free(r->rows);
	free(r->slots);
	memset(r, 0, sizeof(*r));
}

/* ---- facts ---- */

/* Where a fact falls: its row keys, or 0 when a filter leaves it out. */
static int place(const struct pstat_report *r, const char *comune, const char *month, const char *reason,
		 char keys[][48], const char **labels)
{
	const struct report_query *b = &r->q.base;
	const struct comune *c = comune_by_istat(comune);
	if (strlen(month) != 7)
		return 0;
	if ((b->from[0] && strcmp(month, b->from) < 0) || (b->to[0] && strcmp(month, b->to) > 0))
		return 0;
	if ((b->comune[0] && strcmp(comune, b->comune)) ||
	    (b->province[0] && (!c || strcmp(c->province, b->province))) ||
	    (b->region[0] && (!c || !c->region || strcmp(c->region, b->region))))
		return 0;
	for (int i = 0; i < r->q.n_dims; i++) {
		labels[i] = "";
		switch (r->q.dims[i]) {
		case PSD_REGION: str_copy(keys[i], 48, c && c->region ? c->region : "?"); break;
		case PSD_PROVINCE:
			str_copy(keys[i], 48, c ? c->province : "?");
			labels[i] = c && c->province_name ? c->province_name : "";
			break;
		case PSD_COMUNE:
			str_copy(keys[i], 48, comune);
			labels[i] = c && c->name ? c->name : "";
			break;
		case PSD_MONTH: str_copy(keys[i], 48, month); break;
		case PSD_QUARTER:
			snprintf(keys[i], 48, "%.4s-Q%d", month, (atoi(month + 5) + 2) / 3);
			break;
		case PSD_YEAR: snprintf(keys[i], 48, "%.4s", month); break;
		case PSD_REASON:
			str_copy(keys[i], 48, reason);
			for (size_t k = 0; k < ARRAY_SIZE(reasons); k++)
				if (!strcmp(reason, reasons[k].key))
					labels[i] = reasons[k].label;
			break;
		}
	}
	return 1;
}

static int has_dim(const struct pstat_query *q, int d)
{
	for (int i = 0; i < q->n_dims; i++)
		if (q->dims[i] == d)
			return 1;
	return 0;
}

struct walk {
	struct pstat_report *r;
	struct pstat_report leaves;	/* comune x month, at comune level */
	int comune_level;
	long unit;			/* ordinal of the current placement (registers) */
	uint64_t last_key;
	char last_comune[8];
	int failed;
	struct pstat_row skip;		/* where a fact outside the filters goes */
};

/* The row of a fact, w->skip when the filters leave it out, NULL when
 * out of memory. */
static struct pstat_row *fact_row(struct walk *w, const char *comune, const char *month, const char *reason)
{
	char keys[REPORT_MAX_DIMS][48];
	const char *labels[REPORT_MAX_DIMS];
	char *kp[REPORT_MAX_DIMS];
	if (!place(w->r, comune, month, reason, keys, labels))
		return &w->skip;
	for (int i = 0; i < REPORT_MAX_DIMS; i++)
		kp[i] = keys[i];
	return row_get(w->r, kp, labels);
}

static void count_add(struct pstat_row *row, int c, uint64_t key)
{
	row->count[c]++;
	row->ckey[c] += key;
}

/* At comune level a placement count is also added to its comune x month
 * leaf. 0, or -1 when out of memory. */
static int leaf_add(struct walk *w, const char *comune, const char *month, int c, uint64_t key)
{
	char *k[REPORT_MAX_DIMS] = { (char *)comune, (char *)month };
	const char *l[REPORT_MAX_DIMS] = { "", "" };
	struct pstat_row *leaf;
	if (!w->comune_level || strlen(month) != 7)
		return 0;
	if (!(leaf = row_get(&w->leaves, k, l)))
		return -1;
	count_add(leaf, c, key);
	return 0;
}

/* The leaves' published values into the rows they make up: every row
 * at comune level is a union of whole comune x month leaves (its
 * dimensions are geography and time buckets). 0 or -1. */
static int leaves_publish(struct walk *w)
{
	for (size_t i = 0; i < w->leaves.n; i++) {
		struct pstat_row *leaf = &w->leaves.rows[i], *row;
		for (int c = 0; c < PSC_N; c++) {
			if (c == PSC_TRAINEES || !leaf->count[c])
				continue;
			if (!(row = fact_row(w, leaf->key[0], leaf->key[1], "")))
				return -1;
			row->leaf_pub[c] += sdc_perturb(leaf->count[c], leaf->ckey[c], count_salt[c]);
			row->summed = 1;
		}
	}
	return 0;
}

/* An ended placement's follow-up, in the month it ended: followed up
 * whatever the status found, employed when so. 0 or -1. */
static int followup_fact(struct walk *w, const char *const *c, uint64_t key)
{
	struct pstat_row *row;
	if (!strcmp(c[TSP_STATUS], "running") || !c[TSP_FOLLOWUP] || !*c[TSP_FOLLOWUP])
		return 0;
	if (!(row = fact_row(w, c[TSP_COMUNE], c[TSP_END_MONTH], "")) ||
	    leaf_add(w, c[TSP_COMUNE], c[TSP_END_MONTH], PSC_FOLLOWED, key))
		return w->failed = -1;
	count_add(row, PSC_FOLLOWED, key);
	if (strcmp(c[TSP_FOLLOWUP], "employed"))
		return 0;
	if (leaf_add(w, c[TSP_COMUNE], c[TSP_END_MONTH], PSC_EMPLOYED, key))
		return w->failed = -1;
	count_add(row, PSC_EMPLOYED, key);
	return 0;
}

/* A placement: started in its start month; completed or dropped out in
 * the month it ended. With end_reason, only dropouts count. */
static int placement_fact(void *ctx, const char *const *c, int n)
{
	struct walk *w = ctx;
	struct pstat_row *row;
	uint64_t key;
	int by_reason = has_dim(&w->r->q, PSD_REASON);
	if (n < TSP_COLS)
		return -1;
	key = strtoull(c[TSP_RKEY] ? c[TSP_RKEY] : "0", NULL, 10);
	if (!by_reason) {
		if (!(row = fact_row(w, c[TSP_COMUNE], c[TSP_START_MONTH], "")) ||
		    leaf_add(w, c[TSP_COMUNE], c[TSP_START_MONTH], PSC_STARTED, key))
			return w->failed = -1;
		count_add(row, PSC_STARTED, key);
	}
	if (!strcmp(c[TSP_STATUS], "completed") && !by_reason) {
		if (!(row = fact_row(w, c[TSP_COMUNE], c[TSP_END_MONTH], "")) ||
		    leaf_add(w, c[TSP_COMUNE], c[TSP_END_MONTH], PSC_COMPLETED, key))
			return w->failed = -1;
		count_add(row, PSC_COMPLETED, key);
	} else if (!strcmp(c[TSP_STATUS], "dropped_out")) {
		if (!(row = fact_row(w, c[TSP_COMUNE], c[TSP_END_MONTH], c[TSP_END_REASON])) ||
		    leaf_add(w, c[TSP_COMUNE], c[TSP_END_MONTH], PSC_DROPPED, key))
			return w->failed = -1;
		count_add(row, PSC_DROPPED, key);
	}
	return by_reason ? 0 : followup_fact(w, c, key);
}

/* A confirmed register: its trainee counted once per row (the rows come
 * grouped by placement), its minutes and allowance added. */
static int register_fact(void *ctx, const char *const *c, int n)
{
	struct walk *w = ctx;
	struct pstat_row *row;
	uint64_t key;
	if (n < TSR_COLS)
		return -1;
	key = strtoull(c[TSR_RKEY] ? c[TSR_RKEY] : "0", NULL, 10);
	if (key != w->last_key || strcmp(c[TSR_COMUNE], w->last_comune) || w->unit < 0) {
		w->unit++;
		w->last_key = key;
		str_copy(w->last_comune, sizeof(w->last_comune), c[TSR_COMUNE]);
	}
	if (!(row = fact_row(w, c[TSR_COMUNE], c[TSR_MONTH], "")))
		return w->failed = -1;
	if (row->last_unit != w->unit) {
		row->last_unit = w->unit;
		count_add(row, PSC_TRAINEES, key);
	}
	row->sum[PSS_EXPECTED] += atoll(c[TSR_EXPECTED]);
	row->sum[PSS_ATTENDED] += atoll(c[TSR_ATTENDED]);
	row->sum[PSS_CLASSROOM] += atoll(c[TSR_CLASSROOM]);
	if (atoi(c[TSR_PAID]))
		row->sum[PSS_PAID_CENTS] += atoll(c[TSR_DUE_CENTS]);
	return 0;
}

/* ---- protection ---- */

/* A perturbed total of sum s over the row's trainees (sdc_average times
 * the published count), or -1 when not shown. */
static double total_of(const struct pstat_row *row, int64_t true_trainees, int s, int salt)
{
	double avg = sdc_average(row->sum[s], true_trainees, row->count[PSC_TRAINEES], row->ckey[PSC_TRAINEES], salt,
				 SUM_MIN);
	return avg < 0 ? -1 : avg * (double)row->count[PSC_TRAINEES];
}

static void set(struct pstat_row *row, int m, int kind, double v)
{
	row->kind[m] = (unsigned char)kind;
	row->value[m] = v;
}

static void protect_row(struct pstat_report *r, struct pstat_row *row)
{
	static const int count_measure[PSC_N] = {
		[PSC_STARTED] = PSM_STARTED, [PSC_COMPLETED] = PSM_COMPLETED, [PSC_DROPPED] = PSM_DROPPED,
		[PSC_TRAINEES] = PSM_TRAINEES, [PSC_FOLLOWED] = PSM_FOLLOWED_UP, [PSC_EMPLOYED] = PSM_EMPLOYED_AFTER,
	};
	int min = r->q.base.min_count > SDC_MIN_COUNT ? r->q.base.min_count : SDC_MIN_COUNT;
	int64_t trainees = row->count[PSC_TRAINEES];
	int by_reason = has_dim(&r->q, PSD_REASON);
	double att, exp;
	for (int c = 0; c < PSC_N; c++) {
		int m = count_measure[c];
		if (row->summed && c != PSC_TRAINEES && row->leaf_pub[c] < LEAF_SUM_BELOW)
			row->count[c] = row->leaf_pub[c];
		else
			row->count[c] = sdc_perturb(row->count[c], row->ckey[c], count_salt[c]);
		r->perturbed++;
		if (row->count[c] > 0 && row->count[c] < min) {
			set(row, m, PSV_SUPPRESSED, 0);
			r->suppressed++;
		} else {
			set(row, m, PSV_COUNT, (double)row->count[c]);
		}
	}
	if (by_reason) {
		/* Only dropouts have a reason. */
		for (int m = 0; m < PSM_N; m++)
			if (m != PSM_DROPPED)
				set(row, m, PSV_NONE, 0);
		return;
	}
	if (row->kind[PSM_COMPLETED] == PSV_COUNT && row->kind[PSM_DROPPED] == PSV_COUNT &&
	    row->count[PSC_COMPLETED] + row->count[PSC_DROPPED] > 0)
		set(row, PSM_COMPLETION_RATE, PSV_NUMBER,
		    (double)row->count[PSC_COMPLETED] / (double)(row->count[PSC_COMPLETED] + row->count[PSC_DROPPED]));
	if (!trainees)
		return;		/* no register in this row: the sums do not apply */
	att = total_of(row, trainees, PSS_ATTENDED, SALT_ATTENDED);
	exp = total_of(row, trainees, PSS_EXPECTED, SALT_EXPECTED);
	{
		double cls = total_of(row, trainees, PSS_CLASSROOM, SALT_CLASSROOM);
		double paid = total_of(row, trainees, PSS_PAID_CENTS, SALT_PAID);
		set(row, PSM_HOURS, att < 0 ? PSV_SUPPRESSED : PSV_NUMBER, att / 60.0);
		set(row, PSM_CLASSROOM, cls < 0 ? PSV_SUPPRESSED : PSV_NUMBER, cls / 60.0);
		set(row, PSM_ALLOWANCE, paid < 0 ? PSV_SUPPRESSED : PSV_NUMBER, paid / 100.0);
	}
	if (att < 0 || exp < 0)
		set(row, PSM_ATTENDANCE, PSV_SUPPRESSED, 0);
	else if (exp > 0)
		/* Two perturbed totals can cross: a rate is at most 1 (a
		 * function of published values, so it tells nothing more). */
		set(row, PSM_ATTENDANCE, PSV_NUMBER, att < exp ? att / exp : 1.0);
}

/* A row whose shown values are all 0 or not applicable goes (report.c's
 * drop_empty_rows): its presence would tell 1-4 from 0. A hidden sum
 * alone says nothing. */
static void drop_empty(struct pstat_report *r)
{
	size_t keep = 0;
	if (!r->q.n_dims)
		return;
	for (size_t i = 0; i < r->n; i++) {
		struct pstat_row *row = &r->rows[i];
		int any = 0;
		for (int k = 0; k < r->q.n_measures && !any; k++) {
			int m = r->q.measures[k], kind = row->kind[m];
			any = (kind == PSV_COUNT && row->value[m] != 0) || kind == PSV_NUMBER ||
			      (kind == PSV_SUPPRESSED && is_count(m));
		}
		if (!any) {
			for (int d = 0; d < REPORT_MAX_DIMS; d++)
				free(row->key[d]);
			continue;
		}
		for (int k = 0; k < r->q.n_measures; k++)
			r->suppressed += row->kind[r->q.measures[k]] == PSV_SUPPRESSED;
		r->rows[keep++] = *row;
	}
	r->n = keep;
}

static int row_cmp(const void *va, const void *vb, void *vq)
{
	const struct pstat_row *a = va, *b = vb;
	const struct pstat_query *q = vq;
	for (int i = 0; i < q->n_dims; i++) {
		int c = strcmp(a->key[i], b->key[i]);
		if (c)
			return c;
	}
	return 0;
}

/* 1 when some comune of the table has this province (field 0) or
 * region (field 1). */
static int geo_known(const char *v, int region)
{
	for (size_t i = 0; i < comuni_count(); i++) {
		const struct comune *c = comuni_at(i);
		if (c && !strcmp(region ? (c->region ? c->region : "") : c->province, v))
			return 1;
	}
	return 0;
}

static int validate(const struct pstat_query *q, char *err, size_t errsize)
{
	const struct report_query *b = &q->base;
	if (b->province[0] && !geo_known(b->province, 0))
		return snprintf(err, errsize, "unknown province '%.8s' (use the two-letter code, e.g. MI)", b->province), -1;
	if (b->region[0] && !geo_known(b->region, 1))
		return snprintf(err, errsize, "unknown region '%.48s'", b->region), -1;
	if (b->comune[0] && !comune_by_istat(b->comune))
		return snprintf(err, errsize, "unknown comune '%.8s' (use the 6-digit ISTAT code)", b->comune), -1;
	if (!q->n_measures) {
		snprintf(err, errsize, "no measure");
		return -1;
	}
	if (b->call[0]) {
		/* The placements are not read by call: a filter would be
		 * ignored and the table mislabelled. */
		snprintf(err, errsize, "placement measures have no call filter: they count every call's placements"
			 " (docs/reports.md)");
		return -1;
	}
	if (q->base.from[0] && !report_period_is_bucket(&q->base)) {
		snprintf(err, errsize, "period %s..%s is not one month, quarter or year (docs/reports.md)", q->base.from,
			 q->base.to);
		return -1;
	}
	if (has_dim(q, PSD_REASON)) {
		/* Field exclusion (docs/reports.md, "Issue 20", rule 4): a
		 * split of a comune's small count by reason would tell which
		 * parts are not zero. */
		if (has_dim(q, PSD_COMUNE) || q->base.comune[0]) {
			snprintf(err, errsize, "end_reason is not crossed with a comune: ask it by province, region or"
				 " for the whole network (docs/reports.md)");
			return -1;
		}
		for (int i = 0; i < q->n_measures; i++)
			if (q->measures[i] != PSM_DROPPED) {
				snprintf(err, errsize, "end_reason goes only with placements_dropped_out");
				return -1;
			}
	}
	return 0;
}

int pstat_run(struct store *db, const struct pstat_query *q, struct pstat_report *r, char *err, size_t errsize)
{
	struct walk w;
	memset(&w, 0, sizeof(w));
	w.r = r;
	w.unit = -1;
	w.comune_level = has_dim(q, PSD_COMUNE) || q->base.comune[0];
	w.leaves.q.n_dims = 2;
	w.leaves.q.dims[0] = PSD_COMUNE;
	w.leaves.q.dims[1] = PSD_MONTH;
	memset(r, 0, sizeof(*r));
	r->q = *q;
	if (validate(q, err, errsize))
		return -1;
	if (traineeship_stats_placements(db, placement_fact, &w) || w.failed ||
	    traineeship_stats_registers(db, register_fact, &w) || w.failed || leaves_publish(&w)) {
		snprintf(err, errsize, "cannot read the placements from the hub database");
		pstat_free(&w.leaves);
		return -1;
	}
	pstat_free(&w.leaves);
	for (size_t i = 0; i < r->n; i++)
		protect_row(r, &r->rows[i]);
	if (!q->n_dims && !r->n) {
		char *none[REPORT_MAX_DIMS] = { 0 };
		const char *nl[REPORT_MAX_DIMS] = { 0 };
		struct pstat_row *row = row_get(r, none, nl);
		if (row)
			protect_row(r, row);
	}
	drop_empty(r);
	qsort_r(r->rows, r->n, sizeof(*r->rows), row_cmp, &r->q);
	free(r->slots);
	r->slots = NULL;
	r->nslots = 0;
	return 0;
}

/* ---- output ---- */

void pstat_value_text(const struct pstat_row *row, int m, int comma, char *buf, size_t size)
{
	buf[0] = 0;
	switch (row->kind[m]) {
	case PSV_COUNT: snprintf(buf, size, "%lld", (long long)row->value[m]); break;
	case PSV_SUPPRESSED: str_copy(buf, size, "*"); break;
	case PSV_NUMBER:
		if (m == PSM_COMPLETION_RATE || m == PSM_ATTENDANCE)
			snprintf(buf, size, "%.3f", row->value[m]);
		else
			snprintf(buf, size, "%.0f", row->value[m]);
		if (comma && strchr(buf, '.'))
			*strchr(buf, '.') = ',';
		break;
	default: break;
	}
}

static int dim_has_label(int d)
{
	return d == PSD_PROVINCE || d == PSD_COMUNE || d == PSD_REASON;
}

char *pstat_csv(const struct pstat_report *r, int excel_it, size_t *len)
{
	int cols = r->q.n_measures;
	size_t cells;
	const char **grid;
	char *text, (*num)[32];
	for (int d = 0; d < r->q.n_dims; d++)
		cols += 1 + dim_has_label(r->q.dims[d]);
	cells = (r->n + 1) * (size_t)cols;
	grid = calloc(cells, sizeof(*grid));
	num = calloc(cells, sizeof(*num));
	if (!grid || !num) {
		free(grid);
		free(num);
		return NULL;
	}
	for (size_t i = 0; i <= r->n; i++) {
		const struct pstat_row *row = i ? &r->rows[i - 1] : NULL;
		size_t k = i * (size_t)cols;
		for (int d = 0; d < r->q.n_dims; d++) {
			int dim = r->q.dims[d];
			grid[k++] = row ? row->key[d] : dims[dim].name;
			if (dim_has_label(dim)) {
				if (!row)
					snprintf(num[k], sizeof(num[k]), "%s_label", dims[dim].name);
				grid[k] = row ? row->label[d] : num[k];
				k++;
			}
		}
		for (int m = 0; m < r->q.n_measures; m++, k++) {
			if (row)
				pstat_value_text(row, r->q.measures[m], excel_it, num[k], sizeof(num[k]));
			grid[k] = row ? num[k] : measures[r->q.measures[m]].name;
		}
	}
	text = report_csv_grid(grid, r->n + 1, cols, excel_it, len);
	free(grid);
	free(num);
	return text;
}

char *pstat_json(const struct pstat_report *r, size_t *len)
{
	json_t *root = json_object(), *rows = json_array(), *dl = json_array(), *ml = json_array();
	char *out;
	for (int d = 0; d < r->q.n_dims; d++)
		json_array_append_new(dl, json_string(dims[r->q.dims[d]].name));
	for (int m = 0; m < r->q.n_measures; m++)
		json_array_append_new(ml, json_string(measures[r->q.measures[m]].name));
	json_object_set_new(root, "dimensions", dl);
	json_object_set_new(root, "measures", ml);
	json_object_set_new(root, "protected", json_true());
	json_object_set_new(root, "method", json_string("cell key"));
	for (size_t i = 0; i < r->n; i++) {
		const struct pstat_row *row = &r->rows[i];
		json_t *o = json_object();
		for (int d = 0; d < r->q.n_dims; d++) {
			char name[64];
			json_object_set_new(o, dims[r->q.dims[d]].name, json_string(row->key[d]));
			if (dim_has_label(r->q.dims[d])) {
				snprintf(name, sizeof(name), "%s_label", dims[r->q.dims[d]].name);
				json_object_set_new(o, name, json_string(row->label[d]));
			}
		}
		for (int k = 0; k < r->q.n_measures; k++) {
			int m = r->q.measures[k];
			json_t *v = json_null();
			if (row->kind[m] == PSV_COUNT)
				v = json_integer((json_int_t)row->value[m]);
			else if (row->kind[m] == PSV_NUMBER) {
				char t[32];
				pstat_value_text(row, m, 0, t, sizeof(t));
				v = strchr(t, '.') ? json_real(atof(t)) : json_integer(atoll(t));
			}
			json_object_set_new(o, measures[m].name, v);
		}
		json_array_append_new(rows, o);
	}
	json_object_set_new(root, "rows", rows);
	out = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	json_decref(root);
	if (out && len)
		*len = strlen(out);
	return out;
}

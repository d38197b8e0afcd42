/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Statistical disclosure control: primary suppression, secondary
 * suppression across rows, columns and the comune -> province -> region
 * -> Italy hierarchy, and the proof: for each protected table, the
 * published cells and totals are turned into a linear system (built here
 * independently of reports/stats/sdc.c, one vector per published value over
 * the table's cells) and no suppressed cell or total may lie in the span
 * of the published vectors (a rank test by Gaussian elimination).
 */
#include "tests/unit/check.h"
#include "reports/stats/sdc.h"
#include "core/util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* The test's own geography: comune -> province -> region. */
static const char *const geo[][3] = {
	{ "C:a1", "P:A", "R:north" }, { "C:a2", "P:A", "R:north" }, { "C:a3", "P:A", "R:north" },
	{ "C:b1", "P:B", "R:north" }, { "C:b2", "P:B", "R:north" },
	{ "C:c1", "P:C", "R:south" }, { "C:c2", "P:C", "R:south" }, { "C:c3", "P:C", "R:south" },
	{ "C:d1", "P:D", "R:south" }, { "C:d2", "P:D", "R:south" },
};
enum { NGEO = 10 };

static int geo_parent(void *ctx, int dim, const char *key, char *buf, size_t size)
{
	int hier = *(int *)ctx;
	if (dim != 0 || !hier)
		return 1;
	for (int i = 0; i < NGEO; i++) {
		if (!strcmp(geo[i][0], key))
			return str_copy(buf, size, geo[i][1]) < size ? 0 : -1;
		if (!strcmp(geo[i][1], key))
			return str_copy(buf, size, geo[i][2]) < size ? 0 : -1;
	}
	return 1;
}

/* Is key (dim 0) equal to or below anc in the test's geography? */
static int under(int hier, int dim, const char *key, const char *anc)
{
	if (!anc[0] || !strcmp(key, anc))
		return 1;
	if (dim != 0 || !hier)
		return 0;
	for (int i = 0; i < NGEO; i++)
		if (!strcmp(geo[i][0], key))
			return !strcmp(geo[i][1], anc) || !strcmp(geo[i][2], anc);
	return 0;
}

/* Rank of the rows of m (r x c), destroyed. */
static int rank_of(double *m, int r, int c)
{
	int rank = 0;
	for (int col = 0; col < c && rank < r; col++) {
		int piv = -1;
		double best = 1e-9;
		for (int i = rank; i < r; i++)
			if (fabs(m[i * c + col]) > best)
				best = fabs(m[i * c + col]), piv = i;
		if (piv < 0)
			continue;
		for (int k = 0; k < c; k++) {
			double t = m[rank * c + k];
			m[rank * c + k] = m[piv * c + k];
			m[piv * c + k] = t;
		}
		for (int i = rank + 1; i < r; i++) {
			double f = m[i * c + col] / m[rank * c + col];
			for (int k = 0; k < c; k++)
				m[i * c + k] -= f * m[rank * c + k];
		}
		rank++;
	}
	return rank;
}

/*
 * The proof: returns how many suppressed values (cells or totals) are
 * determined by the published ones.
 */
static int determined_count(struct sdc_table *t, int hier)
{
	int nc = (int)t->n_cells, nd = t->n_dims, rows = 0, bad = 0, base;
	int maxrows = nc + (int)t->n_totals + 1;
	double *a = calloc((size_t)maxrows * (size_t)nc, sizeof(double));
	double *w = calloc((size_t)maxrows * (size_t)nc, sizeof(double));
	double *target = calloc((size_t)nc, sizeof(double));

	/* Published cells and totals, as indicator vectors over the cells. */
	for (int i = 0; i < nc; i++)
		if (t->state[i] == SDC_PUBLISHED)
			a[(size_t)rows++ * (size_t)nc + (size_t)i] = 1;
	for (size_t k = 0; k < t->n_totals; k++) {
		if (t->totals[k].state != SDC_PUBLISHED)
			continue;
		for (int i = 0; i < nc; i++) {
			int in = 1;
			for (int j = 0; j < nd; j++)
				in &= under(hier, j, t->keys[i * nd + j], t->totals[k].keys[j]);
			a[(size_t)rows * (size_t)nc + (size_t)i] = in;
		}
		rows++;
	}
	memcpy(w, a, (size_t)rows * (size_t)nc * sizeof(double));
	base = rank_of(w, rows, nc);
	/* Each suppressed cell, then each suppressed total. */
	for (size_t k = 0; k < t->n_cells + t->n_totals; k++) {
		if (k < t->n_cells) {
			if (t->state[k] == SDC_PUBLISHED)
				continue;
			memset(target, 0, (size_t)nc * sizeof(double));
			target[k] = 1;
		} else {
			const struct sdc_total *tt = &t->totals[k - t->n_cells];
			if (tt->state == SDC_PUBLISHED)
				continue;
			for (int i = 0; i < nc; i++) {
				int in = 1;
				for (int j = 0; j < nd; j++)
					in &= under(hier, j, t->keys[i * nd + j], tt->keys[j]);
				target[i] = in;
			}
		}
		memcpy(w, a, (size_t)rows * (size_t)nc * sizeof(double));
		memcpy(w + (size_t)rows * (size_t)nc, target, (size_t)nc * sizeof(double));
		if (rank_of(w, rows + 1, nc) == base)
			bad++;
	}
	free(a);
	free(w);
	free(target);
	return bad;
}

struct grid {
	const char *keys[NGEO * 8 * 2];
	int64_t values[NGEO * 8];
	unsigned char state[NGEO * 8];
	char colname[8][8];
};

static void grid_table(struct grid *g, struct sdc_table *t, int rowsn, int cols, int *hier)
{
	for (int c = 0; c < cols; c++)
		snprintf(g->colname[c], sizeof(g->colname[c]), "m%02d", c + 1);
	for (int r = 0; r < rowsn; r++)
		for (int c = 0; c < cols; c++) {
			g->keys[(r * cols + c) * 2] = geo[r][0];
			g->keys[(r * cols + c) * 2 + 1] = g->colname[c];
		}
	memset(t, 0, sizeof(*t));
	t->n_dims = 2;
	t->n_cells = (size_t)(rowsn * cols);
	t->keys = g->keys;
	t->values = g->values;
	t->state = g->state;
	t->parent = geo_parent;
	t->ctx = hier;
	t->min_count = 5;
	t->want_totals = 1;
}

int main(void)
{
	struct grid g;
	struct sdc_table t;
	struct sdc_result res;
	int flat = 0, hier = 1;

	util_quiet(1);
	/* Primary: 1..4 suppressed, 0 and >= 5 published. */
	{
		static const char *const k[] = { "x0", "x1", "x4", "x5", "x9" };
		int64_t v[] = { 0, 1, 4, 5, 9 };
		unsigned char st[5];
		struct sdc_table one = { 1, 5, k, v, NULL, NULL, 5, st, 0, NULL, 0 };
		CHECK("sdc primary runs", sdc_protect(&one, &res) == 0);
		CHECK("sdc zero is published", st[0] == SDC_PUBLISHED);
		CHECK("sdc one is suppressed", st[1] == SDC_PRIMARY);
		CHECK("sdc four is suppressed", st[2] == SDC_PRIMARY);
		CHECK("sdc five is published", st[3] == SDC_PUBLISHED);
		CHECK_INT("sdc primary count", res.primary, 2);
	}
	CHECK_INT("sdc min count default", sdc_min_count(0), 5);
	CHECK_INT("sdc min count never below 3", sdc_min_count(2), 3);
	CHECK_INT("sdc min count raised", sdc_min_count(10), 10);
	{
		static const char *const k[] = { "a", "b", "c" };
		int64_t v[] = { 2, 3, 20 };
		unsigned char st[3];
		struct sdc_table one = { 1, 3, k, v, NULL, NULL, 1, st, 0, NULL, 0 };
		sdc_protect(&one, &res);
		CHECK("sdc min_count 1 acts as 3: 2 suppressed", st[0] != SDC_PUBLISHED);
		CHECK("sdc min_count 1 acts as 3: 3 published or secondary", st[1] != SDC_PRIMARY);
	}
	/* Secondary in a row: one small cell among large ones. */
	grid_table(&g, &t, 2, 4, &flat);
	{
		int64_t v[] = { 3, 40, 50, 60, 30, 41, 52, 61 };
		memcpy(g.values, v, sizeof(v));
	}
	CHECK("sdc row table runs", sdc_protect(&t, &res) == 0);
	CHECK("sdc small cell primary", g.state[0] == SDC_PRIMARY);
	CHECK("sdc a second cell in its row is suppressed",
	      g.state[1] || g.state[2] || g.state[3]);
	CHECK("sdc a second cell in its column is suppressed", g.state[4] != SDC_PUBLISHED);
	CHECK_INT("sdc row table: nothing determined (rank test)", determined_count(&t, flat), 0);
	sdc_totals_free(&t);

	/* Hierarchy: comuni x 4 months, with province and region totals. */
	grid_table(&g, &t, NGEO, 4, &hier);
	for (int i = 0; i < NGEO * 4; i++)
		g.values[i] = (i * 7) % 11 == 0 ? 0 : (i % 5 == 1 ? 2 : 6 + (i * 13) % 30);
	CHECK("sdc hierarchy table runs", sdc_protect(&t, &res) == 0);
	CHECK("sdc hierarchy has secondary suppressions", res.secondary > 0);
	CHECK_INT("sdc hierarchy: exact test covered everything", res.unverified, 0);
	CHECK_INT("sdc hierarchy: nothing determined (rank test)", determined_count(&t, hier), 0);
	/* The same table without secondary suppression leaks: the rank test
	 * itself can fail. */
	{
		unsigned char keep[NGEO * 4];
		memcpy(keep, g.state, sizeof(keep));
		for (int i = 0; i < NGEO * 4; i++)
			if (g.state[i] == SDC_SECONDARY)
				g.state[i] = SDC_PUBLISHED;
		CHECK("sdc rank test detects a primary-only table", determined_count(&t, hier) > 0);
		memcpy(g.state, keep, sizeof(keep));
	}
	/* A lone small comune in a province: its province total is small. */
	sdc_totals_free(&t);
	for (int i = 0; i < NGEO * 4; i++)
		g.values[i] = 20 + i;
	g.values[3 * 4 + 0] = 1;		/* C:b1 m01 */
	g.values[4 * 4 + 0] = 0;		/* C:b2 m01: P:B m01 total is 1 */
	CHECK("sdc lone small cell runs", sdc_protect(&t, &res) == 0);
	CHECK("sdc lone small cell suppressed", g.state[12] == SDC_PRIMARY);
	CHECK_INT("sdc lone small cell: nothing determined (rank test)", determined_count(&t, hier), 0);
	sdc_totals_free(&t);

	/* Random tables: many seeds, every one proven. */
	{
		int bad = 0, runs = 0, supp = 0;
		uint32_t seed = 7;
		for (int s = 0; s < 40; s++) {
			int rowsn = 4 + s % 7, cols = 2 + s % 6;
			grid_table(&g, &t, rowsn, cols, (s & 1) ? &hier : &flat);
			for (int i = 0; i < rowsn * cols; i++) {
				seed = seed * 1664525u + 1013904223u;
				g.values[i] = (seed >> 24) % 4 == 0 ? (seed >> 10) % 5 : 5 + (seed >> 12) % 40;
			}
			if (sdc_protect(&t, &res) == 0) {
				runs++;
				supp += (int)(res.primary + res.secondary);
				bad += determined_count(&t, (s & 1) ? hier : flat) > 0;
				bad += res.exposed > 0;
			}
			sdc_totals_free(&t);
		}
		CHECK_INT("sdc random tables all protected", runs, 40);
		CHECK("sdc random tables had suppressions", supp > 40);
		CHECK_INT("sdc random tables: nothing determined (rank test)", bad, 0);
	}
	/* Bad input. */
	{
		unsigned char st[1];
		struct sdc_table none = { 0, 0, NULL, NULL, NULL, NULL, 5, st, 0, NULL, 0 };
		CHECK("sdc zero dimensions refused", sdc_protect(&none, &res) < 0);
	}
	return check_done();
}

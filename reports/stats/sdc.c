/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Statistical disclosure control (see sdc.h). Start reading at
 * sdc_protect(): it builds the lattice of the table and all its totals,
 * applies primary suppression, then alternates a cheap rule (a sum
 * relation with exactly one unknown gives it away) with the exact rank
 * test until no suppressed value is determined.
 */
#include "reports/stats/sdc.h"
#include "core/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct dim {
	char **names;
	int *parent;		/* -1 for the total (id 0) */
	int n, cap;
	int *slots;		/* hash: id + 1, 0 empty */
	int nslots;
};

struct node {
	int c[SDC_MAX_DIMS];
	int64_t value;
	long cell;		/* index in the table, -1 for a total */
	unsigned char state;
};

struct eq {
	int parent;		/* node */
	int first;		/* first member in member list, -1 none */
};

struct lattice {
	int nd;
	struct dim dims[SDC_MAX_DIMS];
	struct node *nodes;
	int n, cap;
	int *slots;
	int nslots;
	int *eq_of;		/* node * nd + j -> equation, -1 */
	struct eq *eqs;
	int neq;
	int *mnode, *mnext;	/* members */
	int nmem;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static uint64_t hash_tuple(const int *c, int nd)
{
	uint64_t h = 1469598103934665603ull;
	for (int j = 0; j < nd; j++)
		h = (h ^ (uint64_t)(unsigned)c[j]) * 1099511628211ull;
	return h ^ (h >> 29);
}

static int dim_find(struct dim *d, const char *name)
{
	uint64_t h = hash_str(name);
	for (int i = (int)(h & (uint64_t)(d->nslots - 1));; i = (i + 1) & (d->nslots - 1)) {
		int id = d->slots[i] - 1;
		if (id < 0)
			return -1 - i;
		if (!strcmp(d->names[id], name))
			return id;
	}
}

static int dim_add(struct dim *d, const char *name, int parent);

/* The id of name in dimension j, creating it (and its ancestors). */
static int dim_intern(struct lattice *l, struct sdc_table *t, int j, const char *name, int depth)
{
	struct dim *d = &l->dims[j];
	char buf[256];
	int id = dim_find(d, name), parent = 0, r;

	if (id >= 0)
		return id;
	if (depth > 16)
		return error("sdc: hierarchy too deep at '%s'", name);
	r = t->parent ? t->parent(t->ctx, j, name, buf, sizeof(buf)) : 1;
	if (r < 0)
		return error("sdc: bad parent for '%s'", name);
	if (r == 0) {
		parent = dim_intern(l, t, j, buf, depth + 1);
		if (parent < 0)
			return -1;
	}
	return dim_add(d, name, parent);
}

static int dim_add(struct dim *d, const char *name, int parent)
{
	int slot;

	if (d->n == d->cap) {
		int cap = d->cap ? d->cap * 2 : 64;
		char **nn = realloc(d->names, (size_t)cap * sizeof(*nn));
		int *np = nn ? realloc(d->parent, (size_t)cap * sizeof(*np)) : NULL;
		if (nn)
			d->names = nn;
		if (!np)
			return error("sdc: out of memory");
		d->parent = np;
		d->cap = cap;
	}
	if ((d->n + 1) * 2 > d->nslots) {
		int ns = d->nslots ? d->nslots * 2 : 128;
		int *s = calloc((size_t)ns, sizeof(*s));
		if (!s)
			return error("sdc: out of memory");
		free(d->slots);
		d->slots = s;
		d->nslots = ns;
		for (int i = 0; i < d->n; i++) {
			int k = (int)(hash_str(d->names[i]) & (uint64_t)(ns - 1));
			while (s[k])
				k = (k + 1) & (ns - 1);
			s[k] = i + 1;
		}
	}
	slot = -1 - dim_find(d, name);
	d->names[d->n] = strdup(name);
	if (!d->names[d->n])
		return error("sdc: out of memory");
	d->parent[d->n] = parent;
	d->slots[slot] = d->n + 1;
	return d->n++;
}

static int node_find(struct lattice *l, const int *c, int *slot)
{
	uint64_t h = hash_tuple(c, l->nd);
	for (int i = (int)(h & (uint64_t)(l->nslots - 1));; i = (i + 1) & (l->nslots - 1)) {
		int id = l->slots[i] - 1;
		if (id < 0) {
			*slot = i;
			return -1;
		}
		if (!memcmp(l->nodes[id].c, c, sizeof(int) * (size_t)l->nd))
			return id;
	}
}

static int node_get(struct lattice *l, const int *c)
{
	int slot, id = l->nslots ? node_find(l, c, &slot) : -1;

	if (id >= 0)
		return id;
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 1024;
		struct node *nn = realloc(l->nodes, (size_t)cap * sizeof(*nn));
		if (!nn)
			return error("sdc: out of memory");
		l->nodes = nn;
		l->cap = cap;
	}
	if ((l->n + 1) * 2 > l->nslots) {
		int ns = l->nslots ? l->nslots * 2 : 4096;
		int *s = calloc((size_t)ns, sizeof(*s));
		if (!s)
			return error("sdc: out of memory");
		free(l->slots);
		l->slots = s;
		l->nslots = ns;
		for (int i = 0; i < l->n; i++) {
			int k = (int)(hash_tuple(l->nodes[i].c, l->nd) & (uint64_t)(ns - 1));
			while (s[k])
				k = (k + 1) & (ns - 1);
			s[k] = i + 1;
		}
	}
	node_find(l, c, &slot);
	memset(&l->nodes[l->n], 0, sizeof(l->nodes[l->n]));
	memcpy(l->nodes[l->n].c, c, sizeof(int) * (size_t)l->nd);
	l->nodes[l->n].cell = -1;
	l->slots[slot] = l->n + 1;
	return l->n++;
}

static void lattice_free(struct lattice *l)
{
	for (int j = 0; j < SDC_MAX_DIMS; j++) {
		for (int i = 0; i < l->dims[j].n; i++)
			free(l->dims[j].names[i]);
		free(l->dims[j].names);
		free(l->dims[j].parent);
		free(l->dims[j].slots);
	}
	free(l->nodes);
	free(l->slots);
	free(l->eq_of);
	free(l->eqs);
	free(l->mnode);
	free(l->mnext);
}

/* Adds every cell and all its totals to the lattice. */
static int lattice_build(struct lattice *l, struct sdc_table *t)
{
	int chain[SDC_MAX_DIMS][20], len[SDC_MAX_DIMS], idx[SDC_MAX_DIMS], c[SDC_MAX_DIMS];

	for (int j = 0; j < l->nd; j++)
		if (dim_add(&l->dims[j], "", -1) != 0)
			return -1;
	for (size_t i = 0; i < t->n_cells; i++) {
		int leaf;
		for (int j = 0; j < l->nd; j++) {
			int id = dim_intern(l, t, j, t->keys[i * (size_t)l->nd + (size_t)j], 0);
			if (id < 0)
				return -1;
			len[j] = 0;
			for (; id >= 0 && len[j] < 20; id = l->dims[j].parent[id])
				chain[j][len[j]++] = id;
			idx[j] = 0;
		}
		for (;;) {
			int id;
			for (int j = 0; j < l->nd; j++)
				c[j] = chain[j][idx[j]];
			id = node_get(l, c);
			if (id < 0)
				return -1;
			l->nodes[id].value += t->values[i];
			int j = 0;
			while (j < l->nd && ++idx[j] == len[j])
				idx[j++] = 0;
			if (j == l->nd)
				break;
		}
		for (int j = 0; j < l->nd; j++)
			c[j] = chain[j][0];
		leaf = node_get(l, c);
		if (l->nodes[leaf].cell >= 0)
			return error("sdc: two cells with the same keys");
		l->nodes[leaf].cell = (long)i;
	}
	return 0;
}

/* Each total, for each dimension aggregated in it, equals the sum of the
 * nodes one level down in that dimension. */
static int equations_build(struct lattice *l)
{
	int nd = l->nd, c[SDC_MAX_DIMS];

	l->eq_of = malloc((size_t)l->n * (size_t)nd * sizeof(int));
	l->eqs = malloc((size_t)l->n * (size_t)nd * sizeof(struct eq));
	l->mnode = malloc((size_t)l->n * (size_t)nd * sizeof(int));
	l->mnext = malloc((size_t)l->n * (size_t)nd * sizeof(int));
	if (!l->eq_of || !l->eqs || !l->mnode || !l->mnext)
		return error("sdc: out of memory");
	memset(l->eq_of, 0xff, (size_t)l->n * (size_t)nd * sizeof(int));
	for (int i = 0; i < l->n; i++)
		for (int j = 0; j < nd; j++) {
			int p, slot, e;
			if (l->nodes[i].c[j] == 0)
				continue;
			memcpy(c, l->nodes[i].c, sizeof(int) * (size_t)nd);
			c[j] = l->dims[j].parent[c[j]];
			p = node_find(l, c, &slot);
			if (p < 0)
				return error("sdc: lattice is missing a total");
			e = l->eq_of[p * nd + j];
			if (e < 0) {
				e = l->neq++;
				l->eq_of[p * nd + j] = e;
				l->eqs[e].parent = p;
				l->eqs[e].first = -1;
			}
			l->mnode[l->nmem] = i;
			l->mnext[l->nmem] = l->eqs[e].first;
			l->eqs[e].first = l->nmem++;
		}
	return 0;
}

static int eq_vars(struct lattice *l, int e)
{
	int n = l->nodes[l->eqs[e].parent].state != 0;
	for (int m = l->eqs[e].first; m >= 0; m = l->mnext[m])
		n += l->nodes[l->mnode[m]].state != 0;
	return n;
}

/* Ranks a published term as a candidate for secondary suppression:
 * lower is better. Cells before totals, positive before zero, small
 * before large; the relation's own total last. */
static int64_t cand_score(struct lattice *l, int id, int is_parent)
{
	const struct node *nd = &l->nodes[id];
	int64_t s = nd->value > 0 ? nd->value : INT64_C(1) << 40;
	if (nd->cell < 0)
		s += INT64_C(1) << 44;
	if (is_parent)
		s += INT64_C(1) << 48;
	return s;
}

/* Suppresses the best published term of equation e; 0 or -1 if none. */
static int eq_suppress_one(struct lattice *l, int e)
{
	int best = -1;
	int64_t bs = INT64_MAX;

	if (l->nodes[l->eqs[e].parent].state == 0) {
		best = l->eqs[e].parent;
		bs = cand_score(l, best, 1);
	}
	for (int m = l->eqs[e].first; m >= 0; m = l->mnext[m]) {
		int id = l->mnode[m];
		int64_t s;
		if (l->nodes[id].state)
			continue;
		s = cand_score(l, id, 0);
		if (s < bs || (s == bs && id < best)) {
			bs = s;
			best = id;
		}
	}
	if (best < 0)
		return -1;
	l->nodes[best].state = SDC_SECONDARY;
	return 0;
}

/* The cheap rule until stable: no relation with exactly one unknown. */
static int singleton_pass(struct lattice *l)
{
	int changed, total = 0;
	do {
		changed = 0;
		for (int e = 0; e < l->neq; e++)
			if (eq_vars(l, e) == 1 && eq_suppress_one(l, e) == 0)
				changed = 1, total++;
	} while (changed);
	return total;
}

static int uf_find(int *p, int x)
{
	while (p[x] != x)
		x = p[x] = p[p[x]];
	return x;
}

/*
 * The exact test: returns the number of suppressed values determined by
 * the published ones; writes their node ids to det (room for l->n).
 * *unverified counts values in components above SDC_EXACT_MAX.
 */
static int exact_pass(struct lattice *l, int *det, size_t *unverified)
{
	int *var = malloc((size_t)l->n * sizeof(int)), *uf = NULL, *cols = NULL, *rows = NULL;
	int nv = 0, ndet = 0;
	double *a = NULL;

	*unverified = 0;
	if (!var)
		return error("sdc: out of memory");
	for (int i = 0; i < l->n; i++)
		var[i] = l->nodes[i].state ? nv++ : -1;
	uf = malloc((size_t)(nv + 1) * sizeof(int));
	cols = malloc((size_t)(nv + 1) * sizeof(int));
	rows = malloc((size_t)(l->neq + 1) * sizeof(int));
	if (!uf || !cols || !rows) {
		ndet = error("sdc: out of memory");
		goto out;
	}
	for (int i = 0; i < nv; i++)
		uf[i] = i;
	for (int e = 0; e < l->neq; e++) {
		int first = var[l->eqs[e].parent];
		for (int m = l->eqs[e].first; m >= 0; m = l->mnext[m]) {
			int v = var[l->mnode[m]];
			if (v < 0)
				continue;
			if (first < 0)
				first = v;
			else
				uf[uf_find(uf, v)] = uf_find(uf, first);
		}
	}
	/* One component at a time. */
	for (int root = 0; root < nv; root++) {
		int ncol = 0, nrow = 0, r = 0;
		if (uf_find(uf, root) != root)
			continue;
		for (int i = 0; i < l->n; i++)
			if (var[i] >= 0 && uf_find(uf, var[i]) == root)
				cols[ncol++] = i;
		if (ncol > SDC_EXACT_MAX) {
			*unverified += (size_t)ncol;
			continue;
		}
		for (int e = 0; e < l->neq; e++) {
			int p = l->eqs[e].parent, any = var[p] >= 0 && uf_find(uf, var[p]) == root;
			for (int m = l->eqs[e].first; m >= 0 && !any; m = l->mnext[m])
				any = var[l->mnode[m]] >= 0 && uf_find(uf, var[l->mnode[m]]) == root;
			if (any)
				rows[nrow++] = e;
		}
		free(a);
		a = calloc((size_t)nrow * (size_t)ncol + 1, sizeof(double));
		if (!a) {
			ndet = error("sdc: out of memory");
			goto out;
		}
		/* Column k of node cols[k]: map through a small search. */
		for (int i = 0; i < nrow; i++) {
			int e = rows[i], p = l->eqs[e].parent;
			int k;
			if (var[p] >= 0) {
				for (k = 0; cols[k] != p; k++)
					;
				a[(size_t)i * ncol + k] += 1;
			}
			for (int m = l->eqs[e].first; m >= 0; m = l->mnext[m]) {
				int id = l->mnode[m];
				if (var[id] < 0)
					continue;
				for (k = 0; cols[k] != id; k++)
					;
				a[(size_t)i * ncol + k] -= 1;
			}
		}
		/* Reduced row echelon form. */
		for (int col = 0; col < ncol && r < nrow; col++) {
			int piv = -1;
			double best = 1e-9;
			for (int i = r; i < nrow; i++)
				if (fabs(a[(size_t)i * ncol + col]) > best) {
					best = fabs(a[(size_t)i * ncol + col]);
					piv = i;
				}
			if (piv < 0)
				continue;
			if (piv != r)
				for (int k = 0; k < ncol; k++) {
					double tmp = a[(size_t)r * ncol + k];
					a[(size_t)r * ncol + k] = a[(size_t)piv * ncol + k];
					a[(size_t)piv * ncol + k] = tmp;
				}
			double pv = a[(size_t)r * ncol + col];
			for (int k = 0; k < ncol; k++)
				a[(size_t)r * ncol + k] /= pv;
			for (int i = 0; i < nrow; i++) {
				double f = a[(size_t)i * ncol + col];
				if (i == r || fabs(f) < 1e-12)
					continue;
				for (int k = 0; k < ncol; k++)
					a[(size_t)i * ncol + k] -= f * a[(size_t)r * ncol + k];
			}
			r++;
		}
		/* A row with a single non-zero fixes that unknown. */
		for (int i = 0; i < r; i++) {
			int nz = 0, at = -1;
			for (int k = 0; k < ncol; k++)
				if (fabs(a[(size_t)i * ncol + k]) > 1e-9)
					nz++, at = k;
			if (nz == 1)
				det[ndet++] = cols[at];
		}
	}
out:
	free(a);
	free(var);
	free(uf);
	free(cols);
	free(rows);
	return ndet;
}

/* The totals and their names outlive the lattice: one block holds the
 * array and every name. */
static int totals_copy(struct lattice *l, struct sdc_table *t)
{
	size_t n = 0, bytes = 0;
	char *p;

	for (int i = 0; i < l->n; i++)
		if (l->nodes[i].cell < 0) {
			n++;
			for (int j = 0; j < l->nd; j++)
				bytes += strlen(l->dims[j].names[l->nodes[i].c[j]]) + 1;
		}
	t->totals = malloc(n * sizeof(struct sdc_total) + bytes + 1);
	if (!t->totals)
		return error("sdc: out of memory");
	p = (char *)(t->totals + n);
	t->n_totals = 0;
	for (int i = 0; i < l->n; i++) {
		struct sdc_total *tt;
		if (l->nodes[i].cell >= 0)
			continue;
		tt = &t->totals[t->n_totals++];
		memset(tt, 0, sizeof(*tt));
		for (int j = 0; j < l->nd; j++) {
			const char *name = l->dims[j].names[l->nodes[i].c[j]];
			size_t len = strlen(name) + 1;
			memcpy(p, name, len);
			tt->keys[j] = p;
			p += len;
		}
		tt->value = l->nodes[i].value;
		tt->state = l->nodes[i].state;
	}
	return 0;
}

void sdc_totals_free(struct sdc_table *t)
{
	free(t->totals);
	t->totals = NULL;
	t->n_totals = 0;
}

int sdc_min_count(int requested)
{
	if (requested <= 0)
		return SDC_MIN_COUNT;
	return requested < SDC_LEGAL_MIN ? SDC_LEGAL_MIN : requested;
}

int sdc_protect(struct sdc_table *t, struct sdc_result *res)
{
	struct lattice l;
	int min = sdc_min_count(t->min_count), rc = -1;
	int *det = NULL;

	memset(&l, 0, sizeof(l));
	memset(res, 0, sizeof(*res));
	if (t->n_dims < 1 || t->n_dims > SDC_MAX_DIMS)
		return error("sdc: a table needs 1 to %d dimensions", SDC_MAX_DIMS);
	l.nd = t->n_dims;
	if (lattice_build(&l, t) || equations_build(&l))
		goto out;
	for (int i = 0; i < l.n; i++)
		if (l.nodes[i].value > 0 && l.nodes[i].value < min)
			l.nodes[i].state = SDC_PRIMARY;
	det = malloc((size_t)l.n * sizeof(int) + 1);
	if (!det) {
		error("sdc: out of memory");
		goto out;
	}
	for (int round = 0; round < 1000; round++) {
		size_t unverified;
		int ndet, progress = 0;

		singleton_pass(&l);
		ndet = exact_pass(&l, det, &unverified);
		if (ndet < 0)
			goto out;
		res->unverified = unverified;
		res->exposed = (size_t)ndet;
		if (!ndet)
			break;
		/* Break each determined value's cheapest relation. */
		for (int k = 0; k < ndet; k++) {
			int v = det[k], best = -1, bn = 1 << 30;
			for (int j = 0; j < l.nd; j++) {
				int c[SDC_MAX_DIMS], slot, p, e;
				e = l.eq_of[v * l.nd + j];
				if (e >= 0 && eq_vars(&l, e) < bn)
					best = e, bn = eq_vars(&l, e);
				if (!l.nodes[v].c[j])
					continue;
				memcpy(c, l.nodes[v].c, sizeof(c));
				c[j] = l.dims[j].parent[c[j]];
				p = node_find(&l, c, &slot);
				e = p >= 0 ? l.eq_of[p * l.nd + j] : -1;
				if (e >= 0 && eq_vars(&l, e) < bn)
					best = e, bn = eq_vars(&l, e);
			}
			if (best >= 0 && eq_suppress_one(&l, best) == 0)
				progress = 1;
		}
		if (!progress)
			break;
	}
	for (int i = 0; i < l.n; i++) {
		const struct node *nd = &l.nodes[i];
		if (nd->cell >= 0) {
			t->state[nd->cell] = nd->state;
			if (nd->state == SDC_PRIMARY)
				res->primary++;
			else if (nd->state == SDC_SECONDARY)
				res->secondary++;
		} else if (nd->state) {
			res->totals_suppressed++;
		}
	}
	if (t->want_totals && totals_copy(&l, t))
		goto out;
	rc = 0;
out:
	free(det);
	lattice_free(&l);
	return rc;
}

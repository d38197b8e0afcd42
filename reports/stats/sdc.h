/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Statistical disclosure control for published tables of counts.
 *
 * A table is a set of cells over n dimensions; each dimension may have a
 * hierarchy (comune -> province -> region -> Italy, month -> quarter ->
 * year) given by a parent callback. The table is protected together with
 * every total it implies (all margins at every level of every hierarchy,
 * the "lattice"), because those totals can be published by other reports:
 *   - primary suppression: every cell or total from 1 to min_count - 1;
 *   - secondary suppression: more cells (then totals) until no suppressed
 *     value can be computed from the published ones. This is checked
 *     exactly: the published values and the lattice's sum relations form
 *     a linear system, and a suppressed value is safe when it is not
 *     determined by it (Gaussian elimination per connected component).
 * Choices are deterministic (the smallest published term of a relation),
 * so two reports over the same data suppress the same totals.
 */
#ifndef DOTE_REPORTS_SDC_H
#define DOTE_REPORTS_SDC_H
#include <stddef.h>
#include <stdint.h>

enum {
	SDC_MAX_DIMS = 6,
	SDC_MIN_COUNT = 5,	/* default threshold */
	SDC_LEGAL_MIN = 3,	/* never below: the Italian statistical system's minimum */
	SDC_EXACT_MAX = 1200,	/* largest component solved exactly */
};

enum sdc_state {
	SDC_PUBLISHED = 0,
	SDC_PRIMARY = 1,	/* 1 .. min_count-1 */
	SDC_SECONDARY = 2,	/* would let a suppressed value be recomputed */
};

/*
 * Parent of key in dimension dim, written to buf: returns 0 when there is
 * one, 1 when the parent is the grand total, -1 when buf is too small.
 * Keys at different levels must differ ('C:015146', 'P:MI', 'R:Lombardia').
 */
typedef int (*sdc_parent_fn)(void *ctx, int dim, const char *key, char *buf, size_t size);

struct sdc_total;

struct sdc_table {
	int n_dims;
	size_t n_cells;
	const char *const *keys;	/* n_cells * n_dims: cell i, dim j at keys[i * n_dims + j] */
	const int64_t *values;		/* n_cells counts (>= 0) */
	sdc_parent_fn parent;		/* NULL: every dimension is flat */
	void *ctx;
	int min_count;			/* < SDC_LEGAL_MIN is raised to it */
	unsigned char *state;		/* out: n_cells enum sdc_state */
	/* out, optional (want_totals): every total of the lattice with its
	 * keys ("" where a dimension is summed over), value and state;
	 * free with sdc_totals_free(). */
	int want_totals;
	struct sdc_total *totals;
	size_t n_totals;
};

struct sdc_total {
	const char *keys[SDC_MAX_DIMS];	/* point into the table's storage until sdc_totals_free */
	int64_t value;
	unsigned char state;
};

struct sdc_result {
	size_t primary;			/* cells suppressed as small */
	size_t secondary;		/* cells suppressed to protect others */
	size_t totals_suppressed;	/* totals (margins) suppressed */
	size_t unverified;		/* suppressed values in components too big to solve exactly */
	size_t exposed;			/* suppressed values still determined (no cell left to suppress) */
};

/* Protects t: fills t->state. Returns 0, or -1 (after error()) when out
 * of memory or the table is malformed. */
int sdc_protect(struct sdc_table *t, struct sdc_result *res);

void sdc_totals_free(struct sdc_table *t);

/* The threshold actually used for a requested min_count. */
int sdc_min_count(int requested);
#endif

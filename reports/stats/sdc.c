/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The cell key method (see sdc.h and docs/reports.md): the perturbation
 * table that turns a true count and its cell's key into the published
 * count. The record keys the cell keys sum are storage
 * (reports/store/sdc_keys.c). Start reading at sdc_perturb().
 */
#include "reports/stats/sdc.h"

#include <stdlib.h>
#include <string.h>

/*
 * The p-table. A row gives, for a true count, the published values (or
 * changes) and their cumulative probabilities in 1/100; the cell key
 * picks one uniformly.
 *  - 1-4: one row for all four, 0 or 5 with even odds. A published 0 or
 *    5 says nothing about which of 1-4 the count is, so combining many
 *    tables cannot average it out (with an unbiased row, 5 with
 *    probability n/5, the attack suite's least squares got half the
 *    small cells right).
 *  - 5 and up: the count plus a change from -4 to +4 (mean 0, variance
 *    2.32), never below 5. With -2..+2 the attack suite's linear
 *    program, intersecting the ranges of month, quarter, call and year
 *    totals, pinned about one small cell in a hundred to its true value.
 *  - 5 to 8 are also published as 0, with probability 4%: otherwise a
 *    published 0 would cap a cell at 4, and that cap, met by a lower
 *    bound from a quarter or call total, still pinned a count of 4 now
 *    and then.
 * Probabilities are in 1/1000.
 */
struct prow {
	int dev[9];		/* published value - true count; for 1-4 the value itself */
	int cum[9];		/* cumulative percent, last = 100 */
	int k;
};

enum { PT_SCALE = 1000, ZERO_UPTO = 8, ZERO_PM = 40 };
static const struct prow small_row = { { 0, 5 }, { 500, 1000 }, 2 };
static const struct prow big_row = { { -4, -3, -2, -1, 0, 1, 2, 3, 4 },
				     { 20, 60, 140, 300, 700, 860, 940, 980, 1000 }, 9 };

/* A fixed mix of the cell key and the measure (splitmix64's finaliser):
 * the key is already secret and uniform, the mix only decorrelates the
 * measures of one cell. */
static uint32_t mix(uint32_t ckey, int salt)
{
	uint64_t z = ((uint64_t)ckey << 8 | (uint64_t)(salt & 0xff)) + 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static int64_t value_of(int64_t n, const struct prow *r, int i)
{
	int64_t v;

	if (n <= 4)
		return r->dev[i];
	v = n + r->dev[i];
	return v < SDC_MIN_COUNT ? SDC_MIN_COUNT : v;
}

int64_t sdc_perturb(int64_t n, uint64_t ckey, int salt)
{
	const struct prow *r;
	uint64_t pick;
	int i;

	if (n <= 0)
		return 0;	/* zeros stay zero (docs/reports.md: what a 0 says) */
	r = n <= 4 ? &small_row : &big_row;
	/* pick in [0, 1000): the top of a uniform 32-bit value. */
	pick = ((uint64_t)mix((uint32_t)ckey, salt) * PT_SCALE) >> 32;
	if (n >= SDC_MIN_COUNT && n <= ZERO_UPTO) {
		if (pick < ZERO_PM)
			return 0;
		pick = (pick - ZERO_PM) * PT_SCALE / (PT_SCALE - ZERO_PM);
	}
	for (i = 0; i < r->k - 1 && pick >= (uint64_t)r->cum[i]; i++)
		;
	return value_of(n, r, i);
}

double sdc_average(int64_t total, int64_t n_true, int64_t n_pub, uint64_t ckey, int salt, int64_t min_n)
{
	uint64_t pick;
	int64_t unit, noisy;
	int i;

	if (n_true < min_n || n_pub < min_n || n_true <= 0 || n_pub <= 0)
		return -1;
	unit = (total + n_true / 2) / n_true;	/* the average, whole */
	if (unit < 1)
		unit = 1;
	pick = ((uint64_t)mix((uint32_t)ckey, salt) * PT_SCALE) >> 32;
	for (i = 0; i < big_row.k - 1 && pick >= (uint64_t)big_row.cum[i]; i++)
		;
	noisy = total + big_row.dev[i] * unit;
	if (noisy < 0)
		noisy = 0;
	/* Rounded to one decimal: (10 * noisy / n_pub) to the nearest. */
	return (double)((20 * noisy + n_pub) / (2 * n_pub)) / 10.0;
}

int sdc_ptable_row(int64_t n, int64_t *vals, int *pm, int max)
{
	const struct prow *r;
	int k = 0, scale = PT_SCALE;

	if (n <= 0) {
		if (max > 0) {
			vals[0] = 0;
			pm[0] = PT_SCALE;
			return 1;
		}
		return 0;
	}
	r = n <= 4 ? &small_row : &big_row;
	if (n >= SDC_MIN_COUNT && n <= ZERO_UPTO && max > 0) {
		vals[k] = 0;
		pm[k++] = ZERO_PM;
		scale = PT_SCALE - ZERO_PM;
	}
	for (int i = 0; i < r->k; i++) {
		int64_t v = value_of(n, r, i);
		int p = (r->cum[i] - (i ? r->cum[i - 1] : 0)) * scale / PT_SCALE;
		if (k > 0 && vals[k - 1] == v) {
			pm[k - 1] += p;	/* raised to 5: one value */
			continue;
		}
		if (k == max)
			break;
		vals[k] = v;
		pm[k++] = p;
	}
	return k;
}

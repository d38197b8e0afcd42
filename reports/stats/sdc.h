/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Statistical disclosure control by the cell key method (ABS
 * TableBuilder, ONS census 2021, Destatis census 2022), as used by every
 * protected output: `dote report`, `dote opendata`, the dashboard and
 * its CSV. docs/reports.md gives the design, the threat model and the
 * perturbation table; this header is the contract.
 *
 *  - Every application has a fixed 32-bit record key: the first four
 *    bytes of SHA-256(hub secret || uuid). The secret (64 hex digits) is
 *    made once per hub from libsodium's random generator and kept in the
 *    hub database (table sdc_secret), never published. Both backends
 *    compute the same key: SQLite through the C function dote_rkey()
 *    registered on the connection, PostgreSQL through a SQL function of
 *    the same name made from the stored secret (sdc_pg_function_sql;
 *    the keys are storage: reports/store/sdc_keys.h).
 *  - A count's cell key is the sum of the keys of the records it counts,
 *    mod 2^32 (selected: of the selected applications). Sums add, so
 *    the rollups carry the sums next to the counts (columns ckey,
 *    ckey_uniq, ckey_sel, ...) and any cell the engine can build has its
 *    keys for free.
 *  - The published value of a count is sdc_perturb(true count, cell key,
 *    measure): a fixed function, so the same set of applications always
 *    gets the same value whichever query, filter or table produced it.
 */
#ifndef DOTE_REPORTS_SDC_H
#define DOTE_REPORTS_SDC_H
#include <stddef.h>
#include <stdint.h>
#include "reports/store/sdc_keys.h"

enum {
	SDC_MIN_COUNT = 5,	/* the rule: counts 1-4 are never published as such */
	SDC_MAX_DEV = 4,	/* largest change of a count from 5 up (never below 5) */
};

enum sdc_state {
	SDC_PUBLISHED = 0,
	SDC_PRIMARY = 1,	/* not shown: under a caller's --min-count above 5, or an average on few cases */
};

/* The measures a cell key perturbs, each with its own stream of noise.
 * Submits mirror applications (a submit is an application sent from a
 * kiosk), and so do applicants (the applications that are not
 * duplicates): they share the applications' stream, so where the true
 * counts are equal (the same set of applications, the same cell key)
 * the published ones are too, and neither can be averaged against the
 * other (issue 20). SDC_S_DAYS is the stream of the total days to
 * selection (sdc_average). */
enum sdc_salt {
	SDC_S_APPLICATIONS = 1, SDC_S_SELECTED = 3, SDC_S_STARTED, SDC_S_COMPLETED,
	SDC_S_DROPPED, SDC_S_SESSIONS, SDC_S_VIEWS, SDC_S_FORMS, SDC_S_DAYS,
	SDC_S_SUBMITS = SDC_S_APPLICATIONS, SDC_S_APPLICANTS = SDC_S_APPLICATIONS,
};

/* The published value of true count n in a cell with key ckey (the sum
 * of its records' keys, any width: only its low 32 bits count). */
int64_t sdc_perturb(int64_t n, uint64_t ckey, int salt);

/* The published average of a total over a count (days to selection):
 * the total gets its own noise, the p-table's change (-4..+4, from the
 * cell key with stream salt) times the cell's whole-number average, and
 * is divided by the published count n_pub, rounded to one decimal. So
 * no true total or average is published and average x count tells
 * nothing about the count (docs/reports.md, issue 20). Returns -1 when
 * it is not shown: the true or the published count below min_n. */
double sdc_average(int64_t total, int64_t n_true, int64_t n_pub, uint64_t ckey, int salt, int64_t min_n);

/* The p-table behind sdc_perturb: for true count n, the probabilities
 * (in 1/1000, rounded down) of each published value in increasing order;
 * fills up to max entries of vals and pm, returns how many. For docs and
 * tests. */
int sdc_ptable_row(int64_t n, int64_t *vals, int *pm, int max);
#endif

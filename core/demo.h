/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Deterministic, realistic demo data for the whole network: every Italian
 * comune, calls like the published Avvisi (a current open one and past
 * closed ones), placements at real Lombard comuni, one kiosk per host
 * comune, and any number of past applications with a realistic skew
 * (big comuni get more, young people are more often NEET or students,
 * ...). The same seed and the same "today" give the same database.
 */
#ifndef DOTE_DEMO_H
#define DOTE_DEMO_H
#include <sqlite3.h>
#include <stdint.h>

struct demo_options {
	uint64_t seed;			/* PRNG seed (default 1) */
	int64_t applications;		/* past applications to generate */
	/* Of those, how many are drawn one by one; the others are copies
	 * of them with their own ids and mixed attributes (demo.c,
	 * copy_applications). 0: all of them up to 2 million, else
	 * 1 million (a 10-million benchmark in minutes). */
	int64_t drawn;
	int hosts;			/* host comuni in the network (default 650) */
	int catalog_only;		/* comuni, calls, placements only (a kiosk's cache) */
	const char *today;		/* 'YYYY-MM-DD' (default: today) */
};

struct demo_stats {
	int64_t calls, placements, kiosks, applications, usage_rows;
};

/* Seeds an empty database (core schema already migrated). Refuses a
 * database that already has calls. Returns 0 or -1. */
int demo_seed(sqlite3 *db, const struct demo_options *opt, struct demo_stats *stats);
#endif

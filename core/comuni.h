/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The table of Italian comuni (ISTAT code, name, province, region,
 * cadastral code, population) and of every cadastral ("Belfiore") code a
 * codice fiscale may carry: current and suppressed comuni, and foreign
 * countries (Z...). Both come from assets/data/ (see its README), are
 * compiled into the binary and parsed once on first use; lookups are
 * binary searches. All returned pointers live for the whole process.
 */
#ifndef DOTE_COMUNI_H
#define DOTE_COMUNI_H
#include <sqlite3.h>
#include <stddef.h>

struct comune {
	char istat[7];		/* '015146' */
	char belfiore[5];	/* 'F205' */
	char province[3];	/* 'MI' */
	const char *name;	/* 'Milano' */
	const char *province_name;
	const char *region;	/* 'Lombardia' */
	int population;
};

/* A cadastral code as used in a codice fiscale. */
struct belfiore {
	char code[5];		/* 'F205', 'Z404' */
	char province[3];	/* 'MI', or 'EE' for a foreign country */
	const char *name;	/* upper case, as in the Agenzia delle Entrate list */
	int active;		/* 0 for a suppressed comune */
};

/* Number of current comuni, and the i-th in ISTAT order. */
size_t comuni_count(void);
const struct comune *comuni_at(size_t i);
const struct comune *comune_by_istat(const char *istat);
/* The current comune with that cadastral code, or NULL. */
const struct comune *comune_by_belfiore(const char *code);
/* Case- and accent-insensitive exact name match (first found), or NULL. */
const struct comune *comune_by_name(const char *name);
/* Any cadastral code, current or historical, Italian or foreign. */
const struct belfiore *belfiore_find(const char *code);
/* Loads every current comune into the `comune` table (idempotent).
 * Returns 0 or -1. */
int comuni_load_db(sqlite3 *db);
#endif

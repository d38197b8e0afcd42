/* SPDX-License-Identifier: EUPL-1.2 */
#ifndef DOTE_WEB_MAP_H
#define DOTE_WEB_MAP_H
#include "reports/web/html.h"

/* One province of the network map: its comuni in the network and their
 * totals, summed by the caller. */
struct map_province {
	char sigla[3];			/* 'MI' */
	const char *name;		/* 'Milano' */
	long long comuni, apps, seats, selected, alerts;
};

/* Adds to map_province *p (of *n, growing) the row of one comune. 0, or
 * -1 when out of memory or the province is not Italian. */
int map_add(struct map_province **p, int *n, const char *sigla, const char *name, long long apps,
	    long long seats, long long selected, int alert);

/* Writes the map: Italy's outline with a disc for each province in p,
 * its area by seats, red when one of its comuni needs a look, else its
 * shade by applications per seat; each disc links to href_base with
 * q=SIGLA appended (href_base already escaped for HTML, ending in '?'
 * or '&'); current: the province the page is filtered on, or "". */
void map_svg(struct hbuf *b, struct map_province *p, int n, const char *href_base, const char *current);

/* Where a province's capoluogo is on the map (its x, y in the map's
 * units): 0, or -1 for an unknown sigla. For tests. */
int map_where(const char *sigla, int *x, int *y);
#endif

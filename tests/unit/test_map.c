/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The coordinators' map of the network (reports/web/map.c): every
 * province of the comuni table has its capoluogo on the map, on land
 * (inside Italy's outline, or on its coast); the discs, their links,
 * numbers and colours; the view that follows the network.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/comuni.h"
#include "reports/web/map.h"
#include "reports/web/map_outline.h"
#include "check.h"

/* The outline's rings as points (map units). */
static struct { double x, y; int ring; } pts[8192];
static int npts;

static void outline_read(void)
{
	const char *s = map_outline;
	int ring = -1;

	while (*s && npts < (int)(sizeof(pts) / sizeof(pts[0]))) {
		char *end;

		if (*s == 'M')
			ring++;
		if (*s == 'M' || *s == 'L') {
			pts[npts].x = strtod(s + 1, &end);
			pts[npts].y = strtod(end, &end);
			pts[npts++].ring = ring;
			s = end;
		} else {
			s++;
		}
	}
}

/* Inside one of the rings (even-odd), or within d units of an edge. */
static int on_land(double x, double y, double d)
{
	int inside = 0;

	for (int i = 0; i < npts; i++) {
		int j = i + 1 < npts && pts[i + 1].ring == pts[i].ring ? i + 1 : i;
		double ax, ay, bx, by, t, px, py;

		if (j == i)	/* the ring's closing edge: back to its first point */
			for (j = i; j > 0 && pts[j - 1].ring == pts[i].ring; j--)
				;
		ax = pts[i].x, ay = pts[i].y, bx = pts[j].x, by = pts[j].y;
		if ((ay > y) != (by > y) && x < ax + (y - ay) * (bx - ax) / (by - ay))
			inside = !inside;
		t = (bx - ax) * (bx - ax) + (by - ay) * (by - ay);
		t = t ? ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / t : 0;
		t = t < 0 ? 0 : t > 1 ? 1 : t;
		px = ax + t * (bx - ax) - x;
		py = ay + t * (by - ay) - y;
		if (sqrt(px * px + py * py) <= d)
			return 1;
	}
	return inside;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

int main(void)
{
	struct map_province *p = NULL;
	char seen[128][3], bad[256] = "", offshore[256] = "";
	int nseen = 0, n = 0, x, y, mx, my, bx, by;
	struct hbuf b;
	char *svg;

	outline_read();
	CHECK("the outline has Italy, Sicily and Sardinia at least", npts > 300 && pts[npts - 1].ring >= 2);
	for (size_t i = 0; i < comuni_count(); i++) {
		const char *sg = comuni_at(i)->province;
		int k;

		for (k = 0; k < nseen && strcmp(seen[k], sg); k++)
			;
		if (k < nseen || nseen == 128)
			continue;
		memcpy(seen[nseen++], sg, 3);
		if (map_where(sg, &x, &y)) {
			strcat(bad, sg), strcat(bad, " ");
			continue;
		}
		/* A capoluogo on the coast may sit a little off the simplified
		 * outline (Venezia in its lagoon): 5 units, about 11 km. */
		if (!on_land(x, y, 5))
			strcat(offshore, sg), strcat(offshore, " ");
	}
	CHECK_INT("the comuni table has 107 provinces", nseen, 107);
	CHECK_STR("every province has its capoluogo on the map", bad, "");
	CHECK_STR("every capoluogo is on land or on the coast", offshore, "");
	map_where("MI", &mx, &my);
	map_where("BG", &bx, &by);
	CHECK("Bergamo is east of Milano, and about 40 km away", bx > mx && bx - mx > 12 && bx - mx < 24 && abs(by - my) < 16);
	map_where("PA", &x, &y);
	CHECK("Palermo is south of Milano, by about 7 degrees", y - my > 330 && y - my < 380);
	CHECK("an unknown province is not on the map", map_where("XX", &x, &y) == -1);

	/* A network of Lombard comuni: Milano (two comuni, one to look at)
	 * and Bergamo. */
	CHECK("a comune of Milano", map_add(&p, &n, "MI", "Milano", 30, 10, 4, 0) == 0);
	CHECK("another, with no applications", map_add(&p, &n, "MI", "Milano", 0, 5, 0, 1) == 0);
	CHECK("a comune of Bergamo", map_add(&p, &n, "BG", "Bergamo", 5, 10, 2, 0) == 0);
	CHECK("a province that is not Italian is refused", map_add(&p, &n, "XX", "?", 1, 1, 1, 0) == -1);
	CHECK_INT("two provinces", n, 2);
	hbuf_init(&b, 1 << 20);
	map_svg(&b, p, n, "/coordinamento/rete?sort=anomalie&amp;", "BG");
	svg = hbuf_detach(&b, NULL);
	CHECK("one link per province, to the table filtered on it",
	      svg && count(svg, "<a href=\"/coordinamento/rete?sort=anomalie&amp;q=MI\" data-province=\"MI\"") == 1 &&
	      count(svg, "q=BG\" data-province=\"BG\"") == 1 && count(svg, "<circle") == 2);
	CHECK("Milano's numbers, summed over its comuni", svg &&
	      strstr(svg, "<title>Milano (MI): 2 Comuni, 30 candidature, 15 posti, 4 selezionati; 1 Comuni da guardare</title>"));
	CHECK("Milano is red: one of its comuni has no applications", svg &&
	      strstr(svg, "data-province=\"MI\" data-alert>") && count(svg, "fill=\"#b00020\"") == 1);
	CHECK("Bergamo is blue (half an application per seat)", svg && strstr(svg, "fill=\"#6baed6\""));
	CHECK("the province the table shows is outlined", svg && count(svg, "stroke=\"#000\"") == 1);
	CHECK("a Lombard network is shown large: a view of Lombardy, not Italy", svg &&
	      strstr(svg, "viewBox=\"0 0 460 590\"") == NULL && strstr(svg, "viewBox=\"") != NULL);
	CHECK("the outline is drawn", svg && strstr(svg, map_outline));
	free(svg);
	CHECK("a network in Sicily, Aosta and Lecce too", map_add(&p, &n, "PA", "Palermo", 3, 2, 0, 0) == 0 &&
	      map_add(&p, &n, "AO", "Valle d'Aosta", 1, 1, 0, 0) == 0 && map_add(&p, &n, "LE", "Lecce", 1, 1, 0, 0) == 0);
	hbuf_init(&b, 1 << 20);
	map_svg(&b, p, n, "/x?", "");
	svg = hbuf_detach(&b, NULL);
	CHECK("from Aosta to Lecce: all of Italy", svg && strstr(svg, "viewBox=\"0 0 460 590\""));
	CHECK("names are escaped", svg && strstr(svg, "<title>Valle d&#39;Aosta (AO):"));
	free(svg);
	free(p);
	return check_done();
}

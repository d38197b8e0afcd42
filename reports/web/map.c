/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The coordinators' map of the network (issue 11): Italy with one disc
 * per province where the network has comuni, drawn as inline SVG by
 * the server (no tile server, no script, no request leaves the hub).
 *
 * The unit is the province, not the comune: no comune coordinates can
 * be shipped (ISTAT's centroids are not in Debian or on npm, the two
 * sources this project builds from), while a province's capoluogo is
 * a fixed, well-known place. Below the table of comuni, the disc says
 * where to look; a click filters the table on that province.
 *
 * Projection: equirectangular, longitudes scaled by cos 42° (Italy's
 * middle latitude), 50 units per degree of latitude; the outline in
 * map_outline.h (scripts/update-map) is projected the same way.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "reports/web/map.h"
#include "reports/web/map_outline.h"

enum { MAP_W = 460, MAP_H = 590 };	/* all of Italy, in map units */
#define LON0 6.5
#define LAT0 47.2
#define UNITS 50.0
#define COS42 0.7431448

/* The capoluogo of each province (the seat of its administration;
 * Sud Sardegna: Carbonia; Barletta-Andria-Trani: between the three),
 * in degrees to two decimals: about a kilometre, far finer than a disc. */
static const struct { char sigla[3]; float lat, lon; } capoluoghi[] = {
	{ "AG", 37.31, 13.58 }, { "AL", 44.91, 8.61 }, { "AN", 43.62, 13.52 }, { "AO", 45.74, 7.32 },
	{ "AP", 42.85, 13.58 }, { "AQ", 42.35, 13.40 }, { "AR", 43.46, 11.88 }, { "AT", 44.90, 8.21 },
	{ "AV", 40.91, 14.79 }, { "BA", 41.12, 16.87 }, { "BG", 45.70, 9.67 }, { "BI", 45.57, 8.05 },
	{ "BL", 46.14, 12.22 }, { "BN", 41.13, 14.78 }, { "BO", 44.49, 11.34 }, { "BR", 40.63, 17.94 },
	{ "BS", 45.54, 10.22 }, { "BT", 41.27, 16.33 }, { "BZ", 46.50, 11.35 }, { "CA", 39.22, 9.12 },
	{ "CB", 41.56, 14.66 }, { "CE", 41.07, 14.33 }, { "CH", 42.35, 14.17 }, { "CL", 37.49, 14.06 },
	{ "CN", 44.38, 7.54 }, { "CO", 45.81, 9.09 }, { "CR", 45.13, 10.02 }, { "CS", 39.30, 16.25 },
	{ "CT", 37.50, 15.09 }, { "CZ", 38.91, 16.59 }, { "EN", 37.57, 14.28 }, { "FC", 44.22, 12.04 },
	{ "FE", 44.84, 11.62 }, { "FG", 41.46, 15.55 }, { "FI", 43.77, 11.25 }, { "FM", 43.16, 13.72 },
	{ "FR", 41.64, 13.35 }, { "GE", 44.41, 8.93 }, { "GO", 45.94, 13.62 }, { "GR", 42.76, 11.11 },
	{ "IM", 43.89, 8.03 }, { "IS", 41.59, 14.23 }, { "KR", 39.08, 17.13 }, { "LC", 45.86, 9.40 },
	{ "LE", 40.35, 18.17 }, { "LI", 43.55, 10.31 }, { "LO", 45.31, 9.50 }, { "LT", 41.47, 12.90 },
	{ "LU", 43.84, 10.50 }, { "MB", 45.58, 9.27 }, { "MC", 43.30, 13.45 }, { "ME", 38.19, 15.55 },
	{ "MI", 45.46, 9.19 }, { "MN", 45.16, 10.79 }, { "MO", 44.65, 10.93 }, { "MS", 44.04, 10.14 },
	{ "MT", 40.67, 16.60 }, { "NA", 40.85, 14.27 }, { "NO", 45.45, 8.62 }, { "NU", 40.32, 9.33 },
	{ "OR", 39.90, 8.59 }, { "PA", 38.12, 13.36 }, { "PC", 45.05, 9.69 }, { "PD", 45.41, 11.88 },
	{ "PE", 42.46, 14.21 }, { "PG", 43.11, 12.39 }, { "PI", 43.72, 10.40 }, { "PN", 45.96, 12.66 },
	{ "PO", 43.88, 11.10 }, { "PR", 44.80, 10.33 }, { "PT", 43.93, 10.91 }, { "PU", 43.91, 12.91 },
	{ "PV", 45.19, 9.16 }, { "PZ", 40.64, 15.80 }, { "RA", 44.42, 12.20 }, { "RC", 38.11, 15.65 },
	{ "RE", 44.70, 10.63 }, { "RG", 36.93, 14.73 }, { "RI", 42.40, 12.86 }, { "RM", 41.90, 12.50 },
	{ "RN", 44.06, 12.57 }, { "RO", 45.07, 11.79 }, { "SA", 40.68, 14.77 }, { "SI", 43.32, 11.33 },
	{ "SO", 46.17, 9.87 }, { "SP", 44.10, 9.82 }, { "SR", 37.08, 15.29 }, { "SS", 40.73, 8.56 },
	{ "SU", 39.17, 8.52 }, { "SV", 44.31, 8.48 }, { "TA", 40.47, 17.24 }, { "TE", 42.66, 13.70 },
	{ "TN", 46.07, 11.12 }, { "TO", 45.07, 7.69 }, { "TP", 38.02, 12.51 }, { "TR", 42.56, 12.65 },
	{ "TS", 45.65, 13.78 }, { "TV", 45.67, 12.24 }, { "UD", 46.06, 13.24 }, { "VA", 45.82, 8.83 },
	{ "VB", 45.92, 8.55 }, { "VC", 45.32, 8.42 }, { "VE", 45.44, 12.33 }, { "VI", 45.55, 11.55 },
	{ "VR", 45.44, 10.99 }, { "VT", 42.42, 12.10 }, { "VV", 38.68, 16.10 },
};

int map_where(const char *sigla, int *x, int *y)
{
	for (size_t i = 0; i < ARRAY_SIZE(capoluoghi); i++)
		if (!strcmp(capoluoghi[i].sigla, sigla)) {
			*x = (int)lround((capoluoghi[i].lon - LON0) * COS42 * UNITS);
			*y = (int)lround((LAT0 - capoluoghi[i].lat) * UNITS);
			return 0;
		}
	return -1;
}

int map_add(struct map_province **p, int *n, const char *sigla, const char *name, long long apps,
	    long long seats, long long selected, int alert)
{
	struct map_province *m = NULL, *grown;
	int x, y;

	if (map_where(sigla, &x, &y))
		return -1;
	for (int i = 0; i < *n && !m; i++)
		if (!strcmp((*p)[i].sigla, sigla))
			m = &(*p)[i];
	if (!m) {
		grown = realloc(*p, sizeof(*grown) * (size_t)(*n + 1));
		if (!grown)
			return -1;
		*p = grown;
		m = &grown[(*n)++];
		memset(m, 0, sizeof(*m));
		str_copy(m->sigla, sizeof(m->sigla), sigla);
		m->name = name;
	}
	m->comuni++;
	m->apps += apps;
	m->seats += seats;
	m->selected += selected;
	m->alerts += alert != 0;
	return 0;
}

/* Bigger discs first, so that a small province next to a big one stays
 * on top and can be clicked. */
static int by_seats_desc(const void *a, const void *b)
{
	const struct map_province *x = a, *y = b;

	return (x->seats < y->seats) - (x->seats > y->seats);
}

/* A province's fill: red (needs a look), or blue, darker as
 * applications per seat grow (none: pale; two or more: full). */
static const char *shade(const struct map_province *m)
{
	static const char *const blues[] = { "#c6dbef", "#6baed6", "#2171b5", "#08306b" };
	double per = m->seats ? (double)m->apps / (double)m->seats : 0;

	if (m->alerts)
		return "#b00020";
	return blues[per >= 2 ? 3 : per >= 1 ? 2 : per > 0 ? 1 : 0];
}

void map_svg(struct hbuf *b, struct map_province *p, int n, const char *href_base, const char *current)
{
	long long most = 1;
	int x, y, x0 = MAP_W, y0 = MAP_H, x1 = 0, y1 = 0, w, h;
	double z;

	qsort(p, (size_t)n, sizeof(*p), by_seats_desc);
	for (int i = 0; i < n; i++) {
		if (p[i].seats > most)
			most = p[i].seats;
		map_where(p[i].sigla, &x, &y);
		x0 = x < x0 ? x : x0;
		y0 = y < y0 ? y : y0;
		x1 = x > x1 ? x : x1;
		y1 = y > y1 ? y : y1;
	}
	/* The view: the provinces of the network with a margin (a network
	 * of one region shows that region, large), at least 160 units
	 * (about 3 degrees) across, all of Italy at most. */
	x0 -= 40, y0 -= 40, x1 += 40, y1 += 40;
	if (x1 - x0 < 160)
		x0 -= (160 - (x1 - x0)) / 2, x1 = x0 + 160;
	if (y1 - y0 < 160)
		y0 -= (160 - (y1 - y0)) / 2, y1 = y0 + 160;
	if (n == 0 || x1 - x0 > MAP_W || y1 - y0 > MAP_H)
		x0 = 0, y0 = 0, x1 = MAP_W, y1 = MAP_H;
	/* On the page the map is 460 pixels wide, or 590 high: sizes below
	 * are in pixels, divided by the zoom z. */
	z = 460.0 / (x1 - x0) < 590.0 / (y1 - y0) ? 460.0 / (x1 - x0) : 590.0 / (y1 - y0);
	w = (int)lround((x1 - x0) * z);
	h = (int)lround((y1 - y0) * z);
	hbuf_printf(b, "<figure class=\"map\"><svg viewBox=\"%d %d %d %d\" width=\"%d\" height=\"%d\" role=\"img\""
		    " aria-labelledby=\"map-title\"><title id=\"map-title\">Mappa delle province della rete: un cerchio"
		    " per provincia, grande quanto i posti, rosso dove un Comune è da guardare</title>"
		    "<path d=\"%s\" fill=\"#eef1f4\" stroke=\"#8a96a3\" stroke-width=\"%.2f\"/>",
		    x0, y0, x1 - x0, y1 - y0, w, h, map_outline, 1 / z);
	for (int i = 0; i < n; i++) {
		const struct map_province *m = &p[i];
		/* Area by seats: 9 pixels of radius at least, 24 for the most. */
		double r = (9 + 15 * sqrt((double)m->seats / (double)most)) / z;
		int here = current && !strcmp(current, m->sigla);

		map_where(m->sigla, &x, &y);
		hbuf_printf(b, "<a href=\"%sq=%s\" data-province=\"%s\"%s><title>", href_base, m->sigla, m->sigla,
			    m->alerts ? " data-alert" : "");
		hbuf_esc(b, m->name ? m->name : m->sigla);
		hbuf_printf(b, " (%s): %lld Comuni, %lld candidature, %lld posti, %lld selezionati", m->sigla,
			    m->comuni, m->apps, m->seats, m->selected);
		if (m->alerts)
			hbuf_printf(b, "; %lld Comuni da guardare", m->alerts);
		hbuf_printf(b, "</title><circle cx=\"%d\" cy=\"%d\" r=\"%.2f\" fill=\"%s\" fill-opacity=\"0.9\""
			    " stroke=\"%s\" stroke-width=\"%.2f\"/></a>", x, y, r, shade(m), here ? "#000" : "#fff",
			    (here ? 3 : 1.5) / z);
	}
	/* The labels over all the discs, so that none hides another's;
	 * clicks go through them to the disc. A style, not attributes: the
	 * pages' stylesheet sets text's size and colour for the dashboard's
	 * charts (html.c). */
	for (int i = 0; i < n; i++) {
		const struct map_province *m = &p[i];

		map_where(m->sigla, &x, &y);
		hbuf_printf(b, "<text x=\"%d\" y=\"%.2f\" text-anchor=\"middle\" style=\"font-size:%.2fpx;font-weight:700;"
			    "fill:%s;pointer-events:none\" aria-hidden=\"true\">%s</text>", x, y + 4.5 / z, 13 / z,
			    m->alerts || (m->seats && m->apps >= m->seats) ? "#fff" : "#1a1a1a", m->sigla);
	}
	hbuf_add(b, "</svg><figcaption>Un cerchio per provincia, al capoluogo, grande quanto i posti offerti:"
		    " <span class=\"key red\">rosso</span> se uno dei suoi Comuni è da guardare (nessuna candidatura,"
		    " copertura sotto il 50%), altrimenti <span class=\"key\">blu</span>, più scuro con più candidature"
		    " per posto. Passa sopra un cerchio per i numeri; un clic mostra i suoi Comuni nella tabella."
		    " Le coordinate dei singoli Comuni non sono disponibili: l'unità della mappa è la provincia.</figcaption>"
		    "</figure>");
}

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Reports as HTML (report_html.c): the page `dote report --format html`
 * writes, and the pieces of it the dashboard shows.
 */
#ifndef DOTE_REPORTS_REPORT_HTML_H
#define DOTE_REPORTS_REPORT_HTML_H
#include <stddef.h>

struct report;
struct hbuf;

/* A self-contained HTML report (fonts embedded, inline SVG charts), as
 * a malloc'd buffer (free()) with its length in *len, or NULL. */
char *report_html(const struct report *r, const char *title, size_t *len);
/* Pieces of the HTML report the dashboard reuses: the data table (at
 * most max_rows rows, header cells with scope) and the charts. */
void report_html_table(struct hbuf *b, const struct report *r, const char *caption, size_t max_rows);
void report_html_charts(struct hbuf *b, const struct report *r, const char *idp);
#endif

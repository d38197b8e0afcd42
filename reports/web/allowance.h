/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A month's allowance for the paying office, as CSV (plain, or the
 * Excel-IT variant of the reports: ';', a BOM, decimal commas) and as a
 * plain-text table for `dote allowance`; both from the lines of
 * traineeship_allowance() (reports/store/traineeship.h), the figures
 * frozen when each register was confirmed. Start at allowance_csv().
 */
#ifndef DOTE_REPORTS_ALLOWANCE_H
#define DOTE_REPORTS_ALLOWANCE_H
#include <stddef.h>
#include <stdio.h>

struct allowance_line;

/* The CSV of n lines (a header first, CRLF line ends), malloc'd
 * (free()); *len its length. Cells a spreadsheet would run as a formula
 * are quoted as text. NULL when out of memory. */
char *allowance_csv(const struct allowance_line *l, size_t n, int excel_it, size_t *len);
/* The same CSV written a line at a time into b (reports/web/html.h), for
 * lines streamed from traineeship_allowance_each(): the header (and the
 * BOM for Excel-IT), then one line per register. */
struct hbuf;
void allowance_csv_head(struct hbuf *b, int excel_it);
void allowance_csv_line(struct hbuf *b, const struct allowance_line *l, int excel_it);
/* The same figures as a table with a total line, for a terminal. */
void allowance_print(FILE *out, const char *month, const struct allowance_line *l, size_t n);
/* Minutes as hours with two decimals, "52,00" (comma) or "52.00". */
void minutes_hours(int minutes, int comma, char *buf, size_t size);
/* The compulsory start notice's CSV (Excel-IT: BOM, ';', dates
 * dd/mm/yyyy) from traineeship_start_notice()'s rows, its first line
 * saying USO INTERNO. malloc'd (*len), NULL on error. */
struct store_res;
char *start_notice_csv(const struct store_res *r, size_t *len);
#endif

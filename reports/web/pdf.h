/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Documents as PDF for staff and citizens (the progetto formativo, the
 * certificate, registers), through cairo's PDF surface with Pango for
 * the text: no PDF syntax is written here. Text is set in DejaVu Sans
 * (fonts-dejavu-core; the project's Titillium Web ships only as WOFF,
 * which Pango cannot shape: see pdf.c), embedded; a QR code from
 * core/qr.h is drawn as vector squares, so it prints sharp at any size.
 *
 * A document is a column flowing down A4 pages: a title, headings,
 * paragraphs, label/value rows, table rows and a QR code, each starting
 * a new page when it does not fit in what is left of the current one.
 * Text is plain UTF-8 (never Pango markup), so nothing needs escaping.
 *
 * Start reading at pdf_new(); the test is tests/unit/test_pdf.c.
 */
#ifndef DOTE_REPORTS_PDF_H
#define DOTE_REPORTS_PDF_H
#include <stddef.h>

struct pdf_doc;

/* Starts an A4 document whose metadata title is title (and creator
 * "DoteComune"). Returns NULL (error said) when cairo cannot start. */
struct pdf_doc *pdf_new(const char *title);
/* The large title at the top of a document. */
void pdf_title(struct pdf_doc *d, const char *text);
/* A section heading. */
void pdf_heading(struct pdf_doc *d, const char *text);
/* A paragraph, wrapped to the column. */
void pdf_para(struct pdf_doc *d, const char *text);
/* A small grey paragraph (notes, the verification address). */
void pdf_note(struct pdf_doc *d, const char *text);
/* A row of a label (bold, left third) and its value (wrapped). */
void pdf_field(struct pdf_doc *d, const char *label, const char *value);
/* A table row: n cells (n <= 8) of widths in per cent of the column
 * (summing to 100 or less); header: 1 sets it bold over a rule. */
void pdf_row(struct pdf_doc *d, const char *const *cells, const int *widths, int n, int header);
/* A QR code of text, side mm millimetres with its quiet zone, centred,
 * with caption (may be NULL) under it. Returns 0, or -1 when the text
 * cannot be encoded (the document then says so in its place). */
int pdf_qr(struct pdf_doc *d, const char *text, double mm, const char *caption);
/* Ends the document: on success *out gets the PDF bytes (malloc'd; the
 * caller frees) and *len their number. Frees d whatever happens.
 * Returns 0, or -1 (error said). */
int pdf_finish(struct pdf_doc *d, char **out, size_t *len);
/* Drops a document without producing it. */
void pdf_free(struct pdf_doc *d);
#endif

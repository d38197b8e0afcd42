/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * PDF documents through cairo and Pango. Contracts in pdf.h; start
 * reading at pdf_new(). Units are PostScript points (the PDF surface's
 * own), 1 mm = 72 / 25.4 points.
 */
#include "reports/web/pdf.h"
#include "reports/web/html.h"
#include "core/qr.h"
#include "core/util.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MM (72.0 / 25.4)
#define PAGE_W (210 * MM)
#define PAGE_H (297 * MM)
#define MARGIN (20 * MM)
#define COL_W (PAGE_W - 2 * MARGIN)
/* DejaVu Sans, not the project's Titillium Web: fontconfig reads the
 * WOFF files in assets/fonts, but Pango shapes text with HarfBuzz, which
 * reads only plain TrueType/OpenType, so Pango lists no Titillium family
 * (checked with Pango 1.50, Debian 12). DejaVu Sans has every letter of
 * the languages the kiosk speaks and the euro sign. */
#define FONT "DejaVu Sans"

enum { PDF_MAX_BYTES = 16 << 20 };

struct pdf_doc {
	cairo_surface_t *surface;
	cairo_t *cr;
	struct hbuf out;
	double y;		/* where the next block starts */
	int failed;
};

static cairo_status_t out_write(void *ctx, const unsigned char *data, unsigned int n)
{
	struct hbuf *b = ctx;
	hbuf_addn(b, (const char *)data, n);
	return b->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

struct pdf_doc *pdf_new(const char *title)
{
	struct pdf_doc *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	hbuf_init(&d->out, PDF_MAX_BYTES);
	d->surface = cairo_pdf_surface_create_for_stream(out_write, &d->out, PAGE_W, PAGE_H);
	if (cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS) {
		error("pdf: cairo cannot start a document: %s",
		      cairo_status_to_string(cairo_surface_status(d->surface)));
		pdf_free(d);
		return NULL;
	}
	cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_TITLE, title ? title : "");
	cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATOR, "DoteComune");
	d->cr = cairo_create(d->surface);
	d->y = MARGIN;
	return d;
}

void pdf_free(struct pdf_doc *d)
{
	if (!d)
		return;
	if (d->cr)
		cairo_destroy(d->cr);
	if (d->surface)
		cairo_surface_destroy(d->surface);
	hbuf_release(&d->out);
	free(d);
}

/* Starts a new page when h points do not fit below y. */
static void need(struct pdf_doc *d, double h)
{
	if (d->y + h > PAGE_H - MARGIN && d->y > MARGIN) {
		cairo_show_page(d->cr);
		d->y = MARGIN;
	}
}

/* A layout of text in the column's font at size pt, width w points. */
static PangoLayout *layout(struct pdf_doc *d, const char *text, double pt, int bold, double w)
{
	PangoLayout *l = pango_cairo_create_layout(d->cr);
	PangoFontDescription *f = pango_font_description_from_string(FONT);
	pango_font_description_set_size(f, (gint)(pt * PANGO_SCALE));
	pango_font_description_set_weight(f, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, f);
	pango_font_description_free(f);
	pango_layout_set_width(l, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(l, text ? text : "", -1);
	return l;
}

static double layout_height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static void block(struct pdf_doc *d, const char *text, double pt, int bold, double grey,
		  double after)
{
	PangoLayout *l = layout(d, text, pt, bold, COL_W);
	double h = layout_height(l);
	need(d, h);
	cairo_set_source_rgb(d->cr, grey, grey, grey);
	cairo_move_to(d->cr, MARGIN, d->y);
	pango_cairo_show_layout(d->cr, l);
	d->y += h + after;
	g_object_unref(l);
}

void pdf_title(struct pdf_doc *d, const char *text)
{
	block(d, text, 20, 1, 0, 4 * MM);
}

void pdf_heading(struct pdf_doc *d, const char *text)
{
	need(d, 14 * MM);	/* a heading never ends a page alone */
	d->y += 2 * MM;
	block(d, text, 13, 1, 0.0, 2 * MM);
}

void pdf_para(struct pdf_doc *d, const char *text)
{
	block(d, text, 10.5, 0, 0, 2 * MM);
}

void pdf_note(struct pdf_doc *d, const char *text)
{
	block(d, text, 8.5, 0, 0.35, 1.5 * MM);
}

void pdf_row(struct pdf_doc *d, const char *const *cells, const int *widths, int n, int header)
{
	PangoLayout *l[8];
	double h = 0, x = MARGIN;
	if (n > 8)
		n = 8;
	for (int i = 0; i < n; i++) {
		l[i] = layout(d, cells[i], 9.5, header, COL_W * widths[i] / 100.0 - 2 * MM);
		if (layout_height(l[i]) > h)
			h = layout_height(l[i]);
	}
	need(d, h + 2 * MM);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	for (int i = 0; i < n; i++) {
		cairo_move_to(d->cr, x, d->y);
		pango_cairo_show_layout(d->cr, l[i]);
		x += COL_W * widths[i] / 100.0;
		g_object_unref(l[i]);
	}
	d->y += h + 1 * MM;
	cairo_set_line_width(d->cr, header ? 0.8 : 0.3);
	cairo_set_source_rgb(d->cr, header ? 0 : 0.6, header ? 0 : 0.6, header ? 0 : 0.6);
	cairo_move_to(d->cr, MARGIN, d->y);
	cairo_line_to(d->cr, MARGIN + COL_W, d->y);
	cairo_stroke(d->cr);
	d->y += 1 * MM;
}

void pdf_field(struct pdf_doc *d, const char *label, const char *value)
{
	PangoLayout *k = layout(d, label, 10, 1, COL_W * 0.33 - 2 * MM);
	PangoLayout *v = layout(d, value, 10, 0, COL_W * 0.67);
	double h = layout_height(k) > layout_height(v) ? layout_height(k) : layout_height(v);
	need(d, h);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	cairo_move_to(d->cr, MARGIN, d->y);
	pango_cairo_show_layout(d->cr, k);
	cairo_move_to(d->cr, MARGIN + COL_W * 0.33, d->y);
	pango_cairo_show_layout(d->cr, v);
	d->y += h + 1.2 * MM;
	g_object_unref(k);
	g_object_unref(v);
}

int pdf_qr(struct pdf_doc *d, const char *text, double mm, const char *caption)
{
	struct qr_code qr = { 0 };
	double side = mm * MM, px, x0;
	int n;
	if (qr_make(text, &qr)) {
		pdf_para(d, "(codice QR non disponibile)");
		return error("pdf: the QR code cannot hold '%.40s'", text);
	}
	n = qr.width + 2 * QR_QUIET_ZONE;
	px = side / n;
	need(d, side + 10 * MM);
	x0 = MARGIN + (COL_W - side) / 2;
	cairo_set_source_rgb(d->cr, 1, 1, 1);
	cairo_rectangle(d->cr, x0, d->y, side, side);
	cairo_fill(d->cr);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	for (int r = 0; r < qr.width; r++)
		for (int c = 0; c < qr.width; c++)
			if (qr.modules[r * qr.width + c])
				cairo_rectangle(d->cr, x0 + (c + QR_QUIET_ZONE) * px,
						d->y + (r + QR_QUIET_ZONE) * px, px, px);
	cairo_fill(d->cr);
	d->y += side + 1 * MM;
	qr_free(&qr);
	if (caption)
		pdf_note(d, caption);
	return 0;
}

int pdf_finish(struct pdf_doc *d, char **out, size_t *len)
{
	int rc = -1;
	*out = NULL;
	*len = 0;
	if (!d)
		return -1;
	cairo_destroy(d->cr);
	d->cr = NULL;
	cairo_surface_finish(d->surface);
	if (cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS || d->out.failed) {
		error("pdf: the document could not be produced: %s",
		      d->out.failed ? "too large" : cairo_status_to_string(cairo_surface_status(d->surface)));
		goto out;
	}
	*out = hbuf_detach(&d->out, len);
	rc = *out ? 0 : -1;
out:
	pdf_free(d);
	return rc;
}

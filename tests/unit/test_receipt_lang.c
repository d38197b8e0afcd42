/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Receipts in the kiosk's seven languages, as the citizen gets them:
 * the PNG the kiosk saves (receipt_png_write()) and the paper the
 * printer thread sends (printer_submit() to a device file, its GS v 0
 * rasters turned back into an image). For each language and each paper
 * width, on the pictures themselves:
 *   - zbar reads the QR code, and the protocol number is printer text;
 *   - the "Protocol number" label is the citizen's language, set as
 *     SDL_ttf/HarfBuzz sets it in the expected font (Arabic shaped in
 *     Noto Sans Arabic, right to left; Ukrainian and Romanian in Noto
 *     Sans): its ink matches a reference drawn here straight with
 *     SDL_ttf, and for Arabic does not match the unjoined letters;
 *   - every line starts at the margin of the language's side (right for
 *     Arabic, left otherwise) and no ink leaves the paper's margins;
 *   - a placement title wider than the paper is wrapped, not cut: its
 *     ink equals the ink of the whole title drawn on one line.
 * Without fonts both still come out (bitmap font, printer letters).
 * DOTE_KEEP_SHOTS=1 keeps the images.
 */
#include "core/datetime.h"
#include "core/escpos.h"
#include "core/files.h"
#include "core/receipt.h"
#include "core/util.h"
#include "kiosk/i18n.h"
#include "kiosk/printer.h"
#include "kiosk/receipt_png.h"
#include "tests/unit/check.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <fcntl.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char long_title[] =
	"Biblioteca civica: attività per l'utenza, prestito interbibliotecario e laboratori di lettura, 400 € al mese";

struct img {
	int w, h;
	unsigned char *px;	/* grey, 0 black */
};

static int img_load(const char *path, struct img *m)
{
	png_image pi;
	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	memset(m, 0, sizeof(*m));
	if (!png_image_begin_read_from_file(&pi, path))
		return -1;
	pi.format = PNG_FORMAT_GRAY;
	m->w = (int)pi.width;
	m->h = (int)pi.height;
	m->px = malloc(PNG_IMAGE_SIZE(pi));
	if (!m->px || !png_image_finish_read(&pi, NULL, m->px, 0, NULL)) {
		png_image_free(&pi);
		free(m->px);
		m->px = NULL;
		return -1;
	}
	return 0;
}

static int ink(const struct img *m, int x, int y, int level)
{
	return m->px[(size_t)y * (size_t)m->w + (size_t)x] < level;
}

/* Rows with ink (darker than level) between x0 and x1, grouped into bands
 * of touching rows. */
struct band {
	int y0, y1;		/* rows y0..y1-1 */
	int left, right;	/* ink columns, inclusive */
};

static int bands(const struct img *m, int x0, int x1, int level, struct band *b, int max)
{
	int n = 0, in = 0;
	for (int y = 0; y < m->h; y++) {
		int l = -1, r = -1;
		for (int x = x0; x < x1; x++)
			if (ink(m, x, y, level)) {
				if (l < 0)
					l = x;
				r = x;
			}
		if (l >= 0 && !in && n < max) {
			b[n++] = (struct band){ y, y + 1, l, r };
			in = 1;
		} else if (l >= 0 && in) {
			b[n - 1].y1 = y + 1;
			if (l < b[n - 1].left)
				b[n - 1].left = l;
			if (r > b[n - 1].right)
				b[n - 1].right = r;
		} else if (l < 0) {
			in = 0;
		}
	}
	return n;
}

/* Ink (sum of coverage, or dots for level 128 on 1-bit pictures). */
static double ink_sum(const struct img *m, int level)
{
	double s = 0;
	for (size_t i = 0; i < (size_t)m->w * (size_t)m->h; i++)
		s += level > 255 ? (255 - m->px[i]) / 255.0 : m->px[i] < level;
	return s;
}

/* A reference drawing of text straight with SDL_ttf (HarfBuzz shaping,
 * direction and script set as a shaping engine needs them). */
static SDL_Surface *reference(const char *font, int px, const char *text, int rtl, const char *script)
{
	TTF_Font *f = TTF_OpenFont(font, px);
	SDL_Surface *s;
	if (!f)
		return NULL;
	TTF_SetFontDirection(f, rtl ? TTF_DIRECTION_RTL : TTF_DIRECTION_LTR);
	TTF_SetFontScriptName(f, script);
	s = TTF_RenderUTF8_Blended(f, text, (SDL_Color){ 0, 0, 0, 255 });
	TTF_CloseFont(f);
	return s;
}

/* The same letters unjoined: each drawn alone (its isolated form), laid
 * right to left, as a renderer without shaping would show them. */
static SDL_Surface *unshaped(const char *font, int px, const char *text)
{
	TTF_Font *f = TTF_OpenFont(font, px);
	SDL_Surface *parts[128], *out = NULL;
	int n = 0, w = 0, h = 0, x;
	if (!f)
		return NULL;
	for (const char *p = text; *p && n < 128;) {
		char one[8];
		size_t len = 1;
		while (((unsigned char)p[len] & 0xC0) == 0x80)
			len++;
		memcpy(one, p, len);
		one[len] = '\0';
		p += len;
		parts[n] = TTF_RenderUTF8_Blended(f, one, (SDL_Color){ 0, 0, 0, 255 });
		if (!parts[n])
			continue;
		w += parts[n]->w;
		if (parts[n]->h > h)
			h = parts[n]->h;
		n++;
	}
	if (w && h)
		out = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
	x = w;
	for (int i = 0; i < n; i++) {
		x -= parts[i]->w;
		if (out) {
			SDL_SetSurfaceBlendMode(parts[i], SDL_BLENDMODE_NONE);
			SDL_BlitSurface(parts[i], NULL, out, &(SDL_Rect){ x, 0, parts[i]->w, parts[i]->h });
		}
		SDL_FreeSurface(parts[i]);
	}
	TTF_CloseFont(f);
	return out;
}

/* How much of the ink of a reference surface and of the picture's band
 * coincide (intersection over union), the two aligned at the ink's top
 * and at its start side (right for rtl). */
static double overlap(const struct img *m, const struct band *b, SDL_Surface *s, int rtl, int level)
{
	int sl = s->w, sr = -1, st = s->h, both = 0, either = 0;
	SDL_LockSurface(s);
#define SA(x, y) ((int)(((const uint32_t *)((const unsigned char *)s->pixels + (size_t)(y) * (size_t)s->pitch))[x] >> 24) >= 128)
	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w; x++)
			if (SA(x, y)) {
				if (x < sl)
					sl = x;
				if (x > sr)
					sr = x;
				if (y < st)
					st = y;
			}
	if (sr < 0) {
		SDL_UnlockSurface(s);
		return 0;
	}
	int rw = sr - sl + 1;
	int mx0 = rtl ? b->right - rw + 1 : b->left;
	for (int y = 0; y < b->y1 - b->y0 + 4; y++)
		for (int x = 0; x < rw; x++) {
			int sy = st + y, a = sy < s->h && SA(sl + x, sy);
			int my = b->y0 + y, px = mx0 + x;
			int c = my < m->h && px >= 0 && px < m->w && ink(m, px, my, level);
			both += a && c;
			either += a || c;
		}
#undef SA
	SDL_UnlockSurface(s);
	return either ? (double)both / either : 0;
}

static void doc_for(struct receipt_doc *d, const char *title, const char *protocol)
{
	memset(d, 0, sizeof(*d));
	str_copy(d->comune_name, sizeof(d->comune_name), "Cantù");
	str_copy(d->protocol, sizeof(d->protocol), protocol);
	str_copy(d->placement_code, sizeof(d->placement_code), "DC06-013041-003");
	str_copy(d->placement_title, sizeof(d->placement_title), title);
	str_copy(d->when, sizeof(d->when), "26/11/2026 10:00");
	str_copy(d->url, sizeof(d->url),
		 "HTTP://127.0.0.1:8470/R/AEBUWMBTAHX2IAPTB7L3U2E3QAAAAHWKAGLCGYOIOZ3R3UAAAAAAAAAAAAAAAAA");
}

static int zbar_reads(const char *png, const char *want)
{
	char cmd[800], got[1024] = "";
	FILE *p;
	snprintf(cmd, sizeof(cmd), "zbarimg --raw -q '%s' 2>/dev/null", png);
	p = popen(cmd, "r");
	if (!p)
		return 0;
	if (!fgets(got, sizeof(got), p))
		got[0] = '\0';
	pclose(p);
	got[strcspn(got, "\n")] = '\0';
	return !strcmp(got, want);
}

/* Prints doc through the printer thread to a file; its bytes into *data. */
static int print_to_file(const char *dir, int width, const struct receipt_doc *d, unsigned char **data, size_t *len)
{
	char dev[800];
	struct printer *p;
	struct printer_status st;
	snprintf(dev, sizeof(dev), "%s/lp-%d-%s", dir, width, d->protocol);
	close(open(dev, O_CREAT | O_TRUNC | O_WRONLY, 0644));
	p = printer_start(dev, width);
	if (!p || printer_submit(p, d)) {
		printer_stop(p);
		return -1;
	}
	for (int i = 0; i < 500; i++) {
		printer_get_status(p, &st);
		if (st.printed + st.failed >= 1 && st.state != PRINTER_BUSY)
			break;
		usleep(10000);
	}
	printer_stop(p);
	*data = (unsigned char *)file_read(dev, 1 << 22, len);
	return *data ? 0 : -1;
}

struct medium {
	const char *name;	/* 'png', 'paper-384', 'paper-576' */
	int width;		/* 0: the PNG */
	int margin_left, margin_right;	/* where the text column starts and ends in the picture */
	int label_px, title_px;
	int level;		/* what counts as ink: darker than this */
	int label_level;	/* the same for the (grey on the PNG) label */
};

/* The receipt of doc in the current language on medium, as a picture. */
static int picture(const char *dir, const struct medium *md, const struct receipt_doc *d, char *png, size_t size,
		   unsigned char **bytes, size_t *blen)
{
	*bytes = NULL;
	if (!md->width) {
		char sub[600];
		snprintf(sub, sizeof(sub), "%s/%s", dir, i18n_lang());
		return receipt_png_write(NULL, sub, d, png, size);
	}
	if (print_to_file(dir, md->width, d, bytes, blen))
		return -1;
	snprintf(png, size, "%s/%s-%s-%s.png", dir, md->name, i18n_lang(), d->protocol);
	return escpos_render_png(*bytes, *blen, png) > 0 ? 0 : -1;
}

static const char *font_path(const char *file, char *buf, size_t size)
{
	snprintf(buf, size, "/usr/share/fonts/truetype/noto/%s", file);
	return buf;
}

static void test_language(const char *dir, const char *lang, const struct medium *md, int have_zbar)
{
	struct receipt_doc d;
	struct img m = { 0 }, m0 = { 0 };
	struct band b[256];
	char png[700], png0[700], name[512], font[300], label[256];
	unsigned char *bytes = NULL, *bytes0 = NULL;
	size_t blen = 0, blen0 = 0;
	int rtl = i18n_rtl(lang), n, rule = -1, bad_margin = 0, bad_side = 0;
	const char *latin_font, *script;
	SDL_Surface *ref = NULL;

	i18n_set(lang);
	doc_for(&d, long_title, "DC-013041-K03-2026-000123");
	snprintf(name, sizeof(name), "%s %s: receipt made", md->name, lang);
	if (picture(dir, md, &d, png, sizeof(png), &bytes, &blen) || img_load(png, &m)) {
		CHECK(name, 0);
		goto out;
	}
	CHECK(name, 1);
	snprintf(name, sizeof(name), "%s %s: zbar reads the QR code", md->name, lang);
	if (have_zbar)
		CHECK(name, zbar_reads(png, d.url));
	else
		printf("SKIP %s: zbarimg not installed\n", name);
	if (bytes) {
		/* The protocol number stays printer text, bold, as it was. */
		snprintf(name, sizeof(name), "%s %s: protocol number printed as text", md->name, lang);
		CHECK(name, memmem(bytes, blen, "\x1B" "E\x01" "DC-013041-K03-2026-000123\n", 29) != NULL);
	}

	/* Lines: each band of ink starts at the margin of the language's
	 * side; none leaves the column. The QR code (tallest band) aside. */
	n = bands(&m, 0, m.w, md->level, b, 256);
	for (int i = 0; i < n; i++) {
		int h = b[i].y1 - b[i].y0;
		if (h > 150)
			continue;	/* the QR code */
		if (h <= 3 && b[i].right - b[i].left > (md->margin_right - md->margin_left) * 9 / 10 && rule < 0)
			rule = i;
		if (b[i].left < md->margin_left - 1 || b[i].right > md->margin_right + 1) {
			printf("# %s %s: band %d (rows %d-%d) ink %d..%d outside %d..%d\n", md->name, lang, i, b[i].y0,
			       b[i].y1, b[i].left, b[i].right, md->margin_left, md->margin_right);
			bad_margin++;
		}
		/* A mark apart from its letter (the breve of й) is no line. */
		if (h >= 7 && (rtl ? b[i].right < md->margin_right - 6 : b[i].left > md->margin_left + 6)) {
			printf("# %s %s: band %d (rows %d-%d) ink %d..%d not against the %s margin\n", md->name, lang, i,
			       b[i].y0, b[i].y1, b[i].left, b[i].right, rtl ? "right" : "left");
			bad_side++;
		}
	}
	snprintf(name, sizeof(name), "%s %s: no ink outside the paper's margins (%d lines)", md->name, lang, n);
	CHECK(name, n > 8 && bad_margin == 0);
	snprintf(name, sizeof(name), "%s %s: every line %s-aligned", md->name, lang, rtl ? "right" : "left");
	CHECK(name, n > 8 && bad_side == 0);

	/* The label under the rule: "Protocol number" in the language, as
	 * SDL_ttf/HarfBuzz draws it in the language's font. */
	str_copy(label, sizeof(label), _("Protocol number"));
	latin_font = !strcmp(lang, "ro") || !strcmp(lang, "uk") || !strcmp(lang, "ar") ?
			     font_path("NotoSans-Regular.ttf", font, sizeof(font)) : NULL;
	script = rtl ? "Arab" : !strcmp(lang, "uk") ? "Cyrl" : "Latn";
	if (rtl)
		ref = reference(font_path("NotoSansArabic-Regular.ttf", font, sizeof(font)), md->label_px, label, 1, script);
	else if (latin_font)
		ref = reference(latin_font, md->label_px, label, 0, script);
	else {
		char tf[600];
		snprintf(tf, sizeof(tf), "%s/fonts/titillium-web-latin-400-normal.woff", assets_dir());
		ref = reference(tf, md->label_px, label, 0, script);
	}
	snprintf(name, sizeof(name), "%s %s: rule and label found", md->name, lang);
	CHECK(name, rule >= 0 && rule + 1 < n && ref);
	if (rule >= 0 && rule + 1 < n && ref) {
		double o = overlap(&m, &b[rule + 1], ref, rtl, md->label_level);
		snprintf(name, sizeof(name), "%s %s: label '%s' set as SDL_ttf/HarfBuzz sets it (ink overlap %.2f)",
			 md->name, lang, label, o);
		CHECK(name, o >= 0.75);
		if (rtl) {
			SDL_Surface *u = unshaped(font_path("NotoSansArabic-Regular.ttf", font, sizeof(font)), md->label_px,
						  label);
			double ou = u ? overlap(&m, &b[rule + 1], u, 1, md->label_level) : 1;
			snprintf(name, sizeof(name), "%s %s: label is not unjoined letters (overlap %.2f, shaped %.2f)",
				 md->name, lang, ou, o);
			CHECK(name, u && ou < o - 0.25);
			if (u)
				SDL_FreeSurface(u);
		}
	}

	/* The long title wraps and loses nothing: the receipt with it minus
	 * the receipt without it is the ink of the title on one line. */
	doc_for(&d, "", "DC-013041-K03-2026-000124");
	if (!picture(dir, md, &d, png0, sizeof(png0), &bytes0, &blen0) && !img_load(png0, &m0)) {
		char tf[600];
		SDL_Surface *t;
		int sum_level = md->width ? 128 : 256;
		double want = 0, got = ink_sum(&m, sum_level) - ink_sum(&m0, sum_level);
		if (latin_font)
			t = reference(font_path("NotoSans-Bold.ttf", font, sizeof(font)), md->title_px, long_title, 0, "Latn");
		else {
			snprintf(tf, sizeof(tf), "%s/fonts/titillium-web-latin-700-normal.woff", assets_dir());
			t = reference(tf, md->title_px, long_title, 0, "Latn");
		}
		if (t) {
			SDL_LockSurface(t);
			for (int y = 0; y < t->h; y++)
				for (int x = 0; x < t->w; x++) {
					int a = (int)(((const uint32_t *)((const unsigned char *)t->pixels +
									  (size_t)y * (size_t)t->pitch))[x] >> 24);
					want += sum_level > 255 ? a / 255.0 : a >= 128;
				}
			SDL_UnlockSurface(t);
			snprintf(name, sizeof(name), "%s %s: title %d px wide wrapped whole (ink %.0f of %.0f)", md->name,
				 lang, t->w, got, want);
			SDL_FreeSurface(t);
		}
		CHECK(name, want > 0 && got > want * 0.9 && got < want * 1.1);
	} else {
		snprintf(name, sizeof(name), "%s %s: receipt without title made", md->name, lang);
		CHECK(name, 0);
	}
out:
	if (ref)
		SDL_FreeSurface(ref);
	free(m.px);
	free(m0.px);
	free(bytes);
	free(bytes0);
}

int main(void)
{
	char dir[] = "/tmp/dote-receipt-lang-XXXXXX", loc[512], cmd[128];
	const char *o = getenv("O");
	int have_zbar = system("command -v zbarimg >/dev/null 2>&1") == 0;
	/* PNG: 720 wide, 40 margin; paper: the decoder's 32-dot margin plus
	 * the printer's 8. */
	static const struct medium media[] = {
		{ "png", 0, 40, 680, 22, 30, 224, 168 },
		{ "paper-384", 384, 40, 32 + 384 - 8, 22, 24, 128, 128 },
		{ "paper-576", 576, 40, 32 + 576 - 8, 22, 24, 128, 128 },
	};
	util_quiet(1);
	if (!mkdtemp(dir))
		return 1;
	if (access("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf", R_OK)) {
		printf("SKIP receipt languages: fonts-noto-core not installed\n");
		return check_done();
	}
	snprintf(loc, sizeof(loc), "%s/locale", o && *o ? o : "build");
	CHECK_INT("catalogs of the seven languages", i18n_load(loc, "it,en,fr,es,ro,uk,ar"), 7);
	TTF_Init();
	for (size_t k = 0; k < sizeof(media) / sizeof(media[0]); k++)
		for (int i = 0; i < i18n_nlanguages; i++)
			test_language(dir, i18n_languages[i], &media[k], have_zbar);
	{
		/* No fonts (a broken install): still a receipt, in the bitmap
		 * font and the printer's own letters, Italian and English. */
		struct receipt_doc d;
		struct receipt_words w;
		struct escpos_buf b = { 0 };
		char none[600], path[800];
		i18n_set("ar");
		receipt_words_current(&w);
		doc_for(&d, "Biblioteca", "DC-013041-K03-2026-000126");
		snprintf(none, sizeof(none), "%s/no-fonts", dir);
		CHECK_INT("no fonts: receipt PNG still written", receipt_png_write_in(none, none, &d, &w, path, sizeof(path)), 0);
		if (have_zbar)
			CHECK("no fonts: zbar reads its QR code", zbar_reads(path, d.url));
		CHECK_INT("no fonts: paper receipt still made", printer_receipt(&d, &w, none, 384, &b), 0);
		CHECK("no fonts: paper in the printer's letters", memmem(b.data, b.len, "Comune di Cant\x97\n", 16) != NULL);
		escpos_buf_release(&b);
		CHECK_INT("printer_receipt refuses 500 dots", printer_receipt(&d, &w, NULL, 500, &b), -1);
		escpos_buf_release(&b);
	}
	{
		/* What a tap on Print costs the UI thread (fonts opened, text
		 * set, rasters packed): a figure for the notes, not a check. */
		struct receipt_doc d;
		struct receipt_words w;
		int64_t t0;
		size_t bytes = 0;
		i18n_set("ar");
		receipt_words_current(&w);
		doc_for(&d, long_title, "DC-013041-K03-2026-000125");
		t0 = now_ms();
		for (int i = 0; i < 10; i++) {
			struct escpos_buf b = { 0 };
			if (printer_receipt(&d, &w, NULL, 576, &b) == 0)
				bytes = b.len;
			escpos_buf_release(&b);
		}
		printf("# printer_receipt(ar, 576 dots): %.1f ms each, %zu bytes\n", (now_ms() - t0) / 10.0, bytes);
	}
	if (getenv("DOTE_KEEP_SHOTS"))
		printf("# images kept in %s\n", dir);
	else {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			printf("# could not remove %s\n", dir);
	}
	i18n_release();
	return check_done();
}

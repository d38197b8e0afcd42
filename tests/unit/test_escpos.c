/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * ESC/POS receipts: code page 858 bytes for Italian accents and the euro
 * sign, the command stream (init, code page, raster QR at 384 and 576
 * dots, cut), and the QR read back by zbar both from the ESC/POS raster
 * rendered to PNG and from the receipt PNG the kiosk saves (its text
 * in the kiosk's TrueType font, or the built-in bitmap font).
 */
#include "core/escpos.h"
#include "core/png.h"
#include "core/receipt.h"
#include "core/util.h"
#include "kiosk/receipt_png.h"
#include "tests/unit/check.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_cp858(void)
{
	char out[64];
	CHECK_INT("cp858 è", escpos_cp858("è", out, sizeof(out)), 1);
	CHECK_INT("cp858 è is 0x8A", (unsigned char)out[0], 0x8A);
	escpos_cp858("€", out, sizeof(out));
	CHECK_INT("cp858 € is 0xD5", (unsigned char)out[0], 0xD5);
	escpos_cp858("àìòùé", out, sizeof(out));
	CHECK("cp858 àìòùé", !memcmp(out, "\x85\x8D\x95\x97\x82", 5));
	escpos_cp858("ÈÀÉ", out, sizeof(out));
	CHECK("cp858 ÈÀÉ", !memcmp(out, "\xD4\xB7\x90", 3));
	escpos_cp858("Città di Cantù: 500 €/mese", out, sizeof(out));
	CHECK_STR("cp858 sentence", out, "Citt\x85 di Cant\x97: 500 \xD5/mese");
	escpos_cp858("l’anno “x” – 日", out, sizeof(out));
	CHECK_STR("cp858 folds quotes, dash; unknown is ?", out, "l'anno \"x\" - ?");
	CHECK_INT("cp858 rejects bad UTF-8", escpos_cp858("a\xC3", out, sizeof(out)), -1);
	CHECK_INT("cp858 rejects overflow", escpos_cp858("abcdef", out, 4), -1);
}

static void sample_doc(struct receipt_doc *d)
{
	memset(d, 0, sizeof(*d));
	str_copy(d->comune_name, sizeof(d->comune_name), "Cantù");
	str_copy(d->protocol, sizeof(d->protocol), "DC-013041-K03-2026-000123");
	str_copy(d->placement_code, sizeof(d->placement_code), "DC06-013041-003");
	str_copy(d->placement_title, sizeof(d->placement_title), "Biblioteca civica: attività per l'utenza, 400 € al mese");
	str_copy(d->when, sizeof(d->when), "26/11/2026 10:00");
	str_copy(d->url, sizeof(d->url),
		 "HTTP://127.0.0.1:8470/R/AEBUWMBTAHX2IAPTB7L3U2E3QAAAAHWKAGLCGYOIOZ3R3UAAAAAAAAAAAAAAAAA");
}

static const unsigned char *find(const struct escpos_buf *b, const void *needle, size_t n)
{
	for (size_t i = 0; i + n <= b->len; i++)
		if (!memcmp(b->data + i, needle, n))
			return b->data + i;
	return NULL;
}

/* Decodes the QR in png with zbarimg; 1 when it reads exactly want. */
static int zbar_reads(const char *png, const char *want)
{
	char cmd[512], got[1024] = "";
	FILE *p;
	snprintf(cmd, sizeof(cmd), "zbarimg --raw -q '%s' 2>/dev/null", png);
	p = popen(cmd, "r");
	if (!p)
		return 0;
	if (!fgets(got, sizeof(got), p))
		got[0] = '\0';
	pclose(p);
	got[strcspn(got, "\n")] = '\0';
	if (strcmp(got, want))
		printf("# zbar read '%s'\n", got);
	return !strcmp(got, want);
}

static void test_stream(int width, const char *dir, int have_zbar)
{
	struct escpos_buf b = { 0 };
	struct receipt_doc d;
	char name[64], png[512];
	unsigned char gs[5] = { 0x1D, 'v', '0', 0, (unsigned char)(width / 8) };
	sample_doc(&d);
	snprintf(name, sizeof(name), "escpos %d: builds", width);
	CHECK_INT(name, escpos_receipt(&d, width, &b), 0);
	snprintf(name, sizeof(name), "escpos %d: starts with ESC @", width);
	CHECK(name, b.len > 2 && b.data[0] == 0x1B && b.data[1] == '@');
	snprintf(name, sizeof(name), "escpos %d: selects code page 858", width);
	CHECK(name, find(&b, "\x1Bt\x13", 3) != NULL);
	snprintf(name, sizeof(name), "escpos %d: comune name in cp858", width);
	CHECK(name, find(&b, "Comune di Cant\x97\n", 16) != NULL);
	snprintf(name, sizeof(name), "escpos %d: euro sign in cp858", width);
	CHECK(name, find(&b, "400 \xD5 al mese", 13) != NULL);
	snprintf(name, sizeof(name), "escpos %d: protocol printed", width);
	CHECK(name, find(&b, d.protocol, strlen(d.protocol)) != NULL);
	snprintf(name, sizeof(name), "escpos %d: date printed", width);
	CHECK(name, find(&b, "26/11/2026 10:00", 16) != NULL);
	snprintf(name, sizeof(name), "escpos %d: GS v 0 raster as wide as the paper", width);
	CHECK(name, find(&b, gs, sizeof(gs)) != NULL);
	snprintf(name, sizeof(name), "escpos %d: ends with feed and cut", width);
	CHECK(name, b.len > 4 && !memcmp(b.data + b.len - 4, "\x1DV\x42\x00", 4));
	snprintf(png, sizeof(png), "%s/escpos-%d.png", dir, width);
	snprintf(name, sizeof(name), "escpos %d: raster renders to PNG", width);
	CHECK_INT(name, escpos_render_png(b.data, b.len, png), 1);
	snprintf(name, sizeof(name), "escpos %d: zbar reads the printed QR", width);
	if (have_zbar)
		CHECK(name, zbar_reads(png, d.url));
	else
		printf("SKIP %s: zbarimg not installed\n", name);
	CHECK_INT("render: truncated raster is an error",
		  escpos_render_png(b.data, (size_t)(find(&b, gs, sizeof(gs)) - b.data) + 100, png), -1);
	escpos_buf_release(&b);
}

static void test_receipt_png(const char *dir, int have_zbar)
{
	struct receipt_doc d;
	char path[512];
	sample_doc(&d);
	CHECK_INT("receipt png written", receipt_write_png(dir, &d, path, sizeof(path)), 0);
	CHECK("receipt png named by protocol", strstr(path, "DC-013041-K03-2026-000123.png") != NULL);
	CHECK("receipt png exists", access(path, R_OK) == 0);
	if (have_zbar)
		CHECK("zbar reads the receipt png QR", zbar_reads(path, d.url));
	else
		printf("SKIP zbar reads the receipt png QR: zbarimg not installed\n");
	str_copy(d.protocol, sizeof(d.protocol), "../evil");
	CHECK_INT("receipt png refuses a path in the protocol", receipt_write_png(dir, &d, NULL, 0), -1);
}

/* The receipt PNG as the kiosk writes it: text set in the kiosk's
 * TrueType font (kiosk/receipt_png.c), the QR still read by zbar. */
static void test_receipt_png_ttf(const char *dir, int have_zbar)
{
	struct receipt_doc d;
	char ttf_dir[600], bit_dir[600], path[700], bit_path[700], cmd[1600];
	sample_doc(&d);
	snprintf(ttf_dir, sizeof(ttf_dir), "%s/ttf", dir);
	snprintf(bit_dir, sizeof(bit_dir), "%s/bitmap", dir);
	CHECK_INT("ttf: the font has every accent and the euro sign",
		  receipt_png_missing_glyphs(NULL, "Cantù Città perché àèéìòù ÀÈÉÌÒÙ € · «»"), 0);
	CHECK_INT("ttf: receipt png written", receipt_png_write(NULL, ttf_dir, &d, path, sizeof(path)), 0);
	CHECK_INT("ttf: bitmap receipt png written", receipt_write_png(bit_dir, &d, bit_path, sizeof(bit_path)), 0);
	snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", path, bit_path);
	CHECK("ttf: text is not the bitmap font's", system(cmd) != 0);
	if (have_zbar)
		CHECK("ttf: zbar reads the receipt png QR", zbar_reads(path, d.url));
	else
		printf("SKIP ttf: zbar reads the receipt png QR: zbarimg not installed\n");
	/* The accent is drawn: 'Cantù' and 'Cantu' give different pictures. */
	str_copy(d.comune_name, sizeof(d.comune_name), "Cantu");
	snprintf(ttf_dir, sizeof(ttf_dir), "%s/ttf-plain", dir);
	CHECK_INT("ttf: plain-letter receipt png written", receipt_png_write(NULL, ttf_dir, &d, bit_path, sizeof(bit_path)), 0);
	snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", path, bit_path);
	CHECK("ttf: the accent shows", system(cmd) != 0);
	/* No receipt page: no QR code at all. */
	d.url[0] = '\0';
	snprintf(ttf_dir, sizeof(ttf_dir), "%s/ttf-offline", dir);
	CHECK_INT("ttf: receipt png without QR written", receipt_png_write(NULL, ttf_dir, &d, path, sizeof(path)), 0);
	if (have_zbar) {
		snprintf(cmd, sizeof(cmd), "zbarimg -q '%s' >/dev/null 2>&1", path);
		CHECK_INT("ttf: receipt png without URL has no QR code", WEXITSTATUS(system(cmd)), 4);
	}
}

/* The decoder is fed random and damaged streams: it must fail cleanly. */
static void test_render_garbage(const char *dir)
{
	struct escpos_buf b = { 0 };
	struct receipt_doc d;
	unsigned char junk[4096];
	char png[512];
	int bad = 0;
	sample_doc(&d);
	escpos_receipt(&d, 384, &b);
	snprintf(png, sizeof(png), "%s/garbage.png", dir);
	srand(7);
	for (int i = 0; i < 300; i++) {
		for (size_t k = 0; k < sizeof(junk); k++)
			junk[k] = (unsigned char)rand();
		/* Plant raster headers with random sizes. */
		for (int k = 0; k < 4; k++) {
			size_t at = (size_t)rand() % (sizeof(junk) - 8);
			memcpy(junk + at, "\x1Dv0", 3);
		}
		int r = escpos_render_png(junk, sizeof(junk), png);
		if (r < -1 || r > 64)
			bad++;
		size_t cut = (size_t)rand() % b.len;
		r = escpos_render_png(b.data, cut, png);
		if (r < -1 || r > 1)
			bad++;
	}
	CHECK_INT("render: random and cut streams fail cleanly", bad, 0);
	escpos_buf_release(&b);
}

int main(void)
{
	char dir[] = "/tmp/dote-escpos-XXXXXX", cmd[128];
	int have_zbar = system("command -v zbarimg >/dev/null 2>&1") == 0;
	util_quiet(1);
	if (!mkdtemp(dir))
		return 1;
	test_cp858();
	test_stream(384, dir, have_zbar);
	test_stream(576, dir, have_zbar);
	{
		struct receipt_doc d;
		struct escpos_buf b = { 0 };
		sample_doc(&d);
		CHECK_INT("escpos refuses 500 dots", escpos_receipt(&d, 500, &b), -1);
		escpos_buf_release(&b);
	}
	test_receipt_png(dir, have_zbar);
	test_receipt_png_ttf(dir, have_zbar);
	test_render_garbage(dir);
	if (getenv("DOTE_KEEP_SHOTS"))
		printf("# images kept in %s\n", dir);
	else {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			printf("# could not remove %s\n", dir);
	}
	return check_done();
}

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * PDF documents (reports/web/pdf.h) read back the way a person and a
 * phone would: pdftotext gives back the words (accents and the euro sign
 * included), pdffonts shows the font embedded (DejaVu Sans),
 * pdfinfo counts the pages of a long document, and the QR code, drawn
 * into a PNG by pdftoppm, is decoded by zbarimg into the exact URL.
 * Skips when poppler-utils or zbar-tools are not installed.
 */
#include "reports/web/pdf.h"
#include "core/files.h"
#include "core/util.h"
#include "tests/unit/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define URL "HTTPS://HUB.EXAMPLE.IT/R/AEBTAAAAAFW3KCWRAAAAAB4HDG52RGYB2IRTKTFN"

/* Runs cmd and returns its whole output (malloc'd), or NULL. */
static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char *buf;
	size_t n = 0, cap = 1 << 16;
	if (!p)
		return NULL;
	buf = calloc(1, cap + 1);
	while (buf && n < cap) {
		size_t got = fread(buf + n, 1, cap - n, p);
		if (!got)
			break;
		n += got;
	}
	if (pclose(p) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int have(const char *tool)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

int main(void)
{
	char dir[] = "/tmp/test_pdf.XXXXXX", path[256], cmd[600], *pdf = NULL, *text;
	size_t len = 0;
	struct pdf_doc *d;
	const char *head[] = { "Mese", "Ore firmate", "Ore attese", "Indennità" };
	const char *row[] = { "novembre 2026", "44h00", "44h00", "209,52 €" };
	const int w[] = { 34, 22, 22, 22 };

	if (!have("pdftotext") || !have("pdftoppm") || !have("zbarimg")) {
		printf("SKIP pdf: poppler-utils or zbar-tools missing (scripts/deps test)\n");
		return 0;
	}
	if (!mkdtemp(dir))
		return 1;
	d = pdf_new("Progetto formativo");
	CHECK("pdf document starts", d != NULL);
	if (!d)
		return check_done();
	pdf_title(d, "Progetto formativo individuale");
	pdf_field(d, "Tirocinante", "Maria Rossi (RSSMRA85T10A562S)");
	pdf_field(d, "Ente ospitante", "Comune di Città di Castello");
	pdf_heading(d, "Attività");
	pdf_para(d, "Attività di sportello al cittadino, perché l'accoglienza è il primo servizio. "
		    "Indennità mensile: 412,50 € lordi.");
	pdf_row(d, head, w, 4, 1);
	pdf_row(d, row, w, 4, 0);
	CHECK_INT("pdf QR drawn", pdf_qr(d, URL, 45, "Verifica: " URL), 0);
	CHECK_INT("pdf finishes", pdf_finish(d, &pdf, &len), 0);
	CHECK("pdf starts with the PDF header", pdf && len > 1000 && !memcmp(pdf, "%PDF-", 5));
	snprintf(path, sizeof(path), "%s/doc.pdf", dir);
	CHECK_INT("pdf written", file_write_atomic(path, pdf, len, 0644), 0);
	free(pdf);

	snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 %s -", path);
	text = run(cmd);
	CHECK("pdftotext reads it", text != NULL);
	if (text) {
		CHECK("title in the text", strstr(text, "Progetto formativo individuale") != NULL);
		CHECK("accents in the text", strstr(text, "Città di Castello") && strstr(text, "perché"));
		CHECK("euro sign in the text", strstr(text, "412,50 €") != NULL);
		CHECK("table cells in the text", strstr(text, "Ore firmate") && strstr(text, "209,52 €"));
		free(text);
	}
	snprintf(cmd, sizeof(cmd), "pdffonts %s", path);
	text = run(cmd);
	CHECK("DejaVu Sans is embedded", text && strstr(text, "DejaVuSans") && strstr(text, " yes "));
	if (text && !strstr(text, "DejaVuSans"))
		printf("pdffonts says:\n%s", text);
	free(text);

	snprintf(cmd, sizeof(cmd), "pdftoppm -r 150 -png -singlefile %s %s/page && zbarimg -q --raw %s/page.png",
		 path, dir, dir);
	text = run(cmd);
	if (text)
		str_trim(text);
	CHECK_STR("zbarimg decodes the QR into the URL", text ? text : "(nothing)", URL);
	free(text);

	/* A long document flows onto more pages. */
	d = pdf_new("Registro");
	for (int i = 0; i < 120; i++)
		pdf_para(d, "Giorno di presenza con ingresso e uscita registrati al chiosco del comune.");
	CHECK_INT("long pdf finishes", pdf_finish(d, &pdf, &len), 0);
	file_write_atomic(path, pdf, len, 0644);
	free(pdf);
	snprintf(cmd, sizeof(cmd), "pdfinfo %s | awk '/^Pages:/ {print $2}'", path);
	text = run(cmd);
	CHECK("a long document has several pages", text && atoi(text) >= 3);
	free(text);

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return check_done();
}

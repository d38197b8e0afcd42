/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Reading a call's table (reports/store/call_csv.c) without a database:
 * separators, quotes with separators, doubled quotes and line breaks
 * inside, CRLF, BOM, Windows-1252 and mixed encodings, UTF-16, NUL
 * bytes, unclosed quotes; the cells' checks (comune by code or name,
 * areas in the calls' own words, months, hours, euros, seats, dates) and
 * the multipart parser of the upload form.
 */
#include <stdlib.h>
#include <string.h>
#include "reports/store/call_csv.h"
#include "reports/store/calls.h"
#include "reports/web/multipart.h"
#include "core/util.h"
#include "check.h"

static int read_str(const char *s, size_t len, struct csv_table *t, struct call_import *r)
{
	memset(r, 0, sizeof(*r));
	return csv_read(s, len, t, r);
}

static const char *cell(const struct csv_table *t, int rec, int col)
{
	return rec < t->n && col < t->recs[rec].n ? t->recs[rec].cells[col] : "(none)";
}

static void cell_ok(const char *name, enum pf f, const char *in, const char *want)
{
	char out[256], why[400];
	int rc = csv_cell(f, in, out, sizeof(out), why, sizeof(why));

	if (rc == 0 && !strcmp(out, want))
		printf("PASS %s\n", name);
	else
		printf("FAIL %s: '%s' gave rc %d '%s' (%s), want '%s'\n", name, in, rc, out, why, want);
}

static void cell_bad(const char *name, enum pf f, const char *in, const char *why_part)
{
	char out[256], why[400];
	int rc = csv_cell(f, in, out, sizeof(out), why, sizeof(why));

	if (rc && strstr(why, why_part))
		printf("PASS %s\n", name);
	else
		printf("FAIL %s: '%s' gave rc %d '%s' (%s), want a refusal saying '%s'\n", name, in, rc, out, why,
		       why_part);
}

int main(void)
{
	struct csv_table t;
	struct call_import r;
	char letters[8], d[11];
	static const char semi[] = "a;b;c\r\n1;\"x;y\";\"he said \"\"hi\"\"\"\r\n2;\"two\nlines\";\r\n";
	static const char comma[] = "\xef\xbb\xbf" "a,b\n\"1,5\",Citt\xc3\xa0\n";
	static const char cp1252[] = "a;b\n1;Citt\xe0 \x80 400\n";
	static const char mixed[] = "a;b\n1;Citt\xc3\xa0\n2;Universit\xe0\n";
	static const char utf16[] = "\xff\xfe" "a\0;\0b\0";

	CHECK_INT("semicolon file reads", read_str(semi, sizeof(semi) - 1, &t, &r), 0);
	CHECK_INT("separator guessed ';'", t.sep, ';');
	CHECK_INT("three records (a quoted line break stays in its row)", t.n, 3);
	CHECK_STR("quoted separator", cell(&t, 1, 1), "x;y");
	CHECK_STR("doubled quotes", cell(&t, 1, 2), "he said \"hi\"");
	CHECK_STR("line break inside quotes", cell(&t, 2, 1), "two\nlines");
	CHECK_INT("row numbers are spreadsheet rows", t.recs[2].row, 3);
	CHECK_INT("trailing empty cell kept", t.recs[2].n, 3);
	CHECK_STR("UTF-8 says so", r.encoding, "UTF-8");
	csv_table_release(&t);

	CHECK_INT("BOM and comma file reads", read_str(comma, sizeof(comma) - 1, &t, &r), 0);
	CHECK_INT("separator guessed ','", t.sep, ',');
	CHECK_STR("BOM dropped from the first header", cell(&t, 0, 0), "a");
	CHECK_STR("quoted decimal comma", cell(&t, 1, 0), "1,5");
	csv_table_release(&t);

	CHECK_INT("Windows-1252 file reads", read_str(cp1252, sizeof(cp1252) - 1, &t, &r), 0);
	CHECK_STR("Windows-1252 detected", r.encoding, "Windows-1252");
	CHECK_STR("Windows-1252 accents and euro sign to UTF-8", cell(&t, 1, 1), "Citt\xc3\xa0 \xe2\x82\xac 400");
	csv_table_release(&t);

	CHECK_INT("mixed encodings refused", read_str(mixed, sizeof(mixed) - 1, &t, &r), -1);
	CHECK("mixed encoding: the row and column of the bad cell",
	      r.nproblems == 1 && r.problems[0].row == 3 && r.problems[0].col == 2 &&
	      strstr(r.problems[0].msg, "0xE0") && !strcmp(r.problems[0].column, "b"));
	csv_table_release(&t);
	call_import_release(&r);

	CHECK_INT("UTF-16 refused", read_str(utf16, sizeof(utf16) - 1, &t, &r), -1);
	CHECK("UTF-16 says how to save", r.nproblems == 1 && strstr(r.problems[0].msg, "UTF-16"));
	csv_table_release(&t);
	call_import_release(&r);
	CHECK_INT("NUL bytes refused", read_str("a;b\n1\0;2\n", 9, &t, &r), -1);
	csv_table_release(&t);
	call_import_release(&r);
	CHECK_INT("unclosed quote refused", read_str("a;b\n1;\"open\n", 12, &t, &r), -1);
	CHECK("unclosed quote: its row and column", r.nproblems == 1 && r.problems[0].row == 2 && r.problems[0].col == 2);
	csv_table_release(&t);
	call_import_release(&r);

	csv_col_letters(1, letters, sizeof(letters));
	CHECK_STR("column 1 is A", letters, "A");
	csv_col_letters(28, letters, sizeof(letters));
	CHECK_STR("column 28 is AB", letters, "AB");

	cell_ok("comune by ISTAT code", PF_COMUNE, "015146", "015146");
	cell_ok("comune by ISTAT code without its leading zero", PF_COMUNE, "15146", "015146");
	cell_ok("comune by name, no accent", PF_COMUNE, "citta di castello", "054013");
	cell_ok("comune by name and province", PF_COMUNE, "Castro (LE)", "075096");
	cell_bad("ambiguous comune name", PF_COMUNE, "Castro", "più Comuni (BG, LE)");
	cell_bad("unknown comune", PF_COMUNE, "Atlantide", "sconosciuto");
	cell_bad("unknown ISTAT code", PF_COMUNE, "999999", "nessun Comune");
	cell_ok("project code upper-cased", PF_CODE, "plc112512s03", "PLC112512S03");
	cell_bad("project code with a space", PF_CODE, "PLC 1", "non valido");
	cell_ok("area by key", PF_AREA, "library", "library");
	cell_ok("area by label", PF_AREA, "Anagrafe e stato civile", "registry");
	cell_ok("area in the call's words", PF_AREA, "Servizi demografici", "registry");
	cell_bad("unknown area lists the choices", PF_AREA, "Astronomia", "Biblioteca");
	cell_ok("months with unit", PF_MONTHS, "6 mesi", "6");
	cell_bad("months not 3/6/9/12", PF_MONTHS, "7", "3, 6, 9 o 12");
	cell_ok("hours with decimal zero", PF_HOURS, "20,0", "20");
	cell_bad("hours over 40", PF_HOURS, "41", "da 1 a 40");
	cell_ok("euros with sign and cents", PF_ALLOWANCE, "€ 400,00", "400");
	cell_ok("euros with thousands point", PF_ALLOWANCE, "1.200,00", "1200");
	cell_ok("euros English style", PF_ALLOWANCE, "450.00", "450");
	cell_ok("euros with EUR", PF_ALLOWANCE, "500 EUR", "500");
	cell_bad("euros with real cents", PF_ALLOWANCE, "400,50", "centesimi");
	cell_bad("euros not a number", PF_ALLOWANCE, "quattrocento", "non valida");
	cell_bad("seats zero", PF_SEATS, "0", "da 1 a 99");
	cell_ok("seats", PF_SEATS, "3", "3");
	cell_ok("Italian date", PF_DEADLINE, "31/01/2026", "2026-01-31");
	cell_ok("short Italian date", PF_DEADLINE, "1/2/26", "2026-02-01");
	cell_ok("ISO date", PF_DEADLINE, "2026-01-31", "2026-01-31");
	cell_bad("impossible date", PF_DEADLINE, "31/02/2026", "non valida");
	cell_ok("empty deadline (the call's)", PF_DEADLINE, "", "");
	cell_bad("address on two lines", PF_ADDRESS, "Via Roma\n1", "una riga");
	CHECK_INT("csv_date rejects garbage", csv_date("domani", d), -1);

	{
		static const char ct[] = "multipart/form-data; boundary=----XyZ";
		static const char body[] = "------XyZ\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\n11/2025\r\n"
					   "------XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
					   "Content-Type: text/csv\r\n\r\na;b\r\n\0x\r\n------XyZ--\r\n";
		struct mp_part parts[4];
		const struct mp_part *f;
		char code[16];
		int n = multipart_parse(ct, body, sizeof(body) - 1, parts, 4);

		CHECK_INT("multipart: two parts", n, 2);
		CHECK("multipart: a field", multipart_text(parts, n, "code", code, sizeof(code)) == 0 && !strcmp(code, "11/2025"));
		f = multipart_get(parts, n, "file");
		CHECK("multipart: a binary file part", f && !strcmp(f->filename, "a.csv") && f->len == 7 &&
						      !memcmp(f->data, "a;b\r\n\0x", 7));
		CHECK_INT("multipart: no closing boundary refused",
			  multipart_parse(ct, body, sizeof(body) - 10, parts, 4), -1);
		CHECK_INT("multipart: not multipart refused",
			  multipart_parse("application/x-www-form-urlencoded", body, sizeof(body) - 1, parts, 4), -1);
	}
	return check_failures != 0;
}

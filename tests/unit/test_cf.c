/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Codice fiscale: valid codes (men, women, foreign-born, suppressed
 * comuni), omocodia at every allowed position, and every kind of invalid
 * code, each with the reason a person would be shown.
 */
#include "core/cf.h"
#include "check.h"

#include <stdio.h>
#include <string.h>

static const char TODAY[] = "2026-11-26";
static const char OMO[] = "LMNPQRSTUV";

/* n characters of s from position from, as a string (one static buffer). */
static const char *sub(const char *s, int from, int n)
{
	static char buf[17];
	memcpy(buf, s + from, (size_t)n);
	buf[n] = '\0';
	return buf;
}

static int valid(const char *code, struct cf_info *info)
{
	char err[160];
	return cf_check(code, TODAY, info, err, sizeof(err)) == 0;
}

static void expect_error(const char *name, const char *code, const char *want)
{
	char err[160] = "";
	int rc = cf_check(code, TODAY, NULL, err, sizeof(err));
	if (rc == 0) {
		printf("FAIL %s: '%s' accepted\n", name, code);
		check_failures++;
		return;
	}
	if (!strstr(err, want)) {
		printf("FAIL %s: error '%s' does not say '%s'\n", name, err, want);
		check_failures++;
		return;
	}
	printf("PASS %s\n", name);
}

/* Replaces the digit at 0-based position pos with its omocodia letter and
 * recomputes the check character. */
static void omocode(char *code, int pos)
{
	code[pos] = OMO[code[pos] - '0'];
	code[15] = cf_check_char(code);
}

int main(void)
{
	struct cf_info in;
	char code[17];

	/* A man born in Milan, and the canonical example. */
	CHECK("valid man Milano", valid("MRTMTT91D08F205J", &in));
	CHECK_STR("sex M", sub(&in.sex, 0, 1), "M");
	CHECK_STR("birth date", in.birth_date, "1991-04-08");
	CHECK_STR("birthplace code", in.birthplace, "F205");
	CHECK_STR("birthplace name", in.birthplace_name, "Milano");
	CHECK_STR("province", in.province, "MI");
	CHECK("valid RSSMRA85T10A562S", valid("RSSMRA85T10A562S", &in));
	CHECK_STR("T is December", in.birth_date, "1985-12-10");

	/* A woman: day + 40. */
	CHECK("cf_compute woman", cf_compute("Bianchi", "Giulia", 'F', "2001-02-28", "B157", code, sizeof(code)) == 0);
	CHECK("computed woman valid", valid(code, &in));
	CHECK_STR("woman sex", sub(&in.sex, 0, 1), "F");
	CHECK_STR("woman birth date", in.birth_date, "2001-02-28");
	CHECK_STR("woman born in Brescia", in.birthplace_name, "Brescia");
	CHECK_STR("woman day is 68", sub(code, 9, 2), "68");

	/* Names: fewer than three consonants, accents, apostrophes. */
	CHECK("cf_compute short surname", cf_compute("Fo", "Ugo", 'M', "1950-01-01", "F205", code, sizeof(code)) == 0);
	CHECK_STR("short names padded with X", sub(code, 0, 6), "FOXGUO");
	CHECK("cf_compute name with 4 consonants", cf_compute("Rossi", "Gianfranco", 'M', "1970-05-05", "F205", code, sizeof(code)) == 0);
	CHECK_STR("name takes 1st, 3rd, 4th consonant", sub(code, 3, 3), "GFR");
	CHECK("cf_compute accents", cf_compute("Nicolò", "Niccolò", 'M', "1999-09-09", "F205", code, sizeof(code)) == 0);
	CHECK("accented names give a valid code", valid(code, NULL));

	/* Born abroad: Z codes. */
	CHECK("cf_compute foreign", cf_compute("Dupont", "Marie", 'F', "1980-07-14", "Z110", code, sizeof(code)) == 0);
	CHECK("born in France valid", valid(code, &in));
	CHECK_STR("foreign province EE", in.province, "EE");
	CHECK_STR("foreign country name", in.birthplace_name, "FRANCIA");

	/* Born in a comune that no longer exists (suppressed, still valid). */
	CHECK("cf_compute suppressed comune", cf_compute("Verdi", "Carlo", 'M', "1940-03-03", "A002", code, sizeof(code)) == 0);
	CHECK("suppressed comune code accepted", valid(code, &in));

	/* Lower case, spaces from a keyboard, and a barcode scanner's newline. */
	CHECK("lower case accepted", valid("mrtmtt91d08f205j", NULL));
	CHECK("spaces accepted", valid("MRT MTT 91D08 F205J", NULL));
	CHECK("trailing newline accepted", valid("MRTMTT91D08F205J\n", NULL));

	/* Omocodia at every allowed position, one at a time and all together. */
	static const int pos[] = { 6, 7, 9, 10, 12, 13, 14 };
	for (size_t i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		char name[64];
		strcpy(code, "MRTMTT91D08F205J");
		omocode(code, pos[i]);
		snprintf(name, sizeof(name), "omocodia at position %d", pos[i] + 1);
		CHECK(name, valid(code, &in) && !strcmp(in.birth_date, "1991-04-08") &&
			    !strcmp(in.birthplace, "F205") && in.omocode == 1);
	}
	strcpy(code, "MRTMTT91D08F205J");
	for (size_t i = 0; i < sizeof(pos) / sizeof(pos[0]); i++)
		omocode(code, pos[i]);
	CHECK("omocodia at all seven positions", valid(code, &in) && in.omocode == 7 &&
						 !strcmp(in.birth_date, "1991-04-08"));
	/* Expected values below were cross-checked with codice-fiscale-js. */
	CHECK_STR("fully omocode code", code, "MRTMTTVMDLUFNLRM");
	CHECK("cf_compute Rossi Gianfranco", cf_compute("Rossi", "Gianfranco", 'M', "1970-05-05", "F205", code, sizeof(code)) == 0 && !strcmp(code, "RSSGFR70E05F205G"));
	CHECK("cf_compute Nicolò Niccolò", cf_compute("Nicolò", "Niccolò", 'M', "1999-09-09", "F205", code, sizeof(code)) == 0 && !strcmp(code, "NCLNCL99P09F205C"));

	/* Invalid, each with a reason. */
	expect_error("wrong check character", "MRTMTT91D08F205K", "check character should be J");
	expect_error("too short", "MRTMTT91D08F205", "too short");
	expect_error("too long", "MRTMTT91D08F205JX", "too long");
	expect_error("empty", "", "empty");
	expect_error("punctuation", "MRTMTT91D08F205!", "not allowed");
	expect_error("digit in name part", "MR1MTT91D08F205J", "letters");
	expect_error("letter not omocodia in year", "MRTMTTA1D08F205J", "omocodia");
	/* Valid check character but impossible content. */
	strcpy(code, "MRTMTT91F08F205J"); code[15] = cf_check_char(code);
	expect_error("bad month letter F", code, "not a month letter");
	strcpy(code, "MRTMTT91B30F205J"); code[15] = cf_check_char(code);
	expect_error("30 February", code, "not a real date");
	strcpy(code, "MRTMTT91B71F205J"); code[15] = cf_check_char(code);
	expect_error("woman 31 February", code, "not a real date");
	strcpy(code, "MRTMTT91D35F205J"); code[15] = cf_check_char(code);
	expect_error("day 35", code, "not valid");
	strcpy(code, "MRTMTT91D00F205J"); code[15] = cf_check_char(code);
	expect_error("day 00", code, "not valid");
	strcpy(code, "MRTMTT91D08Z999J"); code[15] = cf_check_char(code);
	expect_error("unknown birthplace", code, "not a known comune or country");
	/* Leap years: 29 Feb 2000 exists, 29 Feb 1900 does not (but "00" is 2000). */
	CHECK("29 February 2000", cf_compute("Rossi", "Mario", 'M', "2000-02-29", "F205", code, sizeof(code)) == 0 && valid(code, &in) && !strcmp(in.birth_date, "2000-02-29"));
	strcpy(code, "RSSMRA01B29F205X"); code[15] = cf_check_char(code);
	expect_error("29 February 2001", code, "not a real date");
	/* Two-digit years: up to this year are 2000s, later ones 1900s. */
	CHECK("year 26 is 2026", cf_compute("Rossi", "Mario", 'M', "2026-01-02", "F205", code, sizeof(code)) == 0 && valid(code, &in) && !strcmp(in.birth_date, "2026-01-02"));
	CHECK("year 27 is 1927", cf_compute("Rossi", "Mario", 'M', "1927-01-02", "F205", code, sizeof(code)) == 0 && valid(code, &in) && !strcmp(in.birth_date, "1927-01-02"));
	strcpy(code, "RSSMRA26T31F205X"); code[15] = cf_check_char(code);
	expect_error("birth date in the future", code, "in the future");
	return check_done();
}

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Codice fiscale validation and computation (DM 12/03/1974, with the
 * omocodia substitutions of the Agenzia delle Entrate). Start reading at
 * cf_check().
 */
#include "core/cf.h"
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char MONTHS[] = "ABCDEHLMPRST";
static const char OMOCODIA[] = "LMNPQRSTUV";	/* replace digits 0..9 */
/* 0-based positions that hold digits and may be replaced by OMOCODIA. */
static const int DIGIT_POS[] = { 6, 7, 9, 10, 12, 13, 14 };

/* Value of a character in an odd (1st, 3rd, ...) position. */
static int odd_value(char c)
{
	static const int v[] = { 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20,
				 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23 };
	if (c >= '0' && c <= '9')
		return v[c - '0'];
	return v[c - 'A'];
}

static int even_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c - 'A';
}

char cf_check_char(const char *s)
{
	int sum = 0;
	for (int i = 0; i < 15; i++)
		sum += (i % 2 == 0) ? odd_value(s[i]) : even_value(s[i]);
	return (char)('A' + sum % 26);
}

static int is_digit_pos(int i)
{
	for (size_t k = 0; k < ARRAY_SIZE(DIGIT_POS); k++)
		if (DIGIT_POS[k] == i)
			return 1;
	return 0;
}

#define FAIL(...) do { if (err) snprintf(err, errsize, __VA_ARGS__); return -1; } while (0)

int cf_check(const char *input, const char *today, struct cf_info *info, char *err, size_t errsize)
{
	char c[17], plain[17], tbuf[11];
	size_t n = 0;
	int yy, month, day, year, ty, tm, td;
	struct cf_info out;

	memset(&out, 0, sizeof(out));
	if (!input)
		FAIL("empty code");
	for (const char *p = input; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '-')
			continue;
		if (!isalnum((unsigned char)*p))
			FAIL("character '%c' is not allowed", isprint((unsigned char)*p) ? *p : '?');
		if (n >= 16)
			FAIL("too long: a codice fiscale has 16 characters");
		c[n++] = (char)toupper((unsigned char)*p);
	}
	c[n] = '\0';
	if (n == 0)
		FAIL("empty code");
	if (n < 16)
		FAIL("too short: a codice fiscale has 16 characters, this has %zu", n);

	for (int i = 0; i < 6; i++)
		if (!isupper((unsigned char)c[i]))
			FAIL("characters 1-6 must be letters (from surname and name)");
	if (!isupper((unsigned char)c[8]))
		FAIL("character 9 must be a month letter");
	if (!isupper((unsigned char)c[11]))
		FAIL("character 12 must be a letter (birthplace code)");
	if (!isupper((unsigned char)c[15]))
		FAIL("character 16 must be a letter (check character)");

	/* Undo omocodia: letters in digit positions map back to digits. */
	memcpy(plain, c, sizeof(plain));
	for (size_t k = 0; k < ARRAY_SIZE(DIGIT_POS); k++) {
		int i = DIGIT_POS[k];
		if (isdigit((unsigned char)c[i]))
			continue;
		const char *m = strchr(OMOCODIA, c[i]);
		if (!m || !*m)
			FAIL("character %d must be a digit or an omocodia letter (LMNPQRSTUV)", i + 1);
		plain[i] = (char)('0' + (m - OMOCODIA));
		out.omocode++;
	}
	for (int i = 0; i < 15; i++)
		if (is_digit_pos(i) && !isdigit((unsigned char)plain[i]))
			FAIL("character %d must be a digit", i + 1);

	{
		char want = cf_check_char(c);
		if (want != c[15])
			FAIL("check character should be %c", want);
	}

	const char *mp = strchr(MONTHS, c[8]);
	if (!mp)
		FAIL("'%c' is not a month letter (ABCDEHLMPRST)", c[8]);
	month = (int)(mp - MONTHS) + 1;
	yy = (plain[6] - '0') * 10 + (plain[7] - '0');
	day = (plain[9] - '0') * 10 + (plain[10] - '0');
	if (day > 40) {
		out.sex = 'F';
		day -= 40;
	} else {
		out.sex = 'M';
	}
	if (day < 1 || day > 31)
		FAIL("day of birth %02d is not valid (1-31, or 41-71 for women)",
		     out.sex == 'F' ? day + 40 : day);

	if (!today) {
		time_date(now_wall(), tbuf, sizeof(tbuf));
		today = tbuf;
	}
	if (date_parse(today, &ty, &tm, &td))
		FAIL("bad reference date");
	year = (yy <= ty % 100) ? 2000 + yy : 1900 + yy;
	if (day > days_in_month(year, month))
		FAIL("%04d-%02d-%02d is not a real date", year, month, day);
	snprintf(out.birth_date, sizeof(out.birth_date), "%04u-%02u-%02u",
		 (unsigned)year % 10000u, (unsigned)month % 100u, (unsigned)day % 100u);
	if (strcmp(out.birth_date, today) > 0)
		FAIL("birth date %s is in the future", out.birth_date);

	memcpy(out.birthplace, plain + 11, 4);
	out.birthplace[4] = '\0';
	const struct belfiore *b = belfiore_find(out.birthplace);
	if (!b)
		FAIL("birthplace code %s is not a known comune or country", out.birthplace);
	const struct comune *cm = comune_by_belfiore(out.birthplace);
	str_copy(out.birthplace_name, sizeof(out.birthplace_name), cm ? cm->name : b->name);
	str_copy(out.province, sizeof(out.province), b->province);
	str_copy(out.code, sizeof(out.code), c);
	if (info)
		*info = out;
	if (err && errsize)
		err[0] = '\0';
	return 0;
}

/* Consonants then vowels of an upper-cased ASCII-folded name. */
static void letters(const char *s, char *cons, char *vow, size_t size)
{
	size_t nc = 0, nv = 0;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		char u;
		if (ch == 0xc3 && s[1]) {	/* accented vowels count as plain ones */
			u = (char)toupper((unsigned char)utf8_latin1_base(s));
			s++;
			if (!u || !strchr("AEIOU", u))
				continue;
		} else if (isalpha(ch)) {
			u = (char)toupper(ch);
		} else {
			continue;
		}
		if (strchr("AEIOU", u)) {
			if (nv + 1 < size) vow[nv++] = u;
		} else if (nc + 1 < size) {
			cons[nc++] = u;
		}
	}
	cons[nc] = vow[nv] = '\0';
}

static void three(const char *cons, const char *vow, int is_name, char *out)
{
	char all[128];
	size_t nc = strlen(cons);
	if (is_name && nc >= 4) {
		out[0] = cons[0]; out[1] = cons[2]; out[2] = cons[3];
		return;
	}
	snprintf(all, sizeof(all), "%s%sXXX", cons, vow);
	memcpy(out, all, 3);
}

int cf_compute(const char *surname, const char *name, char sex, const char *birth_date,
	       const char *birthplace, char *out, size_t size)
{
	char cons[64], vow[64], code[17];
	int y, m, d;
	/* A cadastral code is a letter and three digits; anything else would
	 * also reach cf_check_char(), which indexes by letter and digit. */
	if (size < 17 || date_parse(birth_date, &y, &m, &d) || (sex != 'F' && sex != 'M') ||
	    !birthplace || strlen(birthplace) != 4 || birthplace[0] < 'A' || birthplace[0] > 'Z' ||
	    strspn(birthplace + 1, "0123456789") != 3)
		return -1;
	letters(surname, cons, vow, sizeof(cons));
	three(cons, vow, 0, code);
	letters(name, cons, vow, sizeof(cons));
	three(cons, vow, 1, code + 3);
	snprintf(code + 6, 11, "%02d%c%02d%s", y % 100, MONTHS[m - 1], sex == 'F' ? d + 40 : d,
		 birthplace);
	code[15] = cf_check_char(code);
	code[16] = '\0';
	memcpy(out, code, 17);
	return 0;
}

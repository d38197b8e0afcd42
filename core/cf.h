/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The Italian codice fiscale: full validation and decoding (layout,
 * month letters, day + 40 for women, real calendar dates, omocodia at
 * every allowed position, check character, cadastral code known in the
 * comuni or foreign-country table), and computing one from personal data.
 */
#ifndef DOTE_CF_H
#define DOTE_CF_H
#include <stddef.h>

struct cf_info {
	char code[17];		/* normalised: upper case, no spaces */
	char sex;		/* 'F' or 'M' */
	char birth_date[11];	/* 'YYYY-MM-DD' */
	char birthplace[5];	/* cadastral code, omocodia undone: 'F205' */
	char birthplace_name[96];/* 'Milano', or the country: 'FRANCIA' */
	char province[3];	/* 'MI', or 'EE' when born abroad */
	int omocode;		/* how many characters were substituted */
};

/* Validates code (case-insensitive; surrounding and inner spaces are
 * ignored, as a keyboard or barcode scanner may add them). Returns 0 and
 * fills *info when valid; otherwise -1 with a short English reason in err
 * ("check character should be S"). `today` is 'YYYY-MM-DD' (NULL: now). */
int cf_check(const char *code, const char *today, struct cf_info *info, char *err, size_t errsize);

/* The expected check character of the first 15 characters. */
char cf_check_char(const char *first15);

/* Computes a codice fiscale (no omocodia) into out (>= 17 bytes).
 * sex is 'F' or 'M', birth_date 'YYYY-MM-DD', birthplace a cadastral code.
 * Returns 0, or -1 on bad input. */
int cf_compute(const char *surname, const char *name, char sex, const char *birth_date,
	       const char *birthplace, char *out, size_t size);
#endif

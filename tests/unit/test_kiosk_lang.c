/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Unit tests of the kiosk's languages and voice guide helpers: every
 * catalog translates every message (Italian and English complete, the
 * five others too), a message a catalog lacks falls back to Italian and
 * never to a blank, the bidi runs of mixed Arabic/Latin lines in visual
 * order, personal data masking, and the spelling of a protocol number
 * for speech.
 */
#include "tests/unit/check.h"
#include "core/util.h"
#include "kiosk/i18n.h"
#include "kiosk/kiosk.h"
#include "kiosk/render.h"
#include "kiosk/speech.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writes a .mo catalog with n sorted (msgid, msgstr) pairs. */
static int write_mo(const char *path, const char *const *ids, const char *const *strs, int n)
{
	FILE *f = fopen(path, "wb");
	uint32_t hdr[7] = { 0x950412de, 0, (uint32_t)n, 28, 28 + 8 * (uint32_t)n, 0, 0 };
	uint32_t off = 28 + 16 * (uint32_t)n;
	if (!f)
		return -1;
	fwrite(hdr, 4, 7, f);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++) {
			const char *s = pass ? strs[i] : ids[i];
			uint32_t e[2] = { (uint32_t)strlen(s), off };
			fwrite(e, 4, 2, f);
			off += (uint32_t)strlen(s) + 1;
		}
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++) {
			const char *s = pass ? strs[i] : ids[i];
			fwrite(s, 1, strlen(s) + 1, f);
		}
	return fclose(f);
}

static void test_fallback(void)
{
	char dir[] = "/tmp/dote-i18n-XXXXXX", path[600];
	static const char *const it_ids[] = { "Back", "Continue" }, *const it_strs[] = { "Indietro", "Continua" };
	static const char *const fr_ids[] = { "Back" }, *const fr_strs[] = { "Retour" };
	if (!mkdtemp(dir)) {
		printf("FAIL i18n fallback: no temp dir\n");
		return;
	}
	str_fmt(path, sizeof(path), "%s/it", dir);
	mkdir(path, 0700);
	str_fmt(path, sizeof(path), "%s/it/LC_MESSAGES", dir);
	mkdir(path, 0700);
	str_fmt(path, sizeof(path), "%s/it/LC_MESSAGES/dote-kiosk.mo", dir);
	write_mo(path, it_ids, it_strs, 2);
	str_fmt(path, sizeof(path), "%s/fr", dir);
	mkdir(path, 0700);
	str_fmt(path, sizeof(path), "%s/fr/LC_MESSAGES", dir);
	mkdir(path, 0700);
	str_fmt(path, sizeof(path), "%s/fr/LC_MESSAGES/dote-kiosk.mo", dir);
	write_mo(path, fr_ids, fr_strs, 1);
	/* Italian is loaded as the fallback even when not offered. */
	i18n_load(dir, "fr");
	CHECK("i18n fallback: French loaded", !i18n_set("fr"));
	CHECK_STR("i18n fallback: French message", _("Back"), "Retour");
	CHECK_STR("i18n fallback: missing in French comes in Italian", _("Continue"), "Continua");
	CHECK_STR("i18n fallback: missing everywhere stays the English msgid", _("Nowhere"), "Nowhere");
	CHECK("i18n fallback: Spanish not loaded", i18n_set("es") == -1 && !i18n_loaded("es"));
	CHECK("i18n fallback: known languages", i18n_known("ar") && i18n_known("uk") && !i18n_known("de"));
	CHECK("i18n: Arabic is right to left", i18n_rtl("ar") && !i18n_rtl("uk"));
	i18n_release();
	str_fmt(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path))
		printf("FAIL i18n fallback: cannot clean %s\n", dir);
}

/* Every catalog translates every message of the Italian one (the
 * reference), with the same printf conversions in the same order. */
static void test_complete(void)
{
	const char *o = getenv("O");
	char dir[512], line[2048], fails[7][120];
	FILE *f;
	int n = 0, missing[7] = { 0 }, badfmt[7] = { 0 };
	snprintf(dir, sizeof(dir), "%s/locale", o && *o ? o : "build");
	if (i18n_load(dir, "it,en,fr,es,ro,uk,ar") < 7) {
		printf("FAIL catalogs: not all seven built in %s\n", dir);
		return;
	}
	f = fopen("assets/po/it.po", "r");
	if (!f) {
		printf("FAIL catalogs: cannot read assets/po/it.po\n");
		i18n_release();
		return;
	}
	memset(fails, 0, sizeof(fails));
	while (fgets(line, sizeof(line), f)) {
		char id[2048];
		size_t len;
		if (strncmp(line, "msgid \"", 7))
			continue;
		/* One-line msgids (all of ours); unescape \" for the lookup. */
		len = 0;
		for (const char *p = line + 7; *p && !(*p == '"' && p[-1] != '\\'); p++)
			if (!(*p == '\\' && p[1] == '"'))
				id[len++] = *p;
		id[len] = 0;
		if (!id[0])
			continue;
		n++;
		for (int l = 0; l < i18n_nlanguages; l++) {
			const char *lang = i18n_languages[l], *t, *a, *b;
			if (!strcmp(lang, "en"))
				continue;	/* msgids are English */
			if (!i18n_has(lang, id)) {
				if (!missing[l]++)
					str_fmt(fails[l], sizeof(fails[l]), "%.100s", id);
				continue;
			}
			i18n_set(lang);
			t = _(id);
			/* The conversions (%d %s %c) in the same order. */
			for (a = id, b = t;;) {
				a = strchr(a, '%');
				b = strchr(b, '%');
				if (!a || !b) {
					if (a || b)
						badfmt[l]++;
					break;
				}
				if (a[1] != b[1]) {
					badfmt[l]++;
					break;
				}
				a += 2;
				b += 2;
			}
		}
	}
	fclose(f);
	CHECK("catalogs: the Italian reference has messages", n > 200);
	for (int l = 0; l < i18n_nlanguages; l++) {
		char name[64];
		if (!strcmp(i18n_languages[l], "en"))
			continue;
		str_fmt(name, sizeof(name), "catalogs: %s translates all %d messages", i18n_languages[l], n);
		if (missing[l])
			printf("FAIL %s: %d missing, first '%s'\n", name, missing[l], fails[l]);
		else
			printf("PASS %s\n", name);
		str_fmt(name, sizeof(name), "catalogs: %s keeps the printf conversions", i18n_languages[l]);
		CHECK(name, !badfmt[l]);
	}
	i18n_set("uk");
	CHECK_STR("catalogs: Ukrainian", _("Find a placement"), "Знайти стажування");
	i18n_set("ar");
	CHECK_STR("catalogs: Arabic", _("Back"), "رجوع");
	i18n_set("ro");
	CHECK("catalogs: Romanian has its own letters (comma below)", strstr(_("Delete"), "\xC8\x98") != NULL);
	i18n_release();
}

static void runs_text(const char *text, int base_rtl, char *out, size_t size)
{
	struct render_run runs[RENDER_MAX_RUNS];
	int n = render_runs(text, strlen(text), base_rtl, RENDER_FAM_TITILLIUM, NULL, NULL, runs, RENDER_MAX_RUNS);
	size_t len = 0;
	out[0] = 0;
	for (int i = 0; i < n && len + 8 < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%c{%.*s}", i ? "" : "", runs[i].rtl ? 'R' : 'L',
					(int)runs[i].len, text + runs[i].start);
}

static void test_runs(void)
{
	char got[512];
	struct render_run runs[RENDER_MAX_RUNS];
	/* Visual order, left to right, of runs: R are shaped right to left. */
	runs_text("Milano", 1, got, sizeof(got));
	CHECK_STR("bidi: Latin alone", got, "L{Milano}");
	runs_text("\xD8\xA8\xD9\x84\xD8\xAF\xD9\x8A\xD8\xA9 Milano", 1, got, sizeof(got));
	CHECK_STR("bidi: Arabic then a Latin name: the name on the left", got, "L{Milano}R{ }R{بلدية}");
	runs_text("DoteComune - \xD8\xAA\xD8\xAF\xD8\xB1\xD9\x8A\xD8\xA8", 1, got, sizeof(got));
	CHECK_STR("bidi: a Latin word first goes to the right in an RTL line", got, "R{تدريب}R{ - }L{DoteComune}");
	runs_text("\xD9\x81\xD9\x8A Milano (MI) x", 1, got, sizeof(got));
	CHECK_STR("bidi: brackets around Latin stay with it (N0)", got, "L{Milano (MI) x}R{ }R{في}");
	runs_text("\xD9\x81\xD9\x8A 01/01/1995", 1, got, sizeof(got));
	CHECK_STR("bidi: dates read left to right", got, "L{01/01/1995}R{ }R{في}");
	runs_text("\xD8\xA7\xD9\x84\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A\xD8\xA9", 0, got, sizeof(got));
	CHECK_STR("bidi: Arabic in an LTR line is one RTL run", got, "R{العربية}");
	CHECK_INT("bidi: empty line", render_runs("", 0, 1, 0, NULL, NULL, runs, RENDER_MAX_RUNS), 0);
	{
		/* More direction changes than runs: nothing of the line is lost. */
		char line[900] = "";
		size_t total = 0;
		int n;
		for (int i = 0; i < 40; i++)
			strcat(line, "\xD9\x81\xD9\x8A ab ");
		n = render_runs(line, strlen(line), 1, 0, NULL, NULL, runs, 8);
		for (int i = 0; i < n; i++)
			total += runs[i].len;
		CHECK("bidi: a line with more runs than room keeps every byte", n == 8 && total == strlen(line));
	}
	CHECK("bidi: Arabic letters get the Arabic face",
	      render_runs("\xD9\x81\xD9\x8A", 4, 1, 0, NULL, NULL, runs, RENDER_MAX_RUNS) == 1 &&
	      runs[0].fam == RENDER_FAM_ARABIC);
}

static void test_mask(void)
{
	char buf[160];
	CHECK_STR("mask: codice fiscale keeps 2 + 2", mask_personal('c', "VRDLCU95A41F205U", buf, sizeof(buf)),
		  "VR••••••••••••5U");
	CHECK_STR("mask: phone keeps the last three", mask_personal('p', "3331234567", buf, sizeof(buf)), "•••••••567");
	CHECK_STR("mask: e-mail keeps the first letter and the domain",
		  mask_personal('e', "lucia.verdi@example.it", buf, sizeof(buf)), "l••••••@example.it");
	CHECK_STR("mask: empty stays empty", mask_personal('c', "", buf, sizeof(buf)), "");
	CHECK("mask: a short phone is all hidden", !strpbrk(mask_personal('p', "12345", buf, sizeof(buf)), "0123456789"));
	CHECK("mask: a small buffer is not overrun", strlen(mask_personal('c', "VRDLCU95A41F205U", buf, 10)) < 10);
}

static void test_spell(void)
{
	char buf[300];
	CHECK_STR("spell: protocol character by character",
		  speech_spell("DC-015146-L", "trattino", buf, sizeof(buf)),
		  "D, C, trattino, 0, 1, 5, 1, 4, 6, trattino, L");
	CHECK_STR("spell: spaces dropped, UTF-8 kept", speech_spell("A è", "-", buf, sizeof(buf)), "A, è");
	CHECK("spell: truncated, not overrun", strlen(speech_spell("ABCDEFGHIJKLMNOP", "dash", buf, 12)) < 12);
	CHECK_STR("voices: Spanish is espeak-ng's own, not mbrola", speech_voice("es"), "es");
	CHECK_STR("voices: Arabic", speech_voice("ar"), "ar");
}

struct pieces {
	char all[4096];
	int n, longest;
};

static void add_piece(void *ctx, const char *p, size_t n)
{
	struct pieces *ps = ctx;
	size_t len = strlen(ps->all);
	snprintf(ps->all + len, sizeof(ps->all) - len, "%s[%.*s]", len ? " " : "", (int)n, p);
	if ((int)n > ps->longest)
		ps->longest = (int)n;
	ps->n++;
}

/* The voice guide says everything (issue 22): a text of any length is
 * split into sentences, a sentence longer than a piece at a space, and
 * nothing is lost (the pieces joined give the text back). */
static void test_split(void)
{
	struct pieces ps = { "", 0, 0 };
	char longtext[1500], joined[1600] = "";
	int n;
	speech_split("Uno. Due? Tre! 6.5 euro: art. quattro", 512, add_piece, &ps);
	CHECK_STR("split: at sentence ends followed by a space", ps.all,
		  "[Uno.] [Due?] [Tre!] [6.5 euro: art.] [quattro]");
	memset(&ps, 0, sizeof(ps));
	for (n = 0; n < 1400; n += 7)
		memcpy(longtext + n, "parola ", 7);
	longtext[n - 1] = 0;
	n = speech_split(longtext, 512, add_piece, &ps);
	CHECK("split: a 1400-byte sentence in pieces under 512 bytes", n == 3 && ps.longest < 512);
	{
		/* Joined back: every word is there. */
		const char *p = ps.all;
		while ((p = strchr(p, '['))) {
			const char *e = strchr(p, ']');
			size_t len = strlen(joined);
			snprintf(joined + len, sizeof(joined) - len, "%s%.*s", len ? " " : "", (int)(e - p - 1), p + 1);
			p = e;
		}
		CHECK_STR("split: nothing lost", joined, longtext);
	}
}

int main(void)
{
	test_split();
	test_fallback();
	test_complete();
	test_runs();
	test_mask();
	test_spell();
	return check_done();
}

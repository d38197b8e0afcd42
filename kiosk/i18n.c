/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A reader for GNU .mo catalogs (see i18n.h). The format: a header with
 * the string count and the offsets of two tables (original, translation)
 * of {length, offset} pairs, originals sorted by strcmp. A message a
 * catalog lacks falls back to Italian (the town hall's language), never
 * to a blank; English needs no catalog fallback (msgids are English).
 */
#include "kiosk/i18n.h"
#include "core/files.h"
#include "core/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_LANGS = 8, MO_MAX = 4 << 20 };

struct catalog {
	char lang[8];
	char *data;
	size_t len;
	uint32_t n, orig, trans;
	int swap;
};

static struct catalog catalogs[MAX_LANGS];
static int ncatalogs;
static struct catalog *current;
static struct catalog *italian;		/* the fallback for missing messages */
static char current_lang[8] = "en";

/* What the kiosk can speak and show; the order of the language chooser. */
const char *const i18n_languages[] = { "it", "en", "fr", "es", "ro", "uk", "ar" };
const int i18n_nlanguages = (int)(sizeof(i18n_languages) / sizeof(i18n_languages[0]));

static uint32_t rd(const struct catalog *c, uint32_t off)
{
	uint32_t v;
	if (off + 4 > c->len)
		return 0;
	memcpy(&v, c->data + off, 4);
	return c->swap ? __builtin_bswap32(v) : v;
}

static int load_one(const char *dir, const char *lang)
{
	char path[600];
	struct catalog *c;
	uint32_t magic;
	if (ncatalogs == MAX_LANGS || strlen(lang) >= sizeof(c->lang))
		return -1;
	c = &catalogs[ncatalogs];
	str_fmt(path, sizeof(path), "%s/%s/LC_MESSAGES/dote-kiosk.mo", dir, lang);
	c->data = file_read(path, MO_MAX, &c->len);
	if (!c->data)
		return -1;
	memcpy(&magic, c->data, 4);
	if (c->len < 28 || (magic != 0x950412de && magic != 0xde120495)) {
		free(c->data);
		return error("%s is not a gettext catalog", path);
	}
	c->swap = magic != 0x950412de;
	c->n = rd(c, 8);
	c->orig = rd(c, 12);
	c->trans = rd(c, 16);
	if ((uint64_t)c->orig + 8ull * c->n > c->len || (uint64_t)c->trans + 8ull * c->n > c->len) {
		free(c->data);
		return error("%s is truncated", path);
	}
	str_fmt(c->lang, sizeof(c->lang), "%s", lang);
	ncatalogs++;
	return 0;
}

int i18n_loaded(const char *lang)
{
	if (!strcmp(lang, "en"))
		return 1;
	for (int i = 0; i < ncatalogs; i++)
		if (!strcmp(catalogs[i].lang, lang))
			return 1;
	return 0;
}

int i18n_known(const char *lang)
{
	for (int i = 0; i < i18n_nlanguages; i++)
		if (!strcmp(i18n_languages[i], lang))
			return 1;
	return 0;
}

int i18n_rtl(const char *lang)
{
	return !strcmp(lang, "ar");
}

int i18n_load(const char *dir, const char *langs)
{
	char buf[128], *save = NULL, *tok;
	int n = 0;
	str_copy(buf, sizeof(buf), langs);
	for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		if (!strcmp(tok, "en"))
			n++;	/* msgids are English; a catalog is optional */
		if (!load_one(dir, tok) && strcmp(tok, "en"))
			n++;
	}
	/* Italian backs up every other language, offered or not. */
	if (!i18n_loaded("it"))
		load_one(dir, "it");
	for (int i = 0; i < ncatalogs; i++)
		if (!strcmp(catalogs[i].lang, "it"))
			italian = &catalogs[i];
	return n;
}

int i18n_set(const char *lang)
{
	for (int i = 0; i < ncatalogs; i++)
		if (!strcmp(catalogs[i].lang, lang)) {
			current = &catalogs[i];
			str_fmt(current_lang, sizeof(current_lang), "%s", lang);
			return 0;
		}
	if (!strcmp(lang, "en")) {
		current = NULL;
		str_fmt(current_lang, sizeof(current_lang), "en");
		return 0;
	}
	return -1;
}

const char *i18n_lang(void)
{
	return current_lang;
}

/* The translation of msgid in catalog c, NULL when it has none. */
static const char *lookup(const struct catalog *c, const char *msgid)
{
	uint32_t lo = 0, hi;
	if (!c || !*msgid)
		return NULL;
	hi = c->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		uint32_t len = rd(c, c->orig + 8 * mid), off = rd(c, c->orig + 8 * mid + 4);
		int cmp;
		if ((uint64_t)off + len >= c->len)
			return NULL;
		cmp = strcmp(msgid, c->data + off);
		if (!cmp) {
			uint32_t tlen = rd(c, c->trans + 8 * mid), toff = rd(c, c->trans + 8 * mid + 4);
			if (!tlen || (uint64_t)toff + tlen >= c->len)
				return NULL;
			return c->data + toff;
		}
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *i18n_get(const char *msgid)
{
	const char *t;
	if (!current || !*msgid)
		return msgid;
	t = lookup(current, msgid);
	if (!t && current != italian)
		t = lookup(italian, msgid);
	return t ? t : msgid;
}

int i18n_has(const char *lang, const char *msgid)
{
	for (int i = 0; i < ncatalogs; i++)
		if (!strcmp(catalogs[i].lang, lang))
			return lookup(&catalogs[i], msgid) != NULL;
	return !strcmp(lang, "en");
}

void i18n_release(void)
{
	for (int i = 0; i < ncatalogs; i++)
		free(catalogs[i].data);
	ncatalogs = 0;
	current = NULL;
	italian = NULL;
}

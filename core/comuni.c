/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Parses the embedded comuni and cadastral-code tables (comuni_data.S)
 * into sorted arrays on first use. See comuni.h.
 */
#include "core/comuni.h"
#include "core/db.h"
#include "core/util.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

extern const char dote_comuni_tsv[], dote_comuni_tsv_end[];
extern const char dote_belfiore_tsv[], dote_belfiore_tsv_end[];

static struct comune *comuni;
static size_t ncomuni;
static const struct comune **by_belfiore;
static struct belfiore *codes;
static size_t ncodes;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Splits a copy of the table into lines and tab-separated fields. */
static char *next_field(char **p)
{
	char *s = *p, *e;
	if (!s)
		return NULL;
	e = strpbrk(s, "\t");
	if (e) {
		*e = '\0';
		*p = e + 1;
	} else {
		*p = NULL;
	}
	return s;
}

static size_t count_lines(const char *s, const char *end)
{
	size_t n = 0;
	for (; s < end; s++)
		n += *s == '\n';
	return n;
}

static int cmp_belfiore_ptr(const void *a, const void *b)
{
	const struct comune *const *x = a, *const *y = b;
	return strcmp((*x)->belfiore, (*y)->belfiore);
}

static void load(void)
{
	size_t len = (size_t)(dote_comuni_tsv_end - dote_comuni_tsv);
	char *text = malloc(len + 1), *line, *save = NULL;
	comuni = calloc(count_lines(dote_comuni_tsv, dote_comuni_tsv_end) + 1, sizeof(*comuni));
	memcpy(text, dote_comuni_tsv, len);
	text[len] = '\0';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = line, *istat, *name, *prov, *pname, *region, *bf, *pop;
		if (*line == '#')
			continue;
		istat = next_field(&p); name = next_field(&p); prov = next_field(&p);
		pname = next_field(&p); region = next_field(&p); bf = next_field(&p);
		pop = next_field(&p);
		if (!pop)
			continue;
		struct comune *c = &comuni[ncomuni++];
		str_copy(c->istat, sizeof(c->istat), istat);
		str_copy(c->belfiore, sizeof(c->belfiore), bf);
		str_copy(c->province, sizeof(c->province), prov);
		c->name = name;
		c->province_name = pname;
		c->region = region;
		c->population = atoi(pop);
	}
	by_belfiore = malloc(ncomuni * sizeof(*by_belfiore));
	for (size_t i = 0; i < ncomuni; i++)
		by_belfiore[i] = &comuni[i];
	qsort(by_belfiore, ncomuni, sizeof(*by_belfiore), cmp_belfiore_ptr);

	len = (size_t)(dote_belfiore_tsv_end - dote_belfiore_tsv);
	text = malloc(len + 1);
	memcpy(text, dote_belfiore_tsv, len);
	text[len] = '\0';
	codes = calloc(count_lines(dote_belfiore_tsv, dote_belfiore_tsv_end) + 1, sizeof(*codes));
	save = NULL;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = line, *code, *prov, *name, *active;
		if (*line == '#')
			continue;
		code = next_field(&p); prov = next_field(&p); name = next_field(&p);
		active = next_field(&p);
		if (!active)
			continue;
		struct belfiore *b = &codes[ncodes++];
		str_copy(b->code, sizeof(b->code), code);
		str_copy(b->province, sizeof(b->province), prov);
		b->name = name;
		b->active = atoi(active);
	}
	/* belfiore.tsv is sorted by code (scripts/update-comuni). */
}

static void ensure(void)
{
	pthread_once(&once, load);
}

size_t comuni_count(void)
{
	ensure();
	return ncomuni;
}

const struct comune *comuni_at(size_t i)
{
	ensure();
	return i < ncomuni ? &comuni[i] : NULL;
}

/* bsearch() comparators: the key is the code string, the element a row. */
static int by_istat(const void *key, const void *elem)
{
	return strcmp(key, ((const struct comune *)elem)->istat);
}

static int by_belfiore_ptr(const void *key, const void *elem)
{
	return strcmp(key, (*(const struct comune *const *)elem)->belfiore);
}

static int by_code(const void *key, const void *elem)
{
	return strcmp(key, ((const struct belfiore *)elem)->code);
}

const struct comune *comune_by_istat(const char *istat)
{
	ensure();
	return istat ? bsearch(istat, comuni, ncomuni, sizeof(*comuni), by_istat) : NULL;
}

const struct comune *comune_by_belfiore(const char *code)
{
	const struct comune *const *p;
	ensure();
	if (!code)
		return NULL;
	p = bsearch(code, by_belfiore, ncomuni, sizeof(*by_belfiore), by_belfiore_ptr);
	return p ? *p : NULL;
}

/* Folds a UTF-8 name to lower-case ASCII: accented Latin letters lose
 * their accent, apostrophes and dashes become spaces. */
static void fold(const char *s, char *out, size_t size)
{
	size_t o = 0;
	while (*s && o + 1 < size) {
		unsigned char c = (unsigned char)*s;
		if (c == 0xc3 && s[1]) {
			char r = utf8_latin1_base(s);
			out[o++] = r ? r : '?';
			s += 2;
			continue;
		}
		if (c == '\'' || c == '-')
			out[o++] = ' ';
		else if (c < 0x80)
			out[o++] = (char)tolower(c);
		s++;
	}
	out[o] = '\0';
}

const struct comune *comune_by_name(const char *name)
{
	char want[128], have[128];
	ensure();
	if (!name)
		return NULL;
	fold(name, want, sizeof(want));
	for (size_t i = 0; i < ncomuni; i++) {
		fold(comuni[i].name, have, sizeof(have));
		if (!strcmp(want, have))
			return &comuni[i];
	}
	return NULL;
}

const struct belfiore *belfiore_find(const char *code)
{
	ensure();
	return code ? bsearch(code, codes, ncodes, sizeof(*codes), by_code) : NULL;
}

int comuni_load_db(sqlite3 *db)
{
	sqlite3_stmt *st;
	int rc = -1;
	ensure();
	if (db_int(db, "SELECT count(*) FROM comune", NULL, 0) == (int64_t)ncomuni)
		return 0;
	if (db_begin(db))
		return -1;
	st = db_prepare(db, "INSERT OR REPLACE INTO comune(istat, name, province, province_name,"
			    " region, belfiore, population) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!st)
		goto out;
	for (size_t i = 0; i < ncomuni; i++) {
		const struct comune *c = &comuni[i];
		sqlite3_bind_text(st, 1, c->istat, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, c->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, c->province, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, c->province_name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, c->region, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, c->belfiore, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 7, c->population);
		if (sqlite3_step(st) != SQLITE_DONE) {
			error("cannot load comuni: %s", sqlite3_errmsg(db));
			goto out;
		}
		sqlite3_reset(st);
	}
	rc = db_commit(db);
out:
	sqlite3_finalize(st);
	if (rc)
		db_rollback(db);
	return rc;
}

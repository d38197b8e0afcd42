/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Catalog queries for the kiosk (see catalog.h). A search loads one page
 * (CATALOG_PAGE cards) at a time; the browse screen asks for the next
 * page as the citizen scrolls near the end, so a keystroke costs one
 * small query whatever the size of the catalog.
 */
#include "kiosk/catalog.h"
#include "core/application.h"
#include "core/db.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

int catalog_fts_query(const char *typed, char *buf, size_t size)
{
	size_t o = 0;
	int terms = 0, in_word = 0;
	const unsigned char *p = (const unsigned char *)typed;
	buf[0] = 0;
	for (;; p++) {
		/* Letters and digits, including any UTF-8 letter (>= 0x80). */
		int wordch = *p && (*p >= 0x80 || (*p >= '0' && *p <= '9') ||
				    ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'));
		if (wordch && !in_word) {
			if (o + 4 >= size)
				break;
			if (terms)
				buf[o++] = ' ';
			buf[o++] = '"';
			in_word = 1;
			terms++;
		}
		if (wordch) {
			if (o + 4 >= size)
				break;
			buf[o++] = (char)*p;
		} else if (in_word) {
			buf[o++] = '"';
			buf[o++] = '*';
			in_word = 0;
		}
		if (!*p)
			break;
	}
	if (in_word) {
		buf[o++] = '"';
		buf[o++] = '*';
	}
	buf[o] = 0;
	return terms;
}

void catalog_list_clear(struct catalog_list *list)
{
	list->n = 0;
	list->complete = 0;
	list->pass = 0;
	list->pass_offset = 0;
	list->base = 0;
}

void catalog_list_free(struct catalog_list *list)
{
	free(list->cards);
	memset(list, 0, sizeof(*list));
}

#define CARD_COLS "p.code, p.title, p.office, p.area, c.name, p.months, p.hours_week," \
	" p.allowance_eur, p.seats, p.applied, p.deadline"
#define SCOPE "p.status = 'open' AND p.deadline >= ?2" \
	" AND (p.comune = ?3 OR (?4 AND c.province = (SELECT province FROM comune WHERE istat = ?3)))" \
	" AND (?5 = '' OR p.comune = ?5) AND (?6 = '' OR p.area = ?6) AND (?7 = 0 OR p.months = ?7)" \
	" AND (?10 = 0 OR p.call_id <> ?10)"

/* Fills c from the CARD_COLS columns, the first eleven of the row. */
static void card_read(sqlite3_stmt *st, struct placement_card *c)
{
	db_col_copy(st, 0, c->code, sizeof(c->code));
	db_col_copy(st, 1, c->title, sizeof(c->title));
	db_col_copy(st, 2, c->office, sizeof(c->office));
	db_col_copy(st, 3, c->area, sizeof(c->area));
	db_col_copy(st, 4, c->comune_name, sizeof(c->comune_name));
	c->months = sqlite3_column_int(st, 5);
	c->hours_week = sqlite3_column_int(st, 6);
	c->allowance_eur = sqlite3_column_int(st, 7);
	c->seats = sqlite3_column_int(st, 8);
	c->applied = sqlite3_column_int(st, 9);
	db_col_copy(st, 10, c->deadline, sizeof(c->deadline));
}

/* Runs one page query and appends its rows; returns rows added or -1. */
static int run_page(sqlite3 *db, const char *sql, const char *fts, const struct catalog_filter *f,
		    struct catalog_list *list, int offset, int limit)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int added = 0, rc;
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, fts, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->today, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->comune, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, f->province_wide);
	sqlite3_bind_text(st, 5, f->only_comune ? f->only_comune : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, f->area ? f->area : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, f->months);
	sqlite3_bind_int(st, 8, limit);
	sqlite3_bind_int(st, 9, offset);
	sqlite3_bind_int64(st, 10, f->other_than_call);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct placement_card *c;
		if (list->n >= CATALOG_MAX)
			break;
		if (list->n == list->cap) {
			int cap = list->cap ? list->cap * 2 : 128;
			void *p = realloc(list->cards, (size_t)cap * sizeof(*list->cards));
			if (!p)
				break;
			list->cards = p;
			list->cap = cap;
		}
		c = &list->cards[list->n++];
		card_read(st, c);
		added++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		error("catalog search: %s", sqlite3_errmsg(db));
		added = -1;
	}
	sqlite3_finalize(st);
	return added;
}

int catalog_search(sqlite3 *db, const struct catalog_filter *f, struct catalog_list *list)
{
	/* Browsing this comune: in deadline order, straight from the core
	 * schema's placement_browse index, so the first page costs a few rows. */
	static const char *const sql_here =
		"SELECT " CARD_COLS " FROM placement p JOIN comune c ON c.istat = p.comune"
		" WHERE ?1 = '' AND ?4 = 0 AND p.comune = ?3 AND p.status = 'open' AND p.deadline >= ?2"
		" AND (?5 = '' OR p.comune = ?5) AND (?6 = '' OR p.area = ?6) AND (?7 = 0 OR p.months = ?7)"
		" AND (?10 = 0 OR p.call_id <> ?10)"
		" ORDER BY p.deadline, p.code LIMIT ?8 OFFSET ?9";
	static const char *const sql_all =
		"SELECT " CARD_COLS " FROM placement p JOIN comune c ON c.istat = p.comune"
		" WHERE ?1 = '' AND " SCOPE
		" ORDER BY p.comune <> ?3, p.deadline, p.code LIMIT ?8 OFFSET ?9";
	/* Searching: matches in catalog order without ranking every match,
	 * so a one-letter prefix over thousands of placements stops after
	 * one page. Relevance comes from two passes: placements whose title
	 * or office match first, then those that match elsewhere. */
	static const char *const sql_fts =
		"SELECT " CARD_COLS " FROM placement_fts f JOIN placement p ON p.id = f.rowid"
		" JOIN comune c ON c.istat = p.comune"
		" WHERE placement_fts MATCH ?1 AND " SCOPE
		" LIMIT ?8 OFFSET ?9";
	char terms[300], narrow[128] = "", pass[2][900];
	int added = 0, n;

	if (list->complete)
		return 0;
	catalog_fts_query(f->query ? f->query : "", terms, sizeof(terms));
	if (!terms[0]) {
		n = run_page(db, f->province_wide ? sql_all : sql_here, "", f, list, list->base + list->n, CATALOG_PAGE);
		if (n >= 0 && n < CATALOG_PAGE)
			list->complete = 1;
		return n;
	}
	if (!f->province_wide && f->comune_name && f->comune_name[0]) {
		/* Narrow the full-text scan to this comune's placements: the
		 * index intersects lazily, so a page costs a page. The SQL
		 * still checks the comune exactly. */
		char name[100];
		size_t o = 0;
		for (const unsigned char *c = (const unsigned char *)f->comune_name; *c && o + 2 < sizeof(name); c++)
			name[o++] = (char)(*c >= 0x80 || (*c >= '0' && *c <= '9') ||
					   ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z') ? *c : ' ');
		name[o] = 0;
		str_fmt(narrow, sizeof(narrow), "comune_name : \"%s\" AND ", name);
	}
	str_fmt(pass[0], sizeof(pass[0]), "%s{title office} : (%s)", narrow, terms);
	str_fmt(pass[1], sizeof(pass[1]), "%s(%s) NOT {title office} : (%s)", narrow, terms, terms);
	while (!list->complete && added < CATALOG_PAGE) {
		n = run_page(db, sql_fts, pass[list->pass], f, list, list->pass_offset, CATALOG_PAGE - added);
		if (n < 0)
			return -1;
		added += n;
		list->pass_offset += n;
		if (added < CATALOG_PAGE) {
			if (list->pass == 1) {
				list->complete = 1;
			} else {
				list->pass = 1;
				list->pass_offset = 0;
			}
		}
	}
	return added;
}

int catalog_placement(sqlite3 *db, const char *code, struct placement_detail *d)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT " CARD_COLS ", p.description, p.requirements, p.address, p.qrsp, p.comune,"
		" k.id, k.code, k.title, k.deadline, k.rules"
		" FROM placement p JOIN comune c ON c.istat = p.comune JOIN call k ON k.id = p.call_id"
		" WHERE p.code = ?1");
	int rc = -1;
	if (!st)
		return -1;
	memset(d, 0, sizeof(*d));
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		card_read(st, &d->card);
		db_col_copy(st, 11, d->description, sizeof(d->description));
		db_col_copy(st, 12, d->requirements, sizeof(d->requirements));
		db_col_copy(st, 13, d->address, sizeof(d->address));
		db_col_copy(st, 14, d->qrsp, sizeof(d->qrsp));
		db_col_copy(st, 15, d->comune, sizeof(d->comune));
		d->call_id = sqlite3_column_int64(st, 16);
		db_col_copy(st, 17, d->call_code, sizeof(d->call_code));
		db_col_copy(st, 18, d->call_title, sizeof(d->call_title));
		db_col_copy(st, 19, d->call_deadline, sizeof(d->call_deadline));
		db_col_copy(st, 20, d->rules, sizeof(d->rules));
		rc = 0;
		break;
	case SQLITE_DONE:
		rc = 1;
		break;
	default:
		error("placement %s: %s", code, sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return rc;
}

int catalog_province_comuni(sqlite3 *db, const char *comune, const char *today, char istat[][7],
			    char names[][64], int max)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT c.istat, c.name FROM placement p JOIN comune c ON c.istat = p.comune"
		" WHERE p.status = 'open' AND p.deadline >= ?2"
		" AND c.province = (SELECT province FROM comune WHERE istat = ?1)"
		" GROUP BY c.istat ORDER BY c.istat = ?1 DESC, count(*) DESC, c.name LIMIT ?3");
	int n = 0;
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, comune, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		db_col_copy(st, 0, istat[n], 7);
		db_col_copy(st, 1, names[n], 64);
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

int catalog_comune_suggest(sqlite3 *db, const char *prefix, char istat[][7], char names[][64],
			   char prov[][3], int max)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT istat, name, province FROM comune WHERE name LIKE ?1 || '%' ESCAPE '\\'"
		" ORDER BY population DESC, name LIMIT ?2");
	char esc[130];
	size_t o = 0;
	int n = 0;
	if (!st)
		return -1;
	for (const char *p = prefix; *p && o + 2 < sizeof(esc); p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			esc[o++] = '\\';
		esc[o++] = *p;
	}
	esc[o] = 0;
	sqlite3_bind_text(st, 1, esc, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		db_col_copy(st, 0, istat[n], 7);
		db_col_copy(st, 1, names[n], 64);
		db_col_copy(st, 2, prov[n], 3);
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

int catalog_application_status(sqlite3 *db, const char *protocol, const char *cf,
			       char *status, size_t ssize, char *title, size_t tsize)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT a.call_id, a.cf_hash, a.status, coalesce(p.title, a.placement_code)"
		" FROM application a LEFT JOIN placement p ON p.code = a.placement_code"
		" WHERE a.protocol = ?1");
	char hash[65];
	int rc = 1;
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, protocol, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		application_person_hash(sqlite3_column_int64(st, 0), cf, hash, sizeof(hash));
		if (!strcmp(hash, (const char *)sqlite3_column_text(st, 1))) {
			db_col_copy(st, 2, status, ssize);
			db_col_copy(st, 3, title, tsize);
			rc = 0;
		}
		str_wipe(hash, sizeof(hash));
	}
	sqlite3_finalize(st);
	return rc;
}

int catalog_applied(sqlite3 *db, int64_t call_id, const char *cf, char *protocol, size_t size)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT protocol FROM application WHERE call_id = ?1 AND cf_hash = ?2"
		" ORDER BY submitted_at LIMIT 1");
	char hash[65];
	int rc = 1, s;
	if (!st)
		return -1;
	application_person_hash(call_id, cf, hash, sizeof(hash));
	sqlite3_bind_int64(st, 1, call_id);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		db_col_copy(st, 0, protocol, size);
		rc = 0;
	} else if (s != SQLITE_DONE) {
		rc = -1;
	}
	sqlite3_finalize(st);
	str_wipe(hash, sizeof(hash));
	return rc;
}

int catalog_application_notice(sqlite3 *db, const char *protocol, char *at, size_t asize, char *place,
			       size_t psize)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT n.interview_at, n.interview_place FROM status_notice n"
		" JOIN application a ON a.uuid = n.uuid WHERE a.protocol = ?1");
	int rc = 1;
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, protocol, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		db_col_copy(st, 0, at, asize);
		db_col_copy(st, 1, place, psize);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int catalog_application_detail(sqlite3 *db, const char *protocol, char *json, size_t size)
{
	sqlite3_stmt *st = db_prepare(db,
		"SELECT n.detail FROM status_notice n JOIN application a ON a.uuid = n.uuid WHERE a.protocol = ?1");
	int rc = 1;
	if (!st)
		return -1;
	json[0] = 0;
	sqlite3_bind_text(st, 1, protocol, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		db_col_copy(st, 0, json, size);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int catalog_usage(sqlite3 *db, const char *day, const char *kiosk_id, const char *comune,
		  const char *event)
{
	sqlite3_stmt *st = db_prepare(db,
		"INSERT INTO usage_count(day, kiosk_id, comune, event, n) VALUES (?1, ?2, ?3, ?4, 1)"
		" ON CONFLICT(day, kiosk_id, event) DO UPDATE SET n = n + 1");
	int rc = -1;
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kiosk_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, comune, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, event, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	else
		error("usage count: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

int64_t catalog_open_placements(sqlite3 *db)
{
	return db_int(db, "SELECT count(*) FROM placement WHERE status = 'open'", NULL, 0);
}

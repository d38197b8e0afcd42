/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Attendance at the kiosk: roster, scan, unsent events (see
 * attendance.h). Start reading at attendance_scan().
 */
#include "core/attendance.h"
#include "core/base32.h"
#include "core/cf.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/identity.h"
#include "core/util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const struct migration attendance_migrations[] = {
	{ 1,
	/* Who may sign in at this kiosk (from the hub's catalog). */
	"CREATE TABLE IF NOT EXISTS attendance_roster ("
	"  cf TEXT PRIMARY KEY, initials TEXT NOT NULL,"
	"  start_date TEXT NOT NULL, end_date TEXT NOT NULL);"
	/* Every scan stored; sent_at NULL: still to send (the outbox). */
	"CREATE TABLE IF NOT EXISTS attendance_outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  cf TEXT NOT NULL, at INTEGER NOT NULL, kind INTEGER NOT NULL,"
	"  token TEXT NOT NULL UNIQUE,"
	"  sent_at TEXT, result TEXT, why TEXT);"
	"CREATE INDEX IF NOT EXISTS attendance_outbox_cf ON attendance_outbox(cf, at);"
	"CREATE INDEX IF NOT EXISTS attendance_outbox_unsent ON attendance_outbox(sent_at, id);" },
	{ 2,
	/* The hash of each trainee's personal QR (never the QR itself). */
	"ALTER TABLE attendance_roster ADD COLUMN badge TEXT;"
	"CREATE INDEX IF NOT EXISTS attendance_roster_badge ON attendance_roster(badge);" },
	{ 3,
	/* Completed placements whose certificate this kiosk prints. */
	"CREATE TABLE IF NOT EXISTS attendance_certificate ("
	"  cf TEXT PRIMARY KEY, badge TEXT, initials TEXT NOT NULL, code TEXT NOT NULL,"
	"  title TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT NOT NULL,"
	"  minutes INTEGER NOT NULL, url TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS attendance_certificate_badge ON attendance_certificate(badge);" },
};

int badge_prefixed(const char *text)
{
	return text && !strncasecmp(text, BADGE_PREFIX, strlen(BADGE_PREFIX));
}

int badge_new(char *text, size_t size)
{
	unsigned char r[16];
	size_t n = strlen(BADGE_PREFIX);
	if (size < BADGE_TEXT_MAX || sodium_init() < 0)
		return -1;
	randombytes_buf(r, sizeof(r));
	memcpy(text, BADGE_PREFIX, n);
	return base32_encode(r, sizeof(r), text + n, size - n) == BADGE_CHARS ? 0 : -1;
}

int badge_hash(const char *text, char *hex, size_t size)
{
	unsigned char r[16], h[crypto_hash_sha256_BYTES];
	char canon[BADGE_TEXT_MAX];
	size_t n = strlen(BADGE_PREFIX);
	/* Decoding checks the alphabet and the length; hashing the canonical
	 * upper-case text makes a lower-cased scan the same QR. */
	if (!badge_prefixed(text) || strlen(text) != n + BADGE_CHARS || size < BADGE_HASH_MAX ||
	    base32_decode(text + n, BADGE_CHARS, r, sizeof(r)) != (int)sizeof(r))
		return -1;
	memcpy(canon, BADGE_PREFIX, n);
	if (base32_encode(r, sizeof(r), canon + n, sizeof(canon) - n) != BADGE_CHARS)
		return -1;
	crypto_hash_sha256(h, (const unsigned char *)canon, strlen(canon));
	sodium_bin2hex(hex, size, h, sizeof(h));
	return 0;
}

int attendance_migrate(sqlite3 *db)
{
	return db_migrate(db, "attendance", attendance_migrations, (int)ARRAY_SIZE(attendance_migrations));
}

int attendance_roster_set(sqlite3 *db, const json_t *roster)
{
	sqlite3_stmt *ins = NULL;
	size_t i;
	json_t *e;
	int rc = -1;
	if (!json_is_array(roster))
		return error("attendance: the roster is not a list");
	if (db_exec(db, "BEGIN IMMEDIATE"))
		return -1;
	if (db_exec(db, "DELETE FROM attendance_roster"))
		goto out;
	ins = db_prepare(db, "INSERT OR REPLACE INTO attendance_roster(cf, initials, start_date, end_date, badge)"
			     " VALUES (?1, ?2, ?3, ?4, ?5)");
	if (!ins)
		goto out;
	json_array_foreach(roster, i, e) {
		const char *cf = json_string_value(json_object_get(e, "cf"));
		const char *ini = json_string_value(json_object_get(e, "initials"));
		const char *start = json_string_value(json_object_get(e, "start"));
		const char *end = json_string_value(json_object_get(e, "end"));
		const char *badge = json_string_value(json_object_get(e, "badge"));
		if (badge && strlen(badge) != BADGE_HASH_MAX - 1)
			badge = NULL;
		if (!cf || strlen(cf) != 16 || !ini || strlen(ini) > 7 || cal_parse(start) < 0 || cal_parse(end) < 0)
			continue;
		sqlite3_reset(ins);
		sqlite3_bind_text(ins, 1, cf, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, ini, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, start, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 4, end, -1, SQLITE_STATIC);
		if (badge)
			sqlite3_bind_text(ins, 5, badge, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(ins, 5);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			error("attendance: roster: %s", sqlite3_errmsg(db));
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(ins);
	db_exec(db, rc ? "ROLLBACK" : "COMMIT");
	return rc;
}

/* Minutes of closed pairs of cf's events in now's local month. */
static int month_minutes(sqlite3 *db, const char *cf, int64_t now)
{
	struct attendance_event ev[256];
	struct attendance_day days[40];
	char today[11], first[11];
	sqlite3_stmt *st;
	int n = 0, nd, total = 0;
	time_date((time_t)now, today, sizeof(today));
	snprintf(first, sizeof(first), "%.8s01", today);
	st = db_prepare(db, "SELECT at, kind FROM attendance_outbox WHERE cf = ?1 AND at >= ?2 ORDER BY at LIMIT 256");
	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, cf, -1, SQLITE_STATIC);
	/* A day before the month's first, in case of time zones: filtered below. */
	sqlite3_bind_int64(st, 2, (sqlite3_int64)(now - 32 * 86400LL));
	while (n < (int)ARRAY_SIZE(ev) && sqlite3_step(st) == SQLITE_ROW) {
		ev[n].at = sqlite3_column_int64(st, 0);
		ev[n].kind = sqlite3_column_int(st, 1);
		n++;
	}
	sqlite3_finalize(st);
	nd = attendance_days(ev, (size_t)n, days, ARRAY_SIZE(days));
	for (int i = 0; i < nd; i++)
		if (strcmp(days[i].date, first) >= 0 && !strncmp(days[i].date, today, 7))
			total += days[i].minutes;
	return total;
}

/* Who holds code today, inside the caller's transaction: the roster's
 * codice fiscale and initials for a card's codice fiscale (cf_code) or a
 * personal QR's hash (badge). SCAN_OK, SCAN_NOT_HERE, SCAN_BAD_BADGE or
 * SCAN_ERROR. */
static enum attendance_scan_result holder(sqlite3 *db, const char *cf_code, const char *badge,
					  const char *today, char cf[17], char initials[8])
{
	sqlite3_stmt *st = db_prepare(db, badge ? "SELECT cf, initials, start_date <= ?2 AND end_date >= ?2"
						  " FROM attendance_roster WHERE badge = ?1"
						: "SELECT cf, initials, 1 FROM attendance_roster"
						  " WHERE cf = ?1 AND start_date <= ?2 AND end_date >= ?2");
	enum attendance_scan_result rc = SCAN_ERROR;
	int s;
	if (!st)
		return SCAN_ERROR;
	sqlite3_bind_text(st, 1, badge ? badge : cf_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_DONE) {
		rc = badge ? SCAN_BAD_BADGE : SCAN_NOT_HERE;
	} else if (s == SQLITE_ROW && !sqlite3_column_int(st, 2)) {
		rc = SCAN_NOT_HERE;
	} else if (s == SQLITE_ROW) {
		str_copy(cf, 17, (const char *)sqlite3_column_text(st, 0));
		str_copy(initials, 8, (const char *)sqlite3_column_text(st, 1));
		rc = SCAN_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

enum attendance_scan_result attendance_scan(sqlite3 *db, const struct kiosk_identity *id,
					    const char *code, int64_t now,
					    struct attendance_answer *a)
{
	struct cf_info cf;
	struct attendance_event last, *lastp = NULL;
	struct attendance_signed f;
	char err[120], today[11], token[ATTENDANCE_TOKEN_MAX], badge[BADGE_HASH_MAX], who[17];
	sqlite3_stmt *st = NULL;
	enum attendance_scan_result rc = SCAN_ERROR;
	int kind, qr = badge_prefixed(code);

	memset(a, 0, sizeof(*a));
	memset(&cf, 0, sizeof(cf));
	time_date((time_t)now, today, sizeof(today));
	if (qr && badge_hash(code, badge, sizeof(badge)))
		return SCAN_BAD_BADGE;
	if (!qr && (!code || cf_check(code, today, &cf, err, sizeof(err))))
		return SCAN_BAD_CODE;
	if (db_exec(db, "BEGIN IMMEDIATE"))
		return SCAN_ERROR;
	rc = holder(db, cf.code, qr ? badge : NULL, today, who, a->initials);
	if (rc != SCAN_OK)
		goto out;
	rc = SCAN_ERROR;
	st = db_prepare(db, "SELECT at, kind FROM attendance_outbox WHERE cf = ?1 ORDER BY at DESC, id DESC LIMIT 1");
	if (!st)
		goto out;
	sqlite3_bind_text(st, 1, who, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		last.at = sqlite3_column_int64(st, 0);
		last.kind = sqlite3_column_int(st, 1);
		lastp = &last;
	}
	sqlite3_finalize(st);
	st = NULL;
	kind = attendance_next_kind(lastp, now);
	if (!kind) {
		rc = SCAN_REPEAT;
		goto out;
	}
	memset(&f, 0, sizeof(f));
	str_copy(f.kiosk_id, sizeof(f.kiosk_id), id->id);
	str_copy(f.comune, sizeof(f.comune), id->comune);
	f.seq = db_int(db, "SELECT coalesce(max(id), 0) + 1 FROM attendance_outbox", NULL, -1);
	f.at = now;
	f.kind = kind;
	str_copy(f.cf, sizeof(f.cf), who);
	if (f.seq < 1 || attendance_sign(&f, id->sk, token, sizeof(token)))
		goto out;
	st = db_prepare(db, "INSERT INTO attendance_outbox(id, cf, at, kind, token) VALUES (?1, ?2, ?3, ?4, ?5)");
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, f.seq);
	sqlite3_bind_text(st, 2, who, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int(st, 4, kind);
	sqlite3_bind_text(st, 5, token, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		error("attendance: cannot store the event: %s", sqlite3_errmsg(db));
		goto out;
	}
	a->kind = kind;
	a->at = now;
	a->seq = f.seq;
	{
		struct tm tm;
		time_t t = (time_t)now;
		localtime_r(&t, &tm);
		snprintf(a->time, sizeof(a->time), "%02d:%02d", tm.tm_hour, tm.tm_min);
	}
	a->month_minutes = month_minutes(db, who, now);
	rc = SCAN_OK;
out:
	sqlite3_finalize(st);
	if (db_exec(db, rc == SCAN_OK ? "COMMIT" : "ROLLBACK") && rc == SCAN_OK)
		rc = SCAN_ERROR;
	str_wipe(&cf, sizeof(cf));
	str_wipe(who, sizeof(who));
	return rc;
}

int attendance_certificates_set(sqlite3 *db, const json_t *list)
{
	sqlite3_stmt *ins = NULL;
	size_t i;
	json_t *e;
	int rc = -1;
	if (!json_is_array(list))
		return error("attendance: the certificates are not a list");
	if (db_exec(db, "BEGIN IMMEDIATE"))
		return -1;
	if (db_exec(db, "DELETE FROM attendance_certificate"))
		goto out;
	ins = db_prepare(db, "INSERT OR REPLACE INTO attendance_certificate(cf, badge, initials, code, title,"
			     " start_date, end_date, minutes, url) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
	if (!ins)
		goto out;
	json_array_foreach(list, i, e) {
		const char *v[9] = { "cf", "badge", "initials", "code", "title", "start", "end", NULL, "url" };
		const char *t[9];
		int ok = 1;
		for (int j = 0; j < 9; j++) {
			t[j] = v[j] ? json_string_value(json_object_get(e, v[j])) : NULL;
			if (v[j] && j != 1 && !t[j])
				ok = 0;
		}
		if (!ok || strlen(t[0]) != 16 || (t[1] && strlen(t[1]) != BADGE_HASH_MAX - 1) ||
		    strlen(t[2]) > 7 || strlen(t[8]) >= RECEIPT_URL_MAX)
			continue;
		sqlite3_reset(ins);
		for (int j = 0; j < 9; j++)
			if (j == 7)
				sqlite3_bind_int64(ins, 8, json_integer_value(json_object_get(e, "minutes")));
			else if (t[j])
				sqlite3_bind_text(ins, j + 1, t[j], -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(ins, j + 1);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			error("attendance: certificates: %s", sqlite3_errmsg(db));
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(ins);
	db_exec(db, rc ? "ROLLBACK" : "COMMIT");
	return rc;
}

int attendance_certificate_find(sqlite3 *db, const char *code, struct attendance_certificate *c)
{
	char badge[BADGE_HASH_MAX];
	sqlite3_stmt *st;
	int qr = badge_prefixed(code), rc = 1;
	memset(c, 0, sizeof(*c));
	if (!code || (qr && badge_hash(code, badge, sizeof(badge))))
		return 1;
	st = db_prepare(db, qr ? "SELECT initials, code, title, start_date, end_date, minutes, url"
				 " FROM attendance_certificate WHERE badge = ?1"
			       : "SELECT initials, code, title, start_date, end_date, minutes, url"
				 " FROM attendance_certificate WHERE cf = upper(?1)");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, qr ? badge : code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		db_col_copy(st, 0, c->initials, sizeof(c->initials));
		db_col_copy(st, 1, c->code, sizeof(c->code));
		db_col_copy(st, 2, c->title, sizeof(c->title));
		db_col_copy(st, 3, c->start, sizeof(c->start));
		db_col_copy(st, 4, c->end, sizeof(c->end));
		c->minutes = sqlite3_column_int(st, 5);
		db_col_copy(st, 6, c->url, sizeof(c->url));
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int attendance_unsent(sqlite3 *db, int64_t *ids, char (*tokens)[ATTENDANCE_TOKEN_MAX], int max)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id, token FROM attendance_outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?1");
	int n = 0;
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		ids[n] = sqlite3_column_int64(st, 0);
		str_copy(tokens[n], ATTENDANCE_TOKEN_MAX, (const char *)sqlite3_column_text(st, 1));
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

int attendance_mark_sent(sqlite3 *db, int64_t id, const char *result, const char *why)
{
	sqlite3_stmt *st = db_prepare(db, "UPDATE attendance_outbox SET sent_at = ?2, result = ?3, why = ?4 WHERE id = ?1");
	char now[21];
	int rc;
	if (!st)
		return -1;
	time_iso(now_wall(), now, sizeof(now));
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, result, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, why ? why : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return rc;
}

int64_t attendance_unsent_count(sqlite3 *db)
{
	return db_int(db, "SELECT count(*) FROM attendance_outbox WHERE sent_at IS NULL", NULL, -1);
}

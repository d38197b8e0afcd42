/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The kiosk's submit transaction (see application.h). Start reading at
 * application_submit(): it normalises the codice fiscale, validates every
 * field, then in ONE transaction refuses a second application by the
 * same person to the same call, assigns the next per-kiosk sequence, the
 * protocol number (never reused, even after the database is lost:
 * seq_reserve()) and a UUIDv7, signs the receipt token and inserts the
 * application and its outbox row. The token is handed back only after
 * COMMIT returned on a database in synchronous=FULL mode, so a receipt
 * on screen always means an application on disk.
 *
 * The person hash (application.cf_hash) is a keyed BLAKE2b-256
 * (crypto_generichash) of "<call id>:<codice fiscale>". Its 32-byte key
 * is BLAKE2b-256("DoteComune person hash v1"), the same on every kiosk
 * and on the hub so duplicates are found network-wide. The key
 * separates this hash from any other use of the codice fiscale; it is
 * not a secret, so the hash is a pseudonym, not anonymous data, and is
 * handled as personal data.
 */
#include "core/application.h"
#include "core/cf.h"
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/files.h"
#include "core/identity.h"
#include "core/model.h"
#include "core/receipt.h"
#include "core/util.h"
#include "core/uuid.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char person_key_label[] = "DoteComune person hash v1";

void application_person_hash(int64_t call_id, const char *cf, char *out, size_t size)
{
	unsigned char key[crypto_generichash_KEYBYTES], h[32];
	char msg[64], norm[CF_LEN + 1];
	size_t n = 0;
	for (const char *p = cf; *p && n < CF_LEN; p++)
		if (!isspace((unsigned char)*p))
			norm[n++] = (char)toupper((unsigned char)*p);
	norm[n] = '\0';
	crypto_generichash(key, sizeof(key), (const unsigned char *)person_key_label,
			   strlen(person_key_label), NULL, 0);
	snprintf(msg, sizeof(msg), "%lld:%s", (long long)call_id, norm);
	crypto_generichash(h, sizeof(h), (const unsigned char *)msg, strlen(msg), key, sizeof(key));
	if (size >= 65)
		sodium_bin2hex(out, size, h, sizeof(h));
	else if (size)
		out[0] = '\0';
	str_wipe(msg, sizeof(msg));
	str_wipe(norm, sizeof(norm));
}

/* Valid UTF-8 without control characters, at most max bytes. */
static int text_ok(const char *s, size_t max, int required)
{
	size_t n = strlen(s);
	if (n > max || (required && n == 0))
		return 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		int k;
		if (c < 0x20 || c == 0x7f)
			return 0;
		if (c < 0x80) { i++; continue; }
		if ((c & 0xE0) == 0xC0 && c >= 0xC2) k = 1;
		else if ((c & 0xF0) == 0xE0) k = 2;
		else if ((c & 0xF8) == 0xF0 && c <= 0xF4) k = 3;
		else return 0;
		if (i + (size_t)k >= n)
			return 0;
		for (int j = 1; j <= k; j++)
			if (((unsigned char)s[i + (size_t)j] & 0xC0) != 0x80)
				return 0;
		i += (size_t)k + 1;
	}
	return 1;
}

/* What a code point does in a name: -1 refused (C1 controls, the
 * controls that reorder text on screen: ALM, LRM, RLM, the bidi
 * embeddings, overrides and isolates U+202A-U+202E, U+2066-U+2069; line
 * and paragraph separators; the BOM), 0 no letter (spaces and
 * punctuation of the General Punctuation block, NBSP, soft hyphen), 1 a
 * letter (anything else from U+00C0 on: the name's own script). */
static int name_char(unsigned cp)
{
	if (cp < 0x80)
		return isalpha((int)cp) ? 1 : 0;
	if (cp < 0xA0 || cp == 0x061C || cp == 0x200E || cp == 0x200F || cp == 0x2028 ||
	    cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0xFEFF)
		return -1;
	if (cp < 0xC0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000)
		return 0;
	return 1;
}

int application_name_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int letters = 0;

	if (!text_ok(s, NAME_MAX_LEN, 1))
		return 0;
	while (*p) {
		unsigned cp = *p;
		int k = cp < 0x80 ? 0 : cp < 0xE0 ? 1 : cp < 0xF0 ? 2 : 3, c;

		if (k)
			cp &= 0x3Fu >> k;
		for (int j = 1; j <= k; j++)
			cp = cp << 6 | (p[j] & 0x3Fu);
		c = name_char(cp);
		if (c < 0)
			return 0;
		letters += c;
		p += k + 1;
	}
	return letters > 0;
}

int application_phone_ok(const char *s)
{
	int digits = 0;
	if (!*s)
		return 1;	/* optional */
	if (strlen(s) > PHONE_MAX_LEN)
		return 0;
	for (const char *p = s; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (!(*p == ' ' || (*p == '+' && p == s) || *p == '-' || *p == '.'))
			return 0;
	}
	return digits >= 6 && digits <= 15;
}

int application_email_ok(const char *s)
{
	const char *at, *dot;
	if (!*s)
		return 1;	/* optional */
	if (strlen(s) > EMAIL_MAX_LEN)
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == ',' ||
		    *p == ';' || (unsigned char)*p >= 0x7f)
			return 0;
	at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@'))
		return 0;
	dot = strrchr(at, '.');
	return dot && dot > at + 1 && dot[1] != '\0';
}

static int fail(char *field, size_t fsize, char *err, size_t errsize, const char *f,
		const char *why)
{
	str_copy(field, fsize, f);
	str_copy(err, errsize, why);
	return -1;
}

int application_validate(sqlite3 *db, const struct application *app, char *field, size_t fsize,
			 char *err, size_t errsize)
{
	struct cf_info info;
	sqlite3_stmt *st;
	char today[11], cferr[160], deadline[16], cdeadline[16], opens[16], pstatus[16],
	     cstatus[16], pcomune[8];
	int64_t call_id;
	int s;
	if (field && fsize)
		field[0] = '\0';
	if (err && errsize)
		err[0] = '\0';
	time_date(now_wall(), today, sizeof(today));

	/* The placement must exist, be open, and belong to an open call. */
	st = db_prepare(db, "SELECT p.call_id, p.comune, p.status, p.deadline, c.status, c.deadline, c.opens"
			    "  FROM placement p JOIN call c ON c.id = p.call_id WHERE p.code = ?1");
	if (!st)
		return fail(field, fsize, err, errsize, "placement_code", "the catalog cannot be read");
	sqlite3_bind_text(st, 1, app->placement_code, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s != SQLITE_ROW) {
		sqlite3_finalize(st);
		return fail(field, fsize, err, errsize, "placement_code", "no such placement");
	}
	call_id = sqlite3_column_int64(st, 0);
	db_col_copy(st, 1, pcomune, sizeof(pcomune));
	db_col_copy(st, 2, pstatus, sizeof(pstatus));
	db_col_copy(st, 3, deadline, sizeof(deadline));
	db_col_copy(st, 4, cstatus, sizeof(cstatus));
	db_col_copy(st, 5, cdeadline, sizeof(cdeadline));
	db_col_copy(st, 6, opens, sizeof(opens));
	sqlite3_finalize(st);
	if (strcmp(pstatus, "open") || strcmp(cstatus, "open"))
		return fail(field, fsize, err, errsize, "placement_code", "this placement is closed");
	if (strcmp(today, deadline) > 0 || strcmp(today, cdeadline) > 0)
		return fail(field, fsize, err, errsize, "placement_code", "the deadline for this placement has passed");
	if (strcmp(today, opens) < 0)
		return fail(field, fsize, err, errsize, "placement_code", "this call is not open yet");
	if (app->call_id != call_id)
		return fail(field, fsize, err, errsize, "call_id", "the placement belongs to another call");
	if (strcmp(app->comune, pcomune))
		return fail(field, fsize, err, errsize, "comune", "the placement is in another comune");

	if (cf_check(app->cf, today, &info, cferr, sizeof(cferr)))
		return fail(field, fsize, err, errsize, "cf", cferr);
	if (!application_name_ok(app->given_name))
		return fail(field, fsize, err, errsize, "given_name", "enter your first name (up to 64 characters, letters, no special characters)");
	if (!application_name_ok(app->family_name))
		return fail(field, fsize, err, errsize, "family_name", "enter your surname (up to 64 characters, letters, no special characters)");
	if (!application_phone_ok(app->phone))
		return fail(field, fsize, err, errsize, "phone", "the phone number should have 6 to 15 digits");
	if (!application_email_ok(app->email))
		return fail(field, fsize, err, errsize, "email", "the e-mail address is not valid");
	if (!app->phone[0] && !app->email[0])
		return fail(field, fsize, err, errsize, "phone", "enter a phone number or an e-mail address");
	if (!vocab_find(applicant_statuses, applicant_statuses_n, app->applicant_status))
		return fail(field, fsize, err, errsize, "applicant_status", "choose your current situation");
	if (!vocab_find(education_levels, education_levels_n, app->education))
		return fail(field, fsize, err, errsize, "education", "choose your education level");
	if (!comune_by_istat(app->residence))
		return fail(field, fsize, err, errsize, "residence", "choose the comune where you live");
	if (!app->lang[0] || strlen(app->lang) > 7 || strspn(app->lang, "abcdefghijklmnopqrstuvwxyz-") != strlen(app->lang))
		return fail(field, fsize, err, errsize, "lang", "unknown language");
	return 0;
}

static int kiosk_id_ok(const char *id)
{
	size_t n = strlen(id);
	return n >= 1 && n <= 15 && strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

/* Clears what submit assigned, so a failed submit shows nothing. */
static void unassign(struct application *app, char *token, size_t tsize)
{
	app->uuid[0] = app->protocol[0] = app->submitted_at[0] = '\0';
	app->seq = 0;
	if (tsize)
		token[0] = '\0';
}

enum { SEQ_BLOCK = 1000 };

/* Makes sure *seq was never handed out before, even by an earlier
 * database of this kiosk. The state dir keeps the highest sequence
 * reserved (`seq-<id>`, fsync'd before use, a block at a time); the
 * database keeps the same number in setting 'seq_reserved:<id>', changed
 * in the submit transaction. When they differ this database does not
 * know the last block (it was lost and recreated, or a crash hit between
 * the two writes), so numbering resumes after the reserved block.
 * Gaps are possible; repeats are not. Returns 0 or -1. */
static int seq_reserve(sqlite3 *db, const struct kiosk_identity *id, int64_t *seq)
{
	char path[700], key[48], text[32];
	int64_t file_r = 0, db_r = 0;
	if (!id->dir[0])
		return 0;	/* identity built by hand: the database alone decides */
	if (str_fmt(path, sizeof(path), "%s/seq-%s", id->dir, id->id) < 0 ||
	    str_fmt(key, sizeof(key), "seq_reserved:%s", id->id) < 0)
		return error("state dir path too long");
	if (access(path, F_OK) == 0) {
		char *buf = file_read(path, 64, NULL);
		if (!buf)
			return -1;
		file_r = strtoll(buf, NULL, 10);
		free(buf);
	}
	if (db_setting_get(db, key, text, sizeof(text)) == 0)
		db_r = strtoll(text, NULL, 10);
	if (file_r != db_r && *seq <= file_r)
		*seq = file_r + 1;
	if (*seq > file_r) {
		int64_t r = *seq + SEQ_BLOCK - 1;
		snprintf(text, sizeof(text), "%lld\n", (long long)r);
		if (file_write_atomic(path, text, strlen(text), 0600))
			return -1;
		snprintf(text, sizeof(text), "%lld", (long long)r);
		if (db_setting_set(db, key, text))
			return -1;
	}
	return 0;
}

static int insert_rows(sqlite3 *db, const struct application *app, const char *cf_hash,
		       const char *token)
{
	static const char sql[] =
		"INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id, placement_code, comune,"
		"  cf_hash, cf, given_name, family_name, phone, email, sex, birth_date, age, birthplace,"
		"  residence, applicant_status, education, lang, submitted_at, status, status_at, receipt)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
		"  ?18, ?19, ?20, ?21, ?22, 'received', ?22, ?23)";
	sqlite3_stmt *st = db_prepare(db, sql);
	char sex[2] = { app->sex, 0 };
	int rc = -1;
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, app->uuid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, app->protocol, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, app->kiosk_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, app->seq);
	sqlite3_bind_int64(st, 5, app->call_id);
	sqlite3_bind_text(st, 6, app->placement_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, app->comune, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, cf_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, app->cf, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, app->given_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, app->family_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, app->phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, app->email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, sex, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 15, app->birth_date, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 16, app->age);
	sqlite3_bind_text(st, 17, app->birthplace, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 18, app->residence, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 19, app->applicant_status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 20, app->education, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 21, app->lang, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 22, app->submitted_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 23, token, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		error("cannot store application: %s", sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_finalize(st);
	st = db_prepare(db, "INSERT INTO outbox(uuid, created_at) VALUES (?1, ?2)");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, app->uuid, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, app->submitted_at, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		error("cannot queue application: %s", sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

enum submit_result application_submit(sqlite3 *db, const struct kiosk_identity *id,
				      struct application *app, char *token, size_t tsize,
				      char *err, size_t errsize)
{
	struct cf_info info;
	struct receipt_fields rf;
	struct tm tm;
	char today[11], field[32], why[160], cf_hash[65], sig[RECEIPT_TOKEN_MAX];
	sqlite3_stmt *st;
	enum submit_result res = SUBMIT_ERROR;
	time_t now;
	int s;

	unassign(app, token, tsize);
	if (err && errsize)
		err[0] = '\0';
	if (sodium_init() < 0) {
		str_copy(err, errsize, "the signing library cannot start");
		return SUBMIT_ERROR;
	}
	if (!kiosk_id_ok(id->id)) {
		str_copy(err, errsize, "this kiosk has no valid id: enrol it first");
		return SUBMIT_ERROR;
	}
	/* A receipt may only follow a commit that is on disk. */
	if (db_int(db, "PRAGMA synchronous", NULL, 0) < 2 && db_exec(db, "PRAGMA synchronous=FULL")) {
		str_copy(err, errsize, "the database cannot be made durable");
		return SUBMIT_ERROR;
	}
	now = now_wall();
	time_date(now, today, sizeof(today));
	str_copy(app->kiosk_id, sizeof(app->kiosk_id), id->id);

	/* The placement decides the call and the host comune. */
	st = db_prepare(db, "SELECT call_id, comune FROM placement WHERE code = ?1");
	if (!st) {
		str_copy(err, errsize, "the catalog cannot be read");
		return SUBMIT_ERROR;
	}
	sqlite3_bind_text(st, 1, app->placement_code, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		app->call_id = sqlite3_column_int64(st, 0);
		db_col_copy(st, 1, app->comune, sizeof(app->comune));
	}
	sqlite3_finalize(st);
	if (s != SQLITE_ROW) {
		str_copy(err, errsize, "placement_code: no such placement");
		return SUBMIT_CLOSED;
	}

	/* Normalise the codice fiscale and take what it says. */
	if (cf_check(app->cf, today, &info, why, sizeof(why)) == 0) {
		str_copy(app->cf, sizeof(app->cf), info.code);
		app->sex = info.sex;
		str_copy(app->birth_date, sizeof(app->birth_date), info.birth_date);
		str_copy(app->birthplace, sizeof(app->birthplace), info.birthplace);
		app->age = age_on(info.birth_date, today);
	}
	str_trim(app->given_name);
	str_trim(app->family_name);
	str_trim(app->phone);
	str_trim(app->email);
	if (!app->lang[0])
		str_copy(app->lang, sizeof(app->lang), "it");
	if (application_validate(db, app, field, sizeof(field), why, sizeof(why))) {
		if (err && errsize)
			snprintf(err, errsize, "%s: %s", field, why);
		return !strcmp(field, "placement_code") ? SUBMIT_CLOSED : SUBMIT_INVALID;
	}
	application_person_hash(app->call_id, app->cf, cf_hash, sizeof(cf_hash));

	if (db_begin(db)) {
		str_copy(err, errsize, "the database is busy or cannot be written");
		return SUBMIT_ERROR;
	}
	st = db_prepare(db, "SELECT 1 FROM application WHERE call_id = ?1 AND cf_hash = ?2");
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, app->call_id);
	sqlite3_bind_text(st, 2, cf_hash, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	sqlite3_finalize(st);
	if (s == SQLITE_ROW) {
		db_rollback(db);
		str_copy(err, errsize, "cf: this person has already applied to this call");
		return SUBMIT_DUPLICATE;
	}
	if (s != SQLITE_DONE)
		goto fail;

	app->seq = db_int(db, "SELECT COALESCE(MAX(seq), 0) + 1 FROM application WHERE kiosk_id = ?1",
			  app->kiosk_id, -1);
	if (app->seq < 1 || seq_reserve(db, id, &app->seq))
		goto fail;
	localtime_r(&now, &tm);
	uuid_v7(app->uuid, sizeof(app->uuid));
	time_iso(now, app->submitted_at, sizeof(app->submitted_at));
	if (receipt_protocol(id->comune[0] ? id->comune : app->comune, app->kiosk_id,
			     tm.tm_year + 1900, app->seq, app->protocol, sizeof(app->protocol)))
		goto fail;
	str_copy(app->status, sizeof(app->status), "received");

	memset(&rf, 0, sizeof(rf));
	rf.version = RECEIPT_VERSION;
	str_copy(rf.kiosk_id, sizeof(rf.kiosk_id), app->kiosk_id);
	str_copy(rf.comune, sizeof(rf.comune), id->comune[0] ? id->comune : app->comune);
	rf.year = tm.tm_year + 1900;
	rf.seq = app->seq;
	str_copy(rf.uuid, sizeof(rf.uuid), app->uuid);
	str_copy(rf.placement_code, sizeof(rf.placement_code), app->placement_code);
	rf.submitted = (int64_t)now;
	if (receipt_sign(&rf, id->sk, sig, sizeof(sig)))
		goto fail;
	if (insert_rows(db, app, cf_hash, sig))
		goto fail;
	if (db_commit(db))
		goto fail;
	/* Committed with synchronous=FULL: only now may a receipt exist. */
	if (str_copy(token, tsize, sig) >= tsize)
		warning("receipt token buffer too small");
	return SUBMIT_OK;
fail:
	db_rollback(db);
	unassign(app, token, tsize);
	if (err && errsize && !err[0])
		str_copy(err, errsize, "the application could not be saved; nothing was stored");
	return res;
}

void application_wipe(struct application *app)
{
	str_wipe(app->cf, sizeof(app->cf));
	str_wipe(app->given_name, sizeof(app->given_name));
	str_wipe(app->family_name, sizeof(app->family_name));
	str_wipe(app->phone, sizeof(app->phone));
	str_wipe(app->email, sizeof(app->email));
	str_wipe(app->birth_date, sizeof(app->birth_date));
	str_wipe(app->birthplace, sizeof(app->birthplace));
	str_wipe(app->residence, sizeof(app->residence));
	str_wipe(app->applicant_status, sizeof(app->applicant_status));
	str_wipe(app->education, sizeof(app->education));
	app->sex = 0;
	app->age = 0;
}

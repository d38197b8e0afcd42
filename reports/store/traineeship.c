/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Running placements: start data, attendance, absences, the monthly
 * register and the allowance (see traineeship.h). Start reading at
 * traineeship_month(): it gathers a month's rows and hands them to
 * core/placement.c's rules; traineeship_confirm() freezes what it
 * computed.
 *
 * Times of events are epoch seconds; days are the hub's local calendar
 * days (TZ, Europe/Rome in production), as the kiosk shows them.
 */
#include "reports/store/traineeship.h"
#include "reports/store/store.h"
#include "reports/store/replacement.h"
#include "reports/store/doc_key.h"
#include "reports/store/mail_outbox.h"
#include "core/attendance.h"
#include "core/cf.h"
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/util.h"

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How many past months the late-register reminder looks back. */
#define REMIND_MONTHS 3
#define ARGS(...) (&(struct store_args){ .v = { __VA_ARGS__ }, \
	.n = (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *)) })

#define TRAINEESHIP_TABLES(SERIAL) \
	"CREATE TABLE IF NOT EXISTS traineeship (" \
	"  uuid TEXT PRIMARY KEY, comune TEXT NOT NULL, placement_code TEXT NOT NULL," \
	"  cf TEXT NOT NULL, given_name TEXT NOT NULL DEFAULT '', family_name TEXT NOT NULL DEFAULT ''," \
	"  start_date TEXT NOT NULL, end_date TEXT NOT NULL," \
	"  months INTEGER NOT NULL, weekly_minutes INTEGER NOT NULL," \
	"  classroom_hours INTEGER NOT NULL, tutor_comune TEXT NOT NULL," \
	"  tutor_promoter TEXT NOT NULL, rule TEXT NOT NULL," \
	"  status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running','completed','dropped_out'))," \
	"  ended_on TEXT, end_reason TEXT, end_note TEXT," \
	"  hours_done_minutes INTEGER, competences TEXT, judgement TEXT," \
	"  started_by TEXT NOT NULL, started_at TEXT NOT NULL);" \
	"CREATE INDEX IF NOT EXISTS traineeship_person ON traineeship(cf, comune);" \
	"CREATE TABLE IF NOT EXISTS attendance_event (" \
	"  id " SERIAL ", uuid TEXT NOT NULL, at BIGINT NOT NULL," \
	"  kind INTEGER NOT NULL CHECK (kind IN (1,2)), source TEXT NOT NULL," \
	"  token TEXT UNIQUE, by TEXT NOT NULL, reason TEXT NOT NULL DEFAULT ''," \
	"  recorded_at TEXT NOT NULL);" \
	"CREATE INDEX IF NOT EXISTS attendance_event_uuid ON attendance_event(uuid, at);" \
	"CREATE TABLE IF NOT EXISTS absence (" \
	"  uuid TEXT NOT NULL, day TEXT NOT NULL," \
	"  kind TEXT NOT NULL CHECK (kind IN ('illness','holiday','permitted','suspension'))," \
	"  by TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (uuid, day));" \
	"CREATE TABLE IF NOT EXISTS register_month (" \
	"  uuid TEXT NOT NULL, month TEXT NOT NULL," \
	"  classroom_minutes INTEGER NOT NULL DEFAULT 0," \
	"  confirmed_at TEXT, confirmed_by TEXT," \
	"  working_days INTEGER, due_days INTEGER, suspended_days INTEGER," \
	"  expected_minutes INTEGER, attended_minutes INTEGER, rate_permille INTEGER," \
	"  base_cents BIGINT, due_cents BIGINT, why TEXT, explain TEXT," \
	"  paid_at TEXT, paid_by TEXT, PRIMARY KEY (uuid, month));" \
	"CREATE INDEX IF NOT EXISTS register_month_month ON register_month(month, confirmed_at);" \
	"CREATE TABLE IF NOT EXISTS traineeship_audit (" \
	"  id " SERIAL ", uuid TEXT NOT NULL, at TEXT NOT NULL, by TEXT NOT NULL," \
	"  action TEXT NOT NULL, note TEXT NOT NULL DEFAULT '');" \
	"CREATE INDEX IF NOT EXISTS traineeship_audit_uuid ON traineeship_audit(uuid, id);" \
	REPLACEMENT_TABLE(SERIAL) \
	BADGE_TABLE \
	FOLLOWUP_TABLE

/* Each trainee's personal QR for the kiosk (core/attendance.h's badge):
 * the SHA-256 of the one valid now (badge_hash(), what the roster
 * carries), never the QR itself (trainee_badge.c derives it again for a
 * reprint); reissuing replaces it, so the lost one stops working at the
 * kiosks' next roster. And the signed token of each completed
 * placement's certificate the kiosks print, signed once. */
#define BADGE_TABLE \
	"CREATE TABLE IF NOT EXISTS trainee_badge (" \
	"  uuid TEXT PRIMARY KEY, badge TEXT NOT NULL UNIQUE, issue INTEGER NOT NULL," \
	"  issued_at TEXT NOT NULL, issued_by TEXT NOT NULL);" \
	"CREATE TABLE IF NOT EXISTS certificate_token (" \
	"  uuid TEXT PRIMARY KEY, token TEXT NOT NULL, made_at TEXT NOT NULL);"

/* The trainee's employment at a follow-up after the end (one per
 * placement, the last recorded). */
#define FOLLOWUP_TABLE \
	"CREATE TABLE IF NOT EXISTS traineeship_followup (" \
	"  uuid TEXT PRIMARY KEY," \
	"  status TEXT NOT NULL CHECK (status IN ('employed','not_employed','education','unknown'))," \
	"  followed_on TEXT NOT NULL, recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL);"

/* A seat freed by a dropout, offered down the final ranking
 * (reports/store/replacement.c). */
#define REPLACEMENT_TABLE(SERIAL) \
	"CREATE TABLE IF NOT EXISTS replacement_offer (" \
	"  id " SERIAL ", placement_code TEXT NOT NULL, comune TEXT NOT NULL," \
	"  freed_uuid TEXT NOT NULL, uuid TEXT NOT NULL, offered_at TEXT NOT NULL," \
	"  deadline TEXT NOT NULL," \
	"  status TEXT NOT NULL DEFAULT 'offered' CHECK (status IN ('offered','accepted','refused'))," \
	"  decided_at TEXT, decided_by TEXT, note TEXT NOT NULL DEFAULT '');" \
	"CREATE INDEX IF NOT EXISTS replacement_offer_uuid ON replacement_offer(uuid, status);" \
	"CREATE TABLE IF NOT EXISTS register_reminder (" \
	"  uuid TEXT NOT NULL, month TEXT NOT NULL, sent_to TEXT NOT NULL, at TEXT NOT NULL," \
	"  PRIMARY KEY (uuid, month));"

static const struct migration traineeship_migrations[] = {
	{ 1, TRAINEESHIP_TABLES("INTEGER PRIMARY KEY") },
	{ 2, REPLACEMENT_TABLE("INTEGER PRIMARY KEY") },
	{ 3, REPLACEMENT_TABLE("INTEGER PRIMARY KEY") },
	{ 4, BADGE_TABLE },
	{ 5, FOLLOWUP_TABLE },
	/* Hubs before it kept the personal QR itself: its hash now. */
	{ 6, "UPDATE trainee_badge SET badge = dote_badge_hash(badge) WHERE badge LIKE 'DCP-%';" },
};
static const char traineeship_pg_schema[] = TRAINEESHIP_TABLES("BIGSERIAL PRIMARY KEY")
	"UPDATE trainee_badge SET badge = encode(sha256(convert_to(upper(badge), 'UTF8')), 'hex')"
	" WHERE badge LIKE 'DCP-%';";

/* SQL dote_badge_hash(text): badge_hash() of a personal QR, for the
 * migration above (the text itself when it is not shaped like one). */
static void sql_badge_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *text = sqlite3_value_text(argv[0]);
	char hex[BADGE_HASH_MAX];
	if (text && !badge_hash((const char *)text, hex, sizeof(hex)))
		sqlite3_result_text(ctx, hex, -1, SQLITE_TRANSIENT);
	else
		sqlite3_result_value(ctx, argv[0]);
}

const char *const absence_kinds[ABSENCE_KINDS] = { "illness", "holiday", "permitted", "suspension" };

int traineeship_migrate(struct store *s)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char fp[80], found[8];
	int i;

	if (!store_is_pg(s)) {
		if (sqlite3_create_function(s->conn, "dote_badge_hash", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
					    sql_badge_hash, NULL, NULL) != SQLITE_OK)
			return error("cannot add dote_badge_hash: %s", sqlite3_errmsg(s->conn));
		return db_migrate(s->conn, "traineeship", traineeship_migrations,
				  (int)ARRAY_SIZE(traineeship_migrations));
	}
	crypto_hash_sha256(h, (const unsigned char *)traineeship_pg_schema, strlen(traineeship_pg_schema));
	memcpy(fp, "traineeship:", 12);
	for (i = 0; i < 16; i++)
		snprintf(fp + 12 + 2 * i, 3, "%02x", h[i]);
	if (store_exec_script(s, "CREATE TABLE IF NOT EXISTS store_schema (fingerprint TEXT PRIMARY KEY)"))
		return -1;
	if (store_text(s, "SELECT 1 FROM store_schema WHERE fingerprint = ?1", ARGS(fp), found,
		       sizeof(found)) == 0)
		return 0;
	/* Several hubs (and the CLI) may create the tables at once. */
	if (store_exec_script(s, "SELECT pg_advisory_lock(4719)"))
		return -1;
	i = store_exec_script(s, traineeship_pg_schema) ||
	    store_exec(s, "INSERT INTO store_schema(fingerprint) VALUES (?1) ON CONFLICT DO NOTHING",
		       ARGS(fp)) < 0 ? -1 : 0;
	store_exec_script(s, "SELECT pg_advisory_unlock(4719)");
	return i;
}

/* ------------------------------------------------------------- helpers */

static void now_iso(char out[21])
{
	time_iso(now_wall(), out, 21);
}

static const char *cell(const struct store_res *r, int row, int col)
{
	const char *v = store_res_get(r, row, col);
	return v ? v : "";
}

static int refuse(char *err, size_t size, const char *why)
{
	str_copy(err, size, why);
	return 2;
}

static int audit(struct store *s, const char *uuid, const char *by, const char *action,
		 const char *note)
{
	char at[21];
	now_iso(at);
	return store_exec(s, "INSERT INTO traineeship_audit(uuid, at, by, action, note) VALUES (?1,?2,?3,?4,?5)",
			  ARGS(uuid, at, by, action, note ? note : "")) < 0 ? -1 : 0;
}

/* "YYYY-MM" into y, m. */
static int month_parse(const char *month, int *y, int *m)
{
	char buf[16];
	int d;
	if (!month || strlen(month) != 7 || str_fmt(buf, sizeof(buf), "%s-01", month) < 0 ||
	    date_parse(buf, y, m, &d))
		return -1;
	return 0;
}

/* Epoch seconds of local midnight starting day. */
static int64_t local_midnight(long day)
{
	struct tm tm = { 0 };
	int y, m, d;
	cal_ymd(day, &y, &m, &d);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static void hhmm(int64_t at, char out[6])
{
	struct tm tm;
	time_t t = (time_t)at;
	localtime_r(&t, &tm);
	snprintf(out, 6, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

static void rule_json(const struct allowance_rule *r, char *buf, size_t size)
{
	snprintf(buf, size, "{\"amount\": %ld.%02ld, \"threshold\": %d, \"below\": \"%s\", \"floor\": %d}",
		 r->amount_cents / 100, r->amount_cents % 100, r->threshold_pct,
		 r->below == ALLOWANCE_NOTHING ? "nothing" : "proportional", r->floor_pct);
}

const char *allowance_why_key(enum allowance_why w)
{
	switch (w) {
	case ALLOWANCE_FULL: return "full";
	case ALLOWANCE_REDUCED: return "reduced";
	case ALLOWANCE_BELOW_THRESHOLD: return "below_threshold";
	case ALLOWANCE_BELOW_FLOOR: return "below_floor";
	case ALLOWANCE_NOTHING_DUE: return "nothing_due";
	}
	return "";
}

/* ---------------------------------------------------------------- start */

int traineeship_start(struct store *s, const struct traineeship_start *in, const char *by,
		      char *err, size_t errsize)
{
	struct store_res *r = NULL;
	struct allowance_rule rule;
	char end[11], rule_text[200], weekly[16], months_s[8], hours[8], at[21], status[20];
	json_t *rules = NULL;
	int rc = -1, months;

	err[0] = '\0';
	if (!in->uuid || date_parse(in->start, &(int){ 0 }, &(int){ 0 }, &(int){ 0 }))
		return refuse(err, errsize, "Data di inizio non valida (AAAA-MM-GG).");
	if (in->classroom_hours < 18 || in->classroom_hours > 72)
		return refuse(err, errsize, "Le ore d'aula vanno da 18 a 72.");
	if (!in->tutor_comune || !*in->tutor_comune || !in->tutor_promoter || !*in->tutor_promoter)
		return refuse(err, errsize, "Indicare il tutor del comune e quello del soggetto promotore.");
	if (store_query(s,
			"SELECT a.status, a.comune, a.placement_code, a.cf, p.months, p.hours_week,"
			" p.allowance_eur, c.rules, (SELECT count(*) FROM traineeship t WHERE t.uuid = a.uuid),"
			" coalesce(a.given_name, ''), coalesce(a.family_name, '')"
			" FROM application a JOIN placement p ON p.code = a.placement_code"
			" JOIN call c ON c.id = p.call_id WHERE a.uuid = ?1",
			ARGS(in->uuid), &r))
		return -1;
	if (store_res_rows(r) != 1) {
		rc = 1;
		goto out;
	}
	str_copy(status, sizeof(status), cell(r, 0, 0));
	if (atoi(cell(r, 0, 8)) > 0) {
		rc = refuse(err, errsize, "Il tirocinio è già stato avviato.");
		goto out;
	}
	if (strcmp(status, "selected") && strcmp(status, "started")) {
		rc = refuse(err, errsize, "Si avvia solo il tirocinio di una persona selezionata.");
		goto out;
	}
	if (strlen(cell(r, 0, 3)) != 16) {
		rc = refuse(err, errsize, "Manca il codice fiscale del tirocinante.");
		goto out;
	}
	months = atoi(cell(r, 0, 4));
	if (placement_end_date(in->start, months, 0, end, sizeof(end)))
		goto out;
	/* The call's rule, the placement's amount. */
	rules = json_loads(cell(r, 0, 7), 0, NULL);
	{
		json_t *a = rules ? json_object_get(rules, "allowance") : NULL;
		char *text = a ? json_dumps(a, JSON_COMPACT) : NULL;
		int bad = allowance_rule_parse(text, &rule);
		free(text);
		if (bad) {
			rc = refuse(err, errsize, "La regola dell'indennità del bando non è valida.");
			goto out;
		}
	}
	rule.amount_cents = atol(cell(r, 0, 6)) * 100;
	rule_json(&rule, rule_text, sizeof(rule_text));
	snprintf(weekly, sizeof(weekly), "%d", atoi(cell(r, 0, 5)) * 60);
	snprintf(months_s, sizeof(months_s), "%d", months);
	snprintf(hours, sizeof(hours), "%d", in->classroom_hours);
	if (!strcmp(status, "selected")) {
		int st = store_status_set(s, in->uuid, "started", by, "avvio del tirocinio", err, errsize);
		if (st) {
			rc = st == 1 ? 1 : st;
			goto out;
		}
	}
	now_iso(at);
	if (store_begin(s))
		goto out;
	if (store_exec(s,
		       "INSERT INTO traineeship(uuid, comune, placement_code, cf, start_date, end_date, months,"
		       " weekly_minutes, classroom_hours, tutor_comune, tutor_promoter, rule, started_by, started_at,"
		       " given_name, family_name)"
		       " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)",
		       ARGS(in->uuid, cell(r, 0, 1), cell(r, 0, 2), cell(r, 0, 3), in->start, end, months_s,
			    weekly, hours, in->tutor_comune, in->tutor_promoter, rule_text, by, at,
			    cell(r, 0, 9), cell(r, 0, 10))) != 1 ||
	    audit(s, in->uuid, by, "start", in->start)) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s) ? -1 : 0;
out:
	json_decref(rules);
	store_res_free(r);
	return rc;
}

int traineeship_application_status(struct store *s, const char *uuid, const char *comune, char *status,
				   size_t size)
{
	return store_text(s, "SELECT status FROM application WHERE uuid = ?1 AND comune = ?2",
			  ARGS(uuid ? uuid : "", comune ? comune : ""), status, size);
}

void traineeship_public_url(struct store *s, char *buf, size_t size)
{
	const char *env = getenv("DOTE_HUB_URL");
	if (store_text(s, "SELECT value FROM setting WHERE key = 'public_url'", NULL, buf, size) == 0 && *buf)
		return;
	str_copy(buf, size, env ? env : "");
}

int traineeship_get(struct store *s, const char *uuid, struct traineeship *t)
{
	struct store_res *r = NULL;
	int rc = 1;
	memset(t, 0, sizeof(*t));
	if (store_query(s,
			"SELECT t.uuid, t.comune, t.placement_code, t.cf, t.given_name,"
			" t.family_name, t.start_date, t.end_date, t.status, t.months,"
			" t.weekly_minutes, t.classroom_hours, t.tutor_comune, t.tutor_promoter, t.rule"
			" FROM traineeship t LEFT JOIN application a ON a.uuid = t.uuid WHERE t.uuid = ?1",
			ARGS(uuid ? uuid : ""), &r))
		return -1;
	if (store_res_rows(r) == 1) {
		str_copy(t->uuid, sizeof(t->uuid), cell(r, 0, 0));
		str_copy(t->comune, sizeof(t->comune), cell(r, 0, 1));
		str_copy(t->placement_code, sizeof(t->placement_code), cell(r, 0, 2));
		str_copy(t->cf, sizeof(t->cf), cell(r, 0, 3));
		str_copy(t->given_name, sizeof(t->given_name), cell(r, 0, 4));
		str_copy(t->family_name, sizeof(t->family_name), cell(r, 0, 5));
		str_copy(t->start, sizeof(t->start), cell(r, 0, 6));
		str_copy(t->end, sizeof(t->end), cell(r, 0, 7));
		str_copy(t->status, sizeof(t->status), cell(r, 0, 8));
		t->months = atoi(cell(r, 0, 9));
		t->weekly_minutes = atoi(cell(r, 0, 10));
		t->classroom_hours = atoi(cell(r, 0, 11));
		str_copy(t->tutor_comune, sizeof(t->tutor_comune), cell(r, 0, 12));
		str_copy(t->tutor_promoter, sizeof(t->tutor_promoter), cell(r, 0, 13));
		if (allowance_rule_parse(cell(r, 0, 14), &t->rule))
			allowance_rule_default(&t->rule);
		/* Initials from the names, else from the codice fiscale's
		 * consonants (surname, name), as a register shows them. */
		if (t->given_name[0] && t->family_name[0])
			snprintf(t->initials, sizeof(t->initials), "%c. %c.", t->given_name[0], t->family_name[0]);
		else
			snprintf(t->initials, sizeof(t->initials), "%c. %c.", t->cf[3], t->cf[0]);
		rc = 0;
	}
	store_res_free(r);
	return rc;
}

/* ------------------------------------------------------------ attendance */

static int insert_event(struct store *s, const char *uuid, int64_t at, int kind, const char *source,
			const char *token, const char *by, const char *reason)
{
	char at_s[24], kind_s[4], now[21];
	snprintf(at_s, sizeof(at_s), "%lld", (long long)at);
	snprintf(kind_s, sizeof(kind_s), "%d", kind);
	now_iso(now);
	return store_exec(s,
			  "INSERT INTO attendance_event(uuid, at, kind, source, token, by, reason, recorded_at)"
			  " VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
			  ARGS(uuid, at_s, kind_s, source, token, by, reason, now)) == 1 ? 0 : -1;
}

int traineeship_kiosk_event(struct store *s, const struct store_kiosk *k, const char *token,
			    char *err, size_t errsize)
{
	struct attendance_signed f;
	struct store_res *r = NULL;
	char found[8];
	enum receipt_result v;
	int rc = -1;

	err[0] = '\0';
	v = attendance_verify(token, store_receipt_lookup, s, &f);
	if (v == RECEIPT_LOOKUP_ERROR)
		return -1;
	if (v != RECEIPT_OK)
		return refuse(err, errsize, receipt_result_str(v));
	if (strcmp(f.kiosk_id, k->id))
		return refuse(err, errsize, "event signed by another kiosk");
	if (strcmp(f.comune, k->comune))
		return refuse(err, errsize, "event of another comune");
	if (store_text(s, "SELECT 1 FROM attendance_event WHERE token = ?1", ARGS(token), found,
		       sizeof(found)) == 0)
		return TE_ALREADY;
	if (store_query(s, "SELECT uuid FROM traineeship WHERE cf = ?1 AND comune = ?2 AND status = 'running'",
			ARGS(f.cf, k->comune), &r))
		return -1;
	if (store_res_rows(r) != 1) {
		rc = refuse(err, errsize, "no running placement for this person in this comune");
		goto out;
	}
	/* The same scan signed twice (a second tap of the card within
	 * ATTENDANCE_REPEAT_SECONDS, or a kiosk that lost its outbox row
	 * after sending) is one event, not a second sign-in. */
	{
		char lo[24], hi[24], kind[4];
		snprintf(lo, sizeof(lo), "%lld", (long long)(f.at - ATTENDANCE_REPEAT_SECONDS));
		snprintf(hi, sizeof(hi), "%lld", (long long)(f.at + ATTENDANCE_REPEAT_SECONDS));
		snprintf(kind, sizeof(kind), "%d", f.kind);
		if (store_text(s, "SELECT 1 FROM attendance_event WHERE uuid = ?1 AND kind = ?2 AND at > ?3 AND at < ?4",
			       ARGS(cell(r, 0, 0), kind, lo, hi), found, sizeof(found)) == 0) {
			rc = TE_ALREADY;
			goto out;
		}
	}
	if (store_begin(s))
		goto out;
	if (insert_event(s, cell(r, 0, 0), f.at, f.kind, k->id, token, k->id, "")) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s) ? -1 : TE_STORED;
out:
	store_res_free(r);
	return rc;
}

int traineeship_kiosk_batch(struct store *s, const struct store_kiosk *k, const json_t *body,
			    json_t **response)
{
	const json_t *events = json_object_get(body, "events");
	json_t *results;
	int counts[3] = { 0, 0, 0 };
	size_t i;
	*response = NULL;
	if (!json_is_array(events) || json_array_size(events) > TRAINEESHIP_BATCH_MAX) {
		*response = json_pack("{s:s}", "error", "events: a list of at most 100 attendance tokens");
		return 1;
	}
	results = json_array();
	for (i = 0; i < json_array_size(events); i++) {
		const char *tok = json_string_value(json_array_get(events, i));
		char why[160] = "";
		int r = tok && strlen(tok) < ATTENDANCE_TOKEN_MAX ? traineeship_kiosk_event(s, k, tok, why, sizeof(why))
								     : (str_copy(why, sizeof(why), "not an attendance token"), TE_REFUSED);
		static const char *const names[3] = { "stored", "already", "refused" };
		if (r < 0) {
			json_decref(results);
			return -1;
		}
		counts[r]++;
		json_array_append_new(results, r == TE_REFUSED ? json_pack("{s:s, s:s}", "result", names[r], "why", why)
							       : json_pack("{s:s}", "result", names[r]));
	}
	*response = json_pack("{s:o, s:i, s:i, s:i}", "results", results, "stored", counts[0], "already", counts[1],
			      "refused", counts[2]);
	return *response ? 0 : -1;
}

int traineeship_roster(struct store *s, const char *comune, json_t **roster)
{
	struct store_res *r = NULL;
	*roster = NULL;
	if (store_query(s,
			"SELECT t.cf, t.given_name, t.family_name, t.start_date, t.end_date, b.badge"
			" FROM traineeship t LEFT JOIN application a ON a.uuid = t.uuid"
			" LEFT JOIN trainee_badge b ON b.uuid = t.uuid"
			" WHERE t.comune = ?1 AND t.status = 'running' ORDER BY t.cf", ARGS(comune ? comune : ""), &r))
		return -1;
	*roster = json_array();
	for (int i = 0; i < store_res_rows(r); i++) {
		const char *cf = cell(r, i, 0), *g = cell(r, i, 1), *f = cell(r, i, 2);
		char ini[8];
		json_t *e;
		if (strlen(cf) != 16)
			continue;
		if (*g && *f)
			snprintf(ini, sizeof(ini), "%c. %c.", g[0], f[0]);
		else
			snprintf(ini, sizeof(ini), "%c. %c.", cf[3], cf[0]);
		e = json_pack("{s:s, s:s, s:s, s:s}", "cf", cf, "initials", ini, "start", cell(r, i, 3), "end",
			      cell(r, i, 4));
		/* The kiosk gets the personal QR's hash (all the hub keeps). */
		if (e && strlen(cell(r, i, 5)) == BADGE_HASH_MAX - 1)
			json_object_set_new(e, "badge", json_string(cell(r, i, 5)));
		json_array_append_new(*roster, e);
	}
	store_res_free(r);
	return 0;
}

int traineeship_event_fix(struct store *s, const char *uuid, int64_t at, int kind, const char *by,
			  const char *reason, char *err, size_t errsize)
{
	struct traineeship t;
	char note[300], when[11], hm[6];
	int rc = traineeship_get(s, uuid, &t);
	err[0] = '\0';
	if (rc)
		return rc;
	if (kind != ATTENDANCE_IN && kind != ATTENDANCE_OUT)
		return refuse(err, errsize, "Tipo di timbratura non valido.");
	if (!reason || strlen(reason) < 3 || strlen(reason) > 240)
		return refuse(err, errsize, "Scrivere il motivo della correzione.");
	time_date((time_t)at, when, sizeof(when));
	if (strcmp(when, t.start) < 0 || strcmp(when, t.end) > 0)
		return refuse(err, errsize, "La data è fuori dal periodo del tirocinio.");
	hhmm(at, hm);
	snprintf(note, sizeof(note), "%s %s %s: %s", kind == ATTENDANCE_IN ? "ingresso" : "uscita", when, hm,
		 reason);
	if (store_begin(s))
		return -1;
	if (insert_event(s, uuid, at, kind, "tutor", NULL, by, reason) ||
	    audit(s, uuid, by, "attendance_fix", note)) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s) ? -1 : 0;
}

/* Recomputes the end date from the suspension days recorded. */
static int end_update(struct store *s, const struct traineeship *t)
{
	char n[16], end[11];
	if (store_text(s, "SELECT count(*) FROM absence WHERE uuid = ?1 AND kind = 'suspension'",
		       ARGS(t->uuid), n, sizeof(n)))
		return -1;
	if (placement_end_date(t->start, t->months, atoi(n), end, sizeof(end)))
		return -1;
	return store_exec(s, "UPDATE traineeship SET end_date = ?2 WHERE uuid = ?1", ARGS(t->uuid, end)) < 0 ? -1 : 0;
}

int traineeship_absence_set(struct store *s, const char *uuid, const char *day, const char *kind,
			    const char *by, char *err, size_t errsize)
{
	struct traineeship t;
	char now[21], note[64];
	int rc = traineeship_get(s, uuid, &t), ok = 0;
	err[0] = '\0';
	if (rc)
		return rc;
	for (int i = 0; i < ABSENCE_KINDS; i++)
		ok |= kind && !strcmp(kind, absence_kinds[i]);
	if (!ok)
		return refuse(err, errsize, "Tipo di assenza non valido.");
	if (cal_parse(day) < 0 || strcmp(day, t.start) < 0 || strcmp(day, t.end) > 0)
		return refuse(err, errsize, "La data è fuori dal periodo del tirocinio.");
	now_iso(now);
	snprintf(note, sizeof(note), "%s %s", day, kind);
	if (store_begin(s))
		return -1;
	if (store_exec(s, "DELETE FROM absence WHERE uuid = ?1 AND day = ?2", ARGS(uuid, day)) < 0 ||
	    store_exec(s, "INSERT INTO absence(uuid, day, kind, by, at) VALUES (?1,?2,?3,?4,?5)",
		       ARGS(uuid, day, kind, by, now)) != 1 ||
	    end_update(s, &t) || audit(s, uuid, by, "absence", note)) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s) ? -1 : 0;
}

static int register_row(struct store *s, const char *uuid, const char *month)
{
	return store_exec(s, "INSERT INTO register_month(uuid, month) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
			  ARGS(uuid, month)) < 0 ? -1 : 0;
}

int traineeship_classroom_set(struct store *s, const char *uuid, const char *month, int minutes,
			      const char *by, char *err, size_t errsize)
{
	struct traineeship t;
	char v[16], note[40];
	int y, m, rc = traineeship_get(s, uuid, &t);
	err[0] = '\0';
	if (rc)
		return rc;
	if (month_parse(month, &y, &m) || minutes < 0 || minutes > 72 * 60)
		return refuse(err, errsize, "Mese o ore d'aula non validi.");
	snprintf(v, sizeof(v), "%d", minutes);
	snprintf(note, sizeof(note), "%s %d min", month, minutes);
	if (store_begin(s))
		return -1;
	if (register_row(s, uuid, month) ||
	    store_exec(s, "UPDATE register_month SET classroom_minutes = ?3 WHERE uuid = ?1 AND month = ?2"
			  " AND confirmed_at IS NULL", ARGS(uuid, month, v)) < 0 ||
	    audit(s, uuid, by, "classroom", note)) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s) ? -1 : 0;
}

/* -------------------------------------------------------------- register */

/* The month's absences (first: its first day) into m's days and counts;
 * its suspensions as ranges of days into susp. 0 or -1. */
static int month_absences(struct store *s, const char *uuid, struct register_month *m, long first,
			  struct day_range *susp, size_t *nsusp)
{
	struct store_res *r = NULL;

	if (store_query(s, "SELECT day, kind FROM absence WHERE uuid = ?1 AND day >= ?2 AND day <= ?3 ORDER BY day",
			ARGS(uuid, m->days[0].date, m->days[m->ndays - 1].date), &r))
		return -1;
	for (int i = 0; i < store_res_rows(r); i++) {
		long d = cal_parse(cell(r, i, 0));

		if (d < first || d >= first + m->ndays)
			continue;
		str_copy(m->days[d - first].absence, sizeof(m->days[0].absence), cell(r, i, 1));
		for (int k = 0; k < ABSENCE_KINDS; k++)
			if (!strcmp(cell(r, i, 1), absence_kinds[k]) && m->days[d - first].working)
				m->absence_days[k]++;
		if (!strcmp(cell(r, i, 1), "suspension") && *nsusp < PLACEMENT_SUSPENSIONS_MAX) {
			/* Consecutive days join one range. */
			if (*nsusp && susp[*nsusp - 1].to == d - 1)
				susp[*nsusp - 1].to = d;
			else
				susp[(*nsusp)++] = (struct day_range){ d, d };
		}
	}
	store_res_free(r);
	return 0;
}

/* The sign-ins and outs of the month's local days into m's days;
 * *attended the minutes they add up to. 0 or -1. */
static int month_events(struct store *s, const char *uuid, struct register_month *m, long first, int *attended)
{
	struct store_res *r = NULL;
	struct attendance_event *ev = NULL;
	struct attendance_day days[40];
	char from[24], to[24];
	int n, nd, rc = -1;

	snprintf(from, sizeof(from), "%lld", (long long)local_midnight(first));
	snprintf(to, sizeof(to), "%lld", (long long)local_midnight(first + m->ndays));
	if (store_query(s, "SELECT at, kind FROM attendance_event WHERE uuid = ?1 AND at >= ?2 AND at < ?3",
			ARGS(uuid, from, to), &r))
		return -1;
	n = store_res_rows(r);
	ev = calloc((size_t)n + 1, sizeof(*ev));
	if (!ev)
		goto out;
	for (int i = 0; i < n; i++) {
		ev[i].at = atoll(cell(r, i, 0));
		ev[i].kind = atoi(cell(r, i, 1));
	}
	nd = attendance_days(ev, (size_t)n, days, ARRAY_SIZE(days));
	if (nd < 0)
		goto out;
	for (int i = 0; i < nd; i++) {
		long d = cal_parse(days[i].date);
		struct register_day *rd;

		if (d < first || d >= first + m->ndays)
			continue;
		rd = &m->days[d - first];
		rd->minutes = days[i].minutes;
		rd->sessions = days[i].sessions;
		rd->missing_out = days[i].missing_out;
		rd->orphan_out = days[i].orphan_out;
		if (days[i].first_in)
			hhmm(days[i].first_in, rd->first_in);
		if (days[i].last_out)
			hhmm(days[i].last_out, rd->last_out);
		*attended += rd->minutes;
		m->missing_out += rd->missing_out;
		m->orphan_out += rd->orphan_out;
	}
	rc = 0;
out:
	free(ev);
	store_res_free(r);
	return rc;
}

/* The month's stored row: classroom minutes, confirmation, payment, and
 * once confirmed the allowance frozen then. 0 or -1. */
static int month_stored(struct store *s, const char *uuid, const char *month, struct register_month *m)
{
	struct store_res *r = NULL;

	if (store_query(s,
			"SELECT classroom_minutes, confirmed_at, confirmed_by, paid_at, attended_minutes,"
			" expected_minutes, rate_permille, base_cents, due_cents, explain, working_days,"
			" due_days, suspended_days, why"
			" FROM register_month WHERE uuid = ?1 AND month = ?2", ARGS(uuid, month), &r))
		return -1;
	if (store_res_rows(r) == 1) {
		m->classroom_minutes = atoi(cell(r, 0, 0));
		str_copy(m->confirmed_at, sizeof(m->confirmed_at), cell(r, 0, 1));
		str_copy(m->confirmed_by, sizeof(m->confirmed_by), cell(r, 0, 2));
		str_copy(m->paid_at, sizeof(m->paid_at), cell(r, 0, 3));
		if (m->confirmed_at[0]) {
			struct allowance_month *a = &m->allowance;

			a->attended_minutes = atoi(cell(r, 0, 4));
			a->exp.expected_minutes = atoi(cell(r, 0, 5));
			a->rate_permille = atoi(cell(r, 0, 6));
			a->base_cents = atol(cell(r, 0, 7));
			a->due_cents = atol(cell(r, 0, 8));
			str_copy(m->explain, sizeof(m->explain), cell(r, 0, 9));
			a->exp.working_days = atoi(cell(r, 0, 10));
			a->exp.due_days = atoi(cell(r, 0, 11));
			a->exp.suspended_days = atoi(cell(r, 0, 12));
		}
	}
	store_res_free(r);
	return 0;
}

int traineeship_month(struct store *s, const char *uuid, const char *month,
		      struct register_month *m)
{
	struct day_range susp[PLACEMENT_SUSPENSIONS_MAX];
	struct month_expected e;
	size_t nsusp = 0;
	long first, start, end;
	int y, mo, rc, attended = 0;

	memset(m, 0, sizeof(*m));
	if (month_parse(month, &y, &mo))
		return -1;
	rc = traineeship_get(s, uuid, &m->t);
	if (rc)
		return rc;
	str_copy(m->month, sizeof(m->month), month);
	m->ndays = days_in_month(y, mo);
	first = cal_day(y, mo, 1);
	start = cal_parse(m->t.start);
	end = cal_parse(m->t.end);
	for (int i = 0; i < m->ndays; i++) {
		cal_format(first + i, m->days[i].date, sizeof(m->days[i].date));
		m->days[i].working = cal_is_working_day(first + i) && first + i >= start && first + i <= end;
	}
	/* Absences (suspensions also shape what the month expects), events,
	 * the allowance as it stands, then the frozen one once confirmed. */
	if (month_absences(s, uuid, m, first, susp, &nsusp) || month_events(s, uuid, m, first, &attended) ||
	    placement_month_expected(start, end, m->t.weekly_minutes, y, mo, susp, nsusp, &e) ||
	    allowance_compute(&m->t.rule, &e, attended, &m->allowance))
		return -1;
	allowance_explain(&m->t.rule, &m->allowance, m->explain, sizeof(m->explain));
	return month_stored(s, uuid, month, m) ? -1 : 0;
}

static int confirm_as_of(struct store *s, const char *uuid, const char *month, const char *by,
			 const char *today, char *err, size_t errsize);

int traineeship_confirm(struct store *s, const char *uuid, const char *month, const char *by,
			char *err, size_t errsize)
{
	char today[11];
	time_date(now_wall(), today, sizeof(today));
	return confirm_as_of(s, uuid, month, by, today, err, errsize);
}

static int confirm_as_of(struct store *s, const char *uuid, const char *month, const char *by,
			 const char *today, char *err, size_t errsize)
{
	struct register_month *m = calloc(1, sizeof(*m));
	char now[21], v[9][24];
	int rc;
	err[0] = '\0';
	if (!m)
		return -1;
	rc = traineeship_month(s, uuid, month, m);
	if (rc)
		goto out;
	if (strcmp(today, m->days[m->ndays - 1].date) <= 0) {
		rc = refuse(err, errsize, "Il mese non è ancora finito.");
		goto out;
	}
	if (m->confirmed_at[0]) {
		rc = refuse(err, errsize, "Il mese è già confermato: solo il coordinamento può riaprirlo.");
		goto out;
	}
	if (m->missing_out) {
		rc = refuse(err, errsize, "Mancano uscite da correggere prima di confermare il mese.");
		goto out;
	}
	now_iso(now);
	snprintf(v[0], 24, "%d", m->allowance.exp.working_days);
	snprintf(v[1], 24, "%d", m->allowance.exp.due_days);
	snprintf(v[2], 24, "%d", m->allowance.exp.suspended_days);
	snprintf(v[3], 24, "%d", m->allowance.exp.expected_minutes);
	snprintf(v[4], 24, "%d", m->allowance.attended_minutes);
	snprintf(v[5], 24, "%d", m->allowance.rate_permille);
	snprintf(v[6], 24, "%ld", m->allowance.base_cents);
	snprintf(v[7], 24, "%ld", m->allowance.due_cents);
	str_copy(v[8], 24, allowance_why_key(m->allowance.why));
	rc = -1;
	if (store_begin(s))
		goto out;
	if (register_row(s, uuid, month) ||
	    store_exec(s,
		       "UPDATE register_month SET confirmed_at = ?3, confirmed_by = ?4, working_days = ?5,"
		       " due_days = ?6, suspended_days = ?7, expected_minutes = ?8, attended_minutes = ?9,"
		       " rate_permille = ?10, base_cents = ?11, due_cents = ?12, why = ?13, explain = ?14"
		       " WHERE uuid = ?1 AND month = ?2 AND confirmed_at IS NULL",
		       ARGS(uuid, month, now, by, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8],
			    m->explain)) != 1 ||
	    audit(s, uuid, by, "confirm", month)) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s) ? -1 : 0;
out:
	free(m);
	return rc;
}

int traineeship_reopen(struct store *s, const char *uuid, const char *month, const char *by,
		       const char *reason, char *err, size_t errsize)
{
	struct store_res *r = NULL;
	char note[300];
	int rc = -1;
	err[0] = '\0';
	if (!reason || strlen(reason) < 3 || strlen(reason) > 240)
		return refuse(err, errsize, "Scrivere il motivo della riapertura.");
	if (store_query(s, "SELECT confirmed_at, paid_at FROM register_month WHERE uuid = ?1 AND month = ?2",
			ARGS(uuid, month), &r))
		return -1;
	if (store_res_rows(r) != 1 || !store_res_get(r, 0, 0)) {
		rc = refuse(err, errsize, "Il mese non è confermato.");
		goto out;
	}
	if (store_res_get(r, 0, 1)) {
		rc = refuse(err, errsize, "Il mese è già stato pagato: non si riapre.");
		goto out;
	}
	snprintf(note, sizeof(note), "%s: %s", month, reason);
	if (store_begin(s))
		goto out;
	if (store_exec(s, "UPDATE register_month SET confirmed_at = NULL, confirmed_by = NULL"
			  " WHERE uuid = ?1 AND month = ?2 AND paid_at IS NULL", ARGS(uuid, month)) != 1 ||
	    audit(s, uuid, by, "reopen", note)) {
		store_rollback(s);
		goto out;
	}
	rc = store_commit(s) ? -1 : 0;
out:
	store_res_free(r);
	return rc;
}

/* ------------------------------------------------------------- allowance */

/* The columns of allowance_line in the order of ALLOWANCE_SQL. */
#define ALLOWANCE_SQL \
	"SELECT t.uuid, t.comune, t.placement_code, t.cf, t.given_name," \
	" t.family_name, m.working_days, m.due_days, m.suspended_days," \
	" m.expected_minutes, m.attended_minutes, m.rate_permille, m.base_cents, m.due_cents," \
	" m.why, m.explain, m.confirmed_at, m.paid_at" \
	" FROM register_month m JOIN traineeship t ON t.uuid = m.uuid" \
	" WHERE m.month = ?1 AND m.confirmed_at IS NOT NULL AND (?2 = '' OR t.comune = ?2)" \
	" ORDER BY t.comune, t.family_name, t.given_name, t.uuid"

struct allowance_walk {
	int (*fn)(void *ctx, const struct allowance_line *l);
	void *ctx;
	struct allowance_line l;
};

static const char *nz(const char *v)
{
	return v ? v : "";
}

/* One row of ALLOWANCE_SQL into w->l, then to the caller's function. */
static int allowance_row(void *ctx, const char *const *c, int ncols)
{
	struct allowance_walk *w = ctx;
	struct allowance_line *l = &w->l;
	if (ncols < 18)
		return -1;
	str_copy(l->uuid, sizeof(l->uuid), nz(c[0]));
	str_copy(l->comune, sizeof(l->comune), nz(c[1]));
	str_copy(l->placement_code, sizeof(l->placement_code), nz(c[2]));
	str_copy(l->cf, sizeof(l->cf), nz(c[3]));
	str_copy(l->given_name, sizeof(l->given_name), nz(c[4]));
	str_copy(l->family_name, sizeof(l->family_name), nz(c[5]));
	l->working_days = atoi(nz(c[6]));
	l->due_days = atoi(nz(c[7]));
	l->suspended_days = atoi(nz(c[8]));
	l->expected_minutes = atoi(nz(c[9]));
	l->attended_minutes = atoi(nz(c[10]));
	l->rate_permille = atoi(nz(c[11]));
	l->base_cents = atol(nz(c[12]));
	l->due_cents = atol(nz(c[13]));
	str_copy(l->why, sizeof(l->why), nz(c[14]));
	str_copy(l->explain, sizeof(l->explain), nz(c[15]));
	str_copy(l->confirmed_at, sizeof(l->confirmed_at), nz(c[16]));
	str_copy(l->paid_at, sizeof(l->paid_at), nz(c[17]));
	return w->fn(w->ctx, l);
}

int traineeship_allowance_each(struct store *s, const char *month, const char *comune,
			       int (*fn)(void *ctx, const struct allowance_line *l), void *ctx)
{
	struct allowance_walk w = { fn, ctx, { { 0 } } };
	/* Streamed from the statement (store_query_once): no copy of every
	 * cell, no array of lines (the allowance CSV of 10,000 registers,
	 * tests/bench/bench_placement.sh). */
	return store_query_once(s, ALLOWANCE_SQL, ARGS(month, comune ? comune : ""), allowance_row, &w);
}

struct allowance_array {
	struct allowance_line *l;
	size_t n, cap;
};

static int allowance_push(void *ctx, const struct allowance_line *l)
{
	struct allowance_array *a = ctx;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		struct allowance_line *p = realloc(a->l, cap * sizeof(*p));
		if (!p)
			return -1;
		a->l = p;
		a->cap = cap;
	}
	a->l[a->n++] = *l;
	return 0;
}

int traineeship_allowance(struct store *s, const char *month, const char *comune,
			  struct allowance_line **lines, size_t *n)
{
	struct allowance_array a = { NULL, 0, 0 };
	*lines = NULL;
	*n = 0;
	if (traineeship_allowance_each(s, month, comune, allowance_push, &a)) {
		free(a.l);
		return -1;
	}
	if (!a.l && !(a.l = calloc(1, sizeof(*a.l))))
		return -1;
	*lines = a.l;
	*n = a.n;
	return 0;
}

int traineeship_mark_paid(struct store *s, const char *month, const char *comune, const char *by)
{
	char now[21];
	int n;
	now_iso(now);
	if (store_begin(s))
		return -1;
	n = store_exec(s,
		       "UPDATE register_month SET paid_at = ?2, paid_by = ?3 WHERE month = ?1"
		       " AND confirmed_at IS NOT NULL AND paid_at IS NULL AND (?4 = '' OR uuid IN"
		       " (SELECT t.uuid FROM traineeship t WHERE t.comune = ?4))",
		       ARGS(month, now, by, comune ? comune : ""));
	if (n < 0 || audit(s, "", by, "paid", month)) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s) ? -1 : n;
}

/* ------------------------------------------------------------- documents */

int traineeship_doc_matches(struct store *s, const struct receipt_fields *f)
{
	char found[8];
	int rc = store_text(s, "SELECT 1 FROM traineeship WHERE uuid = ?1 AND placement_code = ?2 AND comune = ?3",
			    ARGS(f->uuid, f->placement_code, f->comune), found, sizeof(found));
	return rc < 0 ? -1 : rc;
}

int traineeship_doc_key(struct store *s, unsigned char pk[32])
{
	char hex[80];
	size_t got = 0;
	int rc = store_text(s, "SELECT value FROM setting WHERE key = 'document_public_key'", NULL, hex, sizeof(hex));
	if (rc)
		return rc;
	if (sodium_hex2bin(pk, 32, hex, strlen(hex), NULL, &got, NULL) || got != 32)
		return -1;
	return 0;
}

int traineeship_doc_sign(struct store *s, const char *uuid, char *token, size_t size)
{
	struct traineeship t;
	struct receipt_fields f;
	unsigned char pk[32], sk[64];
	char seq[24], key[32];
	time_t now = now_wall();
	struct tm tm;
	int rc = traineeship_get(s, uuid, &t);
	if (rc)
		return rc;
	gmtime_r(&now, &tm);
	memset(&f, 0, sizeof(f));
	f.version = RECEIPT_VERSION;
	str_copy(f.kiosk_id, sizeof(f.kiosk_id), TRAINEESHIP_DOC_KIOSK);
	str_copy(f.comune, sizeof(f.comune), t.comune);
	f.year = tm.tm_year + 1900;
	str_copy(f.uuid, sizeof(f.uuid), t.uuid);
	str_copy(f.placement_code, sizeof(f.placement_code), t.placement_code);
	f.submitted = (int64_t)now;
	snprintf(key, sizeof(key), "document_seq_%d", f.year);
	if (store_begin(s))
		return -1;
	if (doc_key_load(s, pk, sk) ||
	    store_exec(s, "INSERT INTO setting(key, value) VALUES (?1, '0') ON CONFLICT DO NOTHING", ARGS(key)) < 0 ||
	    store_text(s, "SELECT value FROM setting WHERE key = ?1", ARGS(key), seq, sizeof(seq))) {
		store_rollback(s);
		return -1;
	}
	f.seq = atoll(seq) + 1;
	snprintf(seq, sizeof(seq), "%lld", (long long)f.seq);
	if (store_exec(s, "UPDATE setting SET value = ?2 WHERE key = ?1", ARGS(key, seq)) != 1 ||
	    receipt_sign(&f, sk, token, size) || audit(s, uuid, "hub", "document", seq)) {
		sodium_memzero(sk, sizeof(sk));
		store_rollback(s);
		return -1;
	}
	sodium_memzero(sk, sizeof(sk));
	return store_commit(s) ? -1 : 0;
}

int traineeship_doc_data(struct store *s, const char *uuid, struct traineeship_doc *d)
{
	struct store_res *r = NULL;
	const struct comune *c;
	int rc;
	memset(d, 0, sizeof(*d));
	rc = traineeship_get(s, uuid, &d->t);
	if (rc)
		return rc;
	if (store_query(s,
			"SELECT p.title, p.office, p.address, p.qrsp, p.hours_week, p.allowance_eur, c.code, c.title,"
			" coalesce(a.protocol, '') FROM placement p JOIN call c ON c.id = p.call_id"
			" LEFT JOIN application a ON a.uuid = ?2 WHERE p.code = ?1",
			ARGS(d->t.placement_code, uuid), &r))
		return -1;
	rc = 1;
	if (store_res_rows(r) == 1) {
		str_copy(d->placement_title, sizeof(d->placement_title), cell(r, 0, 0));
		str_copy(d->office, sizeof(d->office), cell(r, 0, 1));
		str_copy(d->address, sizeof(d->address), cell(r, 0, 2));
		str_copy(d->qrsp, sizeof(d->qrsp), cell(r, 0, 3));
		d->hours_week = atoi(cell(r, 0, 4));
		d->allowance_eur = atoi(cell(r, 0, 5));
		str_copy(d->call_code, sizeof(d->call_code), cell(r, 0, 6));
		str_copy(d->call_title, sizeof(d->call_title), cell(r, 0, 7));
		str_copy(d->protocol, sizeof(d->protocol), cell(r, 0, 8));
		c = comune_by_istat(d->t.comune);
		store_res_free(r);
		r = NULL;
		if (store_query(s, "SELECT coalesce(ended_on, ''), coalesce(competences, ''), coalesce(judgement, ''),"
				   " coalesce(hours_done_minutes, 0) FROM traineeship WHERE uuid = ?1", ARGS(uuid), &r))
			return -1;
		if (store_res_rows(r) == 1) {
			str_copy(d->ended_on, sizeof(d->ended_on), cell(r, 0, 0));
			str_copy(d->competences, sizeof(d->competences), cell(r, 0, 1));
			str_copy(d->judgement, sizeof(d->judgement), cell(r, 0, 2));
			d->minutes_done = atoi(cell(r, 0, 3));
		}
		snprintf(d->comune_name, sizeof(d->comune_name), "Comune di %s", c ? c->name : d->t.comune);
		rc = 0;
	}
	store_res_free(r);
	return rc;
}

/* ------------------------------------------------------------ the end */

const char *const dropout_reasons[DROPOUT_REASONS] = { "job", "personal", "excluded", "health", "other" };

int traineeship_minutes_done(struct store *s, const char *uuid, int *minutes)
{
	struct store_res *r = NULL;
	struct attendance_event *ev;
	struct attendance_day *days;
	int n, nd, rc = -1;
	*minutes = 0;
	if (store_query(s, "SELECT at, kind FROM attendance_event WHERE uuid = ?1", ARGS(uuid), &r))
		return -1;
	n = store_res_rows(r);
	ev = calloc((size_t)n + 1, sizeof(*ev));
	days = calloc((size_t)n + 1, sizeof(*days));
	if (!ev || !days)
		goto out;
	for (int i = 0; i < n; i++) {
		ev[i].at = atoll(cell(r, i, 0));
		ev[i].kind = atoi(cell(r, i, 1));
	}
	nd = attendance_days(ev, (size_t)n, days, (size_t)n + 1);
	if (nd < 0)
		goto out;
	for (int i = 0; i < nd; i++)
		*minutes += days[i].minutes;
	rc = 0;
out:
	free(ev);
	free(days);
	store_res_free(r);
	return rc;
}

int traineeship_end(struct store *s, const char *uuid, const struct traineeship_ending *e, const char *by,
		    char *err, size_t errsize)
{
	struct traineeship t;
	char note[400], minutes_s[16];
	int rc = traineeship_get(s, uuid, &t), dropped, ok = 0, minutes = 0;
	err[0] = '\0';
	if (rc)
		return rc;
	if (strcmp(t.status, "running"))
		return refuse(err, errsize, "Il tirocinio non è in corso.");
	if (!e->status || (strcmp(e->status, "completed") && strcmp(e->status, "dropped_out")))
		return refuse(err, errsize, "Esito non valido.");
	dropped = !strcmp(e->status, "dropped_out");
	if (cal_parse(e->date) < 0 || strcmp(e->date, t.start) < 0)
		return refuse(err, errsize, "Data di fine non valida.");
	if (dropped) {
		for (int i = 0; i < DROPOUT_REASONS; i++)
			ok |= e->reason && !strcmp(e->reason, dropout_reasons[i]);
		if (!ok)
			return refuse(err, errsize, "Indicare il motivo dell'interruzione.");
	} else if (!e->competences || !*e->competences || !e->judgement || !*e->judgement) {
		return refuse(err, errsize, "Per la conclusione servono le competenze raggiunte e il giudizio del tutor.");
	}
	if (traineeship_minutes_done(s, uuid, &minutes))
		return -1;
	snprintf(minutes_s, sizeof(minutes_s), "%d", minutes);
	rc = store_status_set(s, uuid, e->status, by, dropped ? e->reason : "conclusione del tirocinio", err, errsize);
	if (rc)
		return rc;
	snprintf(note, sizeof(note), "%s %s %s %s", e->status, e->date, dropped ? e->reason : "",
		 e->note ? e->note : "");
	if (store_begin(s))
		return -1;
	if (store_exec(s,
		       "UPDATE traineeship SET status = ?2, ended_on = ?3, end_reason = ?4, end_note = ?5,"
		       " hours_done_minutes = ?6, competences = ?7, judgement = ?8 WHERE uuid = ?1",
		       ARGS(uuid, e->status, e->date, dropped ? e->reason : "", e->note ? e->note : "", minutes_s,
			    e->competences ? e->competences : "", e->judgement ? e->judgement : "")) != 1 ||
	    audit(s, uuid, by, "end", note)) {
		store_rollback(s);
		return -1;
	}
	if (store_commit(s))
		return -1;
	/* Within the call's window the seat goes down the ranking; the
	 * dropout stands even if the offer fails (the clerk sees no offer). */
	if (dropped && replacement_after_end(s, uuid, by, note, sizeof(note)) < 0)
		error("traineeship %s: the replacement offer failed", uuid);
	return 0;
}

/* ------------------------------------------------------------ follow-up */

const char *const followup_statuses[FOLLOWUP_STATUSES] = { "employed", "not_employed", "education", "unknown" };

int traineeship_followup_set(struct store *s, const char *uuid, const char *status, const char *date,
			     const char *by, char *err, size_t errsize)
{
	struct traineeship t;
	char ended[11] = "", today[11], at[21], note[48];
	int rc = traineeship_get(s, uuid, &t), ok = 0;
	err[0] = '\0';
	if (rc)
		return rc;
	if (!strcmp(t.status, "running"))
		return refuse(err, errsize, "Il tirocinio non è ancora finito: il follow-up si registra dopo la fine.");
	for (int i = 0; i < FOLLOWUP_STATUSES; i++)
		ok |= status && !strcmp(status, followup_statuses[i]);
	if (!ok)
		return refuse(err, errsize, "Condizione occupazionale non valida.");
	if (store_text(s, "SELECT coalesce(ended_on, '') FROM traineeship WHERE uuid = ?1", ARGS(uuid), ended,
		       sizeof(ended)) < 0)
		return -1;
	time_date(now_wall(), today, sizeof(today));
	if (!date || strlen(date) != 10 || cal_parse(date) < 0)
		return refuse(err, errsize, "Data del follow-up non valida.");
	if (strcmp(date, ended) < 0)
		return refuse(err, errsize, "La data del follow-up non può precedere la fine del tirocinio.");
	if (strcmp(date, today) > 0)
		return refuse(err, errsize, "La data del follow-up non può essere nel futuro.");
	now_iso(at);
	snprintf(note, sizeof(note), "%s %s", status, date);
	if (store_begin(s))
		return -1;
	if (store_exec(s, "DELETE FROM traineeship_followup WHERE uuid = ?1", ARGS(uuid)) < 0 ||
	    store_exec(s, "INSERT INTO traineeship_followup(uuid, status, followed_on, recorded_by, recorded_at)"
			  " VALUES (?1, ?2, ?3, ?4, ?5)", ARGS(uuid, status, date, by, at)) != 1 ||
	    audit(s, uuid, by, "followup", note)) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s) ? -1 : 0;
}

int traineeship_followup_get(struct store *s, const char *uuid, struct traineeship_followup *f)
{
	struct store_res *r = NULL;
	int rc;
	memset(f, 0, sizeof(*f));
	if (store_query(s, "SELECT status, followed_on, recorded_by, recorded_at FROM traineeship_followup WHERE uuid = ?1",
			ARGS(uuid), &r))
		return -1;
	rc = store_res_rows(r) ? 0 : 1;
	if (!rc) {
		str_copy(f->status, sizeof(f->status), cell(r, 0, 0));
		str_copy(f->date, sizeof(f->date), cell(r, 0, 1));
		str_copy(f->by, sizeof(f->by), cell(r, 0, 2));
		str_copy(f->at, sizeof(f->at), cell(r, 0, 3));
	}
	store_res_free(r);
	return rc;
}

/* ------------------------------------------------------- start notice */

int traineeship_start_notice(struct store *s, const char *comune, const char *month, struct store_res **res)
{
	return store_query(s,
			   "SELECT t.cf, t.family_name, t.given_name, t.comune, coalesce(p.office, ''),"
			   " t.placement_code, coalesce(p.title, ''), t.tutor_comune, t.tutor_promoter, t.start_date,"
			   " t.end_date, CAST(t.weekly_minutes / 60 AS TEXT), CAST(t.classroom_hours AS TEXT)"
			   " FROM traineeship t LEFT JOIN placement p ON p.code = t.placement_code"
			   " WHERE (?1 = '' OR t.comune = ?1) AND (?2 = '' OR substr(t.start_date, 1, 7) = ?2)"
			   " ORDER BY t.comune, t.start_date, t.family_name, t.given_name",
			   ARGS(comune ? comune : "", month ? month : ""), res);
}

/* ------------------------------------------------------------- retention */

/* The period (years < 0: the setting, else the default) and the day
 * before which an ended placement is erased. Returns the years. */
static int retention_cut(struct store *s, int years, char cut[11])
{
	char ys[8], key[] = "traineeship_retention_years", t[11];
	int y, m, d;

	time_date(now_wall(), t, sizeof(t));
	if (years < 0) {
		years = TRAINEESHIP_RETENTION_YEARS;
		if (store_text(s, "SELECT value FROM setting WHERE key = ?1", ARGS(key), ys, sizeof(ys)) == 0 &&
		    atoi(ys) >= 1)
			years = atoi(ys);
	}
	cal_ymd(cal_parse(t), &y, &m, &d);
	snprintf(cut, 11, "%04d-%02d-%02d", y - years, m, m == 2 && d == 29 ? 28 : d);
	return years;
}

int traineeship_retention_show(struct store *s, int years, FILE *out)
{
	char cut[11], n[16];

	years = retention_cut(s, years, cut);
	if (store_text(s, "SELECT CAST(count(*) AS TEXT) FROM traineeship WHERE status <> 'running' AND ended_on < ?1",
		       ARGS(cut), n, sizeof(n)))
		return -1;
	fprintf(out, "traineeships: registers and allowance records kept %d years after the end; %s ended before %s"
		     " would be erased\n", years, n, cut);
	return 0;
}

int traineeship_retention(struct store *s, int years, const char *by)
{
	char cut[11], note[64];
	struct store_res *r = NULL;
	int n, rc = -1;

	retention_cut(s, years, cut);
	if (store_begin(s))
		return -1;
	if (store_query(s, "SELECT uuid FROM traineeship WHERE status <> 'running' AND ended_on < ?1", ARGS(cut), &r))
		goto fail;
	n = store_res_rows(r);
	for (int i = 0; i < n; i++) {
		const char *u = cell(r, i, 0);
		if (store_exec(s, "DELETE FROM attendance_event WHERE uuid = ?1", ARGS(u)) < 0 ||
		    store_exec(s, "DELETE FROM absence WHERE uuid = ?1", ARGS(u)) < 0 ||
		    store_exec(s, "DELETE FROM register_month WHERE uuid = ?1", ARGS(u)) < 0 ||
		    store_exec(s, "DELETE FROM trainee_badge WHERE uuid = ?1", ARGS(u)) < 0 ||
		    store_exec(s, "DELETE FROM certificate_token WHERE uuid = ?1", ARGS(u)) < 0 ||
		    store_exec(s, "DELETE FROM traineeship_followup WHERE uuid = ?1", ARGS(u)) < 0 ||
		    store_exec(s, "DELETE FROM traineeship WHERE uuid = ?1", ARGS(u)) < 0)
			goto fail;
	}
	snprintf(note, sizeof(note), "%d erased, ended before %s", n, cut);
	if (audit(s, "", by, "retention", note))
		goto fail;
	store_res_free(r);
	return store_commit(s) ? -1 : n;
fail:
	store_res_free(r);
	store_rollback(s);
	return rc;
}

/* ------------------------------------------------------------------ demo */

/* A small deterministic generator (the demo must give the same rows). */
static unsigned demo_rand(unsigned *state)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 16) & 0x7fff;
}

static int demo_events(struct store *s, const char *uuid, long from, long to, int daily, unsigned *rng,
		       long leave_open)
{
	char tok[80];
	for (long day = from; day <= to; day++) {
		int64_t in;
		if (!cal_is_working_day(day))
			continue;
		if (demo_rand(rng) % 100 < 8) {	/* about one day in twelve away */
			char d[11];
			cal_format(day, d, sizeof(d));
			if (store_exec(s, "INSERT INTO absence(uuid, day, kind, by, at) VALUES (?1, ?2, ?3, 'demo', ?2)",
				       ARGS(uuid, d, demo_rand(rng) % 3 ? "illness" : "permitted")) != 1)
				return -1;
			continue;
		}
		in = local_midnight(day) + 9 * 3600 + (int64_t)(demo_rand(rng) % 20) * 60;
		snprintf(tok, sizeof(tok), "demo-%s-%ld-i", uuid, day);
		if (insert_event(s, uuid, in, ATTENDANCE_IN, "demo", tok, "demo", ""))
			return -1;
		if (day == leave_open)	/* the tutor has one sign-out to fix */
			continue;
		snprintf(tok, sizeof(tok), "demo-%s-%ld-o", uuid, day);
		if (insert_event(s, uuid, in + (int64_t)daily * 60, ATTENDANCE_OUT, "demo", tok, "demo", ""))
			return -1;
	}
	return 0;
}

/* The demo's follow-ups: three ended placements in four, six months
 * after the end (today when that is still ahead), about 45% employed,
 * 30% not, 15% in education, 10% not found. 0 or -1. */
static int demo_followups(struct store *s, long tday, unsigned *rng)
{
	struct store_res *r = NULL;
	char at[21], day[11];
	int rc = -1;
	now_iso(at);
	if (store_query(s, "SELECT uuid, ended_on FROM traineeship WHERE started_by = 'demo' AND status <> 'running'"
			   " AND ended_on IS NOT NULL AND uuid NOT IN (SELECT uuid FROM traineeship_followup) ORDER BY uuid",
			NULL, &r))
		return -1;
	if (store_begin(s))
		goto out;
	for (int i = 0; i < store_res_rows(r); i++) {
		unsigned p = demo_rand(rng) % 100;
		long d = cal_parse(cell(r, i, 1)) + 182;
		const char *st = p < 45 ? "employed" : p < 75 ? "not_employed" : p < 90 ? "education" : "unknown";
		if (i % 4 == 3 || d < 182)
			continue;
		cal_format(d < tday ? d : tday, day, sizeof(day));
		if (strcmp(day, cell(r, i, 1)) < 0)
			continue;
		if (store_exec(s, "INSERT INTO traineeship_followup(uuid, status, followed_on, recorded_by, recorded_at)"
				  " VALUES (?1, ?2, ?3, 'tutor del comune', ?4)", ARGS(cell(r, i, 0), st, day, at)) != 1) {
			store_rollback(s);
			goto out;
		}
	}
	rc = store_commit(s) ? -1 : 0;
out:
	store_res_free(r);
	return rc;
}

/* One demo trainee from row i of traineeship_demo's query (k: 0 running,
 * 1 completed, 2 dropped out): the traineeship and its attendance up to
 * the day before today or its end. 1 made, 0 skipped (a date the demo
 * cannot place), -1 on error. */
static int demo_trainee(struct store *s, struct store_res *r, int i, int k, long tday, unsigned *rng)
{
	static const char *const statuses[3] = { "started", "completed", "dropped_out" };
	static const char *const given_f[] = { "Giulia", "Sara", "Martina", "Chiara", "Elena" };
	static const char *const given_m[] = { "Luca", "Marco", "Davide", "Matteo", "Andrea" };
	static const char *const family[] = { "Rossi", "Bianchi", "Colombo", "Ferrari", "Esposito",
					      "Ricci", "Marino", "Greco" };
	const char *u = cell(r, i, 0), *given = cell(r, i, 4), *fam = cell(r, i, 5), *cf = cell(r, i, 3);
	char cfbuf[20];
	struct allowance_rule rule;
	/* The demo's applications keep no personal data: a trainee gets a
	 * name and a codice fiscale of its own here. */
	if (!*given || !*fam || strlen(cf) != 16) {
		int female = cell(r, i, 10)[0] == 'F';
		given = female ? given_f[demo_rand(rng) % 5] : given_m[demo_rand(rng) % 5];
		fam = family[demo_rand(rng) % 8];
		if (cf_compute(fam, given, female ? 'F' : 'M', cell(r, i, 11), "F205", cfbuf, sizeof(cfbuf)))
			return 0;
		cf = cfbuf;
	}
	char start[11], end[11], ended[11] = "", rule_text[200], months[16], weekly[16], hours[16];
	long at = cal_parse(cell(r, i, 6)), s0, e0, last;
	int mo = atoi(cell(r, i, 7)), daily = atoi(cell(r, i, 8)) * 60 / 5;
	if (at < 0 || mo < 1)
		return 0;
	/* Running: started on its status date. Ended: it ended then. */
	if (k == 0) {
		s0 = at;
	} else {
		int y, m, d;
		cal_ymd(at, &y, &m, &d);
		m -= k == 1 ? mo : 2;
		while (m < 1) {
			m += 12;
			y--;
		}
		s0 = cal_day(y, m, d > 28 ? 28 : d);
		cal_format(at, ended, sizeof(ended));
	}
	cal_format(s0, start, sizeof(start));
	if (placement_end_date(start, mo, 0, end, sizeof(end)))
		return 0;
	e0 = cal_parse(end);
	last = k == 0 ? tday - 1 : at;
	if (last > e0)
		last = e0;
	allowance_rule_default(&rule);
	rule.amount_cents = atol(cell(r, i, 9)) * 100;
	rule_json(&rule, rule_text, sizeof(rule_text));
	snprintf(months, sizeof(months), "%d", mo);
	snprintf(weekly, sizeof(weekly), "%d", daily * 5);
	snprintf(hours, sizeof(hours), "%d", 18 + (int)(demo_rand(rng) % 55));
	if (store_exec(s,
		       "INSERT INTO traineeship(uuid, comune, placement_code, cf, given_name, family_name,"
		       " start_date, end_date, months, weekly_minutes, classroom_hours, tutor_comune,"
		       " tutor_promoter, rule, status, ended_on, end_reason, competences, judgement,"
		       " started_by, started_at)"
		       " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,'tutor del comune','Tutor AnciLab',?12,?13,"
		       " nullif(?14, ''),nullif(?15, ''),nullif(?16, ''),nullif(?17, ''),'demo',?7)",
		       ARGS(u, cell(r, i, 1), cell(r, i, 2), cf, given, fam, start,
			    end, months, weekly, hours, rule_text, k == 0 ? "running" : statuses[k], ended,
			    k == 2 ? dropout_reasons[demo_rand(rng) % DROPOUT_REASONS] : "",
			    k == 1 ? "Competenze del profilo raggiunte" : "",
			    k == 1 ? "Impegno costante, buona autonomia." : "")) != 1 ||
	    demo_events(s, u, s0, last, daily, rng, k == 0 ? last - 1 - (i % 3) : -1))
		return -1;
	return 1;
}

/* The demo trainees' registers: every month before today's confirmed
 * by the tutor, all but the last month paid, classroom hours spread
 * over the months; then the follow-ups. 0 or -1. */
static int demo_registers(struct store *s, const char *today, long tday, unsigned *rng)
{
	struct store_res *r = NULL;
	char cur[24], prev[24], err[300];
	int y, m, d, rc = -1;
	cal_ymd(tday, &y, &m, &d);
	snprintf(cur, sizeof(cur), "%04d-%02d", y, m);
	snprintf(prev, sizeof(prev), "%04d-%02d", m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1);
	if (store_query(s, "SELECT uuid, start_date, coalesce(ended_on, end_date) FROM traineeship"
			   " WHERE started_by = 'demo' ORDER BY uuid", NULL, &r))
		return -1;
	for (int i = 0; i < store_res_rows(r); i++) {
		char month[24];
		long a = cal_parse(cell(r, i, 1)), b = cal_parse(cell(r, i, 2));
		int yy, mm, dd;
		cal_ymd(a, &yy, &mm, &dd);
		for (;;) {
			snprintf(month, sizeof(month), "%04d-%02d", yy, mm);
			if (strcmp(month, cur) >= 0 || cal_day(yy, mm, 1) > b)
				break;
			if (confirm_as_of(s, cell(r, i, 0), month, "tutor del comune", today, err, sizeof(err)) < 0)
				goto out;
			if (++mm > 12) {
				mm = 1;
				yy++;
			}
		}
	}
	store_res_free(r);
	r = NULL;
	/* Classroom hours: the placement's total spread over its months
	 * (the statistics' classroom_hours). */
	if (store_exec(s, "UPDATE register_month SET classroom_minutes = 60 * (SELECT t.classroom_hours / t.months"
			  " FROM traineeship t WHERE t.uuid = register_month.uuid) WHERE classroom_minutes = 0"
			  " AND uuid IN (SELECT uuid FROM traineeship WHERE started_by = 'demo')", NULL) < 0)
		goto out;
	if (store_query(s, "SELECT DISTINCT month FROM register_month WHERE confirmed_at IS NOT NULL AND month < ?1",
			ARGS(prev), &r))
		return -1;
	for (int i = 0; i < store_res_rows(r); i++)
		if (traineeship_mark_paid(s, cell(r, i, 0), "", "coordinamento") < 0)
			goto out;
	rc = demo_followups(s, tday, rng);
out:
	store_res_free(r);
	return rc;
}

int traineeship_demo(struct store *s, const char *today, int per_status, int *made)
{
	static const char *const statuses[3] = { "started", "completed", "dropped_out" };
	char lim[12];
	long tday = cal_parse(today);
	unsigned rng = 19;
	*made = 0;
	if (tday < 0)
		return error("demo: bad date '%s'", today);
	snprintf(lim, sizeof(lim), "%d", per_status);
	for (int k = 0; k < 3; k++) {
		struct store_res *r = NULL;
		if (store_query(s,
				"SELECT a.uuid, a.comune, a.placement_code, a.cf, coalesce(a.given_name, ''),"
				" coalesce(a.family_name, ''), substr(a.status_at, 1, 10), p.months, p.hours_week,"
				" p.allowance_eur, coalesce(a.sex, 'F'), coalesce(a.birth_date, '1999-01-01')"
				" FROM application a JOIN placement p ON p.code = a.placement_code"
				" WHERE a.status = ?1 AND a.uuid NOT IN (SELECT uuid FROM traineeship) ORDER BY a.uuid LIMIT ?2",
				ARGS(statuses[k], lim), &r))
			return -1;
		if (store_begin(s)) {
			store_res_free(r);
			return -1;
		}
		for (int i = 0; i < store_res_rows(r); i++) {
			int made1 = demo_trainee(s, r, i, k, tday, &rng);
			if (made1 < 0) {
				store_res_free(r);
				store_rollback(s);
				return -1;
			}
			*made += made1;
		}
		store_res_free(r);
		if (store_commit(s))
			return -1;
	}
	return demo_registers(s, today, tday, &rng);
}

/* ------------------------------------------------------- late registers */

int traineeship_late(struct store *s, const char *month, const char *comune, const char *today,
		     struct late_register **late, size_t *n)
{
	struct store_res *r = NULL;
	char first[24], last[24], deadline[24], dd[8];
	int y, m, day = TRAINEESHIP_DEADLINE_DAY, rows;
	*late = NULL;
	*n = 0;
	if (month_parse(month, &y, &m))
		return -1;
	if (store_text(s, "SELECT value FROM setting WHERE key = 'register_deadline_day'", NULL, dd, sizeof(dd)) == 0 &&
	    atoi(dd) >= 1 && atoi(dd) <= 28)
		day = atoi(dd);
	snprintf(first, sizeof(first), "%04d-%02d-01", y, m);
	snprintf(last, sizeof(last), "%04d-%02d-%02d", y, m, days_in_month(y, m));
	snprintf(deadline, sizeof(deadline), "%04d-%02d-%02d", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, day);
	*late = calloc(1, sizeof(**late));
	if (!*late)
		return -1;
	if (strcmp(today, deadline) <= 0)
		return 0;
	if (store_query(s,
			"SELECT t.uuid, t.comune, t.placement_code, t.given_name, t.family_name, t.tutor_comune"
			" FROM traineeship t LEFT JOIN register_month m ON m.uuid = t.uuid AND m.month = ?1"
			" WHERE t.start_date <= ?3 AND coalesce(t.ended_on, t.end_date) >= ?2"
			" AND m.confirmed_at IS NULL AND (?4 = '' OR t.comune = ?4)"
			" ORDER BY t.comune, t.family_name, t.given_name, t.uuid",
			ARGS(month, first, last, comune ? comune : ""), &r)) {
		free(*late);
		*late = NULL;
		return -1;
	}
	rows = store_res_rows(r);
	free(*late);
	*late = calloc((size_t)rows + 1, sizeof(**late));
	if (!*late) {
		store_res_free(r);
		return -1;
	}
	for (int i = 0; i < rows; i++) {
		struct late_register *l = &(*late)[i];
		str_copy(l->uuid, sizeof(l->uuid), cell(r, i, 0));
		str_copy(l->comune, sizeof(l->comune), cell(r, i, 1));
		str_copy(l->placement_code, sizeof(l->placement_code), cell(r, i, 2));
		str_copy(l->given_name, sizeof(l->given_name), cell(r, i, 3));
		str_copy(l->family_name, sizeof(l->family_name), cell(r, i, 4));
		str_copy(l->tutor, sizeof(l->tutor), cell(r, i, 5));
		str_copy(l->deadline, sizeof(l->deadline), deadline);
	}
	*n = (size_t)rows;
	store_res_free(r);
	return 0;
}

/* Reminds the late registers of one month (see traineeship_late_remind). */
static int remind_month(struct store *s, const char *month, const char *today, const char *by)
{
	struct late_register *l = NULL;
	char at[21], subject[MAIL_SUBJECT_MAX], body[1200], when[16];
	size_t n = 0;
	int sent = 0;

	if (traineeship_late(s, month, "", today, &l, &n))
		return -1;
	time_iso(now_wall(), at, sizeof(at));
	for (size_t i = 0; i < n; i++) {
		char to[256], done[8];
		const struct comune *c = comune_by_istat(l[i].comune);
		if (store_text(s, "SELECT 1 FROM register_reminder WHERE uuid = ?1 AND month = ?2", ARGS(l[i].uuid, month),
			       done, sizeof(done)) == 0)
			continue;
		if (store_text(s, "SELECT email FROM office_contact WHERE comune = ?1", ARGS(l[i].comune), to, sizeof(to)) ||
		    !strchr(to, '@'))
			continue;	/* no address: the network view still flags it */
		snprintf(when, sizeof(when), "%.2s/%.2s/%.4s", l[i].deadline + 8, l[i].deadline + 5, l[i].deadline);
		snprintf(subject, sizeof(subject), "DoteComune: registro presenze di %s da confermare", month);
		snprintf(body, sizeof(body),
			 "Buongiorno,\n\nil registro presenze di %s del tirocinio %s (%s %s, tutor %s) presso il Comune di %s "
			 "non è ancora stato confermato: il termine era il %s. Senza la conferma l'indennità del mese non "
			 "si può pagare.\n\nIl registro si conferma in DoteComune, Ufficio, pagina del tirocinio.\n\n"
			 "Questo messaggio è inviato automaticamente da DoteComune.\n",
			 month, l[i].placement_code, l[i].given_name, l[i].family_name, l[i].tutor, c ? c->name : l[i].comune,
			 when);
		if (store_begin(s))
			goto fail;
		if (mail_outbox_add(s, l[i].uuid, to, subject, body, at) ||
		    store_exec(s, "INSERT INTO register_reminder(uuid, month, sent_to, at) VALUES (?1, ?2, ?3, ?4)",
			       ARGS(l[i].uuid, month, to, at)) != 1 ||
		    audit(s, l[i].uuid, by, "register_reminder", month)) {
			store_rollback(s);
			goto fail;
		}
		if (store_commit(s))
			goto fail;
		sent++;
	}
	free(l);
	return sent;
fail:
	free(l);
	return -1;
}

int traineeship_late_remind(struct store *s, const char *today, const char *by)
{
	char month[24];
	int y, m, sent = 0;

	snprintf(month, sizeof(month), "%.7s", today);
	if (strlen(today) < 10 || month_parse(month, &y, &m))
		return -1;
	/* Every month still open past its deadline within REMIND_MONTHS, not
	 * only the last: a job that did not run between the deadline and the
	 * month's end (a hub down, a monthly cron) must not skip a month. */
	for (int k = 1; k <= REMIND_MONTHS; k++) {
		int mm = m - k, yy = y, r;
		while (mm < 1) {
			mm += 12;
			yy--;
		}
		snprintf(month, sizeof(month), "%04d-%02d", yy, mm);
		r = remind_month(s, month, today, by);
		if (r < 0)
			return -1;
		sent += r;
	}
	return sent;
}

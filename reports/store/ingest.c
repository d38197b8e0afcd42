/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Batch ingest (reports/store/store.h: store_ingest, store_batch_*):
 * every record a kiosk sends is re-validated (fields, signed receipt
 * token, the call's eligibility rules, the kiosk's clock) outside the
 * transaction, then stored (or found already stored) inside one write
 * transaction together with the rollups (reports/store/rollup.h) and
 * the idempotency record; only a committed batch gets an answer. The hub
 * groups several kiosks' batches into one transaction
 * (store_ingest_group); on PostgreSQL a group travels in a few
 * pipelines (group_apply_pg) instead of a round trip per statement.
 *
 * Start reading at store_ingest(), then record_check() and
 * record_store().
 */
#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/application.h"
#include "core/cf.h"
#include "core/comuni.h"
#include "core/db.h"
#include "core/eligibility.h"
#include "core/model.h"
#include "core/names.h"
#include "core/receipt.h"
#include "core/util.h"
#include "core/datetime.h"
#include "core/wire.h"
#include "reports/store/rollup.h"
#include "reports/store/selection.h"
#include "reports/store/store.h"
#include "reports/store/store_internal.h"

static int all_digits(const char *s, size_t len)
{
	size_t i;

	if (strlen(s) != len)
		return 0;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int is_uuid(const char *s)
{
	int i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}

static int is_iso_instant(const char *s)
{
	char date[11];
	int y, m, d;

	if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return 0;
	if (!isdigit((unsigned char)s[11]) || !isdigit((unsigned char)s[12]) ||
	    !isdigit((unsigned char)s[14]) || !isdigit((unsigned char)s[15]) ||
	    !isdigit((unsigned char)s[17]) || !isdigit((unsigned char)s[18]))
		return 0;
	if (atoi(s + 11) > 23 || atoi(s + 14) > 59 || atoi(s + 17) > 60)
		return 0;
	memcpy(date, s, 10);
	date[10] = '\0';
	return date_parse(date, &y, &m, &d) == 0;
}

static void person_hash(int64_t call_id, const char *cf, char out[65])
{
	application_person_hash(call_id, cf, out, 65);
}

struct record {
	struct application app;	/* first: wiped as a whole */
	char receipt[WIRE_RECEIPT_MAX];
	char cf_hash[65];
	const char *result;	/* 'stored', 'already', 'rejected' */
	char kiosk_comune[7];	/* the comune the sending kiosk is enrolled for */
	char error[160];
	char duplicate_of[37];
	/* While it is being stored: its numbers as SQL text, its placement. */
	char seq_s[24], call_s[24], age_s[8], sex_s[2];
	struct placement_info *placement;
	/* Whether the hub holds a placement this person has started (asked
	 * only for calls with no_other_placement): set once looked up. */
	int placement_checked, in_placement;
};

/* receipt_key_lookup over the sending kiosk alone: a token that names
 * any other kiosk finds no key, so another kiosk's receipt is refused
 * without a database lookup. */
static int sender_key(void *ctx, const char *kiosk_id, unsigned char pk[32], int *revoked)
{
	const struct store_kiosk *k = ctx;

	if (!k->has_key || strcmp(kiosk_id, k->id))
		return 1;
	memcpy(pk, k->public_key, 32);
	*revoked = k->revoked;
	return 0;
}

/* The record's receipt token: signed by the sending kiosk's registered
 * key, and saying what the record says (kiosk, comune, year and
 * sequence through the protocol, uuid, placement, submission time). */
static int receipt_check(const struct record *rec, const struct store_kiosk *k, char *err,
			 size_t esize)
{
	const struct application *a = &rec->app;
	struct receipt_fields f;

	if (!*rec->receipt)
		return snprintf(err, esize, "receipt: missing (each application travels with its"
				" signed receipt token)"), -1;
	switch (receipt_verify(rec->receipt, sender_key, (void *)k, &f)) {
	case RECEIPT_OK:
		break;
	case RECEIPT_UNKNOWN_KEY:
		return snprintf(err, esize, k->has_key ? "receipt: not issued by this kiosk"
				: "receipt: this kiosk has no registered public key"), -1;
	case RECEIPT_BAD_SIGNATURE:
		return snprintf(err, esize, "receipt: bad signature (altered, or signed by another"
				" key)"), -1;
	case RECEIPT_REVOKED:
		return snprintf(err, esize, "receipt: the kiosk's key is revoked"), -1;
	default:
		return snprintf(err, esize, "receipt: not a receipt token"), -1;
	}
	if (strcmp(f.uuid, a->uuid))
		return snprintf(err, esize, "receipt: its uuid is not the record's"), -1;
	if (strcmp(f.protocol, a->protocol) || f.seq != a->seq)
		return snprintf(err, esize, "receipt: its protocol (comune, year, sequence) is not"
				" the record's"), -1;
	if (strcmp(f.placement_code, a->placement_code))
		return snprintf(err, esize, "receipt: its placement is not the record's"), -1;
	if (strcmp(f.submitted_at, a->submitted_at))
		return snprintf(err, esize, "receipt: its submission time is not the record's"), -1;
	return 0;
}

/* 1 when protocol is 'DC-<comune or the kiosk's>-<kiosk>-<year>-<seq>'
 * for the record's year. The kiosk numbers by its local year, so on the
 * night of 31 December (UTC) the next year is right too, and on 1
 * January the previous one. */
static int protocol_ok(const struct application *a, const struct store_kiosk *k,
		       const char *date)
{
	char p[48];
	int year = atoi(date), y, c;

	for (y = year - 1; y <= year + 1; y++) {
		if ((y < year && strcmp(date + 5, "01-01")) || (y > year && strcmp(date + 5, "12-31")))
			continue;
		for (c = 0; c < 2; c++) {
			snprintf(p, sizeof(p), "DC-%s-%s-%d-%06lld", c ? k->comune : a->comune, k->id, y,
				 (long long)a->seq);
			if (!strcmp(a->protocol, p))
				return 1;
		}
	}
	return 0;
}

/* Checks a name field and puts it in NFC in place: 0, or -1 with
 * 'field: why' in err. */
static int name_nfc(const char *field, char *name, size_t size, char *err, size_t esize)
{
	char nfc[NAME_MAX_LEN + NAMES_NFC_SPARE + 1], why[200];

	if (names_normalize(name, nfc, sizeof(nfc), why, sizeof(why)))
		return snprintf(err, esize, "%s: %.150s", field, why), -1;
	if (strlen(nfc) >= size)
		return snprintf(err, esize, "%s: too long", field), -1;
	str_copy(name, size, nfc);
	return 0;
}

/* Everything that can be checked without the database. */
static int record_check(struct record *rec, const struct store_kiosk *k, char *err, size_t esize)
{
	struct application *a = &rec->app;
	struct cf_info info;
	char why[120], date[11];

	str_copy(rec->kiosk_comune, sizeof(rec->kiosk_comune), k->comune);
	if (!is_uuid(a->uuid))
		return snprintf(err, esize, "uuid: not a lower-case UUID"), -1;
	if (strcmp(a->kiosk_id, k->id))
		return snprintf(err, esize, "kiosk_id: not the kiosk that sent it"), -1;
	if (a->seq < 1)
		return snprintf(err, esize, "seq: must be positive"), -1;
	if (!is_iso_instant(a->submitted_at))
		return snprintf(err, esize, "submitted_at: not an ISO UTC instant"), -1;
	memcpy(date, a->submitted_at, 10);
	date[10] = '\0';
	/* The protocol format of core/receipt.h, with the host comune or the
	 * kiosk's own. */
	if (!protocol_ok(a, k, date))
		return snprintf(err, esize, "protocol: does not match kiosk, year and sequence"), -1;
	if (!all_digits(a->comune, 6))
		return snprintf(err, esize, "comune: not an ISTAT code"), -1;
	if (cf_check(a->cf, date, &info, why, sizeof(why)))
		return snprintf(err, esize, "cf: %s", why), -1;
	str_copy(a->cf, sizeof(a->cf), info.code);
	if (a->sex != info.sex || strcmp(a->birth_date, info.birth_date) ||
	    strcmp(a->birthplace, info.birthplace))
		return snprintf(err, esize, "cf: sex, birth date or birthplace do not match it"), -1;
	if (age_on(a->birth_date, date) != a->age)
		return snprintf(err, esize, "age: does not match the birth date"), -1;
	/* Names and contacts by the kiosk's own rules (core/application.h);
	 * a name that would hide or reorder text is refused naming the
	 * character, and names are stored in NFC (core/names.h). */
	if (name_nfc("given_name", a->given_name, sizeof(a->given_name), err, esize) ||
	    name_nfc("family_name", a->family_name, sizeof(a->family_name), err, esize))
		return -1;
	if (!application_name_ok(a->given_name))
		return snprintf(err, esize, "given_name: empty, only spaces or punctuation, or has"
				" control or bidirectional characters"), -1;
	if (!application_name_ok(a->family_name))
		return snprintf(err, esize, "family_name: empty, only spaces or punctuation, or has"
				" control or bidirectional characters"), -1;
	if (!application_phone_ok(a->phone))
		return snprintf(err, esize, "phone: not a phone number (6 to 15 digits, with spaces,"
				" '-', '.' and a leading '+')"), -1;
	if (!application_email_ok(a->email))
		return snprintf(err, esize, "email: not an e-mail address"), -1;
	if (!*a->phone && !*a->email)
		return snprintf(err, esize, "phone or email: one of them is required"), -1;
	if (*a->residence && !comune_by_istat(a->residence))
		return snprintf(err, esize, "residence: unknown comune"), -1;
	if (!vocab_find(applicant_statuses, applicant_statuses_n, a->applicant_status))
		return snprintf(err, esize, "applicant_status: unknown value"), -1;
	if (!vocab_find(education_levels, education_levels_n, a->education))
		return snprintf(err, esize, "education: unknown value"), -1;
	if (!*a->lang)
		str_copy(a->lang, sizeof(a->lang), "it");
	if (strspn(a->lang, "abcdefghijklmnopqrstuvwxyz-") != strlen(a->lang))
		return snprintf(err, esize, "lang: not a language code"), -1;
	if (*a->status && strcmp(a->status, "received"))
		return snprintf(err, esize, "status: a new application is 'received'"), -1;
	str_copy(a->status, sizeof(a->status), "received");
	if (strspn(rec->receipt, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != strlen(rec->receipt))
		return snprintf(err, esize, "receipt: not a receipt token"), -1;
	/* Last: the signature check is the costliest (~40 us). */
	if (receipt_check(rec, k, err, esize))
		return -1;
	person_hash(a->call_id, a->cf, rec->cf_hash);
	return 0;
}

struct placement_info {
	char code[32];
	int found;
	int64_t call_id;
	char comune[7];
	char deadline[11];	/* the earlier of placement's and call's */
	char opens[11];		/* the call's opening day */
	int open;
	int final;		/* its ranking is final: no more applications */
	int added;		/* applications stored in this batch */
	char added_s[16];	/* the same as SQL text */
	char *rules;		/* the call's eligibility rules (malloc'd); NULL: none */
	int one_placement;	/* the (readable) rules say no_other_placement */
};

/* Eligibility depends on the call and three answers only, and a batch
 * repeats them: the verdicts of one batch are remembered (each check
 * parses the call's rules, ~5 us). */
enum { ELIGIBILITY_MEMO = 32 };
struct eligibility_memo {
	int64_t call_id;
	int age, in_placement;
	char status[20];
	char residence[7];
	char why[160];		/* '' when eligible */
};
/* The placements a batch (on PostgreSQL: a whole group) names, looked
 * up once each. It grows with what is named, up to memory: a fixed
 * table that filled up failed the commit of every batch in the group,
 * other kiosks' too. Each entry is allocated on its own (records point
 * at theirs) and found through a hash index of its code. */
struct ingest_cache {
	struct placement_info **placements;
	int np, cap;
	int *slots;		/* index + 1 into placements, 0 empty */
	int nslots;		/* a power of two, more than 2 * np */
	struct eligibility_memo memo[ELIGIBILITY_MEMO];
	int nmemo, next_memo;
};

static void ingest_cache_release(struct ingest_cache *c)
{
	int i;

	for (i = 0; i < c->np; i++) {
		free(c->placements[i]->rules);
		free(c->placements[i]);
	}
	free(c->placements);
	free(c->slots);
	c->placements = NULL;
	c->slots = NULL;
	c->np = c->cap = c->nslots = 0;
}

static unsigned placement_slot(const struct ingest_cache *c, const char *code)
{
	unsigned h = 5381;

	for (; *code; code++)
		h = h * 33 + (unsigned char)*code;
	return h & (unsigned)(c->nslots - 1);
}

/* The cache's entry for code, or NULL. */
static struct placement_info *placement_cached(const struct ingest_cache *c, const char *code)
{
	unsigned i;

	if (!c->nslots)
		return NULL;
	for (i = placement_slot(c, code); c->slots[i]; i = (i + 1) & (unsigned)(c->nslots - 1))
		if (!strcmp(c->placements[c->slots[i] - 1]->code, code))
			return c->placements[c->slots[i] - 1];
	return NULL;
}

/* A new zeroed entry for code, indexed. NULL when out of memory. */
static struct placement_info *placement_add(struct ingest_cache *c, const char *code)
{
	struct placement_info *p;
	unsigned i;
	int j;

	if (c->np == c->cap) {
		int cap = c->cap ? 2 * c->cap : 64;
		struct placement_info **more = realloc(c->placements, sizeof(*more) * (size_t)cap);

		if (!more)
			return NULL;
		c->placements = more;
		c->cap = cap;
	}
	if (2 * (c->np + 1) >= c->nslots) {
		int n = c->nslots ? 2 * c->nslots : 256;
		int *slots = calloc((size_t)n, sizeof(*slots));

		if (!slots)
			return NULL;
		free(c->slots);
		c->slots = slots;
		c->nslots = n;
		for (j = 0; j < c->np; j++) {
			for (i = placement_slot(c, c->placements[j]->code); c->slots[i];
			     i = (i + 1) & (unsigned)(n - 1))
				;
			c->slots[i] = j + 1;
		}
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	str_copy(p->code, sizeof(p->code), code);
	for (i = placement_slot(c, p->code); c->slots[i]; i = (i + 1) & (unsigned)(c->nslots - 1))
		;
	c->placements[c->np] = p;
	c->slots[i] = ++c->np;
	return p;
}

/* Why the record fails its call's eligibility rules (into why, '' when
 * it does not), judged by core/eligibility.c exactly as the kiosk
 * judges: age at submission from the codice fiscale, applicant status,
 * comune of residence, and whether the person is in another placement:
 * a record does not carry the citizen's answer (the kiosk turns away a
 * 'yes' before the form), so the hub asks its own data: an application
 * by the same codice fiscale whose placement has started (in_placement).
 * Rules that cannot be read turn nobody away, as on the kiosk. */
static void eligibility_why(struct ingest_cache *c, const struct placement_info *p,
			    const struct application *a, int in_placement, char *why, size_t size)
{
	struct eligibility_answers ans = {
		.age = a->age, .status = a->applicant_status, .residence = a->residence,
		.in_other_placement = in_placement,
	};
	struct eligibility_result res;
	struct eligibility_memo *m;
	size_t i, len;
	int j;

	why[0] = '\0';
	if (!p->rules)
		return;
	for (j = 0; j < c->nmemo; j++) {
		m = &c->memo[j];
		if (m->call_id == p->call_id && m->age == a->age && m->in_placement == in_placement &&
		    !strcmp(m->status, a->applicant_status) && !strcmp(m->residence, a->residence)) {
			str_copy(why, size, m->why);
			return;
		}
	}
	if (eligibility_check(p->rules, &ans, &res) == 0 && !res.eligible) {
		len = (size_t)snprintf(why, size, "eligibility:");
		for (i = 0; i < res.nfails && len < size; i++) {
			const struct eligibility_fail *f = &res.fails[i];
			char limit[24] = "";

			if (f->limit)
				snprintf(limit, sizeof(limit), " %ld", f->limit);
			len += (size_t)snprintf(why + len, size - len, "%s %s%s (%s)", i ? ";" : "",
						f->rule, limit, f->message);
		}
	}
	m = &c->memo[c->next_memo];
	c->next_memo = (c->next_memo + 1) % ELIGIBILITY_MEMO;
	if (c->nmemo < ELIGIBILITY_MEMO)
		c->nmemo++;
	m->call_id = p->call_id;
	m->age = a->age;
	m->in_placement = in_placement;
	str_copy(m->status, sizeof(m->status), a->applicant_status);
	str_copy(m->residence, sizeof(m->residence), a->residence);
	str_copy(m->why, sizeof(m->why), why);
}

static int placement_get(struct store *s, struct ingest_cache *c, const char *code,
			 struct placement_info **out)
{
	struct store_res *r;
	struct placement_info *p;
	const char *rules;
	char why[160];
	int i;

	if ((*out = placement_cached(c, code)))
		return 0;
	if (!(p = placement_add(c, code)))
		return error("out of memory");
	i = 0;
	if (store_query(s, "SELECT p.call_id, p.comune, p.deadline, c.deadline, p.status, c.status,"
			   " c.rules, c.opens, (SELECT count(*) FROM ranking_final f WHERE f.placement_code = p.code)"
			   " FROM placement p JOIN call c ON c.id = p.call_id WHERE p.code = ?1",
			ARGS(code), &r))
		return -1;
	if (store_res_rows(r) == 1) {
		const char *pd = store_res_get(r, 0, 2), *cd = store_res_get(r, 0, 3);

		p->found = 1;
		p->call_id = atoll(store_res_get(r, 0, 0));
		str_copy(p->comune, sizeof(p->comune), store_res_get(r, 0, 1));
		str_copy(p->deadline, sizeof(p->deadline), strcmp(pd, cd) < 0 ? pd : cd);
		str_copy(p->opens, sizeof(p->opens), store_res_get(r, 0, 7) ? store_res_get(r, 0, 7) : "");
		p->open = !strcmp(store_res_get(r, 0, 4), "open") &&
			  !strcmp(store_res_get(r, 0, 5), "open");
		p->final = atoi(store_res_get(r, 0, 8));
		rules = store_res_get(r, 0, 6);
		/* '{}' (no rules) needs no check; unreadable rules are said
		 * once here, not once per record. */
		if (rules && strcmp(rules, "{}") && strcmp(rules, "")) {
			if (eligibility_validate(rules, why, sizeof(why)))
				warning("call %lld: eligibility rules unreadable (%s): not applied",
					(long long)p->call_id, why);
			else if (!(p->rules = strdup(rules)))
				i = -1;
			else {
				json_t *j = json_loads(rules, 0, NULL);

				p->one_placement = json_is_true(json_object_get(j, "no_other_placement"));
				json_decref(j);
			}
		}
	}
	store_res_free(r);
	*out = p;
	return i < 0 ? error("out of memory") : 0;
}

/* The earliest (submitted_at, then uuid) application of the same person
 * (?2) to the same call (?1) that is not itself a duplicate: two MIN
 * lookups on application_person (an ORDER BY ... LIMIT 1 opened a
 * temporary B-tree for every record stored). */
#define FIRST_SQL(CALL, HASH) \
	"SELECT MIN(d.uuid) FROM application d WHERE d.call_id = " CALL " AND d.cf_hash = " HASH \
	" AND d.duplicate_of IS NULL AND d.submitted_at = (SELECT MIN(e.submitted_at) FROM" \
	" application e WHERE e.call_id = " CALL " AND e.cf_hash = " HASH " AND e.duplicate_of IS NULL)"
static const char first_sql[] = FIRST_SQL("?1", "?2");

/* Changes nothing when the uuid (a resend) or the protocol/sequence (a
 * clash) is taken. No RETURNING: in SQLite it buffers its rows in a
 * temporary table, one more per record stored. */
static const char insert_sql[] =
	"INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id, placement_code, comune,"
	" cf_hash, cf, given_name, family_name, phone, email, sex, birth_date, age, birthplace,"
	" residence, applicant_status, education, lang, submitted_at, status, status_at,"
	" duplicate_of, receipt, received_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
	" ?18, ?19, ?20, ?21, ?22, 'received', ?22, ?23, ?24, ?25) ON CONFLICT DO NOTHING";

/* PostgreSQL, where the statements of a group travel in one pipeline
 * and so cannot wait for each other's answers: the insert finds the
 * earlier application itself (it sees the rows inserted before it in
 * the pipeline) and returns it; no row back means nothing was inserted.
 * ?23 receipt, ?24 now. */
static const char insert_pg_sql[] =
	"INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id, placement_code, comune,"
	" cf_hash, cf, given_name, family_name, phone, email, sex, birth_date, age, birthplace,"
	" residence, applicant_status, education, lang, submitted_at, status, status_at,"
	" duplicate_of, receipt, received_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
	" ?18, ?19, ?20, ?21, ?22, 'received', ?22, (" FIRST_SQL("?5", "?8") "), ?23, ?24)"
	" ON CONFLICT DO NOTHING RETURNING coalesce(duplicate_of, '')";

static const char known_sql[] = "SELECT uuid FROM application WHERE uuid = ?1";
static const char idem_get_sql[] =
	"SELECT response, coalesce(body_hash, '') FROM idempotency WHERE kiosk_id = ?1 AND key = ?2";
static const char idem_put_sql[] =
	"INSERT INTO idempotency(kiosk_id, key, response, created_at, body_hash)"
	" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (kiosk_id, key) DO NOTHING";
static const char applied_sql[] = "UPDATE placement SET applied = applied + ?1 WHERE code = ?2";

/* Adds a newly stored application to the rollups, in the open
 * transaction. On SQLite through rollup_apply_ingest(), which queues the
 * uuid and folds the queue into the rollups in bulk (readers fold what is
 * left first): the portable statements run per application cost more
 * than the insert itself (three upserts over six attributes each). */
static int rollup_ingest(struct store *s, const char *uuid)
{
	int i;

	if (!s->pg)
		return rollup_apply_ingest(s->conn, uuid);
	for (i = 0; rollup_ingest_sql[i]; i++)
		if (store_exec(s, rollup_ingest_sql[i], ARGS(uuid)) < 0)
			return -1;
	return 0;
}

/* 1 when an application with rec's uuid is already stored, 0 when not,
 * -1 on error. */
static int record_known(struct store *s, const struct record *rec)
{
	char found[40];
	int rc = store_text(s, known_sql, ARGS(rec->app.uuid), found, sizeof(found));

	return rc < 0 ? -1 : rc == 0;
}

/* An application by this codice fiscale whose placement has started:
 * the person is in a placement now (partial index application_started). */
static const char started_sql[] =
	"SELECT 1 FROM application WHERE cf = ?1 AND status = 'started' LIMIT 1";

/* How far the hub believes a kiosk's clock (reports/hub/README.md,
 * "Submission time"). A kiosk keeps applications while it is offline
 * and sends them when it can, so a record may be dated up to
 * offline_days before the hub receives it; a kiosk's clock is set by
 * NTP, so it may run ahead of the hub's by clock_ahead_s seconds, no
 * more. Never before its call opened (local date, as the kiosk judges
 * it), never after the deadline (record_judge). The hub's configuration
 * (offline_days, clock_ahead_seconds) may change the defaults
 * (STORE_OFFLINE_DAYS, STORE_CLOCK_AHEAD). */
void store_set_clock(struct store *s, int offline_days, int clock_ahead_s)
{
	s->offline_days = offline_days;
	s->clock_ahead_s = clock_ahead_s;
}

/* Why a record's submission time cannot be believed (into why), or ''. */
static void submitted_why(const struct store *s, const struct application *a,
			  const struct placement_info *p, char *why, size_t wsize)
{
	char earliest[32], latest[32], day[11];
	time_t now = now_wall();
	struct tm tm;

	why[0] = '\0';
	time_iso(now - (time_t)s->offline_days * 86400, earliest, sizeof(earliest));
	time_iso(now + s->clock_ahead_s, latest, sizeof(latest));
	if (strcmp(a->submitted_at, latest) > 0) {
		if (s->clock_ahead_s % 60)
			snprintf(why, wsize, "submitted_at: later than the hub's clock (more than %d"
				 " seconds ahead)", s->clock_ahead_s);
		else
			snprintf(why, wsize, "submitted_at: later than the hub's clock (more than %d"
				 " minutes ahead)", s->clock_ahead_s / 60);
		return;
	}
	if (strcmp(a->submitted_at, earliest) < 0) {
		snprintf(why, wsize, "submitted_at: more than %d days before the hub received it",
			 s->offline_days);
		return;
	}
	memset(&tm, 0, sizeof(tm));
	if (sscanf(a->submitted_at, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_date(timegm(&tm), day, sizeof(day));
	if (*p->opens && strncmp(day, p->opens, 10) < 0)
		snprintf(why, wsize, "submitted_at: before the call opened (%.10s)", p->opens);
}

/* Judges a checked record against the database (placement open, of
 * that call and of the comune the kiosk is enrolled for, on the day of
 * submission, which the hub's clock and the call's opening bound; the
 * call's eligibility rules): 0 with why '' when it may be stored, or
 * with the reason in why. Fills the record's SQL text fields. -1 on a
 * storage failure. */
static int record_judge(struct store *s, struct record *rec, struct ingest_cache *cache,
			char *why, size_t wsize)
{
	struct application *a = &rec->app;
	struct placement_info *p = NULL;
	char date[11];

	why[0] = '\0';
	snprintf(rec->seq_s, sizeof(rec->seq_s), "%lld", (long long)a->seq);
	snprintf(rec->call_s, sizeof(rec->call_s), "%lld", (long long)a->call_id);
	snprintf(rec->age_s, sizeof(rec->age_s), "%d", a->age);
	rec->sex_s[0] = a->sex;
	rec->sex_s[1] = '\0';
	if (placement_get(s, cache, a->placement_code, &p))
		return -1;
	rec->placement = p;
	memcpy(date, a->submitted_at, 10);
	date[10] = '\0';
	if (!p->found)
		str_copy(why, wsize, "placement_code: unknown placement");
	else if (p->call_id != a->call_id || strcmp(p->comune, a->comune))
		str_copy(why, wsize, "placement_code: call or comune do not match");
	else if (strcmp(a->comune, rec->kiosk_comune))
		/* One kiosk, one comune: the one its enrolment code was for. */
		snprintf(why, wsize, "comune: this kiosk is enrolled for comune %s, not %s",
			 rec->kiosk_comune, a->comune);
	else if (!p->open || strcmp(date, p->deadline) > 0)
		str_copy(why, wsize, "placement_code: placement closed");
	else if (p->final)
		/* Sent before the deadline by a kiosk that was offline, arrived
		 * after the ranking was made final: it cannot enter it. */
		str_copy(why, wsize, "placement_code: ranking final, no more applications");
	else
		submitted_why(s, a, p, why, wsize);
	if (!*why) {
		if (p->one_placement && !rec->placement_checked) {
			char one[4];
			int rc = store_text(s, started_sql, ARGS(a->cf), one, sizeof(one));

			if (rc < 0)
				return -1;
			rec->in_placement = rc == 0;
			rec->placement_checked = 1;
		}
		eligibility_why(cache, p, a, rec->in_placement, why, wsize);
	}
	return 0;
}

/* The citizen's "received" e-mail (issue 18) for a record just stored,
 * from the record itself: reading the row back (a five-table join) was
 * 6% of the hub's CPU under the benchmark's load, in the writer. */
static int notify_stored(struct store *s, const struct record *rec, const char *now)
{
	const struct application *a = &rec->app;

	return selection_notify_stored(s, a->uuid, a->protocol, a->comune, a->placement_code, a->email,
				       now);
}

/* The inserts' parameters ?1..?22 for rec. */
#define INSERT_ARGS(rec) \
	(rec)->app.uuid, (rec)->app.protocol, (rec)->app.kiosk_id, (rec)->seq_s, (rec)->call_s, \
	(rec)->app.placement_code, (rec)->app.comune, (rec)->cf_hash, (rec)->app.cf, \
	(rec)->app.given_name, (rec)->app.family_name, *(rec)->app.phone ? (rec)->app.phone : NULL, \
	*(rec)->app.email ? (rec)->app.email : NULL, (rec)->sex_s, (rec)->app.birth_date, \
	(rec)->age_s, (rec)->app.birthplace, *(rec)->app.residence ? (rec)->app.residence : NULL, \
	(rec)->app.applicant_status, (rec)->app.education, (rec)->app.lang, (rec)->app.submitted_at

static const char clash_why[] = "protocol or sequence already used by another application";

/* Stores one checked record inside the open transaction; sets
 * rec->result. Two statements in the common case: the earlier
 * application of the same person to the same call, if any, then the
 * insert, which does nothing when the uuid (a resend) or the
 * protocol/sequence (a clash) is taken (the writes are serialised, so
 * the first does not change in between). -1 only on a storage failure. */
static int record_store(struct store *s, struct record *rec, struct ingest_cache *cache,
			const char *now)
{
	char first[40], why[160];
	int known, stored;

	if (record_judge(s, rec, cache, why, sizeof(why)))
		return -1;
	if (*why) {
		/* A resend of something stored before the placement closed (or
		 * the call's rules changed) is still 'already'. */
		known = record_known(s, rec);
		if (known < 0)
			return -1;
		rec->result = known ? "already" : "rejected";
		if (!known)
			str_copy(rec->error, sizeof(rec->error), why);
		return 0;
	}
	if (store_text(s, first_sql, ARGS(rec->call_s, rec->cf_hash), first, sizeof(first)) < 0)
		return -1;
	stored = store_exec(s, insert_sql, ARGS(INSERT_ARGS(rec), *first ? first : NULL,
						*rec->receipt ? rec->receipt : NULL, now));
	if (stored < 0)
		return -1;
	if (stored == 0) {
		known = record_known(s, rec);
		if (known < 0)
			return -1;
		rec->result = known ? "already" : "rejected";
		if (!known)
			str_copy(rec->error, sizeof(rec->error), clash_why);
		return 0;
	}
	str_copy(rec->duplicate_of, sizeof(rec->duplicate_of), first);
	if (rollup_ingest(s, rec->app.uuid))
		return -1;
	if (!*rec->duplicate_of)
		rec->placement->added++;
	/* The citizen is told it arrived (issue 18), in the same transaction. */
	if (*rec->app.email && notify_stored(s, rec, now))
		return -1;
	rec->result = "stored";
	return 0;
}

static json_t *ingest_response(struct record *recs, size_t n)
{
	json_t *o = json_object(), *arr = json_array();
	int stored = 0, already = 0, rejected = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		struct record *rec = &recs[i];
		json_t *e = json_pack("{s:s, s:s}", "uuid", rec->app.uuid, "result", rec->result);

		if (!strcmp(rec->result, "stored"))
			stored++;
		else if (!strcmp(rec->result, "already"))
			already++;
		else
			rejected++;
		if (*rec->error)
			json_object_set_new(e, "error", json_string(rec->error));
		if (*rec->duplicate_of)
			json_object_set_new(e, "duplicate_of", json_string(rec->duplicate_of));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "results", arr);
	json_object_set_new(o, "stored", json_integer(stored));
	json_object_set_new(o, "already", json_integer(already));
	json_object_set_new(o, "rejected", json_integer(rejected));
	return o;
}

static int batch_init(struct store_batch *b, const struct store_kiosk *k, size_t n,
		      const char *idem_key)
{
	memset(b, 0, sizeof(*b));
	b->kiosk = *k;
	str_copy(b->idem, sizeof(b->idem), idem_key ? idem_key : "");
	b->n = n;
	b->recs = calloc(b->n ? b->n : 1, sizeof(*b->recs));
	if (!b->recs)
		return error("out of memory");
	return 0;
}

int store_batch_prepare(struct store_batch *b, const struct store_kiosk *k, const json_t *records,
			const char *idem_key)
{
	size_t i;

	if (batch_init(b, k, json_array_size(records), idem_key))
		return -1;
	if (*b->idem) {
		char *text = json_dumps(records, JSON_COMPACT | JSON_SORT_KEYS);

		if (!text)
			return error("out of memory");
		store_batch_fingerprint(b, text, strlen(text));
		free(text);
	}
	for (i = 0; i < b->n; i++) {
		struct record *rec = &b->recs[i];
		const json_t *u;

		rec->result = "rejected";
		if (wire_application_from_json(json_array_get(records, i), &rec->app, rec->receipt,
					       sizeof(rec->receipt), rec->error, sizeof(rec->error)) ||
		    record_check(rec, k, rec->error, sizeof(rec->error))) {
			/* Keep the uuid (only if it is one) so the kiosk can match. */
			u = json_object_get(json_array_get(records, i), "uuid");
			memset(rec->app.uuid, 0, sizeof(rec->app.uuid));
			if (json_is_string(u) && is_uuid(json_string_value(u)))
				str_copy(rec->app.uuid, sizeof(rec->app.uuid), json_string_value(u));
			continue;
		}
		rec->result = NULL;
	}
	return 0;
}

int store_batch_prepare_wire(struct store_batch *b, const struct store_kiosk *k,
			     const struct wire_record *w, size_t n, const char *idem_key)
{
	size_t i;

	if (batch_init(b, k, n, idem_key))
		return -1;
	for (i = 0; i < n; i++) {
		struct record *rec = &b->recs[i];

		rec->app = w[i].app;
		memcpy(rec->receipt, w[i].receipt, sizeof(rec->receipt));
		rec->result = NULL;
		if (record_check(rec, k, rec->error, sizeof(rec->error))) {
			rec->result = "rejected";
			/* record_check changes no uuid: kept only if it is one. */
			if (!is_uuid(rec->app.uuid))
				memset(rec->app.uuid, 0, sizeof(rec->app.uuid));
		}
	}
	return 0;
}

void store_batch_release(struct store_batch *b)
{
	size_t i;

	for (i = 0; b->recs && i < b->n; i++)
		str_wipe(&b->recs[i].app, sizeof(b->recs[i].app));
	free(b->recs);
	json_decref(b->response);
	memset(b, 0, sizeof(*b));
}

/* The stored answer to b's idempotency key (r: response, body hash;
 * no row when the key is new). The same request gets the same answer
 * again; another request under a used key gets none of it and nothing
 * of it is stored: b->idem_conflict, and an error as its response (the
 * IETF Idempotency-Key draft: 422). A key stored before body hashes
 * were kept (hash '') replays as it did. */
static void idem_found(struct store_batch *b, const struct store_res *r)
{
	const char *hash;

	if (store_res_rows(r) != 1)
		return;
	hash = store_res_get(r, 0, 1);
	if (hash && *hash && *b->idem_hash && strcmp(hash, b->idem_hash)) {
		b->idem_conflict = 1;
		b->response = json_pack("{s:s}", "error", "Idempotency-Key already used for another"
					" request: nothing was stored; send new records under a new key");
		return;
	}
	b->response = json_loads(store_res_get(r, 0, 0), 0, NULL);
}

void store_batch_fingerprint(struct store_batch *b, const void *body, size_t len)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	if (!*b->idem)
		return;		/* nothing to compare it with */
	crypto_hash_sha256(h, body, len);
	store_hex(h, sizeof(h), b->idem_hash);
}

/* One batch inside the group's open transaction. */
static int batch_apply(struct store *s, struct store_batch *b, const char *now)
{
	struct ingest_cache *cache = NULL;
	struct store_res *r;
	char applied[16];
	char *body = NULL;
	size_t i;
	int rc = -1;

	if (*b->idem) {
		if (store_query(s, idem_get_sql, ARGS(b->kiosk.id, b->idem), &r))
			return -1;
		idem_found(b, r);
		store_res_free(r);
		if (b->response)
			return 0;
	}
	cache = calloc(1, sizeof(*cache));
	if (!cache)
		return error("out of memory");
	for (i = 0; i < b->n; i++) {
		if (!b->recs[i].result && record_store(s, &b->recs[i], cache, now))
			goto out;
	}
	for (i = 0; i < (size_t)cache->np; i++) {
		if (!cache->placements[i]->added)
			continue;
		snprintf(applied, sizeof(applied), "%d", cache->placements[i]->added);
		if (store_exec(s, applied_sql, ARGS(applied, cache->placements[i]->code)) < 0)
			goto out;
	}
	b->response = ingest_response(b->recs, b->n);
	if (!b->response)
		goto out;
	/* An answer with refusals is not replayed: a later retry (the
	 * placement reopened, the catalog caught up) is judged afresh. */
	if (*b->idem && json_integer_value(json_object_get(b->response, "rejected")) == 0) {
		body = json_dumps(b->response, JSON_COMPACT);
		if (!body || store_exec(s, idem_put_sql, ARGS(b->kiosk.id, b->idem, body, now,
							     *b->idem_hash ? b->idem_hash : NULL)) < 0)
			goto out;
	}
	rc = 0;
out:
	free(body);
	ingest_cache_release(cache);
	free(cache);
	return rc;
}

/* PostgreSQL: the rollups of a whole group in one statement instead
 * of rollup_ingest_sql's three per application (their executor start-up
 * and the same rollup rows updated again and again were most of the
 * server's time). The rows are rollup_app_rows_sql (reports/store/rollup.h)
 * for the group's uuids (?1, a text[] literal), summed per key with the
 * measures rollup_ingest_sql adds for each: applications 1, applicants
 * uniq, selected sel, started sta, completed com, dropped_out dro,
 * sel_days days, sel_n sel, ckey rkey (the record key, reports/stats/sdc.h)
 * and ckey_uniq/sel/sta/com/dro the record key times each flag;
 * rollup_attr2 gets one row per pair of applicant attributes.
 * tests/e2e/hub_api.sh checks them against the raw rows. */
#define RG_X(EXTRA) " WHERE a.uuid = ANY (CAST(?1 AS text[])))" EXTRA " "
#define RG_ATTRS ", attrs(attr) AS (VALUES (''), ('applicant_status'), ('age_band'), ('sex')," \
	" ('education'), ('residence'))"
#define RG_VALUE "CASE attrs.attr WHEN '' THEN '' WHEN 'applicant_status' THEN x.v_status" \
	" WHEN 'age_band' THEN x.v_age WHEN 'sex' THEN x.v_sex WHEN 'education' THEN x.v_edu" \
	" ELSE x.v_res END"
#define RG_MEASURES "applications, applicants, selected, started, completed, dropped_out, sel_days, sel_n," \
	" ckey, ckey_uniq, ckey_sel, ckey_sta, ckey_com, ckey_dro"
#define RG_SUMS "count(*), sum(x.uniq), sum(x.sel), sum(x.sta), sum(x.com), sum(x.dro), sum(x.days)," \
	" sum(x.sel), sum(x.rkey), sum(x.uniq * x.rkey), sum(x.sel * x.rkey), sum(x.sta * x.rkey)," \
	" sum(x.com * x.rkey), sum(x.dro * x.rkey)"
#define RG_ADD(T, K) " ON CONFLICT (" K ") DO UPDATE SET applications = " T ".applications +" \
	" excluded.applications, applicants = " T ".applicants + excluded.applicants, selected = " \
	T ".selected + excluded.selected, started = " T ".started + excluded.started, completed = " \
	T ".completed + excluded.completed, dropped_out = " T ".dropped_out + excluded.dropped_out," \
	" sel_days = " T ".sel_days + excluded.sel_days, sel_n = " T ".sel_n + excluded.sel_n," \
	" ckey = " T ".ckey + excluded.ckey, ckey_uniq = " T ".ckey_uniq + excluded.ckey_uniq," \
	" ckey_sel = " T ".ckey_sel + excluded.ckey_sel, ckey_sta = " T ".ckey_sta + excluded.ckey_sta," \
	" ckey_com = " T ".ckey_com + excluded.ckey_com, ckey_dro = " T ".ckey_dro + excluded.ckey_dro"
#define RG_PAIRS ", pairs(a1, a2) AS (VALUES ('applicant_status', 'age_band'), ('applicant_status', 'sex')," \
	" ('applicant_status', 'education'), ('applicant_status', 'residence'), ('age_band', 'sex')," \
	" ('age_band', 'education'), ('age_band', 'residence'), ('sex', 'education'), ('sex', 'residence')," \
	" ('education', 'residence'))"
#define RG_VALUE_OF(N) "CASE " N " WHEN 'applicant_status' THEN x.v_status WHEN 'age_band' THEN x.v_age" \
	" WHEN 'sex' THEN x.v_sex WHEN 'education' THEN x.v_edu ELSE x.v_res END"

/* The four upserts in ONE statement: x, the group's application rows,
 * is MATERIALIZED so that it is computed once (each of its columns, the
 * record key's SHA-256 and the selection day included), not once per
 * rollup and per reference: inlined into four statements, the record
 * key alone was evaluated ~140 times per application (300-3,900 ms a
 * group under load, with JIT compilation on top: store_pg_open turns
 * it off). The data-modifying CTEs all see the same snapshot; they
 * write four different tables. Follows rollup_app_rows_sql. */
static const char rollup_group_tail[] =
	RG_X(RG_ATTRS RG_PAIRS) ", i1 AS (INSERT INTO rollup_comune (attr, value, comune, province, region,"
	" call_id, month, " RG_MEASURES ") SELECT attrs.attr, " RG_VALUE ", x.comune, MIN(x.province),"
	" MIN(x.region), x.call_id, x.month, " RG_SUMS " FROM x, attrs GROUP BY 1, 2, 3, 6, 7"
	RG_ADD("rollup_comune", "attr, value, comune, call_id, month") ")"
	", i2 AS (INSERT INTO rollup_province (attr, value, province, region, call_id, month, "
	RG_MEASURES ") SELECT attrs.attr, " RG_VALUE ", x.province, MIN(x.region), x.call_id,"
	" x.month, " RG_SUMS " FROM x, attrs GROUP BY 1, 2, 3, 5, 6"
	RG_ADD("rollup_province", "attr, value, province, call_id, month") ")"
	", i3 AS (INSERT INTO rollup_placement (placement_code, month, comune, province, region,"
	" call_id, area, " RG_MEASURES ") SELECT x.placement_code, x.month, MIN(x.comune),"
	" MIN(x.province), MIN(x.region), MIN(x.call_id), MIN(x.area), " RG_SUMS " FROM x"
	" GROUP BY 1, 2" RG_ADD("rollup_placement", "placement_code, month") ")"
	" INSERT INTO rollup_attr2 (attr, value, attr2, value2, province, region, call_id, month, "
	RG_MEASURES ") SELECT pairs.a1, " RG_VALUE_OF("pairs.a1") ", pairs.a2, " RG_VALUE_OF("pairs.a2") ","
	" x.province, MIN(x.region), x.call_id, x.month, " RG_SUMS " FROM x, pairs GROUP BY 1, 2, 3, 4, 5, 7, 8"
	RG_ADD("rollup_attr2", "attr, attr2, value, value2, province, call_id, month");
static char rollup_group_sql[16384];
static pthread_once_t rollup_group_once = PTHREAD_ONCE_INIT;

static void rollup_group_build(void)
{
	if (snprintf(rollup_group_sql, sizeof(rollup_group_sql), "WITH x AS MATERIALIZED (%s%s",
		     rollup_app_rows_sql, rollup_group_tail) >= (int)sizeof(rollup_group_sql))
		rollup_group_sql[0] = '\0';
}

/* ---- PostgreSQL: a group in four pipelines, not a round trip per
 * statement (about five per record before: ~650 records/s under load) */

struct call_list {
	struct store_call *c;
	struct record **rec;	/* the record each call is for, or NULL */
	int n, cap;
};

static struct store_call *call_add(struct call_list *l, struct record *rec, const char *sql,
				   int want_res)
{
	struct store_call *c;

	if (l->n == l->cap) {
		int cap = l->cap ? 2 * l->cap : 256;
		struct store_call *nc = realloc(l->c, sizeof(*nc) * (size_t)cap);
		struct record **nr;

		if (!nc)
			return NULL;
		l->c = nc;
		nr = realloc(l->rec, sizeof(*nr) * (size_t)cap);
		if (!nr)
			return NULL;
		l->rec = nr;
		l->cap = cap;
	}
	c = &l->c[l->n];
	memset(c, 0, sizeof(*c));
	c->sql = sql;
	c->want_res = want_res;
	l->rec[l->n++] = rec;
	return c;
}

static void call_list_reset(struct call_list *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		store_res_free(l->c[i].res);
	l->n = 0;
}

static void call_list_free(struct call_list *l)
{
	call_list_reset(l);
	free(l->c);
	free(l->rec);
}

/* Step 1 of group_apply_pg: the stored answers of the group's
 * idempotency keys, in one pipeline. l is empty on return. 0 or -1. */
static int group_idem_pg(struct store *s, struct store_batch **bs, int nb, struct call_list *l)
{
	struct store_call *c;
	int b, k;

	for (b = 0; b < nb; b++)
		if (*bs[b]->idem) {
			if (!(c = call_add(l, NULL, idem_get_sql, 1)))
				return error("out of memory");
			c->args = *ARGS(bs[b]->kiosk.id, bs[b]->idem);
		}
	if (store_exec_many(s, l->c, l->n))
		return -1;
	for (b = 0, k = 0; b < nb; b++)
		if (*bs[b]->idem)
			idem_found(bs[b], l->c[k++].res);
	call_list_reset(l);
	return 0;
}

/* Step 2: calls with no_other_placement: who is in a placement now, for
 * the whole group in one pipeline (record_judge would ask one by one).
 * l is empty on return. 0 or -1. */
static int group_started_pg(struct store *s, struct store_batch **bs, int nb,
			    struct ingest_cache *cache, struct call_list *l)
{
	struct store_call *c;
	struct record *rec;
	size_t i;
	int b, k;

	for (b = 0; b < nb; b++)
		for (i = 0; !bs[b]->response && i < bs[b]->n; i++) {
			struct placement_info *p;

			rec = &bs[b]->recs[i];
			if (rec->result || rec->placement_checked)
				continue;
			if (placement_get(s, cache, rec->app.placement_code, &p))
				return -1;
			if (!p->found || !p->one_placement)
				continue;
			if (!(c = call_add(l, rec, started_sql, 1)))
				return error("out of memory");
			c->args = *ARGS(rec->app.cf);
		}
	if (l->n && store_exec_many(s, l->c, l->n))
		return -1;
	for (k = 0; k < l->n; k++) {
		l->rec[k]->in_placement = store_res_rows(l->c[k].res) > 0;
		l->rec[k]->placement_checked = 1;
	}
	call_list_reset(l);
	return 0;
}

/* Step 3: every record judged and inserted, or looked up when refused,
 * in record order; then the taken uuids among the inserts that did
 * nothing (again). l is empty on return. 0 or -1. */
static int group_store_pg(struct store *s, struct store_batch **bs, int nb,
			  struct ingest_cache *cache, const char *now, struct call_list *l,
			  struct call_list *again)
{
	struct store_call *c;
	struct record *rec;
	char why[160];
	size_t i;
	int b, k;

	for (b = 0; b < nb; b++) {
		for (i = 0; !bs[b]->response && i < bs[b]->n; i++) {
			rec = &bs[b]->recs[i];
			if (rec->result)
				continue;
			if (record_judge(s, rec, cache, why, sizeof(why)))
				return -1;
			if (*why) {
				str_copy(rec->error, sizeof(rec->error), why);
				if (!(c = call_add(l, rec, known_sql, 1)))
					return error("out of memory");
				c->args = *ARGS(rec->app.uuid);
			} else {
				if (!(c = call_add(l, rec, insert_pg_sql, 1)))
					return error("out of memory");
				c->args = *ARGS(INSERT_ARGS(rec), *rec->receipt ? rec->receipt : NULL, now);
			}
		}
	}
	if (store_exec_many(s, l->c, l->n))
		return -1;
	for (k = 0; k < l->n; k++) {
		rec = l->rec[k];
		if (l->c[k].sql == known_sql) {
			/* A resend of something stored before the placement
			 * closed (or the rules changed) is still 'already'. */
			rec->result = l->c[k].rows > 0 ? "already" : "rejected";
			if (l->c[k].rows > 0)
				rec->error[0] = '\0';
		} else if (l->c[k].rows == 1) {
			str_copy(rec->duplicate_of, sizeof(rec->duplicate_of),
				 store_res_get(l->c[k].res, 0, 0));
			if (!*rec->duplicate_of)
				rec->placement->added++;
			rec->result = "stored";
			/* The citizen is told it arrived (issue 18). */
			if (*rec->app.email && notify_stored(s, rec, now))
				return -1;
		} else {
			if (!(c = call_add(again, rec, known_sql, 1)))
				return error("out of memory");
			c->args = *ARGS(rec->app.uuid);
		}
	}
	if (store_exec_many(s, again->c, again->n))
		return -1;
	for (k = 0; k < again->n; k++) {
		rec = again->rec[k];
		rec->result = again->c[k].rows > 0 ? "already" : "rejected";
		if (again->c[k].rows == 0)
			str_copy(rec->error, sizeof(rec->error), clash_why);
	}
	call_list_reset(l);
	return 0;
}

/* Step 4: placement counts, each batch's answer and idempotency record
 * (bodies[b] keeps the answer's text until the pipeline ran: the
 * caller frees them), and the rollups of every stored record (*uuids,
 * a PostgreSQL array literal, the caller's to free), in one pipeline.
 * 0 or -1. */
static int group_finish_pg(struct store *s, struct store_batch **bs, int nb,
			   struct ingest_cache *cache, const char *now, struct call_list *l,
			   char **bodies, char **uuids)
{
	struct store_call *c;
	struct record *rec;
	size_t i, len = 0, cap = 0;
	int b, k;

	for (k = 0; k < cache->np; k++) {
		struct placement_info *p = cache->placements[k];

		if (!p->added)
			continue;
		snprintf(p->added_s, sizeof(p->added_s), "%d", p->added);
		if (!(c = call_add(l, NULL, applied_sql, 0)))
			return error("out of memory");
		c->args = *ARGS(p->added_s, p->code);
	}
	for (b = 0; b < nb; b++) {
		if (bs[b]->response)
			continue;
		for (i = 0; i < bs[b]->n; i++) {
			rec = &bs[b]->recs[i];
			if (strcmp(rec->result, "stored"))
				continue;
			/* A validated uuid needs no quoting in an array literal. */
			if (len + 40 > cap) {
				char *more = realloc(*uuids, cap = 2 * cap + 4096);

				if (!more)
					return error("out of memory");
				*uuids = more;
			}
			len += (size_t)snprintf(*uuids + len, cap - len, "%s%s", len ? "," : "{",
						rec->app.uuid);
		}
		bs[b]->response = ingest_response(bs[b]->recs, bs[b]->n);
		if (!bs[b]->response)
			return error("out of memory");
		/* As in batch_apply: an answer with refusals is not replayed. */
		if (*bs[b]->idem &&
		    json_integer_value(json_object_get(bs[b]->response, "rejected")) == 0) {
			bodies[b] = json_dumps(bs[b]->response, JSON_COMPACT);
			if (!bodies[b] || !(c = call_add(l, NULL, idem_put_sql, 0)))
				return error("out of memory");
			c->args = *ARGS(bs[b]->kiosk.id, bs[b]->idem, bodies[b], now,
					*bs[b]->idem_hash ? bs[b]->idem_hash : NULL);
		}
	}
	if (len) {
		strcpy(*uuids + len, "}");
		pthread_once(&rollup_group_once, rollup_group_build);
		if (!*rollup_group_sql)
			return error("rollup statement too long");
		if (!(c = call_add(l, NULL, rollup_group_sql, 0)))
			return error("out of memory");
		c->args = *ARGS(*uuids);
	}
	return store_exec_many(s, l->c, l->n) ? -1 : 0;
}

/* The whole group, with the meaning of batch_apply() for each batch in
 * turn: (1) the answers to replay, (2) every record judged (a query per
 * placement) and inserted, or looked up when refused, in record order,
 * (3) the taken uuids among the inserts that did nothing, (4) rollups,
 * placement counts and idempotency records. */
static int group_apply_pg(struct store *s, struct store_batch **bs, int nb, const char *now)
{
	struct ingest_cache *cache = calloc(1, sizeof(*cache));
	struct call_list l = { 0 }, again = { 0 };
	char **bodies = calloc((size_t)nb, sizeof(char *));
	char *uuids = NULL;
	int b, rc = -1;

	if (!cache || !bodies) {
		error("out of memory");
		goto out;
	}
	if (group_idem_pg(s, bs, nb, &l) || group_started_pg(s, bs, nb, cache, &l) ||
	    group_store_pg(s, bs, nb, cache, now, &l, &again) ||
	    group_finish_pg(s, bs, nb, cache, now, &l, bodies, &uuids))
		goto out;
	rc = 0;
out:
	for (b = 0; bodies && b < nb; b++)
		free(bodies[b]);
	free(bodies);
	free(uuids);
	call_list_free(&l);
	call_list_free(&again);
	if (cache)
		ingest_cache_release(cache);
	free(cache);
	return rc;
}

/* store_ingest_group, or (deferred) store_ingest_group_deferred. */
static int ingest_group(struct store *s, struct store_batch **batches, int n, int deferred)
{
	static unsigned groups;
	char now[32], old[32];
	int i;

	store_now_iso(now, sizeof(now));
	/* Deferred: the commit below does not fsync the log (store_sync
	 * does, before any answer); when that cannot be arranged the group
	 * commits durably as usual. */
	if (deferred && store_sqlite_defer_sync(s, 1) != 0)
		deferred = 0;
	if (store_begin(s)) {
		if (deferred)
			store_sqlite_defer_sync(s, 0);
		return -1;
	}
	/* Idempotency keys matter for retries, which come within minutes:
	 * a week's worth is kept. */
	if (__atomic_fetch_add(&groups, 1, __ATOMIC_RELAXED) % 1000 == 0) {
		time_iso(now_wall() - 7 * 86400, old, sizeof(old));
		if (store_exec(s, "DELETE FROM idempotency WHERE created_at < ?1", ARGS(old)) < 0)
			goto fail;
	}
	if (s->pg) {
		if (group_apply_pg(s, batches, n, now))
			goto fail;
	} else {
		for (i = 0; i < n; i++)
			if (batch_apply(s, batches[i], now))
				goto fail;
	}
	if (store_commit(s))
		goto fail;
	/* Committed: a failure here (said by error()) changes no answer. */
	if (deferred)
		store_sqlite_defer_sync(s, 0);
	return 0;
fail:
	store_rollback(s);
	if (deferred)
		store_sqlite_defer_sync(s, 0);
	for (i = 0; i < n; i++) {
		json_decref(batches[i]->response);
		batches[i]->response = NULL;
	}
	return -1;
}

int store_ingest_group(struct store *s, struct store_batch **batches, int n)
{
	return ingest_group(s, batches, n, 0);
}

int store_ingest_group_deferred(struct store *s, struct store_batch **batches, int n)
{
	return ingest_group(s, batches, n, 1);
}

int store_ingest(struct store *s, const struct store_kiosk *k, const json_t *records,
		 const char *idem_key, json_t **response)
{
	struct store_batch b, *one = &b;
	int rc;

	*response = NULL;
	if (store_batch_prepare(&b, k, records, idem_key))
		return -1;
	rc = store_ingest_group(s, &one, 1);
	if (!rc) {
		*response = b.response;
		b.response = NULL;
		rc = b.idem_conflict;
	}
	store_batch_release(&b);
	return rc;
}

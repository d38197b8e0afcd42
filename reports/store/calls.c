/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Calls and placements as coordinators publish and amend them (see
 * calls.h). Start reading at call_import(): the call's own fields and
 * the table are checked (call_csv.c reads and checks the cells), every
 * row is compared with what the hub holds (new, changed, unchanged; the
 * call's placements missing from the file are withdrawn), and only a
 * file with no problem at all is written, in one transaction, each
 * change with its version row (catalog_version). The amendments below
 * it (edit, extend, withdraw, close) go the same way: check, one
 * transaction, one version row per thing changed.
 *
 * Nothing here touches the catalog's ETag: it is a hash of what
 * store_catalog() serves, so any change a kiosk would see changes it.
 */
#include <ctype.h>
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/eligibility.h"
#include "core/model.h"
#include "core/util.h"
#include "reports/store/call_csv.h"
#include "reports/store/calls.h"
#include "reports/store/selection.h"
#include "reports/store/store.h"
#include "reports/store/store_internal.h"

/* ---------------------------------------------------------------- schema */

/* The history of every change to calls and placements, and the kiosks'
 * outbox trend (fleet.c). placement_code is '' for the call itself. */
#define CALLS_TABLES(ID) \
	"CREATE TABLE IF NOT EXISTS catalog_version (" \
	"  id " ID "," \
	"  call_id BIGINT NOT NULL," \
	"  placement_code TEXT NOT NULL DEFAULT ''," \
	"  version INTEGER NOT NULL," \
	"  action TEXT NOT NULL," \
	"  at TEXT NOT NULL," \
	"  by TEXT NOT NULL," \
	"  note TEXT NOT NULL DEFAULT ''," \
	"  data TEXT NOT NULL DEFAULT '{}'," \
	"  UNIQUE (call_id, placement_code, version));" \
	"CREATE INDEX IF NOT EXISTS catalog_version_call ON catalog_version(call_id, id);" \
	"CREATE TABLE IF NOT EXISTS call_import_pending (" \
	"  token_hash TEXT PRIMARY KEY," \
	"  by TEXT NOT NULL," \
	"  created_at TEXT NOT NULL," \
	"  spec TEXT NOT NULL," \
	"  csv TEXT NOT NULL);" \
	"CREATE TABLE IF NOT EXISTS kiosk_outbox_trend (" \
	"  kiosk_id TEXT PRIMARY KEY," \
	"  depth BIGINT NOT NULL," \
	"  low_depth BIGINT NOT NULL," \
	"  low_at TEXT NOT NULL);"

static const struct migration calls_migrations[] = {
	{ 1, CALLS_TABLES("INTEGER PRIMARY KEY") },
};
static const char calls_pg_schema[] = CALLS_TABLES("BIGSERIAL PRIMARY KEY");

int calls_migrate(struct store *s)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char fp[80], found[8];
	int i;

	if (!store_is_pg(s))
		return db_migrate(s->conn, "calls", calls_migrations, (int)ARRAY_SIZE(calls_migrations));
	crypto_hash_sha256(h, (const unsigned char *)calls_pg_schema, strlen(calls_pg_schema));
	memcpy(fp, "calls:", 6);
	for (i = 0; i < 16; i++)
		snprintf(fp + 6 + 2 * i, 3, "%02x", h[i]);
	if (store_exec_script(s, "CREATE TABLE IF NOT EXISTS store_schema (fingerprint TEXT PRIMARY KEY)"))
		return -1;
	if (store_text(s, "SELECT 1 FROM store_schema WHERE fingerprint = ?1", ARGS(fp), found,
		       sizeof(found)) == 0)
		return 0;
	if (store_exec_script(s, "SELECT pg_advisory_lock(4712)"))
		return -1;
	i = store_exec_script(s, calls_pg_schema) ||
	    store_exec(s, "INSERT INTO store_schema(fingerprint) VALUES (?1) ON CONFLICT DO NOTHING",
		       ARGS(fp)) < 0 ? -1 : 0;
	store_exec_script(s, "SELECT pg_advisory_unlock(4712)");
	return i;
}

/* --------------------------------------------------------------- helpers */

static void today_date(char out[11])
{
	time_date(now_wall(), out, 11);
}

int call_code_normalise(const char *in, char *out, size_t size)
{
	char buf[256], f[16];
	char *p = buf;

	if (strlen(in) >= sizeof(buf))
		return -1;
	str_copy(buf, sizeof(buf), in);
	str_trim(buf);
	/* 'Avviso n. 11/2025', 'Avviso n° 11/2025', 'n. 11/2025' -> '11/2025' */
	csv_fold(p, f, sizeof(f), 0);
	if (!strncasecmp(p, "avviso", 6)) {
		p += 6;
		while (*p == ' ')
			p++;
	}
	if ((p[0] == 'n' || p[0] == 'N') && (p[1] == '.' || p[1] == ' ' || !strncmp(p + 1, "\xc2\xb0", 2) ||
					     !strncmp(p + 1, "\xc2\xba", 2))) {
		p += p[1] == '.' || p[1] == ' ' ? 2 : 3;
		while (*p == ' ' || *p == '.')
			p++;
	}
	if (!*p || strlen(p) >= size || strlen(p) > 23 || !store_is_printable(p))
		return -1;
	str_copy(out, size, p);
	return 0;
}

void call_col_letters(int col, char *buf, size_t size)
{
	csv_col_letters(col, buf, size);
}

void call_fold(const char *in, char *out, size_t size)
{
	csv_fold(in, out, size, 1);
}

/* A placement as text, one string per field (malloc'd). */
struct pl {
	char *v[PF_N];
	int row;		/* in the file; 0 from the hub */
	int seen;		/* matched by a row of the file */
};

static void pl_release(struct pl *p)
{
	for (int i = 0; i < PF_N; i++) {
		free(p->v[i]);
		p->v[i] = NULL;
	}
}

static int pl_set(struct pl *p, enum pf f, const char *v)
{
	char *c = strdup(v ? v : "");

	if (!c)
		return -1;
	free(p->v[f]);
	p->v[f] = c;
	return 0;
}

static const char *pv(const struct pl *p, enum pf f)
{
	return p->v[f] ? p->v[f] : "";
}

static int numeric_field(enum pf f)
{
	return f == PF_MONTHS || f == PF_HOURS || f == PF_ALLOWANCE || f == PF_SEATS;
}

/* The placement as a JSON snapshot (malloc'd text) for catalog_version. */
static char *pl_json(const struct pl *p)
{
	json_t *o = json_object();
	char *s;

	for (int f = 0; f < PF_N; f++)
		json_object_set_new(o, pf_column[f], numeric_field(f) ? json_integer(atoll(pv(p, f)))
								      : json_string(pv(p, f)));
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

/* What differs between old and new, in words ('posti 2 → 3; ...'). */
static int pl_diff(const struct pl *old, const struct pl *new, const int *present, char *out, size_t size)
{
	size_t len = 0;
	int n = 0;

	out[0] = '\0';
	for (int f = 0; f < PF_N; f++) {
		if ((present && !present[f]) || !strcmp(pv(old, f), pv(new, f)))
			continue;
		n++;
		if (len + 8 >= size)
			continue;
		if (f == PF_STATUS)
			len += (size_t)snprintf(out + len, size - len, "%sdi nuovo aperto", len ? "; " : "");
		else if (strlen(pv(old, f)) > 40 || strlen(pv(new, f)) > 40)
			len += (size_t)snprintf(out + len, size - len, "%s%s modificato", len ? "; " : "", pf_label[f]);
		else
			len += (size_t)snprintf(out + len, size - len, "%s%s %s → %s", len ? "; " : "", pf_label[f],
						*pv(old, f) ? pv(old, f) : "(vuoto)", *pv(new, f) ? pv(new, f) : "(vuoto)");
		if (len >= size)
			len = size - 1;
	}
	return n;
}

static int pl_from_res(struct pl *p, const struct store_res *r, int row)
{
	memset(p, 0, sizeof(*p));
	for (int f = 0; f < PF_N; f++)
		if (pl_set(p, f, store_res_get(r, row, f)))
			return -1;
	return 0;
}

/* One row of catalog_version, with the next version number of its thing. */
static int version_add(struct store *s, const char *call_id, const char *pcode, const char *action,
		       const char *by, const char *note, const char *data, const char *now)
{
	char v[24];

	if (store_text(s, "SELECT coalesce(max(version), 0) FROM catalog_version WHERE call_id = ?1"
			  " AND placement_code = ?2", ARGS(call_id, pcode), v, sizeof(v)) < 0)
		return -1;
	snprintf(v, sizeof(v), "%lld", atoll(v) + 1);
	return store_exec(s, "INSERT INTO catalog_version(call_id, placement_code, version, action, at,"
			     " by, note, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			  ARGS(call_id, pcode, v, action, now, by, note ? note : "", data ? data : "{}")) == 1
		       ? 0 : -1;
}

static int pl_update(struct store *s, const struct pl *p, const char *now)
{
	return store_exec(s, "UPDATE placement SET area = ?2, office = ?3, title = ?4, description = ?5,"
			     " requirements = ?6, address = ?7, months = ?8, hours_week = ?9,"
			     " allowance_eur = ?10, qrsp = ?11, seats = ?12, deadline = ?13, status = ?14,"
			     " updated_at = ?15 WHERE code = ?1",
			  ARGS(pv(p, PF_CODE), pv(p, PF_AREA), pv(p, PF_OFFICE), pv(p, PF_TITLE),
			       pv(p, PF_DESCRIPTION), pv(p, PF_REQUIREMENTS), pv(p, PF_ADDRESS),
			       pv(p, PF_MONTHS), pv(p, PF_HOURS), pv(p, PF_ALLOWANCE), pv(p, PF_QRSP),
			       pv(p, PF_SEATS), pv(p, PF_DEADLINE), pv(p, PF_STATUS), now)) == 1 ? 0 : -1;
}

static int pl_version(struct store *s, const char *call_id, const struct pl *p, const char *action,
		      const char *by, const char *note, const char *now)
{
	char *data = pl_json(p);
	int rc = data ? version_add(s, call_id, pv(p, PF_CODE), action, by, note, data, now) : -1;

	free(data);
	return rc;
}

/* --------------------------------------------------------------- import */

struct import_state {
	struct call_spec spec;
	char today[11];
	int map[PF_N];
	struct pl *rows;	/* from the file */
	int nrows;
	struct pl *old;		/* the call's placements at the hub */
	int nold;
	char call_id[24];	/* '' when the call is new */
	char old_title[200], old_opens[11], old_deadline[11], old_region[48], old_status[12];
	char *old_rules;
};

static int by_code(const void *a, const void *b)
{
	const struct pl *x = a, *y = b;

	return strcmp(pv(x, PF_CODE), pv(y, PF_CODE));
}

static int by_code_row(const void *a, const void *b)
{
	const struct pl *x = *(const struct pl *const *)a, *y = *(const struct pl *const *)b;
	int c = strcmp(pv(x, PF_CODE), pv(y, PF_CODE));

	return c ? c : x->row - y->row;
}

static void change_add(struct call_import *r, enum call_change_kind k, const struct pl *p, int index,
		       const char *what)
{
	struct call_change *c;

	r->counts[k]++;
	if (r->nchanges % 256 == 0) {
		struct call_change *n = realloc(r->changes, sizeof(*n) * (size_t)(r->nchanges + 256));

		if (!n)
			return;
		r->changes = n;
	}
	c = &r->changes[r->nchanges++];
	memset(c, 0, sizeof(*c));
	c->kind = k;
	str_copy(c->code, sizeof(c->code), pv(p, PF_CODE));
	str_copy(c->comune, sizeof(c->comune), pv(p, PF_COMUNE));
	str_copy(c->what, sizeof(c->what), what ? what : "");
	c->index = index;
}

/* The call's own fields: problems on row 0. */
static void spec_check(struct import_state *st, const struct call_spec *in, struct call_import *r)
{
	struct call_spec *sp = &st->spec;
	char why[200];

	memset(sp, 0, sizeof(*sp));
	if (call_code_normalise(in->code, sp->code, sizeof(sp->code)))
		csv_problem(r, 0, 0, "codice avviso", "codice dell'avviso mancante o non valido: scrivilo"
			    " come «11/2025» o «Avviso n. 11/2025» (al massimo 23 caratteri)");
	str_copy(sp->title, sizeof(sp->title), in->title);
	str_trim(sp->title);
	if (!store_is_printable(sp->title) || strlen(in->title) >= sizeof(sp->title))
		csv_problem(r, 0, 0, "titolo avviso", "titolo dell'avviso non valido: una riga, al massimo"
			    " 199 caratteri");
	if (in->opens[0] && csv_date(in->opens, sp->opens))
		csv_problem(r, 0, 0, "apertura", "data di apertura «%.20s» non valida: scrivi GG/MM/AAAA"
			    " o AAAA-MM-GG", in->opens);
	if (in->deadline[0] && csv_date(in->deadline, sp->deadline))
		csv_problem(r, 0, 0, "scadenza avviso", "scadenza dell'avviso «%.20s» non valida: scrivi"
			    " GG/MM/AAAA o AAAA-MM-GG", in->deadline);
	str_copy(sp->region, sizeof(sp->region), in->region);
	str_trim(sp->region);
	if (!store_is_printable(sp->region))
		csv_problem(r, 0, 0, "regione", "regione non valida");
	/* The lines where the file wins over an amendment (--revert, the
	 * web page's ticks): spec_check used to drop them. */
	str_copy(sp->revert, sizeof(sp->revert), in->revert);
	if (!store_is_printable(sp->revert))
		csv_problem(r, 0, 0, "righe da ripristinare", "elenco dei progetti da ripristinare non valido");
	str_copy(sp->rules, sizeof(sp->rules), in->rules);
	str_trim(sp->rules);
	if (sp->rules[0] && eligibility_validate(sp->rules, why, sizeof(why)))
		csv_problem(r, 0, 0, "requisiti di ammissione", "regole di ammissione (JSON) non valide: %s",
			    why);
}

/* The file's rows into st->rows; problems per cell. */
static int rows_read(struct import_state *st, const struct csv_table *t, struct call_import *r)
{
	char out[2100], why[400], letters[8];
	int i, f, c;

	st->rows = calloc((size_t)(t->n > 1 ? t->n : 1), sizeof(*st->rows));
	if (!st->rows)
		return -1;
	for (i = 1; i < t->n; i++) {
		const struct csv_record *rec = &t->recs[i];
		struct pl *p = &st->rows[st->nrows];
		int empty = 1, hn = t->recs[0].n;

		for (c = 0; c < rec->n; c++)
			if (rec->cells[c][0] && strspn(rec->cells[c], " \t") != strlen(rec->cells[c]))
				empty = 0;
		if (empty)
			continue;	/* a blank row (Excel leaves ';;;;') */
		for (c = 0; c < rec->n; c++) {
			int named = c < hn;
			char hf[8];

			if (named) {
				csv_fold(t->recs[0].cells[c], hf, sizeof(hf), 0);
				named = hf[0] != '\0';
			}
			if (!named && rec->cells[c][0] && strspn(rec->cells[c], " \t") != strlen(rec->cells[c])) {
				csv_col_letters(c + 1, letters, sizeof(letters));
				csv_problem(r, rec->row, c + 1, NULL, "dato «%.30s» in una colonna senza"
					    " intestazione: spostalo nella colonna giusta o cancellalo",
					    rec->cells[c]);
			}
		}
		memset(p, 0, sizeof(*p));
		p->row = rec->row;
		st->nrows++;
		for (f = 0; f < PF_N; f++) {
			const char *raw;

			if (f == PF_STATUS) {
				pl_set(p, f, "open");
				continue;
			}
			if (st->map[f] < 0) {
				pl_set(p, f, "");
				continue;
			}
			raw = st->map[f] < rec->n ? rec->cells[st->map[f]] : "";
			if (csv_cell(f, raw, out, sizeof(out), why, sizeof(why))) {
				csv_problem(r, rec->row, st->map[f] + 1, pf_label[f], "%s", why);
				pl_set(p, f, "");
				continue;
			}
			if (pl_set(p, f, out))
				return -1;
		}
		if (!*pv(p, PF_TITLE))
			pl_set(p, PF_TITLE, pv(p, PF_OFFICE));
		if (!*pv(p, PF_DEADLINE))
			pl_set(p, PF_DEADLINE, st->spec.deadline);
		if (st->map[PF_DEADLINE] >= 0 && *pv(p, PF_DEADLINE) && st->spec.deadline[0] &&
		    strcmp(pv(p, PF_DEADLINE), st->spec.deadline) > 0)
			csv_problem(r, p->row, st->map[PF_DEADLINE] + 1, pf_label[PF_DEADLINE], "scadenza %s"
				    " dopo quella dell'avviso (%s): anticipala o proroga l'avviso",
				    pv(p, PF_DEADLINE), st->spec.deadline);
		if (st->map[PF_DEADLINE] >= 0 && *pv(p, PF_DEADLINE) && st->spec.opens[0] &&
		    strcmp(pv(p, PF_DEADLINE), st->spec.opens) < 0)
			csv_problem(r, p->row, st->map[PF_DEADLINE] + 1, pf_label[PF_DEADLINE], "scadenza %s"
				    " prima dell'apertura dell'avviso (%s)", pv(p, PF_DEADLINE), st->spec.opens);
	}
	return 0;
}

/* The call and its placements as the hub holds them. */
static int hub_load(struct store *s, struct import_state *st)
{
	struct store_res *r = NULL;
	int i;

	if (store_query(s, "SELECT id, title, opens, deadline, region, rules, status FROM call WHERE code = ?1",
			ARGS(st->spec.code), &r))
		return -1;
	if (store_res_rows(r) == 1) {
		str_copy(st->call_id, sizeof(st->call_id), store_res_get(r, 0, 0));
		str_copy(st->old_title, sizeof(st->old_title), store_res_get(r, 0, 1));
		str_copy(st->old_opens, sizeof(st->old_opens), store_res_get(r, 0, 2));
		str_copy(st->old_deadline, sizeof(st->old_deadline), store_res_get(r, 0, 3));
		str_copy(st->old_region, sizeof(st->old_region), store_res_get(r, 0, 4));
		st->old_rules = strdup(store_res_get(r, 0, 5) ? store_res_get(r, 0, 5) : "{}");
		str_copy(st->old_status, sizeof(st->old_status), store_res_get(r, 0, 6));
	}
	store_res_free(r);
	if (!st->call_id[0])
		return 0;
	if (store_query(s, "SELECT code, comune, area, office, title, description, requirements, address,"
			   " months, hours_week, allowance_eur, qrsp, seats, deadline, status FROM placement"
			   " WHERE call_id = ?1 ORDER BY code", ARGS(st->call_id), &r))
		return -1;
	st->old = calloc((size_t)store_res_rows(r) + 1, sizeof(*st->old));
	if (!st->old) {
		store_res_free(r);
		return -1;
	}
	for (i = 0; i < store_res_rows(r); i++)
		if (pl_from_res(&st->old[st->nold++], r, i)) {
			store_res_free(r);
			return -1;
		}
	store_res_free(r);
	return 0;
}

static void import_state_release(struct import_state *st)
{
	for (int i = 0; i < st->nrows; i++)
		pl_release(&st->rows[i]);
	for (int i = 0; i < st->nold; i++)
		pl_release(&st->old[i]);
	free(st->rows);
	free(st->old);
	free(st->old_rules);
}

/* Whether code is in list (codes separated by commas or spaces). */
static int code_listed(const char *list, const char *code)
{
	size_t n = strlen(code);

	for (const char *p = list; p && *p;) {
		p += strspn(p, ", ");
		if (!strncmp(p, code, n) && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
		p += strcspn(p, ", ");
	}
	return 0;
}

/* For each row of the file, the index of the first row with the same
 * code, or -1 for the first (and a row without a code); NULL when out of
 * memory. Free it. */
static int *import_duplicates(const struct import_state *st)
{
	const struct pl **sorted = calloc((size_t)st->nrows + 1, sizeof(*sorted));
	int *dup_of = malloc(sizeof(*dup_of) * ((size_t)st->nrows + 1)), i;

	if (!sorted || !dup_of) {
		free(sorted);
		free(dup_of);
		return NULL;
	}
	for (i = 0; i < st->nrows; i++) {
		sorted[i] = &st->rows[i];
		dup_of[i] = -1;
	}
	/* By code, then row: the first of a run is the earliest row. */
	qsort(sorted, (size_t)st->nrows, sizeof(*sorted), by_code_row);
	for (i = 1; i < st->nrows; i++)
		if (*pv(sorted[i], PF_CODE) && !strcmp(pv(sorted[i], PF_CODE), pv(sorted[i - 1], PF_CODE))) {
			int first = i - 1;

			while (first > 0 && !strcmp(pv(sorted[first - 1], PF_CODE), pv(sorted[i], PF_CODE)))
				first--;
			dup_of[sorted[i] - st->rows] = (int)(sorted[first] - st->rows);
		}
	free(sorted);
	return dup_of;
}

/* Row i of the file, p, a placement the call does not have yet: its code
 * must be new to the hub and its deadline not past; a CHANGE_NEW line
 * shows it as read. 0 or -1. */
static int compare_new(struct store *s, struct import_state *st, struct call_import *r, struct pl *p, int i)
{
	const struct vocab *a = vocab_find(placement_areas, placement_areas_n, pv(p, PF_AREA));
	struct store_res *res = NULL;
	char what[400];

	if (store_query(s, "SELECT c.code FROM placement p JOIN call c ON c.id = p.call_id WHERE p.code = ?1",
			ARGS(pv(p, PF_CODE)), &res))
		return -1;
	if (store_res_rows(res) > 0)
		csv_problem(r, p->row, st->map[PF_CODE] + 1, pf_label[PF_CODE], "il codice progetto"
			    " %s appartiene già all'avviso %s: usa un codice nuovo", pv(p, PF_CODE),
			    store_res_get(res, 0, 0));
	store_res_free(res);
	if (*pv(p, PF_DEADLINE) && strcmp(pv(p, PF_DEADLINE), st->today) < 0)
		csv_problem(r, p->row, st->map[PF_DEADLINE] >= 0 ? st->map[PF_DEADLINE] + 1 : 0,
			    pf_label[PF_DEADLINE], "scadenza %s già passata: scrivi una data da"
			    " oggi (%s) in poi", pv(p, PF_DEADLINE), st->today);
	/* The office and address as read from the file: where a wrong
	 * encoding or a shifted column shows before publishing. */
	snprintf(what, sizeof(what), "%s · %s posti · %s mesi · %s ore · %s € · scadenza %s · %.120s, %.120s",
		 a ? a->it : pv(p, PF_AREA), pv(p, PF_SEATS), pv(p, PF_MONTHS), pv(p, PF_HOURS),
		 pv(p, PF_ALLOWANCE), pv(p, PF_DEADLINE), pv(p, PF_OFFICE), pv(p, PF_ADDRESS));
	change_add(r, CHANGE_NEW, p, i, what);
	return 0;
}

/* Row i of the file, p, against the hub's old: columns the file lacks
 * (present[j] 0) keep the hub's values; an amendment made at the hub (an
 * extension, a withdrawal) is not undone by the call's table, which
 * predates it (issue 18), unless the coordinator names the line
 * (revert); the line is CHANGED, KEPT or UNCHANGED. */
static void compare_existing(struct import_state *st, struct call_import *r, struct pl *p, struct pl *old, int i,
			     const int *present)
{
	char what[400], kept[200] = "";
	int j;

	old->seen = 1;
	if (strcmp(pv(old, PF_COMUNE), pv(p, PF_COMUNE)) && *pv(p, PF_COMUNE)) {
		const struct comune *c = comune_by_istat(pv(old, PF_COMUNE));

		csv_problem(r, p->row, st->map[PF_COMUNE] + 1, pf_label[PF_COMUNE], "il progetto %s è"
			    " del Comune di %s: un progetto non cambia Comune (ritiralo e pubblicane uno"
			    " nuovo)", pv(p, PF_CODE), c ? c->name : pv(old, PF_COMUNE));
		return;
	}
	for (j = 0; j < PF_N; j++)
		if (!present[j])
			pl_set(p, j, pv(old, j));
	if (!code_listed(st->spec.revert, pv(p, PF_CODE))) {
		if (!strcmp(pv(old, PF_STATUS), "closed") && strcmp(pv(p, PF_STATUS), "closed")) {
			pl_set(p, PF_STATUS, "closed");
			snprintf(kept, sizeof(kept), "ritiro mantenuto");
		}
		if (strcmp(pv(old, PF_DEADLINE), pv(p, PF_DEADLINE)) > 0) {
			size_t kl = strlen(kept);

			snprintf(kept + kl, sizeof(kept) - kl, "%sproroga mantenuta: scadenza %s (nel file %s)",
				 kl ? "; " : "", pv(old, PF_DEADLINE), pv(p, PF_DEADLINE));
			pl_set(p, PF_DEADLINE, pv(old, PF_DEADLINE));
		}
	}
	if (strcmp(pv(p, PF_DEADLINE), pv(old, PF_DEADLINE)) && strcmp(pv(p, PF_DEADLINE), st->today) < 0)
		csv_problem(r, p->row, st->map[PF_DEADLINE] >= 0 ? st->map[PF_DEADLINE] + 1 : 0,
			    pf_label[PF_DEADLINE], "scadenza %s già passata: scrivi una data da oggi"
			    " (%s) in poi", pv(p, PF_DEADLINE), st->today);
	if (pl_diff(old, p, NULL, what, sizeof(what))) {
		if (*kept) {
			size_t wl = strlen(what);

			snprintf(what + wl, sizeof(what) - wl, "; %s", kept);
		}
		change_add(r, CHANGE_CHANGED, p, i, what);
	} else if (*kept) {
		/* Shown, so that the coordinator sees what the file would have undone. */
		change_add(r, CHANGE_KEPT, p, i, kept);
	} else {
		change_add(r, CHANGE_UNCHANGED, p, i, NULL);
	}
}

/* Compares the file with the hub: changes into r, problems too. 0 or -1. */
static int import_compare(struct store *s, struct import_state *st, struct call_import *r)
{
	int i, present[PF_N], *dup_of = import_duplicates(st);

	if (!dup_of)
		return -1;
	/* A title taken from the office only changes with the office. */
	for (i = 0; i < PF_N; i++)
		present[i] = st->map[i] >= 0 || i == PF_STATUS || i == PF_DEADLINE ||
			     (i == PF_TITLE && st->map[PF_OFFICE] >= 0);
	for (i = 0; i < st->nrows; i++) {
		struct pl *p = &st->rows[i], *old = NULL;

		if (!*pv(p, PF_CODE))
			continue;
		if (dup_of[i] >= 0) {
			csv_problem(r, p->row, st->map[PF_CODE] + 1, pf_label[PF_CODE], "codice progetto"
				    " %s ripetuto (c'è già alla riga %d): ogni progetto ha il suo codice",
				    pv(p, PF_CODE), st->rows[dup_of[i]].row);
			continue;
		}
		if (st->nold) {
			struct pl key = { 0 };

			key.v[PF_CODE] = p->v[PF_CODE];
			old = bsearch(&key, st->old, (size_t)st->nold, sizeof(*st->old), by_code);
		}
		if (!old && compare_new(s, st, r, p, i)) {
			free(dup_of);
			return -1;
		}
		if (old)
			compare_existing(st, r, p, old, i, present);
	}
	for (i = 0; i < st->nold; i++)
		if (!st->old[i].seen && !strcmp(pv(&st->old[i], PF_STATUS), "open"))
			change_add(r, CHANGE_WITHDRAWN, &st->old[i], -1, "non è più nel file dell'avviso");
	free(dup_of);
	return 0;
}

static void call_fields_diff(struct import_state *st, struct call_import *r)
{
	struct call_spec *sp = &st->spec;
	size_t len = 0;

#define CALL_DIFF(label, old, new) \
	if (strcmp(old, new) && len + 8 < sizeof(r->call_what)) \
		len += (size_t)snprintf(r->call_what + len, sizeof(r->call_what) - len, "%s%s %s → %s", \
					len ? "; " : "", label, old, new)
	CALL_DIFF("titolo", st->old_title, sp->title);
	CALL_DIFF("apertura", st->old_opens, sp->opens);
	CALL_DIFF("scadenza", st->old_deadline, sp->deadline);
	CALL_DIFF("regione", st->old_region, sp->region);
#undef CALL_DIFF
	if (strcmp(st->old_rules ? st->old_rules : "{}", sp->rules) && len + 30 < sizeof(r->call_what))
		snprintf(r->call_what + len, sizeof(r->call_what) - len, "%sregole di ammissione modificate",
			 len ? "; " : "");
}

static char *call_json(const char *id, const struct call_spec *sp, const char *status)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)atoll(id),
			      "code", sp->code, "title", sp->title, "region", sp->region, "opens", sp->opens,
			      "deadline", sp->deadline, "rules", sp->rules, "status", status);
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	json_decref(o);
	return s;
}

static int import_apply(struct store *s, struct import_state *st, struct call_import *r, const char *by)
{
	struct call_spec *sp = &st->spec;
	char now[32], next_id[24], note[480];
	char *data = NULL;
	int i, rc = -1;
	long long pid;

	store_now_iso(now, sizeof(now));
	if (store_begin(s))
		return -1;
	if (r->call_new) {
		if (store_text(s, "SELECT coalesce(max(id), 0) FROM call", NULL, next_id, sizeof(next_id)) < 0)
			goto out;
		snprintf(st->call_id, sizeof(st->call_id), "%lld", atoll(next_id) + 1);
		if (store_exec(s, "INSERT INTO call(id, code, title, region, opens, deadline, rules, status)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open')",
			       ARGS(st->call_id, sp->code, sp->title, sp->region, sp->opens, sp->deadline,
				    sp->rules)) != 1)
			goto out;
		data = call_json(st->call_id, sp, "open");
		snprintf(note, sizeof(note), "pubblicato con %d progetti", r->counts[CHANGE_NEW]);
		if (!data || version_add(s, st->call_id, "", "created", by, note, data, now))
			goto out;
	} else if (r->call_what[0]) {
		if (store_exec(s, "UPDATE call SET title = ?2, region = ?3, opens = ?4, deadline = ?5,"
				  " rules = ?6 WHERE id = ?1", ARGS(st->call_id, sp->title, sp->region,
								 sp->opens, sp->deadline, sp->rules)) != 1)
			goto out;
		data = call_json(st->call_id, sp, "open");
		if (!data || version_add(s, st->call_id, "", "changed", by, r->call_what, data, now))
			goto out;
	}
	if (store_text(s, "SELECT coalesce(max(id), 0) FROM placement", NULL, next_id, sizeof(next_id)) < 0)
		goto out;
	pid = atoll(next_id);
	for (i = 0; i < r->nchanges; i++) {
		const struct call_change *c = &r->changes[i];
		struct pl *p = NULL, key = { 0 };
		char id[24];

		key.v[PF_CODE] = (char *)c->code;
		if (c->kind == CHANGE_UNCHANGED || c->kind == CHANGE_KEPT)
			continue;
		if (c->kind == CHANGE_WITHDRAWN) {
			p = bsearch(&key, st->old, (size_t)st->nold, sizeof(*st->old), by_code);
			if (!p || pl_set(p, PF_STATUS, "closed") || pl_update(s, p, now) ||
			    pl_version(s, st->call_id, p, "withdrawn", by, c->what, now))
				goto out;
			continue;
		}
		if (c->index < 0 || c->index >= st->nrows)
			goto out;
		p = &st->rows[c->index];
		if (c->kind == CHANGE_CHANGED) {
			if (pl_update(s, p, now) || pl_version(s, st->call_id, p, "changed", by, c->what, now))
				goto out;
			continue;
		}
		snprintf(id, sizeof(id), "%lld", ++pid);
		if (store_exec(s, "INSERT INTO placement(id, code, call_id, comune, area, office, title,"
				  " description, requirements, address, months, hours_week, allowance_eur, qrsp,"
				  " seats, deadline, status, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
				  " ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 'open', ?17)",
			       ARGS(id, pv(p, PF_CODE), st->call_id, pv(p, PF_COMUNE), pv(p, PF_AREA),
				    pv(p, PF_OFFICE), pv(p, PF_TITLE), pv(p, PF_DESCRIPTION),
				    pv(p, PF_REQUIREMENTS), pv(p, PF_ADDRESS), pv(p, PF_MONTHS), pv(p, PF_HOURS),
				    pv(p, PF_ALLOWANCE), pv(p, PF_QRSP), pv(p, PF_SEATS), pv(p, PF_DEADLINE),
				    now)) != 1 ||
		    pl_version(s, st->call_id, p, "created", by, "pubblicato", now))
			goto out;
	}
	if (store_commit(s))
		goto out;
	rc = 0;
out:
	if (rc)
		store_rollback(s);
	free(data);
	return rc;
}

int call_import(struct store *s, const struct call_spec *spec, const char *csv, size_t len,
		int dry_run, const char *by, struct call_import *r)
{
	struct import_state st;
	struct csv_table t;
	int rc = 1, i;

	memset(r, 0, sizeof(*r));
	memset(&st, 0, sizeof(st));
	memset(&t, 0, sizeof(t));
	today_date(st.today);
	if (!by || !*by || strlen(by) > 64 || !store_is_printable(by)) {
		csv_problem(r, 0, 0, NULL, "manca chi pubblica (da 1 a 64 caratteri)");
		return 1;
	}
	spec_check(&st, spec, r);
	if (len > CALL_CSV_MAX) {
		csv_problem(r, 0, 0, NULL, "file troppo grande (%.1f MB): il limite è %u MB; un avviso di"
			    " %d progetti sta in meno di 4 MB", (double)len / (1 << 20), CALL_CSV_MAX >> 20,
			    CALL_ROWS_MAX);
		return 1;
	}
	if (csv_read(csv, len, &t, r) && t.n == 0)
		goto out;
	if (t.n == 0) {
		csv_problem(r, 0, 0, NULL, "il file è vuoto: serve l'intestazione e una riga per progetto");
		goto out;
	}
	if (csv_header(&t.recs[0], st.map, r))
		goto out;
	if (rows_read(&st, &t, r))
		goto fail;
	if (st.nrows == 0)
		csv_problem(r, 0, 0, NULL, "nessun progetto nel file: dopo l'intestazione serve una riga per"
			    " progetto");
	if (!st.spec.code[0])
		goto out;
	if (hub_load(s, &st))
		goto fail;
	r->call_new = !st.call_id[0];
	if (!r->call_new && !strcmp(st.old_status, "closed"))
		csv_problem(r, 0, 0, "codice avviso", "l'avviso %s è chiuso: non si pubblicano altri progetti"
			    " in un avviso chiuso", st.spec.code);
	/* A call that exists keeps what the request leaves empty. */
	if (!r->call_new) {
		if (!st.spec.title[0])
			str_copy(st.spec.title, sizeof(st.spec.title), st.old_title);
		if (!st.spec.opens[0])
			str_copy(st.spec.opens, sizeof(st.spec.opens), st.old_opens);
		if (!st.spec.deadline[0])
			str_copy(st.spec.deadline, sizeof(st.spec.deadline), st.old_deadline);
		if (!st.spec.rules[0])
			str_copy(st.spec.rules, sizeof(st.spec.rules), st.old_rules ? st.old_rules : "{}");
		for (i = 0; i < st.nrows; i++)
			if (!*pv(&st.rows[i], PF_DEADLINE))
				pl_set(&st.rows[i], PF_DEADLINE, st.spec.deadline);
	}
	if (!st.spec.rules[0])
		str_copy(st.spec.rules, sizeof(st.spec.rules), "{}");
	if (!st.spec.title[0])
		csv_problem(r, 0, 0, "titolo avviso", "manca il titolo dell'avviso");
	if (!st.spec.opens[0])
		csv_problem(r, 0, 0, "apertura", "manca la data di apertura dell'avviso");
	if (!st.spec.deadline[0])
		csv_problem(r, 0, 0, "scadenza avviso", "manca la scadenza dell'avviso");
	else if (strcmp(st.spec.deadline, st.today) < 0)
		csv_problem(r, 0, 0, "scadenza avviso", "la scadenza dell'avviso (%s) è già passata: scrivi"
			    " una data da oggi (%s) in poi", st.spec.deadline, st.today);
	if (st.spec.opens[0] && st.spec.deadline[0] && strcmp(st.spec.opens, st.spec.deadline) > 0)
		csv_problem(r, 0, 0, "apertura", "l'apertura (%s) viene dopo la scadenza (%s)", st.spec.opens,
			    st.spec.deadline);
	/* The region: the comuni's when they share one. */
	if (!st.spec.region[0]) {
		const char *reg = NULL;

		for (i = 0; i < st.nrows; i++) {
			const struct comune *c = comune_by_istat(pv(&st.rows[i], PF_COMUNE));

			if (!c)
				continue;
			if (!reg)
				reg = c->region;
			else if (strcmp(reg, c->region))
				reg = "Italia";
		}
		str_copy(st.spec.region, sizeof(st.spec.region), reg ? reg : "Italia");
	}
	if (import_compare(s, &st, r))
		goto fail;
	if (!r->call_new)
		call_fields_diff(&st, r);
	if (r->problems_total)
		goto out;
	rc = 0;
	if (!dry_run && import_apply(s, &st, r, by))
		goto fail;
	goto out;
fail:
	rc = -1;
out:
	csv_table_release(&t);
	import_state_release(&st);
	return rc;
}

void call_import_release(struct call_import *r)
{
	free(r->problems);
	free(r->changes);
	memset(r, 0, sizeof(*r));
}

void call_import_print(const struct call_import *r, FILE *out)
{
	static const char *const kinds[] = { "nuovo", "modificato", "invariato", "ritirato", "mantenuto" };
	char letters[8];
	int i;

	if (r->problems_total) {
		for (i = 0; i < r->nproblems; i++) {
			const struct call_problem *p = &r->problems[i];

			if (p->row > 0 && p->col > 0) {
				csv_col_letters(p->col, letters, sizeof(letters));
				fprintf(out, "riga %d, colonna %s%s%s%s: %s\n", p->row, letters,
					p->column[0] ? " (" : "", p->column, p->column[0] ? ")" : "", p->msg);
			} else if (p->row > 0) {
				fprintf(out, "riga %d: %s\n", p->row, p->msg);
			} else {
				fprintf(out, "%s%s%s\n", p->column[0] ? p->column : "", p->column[0] ? ": " : "", p->msg);
			}
		}
		if (r->problems_total > r->nproblems)
			fprintf(out, "... e altri %d problemi\n", r->problems_total - r->nproblems);
		return;
	}
	for (i = 0; i < r->nchanges; i++) {
		const struct call_change *c = &r->changes[i];

		if (c->kind == CHANGE_UNCHANGED)
			continue;
		fprintf(out, "%-10s %-14s %s%s%s\n", kinds[c->kind], c->code, c->comune, c->what[0] ? "  " : "",
			c->what);
	}
}

/* ------------------------------------------------------------ amendments */

/* The placement with that code and its call's id, deadline and status:
 * 0, 1 not found, -1 error. */
static int placement_load(struct store *s, const char *code, struct pl *p, char *call_id, size_t isize,
			  char *call_deadline, char *call_status)
{
	struct store_res *r = NULL;
	int rc;

	memset(p, 0, sizeof(*p));
	if (store_query(s, "SELECT p.code, p.comune, p.area, p.office, p.title, p.description,"
			   " p.requirements, p.address, p.months, p.hours_week, p.allowance_eur, p.qrsp,"
			   " p.seats, p.deadline, p.status, p.call_id, c.deadline, c.status FROM placement p"
			   " JOIN call c ON c.id = p.call_id WHERE p.code = ?1", ARGS(code), &r))
		return -1;
	if (store_res_rows(r) != 1) {
		store_res_free(r);
		return 1;
	}
	rc = pl_from_res(p, r, 0);
	str_copy(call_id, isize, store_res_get(r, 0, PF_N));
	str_copy(call_deadline, 11, store_res_get(r, 0, PF_N + 1));
	str_copy(call_status, 12, store_res_get(r, 0, PF_N + 2));
	store_res_free(r);
	return rc;
}

static int who_ok(const char *by, const char *note, char *err, size_t errsize)
{
	if (!by || !*by || strlen(by) > 64 || !store_is_printable(by))
		return snprintf(err, errsize, "manca chi fa la modifica (da 1 a 64 caratteri)"), -1;
	if (note && (strlen(note) > 500 || !store_is_printable(note)))
		return snprintf(err, errsize, "nota troppo lunga o con caratteri non validi (al massimo 500)"), -1;
	return 0;
}

int call_placement_edit(struct store *s, const char *code, const char *const *names,
			const char *const *values, int n, const char *by, const char *note,
			char *err, size_t errsize)
{
	return call_placement_edit_cut(s, code, names, values, n, by, note, 1, err, errsize);
}

int call_placement_edit_cut(struct store *s, const char *code, const char *const *names,
			    const char *const *values, int n, const char *by, const char *note, int cut_ok,
			    char *err, size_t errsize)
{
	struct pl old, new;
	char call_id[24], cdead[11], cstatus[12], today[11], out[2100], why[400], what[400];
	int rc, i;

	err[0] = '\0';
	if (who_ok(by, note, err, errsize))
		return 2;
	today_date(today);
	memset(&new, 0, sizeof(new));
	if (store_begin(s))
		return -1;
	rc = placement_load(s, code, &old, call_id, sizeof(call_id), cdead, cstatus);
	if (rc)
		goto out;
	rc = -1;
	for (i = 0; i < PF_N; i++)
		if (pl_set(&new, i, pv(&old, i)))
			goto out;
	rc = 2;
	if (!strcmp(cstatus, "closed")) {
		snprintf(err, errsize, "l'avviso di questo progetto è chiuso: non si modifica più");
		goto out;
	}
	for (i = 0; i < n; i++) {
		int f = csv_field_by_name(names[i]);

		if (f < 0 || f == PF_CODE || f == PF_COMUNE || f == PF_STATUS) {
			snprintf(err, errsize, "campo «%.40s» non modificabile: si modificano area, ufficio,"
				 " titolo, descrizione, requisiti, indirizzo, mesi, ore settimanali, indennità,"
				 " profilo QRSP, posti, scadenza", names[i]);
			goto out;
		}
		if (csv_cell(f, values[i], out, sizeof(out), why, sizeof(why))) {
			snprintf(err, errsize, "%s: %s", pf_label[f], why);
			goto out;
		}
		if (f == PF_DEADLINE && !out[0]) {
			snprintf(err, errsize, "scadenza: scrivi una data");
			goto out;
		}
		if (f == PF_TITLE && !out[0])
			str_copy(out, sizeof(out), pv(&new, PF_OFFICE));
		pl_set(&new, f, out);
	}
	if (strcmp(pv(&new, PF_DEADLINE), pv(&old, PF_DEADLINE))) {
		if (strcmp(pv(&new, PF_DEADLINE), today) < 0) {
			snprintf(err, errsize, "scadenza %s già passata: scrivi una data da oggi (%s) in poi",
				 pv(&new, PF_DEADLINE), today);
			goto out;
		}
		if (strcmp(pv(&new, PF_DEADLINE), cdead) > 0) {
			snprintf(err, errsize, "scadenza %s dopo quella dell'avviso (%s): proroga prima l'avviso",
				 pv(&new, PF_DEADLINE), cdead);
			goto out;
		}
	}
	/* Seats below the number already selected: only when confirmed,
	 * and the people selected and the comune are told (below). */
	if (atoi(pv(&new, PF_SEATS)) < atoi(pv(&old, PF_SEATS))) {
		char list[1200];
		int sel = selection_selected_list(s, code, list, sizeof(list));

		if (sel < 0) {
			rc = -1;
			goto out;
		}
		if (sel > atoi(pv(&new, PF_SEATS)) && !cut_ok) {
			snprintf(err, errsize, "posti: %s è meno dei %d già selezionati (%.900s). Per procedere spunta "
				 "«Confermo la riduzione dei posti»: le persone selezionate e il Comune saranno avvisati",
				 pv(&new, PF_SEATS), sel, list);
			goto out;
		}
	}
	if (!pl_diff(&old, &new, NULL, what, sizeof(what))) {
		rc = 0;		/* nothing to change, nothing to record */
		goto out;
	}
	if (note && *note && strlen(what) + strlen(note) + 4 < sizeof(what))
		snprintf(what + strlen(what), sizeof(what) - strlen(what), " (%s)", note);
	rc = -1;
	{
		char now[32];

		char cut[1200];

		store_now_iso(now, sizeof(now));
		if (pl_update(s, &new, now) || pl_version(s, call_id, &new, "changed", by, what, now) ||
		    (atoi(pv(&new, PF_SEATS)) < atoi(pv(&old, PF_SEATS)) &&
		     selection_seats_cut(s, code, atoi(pv(&new, PF_SEATS)), by, now, cut, sizeof(cut)) < 0) ||
		    store_commit(s))
			goto out;
	}
	pl_release(&old);
	pl_release(&new);
	return 0;
out:
	store_rollback(s);
	pl_release(&old);
	pl_release(&new);
	return rc;
}

/* A placement withdrawn or reinstated: p's status set, the row and its
 * version row (action, note) written and the transaction committed.
 * 0, or -1 with the transaction still open (the caller rolls back). */
static int pl_status_commit(struct store *s, struct pl *p, const char *call_id, const char *status,
			    const char *action, const char *by, const char *note, const char *now)
{
	if (pl_set(p, PF_STATUS, status) || pl_update(s, p, now) ||
	    pl_version(s, call_id, p, action, by, note, now) || store_commit(s))
		return -1;
	return 0;
}

int call_placement_withdraw(struct store *s, const char *code, const char *by, const char *note,
			    char *err, size_t errsize)
{
	struct pl p;
	char call_id[24], cdead[11], cstatus[12], now[32];
	int rc;

	err[0] = '\0';
	if (who_ok(by, note, err, errsize))
		return 2;
	store_now_iso(now, sizeof(now));
	if (store_begin(s))
		return -1;
	rc = placement_load(s, code, &p, call_id, sizeof(call_id), cdead, cstatus);
	if (rc)
		goto out;
	rc = 2;
	if (strcmp(pv(&p, PF_STATUS), "open")) {
		snprintf(err, errsize, "il progetto %s è già ritirato o chiuso", code);
		goto out;
	}
	/* The people in its selection are told, in the same transaction;
	 * err names the selected ones for whoever withdrew it. */
	rc = -1;
	if (pl_set(&p, PF_STATUS, "closed") || pl_update(s, &p, now) ||
	    pl_version(s, call_id, &p, "withdrawn", by, note && *note ? note : "ritirato", now) ||
	    selection_placement_withdrawn(s, code, by, note && *note ? note : "progetto ritirato", now, err,
					  errsize) < 0 ||
	    store_commit(s))
		goto out;
	rc = 0;
out:
	if (rc)
		store_rollback(s);
	pl_release(&p);
	return rc;
}

int call_placement_reinstate(struct store *s, const char *code, const char *by, const char *note,
			     char *err, size_t errsize)
{
	struct pl p;
	char call_id[24], cdead[11], cstatus[12], now[32], today[11], last[24];
	int rc;

	err[0] = '\0';
	if (who_ok(by, note, err, errsize))
		return 2;
	store_now_iso(now, sizeof(now));
	today_date(today);
	if (store_begin(s))
		return -1;
	rc = placement_load(s, code, &p, call_id, sizeof(call_id), cdead, cstatus);
	if (rc)
		goto out;
	rc = -1;
	if (store_text(s, "SELECT action FROM catalog_version WHERE call_id = ?1 AND placement_code = ?2"
			  " ORDER BY version DESC LIMIT 1", ARGS(call_id, code), last, sizeof(last)) < 0)
		goto out;
	rc = 2;
	if (strcmp(pv(&p, PF_STATUS), "closed") || strcmp(last, "withdrawn")) {
		snprintf(err, errsize, "il progetto %s non è ritirato", code);
		goto out;
	}
	if (strcmp(cstatus, "open")) {
		snprintf(err, errsize, "l'avviso di questo progetto è chiuso");
		goto out;
	}
	if (strcmp(pv(&p, PF_DEADLINE), today) < 0) {
		snprintf(err, errsize, "la scadenza del progetto (%s) è passata: ripubblicalo dal file dell'avviso"
			 " con una nuova scadenza", pv(&p, PF_DEADLINE));
		goto out;
	}
	rc = pl_status_commit(s, &p, call_id, "open", "reinstated", by,
			      note && *note ? note : "di nuovo aperto", now);
out:
	if (rc)
		store_rollback(s);
	pl_release(&p);
	return rc;
}

static int call_load(struct store *s, const char *code_in, char *id, char *deadline, char *status,
		     struct call_spec *sp)
{
	struct store_res *r = NULL;
	char code[24];
	int rc = 1;

	if (call_code_normalise(code_in, code, sizeof(code)))
		return 1;
	if (store_query(s, "SELECT id, deadline, status, code, title, region, opens, rules FROM call"
			   " WHERE code = ?1", ARGS(code), &r))
		return -1;
	if (store_res_rows(r) == 1) {
		str_copy(id, 24, store_res_get(r, 0, 0));
		str_copy(deadline, 11, store_res_get(r, 0, 1));
		str_copy(status, 12, store_res_get(r, 0, 2));
		if (sp) {
			memset(sp, 0, sizeof(*sp));
			str_copy(sp->code, sizeof(sp->code), store_res_get(r, 0, 3));
			str_copy(sp->title, sizeof(sp->title), store_res_get(r, 0, 4));
			str_copy(sp->region, sizeof(sp->region), store_res_get(r, 0, 5));
			str_copy(sp->opens, sizeof(sp->opens), store_res_get(r, 0, 6));
			str_copy(sp->deadline, sizeof(sp->deadline), store_res_get(r, 0, 1));
			str_copy(sp->rules, sizeof(sp->rules), store_res_get(r, 0, 7));
		}
		rc = 0;
	}
	store_res_free(r);
	return rc;
}

int call_extend(struct store *s, const char *call_code, const char *placement, const char *deadline_in,
		const char *by, const char *note, char *err, size_t errsize)
{
	struct call_spec sp;
	struct store_res *res = NULL;
	struct pl p;
	char id[24], cdead[11], cstatus[12], deadline[11], today[11], now[32], what[200];
	int rc, i;

	err[0] = '\0';
	memset(&p, 0, sizeof(p));
	if (who_ok(by, note, err, errsize))
		return 2;
	if (csv_date(deadline_in, deadline)) {
		snprintf(err, errsize, "data «%.20s» non valida: scrivi GG/MM/AAAA o AAAA-MM-GG", deadline_in);
		return 2;
	}
	today_date(today);
	store_now_iso(now, sizeof(now));
	if (strcmp(deadline, today) < 0) {
		snprintf(err, errsize, "la nuova scadenza %s è già passata", deadline);
		return 2;
	}
	if (store_begin(s))
		return -1;
	rc = call_load(s, call_code, id, cdead, cstatus, &sp);
	if (rc)
		goto out;
	rc = 2;
	if (!strcmp(cstatus, "closed")) {
		snprintf(err, errsize, "l'avviso %s è chiuso: non si proroga", sp.code);
		goto out;
	}
	if (placement && *placement) {
		char pcall[24], d2[11], s2[12];

		rc = placement_load(s, placement, &p, pcall, sizeof(pcall), d2, s2);
		if (rc)
			goto out;
		rc = 2;
		if (strcmp(pcall, id)) {
			snprintf(err, errsize, "il progetto %s non è dell'avviso %s", placement, sp.code);
			goto out;
		}
		if (strcmp(deadline, pv(&p, PF_DEADLINE)) <= 0) {
			snprintf(err, errsize, "una proroga sposta la scadenza più avanti (ora è %s)",
				 pv(&p, PF_DEADLINE));
			goto out;
		}
		if (strcmp(deadline, cdead) > 0) {
			snprintf(err, errsize, "la scadenza %s va oltre quella dell'avviso (%s): proroga prima"
				 " l'avviso", deadline, cdead);
			goto out;
		}
		rc = -1;
		snprintf(what, sizeof(what), "scadenza %s → %s%s%s", pv(&p, PF_DEADLINE), deadline,
			 note && *note ? "; " : "", note ? note : "");
		if (pl_set(&p, PF_DEADLINE, deadline) || pl_update(s, &p, now) ||
		    pl_version(s, id, &p, "extended", by, what, now) || store_commit(s))
			goto out;
		pl_release(&p);
		return 0;
	}
	if (strcmp(deadline, cdead) <= 0) {
		snprintf(err, errsize, "una proroga sposta la scadenza più avanti (ora è %s)", cdead);
		goto out;
	}
	rc = -1;
	snprintf(what, sizeof(what), "scadenza %s → %s%s%s", cdead, deadline, note && *note ? "; " : "",
		 note ? note : "");
	str_copy(sp.deadline, sizeof(sp.deadline), deadline);
	{
		char *data = call_json(id, &sp, "open");
		int bad = !data || store_exec(s, "UPDATE call SET deadline = ?2 WHERE id = ?1", ARGS(id, deadline)) != 1 ||
			  version_add(s, id, "", "extended", by, what, data, now);

		free(data);
		if (bad)
			goto out;
	}
	/* The placements that ran to the call's deadline move with it. */
	if (store_query(s, "SELECT code, comune, area, office, title, description, requirements, address,"
			   " months, hours_week, allowance_eur, qrsp, seats, deadline, status FROM placement"
			   " WHERE call_id = ?1 AND deadline = ?2 AND status = 'open' ORDER BY code",
			ARGS(id, cdead), &res))
		goto out;
	for (i = 0; i < store_res_rows(res); i++) {
		if (pl_from_res(&p, res, i) || pl_set(&p, PF_DEADLINE, deadline) || pl_update(s, &p, now) ||
		    pl_version(s, id, &p, "extended", by, what, now))
			goto out;
		pl_release(&p);
	}
	if (store_commit(s))
		goto out;
	store_res_free(res);
	return 0;
out:
	store_res_free(res);
	store_rollback(s);
	pl_release(&p);
	return rc;
}

int call_close(struct store *s, const char *call_code, const char *by, const char *note, char *err,
	       size_t errsize)
{
	struct call_spec sp;
	char id[24], cdead[11], cstatus[12], now[32];
	char *data = NULL;
	int rc;

	err[0] = '\0';
	if (who_ok(by, note, err, errsize))
		return 2;
	store_now_iso(now, sizeof(now));
	if (store_begin(s))
		return -1;
	rc = call_load(s, call_code, id, cdead, cstatus, &sp);
	if (rc)
		goto out;
	rc = 2;
	if (!strcmp(cstatus, "closed")) {
		snprintf(err, errsize, "l'avviso %s è già chiuso", sp.code);
		goto out;
	}
	rc = -1;
	data = call_json(id, &sp, "closed");
	if (!data || store_exec(s, "UPDATE call SET status = 'closed' WHERE id = ?1", ARGS(id)) != 1 ||
	    version_add(s, id, "", "closed", by, note && *note ? note : "chiuso", data, now) ||
	    store_commit(s))
		goto out;
	free(data);
	return 0;
out:
	free(data);
	store_rollback(s);
	return rc;
}

/* -------------------------------------------------------------- listings */

int call_list_print(struct store *s, FILE *out)
{
	struct store_res *r;
	int i;

	if (store_query(s, "SELECT c.code, c.status, c.opens, c.deadline,"
			   " (SELECT count(*) FROM placement p WHERE p.call_id = c.id AND p.status = 'open'),"
			   " (SELECT count(*) FROM placement p WHERE p.call_id = c.id),"
			   " (SELECT coalesce(sum(p.seats), 0) FROM placement p WHERE p.call_id = c.id"
			   "  AND p.status = 'open'),"
			   " (SELECT count(*) FROM application a WHERE a.call_id = c.id), c.title"
			   " FROM call c ORDER BY c.opens DESC, c.code", NULL, &r))
		return -1;
	fprintf(out, "%-10s %-7s %-10s %-10s %6s %6s %6s %8s  %s\n", "call", "status", "opens", "deadline",
		"open", "total", "seats", "applied", "title");
	for (i = 0; i < store_res_rows(r); i++)
		fprintf(out, "%-10s %-7s %-10s %-10s %6s %6s %6s %8s  %s\n", store_res_get(r, i, 0),
			store_res_get(r, i, 1), store_res_get(r, i, 2), store_res_get(r, i, 3),
			store_res_get(r, i, 4), store_res_get(r, i, 5), store_res_get(r, i, 6),
			store_res_get(r, i, 7), store_res_get(r, i, 8));
	store_res_free(r);
	return 0;
}

/* Runs sql with ?1 bound to the normalised call_code, for the print
 * commands below: 0 with *r holding at least one row, 1 when the code is
 * malformed or nothing matches, -1 on a store error. */
static int call_rows(struct store *s, const char *call_code, const char *sql, struct store_res **r)
{
	char code[24];

	if (call_code_normalise(call_code, code, sizeof(code)))
		return 1;
	if (store_query(s, sql, ARGS(code), r))
		return -1;
	if (store_res_rows(*r) == 0) {
		store_res_free(*r);
		return 1;
	}
	return 0;
}

int call_show_print(struct store *s, const char *call_code, FILE *out)
{
	struct store_res *r;
	int i, rc;

	rc = call_rows(s, call_code, "SELECT p.code, p.comune, p.area, p.months, p.hours_week, p.allowance_eur,"
		       " p.seats, p.deadline, p.status, p.office FROM placement p JOIN call c"
		       " ON c.id = p.call_id WHERE c.code = ?1 ORDER BY p.code", &r);
	if (rc)
		return rc;
	fprintf(out, "%-14s %-7s %-24s %-11s %6s %5s %9s %5s %-10s %s\n", "placement", "comune", "name", "area",
		"months", "hours", "allowance", "seats", "deadline", "status / office");
	for (i = 0; i < store_res_rows(r); i++) {
		const struct comune *c = comune_by_istat(store_res_get(r, i, 1));

		fprintf(out, "%-14s %-7s %-24.24s %-11s %6s %5s %9s %5s %-10s %s / %s\n", store_res_get(r, i, 0),
			store_res_get(r, i, 1), c ? c->name : "?", store_res_get(r, i, 2), store_res_get(r, i, 3),
			store_res_get(r, i, 4), store_res_get(r, i, 5), store_res_get(r, i, 6),
			store_res_get(r, i, 7), store_res_get(r, i, 8), store_res_get(r, i, 9));
	}
	store_res_free(r);
	return 0;
}

int call_history_print(struct store *s, const char *call_code, FILE *out)
{
	struct store_res *r;
	int i, rc;

	rc = call_rows(s, call_code, "SELECT v.at, v.by, v.action, v.placement_code, v.version, v.note FROM"
		       " catalog_version v JOIN call c ON c.id = v.call_id WHERE c.code = ?1"
		       " ORDER BY v.id", &r);
	if (rc)
		return rc;
	for (i = 0; i < store_res_rows(r); i++)
		fprintf(out, "%s  %-16s %-10s %-14s v%-3s %s\n", store_res_get(r, i, 0), store_res_get(r, i, 1),
			store_res_get(r, i, 2), *store_res_get(r, i, 3) ? store_res_get(r, i, 3) : "(avviso)",
			store_res_get(r, i, 4), store_res_get(r, i, 5));
	store_res_free(r);
	return 0;
}

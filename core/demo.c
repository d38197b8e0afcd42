/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Demo network generator. See demo.h. Start reading at demo_seed(): it
 * loads the comuni, picks the host comuni, writes the calls and their
 * placements, one kiosk per host, then streams the past applications
 * through one prepared statement and derives the usage counts from them.
 * All randomness comes from one splitmix64 stream seeded by the caller.
 */
#include "core/demo.h"
#include "core/cf.h"
#include "core/comuni.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/model.h"
#include "core/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rng { uint64_t s; };

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t mix(uint64_t x)
{
	struct rng r = { x };
	return rng_next(&r);
}

/* Uniform integer in [0, n). */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)((rng_next(r) >> 32) * n >> 32) : 0;
}

static double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) / 9007199254740992.0;
}

/* Picks an index from cumulative weights cum[0..n-1] (non-decreasing). */
static size_t pick_cum(struct rng *r, const double *cum, size_t n)
{
	double x = rng_unit(r) * cum[n - 1];
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Days since 1970-01-01 for a civil date, and back (Howard Hinnant). */
static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void day_str(int64_t day, char *buf, size_t size)
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(buf, size, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

/* What each area's placements look like. */
struct area_text {
	const char *area, *office, *title, *description, *qrsp;
	const char *more[2];	/* other titles, so a town's list is not repetitive */
};

static const struct area_text AREAS[] = {
	{ "registry", "Ufficio Anagrafe e Stato civile", "Supporto ai servizi demografici",
	  "Accoglienza del pubblico allo sportello, gestione delle pratiche di residenza e "
	  "certificazione, archiviazione digitale degli atti di stato civile.",
	  "Operatore dei servizi anagrafici e di stato civile",
	  { "Sportello al cittadino: carta d'identità e certificati", "Digitalizzazione degli atti di stato civile" } },
	{ "library", "Biblioteca civica", "Assistente di biblioteca",
	  "Prestito e restituzione, riordino degli scaffali, catalogazione di base, supporto "
	  "alle attività di promozione della lettura per bambini e ragazzi.",
	  "Addetto ai servizi di biblioteca",
	  { "Promozione della lettura per ragazzi", "Catalogazione e archivio storico" } },
	{ "social", "Servizi sociali", "Supporto ai servizi alla persona",
	  "Accoglienza e orientamento dei cittadini, aggiornamento delle banche dati dei "
	  "servizi, supporto agli operatori nei progetti per anziani e famiglie.",
	  "Operatore dei servizi sociali",
	  { "Sportello anziani e famiglie", "Accoglienza allo sportello sociale" } },
	{ "technical", "Ufficio tecnico", "Supporto all'ufficio tecnico comunale",
	  "Archiviazione delle pratiche edilizie, aggiornamento della cartografia, supporto "
	  "ai sopralluoghi e alla manutenzione del patrimonio comunale.",
	  "Tecnico di supporto alla gestione del territorio",
	  { "Archivio delle pratiche edilizie", "Cartografia e manutenzioni" } },
	{ "culture", "Ufficio Cultura ed eventi", "Organizzazione di eventi culturali",
	  "Supporto alla programmazione di mostre, rassegne e feste cittadine, comunicazione "
	  "sui canali del Comune, accoglienza del pubblico durante gli eventi.",
	  "Operatore della promozione culturale",
	  { "Mostre e rassegne in città", "Comunicazione degli eventi sul web" } },
	{ "education", "Servizi scolastici", "Supporto ai servizi educativi",
	  "Iscrizioni ai servizi di mensa e trasporto scolastico, rapporti con le famiglie, "
	  "supporto ai centri estivi e alle attività di doposcuola.",
	  "Operatore dei servizi educativi",
	  { "Centri estivi e doposcuola", "Iscrizioni a mensa e trasporto scolastico" } },
	{ "environment", "Ufficio Ambiente e verde pubblico", "Cura dell'ambiente e del verde",
	  "Monitoraggio del verde pubblico, campagne sulla raccolta differenziata, supporto "
	  "ai progetti di educazione ambientale nelle scuole.",
	  "Operatore per la tutela ambientale",
	  { "Raccolta differenziata: informazione ai cittadini", "Orti urbani e verde di quartiere" } },
	{ "admin", "Segreteria generale e Protocollo", "Supporto alla segreteria e al protocollo",
	  "Protocollazione della corrispondenza in entrata e in uscita, gestione della posta "
	  "elettronica certificata, archivio e supporto agli uffici.",
	  "Operatore amministrativo segretariale",
	  { "Protocollo e posta certificata", "Archivio e gestione documentale" } },
	{ "tourism", "Ufficio Turismo e informazioni (IAT)", "Accoglienza turistica",
	  "Informazioni a visitatori e cittadini, aggiornamento del sito e dei materiali "
	  "informativi, supporto alle visite guidate e alle manifestazioni.",
	  "Addetto all'accoglienza e all'informazione turistica",
	  { "Visite guidate e informazioni ai visitatori", "Materiali informativi e sito turistico" } },
	{ "sport", "Ufficio Sport e politiche giovanili", "Supporto a sport e giovani",
	  "Gestione delle prenotazioni degli impianti sportivi, supporto allo sportello "
	  "Informagiovani e ai progetti di partecipazione giovanile.",
	  "Operatore dei servizi per lo sport e il tempo libero",
	  { "Sportello Informagiovani", "Impianti sportivi: prenotazioni e accoglienza" } },
};

static const char *const STREETS[] = {
	"Piazza del Municipio", "Via Roma", "Piazza Vittorio Emanuele II", "Via Garibaldi",
	"Via Giuseppe Mazzini", "Piazza della Libertà", "Via Dante Alighieri", "Via Cavour",
	"Piazza Giacomo Matteotti", "Via XX Settembre", "Via Alessandro Manzoni", "Piazza Italia",
};

static const char *const GIVEN_F[] = { "Giulia", "Sofia", "Aurora", "Alice", "Martina", "Chiara",
	"Francesca", "Sara", "Elena", "Anna", "Giorgia", "Valentina", "Federica", "Noemi" };
static const char *const GIVEN_M[] = { "Francesco", "Alessandro", "Lorenzo", "Mattia", "Andrea",
	"Matteo", "Luca", "Marco", "Davide", "Simone", "Riccardo", "Gabriele", "Tommaso", "Nicolò" };
static const char *const FAMILY[] = { "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi",
	"Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca",
	"Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti", "Brambilla", "Fumagalli" };

struct host {
	const struct comune *c;
	int kiosk;		/* index into kiosk numbers: K0001 = 1 */
	int64_t seq;		/* next per-kiosk sequence */
};

struct placement_row {
	int64_t call;		/* index into calls */
	int host;
	int seats;
	int selected;
	char code[32];
};

struct call_row {
	int64_t id;
	int64_t opens, deadline;	/* day numbers */
	int open;
	double weight;
	size_t first, n;	/* placements [first, first+n) */
	double *cum;		/* cumulative placement weights */
	double p_select;
};

enum { NCALLS = 4 };


static int is_lombard(const struct comune *c)
{
	return !strcmp(c->region, "Lombardia");
}

/* Host comuni: every Lombard capoluogo-sized town (over 30,000 people)
 * and a deterministic draw of the rest, up to `want`. */
static size_t pick_hosts(struct rng *r, int want, struct host **out)
{
	size_t n = comuni_count(), k = 0;
	struct host *h = calloc((size_t)want, sizeof(*h));
	for (size_t i = 0; i < n && k < (size_t)want; i++) {
		const struct comune *c = comuni_at(i);
		if (is_lombard(c) && c->population >= 30000)
			h[k++].c = c;
	}
	size_t lomb = 0;
	for (size_t i = 0; i < n; i++)
		lomb += is_lombard(comuni_at(i)) && comuni_at(i)->population < 30000;
	size_t need = (size_t)want - k, seen = 0;
	for (size_t i = 0; i < n && k < (size_t)want; i++) {
		const struct comune *c = comuni_at(i);
		if (!is_lombard(c) || c->population >= 30000)
			continue;
		/* Selection sampling (Knuth's algorithm S): exact count, in ISTAT order. */
		if (rng_below(r, (uint32_t)(lomb - seen)) < need) {
			h[k++].c = c;
			need--;
		}
		seen++;
	}
	for (size_t i = 0; i < k; i++)
		h[i].kiosk = (int)i + 1;
	*out = h;
	return k;
}

static int placements_for(const struct comune *c)
{
	if (c->population > 1000000)
		return 30;
	int n = 1 + (int)lround(log2(c->population / 4000.0 + 1.0));
	return n < 1 ? 1 : n > 8 ? 8 : n;
}

static int insert_call(sqlite3 *db, int64_t id, const char *code, const char *title,
		       const char *opens, const char *deadline, const char *status)
{
	static const char RULES[] =
		"{\"min_age\":16,\"statuses\":[\"unemployed\",\"never_employed\",\"student\",\"neet\"],"
		"\"neet_max_age\":29,\"student_min_age\":16,\"residence_region\":\"Lombardia\","
		"\"no_other_placement\":true}";
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO call(id, code, title, region, opens, deadline,"
				      " rules, status) VALUES (?1, ?2, ?3, 'Lombardia', ?4, ?5, ?6, ?7)");
	int rc = -1;
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, opens, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, deadline, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, RULES, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, status, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	else
		error("cannot insert call: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

/* Applicant status and education drawn from the person's age. */
static const char *draw_status(struct rng *r, int age)
{
	uint32_t x = rng_below(r, 100);
	if (age <= 18)
		return x < 55 ? "student" : x < 90 ? "neet" : "never_employed";
	if (age <= 29)
		return x < 35 ? "neet" : x < 55 ? "student" : x < 80 ? "unemployed" : "never_employed";
	return x < 78 ? "unemployed" : "never_employed";
}

static const char *draw_education(struct rng *r, int age)
{
	uint32_t x = rng_below(r, 100);
	if (age <= 18)
		return x < 70 ? "lower_secondary" : x < 90 ? "vocational" : "upper_secondary";
	if (age <= 24)
		return x < 20 ? "lower_secondary" : x < 35 ? "vocational" : x < 80 ? "upper_secondary" :
		       x < 95 ? "bachelor" : "master";
	if (age <= 34)
		return x < 15 ? "lower_secondary" : x < 30 ? "vocational" : x < 60 ? "upper_secondary" :
		       x < 80 ? "bachelor" : x < 97 ? "master" : "doctorate";
	return x < 5 ? "primary" : x < 40 ? "lower_secondary" : x < 55 ? "vocational" :
	       x < 85 ? "upper_secondary" : x < 93 ? "bachelor" : "master";
}

/* Age at application: many young people, a long tail of adults. */
static int draw_age(struct rng *r)
{
	uint32_t x = rng_below(r, 100);
	if (x < 8) return 16 + (int)rng_below(r, 2);
	if (x < 45) return 18 + (int)rng_below(r, 7);
	if (x < 65) return 25 + (int)rng_below(r, 5);
	if (x < 77) return 30 + (int)rng_below(r, 5);
	if (x < 92) return 35 + (int)rng_below(r, 15);
	return 50 + (int)rng_below(r, 15);
}

/* Per-province lists of comuni, for residences near the host. */
struct province_list {
	char code[3];
	const struct comune **c;
	size_t n;
};

static struct province_list *provinces_of(size_t *np)
{
	size_t n = comuni_count(), k = 0;
	struct province_list *p = calloc(200, sizeof(*p));
	for (size_t i = 0; i < n; i++) {
		const struct comune *c = comuni_at(i);
		size_t j;
		for (j = 0; j < k; j++)
			if (!strcmp(p[j].code, c->province))
				break;
		if (j == k) {
			if (k == 200)
				continue;
			str_copy(p[k].code, sizeof(p[k].code), c->province);
			p[k].c = calloc(n, sizeof(*p[k].c));
			k++;
		}
		p[j].c[p[j].n++] = c;
	}
	*np = k;
	return p;
}

static const struct province_list *province_find(const struct province_list *p, size_t n,
						 const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(p[i].code, code))
			return &p[i];
	return NULL;
}

/* Drops the application table's secondary indexes for a bulk load and
 * hands back the SQL that creates them again (as core/schema.c made
 * them), so the two never drift apart. *sql is sqlite3_free()'d. */
static int drop_application_indexes(sqlite3 *db, char **sql)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
				      " AND tbl_name = 'application' AND sql IS NOT NULL");
	char *drop = NULL;
	int rc = -1;
	if (!st)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *d = sqlite3_mprintf("%z DROP INDEX \"%w\";", drop, sqlite3_column_text(st, 0));
		char *c = sqlite3_mprintf("%z %s;", *sql, sqlite3_column_text(st, 1));
		if (!d || !c) {
			sqlite3_free(d);
			sqlite3_free(c);
			*sql = drop = NULL;
			goto out;
		}
		drop = d;
		*sql = c;
	}
	rc = drop ? db_exec(db, drop) : 0;
out:
	sqlite3_finalize(st);
	sqlite3_free(drop);
	return rc;
}

/* The network being generated: what each step leaves for the next. */
struct world {
	struct rng r;
	int64_t today;			/* day number of "today" */
	struct host *hosts;
	size_t nhosts;
	struct call_row calls[NCALLS];
	struct placement_row *pl;
	size_t npl, cap;
	struct province_list *provs;	/* residences near a host */
	size_t nprovs;
	const struct comune **lombardy;	/* residences anywhere in the region */
	size_t nlomb;
	struct demo_stats s;
};

/* Calls: three past ones, eight months apart, and the open one. */
static int seed_calls(sqlite3 *db, struct world *w)
{
	char a[32], b[32];
	for (int i = 0; i < NCALLS; i++) {
		struct call_row *c = &w->calls[i];
		char code[16], title[160];
		int y, m, d;
		c->id = i + 1;
		c->opens = w->today - (int64_t)(NCALLS - 1 - i) * 240 - 30;
		c->deadline = c->opens + 75;
		c->open = i == NCALLS - 1;
		c->weight = c->open ? 0.12 : 0.29;
		civil_from_days(c->opens, &y, &m, &d);
		snprintf(code, sizeof(code), "%d/%d", 3 + i, y % 10000);
		snprintf(title, sizeof(title), "Avviso n. %s - DoteComune: tirocini extracurricolari "
			 "presso i Comuni", code);
		day_str(c->opens, a, sizeof(a));
		day_str(c->deadline, b, sizeof(b));
		if (insert_call(db, c->id, code, title, a, b, c->open ? "open" : "closed"))
			return -1;
		w->s.calls++;
	}
	return 0;
}

/* One placement, number k of host h in call ci, drawn and inserted
 * through st; area_seen counts the host's placements per area. */
static int seed_placement(sqlite3 *db, sqlite3_stmt *st, struct world *w, int ci, size_t h,
			  int k, int *area_seen)
{
	struct call_row *c = &w->calls[ci];
	const struct area_text *at = &AREAS[rng_below(&w->r, ARRAY_SIZE(AREAS))];
	static const int months[] = { 3, 6, 6, 6, 6, 9, 9, 12, 12, 12 };
	static const int hours[] = { 20, 20, 20, 20, 20, 20, 15, 25 };
	static const int allowance[] = { 400, 450, 500 };
	char addr[96], req[256], deadline[11];
	int seats = rng_below(&w->r, 10) < 6 ? 1 : rng_below(&w->r, 4) < 3 ? 2 : 3;
	if (w->npl == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 4096;
		w->pl = realloc(w->pl, w->cap * sizeof(*w->pl));
	}
	struct placement_row *p = &w->pl[w->npl++];
	p->call = ci;
	p->host = (int)h;
	p->seats = seats;
	p->selected = 0;
	snprintf(p->code, sizeof(p->code), "DC%02d-%s-%03d", 3 + ci, w->hosts[h].c->istat, k + 1);
	snprintf(addr, sizeof(addr), "%s %u, %s", STREETS[rng_below(&w->r, ARRAY_SIZE(STREETS))],
		 1 + rng_below(&w->r, 40), w->hosts[h].c->name);
	snprintf(req, sizeof(req), "Età minima 16 anni; residenza in Lombardia; "
		 "disponibilità per %d ore settimanali, dal lunedì al venerdì.",
		 hours[k % ARRAY_SIZE(hours)]);
	day_str(c->deadline, deadline, sizeof(deadline));
	sqlite3_bind_text(st, 1, p->code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, c->id);
	sqlite3_bind_text(st, 3, w->hosts[h].c->istat, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, at->area, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, at->office, -1, SQLITE_STATIC);
	/* The first placement of an area in a town keeps the
	 * area's main title; later ones get the variants. */
	int *nth = &area_seen[at - AREAS];
	sqlite3_bind_text(st, 6, *nth == 0 ? at->title : at->more[(*nth - 1) % 2], -1,
			  SQLITE_STATIC);
	(*nth)++;
	sqlite3_bind_text(st, 7, at->description, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, req, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, addr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 10, months[rng_below(&w->r, ARRAY_SIZE(months))]);
	sqlite3_bind_int(st, 11, hours[k % ARRAY_SIZE(hours)]);
	sqlite3_bind_int(st, 12, allowance[rng_below(&w->r, ARRAY_SIZE(allowance))]);
	sqlite3_bind_text(st, 13, at->qrsp, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 14, seats);
	sqlite3_bind_text(st, 15, deadline, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 16, c->open ? "open" : "closed", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return error("cannot insert placement: %s", sqlite3_errmsg(db));
	sqlite3_reset(st);
	w->s.placements++;
	return 0;
}

/* Placements: every host offers a few in every call. */
static int seed_placements(sqlite3 *db, struct world *w)
{
	int rc = -1;
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO placement(code, call_id, comune, area, office, title,"
			" description, requirements, address, months, hours_week, allowance_eur, qrsp,"
			" seats, deadline, status) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)");
	if (!st)
		return -1;
	for (int ci = 0; ci < NCALLS; ci++) {
		struct call_row *c = &w->calls[ci];
		c->first = w->npl;
		for (size_t h = 0; h < w->nhosts; h++) {
			int n = placements_for(w->hosts[h].c);
			int area_seen[ARRAY_SIZE(AREAS)] = { 0 };
			for (int k = 0; k < n; k++)
				if (seed_placement(db, st, w, ci, h, k, area_seen))
					goto out;
		}
		c->n = w->npl - c->first;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* One kiosk per host comune. */
static int seed_kiosks(sqlite3 *db, struct world *w)
{
	char a[32];
	int rc = -1;
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO kiosk(id, comune, name, status, enrolled_at)"
			" VALUES (?1, ?2, ?3, 'active', ?4)");
	if (!st)
		return -1;
	for (size_t h = 0; h < w->nhosts; h++) {
		char id[16], name[128];
		snprintf(id, sizeof(id), "K%04d", w->hosts[h].kiosk % 10000);
		snprintf(name, sizeof(name), "Municipio di %s", w->hosts[h].c->name);
		day_str(w->calls[0].opens - 30, a, sizeof(a));
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, w->hosts[h].c->istat, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, a, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE) {
			error("cannot insert kiosk: %s", sqlite3_errmsg(db));
			goto out;
		}
		sqlite3_reset(st);
		w->s.kiosks++;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Placement weights: bigger comuni draw more applicants per placement;
 * each call's chance of selection fits its seats to its applications. */
static void weigh_placements(struct world *w, int64_t applications)
{
	for (int ci = 0; ci < NCALLS; ci++) {
		struct call_row *c = &w->calls[ci];
		double acc = 0, seats = 0;
		c->cum = malloc(c->n * sizeof(double));
		for (size_t i = 0; i < c->n; i++) {
			struct placement_row *p = &w->pl[c->first + i];
			double pop = w->hosts[p->host].c->population;
			acc += pow(pop, 0.6) / placements_for(w->hosts[p->host].c) * (0.6 + 0.4 * p->seats);
			c->cum[i] = acc;
			seats += p->seats;
		}
		double expected = (double)applications * c->weight;
		c->p_select = expected > 0 ? fmin(0.9, 1.6 * seats / expected) : 0;
	}
}

/* Residence: mostly the host comune, then its province, then Lombardy. */
static const char *draw_residence(struct world *w, const struct host *h)
{
	uint32_t rx = rng_below(&w->r, 100);
	const struct province_list *pv = province_find(w->provs, w->nprovs, h->c->province);
	if (rx < 60 || !pv)
		return h->c->istat;
	if (rx < 90)
		return pv->c[rng_below(&w->r, (uint32_t)pv->n)]->istat;
	return w->lombardy[rng_below(&w->r, (uint32_t)w->nlomb)]->istat;
}

/* Outcome: the open call is being reviewed; past calls are decided.
 * Writes the day of the last change into status_at (>= 24 bytes), or
 * "" for an application still "received". */
static const char *draw_outcome(struct world *w, struct call_row *c, struct placement_row *p,
				char *status_at, size_t size)
{
	const char *status;
	status_at[0] = '\0';
	if (c->open) {
		status = rng_below(&w->r, 100) < 75 ? "received" : "interview";
	} else if (p->selected < p->seats && rng_unit(&w->r) < c->p_select) {
		p->selected++;
		uint32_t o = rng_below(&w->r, 100);
		int decided_long_ago = w->today - c->deadline > 200;
		status = o < 8 ? "selected" : o < 15 ? "withdrawn" :
			 !decided_long_ago ? "started" : o < 78 ? "completed" : "dropped_out";
	} else {
		status = rng_below(&w->r, 100) < 90 ? "not_selected" : "withdrawn";
	}
	if (strcmp(status, "received")) {
		int yy, mm, dd;
		civil_from_days(c->open ? w->today - rng_below(&w->r, 5) : c->deadline + 10 + rng_below(&w->r, 35),
				&yy, &mm, &dd);
		snprintf(status_at, size, "%04u-%02u-%02uT10:00:00Z",
			 (unsigned)yy % 10000u, (unsigned)mm % 100u, (unsigned)dd % 100u);
	}
	return status;
}

/* Personal data (parameters 9 to 13 and 17) only for the open call:
 * closed calls' applications are kept pseudonymised (cf_hash) once the
 * call is decided. The strings bound are copied (SQLITE_TRANSIENT) or
 * static. */
static void bind_person(sqlite3_stmt *st, const struct call_row *c, const struct host *h,
			uint64_t person, char sex, const char *birth, const char *residence)
{
	if (c->open) {
		const char *given = sex == 'F' ? GIVEN_F[person % ARRAY_SIZE(GIVEN_F)] :
				 GIVEN_M[person % ARRAY_SIZE(GIVEN_M)];
		const char *family = FAMILY[(person / 31) % ARRAY_SIZE(FAMILY)];
		const struct comune *bp = comune_by_istat(residence);
		char phone[24], email[96], cf[17];
		cf_compute(family, given, sex, birth, bp ? bp->belfiore : h->c->belfiore, cf,
			   sizeof(cf));
		snprintf(phone, sizeof(phone), "3%02u %07u", 20 + (unsigned)(person % 80),
			 (unsigned)(mix(person) % 10000000));
		snprintf(email, sizeof(email), "%c.%s%u@example.it", given[0] | 0x20,
			 family, (unsigned)(person % 1000));
		for (char *q = email; *q; q++)
			*q = (char)(*q == ' ' ? '.' : (*q >= 'A' && *q <= 'Z') ? *q | 0x20 : *q);
		sqlite3_bind_text(st, 9, cf, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 10, given, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 11, family, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 12, phone, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 13, email, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 17, bp ? bp->belfiore : h->c->belfiore, -1, SQLITE_STATIC);
	} else {
		for (int k = 9; k <= 13; k++)
			sqlite3_bind_null(st, k);
		sqlite3_bind_null(st, 17);
	}
}

/* One past application, drawn and inserted through st; wcum holds the
 * calls' cumulative weights, people the number of distinct persons. */
static int seed_application(sqlite3 *db, sqlite3_stmt *st, struct world *w, const double *wcum,
			    int64_t people)
{
	int ci = (int)pick_cum(&w->r, wcum, NCALLS);
	struct call_row *c = &w->calls[ci];
	struct placement_row *p = &w->pl[c->first + pick_cum(&w->r, c->cum, c->n)];
	struct host *h = &w->hosts[p->host];
	int64_t last_day = c->open ? w->today : c->deadline;
	int64_t day = c->opens + rng_below(&w->r, (uint32_t)(last_day - c->opens + 1));
	int age = draw_age(&w->r), y, m, d, hh = 8 + (int)rng_below(&w->r, 11);
	int mi = (int)rng_below(&w->r, 60), se = (int)rng_below(&w->r, 60);
	char sex = rng_below(&w->r, 100) < 52 ? 'F' : 'M';
	const char *status, *residence;
	char uuid[40], protocol[64], kid[16], hash[65], birth[11], submitted[24];
	char status_at[24];
	uint64_t person = rng_next(&w->r) % (uint64_t)(people + 1);
	int64_t birth_day = day - (int64_t)age * 365 - 183 - rng_below(&w->r, 180);

	civil_from_days(day, &y, &m, &d);
	snprintf(submitted, sizeof(submitted), "%04u-%02u-%02uT%02u:%02u:%02uZ",
		 (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u,
		 (unsigned)hh % 100u, (unsigned)mi % 100u, (unsigned)se % 100u);
	uint64_t ms = (uint64_t)((day * 86400 + hh * 3600 + mi * 60 + se)) * 1000;
	uint64_t r1 = rng_next(&w->r), r2 = rng_next(&w->r);
	snprintf(uuid, sizeof(uuid), "%08x-%04x-7%03x-%04x-%012llx",
		 (unsigned)(ms >> 16), (unsigned)(ms & 0xffff), (unsigned)(r1 & 0xfff),
		 (unsigned)(0x8000 | ((r1 >> 12) & 0x3fff)),
		 (unsigned long long)(r2 & 0xffffffffffffULL));
	snprintf(kid, sizeof(kid), "K%04d", h->kiosk % 10000);
	snprintf(protocol, sizeof(protocol), "DC-%s-%s-%04u-%06lld", h->c->istat, kid,
		 (unsigned)y % 10000u, (long long)(++h->seq % 1000000));
	uint64_t ph = mix((uint64_t)c->id * 0x100000001b3ULL ^ person);
	snprintf(hash, sizeof(hash), "%016llx%016llx%016llx%016llx",
		 (unsigned long long)ph, (unsigned long long)mix(ph + 1),
		 (unsigned long long)mix(ph + 2), (unsigned long long)mix(ph + 3));
	day_str(birth_day, birth, sizeof(birth));
	{
		char on[11];
		day_str(day, on, sizeof(on));
		age = age_on(birth, on);
	}
	residence = draw_residence(w, h);
	status = draw_outcome(w, c, p, status_at, sizeof(status_at));

	sqlite3_bind_text(st, 1, uuid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, protocol, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, kid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, h->seq);
	sqlite3_bind_int64(st, 5, c->id);
	sqlite3_bind_text(st, 6, p->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, h->c->istat, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, hash, -1, SQLITE_TRANSIENT);
	bind_person(st, c, h, person, sex, birth, residence);
	sqlite3_bind_text(st, 14, sex == 'F' ? "F" : "M", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 15, birth, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 16, age);
	sqlite3_bind_text(st, 18, residence, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 19, draw_status(&w->r, age), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 20, draw_education(&w->r, age), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 21, rng_below(&w->r, 100) < 93 ? "it" : "en", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 22, submitted, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 23, status, -1, SQLITE_STATIC);
	if (status_at[0])
		sqlite3_bind_text(st, 24, status_at, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 24);
	if (sqlite3_step(st) != SQLITE_DONE)
		return error("cannot insert application: %s", sqlite3_errmsg(db));
	sqlite3_reset(st);
	w->s.applications++;
	return 0;
}

/* The past applications, streamed through one prepared statement. */
static int seed_applications(sqlite3 *db, struct world *w, int64_t applications)
{
	double wcum[NCALLS], acc = 0;
	int rc = -1;
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id,"
			" placement_code, comune, cf_hash, cf, given_name, family_name, phone, email, sex,"
			" birth_date, age, birthplace, residence, applicant_status, education, lang,"
			" submitted_at, status, status_at, received_at)"
			" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,"
			"?21,?22,?23,?24,?22)");
	if (!st)
		return -1;
	for (int i = 0; i < NCALLS; i++)
		wcum[i] = acc += w->calls[i].weight;
	for (int64_t n = 0; n < applications; n++)
		if (seed_application(db, st, w, wcum, applications))
			goto out;
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* What each placement shows as "applied so far", and the anonymous
 * funnel counts derived from the submissions of each kiosk and day:
 * sessions > placements viewed > forms started > submitted. Counted over
 * the generated rows (rowid <= base) with the copies of each
 * (copy_applications: every row full more times, the first rest rows
 * once more), which share its placement, kiosk and day: the same
 * figures as a count of every row, without reading the copies. */
static int seed_usage(sqlite3 *db, struct world *w, int64_t base, int64_t full, int64_t rest)
{
	char weight[96], *sql = NULL;
	int rc = -1;

	snprintf(weight, sizeof(weight), "SUM(%lld + (a.rowid <= %lld))", (long long)(1 + full), (long long)rest);
	sql = sqlite3_mprintf(
		"UPDATE placement SET applied = (SELECT COALESCE(%s, 0) FROM application a"
		" WHERE a.placement_code = placement.code AND a.rowid <= %lld);"
		"INSERT INTO usage_count(day, kiosk_id, comune, event, n)"
		" SELECT substr(a.submitted_at, 1, 10), a.kiosk_id, a.comune, 'submit', %s"
		" FROM application a WHERE a.rowid <= %lld GROUP BY 1, 2, 3;"
		"INSERT INTO usage_count(day, kiosk_id, comune, event, n)"
		" SELECT day, kiosk_id, comune, 'form', n + (n * 7 + length(kiosk_id)) %% 5 + n / 3"
		" FROM usage_count WHERE event = 'submit';"
		"INSERT INTO usage_count(day, kiosk_id, comune, event, n)"
		" SELECT day, kiosk_id, comune, 'view', n * 3 + (n * 5) %% 7 + 1"
		" FROM usage_count WHERE event = 'form';"
		"INSERT INTO usage_count(day, kiosk_id, comune, event, n)"
		" SELECT day, kiosk_id, comune, 'session', n + n / 2 + (n * 3) %% 4 + 1"
		" FROM usage_count WHERE event = 'view';", weight, (long long)base, weight, (long long)base);
	if (!sql || db_exec(db, sql))
		goto out;
	w->s.usage_rows = db_int(db, "SELECT count(*) FROM usage_count", NULL, 0);
	rc = 0;
out:
	sqlite3_free(sql);
	return rc;
}

/*
 * Above DEMO_BASE applications (a benchmark's 10 million), only
 * DEMO_BASE are drawn one by one; the others are copies of them made by
 * one INSERT ... SELECT each, a few microseconds a row instead of tens:
 * copy j of a row keeps its call, placement, comune, kiosk, day and
 * residence, takes the age, birth date, applicant status and education
 * of another row (so the attribute mixes of a cell are not the drawn
 * ones multiplied), and gets its own uuid (so its own record key),
 * kiosk sequence number, protocol and pseudonym. A copy of a selected
 * (or started, completed, dropped-out) application is not selected: the
 * seats were filled by the drawn ones, as they are when every row is
 * drawn (selections are bounded by the seats). full copies of every
 * row, then the first rest rows once more. demo_options.drawn sets
 * the drawn rows' number (tests: a small copied network).
 */
enum { DEMO_BASE = 1000000, DEMO_COPY_ABOVE = 2000000 };

static int copy_applications(sqlite3 *db, struct world *w, int64_t base, int64_t full, int64_t rest)
{
	static const char sql[] =
		"INSERT INTO application(uuid, protocol, kiosk_id, seq, call_id, placement_code, comune, cf_hash, cf,"
		" given_name, family_name, phone, email, sex, birth_date, age, birthplace, residence, applicant_status,"
		" education, lang, submitted_at, status, status_at, received_at)"
		" SELECT substr(a.uuid, 1, 24) || printf('%03x%09x', ?1, a.rowid),"
		" printf('DC-%s-%s-%s-%07d', a.comune, a.kiosk_id, substr(a.submitted_at, 1, 4), a.seq + ?1 * 1000000),"
		" a.kiosk_id, a.seq + ?1 * 1000000, a.call_id, a.placement_code, a.comune,"
		" substr(a.cf_hash, 1, 60) || printf('%04x', ?1), a.cf, a.given_name, a.family_name, a.phone, a.email,"
		" a.sex, b.birth_date, b.age, a.birthplace, a.residence, b.applicant_status, b.education, a.lang,"
		" a.submitted_at, CASE WHEN a.status IN ('selected', 'started', 'completed', 'dropped_out')"
		" THEN 'not_selected' ELSE a.status END, a.status_at, a.submitted_at"
		" FROM application a JOIN application b ON b.rowid = (a.rowid * 7 + ?1 * 104729) % ?2 + 1"
		" WHERE a.rowid <= ?3";
	sqlite3_stmt *st = db_prepare(db, sql);
	int rc = -1;

	if (!st)
		return -1;
	for (int64_t j = 1; j <= full + (rest > 0); j++) {
		sqlite3_bind_int64(st, 1, j);
		sqlite3_bind_int64(st, 2, base);
		sqlite3_bind_int64(st, 3, j <= full ? base : rest);
		if (sqlite3_step(st) != SQLITE_DONE) {
			error("cannot copy the applications: %s", sqlite3_errmsg(db));
			goto out;
		}
		w->s.applications += sqlite3_changes(db);
		sqlite3_reset(st);
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Loads the comuni and picks the hosts and the residences they draw from. */
static int world_init(sqlite3 *db, struct world *w, const struct demo_options *opt)
{
	char today_buf[11];
	int ty, tm, td;

	w->r.s = opt->seed ? opt->seed : 1;
	if (opt->today)
		str_copy(today_buf, sizeof(today_buf), opt->today);
	else
		time_date(now_wall(), today_buf, sizeof(today_buf));
	if (date_parse(today_buf, &ty, &tm, &td))
		return error("bad date '%s' (want YYYY-MM-DD)", today_buf);
	w->today = days_from_civil(ty, tm, td);
	if (db_int(db, "SELECT count(*) FROM call", NULL, 0) > 0)
		return error("the database already has calls; demo data goes into a new database");
	if (comuni_load_db(db))
		return -1;

	w->nhosts = pick_hosts(&w->r, opt->hosts > 0 ? opt->hosts : 650, &w->hosts);
	w->provs = provinces_of(&w->nprovs);
	w->lombardy = calloc(comuni_count(), sizeof(*w->lombardy));
	for (size_t i = 0; i < comuni_count(); i++)
		if (is_lombard(comuni_at(i)))
			w->lombardy[w->nlomb++] = comuni_at(i);
	return 0;
}

static void world_release(struct world *w)
{
	for (int i = 0; i < NCALLS; i++)
		free(w->calls[i].cum);
	for (size_t i = 0; i < w->nprovs; i++)
		free(w->provs[i].c);
	free(w->provs);
	free(w->lombardy);
	free(w->hosts);
	free(w->pl);
}

int demo_seed(sqlite3 *db, const struct demo_options *opt, struct demo_stats *stats)
{
	struct world w;
	int rc = -1, bulk = 0, bulk_indexed = 0;
	char *indexes = NULL;	/* the application indexes' SQL, while dropped */
	/* Drawn one by one, then copies of them (copy_applications). */
	int64_t base = opt->drawn > 0 && opt->drawn < opt->applications ? opt->drawn
		       : opt->applications > DEMO_COPY_ABOVE ? DEMO_BASE : opt->applications;
	int64_t full = base ? (opt->applications - base) / base : 0, rest = base ? (opt->applications - base) % base : 0;

	memset(&w, 0, sizeof(w));
	if (world_init(db, &w, opt)) {
		world_release(&w);
		return -1;
	}

	/* A new database is filled in bulk: no rollback journal, a large page
	 * cache, and the secondary indexes built once at the end (sorting is
	 * much faster than millions of random B-tree inserts). */
	if (!opt->catalog_only && opt->applications > 100000) {
		db_exec(db, "PRAGMA journal_mode=OFF");
		/* The uuid and protocol indexes take the copies in random
		 * order: at 10 million they need about 1.5 GB in the cache. */
		db_exec(db, base < opt->applications ? "PRAGMA cache_size=-3000000" : "PRAGMA cache_size=-1000000");
		bulk = 1;
		if (drop_application_indexes(db, &indexes))
			goto out;
	}
	db_exec(db, "PRAGMA synchronous=OFF");
	if (db_begin(db))
		goto out;

	if (seed_calls(db, &w) || seed_placements(db, &w))
		goto out;
	if (opt->catalog_only)
		goto done;
	if (seed_kiosks(db, &w))
		goto out;
	weigh_placements(&w, base);
	if (seed_applications(db, &w, base))
		goto out;
	if (full + rest > 0 && copy_applications(db, &w, base, full, rest))
		goto out;
	if (bulk && indexes && db_exec(db, indexes))
		goto out;
	bulk_indexed = 1;
	if (seed_usage(db, &w, base, full, rest))
		goto out;

done:
	if (bulk && !bulk_indexed && indexes && db_exec(db, indexes))
		goto out;
	if (db_commit(db))
		goto out;
	if (stats)
		*stats = w.s;
	rc = 0;
out:
	if (rc)
		db_rollback(db);
	db_exec(db, "PRAGMA synchronous=FULL");
	if (bulk) {
		db_exec(db, "PRAGMA journal_mode=WAL");
		db_exec(db, "PRAGMA cache_size=-2000");
	}
	sqlite3_free(indexes);
	world_release(&w);
	return rc;
}

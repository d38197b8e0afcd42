/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The comuni table: complete, real codes, lookups both ways, names with
 * accents, foreign countries, and loading into SQLite.
 */
#include "core/comuni.h"
#include "core/db.h"
#include "check.h"

#include <string.h>

int main(void)
{
	const struct comune *c;
	const struct belfiore *b;
	sqlite3 *db;

	CHECK("about 7,900 comuni", comuni_count() > 7800 && comuni_count() < 8100);
	c = comune_by_istat("015146");
	CHECK("Milano by ISTAT", c && !strcmp(c->name, "Milano") && !strcmp(c->belfiore, "F205") &&
				  !strcmp(c->province, "MI") && !strcmp(c->region, "Lombardia") &&
				  c->population > 1000000);
	c = comune_by_belfiore("H501");
	CHECK("Roma by cadastral code", c && !strcmp(c->name, "Roma") && !strcmp(c->istat, "058091"));
	c = comune_by_name("citta di castello");
	CHECK("accent-insensitive name lookup", c && !strcmp(c->name, "Città di Castello"));
	c = comune_by_name("L'AQUILA");
	CHECK("apostrophe and case in names", c && !strcmp(c->province, "AQ"));
	CHECK("unknown ISTAT code", comune_by_istat("999999") == NULL);
	CHECK("NULL lookups", comune_by_istat(NULL) == NULL && belfiore_find(NULL) == NULL);
	b = belfiore_find("Z404");
	CHECK("USA is a foreign code", b && !strcmp(b->province, "EE"));
	b = belfiore_find("F205");
	CHECK("Milano's code is current", b && b->active == 1);
	int lomb = 0, sorted = 1;
	for (size_t i = 0; i < comuni_count(); i++) {
		lomb += !strcmp(comuni_at(i)->region, "Lombardia");
		if (i && strcmp(comuni_at(i - 1)->istat, comuni_at(i)->istat) >= 0)
			sorted = 0;
	}
	CHECK("Lombardy has about 1,500 comuni", lomb > 1450 && lomb < 1550);
	CHECK("table sorted by ISTAT code", sorted);
	int every = 1;
	for (size_t i = 0; i < comuni_count(); i++) {
		c = comuni_at(i);
		if (strlen(c->istat) != 6 || strlen(c->belfiore) != 4 || !belfiore_find(c->belfiore) ||
		    comune_by_belfiore(c->belfiore) == NULL)
			every = 0;
	}
	CHECK("every comune has a known cadastral code", every);

	db = db_open(":memory:", DB_SYNC_NORMAL);
	CHECK("open database", db != NULL);
	CHECK("load comuni", comuni_load_db(db) == 0);
	CHECK_INT("all comuni in SQLite", db_int(db, "SELECT count(*) FROM comune", NULL, 0), (long long)comuni_count());
	CHECK("load again is idempotent", comuni_load_db(db) == 0 &&
		  db_int(db, "SELECT count(*) FROM comune", NULL, 0) == (int64_t)comuni_count());
	CHECK_INT("Lombard provinces", db_int(db, "SELECT count(DISTINCT province) FROM comune WHERE region = 'Lombardia'", NULL, 0), 12);
	db_close(db);
	return check_done();
}

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The kiosk's view of its catalog cache (the placement, call and comune
 * tables that sync.c keeps up to date): search as you type through the
 * placement_fts table (accent-insensitive, prefix matching), filters,
 * paging for lists of thousands, one placement's detail with its call,
 * comune suggestions for the residence question, and the application
 * lookup for "check my application". Prepared statements only.
 */
#ifndef DOTE_KIOSK_CATALOG_H
#define DOTE_KIOSK_CATALOG_H
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct placement_card {
	char code[32];
	char title[160];
	char office[96];
	char area[20];
	char comune_name[64];
	int months, hours_week, allowance_eur, seats, applied;
	char deadline[11];
};

enum { CATALOG_PAGE = 60, CATALOG_MAX = 20000 };

struct catalog_list {
	struct placement_card *cards;	/* owned */
	int n, cap;
	int complete;			/* every match is loaded */
	int pass, pass_offset;		/* search: title matches, then the rest */
	int base;			/* matches before cards[0] (a page loaded apart: search.c) */
};

struct catalog_filter {
	const char *comune;		/* this kiosk's comune (ISTAT) */
	const char *comune_name;	/* its name, to narrow full-text scans */
	int province_wide;		/* also the other comuni of its province */
	const char *only_comune;	/* '' any */
	const char *query;		/* what the citizen typed */
	const char *area;		/* '' any */
	int months;			/* 0 any */
	const char *today;		/* 'YYYY-MM-DD': deadline not past */
	int64_t other_than_call;	/* 0 any; else not this call's (ineligible) */
};

struct placement_detail {
	struct placement_card card;
	char description[1024];
	char requirements[1024];
	char address[160];
	char qrsp[160];
	char comune[7];
	int64_t call_id;
	char call_code[32];
	char call_title[256];
	char call_deadline[11];
	char rules[2048];
};

/* Turns typed text into an FTS5 query: each word becomes a quoted
 * prefix term ("citta"*), everything but letters and digits dropped.
 * Returns the number of terms. */
int catalog_fts_query(const char *typed, char *buf, size_t size);
/* Loads the next page of matches into list (from list->n). Returns the
 * number added, or -1. */
int catalog_search(sqlite3 *db, const struct catalog_filter *f, struct catalog_list *list);
void catalog_list_clear(struct catalog_list *list);
void catalog_list_free(struct catalog_list *list);
/* Returns 0 (filled), 1 not found, -1 error. */
int catalog_placement(sqlite3 *db, const char *code, struct placement_detail *d);
/* Comuni of the province with open placements (for the filter), most first. */
int catalog_province_comuni(sqlite3 *db, const char *comune, const char *today, char istat[][7],
			    char names[][64], int max);
/* Comuni whose name starts with prefix (accent- and case-insensitive
 * as far as SQLite's LIKE goes), biggest first. */
int catalog_comune_suggest(sqlite3 *db, const char *prefix, char istat[][7], char names[][64],
			   char prov[][3], int max);
/* Check my application: by protocol and person hash. Fills status and
 * the placement title; returns 0 found, 1 not found, -1 error. */
int catalog_application_status(sqlite3 *db, const char *protocol, const char *cf,
			       char *status, size_t ssize, char *title, size_t tsize);
/* The protocol number of an application this kiosk holds by the person
 * with codice fiscale cf to call call_id (in the outbox or sent; found by
 * the person hash, so also after its personal data was deleted). Returns
 * 0 found, 1 none, -1 on error. */
int catalog_applied(sqlite3 *db, int64_t call_id, const char *cf, char *protocol, size_t size);
/* The interview's date ('YYYY-MM-DDTHH:MM') and place of an application
 * called for interview (as the hub's last heartbeat said): 0 found, 1
 * none, -1 error. */
int catalog_application_notice(sqlite3 *db, const char *protocol, char *at, size_t asize, char *place,
			       size_t psize);
/* What the hub's last heartbeat said of an application besides its
 * status (issue 18), as the JSON object sync.c stored: stage, label and
 * text (the receipt page's Italian), reason, note, position, seats,
 * score, office {name, phone, email, address}. 0 found (json may be ""
 * from an older hub), 1 none, -1 error. */
int catalog_application_detail(sqlite3 *db, const char *protocol, char *json, size_t size);
/* How many placements are open (the admin screen); 0 on error. */
int64_t catalog_open_placements(sqlite3 *db);
/* Adds one to today's anonymous usage count for event. */
int catalog_usage(sqlite3 *db, const char *day, const char *kiosk_id, const char *comune,
		  const char *event);
#endif

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * What the files of reports/store/ share and nobody outside them needs:
 * the ARGS() shorthand for a statement's text parameters, the schema
 * entry point store_open() calls, and small helpers (defined in
 * store.c). Include it only from the .c files of reports/store/.
 */
#ifndef DOTE_REPORTS_STORE_INTERNAL_H
#define DOTE_REPORTS_STORE_INTERNAL_H
#include <stddef.h>

struct store;

/* A struct store_args of text parameters ?1, ?2, ... (no hex blobs). */
#define ARGS(...) (&(struct store_args){ .v = { __VA_ARGS__ }, \
	.n = (int)(sizeof((const char *[]){ __VA_ARGS__ }) / sizeof(const char *)) })

/* Creates or upgrades every module's tables (store_schema.c): the hub's
 * own, the rollups, the statistics keys, selection, calls. store_open()
 * calls it once per connection. 0 or -1 after error(). */
int store_migrate(struct store *s);

/* SQLite, for store_ingest_group_deferred: on 1, commits on s stop
 * syncing the log (synchronous=NORMAL) once s has a descriptor of its
 * own on the log (opened the first time, its directory synced) for
 * store_sync; on 0, synchronous=FULL again. 0, or 1 when on could not
 * be done (commits stay durable), -1 on error. */
int store_sqlite_defer_sync(struct store *s, int on);

/* The hub's clock as an ISO instant 'YYYY-MM-DDTHH:MM:SSZ' into buf. */
void store_now_iso(char *buf, size_t size);
/* n bytes as 2n lower-case hex digits and a NUL into out. */
void store_hex(const unsigned char *b, size_t n, char *out);
/* 1 when s has no control characters, else 0. */
int store_is_printable(const char *s);
#endif

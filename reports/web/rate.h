/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Token buckets by exact key (a kiosk id, a coordinator's name, a client
 * address): the hub's request rate per kiosk and the dashboard's login
 * attempts per address. One bucket per key, never shared: a hash table
 * that grows (or, with max_keys, refuses a new key) instead of letting
 * two keys overwrite each other's bucket. A bucket that has filled up
 * again holds nothing a new bucket would not, so those are the ones
 * dropped when the table is full. Thread-safe; time is passed in, so
 * the logic is tested without waiting.
 */
#ifndef DOTE_REPORTS_RATE_H
#define DOTE_REPORTS_RATE_H
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

enum { RATE_KEY_MAX = 128 };	/* longer keys are compared on their first 127 bytes */

struct rate_bucket {
	char key[RATE_KEY_MAX];		/* '' marks a free slot */
	double tokens;
	int64_t at_ms;
};

struct rate_table {
	pthread_mutex_t lock;
	struct rate_bucket *slot;
	size_t size;			/* slots: 0 or a power of two */
	size_t n;			/* keys held */
	size_t max_keys;		/* 0: as many as come */
};

/* max_keys bounds the memory a table may take when its keys come from
 * strangers (addresses); 0 for keys that come from the database. */
void rate_table_init(struct rate_table *t, size_t max_keys);
void rate_table_release(struct rate_table *t);
/* Forgets every bucket (all keys start full again). */
void rate_table_clear(struct rate_table *t);
/* Takes one token from key's bucket, which holds at most burst tokens and
 * gains per_minute a minute. Returns 0 when allowed, else the seconds to
 * wait (also when the table is full of buckets in use, or out of memory). */
int rate_table_take(struct rate_table *t, const char *key, double per_minute, double burst, int64_t now_ms);
/* Gives back one token taken from key's bucket (a request that turned
 * out to cost nothing worth limiting), up to burst. */
void rate_table_give(struct rate_table *t, const char *key, double burst);
#endif

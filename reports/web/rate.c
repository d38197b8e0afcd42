/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Token buckets by exact key (see rate.h): open addressing with linear
 * probing over a power-of-two table kept at most 3/4 full. Start
 * reading at rate_table_take().
 */
#include "reports/web/rate.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

enum { RATE_MIN_SLOTS = 64 };

void rate_table_init(struct rate_table *t, size_t max_keys)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	t->max_keys = max_keys;
}

void rate_table_release(struct rate_table *t)
{
	free(t->slot);
	t->slot = NULL;
	t->size = t->n = 0;
	pthread_mutex_destroy(&t->lock);
}

void rate_table_clear(struct rate_table *t)
{
	pthread_mutex_lock(&t->lock);
	free(t->slot);
	t->slot = NULL;
	t->size = t->n = 0;
	pthread_mutex_unlock(&t->lock);
}

static size_t key_hash(const char *key)
{
	uint64_t h = 1469598103934665603u;	/* FNV-1a */

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211u;
	return (size_t)h;
}

/* The slot holding key, or the free slot where it would go. */
static struct rate_bucket *find(struct rate_bucket *slot, size_t size, const char *key)
{
	size_t i = key_hash(key) & (size - 1);

	while (slot[i].key[0] && strcmp(slot[i].key, key))
		i = (i + 1) & (size - 1);
	return &slot[i];
}

/* Rebuilds the table with size slots, keeping only the buckets that
 * have not filled up again by now (a full bucket is what a new key
 * gets anyway). -1 when out of memory (the table is left as it was). */
static int rebuild(struct rate_table *t, size_t size, double per_ms, double burst, int64_t now)
{
	struct rate_bucket *slot = calloc(size, sizeof(*slot));
	size_t i, n = 0;

	if (!slot)
		return -1;
	for (i = 0; i < t->size; i++) {
		const struct rate_bucket *b = &t->slot[i];

		if (!b->key[0] || b->tokens + (double)(now - b->at_ms) * per_ms >= burst)
			continue;
		*find(slot, size, b->key) = *b;
		n++;
	}
	free(t->slot);
	t->slot = slot;
	t->size = size;
	t->n = n;
	return 0;
}

/* Room for one more key: drops full buckets, then grows. -1 when the
 * table may not grow (max_keys) or memory is short. */
static int make_room(struct rate_table *t, double per_ms, double burst, int64_t now)
{
	size_t size = t->size ? t->size : RATE_MIN_SLOTS;

	if (t->size && (t->n + 1) * 4 <= t->size * 3 && (!t->max_keys || t->n < t->max_keys))
		return 0;
	if (t->size && rebuild(t, t->size, per_ms, burst, now))
		return -1;
	if (t->max_keys && t->n >= t->max_keys)
		return -1;
	while ((t->n + 1) * 4 > size * 3)
		size *= 2;
	if (size != t->size && rebuild(t, size, per_ms, burst, now))
		return -1;
	return 0;
}

int rate_table_take(struct rate_table *t, const char *key, double per_minute, double burst, int64_t now_ms)
{
	char k[RATE_KEY_MAX];
	struct rate_bucket *b = NULL;
	double per_ms = per_minute / 60000.0;
	int wait = 0;

	if (per_minute <= 0 || burst < 1)
		return 0;
	str_copy(k, sizeof(k), key && *key ? key : "-");
	pthread_mutex_lock(&t->lock);
	if (t->size)
		b = find(t->slot, t->size, k);
	if (!b || !b->key[0]) {
		if (make_room(t, per_ms, burst, now_ms)) {
			wait = 1;
			goto out;
		}
		b = find(t->slot, t->size, k);
		memcpy(b->key, k, sizeof(k));
		b->tokens = burst;
		b->at_ms = now_ms;
		t->n++;
	}
	if (now_ms > b->at_ms)
		b->tokens += (double)(now_ms - b->at_ms) * per_ms;
	if (b->tokens > burst)
		b->tokens = burst;
	b->at_ms = now_ms;
	if (b->tokens >= 1.0)
		b->tokens -= 1.0;
	else
		wait = (int)((1.0 - b->tokens) / per_ms / 1000.0) + 1;
out:
	pthread_mutex_unlock(&t->lock);
	return wait;
}

void rate_table_give(struct rate_table *t, const char *key, double burst)
{
	char k[RATE_KEY_MAX];
	struct rate_bucket *b;

	str_copy(k, sizeof(k), key && *key ? key : "-");
	pthread_mutex_lock(&t->lock);
	b = t->size ? find(t->slot, t->size, k) : NULL;
	if (b && b->key[0] && (b->tokens += 1.0) > burst)
		b->tokens = burst;
	pthread_mutex_unlock(&t->lock);
}

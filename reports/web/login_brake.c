/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Login brakes that strangers cannot turn against a user (see
 * login_brake.h for the rules). The table of seen addresses and accounts
 * is open addressing over LOGIN_KEYS_MAX slots, probing a short run; when
 * the run is full the least recently seen entry in it is reused.
 */
#include "reports/web/login_brake.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/util.h"

enum { PROBE = 16 };

void login_brake_init(struct login_brake *b, int per_addr_per_minute, int tainted_per_minute, int hashes)
{
	memset(b, 0, sizeof(*b));
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->slot_free, NULL);
	rate_table_init(&b->by_addr, LOGIN_KEYS_MAX * 4);
	rate_table_init(&b->tainted, 1);
	b->per_addr = per_addr_per_minute;
	b->tainted_per_minute = tainted_per_minute;
	b->hashes = hashes;
}

void login_brake_release(struct login_brake *b)
{
	rate_table_release(&b->by_addr);
	rate_table_release(&b->tainted);
	free(b->seen);
	b->seen = NULL;
	pthread_cond_destroy(&b->slot_free);
	pthread_mutex_destroy(&b->lock);
}

static uint64_t key_hash(const char *k)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return h;
}

/* The entry of kind:what (created when create), or NULL. Lock held. */
static struct login_seen *seen_get(struct login_brake *b, char kind, const char *what, int create, int64_t now)
{
	char key[RATE_KEY_MAX];
	struct login_seen *e, *oldest = NULL;
	uint64_t h;
	int i;

	if (!b->seen) {
		if (!create)
			return NULL;
		b->seen = calloc(LOGIN_KEYS_MAX, sizeof(*b->seen));
		if (!b->seen)
			return NULL;
	}
	snprintf(key, sizeof(key), "%c:%s", kind, what);
	h = key_hash(key);
	for (i = 0; i < PROBE; i++) {
		e = &b->seen[(h + (uint64_t)i) % LOGIN_KEYS_MAX];
		if (!strcmp(e->key, key))
			return e;
		/* Slots are never emptied: past a free one the key is not. */
		if (!*e->key) {
			oldest = e;
			break;
		}
		if (!oldest || e->last_ms < oldest->last_ms)
			oldest = e;
	}
	if (!create)
		return NULL;
	memset(oldest, 0, sizeof(*oldest));
	str_copy(oldest->key, sizeof(oldest->key), key);
	oldest->last_ms = now;
	return oldest;
}

static int tainted(const struct login_seen *a, int64_t now)
{
	return a && a->failures > 0 && now - a->last_fail_ms < LOGIN_TAINT_MS;
}

/* Seconds still to wait after failures beyond free ones (0: none). */
static int backoff_left(const struct login_seen *e, int free_failures, int64_t now)
{
	int64_t wait_ms, left;
	int over;

	if (!e || e->failures < free_failures)
		return 0;
	over = e->failures - free_failures;
	wait_ms = over >= 6 ? LOGIN_BACKOFF_MAX_S * 1000LL : 1000LL << over;
	left = e->last_fail_ms + wait_ms - now;
	return left > 0 ? (int)((left + 999) / 1000) : 0;
}

int login_brake_tainted(struct login_brake *b, const char *addr, int64_t now_ms)
{
	int t;

	pthread_mutex_lock(&b->lock);
	t = tainted(seen_get(b, 'a', addr, 0, now_ms), now_ms);
	pthread_mutex_unlock(&b->lock);
	return t;
}

/* An address's rank for a hash slot: 2 known (a success lately and
 * fewer than LOGIN_FREE_FAILURES wrong passwords since: a user, maybe
 * after a typo), 1 unknown (neither), 0 tainted (wrong passwords since
 * its last success). */
static int rank_of(const struct login_seen *a, int64_t now)
{
	if (a && a->last_ok_ms && now - a->last_ok_ms < LOGIN_KNOWN_MS && a->failures < LOGIN_FREE_FAILURES)
		return 2;
	return tainted(a, now) ? 0 : 1;
}

int login_brake_enter(struct login_brake *b, const char *name, const char *addr, int64_t now_ms)
{
	struct login_seen *a, *u;
	int wait, rank, higher;
	struct timespec ts;

	wait = rate_table_take(&b->by_addr, addr, b->per_addr, b->per_addr, now_ms);
	if (wait)
		return wait;
	pthread_mutex_lock(&b->lock);
	a = seen_get(b, 'a', addr, 0, now_ms);
	u = seen_get(b, 'u', name, 0, now_ms);
	rank = rank_of(a, now_ms);
	if (rank == 0) {
		wait = backoff_left(a, LOGIN_FREE_FAILURES, now_ms);
		if (!wait)
			wait = backoff_left(u, LOGIN_ACCOUNT_FAILURES, now_ms);
		if (!wait)
			wait = rate_table_take(&b->tainted, "tainted", b->tainted_per_minute, b->tainted_per_minute, now_ms);
		if (!wait && (b->hashing >= b->hashes || b->waiting[1] || b->waiting[2]))
			wait = 1;
		if (!wait)
			b->hashing++;
		pthread_mutex_unlock(&b->lock);
		return wait;
	}
	/* Known and unknown addresses wait for a slot (a few at a time: a
	 * waiter holds one of the hub's threads), the known first. */
	if (b->waiting[rank] >= (rank == 2 ? LOGIN_KNOWN_WAITERS : LOGIN_UNKNOWN_WAITERS) &&
	    b->hashing >= b->hashes) {
		pthread_mutex_unlock(&b->lock);
		return 1;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (rank == 2 ? LOGIN_WAIT_MS : LOGIN_WAIT_MS / 2) / 1000;
	b->waiting[rank]++;
	for (;;) {
		higher = rank == 1 && b->waiting[2];
		if (b->hashing < b->hashes && !higher)
			break;
		if (pthread_cond_timedwait(&b->slot_free, &b->lock, &ts) == ETIMEDOUT)
			break;
	}
	b->waiting[rank]--;
	if (b->hashing >= b->hashes || (rank == 1 && b->waiting[2])) {
		pthread_mutex_unlock(&b->lock);
		return 1;
	}
	b->hashing++;
	pthread_mutex_unlock(&b->lock);
	return 0;
}

void login_brake_leave(struct login_brake *b, const char *name, const char *addr, int ok, int64_t now_ms)
{
	struct login_seen *a, *u;

	pthread_mutex_lock(&b->lock);
	b->hashing--;
	pthread_cond_broadcast(&b->slot_free);
	if (ok < 0) {
		pthread_mutex_unlock(&b->lock);
		return;
	}
	a = seen_get(b, 'a', addr, 1, now_ms);
	u = seen_get(b, 'u', name, 1, now_ms);
	for (int i = 0; i < 2; i++) {
		struct login_seen *e = i ? u : a;

		if (!e)
			continue;
		e->last_ms = now_ms;
		if (ok > 0) {
			e->failures = 0;
			e->last_ok_ms = now_ms;
		} else {
			/* Old failures are forgotten after the taint time. */
			if (now_ms - e->last_fail_ms >= LOGIN_TAINT_MS)
				e->failures = 0;
			e->failures++;
			e->last_fail_ms = now_ms;
		}
	}
	pthread_mutex_unlock(&b->lock);
	/* A successful login costs its address nothing of its bucket. */
	if (ok > 0)
		rate_table_give(&b->by_addr, addr, b->per_addr);
}

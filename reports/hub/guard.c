/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Connection deadlines, pressure and the body budget (see guard.h). One
 * list of connections under one lock; the reaper thread walks it. A cut
 * is shutdown(2) on the socket: libmicrohttpd sees the end of the stream
 * and closes the connection (and calls on_completed for a request cut
 * short). Start reading at reaper_main().
 */
#include "reports/hub/guard.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include "core/datetime.h"
#include "core/util.h"

struct guard_conn {
	MHD_socket fd;
	enum guard_phase phase;
	int64_t since_ms;		/* phase started */
	int64_t budget_ms;		/* the phase's tightest budget seen so far (0: none yet) */
	int64_t accepted_ms;
	size_t body_bytes;
	int trusted;			/* an authenticated kiosk */
	struct guard_conn *prev, *next;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct guard_conn *conns;
	long n_conns, n_strangers, max_conns, stranger_max;
	int64_t header_ms, body_ms;
	size_t body_used, body_memory;
	long peak_n;			/* the fill budgets follow: the highest of the last header_ms */
	int64_t peak_until_ms;
	long cut_deadline, cut_slow, cut_crowd;
	int stopping, started, quiet;
	pthread_t reaper;
} g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER };

static struct guard_conn *conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

void guard_on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			 enum MHD_ConnectionNotificationCode code)
{
	struct guard_conn *gc = *socket_context;
	const union MHD_ConnectionInfo *ci;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		gc = ci ? calloc(1, sizeof(*gc)) : NULL;
		if (!gc)
			return;		/* untracked: only MHD's idle timeout */
		gc->fd = ci->connect_fd;
		gc->phase = GUARD_HEADERS;
		pthread_mutex_lock(&g.lock);
		gc->since_ms = gc->accepted_ms = now_ms();
		g.n_conns++;
		g.n_strangers++;
		gc->next = g.conns;
		if (g.conns)
			g.conns->prev = gc;
		g.conns = gc;
		/* A stranger in the reserve: the reaper makes room now. */
		if (g.n_strangers > g.stranger_max)
			pthread_cond_signal(&g.wake);
		pthread_mutex_unlock(&g.lock);
		*socket_context = gc;
		return;
	}
	/* MHD closes the socket after this returns: off the list first, so
	 * the reaper never shuts down a descriptor already reused. */
	if (!gc)
		return;
	pthread_mutex_lock(&g.lock);
	if (gc->prev)
		gc->prev->next = gc->next;
	else
		g.conns = gc->next;
	if (gc->next)
		gc->next->prev = gc->prev;
	g.n_conns--;
	if (!gc->trusted)
		g.n_strangers--;
	pthread_mutex_unlock(&g.lock);
	free(gc);
	*socket_context = NULL;
}

void guard_phase(struct MHD_Connection *c, enum guard_phase phase)
{
	struct guard_conn *gc = conn_of(c);

	if (!gc)
		return;
	pthread_mutex_lock(&g.lock);
	gc->phase = phase;
	gc->since_ms = now_ms();
	gc->budget_ms = 0;
	gc->body_bytes = 0;
	pthread_mutex_unlock(&g.lock);
}

void guard_body_bytes(struct MHD_Connection *c, size_t n)
{
	struct guard_conn *gc = conn_of(c);

	if (!gc)
		return;
	pthread_mutex_lock(&g.lock);
	gc->body_bytes += n;
	pthread_mutex_unlock(&g.lock);
}

void guard_trust(struct MHD_Connection *c)
{
	struct guard_conn *gc = conn_of(c);

	if (!gc)
		return;
	pthread_mutex_lock(&g.lock);
	if (!gc->trusted) {
		gc->trusted = 1;
		g.n_strangers--;
	}
	pthread_mutex_unlock(&g.lock);
}

int guard_budget_take(size_t n)
{
	int rc = -1;

	pthread_mutex_lock(&g.lock);
	if (g.body_used + n <= g.body_memory) {
		g.body_used += n;
		rc = 0;
	}
	pthread_mutex_unlock(&g.lock);
	return rc;
}

void guard_budget_give(size_t n)
{
	pthread_mutex_lock(&g.lock);
	g.body_used -= n < g.body_used ? n : g.body_used;
	pthread_mutex_unlock(&g.lock);
}

/* Whether the client has sent bytes the hub has not read yet: its
 * request waits for one of the hub's threads (held up by a slow
 * database, say), not trickling. Deadlines are the client's: such a
 * connection gets SPARE_MS more, again and again while the bytes stay
 * unread; once its thread reads them the deadline runs as before. */
enum { SPARE_MS = 1000 };

static int is_behind(const struct guard_conn *gc)
{
	int n = 0;

	return ioctl(gc->fd, FIONREAD, &n) == 0 && n > 0;
}

/* A phase's budget at this fill: full up to half the slots, then in
 * proportion to the free ones, at least GUARD_PHASE_MIN_MS. */
static int64_t budget_ms(int64_t full, long n, long max)
{
	int64_t b;

	if (n * 2 <= max)
		return full;
	b = full * 2 * (max - n) / max;
	return b < GUARD_PHASE_MIN_MS ? (full < GUARD_PHASE_MIN_MS ? full : GUARD_PHASE_MIN_MS) : b;
}

/* Bytes a second a body has come at (a body younger than a second is
 * measured over a second, so a fresh one is not judged on a moment). */
static double rate_of(const struct guard_conn *gc, int64_t now)
{
	int64_t ms = now - gc->since_ms;

	return (double)gc->body_bytes * 1000.0 / (double)(ms < 1000 ? 1000 : ms);
}

static void cut(struct guard_conn *gc, int64_t now, long *counter)
{
	if (is_behind(gc)) {
		gc->since_ms += SPARE_MS;
		return;
	}
	shutdown(gc->fd, SHUT_RDWR);
	gc->phase = GUARD_HANDLED;	/* cut once */
	(*counter)++;
}

/* The next stranger to cut under pressure: the slowest body (lowest
 * rate), else the longest wait for headers past its grace; NULL if none. */
static struct guard_conn *slowest_stranger(int64_t now, int bodies_only)
{
	struct guard_conn *gc, *best = NULL;
	double best_rate = 0, r;

	for (gc = g.conns; gc; gc = gc->next) {
		if (gc->trusted || gc->phase == GUARD_HANDLED)
			continue;
		if (gc->phase == GUARD_HEADERS) {
			if (bodies_only || now - gc->since_ms < GUARD_GRACE_MS)
				continue;
			r = -(double)(now - gc->since_ms);	/* below any body */
		} else {
			r = rate_of(gc, now);
			/* A body arriving at a fair rate is no attacker: it
			 * ends soon, and may already have its answer (a 401
			 * decided from the headers). */
			if (r >= GUARD_MIN_RATE)
				continue;
		}
		if (!best || r < best_rate) {
			best = gc;
			best_rate = r;
		}
	}
	return best;
}

static void reap(int64_t now)
{
	struct guard_conn *gc;
	long n = g.n_conns, max = g.max_conns, over, thin, fill;
	int64_t hb, bb;

	/* Budgets follow the highest fill of the last header_ms, not the
	 * fill of this moment: when a crowd is cut, the next wave (or the
	 * crowd's late arrivals) still meets the tight deadlines. */
	if (n >= g.peak_n || now >= g.peak_until_ms) {
		g.peak_n = n;
		g.peak_until_ms = now + g.header_ms;
	}
	fill = g.peak_n > n ? g.peak_n : n;
	hb = budget_ms(g.header_ms, fill, max);
	bb = budget_ms(g.body_ms, fill, max);

	/* 1. Phase budgets, tightened by the fill. A connection keeps the
	 * tightest budget it has seen in its phase: when the crowd that
	 * filled the hub is cut, the rest of it (accepted a moment later)
	 * does not get the full deadline back. */
	for (gc = g.conns; gc; gc = gc->next) {
		int64_t b = gc->phase == GUARD_HEADERS ? hb : gc->phase == GUARD_BODY ? bb : 0;

		if (!b)
			continue;
		if (!gc->budget_ms || b < gc->budget_ms)
			gc->budget_ms = b;
		if (now - gc->since_ms >= gc->budget_ms)
			cut(gc, now, &g.cut_deadline);
	}
	/* 2. Half full: bodies slower than GUARD_MIN_RATE, slowest first, a
	 * twentieth of the slots a pass at most. */
	if (n * 2 > max) {
		thin = max / 20 > 0 ? max / 20 : 1;
		while (thin-- > 0) {
			gc = slowest_stranger(now, 1);
			if (!gc || now - gc->since_ms < 2000 || rate_of(gc, now) >= GUARD_MIN_RATE)
				break;
			cut(gc, now, &g.cut_slow);
			if (gc->phase != GUARD_HANDLED)
				break;	/* behind, not slow */
		}
	}
	/* 3. Strangers in the reserved slots: out, slowest first. */
	for (over = g.n_strangers - g.stranger_max; over > 0; over--) {
		gc = slowest_stranger(now, 0);
		if (!gc)
			break;
		shutdown(gc->fd, SHUT_RDWR);
		gc->phase = GUARD_HANDLED;
		g.cut_crowd++;
	}
}

static void *reaper_main(void *arg)
{
	struct timespec ts;
	long reported = 0, total;

	(void)arg;
	pthread_setname_np(pthread_self(), "dote-hub-reaper");
	pthread_mutex_lock(&g.lock);
	while (!g.stopping) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&g.wake, &g.lock, &ts);
		reap(now_ms());
		total = g.cut_deadline + g.cut_slow + g.cut_crowd;
		if (total - reported >= 100 || (total > reported && !g.conns)) {
			if (!g.quiet)
				fprintf(stderr, "closed %ld connections: %ld past a deadline, %ld too slow,"
					" %ld strangers in the reserved slots (so far)\n", total - reported,
					g.cut_deadline, g.cut_slow, g.cut_crowd);
			reported = total;
		}
	}
	pthread_mutex_unlock(&g.lock);
	return NULL;
}

int guard_start(const struct guard_limits *l)
{
	long reserve = l->max_connections / 10;

	g.max_conns = l->max_connections;
	g.stranger_max = l->max_connections - (reserve > 0 ? reserve : 0);
	if (g.stranger_max < 1)
		g.stranger_max = 1;
	g.header_ms = l->header_ms;
	g.body_ms = l->body_ms;
	g.body_memory = l->body_memory;
	g.quiet = l->quiet;
	if (pthread_create(&g.reaper, NULL, reaper_main, NULL))
		return error("cannot start the connection reaper thread");
	g.started = 1;
	return 0;
}

void guard_stop(void)
{
	if (!g.started)
		return;
	pthread_mutex_lock(&g.lock);
	g.stopping = 1;
	pthread_cond_signal(&g.wake);
	pthread_mutex_unlock(&g.lock);
	pthread_join(g.reaper, NULL);
	g.started = 0;
}

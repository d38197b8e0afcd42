/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The search worker (see search.h): one thread, one SQLite connection
 * (read only in practice: catalog_search() selects), one job queued and
 * one result waiting at most. The UI thread never blocks on SQLite: it
 * posts, and takes the result in a later frame. Start reading at
 * worker().
 */
#include "kiosk/search.h"
#include "core/db.h"
#include "core/util.h"
#include "kiosk/worker.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A job's own copy of the filter's strings. */
struct job {
	unsigned gen;
	int more;
	char comune[8], comune_name[96], only_comune[8], query[64], area[20], today[11];
	int province_wide, months;
	int64_t other_than_call;
	struct catalog_list cursor;	/* cards NULL: n, pass, pass_offset, complete only */
};

struct search {
	struct worker w;		/* thread, connection, lock, wake, idle, stop, queued, running */
	int ready;			/* under the lock: a result waits to be taken */
	int hold;			/* a script holds the next job (search_hold) */
	struct job job;
	struct search_result result;
};

static double thread_cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Runs one job (outside the lock) into r. */
static void run(sqlite3 *db, const struct job *j, struct search_result *r)
{
	struct catalog_filter f = {
		.comune = j->comune, .comune_name = j->comune_name, .province_wide = j->province_wide,
		.only_comune = j->only_comune, .query = j->query, .area = j->area, .months = j->months,
		.today = j->today, .other_than_call = j->other_than_call,
	};
	double c0 = thread_cpu_ms();
	memset(r, 0, sizeof(*r));
	r->gen = j->gen;
	r->more = j->more;
	/* A next page: the cursor of the list shown, with no cards (new
	 * cards land from index 0; base says where the page starts). */
	r->list = j->cursor;
	r->list.cards = NULL;
	r->list.base = j->cursor.base + j->cursor.n;
	r->list.n = r->list.cap = 0;
	r->rc = catalog_search(db, &f, &r->list);
	r->cpu_ms = (float)(thread_cpu_ms() - c0);
}

static void *worker(void *arg)
{
	struct search *s = arg;
	pthread_mutex_lock(&s->w.lock);
	for (;;) {
		struct job j;
		struct search_result r;
		while (!s->w.stop && !s->w.queued)
			pthread_cond_wait(&s->w.wake, &s->w.lock);
		if (s->w.stop)
			break;
		j = s->job;
		str_wipe(s->job.query, sizeof(s->job.query));
		s->w.queued = 0;
		s->w.running = 1;
		while (s->hold && !s->w.stop)
			pthread_cond_wait(&s->w.wake, &s->w.lock);
		pthread_mutex_unlock(&s->w.lock);
		run(s->w.db, &j, &r);
		/* What was searched for is what a citizen typed. */
		str_wipe(j.query, sizeof(j.query));
		pthread_mutex_lock(&s->w.lock);
		s->w.running = 0;
		/* A newer job queued meanwhile makes this result old news. */
		if (s->w.queued) {
			catalog_list_free(&r.list);
		} else {
			if (s->ready)
				catalog_list_free(&s->result.list);
			s->result = r;
			s->ready = 1;
		}
		if (!s->w.queued)
			pthread_cond_broadcast(&s->w.idle);
	}
	pthread_mutex_unlock(&s->w.lock);
	return NULL;
}

struct search *search_start(const char *db_path)
{
	struct search *s = calloc(1, sizeof(*s));

	if (s && worker_start(&s->w, db_path, DB_SYNC_NORMAL, worker, s, "search")) {
		free(s);
		s = NULL;
	}
	return s;
}

int search_hold(struct search *s, int on)
{
	pthread_mutex_lock(&s->w.lock);
	s->hold = on;
	pthread_cond_signal(&s->w.wake);
	pthread_mutex_unlock(&s->w.lock);
	return 0;
}

void search_stop(struct search *s)
{
	if (!s)
		return;
	worker_stop(&s->w);
	if (s->ready)
		catalog_list_free(&s->result.list);
	str_wipe(s->job.query, sizeof(s->job.query));
	free(s);
}

void search_post(struct search *s, const struct catalog_filter *f, const struct catalog_list *from, unsigned gen)
{
	struct job j;
	memset(&j, 0, sizeof(j));
	j.gen = gen;
	j.more = from != NULL;
	str_copy(j.comune, sizeof(j.comune), f->comune ? f->comune : "");
	str_copy(j.comune_name, sizeof(j.comune_name), f->comune_name ? f->comune_name : "");
	str_copy(j.only_comune, sizeof(j.only_comune), f->only_comune ? f->only_comune : "");
	str_copy(j.query, sizeof(j.query), f->query ? f->query : "");
	str_copy(j.area, sizeof(j.area), f->area ? f->area : "");
	str_copy(j.today, sizeof(j.today), f->today ? f->today : "");
	j.province_wide = f->province_wide;
	j.months = f->months;
	j.other_than_call = f->other_than_call;
	if (from) {
		j.cursor = *from;
		j.cursor.cards = NULL;
		j.cursor.cap = 0;
	}
	pthread_mutex_lock(&s->w.lock);
	s->job = j;
	s->w.queued = 1;
	pthread_cond_signal(&s->w.wake);
	pthread_mutex_unlock(&s->w.lock);
	str_wipe(j.query, sizeof(j.query));
}

int search_take(struct search *s, struct search_result *out)
{
	int got = 0;
	pthread_mutex_lock(&s->w.lock);
	if (s->ready) {
		*out = s->result;
		memset(&s->result, 0, sizeof(s->result));
		s->ready = 0;
		got = 1;
	}
	pthread_mutex_unlock(&s->w.lock);
	return got;
}

int search_busy(struct search *s)
{
	int busy;
	pthread_mutex_lock(&s->w.lock);
	busy = s->w.queued || s->w.running;
	pthread_mutex_unlock(&s->w.lock);
	return busy;
}

int search_wait(struct search *s, int ms)
{
	return worker_wait(&s->w, ms);
}

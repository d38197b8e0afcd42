/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Unit tests of the kiosk's send worker (kiosk/send.c) as the session
 * sees it: a Send whose result was not taken when the session is wiped
 * (idle timeout, "I'm done", the staff's reset) leaves nothing of that
 * citizen behind, and does not block or answer the next citizen's Send.
 * Nor do the results of what that citizen searched for, or the search
 * text kept to tell the voice guide's count apart. A real SQLite file,
 * the real worker thread, the real kiosk_reset().
 */
#include "tests/unit/check.h"
#include "core/db.h"
#include "core/util.h"
#include "kiosk/kiosk.h"
#include "kiosk/send.h"

#include "kiosk/catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct screen *screen_by_id(const char *id)
{
	for (int i = 0; i < kiosk_nscreens; i++)
		if (!strcmp(kiosk_screens[i].id, id))
			return &kiosk_screens[i];
	return NULL;
}

/* Posts one application of "Mario Rossi" as the review screen does
 * (kiosk/screens_apply.c: submit_post()). */
static int post_mario(struct kiosk *k)
{
	struct send_job *j = calloc(1, sizeof(*j));
	int rc;
	if (!j)
		return -1;
	str_copy(j->app.cf, sizeof(j->app.cf), "RSSMRA80A01H501U");
	str_copy(j->app.given_name, sizeof(j->app.given_name), "Mario");
	str_copy(j->app.family_name, sizeof(j->app.family_name), "Rossi");
	str_copy(j->app.placement_code, sizeof(j->app.placement_code), "NOPE");
	str_copy(j->day, sizeof(j->day), "2026-12-08");
	rc = send_post(k->send, j);
	if (!rc) {
		k->sending = 1;
		k->sending_since = 0;
	}
	free(j);
	return rc;
}

int main(void)
{
	char dir[] = "/tmp/test_kiosk_send.XXXXXX", path[256], wal[300], shm[300];
	struct kiosk *k = calloc(1, sizeof(*k));
	sqlite3 *db;

	if (!k || !mkdtemp(dir)) {
		printf("FAIL setup: no temporary directory\n");
		return 1;
	}
	str_fmt(path, sizeof(path), "%s/kiosk.db", dir);
	str_fmt(wal, sizeof(wal), "%s-wal", path);
	str_fmt(shm, sizeof(shm), "%s-shm", path);
	db = db_open(path, DB_SYNC_NORMAL);
	k->send = send_start(path);
	k->screen = screen_by_id("review");
	if (!db || !k->send || !k->screen) {
		printf("FAIL setup: database, send worker or review screen\n");
		return 1;
	}
	CHECK_INT("a Send is taken by the worker", post_mario(k), 0);
	CHECK_INT("the worker finishes it", send_wait(k->send, 20000), 0);
	/* What the citizen searched for: one card found, the search said. */
	k->list.cards = calloc(1, sizeof(*k->list.cards));
	k->list.n = k->list.cap = 1;
	str_copy(k->list.cards[0].code, sizeof(k->list.cards[0].code), "BIBLIO-01");
	str_copy(k->count_said, sizeof(k->count_said), "centro antiviolenza|||0|1 placement");
	/* The session ends before the review screen took the result. */
	kiosk_reset(k);
	CHECK_INT("after the wipe the list holds none of the previous citizen's results", k->list.n, 0);
	{
		int left = 0;
		for (size_t i = 0; i < sizeof(k->count_said); i++)
			left += k->count_said[i] != 0;
		CHECK_INT("after the wipe nothing of the previous citizen's search text is kept", left, 0);
	}
	CHECK_INT("after the wipe the review screen waits for no Send", k->sending, 0);
	CHECK_INT("after the wipe the worker holds no result of the previous citizen", send_busy(k->send), 0);
	CHECK_INT("the next citizen's Send is taken by the worker", post_mario(k), 0);
	CHECK_INT("the worker finishes the next citizen's Send", send_wait(k->send, 20000), 0);
	send_stop(k->send);
	catalog_list_free(&k->list);
	free(k);
	db_close(db);
	unlink(wal);
	unlink(shm);
	unlink(path);
	rmdir(dir);
	return check_done();
}

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * reports/web/login_brake.c: the login brakes cannot be turned against
 * a user who has not failed. 30 tainted addresses use up the global
 * brake and a clean address still logs in; per-address backoff doubles;
 * the per-account backoff slows tainted addresses only; the owner is
 * first in line for a hash slot. Virtual time (ms) except the slot wait.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include "reports/web/login_brake.h"
#include "tests/unit/check.h"

static struct login_brake brake;

static void *clean_login(void *arg)
{
	int64_t *now = arg;
	int rc = login_brake_enter(&brake, "coord", "127.0.0.1", *now);

	if (!rc)
		login_brake_leave(&brake, "coord", "127.0.0.1", 1, *now);
	return (void *)(intptr_t)rc;
}

int main(void)
{
	int64_t t = 1000000;
	char addr[32];
	int i, k, refused = 0, rc;

	login_brake_init(&brake, 10, 60, 2);
	/* 30 addresses, each 9 wrong passwords over 25 s (under its 10 a minute). */
	for (i = 0; i < 9; i++)
		for (k = 0; k < 30; k++) {
			snprintf(addr, sizeof(addr), "127.0.0.%d", 2 + k);
			rc = login_brake_enter(&brake, k % 2 ? "coord" : "nobody", addr, t + i * 2800 + k);
			if (rc) {
				refused++;
				continue;
			}
			login_brake_leave(&brake, k % 2 ? "coord" : "nobody", addr, 0, t + i * 2800 + k);
		}
	CHECK("spray: the global brake refused most tainted attempts", refused > 150);
	CHECK_INT("spray: an attacking address is tainted", login_brake_tainted(&brake, "127.0.0.5", t + 25000), 1);
	CHECK_INT("owner: not tainted", login_brake_tainted(&brake, "127.0.0.1", t + 25000), 0);
	for (i = 0; i < 8; i++) {
		rc = login_brake_enter(&brake, "coord", "127.0.0.1", t + 25000 + i * 3000);
		CHECK_INT("owner logs in during the spray (account has many failures)", rc, 0);
		if (!rc)
			login_brake_leave(&brake, "coord", "127.0.0.1", 1, t + 25000 + i * 3000);
	}
	/* Successes give their per-address token back: 30 logins in a minute pass. */
	for (i = 0, refused = 0; i < 30; i++) {
		rc = login_brake_enter(&brake, "coord", "127.0.0.1", t + 60000 + i * 100);
		refused += rc != 0;
		if (!rc)
			login_brake_leave(&brake, "coord", "127.0.0.1", 1, t + 60000 + i * 100);
	}
	CHECK_INT("owner: 30 successful logins in 3 s, none refused", refused, 0);
	login_brake_release(&brake);

	/* Per-address backoff: 3 free failures, then 1 s, 2 s, 4 s. */
	login_brake_init(&brake, 1000, 1000, 2);
	t = 5000000;
	for (i = 0; i < 3; i++) {
		CHECK_INT("backoff: free failures", login_brake_enter(&brake, "x1", "10.0.0.1", t), 0);
		login_brake_leave(&brake, "x1", "10.0.0.1", 0, t);
	}
	CHECK("backoff: the 4th attempt at once waits", login_brake_enter(&brake, "x1", "10.0.0.1", t + 10) > 0);
	CHECK_INT("backoff: after 1 s it may", login_brake_enter(&brake, "x1", "10.0.0.1", t + 1001), 0);
	login_brake_leave(&brake, "x1", "10.0.0.1", 0, t + 1001);
	CHECK("backoff: then 2 s", login_brake_enter(&brake, "x1", "10.0.0.1", t + 2500) > 0);
	CHECK_INT("backoff: 2 s later it may", login_brake_enter(&brake, "x1", "10.0.0.1", t + 3002), 0);
	login_brake_leave(&brake, "x1", "10.0.0.1", 1, t + 3002);
	CHECK_INT("backoff: a success cleans the address", login_brake_tainted(&brake, "10.0.0.1", t + 3003), 0);

	/* Per-account backoff: 10 failures from many addresses slow a tainted
	 * address on that account, not a clean one. */
	for (i = 0; i < 10; i++) {
		snprintf(addr, sizeof(addr), "10.1.0.%d", i);
		login_brake_enter(&brake, "anna", addr, t + 10000);
		login_brake_leave(&brake, "anna", addr, 0, t + 10000);
	}
	CHECK("account backoff: a tainted address waits", login_brake_enter(&brake, "anna", "10.1.0.3", t + 10010) > 0);
	CHECK_INT("account backoff: a clean address does not", login_brake_enter(&brake, "anna", "10.9.9.9", t + 10010), 0);
	login_brake_leave(&brake, "anna", "10.9.9.9", 1, t + 10010);

	/* Hash slots: both taken; a tainted attempt is refused, a clean one
	 * waits for the slot and gets it. */
	CHECK_INT("slots: first", login_brake_enter(&brake, "s", "10.2.0.1", t + 20000), 0);
	CHECK_INT("slots: second", login_brake_enter(&brake, "s", "10.2.0.2", t + 20000), 0);
	login_brake_leave(&brake, "z", "10.3.0.1", 0, t + 20000);	/* taints 10.3.0.1 (slot count restored below) */
	brake.hashing++;
	CHECK("slots: a tainted attempt is refused when none is free",
	      login_brake_enter(&brake, "z", "10.3.0.1", t + 21000) > 0);
	{
		pthread_t th;
		void *res;
		int64_t now = t + 22000;

		pthread_create(&th, NULL, clean_login, &now);
		usleep(100000);
		CHECK_INT("slots: the clean attempt is waiting", brake.waiting[1], 1);
		CHECK("slots: a tainted attempt does not jump the queue",
		      login_brake_enter(&brake, "z", "10.3.0.1", t + 40000) > 0);
		login_brake_leave(&brake, "s", "10.2.0.1", 1, t + 22000);
		pthread_join(th, &res);
		CHECK_INT("slots: the clean attempt got the freed slot", (int)(intptr_t)res, 0);
	}
	login_brake_release(&brake);
	return check_done();
}

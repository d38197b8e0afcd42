/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The hub's retention thread: runs the erasure of applicants' personal
 * data (selection_retention_run(), the same as `dote retention run`) at
 * start-up and then every retention_interval_hours, on a database
 * connection of its own, so no operator has to remember a cron job.
 * Every run is logged in retention_log as done by "dote-hub". Each run
 * also erases the traineeships ended more than their own period ago
 * (traineeship_retention()) and passes on seat offers whose deadline
 * has gone (replacement_expire()).
 */
#ifndef DOTE_HUB_RETENTION_H
#define DOTE_HUB_RETENTION_H
#include <pthread.h>

struct hub_retention {
	char db_url[1024];
	int interval_hours;		/* 0: the hub never runs it (cron does) */
	int quiet;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int started, stopping;
};

/* Starts the thread (nothing when interval_hours is 0). 0 or -1. */
int hub_retention_start(struct hub_retention *r);
/* Stops it (a run in progress is finished first). */
void hub_retention_stop(struct hub_retention *r);
#endif

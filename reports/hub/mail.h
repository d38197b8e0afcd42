/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The hub's mail thread: sends the messages queued in the mail outbox
 * (reports/store/mail_outbox.h) through the configured SMTP relay with
 * libcurl, on a database connection of its own, so neither a slow nor a
 * down relay ever holds up a web request; a message that fails is tried
 * again later (mail_retry_seconds, growing with each failure).
 */
#ifndef DOTE_HUB_MAIL_H
#define DOTE_HUB_MAIL_H
#include <pthread.h>

struct hub_mail {
	char db_url[1024];
	char url[512];			/* smtp://host:port or smtps://...; '' sends nothing */
	char from[256];			/* the sender address */
	char user[128], password[256];
	int tls;			/* 1: require STARTTLS on smtp:// */
	int poll_seconds, retry_seconds, quiet;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int started, stopping;
};

/* Starts the thread (nothing when url is empty). 0 or -1. */
int hub_mail_start(struct hub_mail *m);
/* Stops it (a message being sent is finished first). */
void hub_mail_stop(struct hub_mail *m);
#endif

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The hub's mail outbox: messages to citizens (status changes of their
 * applications, reports/store/selection.c) are queued in the database in
 * the same transaction as the change, and sent later by the hub's mail
 * thread (reports/hub/mail.c) through the configured SMTP relay. A relay
 * that is down delays a message, never loses it, and never slows a web
 * request: a failed message is tried again later.
 */
#ifndef DOTE_REPORTS_MAIL_OUTBOX_H
#define DOTE_REPORTS_MAIL_OUTBOX_H
#include <stddef.h>

struct store;
struct store_res;

enum { MAIL_BODY_MAX = 8192, MAIL_SUBJECT_MAX = 200 };

/* Queues a message (inside the caller's transaction, if any). 0 or -1. */
int mail_outbox_add(struct store *s, const char *uuid, const char *to, const char *subject,
		    const char *body, const char *now);
/* Up to limit messages due at now: rows (id, to_addr, subject, body,
 * attempts). 0 with *res, -1. */
int mail_outbox_due(struct store *s, const char *now, int limit, struct store_res **res);
/* Marks a message sent, or failed (tried again at next_try). 0 or -1. */
int mail_outbox_sent(struct store *s, const char *id, const char *now);
int mail_outbox_failed(struct store *s, const char *id, const char *next_try, const char *why);
#endif

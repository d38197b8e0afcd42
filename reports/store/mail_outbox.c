/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The mail outbox table (see mail_outbox.h); created with the selection
 * tables (reports/store/selection.c). Portable SQL on both backends.
 */
#include <stdio.h>
#include <string.h>
#include "core/util.h"
#include "reports/store/mail_outbox.h"
#include "reports/store/store.h"
#include "reports/store/store_internal.h"

int mail_outbox_add(struct store *s, const char *uuid, const char *to, const char *subject,
		    const char *body, const char *now)
{
	if (strlen(subject) > MAIL_SUBJECT_MAX || strlen(body) > MAIL_BODY_MAX || strlen(to) > 254)
		return error("mail: message too long");
	/* Due at once: '' sorts before any instant. */
	return store_exec(s, "INSERT INTO mail_outbox(uuid, to_addr, subject, body, created_at, next_try_at)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, '')", ARGS(uuid, to, subject, body, now)) == 1 ? 0 : -1;
}

int mail_outbox_due(struct store *s, const char *now, int limit, struct store_res **res)
{
	char lim[16];

	snprintf(lim, sizeof(lim), "%d", limit);
	return store_query(s, "SELECT id, to_addr, subject, body, attempts FROM mail_outbox"
			      " WHERE sent_at IS NULL AND next_try_at <= ?1 ORDER BY id LIMIT CAST(?2 AS INTEGER)",
			   ARGS(now, lim), res);
}

int mail_outbox_sent(struct store *s, const char *id, const char *now)
{
	return store_exec(s, "UPDATE mail_outbox SET sent_at = ?2, attempts = attempts + 1, last_error = ''"
			     " WHERE id = CAST(?1 AS BIGINT)", ARGS(id, now)) == 1 ? 0 : -1;
}

int mail_outbox_failed(struct store *s, const char *id, const char *next_try, const char *why)
{
	char w[200];

	str_copy(w, sizeof(w), why ? why : "");
	return store_exec(s, "UPDATE mail_outbox SET attempts = attempts + 1, next_try_at = ?2, last_error = ?3"
			     " WHERE id = CAST(?1 AS BIGINT)", ARGS(id, next_try, w)) == 1 ? 0 : -1;
}

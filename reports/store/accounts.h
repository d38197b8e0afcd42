/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The dashboard's accounts in the hub's database: users (hub_user),
 * sessions by the hash of their token (hub_session) and failed logins
 * per name and client address (hub_login_failure), on SQLite or
 * PostgreSQL. Storage only: the rules (password hashing, expiry times,
 * brakes) are reports/web/auth.c's. Times are Unix seconds.
 */
#ifndef DOTE_REPORTS_ACCOUNTS_H
#define DOTE_REPORTS_ACCOUNTS_H
#include <stdint.h>

struct store;
struct store_res;

/* Creates or updates the tables (SQLite: component "auth"). 0 or -1. */
int accounts_migrate(struct store *s);
/* Adds or replaces an account (enabled again) and ends its sessions. 0 or -1. */
int accounts_user_put(struct store *s, const char *name, const char *role, const char *comune,
		      const char *pwhash, const char *created_at);
/* The enabled account name: *row gets zero or one row (id, pwhash);
 * free with store_res_free. 0 or -1. */
int accounts_user_find(struct store *s, const char *name, struct store_res **row);
/* Failed logins for name from addr after since (0 on error). */
int64_t accounts_failures(struct store *s, const char *name, const char *addr, int64_t since);
/* Records a failed login at `at` and forgets those before forget_before. */
void accounts_failure_add(struct store *s, const char *name, const char *addr, int64_t at, int64_t forget_before);
/* Stores a new session, created and seen now. 0 or -1. */
int accounts_session_add(struct store *s, const char *token_hash, int64_t user_id, const char *csrf, int64_t now);
/* Deletes the sessions last seen before seen_before or created before created_before. */
void accounts_sessions_sweep(struct store *s, int64_t seen_before, int64_t created_before);
/* The live session of token_hash (seen since seen_since, created since
 * created_since, its account enabled): *row gets zero or one row (user
 * id, name, role, comune, csrf); free with store_res_free. 0 or -1. */
int accounts_session_find(struct store *s, const char *token_hash, int64_t seen_since, int64_t created_since,
			  struct store_res **row);
/* Marks the session seen now (written at most every 30 seconds). */
void accounts_session_touch(struct store *s, const char *token_hash, int64_t now);
/* Deletes the session. 0 or -1. */
int accounts_session_end(struct store *s, const char *token_hash);
#endif

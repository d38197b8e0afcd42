/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The coordinators' dashboard, served by the hub under /dashboard, /login
 * and /logout (and the fonts under /dashboard/font/ and /static/fonts/):
 * login with argon2id-hashed passwords and expiring sessions
 * (reports/web/auth.h), then server-rendered pages (HTML + inline SVG, no
 * scripts) with filters, drill-down from Italy to region, province and
 * comune, and CSV download. Figures come from the report engine
 * (reports/stats/report.h) and are protected for everybody except comune
 * staff looking at their own comune.
 * (Contract with the hub engineer: dashboard_hub_new, dashboard_handle.)
 */
#ifndef DOTE_REPORTS_DASHBOARD_H
#define DOTE_REPORTS_DASHBOARD_H
#include "reports/web/http.h"

struct dashboard_ctx;

/* A dashboard over the hub database at db_url: a SQLite path or a
 * postgres:// URL (the same pages and figures). NULL on error.
 * Cookies get the Secure attribute when the environment variable
 * DOTE_DASHBOARD_SECURE_COOKIES is 1: set it when the hub is reached
 * over HTTPS (behind a TLS proxy), so browsers never send the session
 * over plain HTTP. */
struct dashboard_ctx *dashboard_new(const char *db_url);
void dashboard_free(struct dashboard_ctx *d);
/* For the hub: db_url as in its config. */
void *dashboard_hub_new(const char *db_url);
/* Turns the Secure cookie attribute on or off (for a hub setting such as
 * a public https:// URL; overrides the environment variable). */
void dashboard_set_secure_cookies(struct dashboard_ctx *d, int on);
/* Handles one request (thread-safe). Returns 0 when resp is filled,
 * -1 on an internal error (resp may be left for the caller). */
int dashboard_handle(struct dashboard_ctx *d, const struct http_request *req, struct http_response *resp);
/* 1 when the Cookie header holds a live session, 0 when not, -1 when the
 * database cannot tell: the hub asks before reading a form's body. */
int dashboard_session_ok(struct dashboard_ctx *d, const char *cookie);
#endif

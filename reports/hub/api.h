/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The hub's handlers (api.c), reached through routes.c's table.
 */
#ifndef DOTE_HUB_API_H
#define DOTE_HUB_API_H
#include "reports/hub/hub.h"

/* One request as routes.c hands it to a handler: s is a pooled
 * connection (NULL for the handlers the table says need none). A batch
 * of applications to store is not answered: *job (NULL on entry) is set
 * instead; the caller suspends the request, passes the job to
 * hub_ingest_submit(), and when woken answers with hub_ingest_reply()
 * and frees it with hub_ingest_free(). kiosk: the kiosk hub_preflight
 * authenticated for this request (id '' when none), so that its token is
 * looked up once per request. */
struct route_call {
	struct hub *h;
	struct store *s;
	const struct http_request *req;
	const char *auth, *idem_key, *if_none_match;
	const struct store_kiosk *kiosk;
	struct http_response *resp;
	struct hub_ingest_job **job;
};

/* The handlers of routes.c's table; each fills c->resp. */
void api_healthz(const struct route_call *c);
void api_applications(const struct route_call *c);
void api_catalog(const struct route_call *c);
void api_heartbeat(const struct route_call *c);
void api_enroll(const struct route_call *c);
void api_attendance(const struct route_call *c);
void api_roster(const struct route_call *c);
void api_status(const struct route_call *c);
void api_receipt(const struct route_call *c);
void api_ranking(const struct route_call *c);
void api_not_found(const struct route_call *c);
void api_dashboard(const struct route_call *c);
void api_coordination(const struct route_call *c);
void api_office(const struct route_call *c);

/* Credential checks for hub_preflight: 0, or non-zero with the answer
 * (401/403/503) in resp. */
int api_kiosk_auth(struct hub *h, struct store *s, const char *auth, struct store_kiosk *k,
		   struct http_response *resp);
int api_coordinator_auth(struct store *s, const char *auth, struct http_response *resp);
/* A JSON {"error": msg} answer. */
void api_error(struct http_response *resp, int status, const char *msg);
/* A 303 to /login, for a web form sent without a session. */
void api_see_login(struct http_response *resp);
/* The answer of a done job (200 with per-record results, or 503). */
void hub_ingest_reply(struct hub *h, struct hub_ingest_job *job, struct http_response *resp);
#endif

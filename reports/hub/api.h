/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The hub's routes (api.c), called by main.c's libmicrohttpd server.
 */
#ifndef DOTE_HUB_API_H
#define DOTE_HUB_API_H
#include "reports/hub/hub.h"

/* Handles one complete request. resp->body is malloc'd JSON or HTML.
 * A batch of applications to store is not answered here: *job (NULL on
 * entry) is set instead; the caller suspends the request, passes the job
 * to hub_ingest_submit(), and when woken answers with hub_ingest_reply()
 * and frees it with hub_ingest_free(). */
/* kiosk: the kiosk hub_preflight authenticated for this request (id ''
 * when none), so that its token is looked up once per request. */
void hub_route(struct hub *h, const struct http_request *req, const char *auth,
	       const struct store_kiosk *kiosk, const char *idem_key, const char *if_none_match,
	       struct http_response *resp, struct hub_ingest_job **job);
/* Decides from a request's headers alone, before any of its body is
 * read: 0 to read it, with the largest body the route takes in
 * *body_limit (0: none), or -1 with the answer in resp: 401/403 without
 * a valid kiosk or coordinator token, 404/405 for an API route that does
 * not exist or takes no POST, 303 to /login for a web form without a
 * session, 503 when the database cannot tell. A kiosk's request fills
 * *kiosk (its id '' otherwise) for hub_route. */
int hub_preflight(struct hub *h, const char *method, const char *path, const char *auth,
		  const char *cookie, size_t *body_limit, struct store_kiosk *kiosk,
		  struct http_response *resp);
/* The answer of a done job (200 with per-record results, or 503). */
void hub_ingest_reply(struct hub *h, struct hub_ingest_job *job, struct http_response *resp);
#endif

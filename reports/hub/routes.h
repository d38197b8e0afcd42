/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The hub's one route table (routes.c): every path the hub answers, with
 * its methods, the largest body it takes, who may call it and its
 * handler. main.c asks hub_preflight() before reading a body and
 * hub_route() once the request is complete; `dote-hub --routes` prints
 * the table (reports/hub/README.md holds that output).
 */
#ifndef DOTE_HUB_ROUTES_H
#define DOTE_HUB_ROUTES_H
#include <stdio.h>
#include "reports/hub/hub.h"

/* Handles one complete request (see api.h's struct route_call for *job
 * and kiosk). resp->body is malloc'd JSON or HTML. */
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
/* Prints the route table as a Markdown table. */
void hub_routes_print(FILE *f);
#endif

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The hub's one route table. Each row: the methods it answers, its path
 * (exact, or a prefix), the largest body a POST may send, who may call
 * it (checked from the headers, before the body is read) and the
 * handler (api.c, which hands web pages on to reports/web/). Both the
 * check before the body (hub_preflight) and the dispatch (hub_route) are
 * lookups in it; `dote-hub --routes` prints it. Start reading at
 * routes[].
 *
 * A request no row matches gets 404, except a POST outside the API,
 * which is a web form: it is read only for someone logged in (303 to
 * /login otherwise), then answered 404.
 */
#include <string.h>
#include "reports/hub/api.h"
#include "reports/hub/pool.h"
#include "reports/hub/routes.h"
#include "reports/web/dashboard.h"

/* Who may call a route; checked before a POST's body is read. */
enum route_who {
	WHO_PUBLIC,		/* anyone */
	WHO_ENROL,		/* anyone; the enrolment code is in the body */
	WHO_KIOSK,		/* Authorization: Bearer <kiosk token> */
	WHO_COORDINATOR,	/* Authorization: Bearer <coordinator token> */
	WHO_LOGIN_FORM,		/* anyone; the login or logout form */
	WHO_SESSION,		/* a staff session cookie (the page checks the role) */
	WHO_NOBODY,		/* no such route: 404 */
};

static const char *const who_names[] = {
	"public", "enrolment code", "kiosk token", "coordinator token", "login form",
	"staff session", "nobody (404)",
};

/* Bodies of the routes that take small ones (main.c bounds the others
 * by body_max): an enrolment is a code, a key and a name; a status
 * change an id, a status and a note; a login or logout form two or
 * three fields. */
enum { ENROLL_BODY_MAX = 4096, STATUS_BODY_MAX = 65536, LOGIN_BODY_MAX = 16384 };
/* A heartbeat is small and of a fixed shape: health fields and at most
 * 1,000 usage rows of about 60 bytes (issue 21: a 4 MB heartbeat of tiny
 * rows cost the hub a 55 MB tree). */
enum { HEARTBEAT_BODY_MAX = 131072 };
#define BODY_HUB_MAX ((size_t)-1)	/* the hub's body_max */

struct route {
	const char *methods;		/* "GET HEAD", "POST"; "*": the handler decides */
	const char *path;
	int prefix;			/* 1: path is a prefix */
	size_t body;			/* largest POST body; 0: takes no POST (405) */
	enum route_who who;
	int store;			/* 1: the handler gets a pooled connection */
	void (*handle)(const struct route_call *c);
	const char *handler, *what;
};

/* Looked up in order: the first row that matches answers. */
static const struct route routes[] = {
	{ "*", "/healthz", 0, 0, WHO_PUBLIC, 0, api_healthz, "api_healthz", "`ok`" },
	{ "POST", "/v1/enroll", 0, ENROLL_BODY_MAX, WHO_ENROL, 1, api_enroll, "api_enroll",
	  "`{code, public_key, name}` -> `{kiosk_id, comune, token}`" },
	{ "POST", "/v1/applications", 0, BODY_HUB_MAX, WHO_KIOSK, 1, api_applications, "api_applications",
	  "a batch of applications, answered after the commit" },
	{ "GET HEAD", "/v1/catalog", 0, 0, WHO_PUBLIC, 1, api_catalog, "api_catalog",
	  "`?comune=ISTAT`: open calls and placements, `ETag`" },
	{ "POST", "/v1/heartbeat", 0, HEARTBEAT_BODY_MAX, WHO_KIOSK, 1, api_heartbeat, "api_heartbeat",
	  "kiosk health and usage -> status changes" },
	{ "POST", "/v1/status", 0, STATUS_BODY_MAX, WHO_COORDINATOR, 1, api_status, "api_status",
	  "an application's status changes" },
	{ "POST", "/v1/attendance", 0, BODY_HUB_MAX, WHO_KIOSK, 1, api_attendance, "api_attendance",
	  "`{events: [signed attendance token]}` -> one answer each (stored, already, refused)" },
	{ "GET HEAD", "/v1/roster", 0, 0, WHO_KIOSK, 1, api_roster, "api_roster",
	  "the trainees who may sign in at the kiosk's comune" },
	{ "*", "/v1/", 1, 0, WHO_NOBODY, 1, api_not_found, "api_not_found", "404" },
	{ "GET HEAD", "/r/", 1, 0, WHO_PUBLIC, 1, api_receipt, "api_receipt", "receipt check page" },
	{ "GET HEAD", "/R/", 1, 0, WHO_PUBLIC, 1, api_receipt, "api_receipt", "receipt check page" },
	{ "GET HEAD", "/graduatoria/", 1, 0, WHO_PUBLIC, 1, api_ranking, "api_ranking",
	  "`CODE.pdf`: a placement's final ranking (protocol numbers only), once final" },
	{ "*", "/login", 0, LOGIN_BODY_MAX, WHO_LOGIN_FORM, 0, api_dashboard, "dashboard_handle",
	  "login page and form" },
	{ "*", "/logout", 0, LOGIN_BODY_MAX, WHO_LOGIN_FORM, 0, api_dashboard, "dashboard_handle",
	  "logout form" },
	{ "*", "/dashboard", 1, BODY_HUB_MAX, WHO_SESSION, 0, api_dashboard, "dashboard_handle",
	  "dashboard, CSV, fonts" },
	{ "*", "/static/", 1, BODY_HUB_MAX, WHO_SESSION, 0, api_dashboard, "dashboard_handle",
	  "fonts (`/static/fonts/`)" },
	{ "*", "/coordinamento", 0, BODY_HUB_MAX, WHO_SESSION, 1, api_coordination, "coord_handle",
	  "coordination pages (role coordinator)" },
	{ "*", "/coordinamento/", 1, BODY_HUB_MAX, WHO_SESSION, 1, api_coordination, "coord_handle",
	  "calls, placements, network, fleet (role coordinator)" },
	{ "*", "/ufficio", 0, BODY_HUB_MAX, WHO_SESSION, 1, api_office, "office_handle",
	  "the comuni's selection pages" },
	{ "*", "/ufficio/", 1, BODY_HUB_MAX, WHO_SESSION, 1, api_office, "office_handle",
	  "applications, rankings, audit log" },
};

static const struct route *route_find(const char *path)
{
	size_t i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const struct route *r = &routes[i];

		if (r->prefix ? !strncmp(path, r->path, strlen(r->path)) : !strcmp(path, r->path))
			return r;
	}
	return NULL;
}

/* Whether the row answers method itself ("*": its handler decides). */
static int route_takes(const struct route *r, const char *method)
{
	const char *m = r->methods;
	size_t n = strlen(method);

	if (!strcmp(m, "*"))
		return 1;
	while ((m = strstr(m, method))) {
		if ((m == r->methods || m[-1] == ' ') && (m[n] == ' ' || !m[n]))
			return 1;
		m += n;
	}
	return 0;
}

/* The API's rows (JSON answers), as opposed to web pages. */
static int route_is_api(const struct route *r)
{
	return r && r->who != WHO_LOGIN_FORM && r->who != WHO_SESSION;
}

int hub_preflight(struct hub *h, const char *method, const char *path, const char *auth,
		  const char *cookie, size_t *body_limit, struct store_kiosk *kiosk,
		  struct http_response *resp)
{
	const struct route *r = route_find(path);
	struct store *s;
	int rc = 0;

	*body_limit = 0;
	kiosk->id[0] = '\0';
	if (strcmp(method, "POST"))
		return 0;	/* no body is read; the route answers (405 and the like) */
	if (!route_is_api(r)) {
		/* Web pages: the login and logout forms are small; any other
		 * form is read only for someone logged in. */
		if (r && r->who == WHO_LOGIN_FORM) {
			*body_limit = r->body;
			return 0;
		}
		rc = h->dashboard ? dashboard_session_ok(h->dashboard, cookie) : 0;
		if (rc < 0) {
			http_response_header(resp, "Retry-After", "5");
			api_error(resp, 503, "storage unavailable");
			return -1;
		}
		if (!rc) {
			api_see_login(resp);
			return -1;
		}
		*body_limit = h->body_max;
		return 0;
	}
	if (r->who == WHO_NOBODY) {
		api_error(resp, 404, "not found");
		return -1;
	}
	if (!r->body || !route_takes(r, "POST")) {
		api_error(resp, 405, "method not allowed");
		return -1;
	}
	*body_limit = r->body == BODY_HUB_MAX ? h->body_max : r->body;
	if (r->who != WHO_KIOSK && r->who != WHO_COORDINATOR)
		return 0;
	s = hub_store_get(h);
	if (!s) {
		api_error(resp, 503, "storage unavailable");
		return -1;
	}
	if (r->who == WHO_COORDINATOR) {
		rc = api_coordinator_auth(s, auth, resp);
	} else {
		rc = api_kiosk_auth(h, s, auth, kiosk, resp);
		if (rc)
			kiosk->id[0] = '\0';
	}
	hub_store_put(h, s);
	return rc ? -1 : 0;
}

void hub_route(struct hub *h, const struct http_request *req, const char *auth,
	       const struct store_kiosk *kiosk, const char *idem_key, const char *if_none_match,
	       struct http_response *resp, struct hub_ingest_job **job)
{
	const struct route *r = route_find(req->path);
	struct route_call c = { h, NULL, req, auth, idem_key, if_none_match, kiosk, resp, job };

	if (r && r->store) {
		c.s = hub_store_get(h);
		if (!c.s) {
			api_error(resp, 503, "storage unavailable");
			return;
		}
	}
	if (!r)
		api_error(resp, 404, "not found");
	else if (!route_takes(r, req->method))
		api_error(resp, 405, "method not allowed");
	else
		r->handle(&c);
	if (c.s)
		hub_store_put(h, c.s);
}

void hub_routes_print(FILE *f)
{
	size_t i;

	fprintf(f, "| Method | Path | Body | Who | Handler | Answer |\n|---|---|---|---|---|---|\n");
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const struct route *r = &routes[i];
		char body[32];

		if (!r->body)
			snprintf(body, sizeof(body), "none");
		else if (r->body == BODY_HUB_MAX)
			snprintf(body, sizeof(body), "`body_max`");
		else
			snprintf(body, sizeof(body), "%zu", r->body);
		fprintf(f, "| %s | `%s%s` | %s | %s | `%s` | %s |\n", !strcmp(r->methods, "*") ? "any" : r->methods,
			r->path, r->prefix ? "*" : "", body, who_names[r->who], r->handler, r->what);
	}
}

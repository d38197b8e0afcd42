/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * dote-hub: the central server. Reads its configuration (file + flags,
 * every number checked: a bad one stops the start with exit code 2),
 * opens a pool of database connections (SQLite file or PostgreSQL URL,
 * reports/store/store.h), and serves the HTTP API with libmicrohttpd: a thread
 * pool with internal polling, a connection limit in all and per client
 * address, per-connection memory limit and idle timeout. Routes live in
 * routes.c's table, handlers in api.c; batches of applications are
 * stored by pool.c's writer thread while their request is suspended.
 * Start reading at main().
 *
 * Guards against slow and hostile clients (issue 13): a request's route
 * and credentials are checked from its headers alone (hub_preflight)
 * before a byte of its body is read, so strangers get 401/404/413 and no
 * memory; bodies are held within one budget for all connections
 * (body_memory; 503 beyond); and each connection has a deadline for its
 * headers and one for its body that trickling does not extend (MHD's own
 * timeout restarts at every byte), tightening as the hub fills, with a
 * tenth of the slots kept for kiosks: guard.c (issue 21).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include "core/config.h"
#include "core/datetime.h"
#include "core/files.h"
#include "core/util.h"
#include "reports/hub/guard.h"
#include "reports/store/doc_key.h"
#include "reports/hub/hub.h"
#include "reports/hub/api.h"
#include "reports/hub/pool.h"
#include "reports/hub/routes.h"
#include "reports/hub/mail.h"
#include "reports/hub/retention.h"
#include "reports/web/auth.h"
#include "reports/web/dashboard.h"
#include "reports/web/html.h"


static const struct config_entry hub_config[] = {
	{ "listen", "127.0.0.1:8470", "address:port to listen on (port 0 picks a free one)" },
	{ "db", "hub.db", "SQLite database path, or postgres://user@host/dbname" },
	{ "document_key", "", "file with the secret half of the key that signs documents and makes trainees' QR codes (mode 0600; empty: DB.document-key beside a SQLite database; required with PostgreSQL, the same file on every hub)" },
	{ "threads", "4", "worker threads (each has its own database connection)" },
	{ "max_connections", "4000", "simultaneous connections accepted" },
	{ "connection_timeout", "30", "seconds before an idle connection is closed" },
	{ "connection_memory", "65536", "bytes of buffer per connection" },
	{ "body_max", "4194304", "largest request body in bytes (413 beyond)" },
	{ "rate_per_minute", "1200", "requests a kiosk may make per minute (429 beyond)" },
	{ "per_address_connections", "64", "connections one client address may hold at once (0: no limit; raise it behind a proxy)" },
	{ "header_timeout", "10", "seconds to send a request's headers, from connecting or from the previous answer (not counting while the hub has yet to read them)" },
	{ "body_timeout", "60", "seconds to send a request's body once its headers are in" },
	{ "body_memory", "67108864", "bytes of request bodies held at once, all connections together (503 beyond)" },
	{ "login_per_minute", "10", "dashboard login attempts per client address per minute (429 beyond)" },
	{ "login_total_per_minute", "60", "dashboard login attempts per minute from addresses that gave wrong passwords, all together (never counts an address that has not failed)" },
	{ "offline_days", "30", "days a kiosk may hold applications while offline: older records are refused" },
	{ "clock_ahead_seconds", "300", "seconds a kiosk's clock may run ahead of the hub's: records dated later are refused (for now)" },
	{ "quiet", "0", "1 to log only errors" },
	{ "kiosk_silent_minutes", "30", "minutes without a heartbeat before a kiosk is shown as silent (fleet page, dote kiosk list)" },
	{ "outbox_growing_minutes", "15", "minutes an outbox may only grow before it is shown as growing" },
	{ "slow_frame_ms", "200", "a kiosk frame slower than this (ms) is shown as slow" },
	{ "cookie_secure", "0", "1 when people reach the dashboard over HTTPS (a TLS proxy in front): its cookies get Secure" },
	{ "smtp_url", "", "SMTP relay for citizens' e-mail (smtp://host:587, smtps://host:465); empty: messages stay queued" },
	{ "smtp_from", "noreply@dotecomune.invalid", "sender address of the e-mail to citizens" },
	{ "smtp_user", "", "SMTP login, when the relay wants one" },
	{ "smtp_password", "", "SMTP password" },
	{ "smtp_tls", "0", "1 to require STARTTLS on smtp:// (smtps:// is always TLS)" },
	{ "mail_poll_seconds", "10", "how often the mail outbox is looked at" },
	{ "mail_retry_seconds", "300", "wait before a failed message is tried again (times the failures, up to 12)" },
	{ "retention_interval_hours", "24", "hours between erasures of applicants' personal data (as dote retention run; also at start-up); 0: never (cron does it)" },
};

struct request_state {
	char *body;
	size_t len, cap;
	size_t limit;			/* the route's largest body (hub_preflight) */
	size_t reserved;		/* bytes of the body budget held */
	int refused;			/* 413 or 503, decided while the body came */
	struct http_response *early;	/* refused from the headers; sent once the body is read */
	struct hub_ingest_job *job;	/* a batch with the writer thread */
	struct store_kiosk kiosk;	/* authenticated from the headers (id '' if none) */
	char *query;			/* the raw query string ('' if none), from on_uri */
	int query_too_long;		/* over QUERY_MAX: answered 414 */
	int started;			/* on_request has seen the headers */
};

/* A body refused from the headers is not read: the answer goes at once
 * and the connection closes. Up to this size it is read and dropped
 * instead, so that the answer is sure to reach the client (closing a
 * socket with data unread sends a reset, which may overtake the answer):
 * a kiosk told 401 or 403 for a small batch learns why. */
enum { DRAIN_MAX = 65536 };

static void body_drop(struct request_state *st)
{
	free(st->body);
	st->body = NULL;
	st->len = st->cap = 0;
	if (st->reserved) {
		guard_budget_give(st->reserved);
		/* A big body's pages go back to the system, not to an arena. */
		if (st->reserved >= 1 << 20)
			malloc_trim(0);
		st->reserved = 0;
	}
}

/* Appends a piece of the body, within the route's limit and the budget;
 * past either, the rest is read and dropped and st->refused says why. */
static void body_add(struct request_state *st, const char *data, size_t n)
{
	size_t cap;
	char *b;

	if (st->refused)
		return;
	if (n > st->limit - st->len) {
		st->refused = 413;
		body_drop(st);
		return;
	}
	if (st->len + n + 1 > st->cap) {
		/* A declared length was reserved whole: one exact allocation. */
		cap = st->reserved > st->cap ? st->reserved : st->cap ? st->cap * 2 : 16384;
		while (cap < st->len + n + 1)
			cap *= 2;
		if (cap > st->limit + 1)
			cap = st->limit + 1;
		if (cap > st->reserved) {
			if (guard_budget_take(cap - st->reserved)) {
				st->refused = 503;
				body_drop(st);
				return;
			}
			st->reserved = cap;
		}
		b = realloc(st->body, cap);
		if (!b) {
			st->refused = 503;
			body_drop(st);
			return;
		}
		st->body = b;
		st->cap = cap;
	}
	memcpy(st->body + st->len, data, n);
	st->len += n;
	st->body[st->len] = '\0';
}

struct length_scan {
	int lengths, conflict, bad, chunked;
	unsigned long long length;
};

static enum MHD_Result scan_length(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct length_scan *ls = cls;
	unsigned long long n;
	char *end;

	if (!strcasecmp(key, "Content-Length")) {
		errno = 0;
		n = strtoull(value, &end, 10);
		if (!isdigit((unsigned char)*value) || *end || errno)
			ls->bad = 1;
		else if (ls->lengths && n != ls->length)
			ls->conflict = 1;
		ls->length = n;
		ls->lengths++;
	} else if (!strcasecmp(key, "Transfer-Encoding")) {
		ls->chunked = 1;
	}
	return MHD_YES;
}

static void preflight_refuse(struct http_response *resp, int status, const char *json)
{
	resp->status = status;
	str_copy(resp->content_type, sizeof(resp->content_type), "application/json");
	resp->body = strdup(json);
	resp->body_len = resp->body ? strlen(resp->body) : 0;
	if (status == 503)
		http_response_header(resp, "Retry-After", "5");
}

/* A request's headers are in, none of its body: 0 to go on and read the
 * body, 1 with the answer in resp (then the body is never read), or 2
 * with the answer in resp to send once a small body is read and dropped. */
static int preflight(struct hub *h, struct MHD_Connection *c, const char *method, const char *url,
		     struct request_state *st, struct http_response *resp)
{
	struct length_scan ls;
	int drain;

	memset(&ls, 0, sizeof(ls));
	MHD_get_connection_values(c, MHD_HEADER_KIND, scan_length, &ls);
	/* Two parsers of one request must not disagree on where it ends
	 * (request smuggling through a proxy): RFC 9112, section 6.3. */
	if (ls.bad || ls.conflict || (ls.lengths && ls.chunked)) {
		preflight_refuse(resp, 400, ls.chunked ? "{\"error\":\"Content-Length and Transfer-Encoding together\"}"
				 : "{\"error\":\"conflicting or malformed Content-Length headers\"}");
		return 1;
	}
	drain = ls.lengths && ls.length && ls.length <= DRAIN_MAX ? 2 : 1;
	if (st->query_too_long) {
		preflight_refuse(resp, 414, "{\"error\":\"query string too long\"}");
		return drain;
	}
	if (hub_preflight(h, method, url, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization"),
			  MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Cookie"), &st->limit, &st->kiosk, resp))
		return drain;
	if (ls.lengths && ls.length > st->limit) {
		preflight_refuse(resp, 413, st->limit ? "{\"error\":\"request body too large\"}"
				 : "{\"error\":\"this request takes no body\"}");
		return drain;
	}
	if (ls.lengths && ls.length) {
		if (guard_budget_take((size_t)ls.length + 1)) {
			preflight_refuse(resp, 503, "{\"error\":\"too many requests in progress; retry later\"}");
			return drain;
		}
		st->reserved = (size_t)ls.length + 1;
	}
	return 0;
}

/* A person uploading a file through a web page (a call's table) reads
 * the refusal in a browser: an Italian page, not the API's JSON. */
static void too_big_page(const struct hub *h, const char *url, struct http_response *resp)
{
	if (resp->status == 413 && strncmp(url, "/v1/", 4))
		html_too_big_page(resp, h->body_max >> 20);
}

/* The longest query string a request may carry (414 beyond): longer
 * than any link the pages write, and never cut. */
enum { QUERY_MAX = 8192 };

/* MHD calls this with the request line's target before it parses it:
 * the query string is kept as the client sent it and reaches the pages
 * as http_request.query (decoded once, by http_query_get). The state
 * returned is the request's *con_cls. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct request_state *st = calloc(1, sizeof(*st));
	const char *q = uri ? strchr(uri, '?') : NULL;

	if (!st)
		return NULL;
	q = q ? q + 1 : "";
	st->query_too_long = strlen(q) > QUERY_MAX;
	st->query = strdup(st->query_too_long ? "" : q);
	if (!st->query) {
		free(st);
		return NULL;
	}
	return st;
}

static enum MHD_Result send_response(struct MHD_Connection *c, struct http_response *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	int i;

	r = MHD_create_response_from_buffer(resp->body_len, resp->body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(resp->body);
		return MHD_NO;
	}
	resp->body = NULL;
	MHD_add_response_header(r, "Content-Type",
				*resp->content_type ? resp->content_type : "text/html; charset=utf-8");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	for (i = 0; i < resp->n_headers; i++)
		MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
	ret = MHD_queue_response(c, (unsigned)(resp->status ? resp->status : 200), r);
	MHD_destroy_response(r);
	return ret;
}

/* The writer thread has committed (or failed) a suspended request's
 * batch: MHD calls on_request again, which answers. */
static void wake_connection(void *arg)
{
	MHD_resume_connection(arg);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct hub *h = cls;
	struct request_state *st = *con_cls;
	struct http_response resp;
	struct http_request req;
	const char *v;

	if (!st || !st->started) {
		if (!st) {
			st = calloc(1, sizeof(*st));
			if (!st)
				return MHD_NO;
			*con_cls = st;
		}
		st->started = 1;
		guard_phase(c, GUARD_BODY);
		memset(&resp, 0, sizeof(resp));
		int pf = preflight(h, c, method, url, st, &resp);

		if (st->kiosk.id[0])
			guard_trust(c);

		if (pf)
			too_big_page(h, url, &resp);
		switch (pf) {
		case 0:
			return MHD_YES;
		case 2:
			st->early = malloc(sizeof(*st->early));
			if (st->early) {
				*st->early = resp;
				st->refused = -1;	/* read and drop the body */
				return MHD_YES;
			}
			/* fall through */
		default:
			return send_response(c, &resp);
		}
	}
	if (*upload_size) {
		guard_body_bytes(c, *upload_size);
		body_add(st, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	/* All of the request is in: no deadline while it is handled,
	 * stored and answered. */
	guard_phase(c, GUARD_HANDLED);
	memset(&resp, 0, sizeof(resp));
	if (st->job) {
		hub_ingest_reply(h, st->job, &resp);
		hub_ingest_free(st->job);
		st->job = NULL;
		return send_response(c, &resp);
	}
	if (st->early) {
		resp = *st->early;
		free(st->early);
		st->early = NULL;
		return send_response(c, &resp);
	}
	if (st->refused) {
		preflight_refuse(&resp, st->refused, st->refused == 413 ? "{\"error\":\"request body too large\"}"
				 : "{\"error\":\"too many requests in progress; retry later\"}");
		too_big_page(h, url, &resp);
		return send_response(c, &resp);
	}
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.path = url;
	req.query = st->query ? st->query : "";
	req.body = st->body ? st->body : "";
	req.body_len = st->len;
	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	req.content_type = v ? v : "";
	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Cookie");
	req.cookie = v ? v : "";
	req.remote_addr = "127.0.0.1";
	{
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		static __thread char addr[INET6_ADDRSTRLEN];

		if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET &&
		    inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr,
			      addr, sizeof(addr)))
			req.remote_addr = addr;
	}
	hub_route(h, &req, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization"), &st->kiosk,
		  MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key"),
		  MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match"), &resp,
		  &st->job);
	if (st->job) {
		/* A batch to store: this thread goes on serving its other
		 * connections while the writer thread commits. Suspended
		 * before it is queued, so the wake-up cannot come first. */
		body_drop(st);
		MHD_suspend_connection(c);
		hub_ingest_submit(h, st->job, wake_connection, c);
		return MHD_YES;
	}
	return send_response(c, &resp);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct request_state *st = *con_cls;

	if (st) {
		hub_ingest_free(st->job);
		if (st->early)
			free(st->early->body);
		free(st->early);
		body_drop(st);
		free(st->query);
		free(st);
		*con_cls = NULL;
	}
	/* The connection waits for its next request's headers. */
	guard_phase(c, GUARD_HEADERS);
}

static void usage(const struct config *cfg, FILE *f)
{
	fprintf(f, "usage: dote-hub [--config FILE] [--db URL] [--listen ADDR:PORT] [--threads N]\n"
		   "                [--port-file FILE] [--set KEY=VALUE] [--quiet]\n"
		   "       dote-hub --routes\n"
		   "       dote-hub --db URL --load-catalog SQLITE_DB\n\n"
		   "The DoteComune central hub: receives applications from the kiosks,\n"
		   "publishes each comune's catalog, checks receipts (/r/TOKEN) and serves\n"
		   "the coordinators' API and dashboard. SQLite by default; give\n"
		   "--db postgres://... to run several hubs on one PostgreSQL.\n\n"
		   "  --load-catalog DB  copy calls and placements from a SQLite catalog\n"
		   "                     (e.g. one built by `dote demo`) into the hub database\n"
		   "  --port-file FILE   write the port actually bound (useful with port 0)\n"
		   "  --routes           print the route table (Markdown) and exit\n\n"
		   "Configuration keys (file lines 'key = value', or --set key=value):\n");
	config_describe(cfg, f);
}

static int parse_listen(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	char *end;
	long port;

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return error("configuration: listen must be ADDRESS:PORT, like 127.0.0.1:8470");
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (!isdigit((unsigned char)colon[1]) || *end || errno || port < 0 || port > 65535 ||
	    inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return error("configuration: bad listen address '%.80s' (ADDRESS:PORT, port 0 to 65535)", s);
	return 0;
}

/* Every number of the configuration (config keys of similar names). */
struct hub_numbers {
	long threads, max_conn, conn_timeout, conn_memory, body_max, body_memory, rate, quiet, secure;
	long per_addr, header_timeout, body_timeout, login_addr, login_all, smtp_tls, mail_poll, mail_retry;
	long silent, growing, slow_frame, keep_hours, offline_days, clock_ahead;
};

/* Reads and checks every number of cfg into n: 0, or -1 (said why). */
static int read_numbers(struct config *cfg, struct hub_numbers *n)
{
	/* Every number of the configuration, with the values that make
	 * sense: anything else stops the start (exit code 2), so that a typo
	 * never starts a hub that answers nothing or takes any body. */
	const struct {
		const char *key;
		long min, max, *value;
	} numbers[] = {
		{ "threads", 1, 64, &n->threads },
		{ "max_connections", 1, 1000000, &n->max_conn },
		{ "connection_timeout", 1, 3600, &n->conn_timeout },
		{ "connection_memory", 8192, 16L << 20, &n->conn_memory },
		{ "body_max", 1024, 1L << 30, &n->body_max },
		{ "body_memory", 1024, 1L << 36, &n->body_memory },
		{ "rate_per_minute", 0, 1000000, &n->rate },
		{ "quiet", 0, 1, &n->quiet },
		{ "cookie_secure", 0, 1, &n->secure },
		{ "per_address_connections", 0, 1000000, &n->per_addr },
		{ "header_timeout", 1, 3600, &n->header_timeout },
		{ "body_timeout", 1, 86400, &n->body_timeout },
		{ "login_per_minute", 1, 100000, &n->login_addr },
		{ "login_total_per_minute", 1, 1000000, &n->login_all },
		{ "smtp_tls", 0, 1, &n->smtp_tls },
		{ "mail_poll_seconds", 1, 3600, &n->mail_poll },
		{ "mail_retry_seconds", 1, 86400, &n->mail_retry },
		{ "retention_interval_hours", 0, 8760, &n->keep_hours },
		{ "kiosk_silent_minutes", 0, 1000000, &n->silent },
		{ "outbox_growing_minutes", 0, 1000000, &n->growing },
		{ "slow_frame_ms", 0, 1000000, &n->slow_frame },
		{ "offline_days", 1, 3650, &n->offline_days },
		{ "clock_ahead_seconds", 0, 86400, &n->clock_ahead },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(numbers); i++)
		if (config_long(cfg, numbers[i].key, numbers[i].min, numbers[i].max, numbers[i].value))
			return -1;
	if (n->body_memory < n->body_max)
		return error("configuration: body_memory (%ld) must be at least body_max (%ld)", n->body_memory,
			     n->body_max);
	return 0;
}

/* The command line into cfg, *port_file and *load: 0 to go on, 1 when
 * it was answered here (--help, --version, --routes), -1 on an error. */
static int parse_args(struct config *cfg, int argc, char **argv, const char **port_file, const char **load)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(cfg, stdout);
			return 1;
		} else if (!strcmp(a, "--routes")) {
			hub_routes_print(stdout);
			return 1;
		} else if (!strcmp(a, "--version")) {
			printf("dote-hub %s\n", DOTE_VERSION);
			return 1;
		} else if (!strcmp(a, "--quiet")) {
			config_set(cfg, "quiet", "1");
			continue;
		}
		if (!val) {
			usage(cfg, stderr);
			return -1;
		}
		if (!strcmp(a, "--config")) {
			if (config_load(cfg, val, 0))
				return -1;
		} else if (!strcmp(a, "--db") || !strcmp(a, "--listen") || !strcmp(a, "--threads")) {
			if (config_set(cfg, a + 2, val))
				return -1;
		} else if (!strcmp(a, "--port-file")) {
			*port_file = val;
		} else if (!strcmp(a, "--load-catalog")) {
			*load = val;
		} else if (!strcmp(a, "--set")) {
			char kv[512], *eq;

			str_copy(kv, sizeof(kv), val);
			eq = strchr(kv, '=');
			if (!eq) {
				error("--set needs KEY=VALUE");
				return -1;
			}
			*eq = '\0';
			if (config_set(cfg, kv, eq + 1))
				return -1;
		} else {
			error("unknown option '%s'", a);
			usage(cfg, stderr);
			return -1;
		}
		i++;
	}
	return 0;
}

/* Starts the threads that send citizens' e-mail and erase old personal
 * data: 0, or -1. */
static int start_mail(struct hub *h, struct config *cfg, const struct hub_numbers *n, struct hub_mail *mail,
		      struct hub_retention *keep)
{
	str_copy(mail->db_url, sizeof(mail->db_url), h->db_url);
	str_copy(mail->url, sizeof(mail->url), config_get(cfg, "smtp_url"));
	str_copy(mail->from, sizeof(mail->from), config_get(cfg, "smtp_from"));
	str_copy(mail->user, sizeof(mail->user), config_get(cfg, "smtp_user"));
	str_copy(mail->password, sizeof(mail->password), config_get(cfg, "smtp_password"));
	mail->tls = (int)n->smtp_tls;
	mail->poll_seconds = (int)n->mail_poll;
	mail->retry_seconds = (int)n->mail_retry;
	mail->quiet = h->quiet;
	if (hub_mail_start(mail))
		return -1;
	str_copy(keep->db_url, sizeof(keep->db_url), h->db_url);
	keep->interval_hours = (int)n->keep_hours;
	keep->quiet = h->quiet;
	if (hub_retention_start(keep))
		return -1;
	return 0;
}

/* The libmicrohttpd server on sa, with its limits; NULL on failure. */
static struct MHD_Daemon *start_server(struct hub *h, const struct sockaddr_in *sa, const struct hub_numbers *n)
{
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME |
			     (h->quiet ? 0 : MHD_USE_ERROR_LOG),
			     0, NULL, NULL, on_request, h,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)sa,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(n->threads > 1 ? n->threads : 0),
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)n->max_conn,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)n->per_addr,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)n->conn_timeout,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)n->conn_memory,
			     MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096u,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
			     MHD_OPTION_NOTIFY_CONNECTION, guard_on_connection, h,
			     MHD_OPTION_URI_LOG_CALLBACK, on_uri, h,
			     MHD_OPTION_END);
}

/* Says where the hub listens (and writes the port to port_file): 0, or -1. */
static int say_listening(const struct hub *h, struct MHD_Daemon *d, const struct sockaddr_in *sa,
			 const char *port_file)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	unsigned port = info ? info->port : ntohs(sa->sin_port);
	char pbuf[16];

	fprintf(stderr, "dote-hub %s listening on %s:%u, database %s\n", DOTE_VERSION,
		inet_ntoa(sa->sin_addr), port,
		strncmp(h->db_url, "postgres", 8) ? h->db_url : "PostgreSQL");
	snprintf(pbuf, sizeof(pbuf), "%u\n", port);
	if (port_file && file_write_atomic(port_file, pbuf, strlen(pbuf), 0644))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static struct hub hub;
	struct hub *h = &hub;
	struct config cfg;
	struct MHD_Daemon *d = NULL;
	struct sockaddr_in sa;
	const char *port_file = NULL, *load = NULL;
	sigset_t sigs;
	struct rlimit rl;
	struct hub_numbers n;
	/* 2 until the configuration is known good: a bad command line or
	 * configuration; 1 for any later failure. */
	int rc = 2, sig;
	static struct hub_mail mail;
	struct guard_limits limits;
	static struct hub_retention keep;

	/* Before SQLite starts: no global memory statistics, so its
	 * allocations take no process-wide mutex under load. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* Request bodies and big parses in pages of their own, returned to
	 * the system when freed: glibc would otherwise raise its threshold
	 * after the first free and keep attack-sized arenas for good. */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	config_init(&cfg, hub_config, ARRAY_SIZE(hub_config));
	switch (parse_args(&cfg, argc, argv, &port_file, &load)) {
	case 1:
		config_release(&cfg);
		return 0;
	case -1:
		goto out;
	}
	str_copy(h->db_url, sizeof(h->db_url), config_get(&cfg, "db"));
	if (*config_get(&cfg, "document_key") && setenv("DOTE_HUB_KEY", config_get(&cfg, "document_key"), 1))
		goto out;
	if (read_numbers(&cfg, &n))
		goto out;
	if (parse_listen(config_get(&cfg, "listen"), &sa))
		goto out;
	rc = 1;
	h->body_max = (size_t)n.body_max;
	h->rate_per_minute = (int)n.rate;
	h->quiet = (int)n.quiet;
	h->kiosk_silent_minutes = (int)n.silent;
	h->outbox_growing_minutes = (int)n.growing;
	h->slow_frame_ms = (int)n.slow_frame;
	limits.max_connections = n.max_conn;
	limits.header_ms = n.header_timeout * 1000;
	limits.body_ms = n.body_timeout * 1000;
	limits.body_memory = (size_t)n.body_memory;
	limits.quiet = (int)n.quiet;
	auth_set_limits((int)n.login_addr, (int)n.login_all);
	if (load) {
		struct store *s = store_open(h->db_url);
		int loaded = s ? store_catalog_copy(s, load) : -1;

		store_close(s);
		if (loaded < 0)
			goto out;
		printf("%d placements loaded\n", loaded);
		rc = 0;
		goto out;
	}
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	rate_table_init(&h->rate, 0);
	if (hub_pool_open(h, (int)n.threads, (int)n.offline_days, (int)n.clock_ahead))
		goto out;
	/* A document key left in the database by an older hub goes to its
	 * file (reports/store/doc_key.h); a failure is retried at the next
	 * signature. */
	if (doc_key_move(h->writer))
		error("the document key is still in the database (see the error above)");
	h->dashboard = dashboard_hub_new(h->db_url);
	if (h->dashboard && n.secure)
		dashboard_set_secure_cookies(h->dashboard, 1);
	/* Signals are taken by sigwait() below, in this thread only. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (hub_writer_start(h))
		goto out;
	if (guard_start(&limits))
		goto out;
	if (start_mail(h, &cfg, &n, &mail, &keep))
		goto out;
	d = start_server(h, &sa, &n);
	if (!d) {
		error("cannot listen on %s: %s", config_get(&cfg, "listen"), strerror(errno));
		goto out;
	}
	if (say_listening(h, d, &sa, port_file))
		goto out;
	while (!sigwait(&sigs, &sig) && sig == SIGHUP)
		;
	fprintf(stderr, "dote-hub stopping\n");
	rc = 0;
out:
	/* Everything queued is stored and answered before the server stops
	 * (a suspended connection must not outlive the daemon). */
	hub_writer_stop(h);
	guard_stop();
	hub_mail_stop(&mail);
	hub_retention_stop(&keep);
	if (d)
		MHD_stop_daemon(d);
	dashboard_free(h->dashboard);
	hub_pool_close(h);
	rate_table_release(&h->rate);
	config_release(&cfg);
	return rc;
}

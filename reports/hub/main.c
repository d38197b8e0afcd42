/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * dote-hub: the central server. Reads its configuration (file + flags),
 * opens a pool of database connections (SQLite file or PostgreSQL URL,
 * reports/store/store.h), and serves the HTTP API with libmicrohttpd: a thread
 * pool with internal polling, a connection limit, per-connection memory
 * limit and timeout, request bodies bounded by body_max. Routes live in
 * api.c; batches of applications are stored by api.c's writer thread
 * while their request is suspended. Start reading at main().
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "core/config.h"
#include "core/util.h"
#include "reports/hub/hub.h"

#if __has_include("reports/web/dashboard.h")
#include "reports/web/dashboard.h"
#define HAVE_DASHBOARD 1
#else
#define HAVE_DASHBOARD 0
#endif

static const struct config_entry hub_config[] = {
	{ "listen", "127.0.0.1:8470", "address:port to listen on (port 0 picks a free one)" },
	{ "db", "hub.db", "SQLite database path, or postgres://user@host/dbname" },
	{ "threads", "4", "worker threads (each has its own database connection)" },
	{ "max_connections", "4000", "simultaneous connections accepted" },
	{ "connection_timeout", "30", "seconds before an idle connection is closed" },
	{ "connection_memory", "65536", "bytes of buffer per connection" },
	{ "body_max", "4194304", "largest request body in bytes (413 beyond)" },
	{ "rate_per_minute", "1200", "requests a kiosk may make per minute (429 beyond)" },
	{ "quiet", "0", "1 to log only errors" },
	{ "kiosk_silent_minutes", "30", "minutes without a heartbeat before a kiosk is shown as silent (fleet page, dote kiosk list)" },
	{ "outbox_growing_minutes", "15", "minutes an outbox may only grow before it is shown as growing" },
	{ "slow_frame_ms", "200", "a kiosk frame slower than this (ms) is shown as slow" },
	{ "cookie_secure", "0", "1 when people reach the dashboard over HTTPS (a TLS proxy in front): its cookies get Secure" },
};

struct request_state {
	char *body;
	size_t len, cap;
	int too_big;
	struct hub_ingest_job *job;	/* a batch with the writer thread */
};

struct store *hub_store_get(struct hub *h)
{
	struct store *s = NULL;
	int i;

	pthread_mutex_lock(&h->pool_lock);
	for (;;) {
		for (i = 0; i < h->pool_n; i++)
			if (!h->pool_busy[i]) {
				h->pool_busy[i] = 1;
				s = h->pool[i];
				break;
			}
		if (s)
			break;
		pthread_cond_wait(&h->pool_free, &h->pool_lock);
	}
	pthread_mutex_unlock(&h->pool_lock);
	return s;
}

void hub_store_put(struct hub *h, struct store *s)
{
	int i;

	pthread_mutex_lock(&h->pool_lock);
	for (i = 0; i < h->pool_n; i++)
		if (h->pool[i] == s)
			h->pool_busy[i] = 0;
	pthread_cond_signal(&h->pool_free);
	pthread_mutex_unlock(&h->pool_lock);
}

/* Rebuilds the raw query string from MHD's decoded arguments. */
struct query_buf {
	char buf[2048];
	size_t len;
};

static void put_encoded(struct query_buf *q, const char *s)
{
	static const char hexd[] = "0123456789ABCDEF";

	for (; s && *s && q->len + 4 < sizeof(q->buf); s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			q->buf[q->len++] = (char)c;
		} else {
			q->buf[q->len++] = '%';
			q->buf[q->len++] = hexd[c >> 4];
			q->buf[q->len++] = hexd[c & 15];
		}
	}
	q->buf[q->len] = '\0';
}

static enum MHD_Result query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	struct query_buf *q = cls;

	if (q->len && q->len + 1 < sizeof(q->buf))
		q->buf[q->len++] = '&';
	put_encoded(q, key);
	if (q->len + 1 < sizeof(q->buf))
		q->buf[q->len++] = '=';
	put_encoded(q, value);
	return MHD_YES;
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
	struct query_buf q;
	const char *v;

	if (!st) {
		st = calloc(1, sizeof(*st));
		if (!st)
			return MHD_NO;
		*con_cls = st;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!st->too_big && st->len + *upload_size > h->body_max) {
			st->too_big = 1;
			free(st->body);
			st->body = NULL;
			st->len = st->cap = 0;
		}
		if (!st->too_big) {
			if (st->len + *upload_size + 1 > st->cap) {
				size_t cap = st->cap ? st->cap : 16384;
				char *b;

				while (cap < st->len + *upload_size + 1)
					cap *= 2;
				b = realloc(st->body, cap);
				if (!b)
					return MHD_NO;
				st->body = b;
				st->cap = cap;
			}
			memcpy(st->body + st->len, upload_data, *upload_size);
			st->len += *upload_size;
			st->body[st->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	memset(&resp, 0, sizeof(resp));
	if (st->job) {
		hub_ingest_reply(h, st->job, &resp);
		hub_ingest_free(st->job);
		st->job = NULL;
		return send_response(c, &resp);
	}
	if (st->too_big) {
		resp.status = 413;
		str_copy(resp.content_type, sizeof(resp.content_type), "application/json");
		resp.body = strdup("{\"error\":\"request body too large\"}");
		/* A person uploading a file reads the answer in a browser. */
		if (strncmp(url, "/v1/", 4)) {
			char page[400];

			snprintf(page, sizeof(page), "<!DOCTYPE html><html lang=\"it\"><meta charset=\"utf-8\">"
				 "<title>File troppo grande</title><h1>File troppo grande</h1><p>Il file inviato supera"
				 " il limite di %zu MB: nulla è cambiato.</p><p><a href=\"/coordinamento/avvisi\">"
				 "Torna agli avvisi</a></p></html>", h->body_max >> 20);
			free(resp.body);
			resp.body = strdup(page);
			str_copy(resp.content_type, sizeof(resp.content_type), "text/html; charset=utf-8");
		}
		resp.body_len = resp.body ? strlen(resp.body) : 0;
		return send_response(c, &resp);
	}
	memset(&q, 0, sizeof(q));
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_arg, &q);
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.path = url;
	req.query = q.buf;
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
	hub_route(h, &req, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization"),
		  MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key"),
		  MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match"), &resp,
		  &st->job);
	if (st->job) {
		/* A batch to store: this thread goes on serving its other
		 * connections while the writer thread commits. Suspended
		 * before it is queued, so the wake-up cannot come first. */
		free(st->body);
		st->body = NULL;
		st->len = st->cap = 0;
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
		free(st->body);
		free(st);
		*con_cls = NULL;
	}
}

static void usage(const struct config *cfg, FILE *f)
{
	fprintf(f, "usage: dote-hub [--config FILE] [--db URL] [--listen ADDR:PORT] [--threads N]\n"
		   "                [--port-file FILE] [--set KEY=VALUE] [--quiet]\n"
		   "       dote-hub --db URL --load-catalog SQLITE_DB\n\n"
		   "The DoteComune central hub: receives applications from the kiosks,\n"
		   "publishes each comune's catalog, checks receipts (/r/TOKEN) and serves\n"
		   "the coordinators' API and dashboard. SQLite by default; give\n"
		   "--db postgres://... to run several hubs on one PostgreSQL.\n\n"
		   "  --load-catalog DB  copy calls and placements from a SQLite catalog\n"
		   "                     (e.g. one built by `dote demo`) into the hub database\n"
		   "  --port-file FILE   write the port actually bound (useful with port 0)\n\n"
		   "Configuration keys (file lines 'key = value', or --set key=value):\n");
	config_describe(cfg, f);
}

static int parse_listen(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	long port;

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return error("listen must be ADDRESS:PORT, like 127.0.0.1:8470");
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, NULL, 10);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (port < 0 || port > 65535 || inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return error("bad listen address '%s'", s);
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
	int i, rc = 1, sig, threads;

	/* Before SQLite starts: no global memory statistics, so its
	 * allocations take no process-wide mutex under load. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	config_init(&cfg, hub_config, ARRAY_SIZE(hub_config));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(&cfg, stdout);
			config_release(&cfg);
			return 0;
		} else if (!strcmp(a, "--version")) {
			printf("dote-hub %s\n", DOTE_VERSION);
			config_release(&cfg);
			return 0;
		} else if (!strcmp(a, "--quiet")) {
			config_set(&cfg, "quiet", "1");
			continue;
		}
		if (!val) {
			usage(&cfg, stderr);
			goto out;
		}
		if (!strcmp(a, "--config")) {
			if (config_load(&cfg, val, 0))
				goto out;
		} else if (!strcmp(a, "--db") || !strcmp(a, "--listen") || !strcmp(a, "--threads")) {
			if (config_set(&cfg, a + 2, val))
				goto out;
		} else if (!strcmp(a, "--port-file")) {
			port_file = val;
		} else if (!strcmp(a, "--load-catalog")) {
			load = val;
		} else if (!strcmp(a, "--set")) {
			char kv[512], *eq;

			str_copy(kv, sizeof(kv), val);
			eq = strchr(kv, '=');
			if (!eq) {
				error("--set needs KEY=VALUE");
				goto out;
			}
			*eq = '\0';
			if (config_set(&cfg, kv, eq + 1))
				goto out;
		} else {
			error("unknown option '%s'", a);
			usage(&cfg, stderr);
			goto out;
		}
		i++;
	}
	str_copy(h->db_url, sizeof(h->db_url), config_get(&cfg, "db"));
	h->body_max = (size_t)config_int(&cfg, "body_max");
	h->rate_per_minute = (int)config_int(&cfg, "rate_per_minute");
	h->quiet = (int)config_int(&cfg, "quiet");
	h->kiosk_silent_minutes = (int)config_int(&cfg, "kiosk_silent_minutes");
	h->outbox_growing_minutes = (int)config_int(&cfg, "outbox_growing_minutes");
	h->slow_frame_ms = (int)config_int(&cfg, "slow_frame_ms");
	threads = (int)config_int(&cfg, "threads");
	if (threads < 1 || threads > 64 || h->body_max < 1024) {
		error("threads must be 1..64 and body_max at least 1024");
		goto out;
	}
	if (load) {
		struct store *s = store_open(h->db_url);
		int n = s ? store_catalog_copy(s, load) : -1;

		store_close(s);
		if (n < 0)
			goto out;
		printf("%d placements loaded\n", n);
		rc = 0;
		goto out;
	}
	if (parse_listen(config_get(&cfg, "listen"), &sa))
		goto out;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	pthread_mutex_init(&h->pool_lock, NULL);
	pthread_cond_init(&h->pool_free, NULL);
	pthread_mutex_init(&h->write_lock, NULL);
	pthread_mutex_init(&h->rate_lock, NULL);
	pthread_mutex_init(&h->ingest_lock, NULL);
	pthread_cond_init(&h->ingest_ready, NULL);
	pthread_mutex_init(&h->ckpt_lock, NULL);
	pthread_cond_init(&h->ckpt_wake, NULL);
	h->pool_n = threads;
	h->pool = calloc((size_t)threads, sizeof(*h->pool));
	h->pool_busy = calloc((size_t)threads, sizeof(int));
	if (!h->pool || !h->pool_busy)
		goto out;
	for (i = 0; i < threads; i++) {
		h->pool[i] = store_open(h->db_url);
		if (!h->pool[i])
			goto out;
	}
	h->writer = store_open(h->db_url);
	if (!h->writer)
		goto out;
#if HAVE_DASHBOARD
	h->dashboard = dashboard_hub_new(h->db_url);
	if (h->dashboard && config_int(&cfg, "cookie_secure"))
		dashboard_set_secure_cookies(h->dashboard, 1);
#endif
	/* Signals are taken by sigwait() below, in this thread only. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (hub_writer_start(h))
		goto out;
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME |
			     (h->quiet ? 0 : MHD_USE_ERROR_LOG),
			     0, NULL, NULL, on_request, h,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(threads > 1 ? threads : 0),
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)config_int(&cfg, "max_connections"),
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)config_int(&cfg, "connection_timeout"),
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)config_int(&cfg, "connection_memory"),
			     MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096u,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
			     MHD_OPTION_END);
	if (!d) {
		error("cannot listen on %s: %s", config_get(&cfg, "listen"), strerror(errno));
		goto out;
	}
	{
		const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
		unsigned port = info ? info->port : ntohs(sa.sin_port);
		char pbuf[16];

		fprintf(stderr, "dote-hub %s listening on %s:%u, database %s\n", DOTE_VERSION,
			inet_ntoa(sa.sin_addr), port,
			strncmp(h->db_url, "postgres", 8) ? h->db_url : "PostgreSQL");
		snprintf(pbuf, sizeof(pbuf), "%u\n", port);
		if (port_file && file_write_atomic(port_file, pbuf, strlen(pbuf), 0644))
			goto out;
	}
	while (!sigwait(&sigs, &sig) && sig == SIGHUP)
		;
	fprintf(stderr, "dote-hub stopping\n");
	rc = 0;
out:
	/* Everything queued is stored and answered before the server stops
	 * (a suspended connection must not outlive the daemon). */
	hub_writer_stop(h);
	if (d)
		MHD_stop_daemon(d);
#if HAVE_DASHBOARD
	dashboard_free(h->dashboard);
#endif
	for (i = 0; h->pool && i < h->pool_n; i++)
		store_close(h->pool[i]);
	store_close(h->writer);
	free(h->pool);
	free(h->pool_busy);
	config_release(&cfg);
	return rc;
}

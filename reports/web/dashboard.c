/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The dashboard (see dashboard.h). Start reading at dashboard_handle():
 * it routes to the login form, logout, the statistics view, the CSV
 * download and the fonts. The view (view_page) runs a handful of
 * reports from the rollups for the current level (Italy, region,
 * province, comune) and filters, and renders them as charts and tables.
 *
 * The hub's database may be SQLite or PostgreSQL: every query goes
 * through a struct store (reports/store/store.h), with a small pool of
 * connections of its own.
 *
 * Security: every form is protected against CSRF (a per-session token;
 * before login a double-submit token in a SameSite=Strict cookie),
 * cookies are HttpOnly and SameSite=Strict (and Secure when the hub is
 * reached over HTTPS: dashboard_set_secure_cookies), pages are no-store and carry
 * a Content-Security-Policy that allows no scripts; every value shown is
 * HTML-escaped and every input is bounded and validated.
 *
 * Disclosure control (docs/reports.md): every view and every CSV is
 * protected by the cell key method. Exact counts appear only on pages
 * marked "uso interno" (?interno=1): for coordinators anywhere, for
 * comune staff on their own comune only; the CSV download is always
 * protected, whatever the page.
 */
#include "reports/web/dashboard.h"
#include "reports/web/auth.h"
#include "reports/web/html.h"
#include "reports/web/report_html.h"
#include "reports/stats/report.h"
#include "reports/store/rollup.h"
#include "reports/store/store.h"
#include "core/comuni.h"
#include "core/db.h"
#include "core/files.h"
#include "core/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { POOL = 8, PAGE_MAX = 8u << 20, FORM_MAX = 4096 };

struct dashboard_ctx {
	char url[1024];
	pthread_mutex_t lock;
	struct store *conn[POOL];
	int open[POOL], busy[POOL];
	int secure_cookies;		/* add Secure to every cookie */
};

struct dashboard_ctx *dashboard_new(const char *db_url)
{
	struct dashboard_ctx *d = calloc(1, sizeof(*d));
	const char *env = getenv("DOTE_DASHBOARD_SECURE_COOKIES");

	if (!d)
		return NULL;
	if (str_copy(d->url, sizeof(d->url), db_url) >= sizeof(d->url)) {
		free(d);
		return NULL;
	}
	d->secure_cookies = env && !strcmp(env, "1");
	pthread_mutex_init(&d->lock, NULL);
	comuni_count();		/* parse the comuni table before any worker thread needs it */
	d->conn[0] = store_open_existing(db_url, 0);
	if (!d->conn[0] || auth_migrate(d->conn[0]) || report_rollups_check(d->conn[0])) {
		store_close(d->conn[0]);
		pthread_mutex_destroy(&d->lock);
		free(d);
		return NULL;
	}
	d->open[0] = 1;
	return d;
}

void dashboard_set_secure_cookies(struct dashboard_ctx *d, int on)
{
	if (d)
		d->secure_cookies = on != 0;
}

void dashboard_free(struct dashboard_ctx *d)
{
	if (!d)
		return;
	for (int i = 0; i < POOL; i++) {
		if (!d->open[i])
			continue;
		store_close(d->conn[i]);	/* SQLite: releases its rollup statements too */
	}
	pthread_mutex_destroy(&d->lock);
	free(d);
}

void *dashboard_hub_new(const char *db_url)
{
	return dashboard_new(db_url);
}

static struct store *conn_get(struct dashboard_ctx *d, int *slot)
{
	struct store *db = NULL;

	pthread_mutex_lock(&d->lock);
	for (int i = 0; i < POOL; i++)
		if (!d->busy[i]) {
			if (!d->open[i])
				d->open[i] = (d->conn[i] = store_open_existing(d->url, 0)) != NULL;
			if (d->open[i]) {
				d->busy[i] = 1;
				*slot = i;
				db = d->conn[i];
			}
			break;
		}
	pthread_mutex_unlock(&d->lock);
	return db;
}

/* Returns a connection to the pool; a PostgreSQL connection that just
 * failed is closed, so the next request connects afresh (the server
 * restarted, or a failover moved it). */
static void conn_put(struct dashboard_ctx *d, int slot, int failed)
{
	pthread_mutex_lock(&d->lock);
	if (failed && store_is_pg(d->conn[slot])) {
		store_close(d->conn[slot]);
		d->conn[slot] = NULL;
		d->open[slot] = 0;
	}
	d->busy[slot] = 0;
	pthread_mutex_unlock(&d->lock);
}

/* ---- responses (html_respond, html_staff_redirect) ---- */

static void simple_page(struct http_response *resp, int status, const char *title, const char *msg)
{
	struct hbuf b;
	hbuf_init(&b, PAGE_MAX);
	html_page_start(&b, title, "/dashboard/font/");
	hbuf_add(&b, "<header class=\"top\"><p class=\"brand\">DoteComune</p></header><main><h1>");
	hbuf_esc(&b, title);
	hbuf_add(&b, "</h1><p>");
	hbuf_esc(&b, msg);
	hbuf_add(&b, "</p><p><a href=\"/dashboard\">Torna al cruscotto</a></p></main>");
	html_page_end(&b);
	html_respond(resp, status, "text/html; charset=utf-8", &b);
	html_staff_headers(resp);
}

/* ---- URLs ---- */

static void url_add(struct hbuf *b, const char *name, const char *value, int *first)
{
	if (!value || !*value)
		return;
	hbuf_add(b, *first ? "?" : "&");
	*first = 0;
	hbuf_add(b, name);
	hbuf_add(b, "=");
	hbuf_url(b, value);
}

struct view {
	char region[48], province[3], comune[7], from[8], to[8], call[24];
	int internal;		/* ?interno=1: exact counts, page marked for internal use */
};

/* A URL to the view v with one level changed. */
static char *view_url(const char *base, const struct view *v)
{
	struct hbuf b;
	int first = 1;
	hbuf_init(&b, 2048);
	hbuf_add(&b, base);
	url_add(&b, "region", v->region, &first);
	url_add(&b, "province", v->province, &first);
	url_add(&b, "comune", v->comune, &first);
	url_add(&b, "from", v->from, &first);
	url_add(&b, "to", v->to, &first);
	url_add(&b, "call", v->call, &first);
	url_add(&b, "interno", v->internal ? "1" : "", &first);
	return hbuf_detach(&b, NULL);
}

/* ---- login ---- */

static void login_page(const struct dashboard_ctx *d, struct http_response *resp, const char *msg, int status)
{
	struct hbuf b;
	char pre[AUTH_TOKEN_LEN + 1], cookie[256];

	auth_random_token(pre, sizeof(pre));
	hbuf_init(&b, PAGE_MAX);
	html_page_start(&b, "Accesso – DoteComune", "/dashboard/font/");
	hbuf_add(&b, "<header class=\"top\"><p class=\"brand\">DoteComune</p>"
		     "<p class=\"sub\">Cruscotto della rete per coordinatori e Comuni</p></header>"
		     "<main><h1>Accesso al cruscotto</h1>");
	if (msg) {
		hbuf_add(&b, "<p class=\"err\" role=\"alert\">");
		hbuf_esc(&b, msg);
		hbuf_add(&b, "</p>");
	}
	hbuf_add(&b, "<form method=\"post\" action=\"/login\" class=\"filters\" style=\"flex-direction:column;"
		     "align-items:flex-start;max-width:420px\">"
		     "<div><label for=\"name\">Nome utente</label>"
		     "<input id=\"name\" name=\"name\" autocomplete=\"username\" required maxlength=\"64\"></div>"
		     "<div><label for=\"password\">Password</label>"
		     "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\""
		     " required maxlength=\"256\"></div>");
	hbuf_printf(&b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", pre);
	hbuf_add(&b, "<button type=\"submit\">Accedi</button></form>"
		     "<p class=\"note\">La sessione scade dopo 30 minuti di inattività.</p></main>");
	html_page_end(&b);
	html_respond(resp, status, "text/html; charset=utf-8", &b);
	snprintf(cookie, sizeof(cookie), "dc_pre=%s; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600%s", pre,
		 d->secure_cookies ? "; Secure" : "");
	http_response_header(resp, "Set-Cookie", cookie);
	html_staff_headers(resp);
}

static void login_post(const struct dashboard_ctx *d, struct store *db, const struct http_request *req,
		       struct http_response *resp)
{
	char name[AUTH_NAME_MAX + 2] = "", password[AUTH_PASSWORD_MAX + 2] = "", csrf[AUTH_TOKEN_LEN + 2] = "";
	char pre[AUTH_TOKEN_LEN + 2] = "", token[AUTH_TOKEN_LEN + 1], cookie[256];
	struct auth_session s;
	enum auth_result r;

	if (req->body_len > FORM_MAX) {
		simple_page(resp, 413, "Richiesta troppo grande", "Il modulo inviato è troppo grande.");
		return;
	}
	if (http_form_get(req->body, "csrf", csrf, sizeof(csrf)) || http_cookie_get(req->cookie, "dc_pre", pre, sizeof(pre)) ||
	    !auth_token_equal(csrf, pre)) {
		login_page(d, resp, "Il modulo è scaduto: inserisci di nuovo nome utente e password.", 403);
		return;
	}
	if (http_form_get(req->body, "name", name, sizeof(name)) ||
	    http_form_get(req->body, "password", password, sizeof(password))) {
		login_page(d, resp, "Inserisci nome utente e password.", 400);
		return;
	}
	r = auth_login(db, name, password, req->remote_addr, token, sizeof(token));
	str_wipe(password, sizeof(password));
	if (r == AUTH_THROTTLED) {
		login_page(d, resp, "Troppi tentativi non riusciti: riprova tra 15 minuti.", 429);
		return;
	}
	if (r == AUTH_LIMITED) {
		login_page(d, resp, "Troppi tentativi di accesso in questo momento: riprova tra un minuto.", 429);
		http_response_header(resp, "Retry-After", "60");
		return;
	}
	if (r != AUTH_OK) {
		login_page(d, resp, r == AUTH_DENIED ? "Nome utente o password non corretti." :
						    "Accesso non disponibile: riprova più tardi.",
			   r == AUTH_DENIED ? 401 : 500);
		return;
	}
	/* Each to their daily work: a comune's staff to their office (their
	 * applications), a coordinator to the statistics, which lead on to
	 * the coordination pages. */
	html_staff_redirect(resp, auth_session_get(db, token, &s) == AUTH_OK && !strcmp(s.role, "comune") ?
				  "/ufficio" : "/dashboard");
	snprintf(cookie, sizeof(cookie), "dc_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", token,
		 AUTH_MAX_SECONDS, d->secure_cookies ? "; Secure" : "");
	http_response_header(resp, "Set-Cookie", cookie);
	str_wipe(token, sizeof(token));
	str_wipe(cookie, sizeof(cookie));
}

static void logout_post(const struct dashboard_ctx *d, struct store *db, const struct http_request *req,
			struct http_response *resp)
{
	char token[AUTH_TOKEN_LEN + 2] = "", csrf[AUTH_TOKEN_LEN + 2] = "";
	struct auth_session s;

	if (req->body_len > FORM_MAX || http_cookie_get(req->cookie, "dc_session", token, sizeof(token)) ||
	    auth_session_get(db, token, &s) != AUTH_OK) {
		html_staff_redirect(resp, "/login");
		return;
	}
	if (http_form_get(req->body, "csrf", csrf, sizeof(csrf)) || !auth_token_equal(csrf, s.csrf)) {
		simple_page(resp, 403, "Richiesta non valida", "Il modulo non è valido: ricarica la pagina e riprova.");
		return;
	}
	auth_logout(db, token);
	html_staff_redirect(resp, "/login");
	http_response_header(resp, "Set-Cookie", d->secure_cookies
				 ? "dc_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure"
				 : "dc_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

/* ---- the view ---- */

static int view_parse(const char *query, struct view *v, char *err, size_t errsize)
{
	char buf[64];
	memset(v, 0, sizeof(*v));
	if (strlen(query) > 1024)
		return snprintf(err, errsize, "Indirizzo troppo lungo."), -1;
#define GET(name, field) do { \
		if (http_query_get(query, name, buf, sizeof(buf)) == 0 && buf[0]) { \
			if (str_copy(v->field, sizeof(v->field), buf) >= sizeof(v->field)) \
				return snprintf(err, errsize, "Valore non valido per %s.", name), -1; \
		} \
	} while (0)
	GET("region", region);
	GET("province", province);
	GET("comune", comune);
	GET("from", from);
	GET("to", to);
	GET("call", call);
#undef GET
	if (http_query_get(query, "interno", buf, sizeof(buf)) == 0 && buf[0]) {
		if (strcmp(buf, "1") && strcmp(buf, "0"))
			return snprintf(err, errsize, "Valore non valido per interno."), -1;
		v->internal = buf[0] == '1';
	}
	return 0;
}

static void query_from_view(struct report_query *q, const struct view *v, int protect)
{
	report_query_init(q);
	str_copy(q->region, sizeof(q->region), v->region);
	str_copy(q->province, sizeof(q->province), v->province);
	str_copy(q->comune, sizeof(q->comune), v->comune);
	str_copy(q->call, sizeof(q->call), v->call);
	q->protect = protect;
}

static int view_period(struct report_query *q, const struct view *v, char *err, size_t errsize)
{
	char period[24];
	if (!v->from[0] && !v->to[0])
		return 0;
	snprintf(period, sizeof(period), "%s..%s", v->from[0] ? v->from : "2000-01", v->to[0] ? v->to : "2100-12");
	if (report_parse_period(q, period, err, errsize)) {
		snprintf(err, errsize, "Periodo non valido: usa mese e anno (AAAA-MM), con l'inizio prima della fine.");
		return -1;
	}
	/* Any range would let differences of ranges isolate a month. */
	if (q->protect && !report_period_is_bucket(q)) {
		snprintf(err, errsize, "Periodo non valido per i dati protetti: scegli un mese (dal 2025-03 al 2025-03),"
			 " un trimestre (dal 2025-01 al 2025-03) o un anno (dal 2025-01 al 2025-12).");
		return -1;
	}
	return 0;
}

/* Runs one report for the view; dims and measures are fixed strings. */
static int view_report(struct store *db, const struct view *v, int protect, const char *dims, const char *measures,
		       struct report *r, char *err, size_t errsize)
{
	struct report_query q;
	query_from_view(&q, v, protect);
	q.trust_rollups = 1;
	if (view_period(&q, v, err, errsize))
		return -1;
	if ((dims[0] && report_parse_dims(&q, dims, err, errsize)) || report_parse_measures(&q, measures, err, errsize))
		return -1;
	return report_run(db, &q, r, err, errsize);
}

static void kpi(struct hbuf *b, const struct report *r, int m, const char *label)
{
	int64_t c = 0;
	double v = 0;
	char num[48] = "–";
	if (r->n) {
		switch (report_value(&r->rows[0], m, &c, &v)) {
		case RV_COUNT: html_int_it(num, sizeof(num), c); break;
		case RV_RATE:
			if (m == RM_FILL_RATE || m == RM_DROPOUT_RATE) {
				html_dec_it(num, sizeof(num), v * 100, 1);
				strncat(num, "%", sizeof(num) - strlen(num) - 1);
			} else {
				html_dec_it(num, sizeof(num), v, m == RM_DAYS ? 0 : 2);
			}
			break;
		case RV_SUPPRESSED: str_copy(num, sizeof(num), "riservato"); break;
		default: break;
		}
	}
	hbuf_printf(b, "<div><span>%s</span><b data-kpi=\"%s\">%s</b></div>", label, report_measure_name(m), num);
}

static void call_options(struct store *db, struct hbuf *b, const char *current)
{
	struct store_res *st;
	int ok = report_calls(db, &st) == 0;
	hbuf_add(b, "<option value=\"\">Tutti gli avvisi</option>");
	for (int i = 0; ok && i < store_res_rows(st); i++) {
		const char *code = store_res_get(st, i, 0);
		const char *title = store_res_get(st, i, 1);
		if (!code)
			continue;
		hbuf_add(b, "<option value=\"");
		hbuf_esc(b, code);
		hbuf_add(b, !strcmp(code, current) ? "\" selected>" : "\">");
		hbuf_esc(b, title ? title : code);
		hbuf_add(b, "</option>");
	}
	if (ok)
		store_res_free(st);
}

/* Level of the view and the dimension one level down. */
static const char *child_dim(const struct view *v)
{
	if (v->comune[0])
		return "area";
	if (v->province[0])
		return "comune";
	if (v->region[0])
		return "province";
	return "region";
}

/* The page's top: title, header with the account and logout, breadcrumbs
 * and the place's heading. */
static void view_head(struct hbuf *b, const struct auth_session *s, const struct view *vp, const char *place,
		      int protect, int comune_staff)
{
	const struct view v = *vp;
	char title[256];

	snprintf(title, sizeof(title), "%sStatistiche: %s – DoteComune", protect ? "" : "[Uso interno] ", place);
	html_page_start(b, title, "/dashboard/font/");
	hbuf_add(b, "<a class=\"sr\" href=\"#main\">Vai al contenuto</a>"
		     "<header class=\"top\" style=\"display:flex;justify-content:space-between;align-items:center;"
		     "flex-wrap:wrap\"><div><p class=\"brand\">DoteComune</p><p class=\"sub\">Cruscotto della rete – ");
	hbuf_esc(b, s->name);
	hbuf_add(b, comune_staff ? " (personale del Comune)" : " (coordinamento di rete)");
	hbuf_add(b, " · <a href=\"/ufficio\">Domande e graduatorie</a>");
	if (!comune_staff)
		hbuf_add(b, " · <a href=\"/coordinamento/avvisi\">Avvisi, rete dei Comuni e totem</a>");
	hbuf_add(b, "</p></div><form method=\"post\" action=\"/logout\" class=\"noprint\">");
	hbuf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", s->csrf);
	hbuf_add(b, "<button type=\"submit\" style=\"background:#fff;color:#0066cc\">Esci</button></form></header>");

	/* Breadcrumbs. */
	{
		struct view up = v;
		char *u;
		hbuf_add(b, "<nav class=\"crumbs\" aria-label=\"Percorso\">");
		up.region[0] = up.province[0] = up.comune[0] = 0;
		if (comune_staff)
			up.internal = 0;	/* their exact view stops at their comune */
		u = view_url("/dashboard", &up);
		hbuf_add(b, "<a href=\"");
		hbuf_esc(b, u ? u : "/dashboard");
		hbuf_add(b, "\">Italia</a>");
		free(u);
		if (v.region[0]) {
			str_copy(up.region, sizeof(up.region), v.region);
			u = view_url("/dashboard", &up);
			hbuf_add(b, " › <a href=\"");
			hbuf_esc(b, u ? u : "/dashboard");
			hbuf_add(b, "\">");
			hbuf_esc(b, v.region);
			hbuf_add(b, "</a>");
			free(u);
		}
		if (v.province[0]) {
			str_copy(up.province, sizeof(up.province), v.province);
			u = view_url("/dashboard", &up);
			hbuf_add(b, " › <a href=\"");
			hbuf_esc(b, u ? u : "/dashboard");
			hbuf_add(b, "\">Provincia ");
			hbuf_esc(b, v.province);
			hbuf_add(b, "</a>");
			free(u);
		}
		if (v.comune[0]) {
			hbuf_add(b, " › <span aria-current=\"page\">");
			hbuf_esc(b, place);
			hbuf_add(b, "</span>");
		}
		hbuf_add(b, "</nav>");
	}
	hbuf_add(b, "<main id=\"main\"><h1>");
	hbuf_esc(b, place);
	hbuf_add(b, "</h1>");
}

/* The filters form (GET, no script), the CSV link and the note on
 * protection (or the internal-use warning). */
static void view_filters(struct hbuf *b, struct store *db, const struct view *vp, int protect, int comune_staff,
			 int own)
{
	const struct view v = *vp;

	/* Filters (GET, no script needed). */
	hbuf_add(b, "<form method=\"get\" action=\"/dashboard\" class=\"filters noprint\" aria-label=\"Filtri\">");
	if (v.region[0]) {
		hbuf_add(b, "<input type=\"hidden\" name=\"region\" value=\"");
		hbuf_esc(b, v.region);
		hbuf_add(b, "\">");
	}
	if (v.province[0]) {
		hbuf_add(b, "<input type=\"hidden\" name=\"province\" value=\"");
		hbuf_esc(b, v.province);
		hbuf_add(b, "\">");
	}
	if (v.comune[0]) {
		hbuf_add(b, "<input type=\"hidden\" name=\"comune\" value=\"");
		hbuf_esc(b, v.comune);
		hbuf_add(b, "\">");
	}
	if (v.internal)
		hbuf_add(b, "<input type=\"hidden\" name=\"interno\" value=\"1\">");
	hbuf_add(b, "<div><label for=\"from\">Dal mese</label><input id=\"from\" name=\"from\" type=\"month\""
		     " placeholder=\"AAAA-MM\" pattern=\"[0-9]{4}-[0-9]{2}\" value=\"");
	hbuf_esc(b, v.from);
	hbuf_add(b, "\"></div><div><label for=\"to\">Al mese</label><input id=\"to\" name=\"to\" type=\"month\""
		     " placeholder=\"AAAA-MM\" pattern=\"[0-9]{4}-[0-9]{2}\" value=\"");
	hbuf_esc(b, v.to);
	hbuf_add(b, "\"></div><div><label for=\"call\">Avviso</label><select id=\"call\" name=\"call\">");
	call_options(db, b, v.call);
	hbuf_add(b, "</select></div><div><button type=\"submit\">Applica i filtri</button></div>");
	{
		struct view pub = v;
		char *u;
		pub.internal = 0;	/* the CSV leaves the hub: always protected */
		u = view_url("/dashboard/csv", &pub);
		hbuf_add(b, "<div><a class=\"button\" href=\"");
		hbuf_esc(b, u ? u : "/dashboard/csv");
		hbuf_add(b, "\" download>Scarica CSV (dati protetti)</a></div>");
		free(u);
	}
	hbuf_add(b, "</form>");
	if (protect) {
		hbuf_add(b, "<p class=\"note\" data-protection=\"cell-key\">Dati protetti (metodo della chiave di "
			     "cella): ogni conteggio è perturbato di poche unità, sempre allo stesso modo; i conteggi da 1 "
			     "a 4 compaiono come 0 o 5 e i totali possono differire dalla somma delle righe. "
			     "Periodi: un mese, un trimestre o un anno.</p>");
		if (!comune_staff || own) {
			struct view in = v;
			char *u;
			in.internal = 1;
			u = view_url("/dashboard", &in);
			hbuf_add(b, "<p class=\"note noprint\"><a href=\"");
			hbuf_esc(b, u ? u : "/dashboard");
			hbuf_add(b, "\">Vedi i dati esatti (pagina a uso interno)</a></p>");
			free(u);
		}
	} else {
		struct view pub = v;
		char *u;
		pub.internal = 0;
		u = view_url("/dashboard", &pub);
		hbuf_add(b, "<p class=\"err\" role=\"note\" data-internal=\"1\" style=\"border:3px solid #b30000;"
			     "padding:8px\">USO INTERNO – dati esatti, non protetti. Non diffonderli e non copiarli in "
			     "documenti pubblici: per pubblicare usa la vista protetta, il CSV o l'esportazione open data. "
			     "<a href=\"");
		hbuf_esc(b, u ? u : "/dashboard");
		hbuf_add(b, "\">Torna alla vista protetta</a></p>");
		free(u);
	}
}

/* One level down (child: its dimension), with drill-down links in the
 * chart and the table. */
static void view_geo(struct hbuf *b, const struct view *vp, const struct report *gp, const char *child)
{
	const struct view v = *vp;
	const struct report geo = *gp;
	char title[256];

	/* One level down, with drill-down links. */
	{
		struct chart_point *pts = calloc(geo.n ? geo.n : 1, sizeof(*pts));
		char **urls = calloc(geo.n ? geo.n : 1, sizeof(*urls));
		size_t n = geo.n < 40 ? geo.n : 40;
		snprintf(title, sizeof(title), "Candidature per %s", report_dim_label(geo.q.dims[0]));
		hbuf_add(b, "<h2>");
		hbuf_esc(b, title);
		hbuf_add(b, "</h2>");
		for (size_t i = 0; pts && urls && i < n; i++) {
			struct view down = v;
			int64_t c = 0;
			double dv = 0;
			int kind = report_value(&geo.rows[i], RM_APPLICATIONS, &c, &dv);
			pts[i].label = geo.rows[i].label[0];
			pts[i].value = (double)c;
			pts[i].suppressed = kind == RV_SUPPRESSED;
			if (!strcmp(child, "region"))
				str_copy(down.region, sizeof(down.region), geo.rows[i].key[0]);
			else if (!strcmp(child, "province"))
				str_copy(down.province, sizeof(down.province), geo.rows[i].key[0]);
			else if (!strcmp(child, "comune"))
				str_copy(down.comune, sizeof(down.comune), geo.rows[i].key[0]);
			if (strcmp(child, "area") && geo.rows[i].key[0][0]) {
				urls[i] = view_url("/dashboard", &down);
				pts[i].href = urls[i];
			}
		}
		if (pts && urls && n)
			html_bar_chart(b, "geo", title, pts, n, "%.0f");
		if (geo.n > n)
			hbuf_printf(b, "<p class=\"note\">Il grafico mostra le prime %zu voci; la tabella le riporta tutte.</p>", n);
		if (strcmp(child, "area")) {
			/* The table's first column links down too. */
			hbuf_add(b, "<table><caption>");
			hbuf_esc(b, title);
			hbuf_add(b, "</caption><thead><tr><th scope=\"col\">");
			hbuf_esc(b, report_dim_label(geo.q.dims[0]));
			hbuf_add(b, "</th>");
			for (int m = 0; m < geo.q.n_measures; m++) {
				hbuf_add(b, "<th scope=\"col\" class=\"n\">");
				hbuf_esc(b, report_measure_label(geo.q.measures[m]));
				hbuf_add(b, "</th>");
			}
			hbuf_add(b, "</tr></thead><tbody>");
			for (size_t i = 0; i < geo.n && i < 2000; i++) {
				struct view down = v;
				char *u;
				if (!strcmp(child, "region"))
					str_copy(down.region, sizeof(down.region), geo.rows[i].key[0]);
				else if (!strcmp(child, "province"))
					str_copy(down.province, sizeof(down.province), geo.rows[i].key[0]);
				else
					str_copy(down.comune, sizeof(down.comune), geo.rows[i].key[0]);
				u = view_url("/dashboard", &down);
				hbuf_printf(b, "<tr data-key=\"");
				hbuf_esc(b, geo.rows[i].key[0]);
				hbuf_add(b, "\"><th scope=\"row\"><a href=\"");
				hbuf_esc(b, u ? u : "/dashboard");
				hbuf_add(b, "\">");
				hbuf_esc(b, geo.rows[i].label[0]);
				hbuf_add(b, "</a></th>");
				free(u);
				for (int m = 0; m < geo.q.n_measures; m++) {
					int64_t c = 0;
					double dv = 0;
					int mm = geo.q.measures[m];
					char num[48] = "–";
					switch (report_value(&geo.rows[i], mm, &c, &dv)) {
					case RV_COUNT: html_int_it(num, sizeof(num), c); break;
					case RV_RATE:
						if (mm == RM_FILL_RATE || mm == RM_DROPOUT_RATE) {
							html_dec_it(num, sizeof(num), dv * 100, 1);
							strncat(num, "%", sizeof(num) - strlen(num) - 1);
						} else {
							html_dec_it(num, sizeof(num), dv, 2);
						}
						break;
					case RV_SUPPRESSED: str_copy(num, sizeof(num), "riservato"); break;
					default: break;
					}
					hbuf_printf(b, "<td class=\"n\" data-m=\"%s\">%s</td>", report_measure_name(mm), num);
				}
				hbuf_add(b, "</tr>");
			}
			hbuf_add(b, "</tbody></table>");
		} else {
			report_html_table(b, &geo, title, 2000);
		}
		for (size_t i = 0; urls && i < n; i++)
			free(urls[i]);
		free(urls);
		free(pts);
	}
}

/* Monthly trend, the kiosks' funnel (without a call filter) and who
 * applies. */
static void view_sections(struct hbuf *b, const struct view *v, const struct report *months,
			  const struct report *funnel, const struct report *prof, const char *const *prof_titles)
{
	hbuf_add(b, "<h2>Andamento mensile</h2>");
	report_html_charts(b, months, "mesi");
	report_html_table(b, months, "Candidature e selezionati per mese", 240);

	hbuf_add(b, "<h2>Dal totem alla domanda</h2>");
	if (v->call[0]) {
		hbuf_add(b, "<p class=\"note\">I conteggi anonimi dei totem non distinguono gli avvisi: togli il filtro "
			     "sull'avviso per vederli.</p>");
	} else {
		report_html_charts(b, funnel, "funnel");
		report_html_table(b, funnel, "Passi dei cittadini al totem", 10);
	}

	hbuf_add(b, "<h2>Chi si candida</h2>");
	if (!prof)
		hbuf_add(b, "<p class=\"note\">Per un singolo Comune le caratteristiche di chi si candida non sono "
			     "pubblicate nei dati protetti: incrociate con pochi casi, renderebbero riconoscibili le "
			     "persone. Guardale per la provincia, o nella pagina a uso interno del proprio Comune.</p>");
	for (int i = 0; i < 5 && prof; i++) {
		char id[16];
		struct chart_point pts[16];
		size_t n = prof[i].n < 16 ? prof[i].n : 16;
		for (size_t k = 0; k < n; k++) {
			int64_t c = 0;
			double dv = 0;
			int kind = report_value(&prof[i].rows[k], RM_APPLICATIONS, &c, &dv);
			pts[k].label = prof[i].rows[k].label[0];
			pts[k].value = (double)c;
			pts[k].suppressed = kind == RV_SUPPRESSED;
			pts[k].href = NULL;
		}
		snprintf(id, sizeof(id), "p%d", i);
		hbuf_add(b, "<h3>");
		hbuf_esc(b, prof_titles[i]);
		hbuf_add(b, "</h3>");
		if (n)
			html_bar_chart(b, id, prof_titles[i], pts, n, "%.0f");
		report_html_table(b, &prof[i], prof_titles[i], 20);
	}
}

/* The place a view is drilled to, in words, into place; drilling below
 * a level fills the levels above it in v. */
static void view_place(struct view *v, char *place, size_t size)
{
	if (v->comune[0] && comune_by_istat(v->comune)) {
		const struct comune *c = comune_by_istat(v->comune);
		str_copy(v->province, sizeof(v->province), c->province);
		str_copy(v->region, sizeof(v->region), c->region);
		snprintf(place, size, "%s (%s)", c->name, c->province);
	} else if (v->province[0]) {
		for (size_t i = 0; i < comuni_count(); i++)
			if (!strcmp(comuni_at(i)->province, v->province)) {
				str_copy(v->region, sizeof(v->region), comuni_at(i)->region);
				snprintf(place, size, "Provincia di %s", comuni_at(i)->province_name);
				break;
			}
	} else if (v->region[0]) {
		snprintf(place, size, "%s", v->region);
	}
}

/* The view's table of child places as a CSV download. */
static void view_csv(struct http_response *resp, const struct report *geo, const char *child)
{
	size_t len = 0;
	char disp[128];
	resp->body = report_csv(geo, 0, &len);
	resp->body_len = resp->body ? len : 0;
	resp->status = resp->body ? 200 : 500;
	str_copy(resp->content_type, sizeof(resp->content_type), "text/csv; charset=utf-8");
	snprintf(disp, sizeof(disp), "attachment; filename=\"dotecomune-%s.csv\"", child);
	http_response_header(resp, "Content-Disposition", disp);
	html_staff_headers(resp);
}

/* The headline figures ("In sintesi"). */
static void view_kpis(struct hbuf *b, const struct report *kpis)
{
	hbuf_add(b, "<h2>In sintesi</h2><div class=\"kpi\">");
	kpi(b, kpis, RM_APPLICATIONS, "Candidature");
	kpi(b, kpis, RM_APPLICANTS, "Candidati distinti");
	kpi(b, kpis, RM_SEATS, "Posti");
	kpi(b, kpis, RM_SELECTED, "Selezionati");
	kpi(b, kpis, RM_FILL_RATE, "Posti coperti");
	kpi(b, kpis, RM_STARTED, "Tirocini avviati");
	kpi(b, kpis, RM_DROPOUT_RATE, "Abbandoni");
	kpi(b, kpis, RM_DAYS, "Giorni dalla scadenza alla selezione");
	hbuf_add(b, "</div>");
}

static void view_page(struct store *db, const struct auth_session *s, const struct http_request *req,
		      struct http_response *resp, int csv)
{
	struct view v;
	struct report kpis = { 0 }, geo = { 0 }, months = { 0 }, funnel = { 0 }, prof[5];
	static const char *const prof_dims[5] = { "applicant_status", "age_band", "sex", "education", "residence" };
	static const char *const prof_titles[5] = { "Condizione dei candidati", "Fascia d'età", "Sesso",
						    "Titolo di studio", "Residenza rispetto al Comune ospitante" };
	char err[512] = "", place[160] = "Italia";
	const char *child;
	int protect, own, prof_hidden = 0, geo_hidden, comune_staff = !strcmp(s->role, "comune");
	struct hbuf b;

	memset(prof, 0, sizeof(prof));
	if (view_parse(req->query ? req->query : "", &v, err, sizeof(err))) {
		simple_page(resp, 400, "Richiesta non valida", err);
		return;
	}
	view_place(&v, place, sizeof(place));
	/* Exact figures only on a page marked internal, never in the CSV;
	 * comune staff only for their own comune. */
	own = comune_staff && v.comune[0] && !strcmp(v.comune, s->comune);
	if (v.internal && comune_staff && !own) {
		simple_page(resp, 403, "Pagina non disponibile",
			    "I dati esatti (uso interno) sono disponibili al personale del Comune soltanto per il "
			    "proprio Comune; qui vedi i dati protetti.");
		goto out;
	}
	if (csv)
		v.internal = 0;
	protect = !v.internal;
	child = child_dim(&v);
	/* One comune's areas by month or quarter are not published protected
	 * (the engine refuses them: docs/reports.md, issue 20): a note. */
	geo_hidden = protect && v.comune[0] && (v.from[0] || v.to[0]) &&
		     !(strlen(v.from) == 7 && !strcmp(v.from + 4, "-01") && strlen(v.to) == 7 && !strcmp(v.to + 4, "-12"));
	if (geo_hidden && csv) {
		snprintf(err, sizeof(err), "Le aree di un singolo Comune sono pubblicate nei dati protetti per anno o per"
			 " l'intero periodo: scegli un anno (dal 2025-01 al 2025-12) o nessun periodo.");
		goto bad;
	}
	if (!geo_hidden &&
	    view_report(db, &v, protect, child, "applications,seats,applications_per_seat,selected,fill_rate,dropout_rate",
			&geo, err, sizeof(err)))
		goto bad;
	if (csv) {
		view_csv(resp, &geo, child);
		goto out;
	}
	if (view_report(db, &v, protect, "", "applications,applicants,seats,selected,fill_rate,started,dropped_out,"
			"dropout_rate,days_to_selection", &kpis, err, sizeof(err)) ||
	    view_report(db, &v, protect, "month", "applications,selected", &months, err, sizeof(err)))
		goto bad;
	if (!v.call[0] && view_report(db, &v, protect, "", "sessions,views,forms,submits", &funnel, err, sizeof(err)))
		goto bad;
	/* Applicant attributes are not crossed with a comune in protected
	 * statistics (the engine refuses it: docs/reports.md, issue 20). */
	prof_hidden = protect && v.comune[0];
	for (int i = 0; i < 5 && !prof_hidden; i++)
		if (view_report(db, &v, protect, prof_dims[i], "applications", &prof[i], err, sizeof(err)))
			goto bad;

	hbuf_init(&b, PAGE_MAX);
	view_head(&b, s, &v, place, protect, comune_staff);

	view_filters(&b, db, &v, protect, comune_staff, own);

	view_kpis(&b, &kpis);

	if (geo_hidden)
		hbuf_add(&b, "<p class=\"note\">Per un singolo Comune le aree sono pubblicate nei dati protetti per anno o "
			     "per l'intero periodo: divise per mese o trimestre, renderebbero riconoscibili i piccoli "
			     "numeri del Comune. Scegli un anno, o guarda la pagina a uso interno del proprio Comune.</p>");
	else
		view_geo(&b, &v, &geo, child);

	view_sections(&b, &v, &months, &funnel, prof_hidden ? NULL : prof, prof_titles);
	hbuf_add(&b, "<p class=\"note\">Fonte: DoteComune, tabelle statistiche aggiornate a ogni candidatura. "
		     "Candidati distinti: ogni persona è contata una volta per avviso.</p></main>");
	html_page_end(&b);
	html_respond(resp, 200, "text/html; charset=utf-8", &b);
	html_staff_headers(resp);
	goto out;
bad:
	if (!strncmp(err, "database error", 14))
		simple_page(resp, 503, "Servizio non disponibile", "Il cruscotto non riesce a leggere i dati: riprova tra poco.");
	else
		simple_page(resp, 400, "Filtri non validi", err);
out:
	report_free(&kpis);
	report_free(&geo);
	report_free(&months);
	report_free(&funnel);
	for (int i = 0; i < 5; i++)
		report_free(&prof[i]);
}

/* ---- fonts ---- */

static void font(const char *name, struct http_response *resp)
{
	static const char *const ok[] = { "titillium-web-latin-400-normal.woff", "titillium-web-latin-600-normal.woff",
					  "titillium-web-latin-700-normal.woff" };
	char path[1024];
	size_t len = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		if (strcmp(name, ok[i]))
			continue;
		snprintf(path, sizeof(path), "%s/fonts/%s", assets_dir(), ok[i]);
		if (access(path, R_OK) == 0)
			resp->body = file_read(path, 1 << 20, &len);
		if (!resp->body)
			break;
		resp->body_len = len;
		resp->status = 200;
		str_copy(resp->content_type, sizeof(resp->content_type), "font/woff");
		http_response_header(resp, "Cache-Control", "public, max-age=86400");
		http_response_header(resp, "X-Content-Type-Options", "nosniff");
		return;
	}
	simple_page(resp, 404, "Pagina non trovata", "La risorsa richiesta non esiste.");
}

int dashboard_handle(struct dashboard_ctx *d, const struct http_request *req, struct http_response *resp)
{
	const char *p = req->path, *m = req->method;
	int get = !strcmp(m, "GET") || !strcmp(m, "HEAD"), post = !strcmp(m, "POST");
	char token[AUTH_TOKEN_LEN + 2] = "";
	struct auth_session s;
	struct store *db;
	enum auth_result ar;
	int slot = -1;

	if (!strncmp(p, "/dashboard/font/", 16) && get) {
		font(p + 16, resp);
		return 0;
	}
	if (!strncmp(p, "/static/fonts/", 14) && get) {
		font(p + 14, resp);
		return 0;
	}
	db = conn_get(d, &slot);
	if (!db) {
		simple_page(resp, 503, "Servizio non disponibile", "Il cruscotto non è raggiungibile: riprova tra poco.");
		return 0;
	}
	if (!strcmp(p, "/login")) {
		if (get)
			login_page(d, resp, NULL, 200);
		else if (post)
			login_post(d, db, req, resp);
		else
			simple_page(resp, 405, "Metodo non consentito", "Usa il modulo di accesso.");
		goto out;
	}
	if (!strcmp(p, "/logout")) {
		if (post)
			logout_post(d, db, req, resp);
		else
			html_staff_redirect(resp, "/dashboard");
		goto out;
	}
	if (strcmp(p, "/dashboard") && strcmp(p, "/dashboard/") && strcmp(p, "/dashboard/csv")) {
		simple_page(resp, 404, "Pagina non trovata", "La pagina richiesta non esiste.");
		goto out;
	}
	ar = http_cookie_get(req->cookie, "dc_session", token, sizeof(token)) ? AUTH_DENIED
									      : auth_session_get(db, token, &s);
	if (ar == AUTH_ERROR) {
		simple_page(resp, 503, "Servizio non disponibile", "Il cruscotto non è raggiungibile: riprova tra poco.");
		goto out;
	}
	if (ar != AUTH_OK) {
		html_staff_redirect(resp, "/login");
		goto out;
	}
	if (!get) {
		simple_page(resp, 405, "Metodo non consentito", "Questa pagina si consulta soltanto.");
		goto out;
	}
	view_page(db, &s, req, resp, !strcmp(p, "/dashboard/csv"));
out:
	str_wipe(token, sizeof(token));
	conn_put(d, slot, resp->status >= 500);
	return 0;
}

int dashboard_session_ok(struct dashboard_ctx *d, const char *cookie)
{
	char token[AUTH_TOKEN_LEN + 2] = "";
	struct auth_session s;
	struct store *db;
	enum auth_result ar;
	int slot = -1;

	if (!cookie || http_cookie_get(cookie, "dc_session", token, sizeof(token)))
		return 0;
	db = conn_get(d, &slot);
	if (!db)
		return -1;
	ar = auth_session_get(db, token, &s);
	str_wipe(token, sizeof(token));
	conn_put(d, slot, ar == AUTH_ERROR);
	return ar == AUTH_OK ? 1 : ar == AUTH_ERROR ? -1 : 0;
}

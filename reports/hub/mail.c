/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The mail thread (see mail.h). Start reading at mail_main(): every
 * poll_seconds it takes the messages due from the outbox and sends each
 * one with libcurl's SMTP; a sent message is marked sent, a failed one
 * gets its next try later. Logs say which outbox row and why, never an
 * address or a message.
 */
#include <curl/curl.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/util.h"
#include "reports/hub/mail.h"
#include "reports/store/mail_outbox.h"
#include "reports/store/store.h"
#include "reports/web/html.h"

enum { MAIL_BATCH = 20, MAIL_BACKOFF_MAX = 12 };

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t len = size * n < u->left ? size * n : u->left;

	memcpy(buf, u->p, len);
	u->p += len;
	u->left -= len;
	return len;
}

/* An address fit for an SMTP envelope and a header. */
static int address_ok(const char *a)
{
	const char *at = strchr(a, '@');

	if (!at || at == a || !at[1] || strlen(a) > 254)
		return 0;
	for (; *a; a++)
		if ((unsigned char)*a <= ' ' || *a == '<' || *a == '>' || *a == ',' || *a == ';' ||
		    *a == '"' || *a == 0x7f)
			return 0;
	return 1;
}

/* Appends n bytes of data in base64. */
static void b64(struct hbuf *b, const char *data, size_t n)
{
	size_t len = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	char *enc = malloc(len);

	if (!enc) {
		b->failed = 1;
		return;
	}
	sodium_bin2base64(enc, len, (const unsigned char *)data, n, sodium_base64_VARIANT_ORIGINAL);
	hbuf_add(b, enc);
	free(enc);
}

/* The Subject header: plain when it is printable ASCII, else RFC 2047
 * encoded words of at most 45 bytes each (60 in base64), cut between
 * UTF-8 characters, on folded lines. */
static void subject_header(struct hbuf *b, const char *subject)
{
	const unsigned char *p;
	size_t len = strlen(subject), at = 0;
	int ascii = 1;

	for (p = (const unsigned char *)subject; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			ascii = 0;
	hbuf_add(b, "Subject: ");
	if (ascii && len <= 900) {
		hbuf_add(b, subject);
		hbuf_add(b, "\r\n");
		return;
	}
	while (at < len) {
		size_t n = len - at < 45 ? len - at : 45;

		while (n > 1 && at + n < len && ((unsigned char)subject[at + n] & 0xc0) == 0x80)
			n--;
		hbuf_add(b, at ? "\r\n =?UTF-8?B?" : "=?UTF-8?B?");
		b64(b, subject + at, n);
		hbuf_add(b, "?=");
		at += n;
	}
	hbuf_add(b, "\r\n");
}

/* The message: headers, and the body (lines ending CRLF) in base64 lines
 * of 76 characters, which every relay carries. NULL when out of memory. */
static char *message(const struct hub_mail *m, const char *id, const char *to, const char *subject,
		     const char *body)
{
	struct hbuf b, text;
	char date[64], rhex[17], *enc = NULL, *out = NULL;
	unsigned char rnd[8];
	size_t i, len, elen;
	struct tm tm;
	time_t now = time(NULL);

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(rhex, sizeof(rhex), rnd, sizeof(rnd));
	hbuf_init(&text, 4 * MAIL_BODY_MAX);
	for (i = 0; body[i]; i++)
		hbuf_add(&text, body[i] == '\n' ? "\r\n" : (char[]){ body[i], 0 });
	hbuf_init(&b, 8 * MAIL_BODY_MAX);
	hbuf_printf(&b, "Date: %s\r\nFrom: DoteComune <%s>\r\nTo: <%s>\r\n", date, m->from, to);
	subject_header(&b, subject);
	hbuf_printf(&b, "Message-ID: <outbox-%s.%s@dotecomune>\r\nMIME-Version: 1.0\r\n"
			"Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n"
			"Auto-Submitted: auto-generated\r\n\r\n", id, rhex);
	len = text.len;
	elen = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
	if (!text.failed && (enc = malloc(elen))) {
		sodium_bin2base64(enc, elen, (const unsigned char *)(text.p ? text.p : ""), len,
				  sodium_base64_VARIANT_ORIGINAL);
		elen = strlen(enc);
		for (i = 0; i < elen; i += 76) {
			hbuf_addn(&b, enc + i, elen - i < 76 ? elen - i : 76);
			hbuf_add(&b, "\r\n");
		}
		out = hbuf_detach(&b, NULL);
	}
	free(enc);
	if (text.p)
		sodium_memzero(text.p, text.len);
	hbuf_release(&text);
	hbuf_release(&b);
	return out;
}

/* 0 sent, else -1 with why. */
static int send_one(const struct hub_mail *m, const char *id, const char *to, const char *subject,
		    const char *body, char *why, size_t wsize)
{
	char rcpt_addr[260], from_addr[260];
	struct curl_slist *rcpt = NULL;
	struct upload u;
	CURL *c = NULL;
	CURLcode cc;
	char *msg = message(m, id, to, subject, body);
	int rc = -1;

	if (!msg || !(c = curl_easy_init())) {
		snprintf(why, wsize, "out of memory");
		goto out;
	}
	snprintf(rcpt_addr, sizeof(rcpt_addr), "<%s>", to);
	snprintf(from_addr, sizeof(from_addr), "<%s>", m->from);
	rcpt = curl_slist_append(NULL, rcpt_addr);
	u.p = msg;
	u.left = strlen(msg);
	curl_easy_setopt(c, CURLOPT_URL, m->url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_addr);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	if (m->user[0]) {
		curl_easy_setopt(c, CURLOPT_USERNAME, m->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, m->password);
	}
	if (m->tls)
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		snprintf(why, wsize, "%s", curl_easy_strerror(cc));
		goto out;
	}
	rc = 0;
out:
	curl_slist_free_all(rcpt);
	if (c)
		curl_easy_cleanup(c);
	if (msg) {
		sodium_memzero(msg, strlen(msg));
		free(msg);
	}
	return rc;
}

/* The outbox's own clock is the real one, not now_wall(): retries are
 * about the relay, which lives in real time even when a test pins the
 * domain's date (DOTE_NOW). */
static void real_iso(time_t offset, char *buf, size_t size)
{
	time_t t = time(NULL) + offset;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Sends what is due; returns how many were tried. */
static int send_due(struct hub_mail *m, struct store *s)
{
	struct store_res *r = NULL;
	char now[32], next[32], why[200];
	int i, n;

	real_iso(0, now, sizeof(now));
	if (mail_outbox_due(s, now, MAIL_BATCH, &r))
		return -1;
	n = store_res_rows(r);
	for (i = 0; i < n; i++) {
		const char *id = store_res_get(r, i, 0), *to = store_res_get(r, i, 1);
		int attempts = atoi(store_res_get(r, i, 4));

		if (!address_ok(to)) {
			mail_outbox_failed(s, id, "9999-12-31T00:00:00Z", "unusable address: never sent");
			continue;
		}
		if (send_one(m, id, to, store_res_get(r, i, 2), store_res_get(r, i, 3), why, sizeof(why)) == 0) {
			real_iso(0, now, sizeof(now));
			if (mail_outbox_sent(s, id, now))
				warning("mail: outbox %s sent but not marked sent", id);
			else if (!m->quiet)
				fprintf(stderr, "mail: outbox %s sent\n", id);
			continue;
		}
		if (attempts + 1 > MAIL_BACKOFF_MAX)
			attempts = MAIL_BACKOFF_MAX - 1;
		real_iso((time_t)m->retry_seconds * (attempts + 1), next, sizeof(next));
		mail_outbox_failed(s, id, next, why);
		warning("mail: outbox %s not sent (%s); next try %s", id, why, next);
		/* The relay is down: the rest waits for the next round. */
		break;
	}
	store_res_free(r);
	return n;
}

static void *mail_main(void *arg)
{
	struct hub_mail *m = arg;
	struct store *s = NULL;
	struct timespec ts;

	pthread_setname_np(pthread_self(), "dote-hub-mail");
	pthread_mutex_lock(&m->lock);
	while (!m->stopping) {
		pthread_mutex_unlock(&m->lock);
		if (!s)
			s = store_open(m->db_url);
		if (s && send_due(m, s) < 0 && store_is_pg(s)) {
			/* A PostgreSQL connection that failed is opened afresh. */
			store_close(s);
			s = NULL;
		}
		pthread_mutex_lock(&m->lock);
		if (m->stopping)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += m->poll_seconds;
		while (!m->stopping && pthread_cond_timedwait(&m->wake, &m->lock, &ts) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&m->lock);
	store_close(s);
	return NULL;
}

int hub_mail_start(struct hub_mail *m)
{
	if (!m->url[0])
		return 0;
	if (strncmp(m->url, "smtp://", 7) && strncmp(m->url, "smtps://", 8))
		return error("smtp_url must start with smtp:// or smtps://");
	if (!address_ok(m->from))
		return error("smtp_from must be an e-mail address (like noreply@comune.example.it)");
	if (m->poll_seconds < 1)
		m->poll_seconds = 1;
	if (m->retry_seconds < 1)
		m->retry_seconds = 1;
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return error("cannot initialise libcurl");
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->wake, NULL);
	if (pthread_create(&m->thread, NULL, mail_main, m))
		return error("cannot start the mail thread");
	m->started = 1;
	return 0;
}

void hub_mail_stop(struct hub_mail *m)
{
	if (!m->started)
		return;
	pthread_mutex_lock(&m->lock);
	m->stopping = 1;
	pthread_cond_signal(&m->wake);
	pthread_mutex_unlock(&m->lock);
	pthread_join(m->thread, NULL);
	m->started = 0;
}

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The receipt printer thread (see printer.h). Start reading at
 * printer_thread(): it takes jobs (ESC/POS bytes made by printer_submit()
 * with printer_receipt()) from a small queue and writes them to the
 * device without ever
 * blocking for long: the device is opened O_NONBLOCK and written under
 * poll() with a deadline. Status comes from what the device does:
 *   no such file / ENODEV          -> missing
 *   LPGETSTATUS paper-out bit, a "paper end" answer to the ESC/POS
 *   real-time status request DLE EOT 4 (two-way printers), or a write
 *   failing with ENOSPC (usblp's answer when the paper runs out)
 *                                  -> paper out
 *   no reader (ENXIO), EIO, or the device takes no data before the
 *   deadline                       -> no answer
 * Failed jobs are not retried on their own (the citizen may have left);
 * the admin screen reprints them with printer_reprint().
 */
#include "kiosk/printer.h"
#include "core/datetime.h"
#include "core/escpos.h"
#include "core/files.h"
#include "core/receipt.h"
#include "core/png.h"
#include "core/util.h"
#include "kiosk/receipt_png.h"
#include "kiosk/ui.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/lp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { QUEUE_MAX = 8, HISTORY_MAX = 32, STOP_GRACE_MS = 2000 };

static const char msg_missing[] =
	"The printer is not connected. Please take a photo of the receipt on screen; staff can reprint it later.";
static const char msg_paper[] =
	"The printer is out of paper. Please take a photo of the receipt on screen; staff can reprint it later.";
static const char msg_no_answer[] =
	"The printer does not answer. Please take a photo of the receipt on screen; staff can reprint it later.";
static const char msg_busy[] = "Printing your receipt...";

struct job {
	char protocol[48];
	unsigned char *data;		/* ESC/POS bytes, owned */
	size_t len;
};

/* A receipt as submitted, in its language, for reprints. */
struct printed {
	struct receipt_doc doc;
	struct receipt_words words;
};

struct printer {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	char device[1024];
	char copy_dir[1024];
	int width;
	int timeout_ms;
	int stop;
	int64_t stop_at;		/* now_ms() when printer_stop() was called */
	struct job queue[QUEUE_MAX];
	int qhead, qlen;
	struct printed history[HISTORY_MAX];
	int hnext, hlen;
	struct printer_status status;
};

static void set_state(struct printer *p, enum printer_state s)
{
	static const char *keys[] = {
		[PRINTER_NONE] = "none", [PRINTER_READY] = "ok", [PRINTER_BUSY] = "busy",
		[PRINTER_MISSING] = "missing", [PRINTER_PAPER_OUT] = "paper_out",
		[PRINTER_NO_ANSWER] = "no_answer",
	};
	p->status.state = s;
	p->status.key = keys[s];
	switch (s) {
	case PRINTER_MISSING: p->status.message = msg_missing; break;
	case PRINTER_PAPER_OUT: p->status.message = msg_paper; break;
	case PRINTER_NO_ANSWER: p->status.message = msg_no_answer; break;
	case PRINTER_BUSY: p->status.message = msg_busy; break;
	default: p->status.message = "";
	}
}

/* Writes all of data to fd within timeout_ms; gives up early (after a
 * grace period) when the printer is being stopped. Returns the state. */
static enum printer_state write_all(struct printer *p, int fd, const unsigned char *data, size_t len)
{
	int64_t start = now_ms();
	size_t off = 0;
	while (off < len) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int64_t waited = now_ms() - start;
		int late;
		pthread_mutex_lock(&p->lock);
		late = p->stop && now_ms() - p->stop_at >= STOP_GRACE_MS;
		pthread_mutex_unlock(&p->lock);
		if (waited >= p->timeout_ms || late)
			return PRINTER_NO_ANSWER;
		int r = poll(&pfd, 1, 200);
		if (r < 0 && errno != EINTR)
			return PRINTER_NO_ANSWER;
		if (r <= 0)
			continue;
		if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))
			return PRINTER_NO_ANSWER;
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			if (errno == ENOSPC)
				return PRINTER_PAPER_OUT;
			if (errno == ENODEV || errno == ENOENT)
				return PRINTER_MISSING;
			return PRINTER_NO_ANSWER;
		}
		off += (size_t)w;
	}
	return PRINTER_READY;
}

/* Asks a two-way printer about its paper (ESC/POS real-time status,
 * DLE EOT 4: roll paper sensor). Returns 1 when it answers "paper end",
 * 0 when it has paper or does not answer (one-way devices). */
static int paper_end(int fd)
{
	static const unsigned char ask[3] = { 0x10, 0x04, 0x04 };
	unsigned char b[16];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	for (int i = 0; i < 4 && read(fd, b, sizeof(b)) > 0; i++)
		;	/* drop stale answers */
	if (write(fd, ask, sizeof(ask)) != (ssize_t)sizeof(ask))
		return 0;
	if (poll(&pfd, 1, 300) <= 0 || read(fd, b, 1) != 1)
		return 0;
	/* Fixed bits: 1 and 4 set, 0 and 7 clear; bits 5-6: paper end. */
	return (b[0] & 0x93) == 0x12 && (b[0] & 0x60);
}

static enum printer_state print_one(struct printer *p, const struct job *job)
{
	struct escpos_buf b = { job->data, job->len, job->len, 0 };
	enum printer_state s;
	struct stat st;
	int fd, lp = 0;
	if (p->copy_dir[0]) {
		char path[2048];
		if (str_fmt(path, sizeof(path), "%s/%s.bin", p->copy_dir, job->protocol) >= 0 &&
		    !strchr(job->protocol, '/'))
			file_write_atomic(path, b.data, b.len, 0644);
	}
	if (stat(p->device, &st)) {
		escpos_buf_release(&b);
		return PRINTER_MISSING;
	}
	/* Character devices read-write, so a two-way printer can answer. */
	fd = -1;
	if (S_ISCHR(st.st_mode))
		fd = open(p->device, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		fd = open(p->device, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY |
			  (S_ISREG(st.st_mode) ? O_APPEND : 0));
	if (fd < 0) {
		int e = errno;
		escpos_buf_release(&b);
		return (e == ENOENT || e == ENODEV || e == EACCES) ? PRINTER_MISSING : PRINTER_NO_ANSWER;
	}
	if (S_ISCHR(st.st_mode) && ((ioctl(fd, LPGETSTATUS, &lp) == 0 && (lp & LP_POUTPA)) ||
				    paper_end(fd)))
		s = PRINTER_PAPER_OUT;
	else
		s = write_all(p, fd, b.data, b.len);
	close(fd);
	escpos_buf_release(&b);
	return s;
}

static void *printer_thread(void *arg)
{
	struct printer *p = arg;
	struct job job;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && p->qlen == 0) {
			/* Idle: notice a printer plugged in or pulled out. */
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += 2;
			if (pthread_cond_timedwait(&p->wake, &p->lock, &until) == ETIMEDOUT) {
				int present = access(p->device, F_OK) == 0;
				if (!present && p->status.state == PRINTER_READY)
					set_state(p, PRINTER_MISSING);
				else if (present && p->status.state == PRINTER_MISSING)
					set_state(p, PRINTER_READY);
			}
		}
		if (p->qlen == 0 && p->stop)
			break;
		if (p->stop && now_ms() - p->stop_at >= STOP_GRACE_MS) {
			/* Stopping and out of time: drop what was not started. */
			p->status.failed += p->qlen;
			for (; p->qlen; p->qlen--, p->qhead = (p->qhead + 1) % QUEUE_MAX)
				free(p->queue[p->qhead].data);
			p->status.pending = 0;
			break;
		}
		job = p->queue[p->qhead];
		p->qhead = (p->qhead + 1) % QUEUE_MAX;
		p->qlen--;
		set_state(p, PRINTER_BUSY);
		p->status.pending = p->qlen + 1;
		str_copy(p->status.last_protocol, sizeof(p->status.last_protocol), job.protocol);
		pthread_mutex_unlock(&p->lock);

		enum printer_state s = print_one(p, &job);	/* frees job.data */

		pthread_mutex_lock(&p->lock);
		p->status.pending = p->qlen;
		if (s == PRINTER_READY)
			p->status.printed++;
		else
			p->status.failed++;
		set_state(p, s);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct printer *printer_start(const char *device, int width_dots)
{
	struct printer *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	str_copy(p->device, sizeof(p->device), device ? device : "");
	p->width = width_dots == 576 ? 576 : 384;
	p->timeout_ms = 10000;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	set_state(p, p->device[0] ? PRINTER_READY : PRINTER_NONE);
	if (p->device[0] && access(p->device, F_OK))
		set_state(p, PRINTER_MISSING);
	if (p->device[0] && pthread_create(&p->thread, NULL, printer_thread, p)) {
		pthread_mutex_destroy(&p->lock);
		pthread_cond_destroy(&p->wake);
		free(p);
		return NULL;
	}
	return p;
}

void printer_keep_copies(struct printer *p, const char *dir)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	str_copy(p->copy_dir, sizeof(p->copy_dir), dir ? dir : "");
	pthread_mutex_unlock(&p->lock);
}

void printer_set_timeout(struct printer *p, int ms)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->timeout_ms = ms < 100 ? 100 : ms;
	pthread_mutex_unlock(&p->lock);
}

/* --- the receipt as ESC/POS ------------------------------------------------ */

enum { BAND_ROWS = 256, MARGIN_DOTS = 8, TALL = 3000 };

/* Sends the rows 0..rows of a grey raster as GS v 0 images (black where
 * darker than mid-grey), in bands a printer's buffer takes. */
static void put_raster(struct escpos_buf *b, const struct raster *img, int rows)
{
	int bytes = img->width / 8;
	unsigned char head[8], row[128];
	for (int y0 = 0; y0 < rows; y0 += BAND_ROWS) {
		int n = rows - y0 < BAND_ROWS ? rows - y0 : BAND_ROWS;
		head[0] = 0x1D, head[1] = 'v', head[2] = '0', head[3] = 0;
		head[4] = (unsigned char)(bytes & 0xFF), head[5] = (unsigned char)(bytes >> 8);
		head[6] = (unsigned char)(n & 0xFF), head[7] = (unsigned char)(n >> 8);
		escpos_put(b, head, sizeof(head));
		for (int y = y0; y < y0 + n; y++) {
			const unsigned char *px = img->pixels + (size_t)y * (size_t)img->width;
			memset(row, 0, sizeof(row));
			for (int x = 0; x < bytes * 8; x++)
				if (px[x] < 128)
					row[x / 8] |= (unsigned char)(0x80 >> (x % 8));
			escpos_put(b, row, (size_t)bytes);
		}
	}
}

/* Draws a block of lines into a fresh raster and sends it. */
struct block {
	struct raster img;
	int y;
};

static int block_begin(struct block *k, int width)
{
	k->y = 0;
	return raster_init(&k->img, width, TALL, 1, 255);
}

static void block_text(struct block *k, struct receipt_type *t, int font, int px, const char *text)
{
	if (*text && k->y < TALL)
		k->y += receipt_type_draw(t, &k->img, k->y, MARGIN_DOTS, k->img.width - 2 * MARGIN_DOTS, font, px, 0,
					  text);
}

static int block_end(struct block *k, struct escpos_buf *b)
{
	int rc = 0;
	if (k->y >= TALL)
		rc = error("receipt text too long for the printer");
	else if (k->y > 0)
		put_raster(b, &k->img, k->y);
	raster_release(&k->img);
	return rc;
}

static int receipt_bytes(struct receipt_type *t, const struct receipt_doc *doc, const struct receipt_words *w,
			 int width, struct escpos_buf *out)
{
	struct block k;
	char line[512];
	static const unsigned char init[] = { 0x1B, '@', 0x1B, 't', ESCPOS_CODEPAGE_858 };
	static const unsigned char tail[] = { 0x1B, 'a', 0, 0x1B, 'd', 4, 0x1D, 'V', 66, 0 };
	const unsigned char start[] = { 0x1B, 'a', (unsigned char)(w->rtl ? 2 : 0) };
	static const unsigned char centre[] = { 0x1B, 'a', 1 }, nl[] = { '\n' };
	static const unsigned char bold_on[] = { 0x1B, 'E', 1 }, bold_off[] = { 0x1B, 'E', 0 };

	escpos_put(out, init, sizeof(init));
	if (block_begin(&k, width))
		return -1;
	str_fmt(line, sizeof(line), "%s %s", w->comune, doc->comune_name);
	block_text(&k, t, UI_FONT_BOLD, 34, line);
	block_text(&k, t, UI_FONT_REGULAR, 22, w->heading);
	k.y += 8;
	raster_fill(&k.img, MARGIN_DOTS, k.y, width - 2 * MARGIN_DOTS, 2, 0);
	k.y += 10;
	block_text(&k, t, UI_FONT_REGULAR, 22, w->protocol);
	if (block_end(&k, out))
		return -1;
	/* The protocol number as printer text, exactly as it always was:
	 * ASCII letters, digits and dashes, left to right. */
	if (escpos_cp858(doc->protocol, line, sizeof(line)) < 0)
		return error("protocol number is not printable");
	escpos_put(out, start, sizeof(start));
	escpos_put(out, bold_on, sizeof(bold_on));
	escpos_put(out, line, strlen(line));
	escpos_put(out, nl, 1);
	escpos_put(out, bold_off, sizeof(bold_off));
	if (block_begin(&k, width))
		return -1;
	k.y += 6;
	block_text(&k, t, UI_FONT_REGULAR, 22, w->placement);
	block_text(&k, t, UI_FONT_BOLD, 24, doc->placement_title);
	block_text(&k, t, UI_FONT_REGULAR, 22, doc->placement_code);
	k.y += 8;
	block_text(&k, t, UI_FONT_REGULAR, 22, w->sent);
	block_text(&k, t, UI_FONT_REGULAR, 24, doc->when);
	k.y += 12;
	if (block_end(&k, out))
		return -1;
	if (doc->url[0]) {
		escpos_put(out, centre, sizeof(centre));
		if (escpos_qr(out, doc->url, width))
			return -1;
	}
	if (block_begin(&k, width))
		return -1;
	k.y += 8;
	block_text(&k, t, UI_FONT_REGULAR, 22, doc->url[0] ? w->qr_help : w->keep);
	if (block_end(&k, out))
		return -1;
	escpos_put(out, tail, sizeof(tail));
	if (out->failed)
		return error("receipt too large for the printer buffer");
	return 0;
}

int printer_receipt(const struct receipt_doc *doc, const struct receipt_words *w, const char *font_dir,
		    int width_dots, struct escpos_buf *out)
{
	struct receipt_type *t;
	int rc;
	if (width_dots != 384 && width_dots != 576)
		return error("printer width must be 384 or 576 dots, not %d", width_dots);
	t = receipt_type_new(font_dir, w->lang);
	if (!t) {
		warning("printer: no fonts: receipt in the printer's own letters, Italian and English");
		return escpos_receipt(doc, width_dots, out);
	}
	rc = receipt_bytes(t, doc, w, width_dots, out);
	receipt_type_free(t);
	return rc;
}

/* Makes the bytes of e and queues them. The lock is not held: making
 * them takes a few milliseconds of the UI thread. */
static int enqueue(struct printer *p, const struct printed *e)
{
	struct escpos_buf b = { 0 };
	int rc = -1;
	if (!p->device[0])
		return 0;	/* no printer: accepted and dropped */
	pthread_mutex_lock(&p->lock);
	rc = p->qlen == QUEUE_MAX ? -1 : 0;
	pthread_mutex_unlock(&p->lock);
	if (rc || printer_receipt(&e->doc, &e->words, NULL, p->width, &b)) {
		escpos_buf_release(&b);
		return -1;
	}
	pthread_mutex_lock(&p->lock);
	if (p->qlen == QUEUE_MAX) {
		escpos_buf_release(&b);
		rc = -1;
	} else {
		struct job *j = &p->queue[(p->qhead + p->qlen) % QUEUE_MAX];
		str_copy(j->protocol, sizeof(j->protocol), e->doc.protocol);
		j->data = b.data;
		j->len = b.len;
		p->qlen++;
		p->status.pending = p->qlen + (p->status.state == PRINTER_BUSY);
		pthread_cond_signal(&p->wake);
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

int printer_submit(struct printer *p, const struct receipt_doc *doc)
{
	struct receipt_words w;
	receipt_words_current(&w);
	return printer_submit_words(p, doc, &w);
}

int printer_submit_words(struct printer *p, const struct receipt_doc *doc, const struct receipt_words *w)
{
	struct printed e;
	int slot = -1;
	if (!p || !doc || !w)
		return -1;
	e.doc = *doc;
	e.words = *w;
	pthread_mutex_lock(&p->lock);
	/* Remember it for reprints, replacing an older copy of the same one. */
	for (int i = 0; i < p->hlen; i++)
		if (!strcmp(p->history[i].doc.protocol, doc->protocol))
			slot = i;
	if (slot < 0) {
		slot = p->hnext;
		p->hnext = (p->hnext + 1) % HISTORY_MAX;
		if (p->hlen < HISTORY_MAX)
			p->hlen++;
	}
	p->history[slot] = e;
	pthread_mutex_unlock(&p->lock);
	return enqueue(p, &e);
}

int printer_reprint(struct printer *p, const char *protocol)
{
	struct printed e;
	int found = 0;
	if (!p)
		return -1;
	pthread_mutex_lock(&p->lock);
	if (!protocol || !*protocol) {
		if (p->hlen) {
			e = p->history[(p->hnext + HISTORY_MAX - 1) % HISTORY_MAX];
			found = 1;
		}
	} else {
		for (int i = 0; i < p->hlen; i++)
			if (!strcmp(p->history[i].doc.protocol, protocol)) {
				e = p->history[i];
				found = 1;
				break;
			}
	}
	pthread_mutex_unlock(&p->lock);
	return found ? enqueue(p, &e) : -1;
}

void printer_get_status(struct printer *p, struct printer_status *out)
{
	if (!p) {
		memset(out, 0, sizeof(*out));
		out->state = PRINTER_NONE;
		out->key = "none";
		out->message = "";
		return;
	}
	pthread_mutex_lock(&p->lock);
	*out = p->status;
	pthread_mutex_unlock(&p->lock);
}

void printer_stop(struct printer *p)
{
	if (!p)
		return;
	if (p->device[0]) {
		pthread_mutex_lock(&p->lock);
		p->stop = 1;
		p->stop_at = now_ms();
		pthread_cond_signal(&p->wake);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
	}
	for (; p->qlen; p->qlen--, p->qhead = (p->qhead + 1) % QUEUE_MAX)
		free(p->queue[p->qhead].data);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->wake);
	free(p);
}

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The kiosk's printer thread: a receipt printed to a device file comes
 * out as ESC/POS whose QR zbar reads; reprints work; a missing device, a
 * device nobody reads (FIFO without reader) and a device that stops
 * taking data (full FIFO) turn into plain-words statuses, while submit
 * never blocks and stop returns. A fake two-way printer on a pseudo
 * terminal answers the ESC/POS paper status request: "paper end" must
 * show as paper out, and with paper the receipt must come out whole.
 */
#include "kiosk/printer.h"
#include "core/datetime.h"
#include "core/escpos.h"
#include "core/files.h"
#include "core/receipt.h"
#include "core/util.h"
#include "tests/unit/check.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <termios.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/dote-printer-XXXXXX";

static void doc(struct receipt_doc *d, const char *protocol)
{
	memset(d, 0, sizeof(*d));
	str_copy(d->comune_name, sizeof(d->comune_name), "Lecco");
	str_copy(d->protocol, sizeof(d->protocol), protocol);
	str_copy(d->placement_code, sizeof(d->placement_code), "DC06-097042-001");
	str_copy(d->when, sizeof(d->when), "26/11/2026 10:00");
	snprintf(d->url, sizeof(d->url), "HTTP://127.0.0.1:8470/R/%s", "MZXW6YTBOIAAAAAA");
}

/* Waits (up to 5 s) until the printer has finished n jobs either way. */
static int wait_done(struct printer *p, int64_t n, struct printer_status *st)
{
	for (int i = 0; i < 500; i++) {
		printer_get_status(p, st);
		if (st->printed + st->failed >= n && st->state != PRINTER_BUSY)
			return 1;
		usleep(10000);
	}
	return 0;
}

static size_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) ? 0 : (size_t)st.st_size;
}

static void test_none(void)
{
	struct printer *p = printer_start(NULL, 384);
	struct printer_status st;
	struct receipt_doc d;
	doc(&d, "DC-097042-K01-2026-000001");
	CHECK("no printer: starts", p != NULL);
	CHECK_INT("no printer: submit accepted", printer_submit(p, &d), 0);
	printer_get_status(p, &st);
	CHECK_INT("no printer: state none", st.state, PRINTER_NONE);
	CHECK_STR("no printer: key", st.key, "none");
	printer_stop(p);
}

static void test_file(int have_zbar)
{
	char dev[256], png[256], copy[256];
	struct printer *p;
	struct printer_status st;
	struct receipt_doc d;
	size_t one;
	snprintf(dev, sizeof(dev), "%s/lp0", dir);
	close(open(dev, O_CREAT | O_WRONLY, 0644));
	p = printer_start(dev, 576);
	printer_keep_copies(p, dir);
	doc(&d, "DC-097042-K01-2026-000002");
	CHECK_INT("file: submit", printer_submit(p, &d), 0);
	CHECK("file: printed", wait_done(p, 1, &st) && st.printed == 1 && st.state == PRINTER_READY);
	CHECK_STR("file: status key ok", st.key, "ok");
	CHECK_STR("file: no message when ready", st.message, "");
	CHECK_STR("file: last protocol", st.last_protocol, d.protocol);
	one = file_size(dev);
	CHECK("file: ESC/POS bytes written", one > 1000);
	snprintf(copy, sizeof(copy), "%s/%s.bin", dir, d.protocol);
	CHECK_INT("file: copy kept with the same bytes", (long)file_size(copy), (long)one);
	{
		size_t len;
		unsigned char *data = (unsigned char *)file_read(dev, 1 << 20, &len);
		snprintf(png, sizeof(png), "%s/printed.png", dir);
		/* Text is printed as images too: the heading, details, QR
		 * code and footer rasters, 4 or more (bands). */
		CHECK("file: rasters render", escpos_render_png(data, len, png) >= 4);
		free(data);
		if (have_zbar) {
			char cmd[512], got[600] = "";
			snprintf(cmd, sizeof(cmd), "zbarimg --raw -q '%s' 2>/dev/null", png);
			FILE *z = popen(cmd, "r");
			if (z && fgets(got, sizeof(got), z))
				got[strcspn(got, "\n")] = '\0';
			if (z)
				pclose(z);
			CHECK_STR("file: zbar reads the printed QR", got, d.url);
		} else {
			printf("SKIP file: zbar reads the printed QR: zbarimg not installed\n");
		}
	}
	CHECK_INT("reprint last", printer_reprint(p, NULL), 0);
	CHECK("reprint printed again", wait_done(p, 2, &st) && st.printed == 2);
	CHECK_INT("reprint doubles the output", (long)file_size(dev), (long)(2 * one));
	CHECK_INT("reprint by protocol", printer_reprint(p, "DC-097042-K01-2026-000002"), 0);
	CHECK("reprint by protocol printed", wait_done(p, 3, &st) && st.printed == 3);
	CHECK_INT("reprint unknown protocol refused", printer_reprint(p, "DC-NOPE"), -1);
	/* The printer goes away (unplugged). */
	unlink(dev);
	doc(&d, "DC-097042-K01-2026-000003");
	printer_submit(p, &d);
	CHECK("unplugged: job fails", wait_done(p, 4, &st) && st.failed == 1);
	CHECK_INT("unplugged: state missing", st.state, PRINTER_MISSING);
	CHECK("unplugged: plain message", strstr(st.message, "not connected") != NULL);
	/* Plugged back in: the admin reprints that receipt. */
	close(open(dev, O_CREAT | O_WRONLY, 0644));
	CHECK_INT("replugged: reprint the failed one", printer_reprint(p, "DC-097042-K01-2026-000003"), 0);
	CHECK("replugged: printed", wait_done(p, 5, &st) && st.printed == 4 && st.state == PRINTER_READY);
	printer_stop(p);
}

static void test_stop_soon(void)
{
	char dev[256];
	struct printer *p;
	struct receipt_doc d;
	snprintf(dev, sizeof(dev), "%s/lp-stop", dir);
	close(open(dev, O_CREAT | O_WRONLY, 0644));
	p = printer_start(dev, 384);
	doc(&d, "DC-097042-K01-2026-000008");
	printer_submit(p, &d);
	printer_submit(p, &d);
	printer_stop(p);	/* right away, as a kiosk shutting down would */
	CHECK("stop right after submit still prints the queued receipts", file_size(dev) > 2000);
}

static void test_missing(void)
{
	struct printer *p = printer_start("/nonexistent/dev/usb/lp0", 384);
	struct printer_status st;
	struct receipt_doc d;
	printer_get_status(p, &st);
	CHECK_INT("missing at start: state", st.state, PRINTER_MISSING);
	doc(&d, "DC-097042-K01-2026-000004");
	CHECK_INT("missing: submit still accepted", printer_submit(p, &d), 0);
	CHECK("missing: fails", wait_done(p, 1, &st) && st.failed == 1 && st.state == PRINTER_MISSING);
	CHECK_STR("missing: key", st.key, "missing");
	printer_stop(p);
}

static void test_no_answer(void)
{
	char fifo[256];
	struct printer *p;
	struct printer_status st;
	struct receipt_doc d;
	int rd, wr, flags;
	int64_t t0;
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	mkfifo(fifo, 0600);
	/* Nobody reading: the device does not answer. */
	p = printer_start(fifo, 384);
	printer_set_timeout(p, 300);
	doc(&d, "DC-097042-K01-2026-000005");
	printer_submit(p, &d);
	CHECK("no reader: fails", wait_done(p, 1, &st) && st.failed == 1);
	CHECK_INT("no reader: no answer", st.state, PRINTER_NO_ANSWER);
	CHECK("no reader: plain message", strstr(st.message, "does not answer") != NULL);
	/* A reader that takes nothing: the pipe is full, the write times out. */
	rd = open(fifo, O_RDONLY | O_NONBLOCK);
	wr = open(fifo, O_WRONLY | O_NONBLOCK);
	flags = 0;
	{
		char junk[4096] = { 0 };
		while (write(wr, junk, sizeof(junk)) > 0)
			flags++;
	}
	t0 = now_ms();
	int accepted = 0;
	doc(&d, "DC-097042-K01-2026-000006");
	for (int i = 0; i < 12; i++)
		if (printer_submit(p, &d) == 0)
			accepted++;
	CHECK("stuck device: submit never blocks", now_ms() - t0 < 1000);	/* blocking would cost 300 ms a job */
	printf("# accepted %d of 12\n", accepted);
	CHECK("stuck device: a full queue refuses more", accepted >= 8 && accepted <= 9);
	printer_get_status(p, &st);
	CHECK("stuck device: pending counted", st.pending >= 8);
	for (int i = 0; i < 300; i++) {
		printer_get_status(p, &st);
		if (st.failed >= 2)
			break;
		usleep(10000);
	}
	CHECK_INT("stuck device: the job times out", st.failed, 2);
	t0 = now_ms();
	printer_stop(p);
	CHECK("stop returns while the device is stuck", now_ms() - t0 < 3000);
	close(rd);
	close(wr);
}

/* A two-way printer on the master side of a pty. */
struct fake_printer {
	int master;
	volatile int paper_out, stop;
	unsigned char got[65536];
	size_t len;
	pthread_mutex_t lock;
};

static void *fake_printer_run(void *arg)
{
	struct fake_printer *f = arg;
	while (!f->stop) {
		struct pollfd pfd = { .fd = f->master, .events = POLLIN };
		unsigned char b[4096];
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		ssize_t n = read(f->master, b, sizeof(b));
		if (n <= 0) {
			usleep(20000);	/* no slave open right now */
			continue;
		}
		pthread_mutex_lock(&f->lock);
		for (ssize_t i = 0; i < n; i++) {
			if (f->len < sizeof(f->got))
				f->got[f->len++] = b[i];
			if (f->len >= 3 && !memcmp(f->got + f->len - 3, "\x10\x04\x04", 3)) {
				unsigned char answer = (unsigned char)(0x12 | (f->paper_out ? 0x60 : 0));
				if (write(f->master, &answer, 1) != 1)
					break;
			}
		}
		pthread_mutex_unlock(&f->lock);
	}
	return NULL;
}

static void test_paper(void)
{
	struct fake_printer f = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct printer_status st;
	struct receipt_doc d;
	struct termios t;
	pthread_t th;
	struct printer *p;
	char png[256];
	f.master = posix_openpt(O_RDWR | O_NOCTTY);
	if (f.master < 0 || grantpt(f.master) || unlockpt(f.master) || !ptsname(f.master)) {
		printf("SKIP paper out: no pseudo terminals here\n");
		return;
	}
	tcgetattr(f.master, &t);
	cfmakeraw(&t);
	tcsetattr(f.master, TCSANOW, &t);
	pthread_create(&th, NULL, fake_printer_run, &f);
	p = printer_start(ptsname(f.master), 384);
	f.paper_out = 1;
	doc(&d, "DC-097042-K01-2026-000007");
	printer_submit(p, &d);
	CHECK("paper end: job fails", wait_done(p, 1, &st) && st.failed == 1);
	CHECK_INT("paper end: state paper out", st.state, PRINTER_PAPER_OUT);
	CHECK_STR("paper end: key", st.key, "paper_out");
	CHECK("paper end: plain message", strstr(st.message, "out of paper") != NULL);
	pthread_mutex_lock(&f.lock);
	CHECK("paper end: nothing printed", f.len <= 3);
	f.len = 0;
	pthread_mutex_unlock(&f.lock);
	f.paper_out = 0;
	CHECK_INT("paper loaded: reprint", printer_reprint(p, NULL), 0);
	CHECK("paper loaded: printed", wait_done(p, 2, &st) && st.printed == 1 && st.state == PRINTER_READY);
	usleep(200000);	/* let the fake printer take the last bytes */
	pthread_mutex_lock(&f.lock);
	snprintf(png, sizeof(png), "%s/pty.png", dir);
	CHECK("paper loaded: receipt came out whole", f.len > 1000 &&
	      escpos_render_png(f.got, f.len, png) >= 4 &&
	      !memcmp(f.got + f.len - 4, "\x1DV\x42\x00", 4));
	pthread_mutex_unlock(&f.lock);
	printer_stop(p);
	f.stop = 1;
	pthread_join(th, NULL);
	close(f.master);
}

int main(void)
{
	int have_zbar = system("command -v zbarimg >/dev/null 2>&1") == 0;
	char cmd[128];
	util_quiet(1);
	if (!mkdtemp(dir))
		return 1;
	test_none();
	test_file(have_zbar);
	test_stop_soon();
	test_missing();
	test_no_answer();
	test_paper();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		printf("# could not remove %s\n", dir);
	return check_done();
}

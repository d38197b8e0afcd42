/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * submit_loop: submits many applications through application_submit(),
 * exactly as the kiosk does, and prints "OK <protocol> <uuid>" for each
 * one only after the commit returned (the kiosk shows a receipt only
 * then). The crash test kills it with SIGKILL at random moments and then
 * checks that every printed protocol survived.
 *   submit_loop --db FILE --state DIR [--kiosk K01] [--comune ISTAT]
 *               [--count N] [--start I] [--receipts DIR --hub URL]
 * With --receipts it also does what the kiosk does after a submit: saves
 * the receipt PNG and the printer's ESC/POS bytes (DIR/<protocol>.png,
 * DIR/<protocol>.bin, 384 dots) for the QR pointing at the hub URL.
 * People are generated from I, I+1, ... so restarts continue with new
 * people. Exit 0 when every submit succeeded.
 */
#include "core/application.h"
#include "core/cf.h"
#include "core/db.h"
#include "core/escpos.h"
#include "core/files.h"
#include "core/identity.h"
#include "core/receipt.h"
#include "core/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void make_person(struct application *a, const char *placement, long i)
{
	static const char *surnames[] = { "Rossi", "Bianchi", "Ferrari", "Esposito", "Romano",
					  "Colombo", "Ricci", "Marino", "Greco", "Bruno" };
	char birth[11];
	time_t t = (time_t)(86400L * (7300 + i % 9000));	/* 1990 .. 2014 */
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(birth, sizeof(birth), "%Y-%m-%d", &tm);
	memset(a, 0, sizeof(*a));
	str_copy(a->placement_code, sizeof(a->placement_code), placement);
	str_copy(a->family_name, sizeof(a->family_name), surnames[(i / 9000) % 10]);
	str_copy(a->given_name, sizeof(a->given_name), "Anna");
	cf_compute(a->family_name, a->given_name, 'F', birth, "F205", a->cf, sizeof(a->cf));
	str_copy(a->phone, sizeof(a->phone), "3331234567");
	str_copy(a->residence, sizeof(a->residence), "015146");
	str_copy(a->applicant_status, sizeof(a->applicant_status), "unemployed");
	str_copy(a->education, sizeof(a->education), "upper_secondary");
	str_copy(a->lang, sizeof(a->lang), "it");
}

/* What the kiosk does once the receipt is on screen. */
static int save_receipt(sqlite3 *db, const char *dir, const char *hub, const char *protocol)
{
	struct receipt_doc doc;
	struct escpos_buf b = { 0 };
	char path[4096];
	int rc = -1;
	if (receipt_doc_load(db, protocol, hub, &doc) || receipt_write_png(dir, &doc, NULL, 0))
		return -1;
	if (escpos_receipt(&doc, 384, &b) == 0 &&
	    str_fmt(path, sizeof(path), "%s/%s.bin", dir, protocol) >= 0)
		rc = file_write_atomic(path, b.data, b.len, 0644);
	escpos_buf_release(&b);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' }, { "state", required_argument, NULL, 's' },
		{ "kiosk", required_argument, NULL, 'k' }, { "comune", required_argument, NULL, 'c' },
		{ "count", required_argument, NULL, 'n' }, { "start", required_argument, NULL, 'i' },
		{ "receipts", required_argument, NULL, 'r' }, { "hub", required_argument, NULL, 'h' },
		{ 0 }
	};
	const char *dbpath = NULL, *state = NULL, *kid = "K01", *comune = "015146";
	const char *receipts = NULL, *hub = "http://127.0.0.1";
	long count = 100, start = 0, failures = 0;
	struct kiosk_identity id;
	char placement[32], token[RECEIPT_TOKEN_MAX], err[200], line[160];
	sqlite3 *db;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dbpath = optarg; break;
		case 's': state = optarg; break;
		case 'k': kid = optarg; break;
		case 'c': comune = optarg; break;
		case 'n': count = atol(optarg); break;
		case 'i': start = atol(optarg); break;
		case 'r': receipts = optarg; break;
		case 'h': hub = optarg; break;
		default:
			fprintf(stderr, "usage: submit_loop --db FILE --state DIR [--kiosk ID] [--comune ISTAT] [--count N] [--start I]\n");
			return 2;
		}
	}
	if (!dbpath || !state) {
		fprintf(stderr, "submit_loop: --db and --state are required\n");
		return 2;
	}
	if (identity_load(state, &id)) {
		memset(&id, 0, sizeof(id));
		if (identity_create_key(state, &id))
			return 1;
		str_copy(id.id, sizeof(id.id), kid);
		str_copy(id.comune, sizeof(id.comune), comune);
		if (identity_save(state, &id))
			return 1;
	}
	db = db_open(dbpath, DB_SYNC_FULL);
	if (!db)
		return 1;
	if (db_text(db, "SELECT p.code FROM placement p JOIN call c ON c.id = p.call_id"
			" WHERE c.status = 'open' AND p.status = 'open' ORDER BY p.code LIMIT 1",
		    NULL, placement, sizeof(placement))) {
		fprintf(stderr, "submit_loop: no open placement in %s\n", dbpath);
		return 1;
	}
	for (long i = start; i < start + count; i++) {
		struct application a;
		make_person(&a, placement, i);
		enum submit_result r = application_submit(db, &id, &a, token, sizeof(token), err, sizeof(err));
		if (r == SUBMIT_OK) {
			/* One write(2) per line: a kill leaves whole lines only. */
			int n = snprintf(line, sizeof(line), "OK %s %s\n", a.protocol, a.uuid);
			if (write(1, line, (size_t)n) != n)
				return 1;
			if (receipts && save_receipt(db, receipts, hub, a.protocol))
				failures++;
		} else if (r != SUBMIT_DUPLICATE) {
			fprintf(stderr, "submit %ld failed (%d): %s\n", i, (int)r, err);
			failures++;
		}
		application_wipe(&a);
	}
	db_close(db);
	identity_wipe(&id);
	return failures ? 1 : 0;
}

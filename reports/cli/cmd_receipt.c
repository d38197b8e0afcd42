/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * `dote receipt`: checks a receipt's QR payload (the token or the whole
 * URL) against the hub database or one kiosk's public key, and renders
 * the QR raster of an ESC/POS byte stream to PNG (for tests and support).
 *   dote receipt verify PAYLOAD (--db HUBDB | --pubkey FILE --kiosk ID) [--json]
 *   dote receipt render-escpos IN.bin OUT.png
 * Exit status: 0 genuine / rendered, 1 not genuine / nothing found, 2 usage.
 */
#include "reports/cli/command.h"
#include "core/escpos.h"
#include "core/files.h"
#include "core/receipt.h"
#include "core/util.h"
#include "reports/store/store.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
	"usage: dote receipt verify PAYLOAD (--db HUBDB | --pubkey FILE --kiosk ID) [--json]\n"
	"       dote receipt render-escpos IN.bin OUT.png\n\n"
	"verify: PAYLOAD is what the receipt's QR code holds: the token or the whole\n"
	"  URL (HTTPS://HUB/R/TOKEN). Prints the receipt's fields and exits 0 when it\n"
	"  is genuine; prints why and exits 1 when it is altered, truncated, or signed\n"
	"  by an unknown or revoked kiosk.\n"
	"  --db HUBDB      check against every kiosk key in the hub database (SQLite\n"
	"                  file or postgres:// URL), and show the application's status;\n"
	"                  a receipt the hub stored before its kiosk was revoked stays\n"
	"                  genuine, as on the hub's receipt page\n"
	"  --pubkey FILE   a kiosk's public key (key.pub: 64 hex digits) ...\n"
	"  --kiosk ID      ... and the id of that kiosk ('K03')\n"
	"  --json          print one JSON object instead of text\n"
	"render-escpos: writes the GS v 0 raster images found in an ESC/POS byte\n"
	"  stream (a printed receipt) as one PNG; exit 1 when there is none.\n";

struct one_key {
	const char *kiosk;
	unsigned char pk[32];
};

static int lookup_one(void *ctx, const char *kiosk_id, unsigned char pk[32], int *revoked)
{
	const struct one_key *k = ctx;
	if (strcmp(k->kiosk, kiosk_id))
		return 1;
	memcpy(pk, k->pk, 32);
	*revoked = 0;
	return 0;
}

static int load_pubkey(const char *path, unsigned char pk[32])
{
	size_t len = 0, got = 0;
	char *text = file_read(path, 4096, &len);
	int rc = -1;
	if (!text)
		return -1;
	if (len == 32) {
		memcpy(pk, text, 32);
		rc = 0;
	} else {
		str_trim(text);
		if (!sodium_hex2bin(pk, 32, text, strlen(text), NULL, &got, NULL) && got == 32)
			rc = 0;
		else
			error("'%s' is not a public key (64 hex digits)", path);
	}
	free(text);
	return rc;
}

static int verify(int argc, char **argv)
{
	const char *payload = NULL, *dbpath = NULL, *pubkey = NULL, *kiosk = NULL;
	struct receipt_fields f;
	struct one_key key;
	enum receipt_result r;
	char status[32] = "";
	int json = 0, mismatch = 0, withdrawn = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			dbpath = argv[++i];
		else if (!strcmp(argv[i], "--pubkey") && i + 1 < argc)
			pubkey = argv[++i];
		else if (!strcmp(argv[i], "--kiosk") && i + 1 < argc)
			kiosk = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (argv[i][0] == '-' && argv[i][1] == '-')
			goto usage;
		else if (!payload)
			payload = argv[i];
		else
			goto usage;
	}
	if (!payload || (!dbpath == !pubkey) || (pubkey && !kiosk))
		goto usage;
	if (dbpath) {
		/* The hub's database, SQLite or PostgreSQL, as its receipt page
		 * reads it: a kiosk revoked later leaves the receipts the hub
		 * verified and stored before genuine. */
		struct store *st;
		char p[64], k[64];
		if (strncmp(dbpath, "postgres://", 11) && strncmp(dbpath, "postgresql://", 13) &&
		    access(dbpath, R_OK)) {
			error("cannot read database '%s'", dbpath);
			return 2;
		}
		st = store_open(dbpath);
		if (!st)
			return 2;
		r = store_receipt_verify(st, payload, &f, &withdrawn);
		if (r == RECEIPT_OK &&
		    store_application_identity(st, f.uuid, p, sizeof(p), k, sizeof(k), status, sizeof(status)) == 0)
			/* Same uuid, other protocol or kiosk: a signed token can
			 * never do that legitimately. */
			mismatch = !*p || !*k || strcmp(p, f.protocol) || strcmp(k, f.kiosk_id);
		store_close(st);
	} else {
		key.kiosk = kiosk;
		if (load_pubkey(pubkey, key.pk))
			return 2;
		r = receipt_verify(payload, lookup_one, &key, &f);
	}
	if (r == RECEIPT_OK && mismatch) {
		if (json)
			puts("{\"genuine\":false,\"error\":\"the receipt does not match the application on record\"}");
		else
			printf("NOT genuine: the receipt does not match the application on record\n");
		return 1;
	}
	if (json) {
		json_t *o;
		char *s;
		if (r == RECEIPT_OK)
			o = json_pack("{s:b, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:b}", "genuine", 1,
				      "protocol", f.protocol, "uuid", f.uuid, "kiosk", f.kiosk_id,
				      "comune", f.comune, "seq", (json_int_t)f.seq,
				      "placement", f.placement_code, "submitted_at", f.submitted_at,
				      "status", status, "kiosk_withdrawn", withdrawn);
		else
			o = json_pack("{s:b, s:s}", "genuine", 0, "error", receipt_result_str(r));
		s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
		json_decref(o);
	} else if (r == RECEIPT_OK) {
		printf("genuine receipt\nprotocol:  %s\nuuid:      %s\nkiosk:     %s\ncomune:    %s\n"
		       "placement: %s\nsubmitted: %s\n", f.protocol, f.uuid, f.kiosk_id, f.comune,
		       f.placement_code, f.submitted_at);
		if (status[0])
			printf("status:    %s\n", status);
		if (withdrawn)
			printf("note:      the kiosk was withdrawn later; the hub had already verified and stored this application\n");
	} else {
		printf("NOT genuine: %s\n", receipt_result_str(r));
	}
	return r == RECEIPT_OK ? 0 : 1;
usage:
	fputs(usage_text, stderr);
	return 2;
}

static int render(int argc, char **argv)
{
	unsigned char *data;
	size_t len;
	int n;
	if (argc != 3) {
		fputs(usage_text, stderr);
		return 2;
	}
	data = (unsigned char *)file_read(argv[1], 8u << 20, &len);
	if (!data)
		return 1;
	n = escpos_render_png(data, len, argv[2]);
	free(data);
	if (n <= 0) {
		if (n == 0)
			fprintf(stderr, "no GS v 0 raster image in '%s'\n", argv[1]);
		return 1;
	}
	printf("%d raster image%s written to %s\n", n, n == 1 ? "" : "s", argv[2]);
	return 0;
}

static int cmd_receipt(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "verify"))
		return verify(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "render-escpos"))
		return render(argc - 1, argv + 1);
	fputs(usage_text, stderr);
	return 2;
}

DOTE_COMMAND(receipt, "receipt", "verify a receipt's QR payload; render an ESC/POS raster to PNG",
	     cmd_receipt)

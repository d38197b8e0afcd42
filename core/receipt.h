/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Receipts: the citizen's proof that an application exists.
 *
 * The token is a compact binary record signed by the kiosk's Ed25519 key
 * (libsodium) and written in upper-case base32 without padding, so the
 * receipt URL `HTTPS://HUB/R/TOKEN` stays in the QR code's alphanumeric
 * mode. Binary layout (version 1, integers big-endian):
 *
 *   u8  version (1)
 *   u8  kiosk id length, then the id ('K03': A-Z 0-9 '-', 1..15)
 *   u24 comune ISTAT code as a number (015146 -> 15146)
 *   u16 protocol year      u32 per-kiosk sequence
 *   u32 submitted time (epoch seconds, UTC)
 *   16 bytes application UUID (v7)
 *   u8  placement code length, then the code (printable ASCII, 1..31)
 *   64 bytes Ed25519 signature of everything before it
 *
 * The protocol number 'DC-015146-K03-2026-000123' is rebuilt from the
 * comune, kiosk id, year and sequence. receipt_verify() looks the kiosk's
 * public key up by the kiosk id inside the token, so a token re-labelled
 * with another kiosk's id (replayed from another kiosk) fails its
 * signature; unknown and revoked kiosks are refused.
 *
 * Start reading at receipt_verify().
 */
#ifndef DOTE_RECEIPT_H
#define DOTE_RECEIPT_H
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

enum {
	RECEIPT_VERSION = 1,
	RECEIPT_TOKEN_MAX = 256,	/* characters of a token + NUL, upper bound */
	RECEIPT_URL_MAX = 512,		/* hub URL + '/R/' + token + NUL */
	RECEIPT_PAYLOAD_MAX = 1024,	/* longest input receipt_verify*() accepts */
};

struct receipt_fields {
	int version;
	char kiosk_id[16];
	char comune[7];			/* ISTAT, 6 digits */
	int year;			/* protocol year */
	int64_t seq;			/* per-kiosk sequence */
	char protocol[48];		/* 'DC-015146-K03-2026-000123' (filled by verify) */
	char uuid[37];			/* lower-case canonical UUID */
	char placement_code[32];
	int64_t submitted;		/* epoch seconds */
	char submitted_at[21];		/* ISO UTC (filled by verify) */
};

enum receipt_result {
	RECEIPT_OK = 0,
	RECEIPT_MALFORMED,		/* not a token: bad characters, truncated, wrong layout */
	RECEIPT_UNKNOWN_KEY,		/* no public key known for the kiosk id inside */
	RECEIPT_REVOKED,		/* the kiosk's key has been revoked */
	RECEIPT_BAD_SIGNATURE,		/* altered, or signed by another key */
	RECEIPT_LOOKUP_ERROR,		/* the key store could not be read */
};

/* Looks up the public key of kiosk_id. Returns 0 and fills pk (and
 * *revoked: 1 when the key is revoked), 1 when the kiosk is unknown,
 * -1 on a storage error. */
typedef int (*receipt_key_lookup)(void *ctx, const char *kiosk_id, unsigned char pk[32],
				  int *revoked);

/* The protocol number into buf: 'DC-<comune>-<kiosk>-<year>-<seq 6 digits>'
 * (more digits past 999999). Returns 0, or -1 if it did not fit. */
int receipt_protocol(const char *comune, const char *kiosk_id, int year, int64_t seq,
		     char *buf, size_t size);

/* Signs f (version, kiosk_id, comune, year, seq, uuid, placement_code,
 * submitted; the rest is ignored) with the kiosk's secret key and writes
 * the base32 token (NUL-terminated) into token (RECEIPT_TOKEN_MAX is
 * always enough). Returns 0, or -1 when a field is out of range. */
int receipt_sign(const struct receipt_fields *f, const unsigned char sk[64], char *token,
		 size_t size);

/* Verifies a token, or a whole receipt URL ('HTTPS://HUB/R/TOKEN', any
 * case, '/r/' too, trailing white space ignored). On RECEIPT_OK fills
 * *f (f may be NULL), including protocol and submitted_at. On any other
 * result *f holds nothing to trust. */
/* The signature step every signed token shares (receipts, attendance
 * events): the signer's key through lookup, then sig over msg[0..len).
 * RECEIPT_OK, or the failure in the order a verifier reports it
 * (lookup error, unknown key, bad signature, revoked key). */
enum receipt_result receipt_signature_check(receipt_key_lookup lookup, void *ctx, const char *kiosk_id,
					    const unsigned char *msg, size_t len, const unsigned char *sig);
enum receipt_result receipt_verify(const char *payload, receipt_key_lookup lookup, void *ctx,
				   struct receipt_fields *f);
/* receipt_verify() against the kiosk table of a database (hub or kiosk):
 * kiosk(id, public_key, status 'active'|'revoked'); the key may be a BLOB
 * of 32 bytes or TEXT of 64 hex digits (as the hub's store keeps it). */
enum receipt_result receipt_verify_db(sqlite3 *db, const char *payload, struct receipt_fields *f);
/* A lookup callback for receipt_verify() backed by that table; ctx is
 * the sqlite3 *. */
int receipt_lookup_db(void *ctx, const char *kiosk_id, unsigned char pk[32], int *revoked);
/* Plain English for a result ('the receipt has been altered'). */
const char *receipt_result_str(enum receipt_result r);

/* Extracts the token from a payload (token or URL) into buf, upper case.
 * Returns 0, or -1 when nothing token-shaped is there. */
int receipt_token_from_payload(const char *payload, char *buf, size_t size);
/* The URL the QR encodes: the base URL of the receipt page (the hub's
 * URL, or a kiosk's receipt_url; trailing '/' dropped) with scheme and
 * host upper-cased, + '/R/' + token, e.g.
 * 'HTTPS://HUB.EXAMPLE.IT/R/AEBTA...'. A path prefix keeps its case
 * ('HTTPS://HUB.IT/dote/R/...'); with none, every character is in the QR
 * alphanumeric set. Returns 0, or -1 if it did not fit or base_url is not
 * absolute ('scheme://host...', no spaces): a phone cannot open a
 * relative URL, so there is never one in a QR code. */
int receipt_url(const char *base_url, const char *token, char *buf, size_t size);

/* What a receipt shows, on screen, on paper and in the PNG. */
struct receipt_doc {
	char comune_name[96];		/* host comune: 'Comune di Milano' is built by the printer */
	char protocol[48];
	char placement_code[32];
	char placement_title[160];	/* UTF-8; may be '' */
	char when[32];			/* local date and time '26/11/2026 09:30' */
	char url[RECEIPT_URL_MAX];	/* what the QR encodes ('' : no QR code) */
};

/* Fills doc for the application with that protocol from a kiosk (or hub)
 * database: comune name from the comune table, placement title from the
 * placement table, the signed token from application.receipt, the URL
 * from base_url (receipt_url()). With base_url '' or not absolute,
 * doc->url is '' and the receipt has no QR code. Used for the receipt
 * screen and to reprint any receipt.
 * Returns 0, 1 when no such application, -1 on error. */
int receipt_doc_load(sqlite3 *db, const char *protocol, const char *base_url,
		     struct receipt_doc *doc);

/* How the receipt PNG draws its text. The kiosk passes its TrueType
 * fonts (kiosk/receipt_png.c, SDL_ttf: accents and the euro sign as on
 * screen); NULL means the built-in bitmap font (core/bitfont.h). */
struct raster;
struct receipt_text_ops {
	void *ctx;
	/* Width in pixels of UTF-8 text at size px (bold: 1 for the bold face). */
	int (*width)(void *ctx, const char *text, int px, int bold);
	/* Draws text in grey level value (0 black) with its line's top left
	 * at x, y; returns the height of the line. */
	int (*draw)(void *ctx, struct raster *r, int x, int y, const char *text, int px, int bold,
		    unsigned char value);
};

/* Writes the receipt as a PNG into dir (created if needed):
 * dir/<protocol>.png with the comune, protocol, placement, date and time,
 * then either a large QR code of doc->url with its quiet zone, or, when
 * doc->url is '' (no public receipt page), a sentence on keeping the
 * protocol number. Text drawn with ops (NULL: the bitmap font). The full
 * path goes into path (may be NULL). Returns 0 or -1. */
int receipt_render_png(const char *dir, const struct receipt_doc *doc,
		       const struct receipt_text_ops *ops, char *path, size_t psize);
/* A PNG receipt's start, shared by receipt_render_png() and the kiosk's
 * renderer (kiosk/receipt_png.c): its file path in dir (dir created),
 * and, when the document has a URL, its QR code with the largest whole
 * module size that fits width (at least 3 pixels) in *px and the code's
 * side with its quiet zone in *side (both 0 without a URL). 0, or -1
 * with the error said (qr is then empty). */
struct qr_code;
int receipt_png_begin(const char *dir, const struct receipt_doc *doc, int width, char *file, size_t fsize,
		      struct qr_code *qr, int *px, int *side);

/* Draws the QR code of receipt_png_begin() black on r (white already),
 * centred, its quiet zone's top at y. */
void receipt_png_qr(struct raster *r, const struct qr_code *qr, int px, int side, int y);

/* receipt_render_png() with the built-in bitmap font. */
int receipt_write_png(const char *dir, const struct receipt_doc *doc, char *path, size_t psize);
#endif

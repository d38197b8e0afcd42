/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The hub's document key in its own file (see doc_key.h). Portable SQL
 * on the setting table for both backends; start at doc_key_load().
 */
#include "reports/store/doc_key.h"
#include "reports/store/store.h"
#include "reports/store/store_internal.h"
#include "core/files.h"
#include "core/util.h"

#include <errno.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int doc_key_path(struct store *s, char *path, size_t size)
{
	const char *env = getenv("DOTE_HUB_KEY"), *db;
	if (env && *env)
		return str_fmt(path, size, "%s", env) < 0 ? error("DOTE_HUB_KEY is too long") : 0;
	if (store_is_pg(s))
		return error("the document key's file is not set: give it as the hub's document_key (dote: DOTE_HUB_KEY)"
			     " when the database is PostgreSQL");
	db = sqlite3_db_filename(s->conn, "main");
	if (!db || !*db)
		return error("the document key's file is not set (DOTE_HUB_KEY) and the database has no file");
	return str_fmt(path, size, "%s.document-key", db) < 0 ? error("database path too long: %s", db) : 0;
}

/* sk from 128 hex digits. 0, or -1 after error(). */
static int key_hex(const char *hex, unsigned char sk[64], const char *where)
{
	size_t got = 0;
	if (sodium_hex2bin(sk, 64, hex, strlen(hex), NULL, &got, NULL) || got != 64)
		return error("the hub's document key in %s is damaged", where);
	return 0;
}

/* The key file at path into sk: 0, 1 when there is no file, -1. */
static int key_read(const char *path, unsigned char sk[64])
{
	char *text;
	size_t len;
	int rc;
	if (access(path, F_OK) && errno == ENOENT)
		return 1;
	if (!(text = file_read(path, 4096, &len)))
		return -1;
	str_trim(text);
	rc = key_hex(text, sk, path);
	str_wipe(text, len);
	free(text);
	return rc;
}

/* Writes sk to path (atomically, synced, 0600). 0 or -1. */
static int key_write(const char *path, const unsigned char sk[64])
{
	char hex[130];
	int rc;
	sodium_bin2hex(hex, sizeof(hex) - 1, sk, 64);
	hex[128] = '\n';
	hex[129] = '\0';
	rc = file_write_atomic(path, hex, 129, 0600);
	str_wipe(hex, sizeof(hex));
	/* The umask may have relaxed nothing, but make 0600 certain. */
	if (!rc && chmod(path, 0600))
		rc = error("cannot protect '%s': %s", path, strerror(errno));
	return rc;
}

/* A secret half left in the setting table goes to the file at path and
 * leaves the table. *f: 1 no file before, 0 sk read from it; on return
 * 0 when sk holds the moved key. 0 or -1. */
static int key_take_from_table(struct store *s, const char *path, unsigned char sk[64], int *f)
{
	unsigned char old[64];
	char hex[260];
	int rc = store_text(s, "SELECT value FROM setting WHERE key = 'document_secret_key'", NULL, hex, sizeof(hex));
	if (rc)
		return rc < 0 ? -1 : 0;
	rc = key_hex(hex, old, "the setting table");
	str_wipe(hex, sizeof(hex));
	if (rc)
		goto out;
	if (*f == 0 && sodium_memcmp(sk, old, 64)) {
		rc = error("'%s' holds another document key than the database's: neither is changed", path);
		goto out;
	}
	if (*f == 1 && (rc = key_write(path, old)))
		goto out;
	memcpy(sk, old, 64);
	*f = 0;
	rc = store_exec(s, "DELETE FROM setting WHERE key = 'document_secret_key'", NULL) < 0 ? -1 : 0;
out:
	sodium_memzero(old, sizeof(old));
	return rc;
}

int doc_key_load(struct store *s, unsigned char pk[32], unsigned char sk[64])
{
	char path[4096], pkh[80], mine[65];
	int f, have_pk, rc = -1;
	if (sodium_init() < 0)
		return error("libsodium cannot start");
	if (doc_key_path(s, path, sizeof(path)))
		return -1;
	have_pk = store_text(s, "SELECT value FROM setting WHERE key = 'document_public_key'", NULL, pkh, sizeof(pkh));
	if (have_pk < 0 || (f = key_read(path, sk)) < 0 || key_take_from_table(s, path, sk, &f))
		goto out;
	if (f == 1 && have_pk == 0) {
		error("the hub's document key '%s' is missing: copy it from the hub that made it", path);
		goto out;
	}
	if (f == 1) {
		crypto_sign_keypair(pk, sk);
		if (key_write(path, sk))
			goto out;
	}
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	sodium_bin2hex(mine, sizeof(mine), pk, 32);
	if (have_pk == 0 && strcmp(mine, pkh)) {
		error("'%s' is not this database's document key", path);
		goto out;
	}
	if (have_pk == 1 && store_exec(s, "INSERT INTO setting(key, value) VALUES ('document_public_key', ?1)",
				       ARGS(mine)) != 1)
		goto out;
	rc = 0;
out:
	if (rc)
		sodium_memzero(sk, 64);
	return rc;
}

int doc_key_move(struct store *s)
{
	unsigned char pk[32], sk[64];
	char found[8];
	int rc;
	if (store_begin(s))
		return -1;
	rc = store_text(s, "SELECT 1 FROM setting WHERE key = 'document_secret_key'", NULL, found, sizeof(found));
	if (rc == 0)
		rc = doc_key_load(s, pk, sk);
	sodium_memzero(sk, sizeof(sk));
	if (rc < 0) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s) ? -1 : 0;
}

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A kiosk's identity on disk (see identity.h). Files in the state dir:
 *   key       the Ed25519 secret key, 128 hex digits, mode 0600
 *   key.pub   the public key, 64 hex digits
 *   identity  "id=K03\ncomune=015146\n"
 *   token     the hub's bearer token, mode 0600
 *   seq-<id>  highest protocol sequence reserved by that kiosk id
 *             (written by application.c)
 * Every file is written with file_write_atomic(), so a power cut leaves
 * either the old or the new file.
 */
#include "core/identity.h"
#include "core/files.h"
#include "core/util.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int path_in(char *buf, size_t size, const char *dir, const char *name)
{
	if (str_fmt(buf, size, "%s/%s", dir, name) < 0)
		return error("state dir path too long: %s", dir);
	return 0;
}

static int read_hex(const char *path, unsigned char *out, size_t n)
{
	char *text;
	size_t len, got = 0;
	int rc = -1;
	text = file_read(path, 4096, &len);
	if (!text)
		return -1;
	str_trim(text);
	if (sodium_hex2bin(out, n, text, strlen(text), NULL, &got, NULL) || got != n)
		error("'%s' does not hold a key of %zu bytes", path, n);
	else
		rc = 0;
	str_wipe(text, len);
	free(text);
	return rc;
}

static int write_hex(const char *path, const unsigned char *in, size_t n, int mode)
{
	char hex[2 * 64 + 2];
	int rc;
	if (n > 64)
		return -1;
	sodium_bin2hex(hex, sizeof(hex) - 1, in, n);
	strcat(hex, "\n");
	rc = file_write_atomic(path, hex, strlen(hex), mode);
	str_wipe(hex, sizeof(hex));
	return rc;
}

int identity_create_key(const char *dir, struct kiosk_identity *id)
{
	char key[4096], pub[4096];
	if (sodium_init() < 0)
		return error("libsodium cannot start");
	if (path_in(key, sizeof(key), dir, "key") || path_in(pub, sizeof(pub), dir, "key.pub"))
		return -1;
	if (dir_make(dir, 0700))
		return -1;
	if (!access(key, F_OK))
		return error("'%s' already exists: refusing to replace the kiosk key", key);
	crypto_sign_keypair(id->pk, id->sk);
	str_copy(id->dir, sizeof(id->dir), dir);
	if (write_hex(key, id->sk, sizeof(id->sk), 0600))
		return -1;
	/* The umask may have relaxed nothing, but make 0600 certain. */
	if (chmod(key, 0600))
		return error("cannot protect '%s': %s", key, strerror(errno));
	return write_hex(pub, id->pk, sizeof(id->pk), 0644);
}

static void parse_identity(char *text, struct kiosk_identity *id)
{
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		str_trim(line);
		str_trim(eq + 1);
		if (!strcmp(line, "id"))
			str_copy(id->id, sizeof(id->id), eq + 1);
		else if (!strcmp(line, "comune"))
			str_copy(id->comune, sizeof(id->comune), eq + 1);
	}
}

int identity_load(const char *dir, struct kiosk_identity *id)
{
	char key[4096], pub[4096], ident[4096], tok[4096];
	struct stat st;
	char *text;
	size_t len;
	memset(id, 0, sizeof(*id));
	if (sodium_init() < 0)
		return error("libsodium cannot start");
	if (path_in(key, sizeof(key), dir, "key") || path_in(pub, sizeof(pub), dir, "key.pub") ||
	    path_in(ident, sizeof(ident), dir, "identity") || path_in(tok, sizeof(tok), dir, "token"))
		return -1;
	if (stat(key, &st))
		return -1;	/* not created yet: the caller decides what to say */
	if (st.st_mode & 077) {
		warning("'%s' was readable by others; making it private", key);
		if (chmod(key, 0600))
			return error("cannot protect '%s': %s", key, strerror(errno));
	}
	if (read_hex(key, id->sk, sizeof(id->sk)))
		goto fail;
	str_copy(id->dir, sizeof(id->dir), dir);
	/* An Ed25519 secret key carries its public key in its second half. */
	if (access(pub, F_OK) == 0) {
		if (read_hex(pub, id->pk, sizeof(id->pk)))
			goto fail;
		if (memcmp(id->pk, id->sk + 32, 32)) {
			error("'%s' does not match '%s'", pub, key);
			goto fail;
		}
	} else {
		memcpy(id->pk, id->sk + 32, 32);
	}
	text = access(ident, F_OK) == 0 ? file_read(ident, 4096, &len) : NULL;
	if (text) {
		parse_identity(text, id);
		free(text);
	}
	text = access(tok, F_OK) == 0 ? file_read(tok, 4096, &len) : NULL;
	if (text) {
		str_trim(text);
		str_copy(id->token, sizeof(id->token), text);
		str_wipe(text, len);
		free(text);
	}
	return 0;
fail:
	identity_wipe(id);
	return -1;
}

int identity_save(const char *dir, const struct kiosk_identity *id)
{
	char ident[4096], tok[4096], text[128];
	int rc;
	if (path_in(ident, sizeof(ident), dir, "identity") || path_in(tok, sizeof(tok), dir, "token"))
		return -1;
	if (strchr(id->id, '\n') || strchr(id->comune, '\n') || strchr(id->token, '\n'))
		return error("identity fields may not contain new lines");
	if (dir_make(dir, 0700))
		return -1;
	if (str_fmt(text, sizeof(text), "id=%s\ncomune=%s\n", id->id, id->comune) < 0)
		return error("identity too long");
	if (file_write_atomic(ident, text, strlen(text), 0644))
		return -1;
	rc = file_write_atomic(tok, id->token, strlen(id->token), 0600);
	if (!rc && chmod(tok, 0600))
		rc = error("cannot protect '%s': %s", tok, strerror(errno));
	return rc;
}

void identity_wipe(struct kiosk_identity *id)
{
	str_wipe(id->sk, sizeof(id->sk));
	str_wipe(id->token, sizeof(id->token));
}

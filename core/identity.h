/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A kiosk's identity: its id ('K03'), its comune, its Ed25519 key pair
 * (libsodium) and the bearer token the hub gave it at enrolment. Kept in
 * a state directory: `key` (secret key, mode 0600), `key.pub`, `identity`
 * (id, comune) and `token` (mode 0600), plus `seq-<id>` (see dir below).
 * (Contract written with the foundation; implemented in identity.c.)
 */
#ifndef DOTE_IDENTITY_H
#define DOTE_IDENTITY_H
#include <stddef.h>

struct kiosk_identity {
	char id[16];			/* 'K03' */
	char comune[7];			/* ISTAT */
	unsigned char pk[32];		/* Ed25519 public key */
	unsigned char sk[64];		/* Ed25519 secret key */
	char token[96];			/* hub bearer token ('' before enrolment) */
	/* The state dir it was loaded from or created in ('' when filled by
	 * hand). application_submit() keeps each kiosk id's sequence
	 * high-water mark there (`seq-<id>`), so a kiosk whose database was
	 * lost never hands out a protocol number twice. (Added by the
	 * receipts work; backward compatible.) */
	char dir[512];
};

/* Creates a new key pair in dir (refuses to overwrite an existing one). */
int identity_create_key(const char *dir, struct kiosk_identity *id);
/* Loads the whole identity from dir; -1 if it has not been created. */
int identity_load(const char *dir, struct kiosk_identity *id);
/* Saves id, comune and token next to the key (after enrolment). */
int identity_save(const char *dir, const struct kiosk_identity *id);
/* Wipes the secret key and token from memory. */
void identity_wipe(struct kiosk_identity *id);
#endif

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Time-ordered UUIDs (RFC 9562 version 7): the id every application
 * carries from the kiosk to the hub, so that a resend is stored once.
 */
#ifndef DOTE_UUID_H
#define DOTE_UUID_H
#include <stddef.h>

/* A time-ordered UUID (RFC 9562 v7) as 36 chars + NUL into buf (>= 37). */
void uuid_v7(char *buf, size_t size);
#endif

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The hub's guard over its connections and request bodies (issue 13,
 * tightened in issue 21): every connection is tracked from accept to
 * close with the phase it is in (headers, body, handled), and a reaper
 * thread four times a second (and at once when a stranger takes one of
 * the reserved slots) closes those that overstay:
 *   - a phase's time budget shrinks as the hub fills: the full
 *     header_timeout / body_timeout up to half full, then down in
 *     proportion to the free slots, never under GUARD_PHASE_MIN_MS;
 *   - a body must come at GUARD_MIN_RATE bytes a second or more once the
 *     hub is half full; the slowest go first, at most a twentieth of the
 *     slots at a time, so a crowd is thinned, not all cut at once;
 *   - strangers (connections not yet authenticated as a kiosk, which
 *     includes every /login and /v1/enroll) may hold at most
 *     max_connections less the reserve (a tenth): past that the slowest
 *     strangers are closed at once, so a kiosk always finds a slot. A
 *     connection sending its headers keeps GUARD_GRACE_MS from when it
 *     began them (a kiosk sends them in milliseconds).
 * And the body budget: every byte of a body held, and the estimated
 * cost of parsing it, is reserved against body_memory (503 beyond).
 * Start at guard_start(); on_request() in main.c reports the phases.
 */
#ifndef DOTE_HUB_GUARD_H
#define DOTE_HUB_GUARD_H
#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

enum {
	GUARD_PHASE_MIN_MS = 2000,	/* a phase's shortest budget, when full */
	GUARD_MIN_RATE = 1024,		/* bytes/s a body must keep up when half full */
	GUARD_GRACE_MS = 1000,		/* a new connection's time for its headers under pressure */
};

struct guard_limits {
	long max_connections;
	int64_t header_ms, body_ms;
	size_t body_memory;
	int quiet;
};

/* Starts the reaper; 0 or -1. */
int guard_start(const struct guard_limits *l);
void guard_stop(void);
/* MHD_OPTION_NOTIFY_CONNECTION. */
void guard_on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			 enum MHD_ConnectionNotificationCode code);
/* The connection now waits for a request's headers (GUARD_HEADERS),
 * receives a body of expected bytes (GUARD_BODY; 0: unknown), or is
 * handled and answered (GUARD_HANDLED: no deadline). */
enum guard_phase { GUARD_HANDLED, GUARD_HEADERS, GUARD_BODY };
void guard_phase(struct MHD_Connection *c, enum guard_phase phase);
/* n more body bytes arrived on c. */
void guard_body_bytes(struct MHD_Connection *c, size_t n);
/* c carries an authenticated kiosk (or session): not a stranger. */
void guard_trust(struct MHD_Connection *c);
/* Reserves n bytes of body_memory: 0, or -1 when it would overflow. */
int guard_budget_take(size_t n);
void guard_budget_give(size_t n);
#endif

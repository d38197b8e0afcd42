/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The coordinators' office pages, served by the hub under /coordinamento
 * (server-rendered HTML, no scripts, the dashboard's login and look):
 *   /coordinamento/avvisi    calls: upload a call's CSV (checked, shown
 *                            as a dry run, then published), amend it
 *   /coordinamento/avviso    one call: placements, extend, close, history
 *   /coordinamento/progetto  one placement: edit, extend, withdraw
 *   /coordinamento/rete      every comune of the network (uso interno)
 *   /coordinamento/totem     fleet health
 *   /coordinamento/tirocini  placement statistics (protected, coord_placements.h)
 * Coordinators only (role 'coordinator'); comune staff get 403.
 * (Contract with the hub: coord_path and coord_handle, called from
 * reports/hub/api.c; the comuni's own pages are reports/web/office.c.)
 */
#ifndef DOTE_REPORTS_OFFICE_COORD_H
#define DOTE_REPORTS_OFFICE_COORD_H
#include "reports/web/http.h"

struct store;

/* What the hub lends a request: a connection to read with, its writer
 * connection (taken and given back around each write, so writes stay
 * serialised with the hub's own), and the fleet thresholds. */
struct coord_env {
	struct store *read;
	struct store *(*writer_get)(void *arg);
	void (*writer_put)(void *arg);
	void *arg;
	int silent_minutes, outbox_minutes, slow_frame_ms;
};

/* 1 when path is one of these pages. */
int coord_path(const char *path);
/* Handles one request; resp is always filled. */
void coord_handle(const struct coord_env *env, const struct http_request *req, struct http_response *resp);
#endif

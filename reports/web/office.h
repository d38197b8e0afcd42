/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The host comuni's office pages, served by the hub under /ufficio
 * behind the dashboard's login (same accounts, sessions and CSRF token):
 * staff of a comune (role 'comune') see the applications to their own
 * placements with the applicants' contact details, check requirements,
 * call for interview, record outcome and score, select and record the
 * start, withdrawal, completion or dropout (reports/store/selection.h);
 * rankings print and download (CSV) with protocol numbers only; the
 * audit log is visible to coordinators for the whole network. Server-
 * rendered HTML, no scripts.
 */
#ifndef DOTE_REPORTS_OFFICE_H
#define DOTE_REPORTS_OFFICE_H
#include <string.h>
#include "reports/web/http.h"

struct store;

/* 1 when path belongs to these pages. */
static inline int office_path(const char *path)
{
	return !strcmp(path, "/ufficio") || !strncmp(path, "/ufficio/", 9);
}

/* Handles one request with store s (the hub's writer connection for a
 * POST, so changes are serialised with the hub's other writes). Fills
 * resp; returns 0, or -1 on an internal error. */
int office_handle(struct store *s, const struct http_request *req, struct http_response *resp);
#endif

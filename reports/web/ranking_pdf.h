/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The final ranking of a placement as a PDF (issue 18), for the
 * comune's notice board and for anyone who applied: protocol numbers,
 * scores and outcomes, never a name; the comune, the call and the
 * project; when it was made final; its version (1 as made final, one
 * more for each later change of an outcome, listed with its date).
 * Built with reports/web/pdf.h. Start reading at ranking_pdf().
 *
 * Served to the comune's staff at /ufficio/graduatoria?codice=C&formato=pdf
 * (with the reasons of the changes) and publicly at
 * /graduatoria/CODE.pdf (ranking_public_pdf), which the receipt page
 * links once the ranking is final.
 */
#ifndef DOTE_REPORTS_RANKING_PDF_H
#define DOTE_REPORTS_RANKING_PDF_H
#include <stddef.h>
#include "reports/web/http.h"

struct store;

/* An application's outcome as a ranking shows it ("Idoneo/a",
 * "Selezionato/a", "Esclusa: requisiti non posseduti", ...), from the
 * row of selection_ranking(): ranked, outcome, requirements, status,
 * stage (an absence and a renunciation read as the receipt page says). */
const char *ranking_verdict(int ranked, const char *outcome, const char *requirements, const char *status,
			    const char *stage);

/* The final ranking of placement code within scope ("": any comune) as
 * PDF bytes in *pdf (malloc'd, free()) and *len. internal: for the
 * office, the changes carry their reasons (which may name personal
 * circumstances; the public document gives only what changed). 0, 1
 * no such placement in scope or its ranking is not final, -1 error. */
int ranking_pdf(struct store *s, const char *scope, const char *code, int internal, char **pdf, size_t *len);

/* The public address of a placement's final ranking, "/graduatoria/CODE.pdf". */
void ranking_public_path(const char *code, char *buf, size_t size);

/* GET /graduatoria/CODE.pdf: the public PDF, or an Italian page saying
 * it is not published (404). */
void ranking_public_pdf(struct store *s, const char *path, struct http_response *resp);
#endif

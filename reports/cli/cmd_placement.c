/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * `dote placement`: a running placement from the command line, as the
 * office pages do it (reports/store/traineeship.h):
 *   dote placement start --id UUID --start YYYY-MM-DD --classroom-hours N
 *                        --tutor NAME --promoter NAME --by NAME [--db HUBDB]
 *   dote placement progetto --id UUID --out FILE.pdf [--url HUB_URL] [--db HUBDB]
 *   dote placement certificate --id UUID --out FILE.pdf [--url HUB_URL] [--db HUBDB]
 *   dote placement qr --id UUID --out FILE.pdf [--reissue --by NAME] [--db HUBDB]
 *   dote placement month --id UUID --month YYYY-MM [--db HUBDB]
 *   dote placement end --id UUID --outcome completed|dropped_out --date YYYY-MM-DD
 *                      [--reason R] [--competences TEXT --judgement TEXT] --by NAME [--db HUBDB]
 *   dote placement followup --id UUID --status employed|not_employed|education|unknown
 *                           --date YYYY-MM-DD --by NAME [--db HUBDB]
 * The documents carry the QR of a token the hub signs (`dote receipt
 * verify` and /r/ check it). Exit 0 done, 1 refused (why on stderr),
 * 2 usage or storage error.
 */
#include "reports/cli/command.h"
#include "reports/store/store.h"
#include "reports/store/traineeship.h"
#include "reports/store/trainee_badge.h"
#include "reports/web/placement_pdf.h"
#include "core/files.h"
#include "core/receipt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void placement_usage(FILE *f)
{
	fprintf(f, "usage: dote placement start --id UUID --start YYYY-MM-DD --classroom-hours N\n"
		   "                            --tutor NAME --promoter NAME --by NAME [--db HUBDB]\n"
		   "       dote placement progetto --id UUID --out FILE.pdf [--url HUB_URL] [--db HUBDB]\n"
		   "       dote placement certificate --id UUID --out FILE.pdf [--url HUB_URL] [--db HUBDB]\n"
		   "       dote placement qr --id UUID --out FILE.pdf [--reissue --by NAME] [--db HUBDB]\n"
		   "       dote placement month --id UUID --month YYYY-MM [--db HUBDB]\n"
		   "       dote placement end --id UUID --outcome completed|dropped_out --date YYYY-MM-DD\n"
		   "                          [--reason R] [--competences TEXT --judgement TEXT] --by NAME [--db HUBDB]\n"
		   "       dote placement followup --id UUID --status employed|not_employed|education|unknown\n"
		   "                               --date YYYY-MM-DD --by NAME [--db HUBDB]\n\n"
		   "start records the start of a selected applicant's placement (dates, hours,\n"
		   "tutors; the allowance rule of the call); progetto and certificate write the\n"
		   "progetto formativo or the final certificate as PDF with a signed QR code for\n"
		   "HUB_URL/r/ (default $DOTE_HUB_URL, else no QR); qr writes the card with the\n"
		   "trainee's personal QR for the kiosk's attendance (--reissue: a new one, the\n"
		   "old one stops working at the kiosks' next roster); month prints a trainee's\n"
		   "register; end records the end as the register page does; followup records\n"
		   "the trainee's employment at a follow-up after the end (the date between the\n"
		   "last day and today). HUBDB: SQLite file or postgres:// URL (default: $DOTE_HUB_DB,\n"
		   "else hub.db). progetto, certificate and qr need the hub's document key file:\n"
		   "$DOTE_HUB_KEY, else HUBDB.document-key beside a SQLite HUBDB (required with\n"
		   "PostgreSQL: the file the hub's document_key names). The qr is derived from it,\n"
		   "so printing it again gives the same QR; the database keeps only its hash.\n");
}

static int document(struct store *s, const char *what, const char *id, const char *out, const char *base,
		    int reissue, const char *by)
{
	struct traineeship_doc *d = calloc(1, sizeof(*d));
	char token[RECEIPT_TOKEN_MAX], url[RECEIPT_URL_MAX] = "", *pdf = NULL;
	size_t len = 0;
	int rc = 2, r;
	if (!d)
		return 2;
	r = traineeship_doc_data(s, id, d);
	if (r) {
		if (r > 0)
			fprintf(stderr, "dote placement: no placement started for %s\n", id);
		rc = r > 0 ? 1 : 2;
		goto out;
	}
	if (!strcmp(what, "certificate") && !d->ended_on[0]) {
		fprintf(stderr, "dote placement: the placement has not been completed\n");
		rc = 1;
		goto out;
	}
	if (!strcmp(what, "qr") || (!strcmp(what, "progetto") && !strcmp(d->t.status, "running"))) {
		char err[160];
		int issue = 0;
		r = trainee_badge_get(s, id, reissue, by, d->badge, sizeof(d->badge), &issue, err, sizeof(err));
		if (r && !strcmp(what, "qr")) {
			if (r == 2)
				fprintf(stderr, "dote placement: %s\n", err);
			rc = r < 0 ? 2 : 1;
			goto out;
		}
		if (!strcmp(what, "qr")) {
			rc = badge_card_pdf(d, &pdf, &len) || file_write_atomic(out, pdf, len, 0644) ? 2 : 0;
			if (!rc)
				printf("QR personale n. %d\n", issue);
			goto out;
		}
	}
	if (base && *base) {
		if (traineeship_doc_sign(s, id, token, sizeof(token)) || receipt_url(base, token, url, sizeof(url)))
			goto out;
	}
	if ((!strcmp(what, "certificate") ? certificate_pdf(d, url, &pdf, &len) : progetto_pdf(d, url, &pdf, &len)) ||
	    file_write_atomic(out, pdf, len, 0644))
		goto out;
	if (url[0])
		printf("%s\n", url);
	rc = 0;
out:
	free(pdf);
	free(d);
	return rc;
}

static int month(struct store *s, const char *id, const char *mon)
{
	struct register_month *m = calloc(1, sizeof(*m));
	int rc = 2, r;
	if (!m)
		return 2;
	r = traineeship_month(s, id, mon, m);
	if (r) {
		rc = r > 0 ? 1 : 2;
		goto out;
	}
	printf("%s %s %s %s\n", m->t.given_name, m->t.family_name, m->t.placement_code, mon);
	for (int i = 0; i < m->ndays; i++) {
		const struct register_day *d = &m->days[i];
		if (!d->minutes && !d->missing_out && !d->absence[0])
			continue;
		printf("%s %5s %5s %3dh%02d %s%s\n", d->date, d->first_in, d->last_out, d->minutes / 60, d->minutes % 60,
		       d->absence, d->missing_out ? " uscita mancante" : "");
	}
	printf("attese %dh%02d firmate %dh%02d presenza %d,%d%% dovuto %ld,%02ld %s\n",
	       m->allowance.exp.expected_minutes / 60, m->allowance.exp.expected_minutes % 60,
	       m->allowance.attended_minutes / 60, m->allowance.attended_minutes % 60,
	       m->allowance.rate_permille / 10, m->allowance.rate_permille % 10, m->allowance.due_cents / 100,
	       m->allowance.due_cents % 100, m->confirmed_at[0] ? "confermato" : "da confermare");
	rc = 0;
out:
	free(m);
	return rc;
}

static int cmd_placement(int argc, char **argv)
{
	const char *db = getenv("DOTE_HUB_DB"), *id = NULL, *start = NULL, *tutor = NULL, *promoter = NULL;
	const char *by = NULL, *out = NULL, *url = getenv("DOTE_HUB_URL"), *mon = NULL, *fstatus = NULL;
	struct traineeship_ending e = { NULL, NULL, "", "", "", "" };
	struct store *s;
	int hours = 0, rc = 2, reissue = 0;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		placement_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (int i = 2; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(argv[i], "--reissue")) {
			reissue = 1;
			continue;
		}
		if (!v) {
			placement_usage(stderr);
			return 2;
		}
		if (!strcmp(argv[i], "--db")) db = v;
		else if (!strcmp(argv[i], "--id")) id = v;
		else if (!strcmp(argv[i], "--start")) start = v;
		else if (!strcmp(argv[i], "--classroom-hours")) hours = atoi(v);
		else if (!strcmp(argv[i], "--tutor")) tutor = v;
		else if (!strcmp(argv[i], "--promoter")) promoter = v;
		else if (!strcmp(argv[i], "--by")) by = v;
		else if (!strcmp(argv[i], "--out")) out = v;
		else if (!strcmp(argv[i], "--url")) url = v;
		else if (!strcmp(argv[i], "--month")) mon = v;
		else if (!strcmp(argv[i], "--outcome")) e.status = v;
		else if (!strcmp(argv[i], "--date")) e.date = v;
		else if (!strcmp(argv[i], "--reason")) e.reason = v;
		else if (!strcmp(argv[i], "--competences")) e.competences = v;
		else if (!strcmp(argv[i], "--judgement")) e.judgement = v;
		else if (!strcmp(argv[i], "--status")) fstatus = v;
		else {
			placement_usage(stderr);
			return 2;
		}
		i++;
	}
	if (!id || (!strcmp(argv[1], "start") && (!start || !tutor || !promoter || !by)) ||
	    ((!strcmp(argv[1], "progetto") || !strcmp(argv[1], "certificate") || !strcmp(argv[1], "qr")) && !out) ||
	    (reissue && (strcmp(argv[1], "qr") || !by)) ||
	    (!strcmp(argv[1], "month") && !mon) || (!strcmp(argv[1], "end") && (!e.status || !e.date || !by)) ||
	    (!strcmp(argv[1], "followup") && (!fstatus || !e.date || !by))) {
		placement_usage(stderr);
		return 2;
	}
	if (!db || !*db)
		db = "hub.db";
	s = store_open(db);
	if (!s)
		return 2;
	if (!strcmp(argv[1], "start")) {
		struct traineeship_start in = { id, start, hours, tutor, promoter };
		char err[300];
		int r = traineeship_start(s, &in, by, err, sizeof(err));
		if (r == 1)
			fprintf(stderr, "dote placement: no application %s\n", id);
		else if (r == 2)
			fprintf(stderr, "dote placement: %s\n", err);
		rc = r == 0 ? 0 : r < 0 ? 2 : 1;
	} else if (!strcmp(argv[1], "progetto") || !strcmp(argv[1], "certificate") || !strcmp(argv[1], "qr")) {
		rc = document(s, argv[1], id, out, url, reissue, by ? by : "dote");
	} else if (!strcmp(argv[1], "month")) {
		rc = month(s, id, mon);
	} else if (!strcmp(argv[1], "end")) {
		char err[300];
		int r = traineeship_end(s, id, &e, by, err, sizeof(err));
		if (r == 1)
			fprintf(stderr, "dote placement: no placement started for %s\n", id);
		else if (r == 2)
			fprintf(stderr, "dote placement: %s\n", err);
		rc = r == 0 ? 0 : r < 0 ? 2 : 1;
	} else if (!strcmp(argv[1], "followup")) {
		char err[300];
		int r = traineeship_followup_set(s, id, fstatus, e.date, by, err, sizeof(err));
		if (r == 1)
			fprintf(stderr, "dote placement: no placement started for %s\n", id);
		else if (r == 2)
			fprintf(stderr, "dote placement: %s\n", err);
		rc = r == 0 ? 0 : r < 0 ? 2 : 1;
	} else {
		placement_usage(stderr);
	}
	store_close(s);
	return rc;
}

DOTE_COMMAND(placement, "placement", "start a placement, its progetto formativo and certificate (PDF), a register",
	     cmd_placement)

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * `dote opendata`: the network's open-data release. Writes a set of
 * protected CSV tables (RFC 4180, UTF-8) and metadata.json (title,
 * description, licence CC BY 4.0, period, suppression rule, the files
 * and their columns) into a folder, ready for a regional open-data
 * portal. Everything goes through the cell key method (reports/stats/sdc.h,
 * docs/reports.md); periods are one month, quarter or year.
 */
#include "reports/cli/command.h"
#include "reports/stats/placement_stats.h"
#include "reports/stats/report.h"
#include "reports/store/rollup.h"
#include "reports/store/store.h"
#include "core/datetime.h"
#include "core/db.h"
#include "core/files.h"
#include "core/util.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct dataset {
	const char *file, *title, *dims, *measures;
} datasets[] = {
	{ "candidature_provincia_mese.csv", "Candidature ed esiti per provincia e mese",
	  "region,province,month", "applications,applicants,selected,started,completed,dropped_out,dropout_rate" },
	{ "candidature_comune_anno.csv", "Candidature ed esiti per Comune ospitante e anno",
	  "province,comune,year", "applications,selected,started,dropped_out" },
	{ "posti_comune_avviso.csv", "Posti, candidature per posto e copertura per Comune e avviso",
	  "comune,call", "seats,applications,applications_per_seat,selected,fill_rate,days_to_selection" },
	{ "posti_area.csv", "Posti e candidature per area di attività", "area",
	  "seats,applications,applications_per_seat,selected,fill_rate" },
	{ "candidati_condizione.csv", "Candidature per regione e condizione del candidato",
	  "region,applicant_status", "applications,selected" },
	{ "candidati_eta.csv", "Candidature per regione e fascia d'età", "region,age_band", "applications,selected" },
	{ "candidati_sesso.csv", "Candidature per regione e sesso", "region,sex", "applications,selected" },
	{ "candidati_titolo_studio.csv", "Candidature per regione e titolo di studio", "region,education",
	  "applications,selected" },
	{ "candidati_residenza.csv", "Candidature per regione e residenza rispetto al Comune ospitante",
	  "region,residence", "applications,selected" },
	{ "totem_provincia_mese.csv", "Uso dei totem (conteggi anonimi) per provincia e mese", "province,month",
	  "sessions,views,forms,submits" },
};

/* The placement statistics (reports/stats/placement_stats.h): hours,
 * attendance, allowance paid, completion, employment at the follow-up
 * after the end, dropouts by reason and month of leaving. */
static const struct dataset placement_sets[] = {
	{ "tirocini_provincia_anno.csv", "Tirocini: avvii, conclusioni, interruzioni, ore, presenza, indennità pagata"
	  " e occupazione al follow-up dopo la fine, per provincia e anno", "region,province,year",
	  "placements_started,placements_completed,placements_dropped_out,completion_rate,trainees,hours_on_the_job,"
	  "classroom_hours,attendance_rate,allowance_paid_eur,followed_up,employed_after" },
	{ "tirocini_interruzioni_motivo.csv", "Tirocini interrotti per regione, anno e motivo", "region,year,end_reason",
	  "placements_dropped_out" },
	{ "tirocini_interruzioni_mese.csv", "Tirocini interrotti per regione e mese dell'interruzione", "region,month",
	  "placements_dropped_out" },
};

/* Writes the placement tables into dir and lists them in files. 0 or -1. */
static int placement_tables(struct store *db, const char *period, int min, const char *dir, json_t *files,
			    size_t *perturbed, size_t *suppressed)
{
	for (size_t i = 0; i < ARRAY_SIZE(placement_sets); i++) {
		struct pstat_query q;
		struct pstat_report r;
		char err[512], file[1024], *text;
		size_t len;
		json_t *cols;
		pstat_query_init(&q);
		q.base.min_count = min;
		if ((period && report_parse_period(&q.base, period, err, sizeof(err))) ||
		    pstat_parse_dims(&q, placement_sets[i].dims, err, sizeof(err)) ||
		    pstat_parse_measures(&q, placement_sets[i].measures, err, sizeof(err)) ||
		    pstat_run(db, &q, &r, err, sizeof(err))) {
			fprintf(stderr, "dote opendata: %s: %s\n", placement_sets[i].file, err);
			pstat_free(&r);
			return -1;
		}
		text = pstat_csv(&r, 0, &len);
		snprintf(file, sizeof(file), "%s/%s", dir, placement_sets[i].file);
		if (!text || file_write_atomic(file, text, len, 0644)) {
			free(text);
			pstat_free(&r);
			return -1;
		}
		free(text);
		*perturbed += r.perturbed;
		*suppressed += r.suppressed;
		cols = json_array();
		for (int k = 0; k < q.n_dims; k++)
			json_array_append_new(cols, json_pack("{s:s,s:s}", "name", pstat_dim_name(q.dims[k]),
							      "title", pstat_dim_label(q.dims[k])));
		for (int k = 0; k < q.n_measures; k++)
			json_array_append_new(cols, json_pack("{s:s,s:s}", "name", pstat_measure_name(q.measures[k]),
							      "title", pstat_measure_label(q.measures[k])));
		json_array_append_new(files, json_pack("{s:s,s:s,s:s,s:I,s:o}", "file", placement_sets[i].file, "title",
						       placement_sets[i].title, "format",
						       "text/csv; charset=utf-8; header=present", "rows",
						       (json_int_t)r.n, "columns", cols));
		pstat_free(&r);
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: dote opendata --db HUBDB|postgres://... --out DIR [--period FROM..TO] [--min-count N]\n\n"
		   "Writes the open-data release: protected CSV tables and metadata.json\n"
		   "(licence CC BY 4.0). Counts are perturbed by the cell key method (counts\n"
		   "from 1 to 4 appear as 0 or 5; docs/reports.md). --period: one month, quarter\n"
		   "or year. --min-count N (>= 5) also hides published values from 1 to N-1 ('*').\n");
}

/* The tables of datasets[] for period (NULL: all time), protected with
 * min, as CSV files in dir, each described in files; the counts
 * perturbed and values hidden added up. 0, or -1 after saying why. */
static int report_tables(struct store *db, const char *period, int min, const char *dir, json_t *files,
			 size_t *perturbed, size_t *suppressed)
{
	char err[512], file[1024], *text;
	size_t len;

	for (size_t i = 0; i < ARRAY_SIZE(datasets); i++) {
		struct report_query q;
		struct report r;
		json_t *cols;

		report_query_init(&q);
		q.min_count = min;
		q.protect = 1;
		if ((period && report_parse_period(&q, period, err, sizeof(err))) ||
		    report_parse_dims(&q, datasets[i].dims, err, sizeof(err)) ||
		    report_parse_measures(&q, datasets[i].measures, err, sizeof(err))) {
			fprintf(stderr, "dote opendata: %s: %s\n", datasets[i].file, err);
			return -1;
		}
		/* Areas are published by year or for all time (issue 20): for a
		 * month or a quarter the area file is left out. */
		if (!strcmp(datasets[i].dims, "area") && q.from[0] && strcmp(q.from + 4, "-01"))
			continue;
		if (report_run(db, &q, &r, err, sizeof(err))) {
			fprintf(stderr, "dote opendata: %s: %s\n", datasets[i].file, err);
			return -1;
		}
		text = report_csv(&r, 0, &len);
		snprintf(file, sizeof(file), "%s/%s", dir, datasets[i].file);
		if (!text || file_write_atomic(file, text, len, 0644)) {
			free(text);
			report_free(&r);
			return -1;
		}
		free(text);
		*suppressed += r.suppressed;
		*perturbed += r.perturbed;
		cols = json_array();
		for (int k = 0; k < q.n_dims; k++)
			json_array_append_new(cols, json_pack("{s:s,s:s}", "name", report_dim_name(q.dims[k]),
							      "title", report_dim_label(q.dims[k])));
		for (int k = 0; k < q.n_measures; k++)
			json_array_append_new(cols, json_pack("{s:s,s:s}", "name", report_measure_name(q.measures[k]),
							      "title", report_measure_label(q.measures[k])));
		json_array_append_new(files, json_pack("{s:s,s:s,s:s,s:I,s:o}", "file", datasets[i].file, "title",
						       datasets[i].title, "format",
						       "text/csv; charset=utf-8; header=present", "rows", (json_int_t)r.n,
						       "columns", cols));
		report_free(&r);
	}
	return 0;
}

/* dir/metadata.json: what the release holds (files, taken), the months it
 * covers and how it is protected (min). 0 or -1. */
static int metadata_write(struct store *db, const char *period, int min, const char *dir, json_t *files)
{
	char err[512], rule[1024], file[1024], first[8] = "", last[8] = "", when[32], *text;
	json_t *meta;
	int rc;

	if (period) {
		struct report_query q;

		report_query_init(&q);
		report_parse_period(&q, period, err, sizeof(err));
		str_copy(first, sizeof(first), q.from);
		str_copy(last, sizeof(last), q.to);
	} else {
		report_months_span(db, first, sizeof(first), last, sizeof(last));
	}
	time_iso(now_wall(), when, sizeof(when));
	snprintf(rule, sizeof(rule),
		 "Metodo della chiave di cella (cell key method): ogni conteggio è perturbato da una funzione fissa "
		 "delle candidature che lo compongono, quindi la stessa cella ha sempre lo stesso valore in ogni "
		 "tabella. I conteggi da 1 a 4 non sono mai pubblicati: compaiono come 0 o 5; da 5 in su il valore "
		 "pubblicato differisce dal vero di al più %d (media 0), mai sotto 5, e da 5 a 8 può comparire come 0 "
		 "(4%% dei casi). Uno zero è uno zero vero o un piccolo conteggio. I totali non sono "
		 "la somma esatta delle righe. I tassi sono calcolati sui conteggi pubblicati; i giorni medi alla "
		 "selezione solo su almeno 10 selezionati. Tirocini: ore e indennità sono totali perturbati (conteggio "
		 "pubblicato per media protetta), pubblicati solo con almeno 10 tirocinanti nella cella, come il tasso "
		 "di presenza; il mese è quello di avvio, di fine o del registro.%s", SDC_MAX_DEV,
		 min > SDC_MIN_COUNT ? " Valori pubblicati sotto la soglia indicata: '*'." : "");
	meta = json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s},s:{s:s,s:s},s:s,s:{s:i,s:s,s:s},s:O}",
			 "title", "DoteComune: candidature e tirocini nei Comuni della rete",
			 "description", "Statistiche della rete DoteComune sui tirocini presso i Comuni: candidature, "
					"candidati distinti, posti, selezionati, tirocini avviati, conclusi e interrotti "
					"(per motivo e mese), ore di tirocinio e d'aula, tasso di presenza, indennità "
					"pagate, per territorio, periodo, avviso, area e profilo dei candidati; uso anonimo dei "
					"totem. Nessun dato personale.",
			 "publisher", "Rete DoteComune",
			 "license", "CC BY 4.0",
			 "license_url", "https://creativecommons.org/licenses/by/4.0/deed.it",
			 "period", "start", first, "end", last,
			 "generated", "at", when, "by", "dote opendata",
			 "language", "it",
			 "protection", "min_count", min, "rule", rule, "marker", "*",
			 "files", files);
	text = meta ? json_dumps(meta, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	snprintf(file, sizeof(file), "%s/metadata.json", dir);
	rc = !text || file_write_atomic(file, text, strlen(text), 0644) ? -1 : 0;
	free(text);
	json_decref(meta);
	return rc;
}

static int cmd_opendata(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "period", required_argument, NULL, 'p' },
		{ "min-count", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *path = NULL, *dir = NULL, *period = NULL;
	int min = SDC_MIN_COUNT, c, rc = 1;
	char err[512];
	json_t *files = NULL;
	struct store *db = NULL;
	size_t suppressed = 0, perturbed = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'o': dir = optarg; break;
		case 'p': period = optarg; break;
		case 'm': if (cli_min_count("opendata", optarg, &min)) return 2; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!path || !dir || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (period) {
		struct report_query q;

		report_query_init(&q);
		if (report_parse_period(&q, period, err, sizeof(err))) {
			fprintf(stderr, "dote opendata: %s\n", err);
			return 2;
		}
		if (!report_period_is_bucket(&q)) {
			fprintf(stderr, "dote opendata: period '%.20s' is not one month, quarter or year\n", period);
			return 2;
		}
	}
	if (cli_hub_readable(argv[0], path))
		return 1;
	if (!(db = store_open_existing(path, 0)) || dir_make(dir, 0755))
		goto out;
	files = json_array();
	if (report_tables(db, period, min, dir, files, &perturbed, &suppressed) ||
	    placement_tables(db, period, min, dir, files, &perturbed, &suppressed) ||
	    metadata_write(db, period, min, dir, files))
		goto out;
	printf("%zu tables and metadata.json written to %s (%zu counts perturbed, %zu values not shown)\n",
	       json_array_size(files), dir, perturbed, suppressed);
	rc = 0;
out:
	json_decref(files);
	if (db)
		store_close(db);	/* SQLite: releases its rollup statements too */
	return rc;
}

DOTE_COMMAND(opendata, "opendata", "open-data release: protected CSV + metadata (CC BY 4.0)", cmd_opendata)

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * `dote call`: coordinators publish and amend calls on the hub database
 * (SQLite path or postgres:// URL), through reports/store/calls.h:
 *   dote call import FILE --code C --title T --opens D --deadline D [--rules JSON|@FILE] [--dry-run]
 *   dote call list | show CALL | history CALL
 *   dote call edit PLACEMENT FIELD=VALUE...
 *   dote call extend CALL --deadline D [--placement P]
 *   dote call withdraw PLACEMENT | reinstate PLACEMENT | close CALL
 * Every command takes --db HUBDB (default $DOTE_HUB_DB, else hub.db),
 * --by NAME (default $USER) and --note TEXT. Exit 0 done, 1 refused
 * (the problems are printed, one a line, and nothing changed), 2 usage
 * or storage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "core/files.h"
#include "core/util.h"
#include "reports/cli/command.h"
#include "reports/store/calls.h"
#include "reports/store/store.h"

static void call_usage(FILE *f)
{
	fprintf(f, "usage: dote call import FILE --code CODE --title TITLE --opens DATE --deadline DATE\n"
		   "                        [--region NAME] [--rules JSON|@FILE] [--revert CODE,...] [--dry-run]\n"
		   "       dote call list\n"
		   "       dote call show CALL\n"
		   "       dote call history CALL\n"
		   "       dote call edit PLACEMENT FIELD=VALUE...\n"
		   "       dote call extend CALL --deadline DATE [--placement PLACEMENT]\n"
		   "       dote call withdraw PLACEMENT\n"
		   "       dote call reinstate PLACEMENT\n"
		   "       dote call close CALL\n"
		   "Every command also takes --db HUBDB (default $DOTE_HUB_DB, else hub.db),\n"
		   "--by NAME (who makes the change; default $USER) and --note TEXT.\n\n"
		   "import publishes a call from its table (CSV; ';' or ','; UTF-8 or\n"
		   "Windows-1252) with the columns comune, codice progetto, area, ufficio,\n"
		   "indirizzo, mesi, ore settimanali, indennità mensile, posti, scadenza,\n"
		   "requisiti (and optionally titolo, descrizione, profilo QRSP). Every row\n"
		   "is checked; a file with any problem is refused whole, one line per\n"
		   "problem (row, column, what to fix), and nothing changes. Importing the\n"
		   "same call again applies the differences; placements missing from the\n"
		   "file are withdrawn. An extension or a withdrawal made since is kept\n"
		   "(listed as 'mantenuto') unless the placement is named in --revert.\n"
		   "--dry-run prints what would change.\n"
		   "CODE may be written 'Avviso n. 11/2025' (stored as 11/2025). Dates are\n"
		   "DD/MM/YYYY or YYYY-MM-DD. Every change is versioned (history) and\n"
		   "reaches the kiosks with their next catalog request (its ETag changes).\n"
		   "FIELD for edit: area office title description requirements address\n"
		   "months hours_week allowance_eur qrsp seats deadline.\n");
}

/* --rules: JSON text, or @FILE. */
static int rules_arg(const char *arg, char *out, size_t size)
{
	size_t len = 0;
	char *text;

	if (arg[0] != '@')
		return str_copy(out, size, arg) < size ? 0 : error("--rules: at most %zu bytes", size - 1);
	text = file_read(arg + 1, size - 1, &len);
	if (!text)
		return -1;
	str_copy(out, size, text);
	free(text);
	return 0;
}

static int do_import(struct store *s, const char *file, struct call_spec *spec, int dry, const char *by)
{
	struct call_import r;
	struct stat sb;
	size_t len = 0;
	char *data;
	int rc;

	if (stat(file, &sb)) {
		error("cannot read '%s'", file);
		return 2;
	}
	if ((unsigned long long)sb.st_size > CALL_CSV_MAX) {
		fprintf(stderr, "dote call: %s refused: file troppo grande (%.1f MB): il limite è %u MB\n",
			file, (double)sb.st_size / (1 << 20), CALL_CSV_MAX >> 20);
		return 1;
	}
	data = file_read(file, CALL_CSV_MAX, &len);
	if (!data)
		return 2;
	rc = call_import(s, spec, data, len, dry, by, &r);
	free(data);
	if (rc == 1) {
		fprintf(stderr, "dote call: %s refused, nothing changed (%d problem%s):\n", file,
			r.problems_total, r.problems_total == 1 ? "" : "s");
		call_import_print(&r, stderr);
	} else if (rc == 0) {
		printf("%s call %s (%s, '%c'): %d new, %d changed, %d unchanged, %d withdrawn%s\n",
		       dry ? "dry run:" : "published:", spec->code[0] ? spec->code : "?", r.encoding, r.sep,
		       r.counts[CHANGE_NEW], r.counts[CHANGE_CHANGED], r.counts[CHANGE_UNCHANGED],
		       r.counts[CHANGE_WITHDRAWN], r.call_new ? " (new call)" : "");
		if (r.call_what[0])
			printf("call: %s\n", r.call_what);
		call_import_print(&r, stdout);
	}
	call_import_release(&r);
	return rc == 0 ? 0 : rc == 1 ? 1 : 2;
}

static int amend_result(int rc, const char *what, const char *id, const char *err)
{
	if (rc == 0)
		printf("%s: %s%s%s\n", what, id, err && *err ? " – " : "", err ? err : "");
	else if (rc == 1)
		fprintf(stderr, "dote call: '%s' not found\n", id);
	else if (rc == 2)
		fprintf(stderr, "dote call: %s: refused: %s\n", id, err);
	return rc == 0 ? 0 : rc < 0 ? 2 : 1;
}

/* What `dote call SUB ...` was given. */
struct call_opts {
	const char *db, *by, *note, *placement;
	const char *args[64];
	int n, dry;
	struct call_spec spec;
};

/* One option at argv[*i] (its value after it) into o; 0, or 2 after
 * saying what is wrong. */
static int call_option(struct call_opts *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	char *field = NULL;
	size_t size = 0;

	if (!v) {
		call_usage(stderr);
		return 2;
	}
	++*i;
	if (!strcmp(a, "--db"))
		o->db = v;
	else if (!strcmp(a, "--by"))
		o->by = v;
	else if (!strcmp(a, "--note"))
		o->note = v;
	else if (!strcmp(a, "--placement"))
		o->placement = v;
	else if (!strcmp(a, "--rules"))
		return rules_arg(v, o->spec.rules, sizeof(o->spec.rules)) ? 2 : 0;
	else if (!strcmp(a, "--code"))
		field = o->spec.code, size = sizeof(o->spec.code);
	else if (!strcmp(a, "--title"))
		field = o->spec.title, size = sizeof(o->spec.title);
	else if (!strcmp(a, "--opens"))
		field = o->spec.opens, size = sizeof(o->spec.opens);
	else if (!strcmp(a, "--deadline"))
		field = o->spec.deadline, size = sizeof(o->spec.deadline);
	else if (!strcmp(a, "--revert"))
		field = o->spec.revert, size = sizeof(o->spec.revert);
	else if (!strcmp(a, "--region"))
		field = o->spec.region, size = sizeof(o->spec.region);
	else {
		error("unknown option '%s'", a);
		call_usage(stderr);
		return 2;
	}
	if (field && str_copy(field, size, v) >= size) {
		error("%s: too long (at most %zu characters)", a, size - 1);
		return 2;
	}
	return 0;
}

/* argv[2..] into o, then whether SUB got the arguments it takes: 0, or 2
 * after the usage. */
static int call_parse(const char *sub, int argc, char **argv, struct call_opts *o)
{
	char word[40];
	int i;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--dry-run")) {
			o->dry = 1;
		} else if (argv[i][0] != '-') {
			if (o->n >= (int)ARRAY_SIZE(o->args)) {
				call_usage(stderr);
				return 2;
			}
			o->args[o->n++] = argv[i];
		} else if (call_option(o, argc, argv, &i)) {
			return 2;
		}
	}
	if (!o->db || !*o->db)
		o->db = "hub.db";
	if (!o->by || !*o->by)
		o->by = "dote";
	snprintf(word, sizeof(word), " %.30s ", sub);
	if (!strstr(" import list show history edit extend withdraw reinstate close ", word) ||
	    ((!strcmp(sub, "import") || !strcmp(sub, "show") || !strcmp(sub, "history") || !strcmp(sub, "withdraw") ||
	      !strcmp(sub, "reinstate") || !strcmp(sub, "close") || !strcmp(sub, "extend")) && o->n != 1) ||
	    (!strcmp(sub, "edit") && o->n < 2) || (!strcmp(sub, "list") && o->n) ||
	    (!strcmp(sub, "extend") && !o->spec.deadline[0])) {
		call_usage(stderr);
		return 2;
	}
	return 0;
}

/* `dote call edit PLACEMENT FIELD=VALUE...`. */
static int do_edit(struct store *s, const struct call_opts *o)
{
	const char *names[62], *values[62];
	char pairs[62][2100], err[400];
	int k;

	for (k = 1; k < o->n; k++) {
		char *eq;

		if (str_copy(pairs[k - 1], sizeof(pairs[0]), o->args[k]) >= sizeof(pairs[0]) ||
		    !(eq = strchr(pairs[k - 1], '='))) {
			error("edit takes FIELD=VALUE pairs, not '%.40s'", o->args[k]);
			return 2;
		}
		*eq = '\0';
		names[k - 1] = pairs[k - 1];
		values[k - 1] = eq + 1;
	}
	return amend_result(call_placement_edit(s, o->args[0], names, values, o->n - 1, o->by, o->note, err,
					      sizeof(err)), "edited", o->args[0], err);
}

static int cmd_call(int argc, char **argv)
{
	struct call_opts o = { .db = getenv("DOTE_HUB_DB"), .by = getenv("USER"), .note = "" };
	const char *sub, *id;
	struct store *s;
	char err[400];
	int rc;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		call_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (call_parse(sub, argc, argv, &o))
		return 2;
	s = store_open(o.db);
	if (!s)
		return 2;
	id = o.n ? o.args[0] : NULL;
	if (!strcmp(sub, "import")) {
		/* The spec's code as it will be stored, for the summary line. */
		struct call_spec shown = o.spec;

		call_code_normalise(o.spec.code, shown.code, sizeof(shown.code));
		rc = do_import(s, id, &shown, o.dry, o.by);
	} else if (!strcmp(sub, "list")) {
		rc = call_list_print(s, stdout) ? 2 : 0;
	} else if (!strcmp(sub, "show") || !strcmp(sub, "history")) {
		int r = !strcmp(sub, "show") ? call_show_print(s, id, stdout) : call_history_print(s, id, stdout);

		if (r == 1)
			fprintf(stderr, "dote call: no call '%s'\n", id);
		rc = r == 0 ? 0 : r == 1 ? 1 : 2;
	} else if (!strcmp(sub, "edit")) {
		rc = do_edit(s, &o);
	} else if (!strcmp(sub, "extend")) {
		rc = amend_result(call_extend(s, id, o.placement, o.spec.deadline, o.by, o.note, err, sizeof(err)),
				  "extended", o.placement ? o.placement : id, err);
	} else if (!strcmp(sub, "withdraw")) {
		rc = amend_result(call_placement_withdraw(s, id, o.by, o.note, err, sizeof(err)), "withdrawn", id, err);
	} else if (!strcmp(sub, "reinstate")) {
		rc = amend_result(call_placement_reinstate(s, id, o.by, o.note, err, sizeof(err)), "reinstated", id,
				  err);
	} else {
		rc = amend_result(call_close(s, id, o.by, o.note, err, sizeof(err)), "closed", id, err);
	}
	store_close(s);
	return rc;
}

DOTE_COMMAND(call, "call", "publish a call from its CSV table, amend, withdraw, close (hub database)", cmd_call)

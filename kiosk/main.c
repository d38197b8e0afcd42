/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * dote-kiosk: the citizen's kiosk. Reads the site configuration, opens
 * the kiosk database (synchronous=FULL: a receipt is only shown for an
 * application on disk), loads or creates the kiosk's key, starts the
 * printer and sync threads, then hands over to the platform loop or the
 * scripted mode. Start reading at main().
 */
#include "core/comuni.h"
#include "core/config.h"
#include "core/db.h"
#include "core/files.h"
#include "core/identity.h"
#include "core/util.h"
#include "kiosk/i18n.h"
#include "kiosk/kiosk.h"
#include "kiosk/platform.h"
#include "kiosk/printer.h"
#include "kiosk/script.h"
#include "kiosk/speech.h"
#include "kiosk/sync.h"

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct config_entry kiosk_config[] = {
	{ "comune", "015146", "ISTAT code of the comune this kiosk serves" },
	{ "hub_url", "", "hub base URL (https://...); empty: offline kiosk, no sync" },
	{ "ca_file", "", "CA bundle for the hub's TLS certificate (empty: system CAs)" },
	{ "state_dir", "/var/lib/dote", "kiosk identity (key pair, enrolment token)" },
	{ "db", "/var/lib/dote/kiosk.db", "kiosk database (catalog cache, applications, outbox)" },
	{ "receipts_dir", "/var/lib/dote/receipts", "where each receipt is saved as PNG (empty: not saved)" },
	{ "printer_device", "", "receipt printer device, e.g. /dev/usb/lp0 (empty: no printer)" },
	{ "printer_width", "576", "printer width in dots: 384 (58 mm) or 576 (80 mm)" },
	{ "idle_seconds", "90", "seconds without input before the 'are you still there?' countdown" },
	{ "rotation", "0", "display rotation, clockwise: 0, 90, 180, 270 (touch rotated too)" },
	{ "languages", "it,en,fr,es,ro,uk,ar", "languages offered (it, en, fr, es, ro, uk, ar), the first is the default" },
	{ "admin_pin", "", "PIN of the operator screen (empty: the admin screen is locked)" },
	{ "catalog_minutes", "15", "how often the catalog is pulled from the hub" },
	{ "heartbeat_seconds", "60", "how often the kiosk reports its health to the hub" },
	{ "enroll_code", "", "one-time enrolment code (used by `dote kiosk enroll`)" },
	{ "receipt_url", "", "public address of the receipt check page in the receipt QR (empty: hub_url; neither: no QR, the protocol number only)" },
	{ "privacy_url", "https://www.dotecomune.it/privacy", "full privacy notice (shown as a QR code)" },
	{ "locale_dir", "", "where <lang>/LC_MESSAGES/dote-kiosk.mo live (empty: built-in paths)" },
	{ "speech_log", "", "file that gets every utterance of the voice guide, as sent to espeak-ng (tests; empty: none)" },
};

static void usage(FILE *f, struct config *cfg)
{
	fprintf(f,
		"usage: dote-kiosk [--config FILE] [--db FILE] [--windowed] [--size WxH]\n"
		"                  [--lang it|en|fr|es|ro|uk|ar] [--set key=value ...]\n"
		"       dote-kiosk --headless --db FILE --script FILE --shots DIR [--size WxH] [--lang it]\n"
		"       dote-kiosk --init-db FILE      create a kiosk database with the comuni table\n"
		"       dote-kiosk [--lang LANG] --say-to-wav FILE TEXT   the voice guide's voice, into a WAV file\n"
		"The citizen's touch kiosk (fullscreen by default). Configuration keys:\n");
	config_describe(cfg, f);
}

static const char *locale_dir(struct config *cfg)
{
	static char buf[600];
	const char *d = config_get(cfg, "locale_dir");
	char exe[512];
	ssize_t n;
	if (d[0])
		return d;
	/* Next to the binary ($O/bin/../locale), then the installed path. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;
		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			snprintf(buf, sizeof(buf), "%s/../locale", exe);
			if (!access(buf, R_OK))
				return buf;
		}
	}
	return "/usr/share/locale";
}

/* What the command line asked for (the configuration keys it set go
 * straight into the configuration). */
struct args {
	struct platform_options po;
	const char *config_path, *script, *shots, *lang, *init_db, *wav, *say;
};

/* Reads the arguments after the configuration file is loaded. Returns -1
 * to go on, or the exit status (0 after --help, 2 for a mistake). */
static int parse_args(int argc, char **argv, struct config *cfg, struct args *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout, cfg);
			return 0;
		} else if (!strcmp(a, "--headless")) {
			o->po.headless = 1;
		} else if (!strcmp(a, "--windowed")) {
			o->po.windowed = 1;
		} else if (!strcmp(a, "--software")) {
			o->po.software = 1;
		} else if (!strcmp(a, "--config") && v) {
			i++;
		} else if (!strcmp(a, "--db") && v) {
			config_set(cfg, "db", v);
			i++;
		} else if (!strcmp(a, "--script") && v) {
			o->script = v;
			i++;
		} else if (!strcmp(a, "--shots") && v) {
			o->shots = v;
			i++;
		} else if (!strcmp(a, "--lang") && v) {
			o->lang = v;
			i++;
		} else if (!strcmp(a, "--say-to-wav") && v && i + 2 < argc) {
			o->wav = v;
			o->say = argv[i + 2];
			i += 2;
		} else if (!strcmp(a, "--init-db") && v) {
			o->init_db = v;
			i++;
		} else if (!strcmp(a, "--size") && v) {
			struct platform_options *po = &o->po;
			if (sscanf(v, "%dx%d", &po->w, &po->h) != 2 || po->w < 320 || po->h < 240 || po->w > 8192 ||
			    po->h > 8192) {
				fprintf(stderr, "error: --size wants WxH, e.g. 1080x1920\n");
				return 2;
			}
			i++;
		} else if (!strcmp(a, "--set") && v) {
			char key[64];
			const char *eq = strchr(v, '=');
			if (!eq || (size_t)(eq - v) >= sizeof(key)) {
				fprintf(stderr, "error: --set wants key=value\n");
				return 2;
			}
			memcpy(key, v, (size_t)(eq - v));
			key[eq - v] = 0;
			if (config_set(cfg, key, eq + 1))
				return 2;
			i++;
		} else {
			fprintf(stderr, "error: unknown argument '%s'\n", a);
			usage(stderr, cfg);
			return 2;
		}
	}
	return -1;
}

/* A language the kiosk does not have is a mistake to fix now, not a
 * surprise for the first citizen: --lang and every one in `languages`
 * must be known. Returns 0, or 2 after saying which is not. */
static int languages_known(struct config *cfg, const char *lang)
{
	const char *l = config_get(cfg, "languages");
	if (lang && !i18n_known(lang)) {
		fprintf(stderr, "error: --lang %s: no such language (the kiosk has it, en, fr, es, ro, uk, ar)\n", lang);
		return 2;
	}
	while (*l) {
		char one[16];
		size_t len = strcspn(l, ", ");
		str_fmt(one, sizeof(one), "%.*s", (int)(len < 15 ? len : 15), l);
		if (len && !i18n_known(one)) {
			fprintf(stderr, "error: languages: '%s' is not a language of the kiosk (it, en, fr, es, ro, uk, ar)\n", one);
			return 2;
		}
		l += len;
		l += strspn(l, ", ");
	}
	return 0;
}

/* The kiosk's key: an offline kiosk that was never enrolled gets a
 * local key so it can sign receipts from the first day. Returns 0 or -1. */
static int identity_ready(struct kiosk *k, struct config *cfg)
{
	if (identity_load(config_get(cfg, "state_dir"), &k->identity)) {
		if (dir_make(config_get(cfg, "state_dir"), 0700) ||
		    identity_create_key(config_get(cfg, "state_dir"), &k->identity))
			return error("cannot create the kiosk key in %s", config_get(cfg, "state_dir"));
		warning("kiosk not enrolled: created a local key in %s", config_get(cfg, "state_dir"));
	}
	if (!k->identity.id[0]) {
		str_copy(k->identity.id, sizeof(k->identity.id), "LOCAL");
		str_copy(k->identity.comune, sizeof(k->identity.comune), config_get(cfg, "comune"));
	}
	k->have_identity = 1;
	return 0;
}

/* Loads the message catalogs; an offered language without its catalog
 * would show English: say so now. Returns 0, or 2. */
static int catalogs_loaded(struct config *cfg, const char *lang)
{
	i18n_load(locale_dir(cfg), config_get(cfg, "languages"));
	for (int i = 0; i < i18n_nlanguages; i++) {
		const char *l = config_get(cfg, "languages"), *at = strstr(l, i18n_languages[i]);
		if (at && (at == l || at[-1] == ',' || at[-1] == ' ') && !isalpha((unsigned char)at[2]) &&
		    !i18n_loaded(i18n_languages[i])) {
			error("languages: no catalog for '%s' in %s/%s/LC_MESSAGES", i18n_languages[i], locale_dir(cfg),
			      i18n_languages[i]);
			return 2;
		}
	}
	if (lang && !i18n_loaded(lang)) {
		error("--lang %s: its catalog is not in %s/%s/LC_MESSAGES", lang, locale_dir(cfg), lang);
		return 2;
	}
	return 0;
}

/* The printer thread, and the sync thread when there is a hub. */
static void threads_start(struct kiosk *k, struct config *cfg)
{
	k->printer = printer_start(config_get(cfg, "printer_device"), (int)config_int(cfg, "printer_width"));
	if (config_get(cfg, "hub_url")[0]) {
		struct sync_config sc = {
			.db_path = k->db_path, .state_dir = config_get(cfg, "state_dir"),
			.hub_url = config_get(cfg, "hub_url"), .ca_file = config_get(cfg, "ca_file"),
			.comune = config_get(cfg, "comune"),
			.enroll_code = config_get(cfg, "enroll_code"),
			.catalog_minutes = (int)config_int(cfg, "catalog_minutes"),
			.heartbeat_seconds = (int)config_int(cfg, "heartbeat_seconds"),
		};
		k->sync = sync_start(&sc);
	}
}

/* Says at start-up, not at the first citizen's receipt, that the
 * receipt address cannot go into a QR code. */
static void receipt_base_check(struct kiosk *k)
{
	char probe[RECEIPT_URL_MAX];
	const char *base = kiosk_receipt_base(k);
	if (base[0] && receipt_url(base, "TOKEN", probe, sizeof(probe)))
		warning("receipt address '%s' is not an absolute http(s) URL: receipts will have no QR code", base);
}

/* SIGTERM (systemd's stop) and SIGINT: the main loop stops after its
 * frame; a Send under way then finishes its commit and its receipt
 * (main() stops the workers before anything else). With no loop to see
 * it (start-up, a script: `timeout` must still end a stuck test), or
 * once the loop has ended, the signal does what it did before. */
static void on_stop_signal(int sig)
{
	if (!platform_request_stop()) {
		signal(sig, SIG_DFL);
		raise(sig);
	}
}

static void stop_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct kiosk *k;
	struct args a = { 0 };
	struct platform *p = NULL;
	int rc = 1;

	if (config_init(&cfg, kiosk_config, ARRAY_SIZE(kiosk_config)))
		return 1;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			a.config_path = argv[++i];
	if (a.config_path ? config_load(&cfg, a.config_path, 0) : config_load(&cfg, "/etc/dote/kiosk.conf", 1)) {
		config_release(&cfg);
		return 1;
	}
	if ((rc = parse_args(argc, argv, &cfg, &a)) >= 0 || (rc = languages_known(&cfg, a.lang))) {
		config_release(&cfg);
		return rc;
	}
	if (a.wav) {
		rc = speech_to_wav(a.lang ? a.lang : "it", a.say, a.wav) ? 1 : 0;
		config_release(&cfg);
		return rc;
	}
	if (a.init_db) {
		sqlite3 *db = db_open(a.init_db, DB_SYNC_FULL);
		rc = !db || comuni_load_db(db);
		db_close(db);
		config_release(&cfg);
		return rc;
	}
	if (a.script && (!a.po.headless || !a.shots)) {
		fprintf(stderr, "error: --script needs --headless and --shots DIR\n");
		return 2;
	}
	a.po.rotation = (int)config_int(&cfg, "rotation");

	rc = 1;
	k = calloc(1, sizeof(*k));
	if (!k)
		return 1;
	k->cfg = &cfg;
	str_copy(k->db_path, sizeof(k->db_path), config_get(&cfg, "db"));
	k->db = db_open(k->db_path, DB_SYNC_FULL);
	if (!k->db || identity_ready(k, &cfg))
		goto out;
	if ((rc = catalogs_loaded(&cfg, a.lang)))
		goto out;
	rc = 1;
	if (a.lang)
		str_copy(k->default_lang, sizeof(k->default_lang), a.lang);
	threads_start(k, &cfg);
	p = platform_open(&a.po, k);
	if (!p)
		goto out;
	if (kiosk_init(k))
		goto out;
	receipt_base_check(k);
	stop_signals();
	if (a.script) {
		rc = script_run(p, k, a.script, a.shots);
	} else {
		rc = platform_run(p) == 2 ? 3 : 0;
	}
out:
	if (k) {
		/* The search and send workers first, before the window they
		 * report to goes: a Send under way finishes its commit and its
		 * receipt file. Then the voice guide, which plays through SDL
		 * audio. */
		kiosk_workers_stop(k);
		speech_stop(k->speech);
		k->speech = NULL;
	}
	platform_close(p);
	if (k) {
		sync_stop(k->sync);
		printer_stop(k->printer);
		kiosk_release(k);
		identity_wipe(&k->identity);
		db_close(k->db);
		if (rc == 3) {
			/* Reload from the admin screen: start afresh, same arguments. */
			free(k);
			config_release(&cfg);
			execv("/proc/self/exe", argv);
			return 1;
		}
		free(k);
	}
	config_release(&cfg);
	return rc;
}

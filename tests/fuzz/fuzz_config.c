/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * libFuzzer target: a site configuration file (core/config.c), as the
 * kiosk and the hub read theirs at start-up, with the keys of both
 * (kiosk/main.c, reports/hub/main.c). config_load() reads a path, so the
 * input goes to a file in a private temporary directory first
 * (/dev/shm when there is one). Besides
 * the sanitizers, it checks that a file that loads leaves every key with
 * a value and that a value set is read back as it was trimmed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/config.h"
#include "core/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct config_entry schema[] = {
	{ "comune", "", "" }, { "hub_url", "", "" }, { "ca_file", "", "" },
	{ "state_dir", "/var/lib/dote", "" }, { "db", "kiosk.db", "" },
	{ "receipts_dir", "", "" }, { "printer_device", "", "" }, { "printer_width", "576", "" },
	{ "idle_seconds", "90", "" }, { "languages", "it,en", "" }, { "admin_pin", "", "" },
	{ "catalog_minutes", "10", "" }, { "heartbeat_seconds", "60", "" },
	{ "enroll_code", "", "" }, { "receipt_url", "", "" }, { "listen", "127.0.0.1:8470", "" },
	{ "threads", "4", "" }, { "max_connections", "512", "" }, { "body_max", "4194304", "" },
	{ "rate_per_minute", "120", "" }, { "cookie_secure", "1", "" },
};
enum { NKEYS = sizeof(schema) / sizeof(schema[0]) };

static char dir[64], path[80];

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	FILE *f;
	size_t i;

	if (!path[0]) {
		/* In memory when it can be: a file written per input. */
		snprintf(dir, sizeof(dir), "%s/dote-fuzz-config-XXXXXX",
			 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
		if (!mkdtemp(dir))
			abort();
		atexit(cleanup);
		snprintf(path, sizeof(path), "%s/site.conf", dir);
		util_quiet(1);
	}
	f = fopen(path, "w");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	if (config_init(&cfg, schema, NKEYS))
		abort();
	if (config_load(&cfg, path, 0) == 0) {
		for (i = 0; i < NKEYS; i++) {
			const char *v = config_get(&cfg, schema[i].key);
			if (!v)
				abort();
			(void)config_int(&cfg, schema[i].key);
			if (strchr(v, '\n') || (v[0] == ' ' || (*v && v[strlen(v) - 1] == ' ')))
				abort();	/* values come trimmed, one line each */
		}
	}
	config_release(&cfg);
	return 0;
}

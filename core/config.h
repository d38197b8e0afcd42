/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Site configuration: one `key = value` file per installation (comments
 * with #), with defaults in code and every key documented in README.md.
 * Unknown keys are an error, so a typo never silently does nothing.
 */
#ifndef DOTE_CONFIG_H
#define DOTE_CONFIG_H
#include <stddef.h>

struct config_entry {
	const char *key;
	const char *dflt;	/* default value, never NULL */
	const char *help;	/* one line for --help and docs */
};

struct config {
	const struct config_entry *schema;
	size_t n;
	char **values;		/* values[i] for schema[i]; owned */
};

/* Fills cfg with defaults from schema (which must outlive cfg). */
int config_init(struct config *cfg, const struct config_entry *schema, size_t n);
void config_release(struct config *cfg);
/* Reads path (missing file: -1 unless optional). Values override defaults. */
int config_load(struct config *cfg, const char *path, int optional);
/* Sets one key ("key=value" from a command line flag, say). */
int config_set(struct config *cfg, const char *key, const char *value);
const char *config_get(const struct config *cfg, const char *key);
long config_int(const struct config *cfg, const char *key);
/* key as a whole number from min to max into *out: 0, or -1 with an
 * error naming the key, the range and the value (nothing else accepted:
 * not '12k', not 'abc', not '' ). */
int config_long(const struct config *cfg, const char *key, long min, long max, long *out);
/* Prints every key with its default and help, for --help. */
void config_describe(const struct config *cfg, void *file);
#endif

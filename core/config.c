/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * key = value configuration files. See config.h.
 */
#include "core/config.h"
#include "core/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int config_init(struct config *cfg, const struct config_entry *schema, size_t n)
{
	cfg->schema = schema;
	cfg->n = n;
	cfg->values = calloc(n, sizeof(char *));
	if (!cfg->values)
		return error("out of memory");
	for (size_t i = 0; i < n; i++)
		cfg->values[i] = strdup(schema[i].dflt);
	return 0;
}

void config_release(struct config *cfg)
{
	for (size_t i = 0; cfg->values && i < cfg->n; i++) {
		if (cfg->values[i])
			str_wipe(cfg->values[i], strlen(cfg->values[i]));
		free(cfg->values[i]);
	}
	free(cfg->values);
	cfg->values = NULL;
}

int config_set(struct config *cfg, const char *key, const char *value)
{
	for (size_t i = 0; i < cfg->n; i++) {
		if (strcmp(cfg->schema[i].key, key))
			continue;
		free(cfg->values[i]);
		cfg->values[i] = strdup(value);
		return 0;
	}
	return error("unknown configuration key '%s'", key);
}

int config_load(struct config *cfg, const char *path, int optional)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int lineno = 0, rc = 0;
	if (!f) {
		if (optional)
			return 0;
		return error("cannot open configuration '%s'", path);
	}
	while (fgets(line, sizeof(line), f)) {
		char *eq, *key, *val;
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			rc = error("%s:%d: line too long", path, lineno);
			break;
		}
		str_trim(line);
		if (!*line || *line == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			rc = error("%s:%d: expected 'key = value'", path, lineno);
			break;
		}
		*eq = '\0';
		key = str_trim(line);
		val = str_trim(eq + 1);
		if (config_set(cfg, key, val)) {
			rc = error("%s:%d: unknown key '%s'", path, lineno, key);
			break;
		}
	}
	fclose(f);
	return rc;
}

const char *config_get(const struct config *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->n; i++)
		if (!strcmp(cfg->schema[i].key, key))
			return cfg->values[i];
	return "";
}

long config_int(const struct config *cfg, const char *key)
{
	return strtol(config_get(cfg, key), NULL, 10);
}

int config_long(const struct config *cfg, const char *key, long min, long max, long *out)
{
	const char *v = config_get(cfg, key);
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < min || n > max)
		return error("configuration: %s must be a whole number from %ld to %ld, not '%.40s'", key, min, max, v);
	*out = n;
	return 0;
}

void config_describe(const struct config *cfg, void *file)
{
	FILE *f = file;
	for (size_t i = 0; i < cfg->n; i++)
		fprintf(f, "  %-18s %s (default: %s)\n", cfg->schema[i].key, cfg->schema[i].help,
			*cfg->schema[i].dflt ? cfg->schema[i].dflt : "none");
}

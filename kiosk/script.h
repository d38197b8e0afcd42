/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The kiosk's scripted mode: runs a tests/ui script against the kiosk
 * (headless, virtual clock). Verbs are documented in kiosk/README.md.
 */
#ifndef DOTE_KIOSK_SCRIPT_H
#define DOTE_KIOSK_SCRIPT_H
struct platform;
struct kiosk;
/* Returns 0 when every line passed; otherwise prints the failing line
 * (stderr, and a FAIL line on stdout) and returns 1. */
int script_run(struct platform *p, struct kiosk *k, const char *path, const char *shots);

/* The line reader, apart so it can be tested without a kiosk: cuts the
 * line ending and surrounding spaces of line in place. Returns 0 for a
 * blank line or a '#' comment; 1 with the verb copied into verb and *arg
 * pointing at its argument (spaces skipped, may be ''); -1 when the verb
 * is too long to be one. */
enum { SCRIPT_VERB_MAX = 32 };
int script_parse_line(char *line, char verb[SCRIPT_VERB_MAX], char **arg);
#endif

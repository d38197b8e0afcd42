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
#endif

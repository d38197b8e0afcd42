/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Translations: gettext catalogs (assets/po/<lang>.po, compiled by make
 * to $O/locale/<lang>/LC_MESSAGES/dote-kiosk.mo). The kiosk switches
 * language at any moment without touching the process locale, so it
 * reads the .mo files itself (binary search over the sorted msgids) and
 * _() looks the text up in the current language. msgids are English.
 */
#ifndef DOTE_KIOSK_I18N_H
#define DOTE_KIOSK_I18N_H

#define N_(s) (s)
#define _(s) i18n_get(s)

/* Loads <dir>/<lang>/LC_MESSAGES/dote-kiosk.mo for each language in the
 * comma-separated list ("it,en"). Returns the number loaded. */
int i18n_load(const char *dir, const char *langs);
/* Makes lang current; -1 when it was not loaded (English always works). */
int i18n_set(const char *lang);
const char *i18n_lang(void);
/* The translation of msgid in the current language (msgid if none). */
const char *i18n_get(const char *msgid) __attribute__((format_arg(1)));
void i18n_release(void);
#endif

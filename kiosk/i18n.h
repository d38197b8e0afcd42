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

/* The languages the kiosk ships (catalogs in assets/po), in the order
 * the language chooser shows them. */
extern const char *const i18n_languages[];
extern const int i18n_nlanguages;

/* Loads <dir>/<lang>/LC_MESSAGES/dote-kiosk.mo for each language in the
 * comma-separated list ("it,en"), and Italian in any case (the fallback
 * of a message another catalog lacks). Returns the number loaded. */
int i18n_load(const char *dir, const char *langs);
/* Whether lang is one of i18n_languages / has a loaded catalog. */
int i18n_known(const char *lang);
int i18n_loaded(const char *lang);
/* Whether lang is written right to left (its layout is mirrored). */
int i18n_rtl(const char *lang);
/* Whether the catalog of lang translates msgid itself (tests). */
int i18n_has(const char *lang, const char *msgid);
/* Makes lang current; -1 when it was not loaded (English always works). */
int i18n_set(const char *lang);
const char *i18n_lang(void);
/* The translation of msgid in the current language; a message the
 * catalog lacks comes from the Italian one, then msgid itself. */
const char *i18n_get(const char *msgid) __attribute__((format_arg(1)));
void i18n_release(void);
#endif

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The domain's closed vocabularies: applicant status, education level,
 * application status, placement area, age band, residence class. Each
 * entry has a stable key (stored in databases and on the wire), an
 * English label (the gettext msgid the kiosk translates) and an Italian
 * label (for reports and the hub, which are Italian-only).
 */
#ifndef DOTE_MODEL_H
#define DOTE_MODEL_H
#include <stddef.h>

struct vocab {
	const char *key;
	const char *en;
	const char *it;
};

/* unemployed, never_employed, student, neet */
extern const struct vocab applicant_statuses[];
extern const size_t applicant_statuses_n;
/* none, primary, lower_secondary, vocational, upper_secondary, bachelor, master, doctorate */
extern const struct vocab education_levels[];
extern const size_t education_levels_n;
/* received, interview, selected, not_selected, withdrawn, started, completed, dropped_out */
extern const struct vocab application_statuses[];
extern const size_t application_statuses_n;
/* registry, library, social, technical, culture, education, environment, admin, tourism, sport */
extern const struct vocab placement_areas[];
extern const size_t placement_areas_n;
/* 15-17, 18-24, 25-29, 30-34, 35-49, 50+ */
extern const struct vocab age_bands[];
extern const size_t age_bands_n;
/* same_comune, same_province, elsewhere */
extern const struct vocab residence_classes[];
extern const size_t residence_classes_n;

/* The entry whose key is key, or NULL. */
const struct vocab *vocab_find(const struct vocab *v, size_t n, const char *key);
/* The age band key for an age ("15-17" ... "50+"), or NULL under 15. */
const char *age_band(int age);
/* Allowed status transitions for an application (coordinators' updates):
 * returns 1 when from -> to is allowed. */
int application_status_allowed(const char *from, const char *to);

/* Limits on every field a citizen types (bytes, UTF-8). */
enum {
	NAME_MAX_LEN = 64,
	PHONE_MAX_LEN = 20,
	EMAIL_MAX_LEN = 254,
	CF_LEN = 16,
};
#endif

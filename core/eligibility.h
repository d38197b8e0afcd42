/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Eligibility rules. Each call carries its rules as JSON (call.rules), so
 * a new call with other rules needs no new code:
 *
 *   {"min_age": 18, "max_age": 67,
 *    "statuses": ["unemployed", "never_employed", "student", "neet"],
 *    "neet_max_age": 29, "student_min_age": 16,
 *    "residence_region": "Lombardia",
 *    "no_other_placement": true}
 *
 * Every key is optional; a missing key means no such requirement.
 * eligibility_check() answers which requirements a citizen's answers fail,
 * each with an English message and advice (gettext msgids the kiosk
 * translates).
 */
#ifndef DOTE_ELIGIBILITY_H
#define DOTE_ELIGIBILITY_H
#include <stddef.h>

struct eligibility_answers {
	int age;			/* years; -1 unknown */
	const char *status;		/* applicant status key (model.h) */
	const char *residence;		/* ISTAT code of the comune of residence */
	int in_other_placement;		/* 1 when already in a placement */
};

enum { ELIGIBILITY_MAX_FAILS = 6 };

struct eligibility_fail {
	const char *rule;		/* 'min_age', 'statuses', ... */
	const char *message;		/* msgid: what fails */
	const char *advice;		/* msgid: what to do instead */
	long limit;			/* the number in the rule, when there is one */
};

struct eligibility_result {
	int eligible;
	size_t nfails;
	struct eligibility_fail fails[ELIGIBILITY_MAX_FAILS];
};

/* Evaluates rules_json against the answers. Returns 0 (result filled) or
 * -1 when the rules are not valid JSON of the form above. */
int eligibility_check(const char *rules_json, const struct eligibility_answers *a,
		      struct eligibility_result *res);
/* Validates rules JSON; 0 when usable, -1 with a reason in err. */
int eligibility_validate(const char *rules_json, char *err, size_t errsize);
#endif

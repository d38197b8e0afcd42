/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Evaluates a call's eligibility rules (JSON) against a citizen's answers.
 * See eligibility.h for the rule format.
 */
#include "core/eligibility.h"
#include "core/comuni.h"
#include "core/model.h"
#include "core/util.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define N_(s) s

static const char *const KNOWN[] = { "min_age", "max_age", "statuses", "neet_max_age",
				     "student_min_age", "residence_region", "no_other_placement" };

int eligibility_validate(const char *rules_json, char *err, size_t errsize)
{
	json_error_t je;
	json_t *r = json_loads(rules_json ? rules_json : "", 0, &je), *v;
	const char *key;
	int rc = -1;
	if (!r || !json_is_object(r)) {
		snprintf(err, errsize, "rules are not a JSON object");
		goto out;
	}
	json_object_foreach(r, key, v) {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(KNOWN); i++)
			if (!strcmp(KNOWN[i], key))
				break;
		if (i == ARRAY_SIZE(KNOWN)) {
			snprintf(err, errsize, "unknown rule '%s'", key);
			goto out;
		}
		if (!strcmp(key, "statuses")) {
			size_t k;
			json_t *s;
			if (!json_is_array(v)) {
				snprintf(err, errsize, "'statuses' must be a list");
				goto out;
			}
			json_array_foreach(v, k, s) {
				if (!json_is_string(s) ||
				    !vocab_find(applicant_statuses, applicant_statuses_n, json_string_value(s))) {
					snprintf(err, errsize, "unknown applicant status in 'statuses'");
					goto out;
				}
			}
		} else if (!strcmp(key, "residence_region")) {
			if (!json_is_string(v)) {
				snprintf(err, errsize, "'residence_region' must be a region name");
				goto out;
			}
		} else if (!strcmp(key, "no_other_placement")) {
			if (!json_is_boolean(v)) {
				snprintf(err, errsize, "'no_other_placement' must be true or false");
				goto out;
			}
		} else if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 120) {
			snprintf(err, errsize, "'%s' must be a whole number of years", key);
			goto out;
		}
	}
	rc = 0;
out:
	json_decref(r);
	return rc;
}

static void add(struct eligibility_result *res, const char *rule, const char *msg,
		const char *advice, long limit)
{
	if (res->nfails >= ELIGIBILITY_MAX_FAILS)
		return;
	res->fails[res->nfails++] = (struct eligibility_fail){ rule, msg, advice, limit };
}

int eligibility_check(const char *rules_json, const struct eligibility_answers *a,
		      struct eligibility_result *res)
{
	char err[128];
	json_t *r, *v;
	memset(res, 0, sizeof(*res));
	if (eligibility_validate(rules_json, err, sizeof(err)))
		return error("bad eligibility rules: %s", err);
	r = json_loads(rules_json, 0, NULL);

	if ((v = json_object_get(r, "min_age")) && a->age >= 0 && a->age < json_integer_value(v))
		add(res, "min_age", N_("You are younger than the minimum age for this call."),
		    N_("Ask the town hall's youth office (Informagiovani) about programmes for your age."),
		    (long)json_integer_value(v));
	if ((v = json_object_get(r, "max_age")) && a->age > json_integer_value(v))
		add(res, "max_age", N_("You are older than the maximum age for this call."),
		    N_("Ask the employment centre (Centro per l'impiego) about programmes for adults."),
		    (long)json_integer_value(v));
	if ((v = json_object_get(r, "statuses")) && a->status) {
		size_t i;
		json_t *s;
		int ok = 0;
		json_array_foreach(v, i, s)
			if (!strcmp(json_string_value(s), a->status))
				ok = 1;
		if (!ok)
			add(res, "statuses", N_("This call is not open to people in your situation."),
			    N_("Look for another call, or ask the town hall's staff which programmes fit you."), 0);
	}
	if ((v = json_object_get(r, "neet_max_age")) && a->status && !strcmp(a->status, "neet") &&
	    a->age > json_integer_value(v))
		add(res, "neet_max_age", N_("The NEET category is for people up to the age in this call."),
		    N_("If you are looking for work, choose \"unemployed\" or \"never employed\"."),
		    (long)json_integer_value(v));
	if ((v = json_object_get(r, "student_min_age")) && a->status && !strcmp(a->status, "student") &&
	    a->age >= 0 && a->age < json_integer_value(v))
		add(res, "student_min_age", N_("Students must have reached the minimum age in this call."),
		    N_("Ask your school about work-based learning (PCTO) instead."),
		    (long)json_integer_value(v));
	if ((v = json_object_get(r, "residence_region"))) {
		const struct comune *c = comune_by_istat(a->residence);
		if (!c || strcmp(c->region, json_string_value(v)))
			add(res, "residence_region", N_("You must live in the region of this call."),
			    N_("Ask the employment centre where you live about programmes in your region."), 0);
	}
	if ((v = json_object_get(r, "no_other_placement")) && json_is_true(v) && a->in_other_placement)
		add(res, "no_other_placement", N_("You cannot apply while you are already in a placement."),
		    N_("Apply again when your current placement has ended."), 0);
	res->eligible = res->nfails == 0;
	json_decref(r);
	return 0;
}

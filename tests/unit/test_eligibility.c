/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Eligibility rules from a call's JSON, and the site configuration file.
 */
#include "core/config.h"
#include "core/eligibility.h"
#include "core/util.h"
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

static const char RULES[] =
	"{\"min_age\":16,\"max_age\":64,\"statuses\":[\"unemployed\",\"never_employed\",\"student\",\"neet\"],"
	"\"neet_max_age\":29,\"student_min_age\":16,\"residence_region\":\"Lombardia\",\"no_other_placement\":true}";

static int fails(const struct eligibility_result *r, const char *rule)
{
	for (size_t i = 0; i < r->nfails; i++)
		if (!strcmp(r->fails[i].rule, rule))
			return 1;
	return 0;
}

int main(void)
{
	struct eligibility_result r;
	struct eligibility_answers a = { 22, "neet", "015146", 0 };
	char err[128];

	CHECK("eligible young NEET in Milano", eligibility_check(RULES, &a, &r) == 0 && r.eligible && r.nfails == 0);
	a.age = 15;
	CHECK("too young", eligibility_check(RULES, &a, &r) == 0 && !r.eligible && fails(&r, "min_age") && r.fails[0].limit == 16);
	CHECK("advice given", r.nfails && r.fails[0].advice && strlen(r.fails[0].advice) > 10);
	a.age = 31;
	CHECK("NEET over 29", eligibility_check(RULES, &a, &r) == 0 && !r.eligible && fails(&r, "neet_max_age"));
	a.status = "unemployed";
	CHECK("unemployed at 31 is fine", eligibility_check(RULES, &a, &r) == 0 && r.eligible);
	a.age = 70;
	CHECK("over max age", eligibility_check(RULES, &a, &r) == 0 && fails(&r, "max_age"));
	a.age = 40;
	a.residence = "058091";	/* Roma */
	CHECK("resident outside the region", eligibility_check(RULES, &a, &r) == 0 && fails(&r, "residence_region"));
	a.residence = "016024";	/* Bergamo */
	a.in_other_placement = 1;
	CHECK("already in a placement", eligibility_check(RULES, &a, &r) == 0 && fails(&r, "no_other_placement") && r.nfails == 1);
	a.in_other_placement = 0;
	CHECK("status not in the call", eligibility_check("{\"statuses\":[\"student\"]}", &a, &r) == 0 && fails(&r, "statuses"));
	CHECK("empty rules: everyone eligible", eligibility_check("{}", &a, &r) == 0 && r.eligible);
	a.age = 15; a.residence = "058091"; a.in_other_placement = 1; a.status = "neet";
	CHECK("several failures listed", eligibility_check(RULES, &a, &r) == 0 && r.nfails == 3);
	util_quiet(1);
	CHECK("rules must be JSON", eligibility_check("not json", &a, &r) == -1);
	util_quiet(0);
	CHECK("unknown rule rejected", eligibility_validate("{\"min_agee\":3}", err, sizeof(err)) == -1 && strstr(err, "min_agee"));
	CHECK("unknown status rejected", eligibility_validate("{\"statuses\":[\"retired\"]}", err, sizeof(err)) == -1);
	CHECK("age must be a number", eligibility_validate("{\"min_age\":\"16\"}", err, sizeof(err)) == -1);

	/* Configuration file. */
	static const struct config_entry schema[] = {
		{ "comune", "015146", "ISTAT code" },
		{ "idle_seconds", "90", "idle reset" },
		{ "admin_pin", "", "PIN" },
	};
	struct config cfg;
	char path[] = "/tmp/dote-conf-XXXXXX";
	int fd = mkstemp(path);
	const char *text = "# kiosk\ncomune = 016024\n\n  idle_seconds=120  \n";
	CHECK("config file", fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	config_init(&cfg, schema, 3);
	CHECK_STR("default", config_get(&cfg, "comune"), "015146");
	CHECK("load", config_load(&cfg, path, 0) == 0);
	CHECK_STR("value from file", config_get(&cfg, "comune"), "016024");
	CHECK_INT("integer with spaces", config_int(&cfg, "idle_seconds"), 120);
	CHECK_STR("untouched default", config_get(&cfg, "admin_pin"), "");
	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK("typo", write(fd, "idle_second = 5\n", 16) == 16);
	close(fd);
	util_quiet(1);
	CHECK("unknown key is an error", config_load(&cfg, path, 0) == -1);
	CHECK("missing file is an error", config_load(&cfg, "/nonexistent/kiosk.conf", 0) == -1);
	util_quiet(0);
	CHECK("missing optional file is fine", config_load(&cfg, "/nonexistent/kiosk.conf", 1) == 0);
	config_release(&cfg);
	unlink(path);
	return check_done();
}

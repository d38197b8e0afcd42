/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * The rules of a running placement (core/placement.h): end dates,
 * Italian public holidays, the hours a month expects, the allowance a
 * month earns with its figures, attendance from sign-in/out events, and
 * the kiosk-signed attendance event. The expected figures were worked
 * out independently (Python's datetime and the Gregorian computus) and
 * written here as numbers.
 */
#include "core/placement.h"
#include "core/receipt.h"
#include "core/util.h"
#include "tests/unit/check.h"

#include <sodium.h>
#include <stdlib.h>
#include <time.h>

static long D(const char *ymd)
{
	return cal_parse(ymd);
}

static void test_calendar(void)
{
	int y, m, d, ok = 1;
	char buf[16];
	CHECK_INT("cal epoch", cal_day(1970, 1, 1), 0);
	CHECK_INT("cal 2026-01-01 is a Thursday", cal_weekday(D("2026-01-01")), 3);
	CHECK_INT("cal 2026-11-01 is a Sunday", cal_weekday(D("2026-11-01")), 6);
	for (long day = cal_day(1999, 12, 1); day < cal_day(2031, 3, 1); day++) {
		cal_ymd(day, &y, &m, &d);
		if (cal_day(y, m, d) != day)
			ok = 0;
	}
	CHECK("cal day numbers round trip 1999-2031", ok);
	cal_format(D("2028-02-29"), buf, sizeof(buf));
	CHECK_STR("cal format leap day", buf, "2028-02-29");
	CHECK_INT("cal refuses 2027-02-29", cal_parse("2027-02-29"), -1);
	cal_easter(2026, &m, &d);
	CHECK("easter 2026 is 5 April", m == 4 && d == 5);
	cal_easter(2027, &m, &d);
	CHECK("easter 2027 is 28 March", m == 3 && d == 28);
	cal_easter(2025, &m, &d);
	CHECK("easter 2025 is 20 April", m == 4 && d == 20);
	CHECK_INT("easter monday 2026 is a holiday", cal_is_holiday(D("2026-04-06")), 1);
	CHECK_INT("the tuesday after is not", cal_is_holiday(D("2026-04-07")), 0);
	CHECK_INT("2 June is a holiday", cal_is_holiday(D("2026-06-02")), 1);
	CHECK_INT("8 December is a holiday", cal_is_holiday(D("2026-12-08")), 1);
	CHECK_INT("4 October 2027 is a holiday (law 151/2025)", cal_is_holiday(D("2027-10-04")), 1);
	CHECK_INT("4 October 2025 was not", cal_is_holiday(D("2025-10-04")), 0);
	CHECK_INT("a saturday is not a working day", cal_is_working_day(D("2026-12-05")), 0);
	CHECK_INT("a monday is", cal_is_working_day(D("2026-12-07")), 1);
}

static void end_is(const char *name, const char *start, int months, int susp, const char *want)
{
	char end[16] = "";
	int rc = placement_end_date(start, months, susp, end, sizeof(end));
	CHECK_STR(name, rc ? "(error)" : end, want);
}

static void test_end_date(void)
{
	end_is("end 3 months from 15 Jan", "2026-01-15", 3, 0, "2026-04-14");
	end_is("end 1 month from 31 Jan", "2026-01-31", 1, 0, "2026-02-28");
	end_is("end 1 month from 31 Jan leap year", "2028-01-31", 1, 0, "2028-02-29");
	end_is("end 3 months from 30 Nov", "2026-11-30", 3, 0, "2027-02-28");
	end_is("end 12 months from 1 Mar", "2026-03-01", 12, 0, "2027-02-28");
	end_is("end 6 months from 16 Nov", "2026-11-16", 6, 0, "2027-05-15");
	end_is("end extended by 7 days of suspension", "2026-01-15", 3, 7, "2026-04-21");
	util_quiet(1);
	end_is("end refuses 0 months", "2026-01-15", 0, 0, "(error)");
	end_is("end refuses a bad date", "2026-02-30", 3, 0, "(error)");
	util_quiet(0);
}

static void test_expected(void)
{
	struct month_expected e;
	long start = D("2026-11-16"), end = D("2027-02-15");
	struct day_range susp = { D("2026-12-14"), D("2026-12-18") };
	CHECK_INT("expected nov 2026 (first, partial)",
		  placement_month_expected(start, end, 20 * 60, 2026, 11, NULL, 0, &e), 0);
	CHECK_INT("nov 2026 working days", e.working_days, 21);
	CHECK_INT("nov 2026 placement days from the 16th", e.placement_days, 11);
	CHECK_INT("nov 2026 expected minutes 11 x 4h", e.expected_minutes, 11 * 240);
	placement_month_expected(start, end, 20 * 60, 2026, 12, NULL, 0, &e);
	CHECK_INT("dec 2026 working days (8, 25 Dec holidays)", e.working_days, 21);
	CHECK_INT("dec 2026 expected 21 x 4h", e.expected_minutes, 21 * 240);
	placement_month_expected(start, end, 25 * 60, 2027, 1, NULL, 0, &e);
	CHECK_INT("jan 2027 at 25h a week: 19 days x 5h", e.expected_minutes, 19 * 300);
	placement_month_expected(start, end, 20 * 60, 2027, 2, NULL, 0, &e);
	CHECK_INT("feb 2027 (last, to the 15th)", e.placement_days, 11);
	placement_month_expected(start, end, 20 * 60, 2026, 12, &susp, 1, &e);
	CHECK_INT("dec 2026 suspension 14-18 takes 5 days", e.suspended_days, 5);
	CHECK_INT("dec 2026 with suspension expects 16 days", e.expected_minutes, 16 * 240);
	placement_month_expected(start, end, 20 * 60, 2027, 4, NULL, 0, &e);
	CHECK_INT("a month after the end expects nothing", e.expected_minutes, 0);
	CHECK_INT("expected refuses month 13",
		  placement_month_expected(start, end, 1200, 2026, 13, NULL, 0, &e), -1);
}

static void test_allowance(void)
{
	struct allowance_rule r, nothing, floor;
	struct month_expected nov, dec, decs, apr;
	struct allowance_month a;
	long start = D("2026-11-16"), end = D("2027-02-15");
	struct day_range susp = { D("2026-12-14"), D("2026-12-18") };
	char why[256];

	allowance_rule_default(&r);
	CHECK("default rule 400 EUR, 80%, proportional, no floor",
	      r.amount_cents == 40000 && r.threshold_pct == 80 && r.below == ALLOWANCE_PROPORTIONAL &&
	      r.floor_pct == 0);
	nothing = r;
	nothing.below = ALLOWANCE_NOTHING;
	floor = r;
	floor.floor_pct = 50;
	placement_month_expected(start, end, 1200, 2026, 11, NULL, 0, &nov);
	placement_month_expected(start, end, 1200, 2026, 12, NULL, 0, &dec);
	placement_month_expected(start, end, 1200, 2026, 12, &susp, 1, &decs);
	placement_month_expected(start, end, 1200, 2027, 4, NULL, 0, &apr);

	allowance_compute(&r, &nov, 11 * 240, &a);
	CHECK_INT("partial first month: base 400 x 11/21", a.base_cents, 20952);
	CHECK_INT("partial first month fully attended: all of it", a.due_cents, 20952);
	CHECK_INT("why full", a.why, ALLOWANCE_FULL);

	allowance_compute(&r, &dec, 3780, &a);
	CHECK_INT("75% attendance rate", a.rate_permille, 750);
	CHECK_INT("75% proportional: 300 EUR", a.due_cents, 30000);
	CHECK_INT("why reduced", a.why, ALLOWANCE_REDUCED);
	CHECK_INT("explain fits", allowance_explain(&r, &a, why, sizeof(why)), 0);
	CHECK("explain has the rate, threshold and amount",
	      strstr(why, "75,0%") && strstr(why, "80%") && strstr(why, "300,00"));

	allowance_compute(&r, &dec, 4032, &a);
	CHECK_INT("exactly 80%: the whole amount", a.due_cents, 40000);
	allowance_compute(&r, &dec, 4031, &a);
	CHECK_INT("one minute under 80%: 400 x 4031/5040", a.due_cents, 31992);
	CHECK_INT("one minute under 80%: rate 79.9", a.rate_permille, 799);
	allowance_compute(&r, &dec, 6000, &a);
	CHECK_INT("more than expected is never more than the amount", a.due_cents, 40000);

	allowance_compute(&nothing, &dec, 3780, &a);
	CHECK_INT("rule 'nothing' below the threshold", a.due_cents, 0);
	CHECK_INT("why below threshold", a.why, ALLOWANCE_BELOW_THRESHOLD);

	allowance_compute(&floor, &dec, 2000, &a);
	CHECK_INT("below the 50% floor: nothing", a.due_cents, 0);
	CHECK_INT("why below floor", a.why, ALLOWANCE_BELOW_FLOOR);
	allowance_compute(&floor, &dec, 2520, &a);
	CHECK_INT("exactly at the floor: proportional", a.due_cents, 20000);

	allowance_compute(&r, &decs, 16 * 240, &a);
	CHECK_INT("suspension unpaid: base 400 x 16/21", a.base_cents, 30476);
	CHECK_INT("suspension month fully attended otherwise", a.due_cents, 30476);

	allowance_compute(&r, &apr, 0, &a);
	CHECK_INT("nothing due outside the placement", a.due_cents, 0);
	CHECK_INT("why nothing due", a.why, ALLOWANCE_NOTHING_DUE);

	{
		struct allowance_rule p;
		CHECK_INT("rule parse",
			  allowance_rule_parse("{\"amount\": 412.5, \"threshold\": 75, \"below\": \"nothing\"}", &p), 0);
		CHECK("rule parsed 412,50 EUR 75% nothing",
		      p.amount_cents == 41250 && p.threshold_pct == 75 && p.below == ALLOWANCE_NOTHING);
		CHECK_INT("rule empty gives defaults", allowance_rule_parse("", &p) || p.amount_cents != 40000, 0);
		util_quiet(1);
		CHECK_INT("rule refuses threshold 120", allowance_rule_parse("{\"threshold\":120}", &p), -1);
		CHECK_INT("rule refuses below 'maybe'", allowance_rule_parse("{\"below\":\"maybe\"}", &p), -1);
		CHECK_INT("rule refuses floor above threshold", allowance_rule_parse("{\"floor\":90}", &p), -1);
		CHECK_INT("rule refuses bad JSON", allowance_rule_parse("{", &p), -1);
		util_quiet(0);
	}
	{
		char c[32];
		cents_format(41250, c, sizeof(c));
		CHECK_STR("cents 412,50", c, "412,50");
		cents_format(5, c, sizeof(c));
		CHECK_STR("cents 0,05", c, "0,05");
	}
}

static void test_attendance(void)
{
	/* December in Rome is UTC+1; times below are UTC. Unsorted on purpose. */
	struct attendance_event ev[] = {
		{ 1796126400, ATTENDANCE_OUT },	/* 1 Dec 13:00 */
		{ 1796112000, ATTENDANCE_IN },	/* 1 Dec 09:00 */
		{ 1796198400, ATTENDANCE_IN },	/* 2 Dec 09:00, never signed out */
		{ 1796284800, ATTENDANCE_IN },	/* 3 Dec 09:00 */
		{ 1796292000, ATTENDANCE_OUT },	/* 3 Dec 11:00 */
		{ 1796302800, ATTENDANCE_IN },	/* 3 Dec 14:00 */
		{ 1796311800, ATTENDANCE_OUT },	/* 3 Dec 16:30 */
		{ 1796385600, ATTENDANCE_OUT },	/* 4 Dec 13:00, no sign-in */
		{ 1796509800, ATTENDANCE_IN },	/* 5 Dec 23:30 */
		{ 1796513400, ATTENDANCE_OUT },	/* 6 Dec 00:30: across midnight */
	};
	struct attendance_day days[8];
	struct attendance_event last;
	int n = attendance_days(ev, ARRAY_SIZE(ev), days, ARRAY_SIZE(days));
	CHECK_INT("attendance: 6 days", n, 6);
	if (n != 6)
		return;
	CHECK_STR("day 1 date", days[0].date, "2026-12-01");
	CHECK_INT("day 1: 4 hours", days[0].minutes, 240);
	CHECK("day 2: missing sign-out, no minutes", days[1].missing_out == 1 && days[1].minutes == 0);
	CHECK("day 3: two sessions, 4h30", days[2].sessions == 2 && days[2].minutes == 270);
	CHECK("day 4: a sign-out with no sign-in", days[3].orphan_out == 1 && days[3].minutes == 0);
	CHECK("day 5: open at midnight is a missing sign-out", days[4].missing_out == 1);
	CHECK("day 6: the sign-out after midnight is an orphan", days[5].orphan_out == 1);
	CHECK_INT("attendance: max too small", attendance_days(ev, ARRAY_SIZE(ev), days, 2), -1);

	last.at = 1796112000;	/* 1 Dec 09:00 in */
	last.kind = ATTENDANCE_IN;
	CHECK_INT("no event yet: a sign-in", attendance_next_kind(NULL, 1796112000), ATTENDANCE_IN);
	CHECK_INT("a second scan within a minute: refused", attendance_next_kind(&last, 1796112030), 0);
	CHECK_INT("later the same day: a sign-out", attendance_next_kind(&last, 1796126400), ATTENDANCE_OUT);
	CHECK_INT("the next day: a sign-in", attendance_next_kind(&last, 1796198400), ATTENDANCE_IN);
	last.kind = ATTENDANCE_OUT;
	CHECK_INT("after a sign-out: a sign-in", attendance_next_kind(&last, 1796126400), ATTENDANCE_IN);
}

struct ring {
	const char *id[2];
	unsigned char pk[2][32];
};

static int ring_lookup(void *ctx, const char *kiosk_id, unsigned char pk[32], int *revoked)
{
	struct ring *r = ctx;
	for (int i = 0; i < 2; i++)
		if (!strcmp(r->id[i], kiosk_id)) {
			memcpy(pk, r->pk[i], 32);
			*revoked = 0;
			return 0;
		}
	return 1;
}

static void test_signed_event(void)
{
	unsigned char sk[2][64];
	struct ring ring = { { "K03", "K07" }, { { 0 } } };
	struct attendance_signed f = { "K03", "015146", 12, 1796112000, ATTENDANCE_IN, "RSSMRA85T10A562S" }, g;
	char tok[ATTENDANCE_TOKEN_MAX], bad[ATTENDANCE_TOKEN_MAX];
	crypto_sign_keypair(ring.pk[0], sk[0]);
	crypto_sign_keypair(ring.pk[1], sk[1]);

	CHECK_INT("sign an event", attendance_sign(&f, sk[0], tok, sizeof(tok)), 0);
	CHECK_INT("verify it", attendance_verify(tok, ring_lookup, &ring, &g), RECEIPT_OK);
	CHECK("fields come back", !strcmp(g.kiosk_id, "K03") && !strcmp(g.comune, "015146") && g.seq == 12 &&
	      g.at == 1796112000 && g.kind == ATTENDANCE_IN && !strcmp(g.cf, "RSSMRA85T10A562S"));
	str_copy(bad, sizeof(bad), tok);
	bad[30] = bad[30] == 'A' ? 'B' : 'A';
	CHECK("an altered event fails", attendance_verify(bad, ring_lookup, &ring, NULL) != RECEIPT_OK);
	attendance_sign(&f, sk[1], tok, sizeof(tok));
	CHECK_INT("signed by another kiosk's key: bad signature",
		  attendance_verify(tok, ring_lookup, &ring, NULL), RECEIPT_BAD_SIGNATURE);
	str_copy(f.kiosk_id, sizeof(f.kiosk_id), "K99");
	attendance_sign(&f, sk[0], tok, sizeof(tok));
	CHECK_INT("unknown kiosk", attendance_verify(tok, ring_lookup, &ring, NULL), RECEIPT_UNKNOWN_KEY);
	util_quiet(1);
	str_copy(f.cf, sizeof(f.cf), "RSSMRA85T10A56");
	CHECK_INT("a short codice fiscale is refused", attendance_sign(&f, sk[0], tok, sizeof(tok)), -1);
	util_quiet(0);
	{
		struct receipt_fields rf = { 1, "K03", "015146", 2026, 5, "", "0190a3c4-1234-7abc-8def-0123456789ab",
					     "DC-P01", 1796112000, "" };
		CHECK_INT("sign a receipt", receipt_sign(&rf, sk[0], tok, sizeof(tok)), 0);
		CHECK_INT("a receipt is not an attendance event",
			  attendance_verify(tok, ring_lookup, &ring, NULL), RECEIPT_MALFORMED);
		str_copy(f.cf, sizeof(f.cf), "RSSMRA85T10A562S");
		str_copy(f.kiosk_id, sizeof(f.kiosk_id), "K03");
		attendance_sign(&f, sk[0], tok, sizeof(tok));
		CHECK_INT("an attendance event is not a receipt",
			  receipt_verify(tok, ring_lookup, &ring, NULL), RECEIPT_MALFORMED);
	}
}

int main(void)
{
	setenv("TZ", "Europe/Rome", 1);
	tzset();
	if (sodium_init() < 0)
		return 1;
	test_calendar();
	test_end_date();
	test_expected();
	test_allowance();
	test_attendance();
	test_signed_event();
	return check_done();
}

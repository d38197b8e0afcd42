/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A running placement's rules, as pure functions: its calendar (end date,
 * working days, Italian public holidays), the hours expected in a month,
 * the allowance a month earns under the call's rule with every figure
 * that justifies it, the attendance worked out from sign-in and sign-out
 * events, and the attendance event the kiosk signs like a receipt.
 *
 * Nothing here reads a database or the clock: the hub, the office pages,
 * `dote allowance` and the kiosk all call the same functions, so the
 * amount on the coordinators' page, in the CSV and on the command line
 * cannot differ. Minutes and euro cents are integers throughout; no
 * floating point decides a payment.
 *
 * Start reading at allowance_compute().
 */
#ifndef DOTE_PLACEMENT_H
#define DOTE_PLACEMENT_H
#include "core/receipt.h"

#include <stddef.h>
#include <stdint.h>

/* ---- calendar ---------------------------------------------------------- */

/* Days since 1970-01-01 of a (proleptic Gregorian) date; no checks. */
long cal_day(int y, int m, int d);
/* The date of a day number. */
void cal_ymd(long day, int *y, int *m, int *d);
/* Parses "YYYY-MM-DD" into a day number; -1 when it is not a real date
 * (date_parse()'s rules). */
long cal_parse(const char *ymd);
/* "YYYY-MM-DD" of a day number into buf (>= 11 bytes). */
void cal_format(long day, char *buf, size_t size);
/* 0 = Monday ... 6 = Sunday. */
int cal_weekday(long day);
/* Easter Sunday of year y (Gregorian computus) into *m, *d. */
void cal_easter(int y, int *m, int *d);
/* 1 when the day is a national public holiday in Italy: 1 January,
 * 6 January, Easter Monday, 25 April, 1 May, 2 June, 15 August,
 * 4 October (from 2026, law 151/2025), 1 November, 8 December,
 * 25 and 26 December. A comune's patron saint is not included. */
int cal_is_holiday(long day);
/* 1 on Monday to Friday when not a public holiday. */
int cal_is_working_day(long day);

/* ---- the placement's dates and expected hours -------------------------- */

/* Highest number of suspension periods a month computation takes. */
enum { PLACEMENT_SUSPENSIONS_MAX = 16 };

/* A closed range of days [from, to] (day numbers). */
struct day_range {
	long from, to;
};

/* The last day of a placement that starts on start ("YYYY-MM-DD") and
 * runs months months: the day before the same day of the month months
 * later (when that day does not exist, e.g. 31 February, the last day of
 * that month), then moved later by suspension_days calendar days, since
 * a suspension extends the placement by its length. Writes "YYYY-MM-DD"
 * into end. Returns 0, or -1 on a bad date, months outside 1..36 or a
 * negative suspension. */
int placement_end_date(const char *start, int months, int suspension_days, char *end,
		       size_t size);

/* What a month of a placement asks of the trainee. */
struct month_expected {
	int year, month;
	int working_days;	/* Monday-Friday, not holidays, in the whole month */
	int placement_days;	/* of those, the ones inside [start, end] */
	int suspended_days;	/* of those, the ones inside a suspension */
	int due_days;		/* placement_days - suspended_days */
	int daily_minutes;	/* weekly minutes / 5 */
	int expected_minutes;	/* due_days * daily_minutes */
};

/* Fills *e for month (year, month) of a placement running from start to
 * end (day numbers, end already extended) at weekly_minutes a week (20
 * hours: 1200), over five days a week. A first or last month the
 * placement covers only in part expects only its own working days (pro
 * rata); working days inside one of the n suspensions expect nothing.
 * Returns 0, or -1 on a bad month or weekly_minutes outside 1..3000. */
int placement_month_expected(long start, long end, int weekly_minutes, int year, int month,
			     const struct day_range *suspensions, size_t n,
			     struct month_expected *e);

/* ---- the allowance ----------------------------------------------------- */

/* What is paid below the threshold. */
enum allowance_below {
	ALLOWANCE_PROPORTIONAL = 0,	/* the amount times the attendance rate */
	ALLOWANCE_NOTHING = 1,		/* nothing */
};

/* A call's allowance rule. Defaults (allowance_rule_default()): 400 EUR,
 * 80%, proportional below it, no floor. */
struct allowance_rule {
	long amount_cents;		/* a whole month at full attendance */
	int threshold_pct;		/* at or above it the whole amount is due */
	enum allowance_below below;
	int floor_pct;			/* below this attendance nothing is due (0: none) */
};

void allowance_rule_default(struct allowance_rule *r);
/* Reads the rule from a call's JSON object {"amount": 400 (EUR, may have
 * cents: 412.50), "threshold": 80, "below": "proportional"|"nothing",
 * "floor": 50}; missing keys keep the defaults; json NULL or "" gives
 * the defaults. Returns 0, or -1 (with the error said) on bad JSON or a
 * value out of range (amount 0..10000 EUR, percentages 0..100, floor not
 * above threshold). */
int allowance_rule_parse(const char *json, struct allowance_rule *r);

/* Why a month's allowance is what it is. */
enum allowance_why {
	ALLOWANCE_FULL = 0,		/* attendance at or above the threshold */
	ALLOWANCE_REDUCED,		/* below the threshold, paid in proportion */
	ALLOWANCE_BELOW_THRESHOLD,	/* below the threshold, rule: nothing */
	ALLOWANCE_BELOW_FLOOR,		/* below the floor */
	ALLOWANCE_NOTHING_DUE,		/* no working day due (outside, or all suspended) */
};

/* A month's allowance and the figures that justify it. */
struct allowance_month {
	struct month_expected exp;
	int attended_minutes;
	int rate_permille;		/* attended / expected, rounded down (may exceed 1000) */
	long base_cents;		/* amount * due_days / working_days, rounded half up */
	long due_cents;			/* what is paid */
	enum allowance_why why;
};

/* The allowance of a month: the base is the rule's amount in proportion
 * to the working days due (a partial month or a suspension pays only its
 * own days; a whole month pays the whole amount); at or above the
 * threshold the whole base is due; below it, under the floor nothing,
 * else base * attended / expected (rounded half up, never above the
 * base) or nothing, as the rule says. Exact integer comparisons:
 * attended * 100 >= threshold * expected. Returns 0, or -1 when a
 * figure is negative. */
int allowance_compute(const struct allowance_rule *rule, const struct month_expected *e,
		      int attended_minutes, struct allowance_month *out);
/* One Italian sentence for the coordinators and the CSV: e.g.
 * "presenza 75,0% sotto la soglia dell'80%: 300,00 EUR su 400,00 in
 * proporzione". Returns 0, or -1 if it did not fit. */
int allowance_explain(const struct allowance_rule *rule, const struct allowance_month *a,
		      char *buf, size_t size);
/* "412,50" (Italian decimal comma, no thousands separator). */
void cents_format(long cents, char *buf, size_t size);

/* ---- attendance from sign-in and sign-out events ------------------------ */

enum attendance_kind {
	ATTENDANCE_IN = 1,
	ATTENDANCE_OUT = 2,
};

struct attendance_event {
	int64_t at;		/* epoch seconds */
	int kind;		/* enum attendance_kind */
};

/* One local day of a trainee's attendance. */
struct attendance_day {
	char date[11];		/* local date, "YYYY-MM-DD" */
	int minutes;		/* sum of the closed sign-in/sign-out pairs */
	int sessions;		/* closed pairs */
	int missing_out;	/* sign-ins never followed by a sign-out that day */
	int orphan_out;		/* sign-outs with no sign-in before them that day */
	int64_t first_in, last_out;	/* 0 when none */
};

/* Works out the days from n events (sorted here by time, in place).
 * Days are local calendar days (TZ); a pair never crosses midnight: a
 * sign-in still open at the end of its day is a missing sign-out, which
 * counts no minutes until the tutor fixes it. Writes at most max days,
 * in date order. Returns the number of days, or -1 when max is too
 * small or an event has an unknown kind. */
int attendance_days(struct attendance_event *ev, size_t n, struct attendance_day *days,
		    size_t max);

/* What a new scan at time now means, given the trainee's latest event
 * (last may be NULL: none). Returns ATTENDANCE_IN or ATTENDANCE_OUT:
 * a sign-out when the latest event is a sign-in of the same local day,
 * else a sign-in; or 0 when the latest event is less than
 * ATTENDANCE_REPEAT_SECONDS old (a second scan of the same card). */
enum { ATTENDANCE_REPEAT_SECONDS = 60 };
int attendance_next_kind(const struct attendance_event *last, int64_t now);

/* ---- the signed attendance event --------------------------------------- */

/* The event the kiosk commits and sends: signed with the kiosk's Ed25519
 * key like a receipt (the same key, the same lookup), in base32. Layout
 * (integers big-endian):
 *
 *   u8  version (0x41, 'A': never a receipt's version, so neither token
 *       can pass for the other)
 *   u8  kiosk id length, then the id
 *   u24 comune ISTAT code as a number
 *   u32 per-kiosk attendance sequence
 *   u32 time (epoch seconds)
 *   u8  kind (1 in, 2 out)
 *   16  codice fiscale (upper case)
 *   64  Ed25519 signature of everything before it
 */
enum { ATTENDANCE_TOKEN_VERSION = 0x41, ATTENDANCE_TOKEN_MAX = 256 };

struct attendance_signed {
	char kiosk_id[16];
	char comune[7];
	int64_t seq;
	int64_t at;
	int kind;
	char cf[17];
};

/* Signs f with the kiosk's secret key into token (NUL-terminated;
 * ATTENDANCE_TOKEN_MAX is enough). Returns 0, or -1 when a field is out
 * of range (the codice fiscale must be 16 letters and digits). */
int attendance_sign(const struct attendance_signed *f, const unsigned char sk[64], char *token,
		    size_t size);
/* Checks a token against the kiosk's key found by lookup (as for
 * receipts: receipt_lookup_db on a hub or kiosk database). On RECEIPT_OK
 * fills *f (may be NULL); otherwise *f holds nothing to trust. */
enum receipt_result attendance_verify(const char *token, receipt_key_lookup lookup, void *ctx,
				      struct attendance_signed *f);
#endif

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A running placement's rules: calendar, expected hours, allowance,
 * attendance and the signed attendance event. Contracts in placement.h;
 * start reading at allowance_compute().
 */
#include "core/placement.h"
#include "core/base32.h"
#include "core/datetime.h"
#include "core/util.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- calendar ---------------------------------------------------------- */

/* Howard Hinnant's days_from_civil / civil_from_days. */
long cal_day(int y, int m, int d)
{
	long yy = y - (m <= 2);
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long yoe = yy - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void cal_ymd(long day, int *y, int *m, int *d)
{
	long z = day + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

long cal_parse(const char *ymd)
{
	int y, m, d;
	if (date_parse(ymd, &y, &m, &d))
		return -1;
	return cal_day(y, m, d);
}

void cal_format(long day, char *buf, size_t size)
{
	int y, m, d;
	cal_ymd(day, &y, &m, &d);
	snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}

int cal_weekday(long day)
{
	/* 1970-01-01 was a Thursday (3). */
	long w = (day + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

void cal_easter(int y, int *m, int *d)
{
	/* The anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
	int a = y % 19, b = y / 100, c = y % 100, e = b % 4, f = (b + 8) / 25;
	int g = (b - f + 1) / 3, h = (19 * a + b - b / 4 - g + 15) % 30;
	int l = (32 + 2 * e + 2 * (c / 4) - h - c % 4) % 7;
	int mm = (a + 11 * h + 22 * l) / 451;
	*m = (h + l - 7 * mm + 114) / 31;
	*d = (h + l - 7 * mm + 114) % 31 + 1;
}

int cal_is_holiday(long day)
{
	static const struct { int m, d; } fixed[] = {
		{ 1, 1 }, { 1, 6 }, { 4, 25 }, { 5, 1 }, { 6, 2 }, { 8, 15 },
		{ 11, 1 }, { 12, 8 }, { 12, 25 }, { 12, 26 },
	};
	int y, m, d, em, ed;
	cal_ymd(day, &y, &m, &d);
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		if (fixed[i].m == m && fixed[i].d == d)
			return 1;
	/* San Francesco, a national holiday again from 2026 (law 151/2025). */
	if (y >= 2026 && m == 10 && d == 4)
		return 1;
	cal_easter(y, &em, &ed);
	return day == cal_day(y, em, ed) + 1;
}

int cal_is_working_day(long day)
{
	return cal_weekday(day) < 5 && !cal_is_holiday(day);
}

/* ---- the placement's dates and expected hours -------------------------- */

int placement_end_date(const char *start, int months, int suspension_days, char *end,
		       size_t size)
{
	int y, m, d;
	long anniversary;
	if (date_parse(start, &y, &m, &d))
		return error("placement: bad start date '%s'", start ? start : "");
	if (months < 1 || months > 36 || suspension_days < 0 || suspension_days > 3660)
		return error("placement: %d months, %d suspension days", months, suspension_days);
	m += months;
	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	/* 31 January + 1 month: no 31 February, so the anniversary is
	 * 1 March and the placement ends on the last day of February. */
	if (d > days_in_month(y, m))
		anniversary = cal_day(y, m, days_in_month(y, m)) + 1;
	else
		anniversary = cal_day(y, m, d);
	if (size < 11)
		return -1;
	cal_format(anniversary - 1 + suspension_days, end, size);
	return 0;
}

static int in_any(long day, const struct day_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (day >= r[i].from && day <= r[i].to)
			return 1;
	return 0;
}

int placement_month_expected(long start, long end, int weekly_minutes, int year, int month,
			     const struct day_range *suspensions, size_t n,
			     struct month_expected *e)
{
	long first, last;
	memset(e, 0, sizeof(*e));
	if (month < 1 || month > 12 || year < 1900 || year > 2200 || weekly_minutes < 1 ||
	    weekly_minutes > 3000)
		return -1;
	e->year = year;
	e->month = month;
	e->daily_minutes = weekly_minutes / 5;
	first = cal_day(year, month, 1);
	last = first + days_in_month(year, month) - 1;
	for (long day = first; day <= last; day++) {
		if (!cal_is_working_day(day))
			continue;
		e->working_days++;
		if (day < start || day > end)
			continue;
		e->placement_days++;
		if (in_any(day, suspensions, n))
			e->suspended_days++;
	}
	e->due_days = e->placement_days - e->suspended_days;
	e->expected_minutes = e->due_days * e->daily_minutes;
	return 0;
}

/* ---- the allowance ----------------------------------------------------- */

void allowance_rule_default(struct allowance_rule *r)
{
	r->amount_cents = 40000;
	r->threshold_pct = 80;
	r->below = ALLOWANCE_PROPORTIONAL;
	r->floor_pct = 0;
}

static int pct_get(json_t *o, const char *key, int *out)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 100)
		return error("allowance rule: '%s' must be a whole percentage 0..100", key);
	*out = (int)json_integer_value(v);
	return 0;
}

int allowance_rule_parse(const char *json, struct allowance_rule *r)
{
	json_error_t jerr;
	json_t *o = NULL, *v;
	int rc = -1;
	allowance_rule_default(r);
	if (!json || !*json)
		return 0;
	o = json_loads(json, 0, &jerr);
	if (!o || !json_is_object(o)) {
		error("allowance rule: not a JSON object (%s)", jerr.text);
		goto out;
	}
	if ((v = json_object_get(o, "amount"))) {
		double eur = json_number_value(v);
		if (!json_is_number(v) || eur < 0 || eur > 10000) {
			error("allowance rule: 'amount' must be 0..10000 EUR");
			goto out;
		}
		r->amount_cents = lround(eur * 100);
	}
	if (pct_get(o, "threshold", &r->threshold_pct) || pct_get(o, "floor", &r->floor_pct))
		goto out;
	if ((v = json_object_get(o, "below"))) {
		const char *s = json_string_value(v);
		if (s && !strcmp(s, "proportional"))
			r->below = ALLOWANCE_PROPORTIONAL;
		else if (s && !strcmp(s, "nothing"))
			r->below = ALLOWANCE_NOTHING;
		else {
			error("allowance rule: 'below' must be \"proportional\" or \"nothing\"");
			goto out;
		}
	}
	if (r->floor_pct > r->threshold_pct) {
		error("allowance rule: the floor (%d%%) is above the threshold (%d%%)", r->floor_pct,
		      r->threshold_pct);
		goto out;
	}
	rc = 0;
out:
	json_decref(o);
	if (rc)
		allowance_rule_default(r);
	return rc;
}

/* a * b / c rounded half up, for non-negative figures. */
static long muldiv(long a, long b, long c)
{
	return (long)(((long long)a * b * 2 + c) / ((long long)c * 2));
}

int allowance_compute(const struct allowance_rule *rule, const struct month_expected *e,
		      int attended_minutes, struct allowance_month *a)
{
	long long att = attended_minutes, exp = e->expected_minutes;
	memset(a, 0, sizeof(*a));
	a->exp = *e;
	a->attended_minutes = attended_minutes;
	if (attended_minutes < 0 || e->expected_minutes < 0 || e->due_days < 0 ||
	    rule->amount_cents < 0)
		return -1;
	if (e->due_days == 0 || e->expected_minutes == 0 || e->working_days == 0) {
		a->why = ALLOWANCE_NOTHING_DUE;
		return 0;
	}
	a->rate_permille = (int)(att * 1000 / exp);
	a->base_cents = muldiv(rule->amount_cents, e->due_days, e->working_days);
	if (att * 100 >= (long long)rule->threshold_pct * exp) {
		a->why = ALLOWANCE_FULL;
		a->due_cents = a->base_cents;
	} else if (att * 100 < (long long)rule->floor_pct * exp) {
		a->why = ALLOWANCE_BELOW_FLOOR;
	} else if (rule->below == ALLOWANCE_NOTHING) {
		a->why = ALLOWANCE_BELOW_THRESHOLD;
	} else {
		a->why = ALLOWANCE_REDUCED;
		a->due_cents = muldiv(a->base_cents, (long)att, (long)exp);
		if (a->due_cents > a->base_cents)
			a->due_cents = a->base_cents;
	}
	return 0;
}

void cents_format(long cents, char *buf, size_t size)
{
	const char *sign = cents < 0 ? "-" : "";
	long v = cents < 0 ? -cents : cents;
	snprintf(buf, size, "%s%ld,%02ld", sign, v / 100, v % 100);
}

int allowance_explain(const struct allowance_rule *rule, const struct allowance_month *a,
		      char *buf, size_t size)
{
	char due[32], base[32], head[160];
	cents_format(a->due_cents, due, sizeof(due));
	cents_format(a->base_cents, base, sizeof(base));
	if (a->why == ALLOWANCE_NOTHING_DUE)
		return str_fmt(buf, size, "nessun giorno lavorativo dovuto nel mese (%d sospesi): nulla da pagare",
			       a->exp.suspended_days) < 0 ? -1 : 0;
	if (str_fmt(head, sizeof(head), "presenza %d,%d%% (%dh%02d su %dh%02d)",
		    a->rate_permille / 10, a->rate_permille % 10, a->attended_minutes / 60,
		    a->attended_minutes % 60, a->exp.expected_minutes / 60,
		    a->exp.expected_minutes % 60) < 0)
		return -1;
	switch (a->why) {
	case ALLOWANCE_FULL:
		return str_fmt(buf, size, "%s, soglia (%d%%) raggiunta: %s EUR (%d giorni su %d)", head,
			       rule->threshold_pct, due, a->exp.due_days, a->exp.working_days) < 0 ? -1 : 0;
	case ALLOWANCE_REDUCED:
		return str_fmt(buf, size, "%s sotto la soglia (%d%%): %s EUR su %s in proporzione", head,
			       rule->threshold_pct, due, base) < 0 ? -1 : 0;
	case ALLOWANCE_BELOW_THRESHOLD:
		return str_fmt(buf, size, "%s sotto la soglia (%d%%): nulla per regola del bando", head,
			       rule->threshold_pct) < 0 ? -1 : 0;
	case ALLOWANCE_BELOW_FLOOR:
		return str_fmt(buf, size, "%s sotto il minimo del %d%%: nulla da pagare", head,
			       rule->floor_pct) < 0 ? -1 : 0;
	case ALLOWANCE_NOTHING_DUE:
		break;
	}
	return -1;
}

/* ---- attendance -------------------------------------------------------- */

static int event_cmp(const void *x, const void *y)
{
	const struct attendance_event *a = x, *b = y;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return a->kind - b->kind;
}

static void local_date(int64_t at, char *buf, size_t size)
{
	time_date((time_t)at, buf, size);
}

int attendance_days(struct attendance_event *ev, size_t n, struct attendance_day *days,
		    size_t max)
{
	size_t nd = 0;
	struct attendance_day *cur = NULL;
	int64_t open = 0;	/* time of the open sign-in of cur's day, 0 none */
	char date[11];
	for (size_t i = 0; i < n; i++)
		if (ev[i].kind != ATTENDANCE_IN && ev[i].kind != ATTENDANCE_OUT)
			return error("attendance: unknown event kind %d", ev[i].kind);
	qsort(ev, n, sizeof(*ev), event_cmp);
	for (size_t i = 0; i < n; i++) {
		local_date(ev[i].at, date, sizeof(date));
		if (!cur || strcmp(cur->date, date)) {
			if (cur && open)
				cur->missing_out++;
			if (nd >= max)
				return -1;
			cur = &days[nd++];
			memset(cur, 0, sizeof(*cur));
			str_copy(cur->date, sizeof(cur->date), date);
			open = 0;
		}
		if (ev[i].kind == ATTENDANCE_IN) {
			if (open)	/* signed in twice: the first never signed out */
				cur->missing_out++;
			open = ev[i].at;
			if (!cur->first_in)
				cur->first_in = ev[i].at;
		} else if (open) {
			cur->minutes += (int)((ev[i].at - open) / 60);
			cur->sessions++;
			cur->last_out = ev[i].at;
			open = 0;
		} else {
			cur->orphan_out++;
		}
	}
	if (cur && open)
		cur->missing_out++;
	return (int)nd;
}

int attendance_next_kind(const struct attendance_event *last, int64_t now)
{
	char a[11], b[11];
	if (!last)
		return ATTENDANCE_IN;
	if (now - last->at < ATTENDANCE_REPEAT_SECONDS && now >= last->at)
		return 0;
	if (last->kind != ATTENDANCE_IN)
		return ATTENDANCE_IN;
	local_date(last->at, a, sizeof(a));
	local_date(now, b, sizeof(b));
	return strcmp(a, b) ? ATTENDANCE_IN : ATTENDANCE_OUT;
}

/* ---- the signed attendance event --------------------------------------- */

enum {
	ATT_SIG = crypto_sign_BYTES,
	ATT_BODY_MAX = 1 + 1 + 15 + 3 + 4 + 4 + 1 + 16,
};

static int id_ok(const char *id)
{
	size_t n = strlen(id);
	if (n < 1 || n > 15)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(isupper((unsigned char)id[i]) || isdigit((unsigned char)id[i]) || id[i] == '-'))
			return 0;
	return 1;
}

static int cf_shape_ok(const char *cf)
{
	if (strlen(cf) != 16)
		return 0;
	for (int i = 0; i < 16; i++)
		if (!(isupper((unsigned char)cf[i]) || isdigit((unsigned char)cf[i])))
			return 0;
	return 1;
}

static int comune_ok(const char *c)
{
	return strlen(c) == 6 && strspn(c, "0123456789") == 6;
}

int attendance_sign(const struct attendance_signed *f, const unsigned char sk[64], char *token,
		    size_t size)
{
	unsigned char b[ATT_BODY_MAX + ATT_SIG];
	size_t p = 0, n = strlen(f->kiosk_id);
	if (!id_ok(f->kiosk_id) || !comune_ok(f->comune) || !cf_shape_ok(f->cf))
		return error("attendance: bad kiosk id, comune or codice fiscale");
	if (f->seq < 1 || f->seq > 0xffffffffLL || f->at < 0 || f->at > 0xffffffffLL ||
	    (f->kind != ATTENDANCE_IN && f->kind != ATTENDANCE_OUT))
		return error("attendance: sequence, time or kind out of range");
	if (sodium_init() < 0)
		return error("attendance: libsodium did not start");
	b[p++] = ATTENDANCE_TOKEN_VERSION;
	b[p++] = (unsigned char)n;
	memcpy(b + p, f->kiosk_id, n);
	p += n;
	be_put(b + p, strtoul(f->comune, NULL, 10), 3);
	p += 3;
	be_put(b + p, (uint64_t)f->seq, 4);
	p += 4;
	be_put(b + p, (uint64_t)f->at, 4);
	p += 4;
	b[p++] = (unsigned char)f->kind;
	memcpy(b + p, f->cf, 16);
	p += 16;
	crypto_sign_detached(b + p, NULL, b, p, sk);
	p += ATT_SIG;
	if (base32_encode(b, p, token, size) < 0)
		return error("attendance: token buffer too small");
	return 0;
}

enum receipt_result attendance_verify(const char *token, receipt_key_lookup lookup, void *ctx,
				      struct attendance_signed *out)
{
	unsigned char b[ATT_BODY_MAX + ATT_SIG + 1];
	struct attendance_signed f;
	size_t p = 0, n, len;
	int got, r;
	if (out)
		memset(out, 0, sizeof(*out));
	if (sodium_init() < 0)
		return RECEIPT_LOOKUP_ERROR;
	if (!token || strlen(token) > BASE32_LEN(sizeof(b)))
		return RECEIPT_MALFORMED;
	got = base32_decode(token, strlen(token), b, sizeof(b));
	if (got < 2 + 1 + 3 + 4 + 4 + 1 + 16 + ATT_SIG || b[0] != ATTENDANCE_TOKEN_VERSION)
		return RECEIPT_MALFORMED;
	len = (size_t)got;
	memset(&f, 0, sizeof(f));
	p = 1;
	n = b[p++];
	if (n < 1 || n > 15 || p + n + 3 + 4 + 4 + 1 + 16 + ATT_SIG != len)
		return RECEIPT_MALFORMED;
	memcpy(f.kiosk_id, b + p, n);
	p += n;
	if (strlen(f.kiosk_id) != n || !id_ok(f.kiosk_id))
		return RECEIPT_MALFORMED;
	snprintf(f.comune, sizeof(f.comune), "%06lu", (unsigned long)be_get(b + p, 3) % 1000000);
	if (be_get(b + p, 3) > 999999)
		return RECEIPT_MALFORMED;
	p += 3;
	f.seq = (int64_t)be_get(b + p, 4);
	p += 4;
	f.at = (int64_t)be_get(b + p, 4);
	p += 4;
	f.kind = b[p++];
	memcpy(f.cf, b + p, 16);
	p += 16;
	if (f.seq < 1 || (f.kind != ATTENDANCE_IN && f.kind != ATTENDANCE_OUT) || !cf_shape_ok(f.cf))
		return RECEIPT_MALFORMED;
	r = receipt_signature_check(lookup, ctx, f.kiosk_id, b, p, b + p);
	if (r == RECEIPT_OK && out)
		*out = f;
	return r;
}

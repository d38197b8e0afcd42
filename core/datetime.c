/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Clock and calendar. See datetime.h for the contracts.
 */
#include "core/datetime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

time_t now_wall(void)
{
	const char *o = getenv("DOTE_NOW");
	if (o && *o)
		return (time_t)strtoll(o, NULL, 10);
	return time(NULL);
}

int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void time_iso(time_t t, char *buf, size_t size)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_date(time_t t, char *buf, size_t size)
{
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d", &tm);
}

int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

int date_parse(const char *s, int *y, int *m, int *d)
{
	int yy, mm, dd, n = 0;
	/* Digits exactly where they go: sscanf's %d alone would also take
	 * '2026-+3-01' and '2026- 3-01', which then compare as text before
	 * every real date of the year. */
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || strspn(s, "0123456789") != 4 ||
	    strspn(s + 5, "0123456789") != 2 || strspn(s + 8, "0123456789") != 2 ||
	    sscanf(s, "%4d-%2d-%2d%n", &yy, &mm, &dd, &n) != 3 || n != 10)
		return -1;
	if (yy < 1850 || yy > 2200 || dd < 1 || dd > days_in_month(yy, mm))
		return -1;
	*y = yy; *m = mm; *d = dd;
	return 0;
}

int age_on(const char *birth, const char *today)
{
	int by, bm, bd, ty, tm, td, age;
	if (date_parse(birth, &by, &bm, &bd) || date_parse(today, &ty, &tm, &td))
		return -1;
	age = ty - by;
	if (tm < bm || (tm == bm && td < bd))
		age--;
	return age;
}

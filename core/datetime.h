/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Clock and calendar: the wall clock (pinned by DOTE_NOW in demos and
 * tests), a monotonic clock, ISO-8601 and YYYY-MM-DD text, real calendar
 * dates and ages. Start reading at now_wall().
 */
#ifndef DOTE_DATETIME_H
#define DOTE_DATETIME_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Wall clock, seconds since the epoch. DOTE_NOW=<epoch> overrides it
 * (demo data and tests pin "today"). */
time_t now_wall(void);
/* Monotonic milliseconds. */
int64_t now_ms(void);
/* ISO-8601 UTC "2026-03-01T09:30:00Z" into buf (>= 21 bytes). */
void time_iso(time_t t, char *buf, size_t size);
/* "2026-03-01" (local date of t, Europe/Rome semantics via TZ) into buf (>= 11). */
void time_date(time_t t, char *buf, size_t size);
/* Parses "YYYY-MM-DD" into y/m/d and checks it is a real calendar date. */
int date_parse(const char *s, int *y, int *m, int *d);
/* Days in month m of year y (1..12). */
int days_in_month(int y, int m);
/* Whole years between birth date and the date "today" (both YYYY-MM-DD). */
int age_on(const char *birth, const char *today);
#endif

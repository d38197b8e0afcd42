/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Small helpers shared by every binary. See util.h for the contracts.
 */
#include "core/util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

static int quiet;

void util_quiet(int q) { quiet = q; }

int error(const char *fmt, ...)
{
	va_list ap;
	if (quiet)
		return -1;
	va_start(ap, fmt);
	fputs("error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;
	if (quiet)
		return;
	va_start(ap, fmt);
	fputs("warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

size_t str_copy(char *buf, size_t size, const char *src)
{
	size_t n = strlen(src);
	if (size) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(buf, src, c);
		buf[c] = '\0';
	}
	return n;
}

int str_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return n;
}

char *str_upper(char *s)
{
	for (char *p = s; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return s;
}

char *str_trim(char *s)
{
	char *e;
	while (*s && isspace((unsigned char)*s))
		memmove(s, s + 1, strlen(s));
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

void str_wipe(void *buf, size_t size)
{
	sodium_memzero(buf, size);
}

char utf8_latin1_base(const char *s)
{
	unsigned char d;
	if ((unsigned char)s[0] != 0xc3 || !s[1])
		return 0;
	d = (unsigned char)s[1] | 0x20;	/* upper-case Latin-1 letters to lower */
	if (d >= 0xa0 && d <= 0xa5) return 'a';
	if (d >= 0xa8 && d <= 0xab) return 'e';
	if (d >= 0xac && d <= 0xaf) return 'i';
	if (d >= 0xb2 && d <= 0xb6) return 'o';
	if (d >= 0xb9 && d <= 0xbc) return 'u';
	if (d == 0xa7) return 'c';
	if (d == 0xb1) return 'n';
	return 0;
}

int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void be_put(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
}

uint64_t be_get(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

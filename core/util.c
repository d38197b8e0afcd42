/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Small helpers shared by every binary. See util.h for the contracts.
 */
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
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

void uuid_v7(char *buf, size_t size)
{
	unsigned char u[16];
	struct timespec ts;
	uint64_t ms;
	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	randombytes_buf(u, sizeof(u));
	for (int i = 0; i < 6; i++)
		u[i] = (unsigned char)(ms >> (40 - 8 * i));
	u[6] = (unsigned char)(0x70 | (u[6] & 0x0f));
	u[8] = (unsigned char)(0x80 | (u[8] & 0x3f));
	snprintf(buf, size,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
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

char *file_read(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	if (!f) {
		error("cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			char *nb = realloc(buf, cap);
			if (!nb)
				goto fail;
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (n > max) {
			error("'%s' is larger than %zu bytes", path, max);
			goto fail;
		}
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		error("cannot read '%s'", path);
		goto fail;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

/* Writes all of data to fd; 0 or -1 (after error() naming path). */
static int write_all(int fd, const char *path, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return error("cannot write '%s': %s", path, strerror(errno));
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int file_write_atomic(const char *path, const void *data, size_t len, int mode)
{
	char tmp[4096], dir[4096];
	struct stat st;
	int fd, rc = -1;

	/* A device or pipe (/dev/stdout, /dev/null, a printer) is written in
	 * place: renaming a temp file over it would replace the device. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return error("'%s' is a directory", path);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return error("cannot open '%s': %s", path, strerror(errno));
		rc = write_all(fd, path, data, len);
		close(fd);
		return rc;
	}
	if (str_fmt(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) < 0)
		return error("path too long: %s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return error("cannot create '%s': %s", tmp, strerror(errno));
	if (write_all(fd, tmp, data, len))
		goto out;
	if (fsync(fd)) {
		error("cannot sync '%s': %s", tmp, strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;
	if (rename(tmp, path)) {
		error("cannot rename '%s': %s", tmp, strerror(errno));
		goto out;
	}
	str_copy(dir, sizeof(dir), path);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		fsync(fd);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc)
		unlink(tmp);
	return rc;
}

int dir_make(const char *path, int mode)
{
	char buf[4096];
	if (str_copy(buf, sizeof(buf), path) >= sizeof(buf))
		return error("path too long: %s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return error("cannot create '%s': %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return error("cannot create '%s': %s", buf, strerror(errno));
	return 0;
}

const char *assets_dir(void)
{
	static const char *dir;
	struct stat st;
	if (dir)
		return dir;
	dir = getenv("DOTE_ASSETS");
	if (dir && *dir)
		return dir;
	if (!stat("/usr/share/dote/assets", &st) && S_ISDIR(st.st_mode))
		return dir = "/usr/share/dote/assets";
	return dir = DOTE_SRCDIR "/assets";
}

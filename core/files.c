/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * Files and folders. See files.h for the contracts; file_write_atomic()
 * is the one with a story (temp file, fsync, rename, fsync the folder).
 */
#include "core/files.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A disk that stops syncing, for tests/e2e/hub_sync_fail.sh: loaded into
 * a process with LD_PRELOAD, it makes fsync() and fdatasync() of a file
 * whose name ends in "-wal" (SQLite's write-ahead log) fail with EIO
 * while the file named by $FAILSYNC_TRIGGER exists, as a disk with a
 * bad sector or a lost network volume makes them fail. Other files, and
 * the log before the trigger appears, sync for real. Each failure
 * appends the file's path to $FAILSYNC_LOG when it is set, so a test can
 * tell that the fault happened. Built by the Makefile into
 * build/tests/failsync.so.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 1 when fd is a write-ahead log and the trigger file exists. */
static int tripped(int fd)
{
	const char *trigger = getenv("FAILSYNC_TRIGGER"), *log = getenv("FAILSYNC_LOG");
	char link[64], path[4096];
	ssize_t n;
	int saved = errno;

	if (!trigger || !*trigger || access(trigger, F_OK))
		goto no;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 2);
	if (n < 4 || memcmp(path + n - 4, "-wal", 4))
		goto no;
	if (log && *log) {
		int lfd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (lfd >= 0) {
			path[n] = '\n';
			if (write(lfd, path, (size_t)n + 1) < 0)
				path[0] = '\0';
			close(lfd);
		}
	}
	errno = saved;
	return 1;
no:
	errno = saved;
	return 0;
}

int fsync(int fd)
{
	static int (*real)(int);

	if (tripped(fd)) {
		errno = EIO;
		return -1;
	}
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	return real ? real(fd) : (errno = ENOSYS, -1);
}

int fdatasync(int fd)
{
	static int (*real)(int);

	if (tripped(fd)) {
		errno = EIO;
		return -1;
	}
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	return real ? real(fd) : (errno = ENOSYS, -1);
}

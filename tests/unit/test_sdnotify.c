/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * sd_notify without libsystemd (kiosk/sdnotify.c), against a real
 * datagram socket the way systemd listens: READY=1 and STATUS= reach a
 * socket path and an abstract one, WATCHDOG=1 is rate-limited to half the
 * WATCHDOG_USEC period, and a process that WATCHDOG_PID does not name
 * (a forked child) stays silent.
 */
#include "kiosk/sdnotify.h"
#include "tests/unit/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* Binds a datagram socket at path ('@' = abstract); returns fd or -1. */
static int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memcpy(sa.sun_path, path, strlen(path));
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Next datagram within ms milliseconds into buf ('' when none came). */
static const char *next_msg(int fd, int ms, char *buf, size_t size)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	buf[0] = '\0';
	if (poll(&p, 1, ms) != 1)
		return buf;
	n = recv(fd, buf, size - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

int main(void)
{
	char dir[] = "/tmp/dote-sdnotify-XXXXXX", path[128], abstract[64], msg[256], pid[32];
	int fd, afd, status = 0;
	pid_t child;

	if (!mkdtemp(dir)) {
		printf("FAIL sdnotify setup: mkdtemp\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/notify", dir);
	fd = listen_at(path);
	CHECK("sdnotify socket bound", fd >= 0);

	/* No socket configured: nothing happens, nothing breaks. */
	unsetenv("NOTIFY_SOCKET");
	sdnotify_ready();
	CHECK_STR("no NOTIFY_SOCKET sends nothing", next_msg(fd, 50, msg, sizeof(msg)), "");

	setenv("NOTIFY_SOCKET", path, 1);
	sdnotify_ready();
	CHECK_STR("READY=1 reaches the socket", next_msg(fd, 1000, msg, sizeof(msg)), "READY=1");
	sdnotify_status("catalog loaded");
	CHECK_STR("STATUS= reaches the socket", next_msg(fd, 1000, msg, sizeof(msg)), "STATUS=catalog loaded");

	snprintf(abstract, sizeof(abstract), "@dote-sdnotify-%d", (int)getpid());
	afd = listen_at(abstract);
	setenv("NOTIFY_SOCKET", abstract, 1);
	sdnotify_ready();
	CHECK_STR("READY=1 reaches an abstract socket", next_msg(afd, 1000, msg, sizeof(msg)), "READY=1");
	setenv("NOTIFY_SOCKET", path, 1);

	/* A forked child is not the process the watchdog watches. */
	setenv("WATCHDOG_USEC", "2000000", 1);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	child = fork();
	if (child == 0) {
		sdnotify_watchdog();
		_exit(0);
	}
	waitpid(child, &status, 0);
	CHECK_STR("WATCHDOG_PID of another process: no ping", next_msg(fd, 200, msg, sizeof(msg)), "");

	/* The watched process: one ping, then none until half the period. */
	sdnotify_watchdog();
	CHECK_STR("WATCHDOG=1 sent", next_msg(fd, 1000, msg, sizeof(msg)), "WATCHDOG=1");
	for (int i = 0; i < 100; i++)
		sdnotify_watchdog();
	CHECK_STR("WATCHDOG=1 rate-limited within the period", next_msg(fd, 200, msg, sizeof(msg)), "");
	usleep(1100 * 1000);
	sdnotify_watchdog();
	CHECK_STR("WATCHDOG=1 again after half the period", next_msg(fd, 1000, msg, sizeof(msg)), "WATCHDOG=1");

	close(fd);
	if (afd >= 0)
		close(afd);
	unlink(path);
	rmdir(dir);
	return check_done();
}

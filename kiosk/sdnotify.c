/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * sd_notify over the datagram socket named by $NOTIFY_SOCKET. See sdnotify.h.
 */
#include "kiosk/sdnotify.h"
#include "core/datetime.h"
#include "core/util.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void notify(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd;
	if (!path || !*path || strlen(path) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, strlen(path));
	if (sa.sun_path[0] == '@')	/* abstract namespace */
		sa.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa, len) < 0)
		warning("sd_notify failed");
	close(fd);
}

void sdnotify_ready(void)
{
	notify("READY=1");
}

void sdnotify_watchdog(void)
{
	static int64_t last;
	static int64_t period_ms = -1;
	int64_t t = now_ms();
	if (period_ms < 0) {
		const char *u = getenv("WATCHDOG_USEC");
		const char *pid = getenv("WATCHDOG_PID");
		period_ms = u ? strtoll(u, NULL, 10) / 1000 : 0;
		/* The watchdog is meant for another process (we were forked). */
		if (pid && *pid && strtol(pid, NULL, 10) != (long)getpid())
			period_ms = 0;
	}
	if (period_ms <= 0 || t - last < period_ms / 2)
		return;
	last = t;
	notify("WATCHDOG=1");
}

void sdnotify_status(const char *text)
{
	char msg[256];
	snprintf(msg, sizeof(msg), "STATUS=%s", text);
	notify(msg);
}

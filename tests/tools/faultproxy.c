/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * faultproxy: a TCP proxy on loopback that injects the faults the sync
 * tests need between a kiosk and the hub. Each accepted connection draws
 * one fate:
 *   drop     closed at once, nothing forwarded
 *   e500     answered 'HTTP/1.1 500' by the proxy, the hub never sees it
 *   reset    half the request forwarded, then both sides reset (RST)
 *   lose     request forwarded, the hub answers (so it has committed),
 *            the answer is thrown away and the client reset
 *   ok       forwarded both ways, each answer chunk delayed --delay-ms
 * Usage: faultproxy PORTFILE TARGET_PORT [--drop P] [--e500 P] [--reset P]
 *        [--lose P] [--delay-ms N] [--seed N] [--first FATE,FATE,...]
 * (P are percentages; --first forces the fates of the first connections,
 * so a short test still meets every fault.)
 * It listens on 127.0.0.1, a free port written to PORTFILE, and logs one
 * line per connection with its fate to stderr. Runs until killed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum fate { FATE_OK, FATE_DROP, FATE_E500, FATE_RESET, FATE_LOSE };
static const char *const fate_names[] = { "ok", "drop", "e500", "reset", "lose" };

static int target_port, delay_ms;
static int pct[5];
static unsigned seed = 1;
static pthread_mutex_t rnd_lock = PTHREAD_MUTEX_INITIALIZER;

struct conn {
	int client;
	enum fate fate;
};

static void rst_close(int fd)
{
	struct linger l = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

static int connect_target(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)target_port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void *serve(void *arg)
{
	struct conn *c = arg;
	char buf[65536];
	int server = -1, forwarded = 0, answered = 0;
	ssize_t n;

	if (c->fate == FATE_DROP) {
		close(c->client);
		goto out;
	}
	if (c->fate == FATE_E500) {
		static const char reply[] = "HTTP/1.1 500 Internal Server Error\r\n"
			"Content-Type: application/json\r\nContent-Length: 27\r\nConnection: close\r\n\r\n"
			"{\"error\":\"injected fault\"}\n";
		struct pollfd p = { c->client, POLLIN, 0 };

		/* Read the request (until the client pauses), then answer. */
		while (poll(&p, 1, 100) > 0 && (n = read(c->client, buf, sizeof(buf))) > 0)
			;
		if (write(c->client, reply, sizeof(reply) - 1) < 0)
			perror("faultproxy: write");
		close(c->client);
		goto out;
	}
	server = connect_target();
	if (server < 0) {
		rst_close(c->client);
		goto out;
	}
	for (;;) {
		struct pollfd p[2] = { { c->client, POLLIN, 0 }, { server, POLLIN, 0 } };

		/* One exchange per connection: once the answer has gone quiet
		 * the connection closes, so the next request draws a new fate. */
		if (poll(p, 2, answered ? 50 : 60000) <= 0)
			break;
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(c->client, buf, sizeof(buf));
			if (n <= 0)
				break;
			if (c->fate == FATE_RESET && !forwarded) {
				if (write(server, buf, (size_t)(n / 2)) < 0)
					perror("faultproxy: write");
				rst_close(server);
				rst_close(c->client);
				server = c->client = -1;
				break;
			}
			if (write(server, buf, (size_t)n) != n)
				break;
			forwarded = 1;
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(server, buf, sizeof(buf));
			if (n <= 0)
				break;
			if (c->fate == FATE_LOSE) {
				/* The hub has answered: its commit is done. */
				rst_close(c->client);
				c->client = -1;
				break;
			}
			if (delay_ms)
				usleep((useconds_t)delay_ms * 1000);
			if (write(c->client, buf, (size_t)n) != n)
				break;
			answered = 1;
		}
	}
	if (server >= 0)
		close(server);
	if (c->client >= 0)
		close(c->client);
out:
	free(c);
	return NULL;
}

static char first[256];

static enum fate draw(void)
{
	int r, i, acc = 0;

	if (*first) {
		char *comma = strchr(first, ',');
		size_t len = comma ? (size_t)(comma - first) : strlen(first);

		for (i = 0; i < 5; i++)
			if (strlen(fate_names[i]) == len && !strncmp(first, fate_names[i], len))
				break;
		memmove(first, comma ? comma + 1 : first + len, strlen(comma ? comma + 1 : first + len) + 1);
		if (i < 5)
			return (enum fate)i;
	}
	pthread_mutex_lock(&rnd_lock);
	r = rand_r(&seed) % 100;
	pthread_mutex_unlock(&rnd_lock);
	for (i = 1; i < 5; i++) {
		acc += pct[i];
		if (r < acc)
			return (enum fate)i;
	}
	return FATE_OK;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int lfd, one = 1, i;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: faultproxy PORTFILE TARGET_PORT [--drop P] [--e500 P] [--reset P]"
				" [--lose P] [--delay-ms N] [--seed N]\n");
		return 2;
	}
	target_port = atoi(argv[2]);
	for (i = 3; i + 1 < argc; i += 2) {
		int v = atoi(argv[i + 1]);

		if (!strcmp(argv[i], "--drop"))
			pct[FATE_DROP] = v;
		else if (!strcmp(argv[i], "--e500"))
			pct[FATE_E500] = v;
		else if (!strcmp(argv[i], "--reset"))
			pct[FATE_RESET] = v;
		else if (!strcmp(argv[i], "--lose"))
			pct[FATE_LOSE] = v;
		else if (!strcmp(argv[i], "--delay-ms"))
			delay_ms = v;
		else if (!strcmp(argv[i], "--first"))
			snprintf(first, sizeof(first), "%s", argv[i + 1]);
		else if (!strcmp(argv[i], "--seed"))
			seed = (unsigned)v;
		else {
			fprintf(stderr, "faultproxy: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 256) ||
	    getsockname(lfd, (struct sockaddr *)&sa, &len)) {
		perror("faultproxy: listen");
		return 1;
	}
	f = fopen(argv[1], "w");
	if (!f)
		return 1;
	fprintf(f, "%d\n", ntohs(sa.sin_port));
	fclose(f);
	for (;;) {
		struct conn *c;
		pthread_t t;
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			perror("faultproxy: accept");
			return 1;
		}
		c = malloc(sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->client = fd;
		c->fate = draw();
		fprintf(stderr, "faultproxy: connection %s\n", fate_names[c->fate]);
		if (pthread_create(&t, NULL, serve, c)) {
			close(fd);
			free(c);
			continue;
		}
		pthread_detach(t);
	}
}

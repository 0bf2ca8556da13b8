// SPDX-License-Identifier: MIT
#include "gdbrsp.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define RSP_TIMEOUT_MS 10000
#define RSP_CHUNK 1024		/* bytes per m/M packet (QEMU: 4096-byte packets) */

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int rsp_connect(struct rsp *r, const char *path, int timeout_ms)
{
	struct sockaddr_un sa;

	memset(r, 0, sizeof(*r));
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	for (int waited = 0; waited <= timeout_ms; waited += 10) {
		r->fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (r->fd < 0)
			return -1;
		if (connect(r->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return 0;
		close(r->fd);
		r->fd = -1;
		msleep(10);
	}
	return -1;
}

void rsp_close(struct rsp *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

static int getbyte(struct rsp *r)
{
	if (r->head == r->tail) {
		struct pollfd p = { r->fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&p, 1, RSP_TIMEOUT_MS) <= 0) {
			fprintf(stderr, "gdbrsp: timeout waiting for QEMU\n");
			return -1;
		}
		n = read(r->fd, r->buf, sizeof(r->buf));
		if (n <= 0) {
			fprintf(stderr, "gdbrsp: connection closed\n");
			return -1;
		}
		r->head = 0;
		r->tail = (size_t)n;
	}
	return r->buf[r->head++];
}

static int writeall(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int send_packet(struct rsp *r, const char *cmd)
{
	static char pkt[2 * RSP_CHUNK + 64];
	unsigned cs = 0;
	size_t n = strlen(cmd);

	if (n + 4 >= sizeof(pkt))
		return -1;
	for (size_t i = 0; i < n; i++)
		cs += (unsigned char)cmd[i];
	pkt[0] = '$';
	memcpy(pkt + 1, cmd, n);
	snprintf(pkt + 1 + n, 4, "#%02x", cs & 0xff);
	for (int tries = 0; tries < 3; tries++) {
		int c;

		if (writeall(r->fd, pkt, n + 4))
			return -1;
		c = getbyte(r);
		if (c == '+')
			return 0;
		if (c != '-')
			return -1;
	}
	return -1;
}

static int recv_packet(struct rsp *r, char *out, size_t cap)
{
	size_t n = 0;
	int c;

	do {
		c = getbyte(r);
		if (c < 0)
			return -1;
	} while (c != '$');
	for (;;) {
		c = getbyte(r);
		if (c < 0)
			return -1;
		if (c == '#')
			break;
		if (n + 1 < cap)
			out[n++] = (char)c;
	}
	out[n] = 0;
	if (getbyte(r) < 0 || getbyte(r) < 0)
		return -1;
	return writeall(r->fd, "+", 1);
}

int rsp_cmd(struct rsp *r, const char *cmd, char *out, size_t cap)
{
	if (send_packet(r, cmd))
		return -1;
	return recv_packet(r, out, cap);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int unhex(const char *s, unsigned char *dst, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		int hi = hexval(s[2 * i]), lo = hi < 0 ? -1 : hexval(s[2 * i + 1]);

		if (lo < 0)
			return -1;
		dst[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int rsp_read(struct rsp *r, uint64_t addr, void *dst, size_t len)
{
	static char reply[2 * RSP_CHUNK + 16];
	char cmd[64];
	unsigned char *d = dst;

	while (len) {
		size_t n = len < RSP_CHUNK ? len : RSP_CHUNK;

		snprintf(cmd, sizeof(cmd), "m%llx,%zx", (unsigned long long)addr, n);
		if (rsp_cmd(r, cmd, reply, sizeof(reply)) || strlen(reply) != 2 * n ||
		    unhex(reply, d, n)) {
			fprintf(stderr, "gdbrsp: read 0x%llx+%zu failed: %.16s\n",
				(unsigned long long)addr, n, reply);
			return -1;
		}
		addr += n;
		d += n;
		len -= n;
	}
	return 0;
}

int rsp_write(struct rsp *r, uint64_t addr, const void *src, size_t len)
{
	static char cmd[2 * RSP_CHUNK + 64];
	static const char hx[] = "0123456789abcdef";
	const unsigned char *s = src;
	char reply[64];

	while (len) {
		size_t n = len < RSP_CHUNK ? len : RSP_CHUNK;
		int k = snprintf(cmd, sizeof(cmd), "M%llx,%zx:", (unsigned long long)addr, n);

		for (size_t i = 0; i < n; i++) {
			cmd[k++] = hx[s[i] >> 4];
			cmd[k++] = hx[s[i] & 15];
		}
		cmd[k] = 0;
		if (rsp_cmd(r, cmd, reply, sizeof(reply)) || strcmp(reply, "OK")) {
			fprintf(stderr, "gdbrsp: write 0x%llx+%zu failed: %s\n",
				(unsigned long long)addr, n, reply);
			return -1;
		}
		addr += n;
		s += n;
		len -= n;
	}
	return 0;
}

int rsp_set_reg64(struct rsp *r, unsigned regno, uint64_t v)
{
	char cmd[64], reply[64];
	int k = snprintf(cmd, sizeof(cmd), "P%x=", regno);

	for (int i = 0; i < 8; i++)
		k += snprintf(cmd + k, sizeof(cmd) - (size_t)k, "%02x", (unsigned)(v >> (8 * i)) & 0xff);
	if (rsp_cmd(r, cmd, reply, sizeof(reply)) || strcmp(reply, "OK")) {
		fprintf(stderr, "gdbrsp: %s: %s\n", cmd, reply);
		return -1;
	}
	return 0;
}

int rsp_get_reg64(struct rsp *r, unsigned regno, uint64_t *v)
{
	char cmd[32], reply[64];
	unsigned char b[8];

	snprintf(cmd, sizeof(cmd), "p%x", regno);
	if (rsp_cmd(r, cmd, reply, sizeof(reply)) || strlen(reply) != 16 || unhex(reply, b, 8))
		return -1;
	*v = 0;
	for (int i = 7; i >= 0; i--)
		*v = *v << 8 | b[i];
	return 0;
}

int rsp_continue(struct rsp *r)
{
	if (send_packet(r, "c"))
		return -1;
	r->running = 1;
	return 0;
}

int rsp_stop(struct rsp *r)
{
	char reply[256];

	if (!r->running)
		return 0;
	if (writeall(r->fd, "\x03", 1) || recv_packet(r, reply, sizeof(reply)))
		return -1;
	r->running = 0;
	if (reply[0] != 'T' && reply[0] != 'S') {
		fprintf(stderr, "gdbrsp: unexpected stop reply %s\n", reply);
		return -1;
	}
	return 0;
}

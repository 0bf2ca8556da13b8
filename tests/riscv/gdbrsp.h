/* SPDX-License-Identifier: MIT */
/*
 * Minimal GDB remote serial protocol client: what the RISC-V image test
 * needs to act as the firmware's host through QEMU's gdbstub (read and
 * write guest memory, set the PC, run, stop).
 */
#ifndef AXON_TEST_GDBRSP_H
#define AXON_TEST_GDBRSP_H

#include <stddef.h>
#include <stdint.h>

struct rsp {
	int fd;
	unsigned char buf[8192];	/* bytes received, not yet consumed */
	size_t head, tail;
	int running;
};

/* Connects to a unix socket, retrying for up to @timeout_ms. 0 on success. */
int rsp_connect(struct rsp *r, const char *path, int timeout_ms);
void rsp_close(struct rsp *r);
/* Sends @cmd and receives the reply into @out (NUL-terminated). */
int rsp_cmd(struct rsp *r, const char *cmd, char *out, size_t cap);
int rsp_read(struct rsp *r, uint64_t addr, void *dst, size_t len);
int rsp_write(struct rsp *r, uint64_t addr, const void *src, size_t len);
/* Register @regno (gdb numbering; RISC-V pc is 32) as a 64-bit value. */
int rsp_set_reg64(struct rsp *r, unsigned regno, uint64_t v);
int rsp_get_reg64(struct rsp *r, unsigned regno, uint64_t *v);
/* Resumes the guest (no reply until it stops). */
int rsp_continue(struct rsp *r);
/* Stops a running guest and consumes the stop reply. */
int rsp_stop(struct rsp *r);

#endif

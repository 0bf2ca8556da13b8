// SPDX-License-Identifier: MIT
/* Error codes and the thread-local last-error message. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static _Thread_local char last_error[512];

static void debug_echo(void)
{
	const char *e = getenv("AXON_DEBUG");

	if (e && *e && strcmp(e, "0"))
		fprintf(stderr, "libaxon: %s\n", last_error);
}

int axon_err(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	debug_echo();
	return status;
}

int axon_err_errno(int status, int err, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	n = strlen(last_error);
	snprintf(last_error + n, sizeof(last_error) - n, ": %s", strerror(err));
	debug_echo();
	return status;
}

void axon_clear_error(void)
{
	last_error[0] = 0;
}

int axon_status_from_errno(int err)
{
	switch (err) {
	case ENOMEM: return AXON_E_NOMEM;
	case ENODEV: case ENOENT: case ENXIO: return AXON_E_NODEV;
	case EPERM: case EACCES: return AXON_E_PERM;
	case ETIMEDOUT: case ETIME: return AXON_E_TIMEOUT;
	case EINVAL: return AXON_E_INVALID;
	case EOPNOTSUPP: return AXON_E_UNSUPPORTED;
	case EBUSY: return AXON_E_BUSY;
	default: return AXON_E_IO;
	}
}

AXON_EXPORT const char *axon_last_error(void)
{
	return last_error;
}

AXON_EXPORT const char *axon_status_name(int status)
{
	switch (status) {
	case AXON_OK: return "AXON_OK";
	case AXON_E_INVALID: return "AXON_E_INVALID";
	case AXON_E_NOMEM: return "AXON_E_NOMEM";
	case AXON_E_NODEV: return "AXON_E_NODEV";
	case AXON_E_IO: return "AXON_E_IO";
	case AXON_E_FORMAT: return "AXON_E_FORMAT";
	case AXON_E_UNSUPPORTED: return "AXON_E_UNSUPPORTED";
	case AXON_E_TIMEOUT: return "AXON_E_TIMEOUT";
	case AXON_E_FAULT: return "AXON_E_FAULT";
	case AXON_E_BUSY: return "AXON_E_BUSY";
	case AXON_E_NOTFOUND: return "AXON_E_NOTFOUND";
	case AXON_E_PERM: return "AXON_E_PERM";
	default: return "AXON_E_?";
	}
}

AXON_EXPORT const char *axon_version(void)
{
	return "1.0.0";
}

const char *isa_status_name(uint32_t st)
{
	static const char *const names[] = {
		"ok", "bad stream magic", "unsupported ISA or packet version",
		"stream size inconsistent", "bad packet size", "unknown opcode",
		"opcode not supported by this device",
		"non-zero reserved field or unknown flag", "invalid dtype",
		"inconsistent shape", "parameter out of range",
		"size overflow", "operand outside the memory map",
		"operand outside SRAM", "output overlaps an input",
		"missing END", "address translation fault",
		"invalid scale table entry", "aborted", "stream not validated",
	};

	return st < sizeof(names) / sizeof(names[0]) ? names[st] : "unknown status";
}

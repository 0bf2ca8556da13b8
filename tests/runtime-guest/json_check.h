/* SPDX-License-Identifier: MIT */
/* A strict RFC 8259 JSON syntax check (no values kept). */
#ifndef RT_GUEST_JSON_CHECK_H
#define RT_GUEST_JSON_CHECK_H
#include <stddef.h>

/* 0 if @s is one JSON value (surrounded by whitespace only), else -1 and a
 * message with the byte offset in @err. */
int json_check(const char *s, char *err, size_t len);
#endif

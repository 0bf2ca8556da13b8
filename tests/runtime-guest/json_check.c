// SPDX-License-Identifier: MIT
/* A strict RFC 8259 JSON syntax check: recursive descent, depth-limited. */
#include <stdio.h>
#include <string.h>

#include "json_check.h"

struct jp {
	const char *s, *p;
	const char *what;
};

static int value(struct jp *j, int depth);

static void ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static int fail(struct jp *j, const char *what)
{
	j->what = what;
	return -1;
}

static int hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int string(struct jp *j)
{
	if (*j->p != '"')
		return fail(j, "expected a string");
	j->p++;
	for (;;) {
		unsigned char c = (unsigned char)*j->p;

		if (!c)
			return fail(j, "unterminated string");
		if (c < 0x20)
			return fail(j, "control character in a string");
		j->p++;
		if (c == '"')
			return 0;
		if (c != '\\')
			continue;
		c = (unsigned char)*j->p++;
		if (c == 'u') {
			for (int i = 0; i < 4; i++, j->p++)
				if (!hex(*j->p))
					return fail(j, "bad \\u escape");
		} else if (!strchr("\"\\/bfnrt", c) || !c) {
			return fail(j, "bad escape");
		}
	}
}

static int digits(struct jp *j)
{
	const char *b = j->p;

	while (*j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > b ? 0 : fail(j, "expected a digit");
}

static int number(struct jp *j)
{
	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (digits(j))
		return -1;
	if (*j->p == '.') {
		j->p++;
		if (digits(j))
			return -1;
	}
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		if (digits(j))
			return -1;
	}
	return 0;
}

static int word(struct jp *j, const char *w)
{
	size_t n = strlen(w);

	if (strncmp(j->p, w, n))
		return fail(j, "unexpected token");
	j->p += n;
	return 0;
}

static int container(struct jp *j, int depth, char close, int obj)
{
	j->p++;
	ws(j);
	if (*j->p == close) {
		j->p++;
		return 0;
	}
	for (;;) {
		ws(j);
		if (obj) {
			if (string(j))
				return -1;
			ws(j);
			if (*j->p++ != ':')
				return fail(j, "expected ':'");
		}
		if (value(j, depth + 1))
			return -1;
		ws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p == close) {
			j->p++;
			return 0;
		}
		return fail(j, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int value(struct jp *j, int depth)
{
	if (depth > 64)
		return fail(j, "nested too deeply");
	ws(j);
	switch (*j->p) {
	case '{': return container(j, depth, '}', 1);
	case '[': return container(j, depth, ']', 0);
	case '"': return string(j);
	case 't': return word(j, "true");
	case 'f': return word(j, "false");
	case 'n': return word(j, "null");
	default:
		if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
			return number(j);
		return fail(j, "expected a value");
	}
}

int json_check(const char *s, char *err, size_t len)
{
	struct jp j = { s, s, NULL };

	if (!value(&j, 0)) {
		ws(&j);
		if (!*j.p)
			return 0;
		j.what = "trailing characters";
	}
	snprintf(err, len, "%s at byte %td", j.what, j.p - s);
	return -1;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* Value parsers for the command line: decimal numbers, rates, sizes, MAC and IPv4 addresses.
 * Strict on purpose: what strtoul and strtod would also take (spaces, signs, octal, hex, hex
 * floats, exponents, "inf") is refused, so a typo never becomes a different number. */
#include <ctype.h>
#include <errno.h>
#include <math.h> /* isfinite, a macro: no libm */
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "cli-values.h"

/* Decimal number ("12", "0.25") with, when base is not 0, an optional k/M/G multiplier
 * (1000s for rates, 1024s for sizes).  Parsed by hand: strtod would also take spaces, signs,
 * hex, hex floats, exponents, "inf" and "nan". */
static int parse_scaled(const char *s, double base, double *out)
{
	const char *q = s;
	double v = 0, scale = 0, mul = 1;

	/* A leading zero reads as octal to strtoul(..., 0) and to users of C: refused. */
	if (!isdigit((unsigned char)*q) || (q[0] == '0' && isdigit((unsigned char)q[1])))
		return -EINVAL;
	for (; isdigit((unsigned char)*q) || *q == '.'; q++) {
		if (*q == '.') {
			if (scale)
				return -EINVAL;
			scale = 1;
			continue;
		}
		v = v * 10 + (*q - '0');
		if (scale)
			scale *= 10;
	}
	if (scale)
		v /= scale;
	if (*q && !base)
		return -EINVAL;
	switch (*q) {
	case 0:
		break;
	case 'k':
	case 'K':
		mul = base;
		break;
	case 'm':
	case 'M':
		mul = base * base;
		break;
	case 'g':
	case 'G':
		mul = base * base * base;
		break;
	default:
		return -EINVAL;
	}
	if (*q && q[1])
		return -EINVAL;
	if (!isfinite(v))
		return -EINVAL;
	*out = v * mul;
	return 0;
}

/* Plain decimal, no suffix: seconds, megabytes. */
int cli_parse_decimal(const char *s, double *out)
{
	return parse_scaled(s, 0, out);
}

/* Decimal digits only (no sign, space, leading zero, octal or hex), at most max. */
int cli_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (d > 9 || v > (max - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int cli_parse_rate(const char *s, uint64_t *out)
{
	double v;

	if (parse_scaled(s, 1000, &v) < 0 || v < 0 || v > 1e10)
		return -EINVAL;
	if (v > 0 && v < 1)
		return -EINVAL;
	*out = (uint64_t)(v + 0.5); /* v >= 0: rounds half up, as llround */
	return 0;
}

int cli_parse_size(const char *s, uint64_t *out)
{
	double v;

	if (parse_scaled(s, 1024, &v) < 0 || v < 1 || v > 2147483647.0)
		return -EINVAL;
	*out = (uint64_t)v;
	return 0;
}

int cli_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char tail;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
	                              &b[4], &b[5], &tail) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		/* sscanf's %x would also take signs, spaces and 0x: check every digit. */
		if (!isxdigit((unsigned char)s[3 * i]) || !isxdigit((unsigned char)s[3 * i + 1]) ||
		    (i < 5 && s[3 * i + 2] != ':'))
			return -EINVAL;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

int cli_parse_ipv4(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*out = ntohl(a.s_addr);
	return 0;
}

int cli_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	uint64_t v;

	if (cli_parse_u64(s, max, &v) < 0)
		return -EINVAL;
	*out = (unsigned long)v;
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* Strict value parsers for the command line (tools/cli-values.c).  Each returns 0, or -EINVAL
 * and leaves *out untouched. */
#ifndef ISW_CLI_VALUES_H
#define ISW_CLI_VALUES_H

#include <stdint.h>

/* Decimal digits only (no sign, space, leading zero, octal or hex), at most max. */
int cli_parse_u64(const char *s, uint64_t max, uint64_t *out);
int cli_parse_uint(const char *s, unsigned long max, unsigned long *out);
/* Plain decimal with an optional fraction ("0.25"), no suffix: seconds, megabytes. */
int cli_parse_decimal(const char *s, double *out);
/* Probes per second, k/M/G = 1000s ("1.5M"); 0 = unlimited. */
int cli_parse_rate(const char *s, uint64_t *out);
/* Bytes, k/M/G = 1024s, 1..2^31-1. */
int cli_parse_size(const char *s, uint64_t *out);
int cli_parse_mac(const char *s, uint8_t mac[6]);
int cli_parse_ipv4(const char *s, uint32_t *out);

#endif

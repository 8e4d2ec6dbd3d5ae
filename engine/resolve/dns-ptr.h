/* SPDX-License-Identifier: BSD-2-Clause */
/* Reverse-lookup names and a small parser for PTR answers.
 *
 * c-ares' own PTR parser rejects names that are not valid host names (since the fix for
 * CVE-2021-3672), but a sweep must report whatever the zone holds, so the raw answer is
 * parsed here.  Names come out in presentation form with the minimum of escaping that keeps
 * them unambiguous C strings: a '.' inside a label becomes "\.", a backslash "\\" and a NUL
 * byte "\000"; every other byte (commas, quotes, control characters, non-ASCII) is kept as
 * is, and the output writers escape it as their format requires.
 */
#ifndef ISW_DNS_PTR_H
#define ISW_DNS_PTR_H

#include <stddef.h>
#include <stdint.h>

#include "icmpsweep/addr.h"

/* Longest name in presentation form: 255 wire bytes, each escaped to at most 4. */
#define ISW_DNS_NAME_MAX 1024

/* The reverse-lookup name of addr: "d.c.b.a.in-addr.arpa" for a.b.c.d, and for IPv6 the 32
 * nibbles lowest first under ip6.arpa (RFC 3596 2.5); buf holds ISW_DNS_ARPA_MAX bytes. */
#define ISW_DNS_ARPA_MAX 73
void isw_dns_arpa_name(const struct isw_addr *addr, char *buf, size_t size);

/* The first PTR record (class IN) of the answer section of the DNS message msg, as text in
 * name (ISW_DNS_NAME_MAX bytes).  0 on success, -ENOENT if the answer holds no PTR record,
 * -EBADMSG if the message is malformed (truncated, compression loop, label too long). */
int isw_dns_parse_ptr(const uint8_t *msg, size_t len, char *name, size_t size);

#endif

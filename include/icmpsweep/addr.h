/* SPDX-License-Identifier: BSD-2-Clause */
/* An IP address as a value of its own: the family and the 16 bytes an IPv6 address needs,
 * so that tables and text keyed by address take IPv4 today and IPv6 without a second copy.
 * Most of the engine still passes IPv4 addresses as host-order uint32_t; these helpers
 * convert at the edges, and isw_addr_str formats that form directly. */
#ifndef ICMPSWEEP_ADDR_H
#define ICMPSWEEP_ADDR_H

#include <stdint.h>
#include <string.h>

#include <sys/socket.h>

struct isw_addr {
	uint8_t family;    /* AF_INET or AF_INET6; 0: no address */
	uint8_t bytes[16]; /* network order; IPv4 uses the first 4, the rest stay zero */
};

/* Text buffers: dotted quad (ISW_ADDR_STRLEN), or any family (ISW_ADDR_TEXT_MAX). */
#define ISW_ADDR_STRLEN   16
#define ISW_ADDR_TEXT_MAX 46

static inline struct isw_addr isw_addr_from_v4(uint32_t host_order)
{
	struct isw_addr a = {.family = AF_INET};

	a.bytes[0] = (uint8_t)(host_order >> 24);
	a.bytes[1] = (uint8_t)(host_order >> 16);
	a.bytes[2] = (uint8_t)(host_order >> 8);
	a.bytes[3] = (uint8_t)host_order;
	return a;
}

static inline struct isw_addr isw_addr_from_v6(const uint8_t bytes[16])
{
	struct isw_addr a = {.family = AF_INET6};

	memcpy(a.bytes, bytes, 16);
	return a;
}

static inline int isw_addr_is_v4(const struct isw_addr *a)
{
	return a->family == AF_INET;
}

/* The host-order IPv4 address; only meaningful when isw_addr_is_v4. */
static inline uint32_t isw_addr_v4(const struct isw_addr *a)
{
	return (uint32_t)a->bytes[0] << 24 | (uint32_t)a->bytes[1] << 16 |
	       (uint32_t)a->bytes[2] << 8 | a->bytes[3];
}

static inline int isw_addr_equal(const struct isw_addr *a, const struct isw_addr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, 16) == 0;
}

/* Total order: IPv4 before IPv6, then by the bytes (numeric order within a family). */
static inline int isw_addr_cmp(const struct isw_addr *a, const struct isw_addr *b)
{
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	return memcmp(a->bytes, b->bytes, 16);
}

/* fe80::/10: meaningful only together with an interface (its scope). */
static inline int isw_addr_is_link_local(const struct isw_addr *a)
{
	return a->family == AF_INET6 && a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80;
}

/* A 64-bit hash of the address and its family; neighbouring addresses land far apart. */
uint64_t isw_addr_hash(const struct isw_addr *a);

/* Parses a dotted quad or an IPv6 address (a mapped ::ffff:a.b.c.d gives the IPv4 address);
 * "fe80::1%eth0" or "%3" sets *scope_id to that interface's index (scope_id NULL: a scope is
 * refused).  0 on success, -EINVAL for bad text or an unknown interface. */
int isw_addr_parse(const char *text, struct isw_addr *out, uint32_t *scope_id);

/* Dotted-quad text of a host-order IPv4 address into buf (at least ISW_ADDR_STRLEN bytes);
 * returns buf. */
const char *isw_addr_str(uint32_t addr, char *buf);

/* Text of any address (dotted quad, or RFC 5952 IPv6) into buf (at least
 * ISW_ADDR_TEXT_MAX bytes); "?" for no address.  Returns buf. */
const char *isw_addr_format(const struct isw_addr *a, char *buf);

/* Like isw_addr_format, with "%name" of interface scope_id appended to a link-local address
 * (the index itself when the interface is gone); buf at least ISW_ADDR_SCOPED_MAX bytes. */
#define ISW_ADDR_SCOPED_MAX (ISW_ADDR_TEXT_MAX + 17)
const char *isw_addr_format_scoped(const struct isw_addr *a, uint32_t scope_id, char *buf);

#endif

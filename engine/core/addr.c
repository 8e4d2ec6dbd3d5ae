/* SPDX-License-Identifier: BSD-2-Clause */
/* Text forms and hashing of addresses (include/icmpsweep/addr.h): the one parser and
 * formatter every output, message and filter uses. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <arpa/inet.h>
#include <net/if.h>

#include "icmpsweep/addr.h"
#include "mix.h"

const char *isw_addr_str(uint32_t a, char *buf)
{
	snprintf(buf, ISW_ADDR_STRLEN, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
	         a & 0xff);
	return buf;
}

const char *isw_addr_format(const struct isw_addr *a, char *buf)
{
	if (isw_addr_is_v4(a))
		return isw_addr_str(isw_addr_v4(a), buf);
	if (a->family != AF_INET6 || !inet_ntop(AF_INET6, a->bytes, buf, ISW_ADDR_TEXT_MAX))
		snprintf(buf, ISW_ADDR_TEXT_MAX, "?");
	return buf;
}

const char *isw_addr_format_scoped(const struct isw_addr *a, uint32_t scope_id, char *buf)
{
	char name[IF_NAMESIZE];
	size_t n;

	isw_addr_format(a, buf);
	if (!scope_id || !isw_addr_is_link_local(a))
		return buf;
	n = strlen(buf);
	if (if_indextoname(scope_id, name))
		snprintf(buf + n, ISW_ADDR_SCOPED_MAX - n, "%%%s", name);
	else
		snprintf(buf + n, ISW_ADDR_SCOPED_MAX - n, "%%%u", scope_id);
	return buf;
}

uint64_t isw_addr_hash(const struct isw_addr *a)
{
	uint64_t lo, hi;

	memcpy(&lo, a->bytes, 8);
	memcpy(&hi, a->bytes + 8, 8);
	return isw_mix64(lo ^ isw_mix64(hi ^ a->family));
}

/* The interface index a "%scope" names: a name, or a decimal index. */
static int parse_scope(const char *scope, uint32_t *scope_id)
{
	char *end;
	unsigned long idx;

	if (!*scope || strlen(scope) >= IF_NAMESIZE)
		return -EINVAL;
	idx = if_nametoindex(scope);
	if (!idx) {
		errno = 0;
		idx = strtoul(scope, &end, 10);
		if (errno || *end || end == scope || idx == 0 || idx > UINT32_MAX)
			return -EINVAL;
	}
	*scope_id = (uint32_t)idx;
	return 0;
}

int isw_addr_parse(const char *text, struct isw_addr *out, uint32_t *scope_id)
{
	char buf[ISW_ADDR_TEXT_MAX + IF_NAMESIZE + 1];
	const char *pct = strchr(text, '%');
	uint8_t b[16];
	struct in_addr v4;
	size_t len = pct ? (size_t)(pct - text) : strlen(text);

	if (scope_id)
		*scope_id = 0;
	if (len >= ISW_ADDR_TEXT_MAX)
		return -EINVAL;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (!pct && inet_pton(AF_INET, buf, &v4) == 1) {
		*out = isw_addr_from_v4(ntohl(v4.s_addr));
		return 0;
	}
	if (inet_pton(AF_INET6, buf, b) != 1)
		return -EINVAL;
	if (pct && (!scope_id || parse_scope(pct + 1, scope_id) < 0))
		return -EINVAL;
	/* ::ffff:a.b.c.d is how IPv6 spells an IPv4 address: one address, one key. */
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (!pct && memcmp(b, mapped, 12) == 0) {
		*out = isw_addr_from_v4((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
		                        (uint32_t)b[14] << 8 | b[15]);
		return 0;
	}
	*out = isw_addr_from_v6(b);
	return 0;
}

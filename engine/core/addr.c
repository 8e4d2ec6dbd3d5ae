/* SPDX-License-Identifier: BSD-2-Clause */
/* Text forms of addresses (include/icmpsweep/addr.h): the one formatter every output,
 * message and filter uses. */
#include <stdio.h>

#include <arpa/inet.h>

#include "icmpsweep/addr.h"

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

/* SPDX-License-Identifier: BSD-2-Clause */
/* Names of result types and lookup states, and the text of result addresses (result.h), for
 * every writer and reader. */
#include <stddef.h>

#include "icmpsweep/result.h"

const char *isw_result_type_name(enum isw_result_type type)
{
	switch (type) {
	case ISW_RESULT_ECHO_REPLY:
		return "echo-reply";
	case ISW_RESULT_UNREACHABLE:
		return "unreachable";
	case ISW_RESULT_TIME_EXCEEDED:
		return "time-exceeded";
	case ISW_RESULT_ARP_ONLY:
		return "arp-only";
	case ISW_RESULT_NDP_ONLY:
		return "ndp-only";
	case ISW_RESULT_OTHER_ERROR:
	case ISW_RESULT_TYPE_COUNT:
		break;
	}
	return "icmp-error";
}

const char *isw_lookup_name(enum isw_lookup lookup)
{
	switch (lookup) {
	case ISW_LOOKUP_OK:
		return "ok";
	case ISW_LOOKUP_NXDOMAIN:
		return "nxdomain";
	case ISW_LOOKUP_SERVFAIL:
		return "servfail";
	case ISW_LOOKUP_TIMEOUT:
		return "timeout";
	case ISW_LOOKUP_NONE:
	case ISW_LOOKUP_COUNT:
		break;
	}
	return NULL;
}

const char *isw_result_addr_text(const struct isw_result *r, char *buf)
{
	return isw_addr_format_scoped(&r->addr, r->scope_id, buf);
}

const char *isw_result_responder_text(const struct isw_result *r, char *buf)
{
	return isw_addr_format_scoped(&r->responder, r->scope_id, buf);
}

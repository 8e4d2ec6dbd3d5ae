/* SPDX-License-Identifier: BSD-2-Clause */
/* One validated answer to a probe, as handed to output writers. */
#ifndef ICMPSWEEP_RESULT_H
#define ICMPSWEEP_RESULT_H

#include <stdint.h>

#include "addr.h"

enum isw_result_type {
	ISW_RESULT_ECHO_REPLY = 0, /* the target is alive */
	ISW_RESULT_UNREACHABLE,    /* ICMP destination unreachable quoting our probe */
	ISW_RESULT_TIME_EXCEEDED,  /* ICMP time exceeded quoting our probe */
	ISW_RESULT_OTHER_ERROR,    /* another ICMP error quoting our probe */
	ISW_RESULT_ARP_ONLY,       /* on-link host that answered ARP but not ICMP echo */
	ISW_RESULT_NDP_ONLY,       /* on-link IPv6 host that answered NDP but not ICMPv6 echo */
	ISW_RESULT_TYPE_COUNT      /* not a type: how many there are (keep last) */
};

/* Outcome of a reverse lookup (resolver stage). */
enum isw_lookup {
	ISW_LOOKUP_NONE = 0, /* not looked up (-n) */
	ISW_LOOKUP_OK,       /* a PTR name came back */
	ISW_LOOKUP_NXDOMAIN, /* no name: NXDOMAIN, or an answer without a PTR record */
	ISW_LOOKUP_SERVFAIL, /* the server failed or refused (SERVFAIL, REFUSED, FORMERR...) */
	ISW_LOOKUP_TIMEOUT,  /* no answer within the tries (or the server was unreachable) */
	ISW_LOOKUP_COUNT     /* not an outcome: how many there are (keep last) */
};

struct isw_result {
	struct isw_addr addr;      /* the probed target */
	struct isw_addr responder; /* who sent the answer: the target or the reporting router */
	enum isw_result_type type;
	uint8_t icmp_type, icmp_code;
	uint8_t ttl;            /* IP TTL of the answer as received */
	uint8_t probe;          /* which probe (1-based attempt) got the answer; 0 if unknown */
	double rtt_ms;          /* from the echoed send time; negative if unknown */
	int64_t ts_us;          /* receive time, microseconds since the Unix epoch */
	const char *hostname;   /* reverse name, or NULL (resolver stage) */
	enum isw_lookup lookup; /* outcome of the reverse lookup of addr (resolver stage) */
	/* On-link targets (ARP pass): the host's MAC, its vendor from the OUI registry (or
	 * NULL) and a note such as an address conflict (or NULL). */
	int have_mac;
	uint8_t mac[6];
	const char *vendor;
	const char *note;
	/* Interface index that scopes a link-local (fe80::/10) addr or responder, as the
	 * capture saw it; 0 when neither is link-local or the interface is unknown. */
	uint32_t scope_id;
	/* 1: an answer to the echo request to all nodes (ff02::1, --ipv6-multicast), from
	 * whichever address the host answered with. */
	uint8_t via_group;
};

/* Short stable name of a result type: "echo-reply", "unreachable", "time-exceeded",
 * "icmp-error", "arp-only", "ndp-only". */
const char *isw_result_type_name(enum isw_result_type type);

/* A host present by neighbour discovery alone (ARP or NDP): up, without an echo reply. */
static inline int isw_result_is_neigh_only(enum isw_result_type type)
{
	return type == ISW_RESULT_ARP_ONLY || type == ISW_RESULT_NDP_ONLY;
}

/* "ok", "nxdomain", "servfail", "timeout"; NULL for ISW_LOOKUP_NONE. */
const char *isw_lookup_name(enum isw_lookup lookup);

/* Text of r->addr or r->responder for outputs: a link-local address carries "%interface"
 * from r->scope_id.  buf at least ISW_ADDR_SCOPED_MAX bytes; returns buf. */
const char *isw_result_addr_text(const struct isw_result *r, char *buf);
const char *isw_result_responder_text(const struct isw_result *r, char *buf);

#endif

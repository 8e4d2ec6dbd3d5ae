/* One validated answer to a probe, as handed to output writers. */
#ifndef ICMPSWEEP_RESULT_H
#define ICMPSWEEP_RESULT_H

#include <stdint.h>

enum isw_result_type {
	ISW_RESULT_ECHO_REPLY = 0, /* the target is alive */
	ISW_RESULT_UNREACHABLE,    /* ICMP destination unreachable quoting our probe */
	ISW_RESULT_TIME_EXCEEDED,  /* ICMP time exceeded quoting our probe */
	ISW_RESULT_OTHER_ERROR,    /* another ICMP error quoting our probe */
};

struct isw_result {
	uint32_t addr;      /* the probed target (host byte order) */
	uint32_t responder; /* who sent the answer: the target or the reporting router */
	enum isw_result_type type;
	uint8_t icmp_type, icmp_code;
	uint8_t ttl;          /* IP TTL of the answer as received */
	uint8_t probe;        /* which probe (1-based attempt) got the answer; 0 if unknown */
	double rtt_ms;        /* from the echoed send time; negative if unknown */
	int64_t ts_us;        /* receive time, microseconds since the Unix epoch */
	const char *hostname; /* reverse name, or NULL (resolver stage) */
};

/* Short stable name of a result type: "echo-reply", "unreachable", "time-exceeded",
 * "icmp-error". */
const char *isw_result_type_name(enum isw_result_type type);

#endif

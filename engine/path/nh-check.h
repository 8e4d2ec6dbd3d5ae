/* SPDX-License-Identifier: BSD-2-Clause */
/* Re-checking the next hop with our own ARP while the scan runs: who-has next_hop from our
 * source, broadcast, so a replaced router answers from its new MAC.  Needs no privilege
 * beyond the transmit handle already open (the kernel's NUD_PROBE needs CAP_NET_ADMIN, which
 * is gone after the privilege drop).  Pure logic, driven by path-health.c's clock. */
#ifndef ISW_NH_CHECK_H
#define ISW_NH_CHECK_H

#include <stdint.h>

#define ISW_NH_TRIES      3
#define ISW_NH_TRY_GAP_NS 1000000000ull

enum isw_nh_verdict {
	ISW_NH_IDLE,   /* no check running */
	ISW_NH_WAIT,   /* waiting for an answer */
	ISW_NH_ASK,    /* send one ARP request now */
	ISW_NH_OK,     /* answered from the MAC we send to */
	ISW_NH_MOVED,  /* answered from another MAC */
	ISW_NH_SILENT, /* no answer to ISW_NH_TRIES requests */
};

struct isw_nh_check {
	uint64_t since, next;
	unsigned tries;
	int active;
};

/* Starts a check at now (no-op while one runs). */
void isw_nh_check_start(struct isw_nh_check *c, uint64_t now);
/* One step at now.  answered_ns: when the next hop last answered us (0: never), with mac.
 * A verdict other than IDLE/WAIT/ASK ends the check. */
enum isw_nh_verdict isw_nh_check_step(struct isw_nh_check *c, uint64_t now, uint64_t answered_ns,
                                      const uint8_t mac[6], const uint8_t expected[6]);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/* The next hop re-checked with our own ARP while the scan runs (nh-check.h). */
#include <string.h>

#include "nh-check.h"

void isw_nh_check_start(struct isw_nh_check *c, uint64_t now)
{
	if (c->active)
		return;
	c->active = 1;
	c->tries = 0;
	c->since = now;
	c->next = now;
}

enum isw_nh_verdict isw_nh_check_step(struct isw_nh_check *c, uint64_t now, uint64_t answered_ns,
                                      const uint8_t mac[6], const uint8_t expected[6])
{
	if (!c->active)
		return ISW_NH_IDLE;
	/* Only an answer to this check counts: an older one says nothing about now. */
	if (answered_ns && answered_ns >= c->since) {
		c->active = 0;
		return memcmp(mac, expected, 6) ? ISW_NH_MOVED : ISW_NH_OK;
	}
	if (now < c->next)
		return ISW_NH_WAIT;
	if (c->tries >= ISW_NH_TRIES) {
		c->active = 0;
		return ISW_NH_SILENT;
	}
	c->tries++;
	c->next = now + ISW_NH_TRY_GAP_NS;
	return ISW_NH_ASK;
}

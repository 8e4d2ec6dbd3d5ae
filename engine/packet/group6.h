/* SPDX-License-Identifier: BSD-2-Clause */
/* --ipv6-multicast: one ICMPv6 echo request to ff02::1 (all nodes) on an interface, and the key
 * its answers validate against.  Answers come from each host's own address, so the tags cannot
 * be keyed on the destination as the unicast probes' are: they are keyed on the group instead,
 * with the interface's index in it, ff02:IIII::1 (I: the index's low 16 bits, which the probe
 * also carries in the payload's two spare bytes, so that a trace read back validates them
 * too).  Both tags stay keyed with the scan's secret: nobody off the link can make a valid
 * answer, and live the matcher takes one only on the interface whose index it names.  A host
 * on the link sees the request and could answer for addresses that are not its own - as it
 * could answer neighbour solicitations for them: the link is trusted as far as NDP is. */
#ifndef ISW_GROUP6_H
#define ISW_GROUP6_H

#include <stdint.h>

#include "probe6.h"
#include "tag.h"

#define ISW_GROUP6_OFF_IFINDEX 10 /* in the payload: u16, the interface's index */

/* The key address of interface ifindex's group probe. */
void isw_group6_key(uint32_t ifindex, uint8_t out[16]);

/* Writes the echo request to ff02::1 from src (our link-local address) on interface ifindex
 * into frame (at least t->len bytes, an Ethernet template): to 33:33:00:00:00:01, hop limit 1
 * as a link-scoped group wants, tags over isw_group6_key. */
void isw_group6_patch(const struct isw_probe6_template *t, const struct isw_tag_key *key,
                      uint8_t *frame, const uint8_t src[16], uint32_t ifindex, uint8_t probe,
                      uint64_t send_ns);

#endif

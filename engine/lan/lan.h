/* SPDX-License-Identifier: BSD-2-Clause */
/* On-link targets: the part of the target set inside the networks attached to the sending
 * interface.  They are swept with ARP first (their own index space and keyed order), and the
 * MAC each one answers with is where its ICMP probes then go: zmap and masscan send every
 * frame to the gateway and miss them.  The capture thread is the only writer of the MAC
 * table; the sender reads it lock-free. */
#ifndef ISW_LAN_H
#define ISW_LAN_H

#include <stdatomic.h>
#include <stdint.h>

#include "icmpsweep/result.h"
#include "icmpsweep/targets.h"
#include "arp.h"
#include "arp-view.h"
#include "permute.h"
#include "route.h"
#include "shard.h"

struct isw_oui;

struct isw_lan {
	isw_targets *onlink;
	uint64_t n;
	struct isw_perm perm;
	/* Per on-link index: the address's arp-view.h word, seen through view. */
	_Atomic uint64_t *macs;
	struct isw_arp_view view;
	struct isw_arp_template tmpl;
	struct isw_oui *oui;
	uint32_t src;
	atomic_uint_least64_t hosts, conflicts, replies;
};

/* The on-link part of targets: those inside onlink (sorted, disjoint ranges: the networks
 * the routes say are on the link), but src, and with a shard (NULL: all) only its own.  Returns the
 * number of on-link targets (0: the lan stays inert and needs no free beyond isw_lan_free), or a
 * negative errno. */
int64_t isw_lan_init(struct isw_lan *l, const isw_targets *targets, const struct isw_prefix *onlink,
                     size_t nonlink, uint32_t src, const uint8_t src_mac[6], uint64_t seed,
                     const struct isw_shard *shard, const char *oui_path, char *errbuf);
void isw_lan_free(struct isw_lan *l);

/* Index of addr among the on-link targets, or -1. */
static inline int64_t isw_lan_index(const struct isw_lan *l, uint32_t addr)
{
	return l->onlink ? isw_targets_index(l->onlink, addr) : -1;
}

/* 1 with mac filled when the on-link target oidx answered ARP. */
int isw_lan_mac(const struct isw_lan *l, int64_t oidx, uint8_t mac[6]);

/* Capture thread: an ARP packet arrived; 1 if it taught us a target's MAC (or a conflict). */
int isw_lan_learn(struct isw_lan *l, const struct isw_arp_packet *a);

/* After the ARP passes: flags the addresses whose MAC answered for others too (arp-view.h).
 * Returns how many addresses were flagged. */
uint64_t isw_lan_mark_shared(struct isw_lan *l);

#endif

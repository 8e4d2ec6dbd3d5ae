/* SPDX-License-Identifier: BSD-2-Clause */
/* The once-a-second status line on stderr. */
#ifndef ISW_STATUS_H
#define ISW_STATUS_H

#include <stdint.h>
#include <stdio.h>

#include "icmpsweep/scan.h"

struct status {
	double last_elapsed;
	unsigned long long last_sent, last_replies;
	unsigned probes;
	double rate;
	double cooldown_s;
	uint32_t shard, shards; /* --shard: said on every line (shards 0: none) */
	/* Path health already told (status_health). */
	struct isw_scan_route route;
	char ifaces[128]; /* the interfaces in use, "eth0" or "eth0, eth1" (status_set_route) */
	unsigned faults_told;
	unsigned long long losses_told;
	int down_told, errors_told;
};

void status_init(struct status *st, const struct isw_config *cfg);
/* Where the scan sends (isw_scan_get_route), for the messages about its path. */
void status_set_route(struct status *st, const struct isw_scan_route *r);
void status_print(struct status *st, FILE *fp, const struct isw_scan_stats *s);
/* A line on fp for each new fault of the path, as soon as it is seen (even with -q):
 * call on every tick.  st->route names the interface and the next hop. */
void status_health(struct status *st, FILE *fp, const struct isw_scan_stats *s);
/* At the end: what the path cost (send errors, outages, re-sent probes) unless quiet, and an
 * error line for each fault that failed the run.  Returns 1 when the run failed. */
int status_health_final(const struct status *st, FILE *fp, const struct isw_scan_stats *s,
                        int quiet);

#endif

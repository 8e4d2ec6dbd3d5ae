/* The once-a-second status line on stderr. */
#ifndef ISW_STATUS_H
#define ISW_STATUS_H

#include <stdio.h>

#include "icmpsweep/scan.h"

struct status {
	double last_elapsed;
	unsigned long long last_sent, last_replies;
	unsigned probes;
	double rate;
	double cooldown_s;
};

void status_init(struct status *st, const struct isw_config *cfg);
void status_print(struct status *st, FILE *fp, const struct isw_scan_stats *s);

#endif

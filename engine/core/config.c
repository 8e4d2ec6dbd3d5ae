/* SPDX-License-Identifier: BSD-2-Clause */
/* Default values of the scan configuration (config.h). */
#include <string.h>

#include "icmpsweep/config.h"

void isw_config_init(struct isw_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->rate = ISW_DEFAULT_RATE;
	cfg->probes = 1;
	cfg->senders = 0; /* auto */
	cfg->cooldown_s = ISW_DEFAULT_COOLDOWN_S;
	cfg->cooldown_auto = 1;
	cfg->pcap_buffer = ISW_DEFAULT_PCAP_BUFFER;
	cfg->ttl = ISW_DEFAULT_TTL;
	cfg->hop_limit = ISW_DEFAULT_HOP_LIMIT;
	cfg->ipv6_multicast = 1;
}

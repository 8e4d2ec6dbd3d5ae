/* SPDX-License-Identifier: BSD-2-Clause */
/* -l/--localnet: the IPv4 networks this host is on, as targets. */
#ifndef ICMPSWEEP_CLI_LOCALNET_H
#define ICMPSWEEP_CLI_LOCALNET_H

#include <stddef.h>

#include "icmpsweep/targets.h"

#define CLI_LOCALNET_MAX_DEFAULT 16 /* a /16 per interface unless --localnet-max says more */
#define CLI_LOCALNET_NETS        64 /* networks taken from one interface at most */

struct cli_localnet {
	char iface[32];                    /* the one interface swept */
	char specs[CLI_LOCALNET_NETS][20]; /* "198.18.1.0/24": for the metadata */
	size_t nspecs;
	char desc[256]; /* "isw-scan0: 192.0.2.0/30, 198.18.1.0/24", for the start */
};

/* Adds the IPv4 networks of iface (NULL: of every interface that is up and not loopback;
 * more than one such interface is refused, as the ARP pass sweeps one) to t: each address's
 * network, its own address left to the engine.  Together they may cover at most a
 * /max_prefix.  0, or -EINVAL with a message naming what to do. */
int cli_localnet_add(isw_targets *t, const char *iface, int max_prefix, struct cli_localnet *ln,
                     char *errbuf);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/* What this build contains, for --version: backends and library versions. */
#ifndef ICMPSWEEP_BUILD_INFO_H
#define ICMPSWEEP_BUILD_INFO_H

#include <stddef.h>

/* Lines "transmit backends: ...", then one per library ("libpcap version 1.10.3", "libnet
 * 1.1.6", ...), each ending in a newline, into buf (cut to size).  Returns the length the
 * whole text has. */
size_t isw_build_info(char *buf, size_t size);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/* What this build of icmpsweep contains: transmit backends and the versions of the libraries
 * it runs with (as they report themselves at run time, not as they were at build time). */
#include <stdio.h>

#include <ares.h>
#include <libnet.h>
#include <pcap/pcap.h>
#include <sodium.h>
#include "icmpsweep/build-info.h"
#ifdef ISW_HAVE_XDP
#include "xdp-features.h"
#endif

size_t isw_build_info(char *buf, size_t size)
{
	int n = snprintf(buf, size,
	                 "transmit backends: %s, ring, libnet (and dry-run)\n"
	                 "%s\n"
	                 "%s\n"
	                 "c-ares %s\n"
	                 "libsodium %s\n",
#ifdef ISW_HAVE_XDP
	                 "xdp",
#else
	                 "(no xdp: built without libxdp/libbpf)",
#endif
	                 pcap_lib_version(), libnet_version(), ares_version(NULL),
	                 sodium_version_string());
#ifdef ISW_HAVE_XDP
	if (n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "libbpf %s\n", isw_xdp_libbpf_version());
#endif
	return n < 0 ? 0 : (size_t)n;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* What a device says it can do with XDP, from the kernel's "netdev" generic netlink family
 * (Linux 6.3 and later). */
#ifndef ISW_XDP_FEATURES_H
#define ISW_XDP_FEATURES_H

/* 1 when the device advertises AF_XDP zero-copy, 0 when it does not, or a negative errno
 * when the kernel cannot say (-ENOENT: no "netdev" family, an older kernel). */
int isw_xdp_zerocopy_advertised(int ifindex);

/* libbpf's version as it reports itself ("v1.1"). */
const char *isw_xdp_libbpf_version(void);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/* Which way a scan sends: raw frames (the raw backends and the packet capture), or in no-root
 * mode the ICMP datagram sockets (ping-socket.h; an ICMPv6 one too for IPv6 targets) -- asked
 * for with --tx socket, or chosen by --tx auto when raw packets are not permitted -- and why,
 * for the start line. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "icmpsweep/error.h"
#include "ping-socket.h"
#include "scan-internal.h"

/* What the ping socket cannot do: it sends no frame of our making and sees no other. */
static const char *needs_raw(const struct isw_config *c)
{
	if (c->trace_path)
		return "-w (a trace of the frames on the wire)";
	if (c->have_gw_mac)
		return "-G (frames to a given next-hop MAC)";
	if (c->arp == ISW_ARP_ONLY)
		return "--arp-only (an ARP sweep)";
	return NULL;
}

int isw_scan_choose_mode(struct isw_scan *s, char *errbuf)
{
	const struct isw_config *c = &s->cfg;
	struct isw_ping_socket_params pp = {
	    .family = AF_INET,
	    .iface = c->iface,
	    .src = c->src_addr,
	    .src6 = c->have_src6 ? c->src6 : NULL,
	    .ttl = c->ttl,
	    .rcvbuf_bytes = c->pcap_buffer,
	};
	const char *need;
	char group[128], reason[ISW_ERRBUF_SIZE];
	int asked = s->send.tx_ops == &isw_tx_socket_ops, fd;

	if (!asked && (s->send.tx_ops != &isw_tx_auto_ops || isw_raw_permitted()))
		return 0;
	need = needs_raw(c);
	if (need && asked) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "--tx socket cannot do %s: it needs raw packets (--tx auto, ring, libnet "
		         "or xdp, with CAP_NET_RAW)",
		         need);
		return -EINVAL;
	}
	if (need) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "raw packets are not permitted (no CAP_NET_RAW), and %s needs them", need);
		return -EPERM;
	}
	fd = isw_ping_socket_open(&pp, reason);
	if (fd >= 0 && isw_targets_count_v6(s->targets)) {
		pp.family = AF_INET6;
		pp.ttl = c->hop_limit;
		s->ping_fd6 = isw_ping_socket_open(&pp, reason);
		if (s->ping_fd6 < 0) {
			close(fd);
			fd = s->ping_fd6;
			s->ping_fd6 = -1;
		}
	}
	if (fd < 0) {
		if (asked)
			snprintf(errbuf, ISW_ERRBUF_SIZE, "--tx socket: %s", reason);
		else
			snprintf(errbuf, ISW_ERRBUF_SIZE,
			         "raw packets are not permitted (no CAP_NET_RAW), and %s", reason);
		return fd == -EACCES ? -EPERM : fd;
	}
	s->ping_fd = fd;
	s->send.tx_ops = &isw_tx_socket_ops;
	isw_ping_group_describe(group, sizeof(group));
	snprintf(s->mode_why, sizeof(s->mode_why), "%s; %s",
	         asked ? "--tx socket" : "raw packets are not permitted (no CAP_NET_RAW)", group);
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* Capture of the answers with libpcap (rx.h): a filtered handle, read in blocks with a timeout. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include <pcap/pcap.h>

#include "icmpsweep/addr.h"
#include "icmpsweep/error.h"
#include "rx.h"

struct isw_rx {
	pcap_t *p;
	enum isw_link link;
	isw_rx_cb cb;
	void *arg;
	/* pcap_stats counters are 32 bits and wrap in a long sweep: widen them here. */
	uint32_t last_recv, last_drop, last_ifdrop;
	uint64_t recv, drop, ifdrop;
};

static int fail(pcap_t *p, char *errbuf, const char *what, const char *iface)
{
	snprintf(errbuf, ISW_ERRBUF_SIZE, "capture on %s: %s: %s", iface, what, pcap_geterr(p));
	pcap_close(p);
	return -EIO;
}

/* ICMP to our IPv4 address; with an IPv6 one, ICMPv6 echo replies and the four error types
 * to it (their type is the byte after the fixed header: our answers carry no extension
 * headers, and match6.c counts none that do), and neighbour advertisements to it for an NDP
 * pass; ARP replies for an on-link sweep. */
static void build_filter(const struct isw_rx_params *prm, char *buf, size_t size)
{
	char src[ISW_ADDR_STRLEN], src6[ISW_ADDR_TEXT_MAX];
	struct isw_addr a6;
	int n = 0;

	if (prm->src || !prm->src6)
		n = snprintf(buf, size, "(icmp and dst host %s)", isw_addr_str(prm->src, src));
	if (prm->src6) {
		a6 = isw_addr_from_v6(prm->src6);
		n += snprintf(buf + n, size - (size_t)n,
		              "%s(ip6 and ip6[6] = 58 and dst host %s and (ip6[40] = 129 or "
		              "(ip6[40] >= 1 and ip6[40] <= 4)))",
		              n ? " or " : "", isw_addr_format(&a6, src6));
	}
	/* Advertisements answering our solicitations come to our address, never to a group. */
	if (prm->src6 && prm->ndp)
		n += snprintf(buf + n, size - (size_t)n,
		              " or (ip6 and ip6[6] = 58 and ip6[40] = 136 and dst host %s)", src6);
	/* Answers to the all-nodes echo request (--ipv6-multicast) come to our link-local one. */
	if (prm->ll6) {
		a6 = isw_addr_from_v6(prm->ll6);
		n += snprintf(buf + n, size - (size_t)n,
		              " or (ip6 and ip6[6] = 58 and ip6[40] = 129 and dst host %s)",
		              isw_addr_format(&a6, src6));
	}
	if (prm->arp)
		snprintf(buf + n, size - (size_t)n, " or (arp and arp[6:2] = 2)");
}

int isw_rx_open(struct isw_rx **out, const struct isw_rx_params *prm, char *errbuf)
{
	char perr[PCAP_ERRBUF_SIZE];
	char filter[512];
	struct bpf_program prog;
	struct isw_rx *rx;
	pcap_t *p;
	int rc;

	p = pcap_create(prm->iface, perr);
	if (!p) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "capture on %s: %s", prm->iface, perr);
		return -ENODEV;
	}
	/* Enough for the quoted headers of an ICMP error with IP options and our payload. */
	pcap_set_snaplen(p, 256);
	pcap_set_promisc(p, 0);
	/* RTT uses kernel timestamps, so the block delay costs no accuracy. */
	pcap_set_timeout(p, ISW_RX_BLOCK_TIMEOUT_MS);
	pcap_set_buffer_size(p, (int)prm->buffer_bytes);
	rc = pcap_activate(p);
	if (rc < 0) {
		int err = rc == PCAP_ERROR_PERM_DENIED ? -EPERM : -EIO;
		snprintf(errbuf, ISW_ERRBUF_SIZE, "capture on %s: %s%s", prm->iface,
		         pcap_statustostr(rc),
		         rc == PCAP_ERROR_PERM_DENIED ? " (needs root or CAP_NET_RAW)" : "");
		pcap_close(p);
		return err;
	}
	if (pcap_setdirection(p, PCAP_D_IN) < 0)
		return fail(p, errbuf, "setdirection", prm->iface);
	build_filter(prm, filter, sizeof(filter));
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
		return fail(p, errbuf, "compile filter", prm->iface);
	rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc < 0)
		return fail(p, errbuf, "set filter", prm->iface);
	if (pcap_setnonblock(p, 1, perr) < 0)
		return fail(p, errbuf, "setnonblock", prm->iface);

	rx = calloc(1, sizeof(*rx));
	if (!rx) {
		pcap_close(p);
		return -ENOMEM;
	}
	rx->p = p;
	switch (pcap_datalink(p)) {
	case DLT_EN10MB:
		rx->link = ISW_LINK_ETHERNET;
		break;
	case DLT_RAW:
#ifdef DLT_IPV4
	case DLT_IPV4:
#endif
		rx->link = ISW_LINK_RAW_IP;
		break;
	case DLT_LINUX_SLL:
		rx->link = ISW_LINK_LINUX_SLL;
		break;
	default:
		snprintf(errbuf, ISW_ERRBUF_SIZE, "capture on %s: unsupported link type %s",
		         prm->iface, pcap_datalink_val_to_name(pcap_datalink(p)));
		pcap_close(p);
		free(rx);
		return -EOPNOTSUPP;
	}
	*out = rx;
	return 0;
}

enum isw_link isw_rx_link(const struct isw_rx *rx)
{
	return rx->link;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct isw_rx *rx = (struct isw_rx *)user;
	int64_t ts = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;

	rx->cb(rx->arg, bytes, h->caplen, ts);
}

int isw_rx_dispatch(struct isw_rx *rx, int timeout_ms, isw_rx_cb cb, void *arg)
{
	struct pollfd pfd = {.fd = pcap_get_selectable_fd(rx->p), .events = POLLIN};
	int n, total = 0;

	rx->cb = cb;
	rx->arg = arg;
	n = pcap_dispatch(rx->p, -1, on_packet, (u_char *)rx);
	if (n < 0)
		return -EIO;
	total += n;
	if (total == 0 && timeout_ms > 0) {
		if (poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR)
			return -errno;
		n = pcap_dispatch(rx->p, -1, on_packet, (u_char *)rx);
		if (n < 0)
			return -EIO;
		total += n;
	}
	return total;
}

void isw_rx_stats(struct isw_rx *rx, uint64_t *recv, uint64_t *drop, uint64_t *ifdrop)
{
	struct pcap_stat st;

	if (pcap_stats(rx->p, &st) == 0) {
		rx->recv += (uint32_t)(st.ps_recv - rx->last_recv);
		rx->drop += (uint32_t)(st.ps_drop - rx->last_drop);
		rx->ifdrop += (uint32_t)(st.ps_ifdrop - rx->last_ifdrop);
		rx->last_recv = st.ps_recv;
		rx->last_drop = st.ps_drop;
		rx->last_ifdrop = st.ps_ifdrop;
	}
	*recv = rx->recv;
	*drop = rx->drop;
	*ifdrop = rx->ifdrop;
}

void isw_rx_close(struct isw_rx *rx)
{
	if (!rx)
		return;
	pcap_close(rx->p);
	free(rx);
}

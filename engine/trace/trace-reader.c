/* SPDX-License-Identifier: BSD-2-Clause */
/* Offline analysis of a trace: the live matcher over the packets of a pcap/pcapng file. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "icmpsweep/error.h"
#include "icmpsweep/trace.h"
#include "arp-table.h"
#include "arp.h"
#include "ndp.h"
#include "match.h"
#include "oui.h"
#include "report.h"

#define ICMP6_ECHO_REQUEST 128

/* The trace from its start: a stream of its own over the descriptor of given (opened before
 * the privilege drop), or opened by path.  NULL with errno set. */
static FILE *open_trace(const char *path, FILE *given)
{
	FILE *f;
	int fd;

	if (!given)
		return fopen(path, "rb");
	fd = dup(fileno(given));
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "rb");
	if (!f) {
		close(fd);
		return NULL;
	}
	/* The descriptors share one offset: each reader starts from the top. */
	if (fseek(f, 0, SEEK_SET) != 0) {
		int err = errno;
		fclose(f);
		errno = err;
		return NULL;
	}
	return f;
}

static int read_seed(const char *path, FILE *given, uint64_t *seed, char *errbuf);

int isw_trace_read_seed(const char *path, uint64_t *seed, char *errbuf)
{
	return read_seed(path, NULL, seed, errbuf);
}

/* Reads the first block of a pcapng file; a plain pcap file has no section header. */
static int read_seed(const char *path, FILE *given, uint64_t *seed, char *errbuf)
{
	uint8_t hdr[12];
	uint32_t type, len, bom;
	uint8_t *blk;
	FILE *fp = open_trace(path, given);
	int found = 0;

	if (!fp) {
		int err = errno;
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot open trace '%s': %s", path,
		         strerror(err));
		return -err;
	}
	if (fread(hdr, 1, sizeof(hdr), fp) != sizeof(hdr)) {
		fclose(fp);
		return 0;
	}
	memcpy(&type, hdr, 4);
	memcpy(&len, hdr + 4, 4);
	memcpy(&bom, hdr + 8, 4);
	/* Only native byte order: that is what icmpsweep writes. */
	if (type != 0x0A0D0D0Au || bom != 0x1A2B3C4Du || len < 28 || len > (1u << 20)) {
		fclose(fp);
		return 0;
	}
	blk = malloc(len);
	if (!blk || fseek(fp, 0, SEEK_SET) != 0 || fread(blk, 1, len, fp) != len) {
		free(blk);
		fclose(fp);
		return 0;
	}
	fclose(fp);
	for (size_t off = 24; off + 4 <= len - 4;) {
		uint16_t code, olen;
		memcpy(&code, blk + off, 2);
		memcpy(&olen, blk + off + 2, 2);
		if (code == 0 || off + 4 + olen > len - 4)
			break;
		if (code == 1) {
			char *c = strndup((char *)blk + off + 4, olen);
			char *p = c ? strstr(c, "seed=") : NULL;
			if (p) {
				char *end;
				unsigned long long v = strtoull(p + 5, &end, 10);
				if (end != p + 5) {
					*seed = v;
					found = 1;
				}
			}
			free(c);
			if (found)
				break;
		}
		off += 4 + (((size_t)olen + 3) & ~(size_t)3);
	}
	free(blk);
	return found;
}

/* The capture time in microseconds since the epoch, or -1 for a time no clock gives (before
 * the epoch, past what int64 microseconds hold, or a fraction of a second >= 1 s): pcapng
 * timestamps are 64-bit counts in any resolution, and a crafted file holds anything. */
static int64_t packet_ts_us(const struct timeval *tv)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000 ||
	    tv->tv_sec > INT64_MAX / 1000000 ||
	    (tv->tv_sec == INT64_MAX / 1000000 && tv->tv_usec > INT64_MAX % 1000000))
		return -1;
	return (int64_t)tv->tv_sec * 1000000 + tv->tv_usec;
}

static int link_of(int dlt, enum isw_link *link)
{
	switch (dlt) {
	case DLT_EN10MB:
		*link = ISW_LINK_ETHERNET;
		return 0;
	case DLT_RAW:
#ifdef DLT_IPV4
	case DLT_IPV4:
#endif
		*link = ISW_LINK_RAW_IP;
		return 0;
	case DLT_LINUX_SLL:
		*link = ISW_LINK_LINUX_SLL;
		return 0;
	}
	return -1;
}

/* A LAN sweep's ARP reply to us (or to anyone, src 0) about a target: learn it.  1 if pkt
 * was an ARP frame (handled), 0 if not, -ENOMEM. */
static int offline_arp(const struct isw_offline_config *cfg, struct isw_arp_table *t,
                       const uint8_t *pkt, size_t caplen, int64_t ts, struct isw_offline_stats *st)
{
	struct isw_arp_packet a;

	if (!isw_arp_parse(pkt, caplen, &a))
		return 0;
	if (a.op == 1) {
		st->probes++; /* our own requests, when the trace recorded them */
		return 1;
	}
	if (a.op != 2 || (cfg->src_addr && a.tpa != cfg->src_addr) ||
	    (cfg->targets && isw_targets_index(cfg->targets, a.spa) < 0))
		return 1;
	st->arp_replies++;
	return isw_arp_table_learn(t, a.spa, a.sha, ts) < 0 ? -ENOMEM : 1;
}

/* The same for an IPv6 sweep's neighbour discovery: our solicitations count as probes, a
 * solicited advertisement about a target is learnt.  1 if pkt was one (handled), 0 if not,
 * -ENOMEM. */
static int offline_ndp(const struct isw_offline_config *cfg, struct isw_arp_table *t,
                       const uint8_t *pkt, size_t caplen, int64_t ts, struct isw_offline_stats *st)
{
	struct isw_ndp_packet a = {0};
	struct isw_addr target = {0};

	/* A trace of ours holds only the solicitations we sent: the capture passes none. */
	if (caplen >= 14 + 40 + 24 && pkt[12] == 0x86 && pkt[13] == 0xdd && pkt[20] == 58 &&
	    pkt[54] == 135) {
		st->probes++;
		return 1;
	}
	if (!isw_ndp_is_advert(pkt, caplen))
		return 0;
	/* Nothing learnt from it: counted as ICMPv6 of no use, as before NDP was understood. */
	if (isw_ndp_parse(pkt, caplen, &a))
		target = isw_addr_from_v6(a.target);
	if (!target.family || !a.solicited ||
	    (cfg->targets && isw_targets_index_addr(cfg->targets, &target) < 0)) {
		st->invalid++;
		return 1;
	}
	st->arp_replies++;
	return isw_arp_table_learn_addr(t, &target, a.mac, ts) < 0 ? -ENOMEM : 1;
}

/* Once the table is complete (the first ICMP answer, or the end): shared MACs and vendors. */
static void offline_arp_ready(struct isw_arp_table *t, struct isw_arp_view *view,
                              struct isw_oui **oui, const char *oui_path)
{
	if (view->ops)
		return;
	*oui = isw_oui_load(oui_path ? oui_path : ISW_OUI_DEFAULT_PATH);
	*view = isw_arp_table_view(t, *oui);
	isw_arp_view_mark_shared(view);
}

int isw_trace_has_arp_replies(const char *path, uint32_t src_addr)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p = pcap_open_offline(path, perr);
	int found = 0;

	if (!p)
		return 0;
	if (pcap_datalink(p) == DLT_EN10MB) {
		while (!found && pcap_next_ex(p, &h, &data) == 1) {
			struct isw_arp_packet a;
			struct isw_ndp_packet na;

			found = (isw_arp_parse(data, h->caplen, &a) && a.op == 2 &&
			         (!src_addr || a.tpa == src_addr)) ||
			        (isw_ndp_parse(data, h->caplen, &na) && na.solicited);
		}
	}
	pcap_close(p);
	return found;
}

/* The trace opened and checked: its seed (cfg's, or its own), a supported link type.  0, or
 * -errno with errbuf set (-EINVAL: not a trace we can read). */
static int open_checked(const struct isw_offline_config *cfg, pcap_t **out, enum isw_link *link,
                        uint64_t *seed_out, char *errbuf)
{
	char perr[PCAP_ERRBUF_SIZE];
	uint64_t seed = cfg->seed;
	pcap_t *p;
	int rc;

	if (!cfg->have_seed) {
		rc = read_seed(cfg->path, cfg->file, &seed, errbuf);
		if (rc < 0)
			return rc == -ENOENT || rc == -EACCES || rc == -EISDIR ? -EINVAL : rc;
		if (rc == 0 && !cfg->no_validate) {
			snprintf(errbuf, ISW_ERRBUF_SIZE,
			         "trace '%s' records no seed (not an icmpsweep pcapng file): give "
			         "--seed, or --no-validate",
			         cfg->path);
			return -EINVAL;
		}
	}
	if (cfg->file) {
		FILE *f = open_trace(cfg->path, cfg->file);

		/* pcap_close closes f. */
		p = f ? pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO,
		                                                 perr)
		      : NULL;
		if (!f)
			snprintf(perr, sizeof(perr), "%s", strerror(errno));
		else if (!p)
			fclose(f);
	} else {
		p = pcap_open_offline_with_tstamp_precision(cfg->path, PCAP_TSTAMP_PRECISION_MICRO,
		                                            perr);
	}
	if (!p) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot read trace '%s': %s", cfg->path, perr);
		return -EINVAL;
	}
	if (link_of(pcap_datalink(p), link) < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "trace '%s' has link type %s; only Ethernet, raw IP and Linux cooked "
		         "captures are supported",
		         cfg->path, pcap_datalink_val_to_name(pcap_datalink(p)));
		pcap_close(p);
		return -EINVAL;
	}
	*out = p;
	*seed_out = seed;
	return 0;
}

int isw_trace_check(const struct isw_offline_config *cfg, char *errbuf)
{
	enum isw_link link;
	uint64_t seed;
	pcap_t *p;
	int rc = open_checked(cfg, &p, &link, &seed, errbuf);

	if (rc == 0)
		pcap_close(p);
	return rc;
}

int isw_trace_analyse(const struct isw_offline_config *cfg, isw_offline_sink_fn sink, void *arg,
                      struct isw_offline_stats *st, char *errbuf)
{
	struct isw_matcher m = {0};
	struct isw_arp_table arp = {0};
	struct isw_arp_view view = {0}; /* empty until the table is complete */
	struct isw_oui *oui = NULL;
	atomic_uint_least64_t hits = 0, icmp_errors = 0, duplicates = 0, arp_only = 0, ndp_only = 0;
	struct isw_report report;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t seed = cfg->seed;
	pcap_t *p;
	int rc;

	memset(st, 0, sizeof(*st));
	rc = open_checked(cfg, &p, &m.link, &seed, errbuf);
	if (rc < 0)
		return rc;
	if (isw_report_init_keyed(&report, &view,
	                          (struct isw_report_counters){&hits, &icmp_errors, &duplicates,
	                                                       &arp_only, &ndp_only},
	                          sink, arg) < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "out of memory reading '%s'", cfg->path);
		pcap_close(p);
		return -ENOMEM;
	}
	isw_tag_key_init(&m.key, seed);
	m.src_addr = cfg->src_addr;
	m.no_validate = cfg->no_validate;
	/* A trace may hold IPv6 sweeps (or, --no-validate, another tool's ICMPv6 answers): to
	 * any of our addresses, as the trace does not say which were ours. */
	m.ipv6 = 1;
	if (cfg->src6)
		memcpy(m.src6, cfg->src6, 16);
	/* ... and answers to an all-nodes echo request (--ipv6-multicast), keyed on its group. */
	m.group6 = 1;
	st->seed = seed;

	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		struct isw_result r;
		int64_t ts = packet_ts_us(&h->ts);
		enum isw_match_verdict v;

		st->packets++;
		if (ts < 0) {
			st->invalid++;
			continue;
		}
		if (m.link == ISW_LINK_ETHERNET) {
			int handled = offline_arp(cfg, &arp, data, h->caplen, ts, st);
			if (!handled)
				handled = offline_ndp(cfg, &arp, data, h->caplen, ts, st);
			if (handled < 0) {
				rc = handled;
				break;
			}
			if (handled)
				continue;
		}
		v = isw_match_packet(&m, data, h->caplen, ts, &r);
		/* Our own probes, when the trace recorded them.  Other ICMPv6 (neighbour discovery,
		 * router adverts) is common on a link and is nobody's probe. */
		if (v == ISW_MATCH_OTHER_ICMP &&
		    (r.responder.family != AF_INET6 || r.icmp_type == ICMP6_ECHO_REQUEST)) {
			st->probes++;
			continue;
		}
		if (v != ISW_MATCH_VALID ||
		    (cfg->targets && isw_targets_index_addr(cfg->targets, &r.addr) < 0)) {
			st->invalid++;
			continue;
		}
		/* The ARP passes come before the ICMP answers: the table is complete now, as it
		 * is live when the first echo reply arrives. */
		if (isw_arp_table_count(&arp))
			offline_arp_ready(&arp, &view, &oui, cfg->oui_path);
		rc = isw_report_answer(&report, &r, -1);
		if (rc < 0)
			break;
	}
	if (rc == PCAP_ERROR) {
		/* libpcap reports a packet cut short as an error after the good ones. */
		if (st->packets > 0) {
			st->truncated = 1;
			snprintf(
			    errbuf, ISW_ERRBUF_SIZE,
			    "trace '%s' is cut short after %llu packets (%s); results up to there "
			    "were reported",
			    cfg->path, (unsigned long long)st->packets, pcap_geterr(p));
			rc = 0;
		} else {
			snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot read trace '%s': %s", cfg->path,
			         pcap_geterr(p));
			rc = -EINVAL;
		}
	} else if (rc == -ENOMEM) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "out of memory reading '%s'", cfg->path);
	} else {
		rc = 0;
	}
	/* Hosts that answered ARP but never echo: after the trace, as live after the cooldown,
	 * each at the time of its first ARP reply. */
	if (rc == 0 && isw_arp_table_count(&arp)) {
		offline_arp_ready(&arp, &view, &oui, cfg->oui_path);
		isw_report_arp_only(&report, -1, NULL);
	}
	st->hits = hits;
	st->icmp_errors = icmp_errors;
	st->duplicates = duplicates;
	st->arp_only = arp_only;
	st->ndp_only = ndp_only;
	isw_report_free(&report);
	isw_oui_free(oui);
	isw_arp_table_free(&arp);
	pcap_close(p);
	return rc;
}

/* Offline analysis of a trace: the live matcher over the packets of a pcap/pcapng file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "icmpsweep/error.h"
#include "icmpsweep/trace.h"
#include "match.h"

/* Set of (address, kind) already reported: open addressing over 64-bit keys.  A trace holds
 * at most a few million answers, and offline reading has no hot path to protect. */
struct seen_set {
	uint64_t *slots; /* key + 1; 0 = empty */
	size_t cap, used;
};

static int seen_insert(struct seen_set *s, uint64_t key)
{
	if ((s->used + 1) * 2 > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 1024;
		uint64_t *n = calloc(ncap, sizeof(*n));
		if (!n)
			return -ENOMEM;
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slots[i])
				continue;
			size_t j = (s->slots[i] * 0x9e3779b97f4a7c15ULL) >> 20 & (ncap - 1);
			while (n[j])
				j = (j + 1) & (ncap - 1);
			n[j] = s->slots[i];
		}
		free(s->slots);
		s->slots = n;
		s->cap = ncap;
	}
	key++;
	size_t j = (key * 0x9e3779b97f4a7c15ULL) >> 20 & (s->cap - 1);
	while (s->slots[j]) {
		if (s->slots[j] == key)
			return 0;
		j = (j + 1) & (s->cap - 1);
	}
	s->slots[j] = key;
	s->used++;
	return 1;
}

/* Reads the first block of a pcapng file; a plain pcap file has no section header. */
int isw_trace_read_seed(const char *path, uint64_t *seed, char *errbuf)
{
	uint8_t hdr[12];
	uint32_t type, len, bom;
	uint8_t *blk;
	FILE *fp = fopen(path, "rb");
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

int isw_trace_analyse(const struct isw_offline_config *cfg, isw_offline_sink_fn sink, void *arg,
                      struct isw_offline_stats *st, char *errbuf)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct isw_matcher m = {0};
	struct seen_set seen = {0};
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t seed = cfg->seed;
	pcap_t *p;
	int rc;

	memset(st, 0, sizeof(*st));
	if (!cfg->have_seed) {
		rc = isw_trace_read_seed(cfg->path, &seed, errbuf);
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
	p = pcap_open_offline_with_tstamp_precision(cfg->path, PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (!p) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot read trace '%s': %s", cfg->path, perr);
		return -EINVAL;
	}
	if (link_of(pcap_datalink(p), &m.link) < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "trace '%s' has link type %s; only Ethernet, raw IP and Linux cooked "
		         "captures are supported",
		         cfg->path, pcap_datalink_val_to_name(pcap_datalink(p)));
		pcap_close(p);
		return -EINVAL;
	}
	isw_cookie_key_init(&m.key, seed);
	m.src_addr = cfg->src_addr;
	m.no_validate = cfg->no_validate;
	st->seed = seed;

	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		struct isw_result r;
		int64_t ts = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
		enum isw_match_verdict v;

		st->packets++;
		v = isw_match_packet(&m, data, h->caplen, ts, &r);
		if (v == ISW_MATCH_OTHER_ICMP) {
			/* Our own probes, when the trace recorded them. */
			st->probes++;
			continue;
		}
		if (v != ISW_MATCH_VALID ||
		    (cfg->targets && isw_targets_index(cfg->targets, r.addr) < 0)) {
			st->invalid++;
			continue;
		}
		rc = seen_insert(&seen, (uint64_t)r.addr << 1 | (r.type != ISW_RESULT_ECHO_REPLY));
		if (rc < 0)
			break;
		if (rc == 0) {
			st->duplicates++;
			continue;
		}
		if (r.type == ISW_RESULT_ECHO_REPLY)
			st->hits++;
		else
			st->icmp_errors++;
		sink(&r, arg);
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
	free(seen.slots);
	pcap_close(p);
	return rc;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* Result files read back: any of icmpsweep's output formats (text, csv, json lines, xml),
 * told apart by their content, into an in-memory set of the hosts that were up.
 *
 * Reused by the subcommands that work on finished sweeps (diff, and merge and an offline map
 * later): they compare or combine sets, never formats. */
#ifndef ISW_TOOLS_RESULT_FILE_H
#define ISW_TOOLS_RESULT_FILE_H

#include <stdint.h>
#include <stdio.h>

#include "icmpsweep/output.h"

/* rf_host.type when the file says the host is up but not how (text, and nmap's own reasons
 * other than echo-reply and arp-response). */
#define RF_TYPE_UP (-1)

/* One host that was up.  A field the file does not carry is unknown, and so never differs
 * from anything: text has no RTT, csv -f may drop columns, -n drops names. */
struct rf_host {
	struct isw_addr addr;
	uint32_t scope_id; /* a link-local address's interface ("fe80::1%eth0"), else 0 */
	int type;          /* ISW_RESULT_ECHO_REPLY, ISW_RESULT_ARP_ONLY or RF_TYPE_UP */
	double rtt_ms;     /* negative: unknown */
	int ttl;           /* -1: unknown */
	int have_mac;      /* 0: no MAC known */
	uint8_t mac[6];
	char *vendor; /* NULL: none or unknown */
	/* The reverse name in DNS presentation form, control bytes and bytes outside UTF-8 as
	 * \DDD, so that every format gives the same string.  NULL: not known (not looked up,
	 * or the lookup failed); "": looked up, no name. */
	char *hostname;
	unsigned long line; /* where the file has it (1-based) */
};

struct rf_set {
	enum isw_format format; /* which of icmpsweep's formats the file was written in */
	struct rf_host *hosts;  /* sorted by address, one per address */
	size_t n;
	size_t cap;
	uint64_t rows;        /* result rows read, hosts and others */
	uint64_t icmp_errors; /* rows of ICMP errors: these do not make a host up */
};

/* Reads the whole of fp (named name in messages).  0, or a negative errno with a message
 * in errbuf (ISW_ERRBUF_SIZE): -EINVAL "NAME:LINE: what is wrong" for content that is not a
 * result file, or -EIO / -ENOMEM.  On failure set is empty. */
int rf_read(FILE *fp, const char *name, struct rf_set *set, char *errbuf);
/* rf_read of a file by path ("-": standard input); -errno with the path when it cannot be
 * opened or read. */
int rf_load(const char *path, struct rf_set *set, char *errbuf);
/* The host at addr (scope scope_id), or NULL. */
const struct rf_host *rf_find(const struct rf_set *set, const struct isw_addr *addr,
                              uint32_t scope_id);
/* Address order (IPv4 before IPv6), then scope: the order of rf_set.hosts. */
int rf_host_cmp(const struct rf_host *a, const struct rf_host *b);
/* The host's address as the outputs write it (with its scope); buf of ISW_ADDR_SCOPED_MAX. */
const char *rf_host_ip(const struct rf_host *h, char *buf);
/* Parses an address as the outputs write it into h->addr and h->scope_id; 0 or -EINVAL (also
 * for a scope naming an interface this machine does not have). */
int rf_parse_ip(const char *text, struct rf_host *h);
void rf_free(struct rf_set *set);

#endif

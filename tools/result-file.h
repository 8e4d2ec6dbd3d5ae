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

enum rf_format { RF_TEXT, RF_CSV, RF_JSON, RF_XML };

/* rf_host.type when the file says the host is up but not how (text, and nmap's own reasons
 * other than echo-reply and arp-response). */
#define RF_TYPE_UP (-1)

/* One host that was up.  A field the file does not carry is unknown, and so never differs
 * from anything: text has no RTT, csv -f may drop columns, -n drops names. */
struct rf_host {
	uint32_t addr; /* host byte order */
	int type;      /* ISW_RESULT_ECHO_REPLY, ISW_RESULT_ARP_ONLY or RF_TYPE_UP */
	double rtt_ms; /* negative: unknown */
	int ttl;       /* -1: unknown */
	int have_mac;  /* 0: no MAC known */
	uint8_t mac[6];
	char *vendor; /* NULL: none or unknown */
	/* The reverse name in DNS presentation form, control bytes and bytes outside UTF-8 as
	 * \DDD, so that every format gives the same string.  NULL: not known (not looked up,
	 * or the lookup failed); "": looked up, no name. */
	char *hostname;
	unsigned long line; /* where the file has it (1-based) */
};

struct rf_set {
	enum rf_format format;
	struct rf_host *hosts; /* sorted by address, one per address */
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
/* The host at addr, or NULL. */
const struct rf_host *rf_find(const struct rf_set *set, uint32_t addr);
/* "text", "csv", "json", "xml". */
const char *rf_format_name(enum rf_format f);
void rf_free(struct rf_set *set);

#endif

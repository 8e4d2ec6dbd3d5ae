/* SPDX-License-Identifier: BSD-2-Clause */
/* What the format readers of result-file.c share: the input, a line-numbered error, and the
 * set being filled.  Not for other users: include result-file.h. */
#ifndef ISW_TOOLS_RESULT_PARSE_H
#define ISW_TOOLS_RESULT_PARSE_H

#include <stddef.h>

#include "result-file.h"

struct rf_input {
	const char *name; /* for messages */
	const char *buf;  /* the whole file, NUL-terminated after len */
	size_t len;
	char *errbuf;
};

/* Sets errbuf to "NAME:LINE: " and the message; returns -EINVAL. */
int rf_fail(const struct rf_input *in, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A row read: its address and fields (as the file wrote them) and its type's name. */
struct rf_row {
	const char *ip;       /* required */
	const char *type;     /* required (text: NULL, meaning up) */
	const char *rtt_ms;   /* NULL or "": unknown */
	const char *ttl;      /* NULL or "": unknown */
	const char *mac;      /* NULL or "": none */
	const char *vendor;   /* NULL or "": none */
	const char *hostname; /* NULL: unknown */
	size_t hostname_len;
	const char
	    *lookup; /* NULL: no lookup column; else only ok and nxdomain make a name known */
};

/* Checks and adds one row (hosts up become hosts, ICMP errors are counted); -EINVAL with the
 * line in the message when a field is malformed, -ENOMEM. */
int rf_add_row(struct rf_set *set, const struct rf_input *in, unsigned long line,
               const struct rf_row *row);
/* Adds a host as is (copies its strings); 0 or -ENOMEM. */
int rf_add_host(struct rf_set *set, const struct rf_host *h);
/* Sorts the hosts by address, one per address (an echo reply wins over ARP only, else the
 * first row): what every reader does last. */
void rf_dedupe(struct rf_set *set);
/* The len bytes of s as a canonical name (see rf_host.hostname), malloc'd; NULL if no memory. */
char *rf_name_canonical(const char *s, size_t len);

/* Code point cp (at most U+10FFFF) as UTF-8 at o; returns the end. */
char *rf_put_utf8(char *o, unsigned long cp);

int rf_read_text(struct rf_set *set, const struct rf_input *in);
int rf_read_csv(struct rf_set *set, const struct rf_input *in);
int rf_read_json(struct rf_set *set, const struct rf_input *in);
int rf_read_xml(struct rf_set *set, const struct rf_input *in);

#endif

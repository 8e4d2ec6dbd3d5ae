/* SPDX-License-Identifier: BSD-2-Clause */
/* Output writers: text (one address per line), CSV with a header row, JSON lines, and nmap's
 * XML (one <host> per host that is up, the <runstats> footer at isw_output_finish).
 *
 * Columns are a table so that later stages (reverse names, MACs) add a row, not a writer.
 * Writers buffer through stdio; isw_output_flush is called at least once a second by the scan
 * owner and on exit so that nothing received is lost on interruption.
 */
#ifndef ICMPSWEEP_OUTPUT_H
#define ICMPSWEEP_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include "result.h"

enum isw_format {
	ISW_FORMAT_TEXT = 0,
	ISW_FORMAT_CSV,
	ISW_FORMAT_JSON,
	ISW_FORMAT_XML, /* nmap's -oX, valid against nmap.dtd */
};

typedef struct isw_output isw_output;

/* "text", "csv", "json" or "xml" -> format; -EINVAL for anything else. */
int isw_format_parse(const char *name, enum isw_format *out);
/* The name isw_format_parse takes for format ("?" for a value outside the enum). */
const char *isw_format_name(enum isw_format format);

struct isw_output_options {
	enum isw_format format;
	/* Resolver stage on: CSV and JSON gain the columns `hostname` (the PTR name, "" when
	 * none) and `lookup` (ok, nxdomain, servfail, timeout) after all others; text lines
	 * become "address name" ("address" when there is no name).  Off (-n): neither column
	 * exists, so the output is exactly what it was before the stage. */
	int hostnames;
	/* On-link targets were swept with ARP: CSV and JSON gain `mac`, `vendor` (from the
	 * IEEE OUI registry, empty when unknown) and `note` (e.g. an address conflict). */
	int link;
	/* --dry-run: the output lists the probes that would be sent (isw_output_probe), not
	 * results; CSV's header is then "ip,probe,id,seq,len,frame". */
	int probes;
	/* -f: the columns of CSV and JSON, comma-separated, in that order (NULL: all of the
	 * above, in table order).  Only for results in csv or json; hostname and lookup need
	 * the resolver stage; mac, vendor and note are empty for routed targets. */
	const char *fields;
	/* XML: the command line for <nmaprun args>, and the start in Unix seconds (0: now). */
	const char *args;
	double start_time;
	/* --resume: fp continues a file this writer's format began, so no header is written
	 * (CSV's row of names, XML's <nmaprun>); the rest is as usual. */
	int append;
};

/* What the XML footer (<runstats>) needs besides the hosts written: the targets swept, the
 * end as Unix seconds (0: now) and, when the run did not finish normally, why (exit="error"
 * with errormsg).  The other formats have no footer. */
struct isw_output_end {
	uint64_t targets;
	double end_time;
	const char *error;
};

/* Whether opt->fields can be written: 0, or -EINVAL with a message naming the bad field (an
 * unknown or repeated one, a lookup column with -n, fields with text, xml or a dry run; a
 * dry run in xml, which has no place for probes). */
int isw_output_fields_check(const struct isw_output_options *opt, char *errbuf);
/* Every field -f accepts, one per line with what it holds. */
void isw_output_fields_list(FILE *fp);

/* One probe of a dry run: destination (either family), attempt (1-based), ICMP or ICMPv6 id
 * and sequence, frame length and the frame's first caplen bytes. */
struct isw_probe_line {
	struct isw_addr dst;
	unsigned probe;
	unsigned id, seq;
	uint32_t len;
	const uint8_t *frame;
	uint32_t caplen;
};

/* The writer does not own fp.  Text output lists present hosts only (echo replies and, on
 * the local network, ARP-only hosts); CSV and JSON also carry validated ICMP errors with
 * their type. */
int isw_output_open(isw_output **out, const struct isw_output_options *opt, FILE *fp);
/* isw_output_open without hostnames. */
int isw_output_new(isw_output **out, enum isw_format format, FILE *fp);
/* Both return 0 or the first write error as a negative errno (-ENOSPC for a full disk; -EIO
 * only when no call saw the system's reason).  Once a write has failed, every later call
 * returns that first error: results may have been lost from that point on. */
int isw_output_write(isw_output *o, const struct isw_result *r);
int isw_output_flush(isw_output *o);
/* Ends the document: XML's <runstats> and </nmaprun> (hosts up as written, down = targets
 * less up); nothing for the other formats.  Call once, after the last write and before the
 * last flush; later calls do nothing.  0 or the first error. */
int isw_output_finish(isw_output *o, const struct isw_output_end *end);
/* A dry run's probe, in the output's format: text "ADDR probe=N id=0xHHHH seq=0xHHHH len=N
 * frame=HEX", a CSV row or a JSON object with the same fields (id and seq as numbers).  Each
 * line is written whole, so sender threads may share the output.  0 or the first error. */
int isw_output_probe(isw_output *o, const struct isw_probe_line *p);
/* The first error so far (0 if none); safe to call from a thread other than the writer's. */
int isw_output_error(const isw_output *o);
void isw_output_free(isw_output *o);

/* Writes str as a JSON string literal; invalid UTF-8 becomes U+FFFD so the result always
 * parses. */
void isw_json_write_string(FILE *fp, const char *str);
/* Writes str as a CSV field (RFC 4180 quoting; a cell a spreadsheet would take for a formula
 * gets a leading single quote). */
void isw_csv_write_string(FILE *fp, const char *str);
/* Length less one of the well-formed UTF-8 sequence at s (0 for ASCII), or -1 when its bytes
 * are not well formed (no overlongs, surrogates or values past U+10FFFF). */
int isw_utf8_seq_len(const unsigned char *s);

#endif

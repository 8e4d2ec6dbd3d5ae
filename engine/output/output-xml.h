/* SPDX-License-Identifier: BSD-2-Clause */
/* nmap's XML output (-oX), the parts output.c writes at open, per result and at finish. */
#ifndef ISW_OUTPUT_XML_H
#define ISW_OUTPUT_XML_H

#include <stdint.h>
#include <stdio.h>

#include "icmpsweep/output.h"
#include "icmpsweep/result.h"

/* The current time in Unix seconds. */
double isw_xml_now(void);
/* Prologue, <nmaprun ...>, <verbose> and <debugging>. */
void isw_xml_header(FILE *fp, const char *args, double start_time);
/* One <host> when r is a host that is up (echo reply or ARP only): 1, else 0 (nmap lists no
 * down host at its default verbosity, and an ICMP error does not make a host up). */
int isw_xml_host(FILE *fp, const struct isw_result *r, int hostnames);
/* <runstats> and </nmaprun>. */
void isw_xml_footer(FILE *fp, uint64_t up, const struct isw_output_end *end, double start_time);
/* str as the inside of an attribute value. */
void isw_xml_write_attr(FILE *fp, const char *str);

#endif

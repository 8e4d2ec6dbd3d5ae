/* SPDX-License-Identifier: BSD-2-Clause */
/* nmap's XML output format (xmloutputversion 1.05), valid against nmap.dtd so that nmap's
 * tools (ndiff, Zenmap, importers) read it.
 *
 * The DTD enumerates nmaprun's scanner attribute as (nmap) alone, so the document says
 * scanner="nmap"; a comment, args and version tell that icmpsweep wrote it.  Like nmap -sn at
 * its default verbosity, only hosts that are up are listed; the footer counts the rest down. */
#include <time.h>

#include "icmpsweep/targets.h"
#include "icmpsweep/version.h"
#include "output-xml.h"

/* Attribute text: the five markup characters as entities; control bytes and bytes outside
 * well-formed UTF-8 (which no XML 1.0 document may hold, not even as character references) as
 * \DDD, the DNS presentation escape reverse names already use for their special bytes. */
void isw_xml_write_attr(FILE *fp, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		unsigned c = *s;
		int n = isw_utf8_seq_len(s);

		/* U+FFFE and U+FFFF are well-formed UTF-8 but not XML characters. */
		if (n == 2 && c == 0xef && s[1] == 0xbf && s[2] >= 0xbe)
			n = -1;
		if (n > 0) {
			fwrite(s, 1, (size_t)n + 1, fp);
			s += n + 1;
			continue;
		}
		if (n < 0 || c < 0x20 || c == 0x7f)
			fprintf(fp, "\\%03u", c);
		else if (c == '&')
			fputs("&amp;", fp);
		else if (c == '<')
			fputs("&lt;", fp);
		else if (c == '>')
			fputs("&gt;", fp);
		else if (c == '"')
			fputs("&quot;", fp);
		else if (c == '\'')
			fputs("&apos;", fp);
		else
			fputc((int)c, fp);
		s++;
	}
}

double isw_xml_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* nmap's startstr and timestr: ctime(3) in local time, without its newline. */
static void time_str(double t, char *buf, size_t size)
{
	time_t s = (time_t)t;
	struct tm tm;

	if (!localtime_r(&s, &tm) || !strftime(buf, size, "%a %b %e %H:%M:%S %Y", &tm))
		snprintf(buf, size, "%lld", (long long)s);
}

void isw_xml_header(FILE *fp, const char *args, double start_time)
{
	char when[64];

	time_str(start_time, when, sizeof(when));
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n", fp);
	fprintf(fp, "<!-- icmpsweep %s sweep started %s -->\n", ISW_VERSION, when);
	fputs("<nmaprun scanner=\"nmap\" args=\"", fp);
	isw_xml_write_attr(fp, args ? args : "icmpsweep");
	fprintf(fp,
	        "\" start=\"%lld\" startstr=\"%s\" version=\"icmpsweep %s\" "
	        "xmloutputversion=\"1.05\">\n<verbose level=\"0\"/>\n<debugging level=\"0\"/>\n",
	        (long long)start_time, when, ISW_VERSION);
}

int isw_xml_host(FILE *fp, const struct isw_result *r, int hostnames)
{
	const uint8_t *m = r->mac;
	char a[ISW_ADDR_SCOPED_MAX];

	if (r->type != ISW_RESULT_ECHO_REPLY && !isw_result_is_neigh_only(r->type))
		return 0;
	isw_result_addr_text(r, a);
	/* nmap's reasons: an echo reply's TTL, and 0 for ARP and NDP (nmap -6's nd-response). */
	if (r->type == ISW_RESULT_ECHO_REPLY)
		fprintf(fp,
		        "<host><status state=\"up\" reason=\"echo-reply\" reason_ttl=\"%u\"/>\n",
		        r->ttl);
	else
		fprintf(fp, "<host><status state=\"up\" reason=\"%s\" reason_ttl=\"0\"/>\n",
		        r->type == ISW_RESULT_NDP_ONLY ? "nd-response" : "arp-response");
	/* A link-local address's "%interface": interface names may hold any byte but '/', ':'
	 * and white space. */
	fputs("<address addr=\"", fp);
	isw_xml_write_attr(fp, a);
	fprintf(fp, "\" addrtype=\"%s\"/>\n", isw_addr_is_v4(&r->addr) ? "ipv4" : "ipv6");
	if (r->have_mac) {
		fprintf(fp, "<address addr=\"%02X:%02X:%02X:%02X:%02X:%02X\" addrtype=\"mac\"",
		        m[0], m[1], m[2], m[3], m[4], m[5]);
		if (r->vendor && *r->vendor) {
			fputs(" vendor=\"", fp);
			isw_xml_write_attr(fp, r->vendor);
			fputc('"', fp);
		}
		fputs("/>\n", fp);
	}
	/* As nmap: an empty <hostnames> when the lookup found nothing.  With -n there is none,
	 * so a reader can tell "no name" from "not looked up". */
	if (hostnames) {
		fputs("<hostnames>\n", fp);
		if (r->hostname && *r->hostname) {
			fputs("<hostname name=\"", fp);
			isw_xml_write_attr(fp, r->hostname);
			fputs("\" type=\"PTR\"/>\n", fp);
		}
		fputs("</hostnames>\n", fp);
	}
	/* nmap's first-sample timing (timing.cc adjust_timeouts2): srtt the sample, rttvar the
	 * sample within [5 ms, 2 s], timeout srtt + 4 rttvar; all in microseconds. */
	if (r->rtt_ms >= 0) {
		long long srtt = (long long)(r->rtt_ms * 1000.0 + 0.5);
		long long var = srtt < 5000 ? 5000 : srtt > 2000000 ? 2000000 : srtt;

		fprintf(fp, "<times srtt=\"%lld\" rttvar=\"%lld\" to=\"%lld\"/>\n", srtt, var,
		        srtt + 4 * var);
	}
	fputs("</host>\n", fp);
	return 1;
}

void isw_xml_footer(FILE *fp, uint64_t up, const struct isw_output_end *end, double start_time)
{
	double t = end && end->end_time > 0 ? end->end_time : isw_xml_now();
	double elapsed = t > start_time ? t - start_time : 0.0;
	uint64_t total = end && end->targets > up ? end->targets : up;
	char when[64];

	time_str(t, when, sizeof(when));
	fprintf(fp,
	        "<runstats><finished time=\"%lld\" timestr=\"%s\" summary=\"icmpsweep done at %s; "
	        "%llu IP addresses (%llu hosts up) scanned in %.2f seconds\" elapsed=\"%.2f\" "
	        "exit=\"%s\"",
	        (long long)t, when, when, (unsigned long long)total, (unsigned long long)up,
	        elapsed, elapsed, end && end->error ? "error" : "success");
	if (end && end->error) {
		fputs(" errormsg=\"", fp);
		isw_xml_write_attr(fp, end->error);
		fputc('"', fp);
	}
	fprintf(
	    fp, "/><hosts up=\"%llu\" down=\"%llu\" total=\"%llu\"/>\n</runstats>\n</nmaprun>\n",
	    (unsigned long long)up, (unsigned long long)(total - up), (unsigned long long)total);
}

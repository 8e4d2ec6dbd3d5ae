/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for tools/result-file.c and its format readers: each format read into the same
 * set of hosts, ICMP errors not counted as hosts, and malformed input refused with the file
 * and line.  Also engine/output/output-xml.c's escaping, read back by the XML reader. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "icmpsweep/output.h"
#include "icmpsweep/result.h"
#include "result-file.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* The host at IPv4 address a, or NULL. */
static const struct rf_host *find4(const struct rf_set *s, uint32_t a)
{
	struct isw_addr key = isw_addr_from_v4(a);

	return rf_find(s, &key, 0);
}

static int read_mem(const char *text, size_t len, struct rf_set *set, char *err)
{
	FILE *fp = fmemopen((void *)text, len, "r");
	int rc;

	assert_non_null(fp);
	rc = rf_read(fp, "f", set, err);
	fclose(fp);
	return rc;
}

static int read_str(const char *text, struct rf_set *set, char *err)
{
	return read_mem(text, strlen(text), set, err);
}

/* The results every format below holds: two hosts up (one on-link with a MAC and a name),
 * one ICMP error that is no host. */
static void check_common(const struct rf_set *s, int names)
{
	const struct rf_host *a = find4(s, IP(198, 18, 0, 1)), *b = find4(s, IP(198, 18, 0, 2));

	assert_int_equal(s->n, 2);
	assert_non_null(a);
	assert_non_null(b);
	assert_null(find4(s, IP(198, 18, 0, 3)));
	if (names) {
		assert_string_equal(a->hostname, "a&<b>\"q'.example");
		assert_string_equal(b->hostname, "");
	}
	assert_int_equal(b->have_mac, 1);
	assert_memory_equal(b->mac, "\x02\x00\x00\x00\x00\x0b", 6);
}

static void test_text(void **state __attribute__((unused)))
{
	struct rf_set s;
	char err[ISW_ERRBUF_SIZE];

	assert_int_equal(read_str("198.18.0.2\n198.18.0.1 host\\010x.example\n", &s, err), 0);
	assert_int_equal(s.format, ISW_FORMAT_TEXT);
	assert_int_equal(s.n, 2);
	assert_int_equal(isw_addr_v4(&s.hosts[0].addr), IP(198, 18, 0, 1));
	assert_int_equal(s.hosts[0].type, RF_TYPE_UP);
	assert_string_equal(s.hosts[0].hostname, "host\\010x.example");
	assert_null(s.hosts[1].hostname); /* text cannot say "no name" */
	assert_true(s.hosts[1].rtt_ms < 0);
	rf_free(&s);
	assert_int_equal(read_str("", &s, err), 0);
	assert_int_equal(s.n, 0);
	rf_free(&s);
}

static void test_csv(void **state __attribute__((unused)))
{
	static const char csv[] =
	    "ip,type,rtt_ms,ttl,probe,ts,responder,hostname,lookup,mac,vendor,note\n"
	    "198.18.0.3,unreachable,1.000,63,1,1.0,192.0.2.1,,nxdomain,,,\n"
	    "198.18.0.1,echo-reply,0.250,64,1,1.0,198.18.0.1,\"a&<b>\"\"q'.example\",ok,,,\n"
	    "198.18.0.2,arp-only,,0,,1.0,198.18.0.2,,nxdomain,02:00:00:00:00:0b,\"Acme, "
	    "Inc.\",\n";
	struct rf_set s;
	char err[ISW_ERRBUF_SIZE];

	assert_int_equal(read_str(csv, &s, err), 0);
	assert_int_equal(s.format, ISW_FORMAT_CSV);
	check_common(&s, 1);
	assert_int_equal(s.rows, 3);
	assert_int_equal(s.icmp_errors, 1);
	assert_int_equal(s.hosts[0].ttl, 64);
	assert_true(s.hosts[0].rtt_ms > 0.249 && s.hosts[0].rtt_ms < 0.251);
	assert_int_equal(s.hosts[1].type, ISW_RESULT_ARP_ONLY);
	assert_string_equal(s.hosts[1].vendor, "Acme, Inc.");
	rf_free(&s);
	/* -f order and subset; the formula guard undone; a name across lines. */
	assert_int_equal(read_str("type,hostname,ip\necho-reply,\"'=cmd\",198.18.0.9\n"
	                          "echo-reply,\"two\nlines\",198.18.0.8\n",
	                          &s, err),
	                 0);
	assert_string_equal(find4(&s, IP(198, 18, 0, 9))->hostname, "=cmd");
	assert_string_equal(find4(&s, IP(198, 18, 0, 8))->hostname, "two\\010lines");
	rf_free(&s);
	/* A timed-out lookup says nothing about the name. */
	assert_int_equal(
	    read_str("ip,type,hostname,lookup\n198.18.0.1,echo-reply,,timeout\n", &s, err), 0);
	assert_null(s.hosts[0].hostname);
	rf_free(&s);
}

static void test_json(void **state __attribute__((unused)))
{
	static const char json[] =
	    "{\"ip\":\"198.18.0.1\",\"type\":\"echo-reply\",\"rtt_ms\":0.250,\"ttl\":64,"
	    "\"hostname\":\"a&<b>\\\"q'.example\",\"lookup\":\"ok\",\"mac\":null}\n"
	    "\n"
	    "{\"ip\":\"198.18.0.3\",\"type\":\"time-exceeded\",\"rtt_ms\":null}\n"
	    "{ \"ttl\" : 0 , \"ip\":\"198.18.0.2\",\"type\":\"arp-only\",\"hostname\":\"\","
	    "\"lookup\":\"nxdomain\",\"mac\":\"02:00:00:00:00:0B\",\"extra\":true}\n";
	struct rf_set s;
	char err[ISW_ERRBUF_SIZE];

	assert_int_equal(read_str(json, &s, err), 0);
	assert_int_equal(s.format, ISW_FORMAT_JSON);
	check_common(&s, 1);
	assert_int_equal(s.icmp_errors, 1);
	rf_free(&s);
	/* Escapes: a control byte and U+FFFD as the writer emits them, a surrogate pair. */
	assert_int_equal(read_str("{\"ip\":\"198.18.0.1\",\"type\":\"echo-reply\",\"hostname\":"
	                          "\"x\\u0001\\ufffd\\ud83d\\ude00\"}",
	                          &s, err),
	                 0);
	assert_string_equal(s.hosts[0].hostname, "x\\001\xef\xbf\xbd\xf0\x9f\x98\x80");
	rf_free(&s);
}

static void test_xml(void **state __attribute__((unused)))
{
	static const char xml[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun [ <!ENTITY x \">\"> ]>\n"
	    "<!-- a > comment -->\n"
	    "<nmaprun scanner=\"nmap\" args=\"nmap -sn\" version=\"7.93\" "
	    "xmloutputversion=\"1.05\">\n"
	    "<verbose level=\"0\"/><debugging level=\"0\"/>\n"
	    "<hosthint><status state=\"up\" reason=\"x\" reason_ttl=\"0\"/>"
	    "<address addr=\"198.18.0.7\" addrtype=\"ipv4\"/></hosthint>\n"
	    "<host><status state=\"up\" reason=\"echo-reply\" reason_ttl=\"64\"/>\n"
	    "<address addr=\"198.18.0.1\" addrtype=\"ipv4\"/>\n"
	    "<hostnames>\n<hostname name=\"typed\" type=\"user\"/>"
	    "<hostname name='a&amp;&lt;b&gt;&quot;q&apos;.example' type=\"PTR\"/>\n</hostnames>\n"
	    "<times srtt=\"250\" rttvar=\"5000\" to=\"20250\"/>\n</host>\n"
	    "<host><status state=\"up\" reason=\"arp-response\" reason_ttl=\"0\"/>\n"
	    "<address addr=\"198.18.0.2\" addrtype=\"ipv4\"/>"
	    "<address addr=\"02:00:00:00:00:0B\" addrtype=\"mac\" vendor=\"Acme &#38; Co&#x2e;\"/>"
	    "<hostnames></hostnames><ports><extraports state=\"x\"/></ports></host>\n"
	    "<host><status state=\"down\" reason=\"host-unreach\" reason_ttl=\"63\"/>"
	    "<address addr=\"198.18.0.3\" addrtype=\"ipv4\"/></host>\n"
	    "<runstats><finished time=\"1\" elapsed=\"1\"/><hosts up=\"2\" down=\"1\" "
	    "total=\"3\"/></runstats>\n</nmaprun>\n";
	struct rf_set s;
	char err[ISW_ERRBUF_SIZE];

	assert_int_equal(read_str(xml, &s, err), 0);
	assert_int_equal(s.format, ISW_FORMAT_XML);
	check_common(&s, 1);
	assert_int_equal(s.hosts[0].type, ISW_RESULT_ECHO_REPLY);
	assert_int_equal(s.hosts[0].ttl, 64);
	assert_true(s.hosts[0].rtt_ms > 0.249 && s.hosts[0].rtt_ms < 0.251);
	assert_int_equal(s.hosts[1].type, ISW_RESULT_ARP_ONLY);
	assert_string_equal(s.hosts[1].vendor, "Acme & Co.");
	rf_free(&s);
}

/* What the XML writer escapes, the reader gives back in the canonical form. */
static void test_xml_round_trip(void **state __attribute__((unused)))
{
	static const char name[] = "a&b<c>\"d'e\x01\xff\xef\xbf\xbe.\xc3\xa9";
	struct isw_output_options opt = {.format = ISW_FORMAT_XML, .hostnames = 1, .args = "x"};
	struct isw_output_end end = {.targets = 5};
	struct isw_result r = {.addr = isw_addr_from_v4(IP(198, 18, 0, 4)),
	                       .type = ISW_RESULT_ECHO_REPLY,
	                       .ttl = 60,
	                       .rtt_ms = 1.5,
	                       .hostname = name,
	                       .lookup = ISW_LOOKUP_OK};
	isw_output *o;
	char *buf = NULL, err[ISW_ERRBUF_SIZE];
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct rf_set s;

	assert_int_equal(isw_output_open(&o, &opt, fp), 0);
	assert_int_equal(isw_output_write(o, &r), 0);
	r.type = ISW_RESULT_UNREACHABLE;
	r.addr = isw_addr_from_v4(IP(198, 18, 0, 5));
	assert_int_equal(isw_output_write(o, &r), 0);
	assert_int_equal(isw_output_finish(o, &end), 0);
	assert_int_equal(isw_output_finish(o, &end), 0); /* once only */
	isw_output_free(o);
	fclose(fp);
	assert_non_null(strstr(buf, "name=\"a&amp;b&lt;c&gt;&quot;d&apos;e\\001\\255\\239\\191"
	                            "\\190.\xc3\xa9\" type=\"PTR\""));
	assert_non_null(strstr(buf, "<hosts up=\"1\" down=\"4\" total=\"5\"/>"));
	assert_non_null(strstr(buf, "<times srtt=\"1500\" rttvar=\"5000\" to=\"21500\"/>"));
	assert_null(strstr(buf, "198.18.0.5"));
	assert_int_equal(read_str(buf, &s, err), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.hosts[0].hostname, "a&b<c>\"d'e\\001\\255\\239\\191\\190.\xc3\xa9");
	rf_free(&s);
	free(buf);
}

/* Every format written with IPv4, IPv6 and link-local answers reads back the same hosts, in
 * address order (IPv4 first), link-local ones with their interface. */
static void test_ipv6_round_trip(void **state __attribute__((unused)))
{
	static const enum isw_format formats[] = {ISW_FORMAT_TEXT, ISW_FORMAT_CSV, ISW_FORMAT_JSON,
	                                          ISW_FORMAT_XML};
	static const char *const texts[] = {"2001:db8::1", "198.18.0.1", "fe80::1", "2001:db8::2"};
	struct isw_result rs[4];
	char ip[ISW_ADDR_SCOPED_MAX], err[ISW_ERRBUF_SIZE];

	for (size_t i = 0; i < 4; i++) {
		memset(&rs[i], 0, sizeof(rs[i]));
		assert_int_equal(isw_addr_parse(texts[i], &rs[i].addr, NULL), 0);
		rs[i].responder = rs[i].addr;
		rs[i].type = ISW_RESULT_ECHO_REPLY;
		rs[i].ttl = 64;
		rs[i].rtt_ms = 1.25;
		rs[i].ts_us = 1700000000000000;
	}
	rs[0].hostname = "v6.example";
	rs[0].lookup = ISW_LOOKUP_OK;
	rs[2].scope_id = 1;                  /* lo: every machine has it, as index 1 */
	rs[3].type = ISW_RESULT_UNREACHABLE; /* an error: no host */
	for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
		struct isw_output_options opt = {.format = formats[f], .hostnames = 1, .args = "x"};
		struct isw_output_end end = {.targets = 4};
		isw_output *o;
		char *buf = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&buf, &len);
		struct rf_set s;

		assert_int_equal(isw_output_open(&o, &opt, fp), 0);
		for (size_t i = 0; i < 4; i++)
			assert_int_equal(isw_output_write(o, &rs[i]), 0);
		assert_int_equal(isw_output_finish(o, &end), 0);
		isw_output_free(o);
		fclose(fp);
		assert_non_null(strstr(buf, "fe80::1%lo"));
		if (formats[f] == ISW_FORMAT_CSV &&
		    !strstr(buf, "\nfe80::1%lo,echo-reply,1.250,64,,"
		                 "1700000000.000000,fe80::1%lo,"))
			fail_msg("%s", buf);
		if (formats[f] == ISW_FORMAT_JSON)
			assert_non_null(
			    strstr(buf, "{\"ip\":\"2001:db8::2\",\"type\":\"unreachable\""));
		if (formats[f] == ISW_FORMAT_XML) {
			assert_non_null(
			    strstr(buf, "<address addr=\"2001:db8::1\" addrtype=\"ipv6\"/>"));
			assert_non_null(
			    strstr(buf, "<address addr=\"198.18.0.1\" addrtype=\"ipv4\"/>"));
		}
		if (read_str(buf, &s, err) != 0)
			fail_msg("format %zu: %s\n%s", f, err, buf);
		assert_int_equal(s.format, formats[f]);
		assert_int_equal(s.n, 3);
		assert_string_equal(rf_host_ip(&s.hosts[0], ip), "198.18.0.1");
		assert_string_equal(rf_host_ip(&s.hosts[1], ip), "2001:db8::1");
		assert_string_equal(rf_host_ip(&s.hosts[2], ip), "fe80::1%lo");
		assert_int_equal(s.hosts[2].scope_id, 1);
		assert_non_null(rf_find(&s, &rs[0].addr, 0));
		assert_null(rf_find(&s, &rs[3].addr, 0));
		assert_null(rf_find(&s, &rs[2].addr, 0)); /* fe80::1 is nothing without its link */
		assert_non_null(rf_find(&s, &rs[2].addr, 1));
		assert_string_equal(s.hosts[1].hostname, "v6.example");
		if (formats[f] == ISW_FORMAT_CSV || formats[f] == ISW_FORMAT_JSON)
			assert_int_equal(s.icmp_errors, 1);
		rf_free(&s);
		free(buf);
	}
}

static void bad(const char *text, const char *want)
{
	struct rf_set s;
	char err[ISW_ERRBUF_SIZE] = "";

	if (read_str(text, &s, err) != -EINVAL) {
		print_error("input %s: accepted\n", text);
		fail();
	}
	if (!strstr(err, want)) {
		print_error("input %s: message \"%s\", wanted \"%s\"\n", text, err, want);
		fail();
	}
	assert_int_equal(s.n, 0);
}

static void test_malformed(void **state __attribute__((unused)))
{
	bad("198.18.0.1\nnot-an-address\n", "f:2: 'not-an-address' is not an IP address");
	bad("2001:db8::1\nfe80::1%no-such-if0\n", "f:2: 'fe80::1%no-such-if0' is not an IP");
	bad("<nmaprun><host><status state=\"up\"/><address addr=\"198.18.0.1\" addrtype=\"ipv6\"/>"
	    "</host></nmaprun>",
	    "'198.18.0.1' is not an IPv6 address");
	bad("198.18.0.1\n1.2.3.4.5 x\n", "f:2:");
	bad("ip,type\n198.18.0.1,echo-reply\n198.18.0.2,pong\n", "f:3: unknown result type 'pong'");
	bad("ip,type\n198.18.0.1\n", "f:2: 1 fields where the header has 2");
	bad("ip,type\n198.18.0.1,\"echo-reply\n", "f:2: a quoted field is not closed");
	bad("ip,type,rtt_ms\n198.18.0.1,echo-reply,fast\n", "f:2: bad rtt_ms 'fast'");
	bad("ip,type,ttl\n198.18.0.1,echo-reply,300\n", "f:2: bad ttl '300'");
	bad("ip,type,mac\n198.18.0.1,arp-only,02:00\n", "f:2: bad mac '02:00'");
	bad("ip,probe,id,seq,len,frame\n198.18.0.1,1,2,3,4,ab\n", "f:1: a csv header without");
	bad("{\"ip\":\"198.18.0.1\",\"type\":\"echo-reply\"}\n{\"ip\":\"198.18.0.2\"\n",
	    "f:2: bad JSON");
	bad("{\"ip\":\"198.18.0.1\",\"probe\":1}\n", "f:1: an object without");
	bad("{\"ip\":\"198.18.0.1\",\"type\":\"echo-reply\"} x\n", "f:1: text after");
	bad("{\"ip\":\"198.18.0.1\",\"type\":\"echo-reply\",\"hostname\":\"\\q\"}\n",
	    "f:1: bad JSON value");
	bad("<foo/>\n", "f:1: the root element is <foo>");
	bad("<nmaprun>\n<host>\n</nmaprun>\n", "f:3: </nmaprun> does not close <host>");
	bad("<nmaprun>\n<host><status state=\"up\"", "not closed");
	bad("<nmaprun>\n<host>\n", "the document ends inside <host>");
	bad("<nmaprun><host><address addr=\"x&bogus;\"/></host></nmaprun>", "unknown entity");
	bad("<nmaprun><host><address addr=\"999.1.1.1\"/></host></nmaprun>", "not an IPv4");
	bad("<nmaprun a=b></nmaprun>", "without a quoted value");
}

static void test_nul_byte(void **state __attribute__((unused)))
{
	struct rf_set s;
	char err[ISW_ERRBUF_SIZE];

	assert_int_equal(read_mem("198.18.0.1\n\0x\n", 14, &s, err), -EINVAL);
	assert_non_null(strstr(err, "f:2: a NUL byte"));
}

static void test_load_missing(void **state __attribute__((unused)))
{
	struct rf_set s;
	char err[ISW_ERRBUF_SIZE];

	assert_int_equal(rf_load("/nonexistent/results", &s, err), -ENOENT);
	assert_non_null(strstr(err, "'/nonexistent/results'"));
}

/* The first of two rows of one address is kept, except that an echo reply wins. */
static void test_duplicates(void **state __attribute__((unused)))
{
	struct rf_set s;
	char err[ISW_ERRBUF_SIZE];

	assert_int_equal(read_str("ip,type,ttl\n198.18.0.1,arp-only,0\n198.18.0.2,echo-reply,1\n"
	                          "198.18.0.1,echo-reply,64\n198.18.0.2,echo-reply,2\n",
	                          &s, err),
	                 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.hosts[0].ttl, 64);
	assert_int_equal(s.hosts[1].ttl, 1);
	rf_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text),           cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_json),           cmocka_unit_test(test_xml),
	    cmocka_unit_test(test_xml_round_trip), cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_load_missing),   cmocka_unit_test(test_duplicates),
	    cmocka_unit_test(test_nul_byte),       cmocka_unit_test(test_ipv6_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for the resolver columns of engine/output/output.c: hostname and lookup in CSV and
 * JSON, "address name" in text, escaping of names holding any byte, and the exact old output when
 * the columns are off (-n). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/output.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static struct isw_result result(const char *name, enum isw_lookup lookup)
{
	struct isw_result r;

	memset(&r, 0, sizeof(r));
	r.addr = r.responder = isw_addr_from_v4(IP(198, 18, 4, 7));
	r.type = ISW_RESULT_ECHO_REPLY;
	r.ttl = 64;
	r.probe = 1;
	r.rtt_ms = 0.5;
	r.ts_us = INT64_C(1700000000000001);
	r.hostname = name;
	r.lookup = lookup;
	return r;
}

/* The whole output for one result (caller frees). */
static char *render(enum isw_format fmt, int hostnames, const struct isw_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct isw_output_options opt = {.format = fmt, .hostnames = hostnames};
	isw_output *o = NULL;

	assert_non_null(fp);
	assert_int_equal(isw_output_open(&o, &opt, fp), 0);
	if (r)
		assert_int_equal(isw_output_write(o, r), 0);
	assert_int_equal(isw_output_flush(o), 0);
	isw_output_free(o);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

#define ROW "198.18.4.7,echo-reply,0.500,64,1,1700000000.000001,198.18.4.7"
#define OBJ                                                                                        \
	"{\"ip\":\"198.18.4.7\",\"type\":\"echo-reply\",\"rtt_ms\":0.500,\"ttl\":64,\"probe\":1,"  \
	"\"ts\":1700000000.000001,\"responder\":\"198.18.4.7\""

static void expect(enum isw_format fmt, int hostnames, const struct isw_result *r, const char *want)
{
	char *got = render(fmt, hostnames, r);

	if (strcmp(got, want))
		fail_msg("format %d hostnames %d:\n got: %s\nwant: %s", fmt, hostnames, got, want);
	free(got);
}

static void test_off_is_unchanged(void **state)
{
	struct isw_result r = result("ignored.example", ISW_LOOKUP_OK);

	expect(ISW_FORMAT_CSV, 0, NULL, "ip,type,rtt_ms,ttl,probe,ts,responder\n");
	expect(ISW_FORMAT_CSV, 0, &r, "ip,type,rtt_ms,ttl,probe,ts,responder\n" ROW "\n");
	expect(ISW_FORMAT_JSON, 0, &r, OBJ "}\n");
	expect(ISW_FORMAT_TEXT, 0, &r, "198.18.4.7\n");
}

static void test_columns(void **state)
{
	struct isw_result ok = result("printer-3.office.example", ISW_LOOKUP_OK);
	struct isw_result nx = result(NULL, ISW_LOOKUP_NXDOMAIN);
	struct isw_result none = result(NULL, ISW_LOOKUP_NONE);

	expect(ISW_FORMAT_CSV, 1, NULL, "ip,type,rtt_ms,ttl,probe,ts,responder,hostname,lookup\n");
	expect(ISW_FORMAT_CSV, 1, &ok,
	       "ip,type,rtt_ms,ttl,probe,ts,responder,hostname,lookup\n" ROW
	       ",printer-3.office.example,ok\n");
	expect(ISW_FORMAT_CSV, 1, &nx,
	       "ip,type,rtt_ms,ttl,probe,ts,responder,hostname,lookup\n" ROW ",,nxdomain\n");
	expect(ISW_FORMAT_CSV, 1, &none,
	       "ip,type,rtt_ms,ttl,probe,ts,responder,hostname,lookup\n" ROW ",,\n");
	expect(ISW_FORMAT_JSON, 1, &ok,
	       OBJ ",\"hostname\":\"printer-3.office.example\",\"lookup\":\"ok\"}\n");
	expect(ISW_FORMAT_JSON, 1, &nx, OBJ ",\"hostname\":\"\",\"lookup\":\"nxdomain\"}\n");
	expect(ISW_FORMAT_JSON, 1, &none, OBJ ",\"hostname\":\"\",\"lookup\":null}\n");
	expect(ISW_FORMAT_TEXT, 1, &ok, "198.18.4.7 printer-3.office.example\n");
	expect(ISW_FORMAT_TEXT, 1, &nx, "198.18.4.7\n");
}

static void test_odd_names(void **state)
{
	struct isw_result r = result("a,b\"c.caf\xc3\xa9\n\x7f\xff.x", ISW_LOOKUP_OK);
	struct isw_result err = result("router.example", ISW_LOOKUP_OK);

	expect(ISW_FORMAT_CSV, 1, &r,
	       "ip,type,rtt_ms,ttl,probe,ts,responder,hostname,lookup\n" ROW
	       ",\"a,b\"\"c.caf\xc3\xa9\n\x7f\xff.x\",ok\n");
	expect(
	    ISW_FORMAT_JSON, 1, &r,
	    OBJ
	    ",\"hostname\":\"a,b\\\"c.caf\xc3\xa9\\u000a\\u007f\\ufffd.x\",\"lookup\":\"ok\"}\n");
	expect(ISW_FORMAT_TEXT, 1, &r, "198.18.4.7 a,b\"c.caf\xc3\xa9\\010\\127\xff.x\n");
	/* Text lists live hosts only, named or not. */
	err.type = ISW_RESULT_UNREACHABLE;
	expect(ISW_FORMAT_TEXT, 1, &err, "");
}

/* OWASP CSV injection: a cell a spreadsheet would run as a formula gets a leading single
 * quote and is quoted; JSON and text carry the name as it is. */
static void test_csv_formula_neutralised(void **state)
{
	static const struct {
		const char *name, *cell;
	} cases[] = {
	    {"=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\""},
	    {"+1.example", "\"'+1.example\""},
	    {"-2.example", "\"'-2.example\""},
	    {"@SUM(A1)", "\"'@SUM(A1)\""},
	    {"\tx.example", "\"'\tx.example\""},
	    {"\rx.example", "\"'\rx.example\""},
	    {"=a,b\"c", "\"'=a,b\"\"c\""},
	    /* Only the first byte matters. */
	    {"a=b-c.example", "a=b-c.example"},
	    {"host-1.example", "host-1.example"},
	};
	char want[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct isw_result r = result(cases[i].name, ISW_LOOKUP_OK);

		snprintf(want, sizeof(want),
		         "ip,type,rtt_ms,ttl,probe,ts,responder,hostname,lookup\n" ROW ",%s,ok\n",
		         cases[i].cell);
		expect(ISW_FORMAT_CSV, 1, &r, want);
	}
	{
		struct isw_result r = result("=1+2", ISW_LOOKUP_OK);

		expect(ISW_FORMAT_JSON, 1, &r, OBJ ",\"hostname\":\"=1+2\",\"lookup\":\"ok\"}\n");
		expect(ISW_FORMAT_TEXT, 1, &r, "198.18.4.7 =1+2\n");
	}
}

/* The longest presentation name fits its cell. */
static void test_long_name(void **state)
{
	char name[1024], want[2048];
	struct isw_result r;
	char *got;

	memset(name, 'x', 1000);
	name[1000] = '\0';
	r = result(name, ISW_LOOKUP_OK);
	snprintf(want, sizeof(want), "%s,%s,ok\n", ROW, name);
	got = render(ISW_FORMAT_CSV, 1, &r);
	assert_non_null(strstr(got, want));
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_off_is_unchanged),
	    cmocka_unit_test(test_columns),
	    cmocka_unit_test(test_odd_names),
	    cmocka_unit_test(test_long_name),
	    cmocka_unit_test(test_csv_formula_neutralised),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

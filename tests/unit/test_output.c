/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/output/output.c: text, CSV and JSON-lines writers and JSON string escaping,
 * written to memory streams and compared byte for byte. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/output.h"
#include "icmpsweep/result.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

struct mem {
	FILE *fp;
	char *buf;
	size_t len;
};

static void mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->fp = open_memstream(&m->buf, &m->len);
	assert_non_null(m->fp);
}

/* Closes the stream and returns its contents (owned by m). */
static const char *mem_close(struct mem *m)
{
	assert_int_equal(fclose(m->fp), 0);
	m->fp = NULL;
	return m->buf;
}

static struct isw_result echo_result(void)
{
	struct isw_result r;

	memset(&r, 0, sizeof(r));
	r.addr = isw_addr_from_v4(IP(198, 18, 0, 42));
	r.responder = isw_addr_from_v4(IP(198, 18, 0, 42));
	r.type = ISW_RESULT_ECHO_REPLY;
	r.icmp_type = 0;
	r.icmp_code = 0;
	r.ttl = 57;
	r.probe = 1;
	r.rtt_ms = 12.5;
	r.ts_us = INT64_C(1700000000123456);
	return r;
}

static struct isw_result unreach_result(void)
{
	struct isw_result r;

	memset(&r, 0, sizeof(r));
	r.addr = isw_addr_from_v4(IP(198, 18, 7, 1));
	r.responder = isw_addr_from_v4(IP(192, 0, 2, 254));
	r.type = ISW_RESULT_UNREACHABLE;
	r.icmp_type = 3;
	r.icmp_code = 1;
	r.ttl = 250;
	r.probe = 0;
	r.rtt_ms = -1.0;
	r.ts_us = INT64_C(1700000001000007);
	return r;
}

/* Writes the results in one format and returns the whole output (caller frees). */
static char *render(enum isw_format fmt, const struct isw_result *rs, size_t n)
{
	struct mem m;
	isw_output *o = NULL;

	mem_open(&m);
	assert_int_equal(isw_output_new(&o, fmt, m.fp), 0);
	assert_non_null(o);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(isw_output_write(o, &rs[i]), 0);
	assert_int_equal(isw_output_flush(o), 0);
	isw_output_free(o);
	mem_close(&m);
	return m.buf;
}

static void test_format_parse(void **state __attribute__((unused)))
{
	enum isw_format f = (enum isw_format)99;

	assert_int_equal(isw_format_parse("text", &f), 0);
	assert_int_equal(f, ISW_FORMAT_TEXT);
	assert_int_equal(isw_format_parse("csv", &f), 0);
	assert_int_equal(f, ISW_FORMAT_CSV);
	assert_int_equal(isw_format_parse("json", &f), 0);
	assert_int_equal(f, ISW_FORMAT_JSON);
	assert_int_equal(isw_format_parse("xml", &f), 0);
	assert_int_equal(f, ISW_FORMAT_XML);
	f = ISW_FORMAT_CSV;
	assert_int_equal(isw_format_parse("yaml", &f), -EINVAL);
	assert_int_equal(isw_format_parse("", &f), -EINVAL);
	assert_int_equal(isw_format_parse("JSON", &f), -EINVAL);
	assert_int_equal(isw_format_parse("json ", &f), -EINVAL);
	assert_int_equal(f, ISW_FORMAT_CSV); /* untouched on error */
}

/* The names are part of the output format (CSV/JSON "type" and "lookup" columns).  The tables
 * are indexed by the enums and sized by their sentinels: a new value added to
 * include/icmpsweep/result.h without a row here stops this file from compiling, and one added
 * to the header without a name in engine/output/result.c fails below. */
static const char *const type_names[] = {
    [ISW_RESULT_ECHO_REPLY] = "echo-reply",       [ISW_RESULT_UNREACHABLE] = "unreachable",
    [ISW_RESULT_TIME_EXCEEDED] = "time-exceeded", [ISW_RESULT_OTHER_ERROR] = "icmp-error",
    [ISW_RESULT_ARP_ONLY] = "arp-only",           [ISW_RESULT_NDP_ONLY] = "ndp-only",
};
_Static_assert(sizeof(type_names) / sizeof(type_names[0]) == ISW_RESULT_TYPE_COUNT,
               "a result type without an expected name");

static const char *const lookup_names[] = {
    [ISW_LOOKUP_NONE] = NULL,           [ISW_LOOKUP_OK] = "ok",
    [ISW_LOOKUP_NXDOMAIN] = "nxdomain", [ISW_LOOKUP_SERVFAIL] = "servfail",
    [ISW_LOOKUP_TIMEOUT] = "timeout",
};
_Static_assert(sizeof(lookup_names) / sizeof(lookup_names[0]) == ISW_LOOKUP_COUNT,
               "a lookup outcome without an expected name");

static void test_result_type_names(void **state __attribute__((unused)))
{
	for (int t = 0; t < ISW_RESULT_TYPE_COUNT; t++) {
		const char *got = isw_result_type_name((enum isw_result_type)t);

		assert_non_null(type_names[t]);
		if (!got || strcmp(got, type_names[t]))
			fail_msg("type %d: name \"%s\", wanted \"%s\"", t, got ? got : "(null)",
			         type_names[t]);
		/* Distinct: a forgotten case would fall back to another type's name. */
		for (int u = 0; u < t; u++)
			assert_string_not_equal(type_names[u], type_names[t]);
	}
}

static void test_lookup_names(void **state __attribute__((unused)))
{
	for (int l = 0; l < ISW_LOOKUP_COUNT; l++) {
		const char *got = isw_lookup_name((enum isw_lookup)l);

		/* Only NONE (not looked up) has no name: its column stays empty. */
		assert_true((lookup_names[l] == NULL) == (l == ISW_LOOKUP_NONE));
		if (!lookup_names[l]) {
			assert_null(got);
			continue;
		}
		if (!got || strcmp(got, lookup_names[l]))
			fail_msg("lookup %d: name \"%s\", wanted \"%s\"", l, got ? got : "(null)",
			         lookup_names[l]);
		for (int u = 1; u < l; u++)
			assert_string_not_equal(lookup_names[u], lookup_names[l]);
	}
}

static void test_csv_header_only(void **state __attribute__((unused)))
{
	char *out = render(ISW_FORMAT_CSV, NULL, 0);

	assert_string_equal(out, "ip,type,rtt_ms,ttl,probe,ts,responder\n");
	free(out);
}

static void test_csv_rows(void **state __attribute__((unused)))
{
	struct isw_result rs[3] = {echo_result(), unreach_result(), echo_result()};
	char *out;

	rs[2].type = ISW_RESULT_TIME_EXCEEDED;
	rs[2].probe = 255;
	rs[2].rtt_ms = 0.0;
	rs[2].ts_us = 5;
	rs[2].addr = isw_addr_from_v4(IP(255, 255, 255, 255));
	rs[2].responder = isw_addr_from_v4(0);
	out = render(ISW_FORMAT_CSV, rs, 3);
	assert_string_equal(out,
	                    "ip,type,rtt_ms,ttl,probe,ts,responder\n"
	                    "198.18.0.42,echo-reply,12.500,57,1,1700000000.123456,198.18.0.42\n"
	                    "198.18.7.1,unreachable,,250,,1700000001.000007,192.0.2.254\n"
	                    "255.255.255.255,time-exceeded,0.000,57,255,0.000005,0.0.0.0\n");
	free(out);
}

static void test_csv_rtt_rounding(void **state __attribute__((unused)))
{
	struct isw_result r = echo_result();
	char *out;

	r.rtt_ms = 1234.56789;
	r.type = ISW_RESULT_OTHER_ERROR;
	out = render(ISW_FORMAT_CSV, &r, 1);
	assert_string_equal(out,
	                    "ip,type,rtt_ms,ttl,probe,ts,responder\n"
	                    "198.18.0.42,icmp-error,1234.568,57,1,1700000000.123456,198.18.0.42\n");
	free(out);
}

static void test_json_rows(void **state __attribute__((unused)))
{
	struct isw_result rs[2] = {echo_result(), unreach_result()};
	char *out = render(ISW_FORMAT_JSON, rs, 2);

	assert_string_equal(
	    out, "{\"ip\":\"198.18.0.42\",\"type\":\"echo-reply\",\"rtt_ms\":12.500,\"ttl\":57,"
	         "\"probe\":1,\"ts\":1700000000.123456,\"responder\":\"198.18.0.42\"}\n"
	         "{\"ip\":\"198.18.7.1\",\"type\":\"unreachable\",\"rtt_ms\":null,\"ttl\":250,"
	         "\"probe\":null,\"ts\":1700000001.000007,\"responder\":\"192.0.2.254\"}\n");
	free(out);
}

static void test_json_empty(void **state __attribute__((unused)))
{
	char *out = render(ISW_FORMAT_JSON, NULL, 0);

	assert_string_equal(out, "");
	free(out);
}

static void test_text_only_echo_replies(void **state __attribute__((unused)))
{
	struct isw_result rs[4] = {echo_result(), unreach_result(), echo_result(),
	                           unreach_result()};
	char *out;

	rs[2].addr = isw_addr_from_v4(IP(10, 0, 0, 1));
	rs[3].type = ISW_RESULT_TIME_EXCEEDED;
	out = render(ISW_FORMAT_TEXT, rs, 4);
	assert_string_equal(out, "198.18.0.42\n10.0.0.1\n");
	free(out);
	out = render(ISW_FORMAT_TEXT, NULL, 0);
	assert_string_equal(out, "");
	free(out);
}

static void test_write_error_reported(void **state __attribute__((unused)))
{
	/* A stream that cannot be written reports why (stdio says EBADF). */
	FILE *fp = fopen("/dev/null", "r");
	isw_output *o = NULL;
	struct isw_result r = echo_result();

	assert_non_null(fp);
	assert_int_equal(isw_output_new(&o, ISW_FORMAT_JSON, fp), 0);
	assert_int_equal(isw_output_write(o, &r), -EBADF);
	isw_output_free(o);
	fclose(fp);
}

/* A full disk: the real errno (ENOSPC), from the flush and from every write after it. */
static void test_write_error_enospc(void **state __attribute__((unused)))
{
	static const enum isw_format fmts[] = {ISW_FORMAT_TEXT, ISW_FORMAT_CSV, ISW_FORMAT_JSON};

	for (size_t f = 0; f < 3; f++) {
		FILE *fp = fopen("/dev/full", "w");
		isw_output *o = NULL;
		struct isw_result r = echo_result();
		int rc = 0;

		assert_non_null(fp);
		assert_int_equal(isw_output_new(&o, fmts[f], fp), 0);
		assert_int_equal(isw_output_error(o), 0);
		/* Enough rows to fill stdio's buffer: the write itself fails. */
		for (int i = 0; i < 2000 && rc == 0; i++)
			rc = isw_output_write(o, &r);
		assert_int_equal(rc, -ENOSPC);
		errno = EAGAIN; /* a stale errno must not leak into the result */
		assert_int_equal(isw_output_write(o, &r), -ENOSPC);
		assert_int_equal(isw_output_flush(o), -ENOSPC);
		assert_int_equal(isw_output_error(o), -ENOSPC);
		isw_output_free(o);
		fclose(fp);

		/* One row, left in the buffer: the flush fails with the real errno. */
		fp = fopen("/dev/full", "w");
		assert_non_null(fp);
		assert_int_equal(isw_output_new(&o, fmts[f], fp), 0);
		assert_int_equal(isw_output_write(o, &r), 0);
		errno = EAGAIN;
		assert_int_equal(isw_output_flush(o), -ENOSPC);
		assert_int_equal(isw_output_error(o), -ENOSPC);
		isw_output_free(o);
		fclose(fp);
	}
}

/* --dry-run: the probe listing in each format, IPv4 and IPv6; CSV rows match their own
 * header. */
static void test_dry_run_probes(void **state __attribute__((unused)))
{
	static const uint8_t frame[4] = {0x45, 0x00, 0xab, 0xff};
	const struct isw_probe_line l = {
	    .dst = isw_addr_from_v4(IP(198, 18, 0, 7)),
	    .probe = 2,
	    .id = 0x1234,
	    .seq = 0xbeef,
	    .len = 58,
	    .frame = frame,
	    .caplen = 4,
	};
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0x30, [15] = 1};
	const struct isw_probe_line l6 = {
	    .dst = isw_addr_from_v6(v6),
	    .probe = 1,
	    .id = 0xa,
	    .seq = 0xb,
	    .len = 78,
	    .frame = frame,
	    .caplen = 4,
	};
	static const struct {
		enum isw_format fmt;
		const char *want;
	} cases[] = {
	    {ISW_FORMAT_TEXT,
	     "198.18.0.7 probe=2 id=0x1234 seq=0xbeef len=58 frame=4500abff\n"
	     "2001:db8:0:30::1 probe=1 id=0x000a seq=0x000b len=78 frame=4500abff\n"},
	    {ISW_FORMAT_CSV, "ip,probe,id,seq,len,frame\n198.18.0.7,2,4660,48879,58,4500abff\n"
	                     "2001:db8:0:30::1,1,10,11,78,4500abff\n"},
	    {ISW_FORMAT_JSON, "{\"ip\":\"198.18.0.7\",\"probe\":2,\"id\":4660,\"seq\":48879,"
	                      "\"len\":58,\"frame\":\"4500abff\"}\n"
	                      "{\"ip\":\"2001:db8:0:30::1\",\"probe\":1,\"id\":10,\"seq\":11,"
	                      "\"len\":78,\"frame\":\"4500abff\"}\n"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct isw_output_options opt = {.format = cases[i].fmt, .probes = 1};
		isw_output *o = NULL;
		struct mem m;

		mem_open(&m);
		assert_int_equal(isw_output_open(&o, &opt, m.fp), 0);
		assert_int_equal(isw_output_probe(o, &l), 0);
		assert_int_equal(isw_output_probe(o, &l6), 0);
		assert_int_equal(isw_output_flush(o), 0);
		isw_output_free(o);
		mem_close(&m);
		assert_string_equal(m.buf, cases[i].want);
		free(m.buf);
	}
}

/* Timestamps are JSON numbers for any int64, before 1970 too. */
static void test_ts_any_int64(void **state __attribute__((unused)))
{
	static const struct {
		int64_t us;
		const char *want;
	} cases[] = {
	    {INT64_C(-948910184), "\"ts\":-948.910184,"},
	    {INT64_C(-1), "\"ts\":-0.000001,"},
	    {INT64_C(-1000000), "\"ts\":-1.000000,"},
	    {0, "\"ts\":0.000000,"},
	    {INT64_MAX, "\"ts\":9223372036854.775807,"},
	    {INT64_MIN, "\"ts\":-9223372036854.775808,"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct isw_result r = echo_result();
		char *out;

		r.ts_us = cases[i].us;
		out = render(ISW_FORMAT_JSON, &r, 1);
		if (!strstr(out, cases[i].want))
			fail_msg("ts %lld: %s lacks %s", (long long)cases[i].us, out,
			         cases[i].want);
		free(out);
		out = render(ISW_FORMAT_CSV, &r, 1);
		/* In CSV the cell is the same number. */
		if (!strstr(out, strchr(cases[i].want, ':') + 1))
			fail_msg("ts %lld: CSV %s", (long long)cases[i].us, out);
		free(out);
	}
}

/* --- JSON strings --- */

static char *json(const char *s)
{
	struct mem m;

	mem_open(&m);
	isw_json_write_string(m.fp, s);
	mem_close(&m);
	return m.buf;
}

static void expect_json(const char *in, const char *want)
{
	char *got = json(in);

	if (strcmp(got, want) != 0)
		fail_msg("json(\"%s\") = %s, wanted %s", in, got, want);
	free(got);
}

/* Whether s holds only well-formed UTF-8, asked of glibc's iconv: an implementation other than
 * the one under test (it refuses overlongs, surrogates and values past U+10FFFF, as the table
 * below checks). */
static int iconv_valid_utf8(const char *s, size_t len)
{
	iconv_t cd = iconv_open("UTF-32LE", "UTF-8");
	char *in = (char *)s;
	size_t in_left = len, rc;

	assert_true(cd != (iconv_t)-1);
	rc = 0;
	while (in_left > 0 && rc != (size_t)-1) {
		char buf[256], *out = buf;
		size_t out_left = sizeof(buf);

		rc = iconv(cd, &in, &in_left, &out, &out_left);
		if (rc == (size_t)-1 && errno == E2BIG)
			rc = 0; /* only the output buffer was full */
	}
	iconv_close(cd);
	return rc != (size_t)-1 && in_left == 0;
}

/* The output is a JSON string literal: quoted, well-formed UTF-8, no raw control characters,
 * every backslash starts a valid escape. */
static void check_json_literal(const char *in, const char *out)
{
	size_t len = strlen(out);

	if (len < 2 || out[0] != '"' || out[len - 1] != '"')
		fail_msg("json(%s): not quoted: %s", in, out);
	if (!iconv_valid_utf8(out, len))
		fail_msg("json output is not valid UTF-8 for input bytes starting %02x",
		         (unsigned char)in[0]);
	for (size_t i = 1; i + 1 < len; i++) {
		unsigned char c = (unsigned char)out[i];

		if (c < 0x20)
			fail_msg("raw control character %02x in output", c);
		if (c == '"')
			fail_msg("unescaped quote in output %s", out);
		if (c == '\\') {
			char e = out[i + 1];

			if (e == 'u') {
				for (size_t k = 2; k < 6; k++)
					if (i + k >= len - 1 || !out[i + k] ||
					    !strchr("0123456789abcdefABCDEF", out[i + k]))
						fail_msg("bad \\u escape in %s", out);
				i += 5;
			} else if (strchr("\"\\/bfnrt", e) && e) {
				i++;
			} else {
				fail_msg("bad escape in %s", out);
			}
		}
	}
}

static void test_json_plain(void **state __attribute__((unused)))
{
	expect_json("", "\"\"");
	expect_json("host.example.org", "\"host.example.org\"");
	expect_json("a b~{}", "\"a b~{}\"");
}

static void test_json_escapes(void **state __attribute__((unused)))
{
	expect_json("say \"hi\"", "\"say \\\"hi\\\"\"");
	expect_json("back\\slash", "\"back\\\\slash\"");
	expect_json("\\\"", "\"\\\\\\\"\"");
	expect_json("tab\there", "\"tab\\u0009here\"");
	expect_json("line\nbreak\r", "\"line\\u000abreak\\u000d\"");
	expect_json("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	expect_json("/", "\"/\"");
	/* Every control character. */
	for (int c = 1; c < 0x20; c++) {
		char in[2] = {(char)c, 0}, want[16];

		snprintf(want, sizeof(want), "\"\\u%04x\"", c);
		expect_json(in, want);
	}
}

#define R "\\ufffd" /* U+FFFD as the writer escapes it */

/* Markus Kuhn's "UTF-8 decoder capability and stress test" (UTF-8-test.txt, section numbers
 * below) and the boundaries of the Unicode Standard's table 3-7 (well-formed byte sequences),
 * with the output written out by hand.  What the header promises: well-formed sequences pass
 * unchanged; a byte that does not start a well-formed sequence becomes one U+FFFD and the
 * next byte is looked at afresh, so each byte of a broken sequence is one U+FFFD. */
static const struct {
	const char *in, *want;
	int valid; /* the input is well-formed UTF-8 */
} utf8_cases[] = {
    /* 1: "κόσμε" */
    {"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5",
     1},
    /* 2.1 first sequence of each length (U+0000 ends a C string; 5 and 6 bytes are gone) */
    {"\xc2\x80", "\xc2\x80", 1},
    {"\xe0\xa0\x80", "\xe0\xa0\x80", 1},
    {"\xf0\x90\x80\x80", "\xf0\x90\x80\x80", 1},
    {"\xf8\x88\x80\x80\x80", R R R R R, 0},
    {"\xfc\x84\x80\x80\x80\x80", R R R R R R, 0},
    /* 2.2 last sequence of each length */
    {"\x7f", "\\u007f", 1},
    {"\xdf\xbf", "\xdf\xbf", 1},
    {"\xef\xbf\xbf", "\xef\xbf\xbf", 1},
    {"\xf7\xbf\xbf\xbf", R R R R, 0},
    {"\xfb\xbf\xbf\xbf\xbf", R R R R R, 0},
    {"\xfd\xbf\xbf\xbf\xbf\xbf", R R R R R R, 0},
    /* 2.3 other boundaries */
    {"\xed\x9f\xbf", "\xed\x9f\xbf", 1},         /* U+D7FF */
    {"\xee\x80\x80", "\xee\x80\x80", 1},         /* U+E000 */
    {"\xef\xbf\xbd", "\xef\xbf\xbd", 1},         /* U+FFFD */
    {"\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", 1}, /* U+10FFFF */
    {"\xf4\x90\x80\x80", R R R R, 0},            /* U+110000 */
    /* 3.1 unexpected continuation bytes */
    {"\x80", R, 0},
    {"\xbf", R, 0},
    {"\x80\xbf", R R, 0},
    {"\x80\xbf\x80", R R R, 0},
    {"\x80\xbf\x80\xbf", R R R R, 0},
    {"a\x80z", "a" R "z", 0},
    /* 3.2 lonely start characters, each followed by a space */
    {"\xc0 \xc1 \xc2 \xdf ", R " " R " " R " " R " ", 0},
    {"\xe0 \xe1 \xed \xef ", R " " R " " R " " R " ", 0},
    {"\xf0 \xf4 \xf5 \xf7 ", R " " R " " R " " R " ", 0},
    {"\xf8 \xfb \xfc \xfd ", R " " R " " R " " R " ", 0},
    /* 3.3 sequences with the last continuation byte missing */
    {"\xc0", R, 0},
    {"\xe0\x80", R R, 0},
    {"\xf0\x80\x80", R R R, 0},
    {"\xdf", R, 0},
    {"\xef\xbf", R R, 0},
    {"\xf7\xbf\xbf", R R R, 0},
    {"\xc3", R, 0},
    {"\xe6\x97", R R, 0},
    {"\xf0\x9f\x98", R R R, 0},
    {"a\xe6\x97z", "a" R R "z", 0},
    {"a\xf0\x9f\x98z", "a" R R R "z", 0},
    /* 3.4 the sequences of 3.3 concatenated */
    {"\xc0\xe0\x80\xf0\x80\x80\xdf\xef\xbf\xf7\xbf\xbf", R R R R R R R R R R R R, 0},
    /* 3.5 impossible bytes */
    {"\xfe", R, 0},
    {"\xff", R, 0},
    {"\xfe\xfe\xff\xff", R R R R, 0},
    /* 4.1 overlong '/' */
    {"\xc0\xaf", R R, 0},
    {"\xe0\x80\xaf", R R R, 0},
    {"\xf0\x80\x80\xaf", R R R R, 0},
    {"\xf8\x80\x80\x80\xaf", R R R R R, 0},
    {"\xfc\x80\x80\x80\x80\xaf", R R R R R R, 0},
    /* 4.2 largest overlongs */
    {"\xc1\xbf", R R, 0},
    {"\xe0\x9f\xbf", R R R, 0},
    {"\xf0\x8f\xbf\xbf", R R R R, 0},
    /* 4.3 overlong NUL */
    {"\xc0\x80", R R, 0},
    {"\xe0\x80\x80", R R R, 0},
    {"\xf0\x80\x80\x80", R R R R, 0},
    /* 5.1 single UTF-16 surrogates */
    {"\xed\xa0\x80", R R R, 0},
    {"\xed\xad\xbf", R R R, 0},
    {"\xed\xae\x80", R R R, 0},
    {"\xed\xaf\xbf", R R R, 0},
    {"\xed\xb0\x80", R R R, 0},
    {"\xed\xbe\x80", R R R, 0},
    {"\xed\xbf\xbf", R R R, 0},
    /* 5.2 paired surrogates */
    {"\xed\xa0\x80\xed\xb0\x80", R R R R R R, 0},
    {"\xed\xaf\xbf\xed\xbf\xbf", R R R R R R, 0},
    /* 5.3 noncharacters are well-formed and pass */
    {"\xef\xbf\xbe", "\xef\xbf\xbe", 1},
    {"\xf4\x8f\xbf\xbe", "\xf4\x8f\xbf\xbe", 1},
    /* A well-formed character right after a broken one is kept. */
    {"\xc3\xc3\xbc", R "\xc3\xbc", 0},
    {"\xe6\x97\xc3\xbc", R R "\xc3\xbc", 0},
    {"M\xc3\xbcnchen-\xe6\x97\xa5\xe6\x9c\xac", "M\xc3\xbcnchen-\xe6\x97\xa5\xe6\x9c\xac", 1},
    {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", 1}, /* U+1F600 */
};

#undef R

static void test_json_utf8_table(void **state __attribute__((unused)))
{
	int failures = 0;

	for (size_t i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
		const char *in = utf8_cases[i].in;
		char want[128], *out;

		/* The table's own classification, confirmed by iconv. */
		if (iconv_valid_utf8(in, strlen(in)) != utf8_cases[i].valid)
			fail_msg("case %zu: iconv disagrees with the table on validity", i);
		snprintf(want, sizeof(want), "\"%s\"", utf8_cases[i].want);
		out = json(in);
		if (strcmp(out, want)) {
			print_error("case %zu (", i);
			for (const unsigned char *p = (const unsigned char *)in; *p; p++)
				print_error("%s%02x", p == (const unsigned char *)in ? "" : " ",
				            *p);
			print_error("): got %s, wanted %s\n", out, want);
			failures++;
		}
		check_json_literal(in, out);
		free(out);
	}
	if (failures)
		fail_msg("%d UTF-8 cases written wrongly", failures);
}

/* Random strings over every byte value: the output is always a JSON literal that iconv reads
 * as UTF-8, and an input that iconv reads as UTF-8 (without characters JSON escapes) comes
 * out unchanged. */
static void test_json_random_bytes(void **state __attribute__((unused)))
{
	uint64_t x = 12345;

	for (int i = 0; i < 20000; i++) {
		char in[32], want[40], *out;
		size_t n;
		int plain = 1;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = x % 31;
		for (size_t k = 0; k < n; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			switch (x % 4) {
			case 0:
				in[k] = (char)(0x20 + (x >> 8) % 0x5f); /* printable ASCII */
				break;
			case 1:
				in[k] = (char)(0x80 + (x >> 8) % 0x40); /* continuation */
				break;
			case 2:
				in[k] = (char)(0xc0 + (x >> 8) % 0x40); /* every lead byte */
				break;
			default:
				in[k] = (char)(1 + (x >> 8) % 255); /* anything */
				break;
			}
			if ((unsigned char)in[k] < 0x20 || in[k] == 0x7f || in[k] == '"' ||
			    in[k] == '\\')
				plain = 0;
		}
		in[n] = 0;
		out = json(in);
		check_json_literal(in, out);
		snprintf(want, sizeof(want), "\"%s\"", in);
		if (plain && iconv_valid_utf8(in, n) && strcmp(out, want))
			fail_msg("valid UTF-8 changed: %s", out);
		free(out);
	}
}

static void test_json_in_rows(void **state __attribute__((unused)))
{
	/* Every line of JSON output is one object with the seven keys in order. */
	struct isw_result rs[2] = {echo_result(), unreach_result()};
	char *out = render(ISW_FORMAT_JSON, rs, 2);
	static const char *const keys[] = {"\"ip\":",    "\"type\":", "\"rtt_ms\":",   "\"ttl\":",
	                                   "\"probe\":", "\"ts\":",   "\"responder\":"};
	char *line = out;

	for (int l = 0; l < 2; l++) {
		char *end = strchr(line, '\n');
		const char *p = line;

		assert_non_null(end);
		*end = 0;
		assert_int_equal(line[0], '{');
		assert_int_equal(end[-1], '}');
		for (size_t k = 0; k < 7; k++) {
			const char *q = strstr(p, keys[k]);

			assert_non_null(q);
			p = q + strlen(keys[k]);
		}
		line = end + 1;
	}
	assert_string_equal(line, "");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_parse),
	    cmocka_unit_test(test_result_type_names),
	    cmocka_unit_test(test_lookup_names),
	    cmocka_unit_test(test_csv_header_only),
	    cmocka_unit_test(test_csv_rows),
	    cmocka_unit_test(test_csv_rtt_rounding),
	    cmocka_unit_test(test_json_rows),
	    cmocka_unit_test(test_json_empty),
	    cmocka_unit_test(test_text_only_echo_replies),
	    cmocka_unit_test(test_write_error_reported),
	    cmocka_unit_test(test_write_error_enospc),
	    cmocka_unit_test(test_ts_any_int64),
	    cmocka_unit_test(test_dry_run_probes),
	    cmocka_unit_test(test_json_plain),
	    cmocka_unit_test(test_json_escapes),
	    cmocka_unit_test(test_json_utf8_table),
	    cmocka_unit_test(test_json_random_bytes),
	    cmocka_unit_test(test_json_in_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

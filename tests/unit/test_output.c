/* Unit tests for engine/output.c: text, CSV and JSON-lines writers and JSON string escaping,
 * written to memory streams and compared byte for byte. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
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
	r.addr = IP(198, 18, 0, 42);
	r.responder = IP(198, 18, 0, 42);
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
	r.addr = IP(198, 18, 7, 1);
	r.responder = IP(192, 0, 2, 254);
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

static void test_result_type_names(void **state __attribute__((unused)))
{
	assert_string_equal(isw_result_type_name(ISW_RESULT_ECHO_REPLY), "echo-reply");
	assert_string_equal(isw_result_type_name(ISW_RESULT_UNREACHABLE), "unreachable");
	assert_string_equal(isw_result_type_name(ISW_RESULT_TIME_EXCEEDED), "time-exceeded");
	assert_string_equal(isw_result_type_name(ISW_RESULT_OTHER_ERROR), "icmp-error");
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
	rs[2].addr = IP(255, 255, 255, 255);
	rs[2].responder = 0;
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

	rs[2].addr = IP(10, 0, 0, 1);
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

/* --dry-run: the probe listing in each format; CSV rows match their own header. */
static void test_dry_run_probes(void **state __attribute__((unused)))
{
	static const uint8_t frame[4] = {0x45, 0x00, 0xab, 0xff};
	const struct isw_probe_line l = {
	    .dst = IP(198, 18, 0, 7),
	    .probe = 2,
	    .id = 0x1234,
	    .seq = 0xbeef,
	    .len = 58,
	    .frame = frame,
	    .caplen = 4,
	};
	static const struct {
		enum isw_format fmt;
		const char *want;
	} cases[] = {
	    {ISW_FORMAT_TEXT, "198.18.0.7 probe=2 id=0x1234 seq=0xbeef len=58 frame=4500abff\n"},
	    {ISW_FORMAT_CSV, "ip,probe,id,seq,len,frame\n198.18.0.7,2,4660,48879,58,4500abff\n"},
	    {ISW_FORMAT_JSON, "{\"ip\":\"198.18.0.7\",\"probe\":2,\"id\":4660,\"seq\":48879,"
	                      "\"len\":58,\"frame\":\"4500abff\"}\n"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct isw_output_options opt = {.format = cases[i].fmt, .probes = 1};
		isw_output *o = NULL;
		struct mem m;

		mem_open(&m);
		assert_int_equal(isw_output_open(&o, &opt, m.fp), 0);
		assert_int_equal(isw_output_probe(o, &l), 0);
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

/* Strict UTF-8 (Unicode 15, table 3-7): no overlongs, surrogates or values above
 * U+10FFFF. */
static int valid_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned lo = 0x80, hi = 0xbf;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		else
			return 0;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		else if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		if (i + n >= len)
			return 0;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (size_t k = 2; k <= n; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return 0;
		i += n + 1;
	}
	return 1;
}

/* The output is a JSON string literal: quoted, strict UTF-8, no raw control characters,
 * every backslash starts a valid escape. */
static void check_json_literal(const char *in, const char *out)
{
	size_t len = strlen(out);

	if (len < 2 || out[0] != '"' || out[len - 1] != '"')
		fail_msg("json(%s): not quoted: %s", in, out);
	if (!valid_utf8((const unsigned char *)out, len))
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

static void test_json_valid_utf8_passes(void **state __attribute__((unused)))
{
	expect_json("\xc3\xbc", "\"\xc3\xbc\"");                                 /* ü */
	expect_json("\xe6\x97\xa5\xe6\x9c\xac", "\"\xe6\x97\xa5\xe6\x9c\xac\""); /* 日本 */
	expect_json("M\xc3\xbcnchen-\xe6\x97\xa5", "\"M\xc3\xbcnchen-\xe6\x97\xa5\"");
	expect_json("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""); /* U+1F600 */
	expect_json("\xc2\x80", "\"\xc2\x80\"");                 /* U+0080, smallest 2-byte */
	expect_json("\xdf\xbf", "\"\xdf\xbf\"");                 /* U+07FF */
	expect_json("\xe0\xa0\x80", "\"\xe0\xa0\x80\"");         /* U+0800 */
	expect_json("\xef\xbf\xbd", "\"\xef\xbf\xbd\"");         /* U+FFFD itself */
	expect_json("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""); /* U+10FFFF */
	expect_json("\xed\x9f\xbf", "\"\xed\x9f\xbf\"");         /* U+D7FF */
}

static void test_json_invalid_utf8_replaced(void **state __attribute__((unused)))
{
	/* Bytes that can never start a sequence: one U+FFFD each. */
	expect_json("\xff", "\"\\ufffd\"");
	expect_json("a\xff"
	            "b",
	            "\"a\\ufffdb\"");
	expect_json("\xfe\xff", "\"\\ufffd\\ufffd\"");
	expect_json("\x80", "\"\\ufffd\""); /* lone continuation */
	expect_json("\xbf\x80", "\"\\ufffd\\ufffd\"");
	/* Overlong two-byte forms (C0, C1 leads): each byte is replaced. */
	expect_json("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	expect_json("\xc1\xbf", "\"\\ufffd\\ufffd\"");
	expect_json("x\xc0\x80y", "\"x\\ufffd\\ufffdy\"");
	/* Truncated multibyte sequences, at the end or before ASCII: replaced (how many
	 * U+FFFD is a choice; the text around them survives). */
	{
		static const char *const truncated[] = {"\xc3",         "\xe6\x97", "\xe6",
		                                        "\xf0\x9f\x98", "\xf0\x9f", "\xf0"};

		for (size_t i = 0; i < sizeof(truncated) / sizeof(truncated[0]); i++) {
			char in[16], *out;

			snprintf(in, sizeof(in), "a%sb", truncated[i]);
			out = json(in);
			check_json_literal(in, out);
			if (strncmp(out, "\"a\\ufffd", 8) != 0 ||
			    strcmp(out + strlen(out) - 2, "b\"") != 0)
				fail_msg("truncated sequence %zu: %s", i, out);
			free(out);
		}
	}
	/* A valid character right after a broken one is kept. */
	expect_json("\xc3\xc3\xbc", "\"\\ufffd\xc3\xbc\"");
	expect_json("\xe6\x97\xc3\xbc", "\"\\ufffd\\ufffd\xc3\xbc\"");
}

/* Regression (engine/output.c isw_json_write_string): three- and four-byte overlongs, UTF-16
 * surrogates (ED A0..BF) and code points above U+10FFFF (F4 90.., F5..F7 leads) must not pass
 * through unchanged, or the output is not valid UTF-8 (RFC 8259 section 8.1) and strict parsers
 * reject the line (Python's json.loads on the bytes raises UnicodeDecodeError for the overlongs and
 * for F4 90 80 80), against the header's promise that "the result always parses". The decoder
 * checks the second byte's range per Unicode table 3-7. */
static void test_json_invalid_utf8_strict(void **state __attribute__((unused)))
{
	static const char *const bad[] = {
	    "\xe0\x80\xaf",     /* overlong '/' in three bytes */
	    "\xe0\x9f\xbf",     /* overlong U+07FF */
	    "\xed\xa0\x80",     /* surrogate U+D800 */
	    "\xed\xbf\xbf",     /* surrogate U+DFFF */
	    "\xf0\x80\x80\xaf", /* overlong '/' in four bytes */
	    "\xf0\x8f\xbf\xbf", /* overlong U+FFFF */
	    "\xf4\x90\x80\x80", /* U+110000 */
	    "\xf5\x80\x80\x80", /* lead byte F5: above U+10FFFF */
	    "\xf7\xbf\xbf\xbf",
	};
	int failures = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *out = json(bad[i]);

		if (!valid_utf8((const unsigned char *)out, strlen(out)) ||
		    !strstr(out, "\\ufffd")) {
			print_error("invalid UTF-8 input %zu (", i);
			for (const unsigned char *p = (const unsigned char *)bad[i]; *p; p++)
				print_error("%s%02x", p == (const unsigned char *)bad[i] ? "" : " ",
				            *p);
			print_error(") passed through unreplaced\n");
			failures++;
		}
		free(out);
	}
	if (failures)
		fail_msg("%d invalid UTF-8 sequences written raw into JSON", failures);
}

static void test_json_random_bytes(void **state __attribute__((unused)))
{
	/* Random strings of ASCII, valid and broken UTF-8: the output is always a plausible
	 * JSON literal (quoted, escapes well-formed, no raw control characters), and bytes
	 * that form valid UTF-8 survive.  Strictness beyond two-byte overlongs is
	 * test_json_invalid_utf8_strict's business, so only lead bytes C2..DF and ASCII are
	 * drawn here. */
	uint64_t x = 12345;

	for (int i = 0; i < 20000; i++) {
		char in[32], *out;
		size_t n;

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
				in[k] = (char)(1 + (x >> 8) % 127);
				break;
			case 1:
				in[k] = (char)(0x80 + (x >> 8) % 0x40); /* continuation */
				break;
			case 2:
				in[k] =
				    (char)(0xc0 + (x >> 8) % 0x20); /* 2-byte leads, C0/C1 too */
				break;
			default:
				in[k] = (char)(0xf8 + (x >> 8) % 8); /* never valid */
				break;
			}
		}
		in[n] = 0;
		out = json(in);
		check_json_literal(in, out);
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
	    cmocka_unit_test(test_json_valid_utf8_passes),
	    cmocka_unit_test(test_json_invalid_utf8_replaced),
	    cmocka_unit_test(test_json_invalid_utf8_strict),
	    cmocka_unit_test(test_json_random_bytes),
	    cmocka_unit_test(test_json_in_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

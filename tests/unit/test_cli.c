/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for tools/cli-options.c: value parsers and cli_parse on argv arrays.  Every
 * error must be -EINVAL with a one-line message naming the bad value. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "cli-options.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

#define MAX_ARGS 64

/* Parses a NULL-terminated list of arguments (argv[0] is supplied). */
static int parse_argv(struct cli_options *o, char *err, const char *const *args)
{
	char *argv[MAX_ARGS + 2];
	int argc = 0;

	argv[argc++] = (char *)"icmpsweep";
	for (; *args; args++) {
		assert_true(argc <= MAX_ARGS);
		argv[argc++] = (char *)*args;
	}
	argv[argc] = NULL;
	err[0] = '\0';
	optind = 0; /* glibc: full reset of getopt's state */
	return cli_parse(o, argc, argv, err);
}

#define PARSE(o, err, ...) parse_argv((o), (err), (const char *const[]){__VA_ARGS__, NULL})

/* --- cli_parse_rate --- */

static void rate_ok(const char *s, uint64_t want)
{
	uint64_t v = 12345;

	if (cli_parse_rate(s, &v) != 0)
		fail_msg("rate '%s' rejected", s);
	if (v != want)
		fail_msg("rate '%s' = %llu, wanted %llu", s, (unsigned long long)v,
		         (unsigned long long)want);
}

static void rate_bad(const char *s)
{
	uint64_t v = 12345;

	if (cli_parse_rate(s, &v) != -EINVAL)
		fail_msg("rate '%s' accepted (%llu)", s, (unsigned long long)v);
	assert_true(v == 12345); /* untouched */
}

static void test_parse_rate(void **state __attribute__((unused)))
{
	rate_ok("10k", 10000);
	rate_ok("10K", 10000);
	rate_ok("1.5M", 1500000);
	rate_ok("1.5m", 1500000);
	rate_ok("0", 0);
	rate_ok("1", 1);
	rate_ok("10000", 10000);
	rate_ok("0.5k", 500);
	rate_ok("2G", 2000000000);
	rate_ok("10G", 10000000000ULL);
	rate_ok("250.5", 251); /* rounded */
	rate_bad("abc");
	rate_bad("-5");
	rate_bad("-0");
	rate_bad("10x");
	rate_bad("");
	rate_bad("k");
	rate_bad("10kk");
	rate_bad("10k ");
	rate_bad("10 k");
	rate_bad("0.5");  /* between 0 and 1 */
	rate_bad("11G");  /* above 10G */
	rate_bad("1e11"); /* likewise */
	rate_bad("nan");
	rate_bad("inf");
	rate_bad("1T");
}

/* --- cli_parse_size --- */

static void size_ok(const char *s, uint64_t want)
{
	uint64_t v = 12345;

	if (cli_parse_size(s, &v) != 0)
		fail_msg("size '%s' rejected", s);
	if (v != want)
		fail_msg("size '%s' = %llu, wanted %llu", s, (unsigned long long)v,
		         (unsigned long long)want);
}

static void size_bad(const char *s)
{
	uint64_t v = 12345;

	if (cli_parse_size(s, &v) != -EINVAL)
		fail_msg("size '%s' accepted (%llu)", s, (unsigned long long)v);
}

static void test_parse_size(void **state __attribute__((unused)))
{
	size_ok("1", 1);
	size_ok("64k", 65536);
	size_ok("64K", 65536);
	size_ok("1M", 1048576);
	size_ok("1.5k", 1536);
	size_ok("64M", 64u << 20);
	size_ok("1G", 1u << 30);
	size_ok("2047M", 2047u << 20);
	size_ok("2147483647", 2147483647u);
	size_bad("0");
	size_bad("0.5");
	size_bad("-1");
	size_bad("");
	size_bad("abc");
	size_bad("1x");
	size_bad("1kb");
	size_bad("3G");
	size_bad("2147483648");
	size_bad("inf");
}

/* --- cli_parse_mac --- */

static void mac_ok(const char *s, const uint8_t want[6])
{
	uint8_t mac[6] = {0};

	if (cli_parse_mac(s, mac) != 0)
		fail_msg("MAC '%s' rejected", s);
	assert_memory_equal(mac, want, 6);
}

static void test_parse_mac(void **state __attribute__((unused)))
{
	static const char *const bad[] = {
	    "",
	    "aa:bb:cc:dd:ee",
	    "aa:bb:cc:dd:ee:f",
	    "aa:bb:cc:dd:ee:ff:",
	    "aa:bb:cc:dd:ee:ff:00",
	    "aa:bb:cc:dd:ee:ff ",
	    "aa-bb-cc-dd-ee-ff",
	    "aa.bb.cc.dd.ee.ff",
	    "aabb.ccdd.eeff",
	    "aabbccddeeff",
	    "aa:bb:cc:dd:ee:fg",
	    "gg:bb:cc:dd:ee:ff",
	    "zz:zz",
	    "zz:zz:zz:zz:zz:zz",
	    "aa:bb:cc:dd:eeff0",
	    "aaa:b:cc:dd:ee:ff",
	    "a:bb:cc:dd:ee:fff",
	    "aa:bb:cc:dd:ee;ff",
	    "aa::bb:cc:dd:eeff",
	};

	mac_ok("aa:bb:cc:dd:ee:ff", (const uint8_t[]){0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff});
	mac_ok("AA:BB:CC:DD:EE:FF", (const uint8_t[]){0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff});
	mac_ok("02:42:ac:11:00:02", (const uint8_t[]){0x02, 0x42, 0xac, 0x11, 0x00, 0x02});
	mac_ok("00:00:00:00:00:00", (const uint8_t[]){0, 0, 0, 0, 0, 0});
	mac_ok("ff:ff:ff:ff:ff:ff", (const uint8_t[]){0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t mac[6];

		if (cli_parse_mac(bad[i], mac) != -EINVAL)
			fail_msg("MAC '%s' accepted", bad[i]);
	}
}

/* Regression (tools/cli-options.c cli_parse_mac): sscanf's %2x skips leading white space and
 * takes a sign or a "0x" prefix, so without a per-digit check fields that are not two hex
 * digits would pass the length and separator checks: "-1:bb:cc:dd:ee:ff" gives ff:bb:..,
 * "aa:bb:cc:dd:ee:-f" gives ..:f1, " a:.." gives 0a:.., "0x:.." gives 00:..  */
static void test_parse_mac_strict_hex(void **state __attribute__((unused)))
{
	static const char *const bad[] = {
	    "-1:bb:cc:dd:ee:ff", "+a:bb:cc:dd:ee:ff", " a:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee: f",
	    "aa:bb:cc:dd:ee:-f", "0x:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:0x", "aa:bb:cc:dd:ee:\tf",
	};
	int failures = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t mac[6] = {0};

		if (cli_parse_mac(bad[i], mac) != -EINVAL) {
			print_error("MAC '%s' accepted as %02x:%02x:%02x:%02x:%02x:%02x\n", bad[i],
			            mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
			failures++;
		}
	}
	if (failures)
		fail_msg("cli_parse_mac accepted %d malformed MACs", failures);
}

static void test_parse_ipv4(void **state __attribute__((unused)))
{
	uint32_t a = 0;

	assert_int_equal(cli_parse_ipv4("192.0.2.1", &a), 0);
	assert_int_equal(a, IP(192, 0, 2, 1));
	assert_int_equal(cli_parse_ipv4("255.255.255.255", &a), 0);
	assert_int_equal(a, 0xffffffffu);
	assert_int_equal(cli_parse_ipv4("300.1.1.1", &a), -EINVAL);
	assert_int_equal(cli_parse_ipv4("1.2.3", &a), -EINVAL);
	assert_int_equal(cli_parse_ipv4("", &a), -EINVAL);
	assert_int_equal(cli_parse_ipv4("1.2.3.4 ", &a), -EINVAL);
	assert_int_equal(cli_parse_ipv4("::1", &a), -EINVAL);
}

/* --- cli_parse --- */

static void test_defaults(void **state __attribute__((unused)))
{
	struct cli_options o;
	char err[ISW_ERRBUF_SIZE];
	int rc = PARSE(&o, err, "198.18.0.0/24");

	if (rc != 0)
		fail_msg("rc %d: %s", rc, err);
	assert_true(o.cfg.rate == 10000);
	assert_int_equal(o.cfg.probes, 1);
	assert_true(o.cfg.cooldown_s == 10.0);
	assert_int_equal(o.cfg.cooldown_auto, 1);
	assert_int_equal(o.cfg.senders, 0); /* auto */
	assert_int_equal(o.cfg.ttl, 64);
	assert_int_equal(o.cfg.pcap_buffer, 1u << 20);
	assert_null(o.cfg.iface);
	assert_int_equal(o.cfg.src_addr, 0);
	assert_int_equal(o.cfg.have_gw_mac, 0);
	assert_int_equal(o.cfg.dry_run, 0);
	assert_null(o.cfg.tx);
	assert_int_equal(o.format, ISW_FORMAT_TEXT);
	assert_null(o.output_path);
	assert_null(o.metadata_path);
	assert_int_equal(o.quiet, 0);
	assert_int_equal(o.no_resolve, 0);
	assert_int_equal(o.seed_given, 0);
	assert_int_equal(o.help, 0);
	assert_int_equal(o.version, 0);
	assert_int_equal(o.nspecs, 1);
	assert_string_equal(o.specs[0], "198.18.0.0/24");
	assert_int_equal(o.nexclude_specs, 0);
	assert_true(isw_targets_count(o.targets) == 256);
	cli_free(&o);
}

static void test_random_seed(void **state __attribute__((unused)))
{
	/* Without --seed, two runs draw different seeds. */
	struct cli_options a, b;
	char err[ISW_ERRBUF_SIZE];

	assert_int_equal(PARSE(&a, err, "198.18.0.1"), 0);
	assert_int_equal(PARSE(&b, err, "198.18.0.1"), 0);
	assert_true(a.cfg.seed != b.cfg.seed);
	cli_free(&a);
	cli_free(&b);
}

/* --shard I/N and zmap's --shards N --shard I reach the configuration. */
static void test_shard_options(void **state __attribute__((unused)))
{
	struct cli_options o;
	char err[ISW_ERRBUF_SIZE];

	if (PARSE(&o, err, "--seed", "9", "--shard", "2/5", "198.18.0.0/24") != 0)
		fail_msg("%s", err);
	assert_int_equal(o.cfg.shard, 2);
	assert_int_equal(o.cfg.shards, 5);
	assert_string_equal(o.shard.source, "option");
	cli_free(&o);
	if (PARSE(&o, err, "--shard", "3", "--seed", "9", "198.18.0.0/24", "--shards", "4") != 0)
		fail_msg("%s", err);
	assert_int_equal(o.cfg.shard, 3);
	assert_int_equal(o.cfg.shards, 4);
	cli_free(&o);
	if (PARSE(&o, err, "198.18.0.0/24") != 0)
		fail_msg("%s", err);
	assert_int_equal(o.cfg.shards, 0);
	cli_free(&o);
}

static void test_all_options(void **state __attribute__((unused)))
{
	struct cli_options o;
	char err[ISW_ERRBUF_SIZE];
	int rc =
	    PARSE(&o, err, "-r", "1.5M", "-P", "3", "-c", "0.5", "-i", "lo", "-S", "192.0.2.1",
	          "-G", "aa:bb:cc:dd:ee:ff", "-o", "out.csv", "-O", "csv", "-n", "-q", "--seed",
	          "16", "--metadata", "meta.json", "--dry-run", "--tx", "libnet", "--pcap-buffer",
	          "1M", "--ttl", "32", "-x", "198.18.0.0/25", "198.18.0.0/24", "198.18.1.1");

	if (rc != 0)
		fail_msg("rc %d: %s", rc, err);
	assert_true(o.cfg.rate == 1500000);
	assert_int_equal(o.cfg.probes, 3);
	assert_true(o.cfg.cooldown_s == 0.5);
	assert_int_equal(o.cfg.cooldown_auto, 0); /* -c SECONDS: exactly that */
	assert_string_equal(o.cfg.iface, "lo");
	assert_int_equal(o.cfg.src_addr, IP(192, 0, 2, 1));
	assert_int_equal(o.cfg.have_gw_mac, 1);
	assert_memory_equal(o.cfg.gw_mac, ((const uint8_t[]){0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}),
	                    6);
	assert_string_equal(o.output_path, "out.csv");
	assert_int_equal(o.format, ISW_FORMAT_CSV);
	assert_int_equal(o.no_resolve, 1);
	assert_int_equal(o.quiet, 1);
	assert_true(o.cfg.seed == 16);
	assert_int_equal(o.seed_given, 1);
	assert_string_equal(o.metadata_path, "meta.json");
	assert_int_equal(o.cfg.dry_run, 1);
	assert_string_equal(o.cfg.tx, "libnet");
	assert_int_equal(o.cfg.pcap_buffer, 1u << 20);
	assert_int_equal(o.cfg.ttl, 32);
	assert_int_equal(o.nspecs, 2);
	assert_string_equal(o.specs[0], "198.18.0.0/24");
	assert_string_equal(o.specs[1], "198.18.1.1");
	assert_int_equal(o.nexclude_specs, 1);
	assert_string_equal(o.exclude_specs[0], "198.18.0.0/25");
	assert_true(isw_targets_count(o.targets) == 128 + 1);
	cli_free(&o);
}

/* -T auto (the default) and -T N; the last -c wins, fixed or auto. */
static void test_senders_and_cooldown(void **state __attribute__((unused)))
{
	struct cli_options o;
	char err[ISW_ERRBUF_SIZE];

	assert_int_equal(PARSE(&o, err, "-T", "3", "198.18.0.1"), 0);
	assert_int_equal(o.cfg.senders, 3);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-T", "3", "-T", "auto", "198.18.0.1"), 0);
	assert_int_equal(o.cfg.senders, 0);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-c", "auto", "-c", "2", "198.18.0.1"), 0);
	assert_int_equal(o.cfg.cooldown_auto, 0);
	assert_true(o.cfg.cooldown_s == 2.0);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-c", "2", "-c", "auto:5", "198.18.0.1"), 0);
	assert_int_equal(o.cfg.cooldown_auto, 1);
	assert_true(o.cfg.cooldown_s == 5.0);
	cli_free(&o);
}

static void test_long_options(void **state __attribute__((unused)))
{
	struct cli_options o;
	char err[ISW_ERRBUF_SIZE];
	int rc =
	    PARSE(&o, err, "--rate=5k", "--probes", "2", "--cooldown=0", "--output-format", "json",
	          "--quiet", "--no-resolve", "--exclude=198.18.0.1", "--seed=42", "--ttl=255",
	          "--gateway-mac=02:00:00:00:00:01", "--source=10.0.0.1", "198.18.0.0/30");

	if (rc != 0)
		fail_msg("rc %d: %s", rc, err);
	assert_true(o.cfg.rate == 5000);
	assert_int_equal(o.cfg.probes, 2);
	assert_true(o.cfg.cooldown_s == 0.0);
	assert_int_equal(o.format, ISW_FORMAT_JSON);
	assert_true(o.cfg.seed == 42);
	assert_int_equal(o.cfg.ttl, 255);
	assert_int_equal(o.cfg.src_addr, IP(10, 0, 0, 1));
	assert_true(isw_targets_count(o.targets) == 3);
	cli_free(&o);
}

static void test_options_after_targets(void **state __attribute__((unused)))
{
	/* GNU getopt permutes: options may follow the targets. */
	struct cli_options o;
	char err[ISW_ERRBUF_SIZE];
	int rc = PARSE(&o, err, "198.18.0.0/24", "-r", "0", "198.18.1.0/24", "-P", "255");

	if (rc != 0)
		fail_msg("rc %d: %s", rc, err);
	assert_true(o.cfg.rate == 0);
	assert_int_equal(o.cfg.probes, 255);
	assert_int_equal(o.nspecs, 2);
	assert_true(isw_targets_count(o.targets) == 512);
	cli_free(&o);
}

static void test_target_files(void **state __attribute__((unused)))
{
	char inc[] = "/tmp/test_cli.inc.XXXXXX", exc[] = "/tmp/test_cli.exc.XXXXXX";
	const char *ci = "198.18.0.0/24\n# c\n198.18.1.1\n", *ce = "198.18.0.0/26\n";
	int fi = mkstemp(inc), fe = mkstemp(exc);
	struct cli_options o;
	char err[ISW_ERRBUF_SIZE];
	int rc;

	assert_true(fi >= 0 && fe >= 0);
	assert_int_equal(write(fi, ci, strlen(ci)), (ssize_t)strlen(ci));
	assert_int_equal(write(fe, ce, strlen(ce)), (ssize_t)strlen(ce));
	close(fi);
	close(fe);
	/* Targets from a file alone are enough. */
	rc = PARSE(&o, err, "-I", inc, "-b", exc);
	if (rc != 0)
		fail_msg("rc %d: %s", rc, err);
	assert_true(isw_targets_count(o.targets) == 256 - 64 + 1);
	assert_int_equal(o.nspecs, 1);
	assert_string_equal(o.specs[0], inc);
	assert_int_equal(o.nexclude_specs, 1);
	assert_string_equal(o.exclude_specs[0], exc);
	cli_free(&o);
	unlink(inc);
	unlink(exc);
}

static void test_help_version(void **state __attribute__((unused)))
{
	struct cli_options o;
	char err[ISW_ERRBUF_SIZE];

	/* No targets needed. */
	assert_int_equal(PARSE(&o, err, "-h"), 0);
	assert_int_equal(o.help, 1);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--help"), 0);
	assert_int_equal(o.help, 1);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-V"), 0);
	assert_int_equal(o.version, 1);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--version", "-r", "abc"), 0);
	assert_int_equal(o.version, 1);
	cli_free(&o);
}

static void test_usage(void **state __attribute__((unused)))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	cli_usage(fp);
	fclose(fp);
	assert_non_null(strstr(buf, "usage: icmpsweep"));
	assert_non_null(strstr(buf, "--rate"));
	assert_non_null(strstr(buf, "--output-format"));
	/* Scripts need the exit statuses, the interrupted ones too. */
	assert_non_null(strstr(buf, "130 interrupted (SIGINT)"));
	assert_non_null(strstr(buf, "143 terminated (SIGTERM)"));
	free(buf);
}

struct bad_case {
	const char *args[7];
	const char *expect; /* substring of the message: the bad value, quoted */
};

static const struct bad_case bad_cases[] = {
    {{"--shard", "1/4", "198.18.0.1"}, "needs --seed"},
    {{"--shard", "4/4", "--seed", "1", "198.18.0.1"}, "'4/4'"},
    {{"--shard", "1/0", "--seed", "1", "198.18.0.1"}, "'1/0'"},
    {{"--shard", "a/b", "--seed", "1", "198.18.0.1"}, "'a/b'"},
    {{"--shards", "4", "--seed", "1", "198.18.0.1"}, "needs --shard"},
    {{"--shards", "4", "--shard", "1/3", "--seed", "1", "198.18.0.1"}, "--shards 4"},
    {{"--shard", "0/2", "--seed", "1", "--read", "t.pcap"}, "--read"},
    {{"-r", "abc", "198.18.0.1"}, "'abc'"},
    {{"-r", "-5", "198.18.0.1"}, "'-5'"},
    {{"--rate=10x", "198.18.0.1"}, "'10x'"},
    {{"-P", "0", "198.18.0.1"}, "'0'"},
    {{"-P", "256", "198.18.0.1"}, "'256'"},
    {{"-P", "-1", "198.18.0.1"}, "'-1'"},
    {{"-P", "2x", "198.18.0.1"}, "'2x'"},
    {{"-P", "", "198.18.0.1"}, "''"},
    {{"-O", "yaml", "198.18.0.1"}, "'yaml'"},
    {{"-O", "xml", "--dry-run", "198.18.0.1"}, "--dry-run lists probes"},
    {{"-O", "xml", "-f", "ip", "198.18.0.1"}, "-f 'ip'"},
    {{"-G", "zz:zz", "198.18.0.1"}, "'zz:zz'"},
    {{"-G", "aa:bb:cc:dd:ee:gg", "198.18.0.1"}, "'aa:bb:cc:dd:ee:gg'"},
    {{"-i", "nosuchif0", "198.18.0.1"}, "'nosuchif0'"},
    {{"-i", "an-interface-name-too-long", "198.18.0.1"}, "'an-interface-name-too-long'"},
    {{"-c", "-1", "198.18.0.1"}, "'-1'"},
    {{"-c", "3601", "198.18.0.1"}, "'3601'"},
    {{"-c", "abc", "198.18.0.1"}, "'abc'"},
    {{"-c", "nan", "198.18.0.1"}, "'nan'"},
    {{"-S", "0.0.0.0", "198.18.0.1"}, "'0.0.0.0'"},
    {{"-S", "1.2.3", "198.18.0.1"}, "'1.2.3'"},
    {{"--seed", "-1", "198.18.0.1"}, "'-1'"},
    {{"--seed", "abc", "198.18.0.1"}, "'abc'"},
    {{"--seed", "", "198.18.0.1"}, "''"},
    {{"--seed", "99999999999999999999999", "198.18.0.1"}, "'99999999999999999999999'"},
    {{"--ttl", "0", "198.18.0.1"}, "'0'"},
    {{"--ttl", "256", "198.18.0.1"}, "'256'"},
    {{"--tx", "afpacket", "198.18.0.1"}, "'afpacket'"},
    /* Numbers: decimal only, no space, sign, leading zero, hex, hex float or exponent. */
    {{"--seed", " -1", "198.18.0.1"}, "' -1'"},
    {{"--seed", " 1", "198.18.0.1"}, "' 1'"},
    {{"--seed", "+1", "198.18.0.1"}, "'+1'"},
    {{"--seed", "010", "198.18.0.1"}, "'010'"},
    {{"--seed", "0x10", "198.18.0.1"}, "'0x10'"},
    {{"--seed", "18446744073709551616", "198.18.0.1"}, "'18446744073709551616'"},
    {{"-c", "0x1p3", "198.18.0.1"}, "'0x1p3'"},
    {{"-c", "1e3", "198.18.0.1"}, "'1e3'"},
    {{"-c", " 1", "198.18.0.1"}, "' 1'"},
    {{"-c", "+1", "198.18.0.1"}, "'+1'"},
    {{"-c", "inf", "198.18.0.1"}, "'inf'"},
    {{"-c", "01", "198.18.0.1"}, "'01'"},
    {{"-c", "1k", "198.18.0.1"}, "'1k'"},
    {{"-c", "auto:0x1p3", "198.18.0.1"}, "'auto:0x1p3'"},
    {{"-c", "auto: 5", "198.18.0.1"}, "'auto: 5'"},
    {{"-C", "5k", "-w", "/tmp/x.pcap", "198.18.0.1"}, "'5k'"},
    {{"-C", "0x10", "-w", "/tmp/x.pcap", "198.18.0.1"}, "'0x10'"},
    {{"-P", " 1", "198.18.0.1"}, "' 1'"},
    {{"-P", "01", "198.18.0.1"}, "'01'"},
    {{"--ttl", "+5", "198.18.0.1"}, "'+5'"},
    {{"--ttl", "0x40", "198.18.0.1"}, "'0x40'"},
    {{"-T", "02", "198.18.0.1"}, "'02'"},
    {{"-r", " 5", "198.18.0.1"}, "' 5'"},
    {{"-r", "0x10", "198.18.0.1"}, "'0x10'"},
    {{"-r", "1e3", "198.18.0.1"}, "'1e3'"},
    {{"-r", "010", "198.18.0.1"}, "'010'"},
    {{"--pcap-buffer", "0x100000", "198.18.0.1"}, "'0x100000'"},
    {{"--resolve-timeout", "0x10", "198.18.0.1"}, "'0x10'"},
    {{"--resolve-tries", " 2", "198.18.0.1"}, "' 2'"},
    {{"--resolve-concurrency", "+8", "198.18.0.1"}, "'+8'"},
    /* getopt's errors: the option by name, no raw bytes. */
    {{"--arp-only=1", "198.18.0.1"}, "option '--arp-only' takes no argument"},
    {{"--help=1"}, "option '--help' takes no argument"},
    {{"--no-arp=", "198.18.0.1"}, "option '--no-arp' takes no argument"},
    {{"198.18.0.1", "--seed"}, "option '--seed' needs a value"},
    {{"198.18.0.1", "--metadata"}, "option '--metadata' needs a value"},
    {{"198.18.0.1", "-qr"}, "option '-r' needs a value"},
    {{"--re", "1", "198.18.0.1"}, "ambiguous option '--re' (--resolver, "},
    {{"--bogus=3", "198.18.0.1"}, "unknown option '--bogus'"},
    {{"--=3", "198.18.0.1"}, "unknown option '--'"},
    {{"-qZ", "198.18.0.1"}, "unknown option '-Z'"},
    {{"--quiet", "-Zq", "198.18.0.1"}, "unknown option '-Z'"},
    {{"--rate=5", "-Zq", "198.18.0.1"}, "unknown option '-Z'"},
    {{"-\x01", "198.18.0.1"}, "unknown option byte 0x01"},
    {{"-\xff", "198.18.0.1"}, "unknown option byte 0xff"},
    {{"--\x1b[31m", "198.18.0.1"}, "unknown option '--?[31m'"},
    {{"--dry-run", "-w", "/tmp/never-written.pcap", "198.18.0.1"}, "--dry-run"},
    {{"--pcap-buffer", "1k", "198.18.0.1"}, "'1k'"},
    {{"--pcap-buffer", "3G", "198.18.0.1"}, "'3G'"},
    {{"-T", "0", "198.18.0.1"}, "'0'"},
    {{"-T", "17", "198.18.0.1"}, "'17'"},
    {{"-T", "autox", "198.18.0.1"}, "'autox'"},
    {{"198.18.0.0/33"}, "'198.18.0.0/33'"},
    {{"300.1.1.1"}, "'300.1.1.1'"},
    {{"198.18.0.1", "300.1.1.1"}, "'300.1.1.1'"},
    {{"-x", "1.2.3.4/40", "198.18.0.1"}, "'1.2.3.4/40'"},
    {{"-I", "/nonexistent/targets.txt"}, "'/nonexistent/targets.txt'"},
    {{"-b", "/nonexistent/excl.txt", "198.18.0.1"}, "'/nonexistent/excl.txt'"},
    {{"-Z", "198.18.0.1"}, "'-Z'"},
    {{"--bogus", "198.18.0.1"}, "'--bogus'"},
    {{"198.18.0.1", "-r"}, "'-r'"},
    {{"198.18.0.1", "--rate"}, "'--rate'"},
    {{NULL}, "no targets"},
    {{"-r", "5k", "-q"}, "no targets"},
    {{"-x", "198.18.0.0/24", "198.18.0.1"}, "no targets left"},
};

static void test_bad_input(void **state __attribute__((unused)))
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *b = &bad_cases[i];
		struct cli_options o;
		char err[ISW_ERRBUF_SIZE];
		int rc = parse_argv(&o, err, b->args);

		if (rc != -EINVAL || !strstr(err, b->expect))
			fail_msg("case %zu (%s %s): rc %d, message \"%s\", wanted -EINVAL and "
			         "\"%s\"",
			         i, b->args[0] ? b->args[0] : "",
			         b->args[0] && b->args[1] ? b->args[1] : "", rc, err, b->expect);
		/* One line, no trailing newline. */
		assert_null(strchr(err, '\n'));
		cli_free(&o);
	}
}

/* -o, --metadata, -w and --read: no two name the same file, by any name; refused before
 * anything is created or truncated. */
static void test_same_file(void **state __attribute__((unused)))
{
	char dir[] = "/tmp/isw-cli-XXXXXX", f[128], dotf[128], subf[128], g[128], h[128],
	     g_slash[128], sub[128], err[ISW_ERRBUF_SIZE];
	struct cli_options o;
	struct stat st;
	FILE *fp;

	assert_non_null(mkdtemp(dir));
	snprintf(f, sizeof(f), "%s/f", dir);
	snprintf(dotf, sizeof(dotf), "%s/./f", dir);
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	snprintf(subf, sizeof(subf), "%s/sub/../f", dir);
	snprintf(g, sizeof(g), "%s/g", dir);
	snprintf(h, sizeof(h), "%s/h", dir);
	snprintf(g_slash, sizeof(g_slash), "%s//g", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	fp = fopen(g, "w");
	assert_non_null(fp);
	fputs("198.18.0.9\n", fp);
	fclose(fp);
	assert_int_equal(link(g, h), 0);

	const char *const *bad[] = {
	    (const char *const[]){"-o", f, "--metadata", f, "198.18.0.1", NULL},
	    (const char *const[]){"-o", f, "-w", f, "198.18.0.1", NULL},
	    (const char *const[]){"--metadata", f, "-w", f, "198.18.0.1", NULL},
	    (const char *const[]){"-o", f, "--metadata", dotf, "198.18.0.1", NULL},
	    (const char *const[]){"-w", subf, "--metadata", f, "198.18.0.1", NULL},
	    (const char *const[]){"-o", g, "--metadata", h, "198.18.0.1", NULL},
	    (const char *const[]){"-o", g_slash, "-w", h, "198.18.0.1", NULL},
	    (const char *const[]){"--read", g, "-o", h, NULL},
	    (const char *const[]){"--read", g, "--metadata", g, NULL},
	    (const char *const[]){"-I", g, "-o", h, NULL},
	    (const char *const[]){"-b", g, "198.18.0.1", "--metadata", g, NULL},
	    (const char *const[]){"-w", g, "-I", g, NULL},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse_argv(&o, err, bad[i]);

		if (rc != -EINVAL || !strstr(err, "same file"))
			fail_msg("case %zu: rc %d, \"%s\"", i, rc, err);
		cli_free(&o);
	}
	/* Nothing created, nothing truncated. */
	assert_int_not_equal(stat(f, &st), 0);
	assert_int_equal(stat(g, &st), 0);
	assert_int_equal(st.st_size, 11);

	/* Different files, and character devices such as /dev/null, are fine. */
	assert_int_equal(PARSE(&o, err, "-o", f, "--metadata", g, "198.18.0.1"), 0);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-o", "/dev/null", "--metadata", "/dev/null", "198.18.0.1"),
	                 0);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-o", "-", "--metadata", g, "198.18.0.1"), 0);
	cli_free(&o);
	assert_int_not_equal(stat(f, &st), 0);

	unlink(g);
	unlink(h);
	rmdir(sub);
	rmdir(dir);
}

/* --dry-run captures nothing: -w is refused, and no trace file is created. */
static void test_dry_run_trace_refused(void **state __attribute__((unused)))
{
	char dir[] = "/tmp/isw-cli-XXXXXX", t[128], err[ISW_ERRBUF_SIZE];
	struct cli_options o;
	struct stat st;

	assert_non_null(mkdtemp(dir));
	snprintf(t, sizeof(t), "%s/t.pcap", dir);
	assert_int_equal(PARSE(&o, err, "--dry-run", "-w", t, "198.18.0.1"), -EINVAL);
	assert_non_null(strstr(err, t));
	cli_free(&o);
	assert_int_not_equal(stat(t, &st), 0);
	rmdir(dir);
}

static void test_boundaries_ok(void **state __attribute__((unused)))
{
	static const struct {
		const char *args[4];
	} ok[] = {
	    {{"-P", "1", "198.18.0.1"}},
	    {{"-P", "255", "198.18.0.1"}},
	    {{"-c", "0", "198.18.0.1"}},
	    {{"-c", "3600", "198.18.0.1"}},
	    {{"--ttl", "1", "198.18.0.1"}},
	    {{"--ttl", "255", "198.18.0.1"}},
	    {{"--pcap-buffer", "64k", "198.18.0.1"}},
	    {{"--seed", "0", "198.18.0.1"}},
	    {{"--seed", "18446744073709551615", "198.18.0.1"}},
	    {{"-r", "0", "198.18.0.1"}},
	    {{"-i", "lo", "198.18.0.1"}},
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct cli_options o;
		char err[ISW_ERRBUF_SIZE];
		int rc = parse_argv(&o, err, ok[i].args);

		if (rc != 0)
			fail_msg("'%s %s' rejected (%d): %s", ok[i].args[0], ok[i].args[1], rc,
			         err);
		cli_free(&o);
	}
}

static void test_reparse(void **state __attribute__((unused)))
{
	/* A failed parse leaves nothing behind that breaks the next one. */
	struct cli_options o;
	char err[ISW_ERRBUF_SIZE];

	assert_int_equal(PARSE(&o, err, "-r", "abc", "198.18.0.1"), -EINVAL);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-P", "2", "198.18.0.1"), 0);
	assert_int_equal(o.cfg.probes, 2);
	assert_true(o.cfg.rate == 10000);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "198.18.0.1", "-r"), -EINVAL);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "198.18.0.2"), 0);
	assert_int_equal(o.nspecs, 1);
	assert_string_equal(o.specs[0], "198.18.0.2");
	cli_free(&o);
}

/* A mistyped long option names the one it most likely meant; a far one names none. */
static void test_typo_suggestion(void **state __attribute__((unused)))
{
	static const struct {
		const char *typed, *meant;
	} cases[] = {
	    {"--hlep", "--help"},
	    {"--verison", "--version"},
	    {"--rtae", "--rate"},
	    {"--output-feilds", "--output-fields"},
	    {"--resolve-tires", "--resolve-tries"},
	    {"--pcapgn", "--pcapng"},
	};
	char err[ISW_ERRBUF_SIZE], want[128];
	struct cli_options o;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(PARSE(&o, err, cases[i].typed, "198.18.0.1"), -EINVAL);
		snprintf(want, sizeof(want), "unknown option '%s' (did you mean %s?)",
		         cases[i].typed, cases[i].meant);
		assert_string_equal(err, want);
		cli_free(&o);
	}
	assert_int_equal(PARSE(&o, err, "--xyz", "198.18.0.1"), -EINVAL);
	assert_string_equal(err, "unknown option '--xyz'");
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--tx-ring", "198.18.0.1"), -EINVAL);
	assert_null(strstr(err, "did you mean"));
	cli_free(&o);
}

/* IPv6 targets are taken beside IPv4 ones and counted apart; modes that carry IPv4 only
 * refuse them naming the option (--dry-run and --tx socket take them); --hop-limit is checked
 * like --ttl. */
static void test_ipv6_target(void **state __attribute__((unused)))
{
	static const struct {
		const char *opt, *arg, *want;
	} refused[] = {
	    {"--arp-only", NULL,
	     "--arp-only is an IPv4 (ARP) sweep: it cannot take the 9 IPv6 "
	     "targets (2001:db8::1 and more); sweep them in a separate run "
	     "without it"},
	};
	static const char *const bad_hops[] = {"0", "256", "x", "-1", ""};
	char err[ISW_ERRBUF_SIZE], want[128];
	struct cli_options o;

	assert_int_equal(PARSE(&o, err, "198.18.0.0/30", "2001:db8::1-2001:db8::9", "2001:db8::5"),
	                 0);
	assert_int_equal(isw_targets_count(o.targets), 13);
	assert_int_equal(isw_targets_count_v6(o.targets), 9);
	assert_int_equal(o.cfg.hop_limit, 64);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--hop-limit", "1", "2001:db8::1"), 0);
	assert_int_equal(o.cfg.hop_limit, 1);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--hop-limit", "255", "2001:db8::1"), 0);
	assert_int_equal(o.cfg.hop_limit, 255);
	cli_free(&o);
	for (size_t i = 0; i < sizeof(bad_hops) / sizeof(bad_hops[0]); i++) {
		assert_int_equal(PARSE(&o, err, "--hop-limit", bad_hops[i], "2001:db8::1"),
		                 -EINVAL);
		snprintf(want, sizeof(want), "invalid hop limit '%s' (1..255)", bad_hops[i]);
		assert_string_equal(err, want);
		cli_free(&o);
	}
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (refused[i].arg)
			assert_int_equal(PARSE(&o, err, refused[i].opt, refused[i].arg,
			                       "198.18.0.1", "2001:db8::1-2001:db8::9"),
			                 -EINVAL);
		else
			assert_int_equal(
			    PARSE(&o, err, refused[i].opt, "198.18.0.1", "2001:db8::1-2001:db8::9"),
			    -EINVAL);
		assert_string_equal(err, refused[i].want);
		cli_free(&o);
		/* IPv4 targets alone are still fine there. */
		if (refused[i].arg)
			assert_int_equal(
			    PARSE(&o, err, refused[i].opt, refused[i].arg, "198.18.0.1"), 0);
		else
			assert_int_equal(PARSE(&o, err, refused[i].opt, "198.18.0.1"), 0);
		cli_free(&o);
	}
	assert_int_equal(PARSE(&o, err, "1:2:3"), -EINVAL);
	assert_string_equal(err, "invalid target '1:2:3'");
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--dry-run", "198.18.0.1", "2001:db8::1-2001:db8::9"), 0);
	assert_int_equal(isw_targets_count_v6(o.targets), 9);
	cli_free(&o);
	/* No-root mode sends ICMPv6 through its own ping socket. */
	assert_int_equal(PARSE(&o, err, "--tx", "socket", "198.18.0.1", "2001:db8::1"), 0);
	assert_int_equal(isw_targets_count_v6(o.targets), 1);
	cli_free(&o);
}

/* -S once per family: an IPv6 source for the IPv6 targets beside an IPv4 one; a second of
 * one family, a family no target has, multicast and unspecified sources refused by name. */
static void test_source_per_family(void **state __attribute__((unused)))
{
	static const uint8_t want6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 5};
	static const struct {
		const char *a, *b, *target, *want;
	} bad[] = {
	    {"2001:db8::5", NULL, "198.18.0.1",
	     "-S 2001:db8::5 is an IPv6 source, but every target is IPv4: give an IPv4 address "
	     "with -S, or leave it out"},
	    {"198.18.9.9", NULL, "2001:db8::1",
	     "-S 198.18.9.9 is an IPv4 source, but every target is IPv6: give an IPv6 address "
	     "with -S, or leave it out"},
	    {"2001:db8::5", "2001:db8::6", "2001:db8::1",
	     "-S '2001:db8::6': an IPv6 source was given already (one -S per address family)"},
	    {"198.18.9.9", "198.18.9.8", "198.18.0.1",
	     "-S '198.18.9.8': an IPv4 source was given already (one -S per address family)"},
	    {"ff02::1", NULL, "2001:db8::1", "invalid source address 'ff02::1'"},
	    {"::", NULL, "2001:db8::1", "invalid source address '::'"},
	    {"2001:db8::5%lo", NULL, "2001:db8::1", "invalid source address '2001:db8::5%lo'"},
	    {"2001:db8::zz", NULL, "2001:db8::1", "invalid source address '2001:db8::zz'"},
	};
	char err[ISW_ERRBUF_SIZE];
	struct cli_options o;

	assert_int_equal(
	    PARSE(&o, err, "-S", "2001:db8::5", "-S", "198.18.9.9", "198.18.0.1", "2001:db8::1"),
	    0);
	assert_int_equal(o.cfg.have_src6, 1);
	assert_memory_equal(o.cfg.src6, want6, 16);
	assert_int_equal(o.cfg.src_addr, 0xc6120909u);
	cli_free(&o);
	/* The same source twice is no conflict. */
	assert_int_equal(PARSE(&o, err, "-S", "2001:db8::5", "-S", "2001:db8::5", "2001:db8::1"),
	                 0);
	cli_free(&o);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bad[i].b)
			assert_int_equal(
			    PARSE(&o, err, "-S", bad[i].a, "-S", bad[i].b, bad[i].target), -EINVAL);
		else
			assert_int_equal(PARSE(&o, err, "-S", bad[i].a, bad[i].target), -EINVAL);
		assert_string_equal(err, bad[i].want);
		cli_free(&o);
	}
}

/* Every IPv6 form, mixed with IPv4, taken by a sweep and a dry run alike; what cannot be
 * swept named. */
static void test_ipv6_forms(void **state __attribute__((unused)))
{
	static const struct {
		const char *spec, *named;
	} v6[] = {
	    {"2001:db8::1", "2001:db8::1"},
	    {"2001:db8::/100", "2001:db8::"},
	    {"2001:db8::1-2001:db8::9", "2001:db8::1"},
	    {"2001:db8::/32-48", "2001:db8::1"}, /* its first: 2001:db8:0::1 */
	};
	char err[ISW_ERRBUF_SIZE];
	struct cli_options o;

	for (size_t i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		struct isw_addr first;
		char buf[ISW_ADDR_TEXT_MAX];

		assert_int_equal(PARSE(&o, err, "198.18.0.1", v6[i].spec), 0);
		first = isw_targets_at_addr(o.targets, 1);
		assert_string_equal(isw_addr_format(&first, buf), v6[i].named);
		cli_free(&o);
		assert_int_equal(PARSE(&o, err, "--dry-run", "198.18.0.1", v6[i].spec), 0);
		assert_true(isw_targets_count_v6(o.targets) > 0);
		assert_int_equal(isw_targets_count(o.targets) - isw_targets_count_v6(o.targets), 1);
		cli_free(&o);
	}
	assert_int_equal(PARSE(&o, err, "2001:db8::/32"), -EINVAL);
	assert_non_null(strstr(err, "'2001:db8::/32' has more than 2^32 addresses"));
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--dry-run", "fe80::1"), -EINVAL);
	assert_string_equal(err, "IPv6 target 'fe80::1' is link-local: give the interface it is "
	                         "on, as fe80::1%eth0");
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--dry-run", "fe80::1%no-such-if"), -EINVAL);
	assert_string_equal(err, "IPv6 target 'fe80::1%no-such-if': no interface 'no-such-if'");
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--dry-run", "::ffff:198.18.0.1"), -EINVAL);
	assert_string_equal(err, "IPv6 target '::ffff:198.18.0.1' is IPv4-mapped (::ffff:0:0/96), "
	                         "which never leaves a host: give the IPv4 address instead");
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "1:2:3"), -EINVAL);
	assert_string_equal(err, "invalid target '1:2:3'");
	cli_free(&o);
}

/* --iid: an IPv6 address or random, for sub-prefix sweeps only; every bad value named. */
static void test_iid(void **state __attribute__((unused)))
{
	static const struct {
		const char *arg, *first;
	} ok[] = {
	    {"::1", "2001:db8::1"},
	    {"::a:b:c:d", "2001:db8::a:b:c:d"},
	    {"::ffff:ffff:ffff:ffff", "2001:db8::ffff:ffff:ffff:ffff"},
	};
	static const char *const bad[] = {"foo",        "",       "1.2.3.4", "::1/64",
	                                  "fe80::1%lo", "Random", "::1 "};
	static const struct {
		const char *spec, *want;
	} bad_spec[] = {
	    {"2001:db8::/32-16", "invalid IPv6 sub-prefix length in '2001:db8::/32-16' "
	                         "(PREFIX/LEN-SUBLEN with LEN <= SUBLEN <= 128)"},
	    {"2001:db8::/32-129", "invalid IPv6 sub-prefix length in '2001:db8::/32-129' "
	                          "(PREFIX/LEN-SUBLEN with LEN <= SUBLEN <= 128)"},
	    {"2001:db8::/32-", "invalid IPv6 sub-prefix length in '2001:db8::/32-' "
	                       "(PREFIX/LEN-SUBLEN with LEN <= SUBLEN <= 128)"},
	    {"2001:db8::/32-65", "IPv6 target '2001:db8::/32-65' has 2^33 sub-prefixes, more "
	                         "than the limit of 2^32: sweep a longer prefix or shorter "
	                         "sub-prefixes"},
	    {"198.18.0.0/24-32", "invalid target '198.18.0.0/24-32': sub-prefix sweeps "
	                         "(PREFIX/LEN-SUBLEN) are for IPv6 prefixes; sweep an IPv4 "
	                         "prefix whole"},
	};
	char err[ISW_ERRBUF_SIZE], want[256], buf[ISW_ADDR_TEXT_MAX];
	struct cli_options o;
	struct isw_addr a, b;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (PARSE(&o, err, "--dry-run", "--iid", ok[i].arg, "2001:db8::/32-64") != 0)
			fail_msg("--iid %s: %s", ok[i].arg, err);
		assert_int_equal(isw_targets_count(o.targets), 1ull << 32);
		a = isw_targets_at_addr(o.targets, 0);
		assert_string_equal(isw_addr_format(&a, buf), ok[i].first);
		/* One spelling per value, for --resume's comparison and the metadata. */
		assert_string_equal(o.iid_text, ok[i].arg);
		cli_free(&o);
	}
	assert_int_equal(PARSE(&o, err, "--dry-run", "--iid", "::0001", "2001:db8::/32-48"), 0);
	assert_string_equal(o.iid_text, "::1");
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--dry-run", "--iid", "0:0::A:B", "2001:db8::/32-48"), 0);
	assert_string_equal(o.iid_text, "::a:b");
	cli_free(&o);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(PARSE(&o, err, "--dry-run", "--iid", bad[i], "2001:db8::/32-48"),
		                 -EINVAL);
		snprintf(want, sizeof(want),
		         "invalid --iid '%s' (an IPv6 address such as ::1, whose low bits are the "
		         "host part of each sub-prefix, or random)",
		         bad[i]);
		assert_string_equal(err, want);
		cli_free(&o);
	}
	for (size_t i = 0; i < sizeof(bad_spec) / sizeof(bad_spec[0]); i++) {
		assert_int_equal(PARSE(&o, err, "--dry-run", bad_spec[i].spec), -EINVAL);
		assert_string_equal(err, bad_spec[i].want);
		cli_free(&o);
	}
	/* Wider than the host part of a /64: its top bit would be lost. */
	assert_int_equal(PARSE(&o, err, "--dry-run", "--iid", "::1:0:0:0:1", "2001:db8::/32-48",
	                       "2001:db8::/40-64"),
	                 -EINVAL);
	assert_string_equal(err, "--iid '::1:0:0:0:1' does not fit the low 64 bits that are the "
	                         "host part of a /64 sub-prefix (the first is 2001:db8::/64): give "
	                         "an identifier of at most 64 bits, such as ::1");
	cli_free(&o);
	/* ... but fits a /48's 80. */
	assert_int_equal(PARSE(&o, err, "--dry-run", "--iid", "::1:0:0:0:1", "2001:db8::/32-48"),
	                 0);
	a = isw_targets_at_addr(o.targets, 1);
	assert_string_equal(isw_addr_format(&a, buf), "2001:db8:1:1::1");
	cli_free(&o);
	/* For sub-prefix sweeps only. */
	assert_int_equal(PARSE(&o, err, "--dry-run", "--iid", "random", "2001:db8::/120"), -EINVAL);
	assert_string_equal(err, "--iid 'random' sets the address probed in each sub-prefix of a "
	                         "sub-prefix sweep (PREFIX/LEN-SUBLEN, e.g. 2001:db8::/32-48): no "
	                         "target is one");
	cli_free(&o);
	/* --read learns its seed from the trace, too late for the targets. */
	assert_int_equal(
	    PARSE(&o, err, "--read", "/dev/null", "--iid", "random", "2001:db8::/32-48"), -EINVAL);
	assert_string_equal(err, "--iid random with --read needs the sweep's --seed N: the "
	                         "targets' addresses come from it");
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--read", "/dev/null", "--seed", "3", "--iid", "random",
	                       "2001:db8::/32-48"),
	                 0);
	cli_free(&o);
	/* More than the order holds: 2^32 sub-prefixes and one IPv4 address. */
	assert_int_equal(PARSE(&o, err, "--dry-run", "2001:db8::/32-64", "198.18.0.1"), -EINVAL);
	assert_string_equal(err, "4294967297 targets (1 IPv4, 4294967296 IPv6) are more than the "
	                         "2^32 one sweep can order: sweep them in separate runs");
	cli_free(&o);
	/* random: the same addresses for the same seed, others for another. */
	assert_int_equal(
	    PARSE(&o, err, "--dry-run", "--iid", "random", "--seed", "7", "2001:db8::/32-48"), 0);
	a = isw_targets_at_addr(o.targets, 12345);
	cli_free(&o);
	assert_int_equal(
	    PARSE(&o, err, "--seed", "7", "--iid", "random", "--dry-run", "2001:db8::/32-48"), 0);
	b = isw_targets_at_addr(o.targets, 12345);
	assert_memory_equal(a.bytes, b.bytes, 16);
	assert_int_equal(a.bytes[4], 0x30);
	assert_int_equal(a.bytes[5], 0x39);
	cli_free(&o);
	assert_int_equal(
	    PARSE(&o, err, "--dry-run", "--iid", "random", "--seed", "8", "2001:db8::/32-48"), 0);
	b = isw_targets_at_addr(o.targets, 12345);
	assert_memory_equal(a.bytes, b.bytes, 6);
	assert_memory_not_equal(a.bytes + 6, b.bytes + 6, 10);
	cli_free(&o);
}

/* zmap's limits and output fields: values, and the combinations that cannot work. */
/* --max-targets: a count as given, a percentage of the targets rounded up; bad values named. */
static void test_max_targets(void **state __attribute__((unused)))
{
	static const struct {
		const char *arg, *targets;
		uint64_t want;
	} ok[] = {
	    {"10", "198.18.0.0/24", 10},    {"1000", "198.18.0.0/24", 1000},
	    {"10%", "198.18.0.0/24", 26},   {"100%", "198.18.0.0/24", 256},
	    {"10%", "198.18.0.0/22", 103},  {"25%", "198.18.0.0/24", 64},
	    {"0.001%", "198.18.0.0/24", 1}, {"1%", "198.18.0.0/16", 656},
	};
	static const char *const bad[] = {"0", "-1", "0%", "100.01%", "%", "ten", "5%%", "1e2"};
	char err[ISW_ERRBUF_SIZE], want[160];
	struct cli_options o;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(PARSE(&o, err, "--max-targets", ok[i].arg, ok[i].targets), 0);
		if (o.cfg.max_targets != ok[i].want)
			fail_msg("--max-targets %s of %s: %llu, wanted %llu", ok[i].arg,
			         ok[i].targets, (unsigned long long)o.cfg.max_targets,
			         (unsigned long long)ok[i].want);
		cli_free(&o);
	}
	assert_int_equal(PARSE(&o, err, "198.18.0.0/24"), 0);
	assert_int_equal(o.cfg.max_targets, 0);
	cli_free(&o);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(PARSE(&o, err, "--max-targets", bad[i], "198.18.0.0/24"), -EINVAL);
		snprintf(
		    want, sizeof(want),
		    "invalid --max-targets '%s' (a count of at least 1, or a percentage above 0 "
		    "and at most 100, such as 10%%)",
		    bad[i]);
		assert_string_equal(err, want);
		cli_free(&o);
	}
	assert_int_equal(PARSE(&o, err, "--read", "/nonexistent.pcap", "--max-targets", "5"),
	                 -EINVAL);
	assert_string_equal(err, "--max-targets limits what is probed: --read probes nothing");
	cli_free(&o);
}

/* -l's own checks, which need no interface: a cap without -l, a bad cap, -l with --read. */
static void test_localnet_options(void **state __attribute__((unused)))
{
	static const struct {
		const char *args[5];
		const char *msg;
	} bad[] = {
	    {{"--localnet-max", "12", "198.18.0.0/24"},
	     "--localnet-max caps what -l sweeps: give -l too"},
	    {{"-l", "--localnet-max", "7"},
	     "invalid --localnet-max '7' (a prefix length, 8 to 32)"},
	    {{"-l", "--localnet-max", "33"},
	     "invalid --localnet-max '33' (a prefix length, 8 to 32)"},
	    {{"-l", "--localnet-max", "/16"},
	     "invalid --localnet-max '/16' (a prefix length, 8 to 32)"},
	    {{"-l", "--read", "/nonexistent.pcap"},
	     "-l names the networks to sweep: --read sweeps nothing (give the targets)"},
	    {{"-r", "5k"},
	     "no targets given: name them, or sweep the networks this host is on with -l (try "
	     "--help)"},
	};
	char err[ISW_ERRBUF_SIZE];
	struct cli_options o;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse_argv(&o, err, bad[i].args), -EINVAL);
		assert_string_equal(err, bad[i].msg);
		cli_free(&o);
	}
}

static void test_limits_and_fields(void **state __attribute__((unused)))
{
	char err[ISW_ERRBUF_SIZE];
	struct cli_options o;

	assert_int_equal(PARSE(&o, err, "--max-results", "25", "--max-runtime", "1.5", "-O", "csv",
	                       "-f", "ip,rtt_ms", "198.18.0.0/24"),
	                 0);
	assert_int_equal(o.max_results, 25);
	assert_true(o.max_runtime_s == 1.5);
	assert_string_equal(o.fields, "ip,rtt_ms");
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--list-output-fields"), 0);
	assert_true(o.list_fields);
	cli_free(&o);

	static const struct {
		const char *args[6];
		const char *msg;
	} bad[] = {
	    {{"--max-results", "0"}, "invalid --max-results '0' (hosts, at least 1)"},
	    {{"--max-results", "-3"}, "invalid --max-results '-3' (hosts, at least 1)"},
	    {{"--max-runtime", "0"}, "invalid --max-runtime '0' (seconds, above 0)"},
	    {{"--max-runtime", "1e3"}, "invalid --max-runtime '1e3' (seconds, above 0)"},
	    {{"-O", "csv", "-f", "ip,bogus"},
	     "unknown output field 'bogus' in 'ip,bogus' (--list-output-fields lists them)"},
	    {{"-O", "csv", "-f", "ip,,ttl"},
	     "unknown output field '' in 'ip,,ttl' (--list-output-fields lists them)"},
	    {{"-O", "json", "-f", "rtt_ms,ip,rtt_ms"},
	     "output field 'rtt_ms' given twice in 'rtt_ms,ip,rtt_ms'"},
	    {{"-O", "csv", "-n", "-f", "ip,hostname"},
	     "output field 'hostname' needs reverse lookups: drop -n"},
	    {{"-f", "ip"},
	     "output fields (-f 'ip') apply to results in csv or json (-O csv, -O json)"},
	    {{"-O", "csv", "--dry-run", "-f", "ip"},
	     "output fields (-f 'ip') apply to results in csv or json (-O csv, -O json), not to "
	     "--dry-run"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *argv[8];
		size_t n = 0;

		for (; n < 6 && bad[i].args[n]; n++)
			argv[n] = bad[i].args[n];
		argv[n++] = "198.18.0.1";
		argv[n] = NULL;
		assert_int_equal(parse_argv(&o, err, argv), -EINVAL);
		assert_string_equal(err, bad[i].msg);
		cli_free(&o);
	}
	assert_int_equal(PARSE(&o, err, "--read", "/nonexistent.pcap", "--max-runtime", "3"),
	                 -EINVAL);
	assert_string_equal(err, "--max-runtime limits sending: --read sends nothing");
	cli_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_rate),
	    cmocka_unit_test(test_parse_size),
	    cmocka_unit_test(test_parse_mac),
	    cmocka_unit_test(test_parse_mac_strict_hex),
	    cmocka_unit_test(test_parse_ipv4),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_random_seed),
	    cmocka_unit_test(test_all_options),
	    cmocka_unit_test(test_shard_options),
	    cmocka_unit_test(test_long_options),
	    cmocka_unit_test(test_options_after_targets),
	    cmocka_unit_test(test_target_files),
	    cmocka_unit_test(test_help_version),
	    cmocka_unit_test(test_usage),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_boundaries_ok),
	    cmocka_unit_test(test_same_file),
	    cmocka_unit_test(test_dry_run_trace_refused),
	    cmocka_unit_test(test_reparse),
	    cmocka_unit_test(test_typo_suggestion),
	    cmocka_unit_test(test_ipv6_target),
	    cmocka_unit_test(test_source_per_family),
	    cmocka_unit_test(test_ipv6_forms),
	    cmocka_unit_test(test_iid),
	    cmocka_unit_test(test_limits_and_fields),
	    cmocka_unit_test(test_max_targets),
	    cmocka_unit_test(test_localnet_options),
	};
	const struct CMUnitTest modes[] = {cmocka_unit_test(test_senders_and_cooldown)};

	return cmocka_run_group_tests(tests, NULL, NULL) |
	       cmocka_run_group_tests(modes, NULL, NULL);
}

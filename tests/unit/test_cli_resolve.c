/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for the resolver options of tools/cli-options.c: defaults, --resolver (repeatable),
 * --resolve-concurrency/-timeout/-tries, -n, and one-line errors naming the bad value. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "cli-options.h"

static int parse(struct cli_options *o, char *err, const char *const *args)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = (char *)"icmpsweep";
	for (; *args; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	err[0] = '\0';
	optind = 0;
	return cli_parse(o, argc, argv, err);
}

#define PARSE(o, err, ...) parse((o), (err), (const char *const[]){__VA_ARGS__, NULL})

static void test_defaults(void **state)
{
	struct cli_options o;
	char err[ISW_ERRBUF_SIZE];

	assert_int_equal(PARSE(&o, err, "198.18.0.0/30"), 0);
	assert_int_equal(o.no_resolve, 0);
	assert_int_equal(o.resolve.nservers, 0);
	assert_int_equal(o.resolve.concurrency, 256);
	assert_int_equal(o.resolve.timeout_ms, 2000);
	assert_int_equal(o.resolve.tries, 2);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "-n", "198.18.0.0/30"), 0);
	assert_int_equal(o.no_resolve, 1);
	cli_free(&o);
	assert_int_equal(PARSE(&o, err, "--no-resolve", "198.18.0.0/30"), 0);
	assert_int_equal(o.no_resolve, 1);
	cli_free(&o);
}

static void test_options(void **state)
{
	struct cli_options o;
	char err[ISW_ERRBUF_SIZE];

	assert_int_equal(PARSE(&o, err, "--resolver", "192.0.2.2", "--resolver", "192.0.2.3:5353",
	                       "--resolver", "[2001:db8::53]:53", "--resolve-concurrency", "1000",
	                       "--resolve-timeout", "500", "--resolve-tries", "3", "198.18.0.0/30"),
	                 0);
	assert_int_equal(o.resolve.nservers, 3);
	assert_string_equal(o.resolve.servers[0], "192.0.2.2");
	assert_string_equal(o.resolve.servers[1], "192.0.2.3:5353");
	assert_string_equal(o.resolve.servers[2], "[2001:db8::53]:53");
	assert_int_equal(o.resolve.concurrency, 1000);
	assert_int_equal(o.resolve.timeout_ms, 500);
	assert_int_equal(o.resolve.tries, 3);
	cli_free(&o);
}

static void bad(const char *opt, const char *value)
{
	struct cli_options o;
	char err[ISW_ERRBUF_SIZE];

	if (PARSE(&o, err, opt, value, "198.18.0.0/30") != -EINVAL)
		fail_msg("%s %s accepted", opt, value);
	if (!strstr(err, value) || strchr(err, '\n'))
		fail_msg("%s %s: message '%s' does not name the value on one line", opt, value,
		         err);
	cli_free(&o);
}

static void test_bad_values(void **state)
{
	bad("--resolver", "dns.example");
	bad("--resolver", "192.0.2.2:0");
	bad("--resolver", "192.0.2.2:70000");
	bad("--resolver", "192.0.2.256");
	bad("--resolver", "[::1");
	bad("--resolve-concurrency", "0");
	bad("--resolve-concurrency", "65536");
	bad("--resolve-concurrency", "-5");
	bad("--resolve-timeout", "0");
	bad("--resolve-timeout", "2s");
	bad("--resolve-timeout", "600001");
	bad("--resolve-tries", "0");
	bad("--resolve-tries", "101");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_options),
	    cmocka_unit_test(test_bad_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

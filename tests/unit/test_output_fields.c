/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for -f (engine/output/output.c): the chosen columns, in the chosen order, in CSV's
 * header and rows and in JSON's keys; a bad list is refused by isw_output_open as by the check. */
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

static struct isw_result sample(void)
{
	struct isw_result r = {0};

	r.addr = isw_addr_from_v4(0xc6120007);      /* 198.18.0.7 */
	r.responder = isw_addr_from_v4(0xc0000202); /* 192.0.2.2 */
	r.type = ISW_RESULT_UNREACHABLE;
	r.ttl = 63;
	r.probe = 2;
	r.rtt_ms = 1.5;
	r.ts_us = 1700000000123456;
	return r;
}

/* The whole output of one result written with these options. */
static char *render(const struct isw_output_options *opt, const struct isw_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	isw_output *o;

	assert_non_null(fp);
	assert_int_equal(isw_output_open(&o, opt, fp), 0);
	assert_int_equal(isw_output_write(o, r), 0);
	assert_int_equal(isw_output_flush(o), 0);
	isw_output_free(o);
	fclose(fp);
	return buf;
}

static void test_csv_order(void **state __attribute__((unused)))
{
	struct isw_output_options opt = {.format = ISW_FORMAT_CSV,
	                                 .fields = "ttl,ip,responder,probe"};
	struct isw_result r = sample();
	char *out = render(&opt, &r);

	assert_string_equal(out, "ttl,ip,responder,probe\n63,198.18.0.7,192.0.2.2,2\n");
	free(out);
	/* mac on a routed target: the column exists, empty. */
	opt.fields = "mac,type";
	out = render(&opt, &r);
	assert_string_equal(out, "mac,type\n,unreachable\n");
	free(out);
}

static void test_json_order(void **state __attribute__((unused)))
{
	struct isw_output_options opt = {.format = ISW_FORMAT_JSON, .fields = "rtt_ms,ip,vendor"};
	struct isw_result r = sample();
	char *out = render(&opt, &r);

	assert_string_equal(out, "{\"rtt_ms\":1.500,\"ip\":\"198.18.0.7\",\"vendor\":null}\n");
	free(out);
	r.rtt_ms = -1;
	opt.hostnames = 1;
	opt.fields = "hostname,lookup,rtt_ms";
	r.hostname = "h.example";
	r.lookup = ISW_LOOKUP_OK;
	out = render(&opt, &r);
	assert_string_equal(out,
	                    "{\"hostname\":\"h.example\",\"lookup\":\"ok\",\"rtt_ms\":null}\n");
	free(out);
}

/* Without -f: every column of the table that is on, in table order (unchanged output). */
static void test_default_unchanged(void **state __attribute__((unused)))
{
	struct isw_output_options opt = {.format = ISW_FORMAT_CSV};
	struct isw_result r = sample();
	char *out = render(&opt, &r);

	assert_string_equal(out, "ip,type,rtt_ms,ttl,probe,ts,responder\n"
	                         "198.18.0.7,unreachable,1.500,63,2,1700000000.123456,192.0.2.2\n");
	free(out);
}

static void test_bad_lists(void **state __attribute__((unused)))
{
	const char *bad[] = {"", "ip,", ",ip", "ip,ip", "IP", "ip;ttl", "hostname"};
	char err[ISW_ERRBUF_SIZE];
	isw_output *o = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct isw_output_options opt = {.format = ISW_FORMAT_CSV, .fields = bad[i]};

		err[0] = 0;
		assert_int_equal(isw_output_fields_check(&opt, err), -EINVAL);
		assert_true(err[0] != 0);
		assert_int_equal(isw_output_open(&o, &opt, stdout), -EINVAL);
	}
	struct isw_output_options text = {.format = ISW_FORMAT_TEXT, .fields = "ip"};
	assert_int_equal(isw_output_fields_check(&text, err), -EINVAL);
	assert_int_equal(isw_output_open(&o, &text, stdout), -EINVAL);
}

/* --list-output-fields names every field -f accepts, and each is accepted. */
static void test_list_accepts_all(void **state __attribute__((unused)))
{
	char *buf = NULL, *line, *save = NULL, err[ISW_ERRBUF_SIZE];
	size_t len = 0, n = 0;
	FILE *fp = open_memstream(&buf, &len);

	isw_output_fields_list(fp);
	fclose(fp);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		char name[32];
		struct isw_output_options opt = {
		    .format = ISW_FORMAT_JSON, .hostnames = 1, .fields = name};

		assert_int_equal(sscanf(line, "%31s", name), 1);
		assert_int_equal(isw_output_fields_check(&opt, err), 0);
	}
	assert_int_equal(n, 12);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_order),         cmocka_unit_test(test_json_order),
	    cmocka_unit_test(test_default_unchanged), cmocka_unit_test(test_bad_lists),
	    cmocka_unit_test(test_list_accepts_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for the IPv6 targets (engine/core/targets6.c through targets.h): addresses, ranges
 * and prefixes mixed with IPv4 in one set, excludes across the set, the 2^32 enumeration limit
 * and its message, never-sent addresses, files, index <-> address both ways, and IPv6 refused
 * as before unless the caller allows it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net/if.h>
#include <unistd.h>

#include "icmpsweep/error.h"
#include "icmpsweep/targets.h"
#include "targets6-build.h"

static void test_mixed_set(void **state)
{
	isw_targets *t = new6();
	char err[ISW_ERRBUF_SIZE], buf[ISW_ADDR_TEXT_MAX];

	(void)state;
	add(t, "2001:db8:1::/120", 0);               /* 256 */
	add(t, "198.18.0.0/30", 0);                  /* 4 */
	add(t, "2001:db8:1::ff-2001:db8:1::101", 0); /* overlaps by one, adds 2 */
	add(t, "2001:db8:2::5", 0);
	add(t, "2001:db8:1::10-2001:db8:1::1f", 1); /* 16 out */
	add(t, "198.18.0.1", 1);
	assert_int_equal(isw_targets_finalize(t, err), 0);
	assert_int_equal(isw_targets_count(t), 3 + 256 + 2 + 1 - 16);
	assert_int_equal(isw_targets_count_v6(t), 256 + 2 + 1 - 16);
	/* IPv4 first, in order, then IPv6 in numeric order. */
	assert_string_equal(at(t, 0, buf), "198.18.0.0");
	assert_string_equal(at(t, 2, buf), "198.18.0.3");
	assert_string_equal(at(t, 3, buf), "2001:db8:1::");
	assert_string_equal(at(t, 3 + 15, buf), "2001:db8:1::f");
	assert_string_equal(at(t, 3 + 16, buf), "2001:db8:1::20");
	assert_string_equal(at(t, isw_targets_count(t) - 2, buf), "2001:db8:1::101");
	assert_string_equal(at(t, isw_targets_count(t) - 1, buf), "2001:db8:2::5");
	/* Index and address agree both ways over the whole set. */
	for (uint64_t i = 0; i < isw_targets_count(t); i++) {
		struct isw_addr a = isw_targets_at_addr(t, i);
		assert_int_equal(isw_targets_index_addr(t, &a), (int64_t)i);
	}
	{
		struct isw_addr a;
		assert_int_equal(isw_addr_parse("2001:db8:1::15", &a, NULL), 0);
		assert_int_equal(isw_targets_index_addr(t, &a), -1);
		assert_int_equal(isw_addr_parse("2001:db8:2::6", &a, NULL), 0);
		assert_int_equal(isw_targets_index_addr(t, &a), -1);
		assert_int_equal(isw_addr_parse("198.18.0.1", &a, NULL), 0);
		assert_int_equal(isw_targets_index_addr(t, &a), -1);
	}
	isw_targets_free(t);
}

static void test_limits_and_errors(void **state)
{
	isw_targets *t = new6();
	char err[ISW_ERRBUF_SIZE], buf[ISW_ADDR_TEXT_MAX];

	(void)state;
	/* 2^32 addresses are enumerated, 2^33 are not. */
	add(t, "2001:db8:5::/96", 0);
	assert_int_equal(isw_targets_add(t, "2001:db8::/95", 0, err), -EINVAL);
	assert_non_null(strstr(err, "'2001:db8::/95'"));
	assert_non_null(strstr(err, "2001:db8::/32-48"));
	assert_non_null(strstr(err, "hitlist"));
	assert_int_equal(isw_targets_add(t, "2001:db8::-2001:db8::1:0:0", 0, err), -EINVAL);
	assert_non_null(strstr(err, "more than 2^32"));
	/* Any size may be excluded. */
	add(t, "2001:db8:5::/48", 1);
	assert_int_equal(isw_targets_add(t, "2001:db8:6::1/64", 0, err), -EINVAL);
	assert_int_equal(isw_targets_add(t, "2001:db8::/32-16", 0, err), -EINVAL);
	assert_non_null(strstr(err, "'2001:db8::/32-16'"));
	assert_non_null(strstr(err, "sub-prefix"));
	assert_int_equal(isw_targets_add(t, "2001:db8::/129", 0, err), -EINVAL);
	assert_non_null(strstr(err, "'2001:db8::/129'"));
	assert_int_equal(isw_targets_add(t, "2001:db8::9-2001:db8::1", 0, err), -EINVAL);
	assert_non_null(strstr(err, "start after end"));
	assert_int_equal(isw_targets_add(t, "2001:db8::1-zz", 0, err), -EINVAL);
	assert_int_equal(isw_targets_add(t, "fe80::1", 0, err), -EINVAL);
	assert_non_null(strstr(err, "link-local"));
	/* The /96 is wholly excluded: nothing left. */
	assert_int_equal(isw_targets_finalize(t, err), -EINVAL);
	assert_non_null(strstr(err, "no targets left"));
	isw_targets_free(t);
	(void)buf;
}

static void test_host_bits_and_reserved(void **state)
{
	isw_targets *t = new6();
	char err[ISW_ERRBUF_SIZE], buf[ISW_ADDR_TEXT_MAX];

	(void)state;
	add(t, "2001:db8:7::1234/120", 0); /* means 2001:db8:7::1200/120 */
	add(t, "::", 0);
	add(t, "ff02::1-ff02::3", 0);
	assert_int_equal(isw_targets_finalize(t, err), 0);
	assert_int_equal(isw_targets_count(t), 256);
	assert_int_equal(isw_targets_reserved_dropped(t), 4);
	assert_string_equal(at(t, 0, buf), "2001:db8:7::1200");
	/* Past the end: "::", never a target. */
	assert_string_equal(at(t, 256, buf), "::");
	isw_targets_free(t);
}

static void test_refused_unless_allowed(void **state)
{
	isw_targets *t;
	char err[ISW_ERRBUF_SIZE];

	(void)state;
	assert_int_equal(isw_targets_new(&t), 0);
	assert_int_equal(isw_targets_add(t, "2001:db8::1", 0, err), -EINVAL);
	assert_non_null(strstr(err, "IPv4 only"));
	isw_targets_free(t);
}

/* Link-local targets carry their interface ("fe80::1%lo"), all the same one; without it, or a
 * scope on another address, they are refused naming the target. */
static void test_link_local_scope(void **state)
{
	isw_targets *t = new6();
	char err[ISW_ERRBUF_SIZE], buf[ISW_ADDR_TEXT_MAX];

	(void)state;
	assert_int_equal(isw_targets_add(t, "fe80::1", 0, err), -EINVAL);
	assert_non_null(strstr(err, "'fe80::1' is link-local: give the interface"));
	assert_int_equal(isw_targets_add(t, "fe80::/126", 0, err), -EINVAL);
	assert_int_equal(isw_targets_add(t, "2001:db8::1%lo", 0, err), -EINVAL);
	assert_non_null(strstr(err, "for link-local addresses (fe80::/10) only"));
	assert_int_equal(isw_targets_add(t, "fe80::1%no-such-if", 0, err), -EINVAL);
	assert_non_null(strstr(err, "no interface 'no-such-if'"));
	assert_int_equal(isw_targets_add(t, "fe80::1%", 0, err), -EINVAL);
	assert_int_equal(isw_targets_scope6(t), 0);
	add(t, "fe80::1%lo", 0);
	add(t, "fe80::8-fe80::9%lo", 0);
	/* Excluding one needs no interface. */
	add(t, "fe80::9", 1);
	add(t, "2001:db8::5", 0);
	assert_int_equal(isw_targets_finalize(t, err), 0);
	assert_int_equal(isw_targets_scope6(t), if_nametoindex("lo"));
	assert_int_equal(isw_targets_count(t), 3);
	assert_string_equal(at(t, 0, buf), "2001:db8::5");
	assert_string_equal(at(t, 1, buf), "fe80::1");
	assert_string_equal(at(t, 2, buf), "fe80::8");
	isw_targets_free(t);
}

static void test_file_all_or_nothing(void **state)
{
	char path[] = "/tmp/test_targets6_XXXXXX", err[ISW_ERRBUF_SIZE], buf[ISW_ADDR_TEXT_MAX];
	int fd = mkstemp(path);
	FILE *f;
	isw_targets *t = new6();

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fprintf(f, "# hitlist\n2001:db8:3::1\n198.18.0.9 # v4 too\n2001:db8:3::2\n"
	           "2001:db8:3::/127\n");
	fclose(f);
	assert_int_equal(isw_targets_add_file(t, path, 0, err), 0);
	f = fopen(path, "a");
	fprintf(f, "2001:db8:4::1\n2001:db8:4::zz\n");
	fclose(f);
	assert_int_equal(isw_targets_add_file(t, path, 0, err), -EINVAL);
	assert_non_null(strstr(err, ":7:"));
	assert_non_null(strstr(err, "2001:db8:4::zz"));
	assert_int_equal(isw_targets_finalize(t, err), 0);
	/* The second file left nothing behind: 2001:db8:4::1 is not a target. */
	assert_int_equal(isw_targets_count(t), 1 + 3);
	assert_string_equal(at(t, 0, buf), "198.18.0.9");
	assert_string_equal(at(t, 1, buf), "2001:db8:3::");
	assert_string_equal(at(t, 3, buf), "2001:db8:3::2");
	unlink(path);
	isw_targets_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mixed_set),
	    cmocka_unit_test(test_limits_and_errors),
	    cmocka_unit_test(test_host_bits_and_reserved),
	    cmocka_unit_test(test_refused_unless_allowed),
	    cmocka_unit_test(test_file_all_or_nothing),
	    cmocka_unit_test(test_link_local_scope),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/core/targets.c.  No DNS traffic: the only name looked up is "localhost",
 * which comes from /etc/hosts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "icmpsweep/error.h"
#include "icmpsweep/targets.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

#define SLASH8 (UINT64_C(1) << 24)
#define SLASH4 (UINT64_C(1) << 28)

static isw_targets *new_targets(void)
{
	isw_targets *t = NULL;

	assert_int_equal(isw_targets_new(&t), 0);
	assert_non_null(t);
	return t;
}

static void add_ok(isw_targets *t, const char *spec, int exclude)
{
	char err[ISW_ERRBUF_SIZE] = "";
	int rc = isw_targets_add(t, spec, exclude, err);

	if (rc != 0)
		fail_msg("add '%s' failed (%d): %s", spec, rc, err);
}

static void finalize_ok(isw_targets *t)
{
	char err[ISW_ERRBUF_SIZE] = "";
	int rc = isw_targets_finalize(t, err);

	if (rc != 0)
		fail_msg("finalize failed (%d): %s", rc, err);
}

/* Finalized set of the given include specs (NULL-terminated). */
static isw_targets *build(const char *const *specs)
{
	isw_targets *t = new_targets();

	for (; *specs; specs++)
		add_ok(t, *specs, 0);
	finalize_ok(t);
	return t;
}

/* Every index maps to a strictly increasing address that maps back to the same index. */
static void check_walk(const isw_targets *t)
{
	uint64_t n = isw_targets_count(t);
	uint32_t prev = 0;

	for (uint64_t i = 0; i < n; i++) {
		uint32_t a = isw_targets_at(t, i);

		if (i > 0)
			assert_true(a > prev);
		assert_int_equal(isw_targets_index(t, a), (int64_t)i);
		prev = a;
	}
}

static char *write_temp(const char *content)
{
	static const char tmpl[] = "/tmp/test_targets.XXXXXX";
	char *path = strdup(tmpl);
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	return path;
}

/* write_temp for content with NUL bytes in it. */
static char *write_temp_n(const char *content, size_t len)
{
	static const char tmpl[] = "/tmp/test_targets.XXXXXX";
	char *path = strdup(tmpl);
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	close(fd);
	return path;
}

/* No byte of a message may be a control byte or outside ASCII: a hostile value must not
 * reach the terminal. */
static void assert_printable(const char *msg)
{
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			fail_msg("message has byte 0x%02x: %s", *p, msg);
}

static void remove_temp(char *path)
{
	unlink(path);
	free(path);
}

/* --- good specifications --- */

static void test_cidr_masks_host_bits(void **state __attribute__((unused)))
{
	isw_targets *t = build((const char *const[]){"198.18.1.77/16", NULL});

	assert_int_equal(isw_targets_count(t), 65536);
	assert_int_equal(isw_targets_at(t, 0), IP(198, 18, 0, 0));
	assert_int_equal(isw_targets_at(t, 65535), IP(198, 18, 255, 255));
	assert_int_equal(isw_targets_index(t, IP(198, 18, 1, 77)), 256 + 77);
	assert_int_equal(isw_targets_index(t, IP(198, 17, 255, 255)), -1);
	assert_int_equal(isw_targets_index(t, IP(198, 19, 0, 0)), -1);
	assert_int_equal(isw_targets_reserved_dropped(t), 0);
	isw_targets_free(t);
}

static void test_cidr_32(void **state __attribute__((unused)))
{
	isw_targets *t = build((const char *const[]){"198.18.0.5/32", NULL});

	assert_int_equal(isw_targets_count(t), 1);
	assert_int_equal(isw_targets_at(t, 0), IP(198, 18, 0, 5));
	assert_int_equal(isw_targets_index(t, IP(198, 18, 0, 5)), 0);
	assert_int_equal(isw_targets_index(t, IP(198, 18, 0, 4)), -1);
	assert_int_equal(isw_targets_index(t, IP(198, 18, 0, 6)), -1);
	isw_targets_free(t);
}

static void test_cidr_0(void **state __attribute__((unused)))
{
	isw_targets *t = build((const char *const[]){"0.0.0.0/0", NULL});
	uint64_t n = (UINT64_C(1) << 32) - SLASH8 - 2 * SLASH4;

	assert_true(isw_targets_count(t) == n);
	assert_true(isw_targets_reserved_dropped(t) == SLASH8 + 2 * SLASH4);
	assert_int_equal(isw_targets_at(t, 0), IP(1, 0, 0, 0));
	assert_int_equal(isw_targets_at(t, n - 1), IP(223, 255, 255, 255));
	assert_int_equal(isw_targets_index(t, IP(1, 0, 0, 0)), 0);
	assert_true(isw_targets_index(t, IP(223, 255, 255, 255)) == (int64_t)(n - 1));
	assert_int_equal(isw_targets_index(t, IP(0, 255, 255, 255)), -1);
	assert_int_equal(isw_targets_index(t, IP(224, 0, 0, 0)), -1);
	assert_int_equal(isw_targets_index(t, IP(255, 255, 255, 255)), -1);
	isw_targets_free(t);
}

static void test_cidr_0_host_bits(void **state __attribute__((unused)))
{
	/* /0 masks everything, so any address gives the whole space. */
	isw_targets *t = build((const char *const[]){"198.18.0.1/0", NULL});

	assert_true(isw_targets_count(t) == (UINT64_C(1) << 32) - SLASH8 - 2 * SLASH4);
	isw_targets_free(t);
}

static void test_range(void **state __attribute__((unused)))
{
	isw_targets *t = build((const char *const[]){"198.18.0.10-198.18.3.200", NULL});

	assert_int_equal(isw_targets_count(t), 3 * 256 + 200 - 10 + 1);
	assert_int_equal(isw_targets_at(t, 0), IP(198, 18, 0, 10));
	assert_int_equal(isw_targets_at(t, 246), IP(198, 18, 1, 0));
	assert_int_equal(isw_targets_at(t, 958), IP(198, 18, 3, 200));
	assert_int_equal(isw_targets_index(t, IP(198, 18, 0, 9)), -1);
	assert_int_equal(isw_targets_index(t, IP(198, 18, 3, 201)), -1);
	check_walk(t);
	isw_targets_free(t);
}

static void test_range_single_address(void **state __attribute__((unused)))
{
	isw_targets *t = build((const char *const[]){"198.18.0.7-198.18.0.7", NULL});

	assert_int_equal(isw_targets_count(t), 1);
	assert_int_equal(isw_targets_at(t, 0), IP(198, 18, 0, 7));
	isw_targets_free(t);
}

static void test_single(void **state __attribute__((unused)))
{
	isw_targets *t = build((const char *const[]){"198.18.0.1", "255.255.255.254", NULL});

	/* 255.255.255.254 is in 240.0.0.0/4. */
	assert_int_equal(isw_targets_count(t), 1);
	assert_int_equal(isw_targets_at(t, 0), IP(198, 18, 0, 1));
	assert_int_equal(isw_targets_reserved_dropped(t), 1);
	isw_targets_free(t);
}

static void test_overlap_merged(void **state __attribute__((unused)))
{
	isw_targets *t = build((const char *const[]){
	    "198.18.0.128/25", "198.18.0.0/24", "198.18.0.200-198.18.1.10", "198.18.0.5",
	    "198.18.0.5", "198.18.1.10", "198.18.0.0/24", NULL});

	assert_int_equal(isw_targets_count(t), 256 + 11);
	assert_int_equal(isw_targets_at(t, 0), IP(198, 18, 0, 0));
	assert_int_equal(isw_targets_at(t, 266), IP(198, 18, 1, 10));
	check_walk(t);
	isw_targets_free(t);
}

static void test_adjacent_merged(void **state __attribute__((unused)))
{
	isw_targets *t = build((const char *const[]){"198.18.0.128/25", "198.18.0.0/25",
	                                             "198.18.1.0-198.18.1.9", "198.18.1.10", NULL});

	assert_int_equal(isw_targets_count(t), 256 + 11);
	assert_int_equal(isw_targets_at(t, 127), IP(198, 18, 0, 127));
	assert_int_equal(isw_targets_at(t, 128), IP(198, 18, 0, 128));
	assert_int_equal(isw_targets_at(t, 256), IP(198, 18, 1, 0));
	assert_int_equal(isw_targets_at(t, 266), IP(198, 18, 1, 10));
	check_walk(t);
	isw_targets_free(t);
}

static void test_top_of_space(void **state __attribute__((unused)))
{
	/* Ranges ending at 255.255.255.255 must not wrap when merged or subtracted. */
	isw_targets *t = new_targets();

	add_ok(t, "223.255.255.0/24", 0);
	add_ok(t, "224.0.0.0/3", 0);
	add_ok(t, "255.255.255.255", 0);
	add_ok(t, "255.255.255.0-255.255.255.255", 1);
	add_ok(t, "255.255.255.255/32", 1);
	finalize_ok(t);
	assert_int_equal(isw_targets_count(t), 256);
	assert_true(isw_targets_reserved_dropped(t) == 2 * SLASH4 - 256);
	assert_int_equal(isw_targets_at(t, 255), IP(223, 255, 255, 255));
	check_walk(t);
	isw_targets_free(t);
}

static void test_excludes_punch_holes(void **state __attribute__((unused)))
{
	isw_targets *t = new_targets();

	/* Excludes may come before the targets they cut. */
	add_ok(t, "198.18.0.10-198.18.0.19", 1);
	add_ok(t, "198.18.0.0/24", 0);
	add_ok(t, "198.18.0.0", 1);
	add_ok(t, "198.18.0.255", 1);
	add_ok(t, "198.18.0.15/30", 1); /* inside an earlier exclude */
	add_ok(t, "198.18.5.0/24", 1);  /* touches no target */
	add_ok(t, "198.18.0.100/31", 1);
	finalize_ok(t);

	assert_int_equal(isw_targets_count(t), 256 - 10 - 1 - 1 - 2);
	assert_int_equal(isw_targets_at(t, 0), IP(198, 18, 0, 1));
	assert_int_equal(isw_targets_at(t, 8), IP(198, 18, 0, 9));
	assert_int_equal(isw_targets_at(t, 9), IP(198, 18, 0, 20));
	assert_int_equal(isw_targets_index(t, IP(198, 18, 0, 0)), -1);
	assert_int_equal(isw_targets_index(t, IP(198, 18, 0, 10)), -1);
	assert_int_equal(isw_targets_index(t, IP(198, 18, 0, 19)), -1);
	assert_int_equal(isw_targets_index(t, IP(198, 18, 0, 100)), -1);
	assert_int_equal(isw_targets_index(t, IP(198, 18, 0, 101)), -1);
	assert_int_equal(isw_targets_index(t, IP(198, 18, 0, 255)), -1);
	assert_int_equal(isw_targets_at(t, isw_targets_count(t) - 1), IP(198, 18, 0, 254));
	assert_int_equal(isw_targets_reserved_dropped(t), 0);
	check_walk(t);
	isw_targets_free(t);
}

static void test_exclude_spanning_ranges(void **state __attribute__((unused)))
{
	isw_targets *t = new_targets();

	add_ok(t, "198.18.0.0/24", 0);
	add_ok(t, "198.18.2.0/24", 0);
	add_ok(t, "198.18.4.0/24", 0);
	add_ok(t, "198.18.0.200-198.18.4.9", 1);
	finalize_ok(t);
	assert_int_equal(isw_targets_count(t), 200 + 246);
	assert_int_equal(isw_targets_at(t, 199), IP(198, 18, 0, 199));
	assert_int_equal(isw_targets_at(t, 200), IP(198, 18, 4, 10));
	check_walk(t);
	isw_targets_free(t);
}

static void test_exclude_everything(void **state __attribute__((unused)))
{
	char err[ISW_ERRBUF_SIZE] = "";
	isw_targets *t = new_targets();

	add_ok(t, "198.18.0.0/24", 0);
	add_ok(t, "198.18.0.0/23", 1);
	assert_int_equal(isw_targets_finalize(t, err), -EINVAL);
	assert_non_null(strstr(err, "no targets left"));
	assert_int_equal(isw_targets_count(t), 0);
	assert_int_equal(isw_targets_index(t, IP(198, 18, 0, 1)), -1);
	isw_targets_free(t);
}

static void test_no_targets(void **state __attribute__((unused)))
{
	char err[ISW_ERRBUF_SIZE] = "";
	isw_targets *t = new_targets();

	add_ok(t, "198.18.0.0/24", 1);
	assert_int_equal(isw_targets_finalize(t, err), -EINVAL);
	assert_true(err[0] != '\0');
	isw_targets_free(t);
}

static void test_reserved_dropped(void **state __attribute__((unused)))
{
	isw_targets *t =
	    build((const char *const[]){"224.0.0.1", "255.255.255.255", "0.1.2.3", "198.18.0.1",
	                                "239.255.255.250", "0.0.0.0", NULL});

	assert_int_equal(isw_targets_count(t), 1);
	assert_int_equal(isw_targets_at(t, 0), IP(198, 18, 0, 1));
	assert_int_equal(isw_targets_reserved_dropped(t), 5);
	assert_int_equal(isw_targets_index(t, IP(224, 0, 0, 1)), -1);
	assert_int_equal(isw_targets_index(t, IP(255, 255, 255, 255)), -1);
	assert_int_equal(isw_targets_index(t, IP(0, 1, 2, 3)), -1);
	isw_targets_free(t);
}

static void test_reserved_excluded_not_counted(void **state __attribute__((unused)))
{
	/* Addresses the user excluded were never going to be sent; they are not "dropped". */
	isw_targets *t = new_targets();

	add_ok(t, "223.255.255.252-224.0.0.3", 0);
	add_ok(t, "224.0.0.2/31", 1);
	finalize_ok(t);
	assert_int_equal(isw_targets_count(t), 4);
	assert_int_equal(isw_targets_reserved_dropped(t), 2);
	isw_targets_free(t);
}

static void test_only_reserved(void **state __attribute__((unused)))
{
	char err[ISW_ERRBUF_SIZE] = "";
	isw_targets *t = new_targets();

	add_ok(t, "224.0.0.0/4", 0);
	add_ok(t, "255.255.255.255", 0);
	add_ok(t, "0.0.0.0/8", 0);
	assert_int_equal(isw_targets_finalize(t, err), -EINVAL);
	assert_string_equal(err, "no targets left to scan (all excluded or reserved)");
	isw_targets_free(t);
}

static void test_localhost(void **state __attribute__((unused)))
{
	isw_targets *t = build((const char *const[]){"localhost", NULL});

	assert_true(isw_targets_count(t) >= 1);
	assert_true(isw_targets_index(t, IP(127, 0, 0, 1)) >= 0);
	isw_targets_free(t);
}

/* --- round trips against a brute-force model --- */

#define MODEL_BASE IP(198, 18, 0, 0)
#define MODEL_SIZE (1u << 17) /* 198.18.0.0/15 */

static void random_spec(char *buf, size_t size, uint32_t *lo, uint32_t *hi)
{
	uint32_t a = MODEL_BASE + (uint32_t)rand() % MODEL_SIZE;

	switch (rand() % 3) {
	case 0: {
		int len = 20 + rand() % 13;
		uint32_t mask = ~0u << (32 - len);

		*lo = a & mask;
		*hi = *lo | ~mask;
		snprintf(buf, size, "%u.%u.%u.%u/%d", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255,
		         len);
		break;
	}
	case 1: {
		uint32_t b = a + (uint32_t)rand() % 3000;

		if (b >= MODEL_BASE + MODEL_SIZE)
			b = MODEL_BASE + MODEL_SIZE - 1;
		*lo = a;
		*hi = b;
		snprintf(buf, size, "%u.%u.%u.%u-%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255,
		         a & 255, b >> 24, b >> 16 & 255, b >> 8 & 255, b & 255);
		break;
	}
	default:
		*lo = *hi = a;
		snprintf(buf, size, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
		break;
	}
}

static void test_index_at_round_trip(void **state __attribute__((unused)))
{
	for (unsigned seed = 1; seed <= 20; seed++) {
		unsigned char *model = calloc(MODEL_SIZE, 1);
		isw_targets *t = new_targets();
		uint64_t expect = 0, rank = 0;

		assert_non_null(model);
		srand(seed);
		int nspecs = 1 + rand() % 200;

		for (int i = 0; i < nspecs; i++) {
			int exclude = rand() % 4 == 0;
			uint32_t lo, hi;
			char spec[64];

			random_spec(spec, sizeof(spec), &lo, &hi);
			add_ok(t, spec, exclude);
			for (uint32_t a = lo;; a++) {
				model[a - MODEL_BASE] |= exclude ? 2 : 1;
				if (a == hi)
					break;
			}
		}
		/* Something always survives, so finalize cannot fail. */
		add_ok(t, "198.20.0.1", 0);

		finalize_ok(t);
		for (uint32_t i = 0; i < MODEL_SIZE; i++)
			expect += model[i] == 1;
		assert_true(isw_targets_count(t) == expect + 1);

		for (uint32_t i = 0; i < MODEL_SIZE; i++) {
			uint32_t a = MODEL_BASE + i;
			int64_t idx = isw_targets_index(t, a);

			if (model[i] == 1) {
				/* The index space is the targets in address order. */
				assert_true(idx == (int64_t)rank);
				assert_int_equal(isw_targets_at(t, (uint64_t)idx), a);
				rank++;
			} else {
				assert_true(idx == -1);
			}
		}
		assert_int_equal(isw_targets_index(t, MODEL_BASE - 1), -1);
		assert_int_equal(isw_targets_index(t, IP(198, 20, 0, 0)), -1);
		assert_true(isw_targets_index(t, IP(198, 20, 0, 1)) == (int64_t)expect);
		assert_int_equal(isw_targets_index(t, IP(198, 20, 0, 2)), -1);
		assert_int_equal(isw_targets_at(t, expect), IP(198, 20, 0, 1));
		check_walk(t);
		isw_targets_free(t);
		free(model);
	}
}

static void test_round_trip_wide(void **state __attribute__((unused)))
{
	/* Ranges all over the address space; no model, only the inverse property. */
	isw_targets *t = new_targets();
	char spec[64];

	srand(12345);
	for (int i = 0; i < 2000; i++) {
		uint32_t a = (uint32_t)rand() << 16 ^ (uint32_t)rand();
		int len = 8 + rand() % 25;

		snprintf(spec, sizeof(spec), "%u.%u.%u.%u/%d", a >> 24, a >> 16 & 255, a >> 8 & 255,
		         a & 255, len);
		add_ok(t, spec, rand() % 3 == 0);
	}
	add_ok(t, "198.18.0.1", 0);
	finalize_ok(t);

	uint64_t n = isw_targets_count(t);

	for (int i = 0; i < 200000; i++) {
		uint64_t idx = ((uint64_t)rand() << 31 ^ (uint64_t)rand()) % n;
		uint32_t a = isw_targets_at(t, idx);
		uint32_t b = (uint32_t)rand() << 16 ^ (uint32_t)rand();
		int64_t j = isw_targets_index(t, b);

		assert_true(isw_targets_index(t, a) == (int64_t)idx);
		if (j >= 0)
			assert_int_equal(isw_targets_at(t, (uint64_t)j), b);
	}
	assert_int_equal(isw_targets_at(t, 0) >> 24 != 0, 1);
	assert_int_equal(isw_targets_at(t, n - 1) < IP(224, 0, 0, 0), 1);
	isw_targets_free(t);
}

/* --- bad specifications --- */

struct bad {
	const char *spec;
	const char *expect; /* substring of the message */
};

static const struct bad bad_specs[] = {
    {"198.18.0.0/33", "invalid prefix length in '198.18.0.0/33'"},
    {"198.18.0.0/-1", "invalid prefix length in '198.18.0.0/-1'"},
    {"198.18.0.0/abc", "invalid prefix length in '198.18.0.0/abc'"},
    {"1.2.3.4/", "invalid prefix length in '1.2.3.4/'"},
    {"1.2.3.4/100", "'1.2.3.4/100'"},
    {"1.2.3.4/24x", "'1.2.3.4/24x'"},
    {"/24", "'/24'"},
    {"300.1.1.1/24", "'300.1.1.1/24'"},
    {"300.1.1.1", "invalid address '300.1.1.1'"},
    {"1.2.3.256", "invalid address '1.2.3.256'"},
    {"1.2.3", "invalid address '1.2.3'"},
    {"1.2.3.4.5", "invalid address '1.2.3.4.5'"},
    {"1.2.3.", "'1.2.3.'"},
    {"1..2.3", "'1..2.3'"},
    {".1.2.3.4", "'.1.2.3.4'"},
    {"01.2.3.4x", "'01.2.3.4x'"},
    {"01.2.3.4", "invalid address '01.2.3.4'"},
    {"1.2.3.4x", "'1.2.3.4x'"},
    {"0x7f000001", "'0x7f000001'"},
    {"0x7f.0.0.1", "'0x7f.0.0.1'"},
    {"127.1", "'127.1'"},
    {"2130706433", "'2130706433'"},
    {"", "''"},
    {"198.18.3.200-198.18.0.10", "reversed range '198.18.3.200-198.18.0.10'"},
    {"1.2.3.4-", "'1.2.3.4-'"},
    {"-1.2.3.4", "'-1.2.3.4'"},
    {"1.2.3.4-5", "'1.2.3.4-5'"},
    {"1.2.3.4-1.2.3.5-1.2.3.6", "'1.2.3.4-1.2.3.5-1.2.3.6'"},
    {"1.2.3.4 ", "'1.2.3.4 '"},
    {"1.2.3.4,1.2.3.5", "'1.2.3.4,1.2.3.5'"},
    {"host name", "'host name'"},
    {"-localhost", "'-localhost'"},
    {"::1", "'::1'"},
};

static void test_bad_specs(void **state __attribute__((unused)))
{
	for (size_t i = 0; i < sizeof(bad_specs) / sizeof(bad_specs[0]); i++) {
		const struct bad *b = &bad_specs[i];
		char err[ISW_ERRBUF_SIZE] = "";
		isw_targets *t = new_targets();
		int rc;

		rc = isw_targets_add(t, b->spec, 0, err);
		if (rc != -EINVAL || !strstr(err, b->expect))
			fail_msg("'%s': rc %d, message \"%s\", wanted -EINVAL and \"%s\"", b->spec,
			         rc, err, b->expect);
		assert_null(strchr(err, '\n'));
		/* And as an exclude, and with no buffer at all. */
		assert_int_equal(isw_targets_add(t, b->spec, 1, err), -EINVAL);
		assert_int_equal(isw_targets_add(t, b->spec, 0, NULL), -EINVAL);
		isw_targets_free(t);
	}
}

static void test_bad_spec_leaves_set_alone(void **state __attribute__((unused)))
{
	isw_targets *t = new_targets();

	add_ok(t, "198.18.0.1", 0);
	assert_int_equal(isw_targets_add(t, "198.18.0.0/33", 0, NULL), -EINVAL);
	assert_int_equal(isw_targets_add(t, "198.18.0.2-198.18.0.1", 0, NULL), -EINVAL);
	finalize_ok(t);
	assert_int_equal(isw_targets_count(t), 1);
	isw_targets_free(t);
}

static void test_lifecycle(void **state __attribute__((unused)))
{
	char err[ISW_ERRBUF_SIZE] = "";
	isw_targets *t = new_targets();
	char *path = write_temp("198.18.0.2\n");

	add_ok(t, "198.18.0.1", 0);
	finalize_ok(t);
	assert_int_equal(isw_targets_finalize(t, err), -EINVAL);
	assert_true(err[0] != '\0');
	err[0] = '\0';
	assert_int_equal(isw_targets_add(t, "198.18.0.2", 0, err), -EINVAL);
	assert_non_null(strstr(err, "198.18.0.2"));
	assert_int_equal(isw_targets_add(t, "198.18.0.1", 1, NULL), -EINVAL);
	assert_int_equal(isw_targets_add_file(t, path, 0, err), -EINVAL);
	assert_int_equal(isw_targets_finalize(t, NULL), -EINVAL);
	assert_int_equal(isw_targets_count(t), 1);
	isw_targets_free(t);
	isw_targets_free(NULL);
	remove_temp(path);
}

/* --- files --- */

static void test_file(void **state __attribute__((unused)))
{
	char *inc = write_temp("# targets for the lab\n"
	                       "\n"
	                       "198.18.0.0/30\n"
	                       "   198.18.1.0-198.18.1.3   # trailing comment\n"
	                       "\t\n"
	                       "   # indented comment\n"
	                       "198.18.2.1\r\n"
	                       "198.18.2.2#no space before the comment\n"
	                       "198.18.3.3"); /* no final newline */
	char *exc = write_temp("198.18.0.1\n#198.18.0.2\n198.18.1.0/31 # two\n");
	char err[ISW_ERRBUF_SIZE] = "";
	isw_targets *t = new_targets();

	assert_int_equal(isw_targets_add_file(t, inc, 0, err), 0);
	assert_int_equal(isw_targets_add_file(t, exc, 1, err), 0);
	finalize_ok(t);
	assert_int_equal(isw_targets_count(t), 4 + 4 + 3 - 1 - 2);
	assert_int_equal(isw_targets_index(t, IP(198, 18, 0, 1)), -1);
	assert_true(isw_targets_index(t, IP(198, 18, 0, 2)) >= 0);
	assert_int_equal(isw_targets_index(t, IP(198, 18, 1, 1)), -1);
	assert_true(isw_targets_index(t, IP(198, 18, 2, 1)) >= 0);
	assert_true(isw_targets_index(t, IP(198, 18, 2, 2)) >= 0);
	assert_true(isw_targets_index(t, IP(198, 18, 3, 3)) >= 0);
	isw_targets_free(t);
	remove_temp(inc);
	remove_temp(exc);
}

static void test_file_empty_is_fine(void **state __attribute__((unused)))
{
	char *path = write_temp("# nothing here\n\n   \n");
	isw_targets *t = new_targets();

	assert_int_equal(isw_targets_add_file(t, path, 0, NULL), 0);
	add_ok(t, "198.18.0.1", 0);
	finalize_ok(t);
	assert_int_equal(isw_targets_count(t), 1);
	isw_targets_free(t);
	remove_temp(path);
}

static void test_file_missing(void **state __attribute__((unused)))
{
	char err[ISW_ERRBUF_SIZE] = "";
	isw_targets *t = new_targets();
	const char *path = "/nonexistent/test_targets/x.txt";

	assert_int_equal(isw_targets_add_file(t, path, 0, err), -ENOENT);
	assert_string_equal(err, "cannot open '/nonexistent/test_targets/x.txt': "
	                         "No such file or directory");
	assert_int_equal(isw_targets_add_file(t, path, 1, NULL), -ENOENT);
	isw_targets_free(t);
}

static void test_file_unreadable(void **state __attribute__((unused)))
{
	/* A directory opens but cannot be read, even by root. */
	char err[ISW_ERRBUF_SIZE] = "";
	isw_targets *t = new_targets();
	int rc = isw_targets_add_file(t, "/tmp", 0, err);

	assert_int_equal(rc, -EISDIR);
	assert_non_null(strstr(err, "'/tmp'"));
	isw_targets_free(t);
}

static void test_file_bad_line(void **state __attribute__((unused)))
{
	char *path = write_temp("198.18.0.1\n"
	                        "# comment\n"
	                        "\n"
	                        "198.18.0.2\n"
	                        "198.18.0.3 # ok\n"
	                        "198.18.0.4\n"
	                        "1.2.3.400   # this one\n"
	                        "198.18.0.5\n");
	char err[ISW_ERRBUF_SIZE] = "", expect[ISW_ERRBUF_SIZE + 64];
	isw_targets *t = new_targets();

	assert_int_equal(isw_targets_add_file(t, path, 0, err), -EINVAL);
	snprintf(expect, sizeof(expect), "%s:7: invalid address '1.2.3.400'", path);
	assert_string_equal(err, expect);

	/* None of the file was taken. */
	add_ok(t, "198.18.1.1", 0);
	finalize_ok(t);
	assert_int_equal(isw_targets_count(t), 1);
	isw_targets_free(t);
	remove_temp(path);
}

static void test_file_bad_line_range(void **state __attribute__((unused)))
{
	char *path = write_temp("\n\n198.18.3.200-198.18.0.10\n");
	char err[ISW_ERRBUF_SIZE] = "", expect[ISW_ERRBUF_SIZE + 64];
	isw_targets *t = new_targets();

	assert_int_equal(isw_targets_add_file(t, path, 1, err), -EINVAL);
	snprintf(expect, sizeof(expect), "%s:3: reversed range '198.18.3.200-198.18.0.10'", path);
	assert_string_equal(err, expect);
	isw_targets_free(t);
	remove_temp(path);
}

static void test_file_long_line(void **state __attribute__((unused)))
{
	/* A line of 4096 bytes is still one spec (here a bad one); a longer one is refused
	 * without reading the rest of it. */
	size_t n = 100000;
	char *content = malloc(n + 32);
	char err[ISW_ERRBUF_SIZE] = "";
	isw_targets *t = new_targets();
	char *path;

	assert_non_null(content);
	strcpy(content, "198.18.0.1\n");
	memset(content + strlen(content), '1', 4096);
	strcpy(content + strlen("198.18.0.1\n") + 4096, "\n198.18.0.2\n");
	path = write_temp(content);
	assert_int_equal(isw_targets_add_file(t, path, 0, err), -EINVAL);
	assert_non_null(strstr(err, ":2: invalid address '1111"));
	assert_null(strchr(err, '\n'));
	remove_temp(path);

	strcpy(content, "198.18.0.1\n");
	memset(content + strlen(content), '1', n);
	strcpy(content + strlen("198.18.0.1\n") + n, "\n198.18.0.2\n");
	path = write_temp(content);
	assert_int_equal(isw_targets_add_file(t, path, 0, err), -EINVAL);
	if (!strstr(err, ":2: line longer than 4096 bytes: '11111111111111111111111111111111...'"))
		fail_msg("message: %s", err);
	isw_targets_free(t);
	remove_temp(path);
	free(content);
}

/* A NUL cuts nothing silently: the line is refused, by number and column, and the message
 * shows it escaped. */
static void test_file_nul(void **state __attribute__((unused)))
{
	static const char content[] = "198.18.0.1\n198.18.0.2\0 junk\n198.18.0.3\n";
	char *path = write_temp_n(content, sizeof(content) - 1);
	char err[ISW_ERRBUF_SIZE] = "", expect[ISW_ERRBUF_SIZE + 64];
	isw_targets *t = new_targets();

	assert_int_equal(isw_targets_add_file(t, path, 0, err), -EINVAL);
	snprintf(expect, sizeof(expect),
	         "%s:2: NUL byte at column 11 (not a text file?): '198.18.0.2\\x00'", path);
	assert_string_equal(err, expect);
	/* None of the file was taken. */
	add_ok(t, "198.18.1.1", 0);
	finalize_ok(t);
	assert_int_equal(isw_targets_count(t), 1);
	isw_targets_free(t);
	remove_temp(path);
}

/* -I /dev/zero fails at the first byte instead of reading gigabytes first. */
static void test_file_dev_zero(void **state __attribute__((unused)))
{
	char err[ISW_ERRBUF_SIZE] = "";
	isw_targets *t = new_targets();

	assert_int_equal(isw_targets_add_file(t, "/dev/zero", 1, err), -EINVAL);
	assert_string_equal(err, "/dev/zero:1: NUL byte at column 1 (not a text file?): '\\x00'");
	isw_targets_free(t);
}

/* Terminal escapes in a hostile blocklist, a target or a file name reach the message as
 * \xHH, never as bytes. */
static void test_control_bytes_escaped(void **state __attribute__((unused)))
{
	char *path = write_temp("198.18.0.1\n\x1b]0;owned\x07\x1b[2J\n");
	char err[ISW_ERRBUF_SIZE] = "", expect[ISW_ERRBUF_SIZE + 64];
	isw_targets *t = new_targets();

	assert_int_equal(isw_targets_add_file(t, path, 1, err), -EINVAL);
	snprintf(expect, sizeof(expect), "%s:2: invalid target '\\x1b]0;owned\\x07\\x1b[2J'", path);
	assert_string_equal(err, expect);
	remove_temp(path);

	assert_int_equal(isw_targets_add(t,
	                                 "198.18.0.\x9b"
	                                 "1m\\",
	                                 0, err),
	                 -EINVAL);
	assert_string_equal(err, "invalid target '198.18.0.\\x9b1m\\\\'");
	assert_int_equal(isw_targets_add(t, "198.18.0.0/2\x1b", 0, err), -EINVAL);
	assert_string_equal(err, "invalid prefix length in '198.18.0.0/2\\x1b'");
	assert_int_equal(isw_targets_add(t, "198.18.0.1-198.18.0.\r", 0, err), -EINVAL);
	assert_printable(err);
	assert_int_equal(isw_targets_add_file(t, "/nonexistent/\x1b[31mred", 0, err), -ENOENT);
	assert_string_equal(err,
	                    "cannot open '/nonexistent/\\x1b[31mred': No such file or directory");
	/* A long hostile value is cut, still escaped and quoted. */
	{
		char big[600];
		memset(big, 0x1b, sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(isw_targets_add(t, big, 0, err), -EINVAL);
		assert_printable(err);
		assert_non_null(strstr(err, "\\x1b...'"));
	}
	isw_targets_free(t);
}

/* A read error after some lines is an error, not the end of the list: standard input is a
 * non-blocking pipe whose writer has more to say later (EAGAIN). */
static void test_file_read_error(void **state __attribute__((unused)))
{
	static const char first[] = "198.18.0.1\n198.18.0.2\n";
	int saved = dup(STDIN_FILENO), p[2];
	char err[ISW_ERRBUF_SIZE] = "";
	isw_targets *t = new_targets();
	int rc;

	assert_true(saved >= 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], first, sizeof(first) - 1), (ssize_t)(sizeof(first) - 1));
	assert_true(dup2(p[0], STDIN_FILENO) >= 0);
	close(p[0]);
	assert_int_equal(fcntl(STDIN_FILENO, F_SETFL, O_NONBLOCK), 0);
	clearerr(stdin);
	rc = isw_targets_add_file(t, "-", 0, err);
	assert_true(dup2(saved, STDIN_FILENO) >= 0);
	close(saved);
	close(p[1]);
	clearerr(stdin);
	assert_int_equal(rc, -EIO);
	assert_string_equal(err, "cannot read '<stdin>' after line 2: Resource temporarily "
	                         "unavailable");
	add_ok(t, "198.18.1.1", 0);
	finalize_ok(t);
	assert_int_equal(isw_targets_count(t), 1);
	isw_targets_free(t);
}

/* An endless stream of lines ends with an error, not out of memory or never. */
static void test_file_too_many_lines(void **state __attribute__((unused)))
{
	int saved = dup(STDIN_FILENO), p[2];
	char err[ISW_ERRBUF_SIZE] = "";
	isw_targets *t = new_targets();
	pid_t pid;
	int rc;

	assert_true(saved >= 0);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static char nl[65536];
		memset(nl, '\n', sizeof(nl));
		close(p[0]);
		/* Blank lines: they cost the reader no memory.  Bounded: 2^27 lines. */
		for (int i = 0; i < 2048; i++)
			if (write(p[1], nl, sizeof(nl)) < 0)
				_exit(0);
		_exit(0);
	}
	close(p[1]);
	assert_true(dup2(p[0], STDIN_FILENO) >= 0);
	close(p[0]);
	clearerr(stdin);
	rc = isw_targets_add_file(t, "-", 0, err);
	assert_true(dup2(saved, STDIN_FILENO) >= 0);
	close(saved);
	clearerr(stdin);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	assert_int_equal(rc, -EINVAL);
	assert_string_equal(err, "<stdin>: more than 67108864 lines");
	isw_targets_free(t);
}

static void test_file_stdin(void **state __attribute__((unused)))
{
	char *path = write_temp("198.18.0.1\n# c\n198.18.0.2/31\n");
	int saved = dup(STDIN_FILENO);
	FILE *f = fopen(path, "r");
	isw_targets *t = new_targets();
	char err[ISW_ERRBUF_SIZE] = "";

	assert_true(saved >= 0);
	assert_non_null(f);
	assert_true(dup2(fileno(f), STDIN_FILENO) >= 0);
	fclose(f);
	assert_int_equal(isw_targets_add_file(t, "-", 0, err), 0);
	assert_true(dup2(saved, STDIN_FILENO) >= 0);
	close(saved);
	clearerr(stdin);

	finalize_ok(t);
	assert_int_equal(isw_targets_count(t), 3);
	isw_targets_free(t);
	remove_temp(path);
}

/* How fast such a file loads is bench/micro/targets.c's to measure, not a unit test's. */
static void test_file_big(void **state __attribute__((unused)))
{
	/* 100k single addresses in scrambled order. */
	const uint32_t n = 100000;
	size_t size = (size_t)n * 20 + 1, len = 0;
	char *content = malloc(size);
	isw_targets *t = new_targets();
	char err[ISW_ERRBUF_SIZE] = "";
	char *path;

	assert_non_null(content);
	for (uint32_t i = 0; i < n; i++) {
		/* 7919 is prime and coprime to n, so this visits every i once. */
		uint32_t a = IP(10, 0, 0, 0) + (uint32_t)(((uint64_t)i * 7919) % n) * 2;

		len += (size_t)snprintf(content + len, size - len, "%u.%u.%u.%u\n", a >> 24,
		                        a >> 16 & 255, a >> 8 & 255, a & 255);
	}
	path = write_temp(content);

	assert_int_equal(isw_targets_add_file(t, path, 0, err), 0);
	finalize_ok(t);

	assert_int_equal(isw_targets_count(t), n);
	assert_int_equal(isw_targets_at(t, 0), IP(10, 0, 0, 0));
	assert_int_equal(isw_targets_at(t, n - 1), IP(10, 0, 0, 0) + (n - 1) * 2);
	assert_int_equal(isw_targets_index(t, IP(10, 0, 0, 1)), -1);
	check_walk(t);
	isw_targets_free(t);
	remove_temp(path);
	free(content);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cidr_masks_host_bits),
	    cmocka_unit_test(test_cidr_32),
	    cmocka_unit_test(test_cidr_0),
	    cmocka_unit_test(test_cidr_0_host_bits),
	    cmocka_unit_test(test_range),
	    cmocka_unit_test(test_range_single_address),
	    cmocka_unit_test(test_single),
	    cmocka_unit_test(test_overlap_merged),
	    cmocka_unit_test(test_adjacent_merged),
	    cmocka_unit_test(test_top_of_space),
	    cmocka_unit_test(test_excludes_punch_holes),
	    cmocka_unit_test(test_exclude_spanning_ranges),
	    cmocka_unit_test(test_exclude_everything),
	    cmocka_unit_test(test_no_targets),
	    cmocka_unit_test(test_reserved_dropped),
	    cmocka_unit_test(test_reserved_excluded_not_counted),
	    cmocka_unit_test(test_only_reserved),
	    cmocka_unit_test(test_localhost),
	    cmocka_unit_test(test_index_at_round_trip),
	    cmocka_unit_test(test_round_trip_wide),
	    cmocka_unit_test(test_bad_specs),
	    cmocka_unit_test(test_bad_spec_leaves_set_alone),
	    cmocka_unit_test(test_lifecycle),
	    cmocka_unit_test(test_file),
	    cmocka_unit_test(test_file_empty_is_fine),
	    cmocka_unit_test(test_file_missing),
	    cmocka_unit_test(test_file_unreadable),
	    cmocka_unit_test(test_file_bad_line),
	    cmocka_unit_test(test_file_bad_line_range),
	    cmocka_unit_test(test_file_long_line),
	    cmocka_unit_test(test_file_nul),
	    cmocka_unit_test(test_file_dev_zero),
	    cmocka_unit_test(test_control_bytes_escaped),
	    cmocka_unit_test(test_file_read_error),
	    cmocka_unit_test(test_file_too_many_lines),
	    cmocka_unit_test(test_file_stdin),
	    cmocka_unit_test(test_file_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

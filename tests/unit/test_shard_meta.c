/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for tools/shard-meta.c: a shard's metadata is told from result files, read for
 * the keys merge needs, and anything that is not a whole JSON document is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "shard-meta.h"

static const char doc[] =
    "{\n  \"tool\": \"icmpsweep\",\n  \"version\": \"0.1.0\",\n  \"status\": \"done\",\n"
    "  \"command_line\": [\"icmpsweep\",\"--shard\",\"1/4\",\"a\\\"b\\u00e9\"],\n"
    "  \"seed\": 18446744073709551615,\n  \"target_specs\": [\"198.18.0.0/16\"],\n"
    "  \"start\": \"2026-12-05T06:43:29.201128Z\",\n  \"end\": null,\n"
    "  \"shard\": {\"index\": 1, \"count\": 4, \"source\": \"option\"},\n"
    "  \"targets_total\": 65536,\n  \"targets_digest\": \"fbd0efe6f6d755a4\",\n"
    "  \"targets\": 16384,\n  \"cooldown_s\": 2.5,\n  \"probes_per_target\": 2,\n"
    "  \"sent\": 32000,\n  \"hits\": 12,\n  \"path_faults\": [],\n  \"interrupted\": false,\n"
    "  \"resolve\": {\"lookups\": 0, \"nested\": {\"x\": [1, -2.5e3, true]}}\n}\n";

static int parse(const char *s, struct shard_meta *m, char *err)
{
	return shard_meta_parse(s, strlen(s), "m.json", m, err);
}

static void test_reads_the_keys(void **state __attribute__((unused)))
{
	struct shard_meta m;
	char err[ISW_ERRBUF_SIZE] = "";

	assert_true(shard_meta_sniff(doc, strlen(doc)));
	if (parse(doc, &m, err) != 0)
		fail_msg("%s", err);
	assert_int_equal(m.have_shard, 1);
	assert_int_equal(m.index, 1);
	assert_int_equal(m.count, 4);
	assert_true(m.seed == UINT64_MAX);
	assert_true(m.targets_total == 65536);
	assert_int_equal(m.probes_per_target, 2);
	assert_string_equal(m.digest, "fbd0efe6f6d755a4");
	assert_string_equal(m.status, "done");
	assert_string_equal(m.start, "2026-12-05T06:43:29.201128Z");
	assert_string_equal(m.end, "");
	assert_true(m.counter[SM_targets] == 16384 && m.have[SM_targets]);
	assert_true(m.counter[SM_sent] == 32000);
	assert_true(m.counter[SM_hits] == 12);
	assert_false(m.have[SM_arp_sent]);
	shard_meta_free(&m);
}

static void test_whole_sweep_has_no_shard(void **state __attribute__((unused)))
{
	const char *d = "{\n  \"tool\": \"icmpsweep\", \"status\": \"done\", \"shard\": null, "
	                "\"targets_digest\": \"00\"}";
	struct shard_meta m;
	char err[ISW_ERRBUF_SIZE];

	assert_int_equal(parse(d, &m, err), 0);
	assert_int_equal(m.have_shard, 0);
	shard_meta_free(&m);
}

static void test_refuses_broken(void **state __attribute__((unused)))
{
	static const char *const bad[] = {
	    "",
	    "[]",
	    "{\"tool\": \"icmpsweep\"",                            /* truncated */
	    "{\"status\": \"done\", \"targets_digest\": \"1\"} x", /* bytes after it */
	    "{\"status\": \"done\"}",                              /* no digest: an older file */
	    "{\"status\": \"done\", \"targets_digest\": \"1\", \"seed\": -1}",
	    "{\"status\": \"done\", \"targets_digest\": \"1\", \"seed\": 18446744073709551616}",
	    "{\"status\": \"done\", \"targets_digest\": \"1\", \"sent\": \"12\"}",
	    "{\"status\": \"do\nne\", \"targets_digest\": \"1\"}",
	    "{\"status\": \"done\" \"targets_digest\": \"1\"}",
	    "{\"status\": \"done\", \"targets_digest\": \"1\", \"shard\": {\"index\": x}}",
	};
	struct shard_meta m;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[ISW_ERRBUF_SIZE] = "";

		if (parse(bad[i], &m, err) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
		assert_non_null(strstr(err, "m.json"));
	}
	/* A truncated copy of the real document, at every length. */
	for (size_t len = 0; len + 2 < strlen(doc); len++) {
		char err[ISW_ERRBUF_SIZE];

		if (shard_meta_parse(doc, len, "m.json", &m, err) == 0)
			fail_msg("accepted the first %zu bytes", len);
	}
}

static void test_sniff(void **state __attribute__((unused)))
{
	static const char *const results[] = {"ip,type\n", "198.18.0.1\n",
	                                      "{\"ip\":\"198.18.0.1\",\"type\":\"echo-reply\"}\n",
	                                      "<?xml version=\"1.0\"?>", ""};

	for (size_t i = 0; i < sizeof(results) / sizeof(results[0]); i++)
		assert_false(shard_meta_sniff(results[i], strlen(results[i])));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reads_the_keys),
	    cmocka_unit_test(test_whole_sweep_has_no_shard),
	    cmocka_unit_test(test_refuses_broken),
	    cmocka_unit_test(test_sniff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

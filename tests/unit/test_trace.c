/* Offline analysis of traces: the recorded fixture reproduces its live results, and damaged
 * files (every truncation, random byte flips, foreign formats) give clean errors, never a
 * crash. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "icmpsweep/error.h"
#include "icmpsweep/trace.h"

#define FIXTURE ISW_FIXTURES "/sweep-seed7.pcapng"

struct collected {
	unsigned n, echo, errors;
	uint32_t addr[64];
	double rtt[64];
	int64_t ts_us[64];
};

static void collect(const struct isw_result *r, void *arg)
{
	struct collected *c = arg;
	if (c->n < 64) {
		c->addr[c->n] = r->addr;
		c->rtt[c->n] = r->rtt_ms;
		c->ts_us[c->n] = r->ts_us;
	}
	c->n++;
	if (r->type == ISW_RESULT_ECHO_REPLY)
		c->echo++;
	else
		c->errors++;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static char tmp_path[64];

static void write_tmp(const uint8_t *data, size_t len)
{
	FILE *fp = fopen(tmp_path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
}

static int analyse(const char *path, int have_seed, uint64_t seed, struct collected *c,
                   struct isw_offline_stats *st, char *err)
{
	struct isw_offline_config cfg = {.path = path, .seed = seed, .have_seed = have_seed};
	memset(c, 0, sizeof(*c));
	err[0] = 0;
	return isw_trace_analyse(&cfg, collect, c, st, err);
}

static void test_fixture_reproduces_live_run(void **state)
{
	struct collected c;
	struct isw_offline_stats st;
	char err[ISW_ERRBUF_SIZE];

	/* The live run (tests/fixtures/sweep-seed7.csv) found 10 hosts and 4 unreachables;
	 * the seed comes from the pcapng section header. */
	assert_int_equal(analyse(FIXTURE, 0, 0, &c, &st, err), 0);
	assert_int_equal(st.seed, 7);
	assert_int_equal(c.echo, 10);
	assert_int_equal(c.errors, 4);
	assert_int_equal(st.hits, 10);
	assert_int_equal(st.invalid, 0);
	assert_int_equal(st.truncated, 0);
	for (unsigned i = 0; i < c.n && i < 64; i++)
		assert_true(c.rtt[i] >= 0 && c.rtt[i] < 1000);
}

static void test_wrong_seed_validates_nothing(void **state)
{
	struct collected c;
	struct isw_offline_stats st;
	char err[ISW_ERRBUF_SIZE];

	assert_int_equal(analyse(FIXTURE, 1, 8, &c, &st, err), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(st.invalid, 14);
}

static void test_every_truncation(void **state)
{
	size_t len;
	uint8_t *data = slurp(FIXTURE, &len);

	for (size_t cut = 0; cut < len; cut++) {
		struct collected c;
		struct isw_offline_stats st;
		char err[ISW_ERRBUF_SIZE];
		int rc;

		write_tmp(data, cut);
		rc = analyse(tmp_path, 1, 7, &c, &st, err);
		assert_true(rc == 0 || rc == -EINVAL);
		/* An error or a cut-short warning always says so, naming the file. */
		if (rc < 0 || st.truncated)
			assert_non_null(strstr(err, tmp_path));
		assert_true(c.echo <= 10);
	}
	free(data);
}

static void test_random_byte_flips(void **state)
{
	size_t len;
	uint8_t *data = slurp(FIXTURE, &len);
	uint64_t x = 88172645463325252ULL;

	for (int iter = 0; iter < 3000; iter++) {
		uint8_t *copy = malloc(len);
		struct collected c;
		struct isw_offline_stats st;
		char err[ISW_ERRBUF_SIZE];
		int flips, rc;

		memcpy(copy, data, len);
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		flips = 1 + (int)(x % 8);
		for (int k = 0; k < flips; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			copy[x % len] ^= (uint8_t)(1u << (x >> 32) % 8);
		}
		write_tmp(copy, len);
		rc = analyse(tmp_path, 1, 7, &c, &st, err);
		assert_true(rc == 0 || rc == -EINVAL);
		/* Flips can break answers but never forge new ones. */
		assert_true(c.echo <= 10 && c.errors <= 4);
		free(copy);
	}
	free(data);
}

/* Sets the timestamp of every enhanced packet block of a pcapng image to t (units of the
 * interface's resolution: microseconds here). */
static void set_timestamps(uint8_t *data, size_t len, uint64_t t)
{
	uint32_t type, blen, hi = (uint32_t)(t >> 32), lo = (uint32_t)t;

	for (size_t off = 0; off + 20 <= len; off += blen) {
		memcpy(&type, data + off, 4);
		memcpy(&blen, data + off + 4, 4);
		assert_true(blen >= 12 && off + blen <= len);
		if (type == 6) {
			memcpy(data + off + 12, &hi, 4);
			memcpy(data + off + 16, &lo, 4);
		}
	}
}

/* A crafted trace's timestamps may be anything: a time past what int64 microseconds hold
 * makes its packets invalid (counted), never a garbage time or signed overflow (UBSan). */
static void test_extreme_timestamps(void **state)
{
	static const uint64_t bad[] = {UINT64_MAX, UINT64_C(1) << 63, (UINT64_C(1) << 63) + 999999};
	size_t len;
	uint8_t *data = slurp(FIXTURE, &len);
	struct collected c;
	struct isw_offline_stats st;
	char err[ISW_ERRBUF_SIZE];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		set_timestamps(data, len, bad[i]);
		write_tmp(data, len);
		assert_int_equal(analyse(tmp_path, 1, 7, &c, &st, err), 0);
		if (c.n != 0)
			fail_msg("timestamp %llu: %u results (ts_us %lld), wanted none",
			         (unsigned long long)bad[i], c.n, (long long)c.ts_us[0]);
		assert_int_equal(st.invalid, st.packets);
	}
	/* The last microsecond int64 holds is still a time: every answer, no RTT (the
	 * probes were sent in 2024). */
	set_timestamps(data, len, (uint64_t)INT64_MAX);
	write_tmp(data, len);
	assert_int_equal(analyse(tmp_path, 1, 7, &c, &st, err), 0);
	assert_int_equal(c.echo, 10);
	for (unsigned i = 0; i < c.n && i < 64; i++) {
		assert_true(c.ts_us[i] == INT64_MAX);
		assert_true(c.rtt[i] > 0 || c.rtt[i] == -1.0);
	}
	free(data);
}

static void test_not_a_trace(void **state)
{
	static const char text[] = "this is not a packet capture\n";
	struct collected c;
	struct isw_offline_stats st;
	char err[ISW_ERRBUF_SIZE];

	write_tmp((const uint8_t *)text, sizeof(text) - 1);
	assert_int_equal(analyse(tmp_path, 1, 7, &c, &st, err), -EINVAL);
	assert_non_null(strstr(err, tmp_path));
	assert_int_equal(analyse("/nonexistent/trace.pcap", 1, 7, &c, &st, err), -EINVAL);
	assert_non_null(strstr(err, "/nonexistent/trace.pcap"));
	/* Without a recorded seed and without --seed there is nothing to validate with. */
	assert_int_equal(analyse(tmp_path, 0, 0, &c, &st, err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixture_reproduces_live_run),
	    cmocka_unit_test(test_wrong_seed_validates_nothing),
	    cmocka_unit_test(test_every_truncation),
	    cmocka_unit_test(test_random_byte_flips),
	    cmocka_unit_test(test_not_a_trace),
	    cmocka_unit_test(test_extreme_timestamps),
	};
	int rc;

	snprintf(tmp_path, sizeof(tmp_path), "/tmp/isw-trace-test-%d.pcap", (int)getpid());
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(tmp_path);
	return rc;
}

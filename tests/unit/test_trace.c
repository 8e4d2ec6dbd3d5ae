/* SPDX-License-Identifier: BSD-2-Clause */
/* Offline analysis of traces: the recorded fixture reproduces the results in its CSV (the
 * oracle, checked against tshark by tests/fixtures/check-fixture.py), and damaged files (every
 * truncation, random byte flips, foreign formats) give clean errors, never a crash. */
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
#include <arpa/inet.h>

#include "icmpsweep/error.h"
#include "icmpsweep/trace.h"

#define FIXTURE     ISW_FIXTURES "/sweep-seed7.pcapng"
#define FIXTURE_CSV ISW_FIXTURES "/sweep-seed7.csv"
#define MAX_ROWS    64

struct collected {
	unsigned n, echo, errors;
	struct isw_result r[MAX_ROWS];
};

static void collect(const struct isw_result *r, void *arg)
{
	struct collected *c = arg;
	if (c->n < MAX_ROWS)
		c->r[c->n] = *r;
	c->n++;
	if (r->type == ISW_RESULT_ECHO_REPLY)
		c->echo++;
	else
		c->errors++;
}

/* One row of the fixture's CSV: ip,type,rtt_ms,ttl,probe,ts,responder. */
struct row {
	uint32_t addr, responder;
	char type[32];
	double rtt_ms;
	unsigned ttl, probe;
	int64_t ts_us;
};

static struct {
	struct row row[MAX_ROWS];
	unsigned n, echo, errors;
} want;

static uint32_t parse_ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		fail_msg("%s: bad address '%s'", FIXTURE_CSV, s);
	return ntohl(a.s_addr);
}

/* Reads the oracle once.  Every column is parsed strictly, so a damaged CSV fails here rather
 * than weakening the comparisons. */
static int load_oracle(void **state)
{
	FILE *fp = fopen(FIXTURE_CSV, "r");
	char line[256];

	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof(line), fp));
	assert_string_equal(line, "ip,type,rtt_ms,ttl,probe,ts,responder\n");
	while (fgets(line, sizeof(line), fp)) {
		struct row *w = &want.row[want.n];
		char ip[32], responder[32];
		long long sec, usec;
		int end = 0;

		assert_true(want.n < MAX_ROWS);
		if (sscanf(line, "%31[^,],%31[^,],%lf,%u,%u,%lld.%6lld,%31[^\n]%n", ip, w->type,
		           &w->rtt_ms, &w->ttl, &w->probe, &sec, &usec, responder, &end) != 8 ||
		    line[end] != '\n')
			fail_msg("%s: bad row %u: %s", FIXTURE_CSV, want.n + 1, line);
		w->addr = parse_ip(ip);
		w->responder = parse_ip(responder);
		w->ts_us = sec * 1000000 + usec;
		if (!strcmp(w->type, "echo-reply"))
			want.echo++;
		else
			want.errors++;
		want.n++;
	}
	fclose(fp);
	/* A fixture without both kinds of answer would leave half the checks idle. */
	assert_true(want.echo > 0 && want.errors > 0);
	return 0;
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

/* Every answer of the live run, as its CSV recorded it, and nothing else: same target, kind,
 * responder, TTL, attempt and receive time, and the RTT to the CSV's three decimals. */
static void test_fixture_reproduces_live_run(void **state)
{
	struct collected c;
	struct isw_offline_stats st;
	char err[ISW_ERRBUF_SIZE];

	/* The seed comes from the pcapng section header. */
	assert_int_equal(analyse(FIXTURE, 0, 0, &c, &st, err), 0);
	assert_int_equal(st.seed, 7);
	assert_int_equal(c.n, want.n);
	assert_int_equal(c.echo, want.echo);
	assert_int_equal(c.errors, want.errors);
	assert_int_equal(st.hits, want.echo);
	assert_int_equal(st.invalid, 0);
	assert_int_equal(st.truncated, 0);
	for (unsigned i = 0; i < want.n; i++) {
		const struct row *w = &want.row[i];
		const struct isw_result *r = &c.r[i];

		/* In capture order, as the live run wrote them. */
		if (isw_addr_v4(&r->addr) != w->addr ||
		    strcmp(isw_result_type_name(r->type), w->type) ||
		    isw_addr_v4(&r->responder) != w->responder || r->ttl != w->ttl ||
		    r->probe != w->probe || r->ts_us != w->ts_us ||
		    !(r->rtt_ms - w->rtt_ms >= -0.0005001) || !(r->rtt_ms - w->rtt_ms <= 0.0005001))
			fail_msg("row %u: got %08x %s from %08x ttl %u probe %u ts %lld rtt %.4f; "
			         "CSV says %08x %s from %08x ttl %u probe %u ts %lld rtt %.3f",
			         i + 1, isw_addr_v4(&r->addr), isw_result_type_name(r->type),
			         isw_addr_v4(&r->responder), r->ttl, r->probe, (long long)r->ts_us,
			         r->rtt_ms, w->addr, w->type, w->responder, w->ttl, w->probe,
			         (long long)w->ts_us, w->rtt_ms);
	}
}

static void test_wrong_seed_validates_nothing(void **state)
{
	struct collected c;
	struct isw_offline_stats st;
	char err[ISW_ERRBUF_SIZE];

	assert_int_equal(analyse(FIXTURE, 1, 8, &c, &st, err), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(st.invalid, want.n);
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
		assert_true(c.echo <= want.echo && c.errors <= want.errors);
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
		assert_true(c.echo <= want.echo && c.errors <= want.errors);
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
			         (unsigned long long)bad[i], c.n, (long long)c.r[0].ts_us);
		assert_int_equal(st.invalid, st.packets);
	}
	/* The last microsecond int64 holds is still a time: every answer, no RTT (the
	 * probes were sent in 2024). */
	set_timestamps(data, len, (uint64_t)INT64_MAX);
	write_tmp(data, len);
	assert_int_equal(analyse(tmp_path, 1, 7, &c, &st, err), 0);
	assert_int_equal(c.echo, want.echo);
	assert_int_equal(c.errors, want.errors);
	for (unsigned i = 0; i < c.n && i < MAX_ROWS; i++) {
		assert_true(c.r[i].ts_us == INT64_MAX);
		assert_true(c.r[i].rtt_ms > 0 || c.r[i].rtt_ms == -1.0);
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
	rc = cmocka_run_group_tests(tests, load_oracle, NULL);
	unlink(tmp_path);
	return rc;
}

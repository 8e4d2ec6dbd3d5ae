/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/packet/probe.c: the libnet template and the per-target patch must give a
 * well-formed ICMP echo request whose identifiers and payload validate. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "icmpsweep/error.h"
#include "bytes.h"
#include "checksum.h"
#include "tag.h"
#include "probe.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

#define SRC IP(192, 0, 2, 1)

static const uint8_t src_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t dst_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0xfe};

static void make_template(struct isw_probe_template *t, int raw_ip, uint8_t ttl)
{
	struct isw_probe_params p;
	char err[ISW_ERRBUF_SIZE] = "";
	int rc;

	memset(&p, 0, sizeof(p));
	p.src = SRC;
	memcpy(p.src_mac, src_mac, 6);
	memcpy(p.dst_mac, dst_mac, 6);
	p.ttl = ttl;
	p.raw_ip = raw_ip;
	rc = isw_probe_template_init(t, &p, err);
	if (rc != 0)
		fail_msg("template init failed (%d): %s", rc, err);
}

/* Checks every field of a patched probe; ip_off is where the IPv4 header starts. */
static void check_probe(const uint8_t *frame, uint32_t len, uint32_t ip_off,
                        const struct isw_tag_key *key, uint32_t dst, uint8_t probe,
                        uint64_t send_ns, uint8_t ttl)
{
	const uint8_t *ip = frame + ip_off, *icmp = ip + ISW_IP_LEN;
	uint32_t tag = isw_tag_dst(key, dst);
	uint8_t got_probe = 0;
	uint64_t got_ns = 0;

	assert_int_equal(len, ip_off + ISW_IP_LEN + ISW_ICMP_HDR_LEN + ISW_PAYLOAD_LEN);
	if (ip_off) {
		assert_memory_equal(frame, dst_mac, 6);
		assert_memory_equal(frame + 6, src_mac, 6);
		assert_int_equal(isw_get_be16(frame + 12), 0x0800);
	}
	/* IPv4 header. */
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(ip[1], 0); /* TOS */
	assert_int_equal(isw_get_be16(ip + 2), ISW_IP_LEN + ISW_ICMP_HDR_LEN + ISW_PAYLOAD_LEN);
	assert_int_equal(isw_get_be16(ip + 6), 0x4000); /* DF, offset 0 */
	assert_int_equal(ip[8], ttl);
	assert_int_equal(ip[9], 1); /* ICMP */
	assert_int_equal(isw_get_be32(ip + 12), SRC);
	assert_int_equal(isw_get_be32(ip + 16), dst);
	if (isw_cksum(ip, ISW_IP_LEN) != 0)
		fail_msg("IP header checksum %04x does not verify for dst %08x",
		         isw_get_be16(ip + 10), dst);
	/* ICMP echo request. */
	assert_int_equal(icmp[0], 8);
	assert_int_equal(icmp[1], 0);
	if (isw_cksum(icmp, ISW_ICMP_HDR_LEN + ISW_PAYLOAD_LEN) != 0)
		fail_msg("ICMP checksum %04x does not verify for dst %08x probe %u",
		         isw_get_be16(icmp + 2), dst, probe);
	assert_int_equal(isw_get_be16(icmp + 4), tag >> 16);
	assert_int_equal(isw_get_be16(icmp + 6), tag & 0xffff);
	assert_int_equal(isw_tag_check_payload(key, icmp + 8, dst, &got_probe, &got_ns), 1);
	assert_int_equal(got_probe, probe);
	assert_true(got_ns == send_ns);
	/* The payload does not validate for another address. */
	assert_int_equal(isw_tag_check_payload(key, icmp + 8, dst + 1, &got_probe, &got_ns), 0);
}

static const uint32_t dsts[] = {
    IP(198, 18, 0, 1),      IP(198, 18, 255, 255), IP(10, 0, 0, 0),        IP(1, 1, 1, 1),
    IP(223, 255, 255, 255), IP(192, 0, 2, 1),      IP(0, 0, 0, 1),         IP(255, 255, 255, 254),
    IP(172, 16, 5, 4),      IP(8, 8, 4, 4),        IP(127, 255, 255, 255), IP(100, 64, 0, 0),
};
static const uint8_t probes[] = {1, 2, 3, 255};
static const uint64_t times[] = {UINT64_C(1700000000123456789), 0, 1, UINT64_MAX,
                                 UINT64_C(1000000000) * 4000000000u};

static void test_ethernet(void **state __attribute__((unused)))
{
	struct isw_probe_template t;
	struct isw_tag_key key;

	isw_tag_key_init(&key, 2024);
	make_template(&t, 0, 64);
	assert_int_equal(t.len, 58);
	assert_int_equal(t.ip_off, ISW_ETH_LEN);
	for (size_t d = 0; d < sizeof(dsts) / sizeof(dsts[0]); d++)
		for (size_t p = 0; p < sizeof(probes); p++)
			for (size_t s = 0; s < sizeof(times) / sizeof(times[0]); s++) {
				uint8_t frame[ISW_PROBE_MAX_LEN];

				memset(frame, 0xcc, sizeof(frame));
				isw_probe_patch(&t, &key, frame, dsts[d], probes[p], times[s]);
				check_probe(frame, t.len, t.ip_off, &key, dsts[d], probes[p],
				            times[s], 64);
				/* Nothing past the frame is written. */
				for (size_t i = t.len; i < sizeof(frame); i++)
					assert_int_equal(frame[i], 0xcc);
			}
}

static void test_raw_ip(void **state __attribute__((unused)))
{
	struct isw_probe_template t;
	struct isw_tag_key key;

	isw_tag_key_init(&key, 7);
	make_template(&t, 1, 200);
	assert_int_equal(t.len, 44);
	assert_int_equal(t.ip_off, 0);
	for (size_t d = 0; d < sizeof(dsts) / sizeof(dsts[0]); d++)
		for (size_t p = 0; p < sizeof(probes); p++) {
			uint8_t frame[ISW_PROBE_MAX_LEN];

			isw_probe_patch(&t, &key, frame, dsts[d], probes[p], times[0]);
			check_probe(frame, t.len, 0, &key, dsts[d], probes[p], times[0], 200);
		}
}

static void test_many_random(void **state __attribute__((unused)))
{
	/* Incremental checksums across many addresses and times, including the ones that
	 * push the sums through 0x0000/0xffff. */
	struct isw_probe_template t;
	struct isw_tag_key key;
	uint64_t x = 88172645463325252ULL;

	isw_tag_key_init(&key, 99);
	make_template(&t, 0, 64);
	for (int i = 0; i < 200000; i++) {
		uint8_t frame[ISW_PROBE_MAX_LEN];
		uint32_t dst;
		uint64_t ns;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		dst = (uint32_t)x;
		ns = x * 0x9e3779b97f4a7c15ULL;
		isw_probe_patch(&t, &key, frame, dst, (uint8_t)(i % 4 + 1), ns);
		/* Cheaper than check_probe: only what the incremental update can get wrong. */
		if (isw_cksum(frame + ISW_ETH_LEN, ISW_IP_LEN) != 0 ||
		    isw_cksum(frame + ISW_ETH_LEN + ISW_IP_LEN,
		              ISW_ICMP_HDR_LEN + ISW_PAYLOAD_LEN) != 0)
			fail_msg("bad checksum for dst %08x time %llu", dst,
			         (unsigned long long)ns);
		assert_int_equal(isw_get_be32(frame + ISW_ETH_LEN + 16), dst);
	}
}

static void test_template_independent_of_frame(void **state __attribute__((unused)))
{
	/* Patching twice into the same buffer, the second probe is not influenced by the
	 * first; and the template itself is untouched. */
	struct isw_probe_template t, copy;
	struct isw_tag_key key;
	uint8_t a[ISW_PROBE_MAX_LEN], b[ISW_PROBE_MAX_LEN];

	isw_tag_key_init(&key, 1);
	make_template(&t, 0, 64);
	memcpy(&copy, &t, sizeof(t));
	isw_probe_patch(&t, &key, a, IP(198, 18, 0, 1), 1, 1000);
	isw_probe_patch(&t, &key, a, IP(198, 18, 0, 2), 2, 2000);
	isw_probe_patch(&t, &key, b, IP(198, 18, 0, 2), 2, 2000);
	assert_memory_equal(a, b, t.len);
	assert_memory_equal(&copy, &t, sizeof(t));
}

static void test_template_ttl_and_macs(void **state __attribute__((unused)))
{
	struct isw_probe_template t;
	struct isw_tag_key key;
	uint8_t frame[ISW_PROBE_MAX_LEN];

	isw_tag_key_init(&key, 3);
	for (unsigned ttl = 1; ttl <= 255; ttl += 127) {
		make_template(&t, 0, (uint8_t)ttl);
		isw_probe_patch(&t, &key, frame, IP(198, 18, 1, 1), 1, 5);
		check_probe(frame, t.len, ISW_ETH_LEN, &key, IP(198, 18, 1, 1), 1, 5, (uint8_t)ttl);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ethernet),
	    cmocka_unit_test(test_raw_ip),
	    cmocka_unit_test(test_many_random),
	    cmocka_unit_test(test_template_independent_of_frame),
	    cmocka_unit_test(test_template_ttl_and_macs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

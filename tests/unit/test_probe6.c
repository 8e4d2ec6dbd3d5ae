/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/packet/probe6.c and the IPv6 tags of tag.c: the template and the
 * per-target patch must give a well-formed ICMPv6 echo request (checksum over the IPv6
 * pseudo-header recomputed from scratch) whose identifier, sequence and payload validate. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "icmpsweep/error.h"
#include "bytes.h"
#include "checksum.h"
#include "probe6.h"
#include "tag.h"

static const uint8_t src6[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [15] = 1};
static const uint8_t src_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t dst_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0xfe};

static void make_template(struct isw_probe6_template *t, int raw_ip, uint8_t hop_limit)
{
	struct isw_probe6_params p;
	char err[ISW_ERRBUF_SIZE] = "";
	int rc;

	memset(&p, 0, sizeof(p));
	memcpy(p.src, src6, 16);
	memcpy(p.src_mac, src_mac, 6);
	memcpy(p.dst_mac, dst_mac, 6);
	p.hop_limit = hop_limit;
	p.raw_ip = raw_ip;
	rc = isw_probe6_template_init(t, &p, err);
	if (rc != 0)
		fail_msg("template init failed (%d): %s", rc, err);
}

static void target(uint8_t dst[16], uint32_t n)
{
	static const uint8_t prefix[8] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0};

	memset(dst, 0, 16);
	memcpy(dst, prefix, 8);
	isw_put_be32(dst + 12, n);
	dst[8] = (uint8_t)(n * 37); /* vary the high half of the interface identifier too */
}

static void check_probe(const uint8_t *frame, uint32_t len, uint32_t ip_off,
                        const struct isw_tag_key *key, const uint8_t dst[16], uint8_t probe,
                        uint64_t send_ns, uint8_t hop_limit)
{
	const uint8_t *ip = frame + ip_off, *icmp = ip + ISW_IP6_LEN;
	uint32_t tag = isw_tag_dst6(key, dst), upper = ISW_ICMP_HDR_LEN + ISW_PAYLOAD_LEN;
	uint8_t got_probe = 0;
	uint64_t got_ns = 0;

	assert_int_equal(len, ip_off + ISW_IP6_LEN + upper);
	if (ip_off) {
		assert_memory_equal(frame, dst_mac, 6);
		assert_memory_equal(frame + 6, src_mac, 6);
		assert_int_equal(isw_get_be16(frame + 12), 0x86dd);
	}
	assert_int_equal(ip[0], 0x60);
	assert_int_equal(ip[1] | ip[2] | ip[3], 0); /* traffic class, flow label */
	assert_int_equal(isw_get_be16(ip + 4), upper);
	assert_int_equal(ip[6], 58);
	assert_int_equal(ip[7], hop_limit);
	assert_memory_equal(ip + 8, src6, 16);
	assert_memory_equal(ip + 24, dst, 16);
	assert_int_equal(icmp[0], 128);
	assert_int_equal(icmp[1], 0);
	/* A correct checksum sums, with the pseudo-header (laid out here by hand, RFC 8200
	 * 8.1), to all ones: the stored fold is zero. */
	{
		uint8_t pseudo[40 + 24] = {0};

		memcpy(pseudo, ip + 8, 32);
		isw_put_be32(pseudo + 32, upper);
		pseudo[39] = 58;
		memcpy(pseudo + 40, icmp, upper);
		assert_int_equal(isw_cksum(pseudo, 40 + upper), 0);
		assert_int_equal(isw_cksum_fold(isw_cksum_partial(
		                     icmp, upper, isw_cksum_pseudo6(ip + 8, ip + 24, upper, 58))),
		                 0);
	}
	assert_int_equal(isw_get_be16(icmp + 4), tag >> 16);
	assert_int_equal(isw_get_be16(icmp + 6), tag & 0xffff);
	assert_true(isw_tag_check_payload6(key, icmp + 8, dst, &got_probe, &got_ns));
	assert_int_equal(got_probe, probe);
	assert_int_equal(got_ns, send_ns);
}

static void test_patch_many(void **state)
{
	struct isw_probe6_template t;
	struct isw_tag_key key;

	(void)state;
	isw_tag_key_init(&key, 42);
	for (int raw = 0; raw <= 1; raw++) {
		make_template(&t, raw, raw ? 1 : 64);
		for (uint32_t n = 0; n < 2000; n++) {
			uint8_t dst[16], frame[ISW_PROBE6_MAX_LEN];
			uint8_t probe = (uint8_t)(1 + n % 3);
			uint64_t ns = 1700000000000000000ULL + n * 977ULL;

			target(dst, n * 2654435761u);
			isw_probe6_patch(&t, &key, frame, dst, probe, ns);
			check_probe(frame, t.len, raw ? 0 : ISW_ETH_LEN, &key, dst, probe, ns,
			            raw ? 1 : 64);
		}
	}
}

static void test_tags_bind_address(void **state)
{
	struct isw_tag_key key, other;
	uint8_t a[16], b[16], payload[ISW_PAYLOAD_LEN], probe;
	uint64_t ns;

	(void)state;
	isw_tag_key_init(&key, 1);
	isw_tag_key_init(&other, 2);
	target(a, 5);
	target(b, 6);
	assert_int_not_equal(isw_tag_dst6(&key, a), isw_tag_dst6(&key, b));
	assert_int_not_equal(isw_tag_dst6(&key, a), isw_tag_dst6(&other, a));
	isw_tag_fill_payload6(&key, payload, a, 2, 12345);
	assert_true(isw_tag_check_payload6(&key, payload, a, &probe, &ns));
	assert_false(isw_tag_check_payload6(&key, payload, b, &probe, &ns));
	assert_false(isw_tag_check_payload6(&other, payload, a, &probe, &ns));
	payload[ISW_PAYLOAD_OFF_PROBE] = 3; /* the attempt is under the tag */
	assert_false(isw_tag_check_payload6(&key, payload, a, &probe, &ns));
	payload[ISW_PAYLOAD_OFF_PROBE] = 2;
	payload[10] = 1; /* so are the reserved bytes, by value */
	assert_false(isw_tag_check_payload6(&key, payload, a, &probe, &ns));
}

static void test_hop_limit_zero_refused(void **state)
{
	struct isw_probe6_template t;
	struct isw_probe6_params p;
	char err[ISW_ERRBUF_SIZE] = "";

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_int_equal(isw_probe6_template_init(&t, &p, err), -22);
	assert_non_null(strstr(err, "hop limit"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_patch_many),
	    cmocka_unit_test(test_tags_bind_address),
	    cmocka_unit_test(test_hop_limit_zero_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* The keyed tag of tag.h: what a probe carries so its answer validates with no state. */
#include <string.h>

#include <sodium.h>

#include "bytes.h"
#include "tag.h"

static uint64_t siphash(const struct isw_tag_key *key, const uint8_t *in, size_t len)
{
	uint8_t out[crypto_shorthash_siphash24_BYTES];
	uint64_t v;

	crypto_shorthash_siphash24(out, in, len, key->k);
	memcpy(&v, out, sizeof(v));
	return v;
}

void isw_key_derive(uint64_t seed, const char *label, uint8_t out[ISW_TAG_KEY_LEN])
{
	/* The seed is recorded in the metadata (and a pcapng header), so the keys are only as
	 * secret as those files: they stop forgery by other hosts, not by whoever reads them. */
	static const struct isw_tag_key fixed = {
	    {'i', 'c', 'm', 'p', 's', 'w', 'e', 'e', 'p', '-', 'k', 'd', 'f', '-', 'v', '1'}};
	uint8_t in[8 + 32] = {0};
	size_t n = strnlen(label, 32);
	uint64_t h;

	isw_put_be64(in, seed);
	memcpy(in + 8, label, n);
	h = siphash(&fixed, in, 8 + n);
	memcpy(out, &h, 8);
	in[8 + 31] ^= 0x5a;
	h = siphash(&fixed, in, sizeof(in));
	memcpy(out + 8, &h, 8);
}

void isw_tag_key_init(struct isw_tag_key *key, uint64_t seed)
{
	isw_key_derive(seed, "probe-mac", key->k);
}

uint32_t isw_tag_dst(const struct isw_tag_key *key, uint32_t dst)
{
	uint8_t in[5] = {'D'};

	isw_put_be32(in + 1, dst);
	return (uint32_t)siphash(key, in, sizeof(in));
}

uint32_t isw_tag_payload(const struct isw_tag_key *key, uint32_t dst, uint8_t probe,
                         uint64_t send_ns)
{
	uint8_t in[14] = {'P'};

	in[1] = probe;
	isw_put_be32(in + 2, dst);
	isw_put_be64(in + 6, send_ns);
	return (uint32_t)siphash(key, in, sizeof(in));
}

/* The payload around its tag: time, attempt, format, two zero bytes, tag. */
static void fill_payload(uint8_t *payload, uint8_t probe, uint64_t send_ns, uint32_t tag)
{
	isw_put_be64(payload + ISW_PAYLOAD_OFF_TIME, send_ns);
	payload[ISW_PAYLOAD_OFF_PROBE] = probe;
	payload[ISW_PAYLOAD_OFF_FORMAT] = ISW_PAYLOAD_FORMAT;
	payload[10] = 0;
	payload[11] = 0;
	isw_put_be32(payload + ISW_PAYLOAD_OFF_TAG, tag);
}

/* Bytes 10-11 are not under the tag: insist they are what we sent. */
static int payload_format_ok(const uint8_t *payload)
{
	return payload[ISW_PAYLOAD_OFF_FORMAT] == ISW_PAYLOAD_FORMAT && !payload[10] &&
	       !payload[11];
}

void isw_tag_fill_payload(const struct isw_tag_key *key, uint8_t *payload, uint32_t dst,
                          uint8_t probe, uint64_t send_ns)
{
	fill_payload(payload, probe, send_ns, isw_tag_payload(key, dst, probe, send_ns));
}

int isw_tag_check_payload(const struct isw_tag_key *key, const uint8_t *payload, uint32_t addr,
                          uint8_t *probe, uint64_t *send_ns)
{
	uint64_t t = isw_get_be64(payload + ISW_PAYLOAD_OFF_TIME);
	uint8_t k = payload[ISW_PAYLOAD_OFF_PROBE];

	if (!payload_format_ok(payload) ||
	    isw_get_be32(payload + ISW_PAYLOAD_OFF_TAG) != isw_tag_payload(key, addr, k, t))
		return 0;
	*probe = k;
	*send_ns = t;
	return 1;
}

uint32_t isw_tag_dst6(const struct isw_tag_key *key, const uint8_t dst[16])
{
	uint8_t in[17] = {'D'};

	memcpy(in + 1, dst, 16);
	return (uint32_t)siphash(key, in, sizeof(in));
}

uint32_t isw_tag_payload6(const struct isw_tag_key *key, const uint8_t dst[16], uint8_t probe,
                          uint64_t send_ns)
{
	uint8_t in[26] = {'P'};

	in[1] = probe;
	memcpy(in + 2, dst, 16);
	isw_put_be64(in + 18, send_ns);
	return (uint32_t)siphash(key, in, sizeof(in));
}

void isw_tag_fill_payload6(const struct isw_tag_key *key, uint8_t *payload, const uint8_t dst[16],
                           uint8_t probe, uint64_t send_ns)
{
	fill_payload(payload, probe, send_ns, isw_tag_payload6(key, dst, probe, send_ns));
}

int isw_tag_check_payload6(const struct isw_tag_key *key, const uint8_t *payload,
                           const uint8_t addr[16], uint8_t *probe, uint64_t *send_ns)
{
	uint64_t t = isw_get_be64(payload + ISW_PAYLOAD_OFF_TIME);
	uint8_t k = payload[ISW_PAYLOAD_OFF_PROBE];

	if (!payload_format_ok(payload) ||
	    isw_get_be32(payload + ISW_PAYLOAD_OFF_TAG) != isw_tag_payload6(key, addr, k, t))
		return 0;
	*probe = k;
	*send_ns = t;
	return 1;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* Stateless probe validation.
 *
 * Every probe carries two keyed SipHash-2-4 tags (libsodium's crypto_shorthash):
 *  - the destination tag, 32 bits over the destination address, split into the ICMP identifier
 *    and sequence.  ICMP errors quote at least these 8 bytes, so errors validate through it.
 *  - the payload tag, 32 bits over destination, attempt and send time, stored in the payload
 *    with the attempt and the time, so an echo reply proves all three.
 * A reply is accepted only when both tags recomputed from the reply's source address match:
 * 64 bits in all, with no per-probe state.
 */
#ifndef ISW_TAG_H
#define ISW_TAG_H

#include <stdint.h>

#define ISW_TAG_KEY_LEN 16

struct isw_tag_key {
	uint8_t k[ISW_TAG_KEY_LEN];
};

/* Payload layout of every probe (network byte order). */
#define ISW_PAYLOAD_LEN        16
#define ISW_PAYLOAD_OFF_TIME   0  /* u64 send time, ns since the Unix epoch */
#define ISW_PAYLOAD_OFF_PROBE  8  /* u8 attempt, 1-based */
#define ISW_PAYLOAD_OFF_FORMAT 9  /* u8 layout version */
#define ISW_PAYLOAD_OFF_TAG    12 /* u32 payload tag */
#define ISW_PAYLOAD_FORMAT     1

/* Derives independent keys from the scan seed; label separates their uses. */
void isw_key_derive(uint64_t seed, const char *label, uint8_t out[ISW_TAG_KEY_LEN]);
void isw_tag_key_init(struct isw_tag_key *key, uint64_t seed);

uint32_t isw_tag_dst(const struct isw_tag_key *key, uint32_t dst);
uint32_t isw_tag_payload(const struct isw_tag_key *key, uint32_t dst, uint8_t probe,
                         uint64_t send_ns);

/* Writes the payload of a probe to dst. */
void isw_tag_fill_payload(const struct isw_tag_key *key, uint8_t *payload, uint32_t dst,
                          uint8_t probe, uint64_t send_ns);

/* Checks a payload echoed back by addr; on success stores attempt and send time. */
int isw_tag_check_payload(const struct isw_tag_key *key, const uint8_t *payload, uint32_t addr,
                          uint8_t *probe, uint64_t *send_ns);

/* The same tags over a 16-byte IPv6 address (network order), for ICMPv6 probes.  Their
 * inputs differ in length from the IPv4 ones, so no IPv4 tag equals an IPv6 one by design. */
uint32_t isw_tag_dst6(const struct isw_tag_key *key, const uint8_t dst[16]);
uint32_t isw_tag_payload6(const struct isw_tag_key *key, const uint8_t dst[16], uint8_t probe,
                          uint64_t send_ns);
void isw_tag_fill_payload6(const struct isw_tag_key *key, uint8_t *payload, const uint8_t dst[16],
                           uint8_t probe, uint64_t send_ns);
int isw_tag_check_payload6(const struct isw_tag_key *key, const uint8_t *payload,
                           const uint8_t addr[16], uint8_t *probe, uint64_t *send_ns);

#endif

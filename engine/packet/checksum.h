/* SPDX-License-Identifier: BSD-2-Clause */
/* Internet checksum (RFC 1071) and its incremental update (RFC 1624), so per-target patching
 * of the probe template touches only the words that change. */
#ifndef ISW_CHECKSUM_H
#define ISW_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Full checksum over len bytes, returned in network byte order ready to store. */
uint16_t isw_cksum(const void *data, size_t len);

/* Ones'-complement sum of 16-bit words, not folded or inverted (for chaining). */
uint32_t isw_cksum_partial(const void *data, size_t len, uint32_t sum);

/* Partial sum of the IPv6 pseudo-header (RFC 8200 8.1): source, destination, upper-layer
 * length and next header; chain the upper-layer bytes onto it. */
uint32_t isw_cksum_pseudo6(const uint8_t src[16], const uint8_t dst[16], uint32_t upper_len,
                           uint8_t next_header);

/* Folds a partial sum and inverts it: the value to store (network order). */
static inline uint16_t isw_cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m').  old_sum/new_sum are the unfolded partial sums
 * of the old and new contents of the changed words; hc is the stored checksum (network order
 * as read from memory). */
static inline uint16_t isw_cksum_update(uint16_t hc, uint32_t old_sum, uint32_t new_sum)
{
	uint32_t s = (uint16_t)~hc;
	while (old_sum >> 16)
		old_sum = (old_sum & 0xffff) + (old_sum >> 16);
	s += (uint16_t)~old_sum;
	s += new_sum;
	return isw_cksum_fold(s);
}

#endif

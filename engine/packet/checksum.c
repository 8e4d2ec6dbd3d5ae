/* SPDX-License-Identifier: BSD-2-Clause */
/* Internet checksum and its incremental update (checksum.h). */
#include <string.h>

#include "checksum.h"

uint32_t isw_cksum_partial(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	uint64_t acc = sum;

	/* Summing native-endian 16-bit words gives the byte-swapped result on little endian,
	 * which stays byte-swapped through folding: storing it back natively is correct. */
	while (len >= 2) {
		uint16_t w;
		memcpy(&w, p, 2);
		acc += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint16_t w = 0;
		memcpy(&w, p, 1);
		acc += w;
	}
	while (acc >> 32)
		acc = (acc & 0xffffffff) + (acc >> 32);
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
}

uint16_t isw_cksum(const void *data, size_t len)
{
	return isw_cksum_fold(isw_cksum_partial(data, len, 0));
}

uint32_t isw_cksum_pseudo6(const uint8_t src[16], const uint8_t dst[16], uint32_t upper_len,
                           uint8_t next_header)
{
	uint8_t tail[8] = {(uint8_t)(upper_len >> 24),
	                   (uint8_t)(upper_len >> 16),
	                   (uint8_t)(upper_len >> 8),
	                   (uint8_t)upper_len,
	                   0,
	                   0,
	                   0,
	                   next_header};
	uint32_t sum = isw_cksum_partial(src, 16, 0);

	sum = isw_cksum_partial(dst, 16, sum);
	return isw_cksum_partial(tail, sizeof(tail), sum);
}

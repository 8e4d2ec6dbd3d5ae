/* SPDX-License-Identifier: BSD-2-Clause */
/* Big-endian (network order) reads and writes of 16-, 32-, 48- (MAC) and 64-bit fields at any
 * alignment: packet headers and the probe payload are byte strings, not structs. */
#ifndef ISW_BYTES_H
#define ISW_BYTES_H

#include <stdint.h>

static inline uint16_t isw_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t isw_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t isw_get_be64(const uint8_t *p)
{
	return (uint64_t)isw_get_be32(p) << 32 | isw_get_be32(p + 4);
}

/* 48 bits: a MAC address as a number (0 is no MAC). */
static inline uint64_t isw_get_be48(const uint8_t *p)
{
	return (uint64_t)isw_get_be16(p) << 32 | isw_get_be32(p + 2);
}

static inline void isw_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void isw_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void isw_put_be48(uint8_t *p, uint64_t v)
{
	isw_put_be16(p, (uint16_t)(v >> 32));
	isw_put_be32(p + 2, (uint32_t)v);
}

static inline void isw_put_be64(uint8_t *p, uint64_t v)
{
	isw_put_be32(p, (uint32_t)(v >> 32));
	isw_put_be32(p + 4, (uint32_t)v);
}

#endif

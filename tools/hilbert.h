/* SPDX-License-Identifier: BSD-2-Clause */
/* The Hilbert curve on a square grid of side 2^order: position along the curve <-> cell.
 * Consecutive positions are neighbouring cells, and every aligned run of 4^k positions fills
 * a square, which is why an address block of an even number of bits is a square on the map. */
#ifndef ISW_HILBERT_H
#define ISW_HILBERT_H

#include <stdint.h>

/* order 0..16; d < 4^order.  The curve starts at (0, 0) and ends at (side - 1, 0). */
void hilbert_d2xy(unsigned order, uint32_t d, uint32_t *x, uint32_t *y);
uint32_t hilbert_xy2d(unsigned order, uint32_t x, uint32_t y);

#endif

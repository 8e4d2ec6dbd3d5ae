/* SPDX-License-Identifier: BSD-2-Clause */
/* The Hilbert curve: the classic iterative conversion, one quadrant (two bits of d) per
 * level, rotating the frame so each quadrant's sub-curve joins its neighbours'. */
#include "hilbert.h"

/* Reflect and swap the frame of a quadrant of side s so its sub-curve is oriented like the
 * whole. */
static void rotate(uint32_t s, uint32_t *x, uint32_t *y, uint32_t rx, uint32_t ry)
{
	if (ry == 0) {
		uint32_t t;

		if (rx == 1) {
			*x = s - 1 - *x;
			*y = s - 1 - *y;
		}
		t = *x;
		*x = *y;
		*y = t;
	}
}

void hilbert_d2xy(unsigned order, uint32_t d, uint32_t *x, uint32_t *y)
{
	uint32_t t = d, side = (uint32_t)1 << order;

	*x = *y = 0;
	for (uint32_t s = 1; s < side; s *= 2) {
		uint32_t rx = 1 & (t / 2), ry = 1 & (t ^ rx);

		rotate(s, x, y, rx, ry);
		*x += s * rx;
		*y += s * ry;
		t /= 4;
	}
}

uint32_t hilbert_xy2d(unsigned order, uint32_t x, uint32_t y)
{
	uint32_t d = 0, side = (uint32_t)1 << order;

	for (uint32_t s = side / 2; s > 0; s /= 2) {
		uint32_t rx = (x & s) > 0, ry = (y & s) > 0;

		d += s * s * ((3 * rx) ^ ry);
		rotate(side, &x, &y, rx, ry);
	}
	return d;
}

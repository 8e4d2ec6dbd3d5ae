/* SPDX-License-Identifier: BSD-2-Clause */
/* viridis by linear interpolation between nine of its samples (matplotlib's, at t = k/8):
 * between neighbouring samples the map is near enough to straight in RGB that the error
 * stays below what the eye tells apart. */
#include "viridis.h"

static const uint32_t stops[] = {0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21908c,
                                 0x27ad81, 0x5dc863, 0xaadc32, 0xfde725};

static unsigned channel(uint32_t a, uint32_t b, int shift, double f)
{
	double ca = (a >> shift) & 0xff, cb = (b >> shift) & 0xff;

	return (unsigned)(ca + (cb - ca) * f + 0.5);
}

uint32_t viridis_rgb(double t)
{
	const int last = (int)(sizeof(stops) / sizeof(stops[0])) - 1;
	double pos;
	int i;

	if (!(t > 0)) /* also NaN */
		return stops[0];
	if (t >= 1)
		return stops[last];
	pos = t * last;
	i = (int)pos;
	return channel(stops[i], stops[i + 1], 16, pos - i) << 16 |
	       channel(stops[i], stops[i + 1], 8, pos - i) << 8 |
	       channel(stops[i], stops[i + 1], 0, pos - i);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* The viridis colour map (perceptually uniform, sequential, readable in grey and by the
 * colour-blind): t in [0, 1] -> 0xRRGGBB. */
#ifndef ISW_VIRIDIS_H
#define ISW_VIRIDIS_H

#include <stdint.h>

uint32_t viridis_rgb(double t);

#endif

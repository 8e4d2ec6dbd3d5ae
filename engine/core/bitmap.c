/* SPDX-License-Identifier: BSD-2-Clause */
/* The per-target bitmap of bitmap.h: allocation, set and test (atomic where threads share it). */
#include <errno.h>
#include <stdlib.h>

#include "bitmap.h"

int isw_bitmap_init(struct isw_bitmap *b, uint64_t nbits)
{
	b->nbits = nbits;
	b->words = calloc((nbits + 63) / 64 + 1, sizeof(uint64_t));
	return b->words ? 0 : -ENOMEM;
}

void isw_bitmap_destroy(struct isw_bitmap *b)
{
	free((void *)b->words);
	b->words = NULL;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* The binary search every target table needs (IPv4 ranges, IPv6 ranges, sub-prefix segments,
 * each by index or by address), written once.  A macro rather than a function taking a
 * comparator: it expands to the loop a hand-written search would be, so the lookups the
 * sender and the capture make per packet cost what they did. */
#ifndef ISW_RANGE_SEARCH_H
#define ISW_RANGE_SEARCH_H

/* out = the first i of [first, last) (of integer type type) for which pred, an expression in
 * i, is false; last if it holds throughout.  pred must hold for a prefix of the interval and
 * not after it, as "range i starts at or before the key" does over sorted ranges. */
#define ISW_PARTITION_POINT(type, out, first, last, i, pred)                                       \
	do {                                                                                       \
		type lo_ = (first), hi_ = (last);                                                  \
		while (lo_ < hi_) {                                                                \
			type i = lo_ + (hi_ - lo_) / 2;                                            \
			if (pred)                                                                  \
				lo_ = i + 1;                                                       \
			else                                                                       \
				hi_ = i;                                                           \
		}                                                                                  \
		(out) = lo_;                                                                       \
	} while (0)

/* out = the last i of [0, n) (size_t, n >= 1) for which pred holds, 0 if none: the range a key
 * falls in, when pred is "range i starts at or before the key". */
#define ISW_LAST_WHERE(out, n, i, pred)                                                            \
	do {                                                                                       \
		size_t lo_ = 0, hi_ = (n);                                                         \
		while (hi_ - lo_ > 1) {                                                            \
			size_t i = lo_ + (hi_ - lo_) / 2;                                          \
			if (pred)                                                                  \
				lo_ = i;                                                           \
			else                                                                       \
				hi_ = i;                                                           \
		}                                                                                  \
		(out) = lo_;                                                                       \
	} while (0)

#endif

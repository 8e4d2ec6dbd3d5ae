/* SPDX-License-Identifier: BSD-2-Clause */
/* UTF-8 well-formedness, one sequence at a time: the text, CSV, JSON and XML writers and the
 * result-file reader all pass only well-formed UTF-8 and replace the rest. */
#include "icmpsweep/output.h"

/* Length of the well-formed UTF-8 sequence at s less one (0 for ASCII), or -1 if the bytes
 * are not well formed (RFC 3629 table 3-7: no overlongs, surrogates or values past U+10FFFF). */
int isw_utf8_seq_len(const unsigned char *s)
{
	unsigned c = s[0], lo = 0x80, hi = 0xbf;
	int n;

	if (c < 0x80)
		return 0;
	if (c >= 0xc2 && c <= 0xdf)
		n = 1;
	else if (c >= 0xe0 && c <= 0xef)
		n = 2;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 3;
	else
		return -1;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return -1;
	for (int k = 2; k <= n; k++)
		if ((s[k] & 0xc0) != 0x80)
			return -1;
	return n;
}

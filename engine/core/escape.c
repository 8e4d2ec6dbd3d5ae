/* SPDX-License-Identifier: BSD-2-Clause */
/* Untrusted bytes made safe for messages (escape.h): control bytes shown, never sent to the
 * terminal. */
#include <string.h>

#include "escape.h"

const char *isw_escape_bytes(const char *s, size_t len, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (!size)
		return out;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[4];
		size_t n;

		if (c == '\\') {
			e[0] = e[1] = '\\';
			n = 2;
		} else if (c < 0x20 || c >= 0x7f) {
			e[0] = '\\';
			e[1] = 'x';
			e[2] = hex[c >> 4];
			e[3] = hex[c & 15];
			n = 4;
		} else {
			e[0] = (char)c;
			n = 1;
		}
		/* Room for this escape and, unless it is the last byte, a "..." after it. */
		if (o + n + (i + 1 < len ? 3 : 0) >= size) {
			if (o + 3 < size)
				memcpy(out + o, "...", 3), o += 3;
			break;
		}
		memcpy(out + o, e, n);
		o += n;
	}
	out[o] = '\0';
	return out;
}

const char *isw_escape(const char *s, char *out, size_t size)
{
	return isw_escape_bytes(s, strlen(s), out, size);
}

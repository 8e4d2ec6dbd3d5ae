/* SPDX-License-Identifier: BSD-2-Clause */
/* Untrusted bytes shown in a message: a hostile target list or blocklist must not reach the
 * user's terminal with escape sequences in it, nor hide part of itself behind a NUL. */
#ifndef ISW_ESCAPE_H
#define ISW_ESCAPE_H

#include <stddef.h>

/* Writes the len bytes of s into out (size bytes, NUL-terminated) with every byte outside
 * printable ASCII and the backslash as \xHH (\\ for the backslash).  When it does not fit, the
 * text is cut at a whole escape and ends in "...".  Returns out. */
const char *isw_escape_bytes(const char *s, size_t len, char *out, size_t size);

/* isw_escape_bytes of a C string. */
const char *isw_escape(const char *s, char *out, size_t size);

#endif

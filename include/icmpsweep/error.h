/* SPDX-License-Identifier: BSD-2-Clause */
/* Error conventions shared by every icmpsweep library call.
 *
 * Functions return 0 (or a non-negative count) on success and a negative errno value on
 * failure.  Functions that can fail for a reason worth telling a person also take a
 * caller-owned `char errbuf[ISW_ERRBUF_SIZE]` and write a one-line message there that names
 * the offending value.  The library never prints and never exits; tools/ does both.
 */
#ifndef ICMPSWEEP_ERROR_H
#define ICMPSWEEP_ERROR_H

/* Room for the longest message whole: "auto" lists why every transmit backend failed.  A
 * message composed of parts that could still overflow ends at a word, with "...". */
#define ISW_ERRBUF_SIZE 1024

/* Text for a negative errno-style code returned by the library. */
const char *isw_strerror(int err);

#endif

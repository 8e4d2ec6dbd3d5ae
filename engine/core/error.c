/* SPDX-License-Identifier: BSD-2-Clause */
/* Error texts for the library's negative errno-style codes (error.h). */
#include <string.h>

#include "icmpsweep/error.h"

const char *isw_strerror(int err)
{
	/* strerror() is enough: the library only uses errno values. */
	return strerror(err < 0 ? -err : err);
}

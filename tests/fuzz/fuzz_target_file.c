/* SPDX-License-Identifier: BSD-2-Clause */
/* Target and exclude files (-I, -b): the input is the file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "icmpsweep/targets.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[ISW_ERRBUF_SIZE];
	const char *path = fuzz_file(data, size);
	isw_targets *t = NULL;
	int rc;

	if (isw_targets_new(&t) < 0)
		abort();
	err[0] = '\0';
	rc = isw_targets_add_file(t, path, size & 1, err);
	if (rc < 0) {
		if (rc != -EINVAL && rc != -ENOMEM)
			fuzz_fail("a file error other than -EINVAL/-ENOMEM");
		if (!err[0] || strchr(err, '\n'))
			fuzz_fail("an error without a one-line message");
		for (const unsigned char *p = (const unsigned char *)err; *p; p++)
			if (*p < 0x20 || *p >= 0x7f)
				fuzz_fail("a control byte in an error message");
		/* All of the file or none of it: nothing was added. */
		if (isw_targets_add(t, "198.18.0.1", 0, NULL) < 0 ||
		    isw_targets_finalize(t, NULL) < 0 || isw_targets_count(t) != 1)
			fuzz_fail("a refused file left targets behind");
	} else if (isw_targets_finalize(t, NULL) == 0 && isw_targets_count(t)) {
		uint64_t n = isw_targets_count(t);
		if (isw_targets_index(t, isw_targets_at(t, n - 1)) != (int64_t)(n - 1))
			fuzz_fail("index(at(n - 1)) != n - 1");
	}
	isw_targets_free(t);
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* Target specifications as typed on the command line (-x, TARGET): each line of the input is
 * one spec, the first line's first byte choosing include or exclude per spec.  After
 * finalize, the index space must map to addresses and back. */
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "icmpsweep/targets.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[ISW_ERRBUF_SIZE];
	char *buf = malloc(size + 1), *line, *save = NULL;
	isw_targets *t = NULL;
	unsigned k = 0;

	if (!buf || isw_targets_new(&t) < 0)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save), k++) {
		err[0] = '\0';
		if (isw_targets_add(t, line, (int)(k % 3 == 2), err) < 0) {
			if (!err[0] || strchr(err, '\n'))
				fuzz_fail("an error without a one-line message");
			for (const unsigned char *p = (const unsigned char *)err; *p; p++)
				if (*p < 0x20 || *p >= 0x7f)
					fuzz_fail("a control byte in an error message");
		}
	}
	if (isw_targets_finalize(t, err) == 0) {
		uint64_t n = isw_targets_count(t), step = n / 64 + 1;
		uint32_t prev = 0;

		for (uint64_t i = 0; i < n; i += step) {
			uint32_t a = isw_targets_at(t, i);
			if (isw_targets_index(t, a) != (int64_t)i)
				fuzz_fail("index(at(i)) != i");
			if (i && a <= prev)
				fuzz_fail("addresses not increasing with the index");
			prev = a;
		}
		if (n && isw_targets_index(t, isw_targets_at(t, n - 1)) != (int64_t)(n - 1))
			fuzz_fail("index(at(n - 1)) != n - 1");
	}
	isw_targets_free(t);
	free(buf);
	return 0;
}

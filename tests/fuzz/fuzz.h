/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by the libFuzzer harnesses: inputs that must be files, and no DNS traffic. */
#ifndef ISW_FUZZ_H
#define ISW_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Writes data to an in-memory file (one per process, reused) and returns a path that opens
 * it from the start: /proc/self/fd/N. */
const char *fuzz_file(const uint8_t *data, size_t size);

/* Aborts with a message: an invariant the harness checks does not hold. */
void fuzz_fail(const char *what) __attribute__((noreturn));

#endif

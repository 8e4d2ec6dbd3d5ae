/* SPDX-License-Identifier: BSD-2-Clause */
/* The --checkpoint file: what a killed sweep needs to go on (--resume), in a versioned binary
 * format with a CRC-32, written whole and atomically.
 *
 * Layout (little-endian): magic "ISWCKPT\n", u32 version, u32 0, u64 body length, the body,
 * u32 CRC-32 of all bytes before it.  Body: u64 seed, u64 digest, u32 resumes, str output
 * path ("" = standard output), u64 output size, u32 argc and argc strs (the options to run
 * with), u32 passes, u32 senders, per sender u64 lo and hi, per pass per sender u64 next (the
 * first position of that pass not yet sent), u64 count and per answered target its address
 * and u8 result type, u64 count and per pending result (answered but not yet in the output)
 * its fields.  str: u32 length and bytes.  Address: u8 4 and 4 bytes, or u8 6 and 16 bytes,
 * network order (version 1, which this build still reads: u32 IPv4 address). */
#ifndef ISW_CHECKPOINT_H
#define ISW_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "icmpsweep/result.h"
#include "icmpsweep/scan.h"

#define CHECKPOINT_VERSION 2
/* The oldest version checkpoint_load still reads (IPv4 only). */
#define CHECKPOINT_VERSION_MIN 1

struct ckpt_answer {
	struct isw_addr addr;
	uint8_t type; /* enum isw_result_type */
};

struct checkpoint {
	uint32_t version;
	uint64_t seed;
	uint64_t digest; /* targets, exclusions and the options that change what is probed */
	uint32_t resumes;
	char *output_path; /* "" for standard output */
	uint64_t output_size;
	int argc;
	char **argv;
	struct isw_scan_progress progress;
	size_t nanswered, npending;
	struct ckpt_answer *answered;
	struct isw_result *pending; /* numbers and MAC only: no hostname, vendor or note */
};

/* Writes ck to path atomically (a temporary file in the same directory, fsync, rename,
 * fsync of the directory).  0, or a negative errno with a message in errbuf. */
int checkpoint_save(const char *path, const struct checkpoint *ck, char *errbuf);
/* The whole file, or nothing: -EINVAL with a message for a truncated, corrupt or foreign
 * file or a version it does not read, another negative errno when it cannot be read. */
int checkpoint_load(const char *path, struct checkpoint *ck, char *errbuf);
/* In memory, for the two above and their tests.  encode: 0 or -ENOMEM. */
int checkpoint_encode(const struct checkpoint *ck, uint8_t **buf, size_t *len);
int checkpoint_decode(const uint8_t *buf, size_t len, struct checkpoint *ck, char *errbuf);
void checkpoint_free(struct checkpoint *ck);
uint32_t checkpoint_crc32(const uint8_t *p, size_t n);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/* --shard and --shards: which of N equal parts of the permuted target order this run probes,
 * from the options or (--shard auto) from a scheduler's environment (Slurm job arrays, srun
 * tasks, Kubernetes Indexed Jobs).  Only the command line reads the environment. */
#ifndef ISW_CLI_SHARD_H
#define ISW_CLI_SHARD_H

#include <stddef.h>
#include <stdint.h>

/* Where I and N came from, for messages and the metadata. */
struct cli_shard {
	uint32_t index, count; /* count 0: no sharding */
	const char *source;    /* "option", "slurm-array", "slurm-tasks" or "kubernetes" */
};

/* shard_arg is --shard's value ("I/N", "I" or "auto"; NULL: not given), shards_arg --shards'
 * (NULL: not given); env looks a variable up (getenv, or a table in tests).  0, or -EINVAL
 * with a one-line message naming the bad value or the missing variable. */
int cli_shard_resolve(const char *shard_arg, const char *shards_arg,
                      const char *(*env)(const char *name), struct cli_shard *out, char *errbuf);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/* --shard I/N, --shards N --shard I and --shard auto (cli-shard.h): the values checked, the
 * scheduler's variables read and checked, every refusal naming what was wrong. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli-shard.h"
#include "cli-values.h"
#include "icmpsweep/error.h"

#define BAD(...)                                                                                   \
	do {                                                                                       \
		snprintf(errbuf, ISW_ERRBUF_SIZE, __VA_ARGS__);                                    \
		return -EINVAL;                                                                    \
	} while (0)

static int parse_count(const char *s, uint32_t *out)
{
	uint64_t v;

	if (cli_parse_u64(s, UINT32_MAX, &v) < 0 || v < 1)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int parse_index(const char *s, uint32_t *out)
{
	uint64_t v;

	if (cli_parse_u64(s, UINT32_MAX - 1, &v) < 0)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* A scheduler variable that must be a number: its value, or -EINVAL naming it. */
static int env_number(const char *(*env)(const char *), const char *name, int count, uint32_t *out,
                      char *errbuf)
{
	const char *v = env(name);

	if (!v)
		BAD("--shard auto: %s is not set", name);
	if ((count ? parse_count(v, out) : parse_index(v, out)) < 0)
		BAD("--shard auto: invalid %s '%.64s' (%s)", name, v,
		    count ? "a count, at least 1" : "an index from 0");
	return 0;
}

static int from_environment(const char *(*env)(const char *), uint32_t shards_given,
                            struct cli_shard *o, char *errbuf)
{
	uint32_t min = 0;

	if (env("SLURM_ARRAY_TASK_ID")) {
		/* --array=1-4 numbers tasks from 1: the shard is the offset from the first. */
		if (env_number(env, "SLURM_ARRAY_TASK_ID", 0, &o->index, errbuf) < 0 ||
		    env_number(env, "SLURM_ARRAY_TASK_COUNT", 1, &o->count, errbuf) < 0)
			return -EINVAL;
		if (env("SLURM_ARRAY_TASK_MIN") &&
		    env_number(env, "SLURM_ARRAY_TASK_MIN", 0, &min, errbuf) < 0)
			return -EINVAL;
		if (o->index < min || o->index - min >= o->count)
			BAD("--shard auto: Slurm array task %u is not one of %u tasks numbered "
			    "from %u: use a contiguous array (--array=0-%u)",
			    o->index, o->count, min, o->count - 1);
		o->index -= min;
		o->source = "slurm-array";
	} else if (env("SLURM_PROCID")) {
		if (env_number(env, "SLURM_PROCID", 0, &o->index, errbuf) < 0 ||
		    env_number(env, "SLURM_NTASKS", 1, &o->count, errbuf) < 0)
			return -EINVAL;
		if (o->index >= o->count)
			BAD("--shard auto: SLURM_PROCID %u is not below SLURM_NTASKS %u", o->index,
			    o->count);
		o->source = "slurm-tasks";
	} else if (env("JOB_COMPLETION_INDEX")) {
		if (env_number(env, "JOB_COMPLETION_INDEX", 0, &o->index, errbuf) < 0)
			return -EINVAL;
		/* Kubernetes does not export the completions count. */
		if (!shards_given)
			BAD("--shard auto: JOB_COMPLETION_INDEX is set but Kubernetes does not say "
			    "how many completions the job has: add --shards N");
		o->count = shards_given;
		if (o->index >= o->count)
			BAD("--shard auto: JOB_COMPLETION_INDEX %u is not below --shards %u",
			    o->index, o->count);
		o->source = "kubernetes";
		return 0;
	} else {
		BAD("--shard auto: no scheduler says which shard this is (none of "
		    "SLURM_ARRAY_TASK_ID, SLURM_PROCID, JOB_COMPLETION_INDEX is set): give "
		    "--shard I/N");
	}
	if (shards_given && shards_given != o->count)
		BAD("--shards %u disagrees with the scheduler's %u tasks", shards_given, o->count);
	return 0;
}

int cli_shard_resolve(const char *shard_arg, const char *shards_arg,
                      const char *(*env)(const char *name), struct cli_shard *o, char *errbuf)
{
	uint32_t shards = 0;
	const char *slash;

	memset(o, 0, sizeof(*o));
	if (!shard_arg && !shards_arg)
		return 0;
	if (shards_arg && parse_count(shards_arg, &shards) < 0)
		BAD("invalid --shards '%s' (the number of shards, 1..4294967295)", shards_arg);
	if (!shard_arg)
		BAD("--shards %u needs --shard I (which one, 0..%u) or --shard auto", shards,
		    shards - 1);
	if (!strcmp(shard_arg, "auto"))
		return from_environment(env, shards, o, errbuf);
	o->source = "option";
	slash = strchr(shard_arg, '/');
	if (slash) {
		char idx[24];
		size_t len = (size_t)(slash - shard_arg);

		if (len >= sizeof(idx))
			BAD("invalid --shard '%s' (I/N: shard I of N, 0-based)", shard_arg);
		memcpy(idx, shard_arg, len);
		idx[len] = 0;
		if (parse_index(idx, &o->index) < 0 || parse_count(slash + 1, &o->count) < 0)
			BAD("invalid --shard '%s' (I/N: shard I of N, 0-based, N at least 1)",
			    shard_arg);
		if (shards && shards != o->count)
			BAD("--shard '%s' disagrees with --shards %u", shard_arg, shards);
	} else {
		if (parse_index(shard_arg, &o->index) < 0)
			BAD("invalid --shard '%s' (I/N, I with --shards N, or auto)", shard_arg);
		if (!shards)
			BAD("--shard %s needs the number of shards: --shard %s/N or --shards N",
			    shard_arg, shard_arg);
		o->count = shards;
	}
	if (o->index >= o->count)
		BAD("invalid --shard '%s': shard %u of %u does not exist (0..%u)", shard_arg,
		    o->index, o->count, o->count - 1);
	return 0;
}

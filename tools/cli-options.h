/* SPDX-License-Identifier: BSD-2-Clause */
/* Command-line parsing for icmpsweep: argv -> options, with a one-line message naming the
 * bad value for every error. */
#ifndef ISW_CLI_OPTIONS_H
#define ISW_CLI_OPTIONS_H

#include <stddef.h>

#include "cli-localnet.h"
#include "icmpsweep/addr.h"
#include "icmpsweep/config.h"
#include "icmpsweep/error.h"
#include "icmpsweep/output.h"
#include "icmpsweep/resolve.h"
#include "icmpsweep/targets.h"

#include "cli-shard.h"
#include "cli-values.h"
#include "hilbert-map.h"

struct cli_options {
	struct isw_config cfg;
	isw_targets *targets;
	const char *output_path; /* NULL: stdout */
	const char *metadata_path;
	enum isw_format format;
	int quiet;
	int no_resolve;
	/* Resolver stage (unless no_resolve); resolve.servers points into resolvers. */
	struct isw_resolver_config resolve;
	const char **resolvers;
	size_t nresolvers;
	const char *read_path; /* --read: offline analysis of a trace */
	int no_validate;
	int seed_given;
	/* --iid as typed (NULL: ::1); random: keyed by the seed once it is known. */
	const char *iid;
	int iid_random;
	/* --iid in one spelling per value ("::1" unless given, or "random"), for --resume's
	 * comparison and the metadata: ::0001 and ::1 are the same sweep. */
	char iid_text[ISW_ADDR_TEXT_MAX];
	const char *user; /* --user: who to run as once set up (NULL: the default) */
	int help, version, list_fields;
	const char *fields;   /* -f: csv/json columns (NULL: all) */
	uint64_t max_results; /* --max-results: 0 = no limit */
	double max_runtime_s; /* --max-runtime: 0 = no limit */
	/* --max-targets: a count (cfg.max_targets is set from it) or a percentage of the
	 * targets (max_targets_pct > 0; cfg.max_targets once the targets are known). */
	uint64_t max_targets;
	double max_targets_pct;
	/* -l: sweep the networks this host is on, at most a /localnet_max (0: the default) per
	 * interface; what it found (the specs point into it). */
	int localnet, localnet_max;
	struct cli_localnet localnet_found;
	const char *map_path; /* --map: PNG of the swept space (NULL: none) */
	enum map_by map_by;   /* --map-by */
	int map_by_given;
	const char *db_path; /* --db: SQLite history of runs and results (NULL: none) */
	/* --shard and --shards as typed, and what they resolved to (cfg.shard/shards too). */
	const char *shard_arg, *shards_arg;
	struct cli_shard shard;
	const char *checkpoint_path;  /* --checkpoint (NULL: none) */
	double checkpoint_interval_s; /* 0: the default */
	const char *resume_path;      /* --resume (NULL: a new sweep) */
	/* For the metadata: what the user named. */
	const char **specs;
	size_t nspecs;
	const char **exclude_specs;
	size_t nexclude_specs;
	/* -I and -b files, which no output may overwrite. */
	const char **input_files;
	const char **input_opts; /* "-I" or "-b", for messages */
	size_t ninput_files;
};

/* 0 on success; -EINVAL with errbuf set on bad input (the caller exits 2). */
int cli_parse(struct cli_options *o, int argc, char **argv, char *errbuf);
void cli_free(struct cli_options *o);
void cli_usage(FILE *fp);

/* tools/cli-files.c: 0, or -EINVAL with a message when two of the run's files (outputs, or an
 * output and an input) are the same file.  Creates and truncates nothing. */
int cli_check_files(const struct cli_options *o, char *errbuf);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/* icmpsweep map (cmd-map.h): a result file of any format (result-file.h) fed to the map of
 * hilbert-map.h as the live sweep feeds it, so that the same sweep gives the same image.  The
 * swept space comes from the sweep's --metadata (its target and exclude specs), else it is the
 * smallest prefix that covers the hosts up. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd-map.h"
#include "hilbert-map.h"
#include "icmpsweep/error.h"
#include "result-file.h"
#include "shard-meta.h"

#define MAP_OK      0
#define MAP_RUNTIME 1
#define MAP_BAD     2

static void usage(FILE *fp)
{
	fputs("usage: icmpsweep map [options] RESULTS -o FILE.png\n"
	      "Draw --map's Hilbert map of a finished sweep from its result file (text, csv,\n"
	      "json or xml; '-' is standard input).  The swept space is the sweep's targets\n"
	      "from its --metadata file when given, else the smallest prefix covering the\n"
	      "hosts up (then addresses of it that were not swept show as swept, none alive).\n"
	      "\n"
	      "  -o, --output FILE.png     the map (required)\n"
	      "      --map-by alive|rtt    colour by the share of live hosts (default) or by\n"
	      "                            their median round-trip time\n"
	      "      --metadata FILE       the sweep's --metadata: its targets and excludes\n"
	      "  -h, --help                this help\n"
	      "\n"
	      "Exit status: 0 drawn, 1 the map could not be written, 2 bad input.\n",
	      fp);
}

struct map_opts {
	const char *results, *output, *metadata;
	struct map_options map;
};

/* -1 after a message, 1 for --help. */
static int parse(int argc, char **argv, struct map_opts *o)
{
	enum { OPT_BY = 256, OPT_META };
	static const struct option longs[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"map-by", required_argument, NULL, OPT_BY},
	    {"metadata", required_argument, NULL, OPT_META},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	*o = (struct map_opts){.map.by = MAP_BY_ALIVE};
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", longs, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->output = optarg;
			break;
		case OPT_BY:
			if (!strcmp(optarg, "alive"))
				o->map.by = MAP_BY_ALIVE;
			else if (!strcmp(optarg, "rtt"))
				o->map.by = MAP_BY_RTT;
			else {
				fprintf(stderr,
				        "icmpsweep map: invalid --map-by '%s' (alive or rtt)\n",
				        optarg);
				return -1;
			}
			break;
		case OPT_META:
			o->metadata = optarg;
			break;
		case 'h':
			return 1;
		case ':':
			fprintf(stderr, "icmpsweep map: option '%s' needs a value\n",
			        argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "icmpsweep map: unknown option '%s' (try map --help)\n",
			        argv[optind - 1]);
			return -1;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "icmpsweep map: want one result file (try map --help)\n");
		return -1;
	}
	o->results = argv[optind];
	if (!o->output) {
		fprintf(stderr, "icmpsweep map: -o FILE.png is required (try map --help)\n");
		return -1;
	}
	return 0;
}

/* The sweep's specs again: a -I / -b file when one of that name exists, else a target. */
static int add_specs(isw_targets *t, char *const *specs, size_t n, int exclude, char *errbuf)
{
	for (size_t i = 0; i < n; i++) {
		struct stat sb;
		int rc = stat(specs[i], &sb) == 0 && S_ISREG(sb.st_mode)
		             ? isw_targets_add_file(t, specs[i], exclude, errbuf)
		             : isw_targets_add(t, specs[i], exclude, errbuf);

		if (rc < 0)
			return rc;
	}
	return 0;
}

static int targets_from_metadata(isw_targets *t, const char *path, char *errbuf)
{
	struct shard_meta m;
	size_t len;
	char *buf = shard_meta_slurp(path, &len, errbuf);
	int rc;

	if (!buf)
		return -EINVAL;
	if (!shard_meta_sniff(buf, len)) {
		free(buf);
		snprintf(errbuf, ISW_ERRBUF_SIZE, "'%s' is not icmpsweep metadata (--metadata)",
		         path);
		return -EINVAL;
	}
	rc = shard_meta_parse_sweep(buf, len, path, &m, errbuf);
	free(buf);
	if (rc < 0)
		return rc;
	if (!m.nspecs[0]) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "'%s' names no targets (a --read without them?)",
		         path);
		rc = -EINVAL;
	}
	if (rc >= 0)
		rc = add_specs(t, m.specs[0], m.nspecs[0], 0, errbuf);
	if (rc >= 0)
		rc = add_specs(t, m.specs[1], m.nspecs[1], 1, errbuf);
	shard_meta_free(&m);
	return rc;
}

/* The smallest prefix holding every host up. */
static int targets_covering(isw_targets *t, const struct rf_set *set, const char *name,
                            char *errbuf)
{
	uint32_t lo, hi, mask = ~(uint32_t)0;
	size_t n4 = 0;

	/* Sorted, IPv4 first: the map covers IPv4 space. */
	while (n4 < set->n && isw_addr_is_v4(&set->hosts[n4].addr))
		n4++;
	if (!n4) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "'%s' has no IPv4 host up: give the sweep's --metadata to draw what was "
		         "swept%s",
		         name,
		         set->n ? " (IPv6 hosts are not drawn: the map is of IPv4 space)" : "");
		return -EINVAL;
	}
	lo = isw_addr_v4(&set->hosts[0].addr);
	hi = isw_addr_v4(&set->hosts[n4 - 1].addr);
	while (mask && (lo & mask) != (hi & mask))
		mask <<= 1;
	return isw_targets_add_range(t, lo & mask, (lo & mask) | ~mask, 0);
}

static void draw(hilbert_map *m, const struct rf_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct rf_host *h = &set->hosts[i];
		struct isw_result r = {
		    .addr = h->addr,
		    .responder = h->addr,
		    .type = isw_result_is_neigh_only((enum isw_result_type)h->type)
		                ? (enum isw_result_type)h->type
		                : ISW_RESULT_ECHO_REPLY,
		    .rtt_ms = h->rtt_ms,
		};

		map_put(m, &r);
	}
}

int cmd_map(int argc, char **argv)
{
	struct map_opts o;
	struct rf_set set = {0};
	isw_targets *t = NULL;
	hilbert_map *m = NULL;
	char err[ISW_ERRBUF_SIZE] = "";
	int rc = parse(argc, argv, &o), status = MAP_BAD;

	if (rc)
		return rc > 0 ? (usage(stdout), MAP_OK) : MAP_BAD;
	if (rf_load(o.results, &set, err) < 0)
		goto fail;
	if ((rc = isw_targets_new(&t)) < 0) {
		snprintf(err, sizeof(err), "out of memory");
		status = MAP_RUNTIME;
		goto fail;
	}
	/* A mixed sweep's IPv6 specs parse; the map, of IPv4 space, leaves them out. */
	isw_targets_allow_ipv6(t);
	rc = o.metadata ? targets_from_metadata(t, o.metadata, err)
	                : targets_covering(t, &set, o.results, err);
	if (rc >= 0)
		rc = isw_targets_finalize(t, err);
	if (rc >= 0)
		rc = map_new(&m, t, &o.map, err);
	if (rc < 0) {
		status = rc == -ENOMEM ? MAP_RUNTIME : MAP_BAD;
		goto fail;
	}
	draw(m, &set);
	if (map_left_out_v6(m))
		fprintf(
		    stderr,
		    "icmpsweep map: %llu IPv6 hosts up are not drawn (the map is of IPv4 space)\n",
		    (unsigned long long)map_left_out_v6(m));
	status = map_save_png(m, o.output, err) < 0 ? MAP_RUNTIME : MAP_OK;
	if (status == MAP_OK)
		goto out;
fail:
	fprintf(stderr, "icmpsweep map: %s\n", err[0] ? err : isw_strerror(rc));
out:
	map_free(m);
	isw_targets_free(t);
	rf_free(&set);
	return status;
}

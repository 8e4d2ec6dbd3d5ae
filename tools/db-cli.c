/* SPDX-License-Identifier: BSD-2-Clause */
/* --db's life in a run of the CLI (db-cli.h): open early, row first, fed through emit(),
 * ended with the summary. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "db-cli.h"

int db_run_open(struct db_run *dr, const struct cli_options *o, char *errbuf)
{
	int rc;

	memset(dr, 0, sizeof(*dr));
	if (!o->db_path)
		return 0;
	rc = hdb_open(o->db_path, 1, &dr->db, errbuf);
	if (rc < 0)
		return rc;
	rc = dbw_new(&dr->w, dr->db, o->db_path, errbuf);
	if (rc < 0) {
		hdb_close(dr->db);
		dr->db = NULL;
	}
	return rc;
}

/* The metadata document as a string (NULL when out of memory). */
static char *metadata_json(const struct cli_options *o, const isw_scan *scan,
                           const struct run_info *ri)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp)
		return NULL;
	if (metadata_write(fp, o, scan, ri) < 0) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The target specs, then "-x" and the excludes; the command line; space-separated. */
static char *words(const char *const *a, size_t na, const char *sep, const char *const *b,
                   size_t nb)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (!fp)
		return NULL;
	for (size_t i = 0; i < na; i++)
		fprintf(fp, "%s%s", i ? " " : "", a[i]);
	if (nb && sep)
		fprintf(fp, "%s%s", na ? " " : "", sep);
	for (size_t i = 0; i < nb; i++)
		fprintf(fp, " %s", b[i]);
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int db_run_begin(struct db_run *dr, const struct cli_options *o, const isw_scan *scan,
                 const struct run_info *ri, char *errbuf)
{
	struct dbw_run run = {
	    .started = (double)ri->start.tv_sec + ri->start.tv_nsec / 1e9,
	    .have_seed = scan || o->seed_given,
	    .seed = o->cfg.seed,
	};
	char *targets, *cmd, *meta = NULL;
	int rc = -ENOMEM;

	if (!dr->w)
		return 0;
	targets = words(o->specs, o->nspecs, "-x", o->exclude_specs, o->nexclude_specs);
	cmd = words((const char *const *)ri->argv, (size_t)ri->argc, NULL, NULL, 0);
	/* --read's document is only whole once the trace is read. */
	if (scan)
		meta = metadata_json(o, scan, ri);
	run.targets = targets;
	run.command_line = cmd;
	run.metadata = meta;
	if (targets && cmd && (meta || !scan))
		rc = dbw_run_begin(dr->w, &run, errbuf);
	else
		snprintf(errbuf, ISW_ERRBUF_SIZE, "--db '%s': out of memory", o->db_path);
	free(targets);
	free(cmd);
	free(meta);
	return rc;
}

int db_run_start(struct db_run *dr, char *errbuf)
{
	return dr->w ? dbw_start(dr->w, errbuf) : 0;
}

int db_run_finish(struct db_run *dr, const struct cli_options *o, const isw_scan *scan,
                  const struct run_info *ri, uint64_t targets, uint64_t hosts_up,
                  uint64_t icmp_errors, char *errbuf)
{
	struct dbw_end end = {
	    .ended = (double)ri->end.tv_sec + ri->end.tv_nsec / 1e9,
	    .status = !strcmp(ri->status, "done") ? "complete" : ri->status,
	    .targets = targets,
	    .hosts_up = hosts_up,
	    .icmp_errors = icmp_errors,
	    .have_seed = ri->offline != NULL,
	    .seed = ri->offline ? ri->offline->seed : o->cfg.seed,
	};
	char *meta;
	int rc;

	if (!dr->w)
		return 0;
	meta = metadata_json(o, scan, ri);
	end.metadata = meta;
	rc = dbw_finish(dr->w, &end, errbuf);
	free(meta);
	return rc;
}

void db_run_free(struct db_run *dr)
{
	dbw_free(dr->w);
	hdb_close(dr->db);
	memset(dr, 0, sizeof(*dr));
}

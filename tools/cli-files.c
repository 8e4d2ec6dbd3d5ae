/* SPDX-License-Identifier: BSD-2-Clause */
/* The files a run writes (-o, --metadata, -w, --map) must be distinct from each other and from the
 * files it reads (--read, -I, -b), by any name. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "cli-options.h"

/* Two paths that name the same file: the same string, the same inode when both exist, or
 * the same name in the same directory when neither does.  Character devices (/dev/null) may
 * be shared. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;

	if (ea && S_ISCHR(sa.st_mode))
		return 0;
	if (!strcmp(a, b))
		return 1;
	if (ea && eb)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	if (ea || eb)
		return 0;
	{
		char *da = strdup(a), *db = strdup(b), *ba = strdup(a), *bb = strdup(b);
		int same = 0;

		if (da && db && ba && bb && !strcmp(basename(ba), basename(bb)) &&
		    stat(dirname(da), &sa) == 0 && stat(dirname(db), &sb) == 0)
			same = sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
		free(da);
		free(db);
		free(ba);
		free(bb);
		return same;
	}
}

/* -o, --metadata, -w, --map, --checkpoint and --db each write a file, and --read, -I and -b read
 * one: no output may be another output or an input, or one would overwrite the other (or the trace
 * being read).  Checked before anything is opened, so nothing is created or truncated. */
int cli_check_files(const struct cli_options *o, char *errbuf)
{
	const struct {
		const char *opt, *path;
	} f[] = {
	    {"-o", o->output_path && strcmp(o->output_path, "-") ? o->output_path : NULL},
	    {"--metadata", o->metadata_path},
	    {"-w", o->cfg.trace_path},
	    {"--map", o->map_path},
	    {"--checkpoint", o->checkpoint_path},
	    {"--db", o->db_path},
	    {"--read", o->read_path},
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		for (size_t k = i + 1; k < sizeof(f) / sizeof(f[0]); k++)
			if (f[i].path && f[k].path && same_file(f[i].path, f[k].path)) {
				snprintf(errbuf, ISW_ERRBUF_SIZE,
				         "%s '%s' and %s '%s' are the same file: one would "
				         "overwrite the other",
				         f[i].opt, f[i].path, f[k].opt, f[k].path);
				return -EINVAL;
			}
	/* The target files were read already, but would be lost. */
	for (size_t i = 0; i < 5; i++)
		for (size_t k = 0; k < o->ninput_files; k++)
			if (f[i].path && same_file(f[i].path, o->input_files[k])) {
				snprintf(errbuf, ISW_ERRBUF_SIZE,
				         "%s '%s' and %s '%s' are the same file: the output would "
				         "overwrite the targets",
				         f[i].opt, f[i].path, o->input_opts[k], o->input_files[k]);
				return -EINVAL;
			}
	return 0;
}

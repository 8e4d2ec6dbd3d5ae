/* SPDX-License-Identifier: BSD-2-Clause */
/* --map's life in a run of the CLI: open early, fed through emit(), written at the end. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "map-cli.h"

int map_run_open(struct map_run *mr, const struct cli_options *o, char *errbuf)
{
	struct map_options opt = {.by = o->map_by};
	int rc;

	memset(mr, 0, sizeof(*mr));
	if (!o->map_path)
		return 0;
	snprintf(mr->name, sizeof(mr->name), "'%s'", o->map_path);
	rc = map_new(&mr->map, o->targets, &opt, errbuf);
	if (rc < 0)
		return rc;
	if (!(mr->fp = fopen(o->map_path, "wb"))) {
		rc = -errno;
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot open map file %s: %s", mr->name,
		         strerror(errno));
		map_free(mr->map);
		mr->map = NULL;
		return rc;
	}
	return 0;
}

int map_run_finish(struct map_run *mr, char *errbuf)
{
	FILE *fp = mr->fp;

	if (!mr->map || !fp)
		return 0;
	mr->fp = NULL;
	if (map_left_out_v6(mr->map))
		fprintf(stderr,
		        "icmpsweep: --map %s: %llu IPv6 hosts up are not drawn (the map is of IPv4 "
		        "space)\n",
		        mr->name, (unsigned long long)map_left_out_v6(mr->map));
	return map_write_png(mr->map, fp, mr->name, errbuf);
}

void map_run_free(struct map_run *mr)
{
	if (mr->fp)
		fclose(mr->fp);
	mr->fp = NULL;
	map_free(mr->map);
	mr->map = NULL;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* --db FILE in a run of the CLI (a sweep or --read): the database opened with the other
 * outputs (a file that cannot be used is bad input, before anything is sent), the run row
 * recorded before the first probe, the results fed through the consumer list, the row ended
 * with the summary. */
#ifndef ISW_DB_CLI_H
#define ISW_DB_CLI_H

#include "cli-options.h"
#include "db-writer.h"
#include "metadata.h"

struct db_run {
	sqlite3 *db; /* NULL without --db */
	db_writer *w;
};

/* Nothing without --db.  0, or a negative errno with a message: -EINVAL (not an icmpsweep
 * database, newer schema) is bad input, the rest a runtime failure. */
int db_run_open(struct db_run *dr, const struct cli_options *o, char *errbuf);

/* The run row, status running (scan NULL for --read).  0 or a negative errno with a message. */
int db_run_begin(struct db_run *dr, const struct cli_options *o, const isw_scan *scan,
                 const struct run_info *ri, char *errbuf);

/* The writer thread, once privileges are dropped. */
int db_run_start(struct db_run *dr, char *errbuf);

/* Drains the results and ends the row with ri->status ("done" is stored as complete) and the
 * metadata document.  0, or a negative errno with a message naming the file and why. */
int db_run_finish(struct db_run *dr, const struct cli_options *o, const isw_scan *scan,
                  const struct run_info *ri, uint64_t targets, uint64_t hosts_up,
                  uint64_t icmp_errors, char *errbuf);

void db_run_free(struct db_run *dr);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/* --db's writer: a run row inserted before the first probe, then every result copied into a
 * bounded lock-free queue by the thread that emits it and written by a thread of its own, so
 * the sweep never waits on the disk.  The writer commits whenever the queue runs dry and at
 * the latest every DBW_BATCH_ROWS rows or DBW_BATCH_S seconds: what is committed survives a
 * SIGKILL of the process (WAL).  A full queue or a failed write loses results: put() fails
 * from then on, and finish() says why. */
#ifndef ISW_TOOLS_DB_WRITER_H
#define ISW_TOOLS_DB_WRITER_H

#include <stdint.h>

#include "history-db.h"
#include "icmpsweep/result.h"

#define DBW_BATCH_ROWS 4096
#define DBW_BATCH_S    1.0
#define DBW_QUEUE      32768 /* results in flight; about 12 MB */

typedef struct db_writer db_writer;

/* What a run row starts with.  Strings are copied. */
struct dbw_run {
	double started; /* Unix seconds */
	int have_seed;
	uint64_t seed;
	const char *targets, *command_line;
	const char *metadata; /* JSON, or NULL */
};

/* How it ended. */
struct dbw_end {
	double ended;
	const char *status; /* complete, interrupted or failed */
	const char *metadata;
	int have_seed; /* --read: the seed found in the trace */
	uint64_t seed;
	uint64_t targets, hosts_up, icmp_errors;
};

/* db stays the caller's (closed after dbw_free); name is the file, for messages. */
int dbw_new(db_writer **out, sqlite3 *db, const char *name, char *errbuf);
/* Inserts the run row (status running) and commits it.  0 or a negative errno with a message. */
int dbw_run_begin(db_writer *w, const struct dbw_run *run, char *errbuf);
/* Starts the writer thread (after privileges are dropped: it is a thread).  0 or -errno. */
int dbw_start(db_writer *w, char *errbuf);
/* The consumer (arg is the writer): copies r into the queue.  One producer thread at a time.
 * 0, or -ENOBUFS (queue full) / the writer's error: the result is lost. */
int dbw_put(void *arg, const struct isw_result *r);
/* Drains the queue, stops the thread, and ends the run row.  0, or a negative errno with a
 * message naming the file and the reason of the first failure (results lost, or the row). */
int dbw_finish(db_writer *w, const struct dbw_end *end, char *errbuf);
/* Rows written so far. */
uint64_t dbw_rows(const db_writer *w);
int64_t dbw_run_id(const db_writer *w);
void dbw_free(db_writer *w);

#endif

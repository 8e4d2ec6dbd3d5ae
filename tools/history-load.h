/* SPDX-License-Identifier: BSD-2-Clause */
/* One run of a --db history read back into the set a result file gives (result-file.h), so
 * that diff --db compares runs with the very code that compares files. */
#ifndef ISW_TOOLS_HISTORY_LOAD_H
#define ISW_TOOLS_HISTORY_LOAD_H

#include <stdint.h>

#include "history-db.h"
#include "result-file.h"

/* The hosts up of run (echo replies and ARP-only hosts), as rf_read would read them from the
 * run's csv output.  0, or a negative errno with a message naming the file: -EINVAL for a run
 * that is not in it. */
int hdb_load_run(sqlite3 *db, const char *name, int64_t run, struct rf_set *set, char *errbuf);

#endif

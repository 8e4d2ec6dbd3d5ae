/* SPDX-License-Identifier: BSD-2-Clause */
/* diff --db's input (history-load.h): a run's result rows through the result-file reader's
 * own row checks, as if they came from a csv file. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "history-load.h"
#include "icmpsweep/error.h"
#include "result-parse.h"

static int run_exists(sqlite3 *db, int64_t run)
{
	sqlite3_stmt *st;
	int found = -1;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM runs WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, run);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		found = 1;
		break;
	case SQLITE_DONE:
		found = 0;
		break;
	}
	sqlite3_finalize(st);
	return found;
}

static const char *text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

int hdb_load_run(sqlite3 *db, const char *name, int64_t run, struct rf_set *set, char *errbuf)
{
	char label[600], rtt[32];
	struct rf_input in = {.name = label, .errbuf = errbuf};
	sqlite3_stmt *st;
	unsigned long line = 0;
	int rc, exists = run_exists(db, run);

	memset(set, 0, sizeof(*set));
	set->format = ISW_FORMAT_CSV;
	snprintf(label, sizeof(label), "--db '%s' run %lld", name, (long long)run);
	if (exists == 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "--db '%s': no run %lld (history --runs lists them)", name,
		         (long long)run);
		return -EINVAL;
	}
	/* rowid order is the order the sweep wrote them: the first row of an address wins, as
	 * in a file. */
	if (exists < 0 || sqlite3_prepare_v2(db,
	                                     "SELECT ip, type, rtt_ms, ttl, mac, vendor, hostname, "
	                                     "lookup FROM results WHERE run_id = ? ORDER BY rowid",
	                                     -1, &st, NULL) != SQLITE_OK) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "%s: %s", label, sqlite3_errmsg(db));
		return hdb_errno(db);
	}
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *lookup = text(st, 7), *hostname = text(st, 6);
		struct rf_row row = {
		    .ip = text(st, 0),
		    .type = text(st, 1),
		    .ttl = text(st, 3),
		    .mac = text(st, 4),
		    .vendor = text(st, 5),
		    .lookup = lookup,
		};

		if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
			snprintf(rtt, sizeof(rtt), "%.3f", sqlite3_column_double(st, 2));
			row.rtt_ms = rtt;
		}
		/* A lookup that found no name is a known empty name, as files write it. */
		if (lookup && !hostname && (!strcmp(lookup, "ok") || !strcmp(lookup, "nxdomain")))
			hostname = "";
		if (lookup) {
			row.hostname = hostname;
			row.hostname_len = hostname ? strlen(hostname) : 0;
		}
		rc = rf_add_row(set, &in, ++line, &row);
		if (rc < 0) {
			sqlite3_finalize(st);
			if (rc == -ENOMEM)
				snprintf(errbuf, ISW_ERRBUF_SIZE, "%s: out of memory", label);
			rf_free(set);
			return rc;
		}
	}
	if (rc != SQLITE_DONE) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "%s: %s", label, sqlite3_errmsg(db));
		rc = hdb_errno(db);
		sqlite3_finalize(st);
		rf_free(set);
		return rc;
	}
	sqlite3_finalize(st);
	rf_dedupe(set);
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* --db FILE: the SQLite history of sweeps opened, its schema created or upgraded, and runs
 * left "running" by a process that is gone marked "interrupted".
 *
 * Schema v1 (PRAGMA user_version = 1; the statements are in history-db.c, README "History
 * database"):
 *   runs(id, started, ended, status, seed, targets, command_line, metadata, targets_count,
 *        hosts_up, icmp_errors, results, host, boot_id, pid, pid_start)
 *   results(run_id, address, ip, type, responder, rtt_ms, ttl, mac, vendor, hostname,
 *           lookup, time)
 * Times are Unix seconds (REAL); address is the IPv4 address as an integer (host order), so
 * that a CIDR is a range on the index results_address. */
#ifndef ISW_TOOLS_HISTORY_DB_H
#define ISW_TOOLS_HISTORY_DB_H

#include <stdint.h>

typedef struct sqlite3 sqlite3;

#define HDB_SCHEMA_VERSION 1

/* Opens (creating it when absent if create, as a sweep does; history and diff only read
 * what exists) and brings the schema to HDB_SCHEMA_VERSION; WAL mode, synchronous=NORMAL, a
 * busy timeout; marks dead processes' running runs interrupted.  A file this user may only
 * read is read as it is (current schema only, nothing marked).  0, or a negative errno with a
 * message naming the file: -EINVAL for a file that is not an icmpsweep database or has a
 * newer schema, -ENOENT for a missing file (both bad input), -EIO and others for the rest. */
int hdb_open(const char *path, int create, sqlite3 **out, char *errbuf);
void hdb_close(sqlite3 *db);

/* The schema steps from the database's version up to HDB_SCHEMA_VERSION, in one transaction;
 * -EINVAL for a version newer than this program's.  For hdb_open and the tests. */
int hdb_migrate(sqlite3 *db, const char *name, char *errbuf);

/* Runs still "running" whose process is gone (same host: a pid not alive, or alive but
 * started at another time, or another boot) become "interrupted".  Returns how many, or a
 * negative errno with a message. */
int hdb_mark_interrupted(sqlite3 *db, const char *name, char *errbuf);

/* Who this process is, as stored in a run row to tell later whether it still runs. */
struct hdb_owner {
	char host[256];
	char boot_id[64];
	long pid;
	unsigned long long pid_start; /* /proc/PID/stat start time, clock ticks after boot */
};
void hdb_owner_self(struct hdb_owner *w);
/* 1 when the process w names is running on this machine, 0 when it is gone, -1 when this
 * machine cannot tell (another host). */
int hdb_owner_alive(const struct hdb_owner *w);

/* "ERRMSG" of the database, with -errno for it: -ENOSPC for a full disk, -EBUSY for a locked
 * database, -EIO otherwise. */
int hdb_errno(sqlite3 *db);

#endif

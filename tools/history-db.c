/* SPDX-License-Identifier: BSD-2-Clause */
/* --db (history-db.h): the database opened, its schema versioned with PRAGMA user_version and
 * upgraded step by step, and abandoned runs marked interrupted. */
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "history-db.h"
#include "icmpsweep/error.h"

/* Step k takes a database from version k to k + 1.  Never edit a released step: add one. */
static const char *const migrations[HDB_SCHEMA_VERSION] = {
    /* 0 -> 1: runs and their results. */
    "CREATE TABLE runs ("
    " id INTEGER PRIMARY KEY,"
    " started REAL NOT NULL," /* Unix seconds */
    " ended REAL,"            /* NULL while running */
    " status TEXT NOT NULL CHECK (status IN ('running','complete','interrupted','failed')),"
    " seed TEXT," /* decimal (64 bits, beyond SQLite's signed integers); NULL: not known */
    " targets TEXT NOT NULL," /* the target specs, then '-x ' and the excludes */
    " command_line TEXT NOT NULL,"
    " metadata TEXT," /* the --metadata JSON document, NULL until known */
    " targets_count INTEGER, hosts_up INTEGER, icmp_errors INTEGER,"
    " results INTEGER NOT NULL DEFAULT 0," /* rows written to results */
    " host TEXT NOT NULL, boot_id TEXT NOT NULL, pid INTEGER NOT NULL,"
    " pid_start INTEGER NOT NULL);" /* who runs it, to find runs left by a dead process */
    "CREATE TABLE results ("
    " run_id INTEGER NOT NULL REFERENCES runs(id),"
    " address INTEGER NOT NULL," /* IPv4 as an integer, IPv6 a 16-byte blob: a CIDR is a range */
    " ip TEXT NOT NULL,"
    " type TEXT NOT NULL," /* echo-reply, arp-only, ndp-only, unreachable, time-exceeded, icmp-error
                            */
    " responder TEXT,"
    " rtt_ms REAL, ttl INTEGER, mac TEXT, vendor TEXT,"
    " hostname TEXT," /* as the resolver gave it; NULL: not looked up or no name */
    " lookup TEXT,"   /* ok, nxdomain, servfail, timeout; NULL with -n */
    " time REAL NOT NULL);"
    "CREATE INDEX results_address ON results(address);"
    "CREATE INDEX results_run ON results(run_id);",
};

int hdb_errno(sqlite3 *db)
{
	switch (sqlite3_errcode(db) & 0xff) {
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
		return -EACCES;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return -EINVAL;
	default:
		return -EIO;
	}
}

static int fail(sqlite3 *db, const char *name, const char *what, char *errbuf)
{
	snprintf(errbuf, ISW_ERRBUF_SIZE, "--db '%s': %s: %s", name, what, sqlite3_errmsg(db));
	return hdb_errno(db);
}

static int user_version(sqlite3 *db, int *v)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? SQLITE_OK : rc;
}

int hdb_migrate(sqlite3 *db, const char *name, char *errbuf)
{
	int v = 0, rc;
	char sql[64];

	/* Read and upgraded under one write lock: two sweeps opening a new file at once must not
	 * both create the tables. */
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, name, "cannot lock", errbuf);
	if (user_version(db, &v) != SQLITE_OK) {
		rc = fail(db, name, "not a database", errbuf);
		goto rollback;
	}
	if (v > HDB_SCHEMA_VERSION) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "--db '%s': schema version %d is newer than this icmpsweep's (%d): use a "
		         "newer icmpsweep",
		         name, v, HDB_SCHEMA_VERSION);
		rc = -EINVAL;
		goto rollback;
	}
	if (v == 0) {
		/* Version 0 is a new file: anything already in it is someone else's. */
		sqlite3_stmt *st;
		int others = 0;

		if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) !=
		    SQLITE_OK) {
			rc = fail(db, name, "not a database", errbuf);
			goto rollback;
		}
		if (sqlite3_step(st) == SQLITE_ROW)
			others = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		if (others) {
			snprintf(errbuf, ISW_ERRBUF_SIZE,
			         "--db '%s': a database of something else (tables, but no "
			         "icmpsweep schema version)",
			         name);
			rc = -EINVAL;
			goto rollback;
		}
	}
	for (; v < HDB_SCHEMA_VERSION; v++) {
		if (sqlite3_exec(db, migrations[v], NULL, NULL, NULL) != SQLITE_OK) {
			rc = fail(db, name, "cannot upgrade the schema", errbuf);
			goto rollback;
		}
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
			rc = fail(db, name, "cannot upgrade the schema", errbuf);
			goto rollback;
		}
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return fail(db, name, "cannot write", errbuf);
	return 0;
rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static void read_line(const char *path, char *buf, size_t size)
{
	FILE *fp = fopen(path, "r");

	buf[0] = 0;
	if (!fp)
		return;
	if (fgets(buf, (int)size, fp))
		buf[strcspn(buf, "\n")] = 0;
	fclose(fp);
}

/* Field 22 of /proc/PID/stat, the start time (after the command name, which may hold spaces);
 * 0 when the process is gone or a zombie (field 3 Z or X: killed, not yet reaped). */
static unsigned long long proc_start(long pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	read_line(path, buf, sizeof(buf));
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0;
	p++; /* the space before field 3 */
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (p)
		start = strtoull(p + 1, NULL, 10);
	return start;
}

void hdb_owner_self(struct hdb_owner *w)
{
	memset(w, 0, sizeof(*w));
	if (gethostname(w->host, sizeof(w->host) - 1) < 0)
		w->host[0] = 0;
	read_line("/proc/sys/kernel/random/boot_id", w->boot_id, sizeof(w->boot_id));
	w->pid = (long)getpid();
	w->pid_start = proc_start(w->pid);
}

int hdb_owner_alive(const struct hdb_owner *w)
{
	struct hdb_owner me;

	hdb_owner_self(&me);
	if (strcmp(w->host, me.host))
		return -1;
	if (strcmp(w->boot_id, me.boot_id))
		return 0;
	if (kill((pid_t)w->pid, 0) < 0 && errno == ESRCH)
		return 0;
	/* A pid reused by a later process has another start time; a zombie has none. */
	return w->pid_start && proc_start(w->pid) == w->pid_start;
}

int hdb_mark_interrupted(sqlite3 *db, const char *name, char *errbuf)
{
	sqlite3_stmt *sel, *upd;
	int marked = 0, rc;

	if (sqlite3_prepare_v2(db,
	                       "SELECT id, host, boot_id, pid, pid_start FROM runs WHERE status "
	                       "= 'running'",
	                       -1, &sel, NULL) != SQLITE_OK)
		return fail(db, name, "cannot read runs", errbuf);
	if (sqlite3_prepare_v2(db,
	                       "UPDATE runs SET status = 'interrupted', ended = (SELECT max(time) "
	                       "FROM results WHERE run_id = ?1) WHERE id = ?1 AND status = "
	                       "'running'",
	                       -1, &upd, NULL) != SQLITE_OK) {
		sqlite3_finalize(sel);
		return fail(db, name, "cannot update runs", errbuf);
	}
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		struct hdb_owner w = {.pid = sqlite3_column_int64(sel, 3),
		                      .pid_start =
		                          (unsigned long long)sqlite3_column_int64(sel, 4)};

		snprintf(w.host, sizeof(w.host), "%s", (const char *)sqlite3_column_text(sel, 1));
		snprintf(w.boot_id, sizeof(w.boot_id), "%s",
		         (const char *)sqlite3_column_text(sel, 2));
		if (hdb_owner_alive(&w) != 0)
			continue;
		sqlite3_bind_int64(upd, 1, sqlite3_column_int64(sel, 0));
		if (sqlite3_step(upd) != SQLITE_DONE) {
			rc = fail(db, name, "cannot mark a run interrupted", errbuf);
			sqlite3_finalize(sel);
			sqlite3_finalize(upd);
			return rc;
		}
		sqlite3_reset(upd);
		marked++;
	}
	sqlite3_finalize(upd);
	if (rc != SQLITE_DONE) {
		rc = fail(db, name, "cannot read runs", errbuf);
		sqlite3_finalize(sel);
		return rc;
	}
	sqlite3_finalize(sel);
	return marked;
}

/* A database this process may not write: read as it is, if its schema is the current one. */
static int check_readonly(sqlite3 *db, const char *path, char *errbuf)
{
	int v = -1;

	if (user_version(db, &v) != SQLITE_OK)
		return fail(db, path, "not an icmpsweep database", errbuf);
	if (v == HDB_SCHEMA_VERSION)
		return 0;
	snprintf(errbuf, ISW_ERRBUF_SIZE,
	         v > HDB_SCHEMA_VERSION
	             ? "--db '%s': schema version %d is newer than this icmpsweep's (%d): use a "
	               "newer icmpsweep"
	             : "--db '%s': schema version %d, not %d, and the file is read-only: it "
	               "cannot be upgraded",
	         path, v, HDB_SCHEMA_VERSION);
	return v > HDB_SCHEMA_VERSION ? -EINVAL : -EACCES;
}

int hdb_open(const char *path, int create, sqlite3 **out, char *errbuf)
{
	sqlite3 *db = NULL;
	int rc;

	*out = NULL;
	if (!create && access(path, F_OK) < 0) {
		rc = -errno;
		snprintf(errbuf, ISW_ERRBUF_SIZE, "--db '%s': %s", path, strerror(errno));
		return rc;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0),
	                    NULL) != SQLITE_OK) {
		rc = fail(db, path, "cannot open", errbuf);
		sqlite3_close(db);
		return rc == -EINVAL ? -EIO : rc;
	}
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_db_readonly(db, "main") == 1) {
		rc = check_readonly(db, path, errbuf);
		if (rc < 0) {
			sqlite3_close(db);
			return rc;
		}
		*out = db;
		return 0;
	}
	/* WAL: readers (history) never block the writer; NORMAL: a commit is a write, not an
	 * fsync, and a crash of the process (not of the machine) loses nothing committed. */
	if (sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", NULL, NULL,
	                 NULL) != SQLITE_OK) {
		rc = fail(db, path, "not an icmpsweep database", errbuf);
		sqlite3_close(db);
		return rc;
	}
	rc = hdb_migrate(db, path, errbuf);
	if (rc >= 0)
		rc = hdb_mark_interrupted(db, path, errbuf);
	if (rc < 0) {
		sqlite3_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

void hdb_close(sqlite3 *db)
{
	sqlite3_close(db);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for --db: tools/history-db.c (schema v1 created through PRAGMA user_version, a
 * newer or foreign database refused, runs of dead processes marked interrupted),
 * tools/db-writer.c (rows written through the queue and the thread, the run row ended, a
 * failed write and a full queue reported with the file) and tools/history-load.c (a run read
 * back into the set diff compares). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db-writer.h"
#include "history-db.h"
#include "history-load.h"
#include "icmpsweep/error.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* The host at IPv4 address a, or NULL. */
static const struct rf_host *find4(const struct rf_set *s, uint32_t a)
{
	struct isw_addr key = isw_addr_from_v4(a);

	return rf_find(s, &key, 0);
}

static char path[64];

static int setup(void **state)
{
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/isw-test-db-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path); /* a new file: sqlite creates it */
	return 0;
}

static int teardown(void **state)
{
	char p[80];

	(void)state;
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	return 0;
}

static long long query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void exec(sqlite3 *db, const char *sql)
{
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
}

static void test_new_schema(void **state)
{
	char err[ISW_ERRBUF_SIZE] = "";
	sqlite3 *db;

	(void)state;
	assert_int_equal(hdb_open(path, 1, &db, err), 0);
	assert_int_equal(query_int(db, "PRAGMA user_version"), HDB_SCHEMA_VERSION);
	assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
	                               "AND name IN ('results_address', 'results_run')"),
	                 2);
	assert_int_equal(query_int(db, "SELECT count(*) FROM runs"), 0);
	{
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL),
		                 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
		sqlite3_finalize(st);
	}
	hdb_close(db);
	/* Opened again: already current, nothing redone. */
	assert_int_equal(hdb_open(path, 1, &db, err), 0);
	assert_int_equal(query_int(db, "PRAGMA user_version"), HDB_SCHEMA_VERSION);
	hdb_close(db);
}

/* history and diff --db read what exists: a missing file is an error, and is not created. */
static void test_missing_not_created(void **state)
{
	char err[ISW_ERRBUF_SIZE] = "";
	sqlite3 *db;

	(void)state;
	assert_int_equal(hdb_open(path, 0, &db, err), -ENOENT);
	assert_null(db);
	assert_non_null(strstr(err, path));
	assert_int_equal(access(path, F_OK), -1);
}

static void test_newer_refused(void **state)
{
	char err[ISW_ERRBUF_SIZE] = "";
	sqlite3 *db;

	(void)state;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	exec(db, "PRAGMA user_version = 2");
	sqlite3_close(db);
	assert_int_equal(hdb_open(path, 1, &db, err), -EINVAL);
	assert_null(db);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "schema version 2 is newer"));
}

static void test_foreign_refused(void **state)
{
	char err[ISW_ERRBUF_SIZE] = "";
	sqlite3 *db;
	FILE *fp;

	(void)state;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	exec(db, "CREATE TABLE notes (x)");
	sqlite3_close(db);
	assert_int_equal(hdb_open(path, 1, &db, err), -EINVAL);
	assert_non_null(strstr(err, "something else"));
	teardown(NULL);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("this is no database, but long enough to be looked at as one........\n", fp);
	fclose(fp);
	assert_int_equal(hdb_open(path, 1, &db, err), -EINVAL);
	assert_non_null(strstr(err, path));
}

/* A version-0 file that an older icmpsweep left empty (user_version 0, no tables) is brought
 * to the current version step by step in one transaction. */
static void test_migrate_steps(void **state)
{
	char err[ISW_ERRBUF_SIZE] = "";
	sqlite3 *db;

	(void)state;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(query_int(db, "PRAGMA user_version"), 0);
	assert_int_equal(hdb_migrate(db, path, err), 0);
	assert_int_equal(query_int(db, "PRAGMA user_version"), HDB_SCHEMA_VERSION);
	assert_int_equal(hdb_migrate(db, path, err), 0);
	sqlite3_close(db);
}

static long dead_pid(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (!pid)
		_exit(0);
	waitpid(pid, NULL, 0);
	return (long)pid;
}

static void insert_run(sqlite3 *db, const struct hdb_owner *w)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "INSERT INTO runs (started, status, targets, "
	                                    "command_line, host, boot_id, pid, pid_start) VALUES "
	                                    "(1, 'running', 't', 'c', ?, ?, ?, ?)",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(st, 1, w->host, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, w->boot_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, w->pid);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)w->pid_start);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static void test_mark_interrupted(void **state)
{
	char err[ISW_ERRBUF_SIZE] = "";
	struct hdb_owner me, dead, other, reused, reboot;
	sqlite3 *db;

	(void)state;
	hdb_owner_self(&me);
	assert_true(me.pid_start > 0);
	assert_int_equal(hdb_owner_alive(&me), 1);
	dead = me;
	dead.pid = dead_pid();
	other = dead;
	snprintf(other.host, sizeof(other.host), "%s", "another-host.example");
	reused = me; /* our pid, but another start time: an earlier process of the same pid */
	reused.pid_start = me.pid_start + 1;
	reboot = me;
	snprintf(reboot.boot_id, sizeof(reboot.boot_id), "%s", "not-this-boot");
	assert_int_equal(hdb_owner_alive(&dead), 0);
	{
		/* Killed but not yet reaped: a zombie is gone too. */
		struct hdb_owner zombie = me;
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (!pid)
			_exit(0);
		zombie.pid = pid;
		for (int i = 0; i < 200; i++) {
			char p[64], b[256] = "";
			FILE *fp;

			snprintf(p, sizeof(p), "/proc/%ld/stat", (long)pid);
			fp = fopen(p, "r");
			if (fp && fgets(b, sizeof(b), fp) && strstr(b, ") Z ")) {
				fclose(fp);
				break;
			}
			if (fp)
				fclose(fp);
			usleep(10000);
		}
		assert_int_equal(hdb_owner_alive(&zombie), 0);
		waitpid(pid, NULL, 0);
	}
	assert_int_equal(hdb_owner_alive(&other), -1);

	assert_int_equal(hdb_open(path, 1, &db, err), 0);
	insert_run(db, &me);     /* 1: alive */
	insert_run(db, &dead);   /* 2 */
	insert_run(db, &other);  /* 3: cannot tell */
	insert_run(db, &reused); /* 4 */
	insert_run(db, &reboot); /* 5 */
	hdb_close(db);
	assert_int_equal(hdb_open(path, 1, &db, err), 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM runs WHERE status = 'running' AND id "
	                               "IN (1, 3)"),
	                 2);
	assert_int_equal(query_int(db, "SELECT count(*) FROM runs WHERE status = 'running'"), 2);
	assert_int_equal(query_int(db, "SELECT count(*) FROM runs WHERE status = 'interrupted' "
	                               "AND id IN (2, 4, 5)"),
	                 3);
	assert_int_equal(hdb_mark_interrupted(db, path, err), 0);
	hdb_close(db);
}

static void result(struct isw_result *r, uint32_t addr, enum isw_result_type type)
{
	memset(r, 0, sizeof(*r));
	r->addr = r->responder = isw_addr_from_v4(addr);
	r->type = type;
	r->ttl = 64;
	r->rtt_ms = 1.25;
	r->ts_us = 1700000000000000LL;
}

static db_writer *begin(sqlite3 **db, char *err)
{
	struct dbw_run run = {.started = 1,
	                      .have_seed = 1,
	                      .seed = 7,
	                      .targets = "198.18.0.0/24",
	                      .command_line = "icmpsweep --db x 198.18.0.0/24"};
	db_writer *w;

	assert_int_equal(hdb_open(path, 1, db, err), 0);
	assert_int_equal(dbw_new(&w, *db, path, err), 0);
	assert_int_equal(dbw_run_begin(w, &run, err), 0);
	assert_int_equal(dbw_run_id(w), 1);
	return w;
}

static void test_writer_rows(void **state)
{
	char err[ISW_ERRBUF_SIZE] = "", name[300];
	struct dbw_end end = {.ended = 2, .status = "complete", .hosts_up = 9000, .targets = 256};
	struct isw_result r;
	struct rf_set set;
	const struct rf_host *h;
	sqlite3 *db;
	db_writer *w = begin(&db, err);

	(void)state;
	/* The run row is there, committed, before any result. */
	assert_int_equal(query_int(db, "SELECT count(*) FROM runs WHERE status = 'running' AND "
	                               "seed = '7'"),
	                 1);
	assert_int_equal(dbw_start(w, err), 0);
	/* More than a batch: several transactions. */
	for (uint32_t i = 0; i < 9000; i++) {
		result(&r, IP(198, 18, 0, 0) + i, ISW_RESULT_ECHO_REPLY);
		while (dbw_put(w, &r) == -ENOBUFS)
			fail_msg("queue full at %u", i);
	}
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	result(&r, IP(198, 18, 200, 1), ISW_RESULT_ARP_ONLY);
	r.have_mac = 1;
	memcpy(r.mac, "\x02\x00\x00\x00\x00\x01", 6);
	r.vendor = "Example Vendor";
	r.hostname = name; /* longer than the entry's room */
	r.lookup = ISW_LOOKUP_OK;
	assert_int_equal(dbw_put(w, &r), 0);
	result(&r, IP(198, 18, 200, 2), ISW_RESULT_UNREACHABLE);
	assert_int_equal(dbw_put(w, &r), 0);
	assert_int_equal(dbw_finish(w, &end, err), 0);
	assert_int_equal(dbw_rows(w), 9002);
	assert_int_equal(query_int(db, "SELECT count(*) FROM results WHERE run_id = 1"), 9002);
	assert_int_equal(query_int(db, "SELECT results FROM runs WHERE id = 1 AND status = "
	                               "'complete' AND ended = 2 AND hosts_up = 9000"),
	                 9002);
	assert_int_equal(query_int(db, "SELECT length(hostname) FROM results WHERE mac = "
	                               "'02:00:00:00:00:01' AND vendor = 'Example Vendor' AND ttl "
	                               "IS NULL AND type = 'arp-only'"),
	                 (long long)strlen(name));

	/* Read back as diff sees a run: hosts up only, sorted, the fields kept. */
	assert_int_equal(hdb_load_run(db, path, 1, &set, err), 0);
	assert_int_equal(set.n, 9001);
	assert_int_equal(set.icmp_errors, 1);
	h = find4(&set, IP(198, 18, 200, 1));
	assert_non_null(h);
	assert_int_equal(h->type, ISW_RESULT_ARP_ONLY);
	assert_true(h->have_mac);
	assert_string_equal(h->hostname, name);
	h = find4(&set, IP(198, 18, 0, 5));
	assert_non_null(h);
	assert_true(h->rtt_ms > 1.24 && h->rtt_ms < 1.26);
	assert_int_equal(h->ttl, 64);
	assert_null(h->hostname); /* -n: no lookup, unknown */
	rf_free(&set);
	assert_int_equal(hdb_load_run(db, path, 2, &set, err), -EINVAL);
	assert_non_null(strstr(err, "no run 2"));
	dbw_free(w);
	hdb_close(db);
}

/* IPv6 results: the address column holds their 16 bytes, so a CIDR of either family is one
 * BETWEEN range (IPv4 integers sort before every blob); read back with their scope. */
static void test_writer_ipv6(void **state)
{
	static const char *const texts[] = {"198.18.0.1", "2001:db8::1", "2001:db8:1::1",
	                                    "fe80::1"};
	char err[ISW_ERRBUF_SIZE] = "", ip[ISW_ADDR_SCOPED_MAX];
	struct dbw_end end = {.ended = 2, .status = "complete", .hosts_up = 4, .targets = 4};
	struct isw_result r;
	struct rf_set set;
	sqlite3 *db;
	db_writer *w = begin(&db, err);

	(void)state;
	assert_int_equal(dbw_start(w, err), 0);
	for (size_t i = 0; i < 4; i++) {
		result(&r, 0, ISW_RESULT_ECHO_REPLY);
		assert_int_equal(isw_addr_parse(texts[i], &r.addr, NULL), 0);
		r.responder = r.addr;
		r.scope_id = i == 3 ? 1 : 0; /* lo */
		assert_int_equal(dbw_put(w, &r), 0);
	}
	assert_int_equal(dbw_finish(w, &end, err), 0);
	assert_int_equal(query_int(db,
	                           "SELECT count(*) FROM results WHERE typeof(address) = 'blob' "
	                           "AND length(address) = 16"),
	                 3);
	assert_int_equal(query_int(db, "SELECT address FROM results WHERE ip = '198.18.0.1'"),
	                 IP(198, 18, 0, 1));
	/* 2001:db8::/48 */
	assert_int_equal(query_int(db, "SELECT count(*) FROM results WHERE address BETWEEN "
	                               "x'20010db8000000000000000000000000' AND "
	                               "x'20010db80000ffffffffffffffffffff'"),
	                 1);
	/* Every IPv4 address: no IPv6 one. */
	assert_int_equal(query_int(db, "SELECT count(*) FROM results WHERE address BETWEEN 0 AND "
	                               "4294967295"),
	                 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM results WHERE ip = 'fe80::1%lo' AND "
	                               "responder = 'fe80::1%lo'"),
	                 1);
	assert_int_equal(hdb_load_run(db, path, 1, &set, err), 0);
	assert_int_equal(set.n, 4);
	assert_string_equal(rf_host_ip(&set.hosts[0], ip), "198.18.0.1");
	assert_string_equal(rf_host_ip(&set.hosts[1], ip), "2001:db8::1");
	assert_string_equal(rf_host_ip(&set.hosts[3], ip), "fe80::1%lo");
	rf_free(&set);
	dbw_free(w);
	hdb_close(db);
}

/* A write that fails is never silent: put() fails from then on and finish() names the file
 * and the reason; the run is marked failed. */
static void test_writer_failure(void **state)
{
	char err[ISW_ERRBUF_SIZE] = "";
	struct dbw_end end = {.ended = 2, .status = "complete"};
	struct isw_result r;
	sqlite3 *db, *other;
	db_writer *w = begin(&db, err);
	int rc = 0;

	(void)state;
	/* Another connection holds the write lock for longer than the busy timeout allows. */
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	exec(other, "BEGIN IMMEDIATE");
	sqlite3_busy_timeout(db, 10);
	assert_int_equal(dbw_start(w, err), 0);
	result(&r, IP(198, 18, 0, 1), ISW_RESULT_ECHO_REPLY);
	assert_int_equal(dbw_put(w, &r), 0);
	for (int i = 0; i < 500 && !rc; i++) {
		usleep(10000);
		rc = dbw_put(w, &r);
	}
	assert_int_equal(rc, -EBUSY);
	exec(other, "ROLLBACK");
	sqlite3_close(other);
	assert_int_equal(dbw_finish(w, &end, err), -EBUSY);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "locked"));
	assert_int_equal(query_int(db, "SELECT count(*) FROM runs WHERE status = 'failed'"), 1);
	dbw_free(w);
	hdb_close(db);
}

/* The sweep never waits: with the writer stalled (not started here), a full queue loses the
 * result and says so. */
static void test_queue_full(void **state)
{
	char err[ISW_ERRBUF_SIZE] = "";
	struct dbw_end end = {.ended = 2, .status = "complete"};
	struct isw_result r;
	sqlite3 *db;
	db_writer *w = begin(&db, err);
	int rc = 0;
	size_t n = 0;

	(void)state;
	result(&r, IP(198, 18, 0, 1), ISW_RESULT_ECHO_REPLY);
	while (n <= DBW_QUEUE && !(rc = dbw_put(w, &r)))
		n++;
	assert_int_equal(rc, -ENOBUFS);
	assert_int_equal(n, DBW_QUEUE);
	assert_int_equal(dbw_put(w, &r), -ENOBUFS);
	assert_int_equal(dbw_finish(w, &end, err), -ENOBUFS);
	assert_non_null(strstr(err, "queue full"));
	assert_non_null(strstr(err, path));
	dbw_free(w);
	hdb_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_new_schema, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_not_created, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_newer_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_foreign_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_migrate_steps, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mark_interrupted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_writer_rows, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_writer_ipv6, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_writer_failure, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_queue_full, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

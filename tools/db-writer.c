/* SPDX-License-Identifier: BSD-2-Clause */
/* --db's writer (db-writer.h): the queue between the emitting thread and SQLite, the thread
 * that drains it in transactions, and the run row's start and end. */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../engine/core/spsc-ring.h"
#include "db-writer.h"
#include "icmpsweep/addr.h"
#include "icmpsweep/error.h"

/* A result with its strings inside: the emitter's strings do not outlive the call.  Names
 * longer than the room here (rare: DNS names are mostly short) are copied to the heap. */
struct dbw_entry {
	struct isw_result r;
	char *long_name;
	char hostname[192];
	char vendor[96];
	uint8_t has_hostname, has_vendor;
};

struct db_writer {
	sqlite3 *db;
	const char *name;
	int64_t run_id;
	struct isw_ring q;
	pthread_t thread;
	int started;
	atomic_int stop;
	atomic_int failed; /* negative errno of the first failure */
	char err[ISW_ERRBUF_SIZE];
	atomic_uint_fast64_t rows;
	sqlite3_stmt *insert;
};

static double now_s(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The first failure, kept with its message; put() fails from then on. */
static void set_failed(db_writer *w, int rc, const char *what)
{
	int none = 0;

	if (atomic_compare_exchange_strong(&w->failed, &none, rc))
		snprintf(w->err, sizeof(w->err), "--db '%s': %s: %s", w->name, what,
		         rc == -ENOBUFS  ? "the writer fell behind (queue full)"
		         : rc == -ENOMEM ? "out of memory"
		                         : sqlite3_errmsg(w->db));
}

int dbw_new(db_writer **out, sqlite3 *db, const char *name, char *errbuf)
{
	db_writer *w = calloc(1, sizeof(*w));
	int rc;

	*out = NULL;
	if (!w || (rc = isw_ring_init(&w->q, DBW_QUEUE, sizeof(struct dbw_entry))) < 0) {
		free(w);
		snprintf(errbuf, ISW_ERRBUF_SIZE, "--db '%s': out of memory", name);
		return -ENOMEM;
	}
	w->db = db;
	w->name = name;
	w->run_id = -1;
	if (sqlite3_prepare_v2(db,
	                       "INSERT INTO results (run_id, address, ip, type, responder, "
	                       "rtt_ms, ttl, mac, vendor, hostname, lookup, time) VALUES (?, ?, "
	                       "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                       -1, &w->insert, NULL) != SQLITE_OK) {
		rc = hdb_errno(db);
		snprintf(errbuf, ISW_ERRBUF_SIZE, "--db '%s': %s", name, sqlite3_errmsg(db));
		dbw_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

int dbw_run_begin(db_writer *w, const struct dbw_run *run, char *errbuf)
{
	struct hdb_owner me;
	sqlite3_stmt *st;
	char seed[24];
	int rc;

	hdb_owner_self(&me);
	if (sqlite3_prepare_v2(w->db,
	                       "INSERT INTO runs (started, status, seed, targets, command_line, "
	                       "metadata, host, boot_id, pid, pid_start) VALUES (?, 'running', ?, "
	                       "?, ?, ?, ?, ?, ?, ?)",
	                       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_double(st, 1, run->started);
	if (run->have_seed) {
		snprintf(seed, sizeof(seed), "%llu", (unsigned long long)run->seed);
		sqlite3_bind_text(st, 2, seed, -1, SQLITE_STATIC);
	}
	sqlite3_bind_text(st, 3, run->targets, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, run->command_line, -1, SQLITE_TRANSIENT);
	if (run->metadata)
		sqlite3_bind_text(st, 5, run->metadata, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, me.host, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, me.boot_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 8, me.pid);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)me.pid_start);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;
	w->run_id = sqlite3_last_insert_rowid(w->db);
	return 0;
fail:
	rc = hdb_errno(w->db);
	snprintf(errbuf, ISW_ERRBUF_SIZE, "--db '%s': cannot record the run: %s", w->name,
	         sqlite3_errmsg(w->db));
	return rc;
}

static int insert(db_writer *w, const struct dbw_entry *e)
{
	const struct isw_result *r = &e->r;
	sqlite3_stmt *st = w->insert;
	char ip[ISW_ADDR_SCOPED_MAX], resp[ISW_ADDR_SCOPED_MAX], mac[18];
	const char *lookup = isw_lookup_name(r->lookup);
	int rc;

	sqlite3_bind_int64(st, 1, w->run_id);
	/* IPv4 as an integer, IPv6 as its 16 bytes: SQLite orders every integer before every
	 * blob and blobs bytewise, so a CIDR of either family is one BETWEEN range. */
	if (isw_addr_is_v4(&r->addr))
		sqlite3_bind_int64(st, 2, isw_addr_v4(&r->addr));
	else
		sqlite3_bind_blob(st, 2, r->addr.bytes, 16, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, isw_result_addr_text(r, ip), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, isw_result_type_name(r->type), -1, SQLITE_STATIC);
	if (!isw_result_is_neigh_only(r->type))
		sqlite3_bind_text(st, 5, isw_result_responder_text(r, resp), -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	if (r->rtt_ms >= 0)
		sqlite3_bind_double(st, 6, r->rtt_ms);
	else
		sqlite3_bind_null(st, 6);
	if (!isw_result_is_neigh_only(r->type))
		sqlite3_bind_int(st, 7, r->ttl);
	else
		sqlite3_bind_null(st, 7);
	if (r->have_mac) {
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", r->mac[0], r->mac[1],
		         r->mac[2], r->mac[3], r->mac[4], r->mac[5]);
		sqlite3_bind_text(st, 8, mac, -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(st, 8);
	}
	if (e->has_vendor)
		sqlite3_bind_text(st, 9, e->vendor, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 9);
	if (e->long_name || e->has_hostname)
		sqlite3_bind_text(st, 10, e->long_name ? e->long_name : e->hostname, -1,
		                  SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 10);
	if (lookup)
		sqlite3_bind_text(st, 11, lookup, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 11);
	sqlite3_bind_double(st, 12, (double)r->ts_us / 1e6);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void commit(db_writer *w, int *in_tx, uint64_t *pending)
{
	if (!*in_tx)
		return;
	*in_tx = 0;
	if (sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		set_failed(w, hdb_errno(w->db), "cannot commit results");
		sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
		return;
	}
	atomic_fetch_add(&w->rows, *pending);
	*pending = 0;
}

/* Drains the queue until told to stop and it is empty.  After a failure it goes on taking
 * entries (and drops them), so the producer never sees a queue that stays full. */
static void *writer_main(void *arg)
{
	db_writer *w = arg;
	const struct timespec idle = {0, 2 * 1000 * 1000};
	double tx_start = 0;
	uint64_t pending = 0;
	int in_tx = 0;

	for (;;) {
		struct dbw_entry *e = isw_ring_front(&w->q);

		if (!e) {
			/* Dry: commit now, so what was emitted is on disk within moments. */
			commit(w, &in_tx, &pending);
			if (atomic_load(&w->stop) && isw_ring_empty(&w->q))
				break;
			nanosleep(&idle, NULL);
			continue;
		}
		if (!atomic_load(&w->failed)) {
			if (!in_tx) {
				if (sqlite3_exec(w->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
					set_failed(w, hdb_errno(w->db), "cannot write results");
				else {
					in_tx = 1;
					tx_start = now_s(CLOCK_MONOTONIC);
				}
			}
			if (in_tx && insert(w, e) < 0) {
				set_failed(w, hdb_errno(w->db), "cannot write results");
				sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
				in_tx = 0;
				pending = 0;
			} else if (in_tx) {
				pending++;
			}
		}
		free(e->long_name);
		isw_ring_release(&w->q);
		if (in_tx &&
		    (pending >= DBW_BATCH_ROWS || now_s(CLOCK_MONOTONIC) - tx_start >= DBW_BATCH_S))
			commit(w, &in_tx, &pending);
	}
	return NULL;
}

int dbw_start(db_writer *w, char *errbuf)
{
	int rc = pthread_create(&w->thread, NULL, writer_main, w);

	if (rc) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "--db '%s': cannot start the writer: %s", w->name,
		         strerror(rc));
		return -rc;
	}
	w->started = 1;
	return 0;
}

static void copy_str(char *dst, size_t size, const char *s, uint8_t *has)
{
	*has = s != NULL;
	if (s)
		snprintf(dst, size, "%s", s);
}

int dbw_put(void *arg, const struct isw_result *r)
{
	db_writer *w = arg;
	struct isw_ring *q = &w->q;
	struct dbw_entry *e;
	size_t pos;
	int rc = atomic_load_explicit(&w->failed, memory_order_relaxed);

	if (rc)
		return rc;
	if (!isw_ring_room(q, 1)) {
		set_failed(w, -ENOBUFS, "results lost");
		return -ENOBUFS;
	}
	pos = isw_ring_write_pos(q);
	e = isw_ring_slot(q, pos);
	e->r = *r;
	e->long_name = NULL;
	copy_str(e->vendor, sizeof(e->vendor), r->vendor, &e->has_vendor);
	copy_str(e->hostname, sizeof(e->hostname), r->hostname, &e->has_hostname);
	if (r->hostname && strlen(r->hostname) >= sizeof(e->hostname) &&
	    !(e->long_name = strdup(r->hostname))) {
		set_failed(w, -ENOMEM, "results lost");
		return -ENOMEM;
	}
	e->r.hostname = e->r.vendor = e->r.note = NULL;
	isw_ring_publish(q, pos + 1);
	return 0;
}

int dbw_finish(db_writer *w, const struct dbw_end *end, char *errbuf)
{
	sqlite3_stmt *st;
	char seed[24];
	int rc, failed;

	if (w->started) {
		atomic_store(&w->stop, 1);
		pthread_join(w->thread, NULL);
		w->started = 0;
	}
	failed = atomic_load(&w->failed);
	if (w->run_id < 0)
		return failed;
	if (sqlite3_prepare_v2(w->db,
	                       "UPDATE runs SET ended = ?, status = ?, metadata = coalesce(?, "
	                       "metadata), targets_count = ?, hosts_up = ?, icmp_errors = ?, "
	                       "results = ?, seed = coalesce(?, seed) WHERE id = ?",
	                       -1, &st, NULL) != SQLITE_OK) {
		rc = hdb_errno(w->db);
		goto row_failed;
	}
	sqlite3_bind_double(st, 1, end->ended);
	sqlite3_bind_text(st, 2, failed ? "failed" : end->status, -1, SQLITE_STATIC);
	if (end->metadata)
		sqlite3_bind_text(st, 3, end->metadata, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)end->targets);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)end->hosts_up);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)end->icmp_errors);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)atomic_load(&w->rows));
	if (end->have_seed) {
		snprintf(seed, sizeof(seed), "%llu", (unsigned long long)end->seed);
		sqlite3_bind_text(st, 8, seed, -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(st, 9, w->run_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rc = hdb_errno(w->db);
		goto row_failed;
	}
	if (failed)
		snprintf(errbuf, ISW_ERRBUF_SIZE, "%s", w->err);
	return failed;
row_failed:
	if (failed)
		snprintf(errbuf, ISW_ERRBUF_SIZE, "%s", w->err);
	else
		snprintf(errbuf, ISW_ERRBUF_SIZE, "--db '%s': cannot end the run: %s", w->name,
		         sqlite3_errmsg(w->db));
	return failed ? failed : rc;
}

uint64_t dbw_rows(const db_writer *w)
{
	return atomic_load(&((db_writer *)w)->rows);
}

int64_t dbw_run_id(const db_writer *w)
{
	return w->run_id;
}

void dbw_free(db_writer *w)
{
	if (!w)
		return;
	if (w->started) {
		atomic_store(&w->stop, 1);
		pthread_join(w->thread, NULL);
	}
	if (w->q.slots)
		for (size_t p = isw_ring_read_pos(&w->q); p != isw_ring_write_pos(&w->q); p++)
			free(((struct dbw_entry *)isw_ring_slot(&w->q, p))->long_name);
	sqlite3_finalize(w->insert);
	isw_ring_destroy(&w->q);
	free(w);
}

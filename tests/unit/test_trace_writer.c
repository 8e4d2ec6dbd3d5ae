/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/trace/trace-writer.c's failures: a full disk (/dev/full) and a rotation
 * whose next file cannot be opened are reported with the real errno and the file's name,
 * and nothing more is written after the first error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include <sys/stat.h>

#include "icmpsweep/error.h"
#include "trace-writer.h"

static const uint8_t frame[64] = {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00, 0x45};

static struct isw_trace_writer *open_writer(const char *path, int pcapng, uint64_t rotate)
{
	struct isw_trace_writer_opts o = {
	    .path = path,
	    .pcapng = pcapng,
	    .rotate_bytes = rotate,
	    .dlt = DLT_EN10MB,
	    .snaplen = 256,
	    .comment = pcapng ? "icmpsweep test; seed=1" : NULL,
	};
	struct isw_trace_writer *w = NULL;
	char err[ISW_ERRBUF_SIZE] = "";

	if (isw_trace_writer_open(&w, &o, err) < 0)
		fail_msg("open %s: %s", path, err);
	return w;
}

static void expect_error(const struct isw_trace_writer *w, int want, const char *name)
{
	char err[ISW_ERRBUF_SIZE] = "", quoted[256];

	assert_int_equal(isw_trace_writer_error(w, err), want);
	snprintf(quoted, sizeof(quoted), "'%s'", name);
	if (!strstr(err, quoted) || !strstr(err, strerror(-want)))
		fail_msg("message \"%s\" lacks %s or \"%s\"", err, quoted, strerror(-want));
	assert_null(strchr(err, '\n'));
}

static void full_disk(int pcapng)
{
	struct isw_trace_writer *w = open_writer("/dev/full", pcapng, 0);
	int rc = 0, i;

	assert_int_equal(isw_trace_writer_error(w, NULL), 0);
	/* A few packets stay in stdio's buffer: the flush meets the full disk. */
	for (i = 0; i < 3; i++)
		assert_int_equal(isw_trace_writer_put(w, 1000000 + i, frame, 64, 64, "ok"), 0);
	errno = EAGAIN;
	assert_int_equal(isw_trace_writer_flush(w), -ENOSPC);
	expect_error(w, -ENOSPC, "/dev/full");
	assert_int_equal(isw_trace_writer_put(w, 2000000, frame, 64, 64, NULL), -ENOSPC);
	assert_int_equal(isw_trace_writer_close(w), -ENOSPC);

	/* Many packets: a put itself fails once the buffer spills. */
	w = open_writer("/dev/full", pcapng, 0);
	for (i = 0; i < 10000 && rc == 0; i++)
		rc = isw_trace_writer_put(w, 1000000 + i, frame, 64, 64, NULL);
	assert_int_equal(rc, -ENOSPC);
	expect_error(w, -ENOSPC, "/dev/full");
	assert_int_equal(isw_trace_writer_close(w), -ENOSPC);
}

static void test_full_disk_pcap(void **state __attribute__((unused)))
{
	full_disk(0);
}

static void test_full_disk_pcapng(void **state __attribute__((unused)))
{
	full_disk(1);
}

/* -C: the next file cannot be created (a directory is in the way): the error names it. */
static void rotation_fails(int pcapng)
{
	char dir[] = "/tmp/isw-tw-XXXXXX", path[128], next[128];
	struct isw_trace_writer *w;
	struct stat st;
	int rc = 0, i;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.pcap", dir);
	snprintf(next, sizeof(next), "%s/t.pcap1", dir);
	assert_int_equal(mkdir(next, 0700), 0);
	w = open_writer(path, pcapng, 1000);
	for (i = 0; i < 100 && rc == 0; i++)
		rc = isw_trace_writer_put(w, 1000000 + i, frame, 64, 64, NULL);
	assert_int_equal(rc, -EISDIR);
	assert_true(i > 2 && i < 30); /* the first file filled up to its size, then the rotation */
	expect_error(w, -EISDIR, next);
	assert_int_equal(isw_trace_writer_close(w), -EISDIR);
	/* The first file is whole. */
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > 500 && st.st_size <= 1000);
	unlink(path);
	rmdir(next);
	rmdir(dir);
}

static void test_rotation_fails_pcap(void **state __attribute__((unused)))
{
	rotation_fails(0);
}

static void test_rotation_fails_pcapng(void **state __attribute__((unused)))
{
	rotation_fails(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_disk_pcap),
	    cmocka_unit_test(test_full_disk_pcapng),
	    cmocka_unit_test(test_rotation_fails_pcap),
	    cmocka_unit_test(test_rotation_fails_pcapng),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

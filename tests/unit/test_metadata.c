/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for tools/metadata.c's file handling: each save replaces the file whole through
 * a temporary file beside it (none left behind), keeps symlinks and the file's mode, writes
 * character devices such as /dev/null in place (never renamed over), and a path that cannot
 * be written is refused before anything exists. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "metadata.h"

struct fixture {
	char dir[64];
	struct cli_options o;
	struct isw_offline_stats st;
	struct run_info ri;
	char *argv[8];
};

static int setup(void **state)
{
	static struct fixture f;
	char err[ISW_ERRBUF_SIZE];

	memset(&f, 0, sizeof(f));
	snprintf(f.dir, sizeof(f.dir), "/tmp/isw-meta-XXXXXX");
	assert_non_null(mkdtemp(f.dir));
	f.argv[0] = "icmpsweep";
	f.argv[1] = "--read";
	f.argv[2] = "t.pcap";
	f.argv[3] = "--seed";
	f.argv[4] = "77";
	optind = 0;
	assert_int_equal(cli_parse(&f.o, 5, f.argv, err), 0);
	f.st.seed = 77;
	f.st.packets = 3;
	f.ri.argc = 5;
	f.ri.argv = f.argv;
	f.ri.offline = &f.st;
	f.ri.status = "done";
	clock_gettime(CLOCK_REALTIME, &f.ri.start);
	f.ri.end = f.ri.start;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	cli_free(&f->o);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = calloc(1, 65536);

	assert_non_null(fp);
	assert_non_null(buf);
	fread(buf, 1, 65535, fp);
	fclose(fp);
	return buf;
}

static void test_save_replaces_whole(void **state)
{
	struct fixture *f = *state;
	char path[128], err[ISW_ERRBUF_SIZE] = "", *text;
	struct stat st;
	ino_t first;

	snprintf(path, sizeof(path), "%s/m.json", f->dir);
	assert_int_equal(metadata_check(path, err), 0);
	assert_int_equal(entries(f->dir), 0); /* the check leaves nothing */
	f->ri.status = "running";
	assert_int_equal(metadata_save(path, &f->o, NULL, &f->ri, err), 0);
	assert_int_equal(stat(path, &st), 0);
	first = st.st_ino;
	text = slurp(path);
	assert_non_null(strstr(text, "\"status\": \"running\""));
	assert_non_null(strstr(text, "\"seed\": 77"));
	free(text);
	f->ri.status = "done";
	assert_int_equal(metadata_save(path, &f->o, NULL, &f->ri, err), 0);
	/* A new file renamed over the old one, and no temporary file left. */
	assert_int_equal(stat(path, &st), 0);
	assert_int_not_equal(st.st_ino, first);
	assert_int_equal(entries(f->dir), 1);
	text = slurp(path);
	assert_non_null(strstr(text, "\"status\": \"done\""));
	assert_non_null(strstr(text, "\"packets\": 3"));
	assert_string_equal(text + strlen(text) - 2, "}\n");
	free(text);
}

/* Every output format has its name in the metadata (xml came after the table was written). */
static void test_every_format_named(void **state)
{
	static const char *const names[] = {"text", "csv", "json", "xml"};
	struct fixture *f = *state;
	char path[128], want[64], err[ISW_ERRBUF_SIZE] = "", *text;

	snprintf(path, sizeof(path), "%s/f.json", f->dir);
	for (int k = 0; k <= ISW_FORMAT_XML; k++) {
		f->o.format = (enum isw_format)k;
		assert_int_equal(metadata_save(path, &f->o, NULL, &f->ri, err), 0);
		text = slurp(path);
		snprintf(want, sizeof(want), "\"output_format\": \"%s\"", names[k]);
		assert_non_null(strstr(text, want));
		free(text);
	}
}

static void test_mode_and_symlink_kept(void **state)
{
	struct fixture *f = *state;
	char real[128], link[128], err[ISW_ERRBUF_SIZE] = "";
	struct stat st;
	FILE *fp;

	snprintf(real, sizeof(real), "%s/real.json", f->dir);
	snprintf(link, sizeof(link), "%s/link.json", f->dir);
	fp = fopen(real, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(chmod(real, 0640), 0);
	assert_int_equal(symlink("real.json", link), 0);
	assert_int_equal(metadata_save(link, &f->o, NULL, &f->ri, err), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(stat(real, &st), 0);
	assert_true(st.st_size > 100);
	assert_int_equal(st.st_mode & 07777, 0640);
}

static void test_device_written_in_place(void **state)
{
	struct fixture *f = *state;
	char err[ISW_ERRBUF_SIZE] = "";
	struct stat before, after;

	assert_int_equal(stat("/dev/null", &before), 0);
	assert_int_equal(metadata_check("/dev/null", err), 0);
	assert_int_equal(metadata_save("/dev/null", &f->o, NULL, &f->ri, err), 0);
	assert_int_equal(stat("/dev/null", &after), 0);
	assert_true(S_ISCHR(after.st_mode));
	assert_int_equal(after.st_ino, before.st_ino);
	assert_int_equal(after.st_rdev, before.st_rdev);
	/* A full disk is an error with its reason. */
	assert_int_equal(metadata_save("/dev/full", &f->o, NULL, &f->ri, err), -ENOSPC);
	assert_non_null(strstr(err, "'/dev/full'"));
}

static void test_unwritable_refused(void **state)
{
	struct fixture *f = *state;
	char path[128], err[ISW_ERRBUF_SIZE] = "";

	snprintf(path, sizeof(path), "%s/no/such/dir/m.json", f->dir);
	assert_int_equal(metadata_check(path, err), -ENOENT);
	assert_non_null(strstr(err, path));
	assert_int_equal(metadata_check(f->dir, err), -EISDIR);
	assert_int_equal(metadata_save(path, &f->o, NULL, &f->ri, err), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_save_replaces_whole),
	    cmocka_unit_test(test_every_format_named),
	    cmocka_unit_test(test_mode_and_symlink_kept),
	    cmocka_unit_test(test_device_written_in_place),
	    cmocka_unit_test(test_unwritable_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

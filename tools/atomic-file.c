/* SPDX-License-Identifier: BSD-2-Clause */
/* atomic-file.h: whole-or-nothing writes (temporary file, fsync, rename, directory fsync). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "atomic-file.h"

/* Where the temporary file goes: beside the file the path finally names (through symlinks),
 * so that rename replaces it and not the link. */
static int final_target(const char *path, char *target, size_t size)
{
	char *real = realpath(path, NULL);
	int n;

	n = snprintf(target, size, "%s", real ? real : path);
	free(real);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* A new temporary file in target's directory ("dir/.name.XXXXXX"): its fd, or -errno. */
static int temp_beside(const char *target, char *tmp, size_t size)
{
	const char *slash = strrchr(target, '/');
	int n, fd;

	if (slash)
		n = snprintf(tmp, size, "%.*s/.%s.XXXXXX", (int)(slash - target), target,
		             slash + 1);
	else
		n = snprintf(tmp, size, ".%s.XXXXXX", target);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	return fd < 0 ? -errno : fd;
}

/* Not a regular file (a character device, a FIFO): written in place, never replaced. */
static int in_place(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

int atomic_file_check(const char *path)
{
	char target[PATH_MAX], tmp[PATH_MAX + 16];
	struct stat st;
	int rc;

	if (in_place(path)) {
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return -EISDIR;
		return access(path, W_OK) == 0 ? 0 : -errno;
	}
	rc = final_target(path, target, sizeof(target));
	if (!rc)
		rc = temp_beside(target, tmp, sizeof(tmp));
	if (rc < 0)
		return rc;
	close(rc);
	unlink(tmp);
	return 0;
}

/* The rename itself, on disk too: fsync of tmp's directory. */
static void sync_dir_of(char *tmp)
{
	char *slash = strrchr(tmp, '/');
	int dfd;

	if (slash)
		*slash = 0;
	dfd = open(slash ? tmp : ".", O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
}

int atomic_file_write(const char *path, int (*fill)(FILE *fp, void *arg), void *arg)
{
	char target[PATH_MAX], tmp[PATH_MAX + 16];
	struct stat st;
	mode_t mask;
	FILE *fp;
	int fd, rc;

	if (in_place(path)) {
		errno = 0;
		fp = fopen(path, "w");
		rc = !fp || fill(fp, arg) < 0 ? (errno ? -errno : -EIO) : 0;
		if (fp && fclose(fp) != 0 && !rc)
			rc = errno ? -errno : -EIO;
		return rc;
	}
	rc = final_target(path, target, sizeof(target));
	if (rc < 0)
		return rc;
	fd = temp_beside(target, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	/* mkstemp makes it 0600: give it the mode the file has, or a new file would get. */
	if (stat(target, &st) == 0) {
		fchmod(fd, st.st_mode & 07777);
	} else {
		mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	fp = fdopen(fd, "w");
	if (!fp) {
		rc = -errno;
		close(fd);
		unlink(tmp);
		return rc;
	}
	errno = 0;
	rc = fill(fp, arg) < 0 || fflush(fp) != 0 || ferror(fp) || fsync(fd) != 0
	         ? (errno ? -errno : -EIO)
	         : 0;
	if (fclose(fp) != 0 && !rc)
		rc = errno ? -errno : -EIO;
	if (!rc && rename(tmp, target) != 0)
		rc = -errno;
	if (rc < 0) {
		unlink(tmp);
		return rc;
	}
	sync_dir_of(tmp);
	return 0;
}

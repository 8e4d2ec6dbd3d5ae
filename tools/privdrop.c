/* SPDX-License-Identifier: BSD-2-Clause */
/* Giving up root and capabilities once everything privileged is open (see privdrop.h).
 * Capabilities go through the raw capget/capset calls: three masks are all we touch, and
 * that spares a dependency on libcap. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "icmpsweep/error.h"
#include "privdrop.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT           47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

int priv_user_lookup(const char *name, struct priv_user *u, char *errbuf)
{
	const char *want = name ? name : PRIV_DEFAULT_USER;
	struct passwd pw, *res = NULL;
	char buf[4096];

	memset(u, 0, sizeof(*u));
	snprintf(u->name, sizeof(u->name), "%s", want);
	if (strlen(want) < sizeof(u->name) && *want &&
	    getpwnam_r(want, &pw, buf, sizeof(buf), &res) == 0 && res) {
		u->uid = pw.pw_uid;
		u->gid = pw.pw_gid;
		u->found = 1;
		return 0;
	}
	if (!name)
		return 0;
	snprintf(errbuf, ISW_ERRBUF_SIZE, "unknown user '%s' for --user", name);
	return -EINVAL;
}

int priv_switches_user(const struct priv_user *u)
{
	return geteuid() == 0 && !(u->found && u->uid == 0);
}

static int threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static int caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};

	return syscall(SYS_capget, &h, d) < 0 ? -errno : 0;
}

/* Effective, permitted and inheritable all empty, for this thread and the threads it will
 * create. */
static int caps_clear(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

/* Needs CAP_SETPCAP, so only while still root. */
static int bounding_set_clear(void)
{
	for (int cap = 0; cap < 64; cap++) {
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
			break; /* past the kernel's last capability */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return -errno;
	}
	return 0;
}

#define FAIL(err, ...)                                                                             \
	do {                                                                                       \
		int e_ = (err);                                                                    \
		snprintf(errbuf, ISW_ERRBUF_SIZE, __VA_ARGS__);                                    \
		return e_;                                                                         \
	} while (0)

/* A user namespace may forbid setgroups; that is harmless when there is no other group to
 * shed. */
static int no_other_groups(gid_t gid)
{
	gid_t g[64];
	int n = getgroups(64, g);

	if (n < 0)
		return 0;
	for (int i = 0; i < n; i++)
		if (g[i] != gid)
			return 0;
	return 1;
}

static int switch_user(const struct priv_user *u, char *errbuf)
{
	int rc;

	if (setgroups(1, &u->gid) < 0 && !(errno == EPERM && no_other_groups(u->gid)))
		FAIL(-errno, "dropping privileges: setgroups: %s (--user root keeps root)",
		     strerror(errno));
	rc = bounding_set_clear();
	if (rc < 0)
		FAIL(rc, "dropping privileges: clearing the capability bounding set: %s",
		     strerror(-rc));
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		FAIL(-errno, "dropping privileges: setresgid(%u): %s (--user root keeps root)",
		     (unsigned)u->gid, strerror(errno));
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		FAIL(-errno,
		     "dropping privileges: setresuid(%u) for user %s: %s (--user root keeps root)",
		     (unsigned)u->uid, u->name, strerror(errno));
	return 0;
}

/* Checks the result instead of trusting the calls: the run must not go on privileged. */
static int verify(const struct priv_user *u, int switched, char *errbuf)
{
	struct __user_cap_data_struct d[2];
	uid_t r, e, s;
	gid_t gr, ge, gs;
	int rc = caps_get(d);

	if (rc < 0)
		FAIL(rc, "dropping privileges: capget: %s", strerror(-rc));
	if (d[0].effective | d[1].effective | d[0].permitted | d[1].permitted | d[0].inheritable |
	    d[1].inheritable)
		FAIL(-EPERM,
		     "dropping privileges: capabilities are still held after clearing them");
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		FAIL(-EPERM, "dropping privileges: no_new_privs did not stick");
	if (!switched)
		return 0;
	if (getresuid(&r, &e, &s) < 0 || getresgid(&gr, &ge, &gs) < 0 || r != u->uid ||
	    e != u->uid || s != u->uid || gr != u->gid || ge != u->gid || gs != u->gid)
		FAIL(-EPERM, "dropping privileges: still not user %s", u->name);
	if (setuid(0) == 0)
		FAIL(-EPERM, "dropping privileges: root could be regained after switching to %s",
		     u->name);
	return 0;
}

int priv_drop(const struct priv_user *u, int explicit_user, char *errbuf)
{
	int switched = 0, rc;

	/* --user root: the documented way to keep what the process was started with. */
	if (explicit_user && u->found && u->uid == 0)
		return 0;
	if (threads() != 1)
		FAIL(-EBUSY, "dropping privileges: threads are already running (internal error)");
	if (geteuid() == 0) {
		if (!u->found)
			FAIL(-ENOENT,
			     "started as root, and there is no user '%s' to run as once set up: "
			     "name one with --user NAME (--user root keeps root)",
			     u->name);
		rc = switch_user(u, errbuf);
		if (rc < 0)
			return rc;
		switched = 1;
	} else if (explicit_user && u->uid != getuid()) {
		FAIL(-EPERM,
		     "--user %s: only root can become another user (this runs as uid %u); leave "
		     "--user out: capabilities are cleared anyway",
		     u->name, (unsigned)getuid());
	}
	/* Ambient capabilities would survive an execve; older kernels have none to clear. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		FAIL(-errno, "dropping privileges: clearing ambient capabilities: %s",
		     strerror(errno));
	rc = caps_clear();
	if (rc < 0)
		FAIL(rc, "dropping privileges: capset: %s", strerror(-rc));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		FAIL(-errno, "dropping privileges: PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
	return verify(u, switched, errbuf);
}

int priv_check_dir_writable(const char *path, const char *what, const struct priv_user *u,
                            char *errbuf)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = 0;
	else
		*slash = 0;
	/* access() checks the real ids: after the drop, the user the run goes on as. */
	if (access(dir, W_OK | X_OK) == 0)
		return 0;
	snprintf(errbuf, ISW_ERRBUF_SIZE,
	         "%s '%s': later files go in '%s', where user %s (privileges are dropped after "
	         "set-up) cannot create files; choose a directory %s can write to, or --user NAME",
	         what, path, dir, u->name, u->name);
	return -EACCES;
}

void priv_hint(FILE *fp, int rc, int ping_too, int ping_only)
{
	char self[PATH_MAX];
	const char *q;
	ssize_t n;

	if (rc != -EPERM && rc != -EACCES)
		return;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		snprintf(self, sizeof(self), "icmpsweep");
	else
		self[n] = 0;
	q = strpbrk(self, " '\"$`\\") ? "'" : "";
	if (geteuid() == 0 && ping_only)
		/* Root too needs its group in the range: the kernel makes no exception. */
		fprintf(fp, "icmpsweep: admit root's group to ping sockets with: sudo sysctl "
		            "net.ipv4.ping_group_range=\"0 2147483647\", or sweep with raw packets "
		            "(--tx auto)\n");
	else if (geteuid() == 0)
		fprintf(fp,
		        "icmpsweep: this root lacks CAP_NET_RAW or CAP_NET_ADMIN (a container or a "
		        "reduced capability set?): give the process both\n");
	else if (ping_too)
		fprintf(fp,
		        "icmpsweep: to sweep, run it as root, or grant raw packets to the binary "
		        "once with: sudo setcap cap_net_raw,cap_net_admin+ep %s%s%s, or let every "
		        "user sweep through ping sockets (no-root mode) with: sudo sysctl "
		        "net.ipv4.ping_group_range=\"0 2147483647\"\n",
		        q, self, q);
	else
		fprintf(fp,
		        "icmpsweep: sending and capturing raw packets needs privileges: run it as "
		        "root, or grant them to the binary once with: sudo setcap "
		        "cap_net_raw,cap_net_admin+ep %s%s%s\n",
		        q, self, q);
}

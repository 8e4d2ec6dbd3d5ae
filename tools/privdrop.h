/* SPDX-License-Identifier: BSD-2-Clause */
/* Least privilege: once the scan holds its sockets, rings, capture and files, the process
 * gives up root and every capability, as zmap and tcpdump -Z do.  What runs after the drop
 * (the sender and capture threads, the resolver, the writers) only uses descriptors already
 * open, plain UDP sockets and rtnetlink reads, none of which needs privilege.
 *
 * The rules:
 *   - started as root (effective uid 0): supplementary groups, gid and uid all become the
 *     target user's (default "nobody"), the capability bounding set is emptied, and nothing
 *     is left to regain root with;
 *   - started as another user with capabilities (setcap on the binary): every capability is
 *     cleared (effective, permitted, inheritable, ambient);
 *   - in both cases PR_SET_NO_NEW_PRIVS, so no later execve could grant any back;
 *   - --user root keeps everything as it was started.
 * A drop that does not happen exactly is an error: the run never goes on privileged by
 * accident. */
#ifndef ISW_PRIVDROP_H
#define ISW_PRIVDROP_H

#include <stdio.h>
#include <sys/types.h>

#define PRIV_DEFAULT_USER "nobody"

struct priv_user {
	char name[64];
	uid_t uid;
	gid_t gid;
	int found; /* 0: the default user does not exist here (an error only when root) */
};

/* The user of --user (name NULL: the default).  -EINVAL with a message naming it when a
 * given name is unknown (exit 2); an unknown default is not an error until a drop needs it. */
int priv_user_lookup(const char *name, struct priv_user *u, char *errbuf);

/* 1 when the drop will change the user (started as root, the target not root). */
int priv_switches_user(const struct priv_user *u);

/* Drops as the rules above say; call it before any thread is created (capabilities and
 * no_new_privs are per thread, and threads inherit them).  explicit_user: --user was given.
 * 0, or -errno with errbuf set. */
int priv_drop(const struct priv_user *u, int explicit_user, char *errbuf);

/* The user the process now runs as can create files in the directory of path: 0 or
 * -EACCES with a message naming it (for files a run creates after the drop, e.g. -C). */
int priv_check_dir_writable(const char *path, const char *what, const struct priv_user *u,
                            char *errbuf);

/* After a start-up failure rc: for a missing privilege, what to do about it; with ping_too
 * (--tx auto or socket), also how to let users sweep through ping sockets; ping_only
 * (--tx socket) leaves out what raw packets need. */
void priv_hint(FILE *fp, int rc, int ping_too, int ping_only);

#endif

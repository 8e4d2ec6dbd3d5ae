/* SPDX-License-Identifier: BSD-2-Clause */
/* One-shot netlink requests (rtnetlink, generic netlink): one request, one answer. */
#ifndef ISW_NETLINK_H
#define ISW_NETLINK_H

#include <stddef.h>

#include <linux/netlink.h>

/* Appends an attribute to the request h; the caller makes sure the buffer behind h has
 * room. */
void isw_nl_put_attr(struct nlmsghdr *h, int type, const void *data, int len);

/* Sends the request h on a new socket of protocol proto (NETLINK_ROUTE, NETLINK_GENERIC) and
 * reads the single answer into buf: its length, or -errno (the kernel's error answer
 * included), within one second. */
int isw_nl_call(int proto, struct nlmsghdr *h, char *buf, size_t size);

/* The same over a socket the caller keeps: many lookups, one socket.  Each request gets the
 * socket's next sequence number; answers to earlier ones are skipped. */
struct isw_nl {
	int fd;
	unsigned seq;
};
int isw_nl_open(struct isw_nl *nl, int proto); /* 0 or -errno */
/* Sends h with the socket's next sequence number, answer unread (a caller that reads its own
 * socket, e.g. one subscribed to events): 0 or -errno. */
int isw_nl_send(struct isw_nl *nl, struct nlmsghdr *h);
int isw_nl_transact(struct isw_nl *nl, struct nlmsghdr *h, char *buf, size_t size);
void isw_nl_close(struct isw_nl *nl);

/* Sends the dump request h (NLM_F_DUMP is added) and calls fn on every message of the answer
 * until NLMSG_DONE: 0, or -errno (the kernel's error answer, a truncated message, no answer
 * within a second); fn returning non-zero stops the walk with that value. */
int isw_nl_dump(int proto, struct nlmsghdr *h, int (*fn)(const struct nlmsghdr *m, void *arg),
                void *arg);

/* The attribute of that type among the attributes in [p, p + len), or NULL. */
const struct nlattr *isw_nl_find_attr(const void *p, int len, int type);

#endif

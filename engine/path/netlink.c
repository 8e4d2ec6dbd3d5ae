/* SPDX-License-Identifier: BSD-2-Clause */
/* One-shot netlink requests (netlink.h): send one, read its answer. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>

#include "netlink.h"

#define DUMP_BUF 32768

void isw_nl_put_attr(struct nlmsghdr *h, int type, const void *data, int len)
{
	struct nlattr *a = (struct nlattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));

	a->nla_type = (unsigned short)type;
	a->nla_len = (unsigned short)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, (size_t)len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

int isw_nl_open(struct isw_nl *nl, int proto)
{
	nl->seq = 0;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	return nl->fd < 0 ? -errno : 0;
}

void isw_nl_close(struct isw_nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

int isw_nl_send(struct isw_nl *nl, struct nlmsghdr *h)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};

	h->nlmsg_seq = ++nl->seq;
	if (sendto(nl->fd, h, h->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* One datagram of the answer to h, within a second: its length or -errno. */
static int recv_answer(int fd, const struct nlmsghdr *h, char *buf, size_t size)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	for (;;) {
		int n;

		/* The kernel answers at once; the bound only guards against the impossible. */
		if (poll(&pfd, 1, 1000) <= 0)
			return -ETIMEDOUT;
		/* MSG_TRUNC: the real length, so an answer cut to fit is an error, not a short
		 * table. */
		n = (int)recv(fd, buf, size, MSG_TRUNC);
		if (n < 0)
			return -errno;
		if ((size_t)n > size)
			return -EMSGSIZE;
		/* A late answer to an earlier request on this socket (after its timeout). */
		if (n >= (int)sizeof(struct nlmsghdr) &&
		    ((struct nlmsghdr *)buf)->nlmsg_seq != h->nlmsg_seq)
			continue;
		return n;
	}
}

int isw_nl_transact(struct isw_nl *nl, struct nlmsghdr *h, char *buf, size_t size)
{
	int n = isw_nl_send(nl, h);

	if (n < 0)
		return n;
	n = recv_answer(nl->fd, h, buf, size);
	if (n >= (int)sizeof(struct nlmsghdr)) {
		struct nlmsghdr *r = (struct nlmsghdr *)buf;
		if (r->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(r);
			return e->error ? e->error : -ENOENT;
		}
	}
	return n;
}

int isw_nl_call(int proto, struct nlmsghdr *h, char *buf, size_t size)
{
	struct isw_nl nl;
	int rc = isw_nl_open(&nl, proto);

	if (rc < 0)
		return rc;
	rc = isw_nl_transact(&nl, h, buf, size);
	isw_nl_close(&nl);
	return rc;
}

int isw_nl_dump(int proto, struct nlmsghdr *h, int (*fn)(const struct nlmsghdr *m, void *arg),
                void *arg)
{
	char *buf = malloc(DUMP_BUF);
	struct isw_nl nl;
	int rc = buf ? isw_nl_open(&nl, proto) : -ENOMEM;

	if (rc < 0) {
		free(buf);
		return rc;
	}
	h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_DUMP;
	rc = isw_nl_send(&nl, h);
	while (rc == 0) {
		int n = recv_answer(nl.fd, h, buf, DUMP_BUF);
		const struct nlmsghdr *m = (const struct nlmsghdr *)buf;

		if (n < 0) {
			rc = n;
			break;
		}
		for (; rc == 0 && NLMSG_OK(m, (unsigned)n); m = NLMSG_NEXT(m, n)) {
			if (m->nlmsg_type == NLMSG_DONE)
				goto out;
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(m);
				rc = e->error ? e->error : -EIO;
			} else if (m->nlmsg_flags & NLM_F_DUMP_INTR) {
				/* The table changed under the dump: its answer may be torn. */
				rc = -EAGAIN;
			} else {
				rc = fn(m, arg);
			}
		}
	}
out:
	isw_nl_close(&nl);
	free(buf);
	return rc;
}

const struct nlattr *isw_nl_find_attr(const void *p, int len, int type)
{
	const char *c = p;

	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)c;
		int step = NLA_ALIGN(a->nla_len);

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		if (step > len)
			return NULL;
		c += step;
		len -= step;
	}
	return NULL;
}

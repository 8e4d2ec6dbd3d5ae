#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>

#include "netlink.h"

void isw_nl_put_attr(struct nlmsghdr *h, int type, const void *data, int len)
{
	struct nlattr *a = (struct nlattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));

	a->nla_type = (unsigned short)type;
	a->nla_len = (unsigned short)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, (size_t)len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

int isw_nl_call(int proto, struct nlmsghdr *h, char *buf, size_t size)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	struct pollfd pfd;
	int fd, n, rc;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return -errno;
	h->nlmsg_seq = 1;
	if (sendto(fd, h, h->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		goto out;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	/* The kernel answers at once; the bound only guards against the impossible. */
	if (poll(&pfd, 1, 1000) <= 0) {
		rc = -ETIMEDOUT;
		goto out;
	}
	n = recv(fd, buf, size, 0);
	if (n < 0) {
		rc = -errno;
		goto out;
	}
	rc = n;
	if (n >= (int)sizeof(struct nlmsghdr)) {
		struct nlmsghdr *r = (struct nlmsghdr *)buf;
		if (r->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(r);
			rc = e->error ? e->error : -ENOENT;
		}
	}
out:
	close(fd);
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

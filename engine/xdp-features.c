#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <linux/genetlink.h>

#include "netlink.h"
#include "xdp-features.h"

/* From linux/netdev.h (Linux 6.3), which older userspace headers lack. */
#define ISW_NETDEV_CMD_DEV_GET          1
#define ISW_NETDEV_A_DEV_IFINDEX        1
#define ISW_NETDEV_A_DEV_XDP_FEATURES   3
#define ISW_NETDEV_XDP_ACT_XSK_ZEROCOPY 8

struct genl_req {
	struct nlmsghdr h;
	struct genlmsghdr g;
	char attrs[64];
};

/* The answer's attributes: after the netlink and generic netlink headers. */
static const struct nlattr *answer_attr(const char *buf, int n, int type)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	int off = NLMSG_HDRLEN + GENL_HDRLEN;

	if (n < off || (int)h->nlmsg_len > n || (int)h->nlmsg_len < off)
		return NULL;
	return isw_nl_find_attr(buf + off, (int)h->nlmsg_len - off, type);
}

static void request(struct genl_req *q, uint16_t family, uint8_t cmd)
{
	memset(q, 0, sizeof(*q));
	q->h.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	q->h.nlmsg_type = family;
	q->h.nlmsg_flags = NLM_F_REQUEST;
	q->g.cmd = cmd;
	q->g.version = 1;
}

int isw_xdp_zerocopy_advertised(int ifindex)
{
	char buf[4096];
	const struct nlattr *a;
	struct genl_req q;
	uint32_t ifi = (uint32_t)ifindex;
	uint64_t features;
	uint16_t family;
	int n;

	request(&q, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	isw_nl_put_attr(&q.h, CTRL_ATTR_FAMILY_NAME, "netdev", sizeof("netdev"));
	n = isw_nl_call(NETLINK_GENERIC, &q.h, buf, sizeof(buf));
	if (n < 0)
		return n;
	a = answer_attr(buf, n, CTRL_ATTR_FAMILY_ID);
	if (!a || a->nla_len < NLA_HDRLEN + sizeof(family))
		return -ENOENT;
	memcpy(&family, (const char *)a + NLA_HDRLEN, sizeof(family));

	request(&q, family, ISW_NETDEV_CMD_DEV_GET);
	isw_nl_put_attr(&q.h, ISW_NETDEV_A_DEV_IFINDEX, &ifi, sizeof(ifi));
	n = isw_nl_call(NETLINK_GENERIC, &q.h, buf, sizeof(buf));
	if (n < 0)
		return n;
	a = answer_attr(buf, n, ISW_NETDEV_A_DEV_XDP_FEATURES);
	if (!a || a->nla_len < NLA_HDRLEN + sizeof(features))
		return -ENOENT;
	memcpy(&features, (const char *)a + NLA_HDRLEN, sizeof(features));
	return (features & ISW_NETDEV_XDP_ACT_XSK_ZEROCOPY) != 0;
}

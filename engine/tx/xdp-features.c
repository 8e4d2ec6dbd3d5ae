/* SPDX-License-Identifier: BSD-2-Clause */
/* What a device can do with XDP (xdp-features.h), from the netdev generic netlink family. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <linux/genetlink.h>

#include <bpf/libbpf.h>

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

/* One request of family's cmd carrying one attribute; copies the answer's attribute want,
 * which must hold out_len bytes at least, into out.  0, or a negative errno. */
static int genl_get(uint16_t family, uint8_t cmd, int attr, const void *data, int len, int want,
                    void *out, size_t out_len)
{
	char buf[4096];
	const struct nlattr *a;
	struct genl_req q;
	int n;

	request(&q, family, cmd);
	isw_nl_put_attr(&q.h, attr, data, len);
	n = isw_nl_call(NETLINK_GENERIC, &q.h, buf, sizeof(buf));
	if (n < 0)
		return n;
	a = answer_attr(buf, n, want);
	if (!a || a->nla_len < NLA_HDRLEN + out_len)
		return -ENOENT;
	memcpy(out, (const char *)a + NLA_HDRLEN, out_len);
	return 0;
}

int isw_xdp_zerocopy_advertised(int ifindex)
{
	uint32_t ifi = (uint32_t)ifindex;
	uint64_t features;
	uint16_t family;
	int rc;

	rc = genl_get(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME, "netdev",
	              sizeof("netdev"), CTRL_ATTR_FAMILY_ID, &family, sizeof(family));
	if (rc == 0)
		rc = genl_get(family, ISW_NETDEV_CMD_DEV_GET, ISW_NETDEV_A_DEV_IFINDEX, &ifi,
		              sizeof(ifi), ISW_NETDEV_A_DEV_XDP_FEATURES, &features,
		              sizeof(features));
	if (rc < 0)
		return rc;
	return (features & ISW_NETDEV_XDP_ACT_XSK_ZEROCOPY) != 0;
}

const char *isw_xdp_libbpf_version(void)
{
	return libbpf_version_string();
}

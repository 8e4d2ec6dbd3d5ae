/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/path/netlink.c: building attributes and finding them in an answer, which
 * comes from the kernel and is parsed defensively (bad lengths stop the walk). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <linux/genetlink.h>

#include "netlink.h"

struct req {
	struct nlmsghdr h;
	struct genlmsghdr g;
	char attrs[64];
};

static struct req build(void)
{
	struct req q;
	uint32_t u = 7;
	uint64_t v = 0x0123456789abcdefULL;

	memset(&q, 0, sizeof(q));
	q.h.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	isw_nl_put_attr(&q.h, 1, &u, sizeof(u));
	isw_nl_put_attr(&q.h, 2, "netdev", 7); /* 11 bytes: the next one starts padded */
	isw_nl_put_attr(&q.h, 3, &v, sizeof(v));
	return q;
}

static const void *attrs(const struct req *q, int *len)
{
	*len = (int)q->h.nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	return (const char *)q + NLMSG_HDRLEN + GENL_HDRLEN;
}

static void test_put_and_find(void **state)
{
	struct req q = build();
	const struct nlattr *a;
	uint64_t v;
	int len;
	const void *p = attrs(&q, &len);

	assert_int_equal(q.h.nlmsg_len, NLMSG_LENGTH(GENL_HDRLEN) + 8 + 12 + 12);
	a = isw_nl_find_attr(p, len, 2);
	assert_non_null(a);
	assert_int_equal(a->nla_len, NLA_HDRLEN + 7);
	assert_string_equal((const char *)a + NLA_HDRLEN, "netdev");
	a = isw_nl_find_attr(p, len, 3);
	assert_non_null(a);
	memcpy(&v, (const char *)a + NLA_HDRLEN, sizeof(v));
	assert_true(v == 0x0123456789abcdefULL);
	assert_null(isw_nl_find_attr(p, len, 4));
}

/* The kernel may set NLA_F_NESTED / NLA_F_NET_BYTEORDER in the type. */
static void test_type_flags_ignored(void **state)
{
	struct req q = build();
	int len;
	const void *p = attrs(&q, &len);
	struct nlattr *first = (struct nlattr *)p;

	first->nla_type |= NLA_F_NESTED;
	assert_ptr_equal(isw_nl_find_attr(p, len, 1), first);
}

/* An attribute that claims more than is left, or less than its own header, ends the walk
 * instead of reading past the answer or looping. */
static void test_bad_lengths(void **state)
{
	struct req q = build();
	int len;
	const void *p = attrs(&q, &len);
	struct nlattr *first = (struct nlattr *)p;

	assert_null(isw_nl_find_attr(p, len - 1, 3)); /* last one cut short */
	assert_null(isw_nl_find_attr(p, 3, 1));       /* not even a header */
	first->nla_len = 2;
	assert_null(isw_nl_find_attr(p, len, 2));
	first->nla_len = 0;
	assert_null(isw_nl_find_attr(p, len, 2));
	first->nla_len = (unsigned short)(len + 4);
	assert_null(isw_nl_find_attr(p, len, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_put_and_find),
	    cmocka_unit_test(test_type_flags_ignored),
	    cmocka_unit_test(test_bad_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

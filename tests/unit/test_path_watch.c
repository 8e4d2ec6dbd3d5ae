/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine/path/path-watch.c: rtnetlink link and neighbour messages (IPv4 and
 * IPv6 next hops), as the kernel sends them, turned into the path's state. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "netlink.h"
#include "path-watch.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

#define IFX 7
#define NH  0xc0000202u /* 192.0.2.2 */

struct msg {
	struct nlmsghdr h;
	union {
		struct ifinfomsg ifi;
		struct ndmsg nd;
	};
	char attrs[64];
} __attribute__((aligned(8)));

static size_t link_msg(struct msg *m, int type, int ifindex, unsigned flags)
{
	memset(m, 0, sizeof(*m));
	m->h.nlmsg_len = NLMSG_LENGTH(sizeof(m->ifi));
	m->h.nlmsg_type = (uint16_t)type;
	m->ifi.ifi_index = ifindex;
	m->ifi.ifi_flags = flags;
	return m->h.nlmsg_len;
}

static size_t neigh_msg(struct msg *m, int type, int ifindex, uint32_t dst, uint16_t state,
                        const uint8_t *mac)
{
	uint32_t be = htonl(dst);

	memset(m, 0, sizeof(*m));
	m->h.nlmsg_len = NLMSG_LENGTH(sizeof(m->nd));
	m->h.nlmsg_type = (uint16_t)type;
	m->nd.ndm_family = AF_INET;
	m->nd.ndm_ifindex = ifindex;
	m->nd.ndm_state = state;
	isw_nl_put_attr(&m->h, NDA_DST, &be, 4);
	if (mac)
		isw_nl_put_attr(&m->h, NDA_LLADDR, mac, 6);
	return m->h.nlmsg_len;
}

static void test_carrier(void **state)
{
	struct isw_path_state st = {.carrier = 1};
	struct msg m;

	/* Up with carrier: nothing changes. */
	assert_int_equal(isw_path_watch_apply(
	                     &m,
	                     link_msg(&m, RTM_NEWLINK, IFX, IFF_UP | IFF_LOWER_UP | IFF_RUNNING),
	                     IFX, NH, NULL, &st),
	                 0);
	/* Peer down: up, but no lower layer. */
	assert_int_equal(
	    isw_path_watch_apply(&m, link_msg(&m, RTM_NEWLINK, IFX, IFF_UP), IFX, NH, NULL, &st),
	    1);
	assert_int_equal(st.carrier, 0);
	/* Another interface says nothing about ours. */
	assert_int_equal(
	    isw_path_watch_apply(&m, link_msg(&m, RTM_NEWLINK, IFX + 1, IFF_UP | IFF_LOWER_UP), IFX,
	                         NH, NULL, &st),
	    0);
	assert_int_equal(st.carrier, 0);
	assert_int_equal(isw_path_watch_apply(&m,
	                                      link_msg(&m, RTM_NEWLINK, IFX, IFF_UP | IFF_LOWER_UP),
	                                      IFX, NH, NULL, &st),
	                 1);
	assert_int_equal(st.carrier, 1);
	/* Administratively down: LOWER_UP may linger, carrier is gone for us. */
	assert_int_equal(isw_path_watch_apply(&m, link_msg(&m, RTM_NEWLINK, IFX, IFF_LOWER_UP), IFX,
	                                      NH, NULL, &st),
	                 1);
	assert_int_equal(st.carrier, 0);
	assert_int_equal(st.gone, 0);
	assert_int_equal(
	    isw_path_watch_apply(&m, link_msg(&m, RTM_DELLINK, IFX, 0), IFX, NH, NULL, &st), 1);
	assert_int_equal(st.gone, 1);
}

static void test_neighbour(void **state)
{
	const uint8_t mac1[6] = {0x52, 0x54, 0, 0, 0, 1}, mac2[6] = {2, 0, 0, 0, 0, 0x42};
	struct isw_path_state st = {.carrier = 1};
	struct msg m;

	assert_int_equal(
	    isw_path_watch_apply(&m, neigh_msg(&m, RTM_NEWNEIGH, IFX, NH, NUD_REACHABLE, mac1), IFX,
	                         NH, NULL, &st),
	    1);
	assert_int_equal(st.neigh, NUD_REACHABLE);
	assert_int_equal(st.neigh_mac_known, 1);
	assert_memory_equal(st.neigh_mac, mac1, 6);
	/* Another address, another interface, or no neighbour watched: ignored. */
	assert_int_equal(
	    isw_path_watch_apply(&m, neigh_msg(&m, RTM_NEWNEIGH, IFX, NH + 1, NUD_FAILED, NULL),
	                         IFX, NH, NULL, &st),
	    0);
	assert_int_equal(
	    isw_path_watch_apply(&m, neigh_msg(&m, RTM_NEWNEIGH, IFX + 1, NH, NUD_FAILED, NULL),
	                         IFX, NH, NULL, &st),
	    0);
	assert_int_equal(
	    isw_path_watch_apply(&m, neigh_msg(&m, RTM_NEWNEIGH, IFX, NH, NUD_FAILED, NULL), IFX, 0,
	                         NULL, &st),
	    0);
	assert_int_equal(st.neigh, NUD_REACHABLE);
	/* Failed keeps the last MAC known; then the next hop shows up elsewhere. */
	assert_int_equal(
	    isw_path_watch_apply(&m, neigh_msg(&m, RTM_NEWNEIGH, IFX, NH, NUD_FAILED, NULL), IFX,
	                         NH, NULL, &st),
	    1);
	assert_int_equal(st.neigh, NUD_FAILED);
	assert_memory_equal(st.neigh_mac, mac1, 6);
	assert_int_equal(
	    isw_path_watch_apply(&m, neigh_msg(&m, RTM_NEWNEIGH, IFX, NH, NUD_REACHABLE, mac2), IFX,
	                         NH, NULL, &st),
	    1);
	assert_memory_equal(st.neigh_mac, mac2, 6);
	/* Flushed: unknown, not failed. */
	assert_int_equal(isw_path_watch_apply(&m, neigh_msg(&m, RTM_DELNEIGH, IFX, NH, 0, NULL),
	                                      IFX, NH, NULL, &st),
	                 1);
	assert_int_equal(st.neigh, 0);
}

/* An IPv6 message for the IPv6 next hop nh6. */
static size_t neigh6_msg(struct msg *m, int type, int ifindex, const uint8_t *nh6, uint16_t state,
                         const uint8_t *mac)
{
	memset(m, 0, sizeof(*m));
	m->h.nlmsg_len = NLMSG_LENGTH(sizeof(m->nd));
	m->h.nlmsg_type = (uint16_t)type;
	m->nd.ndm_family = AF_INET6;
	m->nd.ndm_ifindex = ifindex;
	m->nd.ndm_state = state;
	isw_nl_put_attr(&m->h, NDA_DST, nh6, 16);
	if (mac)
		isw_nl_put_attr(&m->h, NDA_LLADDR, mac, 6);
	return m->h.nlmsg_len;
}

/* The IPv6 gateway's entry (NDP) is followed beside the IPv4 one, each in its own fields. */
static void test_neighbour6(void **state)
{
	const uint8_t mac1[6] = {0x52, 0x54, 0, 0, 0, 1}, mac2[6] = {2, 0, 0, 0, 0, 0x42};
	const uint8_t nh6[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [15] = 2};
	uint8_t other6[16];
	struct isw_path_state st = {.carrier = 1};
	struct msg m;

	(void)state;
	memcpy(other6, nh6, 16);
	other6[15] = 3;
	assert_int_equal(
	    isw_path_watch_apply(&m, neigh6_msg(&m, RTM_NEWNEIGH, IFX, nh6, NUD_REACHABLE, mac1),
	                         IFX, NH, nh6, &st),
	    1);
	assert_int_equal(st.neigh6, NUD_REACHABLE);
	assert_int_equal(st.neigh6_mac_known, 1);
	assert_memory_equal(st.neigh6_mac, mac1, 6);
	assert_int_equal(st.neigh, 0);
	assert_int_equal(st.neigh_mac_known, 0);
	/* Another address, another interface, or no IPv6 neighbour watched: ignored. */
	assert_int_equal(
	    isw_path_watch_apply(&m, neigh6_msg(&m, RTM_NEWNEIGH, IFX, other6, NUD_FAILED, NULL),
	                         IFX, NH, nh6, &st),
	    0);
	assert_int_equal(
	    isw_path_watch_apply(&m, neigh6_msg(&m, RTM_NEWNEIGH, IFX + 1, nh6, NUD_FAILED, NULL),
	                         IFX, NH, nh6, &st),
	    0);
	assert_int_equal(
	    isw_path_watch_apply(&m, neigh6_msg(&m, RTM_NEWNEIGH, IFX, nh6, NUD_FAILED, NULL), IFX,
	                         NH, NULL, &st),
	    0);
	/* The IPv4 next hop's entry leaves the IPv6 one alone. */
	assert_int_equal(
	    isw_path_watch_apply(&m, neigh_msg(&m, RTM_NEWNEIGH, IFX, NH, NUD_FAILED, NULL), IFX,
	                         NH, nh6, &st),
	    1);
	assert_int_equal(st.neigh, NUD_FAILED);
	assert_int_equal(st.neigh6, NUD_REACHABLE);
	/* The gateway answers NDP from another MAC (an unsolicited advertisement). */
	assert_int_equal(
	    isw_path_watch_apply(&m, neigh6_msg(&m, RTM_NEWNEIGH, IFX, nh6, NUD_STALE, mac2), IFX,
	                         NH, nh6, &st),
	    1);
	assert_int_equal(st.neigh6, NUD_STALE);
	assert_memory_equal(st.neigh6_mac, mac2, 6);
	assert_memory_equal(st.neigh_mac, (uint8_t[6]){0}, 6);
	assert_int_equal(isw_path_watch_apply(&m, neigh6_msg(&m, RTM_DELNEIGH, IFX, nh6, 0, NULL),
	                                      IFX, NH, nh6, &st),
	                 1);
	assert_int_equal(st.neigh6, 0);
}

static void test_batch_and_garbage(void **state)
{
	struct isw_path_state st = {.carrier = 1};
	char buf[512] __attribute__((aligned(8)));
	struct msg m;
	size_t n1 = link_msg(&m, RTM_NEWLINK, IFX, IFF_UP), off;

	/* Two messages in one read: both applied. */
	memcpy(buf, &m, n1);
	off = NLMSG_ALIGN(n1);
	memcpy(buf + off, &m, link_msg(&m, RTM_DELLINK, IFX, 0));
	assert_int_equal(isw_path_watch_apply(buf, off + m.h.nlmsg_len, IFX, NH, NULL, &st), 1);
	assert_int_equal(st.gone, 1);
	/* Truncated and lying lengths are ignored. */
	memset(&st, 0, sizeof(st));
	st.carrier = 1;
	link_msg(&m, RTM_NEWLINK, IFX, 0);
	assert_int_equal(isw_path_watch_apply(&m, 10, IFX, NH, NULL, &st), 0);
	m.h.nlmsg_len = 4000;
	assert_int_equal(isw_path_watch_apply(&m, sizeof(m), IFX, NH, NULL, &st), 0);
	neigh_msg(&m, RTM_NEWNEIGH, IFX, NH, NUD_FAILED, NULL);
	m.h.nlmsg_len = NLMSG_LENGTH(sizeof(m.nd)) + 2; /* attribute cut short */
	assert_int_equal(isw_path_watch_apply(&m, m.h.nlmsg_len, IFX, NH, NULL, &st), 0);
	assert_int_equal(st.carrier, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_carrier),
	    cmocka_unit_test(test_neighbour),
	    cmocka_unit_test(test_neighbour6),
	    cmocka_unit_test(test_batch_and_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

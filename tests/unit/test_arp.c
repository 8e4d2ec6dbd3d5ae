/* SPDX-License-Identifier: BSD-2-Clause */
/* ARP requests built from the libnet template, parsing of answers, and OUI vendor lookup. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "icmpsweep/error.h"
#include "arp.h"
#include "oui.h"

static const uint8_t our_mac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
#define OUR_IP 0xc6120001u /* 198.18.0.1 */

static void test_request_template(void **state)
{
	struct isw_arp_template t;
	struct isw_arp_packet a;
	uint8_t frame[64];
	char err[ISW_ERRBUF_SIZE];

	assert_int_equal(isw_arp_template_init(&t, our_mac, OUR_IP, err), 0);
	assert_int_equal(t.len, ISW_ARP_FRAME_LEN);
	isw_arp_patch(&t, frame, 0xc612010au);
	for (int i = 0; i < 6; i++)
		assert_int_equal(frame[i], 0xff);
	assert_memory_equal(frame + 6, our_mac, 6);
	assert_true(isw_arp_parse(frame, t.len, &a));
	assert_int_equal(a.op, 1);
	assert_int_equal(a.spa, OUR_IP);
	assert_int_equal(a.tpa, 0xc612010au);
	assert_memory_equal(a.sha, our_mac, 6);
	/* Patching another target changes only the target address. */
	isw_arp_patch(&t, frame, 0xc6120002u);
	assert_true(isw_arp_parse(frame, t.len, &a));
	assert_int_equal(a.tpa, 0xc6120002u);
}

static void test_parse_reply_and_garbage(void **state)
{
	uint8_t f[60] = {0};
	struct isw_arp_packet a;
	static const uint8_t host[6] = {0x00, 0x00, 0x0c, 0x12, 0x34, 0x56};

	memcpy(f, our_mac, 6);
	memcpy(f + 6, host, 6);
	f[12] = 0x08, f[13] = 0x06;
	f[14] = 0, f[15] = 1, f[16] = 0x08, f[17] = 0, f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 2;
	memcpy(f + 22, host, 6);
	f[28] = 198, f[29] = 18, f[30] = 0, f[31] = 10;
	memcpy(f + 32, our_mac, 6);
	f[38] = 198, f[39] = 18, f[40] = 0, f[41] = 1;
	assert_true(isw_arp_parse(f, sizeof(f), &a));
	assert_int_equal(a.op, 2);
	assert_int_equal(a.spa, 0xc612000au);
	assert_int_equal(a.tpa, OUR_IP);
	assert_memory_equal(a.sha, host, 6);
	/* Every truncation is refused, never read past. */
	for (size_t n = 0; n < 42; n++)
		assert_false(isw_arp_parse(f, n, &a));
	f[18] = 8; /* not a 6-byte hardware address */
	assert_false(isw_arp_parse(f, sizeof(f), &a));
	f[18] = 6;
	f[13] = 0x00; /* IPv4, not ARP */
	assert_false(isw_arp_parse(f, sizeof(f), &a));
}

/* The pcapng comment of a captured ARP frame says what it is, and for a frame that did not
 * parse shows no fields at all. */
static void test_describe(void **state)
{
	struct isw_arp_packet a = {.op = 2,
	                           .sha = {0x00, 0x00, 0x0c, 0x12, 0x34, 0x56},
	                           .spa = 0xc612000au,
	                           .tpa = OUR_IP};
	char buf[96];

	isw_arp_describe(&a, 1, buf, sizeof(buf));
	assert_string_equal(buf, "ARP reply: 198.18.0.10 is at 00:00:0c:12:34:56");
	isw_arp_describe(&a, 0, buf, sizeof(buf));
	assert_string_equal(buf, "ARP reply: 198.18.0.10 is at 00:00:0c:12:34:56 (not new)");
	a.op = 1;
	isw_arp_describe(&a, 0, buf, sizeof(buf));
	assert_string_equal(buf, "ARP request from 198.18.0.10, who has 198.18.0.1: ignored");
	a.op = 7;
	isw_arp_describe(&a, 0, buf, sizeof(buf));
	assert_string_equal(buf, "ARP operation 7 from 198.18.0.10: ignored");
	isw_arp_describe(NULL, 0, buf, sizeof(buf));
	assert_string_equal(buf, "ARP: not IPv4 over Ethernet, ignored");
}

static void test_oui(void **state)
{
	char path[64];
	FILE *fp;
	struct isw_oui *o;
	const uint8_t cisco[6] = {0x00, 0x00, 0x0c, 1, 2, 3}, other[6] = {0x02, 0, 0, 1, 2, 3};

	snprintf(path, sizeof(path), "/tmp/isw-oui-%d.txt", (int)getpid());
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("OUI/MA-L                                                    Organization\n"
	      "\n"
	      "00-00-0C   (hex)\t\tCisco Systems, Inc  \n"
	      "00000C     (base 16)\t\tCisco Systems, Inc\n"
	      "\t\t\t\t80 West Tasman Drive\n"
	      "\n"
	      "FC-FF-AA   (hex)\t\tIEEE Registration Authority\n",
	      fp);
	fclose(fp);
	o = isw_oui_load(path);
	assert_non_null(o);
	assert_string_equal(isw_oui_vendor(o, cisco), "Cisco Systems, Inc");
	assert_null(isw_oui_vendor(o, other));
	isw_oui_free(o);
	unlink(path);
	/* A missing registry is not an error: vendors are simply unknown. */
	assert_null(isw_oui_load("/nonexistent/oui.txt"));
	assert_null(isw_oui_vendor(NULL, cisco));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_request_template),
	    cmocka_unit_test(test_parse_reply_and_garbage),
	    cmocka_unit_test(test_describe),
	    cmocka_unit_test(test_oui),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* ARP frames as captured on a LAN sweep: parsing, the pcapng comment, and the offline
 * reader's table of who is at which MAC. */
#include <stdlib.h>
#include <string.h>

#include "arp-table.h"
#include "arp.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isw_arp_table table = {0};
	uint8_t *pkt = malloc(size ? size : 1);
	char comment[96];
	size_t off = 0;
	int64_t ts = 0;

	if (!pkt)
		abort();
	memcpy(pkt, data, size);
	/* The input may hold several frames, each prefixed by a length byte. */
	while (off < size) {
		size_t len = pkt[off++];
		struct isw_arp_packet a;
		int parsed;

		if (len > size - off)
			len = size - off;
		parsed = isw_arp_parse(pkt + off, len, &a);
		isw_arp_describe(parsed ? &a : NULL, (int)(len & 1), comment, sizeof(comment));
		if (!memchr(comment, '\0', sizeof(comment)))
			fuzz_fail("comment not terminated");
		if (parsed && a.op == 2 && isw_arp_table_learn(&table, a.spa, a.sha, ts++) < 0)
			abort();
		off += len;
	}
	{
		struct isw_arp_view view = isw_arp_table_view(&table, NULL);
		isw_arp_view_mark_shared(&view);
	}
	isw_arp_table_free(&table);
	free(pkt);
	return 0;
}

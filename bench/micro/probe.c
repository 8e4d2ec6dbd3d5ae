/* SPDX-License-Identifier: BSD-2-Clause */
/* Probe patches per second: isw_probe_patch writes one complete Ethernet + IPv4 + ICMP echo
 * request from the template (destination, id/seq, payload, incremental checksums). */
#include "icmpsweep/error.h"
#include "micro.h"
#include "probe.h"

struct ctx {
	struct isw_probe_template t;
	struct isw_tag_key key;
	uint8_t frame[ISW_PROBE_MAX_LEN];
};

static uint64_t bench(void *v, uint64_t n)
{
	struct ctx *c = v;
	uint64_t acc = 0;
	uint32_t dst = 0xc6120000u;

	for (uint64_t k = 0; k < n; k++, dst++) {
		isw_probe_patch(&c->t, &c->key, c->frame, dst, 1, 1700000000000000000ULL + k);
		acc += c->frame[c->t.len - 1];
	}
	return acc;
}

int main(int argc, char **argv)
{
	struct micro_opts o = micro_parse(argc, argv);
	struct isw_probe_params p = {
	    .src = 0xc0000201u, /* 192.0.2.1 */
	    .src_mac = {0x02, 0, 0, 0, 0, 1},
	    .dst_mac = {0x02, 0, 0, 0, 0, 2},
	    .ttl = 64,
	};
	char err[ISW_ERRBUF_SIZE];
	static struct ctx c;

	if (isw_probe_template_init(&c.t, &p, err) < 0) {
		fprintf(stderr, "template: %s\n", err);
		return 1;
	}
	isw_tag_key_init(&c.key, 42);
	micro_run(&o, "probe_patch", "probes", bench, &c);
	return 0;
}

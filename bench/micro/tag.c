/* SPDX-License-Identifier: BSD-2-Clause */
/* Tags per second: the destination tag plus the payload (with its tag) of one probe,
 * i.e. the two keyed SipHash-2-4 computations every probe costs. */
#include "tag.h"
#include "micro.h"

struct ctx {
	struct isw_tag_key key;
	uint8_t payload[ISW_PAYLOAD_LEN];
};

static uint64_t bench(void *v, uint64_t n)
{
	struct ctx *c = v;
	uint64_t acc = 0;
	uint32_t dst = 0xc6120000u; /* 198.18.0.0 */

	for (uint64_t k = 0; k < n; k++, dst++) {
		acc += isw_tag_dst(&c->key, dst);
		isw_tag_fill_payload(&c->key, c->payload, dst, 1, 1700000000000000000ULL + k);
		acc += c->payload[ISW_PAYLOAD_OFF_TAG];
	}
	return acc;
}

static uint64_t bench_check(void *v, uint64_t n)
{
	struct ctx *c = v;
	uint64_t acc = 0, ns;
	uint8_t probe;

	for (uint64_t k = 0; k < n; k++)
		acc += isw_tag_check_payload(&c->key, c->payload, 0xc6120001u, &probe, &ns);
	return acc;
}

int main(int argc, char **argv)
{
	struct micro_opts o = micro_parse(argc, argv);
	struct ctx c;

	isw_tag_key_init(&c.key, 42);
	micro_run(&o, "tag dst+fill_payload", "probes", bench, &c);
	isw_tag_fill_payload(&c.key, c.payload, 0xc6120001u, 1, 1700000000000000000ULL);
	micro_run(&o, "tag check_payload", "checks", bench_check, &c);
	return 0;
}

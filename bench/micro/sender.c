/* SPDX-License-Identifier: BSD-2-Clause */
/* Sender-loop probes per second: isw_sender_main walking IPv4 targets (198.18.0.0/15) at an
 * unlimited rate into a backend that only looks at each frame, one thread, one link: the
 * permutation, the answered-target checks, the template patch and the batching together.
 * "sender_routes" does the same with the /15's halves behind two gateways (a route-map lookup
 * per probe), "sender_ipv6" over an IPv6 /111 behind one gateway (route6-map lookups). */
#include <string.h>

#include "icmpsweep/error.h"
#include "micro.h"
#include "send-fixture.h"

struct isw_tx {
	uint64_t seen;
};

static int null_send(struct isw_tx *tx, uint8_t *const *frames, const uint32_t *lens, unsigned n)
{
	for (unsigned k = 0; k < n; k++)
		tx->seen += frames[k][lens[k] - 1];
	return (int)n;
}

static void null_close(struct isw_tx *tx)
{
	(void)tx;
}

static const struct isw_tx_ops null_ops = {.name = "null", .send = null_send, .close = null_close};

struct ctx {
	struct send_fixture f;
	isw_targets *t;
	struct isw_tx tx;
	struct isw_hop hop;
	uint64_t first;
	uint32_t hops;
	struct isw_route6_map m6;
	struct isw_hop hop4[2];
	uint32_t lo4[2], hops4[2];
	struct isw_route_map m4;
};

/* n probes: whole sweeps of the set, the last one cut short (--max-targets' cap). */
static uint64_t bench(void *v, uint64_t n)
{
	struct ctx *x = v;
	struct isw_send_ctx *c = &x->f.c;

	for (uint64_t left = n; left;) {
		uint64_t m = left < c->n ? left : c->n;

		isw_shard_init(&c->shard, &c->perm, c->n, 0, 0);
		isw_shard_cap(&c->shard, m);
		memset(&x->f.count, 0, sizeof(x->f.count));
		isw_sender_main(c);
		left -= m;
	}
	return x->tx.seen;
}

static int setup(struct ctx *x, const char *spec)
{
	struct isw_probe_params p = {.src = 0xc0000201u, .ttl = 64};
	struct isw_probe6_params p6 = {.src = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [15] = 1},
	                               .hop_limit = 64};
	struct isw_send_ctx *c = &x->f.c;
	char err[ISW_ERRBUF_SIZE];

	memset(x, 0, sizeof(*x));
	if (isw_targets_new(&x->t) < 0)
		return -1;
	isw_targets_allow_ipv6(x->t);
	if (isw_targets_add(x->t, spec, 0, err) < 0 || isw_targets_finalize(x->t, err) < 0) {
		fprintf(stderr, "targets: %s\n", err);
		return -1;
	}
	if (send_fixture_init(&x->f, x->t, &null_ops) < 0)
		return -1;
	c->nlinks = 1;
	c->link[0].tx[0] = &x->tx;
	if (isw_probe_template_init(&c->link[0].tmpl, &p, err) < 0 ||
	    isw_probe6_template_init(&c->link[0].tmpl6, &p6, err) < 0) {
		fprintf(stderr, "template: %s\n", err);
		return -1;
	}
	x->hop.kind = ISW_HOP_GATEWAY;
	x->m6 = (struct isw_route6_map){
	    .first = &x->first, .hops = &x->hops, .n = 1, .hop = &x->hop, .nhops = 1};
	c->hops.routes6 = &x->m6;
	return 0;
}

int main(int argc, char **argv)
{
	struct micro_opts o = micro_parse(argc, argv);
	static struct ctx v4, routed, v6;

	if (setup(&v4, "198.18.0.0/15") < 0 || setup(&routed, "198.18.0.0/15") < 0 ||
	    setup(&v6, "2001:db8:1::/111") < 0)
		return 1;
	/* 198.18.0.0/16 and 198.19.0.0/16 behind gateways of their own. */
	for (int i = 0; i < 2; i++) {
		routed.hop4[i] =
		    (struct isw_hop){.kind = ISW_HOP_GATEWAY, .mac = {2, 0, 0, 0, 1, i}};
		routed.lo4[i] = 0xc6120000u + ((uint32_t)i << 16);
		routed.hops4[i] = (uint32_t)i;
	}
	routed.m4 = (struct isw_route_map){
	    .lo = routed.lo4, .hops = routed.hops4, .n = 2, .hop = routed.hop4, .nhops = 2};
	routed.f.c.hops.routes = &routed.m4;
	micro_run(&o, "sender", "probes", bench, &v4);
	micro_run(&o, "sender_routes", "probes", bench, &routed);
	micro_run(&o, "sender_ipv6", "probes", bench, &v6);
	return 0;
}

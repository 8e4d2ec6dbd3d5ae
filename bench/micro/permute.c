/* SPDX-License-Identifier: BSD-2-Clause */
/* Permutation steps per second: isw_perm_at over consecutive indices, as the sender does. */
#include "micro.h"
#include "permute.h"

struct ctx {
	struct isw_perm p;
	uint64_t i;
};

static uint64_t bench(void *v, uint64_t n)
{
	struct ctx *c = v;
	uint64_t acc = 0;

	for (uint64_t k = 0; k < n; k++) {
		acc += isw_perm_at(&c->p, c->i);
		if (++c->i == c->p.n)
			c->i = 0;
	}
	return acc;
}

int main(int argc, char **argv)
{
	struct micro_opts o = micro_parse(argc, argv);
	/* A /16, a /15 (the bench's sparse space), an odd size that cycle-walks, all of IPv4. */
	static const struct {
		const char *name;
		uint64_t n;
	} sizes[] = {
	    {"perm_at n=2^16", 1ULL << 16},
	    {"perm_at n=2^17", 1ULL << 17},
	    {"perm_at n=10^7+19", 10000019ULL},
	    {"perm_at n=2^32", 1ULL << 32},
	};

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct ctx c = {.i = 0};
		if (isw_perm_init(&c.p, sizes[s].n, 42) < 0) {
			fprintf(stderr, "isw_perm_init(%llu) failed\n",
			        (unsigned long long)sizes[s].n);
			return 1;
		}
		micro_run(&o, sizes[s].name, "steps", bench, &c);
	}
	return 0;
}

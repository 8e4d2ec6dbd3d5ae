/* SPDX-License-Identifier: BSD-2-Clause */
/* XDP program for the bench "drop" scenario: drop every frame the target veth receives.
 * Built by bench/run with `clang -O2 -target bpf`; needs no headers (XDP_DROP is 1). */
__attribute__((section("xdp"), used)) int xdp_drop_all(void *ctx)
{
	return 1; /* XDP_DROP */
}

char _license[] __attribute__((section("license"), used)) = "GPL";

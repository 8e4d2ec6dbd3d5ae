/* SPDX-License-Identifier: BSD-2-Clause */
/* The offline trace reader (--read): pcap and pcapng files through libpcap, the seed in the
 * pcapng section header, and the matcher and ARP table behind them.  Each input is read with
 * the seed it records (as --read does) and with --no-validate. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "icmpsweep/trace.h"
#include "fuzz.h"

static void sink(const struct isw_result *r, void *arg)
{
	unsigned long *n = arg;

	if (r->ts_us < 0)
		fuzz_fail("a result before the epoch");
	if (!(r->rtt_ms == -1.0 || (r->rtt_ms >= 0 && isfinite(r->rtt_ms))))
		fuzz_fail("RTT neither unknown nor a finite non-negative time");
	(*n)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size);
	struct isw_offline_config cfg = {.path = path};
	struct isw_offline_stats st;
	char err[ISW_ERRBUF_SIZE];
	unsigned long n = 0;
	uint64_t seed;
	int rc;

	rc = isw_trace_read_seed(path, &seed, err);
	if (rc < 0 || rc > 1)
		fuzz_fail("read_seed returned neither 0 nor 1 for a readable file");
	err[0] = '\0';
	rc = isw_trace_analyse(&cfg, sink, &n, &st, err);
	if (rc != 0 && rc != -EINVAL && rc != -ENOMEM)
		fuzz_fail("analyse: unexpected return code");
	if (rc != 0 && !err[0])
		fuzz_fail("analyse failed without a message");
	if (n != st.hits + st.icmp_errors + st.arp_only)
		fuzz_fail("results do not add up to the counters");
	cfg.have_seed = 1;
	cfg.seed = 7;
	cfg.no_validate = 1;
	n = 0;
	rc = isw_trace_analyse(&cfg, sink, &n, &st, err);
	if (rc != 0 && rc != -EINVAL && rc != -ENOMEM)
		fuzz_fail("analyse --no-validate: unexpected return code");
	(void)isw_trace_has_arp_replies(path, 0);
	return 0;
}

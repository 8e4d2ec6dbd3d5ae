/* SPDX-License-Identifier: BSD-2-Clause */
/* --dry-run: a backend that prints each frame instead of sending it, so a dry run walks the
 * same permutation and builds the same bytes as a real one, and tests can compare them. */
#include <errno.h>
#include <stdlib.h>

#include "icmpsweep/output.h"
#include "bytes.h"
#include "probe.h"
#include "probe6.h"
#include "tx.h"

struct isw_tx {
	isw_output *out;
	int ip_off;
};

static int dry_run_open(struct isw_tx **out, const struct isw_tx_params *p, char *errbuf)
{
	struct isw_tx *tx = calloc(1, sizeof(*tx));

	if (!tx)
		return -ENOMEM;
	tx->out = p->out;
	tx->ip_off = p->raw_ip ? 0 : ISW_ETH_LEN;
	*out = tx;
	return 0;
}

/* The listing's line of one frame the sender built: an ICMP echo request over IPv4 or an
 * ICMPv6 one over IPv6 (the IP version nibble says which; the headers have no options). */
static struct isw_probe_line probe_line(const uint8_t *frame, uint32_t len, int ip_off)
{
	const uint8_t *ip = frame + ip_off, *icmp;
	struct isw_probe_line l = {.len = len, .frame = frame};
	uint32_t max;

	if (ip[0] >> 4 == 6) {
		icmp = ip + ISW_IP6_LEN;
		l.dst = isw_addr_from_v6(ip + 24);
		max = ISW_PROBE6_MAX_LEN;
	} else {
		icmp = ip + ISW_IP_LEN;
		l.dst = isw_addr_from_v4(isw_get_be32(ip + 16));
		max = ISW_PROBE_MAX_LEN;
	}
	l.probe = icmp[ISW_ICMP_HDR_LEN + ISW_PAYLOAD_OFF_PROBE];
	l.id = isw_get_be16(icmp + 4);
	l.seq = isw_get_be16(icmp + 6);
	l.caplen = len < max ? len : max;
	return l;
}

/* A failed write (a full disk) ends the listing: the error stays in the output, where the
 * caller finds it, and the sender sees a backend that can send nothing more. */
static int dry_run_send(struct isw_tx *tx, uint8_t *const *frames, const uint32_t *lens, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct isw_probe_line l = probe_line(frames[i], lens[i], tx->ip_off);
		int rc = tx->out ? isw_output_probe(tx->out, &l) : -EBADF;

		if (rc < 0)
			return i ? (int)i : rc;
	}
	return (int)n;
}

static void dry_run_close(struct isw_tx *tx)
{
	/* The output is the caller's: it flushes (and closes) it, maybe before this. */
	free(tx);
}

const struct isw_tx_ops isw_tx_dry_run_ops = {
    .name = "dry-run",
    .open = dry_run_open,
    .send = dry_run_send,
    .close = dry_run_close,
};

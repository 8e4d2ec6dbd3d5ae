/* --dry-run: a backend that prints each frame instead of sending it, so a dry run walks the
 * same permutation and builds the same bytes as a real one, and tests can compare them. */
#include <errno.h>
#include <stdlib.h>

#include "probe.h"
#include "tx.h"

struct isw_tx {
	FILE *out;
	int ip_off;
};

static int dry_run_open(struct isw_tx **out, const struct isw_tx_params *p, char *errbuf)
{
	struct isw_tx *tx = calloc(1, sizeof(*tx));

	if (!tx)
		return -ENOMEM;
	tx->out = p->out ? p->out : stdout;
	tx->ip_off = p->raw_ip ? 0 : ISW_ETH_LEN;
	*out = tx;
	return 0;
}

static int dry_run_send(struct isw_tx *tx, uint8_t *const *frames, const uint32_t *lens, unsigned n)
{
	static const char hex[] = "0123456789abcdef";
	char line[2 * ISW_PROBE_MAX_LEN + 1];

	for (unsigned i = 0; i < n; i++) {
		const uint8_t *ip = frames[i] + tx->ip_off, *icmp = ip + ISW_IP_LEN;
		uint32_t len = lens[i] < ISW_PROBE_MAX_LEN ? lens[i] : ISW_PROBE_MAX_LEN;

		for (uint32_t k = 0; k < len; k++) {
			line[2 * k] = hex[frames[i][k] >> 4];
			line[2 * k + 1] = hex[frames[i][k] & 15];
		}
		line[2 * len] = 0;
		fprintf(
		    tx->out, "%u.%u.%u.%u probe=%u id=0x%02x%02x seq=0x%02x%02x len=%u frame=%s\n",
		    ip[16], ip[17], ip[18], ip[19], icmp[ISW_ICMP_HDR_LEN + ISW_PAYLOAD_OFF_PROBE],
		    icmp[4], icmp[5], icmp[6], icmp[7], lens[i], line);
	}
	return (int)n;
}

static void dry_run_close(struct isw_tx *tx)
{
	if (tx)
		fflush(tx->out);
	free(tx);
}

const struct isw_tx_ops isw_tx_dry_run_ops = {
    .name = "dry-run",
    .open = dry_run_open,
    .send = dry_run_send,
    .close = dry_run_close,
};

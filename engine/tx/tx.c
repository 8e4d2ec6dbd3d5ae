/* SPDX-License-Identifier: BSD-2-Clause */
/* The transmit backends' table (tx.h): choosing one by name, and what each one needs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "icmpsweep/scan.h"
#include "tx.h"

#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))

/* Fastest first: the order "auto" tries them in.  "socket" comes last and auto skips it:
 * the scan chooses it when raw packets are not permitted (scan.c). */
static const struct isw_tx_ops *const backends[] = {
    &isw_tx_auto_ops, &isw_tx_xdp_ops, &isw_tx_ring_ops, &isw_tx_libnet_ops, &isw_tx_socket_ops,
};
#define NRAW (NBACKENDS - 1)

static int auto_open(struct isw_tx **out, const struct isw_tx_params *p, char *errbuf)
{
	snprintf(errbuf, ISW_ERRBUF_SIZE, "tx auto: open it with isw_tx_open");
	return -EINVAL;
}

const struct isw_tx_ops isw_tx_auto_ops = {
    .name = "auto",
    .open = auto_open,
};

#ifndef ISW_HAVE_XDP
static int xdp_missing_open(struct isw_tx **out, const struct isw_tx_params *p, char *errbuf)
{
	snprintf(errbuf, ISW_ERRBUF_SIZE,
	         "xdp: not built in (install libxdp-dev and libbpf-dev, then rebuild)");
	return -EOPNOTSUPP;
}

const struct isw_tx_ops isw_tx_xdp_ops = {
    .name = "xdp",
    .open = xdp_missing_open,
};
#endif

const struct isw_tx_ops *isw_tx_find(const char *name)
{
	for (size_t i = 0; i < NBACKENDS; i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

const char *isw_tx_names(void)
{
	return "auto, xdp, ring, libnet, socket";
}

/* n handles of one backend, or none: a sender thread each. */
static int open_all(const struct isw_tx_ops *ops, struct isw_tx **tx, unsigned n,
                    const struct isw_tx_params *p, char *errbuf)
{
	for (unsigned k = 0; k < n; k++) {
		struct isw_tx_params q = *p;
		int rc;

		q.queue = k; /* thread k sends on queue k where the backend binds queues */
		rc = ops->open(&tx[k], &q, errbuf);
		if (rc < 0) {
			while (k--) {
				ops->close(tx[k]);
				tx[k] = NULL;
			}
			return rc;
		}
	}
	return 0;
}

int isw_tx_open(const struct isw_tx_ops **ops, struct isw_tx **tx, const struct isw_tx_params *p,
                char *errbuf)
{
	return isw_tx_open_n(ops, tx, 1, p, errbuf);
}

/* Copies src into errbuf whole when it fits, else cut at the last word that fits, with
 * "...": a message cut mid-word reads as a different word. */
static void fit_message(char *errbuf, const char *src)
{
	size_t len = strlen(src), cut;

	if (len < ISW_ERRBUF_SIZE) {
		memcpy(errbuf, src, len + 1);
		return;
	}
	cut = ISW_ERRBUF_SIZE - 4;
	while (cut > 0 && src[cut] != ' ')
		cut--;
	while (cut > 0 && (src[cut - 1] == ' ' || src[cut - 1] == ';' || src[cut - 1] == ','))
		cut--;
	memcpy(errbuf, src, cut);
	memcpy(errbuf + cut, "...", 4);
}

int isw_tx_open_n(const struct isw_tx_ops **ops, struct isw_tx **tx, unsigned n,
                  const struct isw_tx_params *p, char *errbuf)
{
	/* Every backend's whole reason, before it is fitted into errbuf. */
	char why[4 * ISW_ERRBUF_SIZE] = "", one[ISW_ERRBUF_SIZE], all[5 * ISW_ERRBUF_SIZE];
	int rc = -ENODEV, denied = 0;

	if (*ops != &isw_tx_auto_ops)
		return open_all(*ops, tx, n, p, errbuf);
	for (size_t i = 1; i < NRAW; i++) {
		one[0] = 0;
		/* xdp needs a device queue per sender thread; with fewer it fails and ring follows.
		 */
		rc = open_all(backends[i], tx, n, p, one);
		if (rc == 0) {
			*ops = backends[i];
			return 0;
		}
		/* Without the privilege for one backend the others fail too, whatever the last
		 * one says: that is the cause to report. */
		denied |= rc == -EPERM || rc == -EACCES;
		snprintf(why + strlen(why), sizeof(why) - strlen(why), "%s%s", why[0] ? "; " : "",
		         one[0] ? one : backends[i]->name);
	}
	snprintf(all, sizeof(all), "no transmit backend opens on %s: %s", p->iface, why);
	fit_message(errbuf, all);
	return denied ? -EPERM : rc;
}

int isw_tx_backend_known(const char *name)
{
	return isw_tx_find(name) != NULL;
}

const char *isw_tx_backend_names(void)
{
	return isw_tx_names();
}

#include <string.h>

#include "tx.h"

static const struct isw_tx_ops *const backends[] = {
    &isw_tx_libnet_ops,
};

const struct isw_tx_ops *isw_tx_find(const char *name)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

const char *isw_tx_names(void)
{
	return "libnet";
}

/* Test hooks of the resolver stage: not part of the public API. */
#ifndef ISW_RESOLVE_INTERNAL_H
#define ISW_RESOLVE_INTERNAL_H

#include <ares.h>

#include "icmpsweep/resolve.h"

struct isw_resolver_hooks {
	/* c-ares socket functions for every channel, so that unit tests can answer queries
	 * in memory instead of on a network. */
	const struct ares_socket_functions *socket_functions;
	void *socket_user;
};

int isw_resolver_new_hooked(isw_resolver **out, const struct isw_resolver_config *cfg,
                            isw_resolved_fn fn, void *arg, const struct isw_resolver_hooks *hooks,
                            char *errbuf);

#endif

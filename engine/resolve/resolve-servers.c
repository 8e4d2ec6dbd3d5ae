/* SPDX-License-Identifier: BSD-2-Clause */
/* Resolver stage: the server table -- server specifications parsed and checked, and one
 * c-ares channel per server.
 *
 * One c-ares channel per server, each with tries = 1: the stage itself decides which server
 * gets a query (the one with the most free room under its AIMD window, another one for a
 * retry) and how often a lookup is retried.
 */
#include <arpa/inet.h>
#include <ares.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "icmpsweep/error.h"
#include "icmpsweep/resolve.h"
#include "aimd.h"
#include "resolve-internal.h"

#define INITIAL_WINDOW 32

static int parse_port(const char *s, unsigned short *port)
{
	unsigned long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 65535)
			return -EINVAL;
	}
	if (!v)
		return -EINVAL;
	*port = (unsigned short)v;
	return 0;
}

/* "ADDR", "ADDR:PORT" (IPv4), "[ADDR]" or "[ADDR]:PORT" (IPv6) or a bare IPv6 ADDR. */
static int parse_server(const char *spec, struct ares_addr_port_node *n)
{
	char host[64];
	const char *port = NULL, *colon = strchr(spec, ':');
	size_t len;

	memset(n, 0, sizeof(*n));
	n->udp_port = n->tcp_port = 53;
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');
		if (!close)
			return -EINVAL;
		len = (size_t)(close - spec - 1);
		if (close[1] == ':')
			port = close + 2;
		else if (close[1])
			return -EINVAL;
		spec++;
		n->family = AF_INET6;
	} else if (colon && strchr(colon + 1, ':')) {
		len = strlen(spec);
		n->family = AF_INET6;
	} else {
		len = colon ? (size_t)(colon - spec) : strlen(spec);
		if (colon)
			port = colon + 1;
		n->family = AF_INET;
	}
	if (len == 0 || len >= sizeof(host))
		return -EINVAL;
	memcpy(host, spec, len);
	host[len] = '\0';
	if (inet_pton(n->family, host,
	              n->family == AF_INET ? (void *)&n->addr.addr4 : (void *)&n->addr.addr6) != 1)
		return -EINVAL;
	if (port) {
		unsigned short p;
		if (parse_port(port, &p) < 0)
			return -EINVAL;
		n->udp_port = n->tcp_port = p;
	}
	return 0;
}

int isw_resolver_server_check(const char *spec, char *errbuf)
{
	struct ares_addr_port_node n;

	if (parse_server(spec, &n) < 0) {
		snprintf(errbuf, ISW_ERRBUF_SIZE,
		         "invalid resolver '%s' (want ADDR[:PORT], e.g. 192.0.2.53 or "
		         "192.0.2.53:5353 or [2001:db8::53]:53)",
		         spec);
		return -EINVAL;
	}
	return 0;
}

static void server_name(const struct ares_addr_port_node *n, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(n->family,
	          n->family == AF_INET ? (const void *)&n->addr.addr4
	                               : (const void *)&n->addr.addr6,
	          a, sizeof(a));
	if (n->family == AF_INET)
		snprintf(buf, size, "%s:%d", a, n->udp_port);
	else
		snprintf(buf, size, "[%s]:%d", a, n->udp_port);
}

static int channel_init(struct isw_resolver *r, ares_channel *ch,
                        const struct isw_resolver_hooks *hooks)
{
	struct ares_options o;
	int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS;
	int rc;

	memset(&o, 0, sizeof(o));
	/* NOCHECKRESP: a SERVFAIL or REFUSED comes back to us instead of being retried
	 * elsewhere inside c-ares; the stage decides. */
	o.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
	o.timeout = (int)r->timeout_ms;
	o.tries = 1;
	o.lookups = (char *)"b";
	rc = ares_init_options(ch, &o, mask);
	if (rc == ARES_SUCCESS && hooks && hooks->socket_functions)
		ares_set_socket_functions(*ch, hooks->socket_functions, hooks->socket_user);
	return rc;
}

static int add_server(struct isw_resolver *r, const struct ares_addr_port_node *node,
                      const struct isw_resolver_hooks *hooks, char *errbuf)
{
	struct isw_rserver *sv = &r->servers[r->nservers];
	struct ares_addr_port_node one = *node;
	unsigned initial = r->concurrency < INITIAL_WINDOW ? r->concurrency : INITIAL_WINDOW;
	int rc;

	one.next = NULL;
	server_name(&one, sv->name, sizeof(sv->name));
	rc = channel_init(r, &sv->ch, hooks);
	if (rc == ARES_SUCCESS) {
		rc = ares_set_servers_ports(sv->ch, &one);
		if (rc != ARES_SUCCESS) {
			ares_destroy(sv->ch);
			sv->ch = NULL;
		}
	}
	if (rc != ARES_SUCCESS) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot set up DNS server %s: %s", sv->name,
		         ares_strerror(rc));
		return rc == ARES_ENOMEM ? -ENOMEM : -EIO;
	}
	isw_aimd_init(&sv->aimd, initial, 1, r->concurrency);
	atomic_store(&sv->window, isw_aimd_limit(&sv->aimd));
	atomic_store(&sv->rto_ms, (unsigned)(isw_resolve_rto_ns(r, sv) / 1000000u));
	r->nservers++;
	return 0;
}

/* The servers c-ares finds in /etc/resolv.conf (127.0.0.1 if none). */
static int add_system_servers(struct isw_resolver *r, const struct isw_resolver_hooks *hooks,
                              char *errbuf)
{
	struct ares_addr_port_node *list = NULL;
	ares_channel ch;
	int rc = channel_init(r, &ch, hooks);

	if (rc != ARES_SUCCESS) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot read the system's DNS servers: %s",
		         ares_strerror(rc));
		return -EIO;
	}
	rc = ares_get_servers_ports(ch, &list);
	ares_destroy(ch);
	if (rc != ARES_SUCCESS || !list) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "no DNS servers configured (resolv.conf)%s%s",
		         rc != ARES_SUCCESS ? ": " : "",
		         rc != ARES_SUCCESS ? ares_strerror(rc) : "");
		return -EIO;
	}
	rc = 0;
	for (struct ares_addr_port_node *n = list;
	     n && r->nservers < ISW_RESOLVE_MAX_SERVERS && rc == 0; n = n->next)
		rc = add_server(r, n, hooks, errbuf);
	ares_free_data(list);
	return rc;
}

int isw_resolve_add_servers(struct isw_resolver *r, const struct isw_resolver_config *cfg,
                            const struct isw_resolver_hooks *hooks, char *errbuf)
{
	int rc = 0;

	for (size_t i = 0; i < cfg->nservers && rc == 0; i++) {
		struct ares_addr_port_node n;
		parse_server(cfg->servers[i], &n);
		rc = add_server(r, &n, hooks, errbuf);
	}
	if (rc == 0 && !cfg->nservers)
		rc = add_system_servers(r, hooks, errbuf);
	return rc;
}

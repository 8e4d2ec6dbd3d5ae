/* SPDX-License-Identifier: BSD-2-Clause */
/* Host names in fuzzed target specs must not become DNS queries: this getaddrinfo() takes the
 * place of libc's (the executable's definition wins) and answers from the name alone. */
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Names starting with 'n' do not exist; others resolve to one or two addresses derived from
 * their text, so both paths of the caller run. */
int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res)
{
	struct addrinfo *head = NULL;
	uint32_t h = 2166136261u;
	int n;

	(void)service;
	(void)hints;
	if (!node || node[0] == 'n')
		return EAI_NONAME;
	for (const char *p = node; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	n = 1 + (int)(h & 1);
	for (int i = 0; i < n; i++) {
		struct addrinfo *ai = calloc(1, sizeof(*ai) + sizeof(struct sockaddr_in));
		struct sockaddr_in *sin;

		if (!ai) {
			freeaddrinfo(head);
			return EAI_MEMORY;
		}
		sin = (struct sockaddr_in *)(ai + 1);
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(h + (uint32_t)i);
		ai->ai_family = AF_INET;
		ai->ai_socktype = SOCK_DGRAM;
		ai->ai_addrlen = sizeof(*sin);
		ai->ai_addr = (struct sockaddr *)sin;
		ai->ai_next = head;
		head = ai;
	}
	*res = head;
	return 0;
}

void freeaddrinfo(struct addrinfo *res)
{
	while (res) {
		struct addrinfo *next = res->ai_next;
		free(res);
		res = next;
	}
}

/* The PTR answer parser (engine/dns-ptr.c): the input is a DNS message from a resolver. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dns-ptr.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[ISW_DNS_NAME_MAX];
	/* An exact-size copy, so ASan sees any read past the message. */
	uint8_t *msg = malloc(size ? size : 1);
	int rc;

	if (!msg)
		abort();
	memcpy(msg, data, size);
	memset(name, 'x', sizeof(name));
	rc = isw_dns_parse_ptr(msg, size, name, sizeof(name));
	if (rc == 0) {
		size_t n = strnlen(name, sizeof(name));
		if (n == sizeof(name))
			fuzz_fail("name not terminated");
		/* Presentation form: an unescaped '.' separates labels; NUL comes out as \000. */
	} else if (rc != -ENOENT && rc != -EBADMSG) {
		fuzz_fail("unexpected return code");
	}
	/* A small output buffer must be honoured too. */
	rc = isw_dns_parse_ptr(msg, size, name, 8);
	if (rc == 0 && strnlen(name, 8) == 8)
		fuzz_fail("name not terminated in an 8-byte buffer");
	free(msg);
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* The PTR answer parser (engine/resolve/dns-ptr.c): the input is a DNS message from a resolver.  A
 * parsed name then goes through the JSON and text writers, which must keep one result per
 * line whatever bytes the zone holds (JSON: valid UTF-8, no raw control byte). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "icmpsweep/output.h"
#include "dns-ptr.h"
#include "fuzz.h"

/* 1 if s[0..len) is valid UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
static int utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], n, cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return 0;
		for (unsigned k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

static void check_output(const char *name, enum isw_format format)
{
	struct isw_output_options opt = {.format = format, .hostnames = 1};
	struct isw_result r = {.addr = isw_addr_from_v4(0xc6120001u),
	                       .responder = isw_addr_from_v4(0xc6120001u),
	                       .rtt_ms = 1.5,
	                       .ts_us = 1700000000000000,
	                       .hostname = name,
	                       .lookup = ISW_LOOKUP_OK};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	isw_output *o = NULL;
	char *first;

	if (!fp || isw_output_open(&o, &opt, fp) < 0)
		abort();
	if (isw_output_write(o, &r) < 0 || isw_output_flush(o) < 0)
		fuzz_fail("writing a result failed");
	isw_output_free(o);
	fclose(fp);
	if (len == 0 || buf[len - 1] != '\n')
		fuzz_fail("output does not end in a newline");
	first = memchr(buf, '\n', len);
	if (format == ISW_FORMAT_JSON) {
		if (first != buf + len - 1)
			fuzz_fail("JSON: a result spans several lines");
		for (size_t i = 0; i + 1 < len; i++)
			if ((unsigned char)buf[i] < 0x20)
				fuzz_fail("JSON: a raw control byte");
		if (!utf8_valid((unsigned char *)buf, len))
			fuzz_fail("JSON: invalid UTF-8");
	}
	free(buf);
}

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
		if (strnlen(name, sizeof(name)) == sizeof(name))
			fuzz_fail("name not terminated");
		check_output(name, ISW_FORMAT_JSON);
		check_output(name, ISW_FORMAT_TEXT);
		check_output(name, ISW_FORMAT_CSV);
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

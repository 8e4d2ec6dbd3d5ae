/* SPDX-License-Identifier: BSD-2-Clause */
/* PTR answers from raw DNS messages (RFC 1035 4.1), bounds-checked at every byte. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "dns-ptr.h"

#define DNS_HEADER   12
#define TYPE_PTR     12
#define CLASS_IN     1
#define MAX_WIRE     255
#define MAX_POINTERS 64

void isw_dns_arpa_name(const struct isw_addr *addr, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (isw_addr_is_v4(addr)) {
		const uint8_t *b = addr->bytes;
		snprintf(buf, size, "%u.%u.%u.%u.in-addr.arpa", b[3], b[2], b[1], b[0]);
		return;
	}
	if (size < ISW_DNS_ARPA_MAX) {
		if (size)
			buf[0] = '\0';
		return;
	}
	for (int i = 15; i >= 0; i--) {
		buf[o++] = hex[addr->bytes[i] & 0xf];
		buf[o++] = '.';
		buf[o++] = hex[addr->bytes[i] >> 4];
		buf[o++] = '.';
	}
	memcpy(buf + o, "ip6.arpa", sizeof("ip6.arpa"));
}

/* Walks the name at *off: advances *off past it (past the first pointer if compressed) and,
 * if out is not NULL, writes it in presentation form.  0 or -EBADMSG. */
static int read_name(const uint8_t *msg, size_t len, size_t *off, char *out, size_t size)
{
	size_t pos = *off, end = 0, o = 0, wire = 0;
	int jumped = 0, pointers = 0, first = 1;

	for (;;) {
		unsigned l;

		if (pos >= len)
			return -EBADMSG;
		l = msg[pos];
		if ((l & 0xc0) == 0xc0) {
			if (pos + 1 >= len || ++pointers > MAX_POINTERS)
				return -EBADMSG;
			if (!jumped)
				end = pos + 2;
			jumped = 1;
			pos = (size_t)(l & 0x3f) << 8 | msg[pos + 1];
			continue;
		}
		if (l & 0xc0) /* 0x40 / 0x80: extended label types, obsolete */
			return -EBADMSG;
		wire += l + 1;
		if (wire > MAX_WIRE || pos + 1 + l > len)
			return -EBADMSG;
		if (l == 0) {
			pos++;
			break;
		}
		if (out) {
			if (!first) {
				if (o + 1 >= size)
					return -EBADMSG;
				out[o++] = '.';
			}
			for (unsigned i = 0; i < l; i++) {
				uint8_t c = msg[pos + 1 + i];
				if (o + 5 >= size)
					return -EBADMSG;
				if (c == '.' || c == '\\') {
					out[o++] = '\\';
					out[o++] = (char)c;
				} else if (c == 0) {
					o += (size_t)snprintf(out + o, size - o, "\\000");
				} else {
					out[o++] = (char)c;
				}
			}
		}
		first = 0;
		pos += 1 + l;
	}
	if (out) {
		if (first) { /* the root */
			if (size < 2)
				return -EBADMSG;
			out[o++] = '.';
		}
		out[o] = '\0';
	}
	*off = jumped ? end : pos;
	return 0;
}

int isw_dns_parse_ptr(const uint8_t *msg, size_t len, char *name, size_t size)
{
	size_t off = DNS_HEADER;
	unsigned qd, an;

	if (len < DNS_HEADER)
		return -EBADMSG;
	qd = isw_get_be16(msg + 4);
	an = isw_get_be16(msg + 6);
	for (unsigned i = 0; i < qd; i++) {
		if (read_name(msg, len, &off, NULL, 0) < 0 || off + 4 > len)
			return -EBADMSG;
		off += 4;
	}
	for (unsigned i = 0; i < an; i++) {
		unsigned type, class, rdlen;

		if (read_name(msg, len, &off, NULL, 0) < 0 || off + 10 > len)
			return -EBADMSG;
		type = isw_get_be16(msg + off);
		class = isw_get_be16(msg + off + 2);
		rdlen = isw_get_be16(msg + off + 8);
		off += 10;
		if (off + rdlen > len)
			return -EBADMSG;
		if (type == TYPE_PTR && class == CLASS_IN) {
			size_t p = off;
			if (read_name(msg, len, &p, name, size) < 0 || p != off + rdlen)
				return -EBADMSG;
			return 0;
		}
		off += rdlen;
	}
	return -ENOENT;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* --read of a trace holding ICMPv6: a classic pcap built here from real probes (Ethernet)
 * gives the echo reply and the error quoting our probe as results, counts our own probe, the
 * duplicate and the forged reply, leaves neighbour discovery out of the probes, and with
 * --no-validate takes another tool's echo replies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "icmpsweep/error.h"
#include "icmpsweep/trace.h"
#include "bytes.h"
#include "probe6.h"
#include "tag.h"

#define SEED    7
#define SEND_NS 1700000000000000000ULL
#define MAX_RES 8

static const uint8_t me[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [15] = 1};
static const uint8_t router[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [15] = 0xfe};
static const uint8_t target[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [14] = 0x12, [15] = 0x34};
static const uint8_t mac_me[6] = {2, 0, 0, 0, 0, 1}, mac_gw[6] = {2, 0, 0, 0, 0, 2};

struct collected {
	unsigned n;
	struct isw_result r[MAX_RES];
};

static void collect(const struct isw_result *r, void *arg)
{
	struct collected *c = arg;

	if (c->n < MAX_RES)
		c->r[c->n] = *r;
	c->n++;
}

struct trace {
	FILE *fp;
	char path[64];
	uint32_t usec;
};

static void put32(FILE *fp, uint32_t v)
{
	assert_int_equal(fwrite(&v, 4, 1, fp), 1); /* host order: the magic says which */
}

static void trace_open(struct trace *t)
{
	int fd;

	snprintf(t->path, sizeof(t->path), "/tmp/isw-trace6-XXXXXX");
	fd = mkstemp(t->path);
	assert_true(fd >= 0);
	t->fp = fdopen(fd, "wb");
	assert_non_null(t->fp);
	t->usec = 0;
	put32(t->fp, 0xa1b2c3d4u);
	put32(t->fp, 2u | 4u << 16); /* version 2.4 */
	put32(t->fp, 0);
	put32(t->fp, 0);
	put32(t->fp, 65535);
	put32(t->fp, 1); /* Ethernet */
}

/* One frame: an Ethernet header (from the gateway to us) and the IPv6 packet ip. */
static void trace_add(struct trace *t, const uint8_t *ip, size_t len)
{
	uint8_t eth[14] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x86, 0xdd};

	memcpy(eth, mac_me, 6);
	memcpy(eth + 6, mac_gw, 6);
	put32(t->fp, 1700000000u);
	put32(t->fp, t->usec += 2500); /* 2.5 ms apart */
	put32(t->fp, (uint32_t)(14 + len));
	put32(t->fp, (uint32_t)(14 + len));
	assert_int_equal(fwrite(eth, 1, 14, t->fp), 14);
	assert_int_equal(fwrite(ip, 1, len, t->fp), len);
}

/* Our probe to target (attempt 1), raw IPv6; its length. */
static size_t probe(uint8_t *out)
{
	struct isw_probe6_params p = {.hop_limit = 64, .raw_ip = 1};
	struct isw_probe6_template tmpl;
	struct isw_tag_key key;
	char err[ISW_ERRBUF_SIZE];

	memcpy(p.src, me, 16);
	assert_int_equal(isw_probe6_template_init(&tmpl, &p, err), 0);
	isw_tag_key_init(&key, SEED);
	isw_probe6_patch(&tmpl, &key, out, target, 1, SEND_NS);
	return tmpl.len;
}

/* The target's echo reply to our probe. */
static size_t reply(uint8_t *out)
{
	size_t n = probe(out);

	memcpy(out + 8, target, 16);
	memcpy(out + 24, me, 16);
	out[7] = 57;
	out[40] = 129;
	return n;
}

/* An ICMPv6 packet of type from src to us with body bytes after the 8-byte header. */
static size_t icmp6(uint8_t *out, const uint8_t *src, uint8_t type, const uint8_t *body,
                    size_t body_len)
{
	memset(out, 0, 48);
	out[0] = 0x60;
	isw_put_be16(out + 4, (uint16_t)(8 + body_len));
	out[6] = 58;
	out[7] = 255;
	memcpy(out + 8, src, 16);
	memcpy(out + 24, me, 16);
	out[40] = type;
	memcpy(out + 48, body, body_len);
	return 48 + body_len;
}

static void analyse(const char *path, int no_validate, struct collected *c,
                    struct isw_offline_stats *st)
{
	struct isw_offline_config cfg = {
	    .path = path, .seed = SEED, .have_seed = 1, .no_validate = no_validate};
	char err[ISW_ERRBUF_SIZE] = "";

	memset(c, 0, sizeof(*c));
	if (isw_trace_analyse(&cfg, collect, c, st, err) != 0)
		fail_msg("%s", err);
}

static void test_ipv6_trace(void **state)
{
	uint8_t pkt[256], q[ISW_PROBE6_MAX_LEN];
	char a[ISW_ADDR_TEXT_MAX];
	struct isw_offline_stats st;
	struct collected c;
	struct trace t;
	size_t n, qn = probe(q);

	(void)state;
	trace_open(&t);
	trace_add(&t, q, qn); /* our probe */
	n = reply(pkt);
	trace_add(&t, pkt, n);            /* its reply */
	trace_add(&t, pkt, n);            /* the reply again */
	n = icmp6(pkt, router, 3, q, qn); /* time exceeded quoting the probe */
	trace_add(&t, pkt, n);
	n = reply(pkt);
	pkt[40 + 7] ^= 1; /* a forged sequence */
	trace_add(&t, pkt, n);
	n = icmp6(pkt, router, 136, target, 16); /* a neighbour advertisement */
	trace_add(&t, pkt, n);
	assert_int_equal(fclose(t.fp), 0);

	analyse(t.path, 0, &c, &st);
	assert_int_equal(st.packets, 6);
	assert_int_equal(st.probes, 1);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.icmp_errors, 1);
	assert_int_equal(st.invalid, 2); /* the forged reply, the neighbour advertisement */
	assert_int_equal(c.n, 2);
	assert_int_equal(c.r[0].type, ISW_RESULT_ECHO_REPLY);
	assert_string_equal(isw_addr_format(&c.r[0].addr, a), "2001:db8:1::1234");
	assert_int_equal(c.r[0].probe, 1);
	assert_int_equal(c.r[0].ttl, 57);
	assert_int_equal(c.r[0].scope_id, 0);
	assert_int_equal(c.r[1].type, ISW_RESULT_TIME_EXCEEDED);
	assert_string_equal(isw_addr_format(&c.r[1].addr, a), "2001:db8:1::1234");
	assert_string_equal(isw_addr_format(&c.r[1].responder, a), "2001:db8:ffff::fe");
	unlink(t.path);

	/* Another tool's trace: its echo replies carry no tag of ours. */
	trace_open(&t);
	n = icmp6(pkt, target, 129, (const uint8_t *)"\x12\x34\x00\x01pingpayload", 15);
	trace_add(&t, pkt, n);
	assert_int_equal(fclose(t.fp), 0);
	analyse(t.path, 0, &c, &st);
	assert_int_equal(st.hits, 0);
	assert_int_equal(st.invalid, 1);
	analyse(t.path, 1, &c, &st);
	assert_int_equal(st.hits, 1);
	assert_int_equal(c.n, 1);
	assert_string_equal(isw_addr_format(&c.r[0].addr, a), "2001:db8:1::1234");
	assert_true(c.r[0].rtt_ms < 0);
	unlink(t.path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipv6_trace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for the resolver stage: the PTR answer parser (engine/resolve/dns-ptr.c) and the stage
 * itself (engine/resolve/resolve.c) against fake DNS servers that live in this process.  c-ares'
 * socket functions are replaced: a "socket" is one end of an AF_UNIX socketpair, and sending a
 * query writes the fake server's answer (or nothing) into the other end at once.  No packet
 * is ever sent on a network. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "dns-ptr.h"
#include "resolve-internal.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* --- the parser --------------------------------------------------------------------------- */

struct msg {
	uint8_t b[1024];
	size_t n;
};

static void put(struct msg *m, const void *p, size_t n)
{
	assert_true(m->n + n <= sizeof(m->b));
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void put16(struct msg *m, unsigned v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	put(m, b, 2);
}

/* Labels separated by '|' (so that a label may hold '.'); "" is the root. */
static void put_name(struct msg *m, const char *labels)
{
	const char *p = labels;

	while (*p) {
		const char *e = strchr(p, '|');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		uint8_t len = (uint8_t)l;
		put(m, &len, 1);
		put(m, p, l);
		p += l + (e ? 1 : 0);
	}
	put(m, "", 1);
}

/* Header + question for 4.3.2.1.in-addr.arpa PTR. */
static void start(struct msg *m, unsigned ancount)
{
	m->n = 0;
	put16(m, 0x1234);
	put16(m, 0x8180);
	put16(m, 1);
	put16(m, ancount);
	put16(m, 0);
	put16(m, 0);
	put_name(m, "4|3|2|1|in-addr|arpa");
	put16(m, 12);
	put16(m, 1);
}

static void rr_header(struct msg *m, unsigned type, unsigned rdlen)
{
	put16(m, 0xc00c); /* owner: the question name */
	put16(m, type);
	put16(m, 1);
	put16(m, 0);
	put16(m, 60);
	put16(m, rdlen);
}

static int parse(const struct msg *m, char *name)
{
	return isw_dns_parse_ptr(m->b, m->n, name, ISW_DNS_NAME_MAX);
}

static void test_arpa_name(void **state)
{
	char buf[ISW_DNS_ARPA_MAX];
	struct isw_addr a = isw_addr_from_v4(IP(198, 18, 4, 7));

	isw_dns_arpa_name(&a, buf, sizeof(buf));
	assert_string_equal(buf, "7.4.18.198.in-addr.arpa");
	a = isw_addr_from_v4(IP(255, 255, 255, 255));
	isw_dns_arpa_name(&a, buf, sizeof(buf));
	assert_string_equal(buf, "255.255.255.255.in-addr.arpa");
	/* RFC 3596 2.5: every nibble, lowest first, leading zeros kept. */
	assert_int_equal(isw_addr_parse("2001:db8::567:89ab", &a, NULL), 0);
	isw_dns_arpa_name(&a, buf, sizeof(buf));
	assert_string_equal(
	    buf, "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
	assert_int_equal(strlen(buf), ISW_DNS_ARPA_MAX - 1);
	/* Too small a buffer gets an empty name, not a cut one that would ask another zone. */
	isw_dns_arpa_name(&a, buf, 40);
	assert_string_equal(buf, "");
}

static void test_parse_plain(void **state)
{
	struct msg m;
	char name[ISW_DNS_NAME_MAX];

	start(&m, 1);
	rr_header(&m, 12, 26);
	put_name(&m, "printer-3|office|example");
	assert_int_equal(parse(&m, name), 0);
	assert_string_equal(name, "printer-3.office.example");
}

/* Any byte survives; '.', '\' and NUL inside a label are escaped. */
static void test_parse_odd_bytes(void **state)
{
	static const uint8_t rdata[] = {8,   'a', ',',  'b', '"', 'c',  0xc3, 0xa9, '\n', 4,
	                                'd', '.', '\\', 0,   3,   0xff, ' ',  ',',  0};
	struct msg m;
	char name[ISW_DNS_NAME_MAX];

	start(&m, 1);
	rr_header(&m, 12, sizeof(rdata));
	put(&m, rdata, sizeof(rdata));
	assert_int_equal(parse(&m, name), 0);
	assert_string_equal(name, "a,b\"c\xc3\xa9\n.d\\.\\\\\\000.\xff ,");
}

/* Compression in the rdata, a CNAME first (RFC 2317 delegation), the first PTR wins. */
static void test_parse_compressed_after_cname(void **state)
{
	struct msg m;
	char name[ISW_DNS_NAME_MAX];

	start(&m, 3);
	rr_header(&m, 5, 2); /* a CNAME first */
	put16(&m, 0xc00c);
	rr_header(&m, 12, 7); /* "host" + pointer to "2.1.in-addr.arpa" in the question */
	put(&m, "\x04host", 5);
	put16(&m, 0xc000 | 16);
	rr_header(&m, 12, 7);
	put(&m, "\x05other", 6);
	put(&m, "", 1);
	assert_int_equal(parse(&m, name), 0);
	assert_string_equal(name, "host.2.1.in-addr.arpa");
}

static void test_parse_no_ptr(void **state)
{
	struct msg m;
	char name[ISW_DNS_NAME_MAX];

	start(&m, 0);
	assert_int_equal(parse(&m, name), -ENOENT);
	start(&m, 1);
	rr_header(&m, 5, 2);
	put16(&m, 0xc00c);
	assert_int_equal(parse(&m, name), -ENOENT);
}

static void test_parse_malformed(void **state)
{
	struct msg m, good;
	char name[ISW_DNS_NAME_MAX];

	/* Every truncation of a good answer is rejected, never read past. */
	start(&good, 1);
	rr_header(&good, 12, 14);
	put_name(&good, "host|example");
	for (size_t n = 0; n < good.n; n++)
		assert_int_not_equal(isw_dns_parse_ptr(good.b, n, name, sizeof(name)), 0);

	/* A pointer loop. */
	start(&m, 1);
	rr_header(&m, 12, 2);
	put16(&m, 0xc000 | (unsigned)(m.n)); /* points at itself */
	assert_int_equal(parse(&m, name), -EBADMSG);

	/* rdlength that does not match the name. */
	start(&m, 1);
	rr_header(&m, 12, 20);
	put_name(&m, "host|example");
	put(&m, "123456", 6);
	assert_int_equal(parse(&m, name), -EBADMSG);

	/* A name longer than 255 bytes. */
	start(&m, 1);
	rr_header(&m, 12, 5 * 64 + 1);
	for (int i = 0; i < 5; i++) {
		uint8_t l = 63;
		put(&m, &l, 1);
		for (int k = 0; k < 63; k++)
			put(&m, "x", 1);
	}
	put(&m, "", 1);
	assert_int_equal(parse(&m, name), -EBADMSG);

	/* The output buffer is too small: an error, not an overflow. */
	assert_int_equal(isw_dns_parse_ptr(good.b, good.n, name, 5), -EBADMSG);
	assert_int_equal(isw_dns_parse_ptr(good.b, good.n, name, sizeof(name)), 0);
}

/* --- fake servers ---------------------------------------------------------------------------- */

enum behaviour { ANSWER, DROP };

#define MAX_FDS 64

struct fake {
	enum behaviour server[2];         /* by server index: .53 and .54 */
	int peer[MAX_FDS];                /* our end of the pair, by c-ares' fd */
	struct sockaddr_in addr[MAX_FDS]; /* where c-ares "connected" that fd */
	atomic_int queries[2];
	char qname6[80]; /* the last ip6.arpa name asked, in presentation form */
};

static struct fake fake;

/* Records of the fake zone: 10.0.x.y with y < 100 has name "hX-Y.test", y 100..149 NXDOMAIN,
 * y 150..159 SERVFAIL, y >= 200 a name with odd bytes. */
static int zone(uint32_t a, char *name, size_t size)
{
	unsigned y = a & 0xff, x = (a >> 8) & 0xff;

	if (y < 100) {
		snprintf(name, size, "h%u-%u.test", x, y);
		return 0;
	}
	if (y < 150)
		return 3;
	if (y < 160)
		return 2;
	if (y >= 200) {
		snprintf(name, size, "a,b\"c.caf\xc3\xa9-%u.test", y);
		return 0;
	}
	return 3;
}

static ares_socket_t f_socket(int domain, int type, int protocol, void *user)
{
	int sv[2];

	if (type != SOCK_DGRAM)
		return ARES_SOCKET_BAD;
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		return ARES_SOCKET_BAD;
	if (sv[0] >= MAX_FDS) {
		close(sv[0]);
		close(sv[1]);
		return ARES_SOCKET_BAD;
	}
	fake.peer[sv[0]] = sv[1];
	return sv[0];
}

static int f_close(ares_socket_t fd, void *user)
{
	close(fake.peer[fd]);
	fake.peer[fd] = -1;
	return close(fd);
}

static int f_connect(ares_socket_t fd, const struct sockaddr *sa, ares_socklen_t len, void *user)
{
	memcpy(&fake.addr[fd], sa, sizeof(struct sockaddr_in));
	return 0;
}

static ares_ssize_t f_recvfrom(ares_socket_t fd, void *buf, size_t len, int flags,
                               struct sockaddr *from, ares_socklen_t *fromlen, void *user)
{
	ssize_t n = recv(fd, buf, len, flags);

	if (n >= 0 && from) {
		memcpy(from, &fake.addr[fd], sizeof(struct sockaddr_in));
		*fromlen = sizeof(struct sockaddr_in);
	}
	return n;
}

/* The fake server answers right here: its reply is readable on c-ares' end at once. */
static ares_ssize_t f_sendv(ares_socket_t fd, const struct iovec *iov, int iovcnt, void *user)
{
	uint8_t q[512], r[1024];
	size_t n = 0, qend;
	unsigned o[4] = {0};
	char name[256];
	int server = (ntohl(fake.addr[fd].sin_addr.s_addr) & 0xff) == 53 ? 0 : 1;
	int rcode, k = 0;
	size_t off = 12;

	for (int i = 0; i < iovcnt; i++) {
		memcpy(q + n, iov[i].iov_base, iov[i].iov_len);
		n += iov[i].iov_len;
	}
	atomic_fetch_add(&fake.queries[server], 1);
	if (fake.server[server] == DROP)
		return (ares_ssize_t)n;
	/* An ip6.arpa name: 32 one-nibble labels.  Its zone: "v6-N.example" for a last nibble N
	 * other than f, which has no name. */
	if (n > off + 68 && q[off] == 1 && q[off + 64] == 3 && !memcmp(q + off + 65, "ip6", 3)) {
		size_t at = off, t = 0;
		while (q[at] && t + q[at] + 2 < sizeof(fake.qname6)) {
			memcpy(fake.qname6 + t, q + at + 1, q[at]);
			t += q[at];
			fake.qname6[t++] = '.';
			at += 1u + q[at];
		}
		fake.qname6[t ? t - 1 : 0] = 0;
		rcode = fake.qname6[0] == 'f' ? 3 : 0;
		snprintf(name, sizeof(name), "v6-%c.example", fake.qname6[0]);
		goto reply;
	}
	/* d.c.b.a.in-addr.arpa */
	while (q[off] && k < 4) {
		char lab[8] = "";
		memcpy(lab, q + off + 1, q[off] < 7 ? q[off] : 7);
		o[k++] = (unsigned)atoi(lab);
		off += 1u + q[off];
	}
	while (q[off])
		off += 1u + q[off];
	qend = off + 1 + 4;
	rcode = zone(IP(o[3], o[2], o[1], o[0]), name, sizeof(name));
reply:
	while (q[off])
		off += 1u + q[off];
	qend = off + 1 + 4;
	memcpy(r, q, qend);
	r[2] = 0x81;
	r[3] = (uint8_t)(0x80 | rcode);
	r[7] = rcode == 0;
	n = qend;
	if (rcode == 0) {
		uint8_t rr[12] = {0xc0, 0x0c, 0, 12, 0, 1, 0, 0, 0, 60};
		size_t nl = 0;
		uint8_t wire[300];
		char *p = name, *dot;
		do {
			dot = strchr(p, '.');
			size_t l = dot ? (size_t)(dot - p) : strlen(p);
			wire[nl++] = (uint8_t)l;
			memcpy(wire + nl, p, l);
			nl += l;
			if (dot)
				p = dot + 1;
		} while (dot);
		wire[nl++] = 0;
		rr[10] = (uint8_t)(nl >> 8);
		rr[11] = (uint8_t)nl;
		memcpy(r + n, rr, 12);
		memcpy(r + n + 12, wire, nl);
		n += 12 + nl;
	}
	if (send(fake.peer[fd], r, n, 0) < 0)
		return -1;
	return (ares_ssize_t)n;
}

static const struct ares_socket_functions fake_funcs = {f_socket, f_close, f_connect, f_recvfrom,
                                                        f_sendv};

/* --- collecting results ----------------------------------------------------------------------- */

#define MAX_RESULTS 20000

struct got {
	atomic_int n;
	struct {
		uint32_t addr;
		struct isw_addr a;
		enum isw_result_type type;
		enum isw_lookup lookup;
		char name[128];
	} r[MAX_RESULTS];
};

static struct got got;

static void collect(const struct isw_result *r, void *arg)
{
	int i = atomic_fetch_add(&got.n, 1);

	if (i >= MAX_RESULTS)
		return;
	got.r[i].addr = isw_addr_v4(&r->addr);
	got.r[i].a = r->addr;
	got.r[i].type = r->type;
	got.r[i].lookup = r->lookup;
	snprintf(got.r[i].name, sizeof(got.r[i].name), "%s", r->hostname ? r->hostname : "");
}

static int setup(void **state)
{
	memset(&fake, 0, sizeof(fake));
	for (int i = 0; i < MAX_FDS; i++)
		fake.peer[i] = -1;
	memset(&got, 0, sizeof(got));
	return 0;
}

static isw_resolver *start_resolver(const char *const *servers, size_t n, unsigned timeout_ms,
                                    unsigned tries, size_t queue)
{
	struct isw_resolver_config cfg;
	struct isw_resolver_hooks hooks = {&fake_funcs, NULL};
	isw_resolver *r = NULL;
	char err[ISW_ERRBUF_SIZE] = "";

	isw_resolver_config_init(&cfg);
	cfg.servers = servers;
	cfg.nservers = n;
	cfg.timeout_ms = timeout_ms;
	cfg.tries = tries;
	cfg.queue_size = queue;
	if (isw_resolver_new_hooked(&r, &cfg, collect, NULL, &hooks, err) != 0)
		fail_msg("isw_resolver_new: %s", err);
	return r;
}

static void submit(isw_resolver *r, uint32_t addr, enum isw_result_type type)
{
	struct isw_result res;

	memset(&res, 0, sizeof(res));
	res.addr = isw_addr_from_v4(addr);
	res.responder = res.addr;
	res.type = type;
	res.rtt_ms = 1.5;
	assert_int_equal(isw_resolver_submit(r, &res), 0);
}

/* Waits for the end, bounded by a count of 100 ms waits rather than by reading a clock: a
 * guard against a hang, not a measure (how long lookups take is e2e.resolve_timeout's). */
static void finish(isw_resolver *r, unsigned limit_s)
{
	unsigned waits = 0;

	isw_resolver_finish(r);
	while (!isw_resolver_wait(r, 100))
		if (++waits >= limit_s * 10)
			fail_msg("resolver did not finish within %u s", limit_s);
}

static const char *const ONE[] = {"192.0.2.53"};
static const char *const TWO[] = {"192.0.2.53", "192.0.2.54:53"};

/* IPv6 addresses are looked up under ip6.arpa through the same stage, beside IPv4 ones. */
static void test_ipv6_ptr(void **state)
{
	isw_resolver *r = start_resolver(ONE, 1, 1000, 2, 0);
	static const char *const texts[] = {"2001:db8::1", "2001:db8::f", "198.18.0.1"};
	struct isw_result res;
	char text[ISW_ADDR_TEXT_MAX];
	int found = 0;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		memset(&res, 0, sizeof(res));
		assert_int_equal(isw_addr_parse(texts[i], &res.addr, NULL), 0);
		res.responder = res.addr;
		res.rtt_ms = -1;
		assert_int_equal(isw_resolver_submit(r, &res), 0);
	}
	finish(r, 10);
	assert_int_equal(atomic_load(&got.n), 3);
	for (int i = 0; i < 3; i++) {
		isw_addr_format(&got.r[i].a, text);
		if (!strcmp(text, "2001:db8::1")) {
			assert_int_equal(got.r[i].lookup, ISW_LOOKUP_OK);
			assert_string_equal(got.r[i].name, "v6-1.example");
			found |= 1;
		} else if (!strcmp(text, "2001:db8::f")) {
			assert_int_equal(got.r[i].lookup, ISW_LOOKUP_NXDOMAIN);
			assert_string_equal(got.r[i].name, "");
			found |= 2;
		} else {
			assert_string_equal(text, "198.18.0.1");
			found |= 4;
		}
	}
	assert_int_equal(found, 7);
	/* The last IPv6 name asked was one of the two, in full nibble form. */
	assert_string_equal(
	    fake.qname6 + 1,
	    ".0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
	assert_true(fake.qname6[0] == '1' || fake.qname6[0] == 'f');
	assert_int_equal(strlen(fake.qname6), ISW_DNS_ARPA_MAX - 1);
	isw_resolver_free(r);
}

/* Every outcome, exact names (odd bytes included), the cache, and one callback per result. */
static void test_outcomes_and_cache(void **state)
{
	isw_resolver *r = start_resolver(ONE, 1, 1000, 2, 0);
	struct isw_resolver_stats st;
	int seen[256] = {0};

	for (unsigned y = 0; y < 256; y++)
		if (y < 160 || y >= 200)
			submit(r, IP(10, 0, 7, y), ISW_RESULT_ECHO_REPLY);
	/* The same addresses again, as ICMP errors: answered from the cache. */
	for (unsigned y = 0; y < 10; y++)
		submit(r, IP(10, 0, 7, y), ISW_RESULT_UNREACHABLE);
	finish(r, 10);
	isw_resolver_get_stats(r, &st);
	assert_int_equal(atomic_load(&got.n), 216 + 10);
	for (int i = 0; i < atomic_load(&got.n); i++) {
		unsigned y = got.r[i].addr & 0xff;
		char want[128];
		int rc = zone(got.r[i].addr, want, sizeof(want));
		enum isw_lookup lk = rc == 0   ? ISW_LOOKUP_OK
		                     : rc == 3 ? ISW_LOOKUP_NXDOMAIN
		                               : ISW_LOOKUP_SERVFAIL;
		if (got.r[i].lookup != lk || strcmp(got.r[i].name, rc == 0 ? want : ""))
			fail_msg("10.0.7.%u: lookup %d name '%s'", y, got.r[i].lookup,
			         got.r[i].name);
		seen[y]++;
	}
	for (unsigned y = 0; y < 256; y++)
		assert_int_equal(seen[y], (y < 160 || y >= 200) + (y < 10));
	assert_int_equal(st.submitted, 226);
	assert_int_equal(st.written, 226);
	assert_int_equal(st.lookups, 216);
	assert_int_equal(st.ok, 156);
	assert_int_equal(st.nxdomain, 50);
	assert_int_equal(st.servfail, 10);
	assert_int_equal(st.timeout, 0);
	assert_int_equal(st.cache_hits, 10);
	assert_int_equal(st.queries, 216); /* one server: SERVFAIL is not retried */
	assert_true(st.finished);
	isw_resolver_free(r);
}

/* A server that drops everything next to a good one: every name still comes back, through
 * retries, and the silent server's window shrinks. */
static void test_failover(void **state)
{
	isw_resolver *r;
	struct isw_resolver_stats st;
	struct isw_resolver_server_stats s0, s1;

	fake.server[0] = DROP;
	r = start_resolver(TWO, 2, 200, 2, 0);
	for (unsigned x = 0; x < 20; x++)
		for (unsigned y = 0; y < 100; y++)
			submit(r, IP(10, 1, x, y), ISW_RESULT_ECHO_REPLY);
	finish(r, 10);
	isw_resolver_get_stats(r, &st);
	assert_int_equal(st.written, 2000);
	assert_int_equal(st.ok, 2000);
	assert_true(st.retries > 0);
	assert_int_equal(isw_resolver_get_server(r, 0, &s0), 0);
	assert_int_equal(isw_resolver_get_server(r, 1, &s1), 0);
	assert_int_equal(isw_resolver_get_server(r, 2, &s1), -ENOENT);
	isw_resolver_get_server(r, 1, &s1);
	assert_string_equal(s0.name, "192.0.2.53:53");
	assert_true(s0.timeouts > 0 && s0.answers == 0 && s0.decreases > 0);
	assert_true(s0.window < 32);
	assert_int_equal(s1.answers, 2000);
	/* Only the first window went to the silent server before it backed off. */
	assert_true(s0.queries <= 64);
	isw_resolver_free(r);
}

/* Nothing answers: every result is still written ("timeout"), each lookup after at most its
 * tries.  The time bound (tries * timeout after arrival) is e2e.resolve_timeout's to check: a
 * unit test on a loaded machine cannot time it. */
static void test_all_silent_bounded(void **state)
{
	isw_resolver *r;
	struct isw_resolver_stats st;

	fake.server[0] = fake.server[1] = DROP;
	r = start_resolver(TWO, 2, 150, 2, 0);
	for (unsigned i = 0; i < 3000; i++)
		submit(r, IP(10, 2, i >> 8, i & 0xff), ISW_RESULT_ECHO_REPLY);
	finish(r, 10);
	isw_resolver_get_stats(r, &st);
	assert_int_equal(st.written, 3000);
	assert_int_equal(st.lookups, 3000);
	assert_int_equal(st.timeout, 3000);
	for (int i = 0; i < 3000; i++)
		assert_int_equal(got.r[i].lookup, ISW_LOOKUP_TIMEOUT);
	/* Two tries each at most, and the retries are among the queries. */
	assert_true(st.queries <= 2 * 3000);
	assert_true(st.retries <= st.queries && st.retries <= 3000);
	assert_int_equal(st.in_flight, 0);
	assert_int_equal(st.waiting, 0);
	isw_resolver_free(r);
}

/* The tries stay bounded even when retries queue behind a collapsed window: 3 tries, never
 * more, for every lookup. */
static void test_bound_strict(void **state)
{
	isw_resolver *r;
	struct isw_resolver_stats st;

	fake.server[0] = DROP;
	r = start_resolver(ONE, 1, 300, 3, 0);
	for (unsigned i = 0; i < 400; i++)
		submit(r, IP(10, 5, i >> 8, i & 0xff), ISW_RESULT_ECHO_REPLY);
	finish(r, 10);
	isw_resolver_get_stats(r, &st);
	assert_int_equal(st.written, 400);
	assert_int_equal(st.timeout, 400);
	assert_true(st.queries <= 3 * 400);
	assert_true(st.retries <= 2 * 400);
	assert_int_equal(st.in_flight, 0);
	isw_resolver_free(r);
}

/* stop: outstanding lookups end at once, every result is written.  With a 60 s timeout and 3
 * tries, finishing within finish()'s 5 s guard is only possible through the stop. */
static void test_stop(void **state)
{
	isw_resolver *r;
	struct isw_resolver_stats st;

	fake.server[0] = DROP;
	r = start_resolver(ONE, 1, 60000, 3, 0);
	for (unsigned i = 0; i < 500; i++)
		submit(r, IP(10, 3, i >> 8, i & 0xff), ISW_RESULT_ECHO_REPLY);
	usleep(50000);
	isw_resolver_stop(r);
	finish(r, 5);
	isw_resolver_get_stats(r, &st);
	assert_int_equal(st.written, 500);
	assert_int_equal(st.timeout, 500);
	assert_true(st.queries <= 3 * 500);
	assert_int_equal(st.in_flight, 0);
	isw_resolver_free(r);
}

/* A two-slot queue: the submitter never waits and never loses a result; everything spills
 * through the overflow list and is still looked up. */
static void test_tiny_queue_spills(void **state)
{
	isw_resolver *r = start_resolver(ONE, 1, 1000, 2, 2);
	struct isw_resolver_stats st;

	for (unsigned i = 0; i < 10000; i++)
		submit(r, IP(10, 4, i / 100, i % 100), ISW_RESULT_ECHO_REPLY);
	finish(r, 20);
	isw_resolver_get_stats(r, &st);
	assert_int_equal(st.written, 10000);
	assert_int_equal(st.ok, 10000);
	assert_true(st.spilled > 0);
	assert_int_equal(isw_resolver_submit(r, &(struct isw_result){0}), -EPIPE);
	isw_resolver_free(r);
}

static void test_config_errors(void **state)
{
	struct isw_resolver_config cfg;
	isw_resolver *r = NULL;
	char err[ISW_ERRBUF_SIZE];
	const char *bad[] = {"",           "foo",  "1.2.3.4:", "1.2.3.4:0", "1.2.3.4:65536",
	                     "1.2.3.4:5x", "[::1", "[::1]x",   "1.2.3",     "[1.2.3.4]:53"};
	const char *good[] = {"1.2.3.4", "1.2.3.4:5353", "::1", "[::1]", "[2001:db8::1]:53"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		if (isw_resolver_server_check(bad[i], err) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		if (!strstr(err, bad[i]))
			fail_msg("message '%s' does not name '%s'", err, bad[i]);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (isw_resolver_server_check(good[i], err) != 0)
			fail_msg("'%s' rejected: %s", good[i], err);
	isw_resolver_config_init(&cfg);
	cfg.concurrency = 0;
	assert_int_equal(isw_resolver_new(&r, &cfg, collect, NULL, err), -EINVAL);
	isw_resolver_config_init(&cfg);
	cfg.tries = 0;
	assert_int_equal(isw_resolver_new(&r, &cfg, collect, NULL, err), -EINVAL);
	isw_resolver_config_init(&cfg);
	cfg.servers = bad;
	cfg.nservers = 1;
	assert_int_equal(isw_resolver_new(&r, &cfg, collect, NULL, err), -EINVAL);
	assert_null(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_arpa_name),
	    cmocka_unit_test(test_parse_plain),
	    cmocka_unit_test(test_parse_odd_bytes),
	    cmocka_unit_test(test_parse_compressed_after_cname),
	    cmocka_unit_test(test_parse_no_ptr),
	    cmocka_unit_test(test_parse_malformed),
	    cmocka_unit_test_setup(test_outcomes_and_cache, setup),
	    cmocka_unit_test_setup(test_ipv6_ptr, setup),
	    cmocka_unit_test_setup(test_failover, setup),
	    cmocka_unit_test_setup(test_all_silent_bounded, setup),
	    cmocka_unit_test_setup(test_bound_strict, setup),
	    cmocka_unit_test_setup(test_stop, setup),
	    cmocka_unit_test_setup(test_tiny_queue_spills, setup),
	    cmocka_unit_test(test_config_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

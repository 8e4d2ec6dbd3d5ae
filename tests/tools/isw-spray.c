/* SPDX-License-Identifier: BSD-2-Clause */
/* isw-spray: sprays hostile and malformed ICMP at a scanner, for the e2e tests.
 *
 * Run inside the TARGET namespace of the test lab while icmpsweep sweeps it.  Every packet is
 * addressed to the scanner (the DST argument) and none of them answers a probe, so a correct
 * scanner reports none of them:
 *
 *   - echo replies from random sources in 198.18.0.0/15 with random identifier, sequence and
 *     payload, some with payloads shaped like icmpsweep's own (16 bytes, plausible time,
 *     attempt and format byte), some with bad checksums
 *   - truncated ICMP headers (1..7 bytes) and zero-length ICMP
 *   - destination unreachable / time exceeded quoting random fake IPv4 + ICMP echo headers,
 *     quoting truncated headers, and quoting headers whose length fields lie
 *   - IP packets with garbage IP options, and fragments
 *   - with -R IFACE (replay): copies of the scanner's real probes seen on IFACE, echoed back
 *     from another source address, with a corrupted payload tag, or quoted in ICMP errors
 *     with a changed destination
 *   - with -L IFACE -M MAC (link layer): IP headers with a bad IHL (< 5), whose total length
 *     lies (longer than the frame, shorter than the headers) or whose IHL runs past the frame
 *     end - packets the kernel's raw socket refuses or fixes up
 *
 * Bounded: stops after -c COUNT packets (default 100000) or -t SECONDS (default 10), or on
 * SIGINT/SIGTERM; prints a summary on stderr.  Sends at most -r PPS (default 5000).
 *
 * -k KIND,... limits the spray to the named kinds (see kind_name below; for diagnosis).
 *
 * usage: isw-spray [-c COUNT] [-t SECONDS] [-r PPS] [-s SEED] [-k KINDS] [-R IFACE]
 *                  [-L IFACE -M MAC] DST
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SWEEP_NET  0xc6120000u /* 198.18.0.0/15 */
#define SWEEP_MASK 0xfffe0000u
#define PKT_MAX    1500

enum kind {
	K_ECHO_RANDOM,
	K_ECHO_PLAUSIBLE,
	K_ECHO_BAD_CSUM,
	K_ICMP_TRUNC,
	K_ICMP_ZERO,
	K_UNREACH_FAKE,
	K_TIMEX_FAKE,
	K_ERR_QUOTE_TRUNC,
	K_ERR_QUOTE_LIES,
	K_IP_OPTIONS,
	K_FRAGMENT,
	K_NKINDS_RAW,
	/* replay (-R) */
	K_REPLAY_OTHER_SRC = K_NKINDS_RAW,
	K_REPLAY_BAD_TAG,
	K_REPLAY_ERR_OTHER_DST,
	/* link layer (-L) */
	K_LL_BAD_IHL,
	K_LL_TOTLEN_LONG,
	K_LL_TOTLEN_SHORT,
	K_LL_IHL_PAST_END,
	K_NKINDS
};

static const char *kind_name[K_NKINDS] = {
    "echo-random",    "echo-plausible",   "echo-bad-csum",   "icmp-trunc",     "icmp-zero",
    "unreach-fake",   "timex-fake",       "err-quote-trunc", "err-quote-lies", "ip-options",
    "fragment",       "replay-other-src", "replay-bad-tag",  "replay-err-dst", "ll-bad-ihl",
    "ll-totlen-long", "ll-totlen-short",  "ll-ihl-past-end",
};

static volatile sig_atomic_t stop;
static uint64_t rng_state;
static uint32_t scanner; /* network byte order */
static uint64_t sent[K_NKINDS], errors[K_NKINDS];
static int enabled[K_NKINDS];

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

static void rnd_fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

static uint32_t rnd_sweep_addr(void)
{
	return htonl(SWEEP_NET | (uint32_t)(rnd() & ~SWEEP_MASK));
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)(p[n - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

static void put16(uint8_t *p, uint16_t v_net)
{
	memcpy(p, &v_net, 2);
}

/* Writes an IPv4 header of ihl words; total = header + payload length.  Returns ihl * 4. */
static size_t ip_header(uint8_t *p, unsigned ihl, uint32_t src, uint32_t dst, uint8_t proto,
                        size_t total)
{
	size_t hl = ihl * 4;
	memset(p, 0, hl < 20 ? 20 : hl);
	p[0] = (uint8_t)(0x40 | (ihl & 0x0f));
	put16(p + 2, htons((uint16_t)total));
	put16(p + 4, htons((uint16_t)rnd()));
	p[8] = (uint8_t)(32 + rnd_below(200));
	p[9] = proto;
	memcpy(p + 12, &src, 4);
	memcpy(p + 16, &dst, 4);
	put16(p + 10, csum(p, hl >= 20 ? hl : 20));
	return hl;
}

/* ICMP header + body at p (body already in place at p + 8); fixes the checksum. */
static void icmp_finish(uint8_t *p, uint8_t type, uint8_t code, size_t len)
{
	p[0] = type;
	p[1] = code;
	put16(p + 2, 0);
	put16(p + 2, csum(p, len));
}

/* icmpsweep-shaped 16-byte payload: send time near now, attempt, format, random tag. */
static void plausible_payload(uint8_t *p)
{
	uint64_t t = realtime_ns() - (uint64_t)rnd_below(3000) * 1000000ull;
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(t >> (56 - 8 * i));
	p[8] = (uint8_t)(1 + rnd_below(3));
	p[9] = 1;
	p[10] = p[11] = 0;
	rnd_fill(p + 12, 4);
}

/* A fake quoted probe: IPv4 header (scanner -> random target) + ICMP echo request header,
 * plus payload_len payload bytes.  Returns its length. */
static size_t fake_quote(uint8_t *p, size_t payload_len)
{
	size_t n = 20 + 8 + payload_len;
	ip_header(p, 5, scanner, rnd_sweep_addr(), IPPROTO_ICMP, n);
	uint8_t *icmp = p + 20;
	rnd_fill(icmp + 4, 4 + payload_len);
	if (payload_len == 16 && rnd_below(2))
		plausible_payload(icmp + 8);
	icmp_finish(icmp, 8, 0, 8 + payload_len);
	return n;
}

struct packet {
	uint8_t b[PKT_MAX];
	size_t len;
	uint32_t dst; /* where the raw socket sends it (network order) */
};

/* ICMP error of type/code from src carrying quote (qlen bytes). */
static void icmp_error(struct packet *pk, uint32_t src, uint8_t type, uint8_t code,
                       const uint8_t *quote, size_t qlen)
{
	pk->len = 20 + 8 + qlen;
	ip_header(pk->b, 5, src, scanner, IPPROTO_ICMP, pk->len);
	uint8_t *icmp = pk->b + 20;
	memset(icmp + 4, 0, 4);
	memcpy(icmp + 8, quote, qlen);
	icmp_finish(icmp, type, code, 8 + qlen);
}

static uint32_t error_source(void)
{
	/* A "router" on the path or a target itself. */
	return rnd_below(2) ? htonl(0xc0000202u) : rnd_sweep_addr();
}

static void build_raw(struct packet *pk, enum kind k)
{
	uint8_t q[256];
	size_t qlen, plen;
	uint32_t src = rnd_sweep_addr();
	uint8_t *icmp = pk->b + 20;

	pk->dst = scanner;
	switch (k) {
	case K_ECHO_RANDOM:
		plen = rnd_below(65);
		pk->len = 20 + 8 + plen;
		ip_header(pk->b, 5, src, scanner, IPPROTO_ICMP, pk->len);
		rnd_fill(icmp + 4, 4 + plen);
		icmp_finish(icmp, 0, 0, 8 + plen);
		break;
	case K_ECHO_PLAUSIBLE:
	case K_ECHO_BAD_CSUM: {
		static const size_t sizes[] = {16, 16, 16, 8, 24, 32, 56};
		plen = sizes[rnd_below(sizeof(sizes) / sizeof(sizes[0]))];
		pk->len = 20 + 8 + plen;
		ip_header(pk->b, 5, src, scanner, IPPROTO_ICMP, pk->len);
		rnd_fill(icmp + 4, 4 + plen);
		if (plen >= 16)
			plausible_payload(icmp + 8);
		icmp_finish(icmp, 0, 0, 8 + plen);
		if (k == K_ECHO_BAD_CSUM)
			icmp[2] ^= (uint8_t)(1 + rnd_below(255));
		break;
	}
	case K_ICMP_TRUNC:
		plen = 1 + rnd_below(7);
		pk->len = 20 + plen;
		ip_header(pk->b, 5, src, scanner, IPPROTO_ICMP, pk->len);
		rnd_fill(icmp, plen);
		icmp[0] = (uint8_t)(rnd_below(2) ? 0 : 3 + 8 * rnd_below(2)); /* 0, 3 or 11 */
		break;
	case K_ICMP_ZERO:
		pk->len = 20;
		ip_header(pk->b, 5, src, scanner, IPPROTO_ICMP, pk->len);
		break;
	case K_UNREACH_FAKE:
	case K_TIMEX_FAKE:
		qlen = fake_quote(q, rnd_below(2) ? 0 : 16);
		if (k == K_UNREACH_FAKE)
			icmp_error(pk, error_source(), 3, (uint8_t)rnd_below(16), q, qlen);
		else
			icmp_error(pk, error_source(), 11, (uint8_t)rnd_below(2), q, qlen);
		break;
	case K_ERR_QUOTE_TRUNC:
		/* Anything from nothing to one byte short of IP + ICMP header. */
		fake_quote(q, 0);
		qlen = rnd_below(28);
		icmp_error(pk, error_source(), rnd_below(2) ? 3 : 11, 0, q, qlen);
		break;
	case K_ERR_QUOTE_LIES:
		qlen = fake_quote(q, rnd_below(2) ? 0 : 16);
		switch (rnd_below(6)) {
		case 0: /* quoted IHL past the quote */
			q[0] = (uint8_t)(0x40 | (6 + rnd_below(10)));
			break;
		case 1: /* quoted IHL < 5 */
			q[0] = (uint8_t)(0x40 | rnd_below(5));
			break;
		case 2: /* quoted total length huge */
			put16(q + 2, htons((uint16_t)(1000 + rnd_below(60000))));
			break;
		case 3: /* quoted total length shorter than the headers */
			put16(q + 2, htons((uint16_t)rnd_below(28)));
			break;
		case 4: /* quoted version not 4 */
			q[0] = (uint8_t)((rnd_below(15) + 5) << 4 | 5);
			if ((q[0] >> 4) == 4)
				q[0] = 0x65;
			break;
		default: /* quoted protocol not ICMP, or a non-first fragment */
			if (rnd_below(2))
				q[9] = (uint8_t)(rnd_below(2) ? 6 : 17);
			else
				put16(q + 6, htons((uint16_t)(1 + rnd_below(0x1fff))));
			break;
		}
		icmp_error(pk, error_source(), rnd_below(2) ? 3 : 11, 0, q, qlen);
		break;
	case K_IP_OPTIONS: {
		/* Valid IHL 6..15 with garbage options, then an echo reply. */
		unsigned ihl = 6 + rnd_below(10);
		size_t hl = ihl * 4;
		plen = 8 + 16;
		pk->len = hl + plen;
		uint8_t *ic = pk->b + hl;
		rnd_fill(pk->b + 20, hl - 20);
		ic[0] = 0;
		rnd_fill(ic + 4, 4);
		plausible_payload(ic + 8);
		icmp_finish(ic, 0, 0, plen);
		uint8_t opts[40];
		memcpy(opts, pk->b + 20, hl - 20);
		ip_header(pk->b, ihl, src, scanner, IPPROTO_ICMP, pk->len);
		memcpy(pk->b + 20, opts, hl - 20);
		put16(pk->b + 10, 0);
		put16(pk->b + 10, csum(pk->b, hl));
		break;
	}
	case K_FRAGMENT:
		/* An echo reply split in fragments that never complete: a first fragment (MF) or a
		 * later one whose data looks like an echo reply header. */
		plen = 8 + 16;
		pk->len = 20 + plen;
		ip_header(pk->b, 5, src, scanner, IPPROTO_ICMP, pk->len);
		rnd_fill(icmp + 4, 4);
		plausible_payload(icmp + 8);
		icmp_finish(icmp, 0, 0, plen);
		put16(pk->b + 6, htons(rnd_below(2) ? 0x2000 : (uint16_t)(1 + rnd_below(0x1fff))));
		put16(pk->b + 10, 0);
		put16(pk->b + 10, csum(pk->b, 20));
		break;
	default:
		pk->len = 0;
		break;
	}
}

/* --- replay -------------------------------------------------------------------------------- */

#define REPLAY_SLOTS 256

struct seen_probe {
	uint32_t dst;
	uint8_t icmp[8 + 64];
	size_t icmp_len;
};

static struct seen_probe replay[REPLAY_SLOTS];
static unsigned replay_count, replay_next;

/* Reads the scanner's echo requests seen on the capture socket (non-blocking). */
static void replay_drain(int fd)
{
	uint8_t buf[2048];
	for (int i = 0; i < 64; i++) {
		struct sockaddr_ll sll;
		socklen_t sl = sizeof(sll);
		ssize_t n =
		    recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&sll, &sl);
		if (n < 0)
			return;
		if (sll.sll_pkttype == PACKET_OUTGOING || n < 28 || (buf[0] >> 4) != 4)
			continue;
		size_t hl = (size_t)(buf[0] & 15) * 4;
		size_t tot = (size_t)(buf[2] << 8 | buf[3]);
		uint32_t src;
		memcpy(&src, buf + 12, 4);
		/* Short frames arrive with Ethernet padding: keep only the IP packet, or a "bad"
		 * copy could differ from the probe in the padding alone. */
		if (tot < (size_t)n)
			n = (ssize_t)tot;
		if (hl < 20 || (size_t)n < hl + 8 || buf[9] != IPPROTO_ICMP || src != scanner ||
		    buf[hl] != 8)
			continue;
		struct seen_probe *s = &replay[replay_next];
		memcpy(&s->dst, buf + 16, 4);
		s->icmp_len = (size_t)n - hl;
		if (s->icmp_len > sizeof(s->icmp))
			s->icmp_len = sizeof(s->icmp);
		memcpy(s->icmp, buf + hl, s->icmp_len);
		replay_next = (replay_next + 1) % REPLAY_SLOTS;
		if (replay_count < REPLAY_SLOTS)
			replay_count++;
	}
}

/* Another address of the sweep range, never the probe's own destination. */
static uint32_t other_addr(uint32_t dst)
{
	uint32_t h = ntohl(dst), o;
	do
		o = SWEEP_NET | (uint32_t)(rnd() & ~SWEEP_MASK);
	while (o == h);
	return htonl(o);
}

static int build_replay(struct packet *pk, enum kind k)
{
	if (replay_count == 0)
		return -1;
	const struct seen_probe *s = &replay[rnd_below(replay_count)];
	uint8_t *icmp = pk->b + 20;
	uint8_t q[128];
	size_t qlen;

	pk->dst = scanner;
	switch (k) {
	case K_REPLAY_OTHER_SRC: /* the exact echo, from an address that was not probed so */
		pk->len = 20 + s->icmp_len;
		ip_header(pk->b, 5, other_addr(s->dst), scanner, IPPROTO_ICMP, pk->len);
		memcpy(icmp, s->icmp, s->icmp_len);
		icmp_finish(icmp, 0, 0, s->icmp_len);
		break;
	case K_REPLAY_BAD_TAG: /* from the probed address, one payload bit flipped */
		if (s->icmp_len <= 8)
			return -1;
		pk->len = 20 + s->icmp_len;
		ip_header(pk->b, 5, s->dst, scanner, IPPROTO_ICMP, pk->len);
		memcpy(icmp, s->icmp, s->icmp_len);
		{
			size_t bit = rnd_below((uint32_t)(s->icmp_len - 8) * 8);
			icmp[8 + bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		icmp_finish(icmp, 0, 0, s->icmp_len);
		break;
	case K_REPLAY_ERR_OTHER_DST: /* the real probe quoted, its destination changed */
		qlen = 20 + (rnd_below(2) ? 8 : s->icmp_len);
		ip_header(q, 5, scanner, other_addr(s->dst), IPPROTO_ICMP, qlen);
		memcpy(q + 20, s->icmp, qlen - 20);
		icmp_error(pk, error_source(), rnd_below(2) ? 3 : 11, 0, q, qlen);
		break;
	default:
		return -1;
	}
	return 0;
}

/* --- link layer ---------------------------------------------------------------------------- */

/* -k: a comma-separated list of kind names. */
static int parse_kinds(char *list)
{
	memset(enabled, 0, sizeof(enabled));
	for (char *save = NULL, *t = strtok_r(list, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		int k;
		for (k = 0; k < K_NKINDS && strcmp(t, kind_name[k]) != 0; k++)
			;
		if (k == K_NKINDS) {
			fprintf(stderr, "isw-spray: unknown kind '%s'\n", t);
			return -1;
		}
		enabled[k] = 1;
	}
	return 0;
}

/* Frames with an IPv4 header the raw socket would refuse or fix up.  Writes an Ethernet frame
 * to pk->b. */
static void build_ll(struct packet *pk, enum kind k, const uint8_t *dmac, const uint8_t *smac)
{
	uint8_t *ip = pk->b + 14;
	uint8_t *icmp = ip + 20;
	size_t iplen = 20 + 8 + 16;

	memcpy(pk->b, dmac, 6);
	memcpy(pk->b + 6, smac, 6);
	pk->b[12] = 0x08;
	pk->b[13] = 0x00;
	ip_header(ip, 5, rnd_sweep_addr(), scanner, IPPROTO_ICMP, iplen);
	rnd_fill(icmp + 4, 4);
	plausible_payload(icmp + 8);
	icmp_finish(icmp, 0, 0, 8 + 16);
	switch (k) {
	case K_LL_BAD_IHL: /* IHL 0..4: the raw socket refuses these */
		ip[0] = (uint8_t)(0x40 | rnd_below(5));
		break;
	case K_LL_TOTLEN_LONG:
		put16(ip + 2, htons((uint16_t)(iplen + 1 + rnd_below(1400))));
		break;
	case K_LL_TOTLEN_SHORT:
		put16(ip + 2, htons((uint16_t)rnd_below(28)));
		break;
	default: /* IHL 15 in a frame that ends before 60 bytes of header */
		ip[0] = 0x4f;
		iplen = 20 + rnd_below(40);
		put16(ip + 2, htons((uint16_t)iplen));
		break;
	}
	put16(ip + 10, 0);
	put16(ip + 10, csum(ip, 20));
	pk->len = 14 + iplen;
	if (pk->len < 60) { /* Ethernet minimum; padding is not part of the IP packet */
		memset(pk->b + pk->len, 0, 60 - pk->len);
		pk->len = 60;
	}
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned v[6];
	char extra;
	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &extra) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (v[i] > 255)
			return -1;
		mac[i] = (uint8_t)v[i];
	}
	return 0;
}

static int if_index_mac(int fd, const char *name, int *index, uint8_t *mac)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0)
		return -1;
	*index = ifr.ifr_ifindex;
	if (mac) {
		if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
			return -1;
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: isw-spray [-c COUNT] [-t SECONDS] [-r PPS] [-s SEED] [-k KINDS] "
	                "[-R IFACE] [-L IFACE -M MAC] DST\nkinds:");
	for (int k = 0; k < K_NKINDS; k++)
		fprintf(stderr, " %s", kind_name[k]);
	fprintf(stderr, "\n");
	exit(2);
}

static int send_raw(int fd, const struct packet *pk)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	sin.sin_addr.s_addr = pk->dst;
	for (int tries = 0; tries < 50; tries++) {
		if (sendto(fd, pk->b, pk->len, 0, (struct sockaddr *)&sin, sizeof(sin)) >= 0)
			return 0;
		if (errno != ENOBUFS && errno != EAGAIN)
			return -1;
		usleep(200);
	}
	return -1;
}

static int send_ll(int fd, int ifindex, const struct packet *pk)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_ifindex = ifindex, .sll_halen = 6};
	memcpy(sll.sll_addr, pk->b, 6);
	return sendto(fd, pk->b, pk->len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long long count = 100000, seed = 0;
	double seconds = 10, pps = 5000;
	const char *replay_if = NULL, *ll_if = NULL, *ll_mac = NULL;
	int opt;

	for (int k = 0; k < K_NKINDS; k++)
		enabled[k] = 1;
	while ((opt = getopt(argc, argv, "c:t:r:s:k:R:L:M:h")) != -1) {
		switch (opt) {
		case 'c':
			count = strtoull(optarg, NULL, 10);
			break;
		case 't':
			seconds = strtod(optarg, NULL);
			break;
		case 'r':
			pps = strtod(optarg, NULL);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 'k':
			if (parse_kinds(optarg) < 0)
				usage();
			break;
		case 'R':
			replay_if = optarg;
			break;
		case 'L':
			ll_if = optarg;
			break;
		case 'M':
			ll_mac = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || seconds <= 0 || seconds > 3600 || pps <= 0 ||
	    (ll_if == NULL) != (ll_mac == NULL))
		usage();
	if (inet_pton(AF_INET, argv[optind], &scanner) != 1) {
		fprintf(stderr, "isw-spray: bad destination address '%s'\n", argv[optind]);
		return 2;
	}
	/* Kinds that need -R or -L are off without them; something must be left. */
	int any = 0;
	for (int k = 0; k < K_NKINDS; k++) {
		if ((k >= K_REPLAY_OTHER_SRC && k <= K_REPLAY_ERR_OTHER_DST && !replay_if) ||
		    (k >= K_LL_BAD_IHL && !ll_if))
			enabled[k] = 0;
		any |= enabled[k];
	}
	if (!any) {
		fprintf(stderr,
		        "isw-spray: no kind left to send (replay kinds need -R, ll- kinds -L)\n");
		return 2;
	}
	rng_state = seed ? seed : ((uint64_t)time(NULL) << 20 ^ (uint64_t)getpid());
	rng_state |= 1;

	int raw = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (raw < 0) {
		perror("isw-spray: raw socket");
		return 1;
	}
	int on = 1, sndbuf = 4 << 20;
	setsockopt(raw, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on));
	setsockopt(raw, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));

	int cap = -1;
	if (replay_if) {
		int idx;
		cap = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
		if (cap < 0 || if_index_mac(cap, replay_if, &idx, NULL) < 0) {
			fprintf(stderr, "isw-spray: cannot capture on %s: %s\n", replay_if,
			        strerror(errno));
			return 1;
		}
		struct sockaddr_ll sll = {
		    .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP), .sll_ifindex = idx};
		if (bind(cap, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
			perror("isw-spray: bind capture");
			return 1;
		}
	}

	int ll = -1, ll_index = 0;
	uint8_t dmac[6], smac[6];
	if (ll_if) {
		ll = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
		if (ll < 0 || if_index_mac(ll, ll_if, &ll_index, smac) < 0) {
			fprintf(stderr, "isw-spray: cannot send on %s: %s\n", ll_if,
			        strerror(errno));
			return 1;
		}
		if (parse_mac(ll_mac, dmac) < 0) {
			fprintf(stderr, "isw-spray: bad MAC '%s'\n", ll_mac);
			return 2;
		}
	}

	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	double t0 = now_s(), deadline = t0 + seconds;
	unsigned long long total = 0, total_err = 0;
	struct packet pk;

	while (!stop && total < count) {
		double t = now_s();
		if (t >= deadline)
			break;
		/* Pace: the total so far may not run ahead of pps * elapsed. */
		double due = t0 + (double)total / pps;
		if (due > t) {
			double wait = due - t;
			if (cap >= 0) {
				struct pollfd pfd = {.fd = cap, .events = POLLIN};
				poll(&pfd, 1, (int)(wait * 1000) + 1);
			} else {
				usleep((useconds_t)(wait * 1e6));
			}
			continue;
		}
		if (cap >= 0)
			replay_drain(cap);

		enum kind k = (enum kind)rnd_below(K_NKINDS);
		int rc;
		if (!enabled[k])
			continue;
		if (k < K_NKINDS_RAW) {
			build_raw(&pk, k);
			rc = send_raw(raw, &pk);
		} else if (k <= K_REPLAY_ERR_OTHER_DST) {
			if (cap < 0 || build_replay(&pk, k) < 0) {
				if (cap >= 0) { /* nothing to replay yet */
					struct pollfd pfd = {.fd = cap, .events = POLLIN};
					poll(&pfd, 1, 1);
				}
				continue;
			}
			rc = send_raw(raw, &pk);
		} else {
			if (ll < 0)
				continue;
			build_ll(&pk, k, dmac, smac);
			rc = send_ll(ll, ll_index, &pk);
		}
		total++;
		if (rc < 0) {
			errors[k]++;
			total_err++;
		} else {
			sent[k]++;
		}
	}

	fprintf(stderr, "isw-spray: %llu packets in %.1f s, %llu send errors;", total - total_err,
	        now_s() - t0, total_err);
	for (int k = 0; k < K_NKINDS; k++)
		if (sent[k] || errors[k])
			fprintf(stderr, " %s=%llu%s", kind_name[k], (unsigned long long)sent[k],
			        errors[k] ? "(+errors)" : "");
	fprintf(stderr, "\n");
	return total > total_err ? 0 : 1;
}

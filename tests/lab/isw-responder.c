/* SPDX-License-Identifier: BSD-2-Clause */
/* isw-responder: an Internet-like set of hosts behind a TUN device, for tests and the bench.
 *
 * Run inside a lab's target namespace (tests/lab/lab.sh: lab_internet).  It creates the TUN
 * device, and for a seeded live set inside --prefix answers ICMP echo requests after each
 * host's own round-trip time, drawn once per host from a long-tailed distribution: 90% of the
 * hosts log-normal around 50 ms, 10% around 500 ms (sigma 0.8 both), redrawn until within
 * [10 ms, 3 s].  A share of the hosts (--lossy) loses each request with probability --loss;
 * every reply is duplicated with probability --dup (the copy 1 ms later).  The others answer
 * every request: their answers are exact ground truth.
 *
 * Ground truth goes to --truth FILE before the device comes up, one live host a line:
 *     ADDRESS RTT_MS reliable|lossy
 * Replies wait in a binary heap keyed by due time (one poll timeout for all of them), never a
 * thread or timer per packet.  Bounded: it exits after --seconds, after --max-requests
 * requests, on SIGINT/SIGTERM, or when its parent goes (the lab's script); with a full heap
 * a reply is dropped and counted.  Counters go to stderr at exit. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#define HEAP_CAP   (1u << 17) /* replies in flight */
#define PKT_MAX    256        /* longest echo request answered (probes are far shorter) */
#define READ_BURST 256

struct host {
	uint32_t rtt_us; /* 0: not live */
	uint8_t lossy;
};

struct reply {
	uint64_t due_ns;
	uint32_t slot; /* index into the packet pool */
};

struct state {
	uint32_t base, size;
	struct host *hosts;
	double loss, dup;
	uint64_t seed;
	struct reply heap[HEAP_CAP];
	uint32_t nheap;
	uint8_t (*pool)[PKT_MAX];
	uint16_t *len;
	uint32_t *free_slots, nfree;
	uint64_t rng;
	/* counters */
	uint64_t requests, answered, lost, dups, full, ignored;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static double unit(uint64_t *st)
{
	*st = mix(*st);
	return ((double)(*st >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(uint64_t *st)
{
	return sqrt(-2 * log(unit(st))) * cos(6.283185307179586 * unit(st));
}

/* The live set and each host's RTT: a pure function of (seed, address). */
static void build_hosts(struct state *s, double live, double lossy)
{
	for (uint32_t i = 0; i < s->size; i++) {
		uint32_t a = s->base + i;
		uint64_t st = mix(s->seed ^ ((uint64_t)a << 20));
		double ms;

		s->hosts[i].rtt_us = 0;
		if ((a & 0xff) == 0 || (a & 0xff) == 255 || unit(&st) >= live)
			continue;
		do {
			double med = unit(&st) < 0.9 ? 50.0 : 500.0;
			ms = med * exp(0.8 * normal(&st));
		} while (ms < 10 || ms > 3000);
		s->hosts[i].rtt_us = (uint32_t)(ms * 1000);
		s->hosts[i].lossy = unit(&st) < lossy;
	}
}

static int write_truth(const struct state *s, const char *path)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		return -1;
	for (uint32_t i = 0; i < s->size; i++) {
		uint32_t a = s->base + i;
		if (!s->hosts[i].rtt_us)
			continue;
		fprintf(fp, "%u.%u.%u.%u %.3f %s\n", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
		        a & 0xff, s->hosts[i].rtt_us / 1000.0,
		        s->hosts[i].lossy ? "lossy" : "reliable");
	}
	return fclose(fp);
}

static void heap_push(struct state *s, uint64_t due, uint32_t slot)
{
	uint32_t i = s->nheap++;

	while (i) {
		uint32_t p = (i - 1) / 2;
		if (s->heap[p].due_ns <= due)
			break;
		s->heap[i] = s->heap[p];
		i = p;
	}
	s->heap[i].due_ns = due;
	s->heap[i].slot = slot;
}

static struct reply heap_pop(struct state *s)
{
	struct reply top = s->heap[0], last = s->heap[--s->nheap];
	uint32_t i = 0;

	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= s->nheap)
			break;
		if (c + 1 < s->nheap && s->heap[c + 1].due_ns < s->heap[c].due_ns)
			c++;
		if (s->heap[c].due_ns >= last.due_ns)
			break;
		s->heap[i] = s->heap[c];
		i = c;
	}
	if (s->nheap)
		s->heap[i] = last;
	return top;
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Queues the reply to one echo request, after the host's RTT (and a copy, maybe). */
static void on_request(struct state *s, const uint8_t *pkt, size_t n, uint64_t now)
{
	uint32_t dst, src, ihl, slot;
	const struct host *h;
	uint8_t *r;
	uint16_t c;
	int copies;

	if (n < 20 || (pkt[0] >> 4) != 4 || pkt[9] != 1) {
		s->ignored++;
		return;
	}
	ihl = (uint32_t)(pkt[0] & 15) * 4;
	if (ihl < 20 || n < ihl + 8 || pkt[ihl] != 8 || n > PKT_MAX) {
		s->ignored++;
		return;
	}
	memcpy(&dst, pkt + 16, 4);
	memcpy(&src, pkt + 12, 4);
	dst = ntohl(dst);
	s->requests++;
	if (dst - s->base >= s->size || !(h = &s->hosts[dst - s->base])->rtt_us)
		return;
	if (h->lossy && unit(&s->rng) < s->loss) {
		s->lost++;
		return;
	}
	copies = unit(&s->rng) < s->dup ? 2 : 1;
	for (int k = 0; k < copies; k++) {
		if (!s->nfree || s->nheap == HEAP_CAP) {
			s->full++;
			return;
		}
		slot = s->free_slots[--s->nfree];
		r = s->pool[slot];
		memcpy(r, pkt, n);
		s->len[slot] = (uint16_t)n;
		memcpy(r + 12, pkt + 16, 4); /* the host answers from the address probed */
		memcpy(r + 16, &src, 4);
		r[8] = 64;
		r[10] = r[11] = 0;
		c = csum(r, ihl);
		r[10] = (uint8_t)(c >> 8);
		r[11] = (uint8_t)c;
		r[ihl] = 0; /* echo reply */
		r[ihl + 2] = r[ihl + 3] = 0;
		c = csum(r + ihl, n - ihl);
		r[ihl + 2] = (uint8_t)(c >> 8);
		r[ihl + 3] = (uint8_t)c;
		heap_push(s, now + (uint64_t)h->rtt_us * 1000 + (uint64_t)k * 1000000, slot);
		if (k)
			s->dups++;
	}
	s->answered++;
}

static int tun_open(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC), sk;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		goto fail;
	sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sk < 0)
		goto fail;
	if (ioctl(sk, SIOCGIFFLAGS, &ifr) < 0 ||
	    (ifr.ifr_flags |= IFF_UP, ioctl(sk, SIOCSIFFLAGS, &ifr) < 0)) {
		close(sk);
		goto fail;
	}
	close(sk);
	return fd;
fail:
	close(fd);
	return -1;
}

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: isw-responder --truth FILE [--tun NAME] [--prefix A.B.C.D/N] [--live SHARE]\n"
	    "         [--lossy SHARE] [--loss P] [--dup P] [--seed N] [--seconds S]\n"
	    "         [--max-requests N] [--ready FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"tun", 1, 0, 't'},   {"prefix", 1, 0, 'p'},  {"live", 1, 0, 'l'},
	    {"lossy", 1, 0, 'L'}, {"loss", 1, 0, 'o'},    {"dup", 1, 0, 'd'},
	    {"seed", 1, 0, 's'},  {"seconds", 1, 0, 'S'}, {"max-requests", 1, 0, 'm'},
	    {"truth", 1, 0, 'T'}, {"ready", 1, 0, 'r'},   {0, 0, 0, 0},
	};
	const char *tun = "isw-rsp0", *prefix = "198.18.0.0/15", *truth = NULL, *ready = NULL;
	double live = 0.02, lossy = 0.1, seconds = 120;
	uint64_t max_requests = 50000000, deadline;
	struct state *s = calloc(1, sizeof(*s));
	struct in_addr in;
	char pfx[32], *slash;
	int c, fd, sfd, bits;
	sigset_t sigs;

	if (!s)
		return 1;
	s->loss = 0.3;
	s->dup = 0.01;
	s->seed = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			tun = optarg;
			break;
		case 'p':
			prefix = optarg;
			break;
		case 'l':
			live = atof(optarg);
			break;
		case 'L':
			lossy = atof(optarg);
			break;
		case 'o':
			s->loss = atof(optarg);
			break;
		case 'd':
			s->dup = atof(optarg);
			break;
		case 's':
			s->seed = strtoull(optarg, NULL, 0);
			break;
		case 'S':
			seconds = atof(optarg);
			break;
		case 'm':
			max_requests = strtoull(optarg, NULL, 0);
			break;
		case 'T':
			truth = optarg;
			break;
		case 'r':
			ready = optarg;
			break;
		default:
			usage();
		}
	}
	snprintf(pfx, sizeof(pfx), "%s", prefix);
	slash = strchr(pfx, '/');
	if (!truth || optind != argc || !slash || !(seconds > 0 && seconds <= 3600))
		usage();
	*slash = 0;
	bits = atoi(slash + 1);
	if (!inet_aton(pfx, &in) || bits < 12 || bits > 32) {
		fprintf(stderr, "isw-responder: bad prefix '%s' (/12../32)\n", prefix);
		return 2;
	}
	s->size = 1u << (32 - bits);
	s->base = ntohl(in.s_addr) & ~(s->size - 1);
	s->hosts = calloc(s->size, sizeof(*s->hosts));
	s->pool = malloc((size_t)HEAP_CAP * PKT_MAX);
	s->len = calloc(HEAP_CAP, sizeof(*s->len));
	s->free_slots = malloc(HEAP_CAP * sizeof(*s->free_slots));
	if (!s->hosts || !s->pool || !s->len || !s->free_slots)
		return 1;
	for (uint32_t i = 0; i < HEAP_CAP; i++)
		s->free_slots[s->nfree++] = HEAP_CAP - 1 - i;
	s->rng = mix(s->seed ^ 0x5eedull);
	build_hosts(s, live, lossy);
	if (write_truth(s, truth) != 0) {
		fprintf(stderr, "isw-responder: cannot write %s: %s\n", truth, strerror(errno));
		return 1;
	}

	/* The lab's script is our parent: when it goes, so do we. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	fd = tun_open(tun);
	if (fd < 0 || sfd < 0) {
		fprintf(stderr, "isw-responder: cannot open tun %s: %s\n", tun, strerror(errno));
		return 1;
	}
	if (ready) {
		FILE *fp = fopen(ready, "w");
		if (fp)
			fclose(fp);
	}
	deadline = now_ns() + (uint64_t)(seconds * 1e9);
	for (;;) {
		struct pollfd p[2] = {{fd, POLLIN, 0}, {sfd, POLLIN, 0}};
		uint64_t now = now_ns(), wait = deadline > now ? deadline - now : 0;
		struct timespec ts;

		/* Send every reply that is due. */
		while (s->nheap && s->heap[0].due_ns <= now) {
			struct reply r = heap_pop(s);
			if (write(fd, s->pool[r.slot], s->len[r.slot]) < 0 && errno != EAGAIN)
				s->full++;
			s->free_slots[s->nfree++] = r.slot;
		}
		if (!wait || s->requests >= max_requests)
			break;
		if (s->nheap && s->heap[0].due_ns - now < wait)
			wait = s->heap[0].due_ns - now;
		ts.tv_sec = (time_t)(wait / 1000000000u);
		ts.tv_nsec = (long)(wait % 1000000000u);
		if (ppoll(p, 2, &ts, NULL) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (p[0].revents & (POLLERR | POLLHUP | POLLNVAL))
			break;
		if (p[0].revents & POLLIN) {
			uint8_t buf[2048];
			now = now_ns();
			for (int k = 0; k < READ_BURST; k++) {
				ssize_t n = read(fd, buf, sizeof(buf));
				if (n <= 0)
					break;
				on_request(s, buf, (size_t)n, now);
			}
		}
	}
	fprintf(stderr,
	        "isw-responder: %llu requests, %llu answered, %llu lost, %llu duplicated, %llu "
	        "dropped (heap full), %llu ignored, %u pending\n",
	        (unsigned long long)s->requests, (unsigned long long)s->answered,
	        (unsigned long long)s->lost, (unsigned long long)s->dups,
	        (unsigned long long)s->full, (unsigned long long)s->ignored, s->nheap);
	close(fd);
	return 0;
}

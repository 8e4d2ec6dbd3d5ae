/* SPDX-License-Identifier: BSD-2-Clause */
/* Command-line parsing (cli-options.h): argv to options, a one-line message naming each bad
 * value. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net/if.h>
#include <sys/socket.h>
#include <sys/random.h>

#include "cli-localnet.h"
#include "cli-options.h"
#include "icmpsweep/scan.h"

enum {
	OPT_SEED = 256,
	OPT_METADATA,
	OPT_DRY_RUN,
	OPT_TX,
	OPT_PCAP_BUFFER,
	OPT_TTL,
	OPT_HOP_LIMIT,
	OPT_PCAPNG,
	OPT_TRACE_PROBES,
	OPT_READ,
	OPT_NO_VALIDATE,
	OPT_ARP_ONLY,
	OPT_ADAPTIVE,
	OPT_NO_ARP,
	OPT_IPV6_MULTICAST,
	OPT_NO_IPV6_MULTICAST,
	OPT_RESOLVER,
	OPT_RESOLVE_CONCURRENCY,
	OPT_RESOLVE_TIMEOUT,
	OPT_RESOLVE_TRIES,
	OPT_USER,
	OPT_LIST_FIELDS,
	OPT_MAX_RESULTS,
	OPT_MAX_RUNTIME,
	OPT_MAX_TARGETS,
	OPT_LOCALNET_MAX,
	OPT_MAP,
	OPT_DB,
	OPT_MAP_BY,
	OPT_SHARD,
	OPT_SHARDS,
	OPT_CHECKPOINT,
	OPT_CHECKPOINT_INTERVAL,
	OPT_RESUME,
	OPT_IID,
};

static const struct option long_options[] = {
    {"input-file", required_argument, NULL, 'I'},
    {"exclude", required_argument, NULL, 'x'},
    {"exclude-file", required_argument, NULL, 'b'},
    {"seed", required_argument, NULL, OPT_SEED},
    {"iid", required_argument, NULL, OPT_IID},
    {"rate", required_argument, NULL, 'r'},
    {"probes", required_argument, NULL, 'P'},
    {"cooldown", required_argument, NULL, 'c'},
    {"interface", required_argument, NULL, 'i'},
    {"source", required_argument, NULL, 'S'},
    {"gateway-mac", required_argument, NULL, 'G'},
    {"output", required_argument, NULL, 'o'},
    {"output-format", required_argument, NULL, 'O'},
    {"no-resolve", no_argument, NULL, 'n'},
    {"resolver", required_argument, NULL, OPT_RESOLVER},
    {"resolve-concurrency", required_argument, NULL, OPT_RESOLVE_CONCURRENCY},
    {"resolve-timeout", required_argument, NULL, OPT_RESOLVE_TIMEOUT},
    {"resolve-tries", required_argument, NULL, OPT_RESOLVE_TRIES},
    {"quiet", no_argument, NULL, 'q'},
    {"metadata", required_argument, NULL, OPT_METADATA},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"tx", required_argument, NULL, OPT_TX},
    {"pcap-buffer", required_argument, NULL, OPT_PCAP_BUFFER},
    {"ttl", required_argument, NULL, OPT_TTL},
    {"hop-limit", required_argument, NULL, OPT_HOP_LIMIT},
    {"write", required_argument, NULL, 'w'},
    {"pcapng", no_argument, NULL, OPT_PCAPNG},
    {"trace-probes", no_argument, NULL, OPT_TRACE_PROBES},
    {"file-size", required_argument, NULL, 'C'},
    {"read", required_argument, NULL, OPT_READ},
    {"no-validate", no_argument, NULL, OPT_NO_VALIDATE},
    {"arp-only", no_argument, NULL, OPT_ARP_ONLY},
    {"adaptive", no_argument, NULL, OPT_ADAPTIVE},
    {"senders", required_argument, NULL, 'T'},
    {"no-arp", no_argument, NULL, OPT_NO_ARP},
    {"ipv6-multicast", no_argument, NULL, OPT_IPV6_MULTICAST},
    {"no-ipv6-multicast", no_argument, NULL, OPT_NO_IPV6_MULTICAST},
    {"user", required_argument, NULL, OPT_USER},
    {"output-fields", required_argument, NULL, 'f'},
    {"list-output-fields", no_argument, NULL, OPT_LIST_FIELDS},
    {"max-results", required_argument, NULL, OPT_MAX_RESULTS},
    {"max-runtime", required_argument, NULL, OPT_MAX_RUNTIME},
    {"max-targets", required_argument, NULL, OPT_MAX_TARGETS},
    {"localnet", no_argument, NULL, 'l'},
    {"localnet-max", required_argument, NULL, OPT_LOCALNET_MAX},
    {"map", required_argument, NULL, OPT_MAP},
    {"db", required_argument, NULL, OPT_DB},
    {"map-by", required_argument, NULL, OPT_MAP_BY},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"shards", required_argument, NULL, OPT_SHARDS},
    {"checkpoint", required_argument, NULL, OPT_CHECKPOINT},
    {"checkpoint-interval", required_argument, NULL, OPT_CHECKPOINT_INTERVAL},
    {"resume", required_argument, NULL, OPT_RESUME},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

void cli_usage(FILE *fp)
{
	fputs(
	    "usage: icmpsweep [options] TARGET...\n"
	    "       icmpsweep diff [options] OLD NEW   (compare two result files; diff --help)\n"
	    "       icmpsweep merge [options] FILE...  (combine shards' results; merge --help)\n"
	    "Sweep networks for live hosts with ICMP echo.\n"
	    "TARGET: CIDR (198.18.0.0/16), range (198.18.0.10-198.18.3.200), address or host name\n"
	    "\n"
	    "Targets:\n"
	    "  -I, --input-file FILE     more targets, one per line ('#' comments, '-' = stdin)\n"
	    "  -x, --exclude CIDR        do not probe these (CIDR, range or address)\n"
	    "  -b, --exclude-file FILE   exclusions, one per line\n"
	    "      --iid IID|random      the address probed in each sub-prefix of an IPv6\n"
	    "                            sub-prefix sweep (2001:db8::/32-48): IID's low\n"
	    "                            128-SUBLEN bits are its host part (default ::1);\n"
	    "                            random: per sub-prefix from --seed, never all zero\n"
	    "  -l, --localnet            the IPv4 networks of -i's interface, or of the one\n"
	    "                            interface that is up (besides loopback)\n"
	    "      --localnet-max PREFIX  -l sweeps at most a /PREFIX per interface (16)\n"
	    "Probing:\n"
	    "  -r, --rate PPS            probes per second, k/M suffixes (default 10k, 0 = max)\n"
	    "  -P, --probes N            probes per target; later ones only to silent targets (1)\n"
	    "  -c, --cooldown SECONDS    keep listening after the last probe (at least 50 ms);\n"
	    "                            auto[:MAX] (default): until under 0.05 answers are\n"
	    "                            still expected from the RTTs so far, at most MAX s (10)\n"
	    "      --adaptive            slow down when answers are dropped or fall short\n"
	    "  -T, --senders N|auto      sender threads, each with its own slice and socket\n"
	    "                            (default auto: one per CPU; for xdp, per device queue)\n"
	    "      --seed N              order and probe keys (default random, always recorded)\n"
	    "      --ttl N               IP TTL of probes (default 64)\n"
	    "      --hop-limit N         IPv6 hop limit of probes to IPv6 targets (default 64)\n"
	    "      --dry-run             list the probes (in the -O format) instead of sending\n"
	    "Shards (several machines, one sweep; needs --seed, the same on every shard):\n"
	    "      --shard I/N           probe only shard I (0-based) of N equal, disjoint parts\n"
	    "                            of the keyed order; also --shards N --shard I\n"
	    "      --shard auto          I and N from Slurm (SLURM_ARRAY_TASK_ID/_COUNT, or\n"
	    "                            SLURM_PROCID/SLURM_NTASKS) or a Kubernetes Indexed Job\n"
	    "                            (JOB_COMPLETION_INDEX, with --shards N)\n"
	    "      --shards N            the number of shards (with --shard I or auto)\n"
	    "Network:\n"
	    "  -i, --interface IFACE     send and capture here (default: route to the targets)\n"
	    "  -S, --source ADDR         source address (default: the interface's); once per\n"
	    "                            family: an IPv6 one for the IPv6 targets\n"
	    "  -G, --gateway-mac MAC     next hop's MAC (default: from the neighbour table)\n"
	    "      --arp-only            on-link targets: the ARP pass alone, no ICMP\n"
	    "      --no-arp              no ARP pass: every frame goes to the next hop (IPv6:\n"
	    "                            no NDP pass, on-link hosts from the neighbour table)\n"
	    "      --ipv6-multicast      one echo request to ff02::1 on each interface with\n"
	    "                            on-link IPv6 targets (default); link-local hosts that\n"
	    "                            answer are reported as fe80::...%IFACE\n"
	    "      --no-ipv6-multicast   no echo request to ff02::1\n"
	    "      --tx NAME             transmit backend: auto (default), xdp, ring, libnet, or\n"
	    "                            socket: no root, ICMP datagram sockets (auto falls\n"
	    "                            back to it without CAP_NET_RAW)\n"
	    "      --pcap-buffer SIZE    capture ring size, k/M/G suffixes (default 1M)\n"
	    "      --user NAME           once sockets and files are open, run as NAME (default\n"
	    "                            nobody when root; root keeps privileges); capabilities\n"
	    "                            are dropped either way\n"
	    "Output:\n"
	    "  -o, --output FILE         results here (default stdout)\n"
	    "  -O, --output-format FMT   text (addresses), csv, json (lines) or xml (nmap)\n"
	    "  -n, --no-resolve          no reverse DNS lookups (default: look up every hit;\n"
	    "                            adds hostname and lookup columns)\n"
	    "      --resolver ADDR[:PORT]  DNS server for reverse lookups, repeatable\n"
	    "                            (default: the servers of /etc/resolv.conf)\n"
	    "      --resolve-concurrency N  lookups in flight at most (default 256)\n"
	    "      --resolve-timeout MS  per query (default 2000)\n"
	    "      --resolve-tries N     queries per lookup at most (default 2)\n"
	    "  -f, --output-fields LIST  csv/json columns, in this order (e.g. ip,rtt_ms)\n"
	    "      --list-output-fields  the fields -f takes, and exit\n"
	    "      --map FILE.png        draw the swept space on a Hilbert curve: one square\n"
	    "                            per address up to a /16, per larger block beyond\n"
	    "      --map-by alive|rtt    colour by the share of live hosts (default) or by\n"
	    "                            their median round-trip time\n"
	    "      --db FILE             record the run and its results in a SQLite history\n"
	    "                            (icmpsweep history, diff --db)\n"
	    "Limits:\n"
	    "      --max-results N       stop once N hosts are found, and report those N\n"
	    "      --max-runtime SECONDS stop sending after SECONDS, then the cooldown\n"
	    "      --max-targets N|P%    probe only the first N targets (or P percent of them)\n"
	    "                            of the keyed order\n"
	    "Checkpoints:\n"
	    "      --checkpoint FILE     save where the sweep is, atomically, every few\n"
	    "                            seconds and at the end: enough to resume it\n"
	    "      --checkpoint-interval SECONDS  between saves (default 2)\n"
	    "      --resume FILE         go on with the sweep a checkpoint saved, with its\n"
	    "                            options, appending to its output; other options\n"
	    "                            must agree with the checkpoint's\n"
	    "Traces:\n"
	    "  -w, --write FILE          save the packets the capture sees (pcap)\n"
	    "      --trace-probes        also save every probe sent\n"
	    "      --pcapng              write pcapng: scan parameters and per-packet verdicts\n"
	    "                            as comments\n"
	    "  -C, --file-size MB        start a new numbered file past MB megabytes\n"
	    "      --read FILE           analyse a pcap/pcapng trace offline instead of sending\n"
	    "      --no-validate         with --read: accept every echo reply (other tools' "
	    "traces)\n"
	    "  -q, --quiet               no status line on stderr\n"
	    "      --metadata FILE       JSON summary of the scan, written at the start and at\n"
	    "                            the end, each time whole (temporary file + rename)\n"
	    "  -h, --help, -V, --version\n"
	    "Numbers are decimal: no sign, leading zero, hex or exponent.\n"
	    "Exit status: 0 done; 1 runtime failure (e.g. results, trace or metadata not fully\n"
	    "written); 2 bad input; 130 interrupted (SIGINT), 143 terminated (SIGTERM), after\n"
	    "the results are flushed and the metadata written.\n",
	    fp);
}

static int push(const char ***arr, size_t *n, const char *s)
{
	const char **a = realloc(*arr, (*n + 1) * sizeof(*a));
	if (!a)
		return -ENOMEM;
	a[(*n)++] = s;
	*arr = a;
	return 0;
}

/* At most 64 bytes of what the user typed, control bytes as '?': messages stay one line and
 * carry no terminal escapes. */
static void printable(char *dst, size_t size, const char *src, size_t len)
{
	size_t i;

	if (len > 64)
		len = 64;
	for (i = 0; i < len && i + 1 < size; i++)
		dst[i] = isprint((unsigned char)src[i]) ? src[i] : '?';
	dst[i] = 0;
}

/* Edit distance (insertions, deletions, substitutions and swaps of neighbours) between a and
 * the first blen bytes of b, capped at 9: enough to tell a typo from another word. */
static unsigned edit_distance(const char *a, const char *b, size_t blen)
{
	size_t alen = strlen(a);
	unsigned d[40][40];

	if (alen >= 40 || blen >= 40)
		return 9;
	for (size_t i = 0; i <= alen; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= blen; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= alen; i++)
		for (size_t j = 1; j <= blen; j++) {
			unsigned best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[alen][blen] > 9 ? 9 : d[alen][blen];
}

/* The long option a mistyped one most likely meant (at most two edits away, and fewer than
 * half its letters), or NULL. */
static const char *closest_option(const char *typed, size_t len)
{
	const char *best = NULL;
	unsigned best_d = 3;

	for (const struct option *lo = long_options; lo->name; lo++) {
		unsigned d = edit_distance(lo->name, typed, len);

		if (d < best_d && 2 * d < len) {
			best = lo->name;
			best_d = d;
		}
	}
	return best;
}

/* getopt_long failed (opterr is 0, so it printed nothing): say which option and why.  With a
 * leading ':' in the option string, c is ':' for a missing value and '?' otherwise; optopt is
 * the short option, or a long option's val (an argument it does not take, a missing value),
 * or 0 for an unknown or ambiguous long option. */
static void option_error(char *errbuf, int c, int argc, char **argv)
{
	const char *arg = optind >= 1 && optind <= argc ? argv[optind - 1] : "";
	unsigned char ch = (unsigned char)optopt;
	char name[72];

	if (!strncmp(arg, "--", 2) && arg[2]) {
		size_t len = strcspn(arg + 2, "=");
		const struct option *hit = NULL;
		char list[160] = "";
		int n = 0;

		for (const struct option *lo = long_options; lo->name; lo++) {
			if (strncmp(lo->name, arg + 2, len))
				continue;
			if (strlen(lo->name) == len) {
				hit = lo;
				n = 1;
				break;
			}
			hit = lo;
			n++;
			if (strlen(list) + strlen(lo->name) + 5 < sizeof(list))
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s--%s",
				         list[0] ? ", " : "", lo->name);
		}
		printable(name, sizeof(name), arg + 2, len);
		if (!len)
			hit = NULL;
		if (!hit && !optopt) {
			const char *near = closest_option(arg + 2, len);

			if (near)
				snprintf(errbuf, ISW_ERRBUF_SIZE,
				         "unknown option '--%s' (did you mean --%s?)", name, near);
			else
				snprintf(errbuf, ISW_ERRBUF_SIZE, "unknown option '--%s'", name);
			return;
		}
		if (hit && n > 1 && !optopt) {
			snprintf(errbuf, ISW_ERRBUF_SIZE, "ambiguous option '--%s' (%s)", name,
			         list);
			return;
		}
		/* The element before optind is a long option only if it is the one that failed
		 * (a bad short option in the middle of a cluster leaves optind where it was). */
		if (hit && optopt == hit->val) {
			if (c == ':')
				snprintf(errbuf, ISW_ERRBUF_SIZE, "option '--%s' needs a value",
				         hit->name);
			else
				snprintf(errbuf, ISW_ERRBUF_SIZE, "option '--%s' takes no argument",
				         hit->name);
			return;
		}
	}
	if (c == ':')
		snprintf(errbuf, ISW_ERRBUF_SIZE, "option '-%c' needs a value", ch);
	else if (isprint(ch))
		snprintf(errbuf, ISW_ERRBUF_SIZE, "unknown option '-%c'", ch);
	else
		snprintf(errbuf, ISW_ERRBUF_SIZE, "unknown option byte 0x%02x", ch);
}

static const char *env_lookup(const char *name)
{
	return getenv(name);
}

#define BAD(...)                                                                                   \
	do {                                                                                       \
		snprintf(errbuf, ISW_ERRBUF_SIZE, __VA_ARGS__);                                    \
		return -EINVAL;                                                                    \
	} while (0)

/* --max-targets N or P%: the count, or the percentage for max_targets_count. */
static int max_targets(struct cli_options *o, const char *arg)
{
	size_t len = strlen(arg);
	char num[32];
	uint64_t v;
	double p;

	if (len && arg[len - 1] == '%') {
		if (len - 1 >= sizeof(num))
			return -EINVAL;
		memcpy(num, arg, len - 1);
		num[len - 1] = 0;
		if (cli_parse_decimal(num, &p) < 0 || !(p > 0) || p > 100)
			return -EINVAL;
		o->max_targets_pct = p;
		o->max_targets = 0;
		return 0;
	}
	if (cli_parse_u64(arg, UINT64_MAX, &v) < 0 || v < 1)
		return -EINVAL;
	o->max_targets = v;
	o->max_targets_pct = 0;
	return 0;
}

/* The targets --max-targets lets through, once the targets are known: a percentage rounds
 * up, so that any percentage probes at least one. */
static uint64_t max_targets_count(const struct cli_options *o)
{
	uint64_t n = isw_targets_count(o->targets), k;
	double want;

	if (o->max_targets_pct <= 0)
		return o->max_targets;
	/* The tolerance keeps 10% of 1000 at 100 despite binary fractions. */
	want = (double)n * o->max_targets_pct / 100.0 - 1e-9;
	k = (uint64_t)want;
	k += (double)k < want;
	return k ? k : 1;
}

/* -S: the source of its family's probes, once per family (as masscan's --source-ip takes
 * either); an IPv6 one has to be a unicast address of its own. */
static int parse_source(struct cli_options *o, const char *text, char *errbuf)
{
	struct isw_addr a;
	uint32_t v4;

	if (!strchr(text, ':')) {
		if (cli_parse_ipv4(text, &v4) < 0 || !v4)
			BAD("invalid source address '%s'", text);
		if (o->cfg.src_addr && o->cfg.src_addr != v4)
			BAD("-S '%s': an IPv4 source was given already (one -S per address family)",
			    text);
		o->cfg.src_addr = v4;
		return 0;
	}
	if (isw_addr_parse(text, &a, NULL) < 0 || a.family != AF_INET6 || a.bytes[0] == 0xff ||
	    !memcmp(a.bytes, (const uint8_t[16]){0}, 16))
		BAD("invalid source address '%s'", text);
	if (o->cfg.have_src6 && memcmp(o->cfg.src6, a.bytes, 16))
		BAD("-S '%s': an IPv6 source was given already (one -S per address family)", text);
	memcpy(o->cfg.src6, a.bytes, 16);
	o->cfg.have_src6 = 1;
	return 0;
}

/* A -S whose family no target has would be left unused: refused, naming it. */
static int check_sources(const struct cli_options *o, char *errbuf)
{
	uint64_t n = isw_targets_count(o->targets), n6 = isw_targets_count_v6(o->targets);
	char a[ISW_ADDR_TEXT_MAX];
	struct isw_addr s6;

	if (o->read_path)
		return 0;
	if (o->cfg.src_addr && n6 == n)
		BAD("-S %s is an IPv4 source, but every target is IPv6: give an IPv6 address "
		    "with -S, or leave it out",
		    isw_addr_str(o->cfg.src_addr, a));
	if (o->cfg.have_src6 && !n6) {
		s6 = isw_addr_from_v6(o->cfg.src6);
		BAD("-S %s is an IPv6 source, but every target is IPv4: give an IPv4 address "
		    "with -S, or leave it out",
		    isw_addr_format(&s6, a));
	}
	return 0;
}

/* Modes whose pipeline carries IPv4 only so far: IPv6 targets are refused there, naming the
 * option (nothing has been sent). */
static int refuse_ipv6(const struct cli_options *o, char *errbuf)
{
	uint64_t n = isw_targets_count(o->targets), n6 = isw_targets_count_v6(o->targets);
	struct isw_addr first;
	char a[ISW_ADDR_TEXT_MAX];
	const char *opt = NULL, *why = "";

	if (!n6 || o->read_path)
		return 0;
	if (o->localnet)
		opt = "-l", why = "sweeps this host's IPv4 networks";
	else if (o->cfg.arp == ISW_ARP_ONLY)
		opt = "--arp-only", why = "is an IPv4 (ARP) sweep";
	if (!opt)
		return 0;
	first = isw_targets_at_addr(o->targets, n - n6);
	BAD("%s %s: it cannot take the %llu IPv6 targets (%s%s); sweep them in a separate run "
	    "without it",
	    opt, why, (unsigned long long)n6, isw_addr_format(&first, a),
	    n6 > 1 ? " and more" : "");
	return 0;
}

/* What the sweep can take of the finalized targets: the order (permute.h) holds at most 2^32
 * of them. */
static int check_order_limit(const struct cli_options *o, char *errbuf)
{
	uint64_t n = isw_targets_count(o->targets), n6 = isw_targets_count_v6(o->targets);

	if (!o->read_path && n > (1ull << 32))
		BAD("%llu targets (%llu IPv4, %llu IPv6) are more than the 2^32 one sweep can "
		    "order: sweep them in separate runs",
		    (unsigned long long)n, (unsigned long long)(n - n6), (unsigned long long)n6);
	return 0;
}

/* An IID's one spelling: "::" and its groups from the first non-zero one.  An IID fits the
 * low 64 bits (checked when the targets are finalized), so the leading zeros are the longest
 * run RFC 5952 compresses; unlike inet_ntop, ::a:b stays ::a:b, not ::0.10.0.11. */
static void iid_text(const uint8_t b[16], char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "::");
	int g = 0;

	while (g < 8 && !(b[2 * g] | b[2 * g + 1]))
		g++;
	for (int first = 1; g < 8 && n < size; g++, first = 0)
		n += (size_t)snprintf(buf + n, size - n, "%s%x", first ? "" : ":",
		                      (unsigned)(b[2 * g] << 8 | b[2 * g + 1]));
}

int cli_parse(struct cli_options *o, int argc, char **argv, char *errbuf)
{
	unsigned long u;
	uint64_t v;
	double d;
	int c, rc;

	memset(o, 0, sizeof(*o));
	isw_config_init(&o->cfg);
	isw_resolver_config_init(&o->resolve);
	rc = isw_targets_new(&o->targets);
	if (rc < 0)
		return rc;
	isw_targets_allow_ipv6(o->targets);
	/* The library reads no environment: the one variable it knew arrives as configuration. */
	const char *zc = getenv("ISW_XDP_ZEROCOPY");
	if (zc && !strcmp(zc, "off"))
		o->cfg.xdp_zerocopy = ISW_ZEROCOPY_OFF;
	else if (zc && !strcmp(zc, "try"))
		o->cfg.xdp_zerocopy = ISW_ZEROCOPY_TRY;
	else if (zc && *zc)
		BAD("invalid ISW_XDP_ZEROCOPY '%s' (off or try)", zc);
	optind = 0; /* a fresh scan of argv: --resume parses twice */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":I:x:b:r:P:c:i:S:G:o:O:w:C:T:f:lnqhV", long_options,
	                        NULL)) != -1) {
		switch (c) {
		case 'I':
		case 'b':
			rc = isw_targets_add_file(o->targets, optarg, c == 'b', errbuf);
			/* A read that fails part way is a runtime failure (exit 1), the rest bad
			 * input. */
			if (rc < 0)
				return rc == -ENOMEM || rc == -EIO ? rc : -EINVAL;
			if (push(c == 'b' ? &o->exclude_specs : &o->specs,
			         c == 'b' ? &o->nexclude_specs : &o->nspecs, optarg) < 0)
				return -ENOMEM;
			if (strcmp(optarg, "-") != 0) {
				size_t n = o->ninput_files;

				if (push(&o->input_files, &o->ninput_files, optarg) < 0 ||
				    push(&o->input_opts, &n, c == 'b' ? "-b" : "-I") < 0)
					return -ENOMEM;
			}
			break;
		case 'x':
			rc = isw_targets_add(o->targets, optarg, 1, errbuf);
			if (rc < 0)
				return rc == -ENOMEM ? rc : -EINVAL;
			if (push(&o->exclude_specs, &o->nexclude_specs, optarg) < 0)
				return -ENOMEM;
			break;
		case OPT_IID:
			if (strcmp(optarg, "random") != 0) {
				struct isw_addr a;

				if (isw_addr_parse(optarg, &a, NULL) < 0 || a.family != AF_INET6)
					BAD("invalid --iid '%s' (an IPv6 address such as ::1, "
					    "whose low bits are the host part of each "
					    "sub-prefix, or random)",
					    optarg);
				isw_targets_set_iid(o->targets, a.bytes);
				iid_text(a.bytes, o->iid_text, sizeof(o->iid_text));
			} else {
				snprintf(o->iid_text, sizeof(o->iid_text), "random");
			}
			o->iid = optarg;
			o->iid_random = !strcmp(optarg, "random");
			break;
		case OPT_SEED:
			if (cli_parse_u64(optarg, UINT64_MAX, &v) < 0)
				BAD("invalid seed '%s' (decimal without leading zeros, "
				    "0..18446744073709551615)",
				    optarg);
			o->cfg.seed = v;
			o->seed_given = 1;
			break;
		case 'r':
			if (cli_parse_rate(optarg, &o->cfg.rate) < 0)
				BAD("invalid rate '%s' (probes per second, e.g. 10k, 1.5M, 0 = "
				    "max)",
				    optarg);
			break;
		case 'P':
			if (cli_parse_uint(optarg, 255, &u) < 0 || u < 1)
				BAD("invalid probes per target '%s' (1..255)", optarg);
			o->cfg.probes = (unsigned)u;
			break;
		case 'c':
			/* "auto" or "auto:MAX": until few answers are still expected, at most MAX
			 * s. */
			if (!strncmp(optarg, "auto", 4) && (!optarg[4] || optarg[4] == ':')) {
				o->cfg.cooldown_auto = 1;
				o->cfg.cooldown_s = ISW_DEFAULT_COOLDOWN_S;
				if (!optarg[4])
					break;
				if (cli_parse_decimal(optarg + 5, &d) < 0 || !(d > 0 && d <= 3600))
					BAD("invalid cooldown '%s' (auto:MAX, MAX seconds 0..3600)",
					    optarg);
				o->cfg.cooldown_s = d;
				break;
			}
			if (cli_parse_decimal(optarg, &d) < 0 || !(d >= 0 && d <= 3600))
				BAD("invalid cooldown '%s' (seconds, 0..3600)", optarg);
			o->cfg.cooldown_s = d;
			o->cfg.cooldown_auto = 0;
			break;
		case 'i':
			if (strlen(optarg) >= IFNAMSIZ || !if_nametoindex(optarg))
				BAD("unknown interface '%s'", optarg);
			o->cfg.iface = optarg;
			break;
		case 'S':
			rc = parse_source(o, optarg, errbuf);
			if (rc < 0)
				return rc;
			break;
		case 'G':
			if (cli_parse_mac(optarg, o->cfg.gw_mac) < 0)
				BAD("invalid MAC address '%s' (want aa:bb:cc:dd:ee:ff)", optarg);
			o->cfg.have_gw_mac = 1;
			break;
		case 'o':
			o->output_path = optarg;
			break;
		case 'O':
			if (isw_format_parse(optarg, &o->format) < 0)
				BAD("invalid output format '%s' (text, csv, json or xml)", optarg);
			break;
		case 'n':
			o->no_resolve = 1;
			break;
		case OPT_RESOLVER:
			if (isw_resolver_server_check(optarg, errbuf) < 0)
				return -EINVAL;
			if (o->nresolvers >= ISW_RESOLVE_MAX_SERVERS)
				BAD("too many resolvers at '%s' (at most %d)", optarg,
				    ISW_RESOLVE_MAX_SERVERS);
			if (push(&o->resolvers, &o->nresolvers, optarg) < 0)
				return -ENOMEM;
			o->resolve.servers = o->resolvers;
			o->resolve.nservers = o->nresolvers;
			break;
		case OPT_RESOLVE_CONCURRENCY:
			if (cli_parse_uint(optarg, 65535, &u) < 0 || u < 1)
				BAD("invalid resolve concurrency '%s' (1..65535)", optarg);
			o->resolve.concurrency = (unsigned)u;
			break;
		case OPT_RESOLVE_TIMEOUT:
			if (cli_parse_uint(optarg, 600000, &u) < 0 || u < 1)
				BAD("invalid resolve timeout '%s' (milliseconds, 1..600000)",
				    optarg);
			o->resolve.timeout_ms = (unsigned)u;
			break;
		case OPT_RESOLVE_TRIES:
			if (cli_parse_uint(optarg, 100, &u) < 0 || u < 1)
				BAD("invalid resolve tries '%s' (1..100)", optarg);
			o->resolve.tries = (unsigned)u;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case OPT_METADATA:
			o->metadata_path = optarg;
			break;
		case OPT_DRY_RUN:
			o->cfg.dry_run = 1;
			break;
		case OPT_TX:
			if (!isw_tx_backend_known(optarg))
				BAD("unknown transmit backend '%s' (have: %s)", optarg,
				    isw_tx_backend_names());
			o->cfg.tx = optarg;
			break;
		case OPT_PCAP_BUFFER:
			if (cli_parse_size(optarg, &v) < 0 || v < 65536)
				BAD("invalid capture buffer size '%s' (64k to 2047M)", optarg);
			o->cfg.pcap_buffer = (unsigned)v;
			break;
		case OPT_TTL:
			if (cli_parse_uint(optarg, 255, &u) < 0 || u < 1)
				BAD("invalid TTL '%s' (1..255)", optarg);
			o->cfg.ttl = (uint8_t)u;
			break;
		case OPT_HOP_LIMIT:
			if (cli_parse_uint(optarg, 255, &u) < 0 || u < 1)
				BAD("invalid hop limit '%s' (1..255)", optarg);
			o->cfg.hop_limit = (uint8_t)u;
			break;
		case 'w':
			o->cfg.trace_path = optarg;
			break;
		case OPT_PCAPNG:
			o->cfg.trace_pcapng = 1;
			break;
		case OPT_TRACE_PROBES:
			o->cfg.trace_probes = 1;
			break;
		case 'C':
			if (cli_parse_decimal(optarg, &d) < 0 || d < 1 || d > 1e6)
				BAD("invalid file size '%s' (megabytes, 1..1000000)", optarg);
			o->cfg.trace_rotate_bytes = (uint64_t)(d * 1000000);
			break;
		case OPT_READ:
			o->read_path = optarg;
			break;
		case OPT_NO_VALIDATE:
			o->no_validate = 1;
			break;
		case OPT_ADAPTIVE:
			o->cfg.adaptive = 1;
			break;
		case 'T':
			if (!strcmp(optarg, "auto")) {
				o->cfg.senders = 0;
				break;
			}
			if (cli_parse_uint(optarg, 16, &u) < 0 || u < 1)
				BAD("invalid sender threads '%s' (1..16 or auto)", optarg);
			o->cfg.senders = (unsigned)u;
			break;
		case OPT_ARP_ONLY:
		case OPT_NO_ARP:
			if (o->cfg.arp != ISW_ARP_AUTO)
				BAD("--arp-only and --no-arp exclude each other");
			o->cfg.arp = c == OPT_ARP_ONLY ? ISW_ARP_ONLY : ISW_ARP_OFF;
			break;
		case OPT_IPV6_MULTICAST:
		case OPT_NO_IPV6_MULTICAST:
			o->cfg.ipv6_multicast = c == OPT_IPV6_MULTICAST;
			break;
		case OPT_USER:
			o->user = optarg;
			break;
		case 'f':
			o->fields = optarg;
			break;
		case OPT_LIST_FIELDS:
			o->list_fields = 1;
			return 0;
		case OPT_MAX_RESULTS:
			if (cli_parse_u64(optarg, UINT64_MAX, &v) < 0 || v < 1)
				BAD("invalid --max-results '%s' (hosts, at least 1)", optarg);
			o->max_results = v;
			break;
		case OPT_MAX_RUNTIME:
			if (cli_parse_decimal(optarg, &d) < 0 || d <= 0 || d > 31536000)
				BAD("invalid --max-runtime '%s' (seconds, above 0)", optarg);
			o->max_runtime_s = d;
			break;
		case 'l':
			o->localnet = 1;
			break;
		case OPT_LOCALNET_MAX:
			if (cli_parse_u64(optarg, 32, &v) < 0 || v < 8)
				BAD("invalid --localnet-max '%s' (a prefix length, 8 to 32)",
				    optarg);
			o->localnet_max = (int)v;
			break;
		case OPT_MAX_TARGETS:
			if (max_targets(o, optarg) < 0)
				BAD("invalid --max-targets '%s' (a count of at least 1, or a "
				    "percentage "
				    "above 0 and at most 100, such as 10%%)",
				    optarg);
			break;
		case OPT_MAP:
			o->map_path = optarg;
			break;
		case OPT_DB:
			o->db_path = optarg;
			break;
		case OPT_MAP_BY:
			if (!strcmp(optarg, "alive"))
				o->map_by = MAP_BY_ALIVE;
			else if (!strcmp(optarg, "rtt"))
				o->map_by = MAP_BY_RTT;
			else
				BAD("invalid --map-by '%s' (alive or rtt)", optarg);
			o->map_by_given = 1;
			break;
		case OPT_SHARD:
			o->shard_arg = optarg;
			break;
		case OPT_SHARDS:
			o->shards_arg = optarg;
			break;
		case OPT_CHECKPOINT:
			o->checkpoint_path = optarg;
			break;
		case OPT_CHECKPOINT_INTERVAL:
			if (cli_parse_decimal(optarg, &d) < 0 || d < 0.01 || d > 86400)
				BAD("invalid --checkpoint-interval '%s' (seconds, 0.01 to 86400)",
				    optarg);
			o->checkpoint_interval_s = d;
			break;
		case OPT_RESUME:
			o->resume_path = optarg;
			break;
		case 'h':
			o->help = 1;
			return 0;
		case 'V':
			o->version = 1;
			return 0;
		default:
			option_error(errbuf, c, argc, argv);
			return -EINVAL;
		}
	}
	for (int i = optind; i < argc; i++) {
		rc = isw_targets_add(o->targets, argv[i], 0, errbuf);
		if (rc < 0)
			return rc == -ENOMEM ? rc : -EINVAL;
		if (push(&o->specs, &o->nspecs, argv[i]) < 0)
			return -ENOMEM;
	}
	if (!o->cfg.trace_path &&
	    (o->cfg.trace_pcapng || o->cfg.trace_probes || o->cfg.trace_rotate_bytes))
		BAD("--pcapng, --trace-probes and -C need a trace file (-w FILE)");
	if (o->no_validate && !o->read_path)
		BAD("--no-validate only applies to --read");
	if (o->read_path && (o->cfg.trace_path || o->cfg.dry_run))
		BAD("--read analyses a trace: it cannot be combined with -w or --dry-run");
	/* A dry run sends nothing and opens no capture: a trace would stay empty. */
	if (o->cfg.dry_run && o->cfg.trace_path)
		BAD("--dry-run sends and captures nothing: it cannot write a trace (-w '%s'); it "
		    "prints the probes instead",
		    o->cfg.trace_path);
	struct isw_output_options fo = {.format = o->format,
	                                .hostnames = !o->no_resolve,
	                                .probes = o->cfg.dry_run,
	                                .fields = o->fields};
	rc = isw_output_fields_check(&fo, errbuf);
	if (rc < 0)
		return rc;
	if (o->map_by_given && !o->map_path)
		BAD("--map-by colours the map: it needs --map FILE");
	if (o->map_path && o->cfg.dry_run)
		BAD("--map draws what a sweep found: --dry-run finds nothing");
	if (o->db_path && o->cfg.dry_run)
		BAD("--db records what a sweep found: --dry-run finds nothing");
	if (o->map_path && o->read_path && !o->nspecs)
		BAD("--map with --read needs the targets that were swept (the map shows them)");
	rc = cli_shard_resolve(o->shard_arg, o->shards_arg, env_lookup, &o->shard, errbuf);
	if (rc < 0)
		return rc;
	if (o->shard.count && o->read_path)
		BAD("--shard splits a sweep: --read sends nothing (merge shards' results with "
		    "icmpsweep merge)");
	/* Every shard must walk the same order: a random seed each would overlap them.  A
	 * resumed sweep's seed is the checkpoint's (checked once its options are read). */
	if (o->shard.count && !o->seed_given && !o->resume_path)
		BAD("--shard %u/%u needs --seed N, the same on every shard (they must agree on the "
		    "order)",
		    o->shard.index, o->shard.count);
	o->cfg.shard = o->shard.index;
	o->cfg.shards = o->shard.count;
	if (o->read_path && o->max_runtime_s > 0)
		BAD("--max-runtime limits sending: --read sends nothing");
	if (o->read_path && (o->checkpoint_path || o->resume_path))
		BAD("--checkpoint and --resume are for sweeps: --read sends nothing");
	if (o->cfg.dry_run && (o->checkpoint_path || o->resume_path))
		BAD("--checkpoint and --resume are for sweeps: --dry-run sends nothing to resume");
	/* The map is drawn from this run's results: those found before the checkpoint are gone. */
	if (o->map_path && (o->checkpoint_path || o->resume_path))
		BAD("--map cannot be resumed (the hosts found before a checkpoint would be missing "
		    "from it): draw it from the output with icmpsweep map");
	if (o->checkpoint_interval_s > 0 && !o->checkpoint_path && !o->resume_path)
		BAD("--checkpoint-interval needs --checkpoint FILE");
	if (o->read_path && (o->max_targets || o->max_targets_pct > 0))
		BAD("--max-targets limits what is probed: --read probes nothing");
	rc = cli_check_files(o, errbuf);
	if (rc < 0)
		return rc;
	if (o->localnet_max && !o->localnet)
		BAD("--localnet-max caps what -l sweeps: give -l too");
	if (o->localnet && o->read_path)
		BAD("-l names the networks to sweep: --read sweeps nothing (give the targets)");
	if (o->localnet) {
		rc = cli_localnet_add(o->targets, o->cfg.iface,
		                      o->localnet_max ? o->localnet_max : CLI_LOCALNET_MAX_DEFAULT,
		                      &o->localnet_found, errbuf);
		if (rc < 0)
			return rc == -ENOMEM ? rc : -EINVAL;
		for (size_t i = 0; i < o->localnet_found.nspecs; i++)
			if (push(&o->specs, &o->nspecs, o->localnet_found.specs[i]) < 0)
				return -ENOMEM;
	}
	/* --resume alone: the targets are the checkpoint's (main parses again with them). */
	if (!o->nspecs && !o->read_path && !o->resume_path)
		BAD("no targets given: name them, or sweep the networks this host is on with -l "
		    "(try --help)");
	if (o->iid && o->nspecs && !isw_targets_has_subprefix(o->targets))
		BAD("--iid '%s' sets the address probed in each sub-prefix of a sub-prefix sweep "
		    "(PREFIX/LEN-SUBLEN, e.g. 2001:db8::/32-48): no target is one",
		    o->iid);
	/* --read learns the seed from the trace, after the targets are final. */
	if (o->iid_random && o->read_path && !o->seed_given)
		BAD("--iid random with --read needs the sweep's --seed N: the targets' addresses "
		    "come from it");
	/* Before finalize: --iid random draws each sub-prefix's identifier from it. */
	if (!o->seed_given &&
	    getrandom(&o->cfg.seed, sizeof(o->cfg.seed), 0) != (ssize_t)sizeof(o->cfg.seed)) {
		snprintf(errbuf, ISW_ERRBUF_SIZE, "cannot draw a random seed: %s", strerror(errno));
		return -EIO;
	}
	if (o->iid_random)
		isw_targets_set_iid_random(o->targets, o->cfg.seed);
	/* Offline, targets are optional: they only narrow what is reported. */
	if (o->nspecs || (o->nexclude_specs && !o->resume_path)) {
		rc = isw_targets_finalize(o->targets, errbuf);
		if (rc < 0)
			return rc == -ENOMEM ? rc : -EINVAL;
		rc = refuse_ipv6(o, errbuf);
		if (rc == 0)
			rc = check_sources(o, errbuf);
		if (rc < 0)
			return rc;
	}
	if (o->nspecs) {
		rc = check_order_limit(o, errbuf);
		if (rc < 0)
			return rc;
		o->cfg.max_targets = max_targets_count(o);
	}
	return 0;
}

void cli_free(struct cli_options *o)
{
	isw_targets_free(o->targets);
	free(o->specs);
	free(o->exclude_specs);
	free(o->resolvers);
	free(o->input_files);
	free(o->input_opts);
}

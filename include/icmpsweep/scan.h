/* SPDX-License-Identifier: BSD-2-Clause */
/* Scan lifecycle.
 *
 *   isw_scan_new -> [isw_scan_prepare] -> isw_scan_start
 *       -> (isw_scan_wait / isw_scan_get_stats ... | isw_scan_stop) -> isw_scan_free
 *
 * isw_scan_start opens the interface and starts a sender and a capture thread.  Results are
 * passed to the sink on the capture thread, each target at most once per result type.  The
 * sink must not block for long: it runs on the capture path.  isw_scan_stop may be called from
 * any thread (never from a signal handler: callers turn signals into calls, e.g. sigwait) and
 * is idempotent; the first call ends sending and lets the cooldown run, a call with
 * skip_cooldown ends capture at once.  Nothing already captured is dropped: every packet read
 * from the capture ring before the end is matched and given to the sink.
 */
#ifndef ICMPSWEEP_SCAN_H
#define ICMPSWEEP_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "result.h"
#include "targets.h"

typedef struct isw_scan isw_scan;

typedef void (*isw_sink_fn)(const struct isw_result *r, void *arg);

/* Interfaces one sweep sends on at most. */
#define ISW_SCAN_MAX_IFACES 8

struct isw_scan_stats {
	uint64_t targets;     /* size of the index space */
	uint64_t probed;      /* targets the sweep probes: all, or --max-targets' first */
	uint64_t sent;        /* probes handed to the device (re-sent ones included) */
	uint64_t send_errors; /* probes the backend refused or the device dropped */
	uint64_t skipped;     /* re-probes skipped because the target had answered */
	uint64_t done;        /* probe slots walked (sent + skipped), of targets * probes */
	unsigned pass;        /* current ICMP pass, 1-based; 0 before the first (the ARP pass) */
	uint64_t hits;        /* distinct live hosts */
	uint64_t icmp_errors; /* distinct targets reported by ICMP errors */
	uint64_t replies;     /* validated answers including duplicates */
	uint64_t duplicates;  /* validated answers for an already reported target */
	uint64_t invalid;     /* ICMP to us that failed validation or did not parse */
	uint64_t other_shard; /* valid answers for targets of another shard (same seed) */
	uint64_t pcap_recv;   /* packets seen by the capture filter (kernel count) */
	uint64_t pcap_drop;   /* dropped by the capture ring (kernel count) */
	uint64_t pcap_ifdrop; /* dropped by the interface */
	uint64_t onlink;      /* targets on networks attached to the interface (ARP pass) */
	uint64_t arp_sent;    /* ARP requests sent */
	uint64_t
	    arp_send_errors;    /* ARP requests the backend refused (the pass's and the checks') */
	uint64_t arp_hosts;     /* on-link targets that answered ARP */
	uint64_t arp_conflicts; /* addresses claimed by more than one MAC */
	uint64_t arp_only;      /* reported as present by ARP alone */
	uint64_t onlink6;       /* IPv6 targets on attached networks (NDP pass) */
	uint64_t ndp_sent;      /* neighbour solicitations sent (refused ones: arp_send_errors) */
	uint64_t ndp_hosts;     /* on-link IPv6 targets that answered them */
	uint64_t ndp_conflicts; /* IPv6 addresses claimed by more than one MAC */
	uint64_t ndp_only;      /* reported as present by NDP alone */
	uint64_t absent;        /* ICMP probes not sent: on-link target silent to ARP */
	uint64_t unrouted;      /* targets never probed: blackhole, unreachable, prohibit, none */
	uint64_t current_rate;  /* --adaptive: the rate now (0 = unlimited) */
	uint64_t slowdowns;     /* --adaptive: times the sender slowed down */
	unsigned slow_reason;   /* --adaptive: why it last did (enum isw_slow_reason) */
	double elapsed_s;       /* since start */
	double send_elapsed_s;  /* from first to last probe */
	double send_busy_s;     /* time spent sending ICMP passes, without the pauses between */
	int sending;            /* 1 while the sender runs */
	int finished;           /* 1 once capture has ended */
	/* Health of the path (see enum isw_path_fault and README "When the path fails"). */
	unsigned path_faults;        /* ISW_FAULT_* seen so far */
	int send_errno;              /* the latest send error (positive errno), 0 if none */
	uint64_t send_errors_resent; /* of send_errors, probes sent again after an outage */
	uint64_t carrier_losses;     /* times the interface lost carrier while scanning */
	int carrier_down;            /* 1 while it has none: sending paused */
	double carrier_down_s;       /* time without carrier so far */
	uint64_t resent;             /* probes sent again after carrier came back */
	uint8_t next_hop_mac_now[6]; /* ISW_FAULT_NEIGH_MOVED: where the next hop is now */
	/* The interface of the latest fault (carrier, link gone, next hop), and its next hop. */
	char fault_iface[32];
	uint32_t fault_next_hop;
	int fault_next_hop_v6; /* the latest next-hop fault is the interface's IPv6 gateway's */
	/* Per interface, in isw_scan_route's order: probes handed to it, and failed on it. */
	uint64_t iface_sent[ISW_SCAN_MAX_IFACES], iface_send_errors[ISW_SCAN_MAX_IFACES];
};

/* What went wrong on the path while scanning (isw_scan_stats.path_faults).  The library acts
 * (pauses, re-sends, stops) and reports; the caller decides how to tell the user. */
enum isw_path_fault {
	ISW_FAULT_LINK_GONE = 1u << 0, /* the interface disappeared: scan stopped */
	ISW_FAULT_CARRIER_TIMEOUT = 1u
	                            << 1, /* no carrier for ISW_CARRIER_WAIT_S: sending stopped */
	ISW_FAULT_CARRIER = 1u << 2,      /* carrier lost while sending: paused, re-sent after */
	ISW_FAULT_CARRIER_LATE = 1u << 3, /* carrier lost after the last probe: answers lost */
	ISW_FAULT_NEIGH_FAILED = 1u << 4, /* the next hop stopped answering ARP */
	ISW_FAULT_NEIGH_MOVED = 1u << 5,  /* the next hop answers at a MAC the probes do not use */
	ISW_FAULT_ANSWERS_STOPPED = 1u << 6, /* answers stopped while probes kept going out */
	ISW_FAULT_SEND_FAILED = 1u << 7,     /* every send failed for ISW_SEND_FAIL_S: stopped */
	ISW_FAULT_CAPTURE = 1u << 8,         /* capture failed: answers after it are lost */
};
/* Faults after which results may be missing: a run that saw one has failed. */
#define ISW_FAULTS_FATAL                                                                           \
	(ISW_FAULT_LINK_GONE | ISW_FAULT_CARRIER_TIMEOUT | ISW_FAULT_CARRIER_LATE |                \
	 ISW_FAULT_NEIGH_FAILED | ISW_FAULT_NEIGH_MOVED | ISW_FAULT_SEND_FAILED |                  \
	 ISW_FAULT_CAPTURE)
#define ISW_CARRIER_WAIT_S 10 /* how long sending waits for carrier to come back */
#define ISW_SEND_FAIL_S    1  /* how long every send may fail before sending stops */

/* Why --adaptive slowed down. */
enum isw_slow_reason {
	ISW_SLOW_NONE = 0,
	ISW_SLOW_DROPS,   /* the capture ring or the interface dropped packets */
	ISW_SLOW_ANSWERS, /* fewer answers than the send rate predicts */
};

/* One interface a sweep sends on: its source and main next hop. */
struct isw_scan_iface {
	char iface[32];
	uint32_t src_addr;
	uint8_t src_mac[6];
	uint8_t gw_mac[6];
	uint32_t next_hop;    /* 0 when the next hop was given as a MAC, or none (on-link only) */
	struct isw_addr src6; /* the IPv6 targets' source here; family 0: none leave here */
	/* The IPv6 gateway path health watches here (family 0: none), and its MAC. */
	struct isw_addr next_hop6;
	uint8_t gw6_mac[6];
};

/* Where probes leave from, as chosen by the route lookup or the overrides: the first
 * target's interface, and every interface in use (without -i, each target leaves by its
 * route's interface). */
struct isw_scan_route {
	char iface[32];
	uint32_t src_addr;
	struct isw_addr src6; /* as struct isw_scan_iface's */
	uint8_t src_mac[6];
	uint8_t gw_mac[6];
	uint32_t next_hop; /* 0 when the next hop was given as a MAC */
	unsigned nifaces;
	struct isw_scan_iface ifaces[ISW_SCAN_MAX_IFACES];
	unsigned gateways; /* gateways the targets' routes use; gw_mac is the first's */
	const char *tx;    /* backend in use */
	char tx_mode[16];  /* how it sends ("copy", "zero-copy"), where it has modes */
	char tx_note[160]; /* why it does not send the way the device promised; usually empty */
	unsigned senders;  /* sender threads (what -T auto chose) */
	/* tx "socket" (no-root mode, ICMP datagram sockets): why it runs; empty otherwise. */
	char tx_why[200];
};

int isw_scan_new(isw_scan **out, const struct isw_config *cfg, const isw_targets *targets,
                 isw_sink_fn sink, void *sink_arg, char *errbuf);
/* Route, interface, sockets and capture: everything but the threads.  isw_scan_start calls it
 * when the caller has not; calling it first lets the caller learn what the scan will do (for
 * example isw_scan_onlink) before any packet leaves. */
int isw_scan_prepare(isw_scan *s, char *errbuf);
/* After prepare: how many targets are on-link (swept with ARP, reported with their MAC). */
uint64_t isw_scan_onlink(const isw_scan *s);
/* After prepare: how many targets have no usable route (blackhole, unreachable, prohibit,
 * throw, none) and are skipped, with their ranges and route kinds named in buf. */
uint64_t isw_scan_unrouted(const isw_scan *s, char *buf, size_t size);
int isw_scan_start(isw_scan *s, char *errbuf);
void isw_scan_stop(isw_scan *s, int skip_cooldown);
/* Waits up to timeout_ms; returns 1 once the scan has finished (threads joined), else 0. */
int isw_scan_wait(isw_scan *s, int timeout_ms);
void isw_scan_get_stats(const isw_scan *s, struct isw_scan_stats *st);
void isw_scan_get_route(const isw_scan *s, struct isw_scan_route *r);
/* Transmit backends for cfg.tx: 1 when name is one ("auto" included), and the list of names
 * for messages.  Whether a backend opens on an interface shows only at isw_scan_start. */
int isw_tx_backend_known(const char *name);
const char *isw_tx_backend_names(void);
void isw_scan_free(isw_scan *s);

/* Where each sender thread is in the keyed order (--checkpoint).  Sender t owns the positions
 * [lo[t], hi[t]) of the permutation in every ICMP pass; it is in pass[t] (0: not yet in the
 * first, e.g. during the ARP pass) and next[t] is the first position of that pass it has not
 * handed to the device.  Passes before pass[t] are complete, later ones untouched: a shard or
 * a resume point is just positions in this one space. */
#define ISW_SCAN_MAX_SENDERS 16
struct isw_scan_progress {
	unsigned senders, passes;
	unsigned pass[ISW_SCAN_MAX_SENDERS];
	uint64_t lo[ISW_SCAN_MAX_SENDERS], hi[ISW_SCAN_MAX_SENDERS], next[ISW_SCAN_MAX_SENDERS];
};
/* After prepare: the senders' positions now (each read once, lock-free). */
void isw_scan_get_progress(const isw_scan *s, struct isw_scan_progress *p);
/* After prepare, before start: continue from p (what isw_scan_get_progress said in an earlier
 * run of the same targets, seed and senders): positions before p are not sent again, and
 * targets marked answered are neither probed nor reported again.  -EINVAL with a message
 * when p does not fit this scan (another sender count or index space). */
int isw_scan_resume_at(isw_scan *s, const struct isw_scan_progress *p, char *errbuf);
/* Before start: addr answered in an earlier run (type says how); 0, or -ENOENT when addr is
 * not a target. */
int isw_scan_mark_answered(isw_scan *s, const struct isw_addr *addr, enum isw_result_type type);

#endif

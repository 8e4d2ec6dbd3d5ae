/* SPDX-License-Identifier: BSD-2-Clause */
/* The supervisor's watch over the path while the scan runs.  What it does for each fault (the
 * README's "When the path fails" says the same to users):
 *
 *   interface deleted        stop sending and capturing at once; the run has failed
 *   carrier lost             senders pause; once it is back they go back to where they were
 *   (Ethernet links)         200 ms before it went (or before the first send that failed)
 *                            and send again to every target that has not answered; no
 *                            carrier for ISW_CARRIER_WAIT_S: stop, failed
 *   carrier lost after the   answers in flight are lost: failed
 *   last probe
 *   answers stop while       a warning, and we ask the next hop ourselves: ARP who-has from
 *   probes go out (pass 1)   our source, broadcast, through the transmit handle, up to 3
 *                            tries 1 s apart; answered from the MAC we send to: fine
 *   next hop fails ARP, or   a warning at once, and the run has failed (probes went nowhere)
 *   answers at another MAC
 *   every send fails for     stop sending: failed (sender.c)
 *   ISW_SEND_FAIL_S
 *   capture fails            stop: failed (scan-capture.c)
 *
 * Everything here runs on the supervisor thread, every 50 ms or at once on an rtnetlink
 * event; the senders only read path_pause once per batch. */
#include <string.h>
#include <time.h>

#include <linux/neighbour.h>

#include "icmpsweep/error.h"
#include "bytes.h"
#include "nh-check.h"
#include "path-watch.h"
#include "scan-internal.h"

#define TICK_MS 50
/* Answers are "stopped" after a silence this many times the mean gap between them. */
#define SILENT_GAPS   20
#define SILENT_MIN_NS 2000000000u

struct health {
	struct isw_path_watch *w;
	struct isw_path_state st;
	uint32_t next_hop; /* watched neighbour, 0 for none */
	struct isw_nh_check nh;
	uint64_t replies, quiet_since, sent_at_quiet;
	int silence_reported;
};

void isw_scan_fault(struct isw_scan *s, unsigned fault, int stop)
{
	isw_send_flags_fault(&s->flags, fault, stop);
}

static void carrier_changed(struct isw_scan *s, const struct isw_path_state *st, uint64_t now)
{
	int paused = atomic_load(&s->flags.path_pause);

	if (!st->carrier && !paused) {
		atomic_store(&s->flags.down_since_ns, now);
		atomic_fetch_add(&s->carrier_losses, 1);
		isw_scan_fault(
		    s, atomic_load(&s->count.sending) ? ISW_FAULT_CARRIER : ISW_FAULT_CARRIER_LATE,
		    0);
		atomic_store(&s->flags.path_pause, 1);
	} else if (st->carrier && paused) {
		atomic_fetch_add(&s->down_total_ns, now - atomic_load(&s->flags.down_since_ns));
		atomic_store(&s->flags.path_pause, 0);
	}
}

static void neigh_changed(struct isw_scan *s, struct health *h)
{
	const struct isw_path_state *st = &h->st;
	const int usable =
	    NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP;

	if (!h->next_hop)
		return;
	if ((st->neigh & NUD_FAILED) &&
	    !(atomic_load(&s->flags.path_faults) & ISW_FAULT_NEIGH_FAILED)) {
		isw_scan_fault(s, ISW_FAULT_NEIGH_FAILED, 0);
		/* Ask it ourselves: if it answers ARP elsewhere, say where. */
		isw_nh_check_start(&h->nh, isw_now_ns());
	}
	if ((st->neigh & usable) && st->neigh_mac_known &&
	    memcmp(st->neigh_mac, s->route.next_hop_mac, 6) != 0) {
		atomic_store(&s->neigh_mac_now, isw_get_be48(st->neigh_mac));
		isw_scan_fault(s, ISW_FAULT_NEIGH_MOVED, 0);
	}
}

/* Our own ARP check of the next hop (nh-check.h): the kernel's events above are an extra
 * signal only, since asking the kernel to re-probe needs CAP_NET_ADMIN, gone after the
 * privilege drop. */
static void nh_step(struct isw_scan *s, struct health *h, uint64_t now)
{
	uint64_t at = atomic_load_explicit(&s->nh_arp_at_ns, memory_order_acquire),
	         packed = atomic_load_explicit(&s->nh_arp_mac, memory_order_relaxed);
	uint8_t mac[6];

	if (!h->nh.active)
		return;
	/* Nobody left to send the request: the sweep is over, nothing to decide. */
	if (!atomic_load(&s->count.sending)) {
		h->nh.active = 0;
		atomic_store(&s->flags.nh_arp_want, 0);
		return;
	}
	for (int k = 5; k >= 0; k--, packed >>= 8)
		mac[k] = (uint8_t)packed;
	switch (isw_nh_check_step(&h->nh, now, at, mac, s->route.next_hop_mac)) {
	case ISW_NH_ASK:
		atomic_store(&s->flags.nh_arp_want, 1);
		break;
	case ISW_NH_MOVED:
		atomic_store(&s->neigh_mac_now, atomic_load(&s->nh_arp_mac));
		isw_scan_fault(s, ISW_FAULT_NEIGH_MOVED, 0);
		break;
	case ISW_NH_SILENT:
		isw_scan_fault(s, ISW_FAULT_NEIGH_FAILED, 0);
		break;
	default:
		break;
	}
}

/* Answers spread evenly over a pass (the permutation mixes live and dead targets), so a
 * silence many mean gaps long while probes keep going out means the path broke somewhere we
 * cannot see: ask the next hop.  Only pass 1: later passes probe silent targets. */
static void watch_answers(struct isw_scan *s, struct health *h, uint64_t now)
{
	uint64_t replies = atomic_load(&s->replies), sent = atomic_load(&s->count.sent),
	         first = atomic_load(&s->count.first_send_ns), gap, limit;

	if (replies != h->replies || atomic_load(&s->flags.path_pause) ||
	    atomic_load(&s->count.pass) != 1 || !atomic_load(&s->count.sending)) {
		h->replies = replies;
		h->quiet_since = now;
		h->sent_at_quiet = sent;
		h->silence_reported = 0;
		return;
	}
	if (h->silence_reported || !first || replies < SILENT_GAPS || h->quiet_since <= first)
		return;
	gap = (h->quiet_since - first) / replies;
	limit = gap * SILENT_GAPS > SILENT_MIN_NS ? gap * SILENT_GAPS : SILENT_MIN_NS;
	/* And enough probes went out in the silence to have drawn that many answers. */
	if (now - h->quiet_since < limit ||
	    sent - h->sent_at_quiet < SILENT_GAPS * (h->sent_at_quiet / replies))
		return;
	h->silence_reported = 1;
	isw_scan_fault(s, ISW_FAULT_ANSWERS_STOPPED, 0);
	if (h->next_hop)
		isw_nh_check_start(&h->nh, now);
}

void isw_health_run(struct isw_scan *s)
{
	struct health h;
	char err[ISW_ERRBUF_SIZE];

	memset(&h, 0, sizeof(h));
	/* The neighbour only where the kernel resolved it for us (scan.c sets nh_watch). */
	h.next_hop = s->nh_watch;
	if (isw_path_watch_open(&h.w, s->route.ifindex, h.next_hop, &h.st, err) < 0)
		h.w = NULL; /* no rtnetlink: send errors and capture failures still count */
	while (atomic_load(&s->count.sending) || atomic_load(&s->capturing)) {
		int rc = 0;
		uint64_t now;

		if (h.w) {
			rc = isw_path_watch_poll(h.w, TICK_MS, &h.st);
		} else {
			struct timespec ts = {0, TICK_MS * 1000000L};
			nanosleep(&ts, NULL);
		}
		now = isw_now_ns();
		if (rc > 0) {
			if (h.st.gone) {
				isw_scan_fault(s, ISW_FAULT_LINK_GONE, 1);
				atomic_store(&s->stop_capture, 1);
				atomic_store(&s->flags.path_pause, 0);
				break;
			}
			/* A tun or ppp device's carrier says whether a program holds it open, not
			 * whether the wire works: only Ethernet links pause for it. */
			if (!s->route.raw_ip)
				carrier_changed(s, &h.st, now);
			neigh_changed(s, &h);
		}
		if (atomic_load(&s->flags.path_pause) && atomic_load(&s->count.sending) &&
		    now - atomic_load(&s->flags.down_since_ns) > ISW_CARRIER_WAIT_S * 1000000000ull)
			isw_scan_fault(s, ISW_FAULT_CARRIER_TIMEOUT, 1);
		watch_answers(s, &h, now);
		nh_step(s, &h, now);
	}
	isw_path_watch_close(h.w);
}

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
 *                            tries 1 s apart; answered from the MAC we send to: fine.  An
 *                            IPv6 gateway: a datagram every 2 s makes the kernel's NDP
 *                            check it once its entry is stale
 *   next hop fails ARP or    a warning at once, and the run has failed (probes went nowhere)
 *   NDP, or answers at
 *   another MAC
 *   every send fails for     stop sending: failed (sender.c)
 *   ISW_SEND_FAIL_S
 *   capture fails            stop: failed (scan-capture.c)
 *
 * Everything here runs on the supervisor thread, every 50 ms or at once on an rtnetlink
 * event; the senders only read path_pause once per batch. */
#include <string.h>
#include <time.h>

#include <linux/neighbour.h>

#include "icmpsweep/addr.h"
#include "icmpsweep/error.h"
#include "bytes.h"
#include "nh-check.h"
#include "path-watch.h"
#include "route.h"
#include "scan-internal.h"

#define TICK_MS 50
/* Answers are "stopped" after a silence this many times the mean gap between them. */
#define SILENT_GAPS   20
#define SILENT_MIN_NS 2000000000u
/* While answers stay stopped, the IPv6 gateway is kicked this often: the kernel checks its
 * entry only once it is stale (after its reachable time), and only when something is sent. */
#define KICK6_GAP_NS 2000000000u

/* One interface's watch: its link and next hop's events, and our ARP check of that hop. */
struct link_health {
	struct isw_path_watch *w;
	struct isw_path_state st;
	struct isw_nh_check nh;
	uint64_t next_kick6; /* when the IPv6 gateway is kicked again (0: not while answers come) */
};

struct health {
	struct link_health l[ISW_MAX_LINKS];
	uint64_t replies, quiet_since, sent_at_quiet;
	int silence_reported;
};

void isw_scan_fault(struct isw_scan *s, unsigned fault, int stop)
{
	isw_send_flags_fault(&s->flags, fault, stop);
}

/* Senders pause while any interface in use has no carrier: the probes of the others wait
 * with them, and the walk goes back over all of them once every link is up. */
static void carrier_changed(struct isw_scan *s, const struct health *h, uint64_t now)
{
	int paused = atomic_load(&s->flags.path_pause), down = 0;

	/* A tun or ppp device's carrier says whether a program holds it open, not whether the
	 * wire works: only Ethernet links pause for it. */
	for (unsigned k = 0; k < s->nlinks && !down; k++)
		if (h->l[k].w && !s->link[k].route.raw_ip && !h->l[k].st.carrier) {
			down = 1;
			if (!paused)
				atomic_store(&s->fault_link, k);
		}
	if (down && !paused) {
		atomic_store(&s->flags.down_since_ns, now);
		atomic_fetch_add(&s->carrier_losses, 1);
		isw_scan_fault(
		    s, atomic_load(&s->count.sending) ? ISW_FAULT_CARRIER : ISW_FAULT_CARRIER_LATE,
		    0);
		atomic_store(&s->flags.path_pause, 1);
	} else if (!down && paused) {
		atomic_fetch_add(&s->down_total_ns, now - atomic_load(&s->flags.down_since_ns));
		atomic_store(&s->flags.path_pause, 0);
	}
}

/* A fault of link k's next hop: its IPv4 one, or (v6) its IPv6 gateway. */
static void neigh_fault(struct isw_scan *s, unsigned k, int v6, unsigned fault)
{
	atomic_store(&s->fault_link, k);
	atomic_store(&s->fault_nh6, v6);
	isw_scan_fault(s, fault, 0);
}

/* Link k's next hop is elsewhere now (mac, as the neighbour table or our ARP says). */
static void neigh_moved(struct isw_scan *s, unsigned k, int v6, uint64_t packed_mac)
{
	atomic_store(&s->neigh_mac_now, packed_mac);
	neigh_fault(s, k, v6, ISW_FAULT_NEIGH_MOVED);
}

/* The kernel's NDP asked to check link k's IPv6 gateway: it solicits it when its entry is
 * stale or failed, and the answer (or its absence) comes back as a neighbour event. */
static void kick_nh6(struct isw_scan *s, unsigned k)
{
	const struct isw_scan_link *l = &s->link[k];
	struct isw_addr gw = isw_addr_from_v6(l->nh6_watch);

	isw_neigh_kick(l->route.iface, l->route.ifindex, &gw);
}

/* One next hop's entry in the neighbour table: failed, or at another MAC than expected. */
static void neigh_entry(struct isw_scan *s, struct link_health *lh, unsigned k, int v6, int state,
                        const uint8_t *mac, int mac_known, const uint8_t *expected)
{
	const int usable =
	    NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP;

	if ((state & NUD_FAILED) &&
	    !(atomic_load(&s->flags.path_faults) & ISW_FAULT_NEIGH_FAILED)) {
		neigh_fault(s, k, v6, ISW_FAULT_NEIGH_FAILED);
		/* Ask it (again): if it answers elsewhere, say where. */
		if (v6)
			kick_nh6(s, k);
		else
			isw_nh_check_start(&lh->nh, isw_now_ns());
	}
	if ((state & usable) && mac_known && memcmp(mac, expected, 6) != 0)
		neigh_moved(s, k, v6, isw_get_be48(mac));
}

static void neigh_changed(struct isw_scan *s, struct link_health *lh, unsigned k)
{
	const struct isw_path_state *st = &lh->st;
	const struct isw_scan_link *l = &s->link[k];

	if (l->nh_watch)
		neigh_entry(s, lh, k, 0, st->neigh, st->neigh_mac, st->neigh_mac_known,
		            l->route.next_hop_mac);
	if (l->have_nh6)
		neigh_entry(s, lh, k, 1, st->neigh6, st->neigh6_mac, st->neigh6_mac_known,
		            l->nh6_mac);
}

/* Our own ARP check of link k's next hop (nh-check.h): the kernel's events above are an
 * extra signal only, since asking the kernel to re-probe needs CAP_NET_ADMIN, gone after the
 * privilege drop. */
static void nh_step(struct isw_scan *s, struct link_health *lh, unsigned k, uint64_t now)
{
	struct isw_scan_link *l = &s->link[k];
	uint64_t at = atomic_load_explicit(&l->nh_arp_at_ns, memory_order_acquire),
	         packed = atomic_load_explicit(&l->nh_arp_mac, memory_order_relaxed);
	uint8_t mac[6];

	if (!lh->nh.active)
		return;
	/* Nobody left to send the request: the sweep is over, nothing to decide. */
	if (!atomic_load(&s->count.sending)) {
		lh->nh.active = 0;
		atomic_fetch_and(&s->flags.nh_arp_want, ~(1u << k));
		return;
	}
	for (int b = 5; b >= 0; b--, packed >>= 8)
		mac[b] = (uint8_t)packed;
	switch (isw_nh_check_step(&lh->nh, now, at, mac, l->route.next_hop_mac)) {
	case ISW_NH_ASK:
		atomic_fetch_or(&s->flags.nh_arp_want, 1u << k);
		break;
	case ISW_NH_MOVED:
		neigh_moved(s, k, 0, atomic_load(&l->nh_arp_mac));
		break;
	case ISW_NH_SILENT:
		neigh_fault(s, k, 0, ISW_FAULT_NEIGH_FAILED);
		break;
	default:
		break;
	}
}

/* Answers spread evenly over a pass (the permutation mixes live and dead targets), so a
 * silence many mean gaps long while probes keep going out means the path broke somewhere we
 * cannot see: ask the next hops.  Only pass 1: later passes probe silent targets. */
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
		for (unsigned k = 0; k < s->nlinks; k++)
			h->l[k].next_kick6 = 0;
		return;
	}
	for (unsigned k = 0; k < s->nlinks; k++) {
		if (!h->l[k].next_kick6 || now < h->l[k].next_kick6)
			continue;
		kick_nh6(s, k);
		h->l[k].next_kick6 = now + KICK6_GAP_NS;
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
	for (unsigned k = 0; k < s->nlinks; k++) {
		if (s->link[k].nh_watch)
			isw_nh_check_start(&h->l[k].nh, now);
		if (s->link[k].have_nh6) {
			kick_nh6(s, k);
			h->l[k].next_kick6 = now + KICK6_GAP_NS;
		}
	}
}

/* Waits for events on every interface's watch, TICK_MS in all: 1 if a state changed. */
static int poll_links(struct isw_scan *s, struct health *h)
{
	int changed = 0, watched = 0;

	for (unsigned k = 0; k < s->nlinks; k++) {
		if (!h->l[k].w)
			continue;
		watched = 1;
		changed |=
		    isw_path_watch_poll(h->l[k].w, TICK_MS / (int)s->nlinks, &h->l[k].st) > 0;
	}
	if (!watched) {
		struct timespec ts = {0, TICK_MS * 1000000L};
		nanosleep(&ts, NULL);
	}
	return changed;
}

void isw_health_run(struct isw_scan *s)
{
	struct health h;
	char err[ISW_ERRBUF_SIZE];

	memset(&h, 0, sizeof(h));
	/* Each interface, and its next hop where the kernel resolved it for us (scan.c sets
	 * nh_watch).  Without rtnetlink, send errors and capture failures still count. */
	for (unsigned k = 0; k < s->nlinks; k++)
		if (isw_path_watch_open(&h.l[k].w, s->link[k].route.ifindex, s->link[k].nh_watch,
		                        s->link[k].have_nh6 ? s->link[k].nh6_watch : NULL,
		                        &h.l[k].st, err) < 0)
			h.l[k].w = NULL;
	while (atomic_load(&s->count.sending) || atomic_load(&s->capturing)) {
		int gone = 0;
		uint64_t now;

		if (poll_links(s, &h)) {
			now = isw_now_ns();
			for (unsigned k = 0; k < s->nlinks && !gone; k++)
				if ((gone = h.l[k].st.gone))
					atomic_store(&s->fault_link, k);
			if (gone) {
				isw_scan_fault(s, ISW_FAULT_LINK_GONE, 1);
				atomic_store(&s->stop_capture, 1);
				atomic_store(&s->flags.path_pause, 0);
				break;
			}
			carrier_changed(s, &h, now);
			for (unsigned k = 0; k < s->nlinks; k++)
				neigh_changed(s, &h.l[k], k);
		}
		now = isw_now_ns();
		if (atomic_load(&s->flags.path_pause) && atomic_load(&s->count.sending) &&
		    now - atomic_load(&s->flags.down_since_ns) > ISW_CARRIER_WAIT_S * 1000000000ull)
			isw_scan_fault(s, ISW_FAULT_CARRIER_TIMEOUT, 1);
		watch_answers(s, &h, now);
		for (unsigned k = 0; k < s->nlinks; k++)
			nh_step(s, &h.l[k], k, now);
	}
	for (unsigned k = 0; k < s->nlinks; k++)
		isw_path_watch_close(h.l[k].w);
}

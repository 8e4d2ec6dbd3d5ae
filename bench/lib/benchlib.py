# SPDX-License-Identifier: BSD-2-Clause
"""Shared helpers of the bench harness: ground truth, scoring of tool output, counter math,
tool metadata, statistics.  Stdlib only."""
import ipaddress
import json
import re
import statistics

IPV4_RE = re.compile(r"(?<![\d.])(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?![\d.])")
# Candidates only (two colons or more); ipaddress decides.  A %scope suffix is not part of it.
IPV6_RE = re.compile(r"(?<![0-9A-Fa-f:])([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})(?![0-9A-Fa-f:])")
V6_BASE = 1 << 128  # IPv6 keys sit above every IPv4 key: one integer space, two families
# Expected PTR names look like h-198-18-3-4.sweep.test (bench/run writes them).
NAME_RE = re.compile(r"\b(h-\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}\.sweep\.test)\.?(?![\w.-])")


def auto_type(v):
    for conv in (int, float):
        try:
            return conv(v)
        except ValueError:
            pass
    return v


def ip2int(s):
    """An address of either family as one integer key (IPv6 above V6_BASE), or None."""
    try:
        a = ipaddress.ip_address(s)
    except ValueError:
        return None
    return int(a) + (V6_BASE if a.version == 6 else 0)


def net_range(cidr):
    """The first and last keys (ip2int) of a network of either family."""
    n = ipaddress.ip_network(cidr, strict=False)
    base = V6_BASE if n.version == 6 else 0
    return base + int(n.network_address), base + int(n.broadcast_address)


def line_addresses(s):
    """Keys of the addresses on a line, IPv4 ones first."""
    for m in IPV4_RE.finditer(s):
        v = ip2int(m.group(1))
        if v is not None:
            yield v
    if ":" in s:
        for m in IPV6_RE.finditer(s):
            if m.group(1).count(":") >= 2:
                v = ip2int(m.group(1))
                if v is not None:
                    yield v


class Truth:
    """The swept space, the exact set of live addresses (and their names) and the addresses
    scored neither way (lan24: the scanner's own, which some tools list and others skip)."""

    def __init__(self, sweep, live_file=None, live_cidr=None, names_file=None, ignore=()):
        self.ignore = {v for v in (ip2int(a) for a in ignore) if v is not None}
        self.lo, self.hi = net_range(sweep)
        self.live = None
        self.live_range = None
        if live_cidr:
            self.live_range = net_range(live_cidr)
        else:
            self.live = set()
            if live_file:
                with open(live_file) as f:
                    for line in f:
                        v = ip2int(line.strip())
                        if v is not None:
                            self.live.add(v)
        self.names = {}
        self.by_name = {}
        if names_file:
            with open(names_file) as f:
                for line in f:
                    parts = line.split()
                    if len(parts) >= 2:
                        v = ip2int(parts[0])
                        if v is not None:
                            self.names[v] = parts[1].rstrip(".").lower()
                            self.by_name[parts[1].rstrip(".").lower()] = v

    def in_sweep(self, v):
        return self.lo <= v <= self.hi

    def is_live(self, v):
        if self.live_range:
            return self.live_range[0] <= v <= self.live_range[1]
        return v in self.live

    def live_count(self):
        if self.live_range:
            return self.live_range[1] - self.live_range[0] + 1
        return len(self.live)


def parse_results(path, truth):
    """Yields (address int, name or None) for every result line of any tool's output.

    Works for plain address lists (icmpsweep text, zmap, fping -a), masscan -oL
    ("open icmp 0 ADDR TS"), nmap -oG ("Host: ADDR (NAME)\tStatus: Up") and CSV/JSON lines
    that carry the address: the first address inside the swept space on a line counts.
    Comment lines (#) and nmap lines for hosts that are not up are skipped.  A line that
    has no address but a known name (fping -d prints names only) maps back to its address.
    """
    try:
        f = open(path, encoding="utf-8", errors="replace")
    except OSError:
        return
    with f:
        for line in f:
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            if s.startswith("Host:") and "Status: Up" not in s:
                continue
            addr = next((v for v in line_addresses(s) if truth.in_sweep(v)), None)
            nm = NAME_RE.search(s)
            name = nm.group(1).lower() if nm else None
            if addr is None and name is not None:
                addr = truth.by_name.get(name)
            if addr is not None:
                yield addr, name


def score(path, truth):
    printed = 0
    found = set()
    named_ok = set()
    named_wrong = 0
    ignored = set()
    for addr, name in parse_results(path, truth):
        if addr in truth.ignore:
            ignored.add(addr)
            continue
        printed += 1
        found.add(addr)
        if name is not None:
            if truth.names.get(addr) == name:
                named_ok.add(addr)
            else:
                named_wrong += 1
    tp = sum(1 for v in found if truth.is_live(v))
    live = truth.live_count()
    r = {
        "printed": printed,
        "found": len(found),
        "duplicates_printed": printed - len(found),
        "true_pos": tp,
        "false_pos": len(found) - tp,
        "recall": round(tp / live, 6) if live else None,
        "precision": round(tp / len(found), 6) if found else None,
    }
    if truth.ignore:
        r["ignored_found"] = len(ignored)
    if truth.names:
        r["names_correct"] = len(named_ok)
        r["names_wrong"] = named_wrong
        r["name_recall"] = round(len(named_ok) / len(truth.names), 6)
    return r


def score_subset(path, truth, subset_file):
    """How many addresses of a subset of the live set a tool printed (lan: the host that drops
    ICMP echo, which only ARP finds), and how many result lines say arp-only (icmpsweep)."""
    sub = set()
    with open(subset_file) as f:
        for line in f:
            v = ip2int(line.strip())
            if v is not None:
                sub.add(v)
    found = {addr for addr, _ in parse_results(path, truth)}
    arp_only = 0
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            arp_only = sum(1 for line in f if "arp-only" in line)
    except OSError:
        pass
    return {"subset_live": len(sub), "subset_found": len(sub & found),
            "subset_recall": len(sub & found) / len(sub) if sub else None,
            "arp_only_printed": arp_only}


def _cross_time(samples, level):
    """Time at which the tx counter reached `level` (linear within a sample interval)."""
    prev = samples[0]
    for cur in samples[1:]:
        if cur[1] >= level:
            if cur[1] == prev[1]:
                return cur[0]
            frac = (level - prev[1]) / (cur[1] - prev[1])
            return prev[0] + frac * (cur[0] - prev[0])
        prev = cur
    return samples[-1][0]


def send_figures(samples, nudges=0):
    """From (t, tx_packets, rx_packets) samples of the scanner interface: packets sent and
    received during the run, and the send rate over the window holding the middle 98% of the
    transmitted packets (robust to a stray ARP or DNS packet before or after the sweep)."""
    samples = [s for s in samples if s[1] >= 0 and s[2] >= 0]
    if len(samples) < 2:
        return {"tx_packets": 0, "rx_packets": 0, "send_s": None, "send_pps": None}
    tx0, rx0 = samples[0][1], samples[0][2]
    txn, rxn = samples[-1][1], samples[-1][2]
    count = txn - tx0
    r = {"tx_packets": count, "rx_packets": max(0, rxn - rx0 - nudges),
         "send_s": None, "send_pps": None}
    if count >= 100:
        t1 = _cross_time(samples, tx0 + 0.01 * count)
        t99 = _cross_time(samples, tx0 + 0.99 * count)
        if t99 > t1:
            r["send_s"] = round((t99 - t1) / 0.98, 4)
            r["send_pps"] = round(0.98 * count / (t99 - t1), 1)
    return r


# Ramp-up and ramp-down left out of the steady-state window: at least this long, and at least
# this share of the sending time, at each end.
STEADY_RAMP_S = 0.25
STEADY_RAMP_SHARE = 0.1
STEADY_MIN_WINDOW_S = 1.0


def steady_figures(samples, t_exec):
    """From (t, tx_packets, rx_packets) samples taken every few ms until the first packet and
    every ~100 ms after it: the time to the first packet (from exec), the sending time (first
    packet to the sample where the counter stopped growing for good) and the send rate over the
    steady-state window, i.e. the sending time less a ramp at each end.  steady_short is 1 when
    that window is under STEADY_MIN_WINDOW_S: such a rate is no headline figure."""
    samples = [s for s in samples if s[1] >= 0]
    r = {"first_pkt_ms": None, "send_span_s": None, "steady_pps": None, "steady_window_s": None,
         "steady_short": None}
    if len(samples) < 2:
        return r
    base, final = samples[0][1], samples[-1][1]
    if final <= base:
        return r
    i_first = next(i for i, s in enumerate(samples) if s[1] > base)
    # The first packet left between the previous sample and this one.
    t_first = samples[i_first][0] if i_first == 0 else \
        (samples[i_first - 1][0] + samples[i_first][0]) / 2
    i_last = next(i for i, s in enumerate(samples) if s[1] == final)
    t_last = samples[i_last][0]
    r["first_pkt_ms"] = round((t_first - t_exec) * 1000, 1)
    span = t_last - t_first
    r["send_span_s"] = round(span, 3)
    if span <= 0:
        return r
    ramp = max(STEADY_RAMP_S, STEADY_RAMP_SHARE * span)
    inside = [s for s in samples[i_first:i_last + 1]
              if t_first + ramp <= s[0] <= t_last - ramp]
    if len(inside) < 2:
        r["steady_short"] = 1
        return r
    a, b = inside[0], inside[-1]
    r["steady_window_s"] = round(b[0] - a[0], 3)
    r["steady_pps"] = round((b[1] - a[1]) / (b[0] - a[0]), 1)
    r["steady_short"] = int(b[0] - a[0] < STEADY_MIN_WINDOW_S)
    return r


def tool_metadata(path):
    """The tool's own view of the run, where it writes one (icmpsweep, zmap)."""
    try:
        # zmap 4.3.4 writes uninitialised bytes into its time fields: not UTF-8.
        with open(path, encoding="utf-8", errors="replace") as f:
            m = json.loads(f.read(), strict=False)
    except (OSError, ValueError):
        return {}
    if not isinstance(m, dict):
        return {}
    r = {}
    if m.get("tool") == "icmpsweep":
        r["tool_sent"] = m.get("sent")
        r["tool_rate"] = m.get("achieved_rate")
        r["tool_hits"] = m.get("hits")
        r["tool_duplicates"] = m.get("duplicates")
        r["tool_invalid"] = m.get("invalid")
        r["tool_drop"] = (m.get("pcap_drop") or 0) + (m.get("pcap_ifdrop") or 0)
        r["tool_tx"] = m.get("tx")
        r["tool_senders"] = m.get("senders")
    elif "total_sent" in m or "packets_sent" in m:  # zmap 2.x / 4.x
        r["tool_senders"] = m.get("senders")
        r["tool_sent"] = m.get("total_sent", m.get("packets_sent"))
        r["tool_hits"] = m.get("success_unique")
        r["tool_drop"] = (m.get("pcap_drop") or 0) + (m.get("pcap_ifdrop") or 0)
        r["tool_duplicates"] = (m.get("success_total") or 0) - (m.get("success_unique") or 0)
    return r


def median_spread(values):
    """(median, half of max-min) of the non-None values, or (None, None)."""
    vals = [v for v in values if isinstance(v, (int, float))]
    if not vals:
        return None, None
    return statistics.median(vals), (max(vals) - min(vals)) / 2


def median_min_max(values):
    """(median, min, max) of the non-None values, or (None, None, None)."""
    vals = [v for v in values if isinstance(v, (int, float))]
    if not vals:
        return None, None, None
    return statistics.median(vals), min(vals), max(vals)


def fmt_rate(r):
    """Requested rate for humans: 0 means unlimited."""
    if r in (None, ""):
        return "-"
    r = float(r)
    if r == 0:
        return "max"
    if r >= 1e6 and r % 1e5 == 0:
        return "%gM" % (r / 1e6)
    if r >= 1e3 and r % 100 == 0:
        return "%gk" % (r / 1e3)
    return "%g" % r


def one_line(rec):
    """Progress line for one run record."""
    tool = rec.get("tool", "?") + (" " + rec["variant"] if rec.get("variant") else "")
    # Rate 0 with every default kept (lan24) is each tool's own rate, not "max".
    own = not rec.get("rate") and rec.get("cooldown_s") == "default"
    parts = ["  %-9s" % tool, "rate=%-4s" % ("own" if own else fmt_rate(rec.get("rate"))),
             "rep=%s" % rec.get("rep", "?"), rec.get("status", "?")]
    if rec.get("wall_s") is not None:
        parts.append("wall %.2fs" % rec["wall_s"])
    if rec.get("tx_packets") is not None:
        parts.append("sent %d" % rec["tx_packets"])
    if rec.get("steady_pps"):
        parts.append("steady %.1f kpps over %.1fs, first pkt %.0f ms" % (
            rec["steady_pps"] / 1000, rec.get("steady_window_s") or 0,
            rec.get("first_pkt_ms") or 0))
    elif rec.get("send_pps"):
        parts.append("@ %.1f kpps" % (rec["send_pps"] / 1000))
    if rec.get("recall") is not None:
        parts.append("recall %.4f" % rec["recall"])
    if rec.get("name_recall") is not None:
        parts.append("names %.4f" % rec["name_recall"])
    if rec.get("stderr_tail"):
        parts.append("| " + rec["stderr_tail"][-120:])
    return " ".join(parts)

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Aggregate bench/run's run records: medians and spread over repetitions, ratios to zmap,
a Markdown table per scenario, results.json and a gnuplot PNG of recall against requested
rate.  Stdlib only.

  report.py --runs OUT/runs.jsonl --out OUT [--meta-file OUT/meta.txt]
"""
import argparse
import collections
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import fmt_rate, median_min_max, median_spread  # noqa: E402

TOOL_ORDER = ["icmpsweep", "zmap", "zmap-debian", "masscan", "fping", "nmap", "arp-scan"]
SCEN_ORDER = ["lan24", "drop", "dense", "noroot", "sparse", "lossy", "dns", "lan", "internet"]
METRICS = ["wall_s", "send_pps", "send_s", "tx_packets", "rx_packets", "recall", "precision",
           "duplicates_printed", "cpu_s", "user_s", "sys_s", "maxrss_kb", "tool_drop",
           "pkts_per_target", "found", "false_pos", "names_correct", "name_recall", "nudges",
           "subset_live", "subset_found", "subset_recall", "arp_only_printed", "ignored_found", "steady_pps", "steady_window_s",
           "first_pkt_ms", "send_span_s", "tool_sent", "tool_senders", "stopped_after_s"]
# The reference for the "×zmap" columns: zmap 4.x with its defaults.
REF_TOOL, REF_VARIANT = "zmap", ""

SCEN_TITLE = {
    "drop": "drop: the target drops every probe; pure send rate at each tool's maximum",
    "dense": "dense: every address of the /16 answers; recall and wall time by requested rate",
    "sparse": "sparse: random live hosts; recall, precision, wall time",
    "lossy": "lossy: sparse with random loss each way; each tool's own retries",
    "dns": "dns: sparse with PTR names (dnsmasq); time to a complete named list",
    "lan": "lan: one L2 segment (bridge), hosts found by ARP; icmpsweep, nmap -sn -PR, arp-scan",
    "internet": "internet: RTT 10 ms-3 s, lossy hosts, duplicates; each tool at its defaults: "
                "recall and time to a complete result",
    "lan24": "lan24: a /24 LAN, each tool at its own defaults as a new user types it; wall "
             "time, recall, precision",
    "dbmap": "dbmap: every address answers; icmpsweep at its default rate with and without "
             "--db and --map",
}


def machine():
    m = {"kernel": platform.release(), "arch": platform.machine(), "cpus": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    m["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    m["mem_gib"] = round(int(line.split()[1]) / 1048576, 1)
                    break
    except OSError:
        pass
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    m["os"] = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return m


def load(path):
    runs = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                try:
                    runs.append(json.loads(line))
                except ValueError:
                    sys.stderr.write("report: skipping a bad record line\n")
    return runs


# Scenarios whose records are rows of their own table, not runs of tools against each other.
FREE_FORM = ("micro", "scale")


def summarize(runs):
    groups = collections.OrderedDict()
    for r in runs:
        if r.get("scenario") in FREE_FORM or r.get("tool") in (None, "-"):
            continue
        key = (r["scenario"], r["tool"], r.get("variant") or "", r.get("rate"), r.get("probes"))
        groups.setdefault(key, []).append(r)
    out = []
    for (scen, tool, variant, rate, probes), rs in groups.items():
        ok = [r for r in rs if r.get("status") == "ok"]
        s = {"scenario": scen, "tool": tool, "variant": variant, "rate": rate, "probes": probes,
             "runs": len(rs), "ok": len(ok)}
        if ok:
            for k in METRICS:
                med, spread = median_spread([r.get(k) for r in ok])
                if med is not None:
                    s[k] = med
                    s[k + "_spread"] = spread
            rec = [r["recall"] for r in ok if isinstance(r.get("recall"), (int, float))]
            if rec:
                s["recall_min"], s["recall_max"] = min(rec), max(rec)
            for k in ("wall_s", "subset_recall"):
                _, lo, hi = median_min_max([r.get(k) for r in ok])
                if lo is not None:
                    s[k + "_min"], s[k + "_max"] = lo, hi
            s["live"] = ok[0].get("live")
            s["targets"] = ok[0].get("targets")
            s["sweep"] = ok[0].get("sweep")
            s["cooldown_s"] = ok[0].get("cooldown_s")  # "default": each tool's own settings
            _, lo, hi = median_min_max([r.get("steady_pps") for r in ok])
            if lo is not None:
                s["steady_pps_min"], s["steady_pps_max"] = lo, hi
            s["steady_short"] = int(any(r.get("steady_short") for r in ok))
            # The worst run matters for losses: a median of 0 hides one bad repetition.
            for k in ("tool_drop",):
                _, lo, hi = median_min_max([r.get(k) for r in ok])
                if hi is not None:
                    s[k + "_max"] = hi
        bad = [r for r in rs if r.get("status") != "ok"]
        if bad:
            st = collections.Counter(r.get("status") for r in bad).most_common(1)[0][0]
            note = next((r.get("note") or r.get("stderr_tail") for r in bad
                         if r.get("status") == st and (r.get("note") or r.get("stderr_tail"))), "")
            s["problem"] = st
            s["problem_note"] = note
        out.append(s)
    # Ratios to zmap 4.x (defaults) in the same scenario and rate.
    idx = {(s["scenario"], s["rate"]): s for s in out
           if s["tool"] == REF_TOOL and s["variant"] == REF_VARIANT and s["ok"]}
    for s in out:
        z = idx.get((s["scenario"], s["rate"]))
        if not z or not s["ok"]:
            continue
        for k in ("wall_s", "send_pps", "cpu_s", "steady_pps"):
            if s.get(k) and z.get(k):
                s[k + "_x_zmap"] = round(s[k] / z[k], 3)
    order = {t: i for i, t in enumerate(TOOL_ORDER)}
    sorder = {t: i for i, t in enumerate(SCEN_ORDER)}
    out.sort(key=lambda s: (sorder.get(s["scenario"], 99), rate_key(s["rate"]),
                            order.get(s["tool"], 99), variant_key(s["variant"])))
    return out


def variant_key(v):
    """Defaults first, then by thread count."""
    if not v:
        return (0, 0, "")
    parts = v.split()
    if len(parts) == 2 and parts[0] == "-T" and parts[1].isdigit():
        return (1, int(parts[1]), "")
    return (2, 0, v)


def rate_key(rate):
    r = float(rate or 0)
    return r if r > 0 else float("inf")


# --- formatting -----------------------------------------------------------------------------------

def num(v, digits=2):
    if v is None:
        return "—"
    if abs(v) >= 100:
        return "%.0f" % v
    return ("%%.%df" % digits) % v


def with_spread(s, k, fmt, reps):
    v = s.get(k)
    if v is None:
        return "—"
    text = fmt(v)
    sp = s.get(k + "_spread")
    if reps > 1 and sp and fmt(sp) != fmt(0):
        text += " ±" + fmt(sp)
    return text


def min_max(s, k, fmt):
    """median (min–max) over the repetitions; the median alone when they agree."""
    v = s.get(k)
    if v is None:
        return "—"
    lo, hi = s.get(k + "_min"), s.get(k + "_max")
    if lo is None or fmt(lo) == fmt(hi):
        return fmt(v)
    return "%s (%s–%s)" % (fmt(v), fmt(lo), fmt(hi))


def kpps(v):
    if v is None:
        return "—"
    if v >= 1e6:
        return "%.2fM" % (v / 1e6)
    if v >= 1e3:
        return "%.1fk" % (v / 1e3)
    return "%.0f" % v


def ratio(v):
    return "—" if v is None else "%.2f×" % v


def frac(v):
    return "—" if v is None else "%.4f" % v


def intf(v):
    return "—" if v is None else "%d" % round(v)


def mib(v):
    return "—" if v is None else "%.1f" % (v / 1024)


VERSIONS = {}  # tool -> "zmap 4.3.4", from meta.txt


def label(s):
    """The row's tool with its version and variant: every table says which peer it measured."""
    name = VERSIONS.get(s["tool"]) or s["tool"]
    if s["tool"] == "zmap-debian":
        name += " (Debian)"
    return name + (" " + s["variant"] if s.get("variant") else "")


def threads(s):
    if s.get("variant"):
        return s["variant"].replace("-T ", "")
    n = s.get("tool_senders")
    return "default%s" % (" (%d)" % n if n else "")


def steady(s, n):
    v = s.get("steady_pps")
    if v is None:
        return "—"
    text = kpps(v)
    lo, hi = s.get("steady_pps_min"), s.get("steady_pps_max")
    if n > 1 and lo is not None and hi is not None and hi > lo:
        text += " (%s–%s)" % (kpps(lo), kpps(hi))
    if s.get("steady_short"):
        text += " †"
    return text


def netcell(s):
    sw = s.get("sweep") or ""
    pfx = "/" + sw.split("/")[1] if "/" in sw else sw
    p = s.get("probes") or 1
    return pfx + (" ×%d" % p if p > 1 else "")


COLS = {
    "tool": ("Tool", lambda s, n: label(s)),
    "threads": ("Threads", lambda s, n: threads(s)),
    "net": ("Targets × probes", lambda s, n: netcell(s)),
    "steady": ("Sustained pps: median (min–max)", steady),
    "steadyx": ("×zmap 4", lambda s, n: ratio(s.get("steady_pps_x_zmap"))),
    "window": ("Window s", lambda s, n: num(s.get("steady_window_s"))),
    "first": ("First pkt ms", lambda s, n: with_spread(s, "first_pkt_ms", lambda v: "%.0f" % v, n)),
    "nudges": ("Nudges", lambda s, n: intf(s.get("nudges")) if s["tool"] == "masscan" else "—"),
    "rate": ("Rate", lambda s, n: fmt_rate(s["rate"])),
    "wall": ("Wall s", lambda s, n: with_spread(s, "wall_s", lambda v: num(v), n)),
    "wallrange": ("Wall s: median (min–max)",
                  lambda s, n: min_max(s, "wall_s", lambda v: "%.2f" % v)),
    "wallx": ("Wall ×zmap 4", lambda s, n: ratio(s.get("wall_s_x_zmap"))),
    "sent": ("Sent", lambda s, n: intf(s.get("tx_packets"))),
    "pps": ("Send pps", lambda s, n: with_spread(s, "send_pps", kpps, n)),
    "ppsx": ("pps ×zmap 4", lambda s, n: ratio(s.get("send_pps_x_zmap"))),
    "replies": ("Replies", lambda s, n: intf(s.get("rx_packets"))),
    "recall": ("Recall", lambda s, n: with_spread(s, "recall", frac, n)),
    "precision": ("Precision", lambda s, n: frac(s.get("precision"))),
    "dups": ("Dups", lambda s, n: intf(s.get("duplicates_printed"))),
    "cpu": ("CPU s", lambda s, n: num(s.get("cpu_s"))),
    "cpux": ("CPU ×zmap 4", lambda s, n: ratio(s.get("cpu_s_x_zmap"))),
    "rss": ("RSS MiB", lambda s, n: mib(s.get("maxrss_kb"))),
    "drops": ("Drops", lambda s, n: intf(s.get("tool_drop"))),
    "ppt": ("Pkts/target", lambda s, n: num(s.get("pkts_per_target"), 3)),
    "rpp": ("Recall per pkt/target",
            lambda s, n: frac(s["recall"] / s["pkts_per_target"])
            if s.get("recall") is not None and s.get("pkts_per_target") else "—"),
    "names": ("Named", lambda s, n: intf(s.get("names_correct"))),
    "name_recall": ("Name recall", lambda s, n: with_spread(s, "name_recall", frac, n)),
    "subset": ("Echo-dropper found",
               lambda s, n: "%s/%s" % (intf(s.get("subset_found")), intf(s.get("subset_live")))
               if s.get("subset_live") is not None else "—"),
    "complete": ("Complete s: median (min–max)",
                 lambda s, n: min_max(s, "wall_s", lambda v: "%.2f" % v)),
    "reliable": ("Recall (reliable): median (min–max)",
                 lambda s, n: min_max(s, "subset_recall", frac)),
    "liverecall": ("Recall (all live): median (min–max)",
                   lambda s, n: min_max(s, "recall", frac)),
    "self": ("Own address", lambda s, n: "—" if s.get("ignored_found") is None
             else "listed" if s["ignored_found"] else "not listed"),
    "arponly": ("arp-only", lambda s, n: intf(s.get("arp_only_printed"))
                if s["tool"] == "icmpsweep" else "—"),
}

SCEN_COLS = {
    "drop": ["tool", "rate", "wall", "sent", "pps", "ppsx", "cpu", "cpux", "rss", "drops"],
    "dense": ["tool", "rate", "wall", "wallx", "pps", "replies", "recall", "precision", "dups",
              "cpu", "rss", "drops"],
    "sparse": ["tool", "rate", "wall", "wallx", "pps", "replies", "recall", "precision", "dups",
               "cpu", "rss", "drops"],
    "lossy": ["tool", "rate", "wall", "wallx", "ppt", "recall", "rpp", "precision", "dups",
              "cpu", "rss", "drops"],
    "dns": ["tool", "rate", "wall", "recall", "names", "name_recall", "cpu", "rss"],
    "lan": ["tool", "rate", "wall", "sent", "replies", "recall", "precision", "dups", "subset",
            "arponly", "cpu", "rss"],
    "internet": ["tool", "rate", "reliable", "liverecall", "precision", "dups", "complete",
                 "wallx", "cpu", "rss"],
    "lan24": ["tool", "wallrange", "recall", "precision", "subset", "arponly", "self", "sent",
              "replies", "cpu", "rss"],
}


def note(s):
    if not s.get("problem"):
        if s.get("stopped_after_s"):
            return "interrupted %.0f s after its first packet (by design, see bench/README.md)" \
                % s["stopped_after_s"]
        return ""
    p = s["problem"]
    n = s.get("problem_note") or ""
    if p in ("unsupported", "missing"):
        return n or p
    text = p if not s["ok"] else "%s in %d of %d runs" % (p, s["runs"] - s["ok"], s["runs"])
    return text + (": " + n[:100] if n else "")


def md_table(scen, rows, reps):
    cols = SCEN_COLS.get(scen, SCEN_COLS["sparse"])
    if any(s["tool"] == "masscan" for s in rows) and "nudges" not in cols and scen != "lan":
        cols = cols + ["nudges"]  # the cost of masscan's workaround, shown where it runs
    head = [COLS[c][0] for c in cols] + ["Notes"]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join("---" if i < 2 else "---:" for i in range(len(cols))) + "|---|"]
    for s in rows:
        if s["ok"]:
            cells = [COLS[c][1](s, reps) for c in cols]
        else:
            cells = [COLS[c][1](s, reps) if c in ("tool", "rate", "threads") else "—" for c in cols]
        cells.append(note(s).replace("|", "/"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def pct(v):
    try:
        return "%g%%" % (100 * float(v))
    except (TypeError, ValueError):
        return "?"


def scen_line(scen, rows, meta):
    s = next((r for r in rows if r.get("targets")), None)
    bits = []
    if s:
        bits.append("%s targets" % format(int(s["targets"]), ","))
        if scen != "drop":
            bits.append("%s live" % format(int(s.get("live") or 0), ","))
    if scen == "drop":
        bits = ["target drops every frame with %s" % (meta.get("drop_mode") or "?"),
                "each tool sized by a calibration run to send for about %s s" %
                meta.get("drop_seconds", "?"),
                "veth counters sampled every %s ms" % meta.get("drop_sample_ms", "?"),
                "cooldown 0 (nothing answers)"]
        return ", ".join(bits)
    if scen == "lossy":
        bits.append("%s%% loss each way, %s probes per target" %
                    (meta.get("loss_pct_each_way", "?"), meta.get("lossy_probes", "?")))
    if scen == "noroot":
        bits.append("every tool as nobody without capabilities (setpriv --no-new-privs), "
                    "through ICMP datagram sockets (net.ipv4.ping_group_range admits all)")
    if scen == "lan":
        bits.append("%s hosts on a bridge, the last drops ICMP echo (%s of the live addresses)"
                    % (meta.get("lan_hosts", "?"), meta.get("lan_dropper_share", "?")))
        bits.append("%s ARP tries per silent address" % meta.get("lan_arp_tries", "?"))
    if scen == "lan24":
        bits.append("%s hosts on a bridge, the last drops ICMP echo (%s of the live addresses)"
                    % (meta.get("lan24_hosts", "?"), meta.get("lan24_dropper_share", "?")))
        bits.append("every tool at its own defaults (rate, retries, timeouts)")
        return ", ".join(bits)
    if scen == "internet":
        bits.append("%s of the live hosts reliable" % format(int(s.get("subset_live") or 0), ",")
                    if s else "")
        bits.append("RTT 10 ms-3 s, %s of the hosts lose %s of requests, %s duplicates"
                    % tuple(pct(meta.get(k)) for k in
                            ("internet_lossy", "internet_loss", "internet_dup")))
        bits.append("every tool at its own default cooldown, timeouts and retries")
        return ", ".join(b for b in bits if b)
    bits.append("cooldown %s s" % meta.get("cooldown_s", "?"))
    return ", ".join(bits)


NOTES = """How to read this (bench/README.md has the details):

- Medians of {reps} run(s){spread}. Wall = process wall time, cooldown included.
- drop: "Sustained pps" is the scanner veth's `tx_packets` counter, sampled every 100 ms,
  over the steady-state window (the sending time less max(0.25 s, 10%) at each end; "Window
  s" is its length), median and min–max of the repetitions; † marks a window under one
  second (no headline figure). Each tool was sized by a calibration run to send for about
  the same time (Targets × probes). "First pkt ms" is the time from starting the tool to its
  first packet on the wire. "×zmap 4" compares with zmap 4.x at its defaults.
- Sent, Send pps and Replies elsewhere are the same counters (send pps over the window
  holding the middle 98% of the packets: short bursts, no headline figure). Recall and
  Precision compare the addresses a tool printed with the lab's exact live set; Dups =
  addresses printed more than once; CPU = user+sys and RSS = peak resident set
  (`/usr/bin/time`); Drops = the tool's own capture-drop counter (icmpsweep, zmap only).
- Same settings for all: one cooldown (icmpsweep `-c`, zmap `--cooldown-time`, masscan
  `--wait`; fping `-t` and nmap `--max-rtt-timeout`, their per-probe wait, as the nearest
  equivalent), the gateway MAC and source address given to the raw senders, the same seed
  where a tool takes one. zmap 4.x picks its sender threads itself (min(CPUs − 1, 4); the
  Threads column shows what it used) unless the row says otherwise; nmap gets host groups
  covering the targets up to 4,096 (`--min-hostgroup`) and `--initial-rtt-timeout 50ms`;
  fping runs as parallel chunks, one process per CPU.
  Retries in lossy: icmpsweep `-P 3` (only to silent targets), zmap `-P 3` (every target, and
  its `-r` counts targets, so it sends 3 packets per rate slot), masscan `--retries 2` (which
  re-walks `rate` extra indices per retry: on a space smaller than one second of probes that
  is many more packets per target), fping `-r 2 -B 1`, nmap `--max-retries 2`.
- fping can have at most 65,535 probes in flight (its sequence map), so it gets chunks of at
  most 65,000/probes targets, one process each, as many at once as CPUs; with `-d` it looks up
  every target's name before it pings.
- masscan's receive thread never notices the end of the scan on a silent link (masscan issue
  #144): once it reports its wait, the harness sends it one unsolicited ICMP echo reply every
  0.25 s from the target side (not counted as replies); "Nudges" is how many it took. Without
  them masscan runs until it is killed.
- lan: Sent and Replies count ARP and ICMP frames alike on the scanner's port of the bridge;
  ARP caches are flushed in every namespace before each run. icmpsweep sweeps by ARP first
  (2 tries), then sends one ICMP echo to each host that answered, and prints hosts that
  answered ARP only as `arp-only`; nmap `-sn -PR --max-retries 1` and arp-scan `-r 2 -b 1`
  use ARP alone, so they find the echo-dropping host's addresses as present too. The cooldown
  is nmap's `--max-rtt-timeout` and arp-scan's per-host `-t`. Recall counts every address
  that answers ARP; "Echo-dropper found" is the part owned by the host that drops echo.
- lan24: the lan segment at /24 size, every tool as a new user types it: icmpsweep
  `-i eth0 -n -O csv -o FILE`, `nmap -sn -n -e eth0 -oG FILE` (ARP ping as root on-link),
  `arp-scan -I eth0 -x`, `fping -a -q -g` (ICMP only: it cannot find the echo-dropper's
  addresses); nothing else, so each keeps its own rate, retries and timeouts. Wall = start
  to exit, median (min–max). "Own address": whether the tool listed the scanner's own
  address, which is scored neither way.
- internet: none of the shared settings above but the rate (10k/s, icmpsweep's and zmap's
  default), the gateway MAC, source and seed: each tool keeps its own cooldown, timeouts and
  retries (icmpsweep `-c auto`, zmap `--cooldown-time 8`, fping `-t 500 -r 3` with backoff,
  nmap's adaptive RTT timeouts and retries). Recall (reliable) counts the hosts that answer
  every request (exact truth); Recall (all live) also counts the lossy ones, which a single
  probe misses by chance. Complete = start to exit: the time until the result is complete."""


def markdown(summary, micro, meta, mach, scale=()):
    reps = int(meta.get("reps", 1) or 1)
    out = ["## icmpsweep benchmark", ""]
    out.append("Machine: %s, %s CPUs, %s GiB RAM, Linux %s, %s." % (
        mach.get("cpu", "?"), mach.get("cpus", "?"), mach.get("mem_gib", "?"),
        mach.get("kernel", "?"), mach.get("os", "?")))
    out.append("Command: `%s` (%s mode, %s s, %s)." % (
        meta.get("command", "bench/run"), meta.get("mode", "?"), meta.get("elapsed_s", "?"),
        meta.get("date", "")))
    vers = [label({"tool": t}) for t in TOOL_ORDER if VERSIONS.get(t)]
    if vers:
        out.append("Versions: %s." % "; ".join(vers))
    txs = sorted({str(t) for t in meta.get("_isw_tx", []) if t})
    if txs:
        extra = meta.get("icmpsweep_args") or ""
        out.append("icmpsweep transmit backend used: %s%s." % (
            ", ".join(txs), " (icmpsweep args: `%s`)" % extra if extra else ""))
    by_scen = collections.OrderedDict()
    for s in summary:
        by_scen.setdefault(s["scenario"], []).append(s)
    for scen, rows in by_scen.items():
        out += ["", "### %s" % SCEN_TITLE.get(scen, scen), "", scen_line(scen, rows, meta) + ".",
                "", md_table(scen, rows, reps)]
    if micro:
        out += ["", "### micro: hot paths of the engine (bench/micro, one core)", "",
                "| Benchmark | Rate | ns/op |", "|---|---:|---:|"]
        for m in micro:
            if m.get("status") == "ok" and m.get("ops_per_s"):
                out.append("| %s | %s %s/s | %.1f |" % (m["name"], kpps(m["ops_per_s"]),
                                                       m.get("unit", "ops"), m["ns_per_op"]))
            else:
                out.append("| %s (%s) | — | — |" % (m.get("name") or m.get("bench") or "?",
                                                   m.get("status", "?")))
    if scale:
        out += scale_table(scale)
    if by_scen:
        out += ["", NOTES.format(reps=reps, spread=" (± half the range)" if reps > 1 else "")]
    return "\n".join(out) + "\n"


def scale_table(recs):
    """scale: one row per measurement, median over the repetitions (min-max when more)."""
    rows = collections.OrderedDict()
    for r in recs:
        rows.setdefault(r.get("name", "?"), []).append(r)
    out = ["", "### scale: start and peak memory against the target set (icmpsweep only)", "",
           "| Run | Targets | Start (first target) | Wall | Peak RSS |", "|---|---:|---:|---:|---:|"]
    for name, rs in rows.items():
        ok = [r for r in rs if r.get("status") == "ok"]
        if not ok:
            out.append("| %s (%s) | — | — | — | — |" % (name, rs[0].get("status", "?")))
            continue

        def cell(k, fmt):
            v = sorted(r[k] for r in ok if r.get(k) is not None)
            if not v:
                return "—"
            med = v[len(v) // 2]
            return fmt % med + (" (%s–%s)" % (fmt % v[0], fmt % v[-1]) if len(v) > 1 else "")
        out.append("| %s | %s | %s | %s | %s |" % (
            name, "{:,}".format(ok[0].get("targets", 0)), cell("start_s", "%.3f s"),
            cell("wall_s", "%.2f s"), cell("rss_mib", "%.1f MiB")))
    return out


# --- plot -------------------------------------------------------------------------------------------

def plot(summary, out_dir):
    rows = [s for s in summary if s["scenario"] == "dense" and s.get("recall") is not None]
    title = "dense /16: recall against requested rate"
    if not rows:
        rows = [s for s in summary if s["scenario"] in ("sparse", "lossy")
                and s.get("recall") is not None]
        title = "recall against requested rate"
    if not rows:
        return None
    rates = sorted({s["rate"] for s in rows}, key=rate_key)
    xpos = {r: i for i, r in enumerate(rates)}
    series = collections.OrderedDict()
    multi = len({s["scenario"] for s in rows}) > 1
    for s in sorted(rows, key=lambda s: (TOOL_ORDER.index(s["tool"]) if s["tool"] in TOOL_ORDER
                                         else 99, rate_key(s["rate"]))):
        lbl = label(s) + (" (%s)" % s["scenario"] if multi else "")
        series.setdefault(lbl, []).append(s)
    dat = os.path.join(out_dir, "recall_vs_rate.dat")
    nser = len(series)
    with open(dat, "w") as f:
        f.write("# x recall_median recall_min recall_max requested_rate\n")
        for i, (lbl, ss) in enumerate(series.items()):
            if i:
                f.write("\n\n")
            f.write("# %s\n" % lbl)
            # A small sideways offset per tool keeps equal recalls from hiding each other.
            dx = (i - (nser - 1) / 2) * 0.035
            for s in ss:
                f.write("%.3f %.6f %.6f %.6f %s\n" % (
                    xpos[s["rate"]] + dx, s["recall"], s.get("recall_min", s["recall"]),
                    s.get("recall_max", s["recall"]), s["rate"]))
    low = min(s.get("recall_min", s["recall"]) for s in rows)
    ymin = max(0.0, min(0.9, low - 0.05))
    xt = ", ".join('"%s" %d' % (fmt_rate(r), i) for r, i in xpos.items())
    gp = os.path.join(out_dir, "recall_vs_rate.gp")
    png = os.path.join(out_dir, "recall_vs_rate.png")
    plots = ", ".join(
        "'recall_vs_rate.dat' index %d using 1:2:3:4 with yerrorlines lw 2 pt %d ps 1.3 title '%s'"
        % (i, (5, 7, 9, 11, 13, 15)[i % 6], lbl) for i, lbl in enumerate(series))
    with open(gp, "w") as f:
        f.write("""# gnuplot script written by bench/lib/report.py; run from this directory.
set terminal pngcairo size 960,600 font "sans,11"
set output 'recall_vs_rate.png'
set title "%s"
set xlabel "requested rate (probes/s; max = unlimited)"
set ylabel "recall (live hosts found / live hosts); bars: min..max"
set xrange [-0.4:%f]
set yrange [%f:1.01]
set xtics (%s)
set grid ytics
set key outside right top
plot %s
""" % (title, len(rates) - 0.6, ymin, xt, plots))
    if not shutil.which("gnuplot"):
        sys.stderr.write("report: gnuplot not installed, no PNG (apt-get install gnuplot-nox)\n")
        return None
    try:
        subprocess.run(["gnuplot", "recall_vs_rate.gp"], cwd=out_dir, check=True, timeout=60)
    except (subprocess.SubprocessError, OSError) as e:
        sys.stderr.write("report: gnuplot failed: %s\n" % e)
        return None
    return png


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--meta-file")
    a = ap.parse_args()
    meta = {}
    if a.meta_file:
        with open(a.meta_file) as f:
            for line in f:
                k, sep, v = line.rstrip("\n").partition("=")
                if sep:
                    meta[k.strip()] = v.strip()
    # When the run ended (bench/run records it); re-running the report keeps it.
    meta.setdefault("date", datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M UTC"))
    # What bench/run and its scenario files recorded: versions, titles, columns.
    for k, v in meta.items():
        if k.startswith("version.") and v:
            VERSIONS[k[len("version."):]] = v
        elif k.startswith("scenario_title.") and v:
            SCEN_TITLE[k[len("scenario_title."):]] = v
        elif k.startswith("scenario_cols.") and v:
            cols = [c for c in v.split(",") if c in COLS]
            if cols:
                SCEN_COLS[k[len("scenario_cols."):]] = cols
    runs = load(a.runs)
    meta["_isw_tx"] = [r.get("tool_tx") for r in runs if r.get("tool") == "icmpsweep"]
    mach = machine()
    summary = summarize(runs)
    micro = [r for r in runs if r.get("scenario") == "micro" and r.get("tool") != "-"]
    skipped = [r["scenario"] for r in runs if r.get("tool") == "-"]
    scale = [r for r in runs if r.get("scenario") == "scale" and r.get("tool") != "-"]
    md = markdown(summary, micro, meta, mach, scale)
    if skipped:
        md += "\nNot run (time budget used up): %s.\n" % ", ".join(skipped)
    png = plot(summary, a.out)
    if png:
        md += "\n![recall against requested rate](recall_vs_rate.png)\n"
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write(md)
    with open(os.path.join(a.out, "results.json"), "w") as f:
        meta.pop("_isw_tx", None)
        json.dump({"meta": meta, "machine": mach, "summary": summary, "micro": micro, "scale": scale,
                   "runs": runs}, f, indent=1, sort_keys=True)
        f.write("\n")
    sys.stdout.write(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The README's benchmark figures, written from one bench/run's results.json, so that they
always come from a run and say which: the headline (sustained send rate against zmap 4.x)
and the icmpsweep-against-zmap table, scenario by scenario, saying where icmpsweep is behind.

  readme.py --results OUT/results.json --blocks OUT/readme-blocks.md [--readme README.md]

Writes the blocks to --blocks; with --readme also replaces the text between
`<!-- bench:NAME begin -->` and `<!-- bench:NAME end -->` in that file (bench/run --publish).
Stdlib only.
"""
import argparse
import json
import re
import sys


def kpps(v):
    if v is None:
        return "—"
    return "%.2f M" % (v / 1e6) if v >= 1e6 else "%.0f k" % (v / 1e3)


def find(summary, scen, tool, variant="", rate=None):
    for s in summary:
        if s.get("scenario") == scen and s.get("tool") == tool and \
                (s.get("variant") or "") == variant and s.get("ok") and \
                (rate is None or s.get("rate") == rate):
            return s
    return None


def spread(s):
    lo, hi = s.get("steady_pps_min"), s.get("steady_pps_max")
    if lo is None or hi is None or hi <= lo:
        return kpps(s.get("steady_pps")) + "pps"
    return "%spps (min–max %s–%spps)" % (kpps(s.get("steady_pps")), kpps(lo), kpps(hi))


def conditions(res):
    m, meta = res.get("machine", {}), res.get("meta", {})
    text = ("%s CPUs (%s), %s GiB RAM, Linux %s, %s; a veth pair between two network "
            "namespaces, the target dropping every frame with XDP" % (
                m.get("cpus", "?"), m.get("cpu", "?"), m.get("mem_gib", "?"),
                m.get("kernel", "?"), m.get("os", "?")))
    cmd = re.sub(r" --note .*?(?= --|$)", "", meta.get("command", "bench/run"))
    text += "; `%s`, %s, %s repetitions, %s s, commit %s" % (
        cmd, meta.get("date", "?"), meta.get("reps", "?"), meta.get("elapsed_s", "?"),
        meta.get("git", "?"))
    if meta.get("note"):
        text += ". **%s**" % meta["note"]
    return text


NOT_MEASURED = ("Not measured: real NICs (a veth's transmit is a copy inside one kernel; a "
                "NIC's driver, queues and line rate set other limits), AF_XDP zero-copy mode "
                "(veth has none: icmpsweep's xdp backend runs in copy mode here), more than "
                "%s cores, paths with real latency.")


def headline(res):
    summ, ver = res.get("summary", []), res.get("meta", {})
    isw, z4 = find(summ, "drop", "icmpsweep"), find(summ, "drop", "zmap")
    zname = ver.get("version.zmap", "zmap 4.x")
    if not isw or not z4 or not isw.get("steady_pps") or not z4.get("steady_pps"):
        return "No sustained drop figures for icmpsweep and %s in this run.\n" % zname
    if isw.get("steady_short") or z4.get("steady_short"):
        return ("The drop runs of this run had a steady-state window under one second: no "
                "headline figure (run bench/run in full mode).\n")
    ncpu = res.get("machine", {}).get("cpus") or ver.get("ncpu")
    lines = ["Sustained send rate (`bench/run drop`: every tool at its maximum rate for about "
             "%s s, sized by probes per target, cooldown 0, other options at their defaults; "
             "the veth's packet counter over the steady-state window, median and min–max of "
             "%s runs):" % (ver.get("drop_seconds", "?"), ver.get("reps", "?")), ""]
    lines.append("- icmpsweep at its defaults: **%s**, %.2f× %s at its defaults "
                 "(%s)." % (spread(isw), isw["steady_pps"] / z4["steady_pps"], zname,
                            spread(z4)))
    for v in ("-T 1", "-T %s" % ncpu):
        a, b = find(summ, "drop", "icmpsweep", v), find(summ, "drop", "zmap", v)
        if a and b and a.get("steady_pps") and b.get("steady_pps") and \
                not a.get("steady_short") and not b.get("steady_short"):
            lines.append("- `%s` each: icmpsweep %s, %s %s: %.2f×." % (
                v, spread(a), zname, spread(b), a["steady_pps"] / b["steady_pps"]))
    rows_i = [s for s in summ if s.get("scenario") == "drop" and s.get("tool") == "icmpsweep"
              and s.get("ok") and s.get("steady_pps") and not s.get("steady_short")]
    rows_z = [s for s in summ if s.get("scenario") == "drop" and s.get("tool") == "zmap"
              and s.get("ok") and s.get("steady_pps") and not s.get("steady_short")]
    if rows_i and rows_z:
        bi = max(rows_i, key=lambda s: s["steady_pps"])
        bz = max(rows_z, key=lambda s: s["steady_pps"])
        lines.append("- best row of each: icmpsweep%s %s, %s%s %s: %.2f×." % (
            " `%s`" % bi["variant"] if bi.get("variant") else " (defaults)", spread(bi), zname,
            " `%s`" % bz["variant"] if bz.get("variant") else " (defaults)", spread(bz),
            bi["steady_pps"] / bz["steady_pps"]))
    lines += ["", "Machine: %s." % conditions(res), "",
              NOT_MEASURED % (ncpu or "?")]
    return "\n".join(lines) + "\n"


# (label, scenario, rate (None: any), metric, higher is better, format)
ROWS = [
    ("sustained send rate, defaults", "drop", None, "steady_pps", True, kpps),
    ("time to first packet, ms", "drop", None, "first_pkt_ms", False, lambda v: "%.0f" % v),
    ("CPU s for that drop run", "drop", None, "cpu_s", None, lambda v: "%.2f" % v),
    ("peak RSS MiB (drop)", "drop", None, "maxrss_kb", False, lambda v: "%.1f" % (v / 1024)),
    ("dense (all live) at max rate: recall", "dense", 0, "recall", True, lambda v: "%.5f" % v),
    ("dense at max rate: capture drops, worst run", "dense", 0, "tool_drop_max", False,
     lambda v: "%d" % v),
    ("dense at max rate: wall s", "dense", 0, "wall_s", False, lambda v: "%.2f" % v),
    ("sparse at 100k: wall s", "sparse", None, "wall_s", False, lambda v: "%.2f" % v),
    ("sparse at 100k: recall", "sparse", None, "recall", True, lambda v: "%.5f" % v),
    ("lossy (10 % each way, 3 probes): recall", "lossy", None, "recall", True,
     lambda v: "%.5f" % v),
    ("lossy: packets per target", "lossy", None, "pkts_per_target", False, lambda v: "%.2f" % v),
    ("lossy: wall s", "lossy", None, "wall_s", False, lambda v: "%.2f" % v),
    ("internet (defaults): recall of reliable hosts", "internet", None, "subset_recall", True,
     lambda v: "%.4f" % v),
    ("internet (defaults): recall of all live hosts", "internet", None, "recall", True,
     lambda v: "%.4f" % v),
    ("internet (defaults): time to a complete result, s", "internet", None, "wall_s", False,
     lambda v: "%.2f" % v),
]


def bounds(s, key):
    """min and max of a metric over the repetitions, as far as the summary keeps them."""
    v = s[key]
    if key == "steady_pps" and s.get("steady_pps_min") is not None:
        return s["steady_pps_min"], s["steady_pps_max"]
    if s.get(key + "_min") is not None and s.get(key + "_max") is not None:
        return s[key + "_min"], s[key + "_max"]
    sp = s.get(key + "_spread") or 0  # half the range around the median: an approximation
    return v - sp, v + sp


def comparison(res):
    summ, meta = res.get("summary", []), res.get("meta", {})
    zname = meta.get("version.zmap", "zmap 4.x")
    iname = meta.get("version.icmpsweep", "icmpsweep")
    out = ["| measure | %s | %s | icmpsweep |" % (iname, zname), "|---|---:|---:|---|"]
    for label, scen, rate, key, higher, fmt in ROWS:
        a, b = find(summ, scen, "icmpsweep", "", rate), find(summ, scen, "zmap", "", rate)
        if not a or not b or a.get(key) is None or b.get(key) is None:
            continue
        if key == "steady_pps" and (a.get("steady_short") or b.get("steady_short")):
            continue  # a window under one second is no figure to compare
        va, vb = a[key], b[key]
        lo_a, hi_a = bounds(a, key)
        lo_b, hi_b = bounds(b, key)
        if higher is None:
            verdict = "(per packet: %.2f× zmap's)" % (
                (va / a["tx_packets"]) / (vb / b["tx_packets"])) \
                if a.get("tx_packets") and b.get("tx_packets") and vb else ""
        elif va == vb:
            verdict = "same"
        elif lo_a <= hi_b and lo_b <= hi_a:
            verdict = "within the spread"
        elif (va > vb) == higher:
            verdict = "ahead"
        else:
            verdict = "**behind**"
        out.append("| %s | %s | %s | %s |" % (label, fmt(va), fmt(vb), verdict))
    a, b = find(summ, "internet", "icmpsweep", "", None), find(summ, "internet", "zmap", "", None)
    if a and b and a.get("wall_s") and b.get("wall_s"):
        out += ["", "internet (each tool at its defaults): icmpsweep's time to a complete result "
                "is %.2f of %s's (%.2f s against %.2f s)." % (
                    a["wall_s"] / b["wall_s"], zname, a["wall_s"], b["wall_s"])]
    lan = lan24_line(summ, meta)
    if lan:
        out += ["", lan]
    behind = others_ahead(summ, meta)
    if behind:
        out += ["", "Where another peer beats icmpsweep in this run (faster with at least its "
                "recall, or a higher sustained rate):", ""] + behind
    out += ["", "Medians of %s runs on the machine above; every figure and the exact flags "
            "of each tool: `bench/results/results.md`, `bench/README.md`." % meta.get("reps", "?")]
    return "\n".join(out) + "\n"


def lan24_line(summ, meta):
    """The everyday case in one sentence: every tool's wall time and recall on a /24 LAN at
    its own defaults, and what a tool that pings with ICMP alone misses."""
    rows = [s for s in summ if s.get("scenario") == "lan24" and s.get("ok")]
    if not rows or not any(s["tool"] == "icmpsweep" for s in rows):
        return ""
    parts = []
    for s in rows:
        wall = "%.2f s" % s["wall_s"]
        if s.get("wall_s_min") is not None and \
                "%.2f" % s["wall_s_min"] != "%.2f" % s["wall_s_max"]:
            wall += " (%.2f–%.2f)" % (s["wall_s_min"], s["wall_s_max"])
        text = "%s %s, recall %.4f" % (meta.get("version." + s["tool"], s["tool"]), wall,
                                       s.get("recall") or 0)
        if s.get("subset_live") and (s.get("subset_found") or 0) < s["subset_live"]:
            text += " (finds %d of the echo-dropper's %d)" % (s.get("subset_found") or 0,
                                                               s["subset_live"])
        parts.append(text)
    r = rows[0]
    return ("A /24 LAN, each tool at its own defaults as a new user types it (`bench/run "
            "lan24`: %s present addresses, %s of them on a host that drops ICMP echo; wall "
            "time median%s): %s." % (r.get("live", "?"), meta.get("lan24_dropper_share", "?"),
                                     " (min–max)" if int(meta.get("reps", 1) or 1) > 1 else "",
                                     "; ".join(parts)))


def others_ahead(summ, meta):
    """One line per scenario and rate where some peer at its defaults did better than
    icmpsweep at its defaults: higher sustained rate (drop), or less wall time with at least
    icmpsweep's recall (every other scenario)."""
    lines = []
    for isw in summ:
        if isw.get("tool") != "icmpsweep" or isw.get("variant") or not isw.get("ok"):
            continue
        scen, rate = isw["scenario"], isw.get("rate")
        for o in summ:
            if o is isw or o.get("scenario") != scen or o.get("rate") != rate or \
                    o.get("variant") or not o.get("ok") or o.get("tool") == "icmpsweep":
                continue
            name = meta.get("version." + o["tool"], o["tool"])
            if scen == "drop":
                if (o.get("steady_pps") or 0) > (isw.get("steady_pps") or 0):
                    lines.append("- drop: %s sustains %s against %s." % (
                        name, kpps(o["steady_pps"]), kpps(isw.get("steady_pps"))))
                continue
            if o.get("wall_s") is None or isw.get("wall_s") is None:
                continue
            rec_ok = o.get("recall") is None or isw.get("recall") is None or \
                o["recall"] >= isw["recall"]
            if o["wall_s"] < isw["wall_s"] and rec_ok:
                lines.append("- %s at %s: %s takes %.2f s against icmpsweep's %.2f s "
                             "(recall %s against %s)." % (
                                 scen, ("each tool's defaults" if o.get("cooldown_s") == "default"
                                        else "max rate") if not rate else "%g/s" % rate, name,
                                 o["wall_s"], isw["wall_s"],
                                 "%.4f" % o["recall"] if o.get("recall") is not None else "—",
                                 "%.4f" % isw["recall"] if isw.get("recall") is not None
                                 else "—"))
    return lines


def replace_block(text, name, body):
    pat = re.compile(r"(<!-- bench:%s begin -->\n).*?(<!-- bench:%s end -->)" % (name, name),
                     re.S)
    if not pat.search(text):
        raise KeyError(name)
    return pat.sub(lambda m: m.group(1) + body + m.group(2), text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--blocks", required=True)
    ap.add_argument("--readme")
    a = ap.parse_args()
    with open(a.results) as f:
        res = json.load(f)
    blocks = {"headline": headline(res), "zmap": comparison(res)}
    with open(a.blocks, "w") as f:
        for k, v in blocks.items():
            f.write("<!-- bench:%s -->\n%s\n" % (k, v))
    if a.readme:
        with open(a.readme) as f:
            text = f.read()
        for k, v in blocks.items():
            try:
                text = replace_block(text, k, v)
            except KeyError:
                sys.stderr.write("readme: no bench:%s markers in %s\n" % (k, a.readme))
                return 1
        with open(a.readme, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

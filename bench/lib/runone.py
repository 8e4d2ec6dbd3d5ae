#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Run one scanner invocation inside the scanner namespace and write one JSON record.

bench/run calls this as `ip netns exec SCAN python3 runone.py ... -- TOOL ARGS...`.  It

  * runs `/usr/bin/time -f ... timeout -k 3 LIMIT TOOL ARGS...` (wall, user, sys, peak RSS),
  * samples the interface's tx/rx packet counters every --sample-ms while the tool runs
    (the tool-independent send count, send rate and reply count),
  * optionally "nudges" the tool: once a regex shows up in its stderr, a helper in the target
    namespace sends one unsolicited ICMP echo reply (which the scanner kernel drops silently)
    every 0.25 s.  masscan needs this: its receive thread sits in a blocking TPACKET_V3 read
    on a silent link and never notices that the scan is over (masscan issue #144),
  * parses the tool's results against the ground truth (bench/lib/benchlib.py),
  * writes the record as one JSON object (appended to --record).

Stdlib only.  Every loop is bounded by the time limit.
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

NUDGE_EVERY_S = 0.25
NUDGE_MAX = 400


def child_groups(pid):
    """Process groups below pid: timeout(1) puts itself and the tool in a group of its own,
    so signalling /usr/bin/time's group alone would leave the tool running."""
    groups = {pid}
    try:
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:  # ppid
                groups.add(int(fields[2]))  # pgrp
    except OSError:
        pass
    return groups


def signal_all(pid, sig):
    for g in child_groups(pid):
        try:
            os.killpg(g, sig)
        except OSError:
            pass


def read_counter(path):
    try:
        with open(path) as f:
            return int(f.read())
    except (OSError, ValueError):
        return -1


NUDGER = r"""
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
dst = sys.argv[1]
def csum(b):
    if len(b) % 2: b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16: t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff
n = 0
for line in sys.stdin:
    n += 1
    body = struct.pack("!BBHHH", 0, 0, 0, 0xbe7c, n & 0xffff) + b"bench-nudge"
    body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
    try:
        s.sendto(body, (dst, 0))
    except OSError:
        pass
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--limit", type=float, required=True, help="timeout for the tool, s")
    ap.add_argument("--sample-ms", type=float, default=5.0,
                    help="counter sampling period once the first packet is out (the send "
                    "rate's time resolution); every ms before it (time to first packet)")
    ap.add_argument("--record", required=True, help="append the JSON record here")
    ap.add_argument("--stdout", required=True, help="tool stdout goes here")
    ap.add_argument("--stderr", required=True, help="tool stderr goes here")
    ap.add_argument("--result", help="file with the tool's results (default: --stdout)")
    ap.add_argument("--metadata", help="tool metadata JSON (icmpsweep, zmap)")
    ap.add_argument("--ok-codes", default="0", help="comma-separated exit codes meaning success")
    ap.add_argument("--stop-after", type=float,
                    help="interrupt the tool (SIGINT, twice) this many seconds after its first "
                    "packet; the run still counts (a tool that would send for hours)")
    ap.add_argument("--nudge-ns", help="target namespace for the nudge helper")
    ap.add_argument("--nudge-addr", help="address the nudges are sent to")
    ap.add_argument("--nudge-regex", help="start nudging once stderr matches")
    ap.add_argument("--truth", help="file: live addresses, one per line")
    ap.add_argument("--truth-cidr", help="every address of this CIDR is live")
    ap.add_argument("--names", help="file: 'address name' lines (expected PTR names)")
    ap.add_argument("--subset", help="file: live addresses also scored on their own "
                    "(lan: those of the host that drops ICMP echo)")
    ap.add_argument("--ignore", action="append", default=[],
                    help="an address scored neither way (lan24: the scanner's own)")
    ap.add_argument("--sweep", required=True, help="CIDR of the swept space")
    ap.add_argument("--targets", type=int, required=True, help="number of targets probed")
    ap.add_argument("--field", action="append", default=[], help="KEY=VALUE copied to record")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")

    rec = {}
    for kv in a.field:
        k, _, v = kv.partition("=")
        rec[k] = benchlib.auto_type(v)
    rec["command"] = cmd
    sample_s = min(max(a.sample_ms, 0.5), 200.0) / 1000.0
    first_s = min(sample_s, 0.001)
    timefile = a.stdout + ".time"
    stat = "/sys/class/net/%s/statistics/" % a.iface
    tx_path, rx_path = stat + "tx_packets", stat + "rx_packets"

    full = ["/usr/bin/time", "-o", timefile, "-f", "%e %U %S %M",
            "timeout", "-k", "3", "%g" % a.limit] + cmd
    samples = [(time.monotonic(), read_counter(tx_path), read_counter(rx_path))]
    tx_base = samples[0][1]
    sent_any = False
    with open(a.stdout, "wb") as out, open(a.stderr, "wb") as err:
        t0 = time.monotonic()
        # In the run's scratch directory: masscan leaves paused.conf where it is interrupted.
        proc = subprocess.Popen(full, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                start_new_session=True,
                                cwd=os.path.dirname(os.path.abspath(a.stdout)))
        nudger = None
        nudges = 0
        last_nudge = 0.0
        nudge_re = re.compile(a.nudge_regex) if a.nudge_regex else None
        err_seen = 0
        hard_deadline = t0 + a.limit + 15
        killed = False
        stopped_at = None
        t_first_pkt = None
        while True:
            rc = proc.poll()
            now = time.monotonic()
            samples.append((now, read_counter(tx_path), read_counter(rx_path)))
            if rc is not None:
                break
            # Polled every ms until the first packet (time to first packet), then at the
            # sampling period: a tight loop here would take CPU from the tool it measures.
            if not sent_any and samples[-1][1] > tx_base:
                sent_any, t_first_pkt = True, now
            if a.stop_after and sent_any and stopped_at is None and \
                    now - t_first_pkt >= a.stop_after:
                # Twice: masscan's first ^C only ends the sending and starts its --wait.
                stopped_at = now
                signal_all(proc.pid, signal.SIGINT)
                time.sleep(0.05)
                signal_all(proc.pid, signal.SIGINT)
                err_seen = bool(nudge_re)  # masscan's receive thread needs them to see it
            if stopped_at is not None and now - stopped_at > 2 and not killed:
                signal_all(proc.pid, signal.SIGKILL)  # bounded: the run is over anyway
                killed = True
            if now > hard_deadline and not killed:
                # timeout(1) should have done this; never leave a tool behind.
                signal_all(proc.pid, signal.SIGKILL)
                killed = True
            if nudge_re and nudges < NUDGE_MAX and now - last_nudge >= NUDGE_EVERY_S:
                if not err_seen:
                    try:
                        with open(a.stderr, "rb") as f:
                            text = f.read().decode("utf-8", "replace")
                        err_seen = bool(nudge_re.search(text))
                    except OSError:
                        pass
                if err_seen:
                    if nudger is None:
                        nudger = subprocess.Popen(
                            ["ip", "netns", "exec", a.nudge_ns, sys.executable, "-c", NUDGER,
                             a.nudge_addr], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
                    try:
                        nudger.stdin.write(b"\n")
                        nudger.stdin.flush()
                        nudges += 1
                    except OSError:
                        pass
                    last_nudge = now
            time.sleep(sample_s if sent_any else first_s)
        t1 = time.monotonic()
        if nudger is not None:
            try:
                nudger.stdin.close()
                nudger.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                nudger.kill()
    # Replies may still be in flight for a moment after exit; counters settle within ms.
    time.sleep(0.05)
    samples.append((time.monotonic(), read_counter(tx_path), read_counter(rx_path)))

    rec["exit_code"] = rc
    rec["runner_wall_s"] = round(t1 - t0, 4)
    rec["nudges"] = nudges
    try:
        with open(timefile) as f:
            lines = [l for l in f.read().splitlines() if re.match(r"^[0-9.]+ [0-9.]+ [0-9.]+ \d+$", l)]
        e, u, s, m = lines[-1].split()
        rec.update(wall_s=float(e), user_s=float(u), sys_s=float(s), cpu_s=round(float(u) + float(s), 3),
                   maxrss_kb=int(m))
    except (OSError, IndexError, ValueError):
        rec.update(wall_s=round(t1 - t0, 3), user_s=None, sys_s=None, cpu_s=None, maxrss_kb=None)

    rec.update(benchlib.send_figures(samples, nudges))
    rec.update(benchlib.steady_figures(samples, t0))
    ok_codes = {int(x) for x in a.ok_codes.split(",") if x.strip()}
    if stopped_at is not None:
        rec["status"] = "ok"
        rec["stopped_after_s"] = round(stopped_at - t_first_pkt, 2)
        # Whatever it sent after the interrupt is not part of the sustained window.
        samples = [x for x in samples if x[0] <= stopped_at]
        rec.update(benchlib.send_figures(samples, nudges))
        rec.update(benchlib.steady_figures(samples, t0))
    elif rc == 124 or rc == 137 or killed:
        rec["status"] = "timeout"
    elif rc in ok_codes:
        rec["status"] = "ok"
    else:
        rec["status"] = "error"
    if rec["status"] != "ok":
        try:
            with open(a.stderr, "rb") as f:
                tail = f.read()[-600:].decode("utf-8", "replace")
            rec["stderr_tail"] = re.sub(r"\s+", " ", tail.replace("\r", "\n")).strip()[-300:]
        except OSError:
            pass

    truth = benchlib.Truth(a.sweep, a.truth, a.truth_cidr, a.names, a.ignore)
    rec["targets"] = a.targets
    rec["live"] = truth.live_count()
    rec.update(benchlib.score(a.result or a.stdout, truth))
    if a.subset:
        rec.update(benchlib.score_subset(a.result or a.stdout, truth, a.subset))
    rec["pkts_per_target"] = round(rec["tx_packets"] / a.targets, 4) if a.targets else None
    if a.metadata:
        rec.update(benchlib.tool_metadata(a.metadata))
    with open(a.record, "a") as f:
        f.write(json.dumps(rec, sort_keys=True) + "\n")
    sys.stderr.write(benchlib.one_line(rec) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

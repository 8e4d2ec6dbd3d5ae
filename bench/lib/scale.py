#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Runs one command for the scale scenario and prints one JSON object: the time to its first
line of output (start), the wall time, its peak resident set (VmHWM while it runs, ru_maxrss
at the end: the larger) and the number of output lines.

  scale.py [--stop-after S] [--name NAME] -- COMMAND...

--stop-after S: SIGINT once the first line has come and S more seconds have passed (a sweep of
0.0.0.0/0 with --dry-run lists 3.7 G addresses; its start and memory are what is measured).
The command's own output is counted, not kept."""
import json, os, signal, subprocess, sys, time

def hwm_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

def main():
    args = sys.argv[1:]
    stop_after, name = None, ""
    while args and args[0] != "--":
        if args[0] == "--stop-after":
            stop_after = float(args[1]); args = args[2:]
        elif args[0] == "--name":
            name = args[1]; args = args[2:]
        else:
            sys.exit("scale.py: unknown option %s" % args[0])
    cmd = args[1:]
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    os.set_blocking(p.stdout.fileno(), False)
    first, lines, hwm, stopped, buf_tail = None, 0, 0, False, b""
    deadline = t0 + 600
    while True:
        try:
            chunk = p.stdout.read(1 << 20)
        except BlockingIOError:
            chunk = None
        now = time.monotonic()
        if chunk:
            n = chunk.count(b"\n")
            if n and first is None:
                first = now - t0
            lines += n
        elif chunk == b"":
            break
        else:
            time.sleep(0.002)
        hwm = max(hwm, hwm_kib(p.pid))
        if not stopped and ((stop_after is not None and first is not None and now - t0 - first >= stop_after)
                            or now > deadline):
            hwm = max(hwm, hwm_kib(p.pid))
            p.send_signal(signal.SIGINT)
            stopped = True
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    err = p.stderr.read().decode(errors="replace")
    rc = os.waitstatus_to_exitcode(status)
    ok = rc == 0 or (stopped and rc in (130, -2))
    print(json.dumps({"name": name, "start_s": round(first, 3) if first is not None else None,
                      "wall_s": round(wall, 3), "rss_mib": round(max(hwm, ru.ru_maxrss) / 1024, 1),
                      "lines": lines, "rc": rc, "stopped": stopped,
                      "status": "ok" if ok else "error",
                      "note": "" if ok else err.strip().splitlines()[-1][:200] if err.strip() else "exit %d" % rc}))

main()

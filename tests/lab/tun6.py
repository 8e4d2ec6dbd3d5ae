#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# tun6.py: IPv6 hosts and a router behind a TUN device (a link without Ethernet), for the e2e
# test ipv6_rawlink.  Attaches to the existing TUN device --dev (IFF_TUN, no packet info) in
# the namespace it runs in, and for every ICMPv6 echo request the kernel sends into it:
#   - to an address listed in --live: an echo reply from that address (hop limit 64);
#   - to an address in --unreach: destination unreachable (no route) from --router, quoting
#     the request;
#   - with hop limit 1, to an address in --hops: time exceeded from --router, quoting it;
#   - anything else: nothing.
# Stops after --seconds or on SIGTERM; prints what it saw and sent to stderr.
import argparse
import fcntl
import ipaddress
import os
import select
import signal
import struct
import sys
import time

from icmp6pkt import icmp6  # tests/lab/icmp6pkt.py, beside this script

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dev", required=True)
    ap.add_argument("--live", required=True, help="file, one IPv6 address a line")
    ap.add_argument("--unreach", type=ipaddress.IPv6Network)
    ap.add_argument("--hops", type=ipaddress.IPv6Network)
    ap.add_argument("--router", type=ipaddress.IPv6Address, required=True)
    ap.add_argument("--seconds", type=float, default=60)
    a = ap.parse_args()
    with open(a.live) as f:
        live = {ipaddress.IPv6Address(line.strip()).packed for line in f if line.strip()}
    router = a.router.packed
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", a.dev.encode(), IFF_TUN | IFF_NO_PI))
    print("tun6: attached to %s" % a.dev, file=sys.stderr, flush=True)
    counts = {"requests": 0, "replies": 0, "unreachable": 0, "time-exceeded": 0}
    end = time.monotonic() + a.seconds
    while not stop[0] and time.monotonic() < end:
        if not select.select([fd], [], [], 0.2)[0]:
            continue
        pkt = os.read(fd, 2048)
        if len(pkt) < 48 or pkt[0] >> 4 != 6 or pkt[6] != 58 or pkt[40] != 128:
            continue
        counts["requests"] += 1
        src, dst, hlim = pkt[8:24], pkt[24:40], pkt[7]
        addr = ipaddress.IPv6Address(dst)
        if dst in live:
            body = bytes([129, 0, 0, 0]) + pkt[44:]
            os.write(fd, icmp6(dst, src, body))
            counts["replies"] += 1
        elif a.unreach and addr in a.unreach:
            os.write(fd, icmp6(router, src, bytes([1, 0, 0, 0, 0, 0, 0, 0]) + pkt[:1232]))
            counts["unreachable"] += 1
        elif a.hops and addr in a.hops and hlim <= 1:
            os.write(fd, icmp6(router, src, bytes([3, 0, 0, 0, 0, 0, 0, 0]) + pkt[:1232]))
            counts["time-exceeded"] += 1
    print("tun6: %s" % ", ".join("%s %d" % kv for kv in counts.items()), file=sys.stderr)


if __name__ == "__main__":
    main()

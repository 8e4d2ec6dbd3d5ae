#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# forge6.py: forged ICMPv6 answers for the e2e test ipv6_forged.  Runs in the target
# namespace on its end of the lab link; for every ICMPv6 echo request it sees there, it sends
# the scanner (Ethernet, to SCAN_MAC) answers a sweep must not count as hosts:
#   - an echo reply from the probed address with the payload tag corrupted,
#   - one with the sequence number changed,
#   - the request's exact identifier, sequence and payload replayed from an address that was
#     never probed (2001:db8:6:ffff::N),
#   - a truncated echo reply (no payload) from the probed address,
#   - a destination unreachable from the router quoting a probe with a wrong identifier,
#   - one quoting the real probe, but from another source than the scanner.
# Stops after --seconds or on SIGTERM; prints what it sent to stderr.
import argparse
import signal
import socket
import struct
import sys
import time

from icmp6pkt import icmp6  # tests/lab/icmp6pkt.py, beside this script

ETH_P_IPV6 = 0x86DD


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--scan-mac", required=True)
    ap.add_argument("--router", required=True, help="the target end's IPv6 address")
    ap.add_argument("--seconds", type=float, default=30)
    a = ap.parse_args()
    scan_mac = bytes.fromhex(a.scan_mac.replace(":", ""))
    router = socket.inet_pton(socket.AF_INET6, a.router)
    other = socket.inet_pton(socket.AF_INET6, "2001:db8:ffff::9")
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IPV6))
    s.bind((a.iface, ETH_P_IPV6))
    s.settimeout(0.2)
    our_mac = s.getsockname()[4][:6]
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    end = time.monotonic() + a.seconds
    seen = sent = 0
    n = 0
    while not stop and time.monotonic() < end:
        try:
            f, addr = s.recvfrom(2048)
        except socket.timeout:
            continue
        if addr[2] == socket.PACKET_OUTGOING or len(f) < 14 + 40 + 8:
            continue
        ip = f[14:]
        if ip[6] != 58 or ip[40] != 128:
            continue
        seen += 1
        src, dst, req = ip[8:24], ip[24:40], ip[40:]
        ident, seq = struct.unpack("!HH", req[4:8])
        payload = bytearray(req[8:])
        bad_tag = bytes(payload[:-1]) + bytes([payload[-1] ^ 0xFF])
        n = n % 65535 + 1
        never = socket.inet_pton(socket.AF_INET6, "2001:db8:6:ffff::%x" % n)
        fake_probe = icmp6(src, dst, struct.pack("!BBHHH", 128, 0, 0, ident ^ 0x5555, seq) + bytes(payload))
        forged = [
            icmp6(dst, src, struct.pack("!BBHHH", 129, 0, 0, ident, seq) + bad_tag),
            icmp6(dst, src, struct.pack("!BBHHH", 129, 0, 0, ident, (seq + 1) & 0xFFFF) + bytes(payload)),
            icmp6(never, src, struct.pack("!BBHHH", 129, 0, 0, ident, seq) + bytes(payload)),
            icmp6(dst, src, struct.pack("!BBHHH", 129, 0, 0, ident, seq)),
            icmp6(router, src, struct.pack("!BBHI", 1, 0, 0, 0) + fake_probe),
            icmp6(router, src, struct.pack("!BBHI", 1, 0, 0, 0) + ip[:4] + ip[4:8] + other + ip[24:]),
        ]
        for p in forged:
            s.send(scan_mac + our_mac + struct.pack("!H", ETH_P_IPV6) + p)
            sent += 1
    print("forge6: %d packets forged for %d probes seen" % (sent, seen), file=sys.stderr)


if __name__ == "__main__":
    main()

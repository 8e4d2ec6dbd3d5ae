#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Writes the seed corpora in tests/fuzz/corpus/ (checked in; run again after a format change).

Small, valid-looking inputs for each harness, from which libFuzzer mutates: target specs and
files, Ethernet / VLAN / raw IP / Linux cooked ICMP and ICMPv6 frames for the matcher (with the options
byte and capture time its harness reads first), ARP frames, DNS PTR answers, and traces (the
recorded fixture, and the same packets as a plain pcap)."""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "corpus")


def put(harness, name, data):
    d = os.path.join(ROOT, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return struct.pack("!H", ~s & 0xFFFF)


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def ipv4(src, dst, payload, ttl=64, proto=1, options=b""):
    hl = 20 + len(options)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | hl // 4, 0, hl + len(payload), 0x1234, 0, ttl,
                    proto, 0, ip4(src), ip4(dst)) + options
    return h[:10] + csum(h) + h[12:] + payload


def icmp(typ, code, rest, body):
    h = struct.pack("!BBH", typ, code, 0) + rest + body
    return h[:2] + csum(h) + h[4:]


US, GW = b"\x02\0\0\0\0\x01", b"\x02\0\0\0\0\xfe"
SEND_NS = 1700000000123456000
PAYLOAD = struct.pack("!QBBHI", SEND_NS, 1, 1, 0, 0)  # time, attempt, format, 0, tag


def probe(dst):
    return ipv4("192.0.2.1", dst, icmp(8, 0, b"\0\0\0\0", PAYLOAD))


def eth(payload, ethertype=0x0800, vlans=0):
    tags = b"".join(struct.pack("!HH", 0x8100, 10 + i) for i in range(vlans))
    return US + GW + tags + struct.pack("!H", ethertype) + payload


def match_seed(opts, ts_us, frame):
    return bytes([opts]) + struct.pack("!q", ts_us) + frame


def seeds_targets():
    put("fuzz_target_spec", "mixed", b"198.18.0.0/15\n198.18.0.10-198.18.3.200\n198.18.0.1\n"
        b"198.18.7.0/24\n")
    put("fuzz_target_spec", "names", b"localhost\nnosuch.example\nhost-1.example.org.\n")
    put("fuzz_target_spec", "bad", b"198.18.0.0/33\n300.1.1.1\n198.18.3.200-198.18.0.10\n"
        b"01.2.3.4\n0x7f000001\n1.2.3.4x\n\x1b]0;x\x07\n")
    put("fuzz_target_spec", "edges", b"0.0.0.0/0\n255.255.255.255\n224.0.0.1\n0.0.0.0/8\n")
    put("fuzz_target_file", "list", b"# targets\n\n198.18.0.0/30\n  198.18.1.0-198.18.1.3 # c\n"
        b"\t\n198.18.2.1\r\n198.18.2.2#x\n198.18.3.3")
    put("fuzz_target_file", "bad", b"198.18.0.1\n1.2.3.400   # this one\n")
    put("fuzz_target_file", "nul", b"198.18.0.1\n198.18.0.2\0junk\n")
    put("fuzz_target_file", "long", b"198.18.0.1\n" + b"1" * 5000 + b"\n")


def seeds_match():
    target = "198.18.3.77"
    reply = ipv4(target, "192.0.2.1", icmp(0, 0, b"\0\0\0\0", PAYLOAD), ttl=57)
    ts = SEND_NS // 1000 + 12500
    put("fuzz_match", "echo", match_seed(4 | 0x10, ts, eth(reply)))
    put("fuzz_match", "echo-novalidate", match_seed(8, ts, eth(reply)))
    put("fuzz_match", "echo-vlan", match_seed(0, ts, eth(reply, vlans=2)))
    put("fuzz_match", "echo-raw", match_seed(1, ts, reply))
    sll = struct.pack("!HHH8sH", 0, 1, 6, US + b"\0\0", 0x0800)
    put("fuzz_match", "echo-sll", match_seed(2, ts, sll + reply))
    for typ, code, name in ((3, 1, "unreach"), (11, 0, "timex"), (12, 0, "param")):
        err = ipv4("192.0.2.254", "192.0.2.1", icmp(typ, code, b"\0\0\0\0", probe(target)))
        put("fuzz_match", name, match_seed(4, ts, eth(err)))
        short = ipv4("192.0.2.254", "192.0.2.1",
                     icmp(typ, code, b"\0\0\0\0", probe(target)[:28]))
        put("fuzz_match", name + "-short", match_seed(4, ts, eth(short)))
    opts = ipv4(target, "192.0.2.1", icmp(0, 0, b"\0\0\0\0", PAYLOAD), options=b"\x01" * 8)
    put("fuzz_match", "echo-options", match_seed(4, ts, eth(opts)))
    put("fuzz_match", "echo-request", match_seed(0, ts, eth(probe(target))))
    put("fuzz_match", "udp", match_seed(0, ts, eth(ipv4(target, "192.0.2.1", b"\0" * 8,
                                                         proto=17))))


def ipv6(src, dst, payload, hlim=64, nxt=58):
    import socket
    return (struct.pack("!IHBB", 6 << 28, len(payload), nxt, hlim) +
            socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst) +
            payload)


def seeds_match6():
    # Option bit 6: ICMPv6 matching; checksums are not checked by the matcher, so left zero.
    target = "2001:db8:1::1234"
    me = "2001:db8:ffff::1"
    reply = ipv6(target, me, icmp(129, 0, b"\0\0\0\0", PAYLOAD), hlim=57)
    ts = SEND_NS // 1000 + 12500
    put("fuzz_match", "echo6", match_seed(0x40 | 4 | 0x10, ts, eth(reply, 0x86dd)))
    put("fuzz_match", "echo6-raw", match_seed(0x40 | 1, ts, reply))
    sll = struct.pack("!HHH8sH", 0, 1, 6, US + b"\0\0", 0x86dd)
    put("fuzz_match", "echo6-sll", match_seed(0x40 | 2, ts, sll + reply))
    probe6 = ipv6(me, target, icmp(128, 0, b"\0\0\0\0", PAYLOAD))
    for typ, name in ((1, "unreach6"), (2, "toobig6"), (3, "timex6")):
        err = ipv6("2001:db8:ffff::fe", me, icmp(typ, 0, b"\0\0\0\0", probe6))
        put("fuzz_match", name, match_seed(0x40 | 4, ts, eth(err, 0x86dd)))


def seeds_arp():
    host = b"\x00\x00\x0c\x12\x34\x56"

    def arp(op, sha, spa, tha, tpa, htype=1):
        return (US + sha + b"\x08\x06" + struct.pack("!HHBBH", htype, 0x0800, 6, 4, op) + sha +
                ip4(spa) + tha + ip4(tpa)).ljust(60, b"\0")

    reply = arp(2, host, "198.18.0.10", US, "198.18.0.1")
    req = arp(1, US, "198.18.0.1", b"\0" * 6, "198.18.0.10")
    odd = arp(2, host, "198.18.0.10", US, "198.18.0.1", htype=6)
    other = arp(2, b"\x02\0\0\0\0\x77", "198.18.0.10", US, "198.18.0.1")
    put("fuzz_arp", "reply", bytes([len(reply)]) + reply)
    put("fuzz_arp", "mixed", b"".join(bytes([len(f)]) + f for f in (req, reply, odd, other)))


def dns_name(name):
    return b"".join(bytes([len(l)]) + l for l in name.split(b".") if l) + b"\0"


def seeds_dns():
    q = dns_name(b"77.3.18.198.in-addr.arpa") + struct.pack("!HH", 12, 1)

    def msg(answers, an):
        return struct.pack("!HHHHHH", 0x1234, 0x8180, 1, an, 0, 0) + q + answers

    def rr(rdata, typ=12):
        return b"\xc0\x0c" + struct.pack("!HHIH", typ, 1, 60, len(rdata)) + rdata

    put("fuzz_dns_ptr", "ptr", msg(rr(dns_name(b"host.example.org")), 1))
    put("fuzz_dns_ptr", "ptr-escapes", msg(rr(dns_name(b"a\\b,c\"d") + b""), 1))
    put("fuzz_dns_ptr", "ptr-dot-nul", msg(rr(b"\x03a.b\x02\0x\0"), 1))
    put("fuzz_dns_ptr", "cname-then-ptr",
        msg(rr(dns_name(b"77.0-24.3.18.198.in-addr.arpa"), typ=5) +
            rr(b"\x04host\xc0\x0c"), 2))
    put("fuzz_dns_ptr", "nxdomain", struct.pack("!HHHHHH", 0x1234, 0x8183, 1, 0, 0, 0) + q)
    put("fuzz_dns_ptr", "loop", msg(rr(b"\xc0\x29"), 1))


def seeds_trace():
    fixture = os.path.join(HERE, "..", "fixtures", "sweep-seed7.pcapng")
    with open(fixture, "rb") as f:
        data = f.read()
    put("fuzz_trace", "sweep-seed7.pcapng", data)
    # The same packets as a classic microsecond pcap (native byte order).
    out = [struct.pack("=IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    off = 0
    while off + 12 <= len(data):
        typ, blen = struct.unpack_from("=II", data, off)
        if blen < 12:
            break
        if typ == 6:
            hi, lo, cap, orig = struct.unpack_from("=IIII", data, off + 12)
            t = hi << 32 | lo
            out.append(struct.pack("=IIII", t // 1000000, t % 1000000, cap, orig) +
                       data[off + 28:off + 28 + cap])
        off += blen
    put("fuzz_trace", "sweep-seed7.pcap", b"".join(out))
    # A raw-IP pcap with one echo reply.
    reply = ipv4("198.18.3.77", "192.0.2.1", icmp(0, 0, b"\0\0\0\0", PAYLOAD))
    put("fuzz_trace", "raw.pcap", struct.pack("=IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101) +
        struct.pack("=IIII", SEND_NS // 10**9, 5000, len(reply), len(reply)) + reply)


if __name__ == "__main__":
    seeds_targets()
    seeds_match()
    seeds_match6()
    seeds_arp()
    seeds_dns()
    seeds_trace()
    print("seeds written to", ROOT, file=sys.stderr)

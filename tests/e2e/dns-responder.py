#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A tiny PTR-only DNS server and client for the resolver tests (standard library only).

  dns-responder.py serve ADDR PORT RECORDS SECONDS
      Answers PTR queries for in-addr.arpa names on UDP ADDR:PORT for at most SECONDS.
      RECORDS has one line per address: "IP HEXNAME" where HEXNAME is the name's bytes in
      hex with labels separated by '.' (so a label may hold any byte, even '.'); or "IP
      servfail" / "IP refused" / "IP drop" (no answer at all).  Anything else: NXDOMAIN.

  dns-responder.py query ADDR PORT IP [TIMEOUT]
      Sends one PTR query for IP and prints the response code and the first PTR name's bytes
      in hex ("rcode=0 name=..."); exit 1 when nothing came back.  Used to wait until a
      server is up.

Both are bounded in time; nothing here talks to any address but the one given.
"""
import socket
import struct
import sys
import time


def arpa(ip):
    return list(reversed(ip.split("."))) + ["in-addr", "arpa"]


def encode_name(labels):
    out = b""
    for label in labels:
        if isinstance(label, str):
            label = label.encode()
        if not 0 < len(label) < 64:
            raise ValueError("bad label %r" % label)
        out += bytes([len(label)]) + label
    return out + b"\0"


def read_name(msg, off):
    """(labels as bytes, offset after the name); follows compression pointers."""
    labels, jumped, end, hops = [], False, None, 0
    while True:
        n = msg[off]
        if n & 0xC0 == 0xC0:
            if not jumped:
                end = off + 2
            jumped = True
            off = ((n & 0x3F) << 8) | msg[off + 1]
            hops += 1
            if hops > 64:
                raise ValueError("pointer loop")
            continue
        if n == 0:
            return labels, (end if jumped else off + 1)
        labels.append(msg[off + 1:off + 1 + n])
        off += 1 + n


def load(path):
    recs = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 2:
                continue
            ip, val = parts
            if val in ("servfail", "refused", "drop", "nxdomain"):
                recs[ip] = val
            else:
                recs[ip] = [bytes.fromhex(h) for h in val.split(".")]
    return recs


def answer(query, recs):
    qid, flags, qd = struct.unpack(">HHH", query[:6])
    if qd != 1:
        return None
    labels, off = read_name(query, 12)
    qtype, qclass = struct.unpack(">HH", query[off:off + 4])
    question = query[12:off + 4]
    rd = flags & 0x0100
    names = [l.decode("latin-1").lower() for l in labels]
    ip = None
    if len(names) == 6 and names[4:] == ["in-addr", "arpa"]:
        ip = ".".join(reversed(names[:4]))
    rec = recs.get(ip)
    if rec == "drop":
        return None
    hdr_flags = 0x8000 | rd | 0x0080 | 0x0400  # QR, RD copied, RA, AA
    rcode, ans = 3, b""
    if rec == "servfail":
        rcode = 2
    elif rec == "refused":
        rcode = 5
    elif isinstance(rec, list) and qtype == 12 and qclass == 1:
        rdata = encode_name(rec)
        ans = b"\xc0\x0c" + struct.pack(">HHIH", 12, 1, 60, len(rdata)) + rdata
        rcode = 0
    elif isinstance(rec, list):
        rcode = 0  # the name exists, but not with this type
    return struct.pack(">HHHHHH", qid, hdr_flags | rcode, 1, 1 if ans else 0, 0, 0) + question + ans


def serve(addr, port, path, seconds):
    recs = load(path)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((addr, int(port)))
    deadline = time.monotonic() + float(seconds)
    print("ready", flush=True)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return 0
        s.settimeout(min(left, 1.0))
        try:
            data, peer = s.recvfrom(4096)
        except socket.timeout:
            continue
        try:
            reply = answer(data, recs)
        except (ValueError, IndexError, struct.error):
            continue
        if reply:
            s.sendto(reply, peer)


def query(addr, port, ip, timeout="1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(float(timeout))
    msg = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + encode_name(arpa(ip)) + struct.pack(">HH", 12, 1)
    s.sendto(msg, (addr, int(port)))
    try:
        data, _ = s.recvfrom(4096)
    except socket.timeout:
        return 1
    rcode = struct.unpack(">H", data[2:4])[0] & 0xF
    an = struct.unpack(">H", data[6:8])[0]
    _, off = read_name(data, 12)
    off += 4
    name = ""
    for _ in range(an):
        _, off = read_name(data, off)
        rtype, _, _, rdlen = struct.unpack(">HHIH", data[off:off + 10])
        off += 10
        if rtype == 12:
            labels, _ = read_name(data, off)
            name = ".".join(l.hex() for l in labels)
            break
        off += rdlen
    print("rcode=%d name=%s" % (rcode, name))
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 6 and sys.argv[1] == "serve":
        sys.exit(serve(*sys.argv[2:6]))
    if len(sys.argv) >= 5 and sys.argv[1] == "query":
        sys.exit(query(*sys.argv[2:]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)

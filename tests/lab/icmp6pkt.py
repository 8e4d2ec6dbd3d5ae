# SPDX-License-Identifier: BSD-2-Clause
# icmp6pkt.py: ICMPv6 packets for the lab's Python answerers (forge6.py, tun6.py): the
# Internet checksum and an IPv6 packet around an ICMPv6 body with its checksum filled.
import struct


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def icmp6(src, dst, body):
    """An IPv6 packet carrying ICMPv6 body (its checksum field zero), checksum filled."""
    pseudo = src + dst + struct.pack("!I3xB", len(body), 58)
    c = checksum(pseudo + body)
    body = body[:2] + struct.pack("!H", c) + body[4:]
    return struct.pack("!IHBB", 6 << 28, len(body), 58, 64) + src + dst + body

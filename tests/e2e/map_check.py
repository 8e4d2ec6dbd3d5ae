#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Checks a --map PNG of a sweep of 198.18.0.0/16 (e2e.map).  The PNG is decoded here (zlib
and struct only), so the check does not share code with what it checks.

    map_check.py PNG LIVE_FILE EXCLUDED_PREFIX24 alive|rtt

The image must be 1024x1024, the view 198.18.0.0/16 at (128, 64), 3 pixels per address.  In
every /24 square the cells of local rows 7..10 are clear of labels (prefixes top left, octets
bottom right); each such cell is checked: 'alive' colour (alive: viridis' top, #fde725; rtt:
some colour of the scale) for a live address, 'none' (#141414) for a silent one, 'not swept'
(#dcdcdc) in the excluded /24.
"""
import struct
import sys
import zlib

NONE, NOT_SWEPT, NO_RTT, ALIVE = 0x141414, 0xDCDCDC, 0x8C8C8C, 0xFDE725
AREA_X, AREA_Y, ZOOM, ORDER = 128, 64, 3, 8


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"map: {path} is not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        sys.exit(f"map: unexpected PNG format depth={depth} colour type={ctype}")
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def d2xy(order, d):
    x = y = 0
    s = 1
    while s < (1 << order):
        rx = 1 & (d // 2)
        ry = 1 & (d ^ rx)
        if ry == 0:
            if rx == 1:
                x, y = s - 1 - x, s - 1 - y
            x, y = y, x
        x += s * rx
        y += s * ry
        d //= 4
        s *= 2
    return x, y


def main():
    path, live_file, excluded, mode = sys.argv[1:5]
    w, h, bpp, rows = read_png(path)
    if (w, h) != (1024, 1024):
        sys.exit(f"map: {path} is {w}x{h}, expected 1024x1024")
    live = set()
    for line in open(live_file):
        o = [int(v) for v in line.split(".")]
        live.add(o[2] * 256 + o[3])
    ex = int(excluded.split(".")[2])

    def pixel(x, y):
        r = rows[y]
        return r[x * bpp] << 16 | r[x * bpp + 1] << 8 | r[x * bpp + 2]

    checked = {"alive": 0, "none": 0, "not swept": 0}
    bad = []
    for d in range(65536):
        x, y = d2xy(ORDER, d)
        if not 7 <= y % 16 <= 10:
            continue
        got = pixel(AREA_X + x * ZOOM + 1, AREA_Y + y * ZOOM + 1)
        if d >> 8 == ex:
            want, ok = "not swept", got == NOT_SWEPT
        elif d in live:
            want = "alive"
            ok = got == ALIVE if mode == "alive" else got not in (NONE, NOT_SWEPT, NO_RTT, 0xFFFFFF)
        else:
            want, ok = "none", got == NONE
        checked[want] += 1
        if not ok:
            bad.append(f"198.18.{d >> 8}.{d & 255} ({want}): #{got:06x}")
    if bad:
        sys.exit(f"map: {len(bad)} cells of {path} have the wrong colour, e.g. {'; '.join(bad[:5])}")
    if min(checked.values()) == 0:
        sys.exit(f"map: nothing to check in some class: {checked}")
    print(f"map: {path}: {w}x{h}, cells checked: {checked}")


main()

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Names with any byte.  dnsmasq refuses such names in its hosts files, so a tiny PTR server
# (dns-responder.py, standard library only) in the target namespace serves names holding
# commas, quotes, non-ASCII UTF-8, control characters, a '.' and a NUL inside a label, a
# backslash and invalid UTF-8, plus SERVFAIL, REFUSED and NXDOMAIN answers.  The CSV must give
# back every name byte for byte through Python's csv module, every JSON line must parse (jq and
# Python) and give back the name (invalid UTF-8 as U+FFFD), and text lines must stay one line
# per host.
set -euo pipefail
E2E_TAG=resc
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dns.sh"
e2e_init "$@"
lab_require_cmd python3

PREFIX=198.18.200.0/24
PORT=5300
lab_random_live_set 60 "$PREFIX" "$WORK/live.txt" "$E2E_SEED"
lab_live_set "$WORK/live.txt"

# One record per live host: the names below in turn, then the failure kinds.
python3 - "$WORK/live.txt" >"$WORK/records" <<-'EOF'
import sys
names = [
    [b"a,b", b'c"d', b"example"],
    [b'"quoted"', b"x,y,z", b"lab"],
    ["café".encode(), "münchen".encode(), "例え".encode()],
    [b"tab\there", b"new\nline", b"cr\rlf"],
    [b"dot.inside", b"back\\slash", b"lab"],
    [b"nul\x00byte", b"lab"],
    [b"bad\xffutf8", b"trunc\xc3x", b"lab"],
    [b"with space", b"semi;colon", b"'single'", b"lab"],
    [b"<>{}[]", b"$(echo)", b"lab"],
    [b"\x7fdel", b"\x01\x1f", b"lab"],
    [b"plain", b"lab", b"example"],
]
live = [l.strip() for l in open(sys.argv[1]) if l.strip()]
for i, ip in enumerate(live):
    k = i % 15
    if k < len(names):
        print(ip, ".".join(l.hex() for l in names[k]))
    else:
        print(ip, ["servfail", "refused", "nxdomain", "nxdomain"][k - len(names)])
EOF
dns_start_responder "$WORK/records" "$PORT"

for fmt in csv json text; do
	e2e_sweep "$WORK/out.$fmt" "$WORK/err.$fmt" -q -r 5k -c 1 --seed 3 -O "$fmt" \
		--resolver "$LAB_TGT_ADDR:$PORT" "$PREFIX"
	e2e_expect_rc 0 "$WORK/err.$fmt"
done
if lab_optional_cmd jq; then
	jq -c . "$WORK/out.json" >/dev/null || e2e_fail "jq rejects the JSON output"
fi

python3 - "$WORK/records" "$WORK/out.csv" "$WORK/out.json" "$WORK/out.text" <<-'EOF' || e2e_fail "names did not round-trip (see above)"
import csv, json, sys
recs_path, csv_path, json_path, text_path = sys.argv[1:]

def presentation(labels):
    """What the resolver writes: '.', '\\' and NUL escaped inside labels, all else raw."""
    out = []
    for l in labels:
        b = b""
        for c in l:
            if c in (0x2E, 0x5C):
                b += b"\\" + bytes([c])
            elif c == 0:
                b += b"\\000"
            else:
                b += bytes([c])
        out.append(b)
    return b".".join(out)

def json_expect(b):
    # Invalid UTF-8 becomes U+FFFD, one per byte (engine/output/output.c).
    s, i = "", 0
    while i < len(b):
        for n in (4, 3, 2, 1):
            try:
                s += b[i:i + n].decode("utf-8")
                i += n
                break
            except UnicodeDecodeError:
                continue
        else:
            s += "\ufffd"
            i += 1
    return s

def text_expect(b):
    return b"".join(b"\\%03d" % c if c < 0x20 or c == 0x7F else bytes([c]) for c in b)

want = {}
for line in open(recs_path):
    ip, val = line.split()
    if val in ("servfail", "refused"):
        want[ip] = ("servfail", b"")
    elif val == "nxdomain":
        want[ip] = ("nxdomain", b"")
    else:
        want[ip] = ("ok", presentation([bytes.fromhex(h) for h in val.split(".")]))
errors = []

with open(csv_path, newline="", encoding="utf-8", errors="surrogateescape") as f:
    rows = list(csv.DictReader(f))
got = {r["ip"]: (r["lookup"], r["hostname"].encode("utf-8", "surrogateescape")) for r in rows}
if len(rows) != len(want) or got.keys() != want.keys():
    errors.append("csv: %d rows for %d hosts" % (len(rows), len(want)))
for ip, w in want.items():
    if got.get(ip) != w:
        errors.append("csv %s: got %r want %r" % (ip, got.get(ip), w))

rows = [json.loads(l) for l in open(json_path, encoding="utf-8")]
got = {r["ip"]: (r["lookup"], r["hostname"]) for r in rows}
if len(rows) != len(want):
    errors.append("json: %d rows for %d hosts" % (len(rows), len(want)))
for ip, (lk, name) in want.items():
    if got.get(ip) != (lk, json_expect(name)):
        errors.append("json %s: got %r want %r" % (ip, got.get(ip), (lk, json_expect(name))))

lines = open(text_path, "rb").read().split(b"\n")[:-1]
got = {}
for l in lines:
    ip, _, name = l.partition(b" ")
    got[ip.decode()] = name
if len(lines) != len(want):
    errors.append("text: %d lines for %d hosts" % (len(lines), len(want)))
for ip, (lk, name) in want.items():
    if got.get(ip) != text_expect(name):
        errors.append("text %s: got %r want %r" % (ip, got.get(ip), text_expect(name)))

for e in errors[:10]:
    print(e, file=sys.stderr)
sys.exit(1 if errors else 0)
EOF

e2e_pass "$(wc -l <"$WORK/live.txt") hosts: odd names round-trip through csv, json (python, jq) and text; servfail/refused/nxdomain reported"

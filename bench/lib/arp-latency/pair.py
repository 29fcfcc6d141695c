#!/usr/bin/env python3
"""pair.py CLIENT_IP CLIENT_MAC SENT FILE TARGET : from `tcpdump -e -nn -tt
--time-stamp-precision=nano arp` output taken on the client, pair the client's requests
"Request who-has TARGET tell CLIENT_IP" with replies "Reply TARGET is-at" sent to CLIENT_MAC
(broadcast gratuitous replies are ignored), first in first out. SENT is how many requests were
sent; requests without a reply count as infinitely late, so a lost reply can only raise p99.
Prints: answered p50_us p99_us max_us (max over answered ones)."""
import collections
import math
import re
import sys

client, client_mac, sent, fn, target = sys.argv[1], sys.argv[2].lower(), int(sys.argv[3]), sys.argv[4], sys.argv[5]
pending, lat = collections.deque(), []
for line in open(fn, errors="replace"):
    f = line.split()
    if len(f) < 4:
        continue
    try:
        t = float(f[0])
    except ValueError:
        continue
    dst = f[3].rstrip(",").lower()  # "TS SRC > DST, ethertype ARP ..."
    m = re.search(r"Request who-has (\S+) tell (\S+),", line)
    if m:
        if m.group(1) == target and m.group(2) == client:
            pending.append(t)
        continue
    m = re.search(r"Reply (\S+) is-at", line)
    if m and m.group(1) == target and dst == client_mac and pending:
        lat.append((t - pending.popleft()) * 1e6)
answered = len(lat)
all_ = sorted(lat) + [math.inf] * max(0, sent - answered)


def pct(p):
    v = all_[min(len(all_) - 1, int(math.ceil(p / 100.0 * len(all_))) - 1)]
    return "inf" if v == math.inf else f"{v:.0f}"


print(answered, pct(50), pct(99), f"{max(lat):.0f}" if lat else "inf")

#!/usr/bin/env python3
"""pair.py CLIENT_IP FILE TARGET... : from `tcpdump -nn -tt --time-stamp-precision=nano arp`
output taken on the client, pair each "Request who-has T tell CLIENT_IP" with the next
"Reply T is-at" and print per target: count p50_us p99_us max_us (gratuitous frames, whose
sender is not CLIENT_IP, are ignored)."""
import re
import sys

client, fn, targets = sys.argv[1], sys.argv[2], sys.argv[3:]
skip = 0
if targets and targets[0].startswith("--skip="):
    skip, targets = int(targets[0][7:]), targets[1:]
pending, out = {}, {t: [] for t in targets}
for line in open(fn, errors="replace"):
    f = line.split()
    if not f:
        continue
    try:
        t = float(f[0])
    except ValueError:
        continue
    m = re.search(r"Request who-has (\S+) tell (\S+),", line)
    if m:
        if m.group(2) == client and m.group(1) in out:
            pending[m.group(1)] = t
        continue
    m = re.search(r"Reply (\S+) is-at", line)
    if m and m.group(1) in pending:
        out[m.group(1)].append((t - pending.pop(m.group(1))) * 1e6)


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


for t in targets:
    v = out[t][skip:]
    if v:
        print(f"{t} {len(v)} {pct(v, 50):.0f} {pct(v, 99):.0f} {max(v):.0f}")
    else:
        print(f"{t} 0 0 0 0")

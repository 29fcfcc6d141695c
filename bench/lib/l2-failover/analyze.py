"""Failover per trial: last answer from the old owner (at or before the fault) to the first answer
from any other node after the fault. Input: probe log and trials file "<kind> <fault wall time> <old owner>"."""
import sys

answers = []
for line in open(sys.argv[1]):
    t, seq, node = line.split()
    answers.append((float(t), node))
by_kind = {}
for line in open(sys.argv[2]):
    kind, t0, old = line.split()
    t0 = float(t0)
    last_old = max((t for t, n in answers if n == old and t <= t0 + 0.005), default=None)
    first_new = min((t for t, n in answers if n != old and t > t0), default=None)
    if last_old is None or first_new is None:
        ms = float("inf")
    else:
        ms = (first_new - last_old) * 1000
    by_kind.setdefault(kind, []).append(ms)
    print(f"{kind} fault@{t0:.3f} old={old} failover_ms={ms:.0f}", file=sys.stderr)


def pct(v, p):
    v = sorted(v)
    if not v:
        return float("nan")
    k = min(len(v) - 1, max(0, int(round(p / 100 * len(v) + 0.5)) - 1))
    return v[k]


for kind, v in sorted(by_kind.items()):
    print(f"{kind} n={len(v)} p50={pct(v, 50):.0f} p99={pct(v, 99):.0f} max={max(v):.0f}")

"""Figures of bench/l2-failover from its run directory: prints the RESULT line, writes RUN/summary.txt and
RUN/per-trial.tsv; exits 1 (and prints no RESULT) when a trial failed or fewer than TRIALS per kind completed.

usage: analyze.py RUN TRIALS

Failover of a trial: last answer from the old owner at or before the fault (the moment the fault command
returned) to the first answer from another node after it.

Failback loss of a trial: probes due between the heal and steady state (the owner answered the last 20 probes
and only its MAC answered ARP for the last second) that got no answer.

Overlap of a trial: the other trials whose fault-to-failback window [start, back] intersects this trial's
failover window [start, first answer of the new owner], counted per system (same / other).

Dual answers (per system, summed over addresses): the measure of the union of
  - the rounds of the ARP prober in which two MACs answered the same who-has (one round, 10 ms, each), and
  - the interleavings: a run of answers (replies or gratuitous ARPs) from one MAC shorter than 1 s with
    answers from one other MAC right before and right after it, from its first answer to the next answer of
    the other MAC.
A clean failover or failback (the old MAC's answers stop, then the new MAC's begin, and each owner holds the
address for more than 0.5 s, as every trial makes sure) counts nothing.

Percentiles: p of n sorted values is the ceil(p/100 * n)-th smallest (p99 of 200 = the 198th).
"""
import json
import math
import os
import sys
from collections import defaultdict

run, asked = sys.argv[1], int(sys.argv[2])
plan = json.load(open(f"{run}/plan.json"))
KINDS = ("linkdown", "freeze", "kill")
FLAP_S = 0.2


def pct(v, p):
    v = sorted(v)
    return v[max(0, math.ceil(p / 100 * len(v)) - 1)] if v else float("nan")


def load_probe(vip):
    start, interval, ans = None, None, []
    with open(f"{run}/probe-{vip}.log") as f:
        for line in f:
            if line.startswith("# start"):
                _, _, s, i = line.split()
                start, interval = float(s), float(i)
            elif line.strip():
                t, seq, node = line.split()
                ans.append((float(t), int(seq), node))
    return start, interval, ans


def dual_ms(system):
    path = f"{run}/arp-{system}.log"
    if not os.path.exists(path):
        return float("nan"), {}
    interval = 0.01
    last_round = {}  # residue -> (round, time)
    by_req = defaultdict(set)  # (ip, round) -> macs
    round_t = {}
    events = defaultdict(list)  # ip -> [(t, mac)]
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) != 5:
                continue
            t, kind, ip, mac, k = float(p[0]), p[1], p[2], p[3], int(p[4])
            if kind == "S":
                r = int(k)
                last_round[r % 100] = r
                round_t[r] = t
                continue
            events[ip].append((t, mac))
            if kind == "R" and k in last_round:
                by_req[(ip, last_round[k])].add(mac)
    intervals = defaultdict(list)
    for (ip, r), macs in by_req.items():
        if len(macs) >= 2:
            intervals[ip].append((round_t[r], round_t[r] + interval))
    for ip, ev in events.items():
        ev.sort()
        runs = []  # [mac, first, last]
        for t, mac in ev:
            if runs and runs[-1][0] == mac:
                runs[-1][2] = t
            else:
                runs.append([mac, t, t])
        for a, x, b in zip(runs, runs[1:], runs[2:]):
            if a[0] == b[0] and x[2] - x[1] < FLAP_S:
                intervals[ip].append((x[1], b[1]))
    total, per_ip = 0.0, {}
    for ip, iv in intervals.items():
        iv.sort()
        s, cur_a, cur_b = 0.0, None, None
        for a, b in iv:
            if cur_b is None or a > cur_b:
                if cur_b is not None:
                    s += cur_b - cur_a
                cur_a, cur_b = a, b
            else:
                cur_b = max(cur_b, b)
        if cur_b is not None:
            s += cur_b - cur_a
        per_ip[ip] = round(s * 1000)
        total += s
    return total * 1000, per_ip


records = [json.loads(line) for line in open(f"{run}/trials.jsonl")] if os.path.exists(f"{run}/trials.jsonl") else []
probes = {}
for r in records:
    if r.get("ok") and r["vip"] not in probes:
        probes[r["vip"]] = load_probe(r["vip"])
rows = []
for r in records:
    if not r.get("ok"):
        continue
    start, interval, ans = probes[r["vip"]]
    last_old = max((t for t, _, n in ans if n == r["old"] and t <= r["t_fault"]), default=None)
    first_new = min((t for t, _, n in ans if n != r["old"] and t > r["t_fault"]), default=None)
    r["failover_ms"] = (first_new - last_old) * 1000 if last_old and first_new else float("inf")
    answered = {s for t, s, n in ans}
    k0, k1 = math.ceil((r["t_heal"] - start) / interval), math.floor((r["t_steady"] - start) / interval)
    r["failback_lost"] = sum(1 for k in range(k0, k1 + 1) if k not in answered)
    r["failback_ms"] = (r["t_back"] - r["t_heal"]) * 1000
    rows.append(r)
for r in rows:
    lo, hi = r["t_start"], r["t_new"]
    same = other = 0
    for o in rows:
        if o is r or o["t_start"] > hi or o["t_steady"] < lo:
            continue
        if o["system"] == r["system"]:
            same += 1
        else:
            other += 1
    r["overlap_same"], r["overlap_other"] = same, other

out = []
stats = {}
for system in ("ferrolb", "keepalived"):
    for kind in KINDS:
        v = [r for r in rows if r["system"] == system and r["kind"] == kind]
        fo = [r["failover_ms"] for r in v]
        alone = [r["failover_ms"] for r in v if r["overlap_same"] == 0 and r["overlap_other"] == 0]
        wrong = sum(1 for r in v if r["new"] != r["expected"])
        stats[(system, kind)] = {"n": len(v), "p50": pct(fo, 50), "p99": pct(fo, 99), "max": max(fo, default=float("nan")),
                                 "lost": sum(r["failback_lost"] for r in v)}
        out.append(f"{system:10} {kind:8} n={len(v):4} failover p50={pct(fo, 50):.0f} p90={pct(fo, 90):.0f}"
                   f" p99={pct(fo, 99):.0f} max={max(fo, default=float('nan')):.0f} ms;"
                   f" without overlap n={len(alone)} p50={pct(alone, 50):.0f} p99={pct(alone, 99):.0f} ms;"
                   f" with another fault in force: {len(v) - len(alone)};"
                   f" failback p50={pct([r['failback_ms'] for r in v], 50):.0f} ms,"
                   f" lost probes {sum(r['failback_lost'] for r in v)}; takeover by an unexpected node: {wrong}")
dual = {}
for system in ("ferrolb", "keepalived"):
    total, per_ip = dual_ms(system)
    dual[system] = total
    out.append(f"{system:10} dual answers: {total:.0f} ms in all" + (f" (per address: {per_ip})" if per_ip else ""))
many = json.load(open(f"{run}/many-result.json")) if os.path.exists(f"{run}/many-result.json") else None
if many:
    out.append(f"ferrolb    {many['n']} addresses on {many['owner']}, link down: "
               + ", ".join(f"last {t['last_ms']} (median {t['median_ms']}) ms" for t in many["trials"]))
stress = json.load(open(f"{run}/stress.json")) if os.path.exists(f"{run}/stress.json") else None
if stress:
    ff = [m for m in stress["moves"] if m["system"] == "ferrolb"]
    kf = [m for m in stress["moves"] if m["system"] == "keepalived"]
    out.append(f"CPU saturated {stress['t1'] - stress['t0']:.0f} s ({stress['workers']} x {stress['tool']}): "
               f"ferrolb moves {len(ff)}, keepalived moves {len(kf)}; longest answer gap per address (ms): "
               f"{stress['longest_gap_ms']}")
    for m in stress["moves"][:20]:
        out.append(f"  move {m}")
with open(f"{run}/per-trial.tsv", "w") as f:
    cols = ["n", "system", "kind", "group", "old", "new", "failover_ms", "failback_ms", "failback_lost",
            "overlap_same", "overlap_other", "t_fault"]
    f.write("\t".join(cols) + "\n")
    for r in rows:
        f.write("\t".join(f"{r[c]:.0f}" if isinstance(r[c], float) and c != "t_fault" else str(r[c]) for c in cols) + "\n")
failed = [r for r in records if not r.get("ok")]
n_min = min(s["n"] for s in stats.values())
problems = []
if failed:
    problems.append(f"{len(failed)} trials failed (first: {failed[0].get('error', 'did not finish')})")
if n_min < asked:
    problems.append(f"only {n_min} trials of some kind completed (asked: {asked})")
if any(math.isinf(r["failover_ms"]) for r in rows):
    problems.append("a trial has no answer from the old or the new owner in the probe log")
if not many:
    problems.append("no result of the scale test")
if not stress:
    problems.append("no result of the CPU-saturation test")
out += [f"PROBLEM: {p}" for p in problems]
with open(f"{run}/summary.txt", "w") as f:
    f.write("\n".join(out) + "\n")
if problems:
    print("\n".join(out), file=sys.stderr)
    sys.exit(1)
f_ld, f_fr, f_kl = stats[("ferrolb", "linkdown")], stats[("ferrolb", "freeze")], stats[("ferrolb", "kill")]
k_ld, k_fr = stats[("keepalived", "linkdown")], stats[("keepalived", "freeze")]
last = max(t["last_ms"] for t in many["trials"])
lost = sum(stats[("ferrolb", k)]["lost"] for k in KINDS)
false_failovers = sum(1 for m in stress["moves"] if m["system"] == "ferrolb")
print(f"RESULT l2-failover linkdown_p50_ms={f_ld['p50']:.0f} linkdown_p99_ms={f_ld['p99']:.0f}"
      f" freeze_p99_ms={f_fr['p99']:.0f} kill_p99_ms={f_kl['p99']:.0f}"
      f" keepalived01_linkdown_p99_ms={k_ld['p99']:.0f} keepalived01_freeze_p99_ms={k_fr['p99']:.0f}"
      f" ratio_linkdown_vs_keepalived01={f_ld['p99'] / k_ld['p99']:.2f} last_of_{many['n']}_ms={last}"
      f" dual_answer_ms={dual['ferrolb']:.0f} failback_lost={lost} false_failovers={false_failovers} trials={n_min}")

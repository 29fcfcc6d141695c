"""The trials of bench/l2-failover (see its header), run from the root namespace.

usage: trials.py wait-owners RUN TIMEOUT_S   until every address answers steadily from its owner
       trials.py run RUN TRIALS STAGGER_S    TRIALS trials per (system, kind); writes RUN/trials.jsonl
       trials.py stress RUN SECONDS          every CPU saturated for SECONDS; writes RUN/stress.json

Environment (from bench/l2-failover): jar, JTO (the speaker's JAVA_TOOL_OPTIONS).

The schedule is one sequence, ferrolb and keepalived alternating (ABAB...), the kinds rotating (linkdown,
freeze, kill); each entry starts as soon as a group of its system is idle and STAGGER_S have passed since the
previous fault, on the group idle the longest; at most (ferrolb nodes - 1) / 2 - 1 ferrolb trials at once, so
that the nodes a fault keeps out of the gossip view never cost the others the quorum. A trial:
  1. forgets the client's neighbour entry for the address; waits until the owner answers 20 probes in a row
  2. applies the fault to the owner; its time is taken when the fault command has returned
  3. waits until another node answers 5 probes in a row (FAILOVER_TIMEOUT_S, else the trial fails)
  4. keeps the fault for at least HOLD_S after it began and 0.5 s after the takeover, then heals it
  5. waits until the owner answers 20 probes in a row again and only its MAC answered ARP for the address in
     the last STEADY_S (FAILBACK_TIMEOUT_S, else the trial fails)
  6. leaves the group idle for SETTLE_S
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque

FAILOVER_TIMEOUT_S = 10.0
FAILBACK_TIMEOUT_S = 60.0
HOLD_S = 1.0
SETTLE_S = 0.5
STEADY_S = 1.0
KINDS = ("linkdown", "freeze", "kill")


def sh(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


class Probes:
    """Tails RUN/probe-<vip>.log of every address; keeps the last 120 s of answers (time, seq, node)."""

    def __init__(self, run, vips):
        for v in vips:  # the probers have just been started
            wait(lambda: True if os.path.exists(f"{run}/probe-{v}.log") else None, 30)
        self.files = {v: open(f"{run}/probe-{v}.log") for v in vips}
        self.answers = {v: deque() for v in vips}
        self.partial = {v: "" for v in vips}
        self.lock = threading.Lock()
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self):
        while True:
            now = time.time()
            for v, f in self.files.items():
                data = f.read()
                if not data:
                    continue
                data = self.partial[v] + data
                lines = data.split("\n")
                self.partial[v] = lines.pop()
                with self.lock:
                    q = self.answers[v]
                    for line in lines:
                        if line and not line.startswith("#"):
                            t, seq, node = line.split()
                            q.append((float(t), int(seq), node))
                    while q and q[0][0] < now - 120:
                        q.popleft()
            time.sleep(0.01)

    def since(self, vip, t0):
        with self.lock:
            return [a for a in self.answers[vip] if a[0] > t0]

    def run_of(self, vip, t0, node, n):
        """Time of the first answer of the first n consecutive answers after t0 all from node, or None."""
        count, first = 0, None
        for t, _, who in self.since(vip, t0):
            if who == node:
                if count == 0:
                    first = t
                count += 1
                if count >= n:
                    return first
            else:
                count = 0
        return None

    def trailing_run(self, vip, t0, node, n):
        """Time of the first answer of the run of answers from node that ends with the latest answer, if that run
        started after t0 and holds n answers or more, else None."""
        run = 0
        first = None
        for t, _, who in reversed(self.since(vip, t0)):
            if who != node:
                break
            run, first = run + 1, t
        return first if run >= n else None

    def run_not(self, vip, t0, node, n):
        """(time, node) of the first run of n consecutive answers after t0 from one node other than node."""
        count, first, cur = 0, None, None
        for t, _, who in self.since(vip, t0):
            if who != node and who == cur:
                count += 1
            elif who != node:
                cur, count, first = who, 1, t
            else:
                cur, count = None, 0
            if count >= n:
                return first, cur
        return None


class Arp:
    """Tails RUN/arp-<system>.log: per address, the last time each MAC replied or announced it."""

    def __init__(self, run, systems):
        for sy in systems:
            wait(lambda: True if os.path.exists(f"{run}/arp-{sy}.log") else None, 30)
        self.files = [open(f"{run}/arp-{sy}.log") for sy in systems]
        self.last = {}  # ip -> {mac: time}
        self.lock = threading.Lock()
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self):
        partial = ["" for _ in self.files]
        while True:
            for i, f in enumerate(self.files):
                data = f.read()
                if not data:
                    continue
                lines = (partial[i] + data).split("\n")
                partial[i] = lines.pop()
                with self.lock:
                    for line in lines:
                        p = line.split()
                        if len(p) == 5 and p[1] != "S":
                            self.last.setdefault(p[2], {})[p[3]] = float(p[0])
            time.sleep(0.01)

    def only(self, ip, mac, quiet_s):
        """True if mac answered within the last 0.1 s and no other MAC within the last quiet_s."""
        now = time.time()
        with self.lock:
            seen = dict(self.last.get(ip, {}))
        return seen.get(mac, 0) > now - 0.1 and all(t < now - quiet_s for m, t in seen.items() if m != mac)


def node_mac(node):
    prefix = "02:18:00:00:00" if node.startswith("f") else "02:03:00:00:00"
    return f"{prefix}:{10 + int(node[1:]):02x}"


def wait(pred, timeout, step=0.02):
    end = time.time() + timeout
    while time.time() < end:
        r = pred()
        if r is not None:
            return r
        time.sleep(step)
    return None


class Bench:
    def __init__(self, run):
        self.run = run
        self.plan = json.load(open(f"{run}/plan.json"))
        self.groups = [dict(g, system="ferrolb", cli="flbf-fcli") for g in self.plan["ferrolb"]]
        self.groups += [dict(g, system="keepalived", cli="flbf-kcli") for g in self.plan["keepalived"]]
        self.probes = Probes(run, [g["vip"] for g in self.groups])
        self.arp = Arp(run, ["ferrolb", "keepalived"])
        self.jar = os.environ.get("jar")
        self.jto = os.environ.get("JTO")

    # ---- the faults and heals
    def pids(self, node):
        out = subprocess.run(["ip", "netns", "pids", f"flbf-{node}"], check=True, capture_output=True, text=True)
        return [int(p) for p in out.stdout.split()]

    def fault(self, g, kind, node):
        if kind == "linkdown":
            sh("ip", "-n", f"flbf-{node}", "link", "set", "eth0", "down")
        elif kind == "freeze":
            pids = self.pids(node)
            for p in pids:
                os.kill(p, signal.SIGSTOP)
            return pids
        elif g["system"] == "ferrolb":
            os.kill(int(open(f"{self.run}/speaker-{node}.pid").read()), signal.SIGKILL)
        else:
            d = f"{self.run}/ka-{node}"
            for f in ("vrrp.pid", "keepalived.pid"):
                os.kill(int(open(f"{d}/{f}").read()), signal.SIGKILL)
        return None

    def heal(self, g, kind, node, frozen):
        if kind == "linkdown":
            sh("ip", "-n", f"flbf-{node}", "link", "set", "eth0", "up")
        elif kind == "freeze":
            for p in frozen:
                os.kill(p, signal.SIGCONT)
        elif g["system"] == "ferrolb":
            self.start_speaker(node)
        else:
            self.start_keepalived(node)

    def start_speaker(self, node):
        i = 10 + int(node[1:])
        env = dict(os.environ, JAVA_TOOL_OPTIONS=self.jto, KUBECONFIG=f"{self.run}/kubeconfig",
                   FERROLB_LOG_LEVEL="INFO")
        log = open(f"{self.run}/speaker-{node}.log", "a")
        p = subprocess.Popen(["ip", "netns", "exec", f"flbf-{node}", "java", "-jar", self.jar, "speaker",
                              "--node-name", node, "--host-ip", f"198.18.0.{i}", "--namespace", "ferrolb-system",
                              "--announcers", "layer2", "--metrics-port", "7472"],
                             env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        with open(f"{self.run}/speaker-{node}.pid", "w") as f:
            f.write(str(p.pid))

    def start_keepalived(self, node):
        d = f"{self.run}/ka-{node}"
        for f in ("keepalived.pid", "vrrp.pid"):
            if os.path.exists(f"{d}/{f}"):
                os.remove(f"{d}/{f}")
        log = open(f"{d}/log", "a")
        subprocess.Popen(["ip", "netns", "exec", f"flbf-{node}", "keepalived", "-n", "-l", "-D", "-G", "-P", "-R",
                          "-f", f"{d}/keepalived.conf", "-p", f"{d}/keepalived.pid", "-r", f"{d}/vrrp.pid"],
                         stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        # the next kill trial needs both pid files
        wait(lambda: True if os.path.exists(f"{d}/vrrp.pid") and os.path.getsize(f"{d}/vrrp.pid") else None, 10)

    # ---- one trial
    def trial(self, g, kind, rec):
        vip, owner = g["vip"], g["nodes"][0]
        rec.update(system=g["system"], kind=kind, group=g["group"], vip=vip, old=owner, expected=g["nodes"][1])
        try:
            subprocess.run(["ip", "-n", g["cli"], "neigh", "del", vip, "dev", "eth0"], stderr=subprocess.DEVNULL)
            t = time.time()
            if wait(lambda: self.probes.run_of(vip, t, owner, 20), 15) is None:
                raise RuntimeError(f"{owner} does not answer {vip} steadily before the fault")
            rec["t_start"] = time.time()
            frozen = self.fault(g, kind, owner)
            rec["t_fault"] = time.time()
            got = wait(lambda: self.probes.run_not(vip, rec["t_fault"], owner, 5), FAILOVER_TIMEOUT_S)
            if got is None:
                raise RuntimeError(f"no other node answered {vip} within {FAILOVER_TIMEOUT_S} s of the {kind}")
            rec["t_new"], rec["new"] = got
            rest = max(rec["t_start"] + HOLD_S, rec["t_new"] + 0.5) - time.time()
            if rest > 0:
                time.sleep(rest)
            rec["t_heal"] = time.time()
            self.heal(g, kind, owner, frozen)
            rec["t_heal_done"] = time.time()
            # back: the owner answers 20 probes in a row, and only its MAC has answered ARP for STEADY_S
            mac = node_mac(owner)
            back = wait(lambda: self.probes.trailing_run(vip, rec["t_heal"], owner, 20)
                        if self.arp.only(vip, mac, STEADY_S) else None, FAILBACK_TIMEOUT_S, 0.05)
            if back is None:
                raise RuntimeError(f"{owner} did not take {vip} back within {FAILBACK_TIMEOUT_S} s of the heal")
            rec["t_back"], rec["t_steady"] = back, time.time()
            rec["ok"] = True
        except Exception as e:  # the trial fails; the run reports it and gives no RESULT
            rec["ok"] = False
            rec["error"] = str(e)
            if kind == "freeze" and "t_heal" not in rec and "t_start" in rec:
                for p in self.pids(owner):
                    os.kill(p, signal.SIGCONT)
        time.sleep(SETTLE_S)


def cmd_wait_owners(run, timeout):
    b = Bench(run)
    t = time.time()
    for g in b.groups:
        left = max(1.0, t + timeout - time.time())
        if wait(lambda: b.probes.run_of(g["vip"], time.time() - 1.0, g["nodes"][0], 50), left) is None:
            print(f"trials.py: {g['vip']} ({g['system']} {g['group']}) does not answer from {g['nodes'][0]}",
                  file=sys.stderr)
            return 1
    return 0


def cmd_run(run, trials, stagger):
    b = Bench(run)
    schedule = [(["ferrolb", "keepalived"][i % 2], KINDS[(i // 2) % 3]) for i in range(2 * 3 * trials)]
    idle_since = {g["group"]: 0.0 for g in b.groups}
    busy = set()
    lock = threading.Lock()
    records, threads = [], []
    last_start = 0.0
    failed = None
    # every ferrolb trial keeps one node out of the gossip view from the fault until it is back: at most
    # cap at once, so that the others always see a majority of the cluster (the quorum rule)
    n_nodes = sum(len(g["nodes"]) for g in b.plan["ferrolb"])
    cap = max(1, (n_nodes - 1) // 2 - 1)
    t_begin = time.time()

    def body(g, kind, rec):
        b.trial(g, kind, rec)
        with lock:
            busy.discard(g["group"])
            idle_since[g["group"]] = time.time()

    for n, (system, kind) in enumerate(schedule):
        while True:
            with lock:
                free = [g for g in b.groups if g["system"] == system and g["group"] not in busy]
                if system == "ferrolb" and sum(1 for x in busy if x.startswith("g")) >= cap:
                    free = []
                failed = next((r for r in records if r.get("ok") is False), None)
            if failed:
                break
            if free and time.time() >= last_start + stagger:
                break
            time.sleep(0.01)
        if failed:
            break
        g = min(free, key=lambda g: idle_since[g["group"]])
        rec = {"n": n}
        with lock:
            busy.add(g["group"])
            records.append(rec)
        last_start = time.time()
        th = threading.Thread(target=body, args=(g, kind, rec), daemon=True)
        th.start()
        threads.append(th)
        if n % 60 == 59:
            done = sum(1 for r in records if "ok" in r)
            print(f"trials.py: {n + 1} trials started, {done} done, {time.time() - t_begin:.0f} s", file=sys.stderr)
    for th in threads:
        th.join(FAILOVER_TIMEOUT_S + FAILBACK_TIMEOUT_S + 30)
    with open(f"{run}/trials.jsonl", "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    bad = [r for r in records if not r.get("ok")]
    for r in bad[:10]:
        print(f"trials.py: trial {r['n']} {r.get('system')} {r.get('kind')} {r.get('group')} failed: "
              f"{r.get('error', 'did not finish')}", file=sys.stderr)
    print(f"trials.py: {len(records)} trials in {time.time() - t_begin:.0f} s, {len(bad)} failed", file=sys.stderr)
    return 1 if bad or len(records) < len(schedule) else 0


def cmd_stress(run, seconds):
    """Saturates every CPU for `seconds` and records every answer from a node other than the owner."""
    b = Bench(run)
    ncpu = os.cpu_count() or 1
    nodes = [n for g in b.plan["ferrolb"] for n in g["nodes"]]
    hogs = []
    t0 = time.time()
    tool = next((t for t in ("stress-ng", "stress") if subprocess.run(["sh", "-c", f"command -v {t}"],
                                                                     capture_output=True).returncode == 0), None)
    # two busy workers per CPU, spread over the ferrolb nodes' namespaces (each runs where a node's workload
    # would); at the speakers' own priority, so that the scheduler shares the CPUs between them
    for k in range(2 * ncpu):
        ns = f"flbf-{nodes[k % len(nodes)]}"
        if tool == "stress-ng":
            cmd = ["stress-ng", "--cpu", "1", "--timeout", f"{seconds}s", "--quiet"]
        elif tool == "stress":
            cmd = ["stress", "--cpu", "1", "--timeout", f"{seconds}s", "--quiet"]
        else:
            cmd = ["python3", "-c", f"import time\ne=time.time()+{seconds}\nwhile time.time()<e: pass"]
        hogs.append(subprocess.Popen(["ip", "netns", "exec", ns] + cmd, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True))
    for h in hogs:
        h.wait(seconds + 30)
    t1 = time.time()
    time.sleep(2)  # answers still in flight, and a move that the load caused just before it ended
    moves = []
    longest = {}
    for g in b.groups:
        answers = [a for a in b.probes.since(g["vip"], t0) if a[0] <= t1 + 2]
        prev = g["nodes"][0]
        for t, seq, who in answers:
            if who != prev:
                moves.append({"system": g["system"], "vip": g["vip"], "t": t, "from": prev, "to": who})
                prev = who
        ts = [a[0] for a in answers]
        longest[g["vip"]] = round(max((y - x for x, y in zip(ts, ts[1:])), default=0) * 1000)
    with open(f"{run}/stress.json", "w") as f:
        json.dump({"t0": t0, "t1": t1, "tool": tool or "python busy loops", "workers": len(hogs),
                   "moves": moves, "longest_gap_ms": longest}, f)
    print(f"trials.py: {len(hogs)} CPU hogs ({tool or 'python busy loops'}) for {t1 - t0:.1f} s: "
          f"{len(moves)} address moves", file=sys.stderr)
    return 0


if __name__ == "__main__":
    what, run = sys.argv[1], sys.argv[2]
    if what == "wait-owners":
        sys.exit(cmd_wait_owners(run, float(sys.argv[3])))
    if what == "run":
        sys.exit(cmd_run(run, int(sys.argv[3]), float(sys.argv[4])))
    if what == "stress":
        sys.exit(cmd_stress(run, float(sys.argv[3])))
    sys.exit(f"trials.py: unknown command {what}")

"""The scale test of bench/l2-failover: MANY addresses owned by one node, link down, time until the last one
answers ARP from its new owner.

usage: many.py RUN TRIALS        writes RUN/many-result.json

Creates the Services of RUN/many.json (plan.py: every address elected to the first node of group g1) through
the in-memory API (the API link, 198.51.100.1), then enters the client namespace flbf-fcli (setns) and, per
trial:
  1. waits until every address answers a who-has sent to the owner's MAC
  2. sets the owner's link down (time t0 when the command returned)
  3. sends who-has for every address not yet taken over to its new owner's MAC (plan: the second node of the
     election), a round every 20 ms, and counts a gratuitous ARP from the new owner as an answer too
  4. last_of_N_ms = the answer to the address answered last, from t0; then link up, and every address must
     answer from the owner again (failback) before the next trial
"""
import ctypes
import json
import os
import socket
import struct
import subprocess
import sys
import time
import urllib.request

run, trials = sys.argv[1], int(sys.argv[2])
plan = json.load(open(f"{run}/plan.json"))["many"]
owner = plan["nodes"][0]
ips = plan["ips"]  # ip -> new owner
ETH_P_ARP = 0x0806
ROUND_S = 0.02
TIMEOUT_S = 15


def api_url():
    for line in open(f"{run}/kubeconfig"):
        if line.strip().startswith("server:"):
            return line.split()[1]
    raise SystemExit("many.py: no server in the kubeconfig")


def create_services():
    base = api_url()
    objs = json.load(open(f"{run}/many.json"))
    for o in objs:
        path = ("/api/v1/namespaces/default/services" if o["kind"] == "Service"
                else "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices")
        req = urllib.request.Request(base + path, data=json.dumps(o).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": "Bearer lab"})
        with urllib.request.urlopen(req, timeout=30) as r:
            r.read()
    return len(objs) // 2


def enter_netns(name):
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
        raise OSError(ctypes.get_errno(), f"setns {name}")
    os.close(fd)


def mac(node):
    return b"\x02\x18\x00\x00\x00" + bytes([10 + int(node[1:])])


def request(sock, my_mac, dst, tpa):
    eth = dst + my_mac + struct.pack("!H", ETH_P_ARP)
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + my_mac + socket.inet_aton("198.18.0.250") + b"\x00" * 6
    sock.send(eth + arp + socket.inet_aton(tpa))


def answers(sock, until, want, seen):
    """Reads ARP until `until`; records in seen[ip] the first time want[ip] (a MAC) answered or announced."""
    while True:
        left = until - time.time()
        if left <= 0:
            return
        sock.settimeout(left)
        try:
            frame = sock.recv(128)
        except socket.timeout:
            return
        t = time.time()
        if len(frame) < 42:
            continue
        ip = socket.inet_ntoa(frame[28:32])
        if ip in want and ip not in seen and frame[22:28] == want[ip]:
            seen[ip] = t


def until_all(sock, my_mac, want, t0, timeout):
    """Rounds of who-has to the wanted MAC of every address not answered yet; returns {ip: first answer}."""
    seen = {}
    end = t0 + timeout
    while len(seen) < len(want) and time.time() < end:
        nxt = time.time() + ROUND_S
        for ip, m in want.items():
            if ip not in seen:
                request(sock, my_mac, m, ip)
        answers(sock, nxt, want, seen)
    return seen


def main():
    n = create_services()
    print(f"many.py: {n} Services created", file=sys.stderr)
    enter_netns("flbf-fcli")
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
    sock.bind(("eth0", ETH_P_ARP))
    my_mac = sock.getsockname()[4]
    at_owner = {ip: mac(owner) for ip in ips}
    at_new = {ip: mac(n) for ip, n in ips.items()}
    results = []
    t = time.time()
    seen = until_all(sock, my_mac, at_owner, t, 120)
    if len(seen) < len(ips):
        raise SystemExit(f"many.py: only {len(seen)} of {len(ips)} addresses answer from {owner}")
    print(f"many.py: all {len(ips)} addresses answer from {owner} ({time.time() - t:.1f} s)", file=sys.stderr)
    for k in range(trials):
        time.sleep(2)
        subprocess.run(["ip", "-n", f"flbf-{owner}", "link", "set", "eth0", "down"], check=True)
        t0 = time.time()
        seen = until_all(sock, my_mac, at_new, t0, TIMEOUT_S)
        time.sleep(0.5)
        subprocess.run(["ip", "-n", f"flbf-{owner}", "link", "set", "eth0", "up"], check=True)
        if len(seen) < len(ips):
            raise SystemExit(f"many.py: trial {k + 1}: only {len(seen)} of {len(ips)} addresses answered from their"
                             f" new owner within {TIMEOUT_S} s")
        times = sorted((t - t0) * 1000 for t in seen.values())
        results.append({"first_ms": round(times[0]), "median_ms": round(times[len(times) // 2]),
                        "last_ms": round(times[-1])})
        print(f"many.py: trial {k + 1}: first {times[0]:.0f} ms, median {times[len(times) // 2]:.0f} ms,"
              f" last {times[-1]:.0f} ms", file=sys.stderr)
        t = time.time()
        back = until_all(sock, my_mac, at_owner, t, 60)
        if len(back) < len(ips):
            raise SystemExit(f"many.py: trial {k + 1}: only {len(back)} of {len(ips)} addresses came back to {owner}")
    with open(f"{run}/many-result.json", "w") as f:
        json.dump({"n": len(ips), "owner": owner, "trials": results}, f)


main()

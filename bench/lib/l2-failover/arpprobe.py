"""ARP prober and listener of one client (raw AF_PACKET socket, stdlib only).

usage: arpprobe.py IFACE PLAN SYSTEM OUT [INTERVAL_S]

Every INTERVAL_S (10 ms) it asks who-has for every service address of SYSTEM (ferrolb or keepalived in
plan.json), one request to each node of the address's group (unicast, so that no other node's speaker has to
look at it; a node outside the group has no business answering, and would show up by its gratuitous ARP).
The request's sender address rotates through 100 client-side addresses, so that every reply names the request
it answers (round k uses the (k mod 100)-th). It logs every ARP reply and every gratuitous ARP heard on IFACE
for one of those addresses: "<wall time> <R|G> <ip> <mac> <round mod 100, or -1>", and the start of every
round: "<wall time> S - - <round>". Node MACs are derived as in
bench/l2-failover.
"""
import json
import select
import socket
import struct
import sys
import time

iface, plan_file, system, out = sys.argv[1:5]
interval = float(sys.argv[5]) if len(sys.argv) > 5 else 0.01
plan = json.load(open(plan_file))
ETH_P_ARP = 0x0806
if system == "ferrolb":
    mac_prefix, client_net = b"\x02\x18\x00\x00\x00", (198, 18, 0)
else:
    mac_prefix, client_net = b"\x02\x03\x00\x00\x00", (203, 0, 113)
SPA_BASE = 100 if system == "ferrolb" else 30  # 100 client-side sender addresses, unused by any node


def node_mac(name):
    return mac_prefix + bytes([10 + int(name[1:])])


s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
s.bind((iface, ETH_P_ARP))
my_mac = s.getsockname()[4]
targets = []  # (vip bytes, [node macs])
for g in plan[system]:
    targets.append((socket.inet_aton(g["vip"]), [node_mac(n) for n in g["nodes"]]))
vips = {t[0] for t in targets}


def request(dst, spa, tpa):
    eth = dst + my_mac + struct.pack("!H", ETH_P_ARP)
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + my_mac + spa + b"\x00" * 6 + tpa
    return eth + arp


rnd = 0
nxt = time.monotonic()
with open(out, "w", buffering=1) as f:
    while True:
        now = time.monotonic()
        if now >= nxt:
            spa = bytes(client_net) + bytes([SPA_BASE + rnd % 100])
            f.write(f"{time.time():.6f} S - - {rnd}\n")
            for vip, macs in targets:
                for m in macs:
                    try:
                        s.send(request(m, spa, vip))
                    except OSError:
                        pass
            rnd += 1
            nxt += interval
            if nxt < now:  # we were descheduled: skip the rounds we missed rather than burst
                nxt = now + interval
        r, _, _ = select.select([s], [], [], max(0.0, nxt - time.monotonic()))
        while r:
            try:
                frame = s.recv(128)
            except BlockingIOError:
                break
            t = time.time()
            if len(frame) < 42:
                break
            op = struct.unpack("!H", frame[20:22])[0]
            sha, spa_, tpa = frame[22:28], frame[28:32], frame[38:42]
            if spa_ in vips and sha != my_mac:
                garp = spa_ == tpa or frame[0:6] == b"\xff" * 6
                if op == 2 and not garp:
                    k = tpa[3] - SPA_BASE if tpa[:3] == bytes(client_net) else -1
                    f.write(f"{t:.6f} R {socket.inet_ntoa(spa_)} {sha.hex(':')} {k}\n")
                elif garp:
                    f.write(f"{t:.6f} G {socket.inet_ntoa(spa_)} {sha.hex(':')} -1\n")
            r, _, _ = select.select([s], [], [], 0)

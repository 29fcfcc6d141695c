#!/usr/bin/env python3
"""flood.py IFACE SRC_MAC SRC_IP4 SRC_IP6 PPS SECONDS OWNED4 OWNED6 : a bounded ARP + NDP flood
through an AF_PACKET socket. Per 4 frames: an ARP request for OWNED4 (the responder must answer
each), an ARP request for a random unowned address of the /24, a Neighbor Solicitation for OWNED6
and one for a random unowned address of the /64 (RFC 4861 4.3, to the solicited-node multicast
group, with a source link-layer option). Paced in batches every millisecond, never catching up in
a burst; stops after SECONDS. Prints "sent N frames in S s (P pps)"."""
import random
import socket
import struct
import sys
import time

iface, src_mac, src4, src6, pps, seconds, owned4, owned6 = sys.argv[1:9]
pps, seconds = int(pps), float(seconds)
mac = bytes.fromhex(src_mac.replace(":", ""))
sip4 = socket.inet_aton(src4)
sip6 = socket.inet_pton(socket.AF_INET6, src6)
rnd = random.Random(7)


def arp(target4):
    # broadcast, EtherType ARP; htype 1, ptype IPv4, hlen 6, plen 4, op 1 (RFC 826)
    return (b"\xff" * 6 + mac + b"\x08\x06" + b"\x00\x01\x08\x00\x06\x04\x00\x01"
            + mac + sip4 + b"\x00" * 6 + target4 + b"\x00" * 18)


def checksum(data):
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ns(target6):
    group = b"\xff\x02" + b"\x00" * 9 + b"\x01\xff" + target6[13:]
    dst_mac = b"\x33\x33" + group[12:]
    icmp = struct.pack("!BBHI", 135, 0, 0, 0) + target6 + b"\x01\x01" + mac  # type, code, sum, rsvd
    pseudo = sip6 + group + struct.pack("!I", len(icmp)) + b"\x00\x00\x00\x3a"
    icmp = icmp[:2] + struct.pack("!H", checksum(pseudo + icmp)) + icmp[4:]
    ip6 = struct.pack("!IHBB", 6 << 28, len(icmp), 58, 255) + sip6 + group
    return dst_mac + mac + b"\x86\xdd" + ip6 + icmp


net4 = socket.inet_aton(owned4)[:3]
net6 = socket.inet_pton(socket.AF_INET6, owned6)[:8]
frames = []
for _ in range(256):  # a pool of random targets, reused round robin (built before the clock starts)
    frames.append(arp(socket.inet_aton(owned4)))
    frames.append(arp(net4 + bytes([rnd.choice([h for h in range(120, 250) if h != 200])])))
    frames.append(ns(socket.inet_pton(socket.AF_INET6, owned6)))
    frames.append(ns(net6 + bytes(rnd.randrange(256) for _ in range(6)) + b"\x10\x00"))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((iface, 0))
per_ms = max(1, pps // 1000)
start = time.monotonic()
next_t = start
sent = 0
i = 0
while time.monotonic() - start < seconds:
    for _ in range(per_ms):
        s.send(frames[i])
        i = (i + 1) % len(frames)
    sent += per_ms
    next_t = max(next_t, time.monotonic() - 0.001) + 0.001
    d = next_t - time.monotonic()
    if d > 0:
        time.sleep(d)
took = time.monotonic() - start
print(f"sent {sent} frames in {took:.1f} s ({sent / took:.0f} pps)")

#!/usr/bin/env python3
"""arpprobe.py IFACE SRC_MAC SRC_IP COUNT INTERVAL_MS TARGET... : send COUNT ARP requests
(who-has TARGET tell SRC_IP, broadcast) for each TARGET through an AF_PACKET socket, round
robin, INTERVAL_MS apart. Timing is taken on the wire by tcpdump, not here."""
import socket
import sys
import time

iface, src_mac, src_ip, count, interval = sys.argv[1:6]
targets = sys.argv[6:]
mac = bytes.fromhex(src_mac.replace(":", ""))
sip = socket.inet_aton(src_ip)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((iface, 0))
frames = []
for t in targets:
    # Ethernet broadcast, EtherType ARP; htype 1, ptype IPv4, hlen 6, plen 4, op 1 (RFC 826)
    frames.append(b"\xff" * 6 + mac + b"\x08\x06" + b"\x00\x01\x08\x00\x06\x04\x00\x01"
                  + mac + sip + b"\x00" * 6 + socket.inet_aton(t) + b"\x00" * 18)
gap = float(interval) / 1000.0
next_t = time.monotonic()
for i in range(int(count)):
    for f in frames:
        s.send(f)
        next_t = max(next_t, time.monotonic()) + gap  # never catch up in a burst
        d = next_t - time.monotonic()
        if d > 0:
            time.sleep(d)

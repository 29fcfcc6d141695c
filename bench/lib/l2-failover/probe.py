"""Client prober: a datagram to VIP:port every 10 ms. Its log starts with "# start <wall time> <interval>" (probe
number k is due at start + k * interval, so the probes that got no answer can be counted), then one line
"<wall time> <k> <node>" per answer."""
import select
import socket
import sys
import time

vip, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
interval = float(sys.argv[4]) if len(sys.argv) > 4 else 0.01
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setblocking(False)
seq = 0
nxt = time.monotonic()
with open(out, "w", buffering=1) as f:
    f.write(f"# start {time.time() - (time.monotonic() - nxt):.6f} {interval}\n")
    while True:
        now = time.monotonic()
        if now >= nxt:
            try:
                s.sendto(str(seq).encode(), (vip, port))
            except OSError:
                pass  # no neighbour entry yet: the next probe retries
            seq += 1
            nxt += interval
        r, _, _ = select.select([s], [], [], max(0.0, nxt - time.monotonic()))
        while r:
            try:
                data, _ = s.recvfrom(256)
            except BlockingIOError:
                break
            node, _, n = data.decode().partition(" ")
            f.write(f"{time.time():.6f} {n} {node}\n")
            r, _, _ = select.select([s], [], [], 0)

"""UDP echo on every node: answers each datagram with "<node> <payload>" (stdlib only)."""
import socket
import sys

node, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", port))
while True:
    data, peer = s.recvfrom(256)
    try:
        s.sendto(node.encode() + b" " + data, peer)
    except OSError:
        pass  # the node's link is down (a trial): no route back to the client until it is up again

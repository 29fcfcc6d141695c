#!/usr/bin/env bash
# Captures real OPEN/UPDATE/KEEPALIVE bytes from FRR 8.4, BIRD 2 and GoBGP 3.10 into *.hex golden
# files next to this script. Root only; all traffic stays in namespaces flbbc-* (203.0.113.0/24,
# 2001:db8:77::/64, services 198.51.100.0/24 and 2001:db8:100::/48). Cleans up on exit.
set -euo pipefail
OUT=$(cd "$(dirname "$0")" && pwd)
RUN=$(mktemp -d /tmp/flbbc.XXXX); chmod 755 "$RUN"
NSS="flbbc-sw flbbc-frr flbbc-bird flbbc-gbp"
cleanup() {
  for f in "$RUN"/*.pid "$RUN"/frr/*.pid; do [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  sleep 0.5
  for n in $NSS; do ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$RUN"
}
trap cleanup EXIT
for n in $NSS; do ip netns del "$n" 2>/dev/null || true; done
ip netns add flbbc-sw
ip -n flbbc-sw link add flbbc-br type bridge stp_state 0; ip -n flbbc-sw link set flbbc-br up
i=0
for h in frr:1 bird:2 gbp:11; do
  n=${h%%:*}; a=${h##*:}; ns=flbbc-$n
  ip netns add $ns
  ip -n flbbc-sw link add flbbc-p$a type veth peer name flbbc0 netns $ns
  ip -n flbbc-sw link set flbbc-p$a master flbbc-br up
  ip netns exec $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  ip -n $ns link set lo up; ip -n $ns link set flbbc0 up
  ip -n $ns addr add 203.0.113.$a/24 dev flbbc0
  ip -n $ns addr add 2001:db8:77::$a/64 dev flbbc0 nodad
done
mkdir -p "$RUN/frr"; chown frr:frr "$RUN/frr"
cat > "$RUN/frr/zebra.conf" <<C
hostname flbbc-frr
C
cat > "$RUN/frr/bgpd.conf" <<C
router bgp 64496
 bgp router-id 203.0.113.1
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 no bgp network import-check
 neighbor 203.0.113.11 remote-as 4200000001
 neighbor 203.0.113.11 timers connect 1
 neighbor 2001:db8:77::11 remote-as 4200000001
 neighbor 2001:db8:77::11 timers connect 1
 address-family ipv4 unicast
  network 198.51.100.64/26 route-map SET
  neighbor 203.0.113.11 activate
 exit-address-family
 address-family ipv6 unicast
  network 2001:db8:100:1::/64
  neighbor 2001:db8:77::11 activate
 exit-address-family
route-map SET permit 10
 set community 64496:100 no-export
 set large-community 64496:1:2
C
chown -R frr:frr "$RUN/frr"
D=$RUN/frr
ip netns exec flbbc-frr /usr/lib/frr/zebra -d -u frr -g frr -P 0 -f $D/zebra.conf -i $D/zebra.pid -z $D/zserv.api --vty_socket $D --log file:$D/zebra.log
sleep 0.5
ip netns exec flbbc-frr /usr/lib/frr/bgpd -d -u frr -g frr -P 0 -f $D/bgpd.conf -i $D/bgpd.pid -z $D/zserv.api --vty_socket $D --log file:$D/bgpd.log
cat > "$RUN/bird.conf" <<C
router id 203.0.113.2;
protocol device { }
protocol static s4 { ipv4; route 198.51.100.128/26 blackhole; }
protocol bgp gbp { local 203.0.113.2 as 64499; neighbor 203.0.113.11 as 4200000001;
  connect delay time 1; connect retry time 1;
  ipv4 { import none; export filter { bgp_community.add((64499,7)); bgp_large_community.add((64499,8,9)); accept; }; }; }
C
ip netns exec flbbc-bird bird -c "$RUN/bird.conf" -s "$RUN/bird.ctl" -P "$RUN/bird.pid"
cat > "$RUN/gobgpd.toml" <<C
[global.config]
  as = 4200000001
  router-id = "203.0.113.11"
[[neighbors]]
  [neighbors.config]
    neighbor-address = "203.0.113.1"
    peer-as = 64496
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
[[neighbors]]
  [neighbors.config]
    neighbor-address = "2001:db8:77::1"
    peer-as = 64496
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
[[neighbors]]
  [neighbors.config]
    neighbor-address = "203.0.113.2"
    peer-as = 64499
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
C
ip netns exec flbbc-gbp tcpdump -i flbbc0 -nn -U -w "$RUN/cap.pcap" tcp port 179 2>"$RUN/tcpdump.err" &
echo $! > "$RUN/tcpdump.pid"
sleep 1
ip netns exec flbbc-gbp gobgpd -f "$RUN/gobgpd.toml" --api-hosts 127.0.0.1:50051 --pprof-disable -p -l info >"$RUN/gobgpd.log" 2>&1 &
echo $! > "$RUN/gobgpd.pid"
sleep 3
ip netns exec flbbc-gbp gobgp global rib add -a ipv4 198.51.100.10/32 origin igp community 64500:1,no-export large-community 64500:2:3 || true
ip netns exec flbbc-gbp gobgp global rib add -a ipv6 2001:db8:100::10/128 nexthop 2001:db8:77::11 origin igp || true
sleep 12
ip netns exec flbbc-gbp gobgp neighbor || true
kill "$(cat "$RUN/tcpdump.pid")"; sleep 0.5
# parse the pcap (stdlib only), concatenate TCP payloads per sender, split into BGP messages
python3 - "$RUN/cap.pcap" "$OUT" <<'PYEOF'
import sys, struct, collections, ipaddress
data = open(sys.argv[1], "rb").read(); out = sys.argv[2]
streams = collections.defaultdict(bytes); seen = set()
off = 24
while off + 16 <= len(data):
    _, _, incl, _ = struct.unpack("<IIII", data[off:off+16]); pkt = data[off+16:off+16+incl]; off += 16 + incl
    eth = struct.unpack("!H", pkt[12:14])[0]; ip = pkt[14:]
    if eth == 0x0800:
        ihl = (ip[0] & 15) * 4; total = struct.unpack("!H", ip[2:4])[0]
        src = str(ipaddress.IPv4Address(ip[12:16])); tcp = ip[ihl:total]
    elif eth == 0x86DD:
        plen = struct.unpack("!H", ip[4:6])[0]; src = str(ipaddress.IPv6Address(ip[8:24])); tcp = ip[40:40+plen]
    else:
        continue
    seq = struct.unpack("!I", tcp[4:8])[0]; doff = (tcp[12] >> 4) * 4; payload = tcp[doff:]
    if payload and (src, seq) not in seen:
        seen.add((src, seq)); streams[src] += payload
names = {"203.0.113.1": "frr-8.4", "2001:db8:77::1": "frr-8.4-v6", "203.0.113.2": "bird-2.0",
         "203.0.113.11": "gobgp-3.10", "2001:db8:77::11": "gobgp-3.10-v6"}
types = {1: "open", 2: "update", 3: "notification", 4: "keepalive", 5: "route-refresh"}
for src, d in streams.items():
    i, n = 0, collections.Counter()
    while i + 19 <= len(d):
        ln = int.from_bytes(d[i+16:i+18], "big"); t = d[i+18]; msg = d[i:i+ln]; i += ln
        n[t] += 1
        if n[t] > 3 or t == 4:
            continue
        name = "%s/%s-%s-%d.hex" % (out, types.get(t, "type%d" % t), names.get(src, src), n[t])
        with open(name, "w") as f:
            f.write("// %s %s #%d, captured by capture-vectors.sh (tcpdump in a namespace)\n" % (names.get(src, src), types.get(t), n[t]))
            for j in range(0, len(msg), 16):
                f.write(msg[j:j+16].hex(" ") + "\n")
    print(src, dict(n))
PYEOF

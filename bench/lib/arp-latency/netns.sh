# shellcheck shell=bash
# netns.sh - the flbl2 topology for bench/arp-latency (source it). Same layout as the
# it-tests L2 network IT: namespace flbl2-sw holds bridge flbl2br0; hosts flbl2-n1..n3 and
# flbl2-cli have flbl2e0 on 203.0.113.0/24 + 2001:db8:77::/64 (RFC 5737 / RFC 3849).
# Nothing is created in the root namespace.
SW=flbl2-sw
BR=flbl2br0
IF=flbl2e0
HOSTS="n1 n2 n3 cli"
hostnum() { case $1 in cli) echo 100 ;; n*) echo $((10 + ${1#n})) ;; esac; }
v4() { echo "203.0.113.$(hostnum "$1")"; }
v6() { echo "2001:db8:77::$(hostnum "$1")"; }
mac() { printf '02:77:02:00:00:%02x\n' "$(hostnum "$1")"; }

flbl2_down() {
  local n
  for n in $(ip netns list | awk '{print $1}' | grep '^flbl2-' || true); do
    ip netns del "$n" 2>/dev/null || true
  done
}

flbl2_up() {
  flbl2_down
  ip netns add $SW
  ip -n $SW link add $BR type bridge stp_state 0 mcast_snooping 0
  ip netns exec $SW sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
  ip -n $SW link set $BR up
  local h ns
  for h in $HOSTS; do
    ns=flbl2-$h
    ip netns add "$ns"
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
      net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
    ip -n $SW link add "flbl2p-$h" type veth peer name $IF netns "$ns"
    ip -n $SW link set "flbl2p-$h" master $BR up
    ip -n "$ns" link set $IF address "$(mac "$h")"
    ip -n "$ns" addr add "$(v4 "$h")/24" dev $IF
    ip -n "$ns" addr add "$(v6 "$h")/64" dev $IF nodad
    ip -n "$ns" link set $IF up
    ip -n "$ns" link set lo up
  done
}

#!/usr/bin/env bash
# bench/arp-flood/run.sh - ferrolb's L2 responder under an ARP + NDP flood (issue 15): does a flood of
# 10,000 frames/s for 30 s delay the answers for an owned address, and does it grow the process's memory?
#
# Topology: bench/arp-latency's (netns.sh: bridge namespace flbl2-sw; node flbl2-n1 runs
# io.ferrolb.it.l2.L2ResponderMain, the speaker's responder from adapters-l2 with the Dockerfile's JVM
# flags, owning 203.0.113.200 and 2001:db8:77::200; client flbl2-cli probes; flbl2-n3 floods). The flood
# (flood.py, AF_PACKET) sends, in equal parts, ARP requests for the owned IPv4 address (each one answered),
# ARP requests for unowned addresses, Neighbor Solicitations for the owned IPv6 address and for unowned
# ones. The probe is bench/arp-latency's: COUNT ARP requests to the owned address, GAP_MS apart, timed
# on the wire by tcpdump in the client (pair.py; an unanswered request counts as infinitely late).
#
# Phases, one process throughout: warm-up (WARMUP requests) -> idle probe (the reference, same run) ->
# flood starts, after 3 s the flood probe -> flood ends -> RSS read again after 2 s.
# Env: COUNT (1000) GAP_MS (2) WARMUP (1200) PPS (10000) FLOOD_SECONDS (30) RT_PRIO (50) JAVA_OPTS.
# Needs root, ip, tcpdump, python3, java 17, maven (offline). Fails (exit 1, no RESULT) when the flood
# falls short of 90% of PPS, when the responder dies, or when nothing is paired. Last line:
#   RESULT arp-flood idle_p99_us=N flood_p99_us=N ratio_p99=R idle_p50_us=N flood_p50_us=N
#     answered_under_flood=N/N flood_pps=N rss_before_kib=N rss_after_kib=N rss_growth_kib=N
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
LAT="$HERE/../arp-latency"
ROOT=$(cd "$HERE/../../.." && pwd)
COUNT=${COUNT:-1000}
GAP_MS=${GAP_MS:-2}
WARMUP=${WARMUP:-1200}
PPS=${PPS:-10000}
FLOOD_SECONDS=${FLOOD_SECONDS:-30}
RT_PRIO=${RT_PRIO:-50}
JAVA_OPTS=${JAVA_OPTS-$(sed -n 's/^ENV JAVA_TOOL_OPTIONS="\([^$]*\)"$/\1/p' "$ROOT/Dockerfile")}
VIP=203.0.113.200
VIP6=2001:db8:77::200
WORK=$(mktemp -d /tmp/flbl2-arp-flood.XXXXXX)
. "$LAT/netns.sh"
. "$LAT/procs.sh"

log() { echo "[$(date +%T.%3N)] $*" >&2; }
[ "$(id -u)" = 0 ] || { echo "SKIP arp-flood: needs root (network namespaces, raw sockets)"; exit 0; }
for b in ip tcpdump python3 java; do
  command -v $b >/dev/null || { echo "SKIP arp-flood: $b not installed"; exit 0; }
done

cleanup() {
  kill_pid "$WORK/flood.pid" python3
  kill_pid "$WORK/tcpdump.pid" tcpdump
  kill_pid "$WORK/speaker.pid" java
  flbl2_down
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
fail() { echo "arp-flood: FAILED: $*" >&2; exit 1; }

log "building (mvn test-compile -pl it-tests -am; incremental)"
build_cp

log "topology up"
flbl2_up

# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
ip netns exec flbl2-n1 java ${JAVA_OPTS:-} -Dferrolb.l2.rtPriority="$RT_PRIO" -cp "$CP" \
  io.ferrolb.it.l2.L2ResponderMain $VIP $VIP6 >"$WORK/speaker.log" 2>&1 &
echo $! > "$WORK/speaker.pid"
SPID=$(cat "$WORK/speaker.pid")
for _ in $(seq 300); do grep -q READY "$WORK/speaker.log" && break; sleep 0.1; done
grep -q READY "$WORK/speaker.log" || { cat "$WORK/speaker.log"; fail "the responder did not start"; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$SPID/status" 2>/dev/null || echo 0; }

probe() {  # COUNT
  ip netns exec flbl2-cli python3 "$LAT/arpprobe.py" $IF "$(mac cli)" "$(v4 cli)" "$1" "$GAP_MS" $VIP
}
measure() {  # NAME: probe COUNT requests with tcpdump running; prints "answered p50 p99 max"
  ip netns exec flbl2-cli tcpdump -i $IF -e -nn -l -tt --time-stamp-precision=nano \
    "arp and (ether src $(mac cli) or ether dst $(mac cli))" >"$WORK/cap-$1.txt" 2>"$WORK/tcpdump-$1.err" &
  echo $! > "$WORK/tcpdump.pid"
  for _ in $(seq 100); do grep -qs 'listening on' "$WORK/tcpdump-$1.err" && break; sleep 0.1; done
  probe "$COUNT"
  sleep 0.5
  kill_pid "$WORK/tcpdump.pid" tcpdump
  python3 "$LAT/pair.py" "$(v4 cli)" "$(mac cli)" "$COUNT" "$WORK/cap-$1.txt" $VIP
}

probe "$WARMUP"
sleep 5.5 # the takeover's gratuitous rounds end before measuring
log "idle probe: $COUNT requests ${GAP_MS} ms apart"
read -r in ip50 ip99 imax < <(measure idle)
[ "$ip99" != inf ] || fail "idle: only $in of $COUNT answered"
rss_before=$(rss)

log "flood: $PPS frames/s for $FLOOD_SECONDS s from flbl2-n3"
ip netns exec flbl2-n3 python3 "$HERE/flood.py" $IF "$(mac n3)" "$(v4 n3)" "$(v6 n3)" "$PPS" "$FLOOD_SECONDS" \
  $VIP $VIP6 >"$WORK/flood.log" 2>&1 &
echo $! > "$WORK/flood.pid"
FPID=$(cat "$WORK/flood.pid")
sleep 3
log "flood probe: $COUNT requests ${GAP_MS} ms apart"
read -r fn fp50 fp99 fmax < <(measure flood)
kill -0 "$FPID" 2>/dev/null || fail "the flood ended before the probe did: $(cat "$WORK/flood.log")"
wait "$FPID" || fail "the flood failed: $(cat "$WORK/flood.log")"
rm -f "$WORK/flood.pid"
sent_line=$(cat "$WORK/flood.log")
flood_pps=$(sed -n 's/.*(\([0-9]*\) pps).*/\1/p' "$WORK/flood.log")
[ -n "$flood_pps" ] && [ "$flood_pps" -ge $((PPS * 9 / 10)) ] || fail "flood too slow: $sent_line"
kill -0 "$SPID" 2>/dev/null || fail "the responder died under the flood: $(tail -5 "$WORK/speaker.log")"
sleep 2
rss_after=$(rss)
log "flood: $sent_line"

printf '%-6s %9s %8s %8s %8s\n' phase answered p50_us p99_us max_us
printf '%-6s %4s/%-4s %8s %8s %8s\n' idle "$in" "$COUNT" "$ip50" "$ip99" "$imax"
printf '%-6s %4s/%-4s %8s %8s %8s\n' flood "$fn" "$COUNT" "$fp50" "$fp99" "$fmax"
echo "RSS of the responder: $rss_before KiB before the flood, $rss_after KiB 2 s after it"
echo "gap ${GAP_MS} ms, rt_prio $RT_PRIO, JAVA_OPTS '$JAVA_OPTS', load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
kill -TERM "$SPID"; sleep 1; grep -E '^(counters|drops)' "$WORK/speaker.log" || true
ratio=$(python3 -c "print('inf' if '$fp99' == 'inf' else f'{$fp99 / max($ip99, 1):.2f}')")
echo "RESULT arp-flood idle_p99_us=$ip99 flood_p99_us=$fp99 ratio_p99=$ratio idle_p50_us=$ip50 flood_p50_us=$fp50 answered_under_flood=$fn/$COUNT flood_pps=$flood_pps rss_before_kib=$rss_before rss_after_kib=$rss_after rss_growth_kib=$((rss_after - rss_before))"

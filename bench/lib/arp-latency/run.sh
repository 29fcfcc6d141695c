#!/usr/bin/env bash
# bench/arp-latency/run.sh - ARP reply latency on the wire: the node's kernel vs ferrolb's L2
# responder (pcap4j, adapters-l2) on the same node and interface.
#
# Topology (netns.sh): bridge namespace flbl2-sw; node flbl2-n1 (203.0.113.11, kernel-owned) runs
# io.ferrolb.it.l2.L2ResponderMain owning VIP 203.0.113.200 (not configured on any interface);
# client flbl2-cli sends COUNT ARP requests to each address, interleaved GAP_MS apart, through an
# AF_PACKET socket (arpprobe.py). tcpdump in the client stamps request and reply (nanosecond
# precision) and pair.py pairs them first-in-first-out: the figures are on the wire, without
# arping's ~0.5 ms of its own overhead (measured here); a request never answered counts as
# infinitely late ("inf").
#
# Env: COUNT (500) GAP_MS (2) WARMUP (1200 requests per address, not measured: the speaker is a
# long-running process) RT_PRIO (50: SCHED_FIFO for the receive thread; 0 = off)
# JAVA_OPTS (speaker JVM flags; default: the Dockerfile's, which include no periodic "Cleanup" safepoints, whose VM thread runs
# at normal priority and, preempted on a busy node, held the SCHED_FIFO receive thread for up to
# 64 ms when it came back from pcap_next_ex into Java - the flags the speaker should ship with)
# Needs root, ip, tcpdump, python3, java 17, maven (offline repo filled by a normal build). Last line:
#   RESULT arp-latency kernel_p50_us=N speaker_p50_us=N speaker_p99_us=N ratio_p50=R
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
COUNT=${COUNT:-500}
GAP_MS=${GAP_MS:-2}
# 1,200: the image's flags compile a method only after 1,000 calls (-XX:Tier3InvocationThreshold), so the
# reply-sending path of a speaker that has answered fewer requests runs interpreted (measured: p50 132 us,
# ratio 4.3, with 100); 1,200 stands for a speaker that has been answering for a while
WARMUP=${WARMUP:-1200}
RT_PRIO=${RT_PRIO:-50}
# the image's JVM flags, from the Dockerfile itself (as bench/footprint), unless JAVA_OPTS is set
JAVA_OPTS=${JAVA_OPTS-$(sed -n 's/^ENV JAVA_TOOL_OPTIONS="\([^$]*\)"$/\1/p' "$ROOT/Dockerfile")}
VIP=203.0.113.200
WORK=$(mktemp -d /tmp/flbl2-arp-latency.XXXXXX)
. "$HERE/netns.sh"
. "$HERE/procs.sh"

log() { echo "[$(date +%T.%3N)] $*" >&2; }
[ "$(id -u)" = 0 ] || { echo "SKIP arp-latency: needs root (network namespaces, raw sockets)"; exit 0; }
for b in ip tcpdump python3 java; do
  command -v $b >/dev/null || { echo "SKIP arp-latency: $b not installed"; exit 0; }
done

cleanup() {
  kill_pid "$WORK/tcpdump.pid" tcpdump
  kill_pid "$WORK/speaker.pid" java
  flbl2_down
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

log "building (mvn test-compile -pl it-tests -am; incremental)"
build_cp

log "topology up"
flbl2_up

# "ip netns exec" execs java, so $! is the JVM itself
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
ip netns exec flbl2-n1 java ${JAVA_OPTS:-} -Dferrolb.l2.rtPriority="$RT_PRIO" -cp "$CP" \
  io.ferrolb.it.l2.L2ResponderMain $VIP >"$WORK/speaker.log" 2>&1 &
echo $! > "$WORK/speaker.pid"
for _ in $(seq 300); do grep -q READY "$WORK/speaker.log" && break; sleep 0.1; done
grep -q READY "$WORK/speaker.log" || { cat "$WORK/speaker.log"; exit 1; }
log "speaker ready: $(grep -c Realtime "$WORK/speaker.log" || true) realtime line(s)"

probe() {  # COUNT
  ip netns exec flbl2-cli python3 "$HERE/arpprobe.py" $IF "$(mac cli)" "$(v4 cli)" "$1" "$GAP_MS" \
    "$(v4 n1)" $VIP
}
probe "$WARMUP"
sleep 5.5   # let the takeover's gratuitous rounds (1.1 s x 5 s) end before measuring


ip netns exec flbl2-cli tcpdump -i $IF -e -nn -l -tt --time-stamp-precision=nano arp \
  >"$WORK/cap.txt" 2>"$WORK/tcpdump.err" &
echo $! > "$WORK/tcpdump.pid"
for _ in $(seq 100); do grep -q 'listening on' "$WORK/tcpdump.err" && break; sleep 0.1; done
log "probing: $COUNT requests each to $(v4 n1) (kernel) and $VIP (speaker), ${GAP_MS} ms apart"
probe "$COUNT"
sleep 0.5
kill_pid "$WORK/tcpdump.pid" tcpdump

read -r kn kp50 kp99 kmax < <(python3 "$HERE/pair.py" "$(v4 cli)" "$(mac cli)" "$COUNT" "$WORK/cap.txt" "$(v4 n1)")
read -r sn sp50 sp99 smax < <(python3 "$HERE/pair.py" "$(v4 cli)" "$(mac cli)" "$COUNT" "$WORK/cap.txt" $VIP)
[ "$sp50" != inf ] && [ "$kp50" != inf ] || { echo "no replies paired (kernel $kn, speaker $sn)"; exit 1; }
printf '%-8s %7s %8s %8s %8s\n' who answered p50_us p99_us max_us
printf '%-8s %3s/%-3s %8s %8s %8s\n' kernel "$kn" "$COUNT" "$kp50" "$kp99" "$kmax"
printf '%-8s %3s/%-3s %8s %8s %8s\n' speaker "$sn" "$COUNT" "$sp50" "$sp99" "$smax"
echo "gap ${GAP_MS} ms, rt_prio $RT_PRIO, JAVA_OPTS '$JAVA_OPTS', load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
ratio=$(python3 -c "print(f'{$sp50 / max($kp50, 1):.2f}')")
echo "RESULT arp-latency kernel_p50_us=$kp50 speaker_p50_us=$sp50 speaker_p99_us=$sp99 ratio_p50=$ratio"

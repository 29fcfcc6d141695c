# shellcheck shell=bash
# procs.sh - what bench/arp-latency and bench/arp-flood share besides the topology (source it after
# setting ROOT and WORK): stopping the processes they started, and the harness's classpath.

kill_pid() {  # PIDFILE COMM: stop that process only if it is still what we started
  local f=$1 comm=$2 pid
  [ -s "$f" ] || return 0
  pid=$(tr -dc 0-9 < "$f")
  if [ -n "$pid" ] && grep -q "^$comm" "/proc/$pid/comm" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

build_cp() {  # builds it-tests (incremental) and sets CP to its test classpath; exits on failure
  (cd "$ROOT" && mvn -B -q -o test-compile dependency:build-classpath -pl it-tests -am \
      -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >"$WORK/build.log" 2>&1) \
    || { tail -30 "$WORK/build.log"; exit 1; }
  CP="$ROOT/it-tests/target/test-classes:$(cat "$WORK/cp.txt")"
}

#!/usr/bin/env bash
# scripts/cds-archive.sh JAVA JAR OUT: trains a class-data-sharing archive of ferrolb's classes.
#
# Runs the tutorial (`ferrolb demo --kubeconfig`: controller and speaker in one JVM, as far as a cluster
# takes them) against an in-memory API server (`ferrolb api-server`, a second JVM that is not archived)
# and writes the classes the demo's JVM loaded to OUT with -XX:ArchiveClassesAtExit. A JVM started with
# -XX:SharedArchiveFile=OUT then maps those ~5,000 classes (fabric8, Jackson, the controller and the
# speaker) instead of loading and verifying them from the jars: bench/footprint measured a speaker ready
# in ~2.2 s instead of ~2.8 s, and about 3 MiB less resident memory.
#
# The archive is only valid for the same JAR path and files and a compatible JVM: the Dockerfile runs this
# in the final image with its own JAVA_TOOL_OPTIONS; bench/footprint and JlinkRuntimeIT run it too.
# A JVM given a stale archive prints a warning and runs without it (unless -Xshare:on).
# No traffic leaves loopback: the API server listens on 127.0.0.1 and the demo only talks to it.
#
# scripts/build-image.sh trains inside the image's file system: with CDS_CHROOT=DIR the archived JVM runs
# under `chroot DIR` (JAVA, JAR and OUT are paths inside it), and the API server runs outside it as
# CDS_API_JAVA -jar CDS_API_JAR (the image leaves out the embedded API server's jars).
set -euo pipefail
if (($# != 3)); then
  echo "usage: $0 JAVA JAR OUT" >&2
  exit 2
fi
java=$1 jar=$2 out=$3
chroot_dir="${CDS_CHROOT:-}"
api_java="${CDS_API_JAVA:-$java}" api_jar="${CDS_API_JAR:-$jar}"
work="$(mktemp -d "$chroot_dir${TMPDIR:-/tmp}/ferrolb-cds.XXXXXX")"
inner="${work#"$chroot_dir"}" # the same directory as the archived JVM sees it
archived() { if [[ -n $chroot_dir ]]; then chroot "$chroot_dir" "$@"; else "$@"; fi; }
api_pid=
cleanup() {
  if [[ -n $api_pid ]]; then
    kill "$api_pid" 2>/dev/null || true
    wait "$api_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$api_java" -jar "$api_jar" api-server --listen 127.0.0.1 --kubeconfig-out "$work/kubeconfig" >"$work/api-server.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 600); do
  grep -q '^api-server: serving' "$work/api-server.log" && break
  kill -0 "$api_pid" 2>/dev/null || { cat "$work/api-server.log" >&2; exit 1; }
  sleep 0.1
done
grep -q '^api-server: serving' "$work/api-server.log" \
  || { echo "cds-archive: the API server did not start in 60 s" >&2; exit 1; }

rm -f "$chroot_dir$out"
# -Xlog:cds=off: the dump warns about every class it skips (picocli's Java 5 class files, generated accessors)
if ! archived "$java" -XX:ArchiveClassesAtExit="$out" -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$jar" \
  demo --kubeconfig "$inner/kubeconfig" >"$work/demo.log" 2>&1; then
  cat "$work/demo.log" >&2
  echo "cds-archive: the training run failed" >&2
  exit 1
fi
[[ -s $chroot_dir$out ]] || { echo "cds-archive: no archive written to $out" >&2; exit 1; }
echo "cds-archive: $out ($(($(stat -c %s "$chroot_dir$out") / 1048576)) MiB)"

#!/usr/bin/env bash
# scripts/jlink-modules.sh: prints the JDK modules of the ferrolb image (what scripts/jlink-modules.txt holds).
# jdeps over app/target/ferrolb.jar and app/target/lib/*.jar (build: mvn -B -q -DskipTests package -pl app -am),
# plus the modules only loaded reflectively. Modular jars (netty, pcap4j, jackson, ...) are analysed with their
# module-info.class removed: jdeps would otherwise try to resolve their `requires` (pcap4j requires com.sun.jna,
# which jna 5.3.1 does not name) and stop. Usage: scripts/jlink-modules.sh > scripts/jlink-modules.txt
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp "$root/app/target/ferrolb.jar" "$root"/app/target/lib/*.jar "$tmp/"
for j in "$tmp"/*.jar; do
  zip -q -d "$j" 'module-info.class' 'META-INF/versions/*/module-info.class' >/dev/null 2>&1 || true
done
found="$(jdeps --multi-release 17 --ignore-missing-deps --print-module-deps --class-path "$tmp/*" "$tmp"/*.jar)"
# Loaded reflectively, invisible to jdeps:
#   jdk.crypto.ec   - the SunEC provider: ECDHE and EC certificates in TLS to the API server
#   jdk.unsupported - sun.misc.Unsafe for netty and JNA (jdeps finds it through netty-common already)
extra="jdk.crypto.ec,jdk.unsupported"
printf '%s,%s\n' "$found" "$extra" | tr ',' '\n' | sort -u | paste -sd, -

#!/usr/bin/env bash
# scripts/jlink-modules.sh: prints the JDK modules of the ferrolb image (what scripts/jlink-modules.txt holds).
# jdeps over app/target/ferrolb.jar and app/target/lib/*.jar (build: mvn -B -q -DskipTests package -pl app -am),
# plus the modules only loaded reflectively. Modular jars (netty, pcap4j, jackson, ...) are analysed with their
# module-info.class removed: jdeps would otherwise try to resolve their `requires` (pcap4j requires com.sun.jna,
# which jna 5.3.1 does not name) and stop. The jars the image leaves out (scripts/image-lib-excludes.txt) are not
# analysed (scripts/image-lib-jars.sh lists the others), and java.desktop is dropped: jdeps finds it only in code the image never runs (JGroups' Swing demos
# and DISCARD dialog, JNA's AWT window helpers, Jackson's optional java.beans annotations, which it looks up
# and does without); leaving it out keeps ~10 MB of AWT out of the image, and ContainerImageIT runs controller
# and speaker on the result. Usage: scripts/jlink-modules.sh > scripts/jlink-modules.txt
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp "$root/app/target/ferrolb.jar" "$tmp/"
mapfile -t jars < <(bash "$root/scripts/image-lib-jars.sh")
cp "${jars[@]}" "$tmp/"
for j in "$tmp"/*.jar; do
  zip -q -d "$j" 'module-info.class' 'META-INF/versions/*/module-info.class' >/dev/null 2>&1 || true
done
found="$(jdeps --multi-release 17 --ignore-missing-deps --print-module-deps --class-path "$tmp/*" "$tmp"/*.jar)"
# Loaded reflectively, invisible to jdeps:
#   jdk.crypto.ec   - the SunEC provider: ECDHE and EC certificates in TLS to the API server
#   jdk.unsupported - sun.misc.Unsafe for netty and JNA (jdeps finds it through netty-common already)
extra="jdk.crypto.ec,jdk.unsupported"
printf '%s,%s\n' "$found" "$extra" | tr ',' '\n' | grep -vx 'java.desktop' | sort -u | paste -sd, -

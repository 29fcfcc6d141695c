# One image for both roles: `ferrolb controller` and `ferrolb speaker`.
# Build: docker build -t ghcr.io/ferrolb/ferrolb:0.1.0 .   (needs a Docker engine and registry access)
# Without either, scripts/build-image.sh builds this same image from Debian's packages and the Maven build
# (mvn -B verify runs it: target/ferrolb-image.tar, an OCI archive for docker/podman load and kind load
# image-archive); it reads its jlink options, JVM flags, user and entrypoint from this file, and
# it-tests' ContainerImageIT checks that both describe the same files, env, user and entrypoint.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package -pl app -am

FROM eclipse-temurin:17-jdk AS runtime
COPY --from=build /src/app/target /app
# Only the JDK modules the application uses: scripts/jlink-modules.txt, one comma-separated line that
# scripts/jlink-modules.sh computes (jdeps over the jar and its lib/, plus the modules loaded reflectively:
# jdk.crypto.ec for TLS to the API server, jdk.unsupported for netty/JNA). Taken from the build stage's
# sources so both stages see the same tree.
COPY --from=build /src/scripts/jlink-modules.txt /tmp/modules.txt
RUN jlink --add-modules "$(tr -d '\n' < /tmp/modules.txt)" --strip-debug --no-man-pages --no-header-files \
      --compress=2 --generate-cds-archive \
      --output /jre && rm -f /jre/lib/server/classes_nocoops.jsa && strip --strip-unneeded /jre/lib/server/libjvm.so

# The embedded API server of `ferrolb demo` / `ferrolb api-server` and what only it needs stay out of the image
# (controller and speaker never load them): scripts/image-lib-excludes.txt lists their artifact ids.
COPY --from=build /src/scripts/image-lib-excludes.txt /tmp/excludes.txt
RUN mkdir /app-full && cp -a /app/. /app-full/ \
    && grep -v '^#' /tmp/excludes.txt | while read -r a; do rm -f /app/lib/"$a"-[0-9]*.jar; done

# The base: glibc, libpcap and the CA bundle (scripts/build-image.sh unpacks the same Debian packages, minus
# openssl, which ca-certificates only runs at installation)
FROM debian:bookworm-slim AS base
RUN apt-get update && apt-get install -y --no-install-recommends libpcap0.8 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=runtime /jre /opt/ferrolb/jre
COPY --from=runtime /app/ferrolb.jar /opt/ferrolb/app/ferrolb.jar
COPY --from=runtime /app/lib /opt/ferrolb/app/lib
# Small-memory JVM (bench/footprint, 1,000 Services: speaker ~28 MB live heap, ~28 MB metaspace, ~10 MB C1 code).
# The heap follows the live set: a small young generation (NewRatio=6) and an old generation grown only to 5-20 %
# free after a full collection (Serial's default 40-70 % kept ~25 MB of empty, touched heap resident); it starts at
# 32 MB, near that live set (from 8 MB it grew in 5 % steps: 24 full collections, 0.8 s, before the speaker was
# ready). C1 only, and only for methods called 1,000+ times (start-up code run a few hundred times stays
# interpreted instead of filling the code cache). Freed malloc memory (compiler arenas, start-up buffers) is
# returned to the OS every 5 s (TrimNativeHeapInterval, JDK 17.0.9+). The manifests in deploy/ run both
# components with exactly these flags. No periodic safepoint (GuaranteedSafepointInterval=0): nothing here
# needs it, and it would stop the ARP/NDP responder thread for no reason (bench/arp-latency runs with these flags).
# Out of heap, the process exits (ExitOnOutOfMemoryError) and the kubelet restarts it: an OutOfMemoryError kills
# only the thread it hits, and a speaker whose loop thread died kept answering ARP for addresses it no longer
# reconciled (bench/footprint at 10,000 Services, 2026-12-08).
ENV JAVA_TOOL_OPTIONS="-XX:+UnlockDiagnosticVMOptions -XX:GuaranteedSafepointInterval=0 -XX:+UseSerialGC -Xms32m -Xmx64m -XX:NewRatio=6 -XX:MinHeapFreeRatio=5 -XX:MaxHeapFreeRatio=20 -Xss256k -XX:TieredStopAtLevel=1 -XX:Tier3InvocationThreshold=1000 -XX:Tier3MinInvocationThreshold=500 -XX:Tier3CompileThreshold=5000 -XX:ReservedCodeCacheSize=24m -XX:MaxMetaspaceSize=96m -XX:MetaspaceReclaimPolicy=aggressive -XX:CICompilerCount=1 -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -Dio.netty.allocator.type=unpooled"
# Class-data sharing for ferrolb's own classes: a training run (the tutorial against an in-memory API server on
# loopback) writes the ~5,000 classes it loads to an archive that both components map at start instead of
# loading them from the jars (bench/footprint: speaker ready sooner, and less resident memory). It runs on the
# final file system (the archive is bound to the jar paths and times and to the JVM flags above), in a stage of
# its own: the API server it talks to runs from the full application (with the jars the image leaves out),
# which then stays out of the final image.
FROM base AS train
COPY --from=runtime /app-full /tmp/app-full
COPY scripts/cds-archive.sh /tmp/cds-archive.sh
RUN CDS_API_JAVA=/opt/ferrolb/jre/bin/java CDS_API_JAR=/tmp/app-full/ferrolb.jar \
    bash /tmp/cds-archive.sh /opt/ferrolb/jre/bin/java /opt/ferrolb/app/ferrolb.jar /opt/ferrolb/app/ferrolb.jsa

FROM base
COPY --from=train /opt/ferrolb/app/ferrolb.jsa /opt/ferrolb/app/ferrolb.jsa
ENV JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS} -XX:SharedArchiveFile=/opt/ferrolb/app/ferrolb.jsa"
USER 65534:65534
ENTRYPOINT ["/opt/ferrolb/jre/bin/java", "-jar", "/opt/ferrolb/app/ferrolb.jar"]

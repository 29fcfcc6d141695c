# One image for both roles: `ferrolb controller` and `ferrolb speaker`.
# Build: docker build -t ferrolb:dev .   (needs a Docker engine and registry access; none exists on the CI machines,
# where it-tests' JlinkRuntimeIT builds the same jlink runtime locally and runs the jar on it with these JVM flags.)
# scripts/kind-e2e.sh builds this image and runs the tutorial on a kind cluster.

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
      --compress=2 --output /jre

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpcap0.8 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=runtime /jre /opt/ferrolb/jre
COPY --from=runtime /app/ferrolb.jar /opt/ferrolb/app/ferrolb.jar
COPY --from=runtime /app/lib /opt/ferrolb/app/lib
# Small-memory JVM: live heap is ~10 MB; metaspace and code dominate (docs/stack.md §7).
ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -Xms8m -Xmx64m -Xss256k -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=24m -XX:MaxMetaspaceSize=96m -XX:CICompilerCount=1 -XX:-UsePerfData -Dio.netty.allocator.type=unpooled"
USER 65534:65534
ENTRYPOINT ["/opt/ferrolb/jre/bin/java", "-jar", "/opt/ferrolb/app/ferrolb.jar"]

#!/usr/bin/env bash
# scripts/image-lib-jars.sh: prints, one per line, the jars of app/target/lib that the container image ships:
# all but those whose artifact id (the file name without "-VERSION.jar") scripts/image-lib-excludes.txt lists.
# The one place of that rule for scripts/build-image.sh and scripts/jlink-modules.sh (the Dockerfile, which
# cannot run this, removes the same jars with `rm -f /app/lib/"$a"-[0-9]*.jar`).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
excluded="$(grep -v '^#' "$root/scripts/image-lib-excludes.txt")"
for j in "$root"/app/target/lib/*.jar; do
  name="$(basename "$j")"
  grep -qxF "${name%-*}" <<<"$excluded" || echo "$j"
done

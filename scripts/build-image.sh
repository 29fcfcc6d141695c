#!/usr/bin/env bash
# scripts/build-image.sh [OUT]: ferrolb's container image, built without a Docker engine or a registry.
#
# Writes OUT (default target/ferrolb-image.tar): one tar that is both an OCI image layout (index.json,
# blobs/sha256/...) and a `docker save` archive (manifest.json), so `docker load`, `podman load` and
# `kind load image-archive` all take it. The image is the one the Dockerfile describes, layer for layer:
#
#   1. base    Debian's libc6, libpcap0.8 and ca-certificates (and what they depend on), unpacked by
#              mmdebstrap from this machine's own apt sources (no mirror is named here, no registry is
#              pulled), minus documentation, manual pages, locales and glibc's iconv modules; an
#              /etc/passwd with root and nobody (65534), the CA bundle update-ca-certificates would write
#   2. jre     jlink over the host JDK with the Dockerfile's own `RUN jlink` options and module list
#   3. jar     /opt/ferrolb/app/ferrolb.jar
#   4. lib     /opt/ferrolb/app/lib: app/target/lib without the jars of scripts/image-lib-excludes.txt
#              (scripts/image-lib-jars.sh lists the rest)
#   5. cds     /opt/ferrolb/app/ferrolb.jsa, trained by scripts/cds-archive.sh inside the assembled file
#              system (chroot, private network namespace) with the image's JVM flags
#
# Config: user 65534:65534, the Dockerfile's ENTRYPOINT and ENV lines (read from it, not repeated here).
# Every file has the commit's time as mtime (SOURCE_DATE_EPOCH overrides), set before the CDS training:
# the archive records the jars' times, and the layers keep them.
#
# Needs root (mmdebstrap --mode=root, chroot), mmdebstrap, GNU tar, jlink (JAVA_HOME or the java on PATH),
# and a built app (mvn -B -q -DskipTests package -pl app -am). Where mmdebstrap is missing or the user is
# not root it prints one line saying so and exits 0 without an image. Last line on success:
#   build-image: OUT (N MB uncompressed, L layers) TAG
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/target/ferrolb-image.tar}"
work="$root/target/image-build"

if ! command -v mmdebstrap >/dev/null 2>&1; then
  echo "build-image: skipped: mmdebstrap is not installed (apt-get install mmdebstrap)"
  exit 0
fi
if ((EUID != 0)); then
  echo "build-image: skipped: needs root (mmdebstrap --mode=root and chroot for the CDS training run)"
  exit 0
fi
log() { echo "build-image: $*" >&2; }
fail() {
  echo "build-image: FAILED: $*" >&2
  exit 1
}

jar="$root/app/target/ferrolb.jar"
[[ -s $jar && -d $root/app/target/lib ]] || fail "no $jar (mvn -B -q -DskipTests package -pl app -am)"
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
jlink="$java_home/bin/jlink"
[[ -x $jlink ]] || fail "no jlink at $jlink (set JAVA_HOME to a JDK)"
dockerfile="$root/Dockerfile"
tag="$(awk '$1 == "image:" {print $2; exit}' "$root/deploy/base/controller.yaml")"
[[ -n $tag ]] || fail "no image: line in deploy/base/controller.yaml"
epoch="${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}"
case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  *) fail "unsupported machine $(uname -m)" ;;
esac

# --- what the Dockerfile says (one place for flags, options and the entrypoint)
joined="$(sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' "$dockerfile")"
jlink_line="$(grep -m1 '^RUN jlink ' <<<"$joined")" || fail "the Dockerfile has no 'RUN jlink' line"
jlink_opts="${jlink_line#RUN jlink }"
jlink_opts="${jlink_opts%% --output *}"
modules_expr="\"\$(tr -d '\\n' < /tmp/modules.txt)\""
[[ $jlink_opts == *"$modules_expr"* ]] || fail "the Dockerfile's jlink does not read /tmp/modules.txt"
modules="$(tr -d '\n' <"$root/scripts/jlink-modules.txt")"
jlink_opts="${jlink_opts/"$modules_expr"/$modules}"
flags="$(sed -n 's/^ENV JAVA_TOOL_OPTIONS="\([^"$]*\)"$/\1/p' "$dockerfile" | head -n1)"
[[ -n $flags ]] || fail "the Dockerfile sets no JAVA_TOOL_OPTIONS"
cds_flag="$(sed -n 's/^ENV JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS} \([^"]*\)"$/\1/p' "$dockerfile")"
[[ $cds_flag == "-XX:SharedArchiveFile=/opt/ferrolb/app/ferrolb.jsa" ]] \
  || fail "the Dockerfile's second JAVA_TOOL_OPTIONS line does not name /opt/ferrolb/app/ferrolb.jsa"
entrypoint="$(sed -n 's/^ENTRYPOINT \(\[.*\]\)$/\1/p' "$dockerfile")"
[[ -n $entrypoint ]] || fail "the Dockerfile has no ENTRYPOINT [...] line"
user="$(sed -n 's/^USER \(.*\)$/\1/p' "$dockerfile")"
[[ -n $user ]] || fail "the Dockerfile has no USER line"

rm -rf "$work"
mkdir -p "$work"/{layers,oci/blobs/sha256}
rootfs="$work/rootfs"

# --- 1. base: the machine's configured apt sources, read by mmdebstrap (never a host name of ours)
. /etc/os-release
sources=()
[[ -f /etc/apt/sources.list ]] && grep -qE '^[[:space:]]*deb ' /etc/apt/sources.list && sources+=(/etc/apt/sources.list)
for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [[ -f $f ]] && sources+=("$f")
done
((${#sources[@]})) || fail "no apt sources in /etc/apt"
# libstdc++6, libgcc-s1 and zlib1g: what Debian's JDK links libjvm and libzip against (Temurin's JDK in the
# Dockerfile bundles zlib; the image's base has them either way); checked below against every ELF file
packages="libc6,libpcap0.8,ca-certificates,libstdc++6,libgcc-s1,zlib1g"
log "base: mmdebstrap $VERSION_CODENAME ($packages) from ${sources[*]}"
mmdebstrap --quiet --variant=extract --mode=root --include="$packages" "$VERSION_CODENAME" \
  "$work/base.tar" "${sources[@]}" >&2 || fail "mmdebstrap"
mkdir -p "$rootfs"
tar -C "$rootfs" -xf "$work/base.tar"
rm -f "$work/base.tar"
# what a runtime that only loads libc and libpcap never reads
rm -rf "$rootfs"/usr/share/{man,info,locale,lintian,bug,bash-completion} "$rootfs"/usr/lib/*/gconv \
  "$rootfs"/var/cache/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*
find "$rootfs/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
mkdir -p "$rootfs"/{proc,sys,dev,tmp,run,etc/ssl/certs} "$rootfs/var/run"
chmod 1777 "$rootfs/tmp"
printf '%s\n' 'root:x:0:0:root:/root:/usr/sbin/nologin' 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' \
  >"$rootfs/etc/passwd"
printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$rootfs/etc/group"
# update-ca-certificates' bundle: every certificate of ca-certificates' default selection
find "$rootfs/usr/share/ca-certificates" -name '*.crt' | LC_ALL=C sort | xargs cat >"$rootfs/etc/ssl/certs/ca-certificates.crt"
[[ -s $rootfs/etc/ssl/certs/ca-certificates.crt ]] || fail "no CA certificates in the base"
ldconfig -r "$rootfs" || fail "ldconfig -r $rootfs"
[[ -e $rootfs/usr/lib/$(uname -m)-linux-gnu/libpcap.so.0.8 ]] || fail "libpcap.so.0.8 missing from the base"

# --- 2. jre: the Dockerfile's jlink command on the host JDK
log "jre: jlink $jlink_opts"
# shellcheck disable=SC2086 # the options are words
"$jlink" $jlink_opts --output "$rootfs/opt/ferrolb/jre" >"$work/jlink.log" 2>&1 || {
  cat "$work/jlink.log" >&2
  fail "jlink"
}
# the Dockerfile's clean-up after jlink ('rm -f' and 'strip --strip-unneeded' of /jre paths), on this tree
post="$(sed -n 's/.* --output \/jre && \(.*\)$/\1/p' <<<"$jlink_line")"
while [[ -n $post ]]; do
  step="${post%% && *}"
  [[ $step == "$post" ]] && post="" || post="${post#* && }"
  read -r -a words <<<"$step"
  case "${words[0]} ${words[1]}" in
    "rm -f" | "strip --strip-unneeded") ;;
    *) fail "cannot replay the Dockerfile's '$step' after jlink" ;;
  esac
  paths=()
  for p in "${words[@]:2}"; do
    [[ $p == /jre/* ]] || fail "the Dockerfile's '$step' names $p outside /jre"
    paths+=("$rootfs/opt/ferrolb$p")
  done
  "${words[0]}" "${words[1]}" "${paths[@]}"
done

# ca-certificates depends on openssl only to hash the bundle's links at installation: nothing here runs it
rm -f "$rootfs"/usr/bin/openssl "$rootfs"/usr/lib/*/libssl.so.* "$rootfs"/usr/lib/*/libcrypto.so.*
rm -rf "$rootfs"/usr/lib/*/engines-3 "$rootfs"/usr/lib/*/ossl-modules "$rootfs"/usr/lib/ssl/misc
# every shared library that a program or library of the base or the runtime names must be there
missing=""
while read -r lib; do
  [[ -n $(find "$rootfs/lib" "$rootfs/usr/lib" "$rootfs/opt/ferrolb/jre" -name "$lib" -print -quit 2>/dev/null) ]] \
    || missing+=" $lib"
done < <(find "$rootfs" -type f \( -name '*.so' -o -name '*.so.*' -o -path '*/bin/*' \) -exec objdump -p {} + 2>/dev/null \
  | awk '/NEEDED/ {print $2}' | sort -u)
[[ -z $missing ]] || fail "libraries named but missing from the image:$missing"

# --- 3./4. the application, without the jars that only the embedded API server (demo) needs
mkdir -p "$rootfs/opt/ferrolb/app/lib"
cp "$jar" "$rootfs/opt/ferrolb/app/ferrolb.jar"
mapfile -t jars < <(bash "$root/scripts/image-lib-jars.sh")
cp "${jars[@]}" "$rootfs/opt/ferrolb/app/lib/"
all=("$root"/app/target/lib/*.jar)
log "app: ferrolb.jar and ${#jars[@]} jars in lib/ ($((${#all[@]} - ${#jars[@]})) left out: scripts/image-lib-excludes.txt)"

# --- every file gets the same time before the training: the archive checks the jars' times
find "$rootfs" -exec touch -h -d "@$epoch" {} +

# --- 5. cds: the training run in the assembled file system, in its own mount and network namespaces
log "cds: scripts/cds-archive.sh in chroot $rootfs"
export JAVA_TOOL_OPTIONS="$flags" MALLOC_ARENA_MAX=2
unshare --mount --net --fork --propagation private bash -c '
  set -euo pipefail
  ip link set lo up
  mount --rbind /dev "$1/dev"
  mount -t proc proc "$1/proc"
  CDS_CHROOT="$1" CDS_API_JAVA="$2" CDS_API_JAR="$3" bash "$4" /opt/ferrolb/jre/bin/java \
    /opt/ferrolb/app/ferrolb.jar /opt/ferrolb/app/ferrolb.jsa
' cds "$rootfs" "$java_home/bin/java" "$jar" "$root/scripts/cds-archive.sh" >"$work/cds.log" 2>&1 || {
  cat "$work/cds.log" >&2
  fail "the CDS training run"
}
unset JAVA_TOOL_OPTIONS
[[ -s $rootfs/opt/ferrolb/app/ferrolb.jsa ]] || fail "no ferrolb.jsa written"
rm -rf "${rootfs:?}"/tmp/* "${rootfs:?}"/root/.[!.]* 2>/dev/null || true

# --- layers: one tar per Dockerfile step, uncompressed (so each digest is its diff_id)
layer_names=() layer_digests=() layer_sizes=() layer_steps=()
add_layer() { # NAME STEP PATH... (paths relative to the root file system)
  local name=$1 step=$2
  shift 2
  local t="$work/layers/$name.tar"
  tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=gnu \
    -C "$rootfs" -cf "$t" "$@"
  local d
  d="$(sha256sum "$t" | cut -d' ' -f1)"
  mv "$t" "$work/oci/blobs/sha256/$d"
  layer_names+=("$name") layer_digests+=("$d") layer_sizes+=("$(stat -c %s "$work/oci/blobs/sha256/$d")")
  layer_steps+=("$step")
}
mapfile -t base_entries < <(cd "$rootfs" && find . -mindepth 1 -maxdepth 1 ! -name opt -printf '%P\n' | LC_ALL=C sort)
add_layer base "mmdebstrap --variant=extract $VERSION_CODENAME $packages" "${base_entries[@]}"
add_layer jre "jlink $jlink_opts" opt/ferrolb/jre
add_layer jar "COPY ferrolb.jar /opt/ferrolb/app/ferrolb.jar" opt/ferrolb/app/ferrolb.jar
add_layer lib "COPY lib /opt/ferrolb/app/lib" opt/ferrolb/app/lib
add_layer cds "scripts/cds-archive.sh" opt/ferrolb/app/ferrolb.jsa

# --- config, manifest, index (JSON by hand: every value is plain text without quotes or backslashes)
json_str() { printf '"%s"' "$1"; }
created="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"
version="$(cd "$work" && "$java_home/bin/jar" xf "$jar" META-INF/MANIFEST.MF \
  && sed -n 's/^Implementation-Version: *//p' META-INF/MANIFEST.MF | tr -d '\r')"
diff_ids="" history="" layers_json="" layer_paths=""
for i in "${!layer_digests[@]}"; do
  sep=$([[ $i == 0 ]] || echo ,)
  diff_ids+="$sep\"sha256:${layer_digests[$i]}\""
  history+="$sep{\"created\":\"$created\",\"created_by\":$(json_str "${layer_steps[$i]}")}"
  layers_json+="$sep{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:${layer_digests[$i]}\",\"size\":${layer_sizes[$i]}}"
  layer_paths+="$sep\"blobs/sha256/${layer_digests[$i]}\""
done
env_json="\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",$(json_str "JAVA_TOOL_OPTIONS=$flags $cds_flag")"
config="{\"created\":\"$created\",\"architecture\":\"$arch\",\"os\":\"linux\",\"config\":{\"User\":$(json_str "$user"),\"Env\":[$env_json],\"Entrypoint\":$entrypoint,\"WorkingDir\":\"/\",\"Labels\":{\"org.opencontainers.image.title\":\"ferrolb\",\"org.opencontainers.image.version\":$(json_str "$version")}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[$diff_ids]},\"history\":[$history]}"
blob() { # TEXT -> digest
  local d
  d="$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)"
  printf '%s' "$1" >"$work/oci/blobs/sha256/$d"
  echo "$d"
}
config_digest="$(blob "$config")"
manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:$config_digest\",\"size\":${#config}},\"layers\":[$layers_json]}"
manifest_digest="$(blob "$manifest")"
printf '%s' '{"imageLayoutVersion":"1.0.0"}' >"$work/oci/oci-layout"
printf '%s' "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:$manifest_digest\",\"size\":${#manifest},\"annotations\":{\"io.containerd.image.name\":$(json_str "$tag"),\"org.opencontainers.image.ref.name\":$(json_str "${tag##*:}")}}]}" \
  >"$work/oci/index.json"
printf '%s' "[{\"Config\":\"blobs/sha256/$config_digest\",\"RepoTags\":[$(json_str "$tag")],\"Layers\":[$layer_paths]}]" \
  >"$work/oci/manifest.json"

mkdir -p "$(dirname "$out")"
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=gnu -C "$work/oci" -cf "$out.part" \
  oci-layout index.json manifest.json blobs
mv "$out.part" "$out"

total=0
for i in "${!layer_digests[@]}"; do
  total=$((total + layer_sizes[i]))
  awk -v n="${layer_names[$i]}" -v s="${layer_sizes[$i]}" -v d="${layer_digests[$i]:0:12}" \
    'BEGIN { printf "build-image: layer %-4s %7.1f MB  sha256:%s\n", n, s / 1e6, d }'
done
rm -rf "$rootfs"
echo "build-image: $out ($((total / 1000000)) MB uncompressed, ${#layer_digests[@]} layers) $tag"

#!/usr/bin/env bash
# scripts/kind-e2e.sh: ferrolb end to end on a throwaway kind cluster, the MetalLB tutorial's story.
#
#   1. kind create cluster (name: $KIND_CLUSTER, default ferrolb-e2e)
#   2. kind load image-archive target/ferrolb-image.tar: the image CI built and tested (scripts/build-image.sh,
#      run by mvn -B verify as root; built here first if missing and possible, else docker build of the
#      Dockerfile, tagged as the image deploy/base names)
#   3. kubectl apply -k deploy/overlays/l2; the memberlist Secret if the controller has not made it
#   4. an IPAddressPool + L2Advertisement from the top of the kind docker network's IPv4 subnet
#   5. whoami Deployment (traefik/whoami), kubectl expose --type=LoadBalancer, wait for EXTERNAL-IP
#   6. fetch the page at that address from a container on the kind network (curlimages/curl)
#   7. delete the cluster (always, on exit; KEEP_CLUSTER=1 keeps it for debugging)
#
# Talks only to the kind cluster and its docker network. Needs docker (with a reachable daemon), kind and
# kubectl; where one is missing it prints one line saying so and exits 0. Last line on success:
#   kind-e2e: OK <external-ip> served by <pod>
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLUSTER="${KIND_CLUSTER:-ferrolb-e2e}"
NS=ferrolb-system
APP_NS=kind-e2e
TIMEOUT="${KIND_E2E_TIMEOUT:-180}" # seconds for each wait

for tool in docker kind kubectl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "kind-e2e: skipped: $tool is not installed"
    exit 0
  fi
done
if ! docker info >/dev/null 2>&1; then
  echo "kind-e2e: skipped: the docker daemon is not reachable (docker info failed)"
  exit 0
fi

log() { echo "kind-e2e: $*" >&2; }
kc() { kubectl --context "kind-$CLUSTER" "$@"; }

created=false
ok=false
cleanup() {
  local rc=$?
  set +e
  if [[ $created == true && $ok != true ]]; then
    log "FAILED; state of the cluster:"
    kc get pods -A -o wide >&2
    kc -n "$APP_NS" get svc,endpointslices >&2
    kc get events -A --sort-by=.lastTimestamp 2>/dev/null | tail -n 30 >&2
    kc -n "$NS" logs deploy/controller --tail=50 >&2
    kc -n "$NS" logs ds/speaker --tail=50 >&2
  fi
  if [[ $created == true ]]; then
    if [[ ${KEEP_CLUSTER:-} == 1 ]]; then
      log "cluster kept: kind delete cluster --name $CLUSTER"
    else
      log "deleting cluster $CLUSTER"
      kind delete cluster --name "$CLUSTER" >&2
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. cluster
if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
  echo "kind-e2e: a kind cluster named $CLUSTER exists already; delete it or set KIND_CLUSTER" >&2
  exit 1
fi
log "creating kind cluster $CLUSTER"
created=true
kind create cluster --name "$CLUSTER" --wait "${TIMEOUT}s" >&2

# --- 2. image: the tag deploy/base names, so the manifests apply unchanged (IfNotPresent finds it loaded)
image="$(awk '$1 == "image:" {print $2; exit}' "$root/deploy/base/controller.yaml")"
[[ -n $image ]] || { echo "kind-e2e: no image: line in deploy/base/controller.yaml" >&2; exit 1; }
archive="${FERROLB_IMAGE_ARCHIVE:-$root/target/ferrolb-image.tar}"
if [[ ! -s $archive ]]; then
  log "no $archive: scripts/build-image.sh"
  bash "$root/scripts/build-image.sh" "$archive" >&2 || true
fi
if [[ -s $archive ]]; then
  log "loading $archive ($image)"
  kind load image-archive "$archive" --name "$CLUSTER" >&2
else
  log "no image archive (scripts/build-image.sh needs root and mmdebstrap); docker build of the Dockerfile"
  docker build -t "$image" "$root" >&2
  kind load docker-image "$image" --name "$CLUSTER" >&2
fi

# --- 3. manifests and the memberlist Secret
log "applying deploy/overlays/l2"
kc apply -k "$root/deploy/overlays/l2" >&2
kc -n "$NS" rollout status deploy/controller --timeout="${TIMEOUT}s" >&2
kc -n "$NS" rollout status ds/speaker --timeout="${TIMEOUT}s" >&2
if ! kc -n "$NS" get secret memberlist >/dev/null 2>&1; then
  log "creating the memberlist Secret (the controller has not)"
  kc -n "$NS" create secret generic memberlist \
    --from-literal=secretkey="$(head -c 128 /dev/urandom | base64 | tr -d '\n')" >&2
fi

# --- 4. pool: the top 50 addresses of the kind network's IPv4 subnet (docker hands out from the bottom)
subnet=""
for s in $(docker network inspect kind -f '{{range .IPAM.Config}}{{.Subnet}} {{end}}'); do
  if [[ $s =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+/[0-9]+$ ]]; then
    subnet="$s"
    break
  fi
done
[[ -n $subnet ]] || { echo "kind-e2e: the kind docker network has no IPv4 subnet" >&2; exit 1; }
ip2int() { local IFS=.; read -r a b c d <<<"$1"; echo $(((a << 24) | (b << 16) | (c << 8) | d)); }
int2ip() { echo "$((($1 >> 24) & 255)).$((($1 >> 16) & 255)).$((($1 >> 8) & 255)).$(($1 & 255))"; }
prefix="${subnet#*/}"
((prefix <= 25)) || { echo "kind-e2e: kind subnet $subnet is too small for a pool of 50" >&2; exit 1; }
broadcast=$(($(ip2int "${subnet%/*}") | ((1 << (32 - prefix)) - 1)))
first="$(int2ip $((broadcast - 55)))"
last="$(int2ip $((broadcast - 6)))"
log "kind network $subnet: pool $first-$last"
kc apply -f - >&2 <<EOF
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: kind-e2e, namespace: $NS}
spec:
  addresses: ["$first-$last"]
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: kind-e2e, namespace: $NS}
spec:
  ipAddressPools: [kind-e2e]
EOF

# --- 5. the tutorial's service
kc create namespace "$APP_NS" >&2
kc -n "$APP_NS" create deployment whoami --image=traefik/whoami >&2
kc -n "$APP_NS" rollout status deploy/whoami --timeout="${TIMEOUT}s" >&2
kc -n "$APP_NS" expose deployment whoami --type=LoadBalancer --port=80 >&2
ip=""
for _ in $(seq 1 "$TIMEOUT"); do
  ip="$(kc -n "$APP_NS" get svc whoami -o jsonpath='{.status.loadBalancer.ingress[0].ip}')"
  [[ -n $ip ]] && break
  sleep 1
done
[[ -n $ip ]] || { echo "kind-e2e: whoami got no EXTERNAL-IP within ${TIMEOUT}s" >&2; exit 1; }
kc -n "$APP_NS" get svc whoami >&2
n="$(ip2int "$ip")"
if ((n < broadcast - 55 || n > broadcast - 6)); then
  echo "kind-e2e: EXTERNAL-IP $ip is outside the pool $first-$last" >&2
  exit 1
fi

# --- 6. the page, from a container on the kind network (ARP from ferrolb's speaker brings it there)
page=""
for _ in $(seq 1 30); do
  if page="$(docker run --rm --network kind curlimages/curl -s --max-time 5 "http://$ip/" 2>/dev/null)" \
    && [[ $page == *"Hostname: whoami-"* ]]; then
    break
  fi
  page=""
  sleep 2
done
[[ -n $page ]] || { echo "kind-e2e: http://$ip/ did not answer with the whoami page" >&2; exit 1; }
echo "$page" >&2
pod="$(awk '$1 == "Hostname:" {print $2; exit}' <<<"$page")"
ok=true
echo "kind-e2e: OK $ip served by $pod"

"""Writes the benchmark's plan (plan.json) and the objects preloaded into its in-memory API (objects.yaml).

usage: plan.py OUTDIR GROUPS GROUP_SIZE KA_GROUPS KA_GROUP_SIZE MANY

ferrolb: GROUPS x GROUP_SIZE nodes f01.. on 198.18.0.0/16 (node i at 198.18.0.(10+i)), all of one cluster and
one gossip membership. Group g has one service address 198.18.1.x, restricted to its own nodes by an
L2Advertisement nodeSelector (label bench.ferrolb.io/group). x is chosen so that the election (MetalLB's and
ferrolb's: sha256(node + "#" + ip), smallest first) orders the group's nodes as listed, so the owner, and the
node that takes over from it, are known in advance. The MANY addresses of the scale test (198.18.16.0/20) are
picked so that the first node of group 1 owns all of them; their Services are created later (many.py), their
pool and advertisement here.

keepalived: KA_GROUPS x KA_GROUP_SIZE nodes k01.. on 203.0.113.0/24 (node i at 203.0.113.(10+i)); group g is
VRRP instance virtual_router_id 10+g with the address 203.0.113.(150+g), priorities 150, 100, 50.
"""
import hashlib
import ipaddress
import json
import sys

out, groups, size, ka_groups, ka_size, many = sys.argv[1], *map(int, sys.argv[2:7])


def order(nodes, ip):
    return sorted(nodes, key=lambda n: hashlib.sha256(f"{n}#{ip}".encode()).digest())


plan = {"ferrolb": [], "keepalived": [], "many": {}}
docs = [
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ferrolb-system"}},
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}},
]
next_ip = iter(ipaddress.ip_network("198.18.1.0/24").hosts())
for g in range(1, groups + 1):
    nodes = [f"f{(g - 1) * size + i:02d}" for i in range(1, size + 1)]
    for n in nodes:
        i = int(n[1:])
        docs.append({"apiVersion": "v1", "kind": "Node",
                     "metadata": {"name": n, "labels": {"kubernetes.io/hostname": n, "bench.ferrolb.io/group": f"g{g}"}},
                     "status": {"addresses": [{"type": "InternalIP", "address": f"198.18.0.{10 + i}"}],
                                "conditions": [{"type": "Ready", "status": "True"}]}})
        docs.append({"apiVersion": "v1", "kind": "Pod",
                     "metadata": {"name": f"speaker-{n}", "namespace": "ferrolb-system",
                                  "labels": {"app.kubernetes.io/component": "speaker"}},
                     "spec": {"nodeName": n, "containers": [{"name": "speaker", "image": "ferrolb"}]},
                     "status": {"phase": "Running", "podIP": f"198.18.0.{10 + i}",
                                "conditions": [{"type": "Ready", "status": "True"}]}})
    while True:
        ip = str(next(next_ip))
        if order(nodes, ip) == nodes:
            break
    plan["ferrolb"].append({"group": f"g{g}", "nodes": nodes, "vip": ip})
    docs += [
        {"apiVersion": "metallb.io/v1beta1", "kind": "IPAddressPool",
         "metadata": {"name": f"g{g}", "namespace": "ferrolb-system"}, "spec": {"addresses": [f"{ip}/32"]}},
        {"apiVersion": "metallb.io/v1beta1", "kind": "L2Advertisement",
         "metadata": {"name": f"g{g}", "namespace": "ferrolb-system"},
         "spec": {"ipAddressPools": [f"g{g}"], "interfaces": ["eth0"],
                  "nodeSelectors": [{"matchLabels": {"bench.ferrolb.io/group": f"g{g}"}}]}},
    ]


cluster_ips = (f"10.96.{k // 250}.{k % 250 + 1}" for k in range(100000))


def service(name, ip, nodes):
    cip = next(cluster_ips)
    return [
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": name, "namespace": "default", "annotations": {"metallb.io/loadBalancerIPs": ip}},
         "spec": {"type": "LoadBalancer", "selector": {"app": name}, "clusterIP": cip, "clusterIPs": [cip],
                  "ipFamilies": ["IPv4"],
                  "ports": [{"protocol": "UDP", "port": 9999}]}},
        {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
         "metadata": {"name": f"{name}-1", "namespace": "default", "labels": {"kubernetes.io/service-name": name}},
         "addressType": "IPv4",
         "endpoints": [{"addresses": [f"10.244.{k + 1}.1"], "nodeName": n, "conditions": {"ready": True}}
                       for k, n in enumerate(nodes)]},
    ]


for e in plan["ferrolb"]:
    docs += service(f"vip-{e['group']}", e["vip"], e["nodes"])

# the scale test: MANY addresses that the first node of group 1 owns, the second takes over
g1 = plan["ferrolb"][0]["nodes"]
many_ips = [str(a) for a in ipaddress.ip_network("198.18.16.0/20").hosts() if order(g1, str(a))[0] == g1[0]][:many]
if len(many_ips) < many:
    sys.exit(f"plan.py: only {len(many_ips)} addresses of 198.18.16.0/20 elect {g1[0]} (expected: {many})")
plan["many"] = {"group": "g1", "nodes": g1, "pool": "198.18.16.0/20",
                "ips": {ip: order(g1, ip)[1] for ip in many_ips}}
docs += [
    {"apiVersion": "metallb.io/v1beta1", "kind": "IPAddressPool",
     "metadata": {"name": "many", "namespace": "ferrolb-system"},
     "spec": {"addresses": ["198.18.16.0/20"], "autoAssign": False}},
    {"apiVersion": "metallb.io/v1beta1", "kind": "L2Advertisement",
     "metadata": {"name": "many", "namespace": "ferrolb-system"},
     "spec": {"ipAddressPools": ["many"], "interfaces": ["eth0"],
              "nodeSelectors": [{"matchLabels": {"bench.ferrolb.io/group": "g1"}}]}},
]
with open(f"{out}/many.json", "w") as f:
    json.dump([d for ip in many_ips for d in service("many-" + ip.replace(".", "-"), ip, g1)], f)

for g in range(1, ka_groups + 1):
    nodes = [f"k{(g - 1) * ka_size + i:02d}" for i in range(1, ka_size + 1)]
    plan["keepalived"].append({"group": f"v{g}", "nodes": nodes, "vip": f"203.0.113.{150 + g}", "vrid": 10 + g,
                               "prio": [150, 100, 50][:ka_size]})

with open(f"{out}/plan.json", "w") as f:
    json.dump(plan, f, indent=1)
with open(f"{out}/objects.yaml", "w") as f:
    # JSON is YAML: one document per object (the leading comment keeps the loader from reading it as one JSON)
    f.write("# bench/l2-failover, written by plan.py\n---\n" + "\n---\n".join(json.dumps(d) for d in docs) + "\n")

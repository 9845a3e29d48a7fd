#!/usr/bin/env python3
"""Writes the example snapshots (EXAMPLE/snapshot.yaml) of this exercise from its starter and solution manifests:
the reference state, an empty cluster, and typical mistakes, each a small change to the reference. Each snapshot
is what `kubectl get <kinds> -A -o yaml` prints: one v1 List, trimmed to the fields the rubric reads, with the
status the cluster's controllers would report. The expected.yaml files beside them are written by hand from the
rubric, never by this script.

  /usr/bin/python3 labs/exercises/networkpolicies/examples/generate.py
"""
import copy
import os
import sys

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.getcwd()))
from snapshot_lib import dump, fix_ns, load, ns  # noqa: E402


H="# A `kubectl get namespaces,deployments,services,networkpolicies -A -o yaml` dump of the cluster in this\n# state (trimmed to the fields the rubric and the test's reachability controller read).\n"
base=[ns("default"), ns("kube-system"),
 {"apiVersion":"v1","kind":"Service","metadata":{"name":"kube-dns","namespace":"kube-system","labels":{"k8s-app":"kube-dns"}},
  "spec":{"selector":{"k8s-app":"kube-dns"},"ports":[{"name":"dns","port":53,"protocol":"UDP","targetPort":53},{"name":"dns-tcp","port":53,"protocol":"TCP","targetPort":53}]}}]
apps=fix_ns(load("starter/apps.yaml"))
sol=load("solution/policies.yaml")
def by(name, objs): return [o for o in objs if o["metadata"]["name"]==name][0]
dump("examples/empty/snapshot.yaml", base+apps, H)
dump("examples/reference/snapshot.yaml", base+apps+sol, H)
m=copy.deepcopy(sol); by("default-deny-all",m)["spec"]["policyTypes"]=["Ingress"]
dump("examples/ingress-only-deny/snapshot.yaml", base+apps+m, H)
m=copy.deepcopy(sol); e=by("allow-model-store",m)["spec"]["egress"][0]
e["to"]=[{"namespaceSelector":e["to"][0]["namespaceSelector"]},{"podSelector":e["to"][0]["podSelector"]}]
dump("examples/or-selectors/snapshot.yaml", base+apps+m, H)
m=copy.deepcopy(sol); by("allow-dns",m)["spec"]["egress"][0]["ports"]=[{"protocol":"UDP","port":53}]
dump("examples/udp-only-dns/snapshot.yaml", base+apps+m, H)
m=[o for o in copy.deepcopy(sol) if o["metadata"]["name"]!="allow-from-gateway"]
dump("examples/missing-gateway-ingress/snapshot.yaml", base+apps+m, H)

#!/usr/bin/env python3
"""Writes the example snapshots (EXAMPLE/snapshot.yaml) of this exercise from its starter and solution manifests:
the reference state, an empty cluster, and typical mistakes, each a small change to the reference. Each snapshot
is what `kubectl get <kinds> -A -o yaml` prints: one v1 List, trimmed to the fields the rubric reads, with the
status the cluster's controllers would report. The expected.yaml files beside them are written by hand from the
rubric, never by this script.

  /usr/bin/python3 labs/exercises/rbac-multi-tenant/examples/generate.py
"""
import copy
import os
import sys

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.getcwd()))
from snapshot_lib import dump, fix_ns, load, ns  # noqa: E402


H="# A `kubectl get namespaces,serviceaccounts,roles,rolebindings,clusterroles,clusterrolebindings -A -o yaml`\n# dump of the cluster in this state (trimmed to the fields the rubric reads).\n"
base=[ns("default"), ns("kube-system"),
 {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"cluster-admin"},
  "rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]},{"nonResourceURLs":["*"],"verbs":["*"]}]},
 {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"cluster-admin"},
  "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},
  "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"system:masters"}]}]
tenants=fix_ns(load("starter/tenants.yaml"))
sol=load("solution/rbac.yaml")
dump("examples/empty/snapshot.yaml", base, H)
dump("examples/reference/snapshot.yaml", base+tenants+sol, H)
# bound-to-user
m=copy.deepcopy(sol)
for o in m:
    if o["kind"]=="RoleBinding":
        o["subjects"][0]={"kind":"User","name":"alice" if o["metadata"]["namespace"]=="team-vision" else "bob","apiGroup":"rbac.authorization.k8s.io"}
dump("examples/bound-to-user/snapshot.yaml", base+tenants+m, H)
# cluster-log-reader
extra=[{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"log-reader"},
  "rules":[{"apiGroups":[""],"resources":["pods","pods/log"],"verbs":["get","list","watch"]}]},
 {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"researchers-read-logs"},
  "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"log-reader"},
  "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"team-vision-researchers"},
              {"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"team-nlp-researchers"}]}]
dump("examples/cluster-log-reader/snapshot.yaml", base+tenants+sol+extra, H)
# wildcard-role
m=copy.deepcopy(sol)
for o in m:
    if o["kind"]=="Role": o["rules"]=[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]
dump("examples/wildcard-role/snapshot.yaml", base+tenants+m, H)
# no-log-subresource
m=copy.deepcopy(sol)
for o in m:
    if o["kind"]=="Role": o["rules"][1]["resources"]=["pods"]
dump("examples/no-log-subresource/snapshot.yaml", base+tenants+m, H)

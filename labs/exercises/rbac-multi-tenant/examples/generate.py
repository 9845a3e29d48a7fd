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
import yaml
def load(*paths):
    out=[]
    for p in paths:
        for d in yaml.safe_load_all(open(p)):
            if d: out.append(d)
    return out
def ns(name, labels=None):
    m={"name":name}
    lab={"kubernetes.io/metadata.name":name}
    if labels: lab.update(labels)
    m["labels"]=lab
    return {"apiVersion":"v1","kind":"Namespace","metadata":m,"status":{"phase":"Active"}}
def fix_ns(objs):
    for o in objs:
        if o["kind"]=="Namespace":
            o["metadata"].setdefault("labels",{})["kubernetes.io/metadata.name"]=o["metadata"]["name"]
            o.setdefault("status",{"phase":"Active"})
    return objs
class D(yaml.SafeDumper):
    def ignore_aliases(self, data): return True
def dump(path, items, header):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path,"w") as f:
        f.write(header)
        yaml.dump({"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":items}, f, Dumper=D, sort_keys=False, default_flow_style=False, width=110)


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

#!/usr/bin/env python3
"""Writes the example snapshots (EXAMPLE/snapshot.yaml) of this exercise from its starter and solution manifests:
the reference state, an empty cluster, and typical mistakes, each a small change to the reference. Each snapshot
is what `kubectl get <kinds> -A -o yaml` prints: one v1 List, trimmed to the fields the rubric reads, with the
status the cluster's controllers would report. The expected.yaml files beside them are written by hand from the
rubric, never by this script.

  /usr/bin/python3 labs/exercises/production-readiness/examples/generate.py
"""
import copy
import os
import sys

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.getcwd()))
from snapshot_lib import dump, fix_ns, load, ns  # noqa: E402


H="# A `kubectl get namespaces,deployments,poddisruptionbudgets -A -o yaml` dump of the cluster in this state\n# (trimmed to the fields the rubric reads; status as the controllers would report it).\n"
base=[ns("default"), ns("kube-system")]
def status(objs):
    reps={}
    for o in objs:
        if o["kind"]=="Deployment":
            r=o["spec"].get("replicas",1); reps[o["spec"]["selector"]["matchLabels"]["app"]]=r
            o["status"]={"replicas":r,"readyReplicas":r,"availableReplicas":r,"updatedReplicas":r}
    for o in objs:
        if o["kind"]=="PodDisruptionBudget":
            n=reps.get(o["spec"]["selector"]["matchLabels"].get("app"),0)
            if "maxUnavailable" in o["spec"]: allowed=min(n,o["spec"]["maxUnavailable"]) if n else 0
            else: allowed=max(0,n-o["spec"]["minAvailable"])
            desired=n-allowed
            o["status"]={"expectedPods":n,"currentHealthy":n,"desiredHealthy":desired,"disruptionsAllowed":allowed,"observedGeneration":1}
    return objs
starter=fix_ns(load("starter/app.yaml")); sol=fix_ns(load("solution/app.yaml"))
def by(kind,name,objs): return [o for o in objs if o["kind"]==kind and o["metadata"]["name"]==name][0]
dump("examples/empty/snapshot.yaml", base, H)
dump("examples/reference/snapshot.yaml", base+status(copy.deepcopy(sol)), H)
dump("examples/starter-as-is/snapshot.yaml", base+status(copy.deepcopy(starter)), H)
m=copy.deepcopy(sol); d=by("Deployment","feature-api",m); d["spec"]["replicas"]=1; d["spec"]["template"]["spec"]["containers"][0]["image"]="nginxinc/nginx-unprivileged:latest"
dump("examples/latest-single-replica/snapshot.yaml", base+status(m), H)
m=copy.deepcopy(sol); by("PodDisruptionBudget","feature-api",m)["spec"]["selector"]["matchLabels"]={"app":"features"}
dump("examples/pdb-selector-typo/snapshot.yaml", base+status(m), H)
m=copy.deepcopy(sol); n=by("Namespace","inference",m); n["metadata"]["labels"]={"kubernetes.io/metadata.name":"inference","pod-security.kubernetes.io/warn":"restricted"}
dump("examples/psa-warn-only/snapshot.yaml", base+status(m), H)
m=copy.deepcopy(sol); by("Deployment","model-server",m)["spec"]["template"]["spec"]["containers"].append(
  {"name":"log-shipper","image":"fluent/fluent-bit:3.1","securityContext":{"allowPrivilegeEscalation":False,"capabilities":{"drop":["ALL"]}}})
dump("examples/bare-sidecar/snapshot.yaml", base+status(m), H)

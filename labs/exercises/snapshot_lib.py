"""Shared by the exercises' examples/generate.py scripts: read manifests, make Namespaces, and write a snapshot as
the v1 List that `kubectl get ... -A -o yaml` prints. Paths are relative to the exercise folder (each script
changes into it first)."""
import os

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

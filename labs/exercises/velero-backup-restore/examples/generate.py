#!/usr/bin/env python3
"""Writes the example snapshots (EXAMPLE/snapshot.yaml) of this exercise from its starter and solution manifests:
the reference state, an empty cluster, and typical mistakes, each a small change to the reference. Each snapshot
is what `kubectl get <kinds> -A -o yaml` prints: one v1 List, trimmed to the fields the rubric reads, with the
status the cluster's controllers would report. The expected.yaml files beside them are written by hand from the
rubric, never by this script.

  /usr/bin/python3 labs/exercises/velero-backup-restore/examples/generate.py
"""
import copy
import os
import sys

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.getcwd()))
from snapshot_lib import dump, fix_ns, load, ns  # noqa: E402


H="# A `kubectl get namespaces,deployments,configmaps,persistentvolumeclaims,pods,backupstoragelocations,backups,restores,schedules -A -o yaml`\n# dump of the cluster in this state (trimmed to the fields the rubric reads). A dump holds no pod logs.\n"
velero=[ns("velero"),
 {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"velero","namespace":"velero","labels":{"component":"velero"}},
  "spec":{"replicas":1,"selector":{"matchLabels":{"deploy":"velero"}},"template":{"metadata":{"labels":{"deploy":"velero"}},"spec":{"containers":[{"name":"velero","image":"velero/velero:v1.15.0"}]}}},
  "status":{"replicas":1,"readyReplicas":1,"availableReplicas":1}},
 {"apiVersion":"velero.io/v1","kind":"BackupStorageLocation","metadata":{"name":"default","namespace":"velero"},
  "spec":{"provider":"aws","default":True,"objectStorage":{"bucket":"velero"},"config":{"region":"minio","s3ForcePathStyle":"true","s3Url":"http://minio.velero:9000"}},
  "status":{"phase":"Available","lastValidationTime":"2026-11-20T10:00:00Z"}}]
base=[ns("default"), ns("kube-system")]
train=fix_ns(load("starter/training.yaml"))
sol=load("solution/backup.yaml")
def restored(objs, restore="training-restore"):
    for o in objs:
        o["metadata"].setdefault("labels",{}).update({"velero.io/backup-name":"training-backup","velero.io/restore-name":restore})
        if o["kind"]=="PersistentVolumeClaim":
            o["spec"]["volumeName"]="pvc-4f1c2a9e-restored"; o["status"]={"phase":"Bound","capacity":{"storage":"1Gi"}}
        if o["kind"]=="Deployment": o["status"]={"replicas":1,"readyReplicas":1,"availableReplicas":1}
    d=[o for o in objs if o["kind"]=="Deployment"][0]
    objs.append({"apiVersion":"v1","kind":"Pod","metadata":{"name":"trainer-6d9f7c5b8-x2kqp","namespace":d["metadata"]["namespace"],
      "labels":{"app":"trainer","pod-template-hash":"6d9f7c5b8"}},"spec":copy.deepcopy(d["spec"]["template"]["spec"]),
      "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}})
    return objs
def by(kind, objs): return [o for o in objs if o["kind"]==kind][0]
def done(objs, backup_phase="Completed"):
    objs=copy.deepcopy(objs)
    b=by("Backup",objs); b["status"]={"phase":backup_phase,"startTimestamp":"2026-11-20T10:01:00Z","completionTimestamp":"2026-11-20T10:01:40Z","itemsBackedUp":14,"totalItems":14}
    if backup_phase!="Completed": b["status"]["errors"]=2
    r=[o for o in objs if o["kind"]=="Restore"]
    for x in r: x["status"]={"phase":"Completed","startTimestamp":"2026-11-20T10:05:00Z","completionTimestamp":"2026-11-20T10:05:30Z","itemsRestored":14,"totalItems":14}
    s=[o for o in objs if o["kind"]=="Schedule"]
    for x in s: x["status"]={"phase":"Enabled","lastBackup":"2026-11-21T02:00:00Z"}
    return objs
dump("examples/empty/snapshot.yaml", base, H)
dump("examples/reference/snapshot.yaml", base+velero+done(sol)+restored(copy.deepcopy(train)), H)
m=copy.deepcopy(sol); del by("Backup",m)["spec"]["defaultVolumesToFsBackup"]
dump("examples/objects-only-backup/snapshot.yaml", base+velero+done(m)+restored(copy.deepcopy(train)), H)
m=copy.deepcopy(sol); by("Restore",m)["spec"]["excludedResources"]=["configmaps"]
t=restored(copy.deepcopy(train))
cm=[o for o in t if o["kind"]=="ConfigMap"][0]; cm["metadata"]["labels"]={}
dump("examples/config-recreated-by-hand/snapshot.yaml", base+velero+done(m)+t, H)
m=copy.deepcopy(sol); by("Restore",m)["spec"]["namespaceMapping"]={"training":"training-restore"}
t=restored(copy.deepcopy(train))
for o in t:
    if o["kind"]=="Namespace": o["metadata"]["name"]="training-restore"; o["metadata"]["labels"]["kubernetes.io/metadata.name"]="training-restore"
    else: o["metadata"]["namespace"]="training-restore"
dump("examples/mapped-namespace/snapshot.yaml", base+velero+done(m)+t, H)
m=[o for o in copy.deepcopy(sol) if o["kind"]=="Backup"]
dump("examples/backup-partially-failed/snapshot.yaml", base+velero+done(m,"PartiallyFailed")+copy.deepcopy(train), H)

#!/usr/bin/env python3
"""Writes the example snapshots (EXAMPLE/snapshot.yaml) from the reference solution's manifests: the state a
cluster holds after the walkthrough (the `reference` example), an empty lab cluster, and typical mistakes, each a
small change to the reference. Each snapshot is what `kubectl get <kinds> -A -o yaml` prints: one v1 List.
The expected.yaml files beside them are written by hand from the rubric, never by this script.

  /usr/bin/python3 labs/lab-01-operator/examples/generate.py
"""
import copy
import os

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SOLUTION = os.path.join(HERE, "..", "solution", "config")
T0 = "2026-11-20T09:00:00Z"  # the cluster's creation
T1 = "2026-11-20T10:00:00Z"  # the operator's deployment
T2 = "2026-11-20T10:05:00Z"  # the sample's creation
T3 = "2026-11-20T10:05:04Z"  # the sample's workers start
T4 = "2026-11-20T10:05:31Z"  # the sample's workers finish

OPERATOR_FIELDS = {"f:metadata": {"f:labels": {}, "f:ownerReferences": {}}, "f:spec": {}}
_uid = [0]


def uid():
    _uid[0] += 1
    return "00000000-0000-4000-8000-%012d" % _uid[0]


def load(*parts):
    with open(os.path.join(SOLUTION, *parts)) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def stamp(obj, created, rv):
    md = obj.setdefault("metadata", {})
    md["uid"] = uid()
    md["creationTimestamp"] = created
    md["resourceVersion"] = str(rv)
    return obj


def managed(obj, manager, operation="Update", time=T2, subresource=None):
    entry = {"manager": manager, "operation": operation, "apiVersion": obj["apiVersion"], "time": time,
             "fieldsType": "FieldsV1", "fieldsV1": OPERATOR_FIELDS}
    if subresource:
        entry["subresource"] = subresource
    obj["metadata"].setdefault("managedFields", []).append(entry)
    return obj


def owner(parent, controller=True):
    return {"apiVersion": parent["apiVersion"], "kind": parent["kind"], "name": parent["metadata"]["name"],
            "uid": parent["metadata"]["uid"], "controller": controller, "blockOwnerDeletion": True}


def builtin_objects():
    """What every fresh kind cluster holds that the rubric could trip over: namespaces and cluster-admin."""
    out = [stamp({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}, "status": {"phase": "Active"}}, T0, 10 + i)
           for i, n in enumerate(["default", "kube-system", "kube-public", "kube-node-lease"])]
    admin = stamp({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                   "metadata": {"name": "cluster-admin", "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"}},
                   "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                             {"nonResourceURLs": ["*"], "verbs": ["*"]}]}, T0, 20)
    binding = stamp({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                     "metadata": {"name": "cluster-admin"},
                     "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
                     "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:masters"}]},
                    T0, 21)
    return out + [admin, binding]


def reference_objects():
    objs = builtin_objects()
    crd = stamp(load("crd", "trainingjobs.ml.example.com.yaml")[0], T1, 100)
    crd["status"] = {
        "acceptedNames": crd["spec"]["names"],
        "storedVersions": ["v1"],
        "conditions": [
            {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts", "message": "no conflicts found",
             "lastTransitionTime": T1},
            {"type": "Established", "status": "True", "reason": "InitialNamesAccepted",
             "message": "the initial names have been accepted", "lastTransitionTime": T1}]}
    objs.append(crd)
    rv = 110
    for part in (("rbac", "service_account.yaml"), ("rbac", "role.yaml"), ("rbac", "role_binding.yaml"),
                 ("manager", "deployment.yaml")):
        for o in load(*part):
            rv += 1
            objs.append(stamp(o, T1, rv))
    deploy = next(o for o in objs if o["kind"] == "Deployment")
    deploy["metadata"]["generation"] = 1
    deploy["status"] = {
        "observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1, "availableReplicas": 1,
        "conditions": [
            {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
             "message": "Deployment has minimum availability.", "lastTransitionTime": T1, "lastUpdateTime": T1},
            {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
             "message": "ReplicaSet \"trainingjob-operator-7c9f8d6b5\" has successfully progressed.",
             "lastTransitionTime": T1, "lastUpdateTime": T1}]}

    ns_ml, tj = load("samples", "mnist.yaml")
    objs.append(stamp(ns_ml, T2, 200))
    stamp(tj, T2, 260)
    tj["metadata"]["generation"] = 1
    managed(tj, "kubectl-client-side-apply", time=T2)
    managed(tj, "trainingjob-operator", time=T4, subresource="status")
    cond = lambda t, s, r, m, at: {"type": t, "status": s, "reason": r, "message": m, "lastTransitionTime": at}
    tj["status"] = {
        "phase": "Succeeded", "observedGeneration": 1, "readyWorkers": 0, "active": 0, "succeeded": 2, "failed": 0,
        "startTime": T3, "completionTime": T4,
        "conditions": [cond("Created", "True", "ChildrenCreated", "the headless Service and the Job exist", T2),
                       cond("Running", "False", "JobFinished", "the job succeeded", T4),
                       cond("Succeeded", "True", "AllWorkersSucceeded", "2 worker(s) completed", T4)]}
    objs.append(tj)
    labels = {"ml.example.com/job": "mnist", "app.kubernetes.io/managed-by": "trainingjob-operator"}
    svc = stamp({"apiVersion": "v1", "kind": "Service",
                 "metadata": {"name": "mnist", "namespace": "ml", "labels": dict(labels), "ownerReferences": [owner(tj)]},
                 "spec": {"clusterIP": "None", "clusterIPs": ["None"], "type": "ClusterIP",
                          "publishNotReadyAddresses": True, "selector": {"ml.example.com/job": "mnist"},
                          "ports": [{"name": "rendezvous", "port": 29500, "targetPort": 29500, "protocol": "TCP"}]},
                 "status": {"loadBalancer": {}}}, T2, 201)
    managed(svc, "trainingjob-operator")
    objs.append(svc)
    job = stamp({"apiVersion": "batch/v1", "kind": "Job",
                 "metadata": {"name": "mnist", "namespace": "ml", "labels": dict(labels), "ownerReferences": [owner(tj)]},
                 "spec": {"completions": 2, "parallelism": 2, "completionMode": "Indexed", "backoffLimit": 2},
                 "status": {"startTime": T3, "completionTime": T4, "succeeded": 2, "ready": 0,
                            "completedIndexes": "0,1",
                            "conditions": [{"type": "Complete", "status": "True", "lastProbeTime": T4,
                                            "lastTransitionTime": T4}]}}, T2, 202)
    managed(job, "trainingjob-operator")
    objs.append(job)
    for i, suffix in enumerate(["x7k2p", "q9d4m"]):
        pod = stamp({"apiVersion": "v1", "kind": "Pod",
                     "metadata": {"name": "mnist-%d-%s" % (i, suffix), "namespace": "ml",
                                  "labels": {**labels, "ml.example.com/role": "worker", "job-name": "mnist",
                                             "batch.kubernetes.io/job-name": "mnist",
                                             "batch.kubernetes.io/job-completion-index": str(i)},
                                  "ownerReferences": [owner(job)]},
                     "spec": {"hostname": "mnist-%d" % i, "subdomain": "mnist", "restartPolicy": "Never",
                              "nodeName": "lab-01-worker",
                              "containers": [{"name": "trainer", "image": "busybox:1.36"}]},
                     "status": {"phase": "Succeeded", "startTime": T3}}, T2, 210 + i)
        managed(pod, "kube-controller-manager")
        objs.append(pod)
    events = [("Created", "created Service mnist", T2), ("Created", "created Job mnist", T2),
              ("Running", "2 worker(s) running", T3), ("Succeeded", "all 2 worker(s) completed", T4)]
    for i, (reason, message, at) in enumerate(events):
        objs.append(stamp({"apiVersion": "v1", "kind": "Event",
                           "metadata": {"name": "mnist.1879%04d" % i, "namespace": "ml"},
                           "involvedObject": {"apiVersion": "ml.example.com/v1", "kind": "TrainingJob", "name": "mnist",
                                              "namespace": "ml", "uid": tj["metadata"]["uid"]},
                           "type": "Normal", "reason": reason, "message": message,
                           "source": {"component": "trainingjob-operator"}, "reportingComponent": "trainingjob-operator",
                           "firstTimestamp": at, "lastTimestamp": at, "count": 1}, at, 300 + i))
    return objs


def find(objs, kind, name):
    return next(o for o in objs if o["kind"] == kind and o["metadata"]["name"] == name)


def crd_version(objs):
    return find(objs, "CustomResourceDefinition", "trainingjobs.ml.example.com")["spec"]["versions"][0]


def wrong_owner(objs):
    # The Service's reference has no controller: true (e.g. metav1.OwnerReference built by hand).
    find(objs, "Service", "mnist")["metadata"]["ownerReferences"][0]["controller"] = False


def no_status_subresource(objs):
    # No +kubebuilder:subresource:status marker: r.Status().Update gets 404, so the sample never gets a status.
    del crd_version(objs)["subresources"]
    del find(objs, "TrainingJob", "mnist")["status"]
    mf = find(objs, "TrainingJob", "mnist")["metadata"]["managedFields"]
    mf[:] = [m for m in mf if m.get("subresource") != "status"]


def rbac_wildcard(objs):
    # "It did not work, so I gave it everything": a catch-all rule next to the generated ones.
    find(objs, "ClusterRole", "trainingjob-operator")["rules"].append(
        {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]})


def child_by_kubectl(objs):
    # The reconciler never created the Service; the student applied one by hand with kubectl.
    svc = find(objs, "Service", "mnist")
    del svc["metadata"]["ownerReferences"]
    svc["metadata"]["labels"] = {"ml.example.com/job": "mnist"}
    svc["metadata"]["managedFields"] = []
    managed(svc, "kubectl-client-side-apply")


def no_printer_columns(objs):
    # No +kubebuilder:printcolumn markers: kubectl get tj prints only NAME and AGE.
    del crd_version(objs)["additionalPrinterColumns"]


def operator_not_deployed(objs):
    # The operator only ever ran with `make run` on the laptop: no Deployment in the cluster.
    objs.remove(find(objs, "Deployment", "trainingjob-operator"))


EXAMPLES = {
    "reference": None,
    "wrong-owner": wrong_owner,
    "no-status-subresource": no_status_subresource,
    "rbac-wildcard": rbac_wildcard,
    "child-by-kubectl": child_by_kubectl,
    "no-printer-columns": no_printer_columns,
    "operator-not-deployed": operator_not_deployed,
}


def write(name, objs):
    os.makedirs(os.path.join(HERE, name), exist_ok=True)
    doc = {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": objs}
    with open(os.path.join(HERE, name, "snapshot.yaml"), "w") as f:
        f.write("# Generated by examples/generate.py (see examples/README.md): a kubectl List dump of the lab cluster.\n")
        yaml.safe_dump(doc, f, sort_keys=False, default_flow_style=False, width=120)


def main():
    for name, mutate in EXAMPLES.items():
        _uid[0] = 0
        objs = reference_objects()
        if mutate:
            mutate(objs)
        write(name, objs)
    _uid[0] = 0
    write("empty", builtin_objects())


if __name__ == "__main__":
    main()

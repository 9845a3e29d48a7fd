# Writes examples/*/snapshot.yaml from solution/ plus one change per mistake: python3 generate.py "$PWD" (run in examples/).
# The expected.yaml files are NOT generated: they are written from rubric.yaml by reasoning.
import copy, yaml, os, sys, zlib

OUT = sys.argv[1]
SOL = os.path.join(os.path.dirname(OUT), "solution")
T0 = "2026-11-20T09:00:00Z"
T1 = "2026-11-20T09:20:00Z"

def load(path):
    return [d for d in yaml.safe_load_all(open(os.path.join(SOL, path))) if d]

DEFAULT_TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
]

def node(name, labels, taints=None, gpus=0):
    base = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}
    base.update(labels)
    cap = {"cpu": "8", "ephemeral-storage": "102626232Ki", "hugepages-2Mi": "0", "memory": "16318036Ki", "pods": "110"}
    if gpus:
        cap["nvidia.com/gpu"] = str(gpus)
    n = {"apiVersion": "v1", "kind": "Node",
         "metadata": {"name": name, "labels": base, "creationTimestamp": T0},
         "spec": {"podCIDR": "10.244.0.0/24", "providerID": "kind://docker/lab-02-gpu-sim/" + name},
         "status": {"capacity": cap, "allocatable": dict(cap),
                    "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                                    "message": "kubelet is posting ready status", "lastTransitionTime": T0}],
                    "nodeInfo": {"kubeletVersion": "v1.31.2", "containerRuntimeVersion": "containerd://1.7.18",
                                 "osImage": "Debian GNU/Linux 12 (bookworm)", "architecture": "amd64"}}}
    if taints:
        n["spec"]["taints"] = taints
    return n

GPU_TAINT = [{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}]

def gpu_labels(shared, config_label=None):
    l = {"kubeclass.dev/pool": "gpu", "kubeclass.dev/gpu-mode": "simulated", "nvidia.com/gpu.present": "true",
         "nvidia.com/gpu.memory": "40960", "nvidia.com/gpu.count": "4",
         "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-40GB-SHARED" if shared else "NVIDIA-A100-SXM4-40GB",
         "nvidia.com/gpu.replicas": "4" if shared else "1",
         "nvidia.com/gpu.sharing-strategy": "time-slicing" if shared else "none"}
    if config_label:
        l.update(config_label)
    return l

def nodes(shared_worker2=True, worker2_extra=None):
    return [
        node("lab-02-gpu-sim-control-plane", {"node-role.kubernetes.io/control-plane": ""},
             [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]),
        node("lab-02-gpu-sim-worker", gpu_labels(False), GPU_TAINT, 4),
        node("lab-02-gpu-sim-worker2",
             gpu_labels(shared_worker2, worker2_extra if worker2_extra is not None else
                        {"nvidia.com/device-plugin.config": "a100-shared-4"}),
             GPU_TAINT, 16 if shared_worker2 else 4),
        node("lab-02-gpu-sim-worker3", {"kubeclass.dev/pool": "cpu"}),
    ]

def ns(name):
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "creationTimestamp": T0},
            "status": {"phase": "Active"}}

def strip_meta(o):
    o = copy.deepcopy(o)
    o["metadata"]["creationTimestamp"] = T1
    return o

def pod_from(template, name, nsname, owner_kind, owner_name, node_name, phase="Running", pending_reason=None,
             extra_labels=None, owner_api="apps/v1"):
    spec = copy.deepcopy(template["spec"])
    spec.setdefault("restartPolicy", "Always")
    spec["tolerations"] = spec.get("tolerations", []) + copy.deepcopy(DEFAULT_TOLERATIONS)
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    labels = dict(template.get("metadata", {}).get("labels", {}))
    labels.update(extra_labels or {})
    p = {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": name, "namespace": nsname, "labels": labels, "creationTimestamp": T1,
                      "ownerReferences": [{"apiVersion": owner_api, "kind": owner_kind, "name": owner_name,
                                           "uid": "0d5a7c1e-0000-4000-8000-" + ("%012x" % (zlib.crc32(owner_name.encode()) % 10**12)),
                                           "controller": True, "blockOwnerDeletion": True}]},
         "spec": spec, "status": {}}
    if node_name:
        p["spec"]["nodeName"] = node_name
    if phase == "Running":
        p["status"] = {"phase": "Running", "hostIP": "172.18.0.3", "podIP": "10.244.1.%d" % (zlib.crc32(name.encode()) % 200 + 2),
                       "startTime": T1, "qosClass": "Burstable",
                       "conditions": [{"type": "PodScheduled", "status": "True", "lastTransitionTime": T1},
                                      {"type": "Initialized", "status": "True", "lastTransitionTime": T1},
                                      {"type": "ContainersReady", "status": "True", "lastTransitionTime": T1},
                                      {"type": "Ready", "status": "True", "lastTransitionTime": T1}],
                       "containerStatuses": [{"name": c["name"], "image": c["image"], "ready": True, "restartCount": 0,
                                              "started": True, "state": {"running": {"startedAt": T1}}}
                                             for c in spec["containers"]]}
    else:
        p["status"] = {"phase": "Pending", "qosClass": "Burstable",
                       "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                                       "message": pending_reason, "lastTransitionTime": T1}]}
    return p

def priority_for(name, pcs):
    for pc in pcs:
        if pc["metadata"]["name"] == name:
            return pc["value"]
    return 0

def workload_pods(objs, pcs, placement):
    """placement: {pod-name-prefix: node or ('Pending', reason)}"""
    pods = []
    for o in objs:
        kind, name = o["kind"], o["metadata"]["name"]
        tpl = o["spec"]["template"]
        if kind == "Deployment":
            rs = name + "-7d9f8c6b5"
            n, owner_kind, owner, api = o["spec"]["replicas"], "ReplicaSet", rs, "apps/v1"
            names = [rs + "-" + s for s in ("x2k4p", "q8z7w", "m3n5v")[:n]]
            extra = {"pod-template-hash": "7d9f8c6b5"}
        elif kind == "Job":
            n, owner_kind, owner, api = o["spec"]["parallelism"], "Job", name, "batch/v1"
            idx = o["spec"].get("completionMode") == "Indexed"
            names = [name + ("-%d-" % i if idx else "-") + s for i, s in enumerate(("7hxqz", "bq9ds", "c4tm2")[:n])]
            extra = {"batch.kubernetes.io/job-name": name, "job-name": name}
        elif kind == "DaemonSet":
            continue
        else:
            continue
        for i, pn in enumerate(names):
            where = placement[name][i] if isinstance(placement[name], list) else placement[name]
            p = pod_from(tpl, pn, o["metadata"]["namespace"], owner_kind, owner,
                         None if isinstance(where, tuple) else where,
                         phase="Pending" if isinstance(where, tuple) else "Running",
                         pending_reason=where[1] if isinstance(where, tuple) else None,
                         extra_labels=extra, owner_api=api)
            if "priorityClassName" in p["spec"]:
                p["spec"]["priority"] = priority_for(p["spec"]["priorityClassName"], pcs)
                pc = [x for x in pcs if x["metadata"]["name"] == p["spec"]["priorityClassName"]]
                if pc:
                    p["spec"]["preemptionPolicy"] = pc[0].get("preemptionPolicy", "PreemptLowerPriority")
            else:
                p["spec"]["priority"] = 0
            pods.append(p)
    return pods

def monitoring_objects():
    objs = [strip_meta(o) for o in load("monitoring/fake-dcgm-exporter.yaml") if o["kind"] in ("Service", "ConfigMap")]
    ds = [o for o in load("monitoring/fake-dcgm-exporter.yaml") if o["kind"] == "DaemonSet"][0]
    for i, nodename in enumerate(("lab-02-gpu-sim-worker", "lab-02-gpu-sim-worker2")):
        p = pod_from(ds["spec"]["template"], "dcgm-exporter-" + ("h7k2q", "t9w4c")[i], "monitoring", "DaemonSet",
                     "dcgm-exporter", nodename, extra_labels={"controller-revision-hash": "6c9b7f5d8d",
                                                              "pod-template-generation": "1"})
        p["spec"]["priority"] = 0
        objs.append(p)
    for f in ("monitoring/service-monitor.yaml", "monitoring/gpu-dashboard.yaml"):
        objs += [strip_meta(o) for o in load(f)]
    return objs

def kueue_objects():
    objs = [strip_meta(o) for o in load("kueue/queues.yaml")]
    objs.append({"apiVersion": "kueue.x-k8s.io/v1beta1", "kind": "Workload",
                 "metadata": {"name": "job-ddp-gang-5c1e2", "namespace": "ml-workloads", "creationTimestamp": T1,
                              "labels": {"kueue.x-k8s.io/job-uid": "4b1f6a2e-93c1-4d7e-a0a5-1d2f3c4b5a69"},
                              "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job", "name": "ddp-gang",
                                                   "uid": "4b1f6a2e-93c1-4d7e-a0a5-1d2f3c4b5a69", "controller": True,
                                                   "blockOwnerDeletion": True}]},
                 "spec": {"queueName": "training", "priority": 100000, "priorityClassName": "training-high",
                          "priorityClassSource": "scheduling.k8s.io/priorityclass", "active": True,
                          "podSets": [{"name": "main", "count": 2, "template": {"spec": {"containers": [
                              {"name": "worker", "image": "busybox:1.36",
                               "resources": {"limits": {"nvidia.com/gpu": "1"}}}]}}}]},
                 "status": {"admission": {"clusterQueue": "gpu-training", "podSetAssignments": [
                     {"name": "main", "count": 2, "flavors": {"cpu": "a100", "memory": "a100", "nvidia.com/gpu": "a100"},
                      "resourceUsage": {"cpu": "200m", "memory": "128Mi", "nvidia.com/gpu": "2"}}]},
                     "conditions": [{"type": "QuotaReserved", "status": "True", "reason": "QuotaReserved",
                                     "message": "Quota reserved in ClusterQueue gpu-training", "lastTransitionTime": T1},
                                    {"type": "Admitted", "status": "True", "reason": "Admitted",
                                     "message": "The workload is admitted", "lastTransitionTime": T1}]}})
    return objs

def system_pcs():
    return [{"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
             "metadata": {"name": "system-cluster-critical", "creationTimestamp": T0},
             "value": 2000000000, "preemptionPolicy": "PreemptLowerPriority",
             "description": "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."},
            {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
             "metadata": {"name": "system-node-critical", "creationTimestamp": T0},
             "value": 2000001000, "preemptionPolicy": "PreemptLowerPriority",
             "description": "Used for system critical pods that must not be moved from their current node."}]

def write(example, items, header):
    d = os.path.join(OUT, example)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "snapshot.yaml"), "w") as f:
        f.write(header)
        yaml.safe_dump({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": items}, f,
                       sort_keys=False, width=120)

NAMESPACES = [ns("default"), ns("kube-system"), ns("ml-workloads")]

def student_state(pcs=None, config=None, worker2_shared=True, worker2_label=None, training=None, inference=None,
                  cpu=None, placement=None):
    pcs = pcs if pcs is not None else [strip_meta(o) for o in load("priority-classes.yaml")]
    for pc in pcs:
        pc.setdefault("preemptionPolicy", "PreemptLowerPriority")
    cfg = config if config is not None else [strip_meta(o) for o in load("time-slicing-config.yaml")]
    wl = {}
    wl["resnet-train"] = training or load("workloads/training.yaml")[0]
    wl["llm-inference"] = inference or load("workloads/inference.yaml")[0]
    wl["lr-sweep"] = load("workloads/batch-sweep.yaml")[0]
    wl["data-prep"] = cpu or load("workloads/cpu-preprocess.yaml")[0]
    wl["ddp-gang"] = load("kueue/gang-job.yaml")[0]
    wl["ddp-gang"]["spec"]["suspend"] = False
    # What Kueue injects into the admitted Job's pods from ResourceFlavor a100.
    wl["ddp-gang"]["spec"]["template"]["spec"]["nodeSelector"] = {"nvidia.com/gpu.present": "true"}
    wl["ddp-gang"]["spec"]["template"]["spec"]["tolerations"] = [
        {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
    default_place = {"resnet-train": "lab-02-gpu-sim-worker", "llm-inference": "lab-02-gpu-sim-worker2",
                     "lr-sweep": "lab-02-gpu-sim-worker2", "data-prep": "lab-02-gpu-sim-worker3",
                     "ddp-gang": ["lab-02-gpu-sim-worker", "lab-02-gpu-sim-worker"]}
    default_place.update(placement or {})
    items = list(NAMESPACES) + [ns("monitoring")] + (
        [ns(o["metadata"]["namespace"]) for o in cfg if o["kind"] == "ConfigMap"
         and o["metadata"]["namespace"] not in ("default", "kube-system", "ml-workloads", "monitoring")])
    items += nodes(worker2_shared, worker2_label)
    items += system_pcs() + pcs
    items += [o for o in cfg if o["kind"] != "Namespace"]
    controllers = [strip_meta(o) for o in wl.values()]
    for c in controllers:
        c.pop("status", None)
    items += controllers
    items += workload_pods(list(wl.values()), pcs, default_place)
    items += monitoring_objects()
    items += kueue_objects()
    return items

HEADER = ("# A snapshot of the lab-02-gpu-sim cluster, in the shape `kubectl get nodes,priorityclasses,configmaps,\n"
          "# pods,services,servicemonitors,... -A -o yaml` prints. %s\n")

# reference: the solution applied as the README says.
write("reference", student_state(), HEADER % "State after applying solution/ as the walkthrough says.")

# empty: the cluster as `kubeclass-grade cluster up lab-02-gpu-sim` leaves it.
write("empty", list(NAMESPACES) + nodes(False, {}) + system_pcs(),
      HEADER % "A fresh cluster: nothing applied yet.")

# inverted-priorities: inference and training values swapped.
pcs = [strip_meta(o) for o in load("priority-classes.yaml")]
pcs[0]["value"], pcs[1]["value"] = 100000, 1000000
write("inverted-priorities", student_state(pcs=pcs),
      HEADER % "inference-critical is 100000 and training-high 1000000: the values are swapped.")

# wrong-affinity-label: training and inference select a label no node has.
tr = load("workloads/training.yaml")[0]
del tr["spec"]["template"]["spec"]["affinity"]
tr["spec"]["template"]["spec"]["nodeSelector"] = {"accelerator": "nvidia-a100"}
inf = load("workloads/inference.yaml")[0]
inf["spec"]["template"]["spec"]["nodeSelector"] = {"accelerator": "nvidia-a100"}
why = ("0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
       "3 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: "
       "4 Preemption is not helpful for scheduling.")
write("wrong-affinity-label", student_state(training=tr, inference=inf,
                                            placement={"resnet-train": ("Pending", why), "llm-inference": ("Pending", why)}),
      HEADER % "Training and inference use nodeSelector accelerator=nvidia-a100, a label no node carries.")

# time-slicing-not-applied: the node label that picks the config is misspelt, so worker2 stays unshared.
why2 = ("0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "3 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: "
        "4 Preemption is not helpful for scheduling.")
write("time-slicing-not-applied",
      student_state(worker2_shared=False, worker2_label={"nvidia.com/device-plugin-config": "a100-shared-4"},
                    placement={"llm-inference": ("Pending", why2), "lr-sweep": ("Pending", why2)}),
      HEADER % "worker2 is labelled nvidia.com/device-plugin-config (a dash, not a dot): no config selects it.")

# cpu-on-gpu-node: the CPU Deployment tolerates everything and has no affinity; it landed on a GPU node.
cpu = load("workloads/cpu-preprocess.yaml")[0]
del cpu["spec"]["template"]["spec"]["affinity"]
cpu["spec"]["template"]["spec"]["tolerations"] = [{"operator": "Exists"}]
write("cpu-on-gpu-node", student_state(cpu=cpu, placement={"data-prep": "lab-02-gpu-sim-worker2"}),
      HEADER % "data-prep tolerates every taint (operator Exists, no key) and runs on GPU node worker2.")

# missing-toleration: training has the affinity but no toleration for the GPU taint.
tr = load("workloads/training.yaml")[0]
del tr["spec"]["template"]["spec"]["tolerations"]
why3 = ("0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "2 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {nvidia.com/gpu: present}. "
        "preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.")
write("missing-toleration", student_state(training=tr, placement={"resnet-train": ("Pending", why3)}),
      HEADER % "resnet-train selects the A100 node but does not tolerate nvidia.com/gpu=present:NoSchedule.")

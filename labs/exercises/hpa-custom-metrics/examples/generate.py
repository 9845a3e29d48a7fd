#!/usr/bin/env python3
"""Writes the example snapshots (EXAMPLE/snapshot.yaml) of this exercise from its starter and solution manifests:
the reference state, an empty cluster, and typical mistakes, each a small change to the reference. Each snapshot
is what `kubectl get <kinds> -A -o yaml` prints: one v1 List, trimmed to the fields the rubric reads, with the
status the cluster's controllers would report. The expected.yaml files beside them are written by hand from the
rubric, never by this script.

  /usr/bin/python3 labs/exercises/hpa-custom-metrics/examples/generate.py
"""
import copy
import os
import sys

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.getcwd()))
from snapshot_lib import dump, fix_ns, load, ns  # noqa: E402


H="# A `kubectl get namespaces,deployments,apiservices,horizontalpodautoscalers,events -A -o yaml` dump of the\n# cluster in this state (trimmed to the fields the rubric reads).\n"
base=[ns("default"), ns("kube-system"),
 {"apiVersion":"apiregistration.k8s.io/v1","kind":"APIService","metadata":{"name":"v1beta1.metrics.k8s.io"},
  "spec":{"group":"metrics.k8s.io","version":"v1beta1","service":{"name":"metrics-server","namespace":"kube-system"}},
  "status":{"conditions":[{"type":"Available","status":"True","reason":"Passed","message":"all checks passed"}]}}]
def adapter(available=True):
    return [ns("monitoring"),
     {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"prometheus-adapter","namespace":"monitoring",
       "labels":{"app.kubernetes.io/name":"prometheus-adapter","app.kubernetes.io/instance":"prometheus-adapter"}},
      "spec":{"replicas":1,"selector":{"matchLabels":{"app.kubernetes.io/name":"prometheus-adapter"}},
       "template":{"metadata":{"labels":{"app.kubernetes.io/name":"prometheus-adapter"}},"spec":{"containers":[{"name":"prometheus-adapter","image":"registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0"}]}}},
      "status":({"replicas":1,"readyReplicas":1,"availableReplicas":1} if available else {"replicas":1,"unavailableReplicas":1})},
     {"apiVersion":"apiregistration.k8s.io/v1","kind":"APIService","metadata":{"name":"v1beta1.custom.metrics.k8s.io"},
      "spec":{"group":"custom.metrics.k8s.io","version":"v1beta1","service":{"name":"prometheus-adapter","namespace":"monitoring"},"groupPriorityMinimum":100,"versionPriority":100},
      "status":{"conditions":[{"type":"Available","status":"True","reason":"Passed","message":"all checks passed"} if available else
                {"type":"Available","status":"False","reason":"MissingEndpoints","message":"endpoints for service/prometheus-adapter in \"monitoring\" have no addresses with port name \"https\""}]}}]
app=[o for o in fix_ns(load("starter/app.yaml")) if o["kind"] in ("Namespace","Deployment","Service")]
hpa=load("solution/hpa.yaml")[0]
def deploy_status(objs, n):
    for o in objs:
        if o["kind"]=="Deployment": o["spec"]["replicas"]=n; o["status"]={"replicas":n,"readyReplicas":n,"availableReplicas":n}
    return objs
def event(name, reason, message, typ="Normal"):
    return {"apiVersion":"v1","kind":"Event","metadata":{"name":"model-server.%s"%name,"namespace":"serving"},
     "involvedObject":{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","name":"model-server","namespace":"serving"},
     "reason":reason,"message":message,"type":typ,"source":{"component":"horizontal-pod-autoscaler"},"count":1,
     "firstTimestamp":"2026-11-20T10:04:12Z","lastTimestamp":"2026-11-20T10:04:12Z"}
def active(h, metric, value, replicas=3):
    h=copy.deepcopy(h)
    cm={"type":"Pods","pods":{"metric":{"name":metric},"current":{"averageValue":value}}} if metric!="cpu" else \
       {"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":85,"averageValue":"43m"}}}
    h["status"]={"currentReplicas":replicas,"desiredReplicas":replicas,"lastScaleTime":"2026-11-20T10:04:12Z","currentMetrics":[cm],
      "conditions":[{"type":"AbleToScale","status":"True","reason":"ReadyForNewScale"},
                    {"type":"ScalingActive","status":"True","reason":"ValidMetricFound"},
                    {"type":"ScalingLimited","status":"False","reason":"DesiredWithinRange"}]}
    return h
def failing(h):
    h=copy.deepcopy(h)
    h["status"]={"currentReplicas":1,"desiredReplicas":0,
      "conditions":[{"type":"AbleToScale","status":"True","reason":"SucceededGetScale"},
                    {"type":"ScalingActive","status":"False","reason":"FailedGetPodsMetric",
                     "message":"the HPA was unable to compute the replica count: unable to get metric %s: unable to fetch metrics from custom metrics API: the server could not find the metric %s for pods" % ((h["spec"]["metrics"][0]["pods"]["metric"]["name"],)*2)}]}
    return h
rescale=event("a1","SuccessfulRescale","New size: 3; reason: pods metric http_requests_per_second above target")
dump("examples/empty/snapshot.yaml", base, H)
dump("examples/reference/snapshot.yaml", base+adapter()+deploy_status(copy.deepcopy(app),3)+[active(hpa,"http_requests_per_second","4800m"), rescale], H)
cpu=copy.deepcopy(hpa); cpu["spec"]["metrics"]=[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":70}}}]
dump("examples/cpu-hpa/snapshot.yaml", base+adapter()+deploy_status(copy.deepcopy(app),2)+[active(cpu,"cpu","",2),
     event("b1","SuccessfulRescale","New size: 2; reason: cpu resource utilization (percentage of request) above target")], H)
mm=copy.deepcopy(hpa); mm["spec"]["metrics"][0]["pods"]["metric"]["name"]="http_requests_total"
dump("examples/metric-name-mismatch/snapshot.yaml", base+adapter()+deploy_status(copy.deepcopy(app),1)+[failing(mm),
     event("c1","FailedGetPodsMetric","unable to get metric http_requests_total: unable to fetch metrics from custom metrics API: the server could not find the metric http_requests_total for pods","Warning"),
     event("c2","FailedComputeMetricsReplicas","invalid metrics (1 invalid out of 1), first error is: failed to get pods metric value: unable to get metric http_requests_total","Warning")], H)
dump("examples/apiservice-unavailable/snapshot.yaml", base+adapter(False)+deploy_status(copy.deepcopy(app),1)+[failing(hpa),
     event("d1","FailedGetPodsMetric","unable to get metric http_requests_per_second: unable to fetch metrics from custom metrics API: the server is currently unable to handle the request","Warning")], H)
hs=copy.deepcopy(hpa); hs["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"]=0
dump("examples/hasty-scale-down/snapshot.yaml", base+adapter()+deploy_status(copy.deepcopy(app),3)+[active(hs,"http_requests_per_second","4800m"), rescale,
     event("e2","SuccessfulRescale","New size: 1; reason: All metrics below target")], H)

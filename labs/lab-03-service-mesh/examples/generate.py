"""Writes examples/*/cluster.yaml: the Istio reference state, and each typical mistake as a small, named change
to it (read the bottom of this file to see exactly what each mistake changes). The expected results in each
expected.yaml are written by hand from rubric.yaml, not by this script. Run: python3 examples/generate.py"""
import yaml, copy, os

HERE = os.path.dirname(os.path.abspath(__file__))


class NoAliases(yaml.SafeDumper):
    # kubectl never writes YAML anchors; shared dicts must be written out in full.
    def ignore_aliases(self, data):
        return True

def dep(ns, name, labels, containers, avail=1, tmpl_labels=None):
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": ns, "labels": labels},
            "spec": {"replicas": 1, "selector": {"matchLabels": tmpl_labels or labels},
                     "template": {"metadata": {"labels": tmpl_labels or labels}, "spec": {"containers": containers}}},
            "status": {"replicas": 1, "readyReplicas": avail, "availableReplicas": avail, "updatedReplicas": 1,
                       "conditions": [{"type": "Available", "status": "True" if avail else "False"}]}}
def svc(ns, name, labels, selector, port):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns, "labels": labels},
            "spec": {"selector": selector, "ports": [{"name": "http", "port": port, "targetPort": port}]}}
PROXY_INIT = {"name": "istio-proxy", "image": "docker.io/istio/proxyv2:1.28.1", "restartPolicy": "Always",
              "args": ["proxy", "sidecar"], "ports": [{"name": "http-envoy-prom", "containerPort": 15090}]}
ISTIO_INIT = {"name": "istio-init", "image": "docker.io/istio/proxyv2:1.28.1", "args": ["istio-iptables"]}
def pod(ns, name, labels, sa, app_container, meshed=True, ready=True):
    spec = {"serviceAccountName": sa, "nodeName": "lab-03-mesh-worker", "containers": [app_container]}
    if meshed:
        spec["initContainers"] = [ISTIO_INIT, PROXY_INIT]
    md = {"name": name, "namespace": ns, "labels": labels}
    if meshed:
        md["annotations"] = {"sidecar.istio.io/status": '{"initContainers":["istio-init","istio-proxy"],"containers":null}',
                             "kubectl.kubernetes.io/default-container": app_container["name"]}
        md["labels"] = dict(labels, **{"security.istio.io/tlsMode": "istio", "service.istio.io/canonical-name": labels["app"]})
    st = "True" if ready else "False"
    return {"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec,
            "status": {"phase": "Running", "conditions": [{"type": "Initialized", "status": "True"},
                       {"type": "Ready", "status": st}, {"type": "ContainersReady", "status": st},
                       {"type": "PodScheduled", "status": "True"}]}}
def app_container(name, env):
    return {"name": name, "image": "python:3.12-slim", "command": ["python", "/app/%s.py" % name], "env": env,
            "ports": [{"name": "http", "containerPort": 8080}]}
MESH = """accessLogFile: /dev/stdout
defaultConfig:
  discoveryAddress: istiod.istio-system.svc:15012
enableTracing: true
extensionProviders:
- name: jaeger
  zipkin:
    port: 9411
    service: zipkin.istio-system.svc.cluster.local
rootNamespace: istio-system
trustDomain: cluster.local
"""
def reference():
    items = []
    items.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "istio-system"}})
    items.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "inference", "labels": {"istio-injection": "enabled", "kubernetes.io/metadata.name": "inference"}}})
    items.append(dep("istio-system", "istiod", {"app": "istiod", "istio": "pilot", "istio.io/rev": "default"},
                     [{"name": "discovery", "image": "docker.io/istio/pilot:1.28.1", "args": ["discovery"]}]))
    items.append(dep("istio-system", "jaeger", {"app": "jaeger"}, [{"name": "jaeger", "image": "docker.io/jaegertracing/all-in-one:1.67.0"}]))
    items.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "istio", "namespace": "istio-system"},
                  "data": {"mesh": MESH, "meshNetworks": "networks: {}\n"}})
    items.append(svc("istio-system", "istiod", {"app": "istiod"}, {"app": "istiod"}, 15012))
    items.append(svc("istio-system", "tracing", {"app": "jaeger"}, {"app": "jaeger"}, 80))
    items.append(svc("istio-system", "zipkin", {"app": "jaeger"}, {"app": "jaeger"}, 9411))
    items.append(pod("istio-system", "jaeger-5d4c8b7f9-q7x2m", {"app": "jaeger"}, "default",
                     {"name": "jaeger", "image": "docker.io/jaegertracing/all-in-one:1.67.0"}, meshed=False))
    for sa in ["ranker", "frontend"]:
        items.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": sa, "namespace": "inference"}})
    items.append(svc("inference", "ranker", {"app": "ranker"}, {"app": "ranker"}, 8080))
    for v, suffix in [("v1", "7c9d6f5b8-k2r4t"), ("v2", "6b8f7d9c4-m5n7p")]:
        lab = {"app": "ranker", "version": v}
        items.append(dep("inference", "ranker-" + v, lab, [app_container("ranker", [{"name": "MODEL_VERSION", "value": v}])]))
        items.append(svc("inference", "ranker-" + v, lab, lab, 8080))
        items.append(pod("inference", "ranker-%s-%s" % (v, suffix), dict(lab, **{"pod-template-hash": suffix.split("-")[0]}), "ranker",
                         app_container("ranker", [{"name": "MODEL_VERSION", "value": v}])))
    items.append(dep("inference", "frontend", {"app": "frontend"}, [app_container("frontend", [{"name": "RANKER_URL", "value": "http://ranker:8080"}])],
                     tmpl_labels={"app": "frontend", "version": "v1"}))
    items.append(svc("inference", "frontend", {"app": "frontend"}, {"app": "frontend"}, 8080))
    items.append(pod("inference", "frontend-85f6c7d9b-x8w2z", {"app": "frontend", "version": "v1", "pod-template-hash": "85f6c7d9b"}, "frontend",
                     app_container("frontend", [{"name": "RANKER_URL", "value": "http://ranker:8080"}])))
    sol = os.path.join(HERE, "..", "solution", "istio") + "/"
    for f in ["traffic.yaml", "security.yaml", "telemetry.yaml"]:
        for d in yaml.safe_load_all(open(sol + f)):
            items.append(d)
    return items
def write(name, items, header):
    d = os.path.join(HERE, name)
    os.makedirs(d, exist_ok=True)
    with open(d + "/cluster.yaml", "w") as f:
        f.write(header)
        yaml.dump({"apiVersion": "v1", "kind": "List", "items": items}, f, Dumper=NoAliases, sort_keys=False, width=120)
def find(items, kind, name, ns=None):
    for i in items:
        if i["kind"] == kind and i["metadata"]["name"] == name and (ns is None or i["metadata"].get("namespace") == ns):
            return i
    raise KeyError(kind + name)

H = "# Example cluster state for lab-03 (a `kubectl get ... -A -o yaml` List). %s\n# Expected results: expected.yaml beside this file, written from rubric.yaml before grading.\n"
ref = reference()
write("reference", ref, H % "The Istio reference solution applied to the starter app.")
write("empty", [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}}],
      H % "A fresh cluster: nothing of the lab is there yet.")
# The namespace was never labelled, so the pods were created without proxies.
m = copy.deepcopy(ref)
find(m, "Namespace", "inference")["metadata"]["labels"].pop("istio-injection")
m = [i for i in m]
for i, o in enumerate(m):
    if o["kind"] == "Pod" and o["metadata"]["namespace"] == "inference":
        c = o["spec"]["containers"][0]
        m[i] = pod("inference", o["metadata"]["name"], {k: v for k, v in o["metadata"]["labels"].items() if "istio" not in k}, o["spec"]["serviceAccountName"], c, meshed=False)
write("no-injection-label", m, H % "Mistake: namespace inference never got istio-injection=enabled, so no pod has a proxy.")
# Labelled, but the Deployments were never restarted: the old pods have no proxy.
m2 = copy.deepcopy(m)
find(m2, "Namespace", "inference")["metadata"]["labels"]["istio-injection"] = "enabled"
write("sidecars-not-restarted", m2, H % "Mistake: the namespace is labelled, but the pods predate the label and carry no proxy.")
m = copy.deepcopy(ref)
dr = find(m, "DestinationRule", "ranker")
dr["spec"]["subsets"] = [{"name": "v1", "labels": {"track": "stable"}}, {"name": "v2", "labels": {"track": "canary"}}]
write("subset-labels-mismatch", m, H % "Mistake: the subsets select track=stable/canary, a label the ranker pods do not carry.")
m = copy.deepcopy(ref)
find(m, "PeerAuthentication", "default")["spec"]["mtls"]["mode"] = "PERMISSIVE"
write("permissive-mtls", m, H % "Mistake: the mesh-wide PeerAuthentication is PERMISSIVE, so plaintext is still accepted.")
m = copy.deepcopy(ref)
route = find(m, "VirtualService", "ranker")["spec"]["http"][0]["route"]
route[0]["weight"], route[1]["weight"] = 20, 80
write("wrong-weights", m, H % "Mistake: the weights are reversed (20% v1, 80% v2).")
m = copy.deepcopy(ref)
find(m, "AuthorizationPolicy", "ranker-callers")["spec"]["rules"][0]["from"][0]["source"]["principals"] = ["cluster.local/ns/inference/sa/default"]
write("authz-wrong-principal", m, H % "Mistake: the policy allows the default ServiceAccount, not frontend's identity.")
m = copy.deepcopy(ref)
m.append({"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
          "metadata": {"name": "allow-debugging", "namespace": "inference"},
          "spec": {"action": "ALLOW", "rules": [{}]}})
write("authz-extra-allow-all", m, H % "Mistake: the right policy is there, but a leftover allow-all policy in the namespace lets every caller in.")

# The Linkerd reference (graded with tracks/gateway-api.yaml and tracks/linkerd.yaml): solution/linkerd applied.
def linkerd_pod(ns, name, labels, sa, app):
    proxy = {"name": "linkerd-proxy", "image": "cr.l5d.io/linkerd/proxy:edge-25.10.1", "restartPolicy": "Always",
             "env": [{"name": "LINKERD2_PROXY_INBOUND_DEFAULT_POLICY", "value": "all-authenticated"},
                     {"name": "LINKERD2_PROXY_TRACE_COLLECTOR_SVC_ADDR", "value": "collector.linkerd-jaeger:55678"}],
             "ports": [{"name": "linkerd-proxy", "containerPort": 4143}, {"name": "linkerd-admin", "containerPort": 4191}]}
    p = pod(ns, name, labels, sa, app, meshed=False)
    p["metadata"]["annotations"] = {"linkerd.io/inject": "enabled", "linkerd.io/proxy-version": "edge-25.10.1",
                                    "config.beta.linkerd.io/proxy-enable-native-sidecar": "true"}
    p["metadata"]["labels"]["linkerd.io/control-plane-ns"] = "linkerd"
    p["spec"]["initContainers"] = [{"name": "linkerd-init", "image": "cr.l5d.io/linkerd/proxy-init:v2.4.1"}, proxy]
    return p
lk = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "linkerd"}},
      {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "linkerd-jaeger", "annotations": {"linkerd.io/inject": "enabled"}}}]
ns = yaml.safe_load(open(os.path.join(HERE, "..", "solution", "linkerd", "namespace.yaml")))
ns["metadata"]["labels"] = {"kubernetes.io/metadata.name": "inference"}
lk.append(ns)
for name, container, image in [("linkerd-destination", "destination", "cr.l5d.io/linkerd/controller:edge-25.10.1"),
                               ("linkerd-identity", "identity", "cr.l5d.io/linkerd/controller:edge-25.10.1"),
                               ("linkerd-proxy-injector", "proxy-injector", "cr.l5d.io/linkerd/controller:edge-25.10.1")]:
    lk.append(dep("linkerd", name, {"linkerd.io/control-plane-component": name.replace("linkerd-", "")},
                  [{"name": container, "image": image}]))
for name, image in [("collector", "otel/opentelemetry-collector:0.119.0"), ("jaeger", "jaegertracing/all-in-one:1.67.0"),
                    ("jaeger-injector", "cr.l5d.io/linkerd/jaeger-webhook:edge-25.10.1")]:
    lk.append(dep("linkerd-jaeger", name, {"component": name}, [{"name": name, "image": image}]))
lk.append(svc("linkerd-jaeger", "jaeger", {"component": "jaeger"}, {"component": "jaeger"}, 16686))
lk.append(pod("linkerd-jaeger", "jaeger-6f9d8c7b5-t4v8q", {"component": "jaeger"}, "jaeger",
              {"name": "jaeger", "image": "jaegertracing/all-in-one:1.67.0"}, meshed=False))
for o in ref:
    if o["metadata"].get("namespace") == "inference" and o["kind"] in ("Deployment", "Service", "ServiceAccount"):
        lk.append(copy.deepcopy(o))
    if o["kind"] == "Pod" and o["metadata"]["namespace"] == "inference":
        labels = {k: v for k, v in o["metadata"]["labels"].items() if "istio" not in k}
        lk.append(linkerd_pod("inference", o["metadata"]["name"], labels, o["spec"]["serviceAccountName"], o["spec"]["containers"][0]))
for f in ["traffic.yaml", "policy.yaml"]:
    for d in yaml.safe_load_all(open(os.path.join(HERE, "..", "solution", "linkerd", f))):
        lk.append(d)
write("reference-linkerd", lk, H % "The Linkerd reference solution (solution/linkerd) on the starter app.")

# Linkerd mistake: the namespace keeps Linkerd's default inbound policy, so unmeshed clients are still admitted.
m = copy.deepcopy(lk)
find(m, "Namespace", "inference")["metadata"]["annotations"].pop("config.linkerd.io/default-inbound-policy")
for o in m:
    if o["kind"] == "Pod" and o["metadata"]["namespace"] == "inference":
        for e in o["spec"]["initContainers"][1]["env"]:
            if e["name"] == "LINKERD2_PROXY_INBOUND_DEFAULT_POLICY":
                e["value"] = "all-unauthenticated"
write("linkerd-unauthenticated-default", m,
      H % "Linkerd mistake: no authenticated default inbound policy, so plaintext clients outside the mesh get in.")
# Linkerd mistake: the MeshTLSAuthentication names ranker's ServiceAccount instead of frontend's.
m = copy.deepcopy(lk)
find(m, "MeshTLSAuthentication", "frontend-identity")["spec"]["identityRefs"][0]["name"] = "ranker"
write("linkerd-authz-wrong-identity", m,
      H % "Linkerd mistake: the MeshTLSAuthentication names ServiceAccount ranker, so frontend is not authorized.")

# The ambient reference (graded with tracks/gateway-api.yaml and tracks/ambient.yaml): no sidecars, the namespace
# enrolled, ztunnel on the node, a waypoint, the split as an HTTPRoute, an L4-only AuthorizationPolicy.
am = []
for o in ref:
    if o["kind"] in ("VirtualService", "DestinationRule", "AuthorizationPolicy"):
        continue
    o = copy.deepcopy(o)
    if o["kind"] == "Namespace" and o["metadata"]["name"] == "inference":
        o["metadata"]["labels"] = {"kubernetes.io/metadata.name": "inference", "istio.io/dataplane-mode": "ambient",
                                   "istio.io/use-waypoint": "waypoint"}
    if o["kind"] == "Pod" and o["metadata"]["namespace"] == "inference":
        labels = {k: v for k, v in o["metadata"]["labels"].items() if "istio" not in k}
        o = pod("inference", o["metadata"]["name"], labels, o["spec"]["serviceAccountName"], o["spec"]["containers"][0], meshed=False)
        o["metadata"]["annotations"] = {"ambient.istio.io/redirection": "enabled"}
    am.append(o)
am.append({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "ztunnel", "namespace": "istio-system"},
           "spec": {"template": {"spec": {"containers": [{"name": "istio-proxy", "image": "docker.io/istio/ztunnel:1.28.1"}]}}},
           "status": {"desiredNumberScheduled": 1, "numberReady": 1}})
for d in yaml.safe_load_all(open(os.path.join(HERE, "..", "solution", "istio", "ambient.yaml"))):
    if d["kind"] == "Gateway":
        d["status"] = {"conditions": [{"type": "Accepted", "status": "True"}, {"type": "Programmed", "status": "True"}]}
    am.append(d)
am.append(yaml.safe_load(open(os.path.join(HERE, "..", "solution", "istio", "gateway-api-split.yaml"))))
write("reference-ambient", am, H % "The Istio ambient-mode reference (solution/istio/ambient.yaml) on the starter app.")

// Tests for Kubernetes-aware answer equivalence: resource aliases, quantities and kubectl command comparison.
// Quantity values are worked out by hand from the suffix definitions (Ki = 1024, m = 1/1000).
#include <catch2/catch.hpp>

#include "quiz/kubectl_equivalence.h"

using namespace kc::quiz;

TEST_CASE("resource short names and plurals map to one kind") {
    CHECK(canonicalResource("po") == "pod");
    CHECK(canonicalResource("pods") == "pod");
    CHECK(canonicalResource("Pod") == "pod");
    CHECK(canonicalResource("deploy") == "deployment");
    CHECK(canonicalResource("deployments") == "deployment");
    CHECK(canonicalResource("deployments.apps") == "deployment");
    CHECK(canonicalResource("svc") == "service");
    CHECK(canonicalResource("ns") == "namespace");
    CHECK(canonicalResource("cm") == "configmap");
    CHECK(canonicalResource("pvc") == "persistentvolumeclaim");
    CHECK(canonicalResource("pv") == "persistentvolume");
    CHECK(canonicalResource("sts") == "statefulset");
    CHECK(canonicalResource("ds") == "daemonset");
    CHECK(canonicalResource("rs") == "replicaset");
    CHECK(canonicalResource("hpa") == "horizontalpodautoscaler");
    CHECK(canonicalResource("pc") == "priorityclass");
    CHECK(canonicalResource("priorityclasses") == "priorityclass");
    CHECK(canonicalResource("crd") == "customresourcedefinition");
    CHECK(canonicalResource("netpol") == "networkpolicy");
    CHECK(canonicalResource("networkpolicies") == "networkpolicy");
    CHECK(canonicalResource("sa") == "serviceaccount");
    CHECK(canonicalResource("no") == "node");
    CHECK(canonicalResource("nodes") == "node");
    CHECK_FALSE(canonicalResource("web"));
    CHECK_FALSE(canonicalResource(""));
}

TEST_CASE("quantities parse with decimal and binary suffixes") {
    CHECK(*parseQuantity("1Gi") == Approx(1073741824.0));
    CHECK(*parseQuantity("1024Mi") == Approx(1073741824.0));
    CHECK(*parseQuantity("500m") == Approx(0.5));
    CHECK(*parseQuantity("0.5") == Approx(0.5));
    CHECK(*parseQuantity("2k") == Approx(2000.0));
    CHECK(*parseQuantity("1.5Gi") == Approx(1610612736.0));
    CHECK(*parseQuantity("1M") == Approx(1e6));
    CHECK_FALSE(parseQuantity("1GB"));
    CHECK_FALSE(parseQuantity("Gi"));
    CHECK_FALSE(parseQuantity("."));
    CHECK_FALSE(parseQuantity("pods"));
}

TEST_CASE("single-word answers match as resources or quantities") {
    CHECK(kubernetesEquivalent("1Gi", "1024Mi"));
    CHECK(kubernetesEquivalent("500m", "0.5"));
    CHECK(kubernetesEquivalent("1Gi.", "1024Mi"));  // a final full stop is punctuation in prose
    CHECK_FALSE(kubernetesEquivalent("1Gi", "1G"));  // 2^30 is not 10^9
    CHECK_FALSE(kubernetesEquivalent("1m", "1M"));    // case matters for quantity suffixes
    CHECK(kubernetesEquivalent("po", "Pods"));
    CHECK(kubernetesEquivalent("PriorityClass", "pc"));
    CHECK_FALSE(kubernetesEquivalent("pod", "node"));
    CHECK(kubernetesEquivalent("Velero", "velero"));
    CHECK_FALSE(kubernetesEquivalent("pod disruption", "pod"));
}

TEST_CASE("namespace and output flags compare in every spelling") {
    const char* canonical = "kubectl get pods -n ml -o yaml";
    CHECK(kubernetesEquivalent(canonical, "kubectl get po --namespace ml --output=yaml"));
    CHECK(kubernetesEquivalent(canonical, "kubectl get pod --namespace=ml -oyaml"));
    CHECK(kubernetesEquivalent(canonical, "kubectl get pods -n=ml -o yaml"));
    CHECK(kubernetesEquivalent(canonical, "  kubectl   get pods -n ml -o yaml  "));
    CHECK_FALSE(kubernetesEquivalent(canonical, "kubectl get pods -n ml -o json"));
    CHECK_FALSE(kubernetesEquivalent(canonical, "kubectl get pods -n default -o yaml"));
    CHECK_FALSE(kubernetesEquivalent(canonical, "kubectl get pods -o yaml"));
}

TEST_CASE("flag order in a kubectl command is irrelevant but word order is not") {
    CHECK(kubernetesEquivalent("kubectl -n ml get deploy web -o wide", "kubectl get deployments web -o wide -n ml"));
    CHECK(kubernetesEquivalent("kubectl auth can-i list secrets -n ml", "kubectl auth can-i --namespace=ml list secret"));
    CHECK_FALSE(kubernetesEquivalent("kubectl auth can-i list secrets", "kubectl auth can-i secrets list"));
    CHECK_FALSE(kubernetesEquivalent("kubectl delete pod web", "kubectl get pod web"));
    CHECK_FALSE(kubernetesEquivalent("kubectl get pods", "get pods"));
}

TEST_CASE("kubectl resource arguments canonicalise in kind/name and comma lists") {
    CHECK(kubernetesEquivalent("kubectl rollout status deploy/web", "kubectl rollout status deployment/web"));
    CHECK_FALSE(kubernetesEquivalent("kubectl rollout status deploy/web", "kubectl rollout status deploy/api"));
    CHECK(kubernetesEquivalent("kubectl get pods,svc", "kubectl get services,po"));
    // Object names are case-sensitive in Kubernetes.
    CHECK_FALSE(kubernetesEquivalent("kubectl get pod Web", "kubectl get pod web"));
}

TEST_CASE("boolean flags group and value flags take the next word") {
    CHECK(kubernetesEquivalent("kubectl exec -it web -- sh", "kubectl exec --stdin --tty web -- sh"));
    CHECK(kubernetesEquivalent("kubectl get pods -A", "kubectl get pods --all-namespaces=true"));
    // --watch takes no value, so "pods" stays the resource argument.
    CHECK(kubernetesEquivalent("kubectl get --watch pods", "kubectl get pods -w"));
    // Words after "--" belong to the container command and keep their order.
    CHECK_FALSE(kubernetesEquivalent("kubectl exec web -- ls -l", "kubectl exec web -- -l ls"));
    CHECK_FALSE(kubernetesEquivalent("kubectl apply -f .", "kubectl apply -f"));
}

TEST_CASE("kubectl debug flags take their value as the next word") {
    CHECK(kubernetesEquivalent("kubectl debug node/n1 -it --image=busybox --profile=sysadmin",
                               "kubectl debug node/n1 -it --image busybox --profile sysadmin"));
    CHECK(kubernetesEquivalent("kubectl debug web --target=app --copy-to=web-debug --image=busybox",
                               "kubectl debug web --image busybox --copy-to web-debug --target app"));
}

TEST_CASE("an optional-value flag does not take the next word") {
    // kubectl reads "--cascade orphan" as --cascade=background followed by a second name "orphan".
    CHECK_FALSE(kubernetesEquivalent("kubectl delete sts db --cascade=orphan", "kubectl delete sts db --cascade orphan"));
    CHECK(kubernetesEquivalent("kubectl delete sts db --cascade=orphan", "kubectl delete statefulset db --cascade=orphan"));
}

TEST_CASE("quantities inside flag values compare by value") {
    CHECK(kubernetesEquivalent("kubectl set resources deploy web --limits=cpu=500m,memory=1Gi",
                               "kubectl set resources deployment web --limits cpu=0.5,memory=1024Mi"));
    CHECK_FALSE(kubernetesEquivalent("kubectl set resources deploy web --limits=memory=1Gi",
                                     "kubectl set resources deploy web --limits=memory=1G"));
    CHECK(kubernetesEquivalent("kubectl create role r --verb=list --resource=pods",
                               "kubectl create role r --resource=po --verb list"));
}

// Keeps the API test double honest with a real client: runs /usr/bin/kubectl against it (version, get, table
// output, server-side apply of a CRD and its CR, delete --wait, watch, conflicts, logs, cert and token auth).
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>
#include <unistd.h>

#include "clusters/process_runner.h"
#include "tests/support/api_double.h"
#include "tests/support/temp_dir.h"

using kc::Json;
using namespace kc::testing;
using namespace std::chrono_literals;

namespace {

const char* kKubectl = "/usr/bin/kubectl";

bool kubectlPresent() { return ::access(kKubectl, X_OK) == 0; }

struct Kubectl {
    const TempDir& home;
    std::string kubeconfig;

    kc::ProcessResult run(std::vector<std::string> args, std::chrono::milliseconds timeout = 30s) const {
        kc::ProcessSpec spec;
        spec.program = kKubectl;
        spec.args = {"--kubeconfig", kubeconfig};
        spec.args.insert(spec.args.end(), args.begin(), args.end());
        // kubectl's discovery and version caches go under $HOME; keep them per test.
        spec.extraEnv = {{"HOME", home.path()}, {"KUBECONFIG", ""}};
        spec.timeout = timeout;
        auto result = kc::posixProcessRunner()->run(spec);
        REQUIRE(result);
        return *result;
    }
    // Runs and requires exit code 0, showing stderr otherwise.
    std::string ok(std::vector<std::string> args) const {
        kc::ProcessResult r = run(std::move(args));
        INFO("stderr: " << r.stderrText);
        REQUIRE(r.exitCode == 0);
        return r.stdoutText;
    }
};

Json pod(const std::string& name, const std::string& ns = "default") {
    return Json{{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", {{"name", name}, {"namespace", ns}}},
                {"spec", {{"containers", Json::array({Json{{"name", "app"}, {"image", "busybox"}}})}}}};
}

const char* kManifest = R"(apiVersion: v1
kind: Namespace
metadata:
  name: ml
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: trainer
  namespace: ml
spec:
  replicas: 2
  selector:
    matchLabels: {app: trainer}
  template:
    metadata:
      labels: {app: trainer}
    spec:
      containers:
      - name: trainer
        image: pytorch/pytorch:2.3.0
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: trainingjobs.ml.kubeclass.dev
spec:
  group: ml.kubeclass.dev
  scope: Namespaced
  names: {plural: trainingjobs, singular: trainingjob, kind: TrainingJob, shortNames: [tj]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
)";

const char* kCustomResource = R"(apiVersion: ml.kubeclass.dev/v1
kind: TrainingJob
metadata:
  name: resnet
  namespace: ml
spec:
  gpus: 2
  image: resnet:1
)";

}  // namespace

TEST_CASE("kubectl against the api double with a client certificate") {
    if (!kubectlPresent()) {
        WARN("SKIPPED: /usr/bin/kubectl not found, so the kubectl compatibility test cannot run");
        return;
    }
    ApiDoubleOptions options;
    options.crdEstablishDelay = 200ms;  // the CR apply below must cope, as against a real server
    auto api = ApiDouble::start(options);
    TempDir home;
    Kubectl k{home, api->writeKubeconfig(home.path() + "/kubeconfig")};
    api->create(pod("alpha"));
    api->create(pod("system-pod", "kube-system"));

    Json version = Json::parse(k.ok({"version", "-o", "json"}));
    CHECK(version["serverVersion"]["gitVersion"] == "v1.32.4");

    Json all = Json::parse(k.ok({"get", "pods", "-A", "-o", "json"}));
    REQUIRE(all["items"].size() == 2);
    CHECK(all["items"][0]["metadata"]["name"] == "alpha");
    CHECK(all["items"][1]["metadata"]["namespace"] == "kube-system");

    std::string table = k.ok({"get", "pods"});
    CHECK(table.find("NAME") != std::string::npos);
    CHECK(table.find("AGE") != std::string::npos);
    CHECK(table.find("alpha") != std::string::npos);
    CHECK(table.find("system-pod") == std::string::npos);

    // kubectl asked for aggregated discovery and a Table, and authenticated as the certificate's CN.
    bool aggregated = false, tableAsked = false;
    for (const auto& r : api->requests()) {
        CHECK(r.user == "student");
        std::string path = r.target.substr(0, r.target.find('?'));  // kubectl adds ?timeout=32s
        if (path == "/apis" || path == "/api")
            aggregated = aggregated || r.accept.find("apidiscovery.k8s.io") != std::string::npos;
        if (r.target.rfind("/api/v1/namespaces/default/pods", 0) == 0)
            tableAsked = tableAsked || r.accept.find("as=Table") != std::string::npos;
    }
    CHECK(aggregated);
    CHECK(tableAsked);

    std::string manifest = home.write("manifest.yaml", kManifest);
    std::string applied = k.ok({"apply", "--server-side", "--validate=false", "-f", manifest});
    CHECK(applied.find("deployment.apps/trainer serverside-applied") != std::string::npos);
    auto deployment = api->get("apps/v1", "Deployment", "ml", "trainer");
    REQUIRE(deployment);
    CHECK((*deployment)["metadata"]["managedFields"][0]["manager"] == "kubectl");
    CHECK((*deployment)["metadata"]["managedFields"][0]["operation"] == "Apply");

    // The CR in a second apply, once the CRD is established (kubectl itself does not wait).
    k.ok({"wait", "--for=condition=Established", "crd/trainingjobs.ml.kubeclass.dev", "--timeout=10s"});
    std::string cr = home.write("cr.yaml", kCustomResource);
    k.ok({"apply", "--server-side", "--validate=false", "-f", cr});
    std::string crYaml = k.ok({"get", "trainingjobs", "-n", "ml", "-o", "yaml"});
    CHECK(crYaml.find("name: resnet") != std::string::npos);
    CHECK(crYaml.find("gpus: 2") != std::string::npos);
    CHECK(k.ok({"get", "tj", "-n", "ml"}).find("resnet") != std::string::npos);

    // A second manager changing replicas conflicts, naming the owner; --force-conflicts takes it.
    std::string scale = home.write("scale.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: trainer, namespace: ml}
spec:
  replicas: 5
)");
    kc::ProcessResult conflict =
        k.run({"apply", "--server-side", "--validate=false", "--field-manager=autoscaler", "-f", scale});
    CHECK(conflict.exitCode != 0);
    CHECK(conflict.stderrText.find("conflict with \"kubectl\": .spec.replicas") != std::string::npos);
    k.ok({"apply", "--server-side", "--validate=false", "--field-manager=autoscaler", "--force-conflicts", "-f", scale});
    CHECK((*api->get("apps/v1", "Deployment", "ml", "trainer"))["spec"]["replicas"] == 5);

    // kubectl scale goes through /scale; the next apply of the manifest's replicas then conflicts with that
    // Update, in the real server's words.
    k.ok({"scale", "deployment", "trainer", "-n", "ml", "--replicas=7"});
    CHECK((*api->get("apps/v1", "Deployment", "ml", "trainer"))["spec"]["replicas"] == 7);
    std::string replicas2 = home.write("replicas2.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: trainer, namespace: ml}
spec:
  replicas: 2
)");
    kc::ProcessResult afterScale =
        k.run({"apply", "--server-side", "--validate=false", "--field-manager=autoscaler", "-f", replicas2});
    CHECK(afterScale.exitCode != 0);
    CHECK(afterScale.stderrText.find("using apps/v1: .spec.replicas") != std::string::npos);

    api->setPodLog("default", "alpha", "app", "line one\nline two\n");
    CHECK(k.ok({"logs", "alpha"}) == "line one\nline two\n");
    CHECK(k.ok({"logs", "alpha", "--tail=1"}) == "line two\n");

    std::string deleted = k.ok({"delete", "pod", "alpha", "--wait=true"});
    CHECK(deleted.find("pod \"alpha\" deleted") != std::string::npos);
    CHECK_FALSE(api->get("v1", "Pod", "default", "alpha"));
    kc::ProcessResult missing = k.run({"get", "pod", "alpha"});
    CHECK(missing.exitCode != 0);
    CHECK(missing.stderrText.find("NotFound") != std::string::npos);

    // Watch: an object created from another thread while kubectl watches shows up in its output.
    std::thread creator([&] {
        std::this_thread::sleep_for(1200ms);
        api->create(pod("watched"));
    });
    kc::ProcessResult watched = k.run({"get", "pods", "--watch-only", "--request-timeout=3s", "-o", "json"});
    creator.join();
    INFO("stderr: " << watched.stderrText);
    CHECK(watched.stdoutText.find("\"name\": \"watched\"") != std::string::npos);

    // Deleting everything by manifest works even though the namespace goes first.
    k.ok({"delete", "-f", manifest, "--wait=true"});
    CHECK_FALSE(api->get("v1", "Namespace", "", "ml"));
    CHECK(k.run({"get", "trainingjobs", "-A"}).exitCode != 0);  // the CRD is gone with its resources
}

TEST_CASE("kubectl against the api double with a bearer token and legacy discovery") {
    if (!kubectlPresent()) {
        WARN("SKIPPED: /usr/bin/kubectl not found, so the kubectl compatibility test cannot run");
        return;
    }
    ApiDoubleOptions options;
    options.aggregatedDiscovery = false;
    auto api = ApiDouble::start(options);
    TempDir home;
    Kubectl k{home, api->writeKubeconfig(home.path() + "/kubeconfig", true)};
    api->create(pod("tokened"));
    Json all = Json::parse(k.ok({"get", "pods", "-A", "-o", "json"}));
    REQUIRE(all["items"].size() == 1);
    CHECK(all["items"][0]["metadata"]["name"] == "tokened");
    std::string applied = k.ok({"apply", "--server-side", "--validate=false", "-f", home.write("m.yaml", kManifest)});
    CHECK(applied.find("namespace/ml serverside-applied") != std::string::npos);
    bool legacyGroupsRead = false;
    for (const auto& r : api->requests()) {
        CHECK(r.user == "token-user");
        legacyGroupsRead = legacyGroupsRead || r.target.substr(0, r.target.find('?')) == "/apis/apps/v1";
    }
    CHECK(legacyGroupsRead);  // without aggregated discovery kubectl reads the per-group lists

    api->setTokens({"another"});
    kc::ProcessResult rejected = k.run({"get", "pods"});
    CHECK(rejected.exitCode != 0);
    CHECK(rejected.stderrText.find("Unauthorized") != std::string::npos);
}

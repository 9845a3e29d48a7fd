// Profile loading: node names as kind assigns them, the generated kind config, and every kind of error reported
// with file:line:col and field, all at once.
#include <catch2/catch.hpp>

#include "clusters/kind_config.h"
#include "clusters/profile_loader.h"
#include "tests/support/temp_dir.h"

using kc::testing::TempDir;

namespace {

const char* kMinimal = R"(id: demo
description: a demo
resources: {memoryMiB: 2048, cpus: 2, diskGiB: 10}
clusters:
  - name: demo
    kind:
      kind: Cluster
      apiVersion: kind.x-k8s.io/v1alpha4
      nodes:
        - role: control-plane
        - role: worker
        - role: worker
    nodes:
      - index: 2
        labels: {pool: gpu}
        taints: [{key: nvidia.com/gpu, value: present, effect: NoSchedule}]
        gpu: {mode: simulated, product: Tesla-T4, count: 2, memoryMiB: 15360}
)";

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t nl = text.find('\n', start);
        out.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
    return out;
}

}  // namespace

TEST_CASE("kind node names number each role separately and leave the first unnumbered", "[profile]") {
    auto names = kc::kindNodeNames("lab", {"control-plane", "worker", "control-plane", "worker", "worker"});
    REQUIRE(names == std::vector<std::string>{"lab-control-plane", "lab-worker", "lab-control-plane2", "lab-worker2",
                                              "lab-worker3"});
}

TEST_CASE("a valid profile gives nodes, GPU specs and subnets", "[profile]") {
    auto profile = kc::parseProfile(kMinimal, "/nowhere/demo.yaml");
    REQUIRE(profile.has_value());
    REQUIRE(profile->clusters.size() == 1);
    const auto& c = profile->clusters[0];
    REQUIRE(c.nodes.size() == 3);
    CHECK(c.nodes[2].name == "demo-worker2");
    CHECK(c.nodes[2].labels.at("pool") == "gpu");
    REQUIRE(c.gpuNodes.size() == 1);
    CHECK(c.gpuNodes[0].nodeName == "demo-worker2");
    CHECK(c.gpuNodes[0].product == "Tesla-T4");
    CHECK(c.gpuNodes[0].count == 2);
    CHECK(c.gpuNodes[0].memoryMiB == 15360);
    REQUIRE(c.gpuNodes[0].taints.size() == 1);
    CHECK(c.gpuNodes[0].taints[0].key == "nvidia.com/gpu");
    CHECK(c.podSubnet == "10.244.0.0/16");  // kind's default when not set
    CHECK(c.serviceSubnet == "10.96.0.0/12");
    CHECK(profile->usesSimulatedGpus());
    CHECK_FALSE(profile->usesRealGpus());
    CHECK(profile->estimate.memoryMiB == 2048);
}

TEST_CASE("the generated kind config carries labels and a JoinConfiguration taint patch", "[profile]") {
    auto profile = kc::parseProfile(kMinimal, "/nowhere/demo.yaml");
    REQUIRE(profile.has_value());
    kc::Json config = kc::kindConfigFor(profile->clusters[0]);
    REQUIRE(config["nodes"].size() == 3);
    const kc::Json& gpuNode = config["nodes"][2];
    CHECK(gpuNode["role"] == "worker");
    CHECK(gpuNode["labels"]["pool"] == "gpu");
    REQUIRE(gpuNode["kubeadmConfigPatches"].size() == 1);
    std::string patch = gpuNode["kubeadmConfigPatches"][0].get<std::string>();
    CHECK_THAT(patch, Catch::StartsWith("kind: JoinConfiguration\n"));
    CHECK_THAT(patch, Catch::Contains("key: \"nvidia.com/gpu\""));
    CHECK_THAT(patch, Catch::Contains("value: \"present\""));
    CHECK_THAT(patch, Catch::Contains("effect: \"NoSchedule\""));
    CHECK_FALSE(config["nodes"][1].contains("kubeadmConfigPatches"));
    CHECK_FALSE(config["nodes"][0].contains("labels"));
}

TEST_CASE("every error is reported with file, line, column and field", "[profile]") {
    const char* text = R"(id: broken
description: 7
resources: {memoryMiB: lots, cpus: 2}
colour: blue
clusters:
  - name: Bad_Name
    kind:
      kind: Cluster
      apiVersion: kind.x-k8s.io/v1alpha4
      nodes:
        - role: control-plane
        - role: worker
    nodes:
      - index: 0
        taints: [{key: a, effect: NoSchedule}]
      - index: 0
        gpu: {mode: simulated}
      - index: 5
      - index: 1
        gpu: {mode: real, hostGpus: [0, 0]}
        taints: [{key: b, effect: Sometimes}]
    addons:
      - name: metrics
        helm: {repo: https://x, chart: m, version: latest, namespace: kube-system, extra: 1}
)";
    auto profile = kc::parseProfile(text, "/p/broken.yaml");
    REQUIRE_FALSE(profile.has_value());
    CHECK(profile.error().kind == kc::ErrorKind::Invalid);
    auto msgs = lines(profile.error().message);
    auto has = [&](const std::string& prefix, const std::string& words) {
        for (const auto& m : msgs)
            if (m.rfind(prefix, 0) == 0 && m.find(words) != std::string::npos) return true;
        return false;
    };
    CHECK(has("/p/broken.yaml:2:14: description:", "expected a string"));
    CHECK(has("/p/broken.yaml:3:24: resources.memoryMiB:", "expected a whole number"));
    CHECK(has("/p/broken.yaml:3:", "resources.diskGiB: missing"));
    CHECK(has("/p/broken.yaml:4:9: colour:", "unknown key"));
    CHECK(has("/p/broken.yaml:6:11: clusters[0].name:", "lowercase"));
    CHECK(has("/p/broken.yaml:15:", "only worker nodes"));
    CHECK(has("/p/broken.yaml:16:16: clusters[0].nodes[1].index:", "already has extras"));
    CHECK(has("/p/broken.yaml:18:16: clusters[0].nodes[2].index:", "does not exist"));
    CHECK(has("/p/broken.yaml:20:", "clusters[0].nodes[3].gpu.hostGpus[1]: GPU 0 is listed twice"));
    CHECK(has("/p/broken.yaml:21:", "clusters[0].nodes[3].taints[0].effect: must be NoSchedule"));
    CHECK(has("/p/broken.yaml:24:", "clusters[0].addons[0].helm.version: \"latest\" is not a pinned version"));
    CHECK(has("/p/broken.yaml:24:", "clusters[0].addons[0].helm.extra: unknown key"));
    CHECK(msgs.size() >= 12);
}

TEST_CASE("a GPU on a control-plane node is an error naming the node's role", "[profile]") {
    const char* text = R"(id: cp
description: d
resources: {memoryMiB: 1, cpus: 1, diskGiB: 1}
clusters:
  - name: cp
    kind: {kind: Cluster, apiVersion: kind.x-k8s.io/v1alpha4, nodes: [{role: control-plane}]}
    nodes:
      - index: 0
        gpu: {mode: simulated, count: 1}
)";
    auto profile = kc::parseProfile(text, "/p/cp.yaml");
    REQUIRE_FALSE(profile.has_value());
    CHECK_THAT(profile.error().message, Catch::Contains("/p/cp.yaml:9:14: clusters[0].nodes[0].gpu: node 0 is a control-plane node; GPU nodes must be workers"));
}

TEST_CASE("clusters of one profile may not share names, subnets or host ports", "[profile]") {
    const char* text = R"(id: multi
description: d
resources: {memoryMiB: 1, cpus: 1, diskGiB: 1}
routePodNetworks: true
clusters:
  - name: one
    kind:
      kind: Cluster
      apiVersion: kind.x-k8s.io/v1alpha4
      networking: {podSubnet: 10.10.0.0/16, serviceSubnet: 10.110.0.0/16}
      nodes: [{role: control-plane, extraPortMappings: [{containerPort: 80, hostPort: 8080}]}]
  - name: two
    kind:
      kind: Cluster
      apiVersion: kind.x-k8s.io/v1alpha4
      networking: {podSubnet: 10.10.128.0/17, serviceSubnet: 10.120.0.0/16}
      nodes: [{role: control-plane, extraPortMappings: [{containerPort: 80, hostPort: 8080}]}]
  - name: one
    kind:
      kind: Cluster
      apiVersion: kind.x-k8s.io/v1alpha4
      networking: {podSubnet: 10.30.0.0/16, serviceSubnet: 10.130.0.0/33}
)";
    auto profile = kc::parseProfile(text, "/p/multi.yaml");
    REQUIRE_FALSE(profile.has_value());
    const std::string& m = profile.error().message;
    CHECK_THAT(m, Catch::Contains("/p/multi.yaml:16:31: clusters[1].kind.networking.podSubnet: 10.10.128.0/17 overlaps podSubnet 10.10.0.0/16 of cluster \"one\""));
    CHECK_THAT(m, Catch::Contains("clusters[1].kind: host port 0.0.0.0:8080/TCP (node two-control-plane) is already mapped by clusters[0]"));
    CHECK_THAT(m, Catch::Contains("/p/multi.yaml:18:11: clusters[2].name: node name one-control-plane is also a node of clusters[0]"));
    CHECK_THAT(m, Catch::Contains("clusters[2].kind.networking.serviceSubnet: expected an IPv4 CIDR"));
}

TEST_CASE("two clusters left on kind's default subnets overlap", "[profile]") {
    const char* text = R"(id: defaults
description: d
resources: {memoryMiB: 1, cpus: 1, diskGiB: 1}
clusters:
  - name: a
    kind: {kind: Cluster, apiVersion: kind.x-k8s.io/v1alpha4}
  - name: b
    kind: {kind: Cluster, apiVersion: kind.x-k8s.io/v1alpha4}
)";
    auto profile = kc::parseProfile(text, "/p/defaults.yaml");
    REQUIRE_FALSE(profile.has_value());
    CHECK_THAT(profile.error().message, Catch::Contains("10.244.0.0/16 overlaps podSubnet 10.244.0.0/16 of cluster \"a\""));
    CHECK_THAT(profile.error().message, Catch::Contains("10.96.0.0/12 overlaps serviceSubnet 10.96.0.0/12 of cluster \"a\""));
}

TEST_CASE("post-create manifests resolve against the profile's folder and must exist", "[profile]") {
    TempDir dir;
    dir.write("manifests/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n");
    std::string text = R"(id: steps
description: d
resources: {memoryMiB: 1, cpus: 1, diskGiB: 1}
clusters:
  - name: steps
    kind: {kind: Cluster, apiVersion: kind.x-k8s.io/v1alpha4, nodes: [{role: control-plane}, {role: worker}]}
    postCreate:
      - apply: manifests/ns.yaml
      - exec: {node: 1, command: [sysctl, -w, net.ipv4.ip_forward=1]}
      - apply: manifests/missing.yaml
      - exec: {node: 4, command: []}
)";
    std::string path = dir.write("steps.yaml", text);
    auto profile = kc::loadProfileFile(path);
    REQUIRE_FALSE(profile.has_value());
    const std::string& m = profile.error().message;
    CHECK_THAT(m, Catch::Contains(path + ":10:16: clusters[0].postCreate[2].apply: no such manifest file: " + dir.path() + "/manifests/missing.yaml"));
    CHECK_THAT(m, Catch::Contains("clusters[0].postCreate[3].exec.node: node 4 does not exist"));
    CHECK_THAT(m, Catch::Contains("clusters[0].postCreate[3].exec.command: must not be empty"));

    // Without the bad steps the two good ones load, in order.
    std::string good = text.substr(0, text.find("      - apply: manifests/missing.yaml"));
    auto ok = kc::parseProfile(good, dir.path() + "/steps.yaml");
    REQUIRE(ok.has_value());
    REQUIRE(ok->clusters[0].postCreate.size() == 2);
    CHECK(ok->clusters[0].postCreate[0].manifestPath == dir.path() + "/manifests/ns.yaml");
    CHECK(ok->clusters[0].postCreate[1].node == "steps-worker");
    CHECK(ok->clusters[0].postCreate[1].command == std::vector<std::string>{"sysctl", "-w", "net.ipv4.ip_forward=1"});
}

TEST_CASE("a profile whose id differs from its file name is refused", "[profile]") {
    auto profile = kc::parseProfile(kMinimal, "/p/other.yaml");
    REQUIRE_FALSE(profile.has_value());
    CHECK_THAT(profile.error().message, Catch::Contains("/p/other.yaml:1:5: id: \"demo\" differs from the file name \"other.yaml\""));
}

TEST_CASE("malformed YAML and non-mapping profiles are errors, not crashes", "[profile]") {
    auto bad = kc::parseProfile("id: [unclosed\n", "/p/x.yaml");
    REQUIRE_FALSE(bad.has_value());
    CHECK_THAT(bad.error().message, Catch::StartsWith("/p/x.yaml:"));
    auto list = kc::parseProfile("- a\n- b\n", "/p/x.yaml");
    REQUIRE_FALSE(list.has_value());
    CHECK_THAT(list.error().message, Catch::Contains("expected a mapping"));
    std::string deep = "id: ";
    for (int i = 0; i < 60; ++i) deep += "[";
    auto tooDeep = kc::parseProfile(deep, "/p/x.yaml");
    CHECK_FALSE(tooDeep.has_value());
    auto missing = kc::loadProfileFile("/definitely/not/here.yaml");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().kind == kc::ErrorKind::NotFound);
}

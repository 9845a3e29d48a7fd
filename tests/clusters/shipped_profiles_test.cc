// The profiles kubeclass ships (clusters/profiles/) load without errors and have what issue 3 asks of each lab.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <set>

#include "clusters/data_roots.h"
#include "clusters/kind_config.h"
#include "clusters/profile_locator.h"
#include "clusters/profile_loader.h"
#include "kubeclass_version.h"

namespace {

const std::string kProfiles = std::string(KUBECLASS_SOURCE_DIR) + "/clusters/profiles";

kc::Profile load(const std::string& id) {
    auto p = kc::loadProfileFile(kProfiles + "/" + id + ".yaml");
    INFO((p ? "" : p.error().message));
    REQUIRE(p.has_value());
    return *p;
}

int countRole(const kc::ClusterProfile& c, const std::string& role) {
    int n = 0;
    for (const auto& node : c.nodes) n += node.role == role;
    return n;
}

bool hasTaint(const kc::GpuNodeSpec& spec, const std::string& key, const std::string& value, const std::string& effect) {
    for (const auto& t : spec.taints)
        if (t.key == key && t.value == value && t.effect == effect) return true;
    return false;
}

}  // namespace

TEST_CASE("every shipped profile loads, and its id is its file name", "[profile][shipped]") {
    int count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(kProfiles)) {
        if (entry.path().extension() != ".yaml") continue;
        ++count;
        auto p = kc::loadProfileFile(entry.path().string());
        INFO(entry.path().string() << ": " << (p ? "" : p.error().message));
        REQUIRE(p.has_value());
        CHECK(p->id == entry.path().stem().string());
        CHECK(p->estimate.memoryMiB > 0);
        CHECK(p->estimate.cpus > 0);
        CHECK(p->estimate.diskGiB > 0);
        for (const auto& c : p->clusters)
            for (const auto& a : c.addons) CHECK_FALSE(a.version.empty());
    }
    CHECK(count >= 5);
}

TEST_CASE("lab-01 is one control plane and two workers", "[profile][shipped]") {
    auto p = load("lab-01");
    REQUIRE(p.clusters.size() == 1);
    CHECK(countRole(p.clusters[0], "control-plane") == 1);
    CHECK(countRole(p.clusters[0], "worker") == 2);
    CHECK(p.clusters[0].gpuNodes.empty());
}

TEST_CASE("lab-02-gpu-sim has two simulated 4 x A100-40GB workers with the GPU taint and one CPU-only worker", "[profile][shipped]") {
    auto p = load("lab-02-gpu-sim");
    REQUIRE(p.clusters.size() == 1);
    const auto& c = p.clusters[0];
    CHECK(countRole(c, "control-plane") == 1);
    CHECK(countRole(c, "worker") == 3);
    REQUIRE(c.gpuNodes.size() == 2);
    for (const auto& g : c.gpuNodes) {
        CHECK(g.mode == kc::GpuMode::Simulated);
        CHECK(g.count == 4);
        CHECK(g.memoryMiB == 40960);
        CHECK_THAT(g.product, Catch::Contains("A100") && Catch::Contains("40GB"));
        CHECK(hasTaint(g, "nvidia.com/gpu", "present", "NoSchedule"));
        const kc::ProfileNode* node = c.node(g.nodeName);
        REQUIRE(node != nullptr);
        CHECK(node->role == "worker");
    }
    // The third worker is the CPU-only one: no GPU spec and no taint.
    int cpuOnly = 0;
    for (const auto& n : c.nodes)
        if (n.role == "worker" && n.taints.empty() &&
            std::none_of(c.gpuNodes.begin(), c.gpuNodes.end(), [&](const kc::GpuNodeSpec& g) { return g.nodeName == n.name; }))
            ++cpuOnly;
    CHECK(cpuOnly == 1);
    // The taint reaches kind as a JoinConfiguration patch on exactly the GPU workers.
    kc::Json config = kc::kindConfigFor(c);
    int patched = 0;
    for (const auto& n : config["nodes"])
        if (n.contains("kubeadmConfigPatches")) {
            ++patched;
            CHECK_THAT(n["kubeadmConfigPatches"][0].get<std::string>(), Catch::Contains("JoinConfiguration"));
        }
    CHECK(patched == 2);
    CHECK(p.usesSimulatedGpus());
    CHECK_FALSE(p.usesRealGpus());
}

TEST_CASE("lab-02-gpu-real gives real host GPUs to a tainted worker", "[profile][shipped]") {
    auto p = load("lab-02-gpu-real");
    REQUIRE(p.clusters.size() == 1);
    REQUIRE(p.clusters[0].gpuNodes.size() >= 1);
    for (const auto& g : p.clusters[0].gpuNodes) {
        CHECK(g.mode == kc::GpuMode::Real);
        CHECK(hasTaint(g, "nvidia.com/gpu", "present", "NoSchedule"));
    }
    CHECK(p.usesRealGpus());
}

TEST_CASE("lab-03-mesh is 1+2 nodes publishing ports 80 and 443 with room for Istio's demo profile", "[profile][shipped]") {
    auto p = load("lab-03-mesh");
    REQUIRE(p.clusters.size() == 1);
    const auto& c = p.clusters[0];
    CHECK(countRole(c, "control-plane") == 1);
    CHECK(countRole(c, "worker") == 2);
    std::set<int> ports;
    for (const auto& hp : c.hostPorts) ports.insert(hp.hostPort);
    CHECK(ports.count(80) == 1);
    CHECK(ports.count(443) == 1);
    // Istio's demo profile alone asks for several GiB; 8 GiB and 4 CPUs leave room for the sample app.
    CHECK(p.estimate.memoryMiB >= 8192);
    CHECK(p.estimate.cpus >= 4);
}

TEST_CASE("lab-04-multi is a hub and two members with distinct subnets and routes between them", "[profile][shipped]") {
    auto p = load("lab-04-multi");
    REQUIRE(p.clusters.size() == 3);
    CHECK(p.routePodNetworks);
    CHECK(p.isMultiCluster());
    std::set<std::string> pods, services, names;
    for (const auto& c : p.clusters) {
        pods.insert(c.podSubnet);
        services.insert(c.serviceSubnet);
        names.insert(c.name);
        CHECK(c.podSubnet != kc::kKindDefaultPodSubnet);
    }
    CHECK(pods.size() == 3);
    CHECK(services.size() == 3);
    CHECK(names.count("lab-04-hub") == 1);
}

TEST_CASE("profiles are found by id under the data root, or by path", "[profile]") {
    auto byId = kc::locateProfile("lab-02-gpu-sim", {std::string(KUBECLASS_SOURCE_DIR)});
    REQUIRE(byId.has_value());
    CHECK(*byId == kProfiles + "/lab-02-gpu-sim.yaml");
    auto byPath = kc::locateProfile(kProfiles + "/lab-01.yaml", {});
    REQUIRE(byPath.has_value());
    auto missing = kc::locateProfile("lab-99", {std::string(KUBECLASS_SOURCE_DIR)});
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().kind == kc::ErrorKind::NotFound);
    CHECK_THAT(missing.error().message, Catch::Contains("lab-01, lab-02-gpu-real, lab-02-gpu-sim"));
    auto sneaky = kc::locateProfile("../lab-01", {std::string(KUBECLASS_SOURCE_DIR)});
    CHECK_FALSE(sneaky.has_value());
    auto noRoot = kc::locateProfile("lab-01", {"/nonexistent-root"});
    REQUIRE_FALSE(noRoot.has_value());
    CHECK_THAT(noRoot.error().message, Catch::Contains("KUBECLASS_DATA_DIR"));
}

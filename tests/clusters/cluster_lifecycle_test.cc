// `cluster up|down|status` end to end: fake kind, docker and helm on PATH that record argv, and the API double
// standing in for each cluster's API server (kind's `get kubeconfig` prints the double's kubeconfig).
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <set>
#include <thread>

#include "clusters/cluster_lifecycle.h"
#include "clusters/gpu_simulator.h"
#include "clusters/profile_loader.h"
#include "kubeclass_version.h"
#include "tests/clusters/fake_host_probes.h"
#include "tests/clusters/kind_output_fixture.h"
#include "tests/support/api_double.h"
#include "tests/support/fake_tool.h"
#include "tests/support/temp_dir.h"

using namespace kc;
using namespace kc::testing;

namespace {

Profile shipped(const std::string& id) {
    auto p = loadProfileFile(std::string(KUBECLASS_SOURCE_DIR) + "/clusters/profiles/" + id + ".yaml");
    REQUIRE(p.has_value());
    return *p;
}

// A kind node as the kubelet registers it, Ready unless told otherwise, with its address and pod range.
Json kindNode(const std::string& name, const std::string& ip, const std::string& podCidr, bool ready = true) {
    return Json{{"apiVersion", "v1"},
                {"kind", "Node"},
                {"metadata", {{"name", name}, {"labels", {{"kubernetes.io/hostname", name}}}}},
                {"spec", {{"podCIDR", podCidr}}},
                {"status",
                 {{"capacity", {{"cpu", "8"}, {"memory", "16Gi"}, {"pods", "110"}}},
                  {"allocatable", {{"cpu", "8"}, {"memory", "16Gi"}, {"pods", "110"}}},
                  {"addresses", Json::array({{{"type", "InternalIP"}, {"address", ip}}, {{"type", "Hostname"}, {"address", name}}})},
                  {"conditions", Json::array({{{"type", "Ready"}, {"status", ready ? "True" : "False"}}})}}}};
}

struct Harness {
    TempDir dir;
    FakeTool kind{dir, "kind"}, docker{dir, "docker"}, helm{dir, "helm"}, kubectl{dir, "kubectl"};
    std::vector<LifecycleEvent> events;

    LifecycleOptions options() {
        LifecycleOptions o;
        o.preflight.tools.kind = kind.path();
        o.preflight.tools.docker = docker.path();
        o.preflight.tools.extraEnv = {kind.pathEnv()};
        o.preflight.helm = helm.path();
        o.preflight.kubectl = kubectl.path();
        o.kubeconfigPath = dir.path() + "/state/kubeconfig";
        o.skipPreflight = true;
        o.nodeReadyTimeout = std::chrono::seconds(20);
        o.onProgress = [this](const LifecycleEvent& e) { events.push_back(e); };
        return o;
    }
    // kind answers `create` like a successful create and `get kubeconfig --name NAME` with the double's kubeconfig.
    void serve(const std::string& name, const ApiDouble& api) {
        std::string file = api.writeKubeconfig(dir.path() + "/" + name + "-double.kubeconfig");
        kind.on({"create", "cluster", "--name", name}, {.stderrText = kindCreateStderr(name)});
        kind.on({"get", "kubeconfig", "--name", name}, {.stdoutFile = file});
    }
    bool sawEvent(const std::string& step, const std::string& words) const {
        for (const auto& e : events)
            if (e.step == step && e.message.find(words) != std::string::npos) return true;
        return false;
    }
};

}  // namespace

TEST_CASE("up creates lab-02-gpu-sim, simulates its GPUs, applies post-create manifests and installs addons", "[lifecycle]") {
    Harness h;
    auto api = ApiDouble::start();
    for (const char* n : {"lab-02-gpu-sim-control-plane", "lab-02-gpu-sim-worker", "lab-02-gpu-sim-worker2", "lab-02-gpu-sim-worker3"})
        api->create(kindNode(n, "172.18.0.2", "10.244.0.0/24"));
    h.kind.on({"get", "clusters"}, {.stderrText = "No kind clusters found.\n"});
    h.serve("lab-02-gpu-sim", *api);

    ClusterLifecycle lifecycle(posixProcessRunner(), nullptr, h.options());
    auto report = lifecycle.up(shipped("lab-02-gpu-sim"));
    INFO((report ? "" : report.error().message));
    REQUIRE(report.has_value());

    // kind create got the profile's image and the harness-owned kubeconfig.
    auto creates = h.kind.callsStartingWith({"create", "cluster", "--name", "lab-02-gpu-sim"});
    REQUIRE(creates.size() == 1);
    std::string argv = joinArgs(creates[0]);
    CHECK_THAT(argv, Catch::Contains("--image kindest/node:v1.31.2"));
    CHECK_THAT(argv, Catch::Contains("--kubeconfig " + h.dir.path() + "/state/kubeconfig"));

    // The connection kubeconfig is private to the user.
    std::string kubeconfigFile = h.dir.path() + "/state/lab-02-gpu-sim.kubeconfig";
    REQUIRE(report->clusters.size() == 1);
    CHECK(report->clusters[0].kubeconfigFile == kubeconfigFile);
    struct stat info {};
    REQUIRE(::stat(kubeconfigFile.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);

    // Simulated GPUs: capacity 4 on both GPU workers, none on the CPU-only worker.
    for (const char* n : {"lab-02-gpu-sim-worker", "lab-02-gpu-sim-worker2"}) {
        auto node = api->get("v1", "Node", "", n);
        REQUIRE(node.has_value());
        CHECK((*node)["status"]["capacity"]["nvidia.com/gpu"] == "4");
        CHECK((*node)["metadata"]["labels"]["nvidia.com/gpu.product"] == "NVIDIA-A100-SXM4-40GB");
    }
    CHECK_FALSE((*api->get("v1", "Node", "", "lab-02-gpu-sim-worker3"))["status"]["capacity"].contains("nvidia.com/gpu"));

    // Post-create manifest applied.
    CHECK(api->get("v1", "Namespace", "", "ml-workloads").has_value());

    // The pinned metrics-server chart with its values.
    auto installs = h.helm.callsStartingWith({"upgrade", "--install", "metrics-server", "metrics-server"});
    REQUIRE(installs.size() == 1);
    std::string helmArgs = joinArgs(installs[0]);
    CHECK_THAT(helmArgs, Catch::Contains("--repo https://kubernetes-sigs.github.io/metrics-server/"));
    CHECK_THAT(helmArgs, Catch::Contains("--version 3.12.2"));
    CHECK_THAT(helmArgs, Catch::Contains("--namespace kube-system"));
    CHECK_THAT(helmArgs, Catch::Contains("--kubeconfig " + kubeconfigFile));
    CHECK_THAT(helmArgs, Catch::Contains("--values "));

    // The summary rows come from node status: GPU workers show simulated capacity.
    int gpuRows = 0;
    for (const auto& row : report->clusters[0].nodes)
        if (row.gpuCapacity.count("nvidia.com/gpu") && row.gpuCapacity.at("nvidia.com/gpu") == 4) ++gpuRows;
    CHECK(gpuRows == 2);
    CHECK(h.sawEvent("kind", "done: joining worker nodes"));
    CHECK(h.sawEvent("nodes", "all nodes Ready"));
    CHECK(h.sawEvent("gpu", "simulated GPUs on 2 node(s)"));
}

TEST_CASE("up reuses a cluster that already exists instead of recreating it", "[lifecycle]") {
    Harness h;
    auto api = ApiDouble::start();
    for (const char* n : {"lab-01-control-plane", "lab-01-worker", "lab-01-worker2"}) api->create(kindNode(n, "172.18.0.2", "10.244.0.0/24"));
    h.kind.on({"get", "clusters"}, {.stdoutText = "lab-01\n"});
    h.serve("lab-01", *api);
    ClusterLifecycle lifecycle(posixProcessRunner(), nullptr, h.options());
    auto report = lifecycle.up(shipped("lab-01"));
    INFO((report ? "" : report.error().message));
    REQUIRE(report.has_value());
    CHECK(report->clusters[0].reused);
    CHECK(h.kind.callsStartingWith({"create"}).empty());
    CHECK(h.sawEvent("kind", "exists already: reusing it"));
    CHECK(api->get("v1", "Namespace", "", "training").has_value());
}

TEST_CASE("a failed kind create stops up with the stage, and nothing else runs", "[lifecycle]") {
    Harness h;
    h.kind.on({"get", "clusters"}, {.stderrText = "No kind clusters found.\n"});
    h.kind.on({"create", "cluster"}, {.stderrText = kindCreateStderr("lab-01", 4), .exitCode = 1});
    ClusterLifecycle lifecycle(posixProcessRunner(), nullptr, h.options());
    auto report = lifecycle.up(shipped("lab-01"));
    REQUIRE_FALSE(report.has_value());
    CHECK_THAT(report.error().message, Catch::StartsWith("cluster lab-01: creating kind cluster lab-01 failed at stage \"installing CNI\""));
    CHECK(h.kind.callsStartingWith({"delete", "cluster", "--name", "lab-01"}).size() == 1);
    CHECK(h.kind.callsStartingWith({"get", "kubeconfig"}).empty());
}

TEST_CASE("a node that never becomes Ready times out naming the node", "[lifecycle]") {
    Harness h;
    auto api = ApiDouble::start();
    api->create(kindNode("lab-01-control-plane", "172.18.0.2", "10.244.0.0/24"));
    api->create(kindNode("lab-01-worker", "172.18.0.3", "10.244.1.0/24", /*ready=*/false));
    api->create(kindNode("lab-01-worker2", "172.18.0.4", "10.244.2.0/24"));
    h.kind.on({"get", "clusters"}, {.stdoutText = "lab-01\n"});
    h.serve("lab-01", *api);
    auto options = h.options();
    options.nodeReadyTimeout = std::chrono::milliseconds(1500);
    ClusterLifecycle lifecycle(posixProcessRunner(), nullptr, options);
    auto report = lifecycle.up(shipped("lab-01"));
    REQUIRE_FALSE(report.has_value());
    CHECK(report.error().kind == ErrorKind::Timeout);
    CHECK_THAT(report.error().message, Catch::Contains("node lab-01-worker was not Ready"));
    CHECK_THAT(report.error().message, Catch::Contains("kubectl describe node lab-01-worker"));
}

TEST_CASE("a failing preflight stops up before anything is created", "[lifecycle]") {
    Harness h;
    h.kind.on({"get", "clusters"}, {.stderrText = "No kind clusters found.\n"});
    h.kind.on({"version"}, {.stdoutText = "kind v0.25.0 go1.22.9 linux/amd64\n"});
    h.docker.on({"info"}, {.stderrText = "Cannot connect to the Docker daemon\n", .exitCode = 1});
    auto options = h.options();
    options.skipPreflight = false;
    auto probes = std::make_shared<FakeHostProbes>(FakeHostProbes::roomy());
    ClusterLifecycle lifecycle(posixProcessRunner(), probes, options);
    auto report = lifecycle.up(shipped("lab-01"));
    REQUIRE_FALSE(report.has_value());
    CHECK(report.error().kind == ErrorKind::Invalid);
    CHECK_THAT(report.error().message, Catch::Contains("FAIL  Docker engine reachable"));
    CHECK(h.kind.callsStartingWith({"create"}).empty());
    CHECK_FALSE(lifecycle.lastUp().preflight.ok());
}

TEST_CASE("up of lab-04-multi routes every node to every other cluster's pod ranges", "[lifecycle]") {
    Harness h;
    auto hub = ApiDouble::start();
    auto a = ApiDouble::start();
    auto b = ApiDouble::start();
    hub->create(kindNode("lab-04-hub-control-plane", "172.18.0.2", "10.10.0.0/24"));
    a->create(kindNode("lab-04-member-a-control-plane", "172.18.0.3", "10.20.0.0/24"));
    a->create(kindNode("lab-04-member-a-worker", "172.18.0.4", "10.20.1.0/24"));
    b->create(kindNode("lab-04-member-b-control-plane", "172.18.0.5", "10.30.0.0/24"));
    b->create(kindNode("lab-04-member-b-worker", "172.18.0.6", "10.30.1.0/24"));
    h.kind.on({"get", "clusters"}, {.stderrText = "No kind clusters found.\n"});
    h.serve("lab-04-hub", *hub);
    h.serve("lab-04-member-a", *a);
    h.serve("lab-04-member-b", *b);
    ClusterLifecycle lifecycle(posixProcessRunner(), nullptr, h.options());
    auto report = lifecycle.up(shipped("lab-04-multi"));
    INFO((report ? "" : report.error().message));
    REQUIRE(report.has_value());
    CHECK(h.kind.callsStartingWith({"create", "cluster"}).size() == 3);

    // hub: 4 remote nodes; each member node: 1 hub node + 2 of the other member = 3, times 4 member nodes.
    auto execs = h.docker.callsStartingWith({"exec"});
    REQUIRE(execs.size() == 4 + 4 * 3);
    CHECK(report->routes.size() == execs.size());
    std::set<std::string> commands;
    for (const auto& e : execs) commands.insert(joinArgs(e));
    CHECK(commands.count("exec lab-04-hub-control-plane ip route replace 10.20.1.0/24 via 172.18.0.4") == 1);
    CHECK(commands.count("exec lab-04-hub-control-plane ip route replace 10.30.0.0/24 via 172.18.0.5") == 1);
    CHECK(commands.count("exec lab-04-member-a-worker ip route replace 10.10.0.0/24 via 172.18.0.2") == 1);
    CHECK(commands.count("exec lab-04-member-b-control-plane ip route replace 10.20.0.0/24 via 172.18.0.3") == 1);
    // Never a route to a node's own cluster.
    for (const auto& c : commands) {
        if (c.find("exec lab-04-member-a") == 0) CHECK(c.find("10.20.") == std::string::npos);
        if (c.find("exec lab-04-hub") == 0) CHECK(c.find("10.10.") == std::string::npos);
    }
}

TEST_CASE("a cancelled up creates nothing", "[lifecycle]") {
    Harness h;
    h.kind.on({"get", "clusters"}, {.stderrText = "No kind clusters found.\n"});
    auto options = h.options();
    options.cancel = std::make_shared<Cancellation>();
    options.cancel->cancel();
    ClusterLifecycle lifecycle(posixProcessRunner(), nullptr, options);
    auto report = lifecycle.up(shipped("lab-01"));
    REQUIRE_FALSE(report.has_value());
    CHECK(report.error().kind == ErrorKind::Cancelled);
    CHECK(h.kind.callsStartingWith({"create"}).empty());
}

TEST_CASE("down deletes the profile's clusters that exist, last first, and forgets their kubeconfigs", "[lifecycle]") {
    Harness h;
    h.kind.on({"get", "clusters"}, {.stdoutText = "lab-04-hub\nlab-04-member-a\nsomeone-else\n"});
    h.dir.write("state/lab-04-hub.kubeconfig", "x");
    ClusterLifecycle lifecycle(posixProcessRunner(), nullptr, h.options());
    auto result = lifecycle.down(shipped("lab-04-multi"));
    REQUIRE(result.has_value());
    REQUIRE(result->size() == 3);
    CHECK((*result)[0].existed);
    CHECK((*result)[1].existed);
    CHECK_FALSE((*result)[2].existed);
    auto deletes = h.kind.callsStartingWith({"delete", "cluster"});
    REQUIRE(deletes.size() == 2);
    CHECK(deletes[0][3] == "lab-04-member-a");
    CHECK(deletes[1][3] == "lab-04-hub");
    CHECK(joinArgs(deletes[1]) == "delete cluster --name lab-04-hub --kubeconfig " + h.dir.path() + "/state/kubeconfig");
    CHECK_FALSE(std::filesystem::exists(h.dir.path() + "/state/lab-04-hub.kubeconfig"));
}

TEST_CASE("status shows which clusters exist, their nodes and the GPU mode", "[lifecycle]") {
    Harness h;
    auto api = ApiDouble::start();
    Json gpuNode = kindNode("lab-02-gpu-sim-worker", "172.18.0.3", "10.244.1.0/24");
    gpuNode["metadata"]["labels"][kGpuModeLabel] = "simulated";
    gpuNode["status"]["capacity"]["nvidia.com/gpu"] = "4";
    gpuNode["status"]["allocatable"]["nvidia.com/gpu"] = "4";
    api->create(kindNode("lab-02-gpu-sim-control-plane", "172.18.0.2", "10.244.0.0/24"));
    api->create(gpuNode);
    h.kind.on({"get", "clusters"}, {.stdoutText = "lab-02-gpu-sim\n"});
    h.serve("lab-02-gpu-sim", *api);
    ClusterLifecycle lifecycle(posixProcessRunner(), nullptr, h.options());
    auto status = lifecycle.status(shipped("lab-02-gpu-sim"));
    REQUIRE(status.has_value());
    REQUIRE(status->size() == 1);
    const auto& s = (*status)[0];
    CHECK(s.exists);
    CHECK(s.error.empty());
    CHECK(s.gpuMode == "simulated");
    REQUIRE(s.nodes.size() == 2);

    Harness none;
    none.kind.on({"get", "clusters"}, {.stderrText = "No kind clusters found.\n"});
    ClusterLifecycle empty(posixProcessRunner(), nullptr, none.options());
    auto absent = empty.status(shipped("lab-02-gpu-sim"));
    REQUIRE(absent.has_value());
    CHECK_FALSE((*absent)[0].exists);
    CHECK(none.kind.callsStartingWith({"get", "kubeconfig"}).empty());
}

TEST_CASE("keepSimulatedGpus re-applies GPU capacity the kubelet zeroed until cancelled", "[lifecycle]") {
    Harness h;
    auto api = ApiDouble::start();
    for (const char* n : {"lab-02-gpu-sim-control-plane", "lab-02-gpu-sim-worker", "lab-02-gpu-sim-worker2", "lab-02-gpu-sim-worker3"})
        api->create(kindNode(n, "172.18.0.2", "10.244.0.0/24"));
    h.serve("lab-02-gpu-sim", *api);
    ClusterLifecycle lifecycle(posixProcessRunner(), nullptr, h.options());
    auto cancel = std::make_shared<Cancellation>();
    Status kept;
    std::thread keeper([&] { kept = lifecycle.keepSimulatedGpus(shipped("lab-02-gpu-sim"), cancel); });

    auto capacityIs = [&](const std::string& value) {
        for (int i = 0; i < 200; ++i) {
            auto n = api->get("v1", "Node", "", "lab-02-gpu-sim-worker2");
            if (n && (*n)["status"]["capacity"].value("nvidia.com/gpu", "") == value) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    };
    CHECK(capacityIs("4"));
    // The kubelet re-registers and zeroes the extended resource.
    auto node = *api->get("v1", "Node", "", "lab-02-gpu-sim-worker2");
    node["status"]["capacity"]["nvidia.com/gpu"] = "0";
    node["status"]["allocatable"]["nvidia.com/gpu"] = "0";
    node["metadata"].erase("resourceVersion");
    api->update(node);
    CHECK(capacityIs("4"));
    cancel->cancel();
    keeper.join();
    CHECK(kept.has_value());
}

TEST_CASE("up of lab-02-gpu-real mounts the host GPUs into the worker, runs its node steps and installs the device plugin", "[lifecycle]") {
    Harness h;
    FakeTool nvidiaSmi(h.dir, "nvidia-smi");
    nvidiaSmi.on({}, {.stdoutText = "0, NVIDIA H100 80GB HBM3, GPU-1b2c3d4e-0000-1111-2222-333344445555, 81559, 550.90.07\n"});
    auto api = ApiDouble::start();
    for (const char* n : {"lab-02-gpu-real-control-plane", "lab-02-gpu-real-worker", "lab-02-gpu-real-worker2"})
        api->create(kindNode(n, "172.18.0.2", "10.244.0.0/24"));
    h.kind.on({"get", "clusters"}, {.stderrText = "No kind clusters found.\n"});
    h.serve("lab-02-gpu-real", *api);
    FakeReply create{.stderrText = kindCreateStderr("lab-02-gpu-real")};
    create.copyArgFileFlag = "--config";
    create.copyArgFileTo = h.dir.path() + "/seen-config.json";
    h.kind.on({"create", "cluster", "--name", "lab-02-gpu-real"}, create);
    auto options = h.options();
    options.preflight.nvidiaSmi = nvidiaSmi.path();
    ClusterLifecycle lifecycle(posixProcessRunner(), nullptr, options);
    auto report = lifecycle.up(shipped("lab-02-gpu-real"));
    INFO((report ? "" : report.error().message));
    REQUIRE(report.has_value());

    // The GPU worker (node 1) keeps the profile's labels and taint patch and gains the GPU mounts.
    std::ifstream in(h.dir.path() + "/seen-config.json");
    Json config = Json::parse(in);
    const Json& worker = config["nodes"][1];
    CHECK(worker["labels"]["kubeclass.dev/pool"] == "gpu");
    CHECK(worker["labels"]["kubeclass.dev/gpu-mode"] == "real");
    REQUIRE(worker["extraMounts"].is_array());
    REQUIRE_FALSE(worker["extraMounts"].empty());
    CHECK_THAT(worker["extraMounts"][0]["containerPath"].get<std::string>(), Catch::StartsWith("/var/run/nvidia-container-devices/"));
    CHECK(worker["extraMounts"][0]["hostPath"] == "/dev/null");
    CHECK_THAT(worker["kubeadmConfigPatches"][0].get<std::string>(), Catch::Contains("nvidia.com/gpu"));
    CHECK_FALSE(config["nodes"][2].contains("extraMounts"));

    // Per-node steps ran on the GPU worker only, and the device plugin is in place.
    auto execs = h.docker.callsStartingWith({"exec"});
    REQUIRE_FALSE(execs.empty());
    for (const auto& e : execs) CHECK(e[1] == "lab-02-gpu-real-worker");
    CHECK(api->get("node.k8s.io/v1", "RuntimeClass", "", "nvidia").has_value());
    auto plugin = api->get("apps/v1", "DaemonSet", "nvidia-device-plugin", "nvidia-device-plugin-daemonset");
    REQUIRE(plugin.has_value());
    CHECK((*plugin)["spec"]["template"]["spec"]["runtimeClassName"] == "nvidia");
}

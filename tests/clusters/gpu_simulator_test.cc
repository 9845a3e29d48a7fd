// Simulated GPU nodes against the API double: labels, taints and capacity applied; re-applied while runUntil
// watches when the "kubelet" (the test) zeroes or drops the capacity; time-slicing from the device-plugin
// ConfigMap, per-node keys, bad configs, and the config going away.
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "clusters/cpprest_transport.h"
#include "clusters/gpu_simulator.h"
#include "clusters/kube_client.h"
#include "tests/support/api_double.h"
#include "tests/support/fake_clock.h"

using namespace kc;
using namespace kc::testing;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<KubeClient> clientFor(const ApiDouble& server) {
    TransportConfig config;
    config.server = server.url();
    config.caPem = server.pki().caPem;
    config.clientCertPem = server.pki().clientCertPem;
    config.clientKeyPem = server.pki().clientKeyPem;
    return std::make_unique<KubeClient>(config, cpprestTransportFactory(), noCredentials());
}

// A kind node as the kubelet registers it: cpu/memory capacity, Ready, and the taints kubeadm set.
Json kindNode(const std::string& name, Json taints = Json::array(), Json labels = Json::object()) {
    labels["kubernetes.io/hostname"] = name;
    return Json{{"apiVersion", "v1"},
                {"kind", "Node"},
                {"metadata", {{"name", name}, {"labels", labels}}},
                {"spec", {{"taints", taints}}},
                {"status",
                 {{"capacity", {{"cpu", "8"}, {"memory", "16Gi"}, {"pods", "110"}}},
                  {"allocatable", {{"cpu", "8"}, {"memory", "16Gi"}, {"pods", "110"}}},
                  {"conditions", Json::array({{{"type", "Ready"}, {"status", "True"}}})}}}};
}

GpuNodeSpec a100Worker(const std::string& name) {
    GpuNodeSpec spec;
    spec.nodeName = name;
    spec.product = "NVIDIA-A100-SXM4-40GB";
    spec.count = 4;
    spec.memoryMiB = 40960;
    spec.taints = {{"nvidia.com/gpu", "present", "NoSchedule"}};
    return spec;
}

GpuNodeSpec t4Worker(const std::string& name) {
    GpuNodeSpec spec;
    spec.nodeName = name;
    spec.product = "Tesla-T4";
    spec.count = 2;
    spec.memoryMiB = 15360;
    spec.taints = {{"nvidia.com/gpu", "present", "NoSchedule"}};
    return spec;
}

Json node(const ApiDouble& api, const std::string& name) {
    auto n = api.get("v1", "Node", "", name);
    REQUIRE(n);
    return *n;
}

std::string capacity(const ApiDouble& api, const std::string& name, const std::string& resource,
                     const char* field = "capacity") {
    auto n = api.get("v1", "Node", "", name);
    if (!n || !(*n)["status"].contains(field) || !(*n)["status"][field].contains(resource)) return "<none>";
    return (*n)["status"][field][resource].get<std::string>();
}

std::string label(const ApiDouble& api, const std::string& name, const std::string& key) {
    auto n = api.get("v1", "Node", "", name);
    if (!n || !(*n)["metadata"]["labels"].contains(key)) return "<none>";
    return (*n)["metadata"]["labels"][key].get<std::string>();
}

// Waits for a condition the code under test brings about on another thread; bounded, short steps.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return condition();
}

// The real transport, with a hook that runs after each answer arrives: lets a test change the cluster at an
// exact point between the code's read and its write.
class HookedTransport final : public Transport {
public:
    HookedTransport(std::unique_ptr<Transport> inner, std::function<void(const HttpRequest&)> after)
        : inner_(std::move(inner)), after_(std::move(after)) {}
    Result<HttpResponse> send(const HttpRequest& request) override {
        auto response = inner_->send(request);
        after_(request);
        return response;
    }
    Result<HttpResponse> stream(const HttpRequest& request,
                                const std::function<bool(std::string_view line)>& onLine) override {
        return inner_->stream(request, onLine);
    }

private:
    std::unique_ptr<Transport> inner_;
    std::function<void(const HttpRequest&)> after_;
};

TransportFactory hookedFactory(std::function<void(const HttpRequest&)> after) {
    return [after](const TransportConfig& config) -> Result<std::unique_ptr<Transport>> {
        auto inner = cpprestTransportFactory()(config);
        if (!inner) return fail(inner.error());
        return std::unique_ptr<Transport>(std::make_unique<HookedTransport>(std::move(*inner), after));
    };
}

bool watching(const ApiDouble& api, const std::string& collectionPrefix) {
    for (const auto& r : api.requests())
        if (r.target.rfind(collectionPrefix, 0) == 0 && r.target.find("watch=1") != std::string::npos) return true;
    return false;
}

size_t writes(const ApiDouble& api) {
    size_t n = 0;
    for (const auto& r : api.requests())
        if (r.method != "GET") ++n;
    return n;
}

const char* kFourReplicas = R"(version: v1
sharing:
  timeSlicing:
    resources:
    - name: nvidia.com/gpu
      replicas: 4
)";

const char* kRenamedTwo = R"(version: v1
sharing:
  timeSlicing:
    renameByDefault: true
    resources:
    - name: nvidia.com/gpu
      replicas: 2
)";

Json pluginConfigMap(Json data) {
    return Json{{"apiVersion", "v1"},
                {"kind", "ConfigMap"},
                {"metadata", {{"name", "nvidia-plugin-configs"}, {"namespace", "nvidia-device-plugin"}}},
                {"data", data}};
}

struct Cluster {
    std::unique_ptr<ApiDouble> api = ApiDouble::start();
    std::unique_ptr<KubeClient> client = clientFor(*api);
    Cluster() {
        api->create(kindNode("lab-control-plane",
                             Json::array({{{"key", "node-role.kubernetes.io/control-plane"}, {"effect", "NoSchedule"}}}),
                             {{"node-role.kubernetes.io/control-plane", ""}}));
        // Someone else's taint on a GPU worker must survive ours being added.
        api->create(kindNode("lab-worker",
                             Json::array({{{"key", "example.com/maintenance"}, {"value", "soon"},
                                           {"effect", "PreferNoSchedule"}}})));
        api->create(kindNode("lab-worker2"));
        api->create(kindNode("lab-worker3"));
        api->create(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "nvidia-device-plugin"}}}});
    }
};

}  // namespace

TEST_CASE("simulated GPU nodes get GFD labels the taint and nvidia.com/gpu capacity") {
    Cluster c;
    GpuSimulator sim(*c.client, {a100Worker("lab-worker"), t4Worker("lab-worker2")});
    auto report = sim.reconcileOnce();
    REQUIRE(report.ok());
    REQUIRE(report.nodes.size() == 2);
    CHECK(report.changed());
    CHECK(report.nodes[0].resourcesSet == std::map<std::string, long long>{{"nvidia.com/gpu", 4}});
    CHECK(report.nodes[0].taintsAdded == std::vector<std::string>{"nvidia.com/gpu=present:NoSchedule"});

    CHECK(label(*c.api, "lab-worker", "nvidia.com/gpu.present") == "true");
    CHECK(label(*c.api, "lab-worker", "nvidia.com/gpu.product") == "NVIDIA-A100-SXM4-40GB");
    CHECK(label(*c.api, "lab-worker", "nvidia.com/gpu.count") == "4");
    CHECK(label(*c.api, "lab-worker", "nvidia.com/gpu.memory") == "40960");
    CHECK(label(*c.api, "lab-worker", "nvidia.com/gpu.replicas") == "1");
    CHECK(label(*c.api, "lab-worker", "nvidia.com/gpu.sharing-strategy") == "none");
    CHECK(label(*c.api, "lab-worker", "kubeclass.dev/gpu-mode") == "simulated");
    CHECK(label(*c.api, "lab-worker", "kubernetes.io/hostname") == "lab-worker");  // others' labels stay
    CHECK(capacity(*c.api, "lab-worker", "nvidia.com/gpu") == "4");
    CHECK(capacity(*c.api, "lab-worker", "nvidia.com/gpu", "allocatable") == "4");
    CHECK(capacity(*c.api, "lab-worker", "cpu") == "8");
    CHECK(capacity(*c.api, "lab-worker2", "nvidia.com/gpu") == "2");
    CHECK(label(*c.api, "lab-worker2", "nvidia.com/gpu.product") == "Tesla-T4");

    Json taints = node(*c.api, "lab-worker")["spec"]["taints"];
    REQUIRE(taints.size() == 2);
    CHECK(taints[0]["key"] == "example.com/maintenance");
    CHECK(taints[1]["key"] == "nvidia.com/gpu");
    CHECK(taints[1]["value"] == "present");
    CHECK(taints[1]["effect"] == "NoSchedule");

    // The CPU worker and the control plane are not touched.
    CHECK(capacity(*c.api, "lab-worker3", "nvidia.com/gpu") == "<none>");
    CHECK(label(*c.api, "lab-worker3", "kubeclass.dev/gpu-mode") == "<none>");
    CHECK(node(*c.api, "lab-control-plane")["spec"]["taints"].size() == 1);

    // A second pass finds everything in place and writes nothing.
    c.api->clearRequests();
    auto again = sim.reconcileOnce();
    CHECK(again.ok());
    CHECK_FALSE(again.changed());
    CHECK(writes(*c.api) == 0);
}

TEST_CASE("a taint with the same key and effect but another value is corrected in place") {
    Cluster c;
    Json n = node(*c.api, "lab-worker2");
    n["spec"]["taints"] = Json::array({{{"key", "nvidia.com/gpu"}, {"value", "absent"}, {"effect", "NoSchedule"}}});
    c.api->update(n);
    GpuSimulator sim(*c.client, {t4Worker("lab-worker2")});
    auto report = sim.reconcileOnce();
    REQUIRE(report.ok());
    Json taints = node(*c.api, "lab-worker2")["spec"]["taints"];
    REQUIRE(taints.size() == 1);
    CHECK(taints[0]["value"] == "present");
}

TEST_CASE("a taint added by someone else between our read and our write is kept") {
    Cluster c;
    // Right after the simulator's first read of the node comes back, another manager taints the node.
    bool changed = false;
    auto hook = [&](const HttpRequest& request) {
        if (changed || request.method != "GET" || request.target != "/api/v1/nodes/lab-worker2") return;
        changed = true;
        Json n = node(*c.api, "lab-worker2");
        n["spec"]["taints"] = Json::array({{{"key", "example.com/drain"}, {"effect", "NoExecute"}}});
        c.api->update(n);
    };
    TransportConfig config;
    config.server = c.api->url();
    config.caPem = c.api->pki().caPem;
    config.clientCertPem = c.api->pki().clientCertPem;
    config.clientKeyPem = c.api->pki().clientKeyPem;
    KubeClient client(config, hookedFactory(hook), noCredentials());

    GpuSimulator sim(client, {t4Worker("lab-worker2")});
    auto report = sim.reconcileOnce();
    REQUIRE(changed);
    REQUIRE(report.ok());
    Json taints = node(*c.api, "lab-worker2")["spec"]["taints"];
    REQUIRE(taints.size() == 2);
    CHECK(taints[0]["key"] == "example.com/drain");
    CHECK(taints[1]["key"] == "nvidia.com/gpu");
    // The guarded write was refused once and redone after a fresh read.
    int refused = 0;
    for (const auto& r : c.api->requests())
        if (r.method == "PATCH" && r.target.rfind("/api/v1/nodes/lab-worker2?", 0) == 0 && r.status == 422) ++refused;
    CHECK(refused == 1);
}

TEST_CASE("a missing node is reported per node and the others are still set up") {
    Cluster c;
    GpuSimulator sim(*c.client, {a100Worker("lab-worker9"), a100Worker("lab-worker")});
    auto report = sim.reconcileOnce();
    CHECK_FALSE(report.ok());
    REQUIRE(report.nodes[0].error);
    CHECK(report.nodes[0].error->kind == ErrorKind::NotFound);
    CHECK(report.nodes[0].error->message.find("lab-worker9") != std::string::npos);
    CHECK_FALSE(report.nodes[1].error);
    CHECK(capacity(*c.api, "lab-worker", "nvidia.com/gpu") == "4");
}

TEST_CASE("real-mode specs are left to the real device plugin") {
    Cluster c;
    GpuNodeSpec real = a100Worker("lab-worker");
    real.mode = GpuMode::Real;
    GpuSimulator sim(*c.client, {real});
    auto report = sim.reconcileOnce();
    CHECK(report.nodes.empty());
    CHECK(capacity(*c.api, "lab-worker", "nvidia.com/gpu") == "<none>");
}

TEST_CASE("while running the simulator re-patches capacity the kubelet zeroed or dropped") {
    Cluster c;
    GpuSimulator sim(*c.client, {a100Worker("lab-worker")});
    auto cancel = std::make_shared<Cancellation>();
    Status result;
    std::thread runner([&] { result = sim.runUntil(cancel); });

    REQUIRE(eventually([&] { return capacity(*c.api, "lab-worker", "nvidia.com/gpu") == "4"; }));
    // It watches rather than polls: both watches show up in the request log.
    CHECK(eventually([&] { return watching(*c.api, "/api/v1/nodes?"); }));
    CHECK(eventually([&] { return watching(*c.api, "/api/v1/namespaces/nvidia-device-plugin/configmaps?"); }));

    // Re-registration: the kubelet reports the extended resource as 0.
    Json n = node(*c.api, "lab-worker");
    n["status"]["capacity"]["nvidia.com/gpu"] = "0";
    n["status"]["allocatable"]["nvidia.com/gpu"] = "0";
    c.api->update(n);
    CHECK(eventually([&] {
        return capacity(*c.api, "lab-worker", "nvidia.com/gpu") == "4" &&
               capacity(*c.api, "lab-worker", "nvidia.com/gpu", "allocatable") == "4";
    }));

    // A fresh status without the resource at all, and a label someone removed.
    n = node(*c.api, "lab-worker");
    n["status"]["capacity"].erase("nvidia.com/gpu");
    n["status"]["allocatable"].erase("nvidia.com/gpu");
    n["metadata"]["labels"].erase("nvidia.com/gpu.present");
    c.api->update(n);
    CHECK(eventually([&] {
        return capacity(*c.api, "lab-worker", "nvidia.com/gpu") == "4" &&
               label(*c.api, "lab-worker", "nvidia.com/gpu.present") == "true";
    }));

    cancel->cancel();
    runner.join();
    CHECK(result);
}

TEST_CASE("time-slicing from the device-plugin ConfigMap multiplies capacity and marks the product SHARED") {
    Cluster c;
    c.api->create(pluginConfigMap({{"default", kFourReplicas}}));
    GpuSimulator sim(*c.client, {a100Worker("lab-worker"), t4Worker("lab-worker2")});
    auto report = sim.reconcileOnce();
    REQUIRE(report.ok());
    CHECK(report.configErrors.empty());
    CHECK(report.nodes[0].configKey == "default");
    CHECK(report.nodes[0].sharing == "time-slicing");
    CHECK(capacity(*c.api, "lab-worker", "nvidia.com/gpu") == "16");     // 4 GPUs × 4
    CHECK(capacity(*c.api, "lab-worker", "nvidia.com/gpu", "allocatable") == "16");
    CHECK(capacity(*c.api, "lab-worker2", "nvidia.com/gpu") == "8");     // 2 GPUs × 4
    CHECK(label(*c.api, "lab-worker", "nvidia.com/gpu.product") == "NVIDIA-A100-SXM4-40GB-SHARED");
    CHECK(label(*c.api, "lab-worker", "nvidia.com/gpu.replicas") == "4");
    CHECK(label(*c.api, "lab-worker", "nvidia.com/gpu.sharing-strategy") == "time-slicing");
    CHECK(label(*c.api, "lab-worker", "nvidia.com/gpu.count") == "4");   // whole GPUs, unchanged

    SECTION("a node label picks another key: renamed resource, the old one removed") {
        c.api->update(pluginConfigMap({{"default", kFourReplicas}, {"t4", kRenamedTwo}}));
        Json n = node(*c.api, "lab-worker2");
        n["metadata"]["labels"]["nvidia.com/device-plugin.config"] = "t4";
        c.api->update(n);
        auto second = sim.reconcileOnce();
        REQUIRE(second.ok());
        CHECK(second.nodes[1].configKey == "t4");
        CHECK(second.nodes[1].resourcesRemoved == std::vector<std::string>{"nvidia.com/gpu"});
        CHECK(capacity(*c.api, "lab-worker2", "nvidia.com/gpu.shared") == "4");
        CHECK(capacity(*c.api, "lab-worker2", "nvidia.com/gpu") == "<none>");
        CHECK(label(*c.api, "lab-worker2", "nvidia.com/gpu.product") == "Tesla-T4");
        CHECK(capacity(*c.api, "lab-worker", "nvidia.com/gpu") == "16");  // still the default

        // A label naming a key that does not exist: the plugin skips reconfiguration, so the node keeps t4.
        n = node(*c.api, "lab-worker2");
        n["metadata"]["labels"]["nvidia.com/device-plugin.config"] = "h100";
        c.api->update(n);
        auto third = sim.reconcileOnce();
        REQUIRE(third.ok());
        CHECK_FALSE(third.nodes[1].changed());
        REQUIRE_FALSE(third.nodes[1].notes.empty());
        CHECK(third.nodes[1].notes[0].find("keeping the config applied before (t4)") != std::string::npos);
        CHECK(capacity(*c.api, "lab-worker2", "nvidia.com/gpu.shared") == "4");
    }

    SECTION("an invalid config is reported at line and column and the node keeps its sharing") {
        c.api->update(pluginConfigMap({{"default", "version: v1\nsharing:\n  timeSlicing:\n    resources:\n"
                                                   "    - name: nvidia.com/gpu\n      replicas: 1\n"}}));
        auto second = sim.reconcileOnce();
        REQUIRE(second.configErrors.size() == 1);
        CHECK(second.configErrors[0] ==
              "ConfigMap nvidia-device-plugin/nvidia-plugin-configs[default]:6:17: "
              "sharing.timeSlicing.resources[0].replicas: number of replicas must be >= 2 (it is 1)");
        CHECK_FALSE(second.changed());
        CHECK(capacity(*c.api, "lab-worker", "nvidia.com/gpu") == "16");
    }

    SECTION("removing the ConfigMap restores plain capacity and labels") {
        c.api->remove("v1", "ConfigMap", "nvidia-device-plugin", "nvidia-plugin-configs");
        auto second = sim.reconcileOnce();
        REQUIRE(second.ok());
        CHECK(second.nodes[0].sharing == "none");
        CHECK(capacity(*c.api, "lab-worker", "nvidia.com/gpu") == "4");
        CHECK(capacity(*c.api, "lab-worker2", "nvidia.com/gpu") == "2");
        CHECK(label(*c.api, "lab-worker", "nvidia.com/gpu.product") == "NVIDIA-A100-SXM4-40GB");
        CHECK(label(*c.api, "lab-worker", "nvidia.com/gpu.replicas") == "1");
        CHECK(label(*c.api, "lab-worker", "nvidia.com/gpu.sharing-strategy") == "none");
    }
}

TEST_CASE("while running the simulator follows the ConfigMap as it appears changes and goes") {
    Cluster c;
    GpuSimulator sim(*c.client, {a100Worker("lab-worker")});
    auto cancel = std::make_shared<Cancellation>();
    std::vector<GpuReconcileReport> reports;
    std::mutex reportsMutex;
    Status result;
    std::thread runner([&] {
        result = sim.runUntil(cancel, [&](const GpuReconcileReport& r) {
            std::lock_guard lock(reportsMutex);
            reports.push_back(r);
        });
    });
    REQUIRE(eventually([&] { return capacity(*c.api, "lab-worker", "nvidia.com/gpu") == "4"; }));

    c.api->create(pluginConfigMap({{"default", kFourReplicas}}));
    CHECK(eventually([&] { return capacity(*c.api, "lab-worker", "nvidia.com/gpu") == "16"; }));

    c.api->update(pluginConfigMap({{"default", kRenamedTwo}}));
    CHECK(eventually([&] {
        return capacity(*c.api, "lab-worker", "nvidia.com/gpu.shared") == "8" &&
               capacity(*c.api, "lab-worker", "nvidia.com/gpu") == "<none>";
    }));

    c.api->remove("v1", "ConfigMap", "nvidia-device-plugin", "nvidia-plugin-configs");
    CHECK(eventually([&] {
        return capacity(*c.api, "lab-worker", "nvidia.com/gpu") == "4" &&
               capacity(*c.api, "lab-worker", "nvidia.com/gpu.shared") == "<none>";
    }));

    cancel->cancel();
    runner.join();
    CHECK(result);
    std::lock_guard lock(reportsMutex);
    CHECK(reports.size() >= 4);  // initial setup and the three config changes each changed something
}

TEST_CASE("a watch that keeps failing ends runUntil with the error after backing off") {
    Cluster c;
    auto clock = std::make_shared<FakeClock>();
    GpuSimulatorOptions options;
    options.clock = clock;
    GpuSimulator sim(*c.client, {a100Worker("lab-worker")}, options);
    // Every watch request of nodes is answered 500; lists and everything else work.
    c.api->injectFault({FaultKind::InternalError, "GET", "/api/v1/nodes?watch=1", -1});
    auto cancel = std::make_shared<Cancellation>();
    std::thread guard([&] {
        // A safety net so a regression cannot hang the suite: cancel after 20 s.
        eventually([&] { return cancel->cancelled(); }, 20s);
        cancel->cancel();
    });
    auto result = sim.runUntil(cancel);
    bool timedOut = cancel->cancelled();
    cancel->cancel();
    guard.join();
    CHECK_FALSE(timedOut);
    REQUIRE_FALSE(result);
    CHECK(result.error().message.find("keeping simulated GPU nodes up to date") != std::string::npos);
    CHECK(result.error().kind == ErrorKind::Server);
    // It waited between attempts (on the injected clock), growing from 1 s.
    auto sleeps = clock->sleeps();
    CHECK(sleeps.size() >= 10);
    // The initial setup still happened.
    CHECK(capacity(*c.api, "lab-worker", "nvidia.com/gpu") == "4");
}

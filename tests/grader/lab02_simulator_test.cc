// Lab 2 against the real GPU simulator (clusters/gpu_simulator.h) instead of hand-made node objects: the
// time-slicing checks read exactly what the simulator writes for the lab's ConfigMap and node label, and the
// examples' GPU nodes look like simulated ones.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "clusters/gpu_simulator.h"
#include "double_fixture.h"
#include "lab02_support.h"
#include "tests/support/api_double.h"

using namespace kc::grader::testing;
using kc::Json;

namespace {

// A kind worker as the kubelet registers it, before kubeclass makes it a GPU node.
Json kindWorker(const std::string& name, Json labels = Json::object()) {
    labels["kubernetes.io/hostname"] = name;
    return Json{{"apiVersion", "v1"},
                {"kind", "Node"},
                {"metadata", {{"name", name}, {"labels", labels}}},
                {"spec", Json::object()},
                {"status",
                 {{"capacity", {{"cpu", "8"}, {"memory", "16Gi"}, {"pods", "110"}}},
                  {"allocatable", {{"cpu", "8"}, {"memory", "16Gi"}, {"pods", "110"}}},
                  {"conditions", Json::array({{{"type", "Ready"}, {"status", "True"}}})}}}};
}

// The GPU workers of clusters/profiles/lab-02-gpu-sim.yaml.
std::vector<kc::GpuNodeSpec> labGpuWorkers() {
    std::vector<kc::GpuNodeSpec> out;
    for (const char* name : {"lab-02-gpu-sim-worker", "lab-02-gpu-sim-worker2"}) {
        kc::GpuNodeSpec spec;
        spec.nodeName = name;
        spec.product = "NVIDIA-A100-SXM4-40GB";
        spec.count = 4;
        spec.memoryMiB = 40960;
        spec.taints = {{"nvidia.com/gpu", "present", "NoSchedule"}};
        out.push_back(spec);
    }
    return out;
}

void setNodeLabel(kc::testing::ApiDouble& api, const std::string& node, const std::string& key,
                  const std::string& value) {
    Json n = *api.get("v1", "Node", "", node);
    n["metadata"]["labels"][key] = value;
    n["metadata"].erase("resourceVersion");
    api.update(n);
}

Json snapshotItem(const std::string& example, const std::string& kind, const std::string& name) {
    const Json list = readYaml(kLab2Dir + "/examples/" + example + "/snapshot.yaml");  // outlives the loop
    for (const auto& item : list.at("items"))
        if (item.value("kind", "") == kind && item["metadata"].value("name", "") == name) return item;
    throw std::runtime_error("no " + kind + " " + name + " in " + example);
}

}  // namespace

TEST_CASE("lab-02 time-slicing checks grade what the GPU simulator writes for the lab's config") {
    auto rubric = onlyChecks(lab2Rubric(), {"gpu-nodes", "time-slicing-config", "time-slicing-capacity"});
    shortenTimeouts(rubric);
    auto api = kc::testing::ApiDouble::start();
    api->create(kindWorker("lab-02-gpu-sim-worker"));
    api->create(kindWorker("lab-02-gpu-sim-worker2"));
    api->create(kindWorker("lab-02-gpu-sim-worker3", {{"kubeclass.dev/pool", "cpu"}}));
    auto client = clientFor(*api);
    kc::GpuSimulator simulator(*client, labGpuWorkers());
    REQUIRE(simulator.reconcileOnce().ok());

    // A fresh cluster: GPU nodes, no config.
    auto fresh = gradeLive(*api, rubric);
    INFO(failureDetails(fresh));
    CHECK(outcomesOf(fresh) == std::map<std::string, std::string>{
                                   {"gpu-nodes", "pass"}, {"time-slicing-config", "fail"}, {"time-slicing-capacity", "fail"}});

    // The solution's ConfigMap, but the node label misspelt (the time-slicing-not-applied example).
    auto text = kc::readFileBounded(kLab2Dir + "/solution/time-slicing-config.yaml", 1 << 20);
    REQUIRE(text);
    auto docs = kc::parseYamlDocuments(*text, "time-slicing-config.yaml");
    REQUIRE(docs);
    for (const auto& doc : *docs) api->create(doc.value);
    setNodeLabel(*api, "lab-02-gpu-sim-worker2", "nvidia.com/device-plugin-config", "a100-shared-4");
    auto typo = simulator.reconcileOnce();
    REQUIRE(typo.ok());
    CHECK(typo.configErrors.empty());
    auto misspelt = gradeLive(*api, rubric);
    INFO(failureDetails(misspelt));
    CHECK(outcomesOf(misspelt)["time-slicing-config"] == "pass");
    CHECK(outcomesOf(misspelt)["time-slicing-capacity"] == "fail");

    // The label as the README writes it: worker2 is shared four ways, worker stays whole.
    setNodeLabel(*api, "lab-02-gpu-sim-worker2", kc::kDevicePluginConfigLabel, "a100-shared-4");
    REQUIRE(simulator.reconcileOnce().ok());
    auto fixed = gradeLive(*api, rubric);
    INFO(failureDetails(fixed));
    CHECK(outcomesOf(fixed) == std::map<std::string, std::string>{
                                   {"gpu-nodes", "pass"}, {"time-slicing-config", "pass"}, {"time-slicing-capacity", "pass"}});

    // The examples' GPU nodes were written by hand; they must say what the simulator says.
    for (const char* name : {"lab-02-gpu-sim-worker", "lab-02-gpu-sim-worker2"}) {
        INFO(name);
        Json simulated = *api->get("v1", "Node", "", name);
        Json written = snapshotItem("reference", "Node", name);
        for (auto it = simulated["metadata"]["labels"].begin(); it != simulated["metadata"]["labels"].end(); ++it) {
            if (it.key().rfind("nvidia.com/gpu.", 0) != 0) continue;
            INFO(it.key());
            CHECK(written["metadata"]["labels"].value(it.key(), "<missing>") == it.value().get<std::string>());
        }
        CHECK(kc::grader::scalarsEqual(written["status"]["capacity"]["nvidia.com/gpu"],
                                       simulated["status"]["capacity"]["nvidia.com/gpu"]));
    }
}

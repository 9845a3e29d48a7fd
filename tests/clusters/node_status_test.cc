// Node status rows: role, Ready, taints, GPU mode, and GPUs requested by pods under the effective-request rule.
#include <catch2/catch.hpp>

#include <algorithm>

#include "clusters/cpprest_transport.h"
#include "clusters/gpu_simulator.h"
#include "clusters/node_status.h"
#include "tests/support/api_double.h"

using namespace kc;
using namespace kc::testing;

namespace {

Json makeNode(const std::string& name, Json labels, Json capacity, const std::string& ready = "True",
              Json taints = Json::array()) {
    Json node{{"apiVersion", "v1"},
              {"kind", "Node"},
              {"metadata", {{"name", name}, {"labels", labels}}},
              {"spec", {{"taints", taints}}},
              {"status", {{"capacity", capacity}, {"allocatable", capacity}}}};
    if (!ready.empty())
        node["status"]["conditions"] = Json::array({{{"type", "MemoryPressure"}, {"status", "False"}},
                                                    {{"type", "Ready"}, {"status", ready}}});
    return node;
}

Json container(const std::string& name, Json resources) {
    return Json{{"name", name}, {"image", "cuda:12"}, {"resources", resources}};
}

Json gpuLimit(long long n) { return Json{{"limits", {{"nvidia.com/gpu", std::to_string(n)}}}}; }

Json makePod(const std::string& name, const std::string& node, const std::string& phase, Json containers,
             Json initContainers = Json::array()) {
    Json pod{{"apiVersion", "v1"},
             {"kind", "Pod"},
             {"metadata", {{"name", name}, {"namespace", "default"}}},
             {"spec", {{"containers", containers}}},
             {"status", {{"phase", phase}}}};
    if (!node.empty()) pod["spec"]["nodeName"] = node;
    if (!initContainers.empty()) pod["spec"]["initContainers"] = initContainers;
    return pod;
}

}  // namespace

TEST_CASE("effective GPU request follows the init container and sidecar rule") {
    // Two app containers: 1 + 1 = 2.
    Json apps = makePod("p", "n", "Running", Json::array({container("a", gpuLimit(1)), container("b", gpuLimit(1))}));
    CHECK(effectivePodRequest(apps, "nvidia.com/gpu") == 2);

    // An init container asking for 3 dominates the apps' 2.
    Json init = apps;
    init["spec"]["initContainers"] = Json::array({container("warmup", gpuLimit(3))});
    CHECK(effectivePodRequest(init, "nvidia.com/gpu") == 3);

    // A sidecar (restartable init container) with 1 runs beside everything after it:
    // apps 2 + sidecar 1 = 3; the later init container 1 + sidecar 1 = 2; so 3.
    Json sidecar = apps;
    Json side = container("proxy", gpuLimit(1));
    side["restartPolicy"] = "Always";
    sidecar["spec"]["initContainers"] = Json::array({side, container("late-init", gpuLimit(1))});
    CHECK(effectivePodRequest(sidecar, "nvidia.com/gpu") == 3);

    // Requests win over limits; a request alone counts too; other resources are ignored.
    Json both = makePod("q", "n", "Running",
                        Json::array({container("a", {{"requests", {{"nvidia.com/gpu", "2"}}},
                                                     {"limits", {{"nvidia.com/gpu", "2"}, {"cpu", "4"}}}}),
                                     container("b", {{"requests", {{"nvidia.com/gpu.shared", 1}}}})}));
    CHECK(effectivePodRequest(both, "nvidia.com/gpu") == 2);
    CHECK(effectivePodRequest(both, "nvidia.com/gpu.shared") == 1);
    CHECK(effectivePodRequest(both, "cpu") == 4);  // the rule itself is resource-agnostic
}

TEST_CASE("node rows give role Ready taints GPU mode and requested GPUs") {
    std::vector<Json> nodes = {
        makeNode("lab-worker2", {{"kubeclass.dev/gpu-mode", "simulated"}, {"nvidia.com/gpu.product", "Tesla-T4"},
                                 {"nvidia.com/gpu.sharing-strategy", "time-slicing"}},
                 {{"cpu", "8"}, {"nvidia.com/gpu.shared", "4"}}, "False",
                 Json::array({{{"key", "nvidia.com/gpu"}, {"value", "present"}, {"effect", "NoSchedule"}}})),
        makeNode("lab-control-plane", {{"node-role.kubernetes.io/control-plane", ""}}, {{"cpu", "4"}}, "True",
                 Json::array({{{"key", "node-role.kubernetes.io/control-plane"}, {"effect", "NoSchedule"}}})),
        makeNode("lab-worker", {{"kubeclass.dev/gpu-mode", "simulated"}, {"nvidia.com/gpu.product", "NVIDIA-A100-SXM4-40GB"}},
                 {{"cpu", "8"}, {"nvidia.com/gpu", "4"}}),
        makeNode("gpu-host", {}, {{"nvidia.com/gpu", "1"}}, ""),  // device plugin present, no kubeclass label
        makeNode("lab-worker3", {}, {{"cpu", "8"}, {"nvidia.com/gpu", "lots"}}),
    };
    std::vector<Json> pods = {
        makePod("train", "lab-worker", "Running", Json::array({container("t", gpuLimit(2))})),
        makePod("done", "lab-worker", "Succeeded", Json::array({container("t", gpuLimit(1))})),
        makePod("failed", "lab-worker", "Failed", Json::array({container("t", gpuLimit(1))})),
        makePod("starting", "lab-worker", "Pending", Json::array({container("t", gpuLimit(1))}),
                Json::array({container("i", gpuLimit(1))})),
        makePod("unscheduled", "", "Pending", Json::array({container("t", gpuLimit(4))})),
        makePod("shared", "lab-worker2", "Running",
                Json::array({container("s", {{"limits", {{"nvidia.com/gpu.shared", "1"}}}})})),
        makePod("elsewhere", "other-cluster-node", "Running", Json::array({container("t", gpuLimit(1))})),
    };
    auto rows = summarizeNodes(nodes, pods);
    REQUIRE(rows.size() == 5);
    // Sorted by name.
    CHECK(rows[0].name == "gpu-host");
    CHECK(rows[1].name == "lab-control-plane");
    CHECK(rows[2].name == "lab-worker");

    CHECK(rows[0].gpuMode == "real");
    CHECK(rows[0].ready == "Unknown");
    CHECK(rows[1].role == "control-plane");
    CHECK(rows[1].gpuMode == "none");
    REQUIRE(rows[1].taints.size() == 1);
    CHECK(rows[1].taints[0].key == "node-role.kubernetes.io/control-plane");

    const auto& a100 = rows[2];
    CHECK(a100.role == "worker");
    CHECK(a100.ready == "True");
    CHECK(a100.gpuMode == "simulated");
    CHECK(a100.gpuCapacity == std::map<std::string, long long>{{"nvidia.com/gpu", 4}});
    CHECK(a100.gpuAllocatable == std::map<std::string, long long>{{"nvidia.com/gpu", 4}});
    // train 2 + starting 1 (its init and app both ask 1); done and failed no longer hold GPUs.
    CHECK(a100.gpuRequested == std::map<std::string, long long>{{"nvidia.com/gpu", 3}});

    const auto& t4 = rows[3];
    CHECK(t4.ready == "False");
    CHECK(t4.sharing == "time-slicing");
    CHECK(t4.gpuCapacity == std::map<std::string, long long>{{"nvidia.com/gpu.shared", 4}});
    CHECK(t4.gpuRequested == std::map<std::string, long long>{{"nvidia.com/gpu.shared", 1}});

    REQUIRE(rows[4].problems.size() == 2);  // capacity and allocatable both unreadable
    CHECK(rows[4].problems[0].find("\"lots\"") != std::string::npos);

    std::string table = renderNodeStatusTable(rows);
    INFO(table);
    CHECK(table.rfind("NAME", 0) == 0);
    CHECK(table.find("lab-worker ") != std::string::npos);
    CHECK(table.find("4/4") != std::string::npos);
    CHECK(table.find("gpu=3") != std::string::npos);
    CHECK(table.find("shared=1") != std::string::npos);
    CHECK(table.find("Tesla-T4 (time-sliced)") != std::string::npos);
    CHECK(table.find("nvidia.com/gpu=present:NoSchedule") != std::string::npos);
    CHECK(std::count(table.begin(), table.end(), '\n') == 6);

    Json json = nodeStatusJson(rows);
    REQUIRE(json["nodes"].size() == 5);
    CHECK(json["nodes"][2]["gpu"]["requested"]["nvidia.com/gpu"] == 3);
    CHECK(json["nodes"][2]["gpuMode"] == "simulated");
    CHECK(json["nodes"][1]["gpu"]["capacity"] == Json::object());
    CHECK(json["nodes"][3]["taints"][0]["value"] == "present");
}

TEST_CASE("node status read from the double after the simulator set GPUs up") {
    auto api = ApiDouble::start();
    TransportConfig config;
    config.server = api->url();
    config.caPem = api->pki().caPem;
    config.clientCertPem = api->pki().clientCertPem;
    config.clientKeyPem = api->pki().clientKeyPem;
    KubeClient client(config, cpprestTransportFactory(), noCredentials());
    api->create(makeNode("lab-worker", {}, {{"cpu", "8"}}));
    api->create(makeNode("lab-worker2", {}, {{"cpu", "8"}}));
    api->create(makePod("train", "lab-worker", "Running", Json::array({container("t", gpuLimit(3))})));

    GpuNodeSpec spec;
    spec.nodeName = "lab-worker";
    GpuSimulator sim(client, {spec});
    REQUIRE(sim.reconcileOnce().ok());

    auto rows = readNodeStatus(client);
    REQUIRE(rows);
    REQUIRE(rows->size() == 2);
    CHECK((*rows)[0].gpuMode == "simulated");
    CHECK((*rows)[0].gpuProduct == "NVIDIA-A100-SXM4-40GB");
    CHECK((*rows)[0].gpuCapacity.at("nvidia.com/gpu") == 4);
    CHECK((*rows)[0].gpuRequested.at("nvidia.com/gpu") == 3);
    CHECK((*rows)[1].gpuMode == "none");
}

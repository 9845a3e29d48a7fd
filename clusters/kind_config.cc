// kind node naming and the generated kind config.
#include "clusters/kind_config.h"

namespace kc {

std::vector<std::string> kindNodeNames(const std::string& clusterName, const std::vector<std::string>& roles) {
    std::vector<std::string> names;
    int controlPlanes = 0, workers = 0;
    for (const auto& role : roles) {
        int& counter = role == "control-plane" ? controlPlanes : workers;
        ++counter;
        std::string base = clusterName + "-" + (role == "control-plane" ? "control-plane" : "worker");
        names.push_back(counter == 1 ? base : base + std::to_string(counter));
    }
    return names;
}

namespace {

// One kubeadm patch document; kind matches it to the node's JoinConfiguration by kind (no apiVersion needed).
std::string joinTaintPatch(const std::vector<NodeTaint>& taints) {
    std::string text = "kind: JoinConfiguration\nnodeRegistration:\n  taints:\n";
    for (const auto& t : taints) {
        text += "  - key: " + Json(t.key).dump() + "\n";
        if (!t.value.empty()) text += "    value: " + Json(t.value).dump() + "\n";
        text += "    effect: " + Json(t.effect).dump() + "\n";
    }
    return text;
}

}  // namespace

Json kindConfigFor(const ClusterProfile& cluster) {
    Json config = cluster.kindConfig;
    if (!config.contains("nodes") || !config["nodes"].is_array()) return config;
    for (const auto& extra : cluster.nodes) {
        if (extra.index < 0 || static_cast<size_t>(extra.index) >= config["nodes"].size()) continue;
        Json& node = config["nodes"][static_cast<size_t>(extra.index)];
        for (const auto& [key, value] : extra.labels) node["labels"][key] = value;
        if (!extra.taints.empty()) {
            if (!node.contains("kubeadmConfigPatches")) node["kubeadmConfigPatches"] = Json::array();
            node["kubeadmConfigPatches"].push_back(joinTaintPatch(extra.taints));
        }
    }
    return config;
}

}  // namespace kc

// Node rows for `cluster status`: what each node is, whether it is Ready, and its GPUs (advertised vs asked for).
#include "clusters/node_status.h"

#include <algorithm>
#include <charconv>
#include <iomanip>
#include <sstream>

namespace kc {
namespace {

const char* const kGpuResources[] = {kGpuResource, kSharedGpuResource};

bool hasLabel(const Json& node, const std::string& key) {
    return node.contains("metadata") && node["metadata"].is_object() && node["metadata"].contains("labels") &&
           node["metadata"]["labels"].is_object() && node["metadata"]["labels"].contains(key);
}

std::string label(const Json& node, const std::string& key) {
    if (!hasLabel(node, key) || !node["metadata"]["labels"][key].is_string()) return "";
    return node["metadata"]["labels"][key].get<std::string>();
}

// Extended resources are whole numbers; a value such as "2" (string) or 2 (number) is read, anything else is not.
bool readCount(const Json& value, long long& out) {
    if (value.is_number_integer()) {
        out = value.get<long long>();
        return true;
    }
    if (!value.is_string()) return false;
    const std::string& text = value.get_ref<const std::string&>();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

long long containerRequest(const Json& container, const std::string& resource) {
    if (!container.is_object() || !container.contains("resources") || !container["resources"].is_object()) return 0;
    const Json& resources = container["resources"];
    long long value = 0;
    for (const char* field : {"requests", "limits"}) {
        if (resources.contains(field) && resources[field].is_object() && resources[field].contains(resource) &&
            readCount(resources[field][resource], value))
            return std::max(0LL, value);
    }
    return 0;
}

std::string taintText(const NodeTaint& t) {
    return t.key + (t.value.empty() ? "" : "=" + t.value) + ":" + t.effect;
}

std::string countOrDash(const std::map<std::string, long long>& m, const std::string& key) {
    auto it = m.find(key);
    return it == m.end() ? "-" : std::to_string(it->second);
}

}  // namespace

std::string gpuModeOf(const Json& node) {
    std::string mode = label(node, "kubeclass.dev/gpu-mode");
    if (!mode.empty()) return mode;
    for (const char* resource : kGpuResources) {
        if (node.contains("status") && node["status"].is_object() && node["status"].contains("capacity") &&
            node["status"]["capacity"].is_object() && node["status"]["capacity"].contains(resource)) {
            long long count = 0;
            if (readCount(node["status"]["capacity"][resource], count) && count > 0) return "real";
        }
    }
    return "none";
}

long long effectivePodRequest(const Json& pod, const std::string& resource) {
    if (!pod.contains("spec") || !pod["spec"].is_object()) return 0;
    const Json& spec = pod["spec"];
    long long apps = 0;
    if (spec.contains("containers") && spec["containers"].is_array())
        for (const auto& c : spec["containers"]) apps += containerRequest(c, resource);
    long long sidecars = 0;   // restartable init containers started so far
    long long initPeak = 0;
    if (spec.contains("initContainers") && spec["initContainers"].is_array()) {
        for (const auto& c : spec["initContainers"]) {
            long long request = containerRequest(c, resource);
            bool sidecar = c.is_object() && c.value("restartPolicy", "") == "Always";
            if (sidecar) {
                sidecars += request;
                initPeak = std::max(initPeak, sidecars);
            } else {
                initPeak = std::max(initPeak, request + sidecars);
            }
        }
    }
    return std::max(apps + sidecars, initPeak);
}

std::vector<NodeStatusRow> summarizeNodes(const std::vector<Json>& nodes, const std::vector<Json>& pods) {
    std::vector<NodeStatusRow> rows;
    for (const auto& node : nodes) {
        if (!node.is_object() || !node.contains("metadata")) continue;
        NodeStatusRow row;
        row.name = node["metadata"].value("name", "");
        row.role = hasLabel(node, "node-role.kubernetes.io/control-plane") ||
                           hasLabel(node, "node-role.kubernetes.io/master")
                       ? "control-plane"
                       : "worker";
        row.ready = "Unknown";
        if (node.contains("status") && node["status"].is_object() && node["status"].contains("conditions") &&
            node["status"]["conditions"].is_array())
            for (const auto& c : node["status"]["conditions"])
                if (c.is_object() && c.value("type", "") == "Ready") row.ready = c.value("status", "Unknown");
        if (node.contains("spec") && node["spec"].is_object() && node["spec"].contains("taints") &&
            node["spec"]["taints"].is_array())
            for (const auto& t : node["spec"]["taints"])
                if (t.is_object())
                    row.taints.push_back({t.value("key", ""), t.value("value", ""), t.value("effect", "")});
        row.gpuMode = gpuModeOf(node);
        row.gpuProduct = label(node, "nvidia.com/gpu.product");
        row.sharing = label(node, "nvidia.com/gpu.sharing-strategy");
        for (const char* field : {"capacity", "allocatable"}) {
            if (!node.contains("status") || !node["status"].is_object() || !node["status"].contains(field) ||
                !node["status"][field].is_object())
                continue;
            auto& target = std::string(field) == "capacity" ? row.gpuCapacity : row.gpuAllocatable;
            for (const char* resource : kGpuResources) {
                if (!node["status"][field].contains(resource)) continue;
                long long count = 0;
                if (readCount(node["status"][field][resource], count))
                    target[resource] = count;
                else
                    row.problems.push_back(std::string(field) + " " + resource + " is not a whole number: " +
                                           node["status"][field][resource].dump());
            }
        }
        rows.push_back(std::move(row));
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    for (const auto& pod : pods) {
        if (!pod.is_object() || !pod.contains("spec") || !pod["spec"].is_object()) continue;
        std::string nodeName = pod["spec"].value("nodeName", "");
        if (nodeName.empty()) continue;
        std::string phase = pod.contains("status") && pod["status"].is_object() ? pod["status"].value("phase", "") : "";
        if (phase == "Succeeded" || phase == "Failed") continue;
        auto row = std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.name == nodeName; });
        if (row == rows.end()) continue;
        for (const char* resource : kGpuResources) {
            long long request = effectivePodRequest(pod, resource);
            if (request > 0) row->gpuRequested[resource] += request;
        }
    }
    return rows;
}

Result<std::vector<NodeStatusRow>> readNodeStatus(KubeClient& client) {
    auto nodes = client.list({"v1", "Node", "", ""});
    if (!nodes) return fail(Error(nodes.error()).context("reading node status"));
    auto pods = client.list({"v1", "Pod", "", ""});
    if (!pods) return fail(Error(pods.error()).context("reading the pods that request GPUs"));
    return summarizeNodes(nodes->items, pods->items);
}

std::string renderNodeStatusTable(const std::vector<NodeStatusRow>& rows) {
    const std::vector<std::string> header = {"NAME",   "ROLE",      "READY",   "GPU-MODE", "GPU",
                                             "SHARED", "REQUESTED", "PRODUCT", "TAINTS"};
    std::vector<std::vector<std::string>> table{header};
    for (const auto& r : rows) {
        auto pair = [&](const char* resource) -> std::string {
            if (!r.gpuCapacity.count(resource) && !r.gpuAllocatable.count(resource)) return "-";
            return countOrDash(r.gpuAllocatable, resource) + "/" + countOrDash(r.gpuCapacity, resource);
        };
        std::string requested;
        if (r.gpuRequested.count(kGpuResource)) requested += "gpu=" + std::to_string(r.gpuRequested.at(kGpuResource));
        if (r.gpuRequested.count(kSharedGpuResource))
            requested += std::string(requested.empty() ? "" : ",") + "shared=" +
                         std::to_string(r.gpuRequested.at(kSharedGpuResource));
        std::string taints;
        for (const auto& t : r.taints) taints += (taints.empty() ? "" : ",") + taintText(t);
        std::string product = r.gpuProduct.empty() ? "-" : r.gpuProduct;
        if (r.sharing == "time-slicing") product += " (time-sliced)";
        table.push_back({r.name, r.role, r.ready, r.gpuMode, pair(kGpuResource), pair(kSharedGpuResource),
                         requested.empty() ? "-" : requested, product, taints.empty() ? "-" : taints});
    }
    std::vector<size_t> widths(header.size(), 0);
    for (const auto& line : table)
        for (size_t i = 0; i < line.size(); ++i) widths[i] = std::max(widths[i], line[i].size());
    std::ostringstream out;
    for (const auto& line : table) {
        std::string text;
        for (size_t i = 0; i < line.size(); ++i) {
            text += line[i];
            if (i + 1 < line.size()) text += std::string(widths[i] - line[i].size() + 2, ' ');
        }
        out << text << "\n";
    }
    return out.str();
}

Json nodeStatusJson(const std::vector<NodeStatusRow>& rows) {
    Json nodes = Json::array();
    for (const auto& r : rows) {
        Json taints = Json::array();
        for (const auto& t : r.taints) taints.push_back({{"key", t.key}, {"value", t.value}, {"effect", t.effect}});
        nodes.push_back({{"name", r.name},
                         {"role", r.role},
                         {"ready", r.ready},
                         {"taints", taints},
                         {"gpuMode", r.gpuMode},
                         {"gpuProduct", r.gpuProduct},
                         {"sharing", r.sharing},
                         {"gpu",
                          {{"capacity", Json(r.gpuCapacity)},
                           {"allocatable", Json(r.gpuAllocatable)},
                           {"requested", Json(r.gpuRequested)}}},
                         {"problems", r.problems}});
    }
    return Json{{"nodes", nodes}};
}

}  // namespace kc

// Node status rows as table text.
#include "app/cluster_node_text.h"

namespace kc::app {

namespace {
constexpr const char* kNone = "\xE2\x80\x94";  // —
}

std::string gpuAmountText(const std::map<std::string, long long>& amounts) {
    std::string text;
    auto whole = amounts.find(kGpuResource);
    auto shared = amounts.find(kSharedGpuResource);
    if (whole != amounts.end()) text = std::to_string(whole->second);
    if (shared != amounts.end()) text += (text.empty() ? "" : " + ") + std::to_string(shared->second) + " shared";
    return text.empty() ? kNone : text;
}

std::string taintsText(const std::vector<NodeTaint>& taints) {
    std::string text;
    for (const auto& t : taints)
        text += (text.empty() ? "" : "\n") + t.key + (t.value.empty() ? "" : "=" + t.value) + ":" + t.effect;
    return text.empty() ? kNone : text;
}

NodeRowText nodeRowText(const NodeStatusRow& row) {
    NodeRowText text;
    text.name = row.name;
    text.role = row.role;
    text.readyOk = row.ready == "True";
    text.ready = row.ready == "True" ? "Ready" : row.ready == "False" ? "NotReady" : "Unknown";
    text.taints = taintsText(row.taints);
    text.capacity = gpuAmountText(row.gpuCapacity);
    text.allocatable = gpuAmountText(row.gpuAllocatable);
    text.requested = gpuAmountText(row.gpuRequested);
    text.product = row.gpuProduct.empty() ? kNone : row.gpuProduct;
    return text;
}

std::string gpuModeExplanation(const std::string& mode) {
    if (mode == "simulated")
        return "Simulated GPUs: kind workers carry GPU labels, taints and nvidia.com/gpu capacity, so scheduling "
               "works as on a GPU node, but no CUDA code runs.";
    if (mode == "real")
        return "Real GPUs: host GPUs are handed to kind workers through the NVIDIA container toolkit and advertised "
               "by the NVIDIA device plugin.";
    if (mode == "mixed") return "Mixed: some GPU nodes are simulated, some use the host's real GPUs.";
    return "No GPU nodes: this profile runs CPU-only workloads.";
}

}  // namespace kc::app

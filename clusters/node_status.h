// Per-node status for `cluster status` and the app: role, Ready, taints, GPU capacity / allocatable / requested,
// and which GPU mode is on. Summarising is pure (nodes + pods in, rows out); reading the cluster is one call.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "clusters/gpu_node_spec.h"
#include "clusters/json.h"
#include "clusters/kube_client.h"
#include "clusters/result.h"

namespace kc {

// The extended resources node status counts as GPUs.
inline constexpr const char* kGpuResource = "nvidia.com/gpu";
inline constexpr const char* kSharedGpuResource = "nvidia.com/gpu.shared";

struct NodeStatusRow {
    std::string name;
    std::string role;   // "control-plane" (node-role.kubernetes.io/control-plane or /master label) | "worker"
    std::string ready;  // the Ready condition's status: "True" | "False" | "Unknown" (no condition yet)
    std::vector<NodeTaint> taints;
    std::string gpuMode;     // "simulated" | "real" | "none"
    std::string gpuProduct;  // nvidia.com/gpu.product label, "" when absent
    std::string sharing;     // nvidia.com/gpu.sharing-strategy label, "" when absent
    // Per GPU resource (nvidia.com/gpu, nvidia.com/gpu.shared) present on the node or requested on it.
    std::map<std::string, long long> gpuCapacity;
    std::map<std::string, long long> gpuAllocatable;
    std::map<std::string, long long> gpuRequested;  // by non-terminated pods bound to the node
    std::vector<std::string> problems;  // e.g. a capacity value that is not an integer
};

// The GPU mode: the kubeclass.dev/gpu-mode label when set; otherwise "real" when the node advertises GPU
// capacity (a device plugin is there), else "none".
std::string gpuModeOf(const Json& node);

// How many of `resource` a pod asks for, by the effective-request rule: the larger of the sum over app
// containers (plus restartable init "sidecar" containers) and, for each init container, its request plus the
// sidecars started before it. A container's request is requests[resource], else limits[resource] (extended
// resources default their request to the limit).
long long effectivePodRequest(const Json& pod, const std::string& resource);

// Rows in node-name order. Pods count when spec.nodeName names the node and status.phase is neither
// Succeeded nor Failed.
std::vector<NodeStatusRow> summarizeNodes(const std::vector<Json>& nodes, const std::vector<Json>& pods);

// Lists nodes and all pods (two LISTs) and summarises them.
Result<std::vector<NodeStatusRow>> readNodeStatus(KubeClient& client);

// A fixed-width text table: NAME ROLE READY GPU-MODE GPUS (allocatable/capacity, shared in brackets)
// REQUESTED PRODUCT TAINTS.
std::string renderNodeStatusTable(const std::vector<NodeStatusRow>& rows);

// {"nodes":[{name, role, ready, taints:[{key,value,effect}], gpuMode, gpuProduct, sharing,
//   gpu:{capacity:{}, allocatable:{}, requested:{}}, problems:[]}]}
Json nodeStatusJson(const std::vector<NodeStatusRow>& rows);

}  // namespace kc

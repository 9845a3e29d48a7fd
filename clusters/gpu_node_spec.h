// What a cluster profile asks of one GPU worker node. The profile loader fills it; the GPU simulation and the
// real-GPU setup consume it. Plain data, so both sides can be tested without the other.
#pragma once

#include <string>
#include <vector>

namespace kc {

struct NodeTaint {
    std::string key;
    std::string value;
    std::string effect;  // NoSchedule | PreferNoSchedule | NoExecute
};

enum class GpuMode { Simulated, Real };

struct GpuNodeSpec {
    std::string nodeName;  // the node's name as kind creates it, e.g. "lab-02-gpu-sim-worker2"
    GpuMode mode = GpuMode::Simulated;

    // Simulated nodes: what GPU feature discovery would report for the node.
    std::string product = "NVIDIA-A100-SXM4-40GB";  // value of the nvidia.com/gpu.product label
    int count = 4;                                  // whole GPUs on the node
    long long memoryMiB = 40960;                    // per GPU; value of nvidia.com/gpu.memory

    // Real nodes: indexes (as nvidia-smi numbers them) of the host GPUs given to this node; empty means all.
    std::vector<int> hostGpuIndexes;

    // Taints the harness makes sure the node carries (kind also sets them at join time via kubeadm).
    std::vector<NodeTaint> taints;
};

}  // namespace kc

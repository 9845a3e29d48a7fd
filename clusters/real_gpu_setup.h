// Real GPU nodes, nvkind style: kind worker entries that hand host GPUs to a node through the NVIDIA container
// toolkit's volume-mount device list, the per-node steps that make containerd inside the node use the NVIDIA
// runtime and hide GPUs that belong to other nodes, and the NVIDIA device plugin objects to install.
// Host prerequisite (preflight checks it): the toolkit with accept-nvidia-visible-devices-as-volume-mounts=true
// and the nvidia runtime as docker's default.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "clusters/gpu_inventory.h"
#include "clusters/gpu_node_spec.h"
#include "clusters/json.h"
#include "clusters/process_runner.h"
#include "clusters/result.h"

namespace kc {

// The container path prefix the NVIDIA container runtime reads GPU requests from when mounts are accepted.
inline constexpr const char* kNvidiaDeviceMountDir = "/var/run/nvidia-container-devices";

// The GPU indexes a node gets: its hostGpuIndexes, or every detected GPU when empty. Invalid when an index is
// not among the detected GPUs or is listed twice.
Result<std::vector<int>> gpuIndexesForNode(const GpuNodeSpec& spec, const std::vector<GpuDevice>& hostGpus);

// One kind `nodes:` entry (role worker) for a real GPU node: labels kubeclass.dev/gpu-mode=real and
// extraMounts {hostPath: /dev/null, containerPath: /var/run/nvidia-container-devices/<index>} per GPU ("all"
// when the node takes every GPU). Taints are not here: the profile puts them in the kubeadm JoinConfiguration.
Result<Json> kindNodeForRealGpus(const GpuNodeSpec& spec, const std::vector<GpuDevice>& hostGpus);

// The entries for every Real spec, in order. Invalid when two nodes claim the same GPU, or a node asks for
// GPUs and the host has none.
Result<std::vector<Json>> kindNodesForRealGpus(const std::vector<GpuNodeSpec>& specs,
                                               const std::vector<GpuDevice>& hostGpus);

// Where the NVIDIA container toolkit keeps its runtime settings on the host.
inline constexpr const char* kNvidiaRuntimeConfig = "/etc/nvidia-container-runtime/config.toml";

// Whether the toolkit's config.toml turns on accept-nvidia-visible-devices-as-volume-mounts (a top-level key;
// commented out and false by default). Invalid when the key has a value other than true/false.
Result<bool> toolkitAcceptsVolumeMounts(std::string_view configToml, const std::string& sourceName);

// The host checks real GPU nodes need beyond nvidia-smi, for preflight: the toolkit config (read bounded from
// configPath) accepts device lists as volume mounts, and docker's default runtime is nvidia
// (`docker info --format {{.DefaultRuntime}}`). Each failure says what to run (the nvkind setup commands:
// nvidia-ctk runtime configure --runtime=docker --set-as-default --cdi.enabled; nvidia-ctk config --set
// accept-nvidia-visible-devices-as-volume-mounts=true --in-place; restart docker). All failures in one error.
Status checkRealGpuHost(ProcessRunner& runner, const std::string& configPath = kNvidiaRuntimeConfig,
                        const std::string& docker = "docker");

// One step run against a node container after `kind create cluster`, in order.
struct NodeStep {
    std::string node;
    std::string title;              // for progress: "configure containerd for the NVIDIA runtime"
    std::vector<std::string> argv;  // {"docker", "exec", NODE, "bash", "-c", SCRIPT}
};

// The steps for one real GPU node: install the NVIDIA container toolkit in the node (skipped when present),
// configure containerd with nvidia-ctk and restart it, keep the driver from recreating device nodes
// (/proc/driver/nvidia/params ModifyDeviceFiles: 0; the toolkit >= 1.19 already does it, the step checks), and
// remove /dev/nvidiaN of GPUs the node was not given. `docker` is the docker program to call.
Result<std::vector<NodeStep>> realGpuNodeSteps(const GpuNodeSpec& spec, const std::vector<GpuDevice>& hostGpus,
                                               const std::string& docker = "docker");

// Runs the steps in order through the runner (each with `timeout`), calling onStart before each. Stops at the
// first step that fails or exits non-zero: the error names the node, the step, the exit code and the last
// lines the step printed.
Status runNodeSteps(ProcessRunner& runner, const std::vector<NodeStep>& steps,
                    const std::function<void(const NodeStep&)>& onStart = {},
                    std::chrono::milliseconds timeout = std::chrono::minutes(10));

struct DevicePluginInstall {
    std::string version = "v0.17.1";  // pinned k8s-device-plugin release
    std::string image = "nvcr.io/nvidia/k8s-device-plugin";
    std::string ns = "nvidia-device-plugin";
    std::vector<NodeTaint> tolerate;  // the GPU nodes' taints (nvidia.com/gpu Exists is always tolerated)
    // When set, the plugin reads this key of this ConfigMap (in ns) as its config file (time-slicing).
    std::string configMapName;
    std::string configKey = "config";
};

// The objects to server-side apply, in order: Namespace, RuntimeClass "nvidia" (handler nvidia), DaemonSet
// "nvidia-device-plugin-daemonset" (runtimeClassName nvidia, nodeSelector kubeclass.dev/gpu-mode=real,
// priorityClassName system-node-critical, tolerations, the kubelet device-plugins socket directory mounted).
std::vector<Json> devicePluginObjects(const DevicePluginInstall& install = {});

}  // namespace kc

// nvkind-style real GPU nodes: which host GPUs each kind worker gets, the commands that finish the node after
// kind created it, and the device plugin that advertises the GPUs to Kubernetes.
#include "clusters/real_gpu_setup.h"

#include <algorithm>
#include <map>
#include <set>

namespace kc {
namespace {

std::string indexList(const std::vector<int>& indexes) {
    std::string out;
    for (int i : indexes) out += (out.empty() ? "" : ", ") + std::to_string(i);
    return out;
}

bool takesAll(const GpuNodeSpec& spec) { return spec.hostGpuIndexes.empty(); }

NodeStep script(const std::string& docker, const std::string& node, const std::string& title,
                const std::string& body) {
    return {node, title, {docker, "exec", node, "bash", "-c", body}};
}

}  // namespace

Result<std::vector<int>> gpuIndexesForNode(const GpuNodeSpec& spec, const std::vector<GpuDevice>& hostGpus) {
    std::set<int> host;
    for (const auto& gpu : hostGpus) host.insert(gpu.index);
    const std::string what = "GPUs for node " + spec.nodeName;
    if (host.empty()) return fail(ErrorKind::NotFound, what + ": the host has no NVIDIA GPU");
    if (takesAll(spec)) return std::vector<int>(host.begin(), host.end());
    std::set<int> seen;
    std::vector<std::string> problems;
    for (int index : spec.hostGpuIndexes) {
        if (!host.count(index))
            problems.push_back("GPU " + std::to_string(index) + " is not on this host (it has " +
                               indexList(std::vector<int>(host.begin(), host.end())) + ")");
        else if (!seen.insert(index).second)
            problems.push_back("GPU " + std::to_string(index) + " is listed twice");
    }
    if (!problems.empty()) {
        std::string message = what + ": ";
        for (size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
        return fail(ErrorKind::Invalid, message);
    }
    return spec.hostGpuIndexes;
}

Result<Json> kindNodeForRealGpus(const GpuNodeSpec& spec, const std::vector<GpuDevice>& hostGpus) {
    auto indexes = gpuIndexesForNode(spec, hostGpus);
    if (!indexes) return fail(indexes.error());
    Json mounts = Json::array();
    // The NVIDIA runtime reads the GPUs to inject from mount points under this directory (a feature the host's
    // toolkit enables with accept-nvidia-visible-devices-as-volume-mounts); /dev/null is only a placeholder.
    auto mountFor = [](const std::string& device) {
        return Json{{"hostPath", "/dev/null"}, {"containerPath", std::string(kNvidiaDeviceMountDir) + "/" + device}};
    };
    if (takesAll(spec)) {
        mounts.push_back(mountFor("all"));
    } else {
        for (int index : *indexes) mounts.push_back(mountFor(std::to_string(index)));
    }
    return Json{{"role", "worker"},
                {"labels", {{"kubeclass.dev/gpu-mode", "real"}}},
                {"extraMounts", mounts}};
}

Result<std::vector<Json>> kindNodesForRealGpus(const std::vector<GpuNodeSpec>& specs,
                                               const std::vector<GpuDevice>& hostGpus) {
    std::vector<Json> nodes;
    std::map<int, std::string> owner;
    std::vector<std::string> problems;
    for (const auto& spec : specs) {
        if (spec.mode != GpuMode::Real) continue;
        auto indexes = gpuIndexesForNode(spec, hostGpus);
        if (!indexes) {
            problems.push_back(indexes.error().message);
            continue;
        }
        for (int index : *indexes) {
            auto [it, inserted] = owner.emplace(index, spec.nodeName);
            if (!inserted)
                problems.push_back("GPU " + std::to_string(index) + " is given to both " + it->second + " and " +
                                   spec.nodeName + " (a GPU can belong to one node)");
        }
        auto node = kindNodeForRealGpus(spec, hostGpus);
        if (node) nodes.push_back(std::move(*node));
    }
    if (!problems.empty()) {
        std::string message;
        for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
        return fail(ErrorKind::Invalid, message);
    }
    return nodes;
}

Result<std::vector<NodeStep>> realGpuNodeSteps(const GpuNodeSpec& spec, const std::vector<GpuDevice>& hostGpus,
                                               const std::string& docker) {
    auto indexes = gpuIndexesForNode(spec, hostGpus);
    if (!indexes) return fail(indexes.error());
    const std::string& node = spec.nodeName;
    std::vector<NodeStep> steps;
    steps.push_back(script(
        docker, node, "install the NVIDIA container toolkit in the node",
        "set -e\n"
        "command -v nvidia-ctk >/dev/null 2>&1 && exit 0\n"
        "apt-get update\n"
        "apt-get install -y gpg curl\n"
        "curl -fsSL https://nvidia.github.io/libnvidia-container/gpgkey"
        " | gpg --dearmor -o /usr/share/keyrings/nvidia-container-toolkit-keyring.gpg\n"
        "curl -fsSL https://nvidia.github.io/libnvidia-container/stable/deb/nvidia-container-toolkit.list"
        " | sed 's#deb https://#deb [signed-by=/usr/share/keyrings/nvidia-container-toolkit-keyring.gpg] https://#'"
        " > /etc/apt/sources.list.d/nvidia-container-toolkit.list\n"
        "apt-get update\n"
        "apt-get install -y nvidia-container-toolkit\n"));
    steps.push_back(script(docker, node, "configure containerd for the NVIDIA runtime",
                           "set -e\n"
                           "nvidia-ctk runtime configure --runtime=containerd --config-source=command\n"
                           "systemctl restart containerd\n"));
    // Without this the driver recreates /dev/nvidiaN for every GPU on first use, so a node would see GPUs that
    // belong to other nodes. Toolkit 1.19+ already masks the file (ModifyDeviceFiles: 0) and then the old dance
    // fails, hence the check.
    steps.push_back(script(docker, node, "keep the driver from recreating GPU device nodes",
                           "set -e\n"
                           "grep -qx 'ModifyDeviceFiles: 0' /proc/driver/nvidia/params && exit 0\n"
                           "umount -R /proc/driver/nvidia\n"
                           "cp /proc/driver/nvidia/params /root/gpu-params\n"
                           "sed -i 's/^ModifyDeviceFiles: 1$/ModifyDeviceFiles: 0/' /root/gpu-params\n"
                           "mount --bind /root/gpu-params /proc/driver/nvidia/params\n"));
    if (!takesAll(spec)) {
        std::string body;
        for (const auto& gpu : hostGpus) {
            if (std::find(indexes->begin(), indexes->end(), gpu.index) != indexes->end()) continue;
            std::string dev = "/dev/nvidia" + std::to_string(gpu.index);
            body += "while umount " + dev + " 2>/dev/null; do :; done\nrm -f " + dev + "\n";
        }
        if (!body.empty())
            steps.push_back(script(docker, node, "hide the GPUs that belong to other nodes", body));
    }
    return steps;
}

std::vector<Json> devicePluginObjects(const DevicePluginInstall& install) {
    std::vector<Json> objects;
    objects.push_back({{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", install.ns}}}});
    objects.push_back({{"apiVersion", "node.k8s.io/v1"},
                       {"kind", "RuntimeClass"},
                       {"metadata", {{"name", "nvidia"}}},
                       {"handler", "nvidia"}});

    Json tolerations = Json::array({{{"key", "nvidia.com/gpu"}, {"operator", "Exists"}, {"effect", "NoSchedule"}},
                                    {{"key", "CriticalAddonsOnly"}, {"operator", "Exists"}}});
    for (const auto& taint : install.tolerate) {
        Json toleration = taint.value.empty()
                              ? Json{{"key", taint.key}, {"operator", "Exists"}, {"effect", taint.effect}}
                              : Json{{"key", taint.key}, {"operator", "Equal"}, {"value", taint.value},
                                     {"effect", taint.effect}};
        bool covered = std::any_of(tolerations.begin(), tolerations.end(), [&](const Json& t) {
            return t.value("key", "") == taint.key && t.value("operator", "") == "Exists" &&
                   (!t.contains("effect") || t.value("effect", "") == taint.effect);
        });
        if (!covered) tolerations.push_back(toleration);
    }

    Json env = Json::array({{{"name", "FAIL_ON_INIT_ERROR"}, {"value", "false"}}});
    Json mounts = Json::array({{{"name", "device-plugin"}, {"mountPath", "/var/lib/kubelet/device-plugins"}}});
    Json volumes =
        Json::array({{{"name", "device-plugin"}, {"hostPath", {{"path", "/var/lib/kubelet/device-plugins"}}}}});
    if (!install.configMapName.empty()) {
        env.push_back({{"name", "CONFIG_FILE"}, {"value", "/etc/nvidia-device-plugin/config.yaml"}});
        mounts.push_back({{"name", "config"}, {"mountPath", "/etc/nvidia-device-plugin"}, {"readOnly", true}});
        volumes.push_back({{"name", "config"},
                           {"configMap",
                            {{"name", install.configMapName},
                             {"items", Json::array({{{"key", install.configKey}, {"path", "config.yaml"}}})}}}});
    }
    Json container{{"name", "nvidia-device-plugin-ctr"},
                   {"image", install.image + ":" + install.version},
                   {"env", env},
                   {"securityContext", {{"allowPrivilegeEscalation", false}, {"capabilities", {{"drop", {"ALL"}}}}}},
                   {"volumeMounts", mounts}};
    objects.push_back(
        {{"apiVersion", "apps/v1"},
         {"kind", "DaemonSet"},
         {"metadata",
          {{"name", "nvidia-device-plugin-daemonset"},
           {"namespace", install.ns},
           {"labels", {{"app.kubernetes.io/name", "nvidia-device-plugin"}, {"app.kubernetes.io/version", install.version}}}}},
         {"spec",
          {{"selector", {{"matchLabels", {{"name", "nvidia-device-plugin-ds"}}}}},
           {"updateStrategy", {{"type", "RollingUpdate"}}},
           {"template",
            {{"metadata", {{"labels", {{"name", "nvidia-device-plugin-ds"}}}}},
             {"spec",
              {{"runtimeClassName", "nvidia"},
               {"nodeSelector", {{"kubeclass.dev/gpu-mode", "real"}}},
               {"priorityClassName", "system-node-critical"},
               {"tolerations", tolerations},
               {"containers", Json::array({container})},
               {"volumes", volumes}}}}}}}});
    return objects;
}

}  // namespace kc

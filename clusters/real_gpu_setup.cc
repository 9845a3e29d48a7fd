// nvkind-style real GPU nodes: which host GPUs each kind worker gets, the commands that finish the node after
// kind created it, and the device plugin that advertises the GPUs to Kubernetes.
#include "clusters/real_gpu_setup.h"

#include "clusters/bounded_file.h"

#include <algorithm>
#include <cctype>
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

namespace {

// The last few lines of a step's output, for the error when it fails.
std::string lastLines(const std::string& text, size_t count) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, std::min<size_t>(end - start, 300));
        if (line.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(line);
        start = end + 1;
    }
    std::string out;
    for (size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i)
        out += (out.empty() ? "" : "\n") + lines[i];
    return out;
}

}  // namespace

Status runNodeSteps(ProcessRunner& runner, const std::vector<NodeStep>& steps,
                    const std::function<void(const NodeStep&)>& onStart, std::chrono::milliseconds timeout) {
    for (const auto& step : steps) {
        if (step.argv.empty()) return fail(ErrorKind::Invalid, step.node + ": step \"" + step.title + "\" has no command");
        if (onStart) onStart(step);
        ProcessSpec spec;
        spec.program = step.argv.front();
        spec.args.assign(step.argv.begin() + 1, step.argv.end());
        spec.timeout = timeout;
        auto ran = runner.run(spec);
        const std::string what = "node " + step.node + ": " + step.title;
        if (!ran) return fail(Error(ran.error()).context(what));
        if (ran->exitCode != 0) {
            std::string tail = lastLines(ran->stderrText.empty() ? ran->stdoutText : ran->stderrText, 5);
            return fail(ErrorKind::Other, what + " failed (exit " + std::to_string(ran->exitCode) + ")" +
                                              (tail.empty() ? std::string() : ":\n" + tail));
        }
    }
    return {};
}

Result<bool> toolkitAcceptsVolumeMounts(std::string_view configToml, const std::string& sourceName) {
    const std::string key = "accept-nvidia-visible-devices-as-volume-mounts";
    size_t start = 0;
    int lineNumber = 0;
    while (start < configToml.size()) {
        size_t end = configToml.find('\n', start);
        if (end == std::string_view::npos) end = configToml.size();
        std::string line(configToml.substr(start, end - start));
        start = end + 1;
        ++lineNumber;
        size_t first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        if (line[first] == '[') break;  // the key is top-level; sections start after it
        if (line.compare(first, key.size(), key) != 0) continue;
        size_t eq = line.find('=', first + key.size());
        if (eq == std::string::npos || line.find_first_not_of(" \t", first + key.size()) != eq) continue;
        std::string value = line.substr(eq + 1);
        if (auto hash = value.find('#'); hash != std::string::npos) value.resize(hash);
        value.erase(0, value.find_first_not_of(" \t\r"));
        value.erase(value.find_last_not_of(" \t\r") + 1);
        if (value == "true") return true;
        if (value == "false") return false;
        return fail(ErrorKind::Invalid, sourceName + ":" + std::to_string(lineNumber) + ": " + key +
                                            ": must be true or false, not \"" + value.substr(0, 40) + "\"");
    }
    return false;
}

Status checkRealGpuHost(ProcessRunner& runner, const std::string& configPath, const std::string& docker) {
    std::vector<std::string> problems;
    auto toml = readFileBounded(configPath, 1024 * 1024);
    if (!toml) {
        problems.push_back("the NVIDIA container toolkit is not configured (" + toml.error().message +
                           "): install nvidia-container-toolkit, then run `sudo nvidia-ctk runtime configure "
                           "--runtime=docker --set-as-default --cdi.enabled`");
    } else {
        auto accepts = toolkitAcceptsVolumeMounts(*toml, configPath);
        if (!accepts)
            problems.push_back(accepts.error().message);
        else if (!*accepts)
            problems.push_back(configPath + ": kind nodes get GPUs through volume mounts, which the toolkit "
                                            "refuses: run `sudo nvidia-ctk config --set "
                                            "accept-nvidia-visible-devices-as-volume-mounts=true --in-place` "
                                            "and `sudo systemctl restart docker`");
    }
    ProcessSpec spec;
    spec.program = docker;
    spec.args = {"info", "--format", "{{.DefaultRuntime}}"};
    spec.timeout = std::chrono::seconds(30);
    auto info = runner.run(spec);
    if (!info) {
        problems.push_back("cannot ask docker for its default runtime: " + info.error().message);
    } else if (info->exitCode != 0) {
        std::string said = info->stderrText.substr(0, 300);
        while (!said.empty() && std::isspace(static_cast<unsigned char>(said.back()))) said.pop_back();
        problems.push_back("`docker info` failed (exit " + std::to_string(info->exitCode) + "): " + said);
    } else {
        std::string runtime = info->stdoutText;
        while (!runtime.empty() && std::isspace(static_cast<unsigned char>(runtime.back()))) runtime.pop_back();
        if (runtime != "nvidia")
            problems.push_back("docker's default runtime is \"" + runtime.substr(0, 60) +
                               "\", not nvidia: run `sudo nvidia-ctk runtime configure --runtime=docker "
                               "--set-as-default --cdi.enabled` and `sudo systemctl restart docker`");
    }
    if (problems.empty()) return {};
    std::string message;
    for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
    return fail(ErrorKind::Invalid, message);
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

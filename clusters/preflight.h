// Preflight: what a profile needs from the host before `cluster up` (docker, kind, kubectl, helm with minimum
// versions, memory, disk, inotify limits, free host ports, and for real GPUs the driver and container toolkit).
// Every failed check carries a fix: a command to run or a setting to change.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "clusters/gpu_inventory.h"
#include "clusters/host_probes.h"
#include "clusters/json.h"
#include "clusters/kind_driver.h"
#include "clusters/process_runner.h"
#include "clusters/profile.h"
#include "clusters/real_gpu_setup.h"

namespace kc {

struct ToolVersion {
    int major = 0, minor = 0, patch = 0;
    bool operator<(const ToolVersion& o) const {
        return std::tie(major, minor, patch) < std::tie(o.major, o.minor, o.patch);
    }
    std::string text() const;
};

// "kind v0.24.0 go1.22.6 linux/amd64" → 0.24.0
std::optional<ToolVersion> parseKindVersion(const std::string& output);
// `kubectl version --client -o json` → clientVersion.gitVersion
std::optional<ToolVersion> parseKubectlVersion(const std::string& jsonOutput);
// "v3.16.2+g13654a5" → 3.16.2
std::optional<ToolVersion> parseHelmVersion(const std::string& output);

struct PreflightOptions {
    KindTools tools;  // kind and docker programs, extra environment
    std::string kubectl = "kubectl";
    std::string helm = "helm";
    std::string nvidiaSmi = "nvidia-smi";
    ToolVersion minKind{0, 20, 0};      // node labels in the kind config and v1alpha4 as used by the profiles
    ToolVersion minKubectl{1, 27, 0};
    ToolVersion minHelm{3, 12, 0};
    // kind's known-issues page: several clusters exhaust the default inotify limits.
    long long minInotifyWatches = 524288;
    long long minInotifyInstances = 512;
    std::string nvidiaRuntimeConfig = kNvidiaRuntimeConfig;
    // Clusters that already exist are reused by `up`: their host ports are theirs, not a clash.
    std::vector<std::string> existingClusters;
};

struct PreflightCheck {
    enum class Outcome { Pass, Warn, Fail, Skip };
    std::string id;     // "docker", "kind", "memory", "port-80", "gpu-driver", ...
    std::string title;  // "Docker engine reachable"
    Outcome outcome = Outcome::Pass;
    std::string detail;  // what was found
    std::string fix;     // what to run or change (Fail and Warn)
};

const char* preflightOutcomeName(PreflightCheck::Outcome outcome);

struct PreflightReport {
    std::string profileId;
    std::vector<PreflightCheck> checks;
    std::vector<GpuDevice> gpus;  // real-GPU profiles: what nvidia-smi reported

    bool ok() const;  // no Fail
    const PreflightCheck* find(const std::string& id) const;
};

PreflightReport runPreflight(const Profile& profile, const PreflightOptions& options, ProcessRunner& runner,
                             HostProbes& probes);

// Text: one line per check ("PASS  docker  Docker engine reachable: 27.3.1") with "      fix: ..." under failures.
std::string renderPreflightText(const PreflightReport& report);
Json preflightJson(const PreflightReport& report);

}  // namespace kc

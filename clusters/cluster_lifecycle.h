// The cluster lifecycle behind `cluster up|down|status`: preflight, kind create (or reuse), connect, wait for
// nodes, GPU setup (simulated or real), post-create steps, addons and multi-cluster routes; delete; status.
// Everything outside goes through seams: ProcessRunner (kind, docker, helm, kubectl, nvidia-smi), HostProbes,
// and a connect function (KubeClient), so tests run it end to end with fake tools and the API double.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "clusters/cancellation.h"
#include "clusters/cluster_connection.h"
#include "clusters/host_probes.h"
#include "clusters/kind_driver.h"
#include "clusters/node_status.h"
#include "clusters/preflight.h"
#include "clusters/profile.h"

namespace kc {

struct LifecycleEvent {
    std::string cluster;  // empty for profile-wide steps (preflight, routes)
    std::string step;     // "preflight", "kind", "kubeconfig", "nodes", "gpu", "post-create", "addon", "routes"
    std::string message;
    std::chrono::milliseconds elapsed{0};  // for finished steps and kind stages
};

struct LifecycleOptions {
    PreflightOptions preflight;  // tools (kind, docker, kubectl, helm, nvidia-smi) and limits
    // The kubeconfig kind writes the clusters' contexts to (kind-<name>), instead of ~/.kube/config. Each cluster
    // also gets <its folder>/<cluster>.kubeconfig for kubeclass's own connection.
    std::string kubeconfigPath;
    std::chrono::milliseconds createTimeout{std::chrono::minutes(15)};
    std::chrono::milliseconds nodeReadyTimeout{std::chrono::minutes(5)};
    std::chrono::milliseconds addonTimeout{std::chrono::minutes(10)};
    bool skipPreflight = false;
    std::shared_ptr<Cancellation> cancel;
    std::function<void(const LifecycleEvent&)> onProgress;
    std::shared_ptr<Clock> clock;
    // Default: connectToCluster with the given kubeconfig file.
    std::function<Result<ClusterConnection>(const std::string& kubeconfigFile)> connect;
};

// The default place for kubeclass's kubeconfig: $XDG_STATE_HOME/kubeclass/kubeconfig, else
// ~/.local/state/kubeclass/kubeconfig.
std::string defaultClusterKubeconfigPath();

struct RouteCommand {
    std::string node;         // the node container the route is added on
    std::string destination;  // a remote node's podCIDR
    std::string via;          // that node's InternalIP
};

struct ClusterUpResult {
    std::string name;
    bool reused = false;
    std::string kubeconfigFile;
    std::vector<NodeStatusRow> nodes;
    std::vector<std::string> notes;  // GPU reconcile notes, addons installed, ...
};

struct UpReport {
    PreflightReport preflight;
    std::vector<ClusterUpResult> clusters;
    std::vector<RouteCommand> routes;
};

struct ClusterDownResult {
    std::string name;
    bool existed = false;
};

struct ClusterStatusResult {
    std::string name;
    bool exists = false;
    std::string kubeconfigFile;
    std::string gpuMode;  // "simulated" | "real" | "mixed" | "none"; "" when it could not be read
    std::vector<NodeStatusRow> nodes;
    std::string error;  // the cluster exists but could not be read
};

class ClusterLifecycle {
public:
    ClusterLifecycle(std::shared_ptr<ProcessRunner> runner, std::shared_ptr<HostProbes> probes, LifecycleOptions options);

    PreflightReport preflight(const Profile& profile);
    // Stops at the first failing step; the error says which cluster and step, and what to do. A preflight with
    // failures stops `up` before anything is created (ErrorKind::Invalid, with the report's text).
    Result<UpReport> up(const Profile& profile);
    Result<std::vector<ClusterDownResult>> down(const Profile& profile);
    Result<std::vector<ClusterStatusResult>> status(const Profile& profile);
    // Keeps the profile's simulated GPU nodes as the profile says until `cancel` is set: one GpuSimulator watch per
    // cluster re-applies labels, taints and capacity whenever they drift (the kubelet zeroes extended resources
    // when it re-registers). Returns when cancelled, or with the first watch that fails for good.
    Status keepSimulatedGpus(const Profile& profile, std::shared_ptr<Cancellation> cancel);

    // The kubeconfig file kubeclass keeps for one cluster.
    std::string clusterKubeconfigFile(const std::string& cluster) const;
    const UpReport& lastUp() const { return lastUp_; }

private:
    Status upCluster(const Profile& profile, const ClusterProfile& cluster, const std::vector<std::string>& existing,
                     ClusterUpResult& result, std::unique_ptr<KubeClient>& client);
    Result<Json> kindConfigWithRealGpus(const ClusterProfile& cluster);
    Result<std::unique_ptr<KubeClient>> connectCluster(const std::string& name, std::string& kubeconfigFile);
    Status waitForNodes(KubeClient& client, const ClusterProfile& cluster);
    Status setUpGpus(KubeClient& client, const ClusterProfile& cluster, ClusterUpResult& result);
    Status runPostCreate(KubeClient& client, const ClusterProfile& cluster);
    Status installAddons(KubeClient& client, const ClusterProfile& cluster, const std::string& kubeconfigFile,
                         ClusterUpResult& result);
    Result<std::vector<RouteCommand>> addRoutes(const Profile& profile,
                                                std::vector<std::unique_ptr<KubeClient>>& clients);
    Result<ProcessResult> runTool(const std::string& program, std::vector<std::string> args,
                                  std::chrono::milliseconds timeout);
    void progress(const std::string& cluster, const std::string& step, const std::string& message,
                  std::chrono::milliseconds elapsed = {});
    Status checkCancelled() const;

    std::shared_ptr<ProcessRunner> runner_;
    std::shared_ptr<HostProbes> probes_;
    LifecycleOptions options_;
    std::shared_ptr<Clock> clock_;
    KindDriver kind_;
    std::vector<GpuDevice> hostGpus_;
    UpReport lastUp_;
};

}  // namespace kc

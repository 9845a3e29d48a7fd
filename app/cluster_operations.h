// What the Cluster page does with a profile, without Qt: list the shipped profiles, run preflight, create (with
// kind's stages and output streamed to a sink), delete, and read the clusters' nodes and recent Warning events.
// Every call blocks; the page runs them on BackgroundWork. Each call builds its own lifecycle, so calls may
// overlap (a refresh while nothing else runs, a delete after a create) without sharing state.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clusters/cluster_event.h"
#include "clusters/cluster_lifecycle.h"
#include "clusters/profile.h"

namespace kc::app {

// The programs to run (empty: found on PATH) and where kind writes the clusters' contexts.
struct ClusterTools {
    std::string kind, docker, kubectl, helm, nvidiaSmi;
    std::string kubeconfigPath;  // empty: the lifecycle's default (~/.local/state/kubeclass/kubeconfig)
};

struct ClusterServices {
    ClusterTools tools;
    std::shared_ptr<ProcessRunner> runner;
    std::shared_ptr<HostProbes> probes;
    std::shared_ptr<Clock> clock;
    // How to reach a cluster from its kubeconfig file; default: connectToCluster.
    std::function<Result<ClusterConnection>(const std::string& kubeconfigFile)> connect;
};

struct ProfileEntry {
    std::string id;  // the file name without .yaml
    std::string path;
    std::optional<Profile> profile;
    std::string error;  // the loader's message when the file is not a valid profile
};

// Every <dataRoot>/clusters/profiles/*.yaml, by id. A broken file is listed with its error, not dropped.
std::vector<ProfileEntry> loadProfiles(const std::string& dataRoot);

// "simulated", "real", "mixed" or "none": what the profile asks for.
std::string profileGpuMode(const Profile& profile);
int profileNodeCount(const Profile& profile);

// One thing that happened during a create or delete, delivered on the worker thread in order.
struct OperationUpdate {
    enum class Type { Log, KindStage, Step };
    Type type = Type::Log;
    std::string cluster;
    std::string line;           // Log: one line of a tool's output, or "$ kind create cluster ..." as it starts
    KindProgressEvent kind;     // KindStage
    LifecycleEvent step;        // Step
};
using UpdateSink = std::function<void(const OperationUpdate&)>;

struct WarningEvent {
    std::string cluster;
    ClusterEvent event;
};

struct ClusterSnapshot {
    std::vector<ClusterStatusResult> clusters;
    std::vector<WarningEvent> warnings;  // newest first, at most kMaxWarnings
    std::vector<std::string> problems;   // events that could not be read, per cluster
    bool anyExists() const;
};

inline constexpr size_t kMaxWarnings = 50;

class ClusterOperations {
public:
    explicit ClusterOperations(ClusterServices services);

    PreflightReport preflight(const Profile& profile) const;
    // Preflight, kind create, nodes, GPUs, post-create, addons, routes; stops early when `cancel` is set (kind is
    // stopped and the half-made cluster deleted).
    Result<UpReport> create(const Profile& profile, std::shared_ptr<Cancellation> cancel, const UpdateSink& sink) const;
    Result<std::vector<ClusterDownResult>> remove(const Profile& profile, const UpdateSink& sink) const;
    Result<ClusterSnapshot> inspect(const Profile& profile) const;

private:
    LifecycleOptions options(std::shared_ptr<Cancellation> cancel, const UpdateSink* sink) const;
    std::shared_ptr<ProcessRunner> observedRunner(const UpdateSink& sink) const;

    ClusterServices services_;
};

}  // namespace kc::app

// Simulated GPU nodes: makes kind workers look like GPU nodes to the scheduler and to students, with no GPU and
// no extra software. Labels like GPU feature discovery, the profile's taints, and nvidia.com/gpu capacity patched
// on the node's /status (Kubernetes' "advertise extended resources for a node"), kept there when the kubelet
// re-registers and zeroes it, and shaped by the student's device-plugin time-slicing config.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "clusters/clock.h"
#include "clusters/gpu_node_spec.h"
#include "clusters/kube_client.h"
#include "clusters/result.h"
#include "clusters/time_slicing.h"
#include "clusters/transport.h"

namespace kc {

// The label that tells students, the UI and node status which GPU mode a node is in ("simulated" | "real").
inline constexpr const char* kGpuModeLabel = "kubeclass.dev/gpu-mode";

struct GpuSimulatorOptions {
    DevicePluginConfigSource configSource;  // where the student's time-slicing config lives
    std::shared_ptr<Clock> clock;           // default: the system clock (backoff between failed watches)
    int maxConflictRetries = 3;             // re-reads of a node whose taints changed under us
};

// What one reconcile did to one node. Nothing changed and no error: the node already matched.
struct GpuNodeChange {
    std::string node;
    std::vector<std::string> labelsSet;       // label keys written
    std::vector<std::string> taintsAdded;     // "key=value:Effect"
    std::map<std::string, long long> resourcesSet;  // extended resources written to capacity and allocatable
    std::vector<std::string> resourcesRemoved;      // e.g. nvidia.com/gpu.shared after the config went away
    std::string sharing = "none";             // what the node advertises now: "none" | "time-slicing"
    std::string configKey;                    // the ConfigMap key applied, if any
    std::vector<std::string> notes;           // e.g. "node label names config \"x\" that does not exist: kept ..."
    std::optional<Error> error;               // the node is missing, a write failed, ...

    bool changed() const { return !labelsSet.empty() || !taintsAdded.empty() || !resourcesSet.empty() ||
                                  !resourcesRemoved.empty(); }
};

struct GpuReconcileReport {
    std::vector<GpuNodeChange> nodes;  // in the order of the specs
    // Problems with the student's config (bad YAML, line:col), reported once per reconcile; affected nodes keep
    // what they had, as the real plugin keeps running with its previous config.
    std::vector<std::string> configErrors;

    bool changed() const;
    bool ok() const;  // no node error
};

class GpuSimulator {
public:
    // Only specs with mode Simulated are handled; others are ignored (real nodes get a real device plugin).
    GpuSimulator(KubeClient& client, std::vector<GpuNodeSpec> nodes, GpuSimulatorOptions options = {});

    // Reads the config ConfigMap and every simulated node, and writes what differs: labels (a JSON patch that
    // touches only our label keys), missing taints (appended; taints other owners set are kept, guarded by a
    // JSON-patch test so a concurrent change is re-read, not overwritten), then capacity and allocatable on
    // /status (JSON patch, "nvidia.com~1gpu"). A node that already matches is not written to.
    GpuReconcileReport reconcileOnce();

    // Reconciles once, then watches nodes and the config ConfigMap (KubeClient::watch; no polling) and
    // reconciles again whenever a simulated node stops matching (the kubelet zeroed or dropped the capacity on
    // re-registration, someone removed a label or taint, the device-plugin.config label changed) or the
    // ConfigMap changes. `onReconcile` gets every report that changed something or failed. Returns when
    // `cancel` is set (success) or when a watch fails for a reason other than a timeout or a dropped stream
    // (after bounded retries with backoff). With no simulated node it returns after the first reconcile.
    Status runUntil(std::shared_ptr<Cancellation> cancel,
                    std::function<void(const GpuReconcileReport&)> onReconcile = {});

    // The desired state of one simulated node under a config (nullptr: none): labels and resources.
    // Pure; exposed so the CLI can show what a config would do and tests can reason about it.
    static GpuSharingEffect desiredEffect(const GpuNodeSpec& spec, const DevicePluginConfig* config);

private:
    struct ConfigSnapshot;
    GpuNodeChange reconcileNode(const GpuNodeSpec& spec, const ConfigSnapshot& config);
    GpuReconcileReport reconcileLocked();
    ConfigSnapshot readConfig(std::vector<std::string>& errors);

    KubeClient& client_;
    std::vector<GpuNodeSpec> nodes_;
    GpuSimulatorOptions options_;
    std::shared_ptr<Clock> clock_;
    std::mutex mutex_;  // one reconcile at a time (node and ConfigMap watches run on two threads)
    std::map<std::string, std::string> lastConfigKey_;  // node -> key applied last (kept on unknown label)
    std::map<std::string, std::optional<DevicePluginConfig>> lastConfig_;  // node -> config applied last
    std::map<std::string, std::set<std::string>> advertised_;  // node -> extended resources we wrote last
};

}  // namespace kc

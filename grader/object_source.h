// Where checks read cluster state: a live cluster through KubeClient, or a snapshot (a capture directory or a
// `kubectl get -o yaml` List). The runner only sees this interface, so both modes grade with the same code.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "clusters/json.h"
#include "clusters/kube_client.h"
#include "clusters/result.h"
#include "grader/rubric.h"

namespace kc::grader {

struct SourceQuery {
    std::string apiVersion, kind, namespace_;  // empty namespace: cluster-scoped, or all namespaces
};

class ObjectSource {
public:
    virtual ~ObjectSource() = default;
    virtual bool isLive() const = 0;
    virtual std::string describe() const = 0;  // "context kind-lab-02" / "snapshot labs/lab-02/examples/reference"
    virtual std::string clusterVersion() = 0;   // gitVersion, or the one recorded in the capture
    // Every object of the kind in the namespace (all namespaces when empty for namespaced kinds; a cluster-scoped
    // kind ignores the namespace). A kind the server does not serve is an empty list, not an error; unreachable,
    // 403 and timeouts are errors.
    virtual Result<std::shared_ptr<const std::vector<Json>>> list(const SourceQuery& query) = 0;
    // Live: a log that cannot be read yet (container waiting, pod gone) is empty text. Snapshot: NotFound when the
    // snapshot holds no log for that container (the runner then skips the step instead of failing it).
    virtual Result<std::string> podLogs(const std::string& ns, const std::string& pod, const std::string& container,
                                        bool previous) = 0;
    // Snapshot: NotFound when the snapshot holds no events for the namespace.
    virtual Result<std::vector<ClusterEvent>> events(const std::string& ns) = 0;
    virtual void newPass() = 0;  // live: forget cached LISTs so a retry sees fresh state; snapshot: no-op
    // Live: blocks (by watch, not sleep) until something of this kind changes, the timeout passes (→ Timeout) or
    // cancel is set (→ Cancelled). Snapshot: returns Timeout at once, since nothing ever changes.
    // (One addition to the planned interface: the cancellation, so a cancelled run does not sit in a watch.)
    virtual Status waitForChange(const SourceQuery& query, Duration timeout,
                                 const std::shared_ptr<Cancellation>& cancel) = 0;
    virtual KubeClient* client() = 0;  // live only; nullptr for snapshots
};

std::unique_ptr<ObjectSource> liveSource(KubeClient& client, std::string description);
// A capture directory (with capture.json, see grader/README.md "Captures"), or one YAML/JSON file holding a
// List, several documents, or both — such as `kubectl get all,... -A -o yaml`.
Result<std::unique_ptr<ObjectSource>> openSnapshot(const std::string& path);

// Small readers of Kubernetes objects shared by the sources, the runner and capture.
std::string objectName(const Json& object);
std::string objectNamespace(const Json& object);
// "apps/v1 Deployment shop/web @rv 812": how objects are named in evidence.
std::string objectSummary(const Json& object);
// The container whose log a step reads: the requested one, else the pod's
// kubectl.kubernetes.io/default-container annotation, else its first container (as kubectl picks).
std::string logContainerFor(const Json& pod, const std::string& requested);
Json eventToJson(const ClusterEvent& event);
ClusterEvent eventFromJson(const Json& json);

}  // namespace kc::grader

// A scripted kube-scheduler for the API double: what the real scheduler (and the kubelet, for the phase) would do
// to pods in live-mode lab tests, so the grader can be tested on scheduling scenarios without a cluster. It plays
// the cluster, never the grader. Simplified on purpose, and only to this extent:
// - filters: spec.nodeSelector, required node affinity (In, NotIn, Exists, DoesNotExist, Gt, Lt), NoSchedule and
//   NoExecute taints against tolerations, spec.unschedulable, and extended resources whose name contains a '/'
//   (nvidia.com/gpu...) against node allocatable (else capacity); cpu and memory are not accounted;
// - priority: spec.priority, else the PriorityClass value (admission's job in a real cluster), else 0;
//   preemptionPolicy from the PriorityClass (PreemptLowerPriority when unset);
// - binding: spec.nodeName set, phase Running, PodScheduled and Ready True, a Normal "Scheduled" event;
// - no fit: PodScheduled False/Unschedulable and a Warning "FailedScheduling" event; a pod that may preempt
//   picks the node needing the fewest victims of lower priority (lowest priority first), gives each victim the
//   DisruptionTarget condition (reason PreemptionByScheduler) and a Normal "Preempted" event ("Preempted by pod
//   UID on node NODE", as kube-scheduler writes it), deletes the victims at once (no grace period), records
//   status.nominatedNodeName on the preemptor and binds it;
// - a pod is tried once, when it is first seen unbound; there is no retry queue (tests create what they need).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "clusters/json.h"
#include "tests/support/api_double.h"

namespace kc::testing {

class ScriptedScheduler : public std::enable_shared_from_this<ScriptedScheduler> {
public:
    // Registers a controller on the double. Call before arranging state so that every node, pod and
    // PriorityClass created later is seen. Scheduling runs on the double's scheduler thread.
    static std::shared_ptr<ScriptedScheduler> attach(ApiDouble& api);

    int bound() const;       // pods bound so far
    int preempted() const;   // victims deleted so far
    int unschedulable() const;

private:
    ScriptedScheduler() = default;
    void observe(ApiDouble& api, const std::string& type, const Json& object);
    void trySchedule(ApiDouble& api, const std::string& ns, const std::string& name);
    long long priorityOf(const Json& pod) const;  // callers hold mutex_

    mutable std::mutex mutex_;  // guards the caches and counters; never held while calling the double
    std::map<std::string, Json> nodes_;            // name -> Node
    std::map<std::string, Json> pods_;             // ns/name -> Pod
    std::map<std::string, Json> priorityClasses_;  // name -> PriorityClass
    int bound_ = 0;
    int preempted_ = 0;
    int unschedulable_ = 0;
};

}  // namespace kc::testing

// One Kubernetes event in a common shape, whichever API it came from (core/v1 or events.k8s.io/v1), so the
// client, snapshots and rubric steps read events one way.
#pragma once

#include <string>
#include <vector>

#include "clusters/json.h"

namespace kc {

struct ClusterEvent {
    std::string type;    // Normal, Warning
    std::string reason;  // Scheduled, FailedScheduling, ...
    std::string message;
    std::string involvedKind, involvedName, involvedNamespace;
    std::string reportingController;
    std::string time;  // RFC 3339, the latest of the times the event carries
    int count = 1;
    std::string source;  // "core/v1" or "events.k8s.io/v1"
};

// Reads an Event object of either API (told apart by its apiVersion).
ClusterEvent clusterEventFromObject(const Json& event);

// Oldest first. RFC 3339 strings order by time to the second; fractional parts differ in width between the APIs.
void sortEventsByTime(std::vector<ClusterEvent>& events);

}  // namespace kc

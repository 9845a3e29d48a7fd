// Event normalisation for both event APIs.
#include "clusters/cluster_event.h"

#include <algorithm>

namespace kc {
namespace {

std::string text(const Json& object, std::initializer_list<const char*> path) {
    const Json* at = &object;
    for (const char* key : path) {
        if (!at->is_object() || !at->contains(key)) return "";
        at = &(*at)[key];
    }
    return at->is_string() ? at->get<std::string>() : "";
}

}  // namespace

ClusterEvent clusterEventFromObject(const Json& e) {
    ClusterEvent event;
    event.type = text(e, {"type"});
    event.reason = text(e, {"reason"});
    if (text(e, {"apiVersion"}) == "events.k8s.io/v1") {
        event.source = "events.k8s.io/v1";
        event.message = text(e, {"note"});
        event.involvedKind = text(e, {"regarding", "kind"});
        event.involvedName = text(e, {"regarding", "name"});
        event.involvedNamespace = text(e, {"regarding", "namespace"});
        event.reportingController = text(e, {"reportingController"});
        for (auto path : {std::initializer_list<const char*>{"series", "lastObservedTime"}, {"eventTime"},
                          {"deprecatedLastTimestamp"}, {"metadata", "creationTimestamp"}}) {
            event.time = text(e, path);
            if (!event.time.empty()) break;
        }
        if (e.contains("series") && e["series"].is_object() && e["series"].contains("count") &&
            e["series"]["count"].is_number_integer())
            event.count = e["series"]["count"].get<int>();
        else if (e.contains("deprecatedCount") && e["deprecatedCount"].is_number_integer())
            event.count = e["deprecatedCount"].get<int>();
        return event;
    }
    event.source = "core/v1";
    event.message = text(e, {"message"});
    event.involvedKind = text(e, {"involvedObject", "kind"});
    event.involvedName = text(e, {"involvedObject", "name"});
    event.involvedNamespace = text(e, {"involvedObject", "namespace"});
    event.reportingController = text(e, {"reportingComponent"});
    if (event.reportingController.empty()) event.reportingController = text(e, {"source", "component"});
    for (auto path : {std::initializer_list<const char*>{"lastTimestamp"}, {"eventTime"}, {"firstTimestamp"},
                      {"metadata", "creationTimestamp"}}) {
        event.time = text(e, path);
        if (!event.time.empty()) break;
    }
    if (e.contains("count") && e["count"].is_number_integer()) event.count = e["count"].get<int>();
    return event;
}

void sortEventsByTime(std::vector<ClusterEvent>& events) {
    std::stable_sort(events.begin(), events.end(), [](const ClusterEvent& a, const ClusterEvent& b) {
        return a.time.substr(0, 19) < b.time.substr(0, 19);
    });
}

}  // namespace kc

// Helpers over Kubernetes objects that both sources, the runner and capture need, so every mode names objects,
// picks log containers and reads events the same way (a requirement for snapshot and live to agree).
#include "grader/object_source.h"

#include <algorithm>

namespace kc::grader {

namespace {

std::string str(const Json& object, std::initializer_list<const char*> path) {
    const Json* at = &object;
    for (const char* key : path) {
        if (!at->is_object()) return "";
        auto it = at->find(key);
        if (it == at->end()) return "";
        at = &*it;
    }
    return at->is_string() ? at->get<std::string>() : "";
}

}  // namespace

std::string objectName(const Json& object) { return str(object, {"metadata", "name"}); }
std::string objectNamespace(const Json& object) { return str(object, {"metadata", "namespace"}); }

std::string objectSummary(const Json& object) {
    std::string out = str(object, {"apiVersion"}) + " " + str(object, {"kind"}) + " ";
    std::string ns = objectNamespace(object);
    out += ns.empty() ? objectName(object) : ns + "/" + objectName(object);
    std::string rv = str(object, {"metadata", "resourceVersion"});
    if (!rv.empty()) out += " @rv " + rv;
    return out;
}

std::string logContainerFor(const Json& pod, const std::string& requested) {
    if (!requested.empty()) return requested;
    std::string annotated = str(pod, {"metadata", "annotations", "kubectl.kubernetes.io/default-container"});
    if (!annotated.empty()) return annotated;
    if (pod.contains("spec") && pod["spec"].is_object() && pod["spec"].contains("containers") &&
        pod["spec"]["containers"].is_array() && !pod["spec"]["containers"].empty())
        return str(pod["spec"]["containers"][0], {"name"});
    return "";
}

Json eventToJson(const ClusterEvent& e) {
    return Json{{"type", e.type},
                {"reason", e.reason},
                {"message", e.message},
                {"involvedKind", e.involvedKind},
                {"involvedName", e.involvedName},
                {"involvedNamespace", e.involvedNamespace},
                {"reportingController", e.reportingController},
                {"time", e.time},
                {"count", e.count},
                {"source", e.source}};
}

ClusterEvent eventFromJson(const Json& j) {
    ClusterEvent e;
    e.type = str(j, {"type"});
    e.reason = str(j, {"reason"});
    e.message = str(j, {"message"});
    e.involvedKind = str(j, {"involvedKind"});
    e.involvedName = str(j, {"involvedName"});
    e.involvedNamespace = str(j, {"involvedNamespace"});
    e.reportingController = str(j, {"reportingController"});
    e.time = str(j, {"time"});
    e.source = str(j, {"source"});
    if (j.is_object() && j.contains("count") && j["count"].is_number_integer()) e.count = j["count"].get<int>();
    return e;
}

}  // namespace kc::grader

#include "tests/support/scripted_scheduler.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <optional>
#include <vector>

namespace kc::testing {
namespace {

std::string str(const Json& object, const char* pointer) {
    const Json::json_pointer p(pointer);
    return object.contains(p) && object.at(p).is_string() ? object.at(p).get<std::string>() : std::string();
}

std::string podKey(const Json& pod) {
    return str(pod, "/metadata/namespace") + "/" + str(pod, "/metadata/name");
}

std::string nowRfc3339() {
    std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

long long quantityToInt(const Json& v) {
    if (v.is_number()) return v.get<long long>();
    if (v.is_string()) {
        try {
            return std::stoll(v.get<std::string>());
        } catch (...) {
            return 0;
        }
    }
    return 0;
}

// Extended resources (names with a '/') a pod asks for: per container, limits win (requests equal them).
std::map<std::string, long long> extendedRequests(const Json& pod) {
    std::map<std::string, long long> out;
    const Json::json_pointer containers("/spec/containers");
    if (!pod.contains(containers)) return out;
    for (const auto& c : pod.at(containers)) {
        std::map<std::string, long long> mine;
        for (const char* section : {"requests", "limits"}) {
            const Json::json_pointer p(std::string("/resources/") + section);
            if (!c.contains(p) || !c.at(p).is_object()) continue;
            for (auto it = c.at(p).begin(); it != c.at(p).end(); ++it)
                if (it.key().find('/') != std::string::npos) mine[it.key()] = quantityToInt(it.value());
        }
        for (const auto& [name, n] : mine) out[name] += n;
    }
    return out;
}

std::map<std::string, long long> nodeAllocatable(const Json& node) {
    std::map<std::string, long long> out;
    for (const char* section : {"/status/capacity", "/status/allocatable"}) {  // allocatable overrides capacity
        const Json::json_pointer p(section);
        if (!node.contains(p) || !node.at(p).is_object()) continue;
        for (auto it = node.at(p).begin(); it != node.at(p).end(); ++it)
            if (it.key().find('/') != std::string::npos) out[it.key()] = quantityToInt(it.value());
    }
    return out;
}

const Json& labelsOf(const Json& object) {
    static const Json empty = Json::object();
    const Json::json_pointer p("/metadata/labels");
    return object.contains(p) && object.at(p).is_object() ? object.at(p) : empty;
}

bool expressionHolds(const Json& expr, const Json& labels) {
    std::string key = expr.value("key", ""), op = expr.value("operator", "");
    bool has = labels.contains(key);
    std::string value = has && labels[key].is_string() ? labels[key].get<std::string>() : "";
    std::vector<std::string> values;
    if (expr.contains("values") && expr["values"].is_array())
        for (const auto& v : expr["values"]) values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    auto listed = std::find(values.begin(), values.end(), value) != values.end();
    if (op == "In") return has && listed;
    if (op == "NotIn") return !has || !listed;
    if (op == "Exists") return has;
    if (op == "DoesNotExist") return !has;
    if ((op == "Gt" || op == "Lt") && has && values.size() == 1) {
        try {
            long long l = std::stoll(value), r = std::stoll(values[0]);
            return op == "Gt" ? l > r : l < r;
        } catch (...) {
            return false;
        }
    }
    return false;
}

// nodeSelector, required node affinity, taints and unschedulable: everything but resources.
std::optional<std::string> placementRejects(const Json& pod, const Json& node) {
    const Json& labels = labelsOf(node);
    const Json::json_pointer selector("/spec/nodeSelector");
    if (pod.contains(selector) && pod.at(selector).is_object())
        for (auto it = pod.at(selector).begin(); it != pod.at(selector).end(); ++it)
            if (!labels.contains(it.key()) || labels[it.key()] != it.value())
                return std::string("node(s) didn't match Pod's node affinity/selector");
    const Json::json_pointer terms(
        "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms");
    if (pod.contains(terms) && pod.at(terms).is_array() && !pod.at(terms).empty()) {
        bool any = false;
        for (const auto& term : pod.at(terms)) {  // terms are ORed, expressions ANDed
            bool all = true;
            if (term.contains("matchExpressions"))
                for (const auto& e : term["matchExpressions"]) all = all && expressionHolds(e, labels);
            any = any || all;
        }
        if (!any) return std::string("node(s) didn't match Pod's node affinity/selector");
    }
    const Json::json_pointer unschedulable("/spec/unschedulable");
    if (node.contains(unschedulable) && node.at(unschedulable) == true)
        return std::string("node(s) were unschedulable");
    const Json::json_pointer taints("/spec/taints");
    const Json::json_pointer tolerations("/spec/tolerations");
    if (node.contains(taints) && node.at(taints).is_array()) {
        for (const auto& taint : node.at(taints)) {
            std::string effect = taint.value("effect", "");
            if (effect != "NoSchedule" && effect != "NoExecute") continue;
            bool tolerated = false;
            if (pod.contains(tolerations) && pod.at(tolerations).is_array()) {
                for (const auto& t : pod.at(tolerations)) {
                    std::string key = t.value("key", ""), op = t.value("operator", "Equal");
                    std::string tEffect = t.value("effect", "");
                    bool keyOk = key.empty() ? op == "Exists" : key == taint.value("key", "");
                    bool valueOk = op == "Exists" || t.value("value", "") == taint.value("value", "");
                    bool effectOk = tEffect.empty() || tEffect == effect;
                    tolerated = tolerated || (keyOk && valueOk && effectOk);
                }
            }
            if (!tolerated)
                return "node(s) had untolerated taint {" + taint.value("key", "") + ": " + taint.value("value", "") +
                       "}";
        }
    }
    return std::nullopt;
}

bool deleting(const Json& pod) { return pod.contains(Json::json_pointer("/metadata/deletionTimestamp")); }

void setCondition(Json& pod, Json condition) {
    condition["lastTransitionTime"] = nowRfc3339();
    Json& conditions = pod["status"]["conditions"];
    if (!conditions.is_array()) conditions = Json::array();
    for (auto& c : conditions)
        if (c.value("type", "") == condition["type"]) {
            c = condition;
            return;
        }
    conditions.push_back(condition);
}

void recordEvent(ApiDouble& api, const Json& pod, const std::string& type, const std::string& reason,
                 const std::string& message) {
    static std::atomic<int> counter{0};
    std::string now = nowRfc3339();
    api.create(Json{{"apiVersion", "v1"},
                    {"kind", "Event"},
                    {"metadata",
                     {{"name", str(pod, "/metadata/name") + "." + std::to_string(++counter)},
                      {"namespace", str(pod, "/metadata/namespace")}}},
                    {"involvedObject",
                     {{"apiVersion", "v1"},
                      {"kind", "Pod"},
                      {"name", str(pod, "/metadata/name")},
                      {"namespace", str(pod, "/metadata/namespace")},
                      {"uid", str(pod, "/metadata/uid")}}},
                    {"type", type},
                    {"reason", reason},
                    {"message", message},
                    {"source", {{"component", "default-scheduler"}}},
                    {"reportingComponent", "default-scheduler"},
                    {"count", 1},
                    {"firstTimestamp", now},
                    {"lastTimestamp", now}});
}

}  // namespace

std::shared_ptr<ScriptedScheduler> ScriptedScheduler::attach(ApiDouble& api) {
    auto scheduler = std::shared_ptr<ScriptedScheduler>(new ScriptedScheduler());
    std::weak_ptr<ScriptedScheduler> weak = scheduler;
    api.addController([weak](ApiDouble& d, const std::string& type, const Json& object) {
        if (auto self = weak.lock()) self->observe(d, type, object);
    });
    return scheduler;
}

int ScriptedScheduler::bound() const {
    std::lock_guard lock(mutex_);
    return bound_;
}
int ScriptedScheduler::preempted() const {
    std::lock_guard lock(mutex_);
    return preempted_;
}
int ScriptedScheduler::unschedulable() const {
    std::lock_guard lock(mutex_);
    return unschedulable_;
}

void ScriptedScheduler::observe(ApiDouble& api, const std::string& type, const Json& object) {
    std::string kind = object.value("kind", "");
    std::string name = str(object, "/metadata/name");
    bool removed = type == "DELETED";
    bool newUnboundPod = false;
    {
        std::lock_guard lock(mutex_);
        if (kind == "Node") {
            if (removed) nodes_.erase(name);
            else nodes_[name] = object;
        } else if (kind == "PriorityClass") {
            if (removed) priorityClasses_.erase(name);
            else priorityClasses_[name] = object;
        } else if (kind == "Pod") {
            std::string key = podKey(object);
            if (removed) {
                pods_.erase(key);
            } else {
                newUnboundPod = type == "ADDED" && str(object, "/spec/nodeName").empty();
                pods_[key] = object;
            }
        }
    }
    if (newUnboundPod) {
        std::weak_ptr<ScriptedScheduler> weak = weak_from_this();
        std::string ns = str(object, "/metadata/namespace");
        api.schedule(std::chrono::milliseconds(0), [weak, ns, name](ApiDouble& d) {
            if (auto self = weak.lock()) self->trySchedule(d, ns, name);
        });
    }
}


long long ScriptedScheduler::priorityOf(const Json& pod) const {
    const Json::json_pointer priority("/spec/priority");
    if (pod.contains(priority) && pod.at(priority).is_number()) return pod.at(priority).get<long long>();
    auto it = priorityClasses_.find(str(pod, "/spec/priorityClassName"));
    return it == priorityClasses_.end() ? 0 : it->second.value("value", 0LL);
}

void ScriptedScheduler::trySchedule(ApiDouble& api, const std::string& ns, const std::string& name) {
    auto current = api.get("v1", "Pod", ns, name);
    if (!current || deleting(*current) || !str(*current, "/spec/nodeName").empty()) return;
    Json pod = *current;

    // Everything this decision reads, copied under the lock; the double is called only after it is released.
    std::map<std::string, Json> nodes;
    std::vector<Json> others;
    long long priority = 0;
    std::string policy = "PreemptLowerPriority";
    {
        std::lock_guard lock(mutex_);
        nodes = nodes_;
        priority = priorityOf(pod);
        auto pc = priorityClasses_.find(str(pod, "/spec/priorityClassName"));
        if (pc != priorityClasses_.end()) policy = pc->second.value("preemptionPolicy", policy);
        for (const auto& [key, other] : pods_) {
            if (key == ns + "/" + name || deleting(other) || str(other, "/spec/nodeName").empty()) continue;
            Json copy = other;
            copy["spec"]["priority"] = priorityOf(other);
            others.push_back(std::move(copy));
        }
    }
    pod["spec"]["priority"] = priority;  // what the Priority admission plugin writes
    auto wants = extendedRequests(pod);

    auto usedOn = [&](const std::string& node, const std::vector<const Json*>& without) {
        std::map<std::string, long long> used;
        for (const auto& other : others) {
            if (str(other, "/spec/nodeName") != node) continue;
            if (std::find(without.begin(), without.end(), &other) != without.end()) continue;
            for (const auto& [r, n] : extendedRequests(other)) used[r] += n;
        }
        return used;
    };
    auto fits = [&](const Json& node, const std::map<std::string, long long>& used) {
        auto allocatable = nodeAllocatable(node);
        for (const auto& [r, n] : wants) {
            long long have = allocatable.count(r) ? allocatable[r] : 0;
            long long taken = used.count(r) ? used.at(r) : 0;
            if (taken + n > have) return false;
        }
        return true;
    };

    std::string chosen;
    std::map<std::string, int> reasons;  // for the FailedScheduling message, as kube-scheduler counts them
    std::vector<std::string> placeable;  // pass every filter but resources
    for (const auto& [nodeName, node] : nodes) {
        if (auto why = placementRejects(pod, node)) {
            reasons[*why]++;
            continue;
        }
        if (fits(node, usedOn(nodeName, {}))) {
            chosen = nodeName;
            break;
        }
        for (const auto& wanted : wants) reasons["Insufficient " + wanted.first]++;
        placeable.push_back(nodeName);
    }

    std::vector<const Json*> victims;
    if (chosen.empty() && policy != "Never") {
        // Fewest victims wins; victims are the lowest-priority pods on the node, newest first among equals.
        for (const auto& nodeName : placeable) {
            std::vector<const Json*> candidates;
            for (const auto& other : others)
                if (str(other, "/spec/nodeName") == nodeName && other["spec"]["priority"].get<long long>() < priority)
                    candidates.push_back(&other);
            std::sort(candidates.begin(), candidates.end(), [](const Json* a, const Json* b) {
                auto pa = (*a)["spec"]["priority"].get<long long>(), pb = (*b)["spec"]["priority"].get<long long>();
                if (pa != pb) return pa < pb;
                return str(*a, "/metadata/creationTimestamp") > str(*b, "/metadata/creationTimestamp");
            });
            std::vector<const Json*> taken;
            for (const Json* c : candidates) {
                if (fits(nodes.at(nodeName), usedOn(nodeName, taken))) break;
                taken.push_back(c);
            }
            if (!fits(nodes.at(nodeName), usedOn(nodeName, taken))) continue;
            if (chosen.empty() || taken.size() < victims.size()) {
                chosen = nodeName;
                victims = taken;
            }
        }
    }

    if (chosen.empty()) {
        std::string message = "0/" + std::to_string(nodes.size()) + " nodes are available:";
        bool first = true;
        for (const auto& [why, n] : reasons) {
            message += (first ? " " : ", ") + std::to_string(n) + " " + why;
            first = false;
        }
        message += policy == "Never" ? ". preemption: not eligible due to preemptionPolicy=Never."
                                     : ". preemption: 0/" + std::to_string(nodes.size()) +
                                           " nodes are available: No preemption victims found for incoming pod.";
        setCondition(pod, {{"type", "PodScheduled"}, {"status", "False"}, {"reason", "Unschedulable"},
                           {"message", message}});
        pod["status"]["phase"] = "Pending";
        pod["metadata"].erase("resourceVersion");
        api.update(pod);
        recordEvent(api, pod, "Warning", "FailedScheduling", message);
        std::lock_guard lock(mutex_);
        ++unschedulable_;
        return;
    }

    for (const Json* victim : victims) {
        Json v = *victim;
        setCondition(v, {{"type", "DisruptionTarget"}, {"status", "True"}, {"reason", "PreemptionByScheduler"},
                         {"message", "default-scheduler: preempting to accommodate a higher priority pod"}});
        v["metadata"].erase("resourceVersion");
        api.update(v);
        recordEvent(api, v, "Normal", "Preempted",
                    "Preempted by pod " + str(pod, "/metadata/uid") + " on node " + chosen);
        api.remove("v1", "Pod", str(v, "/metadata/namespace"), str(v, "/metadata/name"));
        std::lock_guard lock(mutex_);
        ++preempted_;
    }
    if (!victims.empty()) pod["status"]["nominatedNodeName"] = chosen;

    pod["spec"]["nodeName"] = chosen;
    pod["status"]["phase"] = "Running";
    setCondition(pod, {{"type", "PodScheduled"}, {"status", "True"}});
    setCondition(pod, {{"type", "Ready"}, {"status", "True"}});
    pod["metadata"].erase("resourceVersion");
    api.update(pod);
    recordEvent(api, pod, "Normal", "Scheduled", "Successfully assigned " + ns + "/" + name + " to " + chosen);
    std::lock_guard lock(mutex_);
    ++bound_;
}

}  // namespace kc::testing

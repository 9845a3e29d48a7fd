// For the hpa-custom-metrics exercise's live tests: the controllers a real cluster would run, scripted in the API
// double. A test double: the grader never sees this. Everything is computed from the objects stored in the double
// and from the world the test describes (the load, which pods never get Ready, which metric names the adapter serves
// from its Helm rules); nothing reads the rubric.
//  - Deployment controller: status.replicas/readyReplicas/availableReplicas follow spec.replicas (default 1), or
//    stay unavailable for a Deployment whose pods the test says never become Ready.
//  - Prometheus Adapter availability: an APIService for custom.metrics.k8s.io or external.metrics.k8s.io is
//    Available when the Deployment named like its spec.service has an available replica (MissingEndpoints
//    otherwise). Other APIServices (metrics-server's) keep the status they were arranged with.
//  - HPA controller (autoscaling/v2): reads each metric (Pods metrics from the adapter, Resource metrics from
//    metrics.k8s.io), writes status.currentMetrics and the AbleToScale/ScalingActive conditions, computes
//    desiredReplicas = ceil(readyPods * current / target) with the default 0.1 tolerance, clamps it to
//    [minReplicas, maxReplicas], scales the Deployment and records a SuccessfulRescale Event.
// Simplified: one sync per change instead of a 15 s period; no stabilization windows or scaling policies (the
// scripted load converges in one step, so none would apply); Object and External metrics are never served; the
// load is a total over the Deployment's pods, shared evenly by the Ready ones.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "clusters/json.h"
#include "tests/support/api_double.h"

namespace kc::grader::testing {

struct HpaWorld {
    double totalRequestsPerSecond = 0;      // the Pods metric the adapter serves, summed over the pods
    double totalCpuUtilizationPercent = 0;  // CPU usage as a percent of one pod's request, summed over the pods
    std::set<std::string> metricsServed;    // metric names the adapter's rules produce
    std::set<std::string> unreadyDeployments;  // "namespace/name": pods that never become Ready
};

// The metric names an adapter configuration (prometheus-adapter Helm values, `rules.custom`) serves: each rule's
// series name (seriesQuery up to the label matchers) renamed by name.matches → name.as.
inline std::set<std::string> adapterMetricNames(const Json& values) {
    std::set<std::string> out;
    const Json rules = values.value("rules", Json::object()).value("custom", Json::array());
    for (const auto& rule : rules) {
        std::string series = rule.value("seriesQuery", "");
        series = series.substr(0, series.find('{'));
        const Json name = rule.value("name", Json::object());
        std::string as = name.value("as", "");
        as = std::regex_replace(as, std::regex(R"(\$\{([0-9]+)\})"), "$$$1");  // ${1} → $1 (ECMAScript)
        std::regex matches(name.value("matches", "^(.*)$"));
        out.insert(as.empty() ? series : std::regex_replace(series, matches, as));
    }
    return out;
}

// A Kubernetes quantity as a double: plain numbers and the suffixes m, k, M, G (what metric targets use).
inline double quantityValue(const Json& q) {
    if (q.is_number()) return q.get<double>();
    std::string s = q.is_string() ? q.get<std::string>() : "0";
    double scale = 1;
    if (!s.empty()) {
        switch (s.back()) {
            case 'm': scale = 1e-3; break;
            case 'k': scale = 1e3; break;
            case 'M': scale = 1e6; break;
            case 'G': scale = 1e9; break;
            default: break;
        }
        if (scale != 1) s.pop_back();
    }
    try {
        return std::stod(s) * scale;
    } catch (...) {
        return 0;
    }
}

inline std::string milliQuantity(double value) { return std::to_string(std::llround(value * 1000)) + "m"; }

class HpaScenario {
public:
    explicit HpaScenario(HpaWorld world) : world_(std::move(world)) {}

    void install(kc::testing::ApiDouble& api) {
        api.addController([this](kc::testing::ApiDouble& d, const std::string& type, const Json& object) {
            observe(d, type, object);
        });
    }

private:
    using Key = std::string;  // "apiVersion|kind|namespace|name"

    static std::string nsName(const Json& o) {
        return o["metadata"].value("namespace", "") + "/" + o["metadata"].value("name", "");
    }

    void observe(kc::testing::ApiDouble& api, const std::string& type, const Json& object) {
        const std::string kind = object.value("kind", "");
        if (kind != "Deployment" && kind != "APIService" && kind != "HorizontalPodAutoscaler") return;
        std::lock_guard<std::recursive_mutex> lock(mutex_);  // controllers re-enter through their own writes
        Key key = object.value("apiVersion", "") + "|" + kind + "|" + nsName(object);
        if (type == "DELETED")
            seen_.erase(key);
        else
            seen_[key] = object;
        // Our own writes come back here on this thread: note them and let the outer round go again, so one
        // decision is never taken twice from a half-written state.
        if (busy_) {
            dirty_ = true;
            return;
        }
        busy_ = true;
        do {
            dirty_ = false;
            reconcile(api);
        } while (dirty_);
        busy_ = false;
    }

    std::vector<Json> current(kc::testing::ApiDouble& api, const std::string& kind) {
        std::vector<Json> out;
        for (const auto& [key, o] : seen_) {
            if (o.value("kind", "") != kind) continue;
            auto fresh = api.get(o.value("apiVersion", ""), kind, o["metadata"].value("namespace", ""),
                                 o["metadata"].value("name", ""));
            if (fresh) out.push_back(*fresh);
        }
        return out;
    }

    // Writes `status` when it differs (an unchanged status must not trigger another round).
    static void setStatus(kc::testing::ApiDouble& api, Json object, const Json& status) {
        if (object.value("status", Json::object()) == status) return;
        object["status"] = status;
        object["metadata"].erase("resourceVersion");
        api.update(object);
    }

    void reconcile(kc::testing::ApiDouble& api) {
        for (const auto& d : current(api, "Deployment")) reconcileDeployment(api, d);
        for (const auto& s : current(api, "APIService")) reconcileApiService(api, s);
        for (const auto& h : current(api, "HorizontalPodAutoscaler")) reconcileHpa(api, h);
    }

    void reconcileDeployment(kc::testing::ApiDouble& api, const Json& d) {
        const int replicas = d["spec"].value("replicas", 1);
        Json status{{"observedGeneration", d["metadata"].value("generation", 1)}, {"replicas", replicas}};
        if (world_.unreadyDeployments.count(nsName(d))) {
            if (replicas > 0) status["unavailableReplicas"] = replicas;
        } else {
            status["readyReplicas"] = replicas;
            status["availableReplicas"] = replicas;
            status["updatedReplicas"] = replicas;
        }
        setStatus(api, d, status);
    }

    void reconcileApiService(kc::testing::ApiDouble& api, const Json& s) {
        const std::string group = s["spec"].value("group", "");
        if (group != "custom.metrics.k8s.io" && group != "external.metrics.k8s.io") return;
        const Json service = s["spec"].value("service", Json::object());
        auto backing = api.get("apps/v1", "Deployment", service.value("namespace", ""), service.value("name", ""));
        bool available = backing && backing->value("status", Json::object()).value("availableReplicas", 0) >= 1;
        Json condition = available
                             ? Json{{"type", "Available"}, {"status", "True"}, {"reason", "Passed"},
                                    {"message", "all checks passed"}}
                             : Json{{"type", "Available"}, {"status", "False"}, {"reason", "MissingEndpoints"},
                                    {"message", "endpoints for service/" + service.value("name", "") + " in \"" +
                                                    service.value("namespace", "") + "\" have no ready addresses"}};
        setStatus(api, s, Json{{"conditions", Json::array({condition})}});
    }

    bool groupAvailable(kc::testing::ApiDouble& api, const std::string& group) {
        for (const auto& s : current(api, "APIService"))
            if (s["spec"].value("group", "") == group)
                for (const auto& c : s.value("status", Json::object()).value("conditions", Json::array()))
                    if (c.value("type", "") == "Available" && c.value("status", "") == "True") return true;
        return false;
    }

    struct Reading {
        double ratio = 0;      // current / target
        Json currentMetric;    // the status.currentMetrics entry
        std::string name;      // for the rescale reason
        std::string failReason, failMessage;
    };

    Reading readMetric(kc::testing::ApiDouble& api, const Json& metric, int readyPods) {
        Reading r;
        const std::string type = metric.value("type", "");
        if (type == "Pods") {
            const Json spec = metric["pods"];
            r.name = spec["metric"].value("name", "");
            if (!groupAvailable(api, "custom.metrics.k8s.io")) {
                r.failReason = "FailedGetPodsMetric";
                r.failMessage = "unable to get metric " + r.name +
                                ": unable to fetch metrics from custom metrics API: the server is currently unable "
                                "to handle the request";
                return r;
            }
            if (!world_.metricsServed.count(r.name) || readyPods == 0) {
                r.failReason = "FailedGetPodsMetric";
                r.failMessage = "unable to get metric " + r.name +
                                ": unable to fetch metrics from custom metrics API: the server could not find the "
                                "metric " + r.name + " for pods";
                return r;
            }
            const double average = world_.totalRequestsPerSecond / readyPods;
            const double target = quantityValue(spec["target"].value("averageValue", Json("0")));
            r.ratio = target > 0 ? average / target : 0;
            r.currentMetric = Json{{"type", "Pods"},
                                   {"pods", {{"metric", {{"name", r.name}}},
                                             {"current", {{"averageValue", milliQuantity(average)}}}}}};
            r.name = "pods metric " + r.name;
            return r;
        }
        if (type == "Resource" && groupAvailable(api, "metrics.k8s.io") && readyPods > 0) {
            const Json spec = metric["resource"];
            const double utilization = world_.totalCpuUtilizationPercent / readyPods;
            const double target = spec["target"].value("averageUtilization", 0);
            r.ratio = target > 0 ? utilization / target : 0;
            r.currentMetric = Json{{"type", "Resource"},
                                   {"resource", {{"name", spec.value("name", "")},
                                                 {"current", {{"averageUtilization", std::llround(utilization)}}}}}};
            r.name = spec.value("name", "") + " resource utilization (percentage of request)";
            return r;
        }
        r.failReason = "FailedGet" + type + "Metric";
        r.failMessage = "unable to get " + type + " metric";
        return r;
    }

    void event(kc::testing::ApiDouble& api, const Json& hpa, const std::string& type, const std::string& reason,
               const std::string& message) {
        const std::string ns = hpa["metadata"].value("namespace", "");
        const std::string name = hpa["metadata"].value("name", "");
        api.create(Json{{"apiVersion", "v1"},
                        {"kind", "Event"},
                        {"metadata", {{"name", name + ".hpa" + std::to_string(++events_)}, {"namespace", ns}}},
                        {"involvedObject",
                         {{"apiVersion", "autoscaling/v2"}, {"kind", "HorizontalPodAutoscaler"}, {"name", name},
                          {"namespace", ns}, {"uid", hpa["metadata"].value("uid", "")}}},
                        {"reason", reason},
                        {"message", message},
                        {"type", type},
                        {"source", {{"component", "horizontal-pod-autoscaler"}}},
                        {"count", 1}});
    }

    void reconcileHpa(kc::testing::ApiDouble& api, const Json& hpa) {
        const Json spec = hpa["spec"];
        const Json ref = spec.value("scaleTargetRef", Json::object());
        const std::string ns = hpa["metadata"].value("namespace", "");
        auto target = ref.value("kind", "") == "Deployment"
                          ? api.get("apps/v1", "Deployment", ns, ref.value("name", ""))
                          : std::nullopt;
        Json conditions = Json::array();
        if (!target) {
            conditions.push_back(Json{{"type", "AbleToScale"}, {"status", "False"}, {"reason", "FailedGetScale"}});
            setStatus(api, hpa, Json{{"currentReplicas", 0}, {"desiredReplicas", 0}, {"conditions", conditions}});
            return;
        }
        const int replicas = (*target)["spec"].value("replicas", 1);
        const int ready = target->value("status", Json::object()).value("readyReplicas", 0);
        conditions.push_back(Json{{"type", "AbleToScale"}, {"status", "True"}, {"reason", "SucceededGetScale"}});

        Json currentMetrics = Json::array();
        std::optional<Reading> failed, strongest;
        for (const auto& metric : spec.value("metrics", Json::array())) {
            Reading r = readMetric(api, metric, ready);
            if (!r.failReason.empty()) {
                if (!failed) failed = r;
                continue;
            }
            currentMetrics.push_back(r.currentMetric);
            if (!strongest || r.ratio > strongest->ratio) strongest = r;  // the largest proposal wins
        }
        if (!strongest) {
            const std::string reason = failed ? failed->failReason : "InvalidMetricSourceType";
            conditions.push_back(Json{{"type", "ScalingActive"}, {"status", "False"}, {"reason", reason},
                                      {"message", "the HPA was unable to compute the replica count: " +
                                                      (failed ? failed->failMessage : std::string("no metrics"))}});
            Json status{{"currentReplicas", replicas}, {"desiredReplicas", 0}, {"conditions", conditions}};
            if (hpa.value("status", Json::object()) != status && failed)
                event(api, hpa, "Warning", failed->failReason, failed->failMessage);
            setStatus(api, hpa, status);
            return;
        }
        conditions.push_back(Json{{"type", "ScalingActive"}, {"status", "True"}, {"reason", "ValidMetricFound"}});
        int desired = replicas;
        if (std::fabs(strongest->ratio - 1.0) > 0.1)  // the controller's default tolerance
            desired = static_cast<int>(std::ceil(strongest->ratio * ready - 1e-9));
        const int minReplicas = spec.value("minReplicas", 1), maxReplicas = spec.value("maxReplicas", minReplicas);
        const bool limited = desired > maxReplicas || desired < minReplicas;
        desired = std::clamp(desired, minReplicas, maxReplicas);
        conditions.push_back(Json{{"type", "ScalingLimited"}, {"status", limited ? "True" : "False"},
                                  {"reason", limited ? "TooManyReplicas" : "DesiredWithinRange"}});
        // Status first, then the scale: the Deployment's change re-enters here and writes the newer status.
        setStatus(api, hpa, Json{{"currentReplicas", replicas}, {"desiredReplicas", desired},
                                 {"currentMetrics", currentMetrics}, {"conditions", conditions}});
        if (desired == replicas) return;
        event(api, hpa, "Normal", "SuccessfulRescale",
              "New size: " + std::to_string(desired) + "; reason: " +
                  (desired > replicas ? strongest->name + " above target" : std::string("All metrics below target")));
        Json scaled = *target;
        scaled["spec"]["replicas"] = desired;
        scaled["metadata"].erase("resourceVersion");
        api.update(scaled);
    }

    HpaWorld world_;
    std::recursive_mutex mutex_;
    std::map<Key, Json> seen_;
    int events_ = 0;
    bool busy_ = false, dirty_ = false;
};

}  // namespace kc::grader::testing

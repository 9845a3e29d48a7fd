// Helpers of the rubric model: durations, names of enums, label selectors, and what runs only live.
// Parsing YAML into the model is grader/rubric_loader.cc.
#include "grader/rubric.h"

#include <algorithm>

namespace kc::grader {

std::optional<Duration> parseDuration(const std::string& text) {
    if (text.empty() || text.size() > 32) return std::nullopt;
    long long totalMs = 0;
    size_t i = 0;
    while (i < text.size()) {
        size_t start = i;
        long long number = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            number = number * 10 + (text[i] - '0');
            if (number > 100000000) return std::nullopt;
            ++i;
        }
        if (i == start) return std::nullopt;
        long long unitMs = 0;
        if (text.compare(i, 2, "ms") == 0) {
            unitMs = 1;
            i += 2;
        } else if (i < text.size() && text[i] == 's') {
            unitMs = 1000;
            ++i;
        } else if (i < text.size() && text[i] == 'm') {
            unitMs = 60 * 1000;
            ++i;
        } else if (i < text.size() && text[i] == 'h') {
            unitMs = 3600 * 1000;
            ++i;
        } else {
            return std::nullopt;  // a bare number has no unit: "30" is ambiguous, so it is refused
        }
        totalMs += number * unitMs;
        if (totalMs > 24LL * 3600 * 1000) return std::nullopt;
    }
    if (totalMs <= 0) return std::nullopt;
    return Duration(totalMs);
}

std::string formatDuration(Duration d) {
    long long ms = d.count();
    if (ms <= 0) return "0s";
    std::string out;
    auto take = [&](long long unit, const char* name) {
        if (ms >= unit) {
            out += std::to_string(ms / unit) + name;
            ms %= unit;
        }
    };
    take(3600 * 1000, "h");
    take(60 * 1000, "m");
    take(1000, "s");
    take(1, "ms");
    return out;
}

const char* visibilityName(Visibility v) {
    switch (v) {
        case Visibility::Visible: return "visible";
        case Visibility::Hidden: return "hidden";
        case Visibility::AfterDueDate: return "after_due_date";
    }
    return "visible";
}

const char* stepKindName(StepKind kind) {
    switch (kind) {
        case StepKind::Assert: return "assert";
        case StepKind::Absent: return "absent";
        case StepKind::Apply: return "apply";
        case StepKind::Delete: return "delete";
        case StepKind::Logs: return "logs";
        case StepKind::Events: return "events";
        case StepKind::Probe: return "probe";
        case StepKind::Provenance: return "provenance";
        case StepKind::Http: return "http";
        case StepKind::File: return "file";
    }
    return "assert";
}

bool isLiveOnly(const Step& step) {
    // Logs and events are captured into snapshots; applying, deleting, running probe Jobs and asking a service
    // through the proxy need a cluster.
    return step.kind == StepKind::Apply || step.kind == StepKind::Delete || step.kind == StepKind::Probe ||
           step.kind == StepKind::Http;
}

std::string HttpStep::proxyTarget(const std::string& ns) const {
    // The API server reads [scheme:]name[:port]: with a scheme, the port part is always present (maybe empty).
    std::string spec = service;
    if (!scheme.empty()) spec = scheme + ":" + service + ":" + port;
    else if (!port.empty()) spec += ":" + port;
    return "/api/v1/namespaces/" + ns + "/services/" + spec + "/proxy" + path;
}

std::string LabelSelector::toString() const {
    std::string out;
    for (const auto& r : requirements) {
        if (!out.empty()) out += ",";
        auto list = [&] {
            std::string s = "(";
            for (size_t i = 0; i < r.values.size(); ++i) s += (i ? "," : "") + r.values[i];
            return s + ")";
        };
        switch (r.op) {
            case LabelRequirement::Op::Equals: out += r.key + "=" + r.values.at(0); break;
            case LabelRequirement::Op::NotEquals: out += r.key + "!=" + r.values.at(0); break;
            case LabelRequirement::Op::In: out += r.key + " in " + list(); break;
            case LabelRequirement::Op::NotIn: out += r.key + " notin " + list(); break;
            case LabelRequirement::Op::Exists: out += r.key; break;
            case LabelRequirement::Op::DoesNotExist: out += "!" + r.key; break;
        }
    }
    return out;
}

bool LabelSelector::matches(const Json& labels) const {
    for (const auto& r : requirements) {
        const Json* value = nullptr;
        if (labels.is_object()) {
            auto it = labels.find(r.key);
            if (it != labels.end() && it->is_string()) value = &*it;
        }
        auto in = [&] {
            return value != nullptr &&
                   std::find(r.values.begin(), r.values.end(), value->get_ref<const std::string&>()) != r.values.end();
        };
        bool ok = true;
        switch (r.op) {
            case LabelRequirement::Op::Equals:
            case LabelRequirement::Op::In: ok = in(); break;
            // As in Kubernetes, != and notin also select objects that lack the label.
            case LabelRequirement::Op::NotEquals:
            case LabelRequirement::Op::NotIn: ok = !in(); break;
            case LabelRequirement::Op::Exists: ok = value != nullptr; break;
            case LabelRequirement::Op::DoesNotExist: ok = value == nullptr; break;
        }
        if (!ok) return false;
    }
    return true;
}

namespace {

// English plural of a kind name: NetworkPolicy → NetworkPolicies, Ingress → Ingresses, Pod → Pods.
std::string pluralKind(const std::string& kind) {
    auto endsWith = [&](const char* tail) {
        std::string t(tail);
        return kind.size() >= t.size() && kind.compare(kind.size() - t.size(), t.size(), t) == 0;
    };
    if (kind.size() > 1 && kind.back() == 'y' && std::string("aeiou").find(kind[kind.size() - 2]) == std::string::npos)
        return kind.substr(0, kind.size() - 1) + "ies";
    if (endsWith("s") || endsWith("x") || endsWith("ch") || endsWith("sh")) return kind + "es";
    return kind + "s";
}

std::string describeTarget(const Target& t, const std::string& kindWord) {
    std::string out = t.apiVersion + " " + kindWord;
    if (!t.name.empty()) out += " \"" + t.name + "\"";
    if (t.selector && !t.selector->empty()) out += " with labels " + t.selector->toString();
    if (!t.namespace_.empty()) out += " in namespace \"" + t.namespace_ + "\"";
    return out;
}

}  // namespace

std::string Target::describe() const { return describeTarget(*this, kind); }

std::string Target::describe(size_t count) const {
    return std::to_string(count) + " " + describeTarget(*this, count == 1 ? kind : pluralKind(kind));
}

const Check* Rubric::find(const std::string& id) const {
    for (const auto& c : checks)
        if (c.id == id) return &c;
    return nullptr;
}

double Rubric::totalPoints(bool includeHidden) const {
    double total = 0;
    for (const auto& c : checks)
        if (includeHidden || c.visibility == Visibility::Visible) total += c.points;
    return total;
}

}  // namespace kc::grader

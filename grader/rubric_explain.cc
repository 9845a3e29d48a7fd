// Renders the rubric model as plain text. Wording stays close to the YAML keys so an instructor can map each
// line back to the rubric, while reading as a sentence to a student.
#include "grader/rubric_explain.h"

#include <cmath>
#include <sstream>

namespace kc::grader {
namespace {

std::string points(double p) {
    std::ostringstream out;
    if (p == std::floor(p))
        out << static_cast<long long>(p);
    else
        out << p;
    out << (p == 1 ? " point" : " points");
    return out.str();
}

std::string quoteList(const std::vector<std::string>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + ("\"" + items[i] + "\"");
    return out;
}

std::string where(const Json& pattern) {
    if (pattern.is_null() || (pattern.is_object() && pattern.empty())) return "";
    return " where " + describePattern(pattern);
}

struct Explainer {
    std::string operator()(const AssertStep& s) const {
        return "assert: " + s.count.describe() + " " + s.target.describe() + where(s.match);
    }
    std::string operator()(const AbsentStep& s) const { return "absent: no " + s.target.describe() + where(s.match); }
    std::string operator()(const ApplyStep& s) const {
        std::string out = "apply: ";
        if (!s.file.empty())
            out += s.file;
        else if (!s.objects.empty())
            out += s.objects[0].value("kind", std::string("object")) + " (inline)";
        if (!s.expect.is_null()) out += "; the server's answer must have " + describePattern(s.expect);
        if (s.reject) {
            out += "; the server must refuse it";
            if (s.reject->status != 0) out += " with HTTP " + std::to_string(s.reject->status);
            if (!s.reject->message.is_null()) out += ", message " + describePattern(s.reject->message);
        }
        return out;
    }
    std::string operator()(const DeleteStep& s) const {
        return "delete: " + s.target.describe() + (s.wait ? " and wait until it is gone" : "");
    }
    std::string operator()(const LogsStep& s) const {
        std::string out = "logs: ";
        out += s.pod.empty() ? "pods with labels " + (s.selector ? s.selector->toString() : std::string())
                             : "pod \"" + s.pod + "\"";
        if (!s.namespace_.empty()) out += " in namespace \"" + s.namespace_ + "\"";
        if (!s.container.empty()) out += " (container " + s.container + ")";
        std::vector<std::string> parts;
        if (!s.contains.empty()) parts.push_back("contain " + quoteList(s.contains));
        if (!s.regex.empty())
            parts.push_back("match /" + [&] {
                std::string r;
                for (size_t i = 0; i < s.regex.size(); ++i) r += (i ? "/, /" : "") + s.regex[i];
                return r;
            }() + "/");
        if (!s.absent.empty()) parts.push_back("not contain " + quoteList(s.absent));
        for (size_t i = 0; i < parts.size(); ++i) out += (i ? " and " : " must ") + parts[i];
        return out;
    }
    std::string operator()(const EventsStep& s) const {
        std::string out = "events: " + s.count.describe();
        if (!s.type.empty()) out += " " + s.type;
        out += " event(s)";
        if (!s.reason.empty()) out += " with reason " + s.reason;
        if (!s.involvedKind.empty() || !s.involvedName.empty())
            out += " about " + s.involvedKind + (s.involvedName.empty() ? "" : " \"" + s.involvedName + "\"");
        if (!s.namespace_.empty()) out += " in namespace \"" + s.namespace_ + "\"";
        if (!s.message.is_null()) out += " whose message " + describePattern(s.message);
        return out;
    }
    std::string operator()(const ProbeStep& s) const {
        std::ostringstream out;
        out << "probe: " << s.requests << " requests from " << s.image;
        if (!s.namespace_.empty()) out << " in namespace \"" << s.namespace_ << "\"";
        if (!s.ratio.empty()) {
            out << "; split";
            for (size_t i = 0; i < s.ratio.size(); ++i)
                out << (i ? "," : "") << " " << s.ratio[i].first << " " << std::lround(s.ratio[i].second * 100) << "%";
            out << " (±" << std::lround(s.tolerance * 100) << "%)";
        }
        for (const auto& [label, count] : s.counts) out << "; " << label << ": " << count.describe();
        return out.str();
    }
    std::string operator()(const HttpStep& s) const {
        std::string out = "http: GET " + s.path + " on service \"" + s.service + "\"";
        if (!s.port.empty()) out += " port " + s.port;
        if (!s.scheme.empty()) out += " over " + s.scheme;
        if (!s.namespace_.empty()) out += " in namespace \"" + s.namespace_ + "\"";
        out += " (through the API server's service proxy) answers ";
        out += s.status ? "HTTP " + std::to_string(s.status) : std::string("2xx");
        if (!s.json.is_null()) out += " with a JSON body where " + describePattern(s.json);
        std::vector<std::string> parts;
        if (!s.contains.empty()) parts.push_back("contains " + quoteList(s.contains));
        for (const auto& r : s.regex) parts.push_back("matches /" + r + "/");
        for (size_t i = 0; i < parts.size(); ++i) out += (i ? " and " : " with a body that ") + parts[i];
        return out;
    }
    std::string operator()(const FileStep& s) const {
        std::string out = "file: " + s.path + " in the submission";
        std::vector<std::string> parts;
        if (s.minBytes > 0) parts.push_back("is at least " + std::to_string(s.minBytes) + " bytes");
        if (!s.contains.empty()) parts.push_back("contains " + quoteList(s.contains));
        for (const auto& r : s.regex) parts.push_back("has a line matching /" + r + "/");
        if (!s.sections.empty()) parts.push_back("has the headings " + quoteList(s.sections) + " in that order");
        for (size_t i = 0; i < parts.size(); ++i) out += (i ? " and " : " ") + parts[i];
        if (parts.empty()) out += " exists";
        return out;
    }
    std::string operator()(const ProvenanceStep& s) const {
        std::string out = "provenance: " + s.target.describe();
        if (!s.controllerKind.empty())
            out += " is controlled by a " + s.controllerKind +
                   (s.controllerName.empty() ? "" : " \"" + s.controllerName + "\"");
        if (!s.managerAny.empty()) out += ", managed by one of " + quoteList(s.managerAny);
        if (!s.managerNot.empty()) out += ", never edited by " + quoteList(s.managerNot);
        return out;
    }
};

}  // namespace

std::string explainStep(const Step& step) {
    std::string out = std::visit(Explainer{}, step.spec);
    if (isLiveOnly(step)) out += " [live only]";
    return out;
}

std::string explainRubric(const Rubric& rubric, bool includeHidden) {
    std::ostringstream out;
    std::vector<const Check*> shown;
    double total = 0;
    for (const auto& c : rubric.checks) {
        if (!includeHidden && c.visibility != Visibility::Visible) continue;
        shown.push_back(&c);
        total += c.points;
    }
    out << rubric.lab << ": " << rubric.title << " (rubric version " << rubric.version << ")\n";
    out << shown.size() << (shown.size() == 1 ? " check, " : " checks, ") << points(total);
    if (!includeHidden) out << " shown (hidden checks are not listed)";
    out << "\n";
    for (const Check* c : shown) {
        out << "\n" << c->id << " - " << c->title << " [" << points(c->points);
        if (c->visibility != Visibility::Visible) out << ", " << visibilityName(c->visibility);
        out << "]\n";
        if (!c->objective.empty()) out << "  objective: " << c->objective << "\n";
        if (!c->needs.empty()) {
            out << "  needs: ";
            for (size_t i = 0; i < c->needs.size(); ++i) out << (i ? ", " : "") << c->needs[i];
            out << "\n";
        }
        if (!c->cluster.empty()) out << "  cluster: " << c->cluster << "\n";
        for (size_t i = 0; i < c->steps.size(); ++i) out << "  " << (i + 1) << ". " << explainStep(c->steps[i]) << "\n";
    }
    return out.str();
}

}  // namespace kc::grader

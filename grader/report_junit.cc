// Writing JUnit XML by hand: the format is small and every value is escaped in one place.
#include "grader/report_junit.h"

#include <cstdio>

#include "grader/report_visibility.h"

namespace kc::grader {

namespace {

constexpr const char* kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at i, or 0 when the bytes there are not one.
size_t utf8Length(const std::string& s, size_t i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    return n;
}

std::string seconds(Duration d) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3f", static_cast<double>(d.count()) / 1000.0);
    return buffer;
}

std::string attr(const char* name, const std::string& value) {
    return std::string(" ") + name + "=\"" + xmlEscape(value) + "\"";
}

// The body of a <failure> or <error>: every message, step and mismatch, for the instructor reading CI output.
std::string detailText(const CheckResult& c, const Redactor& redact) {
    std::string text;
    for (const auto& m : c.messages) text += redact(m) + "\n";
    for (const auto& s : c.steps) {
        if (s.outcome == Outcome::Pass) continue;
        text += std::string(stepKindName(s.kind)) + " (" + s.source.str() + "): " + outcomeName(s.outcome);
        if (!s.summary.empty()) text += ": " + redact(s.summary);
        text += "\n";
        for (const auto& m : s.mismatches)
            text += "  at " + m.path + ": expected " + m.expected + ", observed " + m.observed + "\n";
    }
    return text;
}

}  // namespace

std::string xmlEscape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        size_t n = utf8Length(text, i);
        if (n == 0) {
            out += kReplacementChar;
            ++i;
            continue;
        }
        if (n > 1) {
            out.append(text, i, n);
            i += n;
            continue;
        }
        char c = text[i++];
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            // Kept as references so attribute values keep their line breaks and tabs.
            case '\n': out += "&#10;"; break;
            case '\r': out += "&#13;"; break;
            case '\t': out += "&#9;"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) out += kReplacementChar;
                else out += c;
        }
    }
    return out;
}

std::string renderJunitReport(const GradeRun& run, const ReportOptions& options) {
    const bool studentFacing = options.studentView;
    Redactor redact(run, options, studentFacing);
    auto checks = reportedChecks(run, options, studentFacing);
    ReportTotals totals = totalsOf(checks);
    // JUnit has no "blocked": both it and skipped are <skipped/>.
    std::string counts = attr("tests", std::to_string(checks.size())) + attr("failures", std::to_string(totals.fail)) +
                         attr("errors", std::to_string(totals.error)) +
                         attr("skipped", std::to_string(totals.skipped + totals.blocked)) +
                         attr("time", seconds(run.duration));

    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<testsuites" + attr("name", "kubeclass-grade") + counts + ">\n";
    out += "  <testsuite" + attr("name", run.lab) + counts;
    if (!run.startedAt.empty()) out += attr("timestamp", run.startedAt);
    out += ">\n";
    out += "    <properties>\n";
    auto property = [&](const std::string& name, const std::string& value) {
        out += "      <property" + attr("name", name) + attr("value", value) + "/>\n";
    };
    property("title", run.title);
    property("mode", run.mode);
    property("source", run.source);
    if (!run.clusterVersion.empty()) property("clusterVersion", run.clusterVersion);
    property("points", formatPoints(totals.points));
    property("earned", formatPoints(totals.earned));
    property("percent", formatPercent(totals.percent));
    out += "    </properties>\n";

    for (const auto* cp : checks) {
        const auto& c = *cp;
        out += "    <testcase" + attr("classname", run.lab) + attr("name", c.id + ": " + c.title) +
               attr("time", seconds(c.duration)) + ">\n";
        std::string reason = reasonLine(c, run, options, studentFacing);
        switch (c.outcome) {
            case Outcome::Pass: break;
            case Outcome::Fail:
                out += "      <failure" + attr("message", reason) + attr("type", "fail") + ">" +
                       xmlEscape(detailText(c, redact)) + "</failure>\n";
                break;
            case Outcome::Error:
                out += "      <error" + attr("message", reason) + attr("type", "error") + ">" +
                       xmlEscape(detailText(c, redact)) + "</error>\n";
                break;
            case Outcome::Skipped:
            case Outcome::Blocked:
                out += "      <skipped" + attr("message", reason) + "/>\n";
                break;
        }
        out += "      <system-out>" +
               xmlEscape("points: " + formatPoints(c.earned) + "/" + formatPoints(c.points) +
                         "\nvisibility: " + visibilityName(c.visibility) + "\n") +
               "</system-out>\n";
        out += "    </testcase>\n";
    }
    out += "  </testsuite>\n</testsuites>\n";
    return out;
}

}  // namespace kc::grader

// Format names, the visibility rules every format shares, totals and the dispatch to each format's renderer.
#include "grader/report.h"

#include <cmath>
#include <cstdio>

#include "grader/report_gradescope.h"
#include "grader/report_json.h"
#include "grader/report_junit.h"
#include "grader/report_markdown.h"
#include "grader/report_text.h"
#include "grader/report_visibility.h"

namespace kc::grader {

const char* reportFormatName(ReportFormat format) {
    switch (format) {
        case ReportFormat::Text: return "text";
        case ReportFormat::Json: return "json";
        case ReportFormat::Junit: return "junit";
        case ReportFormat::Gradescope: return "gradescope";
        case ReportFormat::Markdown: return "markdown";
    }
    return "text";
}

const std::vector<std::string>& reportFormatNames() {
    static const std::vector<std::string> names = {"text", "json", "junit", "gradescope", "markdown"};
    return names;
}

Result<ReportFormat> parseReportFormat(const std::string& name) {
    for (auto format : {ReportFormat::Text, ReportFormat::Json, ReportFormat::Junit, ReportFormat::Gradescope,
                        ReportFormat::Markdown}) {
        if (name == reportFormatName(format)) return format;
    }
    std::string known;
    for (const auto& n : reportFormatNames()) known += (known.empty() ? "" : ", ") + n;
    return fail(ErrorKind::Invalid, "unknown report format \"" + name + "\"; expected one of " + known);
}

Result<std::string> renderReport(const GradeRun& run, ReportFormat format, const ReportOptions& options) {
    switch (format) {
        case ReportFormat::Text: return renderTextReport(run, options);
        case ReportFormat::Json: return renderJsonReport(run, options);
        case ReportFormat::Junit: return renderJunitReport(run, options);
        case ReportFormat::Gradescope: return renderGradescopeReport(run, options);
        case ReportFormat::Markdown: return renderMarkdownReport(run, options);
    }
    return fail(ErrorKind::Invalid, "unknown report format");
}

bool shownToStudent(const CheckResult& check, const ReportOptions& options) {
    switch (check.visibility) {
        case Visibility::Visible: return true;
        case Visibility::Hidden: return options.includeHidden;
        case Visibility::AfterDueDate: return options.afterDueDate || options.includeHidden;
    }
    return false;
}

std::vector<const CheckResult*> reportedChecks(const GradeRun& run, const ReportOptions& options,
                                               bool studentFacing) {
    std::vector<const CheckResult*> out;
    for (const auto& check : run.checks) {
        if (studentFacing && !shownToStudent(check, options)) continue;
        out.push_back(&check);
    }
    return out;
}

ReportTotals totalsOf(const std::vector<const CheckResult*>& checks) {
    ReportTotals t;
    for (const auto* c : checks) {
        t.points += c->points;
        t.earned += c->earned;
        switch (c->outcome) {
            case Outcome::Pass: ++t.pass; break;
            case Outcome::Fail: ++t.fail; break;
            case Outcome::Error: ++t.error; break;
            case Outcome::Skipped: ++t.skipped; break;
            case Outcome::Blocked: ++t.blocked; break;
        }
    }
    t.percent = t.points > 0 ? 100.0 * t.earned / t.points : 0.0;
    return t;
}

namespace {

// Fixed decimals, then the zeros (and a bare point) at the end dropped.
std::string trimmedFixed(double value, int decimals) {
    if (std::fabs(value) < 0.5 * std::pow(10.0, -decimals)) value = 0;  // no "-0"
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    std::string s = buffer;
    if (s.find('.') != std::string::npos) {
        while (!s.empty() && s.back() == '0') s.pop_back();
        if (!s.empty() && s.back() == '.') s.pop_back();
    }
    return s;
}

}  // namespace

std::string formatPoints(double points) { return trimmedFixed(points, 2); }

std::string formatPercent(double percent) { return trimmedFixed(percent, 1) + "%"; }

std::string reasonLine(const CheckResult& check, const GradeRun& run, const ReportOptions& options,
                       bool studentFacing) {
    Redactor redact(run, options, studentFacing);
    if (check.outcome == Outcome::Blocked) {
        if (!check.blockedBy.empty() && redact.mayName(check.blockedBy))
            return "blocked: needs \"" + check.blockedBy + "\", which did not pass";
        return "blocked: a check it needs did not pass";
    }
    for (const auto& m : check.messages)
        if (!m.empty()) return redact(m);
    for (const auto& s : check.steps) {
        if (s.outcome == Outcome::Pass) continue;
        if (!s.message.empty()) return redact(s.message);
        if (!s.summary.empty()) return redact(s.summary);
    }
    return outcomeName(check.outcome);
}

}  // namespace kc::grader

// Rendering GitHub-flavoured Markdown. Observed values come from the student's cluster, so they go into code
// spans (no HTML, no mentions, no links) and everything else is escaped.
#include "grader/report_markdown.h"

#include <algorithm>

#include "grader/report_visibility.h"

namespace kc::grader {

namespace {

const char* icon(Outcome outcome) {
    switch (outcome) {
        case Outcome::Pass: return "✅";
        case Outcome::Fail: return "❌";
        case Outcome::Error: return "⚠️";
        case Outcome::Skipped: return "⏭️";
        case Outcome::Blocked: return "⛔";
    }
    return "";
}

std::string flatten(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    std::replace(s.begin(), s.end(), '\r', ' ');
    return s;
}

}  // namespace

std::string markdownCode(const std::string& text) {
    std::string s = flatten(text);
    // The fence must be longer than the longest run of backticks inside.
    size_t longest = 0, run = 0;
    for (char c : s) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    std::string fence(longest + 1, '`');
    // In a table a pipe ends the cell even inside a code span, so it is escaped there too.
    std::string body;
    for (char c : s) {
        if (c == '|') body += "\\|";
        else if (static_cast<unsigned char>(c) >= 0x20 || c == '\t') body += c;
    }
    bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
    return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

std::string markdownText(const std::string& text) {
    std::string out;
    for (char c : flatten(text)) {
        switch (c) {
            case '|': out += "\\|"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            case '`': out += "\\`"; break;
            default:
                // Control characters show as nothing useful and can confuse renderers.
                if (static_cast<unsigned char>(c) >= 0x20 || c == '\t') out += c;
        }
    }
    return out;
}

std::string renderMarkdownReport(const GradeRun& run, const ReportOptions& options) {
    const bool studentFacing = true;
    Redactor redact(run, options, studentFacing);
    auto checks = reportedChecks(run, options, studentFacing);
    ReportTotals totals = totalsOf(checks);

    std::string out = "## " + markdownText(run.lab + (run.title.empty() ? "" : ": " + run.title)) + "\n\n";
    out += "**" + formatPoints(totals.earned) + " / " + formatPoints(totals.points) + " points (" +
           formatPercent(totals.percent) + ")** - " + std::to_string(totals.pass) + " of " +
           std::to_string(checks.size()) + " checks passed.\n\n";
    out += "| | Check | Points | Result |\n|---|---|---|---|\n";
    for (const auto* c : checks) {
        out += std::string("| ") + icon(c->outcome) + " | " + markdownText(c->title) + " (" + markdownCode(c->id) +
               ") | " + formatPoints(c->earned) + "/" + formatPoints(c->points) + " | " + outcomeName(c->outcome) +
               " |\n";
    }

    bool headed = false;
    for (const auto* cp : checks) {
        const auto& c = *cp;
        if (c.outcome == Outcome::Pass) continue;
        if (!headed) {
            out += "\n### What to fix\n";
            headed = true;
        }
        out += "\n#### " + std::string(icon(c.outcome)) + " " + markdownText(c.title) + " (" + markdownCode(c.id) +
               ", " + formatPoints(c.earned) + "/" + formatPoints(c.points) + ")\n\n";
        out += markdownText(reasonLine(c, run, options, studentFacing)) + "\n";
        for (size_t i = 1; i < c.messages.size(); ++i) out += "\n" + markdownText(redact(c.messages[i])) + "\n";
        if (c.outcome == Outcome::Error)
            out += "\nThe grader could not reach or read the cluster, so this is not a mark against your work; "
                   "grade again once the cluster is up.\n";
        bool tableHeaded = false;
        for (const auto& s : c.steps) {
            if (s.outcome == Outcome::Pass) continue;
            for (const auto& m : s.mismatches) {
                if (!tableHeaded) {
                    out += "\n| Where | Expected | Found |\n|---|---|---|\n";
                    tableHeaded = true;
                }
                out += "| " + markdownCode(m.path) + " | " + markdownCode(m.expected) + " | " +
                       markdownCode(m.observed) + " |\n";
            }
        }
        if (!tableHeaded) {
            for (const auto& s : c.steps)
                if (s.outcome != Outcome::Pass && !s.summary.empty())
                    out += "\nFound: " + markdownText(redact(s.summary)) + "\n";
        }
        if (!c.hints.nudge.empty()) out += "\n> **Hint:** " + markdownText(c.hints.nudge) + "\n";
    }
    return out;
}

}  // namespace kc::grader

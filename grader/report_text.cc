// Rendering the text table; colour codes are added after padding so columns line up with and without them.
#include "grader/report_text.h"

#include <algorithm>

#include "grader/report_visibility.h"

namespace kc::grader {

namespace {

constexpr size_t kMessageColumn = 72;

const char* colourOf(Outcome outcome) {
    switch (outcome) {
        case Outcome::Pass: return "\033[32m";     // green
        case Outcome::Fail: return "\033[31m";     // red
        case Outcome::Error: return "\033[35m";    // magenta: the grader, not the student, has a problem
        case Outcome::Skipped: return "\033[2m";   // dim
        case Outcome::Blocked: return "\033[33m";  // yellow
    }
    return "";
}
constexpr const char* kReset = "\033[0m";
constexpr const char* kBold = "\033[1m";

std::string pad(const std::string& s, size_t width) {
    return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string resultCell(Outcome outcome) {
    std::string name = outcomeName(outcome);
    // Upper case for what needs attention, so it stands out without colour too.
    if (outcome == Outcome::Fail || outcome == Outcome::Error) std::transform(name.begin(), name.end(), name.begin(), ::toupper);
    return name;
}

}  // namespace

std::string oneLine(const std::string& text, size_t maxBytes) {
    std::string flat = text;
    std::replace(flat.begin(), flat.end(), '\n', ' ');
    std::replace(flat.begin(), flat.end(), '\r', ' ');
    std::replace(flat.begin(), flat.end(), '\t', ' ');
    if (flat.size() <= maxBytes) return flat;
    size_t cut = maxBytes >= 3 ? maxBytes - 3 : 0;  // room for the 3-byte "…"
    // Back up to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
    while (cut > 0 && (static_cast<unsigned char>(flat[cut]) & 0xC0) == 0x80) --cut;
    return flat.substr(0, cut) + "…";
}

std::string renderTextReport(const GradeRun& run, const ReportOptions& options) {
    const bool studentFacing = true;
    Redactor redact(run, options, studentFacing);
    auto checks = reportedChecks(run, options, studentFacing);
    ReportTotals totals = totalsOf(checks);
    auto paint = [&](const std::string& s, const char* code) {
        return options.color ? std::string(code) + s + kReset : s;
    };

    std::string out;
    out += paint(run.lab + (run.title.empty() ? "" : ": " + run.title), kBold) + "\n";
    // source describes itself ("context kind-lab-02", "snapshot PATH").
    if (!run.source.empty() || !run.mode.empty())
        out += "graded from " + (run.source.empty() ? run.mode : run.source) + "\n";
    out += "\n";

    size_t idWidth = 5, pointsWidth = 6;
    std::vector<std::string> pointCells;
    for (const auto* c : checks) {
        idWidth = std::max(idWidth, c->id.size());
        pointCells.push_back(formatPoints(c->earned) + "/" + formatPoints(c->points));
        pointsWidth = std::max(pointsWidth, pointCells.back().size());
    }
    const size_t resultWidth = 7;
    out += pad("CHECK", idWidth) + "  " + pad("RESULT", resultWidth) + "  " + pad("POINTS", pointsWidth) +
           "  MESSAGE\n";
    for (size_t i = 0; i < checks.size(); ++i) {
        const auto& c = *checks[i];
        std::string message = c.outcome == Outcome::Pass ? (c.messages.empty() ? "" : redact(c.messages.front()))
                                                         : reasonLine(c, run, options, studentFacing);
        std::string line = pad(c.id, idWidth) + "  " +
                           paint(pad(resultCell(c.outcome), resultWidth), colourOf(c.outcome)) + "  " +
                           pad(pointCells[i], pointsWidth) + "  " + oneLine(message, kMessageColumn);
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
    }
    out += "\n";
    std::string counts = std::to_string(totals.pass) + " passed, " + std::to_string(totals.fail) + " failed";
    if (totals.error) counts += ", " + std::to_string(totals.error) + " errors";
    if (totals.skipped) counts += ", " + std::to_string(totals.skipped) + " skipped";
    if (totals.blocked) counts += ", " + std::to_string(totals.blocked) + " blocked";
    out += paint("Total: " + formatPoints(totals.earned) + "/" + formatPoints(totals.points) + " points (" +
                     formatPercent(totals.percent) + ")",
                 kBold) +
           "; " + counts + "\n";

    bool headed = false;
    for (const auto* cp : checks) {
        const auto& c = *cp;
        if (c.outcome == Outcome::Pass) continue;
        if (!headed) {
            out += "\nWhat to fix\n";
            headed = true;
        }
        out += "\n" + paint(c.id, colourOf(c.outcome)) + " - " + c.title + " (" + outcomeName(c.outcome) + ", " +
               formatPoints(c.earned) + "/" + formatPoints(c.points) + ")\n";
        out += "  " + reasonLine(c, run, options, studentFacing) + "\n";
        // Other messages beyond the first, which reasonLine already printed.
        for (size_t i = 1; i < c.messages.size(); ++i) out += "  " + redact(c.messages[i]) + "\n";
        for (const auto& step : c.steps) {
            if (step.outcome == Outcome::Pass) continue;
            if (!step.summary.empty()) out += "  " + std::string(stepKindName(step.kind)) + ": " + redact(step.summary) + "\n";
            for (const auto& m : step.mismatches)
                out += "    at " + m.path + ": expected " + m.expected + ", observed " + m.observed + "\n";
        }
        if (!c.hints.nudge.empty()) out += "  hint: " + c.hints.nudge + "\n";
    }
    if (options.includeHidden && !run.leftovers.empty()) {
        out += "\nLeft behind by the grader (could not be removed):\n";
        for (const auto& l : run.leftovers) out += "  " + l + "\n";
    }
    return out;
}

}  // namespace kc::grader

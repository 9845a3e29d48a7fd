// Building results.json per Gradescope's autograder specification (score, execution_time, output, visibility,
// stdout_visibility, tests[name, number, score, max_score, status, output, visibility, tags]).
#include "grader/report_gradescope.h"

#include "grader/report_visibility.h"

namespace kc::grader {

namespace {

std::string testOutput(const CheckResult& c, const GradeRun& run, const ReportOptions& options,
                       const Redactor& redact) {
    if (c.outcome == Outcome::Pass) {
        std::string text;
        for (const auto& m : c.messages) text += redact(m) + "\n";
        return text;
    }
    std::string text = redact(reasonLine(c, run, options, true)) + "\n";
    for (size_t i = 1; i < c.messages.size(); ++i) text += redact(c.messages[i]) + "\n";
    for (const auto& s : c.steps) {
        if (s.outcome == Outcome::Pass) continue;
        for (const auto& m : s.mismatches)
            text += "at " + m.path + ": expected " + m.expected + ", observed " + m.observed + "\n";
    }
    if (!c.hints.nudge.empty()) text += "Hint: " + c.hints.nudge + "\n";
    return text;
}

}  // namespace

const char* gradescopeVisibility(Visibility visibility) {
    switch (visibility) {
        case Visibility::Visible: return "visible";
        case Visibility::Hidden: return "hidden";
        case Visibility::AfterDueDate: return "after_due_date";
    }
    return "hidden";
}

Json gradescopeResults(const GradeRun& run, const ReportOptions& options) {
    // What a student sees before the due date: only visible checks, whatever the options say.
    ReportOptions strict;
    Redactor redactForStudents(run, strict, true);
    Redactor noRedaction(run, strict, false);

    std::vector<const CheckResult*> checks;
    for (const auto& c : run.checks) {
        if (options.studentView && c.visibility == Visibility::Hidden && !options.includeHidden) continue;
        checks.push_back(&c);
    }
    ReportTotals totals = totalsOf(checks);

    Json tests = Json::array();
    int number = 0;
    for (const auto* cp : checks) {
        const auto& c = *cp;
        ++number;
        // A hidden test's own text is for the instructor; a visible one's must not name what is hidden.
        const Redactor& redact = c.visibility == Visibility::Visible ? redactForStudents : noRedaction;
        Json t = Json::object();
        t["name"] = c.id + ": " + c.title;
        t["number"] = std::to_string(number);
        t["score"] = c.earned;
        t["max_score"] = c.points;
        t["status"] = c.outcome == Outcome::Pass ? "passed" : "failed";
        t["output"] = testOutput(c, run, strict, redact);
        t["visibility"] = gradescopeVisibility(c.visibility);
        if (!c.objective.empty()) t["tags"] = Json::array({c.objective});
        tests.push_back(std::move(t));
    }

    ReportTotals visibleTotals = totalsOf(reportedChecks(run, strict, true));
    Json j = Json::object();
    j["score"] = totals.earned;
    j["execution_time"] = static_cast<double>(run.duration.count()) / 1000.0;
    j["output"] = "Graded " + run.lab + (run.title.empty() ? "" : " (" + run.title + ")") + " from " +
                  (run.source.empty() ? run.mode : run.source) + ". Visible checks: " +
                  formatPoints(visibleTotals.earned) + "/" + formatPoints(visibleTotals.points) + " points, " +
                  std::to_string(visibleTotals.pass) + " of " +
                  std::to_string(visibleTotals.pass + visibleTotals.fail + visibleTotals.error +
                                 visibleTotals.skipped + visibleTotals.blocked) +
                  " passed.";
    j["visibility"] = "visible";
    j["stdout_visibility"] = "hidden";
    j["tests"] = std::move(tests);
    return j;
}

std::string renderGradescopeReport(const GradeRun& run, const ReportOptions& options) {
    return gradescopeResults(run, options).dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace kc::grader

// Building the kubeclass.grade/v1 document. Field order is fixed (ordered JSON) so reports diff cleanly.
#include "grader/report_json.h"

#include "grader/report_visibility.h"

namespace kc::grader {

namespace {

Json stepToJson(const StepResult& step, const Redactor& redact) {
    Json j = Json::object();
    j["kind"] = stepKindName(step.kind);
    j["source"] = step.source.str();
    j["outcome"] = outcomeName(step.outcome);
    j["summary"] = redact(step.summary);
    j["message"] = redact(step.message);
    Json mismatches = Json::array();
    for (const auto& m : step.mismatches)
        mismatches.push_back(Json{{"path", m.path}, {"expected", m.expected}, {"observed", m.observed}});
    j["mismatches"] = std::move(mismatches);
    j["evidence"] = step.evidence;
    j["durationMs"] = step.duration.count();
    return j;
}

Json checkToJson(const CheckResult& c, const Redactor& redact) {
    Json j = Json::object();
    j["id"] = c.id;
    j["title"] = c.title;
    j["objective"] = c.objective;
    j["cluster"] = c.cluster;
    j["visibility"] = visibilityName(c.visibility);
    j["points"] = c.points;
    j["earned"] = c.earned;
    j["outcome"] = outcomeName(c.outcome);
    j["blockedBy"] = redact.mayName(c.blockedBy) ? c.blockedBy : std::string("another check");
    Json messages = Json::array();
    for (const auto& m : c.messages) messages.push_back(redact(m));
    j["messages"] = std::move(messages);
    j["hints"] = Json{{"nudge", c.hints.nudge}, {"command", c.hints.command}, {"solution", c.hints.solution}};
    Json steps = Json::array();
    for (const auto& s : c.steps) steps.push_back(stepToJson(s, redact));
    j["steps"] = std::move(steps);
    j["durationMs"] = c.duration.count();
    return j;
}

}  // namespace

Json gradeRunToJson(const GradeRun& run, const ReportOptions& options) {
    const bool studentFacing = options.studentView;
    Redactor redact(run, options, studentFacing);
    auto checks = reportedChecks(run, options, studentFacing);
    ReportTotals totals = totalsOf(checks);

    Json j = Json::object();
    j["schema"] = kGradeJsonSchema;
    j["view"] = studentFacing ? "student" : "instructor";
    j["lab"] = run.lab;
    j["title"] = run.title;
    j["rubricFile"] = run.rubricFile;
    j["mode"] = run.mode;
    j["source"] = run.source;
    j["clusterVersion"] = run.clusterVersion;
    j["startedAt"] = run.startedAt;
    j["durationMs"] = run.duration.count();
    j["points"] = totals.points;
    j["earned"] = totals.earned;
    j["percent"] = totals.percent;
    j["counts"] = Json{{"pass", totals.pass},
                       {"fail", totals.fail},
                       {"error", totals.error},
                       {"skipped", totals.skipped},
                       {"blocked", totals.blocked}};
    Json list = Json::array();
    for (const auto* c : checks) list.push_back(checkToJson(*c, redact));
    j["checks"] = std::move(list);
    // What the grader created and could not remove names fixtures of any check; instructors only.
    j["leftovers"] = studentFacing ? Json::array() : Json(run.leftovers);
    return j;
}

std::string renderJsonReport(const GradeRun& run, const ReportOptions& options) {
    // Replace invalid UTF-8 (a log line can hold anything) rather than throw.
    return gradeRunToJson(run, options).dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace kc::grader

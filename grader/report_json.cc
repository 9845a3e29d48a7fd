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

namespace {

template <typename Enum, size_t N>
bool enumFromName(const std::string& name, const Enum (&values)[N], const char* (*nameOf)(Enum), Enum& out) {
    for (Enum v : values)
        if (name == nameOf(v)) {
            out = v;
            return true;
        }
    return false;
}

constexpr Outcome kOutcomes[] = {Outcome::Pass, Outcome::Fail, Outcome::Error, Outcome::Skipped, Outcome::Blocked};
constexpr Visibility kVisibilities[] = {Visibility::Visible, Visibility::Hidden, Visibility::AfterDueDate};
constexpr StepKind kStepKinds[] = {StepKind::Assert, StepKind::Absent, StepKind::Apply,  StepKind::Delete,
                                   StepKind::Logs,   StepKind::Events, StepKind::Probe, StepKind::Provenance,
                                   StepKind::Http,   StepKind::File};

}  // namespace

Result<GradeRun> gradeRunFromJson(const Json& d) {
    // nlohmann throws on a wrong type; the module boundary turns that into an error naming the field.
    std::string field = "document";
    try {
        if (!d.is_object() || d.value("schema", "") != kGradeJsonSchema)
            return fail(ErrorKind::Invalid, std::string("not a ") + kGradeJsonSchema + " document");
        GradeRun run;
        field = "lab";
        run.lab = d.value("lab", "");
        field = "title";
        run.title = d.value("title", "");
        field = "rubricFile";
        run.rubricFile = d.value("rubricFile", "");
        field = "mode";
        run.mode = d.value("mode", "");
        field = "source";
        run.source = d.value("source", "");
        field = "clusterVersion";
        run.clusterVersion = d.value("clusterVersion", "");
        field = "startedAt";
        run.startedAt = d.value("startedAt", "");
        field = "durationMs";
        run.duration = Duration(d.value("durationMs", std::int64_t{0}));
        field = "leftovers";
        if (d.contains("leftovers")) run.leftovers = d.at("leftovers").get<std::vector<std::string>>();
        size_t index = 0;
        for (const auto& c : d.value("checks", Json::array())) {
            std::string at = "checks[" + std::to_string(index++) + "].";
            CheckResult check;
            field = at + "id";
            check.id = c.at("id").get<std::string>();
            field = at + "title";
            check.title = c.value("title", "");
            check.objective = c.value("objective", "");
            check.cluster = c.value("cluster", "");
            field = at + "visibility";
            if (!enumFromName(c.value("visibility", "visible"), kVisibilities, visibilityName, check.visibility))
                return fail(ErrorKind::Invalid, "unknown visibility in " + field);
            field = at + "outcome";
            if (!enumFromName(c.value("outcome", ""), kOutcomes, outcomeName, check.outcome))
                return fail(ErrorKind::Invalid, "unknown outcome in " + field);
            field = at + "points";
            check.points = c.value("points", 0.0);
            field = at + "earned";
            check.earned = c.value("earned", 0.0);
            field = at + "blockedBy";
            check.blockedBy = c.value("blockedBy", "");
            field = at + "messages";
            check.messages = c.value("messages", std::vector<std::string>{});
            field = at + "hints";
            if (c.contains("hints")) {
                const auto& h = c.at("hints");
                check.hints.nudge = h.value("nudge", "");
                check.hints.command = h.value("command", "");
                check.hints.solution = h.value("solution", "");
            }
            field = at + "durationMs";
            check.duration = Duration(c.value("durationMs", std::int64_t{0}));
            size_t stepIndex = 0;
            for (const auto& s : c.value("steps", Json::array())) {
                field = at + "steps[" + std::to_string(stepIndex++) + "]";
                StepResult step;
                if (!enumFromName(s.value("kind", ""), kStepKinds, stepKindName, step.kind) ||
                    !enumFromName(s.value("outcome", ""), kOutcomes, outcomeName, step.outcome))
                    return fail(ErrorKind::Invalid, "unknown kind or outcome in " + field);
                step.source.file = s.value("source", "");
                step.summary = s.value("summary", "");
                step.message = s.value("message", "");
                for (const auto& m : s.value("mismatches", Json::array()))
                    step.mismatches.push_back({m.value("path", ""), m.value("expected", ""), m.value("observed", "")});
                step.evidence = s.value("evidence", std::vector<std::string>{});
                step.duration = Duration(s.value("durationMs", std::int64_t{0}));
                check.steps.push_back(std::move(step));
            }
            run.checks.push_back(std::move(check));
        }
        return run;
    } catch (const std::exception& e) {
        return fail(ErrorKind::Invalid, "grade document: field " + field + ": " + e.what());
    }
}

}  // namespace kc::grader

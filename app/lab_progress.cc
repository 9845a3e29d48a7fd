// Step status and lab score from stored check runs.
#include "app/lab_progress.h"

#include <algorithm>

#include "grader/report.h"
#include "grader/report_json.h"

namespace kc::app {

const char* stepStatusName(StepStatus status) {
    switch (status) {
        case StepStatus::NoChecks: return "no checks";
        case StepStatus::NotChecked: return "not checked";
        case StepStatus::Passed: return "passed";
        case StepStatus::Failed: return "failed";
        case StepStatus::Partial: return "partly passed";
        case StepStatus::Error: return "could not check";
    }
    return "";
}

std::optional<grader::GradeRun> reportOf(const LabCheckRun& run) {
    if (run.reportJson.empty()) return std::nullopt;
    Json doc = Json::parse(run.reportJson, nullptr, false);
    if (doc.is_discarded()) return std::nullopt;
    auto parsed = grader::gradeRunFromJson(doc);
    if (!parsed) return std::nullopt;
    return *parsed;
}

std::map<std::string, grader::Outcome> latestOutcomes(const std::vector<LabCheckRun>& runsNewestFirst) {
    std::map<std::string, grader::Outcome> out;
    for (const auto& run : runsNewestFirst) {
        if (run.outcome != "graded") continue;
        auto report = reportOf(run);
        if (!report) continue;
        for (const auto& c : report->checks) out.emplace(c.id, c.outcome);  // emplace keeps the newer one
    }
    return out;
}

StepStatus stepStatus(const std::vector<std::string>& checkIds, const std::map<std::string, grader::Outcome>& latest) {
    if (checkIds.empty()) return StepStatus::NoChecks;
    int pass = 0, fail = 0, error = 0, other = 0;
    for (const auto& id : checkIds) {
        auto it = latest.find(id);
        if (it == latest.end()) return StepStatus::NotChecked;
        switch (it->second) {
            case grader::Outcome::Pass: ++pass; break;
            case grader::Outcome::Fail:
            case grader::Outcome::Blocked: ++fail; break;
            case grader::Outcome::Error: ++error; break;
            case grader::Outcome::Skipped: ++other; break;
        }
    }
    if (pass == static_cast<int>(checkIds.size())) return StepStatus::Passed;
    if (pass > 0 || (fail == 0 && error == 0)) return StepStatus::Partial;
    if (fail > 0) return StepStatus::Failed;
    return StepStatus::Error;
}

std::optional<LabScore> labScore(const std::vector<LabCheckRun>& runsNewestFirst) {
    for (const auto& run : runsNewestFirst)
        if (run.scope == "all" && run.outcome == "graded") return LabScore{run.earned, run.points};
    return std::nullopt;
}

std::string formatScore(const LabScore& score) {
    return grader::formatPoints(score.earned) + " / " + grader::formatPoints(score.points);
}

}  // namespace kc::app

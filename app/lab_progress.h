// What the Labs page shows from progress.db's check runs: each check's latest outcome, a step's status and the lab's
// score. Qt-free, so the rules are unit-tested without a display.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/progress_store.h"
#include "grader/grade_result.h"

namespace kc::app {

enum class StepStatus { NoChecks, NotChecked, Passed, Failed, Partial, Error };
const char* stepStatusName(StepStatus status);  // "no checks", "not checked", "passed", ...

// A stored run's report read back (empty when it holds none or cannot be read).
std::optional<grader::GradeRun> reportOf(const LabCheckRun& run);

// For every check, the outcome in the newest graded run that reported it (runs newest first, as checkRuns gives).
std::map<std::string, grader::Outcome> latestOutcomes(const std::vector<LabCheckRun>& runsNewestFirst);

// passed: every check passed; failed: none passed and one failed or was blocked; partial: some passed, or some were
// skipped; error: the latest outcome of one is error and none failed; not checked: one has no outcome yet.
StepStatus stepStatus(const std::vector<std::string>& checkIds, const std::map<std::string, grader::Outcome>& latest);

struct LabScore {
    double earned = 0;
    double points = 0;
};
// The lab's score: the newest graded run of scope "all" (Check all, not a snapshot), if any.
std::optional<LabScore> labScore(const std::vector<LabCheckRun>& runsNewestFirst);
// "38 / 70"
std::string formatScore(const LabScore& score);

}  // namespace kc::app

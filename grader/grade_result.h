// What grading a lab produces: one result per check with its steps, mismatches and evidence, and the run's
// totals. Every report format (text, JSON, JUnit, Gradescope, Markdown) and the gradebook read this shape.
#pragma once

#include <string>
#include <vector>

#include "grader/matcher.h"
#include "grader/rubric.h"

namespace kc::grader {

// pass: every step held. fail: the student's state does not meet the check. error: the grader could not tell
// (cluster unreachable, 403, timeout talking to the API) — never reported as fail. skipped: the check needs a
// live cluster and this run read a snapshot. blocked: a check it needs did not pass.
enum class Outcome { Pass, Fail, Error, Skipped, Blocked };
const char* outcomeName(Outcome outcome);  // "pass", "fail", "error", "skipped", "blocked"

struct StepResult {
    StepKind kind = StepKind::Assert;
    SourceRef source;        // where the step is written in the rubric
    Outcome outcome = Outcome::Pass;
    std::string summary;     // what was looked for and what was found: "2 of at least 3 Pods matched"
    std::string message;     // the step's student-facing message (shown when it failed)
    std::vector<Mismatch> mismatches;   // for the closest candidate, when a match failed
    std::vector<std::string> evidence;  // objects ("apps/v1 Deployment shop/web @rv 812") and log lines used
    Duration duration{};
};

struct CheckResult {
    std::string id;
    std::string title;
    std::string objective;
    std::string cluster;
    Visibility visibility = Visibility::Visible;
    double points = 0;
    double earned = 0;
    Outcome outcome = Outcome::Pass;
    std::string blockedBy;              // the needed check that did not pass, for blocked
    std::vector<std::string> messages;  // student-facing: feedback, step messages, errors
    Hints hints;
    std::vector<StepResult> steps;
    Duration duration{};
};

struct GradeRun {
    static constexpr int kSchemaVersion = 1;
    std::string lab;
    std::string title;
    std::string rubricFile;
    std::string mode;    // "live" or "snapshot"
    std::string source;  // "context kind-lab-02" or the snapshot path
    std::string clusterVersion;
    std::string startedAt;  // RFC 3339, UTC
    Duration duration{};
    std::vector<CheckResult> checks;  // in rubric order
    std::vector<std::string> leftovers;  // objects the grader created and could not remove

    double points() const;  // over all checks
    double earned() const;
    double percent() const;  // 0 when there are no points
};

}  // namespace kc::grader

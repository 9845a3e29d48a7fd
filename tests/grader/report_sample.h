// A hand-built GradeRun for the report tests: one check of every outcome and visibility, a hidden check that a
// visible one needs, and text that needs escaping in every format.
#pragma once

#include <string>

#include "grader/grade_result.h"

namespace kc::grader::testing {

// Markers that must never reach a student: everything written about the hidden check.
inline constexpr const char* kHiddenId = "rbac-review";
inline constexpr const char* kHiddenTitle = "Trainer account may create TrainingJobs";
inline constexpr const char* kHiddenMessage = "HIDDEN-MESSAGE the trainer is denied";
inline constexpr const char* kHiddenHint = "HIDDEN-HINT look at the RoleBinding";
inline constexpr const char* kNasty = "Quotes \"q\" & <b>tags</b> ]]> pipe | tick ` ctl\x01 end";

inline GradeRun sampleRun() {
    GradeRun run;
    run.lab = "lab-02";
    run.title = "Advanced GPU scheduling";
    run.rubricFile = "labs/lab-02-gpu/rubric.yaml";
    run.mode = "snapshot";
    run.source = "snapshot examples/typical";
    run.clusterVersion = "v1.31.0";
    run.startedAt = "2026-11-22T10:00:00Z";
    run.duration = Duration(1234);

    CheckResult crd;
    crd.id = "crd-installed";
    crd.title = "The TrainingJob CRD is installed";
    crd.objective = "Extend the API";
    crd.points = 5;
    crd.earned = 5;
    crd.outcome = Outcome::Pass;
    crd.messages = {"The CRD is established."};
    crd.duration = Duration(12);
    run.checks.push_back(crd);

    CheckResult pc;
    pc.id = "priority-classes";
    pc.title = "PriorityClasses for training";
    pc.points = 10;
    pc.outcome = Outcome::Fail;
    pc.messages = {"training-high must outrank inference"};
    pc.hints = {"Look at how the scheduler orders pending pods.", "kubectl get priorityclass", "SOLUTION-TIER"};
    StepResult step;
    step.kind = StepKind::Assert;
    step.source = {"labs/lab-02-gpu/rubric.yaml", {14, 9}};
    step.outcome = Outcome::Fail;
    step.summary = "0 of at least 1 PriorityClass matched";
    step.message = "training-high must outrank inference";
    step.mismatches = {{".value", "> 1000", "500"}};
    step.evidence = {"scheduling.k8s.io/v1 PriorityClass training-high @rv 812"};
    step.duration = Duration(3);
    pc.steps.push_back(step);
    pc.duration = Duration(4);
    run.checks.push_back(pc);

    CheckResult hidden;
    hidden.id = kHiddenId;
    hidden.title = kHiddenTitle;
    hidden.visibility = Visibility::Hidden;
    hidden.points = 4;
    hidden.outcome = Outcome::Fail;
    hidden.messages = {kHiddenMessage};
    hidden.hints.nudge = kHiddenHint;
    run.checks.push_back(hidden);

    CheckResult late;
    late.id = "preemption-works";
    late.title = "A high-priority job preempts batch work";
    late.visibility = Visibility::AfterDueDate;
    late.points = 8;
    late.outcome = Outcome::Skipped;
    late.messages = {"needs a live cluster: apply is not graded from a snapshot"};
    run.checks.push_back(late);

    CheckResult blocked;
    blocked.id = "operator-reconciles";
    blocked.title = "The operator creates pods";
    blocked.points = 6;
    blocked.outcome = Outcome::Blocked;
    blocked.blockedBy = kHiddenId;
    blocked.messages = {std::string("blocked: needs ") + kHiddenId + " (" + kHiddenTitle + "), which did not pass"};
    run.checks.push_back(blocked);

    CheckResult error;
    error.id = "quota";
    error.title = "A ResourceQuota caps GPUs";
    error.points = 3;
    error.outcome = Outcome::Error;
    error.messages = {"cluster unreachable: connection refused"};
    run.checks.push_back(error);

    CheckResult nasty;
    nasty.id = "nasty-text";
    nasty.title = std::string("Title with ") + kNasty;
    nasty.points = 2;
    nasty.outcome = Outcome::Fail;
    nasty.messages = {std::string("Message with ") + kNasty};
    StepResult nastyStep;
    nastyStep.outcome = Outcome::Fail;
    nastyStep.mismatches = {{".data[\"a|b\"]", "\"`x`\"", std::string("\"") + kNasty + "\""}};
    nasty.steps.push_back(nastyStep);
    run.checks.push_back(nasty);

    run.leftovers = {"v1 Pod ml/preemptor"};
    return run;
}

}  // namespace kc::grader::testing

// One step against one source: evaluates assert/absent/logs/events/provenance from source reads, and performs
// apply/delete/probe on a live cluster. The retry loop and check bookkeeping live in check_runner.cc.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clusters/kube_client.h"
#include "grader/grade_result.h"
#include "grader/object_source.h"
#include "grader/rubric.h"

namespace kc::grader {

// An object the grader created and must remove after the check.
struct CreatedObject {
    ObjectRef ref;
    std::string uid;
};

struct StepContext {
    ObjectSource& source;
    const Rubric& rubric;
    std::string applyNamespace;  // fallback for apply objects that name none
    std::shared_ptr<Cancellation> cancel;
    std::chrono::steady_clock::time_point deadline;  // of this step (its timeout, bounded by the check's)
    std::vector<CreatedObject>* created = nullptr;   // apply appends here, in order
    std::vector<std::string>* leftovers = nullptr;   // probe cleanup failures
    Duration cleanupTimeout = std::chrono::seconds(30);
    std::string submissionRoot;  // the student's submission folder; empty: none given (file steps are skipped)
};

// The namespace a step target reads: its own, else the rubric's defaults.namespace.
std::string effectiveNamespace(const Rubric& rubric, const std::string& written);

// Evaluates one step once. Outcome Pass/Fail/Error/Skipped with summary, mismatches and evidence filled in.
StepResult evaluateStep(const Step& step, StepContext& ctx);

// What a failing read-only step waits on before it is evaluated again in live mode; nullopt: not retried.
std::optional<SourceQuery> retryQuery(const Step& step, const Rubric& rubric);

// How long a failing step with no query to watch waits before it is evaluated again in live mode (http polls the
// service); nullopt: not retried that way.
std::optional<Duration> retryPollInterval(const Step& step);

// Deletes what a check created, newest first, waiting for each; returns those that could not be removed.
std::vector<std::string> cleanUp(KubeClient& client, std::vector<CreatedObject> created, Duration timeout);

}  // namespace kc::grader

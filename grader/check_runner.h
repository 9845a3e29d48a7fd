// Runs a rubric's checks against object sources and fills the GradeRun: needs/blocked, per-check and per-step
// timeouts, live retries driven by watches, skipping live-only checks on snapshots, cleanup, cancellation.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "clusters/transport.h"
#include "grader/grade_result.h"
#include "grader/object_source.h"
#include "grader/rubric.h"

namespace kc::grader {

struct RunOptions {
    std::shared_ptr<Cancellation> cancel;
    std::function<void(const std::string& line)> progress;  // to stderr in the CLI
    std::string applyNamespace;                             // default namespace for apply fixtures
    std::chrono::system_clock::time_point now;              // for startedAt; the epoch (default) means the clock
    Duration cleanupTimeout = std::chrono::seconds(30);     // per object the grader deletes after a check
    std::string submissionRoot;  // the student's submission folder for file steps; empty: they are skipped
};

// sources: cluster name → source ("" = the default cluster; checks with `cluster:` use that name, falling back
// to "" when only one source is given). Points: a check that passes earns its points, anything else earns 0.
GradeRun runChecks(const Rubric& rubric, const std::map<std::string, ObjectSource*>& sources,
                   const RunOptions& options);

}  // namespace kc::grader

// Grading a roster: fetch each student's submission, grade it, save it in the gradebook, with N workers, one
// shard of the roster, resume (students already final in the batch are skipped) and progress reports.
// The outside world sits behind SubmissionSource (fetching) and SubmissionGrader (grading), so tests substitute
// both and the CLI plugs in git and the snapshot grader.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clusters/clock.h"
#include "clusters/result.h"
#include "clusters/transport.h"
#include "grader/gradebook.h"
#include "grader/roster.h"
#include "grader/rubric.h"
#include "grader/submission_source.h"

namespace kc::grader {

// --shard I/N: this machine grades the roster rows whose index (0-based, in file order) % N == I - 1.
struct BatchShard {
    int index = 1;  // 1..count
    int count = 1;
};
// "I/N" with 1 <= I <= N <= 10000; Invalid names what is wrong.
Result<BatchShard> parseShard(const std::string& text);
bool inShard(size_t rowIndex, const BatchShard& shard);

// Grades one fetched submission (its files are in submission.treeDir).
class SubmissionGrader {
public:
    virtual ~SubmissionGrader() = default;
    // Safe to call from several workers at once. An error is this student's (a missing or unreadable capture).
    virtual Result<GradeRun> grade(const RosterEntry& student, const FetchedSubmission& submission) = 0;
};

// Where a snapshot-mode submission keeps its capture, relative to the submission root: a directory written by
// `kubeclass-grade capture` (or holding a kubectl List dump), and per cluster of a multi-cluster lab capture/<cluster>/.
inline constexpr const char* kSubmissionCaptureDir = "capture";

// Grades the capture with the snapshot source and the check runner, as `kubeclass-grade check --snapshot`.
std::unique_ptr<SubmissionGrader> makeSnapshotGrader(std::shared_ptr<const Rubric> rubric);

struct BatchProgress {
    size_t done = 0;     // submissions handled in this run (graded, missing or failed)
    size_t total = 0;    // to handle in this run (the shard, less what an earlier run finished)
    size_t resumed = 0;  // skipped because an earlier run finished them
    size_t errors = 0;
    double perSecond = 0;   // over this run so far
    double etaSeconds = 0;  // at that rate
    std::string student;    // the one just handled
    std::string outcome;    // "graded 7.5/10", "missing", "error: ..."
};

struct BatchOptions {
    std::int64_t batchId = 0;
    SubmissionWindow window;
    int jobs = 1;
    BatchShard shard;
    // Regrade students already final in the batch (audited as by regradeBy) instead of skipping them.
    std::optional<RegradeBy> regradeBy;
    double pointsAvailable = 0;  // recorded for missing and failed submissions
    std::shared_ptr<Cancellation> cancel;  // stops handing out students; in-flight ones finish and are saved
    std::function<void(const BatchProgress&)> progress;  // called under a lock, one submission at a time
    std::shared_ptr<Clock> clock;  // nullptr: the system clock
};

struct BatchSummary {
    size_t inShard = 0;
    size_t resumed = 0;
    size_t graded = 0;
    size_t missing = 0;
    size_t errors = 0;
    bool cancelled = false;
    std::chrono::milliseconds wall{0};
};

// Errors are about the gradebook only (it could not be read or written); a student's problem is recorded
// as that student's error row and the batch goes on.
Result<BatchSummary> runBatch(const Roster& roster, SubmissionSource& source, SubmissionGrader& grader,
                              Gradebook& gradebook, const BatchOptions& options);

}  // namespace kc::grader
